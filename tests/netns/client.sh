#!/bin/sh
# client.sh - the stack as a client of kernel servers (nc -l) across the
# TAP device: it connects, data goes both ways, and the connection is
# closed once by the stack first (FIN-WAIT-1, then TIME-WAIT) and
# once by the kernel first (CLOSE-WAIT, LAST-ACK); a connection to a
# closed kernel port is answered with RST and reported as "refused".  The
# script's own expectations check the stack's side (exit status 0); the
# test checks what the kernel side received.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd

# Listening in /proc/net/tcp (state 0A) on port $1 (hex)?
listening() {
	grep -q ":$1 00000000:0000 0A" /proc/net/tcp
}

# 5001: the stack closes first (nc sends, then waits for the stack's FIN).
printf 'from kernel 1\n' | nc -4 -l 5001 >"$TMP/got1" 2>"$TMP/nc1" &
BG_PIDS="$!"
# 5002: the kernel closes first (-N: FIN once its input is sent).
printf 'from kernel 2\n' | nc -4 -N -l 5002 >"$TMP/got2" 2>"$TMP/nc2" &
BG_PIDS="$BG_PIDS $!"
n=1500
until listening 1389 && listening 138A; do
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "the kernel servers did not start listening"
	sleep 0.02
done

cat >"$TMP/s.tvs" <<TVS
connect tcpviz to $KADDR:5001 as c
run until c is ESTABLISHED within 60s
send c "from tcpviz 1\n"
run until c received 14 within 60s
expect c received "from kernel 1\n"
close c
run until c is TIME-WAIT within 60s

connect tcpviz to $KADDR:5002 as d
run until d is ESTABLISHED within 60s
send d "from tcpviz 2\n"
run until d is CLOSE-WAIT within 60s
expect d received "from kernel 2\n"
expect d eof
close d
run until d is CLOSED within 60s

connect tcpviz to $KADDR:5003 as e
run until e is CLOSED within 60s
expect e error refused
TVS
tv_start "$TMP/s.tvs"
tv_wait
[ "$TV_STATUS" -eq 0 ] || fail "the script failed (status $TV_STATUS)"
for p in $BG_PIDS; do
	wait "$p" || fail "a kernel nc failed: $(cat "$TMP/nc1" "$TMP/nc2")"
done
BG_PIDS=
[ "$(cat "$TMP/got1")" = "from tcpviz 1" ] || fail "kernel server 1 got '$(cat "$TMP/got1")'"
[ "$(cat "$TMP/got2")" = "from tcpviz 2" ] || fail "kernel server 2 got '$(cat "$TMP/got2")'"
# The kernel may ACK our FIN with its own: FIN-WAIT-1 -> TIME-WAIT at once.
for s in 'ESTABLISHED -> FIN-WAIT-1' ' -> TIME-WAIT' 'ESTABLISHED -> CLOSE-WAIT' 'CLOSE-WAIT -> LAST-ACK' 'LAST-ACK -> CLOSED' \
	'SYN-SENT -> CLOSED'; do
	grep -a -q -- "$s" "$TMP/out" || fail "no '$s' in the transcript"
done
echo "PASS: stack client: both closes, data both ways, refused"
