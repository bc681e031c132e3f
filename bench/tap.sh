#!/bin/sh
# tap.sh - the TAP link benchmark (issue 4, section 4), all in one run,
# side by side, inside one network namespace this script creates:
#   (a)  kernel -> kernel across a veth pair whose other end is in a second,
#        nested namespace (netblast, and iperf3 when installed): the ceiling
#   (b)  kernel client -> tcpviz discard (tcpviz daemon) over TAP
#   (c)  tcpviz client (a script in tcpviz run) -> kernel server over TAP,
#        and (c') the kernel reading tcpviz's chargen: tcpviz sending
#        without the script
#   (d)  sequential connect/close per second, kernel client -> tcpviz
#        discard: one client, 4 in parallel, closing with FIN and with RST
#   (e)  (b) and (d) again with a subscriber on the event stream: `tcpviz
#        ctl --follow --json`, then a raw reader (netblast sub)
# (b), (c) and (c') run with TCPVIZ_TAP_OFFLOAD=1 and =0; (d) and (e) with
# the default.  For each: Gbit/s or connections/s, tcpviz's CPU (utime +
# stime from /proc/PID/stat, over the wall time) and the kernel-side
# program's (netblast's own rusage).  Rates are the median of BENCH_REPEAT
# runs (the range is shown).  With perf installed, extra runs of (b), (c),
# (c'), (d) and (e) are profiled and tcpviz's top functions printed.
# Retransmissions (the kernel's, tcpviz's) and frames the TAP dropped are
# noted on the rows where there were any.
#
# Placement: on a machine with 2 CPUs or more, tcpviz (and the veth
# receiver) run on CPU 1 and the kernel-side programs on CPU 0, so runs
# compare; (d) is also run with the client on tcpviz's CPU, because in a VM
# a wakeup across CPUs costs more than the work.  BENCH_PIN=0: no pinning.
#
# Run by hand, never by make check (wall-clock figures): `./run bench tap`,
# `make bench-tap` in a build directory, or directly:
#   TCPVIZ=src/tcpviz NETBLAST=bench/netblast sh bench/tap.sh
# Environment: BENCH_MB (MiB per throughput case, 2048), BENCH_CONNS
# (connections per rate run, 20000), BENCH_REPEAT (runs per rate case, 3),
# BENCH_PERF (0: no profiles), BENCH_PIN, BENCH_KEEP (a directory: keep
# the logs and profiles there).
#
# Network safety: it re-executes itself in a new network namespace
# (unshare -n) before touching anything; the TAP device, the veth pair, the
# second namespace (a nested `unshare -n` holding the veth's peer end) and
# every address live there, and nothing is sent anywhere else.  Every
# process it starts is stopped by its PID.  Without root, /dev/net/tun or
# the tools it needs it says why and exits 77.
set -u
LC_ALL=C
export LC_ALL

TCPVIZ=${TCPVIZ:-$(pwd)/src/tcpviz}
NETBLAST=${NETBLAST:-$(pwd)/bench/netblast}
MB=${BENCH_MB:-2048}
CONNS=${BENCH_CONNS:-20000}
REPEAT=${BENCH_REPEAT:-3}
TAP=tvb0
NET=10.78.1
KADDR=$NET.1
SADDR=$NET.2
VNET=10.78.2
TIMEOUT=60                      # netblast's hang guard, seconds
PIDS=
SRC_NEXT=11                     # next extra kernel address for (d)/(e)
C_PORT=5300                     # (c)'s listening port, a new one each run

skip() {
	echo "SKIP: $*"
	exit 77
}

die() {
	echo "tap.sh: $*" >&2
	for f in "${TMP:-/nonexistent}"/daemon.err "${TMP:-/nonexistent}"/run.err; do
		[ -s "$f" ] && { echo "--- $f (last lines)" >&2; tail -n 20 "$f" >&2; }
	done
	exit 1
}

