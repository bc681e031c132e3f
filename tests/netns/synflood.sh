#!/bin/sh
# synflood.sh - 100,000 SYNs at the daemon's echo port over TAP, from
# 10.77.1.99, an address on the link that nobody has (hping3 -a): the
# stack's SYN,ACKs wait for an ARP answer that never comes, so no RST
# ever comes back and every SYN leaves a half-open connection behind.
# The listener (backlog 128) recycles its oldest half-open child for each
# new SYN (RFC 4987 3.4), so while the flood runs a kernel client (nc)
# still connects and gets its echo.  During and after the flood the
# daemon's memory stays under MEM_BOUND, and its counters account for
# the SYNs: evicted, dropped, or still half-open.
#
# The bound, 48 MiB: the daemon idles at about 4 MiB (libuv, jansson,
# the 4096-event ring) and peaked at about 20 MiB in this test (the
# ring full of flood events, malloc's arenas).  By design the flood can
# add only the backlog's 128 half-open TCBs (376 bytes each, no buffers
# before the handshake) and one ARP entry with its 8 queued frames.  A
# TCB kept per SYN would add 100,000 x ~390 bytes = 37 MiB and cross it.
# Under ASan (shadow memory, and a quarantine of up to 256 MiB of freed
# blocks) the bound is 384 MiB; the peak there was about 86 MiB.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need hping3
need nc netcat-openbsd
need timeout coreutils

SYNS=100000
FORGED=$NET.99
MEM_BOUND=$((48 * 1024))          # KiB
MEM_BOUND_ASAN=$((384 * 1024))    # KiB
if grep -q -a __asan_init "$TCPVIZ" 2>/dev/null; then
	MEM_BOUND=$MEM_BOUND_ASAN
fi

daemon_start echo

# The kernel side's address is the only one on the link the kernel has;
# the forged one must not answer ARP, so nothing is sent back to it.
ip -4 addr show dev "$TAP" | grep -q "$FORGED" && fail "$FORGED is in use"

# One counter from a snapshot (0 if absent).
counter() {
	v=$(grep -o "\"$1\":[0-9]*" "$TMP/snap" | head -1 | cut -d: -f2)
	echo "${v:-0}"
}

# VmHWM (peak) and VmRSS of the daemon, KiB.
mem() {
	grep "^$1:" "/proc/$TV_PID/status" | tr -s ' \t' ' ' | cut -d' ' -f2
}

check_mem() {
	hwm=$(mem VmHWM)
	[ -n "$hwm" ] || fail "cannot read the daemon's memory"
	[ "$hwm" -le "$MEM_BOUND" ] ||
		fail "$1: the daemon's peak memory $hwm KiB is over the bound of $MEM_BOUND KiB"
}

# A legitimate client: one line through echo.
echo_once() {
	got=$(printf 'hello through the flood %s\n' "$1" | timeout 60 nc -N -w 30 "$SADDR" 7) ||
		return 1
	[ "$got" = "hello through the flood $1" ]
}

echo_once before || fail "no echo before the flood"
idle=$(mem VmHWM)

# The flood: a fresh source port for each SYN (hping3 counts it up from
# a random base).  -i u10 asks for one every 10 us; hping3 manages what
# it manages - every SYN is sent either way.
hping3 -q -S -p 7 -a "$FORGED" -i u10 -c "$SYNS" "$SADDR" >"$TMP/hping" 2>&1 &
flood=$!
BG_PIDS=$flood

# While it runs: clients keep connecting and getting their echo, and the
# memory stays under the bound.
ok=0
tries=0
while alive "$flood"; do
	tries=$((tries + 1))
	echo_once "$tries" && ok=$((ok + 1))
	check_mem "during the flood"
	sleep 0.2
done
# hping3 exits 1 when nothing answered, which is the point here.
wait "$flood"
fstatus=$?
[ "$fstatus" -le 1 ] || fail "hping3 exited $fstatus: $(tail -3 "$TMP/hping")"
grep -q "^$SYNS packets transmitted" "$TMP/hping" ||
	fail "hping3 did not send $SYNS SYNs: $(grep transmitted "$TMP/hping")"
[ "$ok" -ge 1 ] || fail "no echo came back during the flood ($tries tries)"

echo_once after || fail "no echo after the flood"
check_mem "after the flood"

ctl snapshot >"$TMP/snap" || fail "no snapshot: $(head -c 300 "$TMP/snap")"
rx=$(counter tcp.rx)
evicted=$(counter tcp.syn_evicted)
full=$(counter tcp.backlog_full)
limit=$(counter tcp.conn_limit)
nomem=$(counter tcp.nomem)
arpq=$(counter arp.queue_full)
arpt=$(counter arp.timeout)
half=$(grep -o '"state":"SYN-RECEIVED"' "$TMP/snap" | wc -l)
# What the kernel could not hand to the device (its queue was full).
# (/proc/net/dev is this namespace's; /sys/class/net would be the host's.)
kdrop=$(sed -n "s/^ *$TAP://p" /proc/net/dev | awk '{ print $12 }')
kdrop=${kdrop:-0}
# (The echo clients' SYNs are among them: a few more than were forged.)
accounted=$((evicted + full + limit + nomem + half + kdrop))
hwm=$(mem VmHWM)
rss=$(mem VmRSS)

echo "SYNs sent $SYNS; tcp.rx $rx; tcp.syn_evicted $evicted; tcp.backlog_full $full;" \
	"tcp.conn_limit $limit; tcp.nomem $nomem; half-open now $half; kernel tx_dropped $kdrop"
echo "SYN,ACKs never sent: arp.queue_full $arpq, arp.timeout $arpt"
echo "accounted for (evicted, dropped, half-open): $accounted; echo during the flood $ok of $tries tries"
echo "daemon memory: idle peak $idle KiB, peak $hwm KiB, now $rss KiB (bound $MEM_BOUND KiB)"

[ "$accounted" -ge 90000 ] || fail "only $accounted of $SYNS SYNs accounted for"
[ "$evicted" -ge 1 ] || fail "no half-open connection was evicted"
[ "$half" -le 128 ] || fail "$half half-open connections, more than the backlog"
ctl ping >/dev/null || fail "the daemon does not answer ping"
alive "$TV_PID" || fail "the daemon died"
tv_stop
[ "$TV_STATUS" -eq 0 ] || fail "the daemon exited $TV_STATUS after SIGTERM"
echo "PASS: $SYNS SYNs, $accounted accounted; $ok echoes got through; peak $hwm KiB"
