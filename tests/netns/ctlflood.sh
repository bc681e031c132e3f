#!/bin/sh
# ctlflood.sh - control-socket clients that flood requests and never read
# their answers, while 32 MiB go through the echo service over TAP.
#
# Flooder F1 subscribes to the event stream, then sends `stats` without
# end.  The daemon answers until F1's unread output reaches half its
# client buffer (--client-buffer, 256 KiB here), then stops reading F1;
# the transfer's events keep coming, F1's output reaches the bound and
# the daemon drops it (stats: dropped_slow, and its log says why), unless
# the stall rule below gets it first.  Flooder F2 only sends `help`
# without end: it is throttled (its requests wait in its socket, its
# unread replies stay under the bound), and once it has read nothing for
# --client-stall (1 s here) it is dropped too (dropped_stalled).  The
# daemon serves everyone else all along: the 32 MiB come back byte for
# byte (tests/netns/echoload with one client), another ctl client gets
# `ping` answered, and at the end SIGTERM stops the daemon cleanly.
#
# A flooder never reads: its nc writes what it gets into a FIFO that this
# script holds open and never reads, so nc blocks once the FIFO is full
# and the socket's buffers fill behind it.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd
need mkfifo coreutils
need yes coreutils

BYTES=33554432
BOUND=262144
ECHOLOAD=${ECHOLOAD:-$(pwd)/tests/netns/echoload}
[ -x "$ECHOLOAD" ] || fail "no echoload at $ECHOLOAD"

# One number from the server's stats (0 if absent).
stat() {
	ctl stats >"$TMP/stats" 2>&1 || return 1
	v=$(grep -o "\"$1\":[0-9]*" "$TMP/stats" | head -1 | cut -d: -f2)
	echo "${v:-0}"
}

daemon_start echo --client-buffer "$BOUND" --client-stall 1000

mkfifo "$TMP/sink1" "$TMP/sink2" || fail "mkfifo failed"
exec 7<>"$TMP/sink1" 8<>"$TMP/sink2"
{ echo 'subscribe json'; yes stats; } 2>/dev/null | nc -U "$SOCK" >&7 2>/dev/null 7>&- 8>&- &
BG_PIDS=$!
yes help 2>/dev/null | nc -U "$SOCK" >&8 2>/dev/null 7>&- 8>&- &
BG_PIDS="$BG_PIDS $!"
until_ok sh -c "'$TCPVIZ' ctl --socket '$SOCK' stats | grep -q '\"subscribers\":1'" ||
	fail "the flooder did not subscribe"

# Pings from a third client while the flooders flood, before and while
# the transfer runs.
pings=0
for _ in 1 2 3; do
	ctl ping >"$TMP/ping" 2>&1 || fail "ping unanswered during the flood: $(cat "$TMP/ping")"
	pings=$((pings + 1))
done
"$ECHOLOAD" -c 1 -b "$BYTES" -s 60 "$SADDR" 7 >"$TMP/out" 2>&1 &
xfer=$!
BG_PIDS="$BG_PIDS $xfer"
while alive "$xfer"; do
	ctl ping >"$TMP/ping" 2>&1 || fail "ping unanswered during the flood: $(cat "$TMP/ping")"
	pings=$((pings + 1))
	sleep 0.1
done
wait "$xfer" || fail "the transfer failed: $(tail -3 "$TMP/out")"
cat "$TMP/out"
grep -q "^echoload: 1 of 1 connections echoed $BYTES bytes each intact" "$TMP/out" ||
	fail "32 MiB did not come back intact"

# Both go: F1 once its output passes the bound (the transfer's events did
# it, or the next ones will: keep a little traffic going) or it stalls;
# F2 once it has read nothing for a second while throttled.
n=0
while [ $(($(stat dropped_slow) + $(stat dropped_stalled))) -lt 2 ]; do
	n=$((n + 1))
	[ "$n" -le 60 ] || fail "the flooders were not both dropped: $(cat "$TMP/stats")"
	printf 'more events\n' | timeout 30 nc -N "$SADDR" 7 >/dev/null
	sleep 0.5
done
[ "$(stat dropped_stalled)" -ge 1 ] || fail "the flooder of requests was not dropped as stalled"
grep -q 'dropped: it read nothing for 1000 ms' "$TMP/err" ||
	fail "the daemon's log does not say it dropped the stalled client"
ctl ping >"$TMP/ping" 2>&1 || fail "ping unanswered after the flood"
stat requests >/dev/null || fail "no stats"
echo "server stats: $(cat "$TMP/stats")"
echo "pings answered during the flood: $pings;" \
	"daemon peak memory $(grep '^VmHWM:' "/proc/$TV_PID/status" | tr -s ' \t' ' ' | cut -d' ' -f2-)"
alive "$TV_PID" || fail "the daemon died"
slow=$(stat dropped_slow) stalled=$(stat dropped_stalled)
tv_stop
[ "$TV_STATUS" -eq 0 ] || fail "the daemon exited $TV_STATUS after SIGTERM"
exec 7>&- 8>&-
echo "PASS: both flooders dropped (slow $slow, stalled $stalled); 32 MiB intact; $pings pings answered"