need() {
	command -v "$1" >/dev/null 2>&1 || skip "needs $1 (apt-get install ${2:-$1})"
}

# ---- the namespace ----

if [ -z "${TVB_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || skip "needs root (or CAP_NET_ADMIN) for a network namespace"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	need unshare util-linux
	need nsenter util-linux
	need ip iproute2
	unshare -n true 2>/dev/null || skip "cannot create a network namespace here (unshare -n)"
	[ -x "$TCPVIZ" ] || die "no tcpviz at $TCPVIZ (set TCPVIZ)"
	[ -x "$NETBLAST" ] || die "no netblast at $NETBLAST (set NETBLAST; make bench/netblast)"
	case $TCPVIZ in /*) ;; *) TCPVIZ=$(pwd)/$TCPVIZ ;; esac
	case $NETBLAST in /*) ;; *) NETBLAST=$(pwd)/$NETBLAST ;; esac
	export TCPVIZ NETBLAST
	TVB_NETNS=1 exec unshare -n -- /bin/sh "$0" "$@"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tv-bench.XXXXXX") || exit 99
cd "$TMP" || exit 99

# Stop what we started, by PID (TERM, then KILL).
stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	n=100
	while kill -0 "$1" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 0.05
		n=$((n - 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

cleanup() {
	for p in $PIDS; do
		stop_pid "$p"
	done
	if [ -n "${BENCH_KEEP:-}" ]; then
		mkdir -p "$BENCH_KEEP" && cp -r "$TMP"/. "$BENCH_KEEP"/ &&
			echo "logs and profiles kept in $BENCH_KEEP"
	fi
	cd /
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip link set lo up || die "cannot bring up lo in the namespace"
# Per namespace: room for many connections in TIME-WAIT at the client.
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range 2>/dev/null

# ---- helpers ----

now() {
	date +%s.%N
}

# utime + stime of a process, in clock ticks (0 when it is gone).
ticks() {
	if [ -r "/proc/$1/stat" ]; then
		sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
	else
		echo 0
	fi
}

HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# cpu_pct TICKS0 TICKS1 T0 T1
cpu_pct() {
	awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" -v hz="$HZ" \
		'BEGIN { w = t1 - t0; printf "%.0f", (w > 0 ? (b - a) / hz / w * 100 : 0) }'
}

# The value of KEY in netblast's key=value line of FILE.
kv() {
	sed -n "s/^netblast mode=.* $2=\([^ ]*\).*/\1/p" "$1" | tail -n 1
}

# Poll (20 ms) until FILE matches PATTERN; false after SECS.
wait_for() {
	n=$((${3:-30} * 50))
	until grep -a -q -E -- "$2" "$1" 2>/dev/null; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.02
	done
}

alive() {
	[ -r "/proc/$1/stat" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]
}

PIN=${BENCH_PIN:-1}
[ "$(nproc 2>/dev/null || echo 1)" -ge 2 ] && command -v taskset >/dev/null 2>&1 || PIN=0
TV_CPU=1
CL_CPU=0

# $(pin CPU) COMMAND...: the words that run COMMAND on CPU (when pinning).
pin() {
	[ "$PIN" = 1 ] && echo "taskset -c $1"
}

# Results: one machine-readable line each, and a table row in $TMP/rows.
# row CASE OFFLOAD VALUE UNIT TV_CPU PEER_CPU NOTE
row() {
	echo "tapbench case=\"$1\" offload=$2 value=$3 unit=$4 tcpviz_cpu=$5 peer_cpu=$6 note=\"$7\""
	printf '| %s | %s | %s %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" >>"$TMP/rows"
}

# Does this tcpviz know TCPVIZ_TAP_OFFLOAD at all?
if grep -a -q TCPVIZ_TAP_OFFLOAD "$TCPVIZ"; then
	OFFLOAD_BUILT=1
else
	OFFLOAD_BUILT=0
fi

