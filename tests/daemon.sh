#!/bin/sh
# daemon.sh - `tcpviz daemon` and `tcpviz ctl` end to end, over a Unix
# socket in a temporary directory (no network): the daemon runs the demo
# wire in the background; ctl connects A to B's echo service and the
# snapshot shows both ends ESTABLISHED; `ctl --follow --json` prints the
# events as JSON lines that parse, `ctl --follow` as the transcript; bad
# requests exit 1; a client running as another user is refused (when we
# can run one); started as root it runs as nobody once its socket exists;
# SIGTERM stops the daemon cleanly and removes the socket.
# Every wait polls for the thing it waits for; nothing races a sleep.
set -u

tcpviz=$PWD/src/tcpviz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/daemon-sh.XXXXXX") || exit 99
sock=$tmp/s
pid=
fpids=
failed=0
LC_ALL=C
export LC_ALL

cleanup() {
	for p in $fpids $pid; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	failed=1
}

ctl() {
	"$tcpviz" ctl --socket "$sock" "$@"
}

# Poll (up to about 20 s) until the command succeeds.
poll() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 400 ] || ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.05
	done
}

# JSON checks: python3, else jq; without either, skip those checks.
if command -v python3 >/dev/null 2>&1; then
	json=python3
elif command -v jq >/dev/null 2>&1; then
	json=jq
else
	json=
	echo "daemon.sh: neither python3 nor jq: JSON contents not checked"
fi

# snap_state FILE HOST RPORT: the state of HOST's TCB whose remote port is
# RPORT (any when RPORT is 0), from a snapshot reply.
snap_states() {
	case $json in
	python3)
		python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for h in r["snapshot"]["hosts"]:
    for t in h["tcbs"]:
        print(h["name"], t["tuple"]["rport"], t["state"])' "$1" ;;
	jq)
		jq -r '.snapshot.hosts[] | .name as $n | .tcbs[] | "\($n) \(.tuple.rport) \(.state)"' "$1" ;;
	esac
}

# Every line of FILE is a JSON object with "type" and "t".
json_lines_ok() {
	case $json in
	python3)
		python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict) and "type" in o and isinstance(o["t"], int), line
    n += 1
assert n > 0
' "$1" ;;
	jq)
		jq -e 'has("type") and (.t | type == "number")' "$1" | grep -qv true && return 1
		[ -s "$1" ] ;;
	*) [ -s "$1" ] ;;
	esac
}

# Started as root with no one to become (SUDO_UID unset), the daemon
# makes its socket and then runs as nobody.
env -u SUDO_UID -u SUDO_GID "$tcpviz" daemon --socket "$sock" 2>"$tmp/log" &
pid=$!
poll ctl ping || { cat "$tmp/log"; echo "FAIL: the daemon did not answer"; exit 1; }

# Privileges: root is dropped once the socket exists.
if [ "$(id -u)" -eq 0 ]; then
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
	[ "$uid" = 65534 ] || fail "the daemon started as root runs as uid $uid, not 65534"
	grep -q "running as user 65534" "$tmp/log" || fail "the log does not say it dropped root"
fi

# The socket's file and directory.
[ "$(stat -c %a "$sock")" = 600 ] || fail "socket mode $(stat -c %a "$sock"), expected 600"
[ "$(stat -c %a "$tmp")" = 700 ] || fail "directory mode $(stat -c %a "$tmp"), expected 700"

# Followers: JSON, and the transcript (with the ring's history).
ctl --follow --json >"$tmp/follow.json" 2>"$tmp/follow.err" &
fpids="$fpids $!"
poll sh -c "'$tcpviz' ctl --socket '$sock' stats | grep -q '\"subscribers\":1'" ||
	fail "the JSON follower did not subscribe"

# Drive: connect A to B's echo, wait for the handshake.
ctl connect A to B:7 as c >"$tmp/out" || fail "ctl connect: $(cat "$tmp/out")"
ctl run until c is ESTABLISHED >"$tmp/out" || fail "ctl run until: $(cat "$tmp/out")"
ctl expect c is ESTABLISHED >/dev/null || fail "ctl expect c is ESTABLISHED failed"
ctl --pretty snapshot >"$tmp/snap.json" || fail "ctl snapshot failed"
if [ -n "$json" ]; then
	snap_states "$tmp/snap.json" >"$tmp/states"
	grep -q '^A 7 ESTABLISHED$' "$tmp/states" || fail "snapshot: A's connection not ESTABLISHED"
	grep -Eq '^B [0-9]+ ESTABLISHED$' "$tmp/states" || fail "snapshot: B's end not ESTABLISHED"
else
	[ "$(grep -c '"state": "ESTABLISHED"' "$tmp/snap.json")" -ge 2 ] ||
		fail "snapshot: no two ESTABLISHED TCBs"
