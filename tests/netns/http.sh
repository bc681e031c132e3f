#!/bin/sh
# http.sh - curl fetches the stack's HTTP page across the TAP device (200
# and the page), and an unknown path gets 404.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need curl

printf 'start tcpviz http\nrun 10min\n' >"$TMP/s.tvs"
tv_start "$TMP/s.tvs"
wait_for "$TMP/out" ':80 CLOSED -> LISTEN' 30 || fail "the http service did not start"
code=$(guard curl -sS --max-time 60 -o "$TMP/page" -w '%{http_code}' "http://$SADDR/") ||
	fail "curl failed"
[ "$code" = 200 ] || fail "GET / answered $code"
grep -q 'Hello from host' "$TMP/page" || fail "the page is not the stack's: $(head -c 300 "$TMP/page")"
code=$(guard curl -sS --max-time 60 -o /dev/null -w '%{http_code}' "http://$SADDR/nope") ||
	fail "curl failed on /nope"
[ "$code" = 404 ] || fail "GET /nope answered $code"
tv_stop
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"
echo "PASS: GET / 200 with the page, GET /nope 404"