offload_label() {
	if [ "$OFFLOAD_BUILT" = 1 ]; then
		echo "$1"
	else
		echo "$1 (not built)"
	fi
}

PERF=0
if [ "${BENCH_PERF:-1}" != 0 ] && command -v perf >/dev/null 2>&1; then
	PERF=1
fi
PERF_PID=

# perf_start PID ID LABEL: profile PID (user and kernel side) until
# perf_stop.
perf_start() {
	[ "$PERF" = 1 ] || return 0
	perf record -q -g -p "$1" -o "$TMP/perf-$2.data" >"$TMP/perf-$2.log" 2>&1 &
	PERF_PID=$!
	PIDS="$PIDS $PERF_PID"
	PERF_NAME=$2
	PERF_LABEL=$3
	sleep 0.5 # perf attaches asynchronously
}

perf_stop() {
	[ -n "$PERF_PID" ] || return 0
	kill -INT "$PERF_PID" 2>/dev/null
	wait "$PERF_PID" 2>/dev/null
	PERF_PID=
	echo
	echo "== perf: tcpviz during $PERF_LABEL, self time ([.] user, [k] kernel)"
	perf report -q -i "$TMP/perf-$PERF_NAME.data" --stdio --no-children -g none \
		--percent-limit 1.5 --sort symbol 2>/dev/null | sed '/^$/d; s/[[:space:]]*$//' |
		head -n 25 | tee "$TMP/perf-$PERF_NAME.txt"
	echo "-- by object"
	perf report -q -i "$TMP/perf-$PERF_NAME.data" --stdio --no-children -g none \
		--percent-limit 2 --sort dso 2>/dev/null | sed '/^$/d; s/[[:space:]]*$//' |
		head -n 8 | tee -a "$TMP/perf-$PERF_NAME.txt"
	echo
}

# ---- what went wrong on the link: retransmissions and drops ----

# The kernel's TCP retransmissions in this namespace (RetransSegs).
kretrans() {
	awk '$1 == "Tcp:" { if (!c) { for (i = 2; i <= NF; i++) if ($i == "RetransSegs") c = i }
		else print $c }' /proc/net/snmp
}

# Frames the TAP device dropped: coming from tcpviz (the kernel's receive
# side: "rx"), then going to tcpviz (its queue full: "tx").
tapdrops() {
	awk -v d="$TAP" '{ sub(/:/, " ") } $1 == d { r = $5; t = $13 } END { print r + 0, t + 0 }' \
		/proc/net/dev
}

# The daemon's stack: segments retransmitted.
tvretrans() {
	"$TCPVIZ" ctl --socket "$TMP/s" snapshot 2>/dev/null |
		sed -n 's/.*"tcp\.retransmit":\([0-9]*\).*/\1/p' | awk '{ n = $1 } END { print n + 0 }'
}

# link_mark / link_note [TCPVIZ_RETRANS]: what happened on the link
# between the two, as a note ("" when nothing did).
link_mark() {
	LK_K0=$(kretrans)
	LK_D0=$(tapdrops)
}

link_note() {
	k=$(($(kretrans) - LK_K0))
	set -- "${1:-0}" $LK_D0 $(tapdrops)
	r=$(($4 - $2))
	x=$(($5 - $3))
	[ "$k$1$r$x" = 0000 ] && return 0
	echo "; retransmitted: kernel $k, tcpviz $1; TAP dropped: to the kernel $r, to tcpviz $x"
}