fi

# Replies that are not ok exit 1, with the message on stderr.
ctl expect c is CLOSED >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "a failed expect did not exit 1"
grep -q "expected" "$tmp/err" || fail "a failed expect did not say what was expected"
ctl frobnicate >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "an unknown command did not exit 1"
grep -q "unknown command 'frobnicate'" "$tmp/err" || fail "unknown command: $(cat "$tmp/err")"
ctl --readonly send c '"hello"' >/dev/null 2>&1
[ $? -eq 1 ] || fail "a read-only ctl could send"

# The transcript follower gets the handshake from the ring.
ctl --follow >"$tmp/follow.txt" 2>&1 &
fpids="$fpids $!"
poll grep -q "SYN-SENT -> ESTABLISHED" "$tmp/follow.txt" ||
	fail "the transcript follower did not show the handshake: $(cat "$tmp/follow.txt")"

# Close; both followers see TIME-WAIT come.
ctl close c >/dev/null || fail "ctl close failed"
poll grep -q '"new":"TIME-WAIT"' "$tmp/follow.json" || fail "no TIME-WAIT line in the JSON stream"
poll grep -q "FIN-WAIT-2 -> TIME-WAIT" "$tmp/follow.txt" || fail "no TIME-WAIT in the transcript"
grep -q '"new":"SYN-SENT"' "$tmp/follow.json" || fail "no SYN-SENT line in the JSON stream"
json_lines_ok "$tmp/follow.json" || fail "the JSON stream has lines that do not parse"

# `skip` jumps the clock timer by timer: the 2MSL wait (240 s) ends now,
# not in four minutes.  A read-only client may not skip.
ctl --readonly skip >/dev/null 2>&1
[ $? -eq 1 ] || fail "a read-only ctl could skip"
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q '"old":"TIME-WAIT","new":"CLOSED"' "$tmp/follow.json" && break
	ctl skip >"$tmp/out" || fail "ctl skip: $(cat "$tmp/out")"
	grep -q '"skipped":' "$tmp/out" || fail "skip did not say how far: $(cat "$tmp/out")"
	sleep 0.2
done
poll grep -q '"old":"TIME-WAIT","new":"CLOSED"' "$tmp/follow.json" ||
	fail "skipping did not end TIME-WAIT"

# A client that leaves in the middle of a long wait does not hold up the
# others: its wait is cut short and the next client's runs (timeout is a
# hang guard: the wait asked for is 1 ms).
"$tcpviz" ctl --socket "$sock" run 10min >/dev/null 2>&1 &
waiter=$!
poll grep -q 'run 10min' "$tmp/log" || fail "the long wait did not start"
kill "$waiter"
wait "$waiter" 2>/dev/null
timeout 120 "$tcpviz" ctl --socket "$sock" run 1ms >"$tmp/out" 2>&1 ||
	fail "a wait after a client left mid-wait did not run: $(cat "$tmp/out")"
grep -q 'went away while its command waited' "$tmp/log" ||
	fail "the daemon did not notice the client that left mid-wait"

# SO_PEERCRED: another user is refused (needs root to be another user;
# not 65534, which the daemon itself now runs as).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 711 "$tmp" && chmod 666 "$sock"
	setpriv --reuid=4242 --regid=4242 --clear-groups "$tcpviz" ctl --socket "$sock" ping \
		>/dev/null 2>"$tmp/err"
	st=$?
	if [ $st -ge 126 ]; then
		echo "daemon.sh: uid 4242 cannot run $tcpviz: SO_PEERCRED refusal not tested"
	else
		[ $st -eq 1 ] || fail "a client as uid 4242 exited $st"
		grep -q "permission denied" "$tmp/err" || fail "uid 4242: $(cat "$tmp/err")"
		ctl stats | grep -q '"refused_peer":1' || fail "the refusal was not counted"
	fi
	chmod 700 "$tmp" && chmod 600 "$sock"
else
	echo "daemon.sh: not root (or no setpriv): SO_PEERCRED refusal of another user not tested"
fi

# SIGTERM: a clean stop, followers told, the socket removed.
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ $st -eq 0 ] || fail "the daemon exited $st after SIGTERM"
[ ! -e "$sock" ] || fail "the socket is still there after the daemon stopped"
grep -q "listening on $sock" "$tmp/log" || fail "the log does not say where it listens"
grep -q "signal 15" "$tmp/log" || fail "the log does not mention the signal"
for p in $fpids; do
	wait "$p" || fail "a follower exited $? when the daemon stopped"
done
fpids=
grep -q "shutting down" "$tmp/follow.err" || fail "the follower was not told: $(cat "$tmp/follow.err")"

if [ $failed -ne 0 ]; then
	echo "--- daemon log"
	cat "$tmp/log"
fi
exit $failed
