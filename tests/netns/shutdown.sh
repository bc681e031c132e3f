#!/bin/sh
# shutdown.sh - SIGTERM with a kernel connection open: tcpviz closes it
# with a FIN (the kernel's nc sees the end of the stream and exits), and
# with --reset, with an RST; either way the closing is in the transcript
# and tcpviz exits 128 + SIGTERM.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd
need mkfifo coreutils

printf 'start tcpviz echo\nsay "ready"\nrun 10min\n' >"$TMP/s.tvs"
mkfifo "$TMP/in" || fail "mkfifo failed"

# $1: extra tcpviz option; $2: what the stack must send at shutdown.
one() {
	tv_start "$TMP/s.tvs" $1
	wait_for "$TMP/out" 'ready' 30 || fail "the script did not start"
	exec 3<>"$TMP/in"
	nc "$SADDR" 7 <"$TMP/in" >"$TMP/got" 2>/dev/null &
	nc_pid=$!
	BG_PIDS=$nc_pid
	printf 'still here\n' >&3
	wait_for "$TMP/got" 'still here' 60 || fail "no echo before the shutdown"
	tv_stop
	[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"
	grep -a -q -E "$2" "$TMP/out" || fail "no '$2' in the transcript at shutdown"
	n=$((GUARD * 50))
	while alive "$nc_pid"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || fail "the kernel's nc did not see the connection end"
		sleep 0.02
	done
	wait "$nc_pid"
	BG_PIDS=
	exec 3>&-
}

one "" 'ESTABLISHED -> FIN-WAIT-1.*CLOSE: the application'
one --reset 'tcpviz\.7 > kernel\.[0-9]+: Flags \[R'
echo "PASS: SIGTERM closes an open kernel connection with FIN, and with --reset with RST"
