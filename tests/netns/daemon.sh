#!/bin/sh
# daemon.sh - the daemon on a TAP link, driven by `tcpviz ctl` over its
# control socket: ctl connects the stack to a kernel server (the handshake
# crosses the link), holds the stack's inbound side, drops the kernel's
# FIN when it is held there, and the kernel's retransmitted FIN brings the
# connection to CLOSE-WAIT.  Two followers of the event stream, one of
# them read-only, see the same events.  Then garbage on the control socket
# is answered with errors while 32 MiB go through the echo service and
# come back hash-equal.  The daemon, started as root, runs as nobody once
# the device is open.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd
need sha256sum coreutils
need mkfifo coreutils

daemon_start echo
# Root is dropped once the device is open and the socket exists.
if [ -z "${SUDO_UID:-}" ]; then
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$TV_PID/status")
	[ "$uid" = 65534 ] || fail "the daemon on $TAP runs as uid $uid, not nobody"
fi

ctl --follow --json >"$TMP/f1" 2>&1 &
BG_PIDS=$!
ctl --readonly --follow --json >"$TMP/f2" 2>&1 &
BG_PIDS="$BG_PIDS $!"
until_ok sh -c "'$TCPVIZ' ctl --socket '$SOCK' stats | grep -q '\"subscribers\":2'" ||
	fail "the two followers did not subscribe"

# The kernel's server; its input is a FIFO we hold open, so it sends its
# FIN (-N) only when we close it.
mkfifo "$TMP/kin" || fail "mkfifo failed"
exec 5<>"$TMP/kin"
nc -4 -N -l 5003 <"$TMP/kin" >"$TMP/kgot" 2>/dev/null 5>&- &
BG_PIDS="$BG_PIDS $!"
until_ok grep -q ':138B 00000000:0000 0A' /proc/net/tcp || fail "the kernel server did not listen"

ctl connect tcpviz to "$KADDR:5003" as c >"$TMP/r" || fail "ctl connect: $(cat "$TMP/r")"
ctl run until c is ESTABLISHED within 60s >"$TMP/r" || fail "no handshake: $(cat "$TMP/r")"
ctl hold tcpviz in >"$TMP/r" || fail "ctl hold: $(cat "$TMP/r")"
exec 5>&-
until_ok ctl expect tcpviz held == 1 || fail "the kernel's FIN was never held"
ctl drop next >"$TMP/r" || fail "ctl drop: $(cat "$TMP/r")"
ctl pass tcpviz in >"$TMP/r" || fail "ctl pass: $(cat "$TMP/r")"
ctl run until c is CLOSE-WAIT within 60s >"$TMP/r" ||
	fail "the retransmitted FIN did not come: $(cat "$TMP/r")"

# The stream shows it: the FIN held, dropped, and the state change after
# the kernel sent it again.
for f in "$TMP/f1" "$TMP/f2"; do
	wait_for "$f" '"old":"ESTABLISHED","new":"CLOSE-WAIT"' 60 ||
		fail "$(basename "$f"): no CLOSE-WAIT in the event stream"
	grep -a -q '"action":"held","dir":"in".*"flags":"FIN' "$f" || fail "$(basename "$f"): no held FIN"
	grep -a -q '"action":"dropped","dir":"in".*"flags":"FIN' "$f" ||
		fail "$(basename "$f"): no dropped FIN"
	grep -a -q '"new":"ESTABLISHED"' "$f" || fail "$(basename "$f"): no handshake"
done
grep -a '"type":"state"' "$TMP/f1" >"$TMP/s1"
grep -a '"type":"state"' "$TMP/f2" >"$TMP/s2"
cmp -s "$TMP/s1" "$TMP/s2" || fail "the read-only follower saw other state changes"

# Garbage on the socket while data flows: error replies, the data intact.
head -c 33554432 /dev/urandom >"$TMP/data"
nc -N "$SADDR" 7 <"$TMP/data" >"$TMP/back" &
xfer=$!
BG_PIDS="$BG_PIDS $xfer"
i=0
while [ $i -lt 20 ]; do
	printf 'frobnicate\n\001\002\377\376\n{"json": true}\nconnect\nrelease 99999\n' |
		nc -N -U "$SOCK" >>"$TMP/garbage" 2>&1
	i=$((i + 1))
done
wait "$xfer" || fail "the echo transfer failed"
[ "$(sha256sum <"$TMP/data")" = "$(sha256sum <"$TMP/back")" ] ||
	fail "32 MiB through echo while garbage came in: the hashes differ"
bad=$(grep -c '"ok":false' "$TMP/garbage")
[ "$bad" -ge 100 ] || fail "only $bad error replies to 100 bad requests: $(head -5 "$TMP/garbage")"
ctl stats >"$TMP/r" || fail "the daemon stopped answering after the garbage"
alive "$TV_PID" || fail "the daemon died"
tv_stop
[ "$TV_STATUS" -eq 0 ] || fail "the daemon exited $TV_STATUS after SIGTERM"
echo "PASS: ctl drove a handshake and a dropped FIN over TAP; both followers saw it; $bad bad requests answered while 32 MiB echoed intact"
