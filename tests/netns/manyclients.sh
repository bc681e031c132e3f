#!/bin/sh
# manyclients.sh - 1,000 kernel clients at once through the daemon's echo
# service over TAP, each sending 1 MiB of its own pseudo-random stream
# and reading it back; every byte must come back as sent
# (tests/netns/echoload, which compares byte by byte).
#
# The listener's backlog is 128, and the TAP host recycles half-open
# connections when it is full (the SYN-flood defence), so 1,000 SYNs in
# one burst would reset some of the clients' handshakes.  echoload paces
# the connects instead: at most PENDING (32) are under way at any time;
# the transfers start only once all 1,000 are up, so all of them are
# open at once.  echoload gives up only when nothing has moved for 60 s.
#
# The kernel's queue in front of the TAP device holds 1,000 frames by
# default; 1,000 connections in slow start overflow it (about 27,000
# frames dropped in a run), and the recovery, through the stack's 1 s
# minimum RTO, made a run take anywhere from 25 to 105 s.  This test is
# about many connections at once and their bytes, not loss (impair.sh and
# the Check tests cover that), so the queue of this namespace's device is
# made 10,000 frames long (TXQUEUELEN=1000 puts the default back).
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"

CONNS=${ECHOLOAD_CONNS:-1000}
BYTES=${ECHOLOAD_BYTES:-1048576}
ECHOLOAD=${ECHOLOAD:-$(pwd)/tests/netns/echoload}
[ -x "$ECHOLOAD" ] || fail "no echoload at $ECHOLOAD"

daemon_start echo
ip link set "$TAP" txqueuelen "${TXQUEUELEN:-10000}" || fail "cannot set the queue length"

guard "$ECHOLOAD" -c "$CONNS" -b "$BYTES" -p 32 -s 60 "$SADDR" 7 >"$TMP/out" 2>&1 ||
	fail "echoload failed: $(tail -5 "$TMP/out")"
cat "$TMP/out"
grep -q "^echoload: $CONNS of $CONNS connections echoed $BYTES bytes each intact" "$TMP/out" ||
	fail "not every connection came back intact"

ctl snapshot >"$TMP/snap" || fail "no snapshot"
for c in tcp.syn_evicted tcp.backlog_full tcp.retransmit tcp.ooo_drop; do
	printf '%s %s; ' "$c" "$(grep -o "\"$c\":[0-9]*" "$TMP/snap" | head -1 | cut -d: -f2)"
done
echo "daemon peak memory $(grep '^VmHWM:' "/proc/$TV_PID/status" | tr -s ' \t' ' ' | cut -d' ' -f2-)"
echo "frames the kernel dropped in front of the device:" \
	"$(sed -n "s/^ *$TAP://p" /proc/net/dev | awk '{ print $12 }')"
grep -q '"tcp.syn_evicted":0,' "$TMP/snap" || fail "a client's handshake was evicted"
alive "$TV_PID" || fail "the daemon died"
tv_stop
[ "$TV_STATUS" -eq 0 ] || fail "the daemon exited $TV_STATUS after SIGTERM"
echo "PASS: $CONNS concurrent clients, $BYTES bytes each, all echoed intact"
