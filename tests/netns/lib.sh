# lib.sh - shared by the TAP interop tests (tests/netns/*.sh), sourced.
#
# Each test re-executes itself inside a network namespace of its own
# (unshare -n), so the TAP device, its addresses and every packet stay
# there: the kernel side of the TAP is $KADDR, the stack $SADDR, and
# nothing is ever sent anywhere else.  Without root, /dev/net/tun,
# unshare or a tool a test needs, the test prints why and exits 77
# (SKIP).  No fixed sleeps: readiness is polled; waits are bounded by a
# hang guard of minutes, not a speed limit.
#
#   . "$srcdir/tests/netns/lib.sh"
#   netns_enter "$@"              re-exec in a new namespace (once)
#   need nc netcat-openbsd        skip unless the tool is there
#   tv_start SCRIPT [OPTION...]   tcpviz run --tap ... SCRIPT, in the background
#   wait_for FILE PATTERN [SECS]  poll until grep -E finds PATTERN in FILE
#   wait_count FILE PATTERN N [SECS]  ... in N lines
#   tv_wait                       wait for tcpviz to exit: $TV_STATUS
#   tv_stop                       SIGTERM, then tv_wait

set -u

srcdir=${srcdir:-.}
TCPVIZ=${TCPVIZ:-$(pwd)/src/tcpviz}
TAP=tv0
NET=10.77.1
KADDR=$NET.1
SADDR=$NET.2
GUARD=${NETNS_GUARD:-300}       # seconds: a hang guard, not a speed limit
TV_PID=
TV_STATUS=
LC_ALL=C
export LC_ALL

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	[ -n "${TMP:-}" ] && for f in "$TMP"/err "$TMP"/out; do
		[ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 40 "$f"; }
	done
	exit 1
}

need() {
	command -v "$1" >/dev/null 2>&1 || skip "needs $1 (apt-get install ${2:-$1})"
}

cleanup() {
	if [ -n "$TV_PID" ] && kill -0 "$TV_PID" 2>/dev/null; then
		kill -KILL "$TV_PID" 2>/dev/null
		wait "$TV_PID" 2>/dev/null
	fi
	for p in ${BG_PIDS:-}; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
}

# Re-run this script in a new network namespace, after checking that one
# can be made.  Inside: loopback up, a scratch directory, cleanup on exit.
netns_enter() {
	if [ -z "${TV_NETNS:-}" ]; then
		[ "$(id -u)" -eq 0 ] || skip "needs root (or CAP_NET_ADMIN) for a network namespace"
		[ -c /dev/net/tun ] || skip "no /dev/net/tun"
		need unshare util-linux
		need ip iproute2
		unshare -n true 2>/dev/null || skip "cannot create a network namespace here (unshare -n)"
		[ -x "$TCPVIZ" ] || fail "no tcpviz binary at $TCPVIZ"
		TV_NETNS=1 exec unshare -n -- /bin/sh "$0" "$@"
	fi
	ip link set lo up || fail "cannot bring up lo in the namespace"
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/tv-netns.XXXXXX") || exit 99
	trap cleanup EXIT
	trap 'exit 1' INT TERM
}

# Is process $1 running (not gone, not a zombie waiting to be reaped)?
alive() {
	[ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# Poll (the hang guard bounds it) until the command succeeds, while
# tcpviz ($TV_PID) lives.
until_ok() {
	n=$((GUARD * 20))
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] && alive "$TV_PID" || return 1
		sleep 0.05
	done
}

# Start `tcpviz daemon` on the test's TAP device, the stack at $SADDR and
# the kernel at $KADDR, with the services named first and any further
# options after; its control socket is $SOCK (in a 0700 directory), its
# log $TMP/err, its pid $TV_PID.  Returns once it runs.
daemon_start() {
	services=$1
	shift
	mkdir -m 700 "$TMP/d" || fail "mkdir failed"
	SOCK=$TMP/d/tcpviz.sock
	"$TCPVIZ" daemon --tap "$TAP" --addr "$SADDR/24" --host-addr "$KADDR/24" \
		--services "$services" --socket "$SOCK" "$@" 2>"$TMP/err" &
	TV_PID=$!
	wait_for "$TMP/err" 'running at speed' 30 || fail "the daemon did not start"
}

# A request to the daemon of daemon_start.
ctl() {
	"$TCPVIZ" ctl --socket "$SOCK" "$@"
}

# Lines of FILE matching PATTERN (0 when there is no FILE yet).
count() {
	c=$(grep -a -E -c -- "$2" "$1" 2>/dev/null)
	echo "${c:-0}"
}

# Poll (every 20 ms) until at least N lines of FILE match PATTERN; false
# after SECS, or as soon as tcpviz has exited without writing them.
wait_count() {
	n=$(( ${4:-$GUARD} * 50 ))
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		if [ -n "$TV_PID" ] && ! alive "$TV_PID"; then
			[ "$(count "$1" "$2")" -ge "$3" ]
			return
		fi
		sleep 0.02
	done
}

# wait_count FILE PATTERN 1 [SECS]
wait_for() {
	wait_count "$1" "$2" 1 "${3:-$GUARD}"
}

# Start tcpviz on SCRIPT with the TAP link; the transcript goes to
# $TMP/out (line-buffered), messages to $TMP/err.  Returns once the
# device is up.
tv_start() {
	script=$1
	shift
	"$TCPVIZ" run --no-ladder --tap "$TAP" --addr "$SADDR/24" --host-addr "$KADDR/24" \
		"$@" "$script" >"$TMP/out" 2>"$TMP/err" &
	TV_PID=$!
	wait_for "$TMP/err" ' is up: ' 30 || fail "tcpviz did not bring $TAP up"
}

tv_wait() {
	wait "$TV_PID"
	TV_STATUS=$?
	TV_PID=
}

tv_stop() {
	kill -TERM "$TV_PID" 2>/dev/null
	tv_wait
}

# Run a command with the hang guard (timeout(1) when there is one).
guard() {
	if command -v timeout >/dev/null 2>&1; then
		timeout "$GUARD" "$@"
	else
		"$@"
	fi
}
