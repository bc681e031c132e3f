#!/bin/sh
# echo.sh - a kernel client (nc) talks to the stack's echo service across
# the TAP device: a line comes back as sent, then 4 MiB of random bytes
# come back hash-equal; both connections close cleanly (the transcript
# shows them reach CLOSED through LAST-ACK: the kernel closed first).
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd
need sha256sum coreutils

printf 'start tcpviz echo\nrun 10min\n' >"$TMP/s.tvs"
tv_start "$TMP/s.tvs"
wait_for "$TMP/out" ':7 CLOSED -> LISTEN' 30 || fail "the echo service did not start"

got=$(printf 'hello, kernel\n' | guard nc -N "$SADDR" 7) || fail "nc failed"
[ "$got" = "hello, kernel" ] || fail "echo returned '$got'"

head -c 4194304 /dev/urandom >"$TMP/data"
guard nc -N "$SADDR" 7 <"$TMP/data" >"$TMP/back" || fail "nc failed on 4 MiB"
want=$(sha256sum <"$TMP/data")
got=$(sha256sum <"$TMP/back")
[ "$want" = "$got" ] || fail "4 MiB echo: $(wc -c <"$TMP/back") bytes back, hashes differ"

wait_count "$TMP/out" 'LAST-ACK -> CLOSED' 2 30 ||
	fail "the two connections did not both close through LAST-ACK"
tv_stop
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"
echo "PASS: echo round trip and 4 MiB hash-equal"
