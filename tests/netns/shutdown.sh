#!/bin/sh
# shutdown.sh - SIGTERM with a kernel connection open: tcpviz closes it
# with a FIN (the kernel's nc sees the end of the stream and exits), and
# with --reset, with an RST; either way the closing is in the transcript
# and tcpviz exits 128 + SIGTERM.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd
need mkfifo coreutils

mkfifo "$TMP/in" || fail "mkfifo failed"

# The kernel's side of the connection to port $1 is in TCP state $2 (hex,
# as in /proc/net/tcp: 08 CLOSE-WAIT); "none": there is no such
# connection.
kstate() {
	st=$(awk -v p="$(printf ':%04X' "$1")" 'substr($3, 9) == p { print $4 }' /proc/net/tcp)
	[ "${st:-none}" = "$2" ]
}

# $1: the echo service's port; $2: extra tcpviz option; $3: what the
# stack must send at shutdown; $4: the kernel connection's state after it
# (08: our FIN arrived; none: our RST did, and nc saw the reset and
# exited).
one() {
	printf 'start tcpviz echo:%s\nsay "ready"\nrun 10min\n' "$1" >"$TMP/s.tvs"
	port=$1
	shift
	tv_start "$TMP/s.tvs" $1
	wait_for "$TMP/out" 'ready' 30 || fail "the script did not start"
	exec 3<>"$TMP/in"
	: >"$TMP/got" # now, not in the background child: the last run's echo is in it
	nc "$SADDR" "$port" <"$TMP/in" >"$TMP/got" 2>/dev/null &
	nc_pid=$!
	BG_PIDS=$nc_pid
	printf 'still here\n' >&3
	wait_for "$TMP/got" 'still here' 60 || fail "no echo before the shutdown"
	tv_stop
	[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"
	grep -a -q -E "$2" "$TMP/out" || fail "no '$2' in the transcript at shutdown"
	if [ "$3" = none ]; then
		n=$((GUARD * 50))
		while alive "$nc_pid"; do
			n=$((n - 1))
			[ "$n" -gt 0 ] || fail "the kernel's nc did not see the reset"
			sleep 0.02
		done
	fi
	kstate "$port" "$3" || fail "the kernel's connection is not in state $3 after the shutdown"
	exec 3>&-
	kill "$nc_pid" 2>/dev/null
	wait "$nc_pid" 2>/dev/null
	BG_PIDS=
}

one 7001 "" 'ESTABLISHED -> FIN-WAIT-1.*CLOSE: the application' 08
one 7002 --reset 'tcpviz\.7002 > kernel\.[0-9]+: Flags \[R' none

# The daemon does the same; with --reset, the kernel's connection is reset
# (the daemon exits 0: stopping on a signal is what it is for).
mkdir -m 700 "$TMP/d" || fail "mkdir failed"
"$TCPVIZ" daemon -v --reset --tap "$TAP" --addr "$SADDR/24" --host-addr "$KADDR/24" \
	--services echo --socket "$TMP/d/s" >"$TMP/out" 2>&1 &
TV_PID=$!
wait_for "$TMP/out" 'running at speed' 30 || fail "the daemon did not start"
exec 3<>"$TMP/in"
: >"$TMP/got"
nc "$SADDR" 7 <"$TMP/in" >"$TMP/got" 2>/dev/null &
nc_pid=$!
BG_PIDS=$nc_pid
printf 'still here\n' >&3
wait_for "$TMP/got" 'still here' 60 || fail "no echo from the daemon before the shutdown"
tv_stop
[ "$TV_STATUS" -eq 0 ] || fail "the daemon exited $TV_STATUS after SIGTERM, expected 0"
grep -a -q -E 'tcpviz\.7 > kernel\.[0-9]+: Flags \[R' "$TMP/out" ||
	fail "the daemon sent no RST at shutdown with --reset"
n=$((GUARD * 50))
while alive "$nc_pid"; do
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "the kernel's nc did not see the daemon's reset"
	sleep 0.02
done
kstate 7 none || fail "the kernel's connection to the daemon is still there after the reset"
exec 3>&-
BG_PIDS=

# A transcript going into a pipe nobody reads must not make tcpviz deaf
# to SIGTERM (it used to sit in write() for ever): traffic fills the pipe,
# tcpviz blocks writing, one SIGTERM still ends it.
mkfifo "$TMP/full" || fail "mkfifo failed"
exec 4<>"$TMP/full"
printf 'start tcpviz discard\nrun 10min\n' >"$TMP/d.tvs"
"$TCPVIZ" run --no-ladder --tap "$TAP" --addr "$SADDR/24" --host-addr "$KADDR/24" \
	"$TMP/d.tvs" >"$TMP/full" 2>"$TMP/err" &
TV_PID=$!
wait_for "$TMP/err" ' is up: ' 30 || fail "tcpviz did not bring $TAP up"
head -c 8388608 /dev/zero | nc -N "$SADDR" 9 >/dev/null 2>&1 &
BG_PIDS=$!
n=$((GUARD * 50))
until grep -q pipe_write "/proc/$TV_PID/wchan" 2>/dev/null; do
	n=$((n - 1))
	[ "$n" -gt 0 ] && alive "$TV_PID" || fail "tcpviz never blocked on the full pipe"
	sleep 0.02
done
kill -TERM "$TV_PID"
n=$((GUARD * 50))
while alive "$TV_PID"; do
	n=$((n - 1))
	[ "$n" -gt 0 ] || fail "SIGTERM did not end tcpviz blocked on a full pipe"
	sleep 0.02
done
tv_wait
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM on a full pipe, expected 143"
exec 4>&-
echo "PASS: SIGTERM closes an open kernel connection with FIN, and with --reset with RST (run and daemon); also while blocked on a full pipe"
