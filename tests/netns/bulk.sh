#!/bin/sh
# bulk.sh - 1 GiB of random bytes from a kernel client (nc) through the
# stack's echo service and back, hash-equal (NETNS_BULK_MB sets the size;
# the hang guard, NETNS_GUARD seconds, is not a speed limit).  The wall
# time and rate are printed for the record.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd
need sha256sum coreutils
need mkfifo coreutils
MB=${NETNS_BULK_MB:-1024}

printf 'start tcpviz echo\nrun 60min\n' >"$TMP/s.tvs"
tv_start "$TMP/s.tvs" --events state
wait_for "$TMP/out" ':7 CLOSED -> LISTEN' 30 || fail "the echo service did not start"

mkfifo "$TMP/sent" || fail "mkfifo failed"
sha256sum <"$TMP/sent" >"$TMP/want" &
BG_PIDS=$!
start=$(date +%s)
head -c $((MB * 1048576)) /dev/urandom | tee "$TMP/sent" | guard nc -N "$SADDR" 7 |
	sha256sum >"$TMP/got"
end=$(date +%s)
wait "$BG_PIDS" || fail "hashing what was sent failed"
BG_PIDS=
[ "$(cat "$TMP/want")" = "$(cat "$TMP/got")" ] || fail "$MB MiB echo: the hashes differ"
tv_stop
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"
secs=$((end - start))
[ "$secs" -gt 0 ] || secs=1
echo "PASS: $MB MiB echoed hash-equal in about ${secs} s (~$((MB * 8 / secs)) Mbit/s each way)"
