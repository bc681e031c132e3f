#!/bin/sh
# daytime.sh - a kernel client (nc) reads the stack's daytime service: the
# stack speaks first and closes first, so its connection goes FIN-WAIT-1,
# FIN-WAIT-2 (or CLOSING), TIME-WAIT; with MSL set to 500 ms the 2MSL
# timer fires exactly 1 s of virtual time after TIME-WAIT began, the
# connection is deleted, and the script (waiting for that timer) ends by
# itself with status 0.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd

cat >"$TMP/s.tvs" <<'TVS'
set tcpviz msl 500ms
start tcpviz daytime
run until 2msl fires within 10min
TVS
tv_start "$TMP/s.tvs" --json
wait_for "$TMP/out" '"new":"LISTEN"' 30 || fail "the daytime service did not start"
y0=$(date -u +%Y)
line=$(guard nc -d "$SADDR" 13) || fail "nc failed"
y1=$(date -u +%Y)
case $line in
*day,*UTC*) ;;
*) fail "daytime answered '$line'" ;;
esac
# Across TAP a real kernel asks: the calendar date, not virtual 1970.
case $line in
*" $y0 "* | *" $y1 "*) ;;
*) fail "daytime told '$line', not this year's date" ;;
esac
tv_wait
[ "$TV_STATUS" -eq 0 ] || fail "the script did not end on the 2MSL timer (status $TV_STATUS)"

# The stack closed first and waited out TIME-WAIT.
for s in '"old":"ESTABLISHED","new":"FIN-WAIT-1"' '"new":"TIME-WAIT"' \
	'"old":"TIME-WAIT","new":"CLOSED"'; do
	grep -a -q "$s" "$TMP/out" || fail "no event $s"
done
tw=$(grep -a '"new":"TIME-WAIT"' "$TMP/out" | sed 's/.*"t":\([0-9]*\),.*/\1/')
fire=$(grep -a '"type":"timer_fire".*"timer":"2msl"' "$TMP/out" | sed 's/.*"t":\([0-9]*\),.*/\1/')
[ -n "$tw" ] && [ -n "$fire" ] || fail "no TIME-WAIT time ($tw) or 2MSL firing ($fire)"
[ $((fire - tw)) -eq 1000000 ] || fail "2MSL fired $((fire - tw)) us after TIME-WAIT began, not 1 s"
echo "PASS: daytime '$line'; TIME-WAIT at ${tw} us, 2MSL fired at ${fire} us"
