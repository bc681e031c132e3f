#!/bin/sh
# resize.sh - the layout follows the terminal: at 120x40 the panes fill
# 120 columns; resized to 90x30 the frame is drawn again for 90x30 (tmux
# only crops what is there: the header's clock, right-aligned, and the
# status line, on the last row, come back only with a full redraw);
# below 80x24 one message says the size needed; back at 100x35 the panes
# return.
. "${srcdir:-.}/tests/tui/lib.sh"

# The width of the widest line of the screen in columns, trailing blanks
# ignored.
width() {
	screen "$1" | sed 's/ *$//' | LC_ALL=C.UTF-8 wc -L
}

start demo --
wait_for demo 'press n to start a handshake'
keys demo n
wait_for demo '^ A:[0-9]+ +B:7 +SYN-SENT'
[ "$(width demo)" -eq 120 ] || fail "120 columns drawn at 120x40 (got $(width demo))"
T resize-window -t demo -x 90 -y 30
i=0
until [ "$(screen demo | wc -l)" -eq 30 ] && [ "$(width demo)" -eq 90 ] &&
	screen demo | head -n 1 | grep -Eq '[0-9]{2}:[0-9]{2}:[0-9]{2}$' &&
	screen demo | tail -n 1 | grep -q 'SYN-SENT'; do
	i=$((i + 1))
	[ $i -le "$TRIES" ] || { screen demo; fail "a full frame at 90x30"; }
	sleep 0.05
done
[ "$(screen demo | head -n 1 | LC_ALL=C.UTF-8 wc -L)" -eq 90 ] || fail "the header spans 90 columns"
wait_for demo 'Ladder A:[0-9]+ . B:7' "the ladder's contents kept"
T resize-window -t demo -x 70 -y 20
wait_for demo 'Terminal too small' "a message below 80x24"
wait_for demo '70.20, needs 80.24' "the sizes in the message"
T resize-window -t demo -x 100 -y 35
wait_for demo 'Ladder A:[0-9]+ . B:7' "the panes are back at 100x35"
wait_gone demo 'Terminal too small'
finish demo
echo "PASS: resize redraws the whole frame"
