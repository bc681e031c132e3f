#!/bin/sh
# impair.sh - echo through the stack under the gate's own impairments on
# the TAP link, both directions: 3% loss, 1% duplication and 5%
# reordering (a 2 ms delay lets later frames overtake), since the kernel
# here has no netem.  256 MiB of random bytes (NETNS_IMPAIR_MB) must come
# back hash-equal; the event stream must show segments the gate dropped
# on their way in arriving again later (the kernel's retransmissions),
# and the stack's own retransmissions.  On this link of a few ms both
# ends' minimum RTO is 10 ms (the stack's rto.min; the kernel's route
# rto_min, in this namespace only): with 200 ms, every loss that fast
# retransmit misses costs 200 ms and 256 MiB would take half an hour.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd
need sha256sum coreutils
need awk
MB=${NETNS_IMPAIR_MB:-256}

cat >"$TMP/s.tvs" <<'TVS'
set tcpviz rto.min 10ms
start tcpviz echo
rule on tcpviz in tcp drop chance 3%
rule on tcpviz in tcp dup chance 1%
rule on tcpviz in tcp delay 2ms chance 5%
rule on tcpviz out tcp drop chance 3%
rule on tcpviz out tcp dup chance 1%
rule on tcpviz out tcp delay 2ms chance 5%
run 60min
TVS
tv_start "$TMP/s.tvs" --json --events state,seg_in,retransmit,gate
wait_for "$TMP/out" '"new":"LISTEN"' 30 || fail "the echo service did not start"
ip route change "$NET.0/24" dev "$TAP" proto kernel scope link src "$KADDR" rto_min 10ms ||
	fail "cannot set the kernel's rto_min on the route to the stack"

head -c $((MB * 1048576)) /dev/urandom >"$TMP/data"
guard nc -N "$SADDR" 7 <"$TMP/data" >"$TMP/back" || fail "nc failed"
want=$(sha256sum <"$TMP/data")
got=$(sha256sum <"$TMP/back")
[ "$want" = "$got" ] || fail "$MB MiB: $(wc -c <"$TMP/back") bytes back, hashes differ"
tv_stop
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"

# Data segments dropped inbound, and how many of them came in again.
set -- $(awk '
	{ t = $0
	  if (!sub(/.*"seg":[{]/, "", t)) next
	  if (!match(t, /"seq":[0-9]+/)) next
	  seq = substr(t, RSTART + 6, RLENGTH - 6)
	  if (!match(t, /"len":[0-9]+/) || substr(t, RSTART + 6, RLENGTH - 6) == 0) next }
	/"type":"gate".*"action":"dropped","dir":"in"/ { if (!(seq in lost)) n++; lost[seq] = 1; next }
	/"type":"seg_in"/ && (seq in lost) && !(seq in again) { again[seq] = 1; m++ }
	END { print n + 0, m + 0 }' "$TMP/out")
lost=$1 again=$2
ours=$(count "$TMP/out" '"type":"retransmit"')
[ "$lost" -gt 0 ] || fail "the gate dropped no inbound data segment"
[ "$again" -gt 0 ] || fail "none of the $lost dropped inbound segments came again"
[ "$ours" -gt 0 ] || fail "the stack retransmitted nothing"
echo "PASS: $MB MiB hash-equal under loss/dup/reorder; $again of $lost dropped kernel segments retransmitted; $ours stack retransmissions"