# Sort the words of $1 numerically; print the median, then "min-max".
median() {
	echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -g | awk '
		{ v[NR] = $1 }
		END { printf "%s %s-%s\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# ---- tcpviz over the TAP ----

# with_offload OFFLOAD COMMAND...: exec COMMAND (same PID) on tcpviz's CPU
# with TCPVIZ_TAP_OFFLOAD=OFFLOAD, or without the variable if OFFLOAD is "".
with_offload() {
	o=$1
	shift
	[ "$PIN" = 1 ] && set -- taskset -c "$TV_CPU" "$@"
	if [ -n "$o" ]; then
		exec env TCPVIZ_TAP_OFFLOAD="$o" "$@"
	fi
	exec env -u TCPVIZ_TAP_OFFLOAD "$@"
}

# daemon_start OFFLOAD ("": the default)
daemon_start() {
	(with_offload "$1" "$TCPVIZ" daemon --tap "$TAP" --addr "$SADDR/24" \
		--host-addr "$KADDR/24" --services discard,echo,chargen \
		--socket "$TMP/s" 2>"$TMP/daemon.err") &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_for "$TMP/daemon.err" '^listening on ' 30 || die "the daemon did not start"
}

daemon_stop() {
	stop_pid "$DPID"
	DPID=
}

daemon_check() {
	alive "$DPID" || die "tcpviz daemon died during $1 (see above)"
}

# A daemon statistic from `ctl stats` (events, event_lines, dropped_slow...).
dstat() {
	"$TCPVIZ" ctl --socket "$TMP/s" stats 2>/dev/null |
		sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

# A fresh kernel-side address for a connection-rate run, so the client's
# TIME-WAIT sockets of one run never take the ports of the next.
new_src() {
	SRC=$NET.$SRC_NEXT
	SRC_NEXT=$((SRC_NEXT + 1))
	[ "$SRC_NEXT" -lt 255 ] || die "out of kernel-side addresses (BENCH_REPEAT too large?)"
	ip addr add "$SRC/32" dev "$TAP" 2>/dev/null || die "cannot add $SRC to $TAP"
}

# daemon_client NAME CPU ARG...: run netblast ARG... on CPU against the
# daemon, with tcpviz's CPU measured over it.  Sets TV (tcpviz CPU %) and
# EV (events the stack made); the output is in $TMP/NAME.out.
daemon_client() {
	name=$1
	cpu=$2
	shift 2
	e0=$(dstat events)
	r0=$(tvretrans)
	link_mark
	c0=$(ticks "$DPID")
	t0=$(now)
	timeout $((TIMEOUT * 5)) $(pin "$cpu") "$NETBLAST" "$@" --timeout "$TIMEOUT" \
		>"$TMP/$name.out" 2>&1 || {
		cat "$TMP/$name.out"
		daemon_check "$name"
		die "$name failed: $*"
	}
	t1=$(now)
	c1=$(ticks "$DPID")
	daemon_check "$name"
	TV=$(cpu_pct "$c0" "$c1" "$t0" "$t1")
	EV=$(($(dstat events) - e0))
	LINK=$(link_note $(($(tvretrans) - r0)))
}

# (b): MB MiB to discard.  Sets GBPS TV PEER EV.
case_b() {
	daemon_client b "$CL_CPU" send "$SADDR" 9 $((MB * 1048576))
	GBPS=$(kv "$TMP/b.out" gbit_s)
	PEER=$(kv "$TMP/b.out" cpu_pct)
}

# (c'): the kernel reads MB MiB from chargen.  Sets GBPS TV PEER EV.
case_chargen() {
	daemon_client cg "$CL_CPU" fetch "$SADDR" 19 $((MB * 1048576))
	GBPS=$(kv "$TMP/cg.out" gbit_s)
	PEER=$(kv "$TMP/cg.out" cpu_pct)
}

# One (d) run: CONNS connections to discard; PAR at a time, from CPU,
# [--rst].  Sets RATE TV PEER EV.
case_d_once() {
	new_src
	daemon_client d "$3" connect "$SADDR" 9 "$CONNS" "$1" --bind "$SRC" ${2:-}
	RATE=$(kv "$TMP/d.out" conn_s)
	PEER=$(kv "$TMP/d.out" cpu_pct)
}

# (d) REPEAT times: PAR [--rst|""] CPU.  Sets RATE (median) RANGE TV PEER
# (of the median run) EV.  SUB_CHECK, if set, is called after each run.
case_d() {
	rates=
	dk0=$(kretrans)
	dd0=$(tapdrops)
	dr0=$(tvretrans)
	for i in $(seq "$REPEAT"); do
		case_d_once "$1" "$2" "$3"
		rates="$rates $RATE"
		eval "run_$RATE=\"$TV $PEER $EV\""
		[ -n "${SUB_CHECK:-}" ] && $SUB_CHECK
	done
	set -- $(median "$rates")
	RATE=$1
	RANGE=$2
	eval "set -- \$run_$RATE"
	TV=$1
	PEER=$2
	EV=$3
	LK_K0=$dk0
	LK_D0=$dd0
	LINK=$(link_note $(($(tvretrans) - dr0)))
}

# (c): a script in `tcpviz run` connects to netblast recv and sends MB MiB
# of zeros in 8 MiB commands; the receiver writes a byte back for each
# 8 MiB it got, and the script waits for those before it queues more.
# With the default send buffer one command is queued at a time: the
# script's queue is freed only once all of it is in the socket, so with
# more queued it would never be freed and grow by the whole transfer.  With
# a send buffer (SNDBUF) larger than two commands, two are queued.  (Not
# 64 MiB, the language's largest: glibc maps such blocks afresh each time,
# and clearing the new pages would cost more than the stack.)  Then the
# script closes and idles, so its CPU time can be read before it exits.
# OFFLOAD [PERF_ID] [SNDBUF].  Sets GBPS TV PEER.
case_c() {
	chunks=$(((MB + 7) / 8))
	ahead=1
	[ -n "${3:-}" ] && ahead=2
	{
		echo "connect tcpviz to $KADDR:$C_PORT as c${3:+ with sndbuf $3}"
		echo "run until c is ESTABLISHED within 30s"
		echo "send c 8m of zeros"
		[ "$ahead" = 2 ] && [ "$chunks" -gt 1 ] && echo "send c 8m of zeros"
		i=1
		while [ "$i" -le "$chunks" ]; do
			echo "run until c received $i within 10min"
			[ $((i + ahead)) -le "$chunks" ] && echo "send c 8m of zeros"
			i=$((i + 1))
		done
		echo "close c"
		echo "run until c is TIME-WAIT within 10min"
		echo "run 30s"
	} >"$TMP/c.tvs"
	# Listening on every address: KADDR exists only once tcpviz is up.
	$(pin "$CL_CPU") "$NETBLAST" recv "$C_PORT" --ack 8388608 --timeout "$TIMEOUT" \
		>"$TMP/c.out" 2>&1 &
	RPID=$!
	PIDS="$PIDS $RPID"
	wait_for "$TMP/c.out" '^netblast listening' 30 || die "(c): netblast recv did not listen"
	(with_offload "$1" "$TCPVIZ" run --no-ladder --events state,retransmit --tap "$TAP" \
		--addr "$SADDR/24" --host-addr "$KADDR/24" "$TMP/c.tvs" \
		>"$TMP/run.out" 2>"$TMP/run.err") &
	TVPID=$!
	PIDS="$PIDS $TVPID"
	wait_for "$TMP/run.err" ' is up: ' 30 || die "(c): tcpviz did not bring $TAP up"
	[ -n "${2:-}" ] && perf_start "$TVPID" "$2" "(c)"
	link_mark
	c0=$(ticks "$TVPID")
	t0=$(now)
	wait "$RPID" || {
		cat "$TMP/c.out"
		die "(c) failed"
	}
	t1=$(now)
	c1=$(ticks "$TVPID")
	alive "$TVPID" || die "tcpviz run exited before its script's end (c)"
	[ -n "${2:-}" ] && perf_stop
	LINK=$(link_note "$(grep -a -c -i 'retransmi' "$TMP/run.out")")
	stop_pid "$TVPID"
	C_PORT=$((C_PORT + 1))
	GBPS=$(kv "$TMP/c.out" gbit_s)
	TV=$(cpu_pct "$c0" "$c1" "$t0" "$t1")
	PEER=$(kv "$TMP/c.out" cpu_pct)
}

# ---- the event-stream subscriber of (e) ----

# sub_start ctl|raw
sub_start() {
	SUB_KIND=$1
	if [ "$1" = ctl ]; then
		"$TCPVIZ" ctl --socket "$TMP/s" --follow --json >/dev/null 2>>"$TMP/follow.err" &
	else
		"$NETBLAST" sub "$TMP/s" >>"$TMP/sub.out" 2>&1 &
	fi
	SPID=$!
	PIDS="$PIDS $SPID"
	n=250
	until [ "$(dstat subscribers)" = 1 ]; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || die "the subscriber did not subscribe"
		sleep 0.02
	done
	SUB_DROP0=$(dstat dropped_slow)
	sub_mark
}

# Start counting the subscriber's lines and CPU for one case.
sub_mark() {
	SUB_DROPS=0
	SUB_LINES0=$(dstat event_lines)
	SUB_CPU0=$(ticks "$SPID")
	SUB_T0=$(now)
}

# After a run: was the subscriber dropped (then start another)?  Counts
# the drops in SUB_DROPS.
sub_check() {
	if ! alive "$SPID" || [ "$(dstat dropped_slow)" != "$SUB_DROP0" ]; then
		drops=$((SUB_DROPS + 1))
		stop_pid "$SPID"
		sub_start "$SUB_KIND"
		SUB_DROPS=$drops
	fi
}

# Note for an (e) row: lines the subscriber was sent, its CPU, drops.
sub_note() {
	lines=$(($(dstat event_lines) - SUB_LINES0))
	cpu=$(cpu_pct "$SUB_CPU0" "$(ticks "$SPID")" "$SUB_T0" "$(now)")
	if [ "$SUB_DROPS" -gt 0 ]; then
		echo "subscriber dropped as slow $SUB_DROPS time(s)"
	else
		echo "$lines lines sent, subscriber CPU $cpu%"
	fi
}

# pct_of NEW BASE: NEW as a change against BASE, in percent.
pct_of() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f%%", (b > 0 ? (a - b) / b * 100 : 0) }'
}

# ---- (a) kernel -> kernel across a veth pair ----

peer() {
	nsenter -t "$PEER_NS" -n -- "$@"
}

# peer_bg COMMAND...: in the background; $! is COMMAND itself (nsenter
# execs it), so stopping $! stops it.
peer_bg() {
	(exec nsenter -t "$PEER_NS" -n -- "$@") &
}

# The peer end lives in a nested namespace held by a sleeping process.
veth_up() {
	unshare -n sleep 100000 &
	PEER_NS=$!
	PIDS="$PIDS $PEER_NS"
	n=250
	while ! [ -e "/proc/$PEER_NS/ns/net" ] ||
		[ "$(readlink "/proc/$PEER_NS/ns/net")" = "$(readlink /proc/self/ns/net)" ]; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || die "the peer namespace did not appear"
		sleep 0.02
	done
	ip link add tvba type veth peer name tvbb netns "$PEER_NS" || die "cannot create the veth pair"
	ip addr add "$VNET.1/24" dev tvba && ip link set tvba up || die "cannot configure tvba"
	peer ip link set lo up && peer ip addr add "$VNET.2/24" dev tvbb &&
		peer ip link set tvbb up || die "cannot configure tvbb"
}

# netblast from here (CPU 0) to netblast recv in the peer namespace (CPU 1).
case_a_netblast() {
	peer_bg $(pin "$TV_CPU") "$NETBLAST" recv 5201 --timeout "$TIMEOUT" >"$TMP/a.recv" 2>&1
	RPID=$!
	PIDS="$PIDS $RPID"
	wait_for "$TMP/a.recv" '^netblast listening' 30 || die "(a): netblast recv did not listen"
	timeout $((TIMEOUT * 5)) $(pin "$CL_CPU") "$NETBLAST" send "$VNET.2" 5201 $((MB * 1048576)) \
		--timeout "$TIMEOUT" >"$TMP/a.out" 2>&1 || die "(a) netblast failed: $(cat "$TMP/a.out")"
	wait "$RPID"
	GBPS=$(kv "$TMP/a.out" gbit_s)
	PEER="snd $(kv "$TMP/a.out" cpu_pct) / rcv $(kv "$TMP/a.recv" cpu_pct)"
}

# iperf3, one test of the same size.
case_a_iperf() {
	peer_bg $(pin "$TV_CPU") iperf3 -s -1 -p 5202 -B "$VNET.2" --forceflush \
		>"$TMP/ai.srv" 2>&1
	RPID=$!
	PIDS="$PIDS $RPID"
	wait_for "$TMP/ai.srv" 'listening' 30 || die "(a): iperf3 -s did not listen"
	timeout $((TIMEOUT * 5)) $(pin "$CL_CPU") iperf3 -c "$VNET.2" -p 5202 \
		-n $((MB * 1048576)) -f g -V >"$TMP/ai.out" 2>&1 ||
		die "(a) iperf3 failed: $(tail -n 5 "$TMP/ai.out")"
	wait "$RPID"
	GBPS=$(awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Gbits/sec") v = $i }
		END { print v }' "$TMP/ai.out")
	PEER=$(sed -n 's/.*local\/sender \([0-9.]*\)%.*remote\/receiver \([0-9.]*\)%.*/snd \1 \/ rcv \2/p' \
		"$TMP/ai.out" | tail -n 1)
}

# ---- the run ----

echo "tcpviz TAP benchmark: $MB MiB per throughput case, $CONNS connections per rate run," \
	"median of $REPEAT"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	"Linux $(uname -r)"
echo "tcpviz: $TCPVIZ ($("$TCPVIZ" --version 2>/dev/null | head -n 1))"
if [ "$PIN" = 1 ]; then
	echo "placement: tcpviz and receivers on CPU $TV_CPU, kernel-side clients on CPU $CL_CPU"
else
	echo "placement: not pinned"
fi
[ "$OFFLOAD_BUILT" = 1 ] ||
	echo "note: this tcpviz has no TCPVIZ_TAP_OFFLOAD: both settings run the same code"
[ "$PERF" = 1 ] || echo "note: no perf (apt-get install linux-perf), so no profiles"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $LOAD0"
awk '$1 > 0.5 { print "warning: the machine is busy (load " $1 "): the figures will be low and noisy" }' \
	/proc/loadavg
: >"$TMP/rows"

echo "== (a) kernel -> kernel, veth"
veth_up
case_a_netblast
row "(a) kernel -> kernel, veth (netblast)" - "$GBPS" Gbit/s - "$PEER" "the ceiling"
if command -v iperf3 >/dev/null 2>&1; then
	case_a_iperf
	row "(a) kernel -> kernel, veth (iperf3)" - "$GBPS" Gbit/s - "${PEER:-?}" ""
else
	echo "note: no iperf3 (apt-get install iperf3): (a) by netblast only"
fi
stop_pid "$PEER_NS"

for off in 1 0; do
	echo "== (b), (c') with TCPVIZ_TAP_OFFLOAD=$off"
	daemon_start "$off"
	case_b
	row "(b) kernel -> tcpviz discard" "$(offload_label "$off")" "$GBPS" Gbit/s "$TV" "$PEER" \
		"$EV events$LINK"
	case_chargen
	row "(c') tcpviz chargen -> kernel" "$(offload_label "$off")" "$GBPS" Gbit/s "$TV" "$PEER" \
		"$EV events$LINK"
	daemon_stop
	echo "== (c) with TCPVIZ_TAP_OFFLOAD=$off"
	case_c "$off"
	row "(c) tcpviz client (script) -> kernel" "$(offload_label "$off")" "$GBPS" Gbit/s "$TV" \
		"$PEER" "sndbuf 256 KiB (default)$LINK"
	case_c "$off" "" 16m
	row "(c) tcpviz client (script) -> kernel" "$(offload_label "$off")" "$GBPS" Gbit/s "$TV" \
		"$PEER" "sndbuf 16 MiB$LINK"
done

echo "== (d) connections/s; (b) again as the baseline of (e)"
daemon_start ""
case_b
B_BASE=$GBPS
row "(b) kernel -> tcpviz discard" default "$GBPS" Gbit/s "$TV" "$PEER" \
	"$EV events; baseline of (e)$LINK"
case_d 1 "" "$CL_CPU"
D1_BASE=$RATE
row "(d) connect+close (FIN), 1 client" default "$RATE" conn/s "$TV" "$PEER" \
	"range $RANGE; $EV events$LINK"
if [ "$PIN" = 1 ]; then
	case_d 1 "" "$TV_CPU"
	row "(d) connect+close (FIN), 1 client on tcpviz's CPU" default "$RATE" conn/s "$TV" "$PEER" \
		"range $RANGE$LINK"
fi
case_d 4 "" "$CL_CPU"
D4_BASE=$RATE
row "(d) connect+close (FIN), 4 clients" default "$RATE" conn/s "$TV" "$PEER" "range $RANGE$LINK"
case_d 1 --rst "$CL_CPU"
row "(d) connect+close (RST), 1 client" default "$RATE" conn/s "$TV" "$PEER" \
	"range $RANGE; $EV events$LINK"
case_d 4 --rst "$CL_CPU"
row "(d) connect+close (RST), 4 clients" default "$RATE" conn/s "$TV" "$PEER" "range $RANGE$LINK"

for kind in ctl raw; do
	if [ "$kind" = ctl ]; then
		label="ctl --follow --json"
	else
		label="raw reader"
	fi
	echo "== (e) with a subscriber: $label"
	sub_start "$kind"
	case_b
	sub_check
	row "(e) (b) + $label" default "$GBPS" Gbit/s "$TV" "$PEER" \
		"$(pct_of "$GBPS" "$B_BASE"); $(sub_note)$LINK"
	sub_mark
	SUB_CHECK=sub_check
	case_d 1 "" "$CL_CPU"
	row "(e) (d) FIN, 1 client + $label" default "$RATE" conn/s "$TV" "$PEER" \
		"$(pct_of "$RATE" "$D1_BASE"); range $RANGE; $(sub_note)$LINK"
	sub_mark
	case_d 4 "" "$CL_CPU"
	row "(e) (d) FIN, 4 clients + $label" default "$RATE" conn/s "$TV" "$PEER" \
		"$(pct_of "$RATE" "$D4_BASE"); range $RANGE; $(sub_note)$LINK"
	SUB_CHECK=
	stop_pid "$SPID"
done

if [ "$PERF" = 1 ]; then
	echo "== profiles (extra runs, not the measured ones)"
	perf_start "$DPID" b "(b)"
	case_b
	perf_stop
	perf_start "$DPID" cg "(c')"
	case_chargen
	perf_stop
	perf_start "$DPID" d "(d) FIN, 1 client"
	case_d_once 1 "" "$CL_CPU"
	perf_stop
	sub_start raw
	perf_start "$DPID" e "(e) (b) + raw reader"
	case_b
	perf_stop
	stop_pid "$SPID"
	daemon_stop
	case_c "" c
else
	daemon_stop
fi

echo
echo "load average before: $LOAD0; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| case | offload | result | tcpviz CPU % | kernel-side program CPU % | notes |"
echo "|------|---------|--------|--------------|---------------------------|-------|"
cat "$TMP/rows"
