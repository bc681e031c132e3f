#!/bin/sh
# ping.sh - the kernel pings the stack across the TAP device: every echo
# request is answered, and the event stream shows each request and reply.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need ping iputils-ping

printf 'run 10min\n' >"$TMP/s.tvs"
tv_start "$TMP/s.tvs" --json
guard ping -n -c 3 -i 0.2 -W 5 "$SADDR" >"$TMP/ping" 2>&1 || fail "ping failed: $(cat "$TMP/ping")"
grep -q ' 0% packet loss' "$TMP/ping" || fail "ping lost packets: $(cat "$TMP/ping")"
tv_stop
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"
req=$(grep -a -c '"type":"icmp".*"icmp_type":8,.*"out":false' "$TMP/out")
rep=$(grep -a -c '"type":"icmp".*"icmp_type":0,.*"out":true' "$TMP/out")
[ "$req" -ge 3 ] && [ "$rep" -ge 3 ] || fail "events show $req echo requests and $rep replies, expected 3 each"
echo "PASS: 3 pings answered, $req requests and $rep replies in the event stream"
