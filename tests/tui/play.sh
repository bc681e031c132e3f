#!/bin/sh
# play.sh - `tcpviz play handshake`: the lesson runs to its first pause
# and says so; n goes on to the next pause (A's SYN held, the narration
# on screen), n again (B in SYN-RECEIVED); b steps back to the previous
# pause, replaying the lesson to the same moment (B's end gone again, the
# SYN held again); n then plays the same stretch once more.
. "${srcdir:-.}/tests/tui/lib.sh"

paused_line() {
	screen "$1" | sed -n 's/.*paused (line \([0-9]*\)).*/\1/p' | tail -n 1
}

# wait_pause NAME OLD: until the lesson stops at a pause after line OLD.
wait_pause() {
	i=0
	while :; do
		l=$(paused_line "$1")
		[ -n "$l" ] && [ "$l" -gt "$2" ] && return 0
		i=$((i + 1))
		[ $i -le "$TRIES" ] || { screen "$1"; fail "the lesson stops at its next pause"; }
		sleep 0.05
	done
}

start play -- play handshake
wait_for play 'lesson: handshake' "the header names the lesson"
wait_pause play 0
p1=$(paused_line play)
wait_for play '^ B:80 +\* +LISTEN' "B listens before the first pause"
keys play n
wait_pause play "$p1"
p2=$(paused_line play)
wait_for play '^ A:[0-9]+ +B:80 +SYN-SENT' "A's SYN at the second pause"
wait_for play 'Wire queue \(1 held\)' "the SYN is held"
wait_for play '1\. A sends SYN' "the narration is on screen"
keys play n
wait_pause play "$p2"
p3=$(paused_line play)
wait_for play '^ B:80 +A:[0-9]+ +SYN-RECEIVED' "B in SYN-RECEIVED at the third pause"
keys play b
wait_for play 'stepped back to' "b steps back"
wait_gone play 'SYN-RECEIVED' "B's end is not there yet"
wait_for play '^ A:[0-9]+ +B:80 +SYN-SENT' "A in SYN-SENT again"
wait_for play 'Wire queue \(1 held\)' "the SYN is held again"
keys play n
wait_for play "paused \\(line $p3\\)" "the same stretch plays again"
wait_for play '^ B:80 +A:[0-9]+ +SYN-RECEIVED' "B in SYN-RECEIVED again"
finish play
echo "PASS: a lesson played pause by pause, and stepped back"
