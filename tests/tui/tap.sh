#!/bin/sh
# tap.sh - the TUI facing the kernel across TAP (`tcpviz --tap`), inside a
# network namespace of its own (unshare -n; the kernel side is 10.77.9.1,
# the stack 10.77.9.2, nothing is sent anywhere else): the header names
# the device, the kernel's nc gets its echo, and the connection appears in
# the table and in the ladder with the kernel as a lane.  SKIP (77)
# without root, /dev/net/tun, unshare, nc or tmux.
if [ -z "${TV_NETNS:-}" ]; then
	skip() {
		echo "SKIP: $*"
		exit 77
	}
	[ "$(id -u)" -eq 0 ] || skip "needs root (or CAP_NET_ADMIN) for a network namespace"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null ||
		skip "cannot create a network namespace here (unshare -n)"
	command -v nc >/dev/null 2>&1 || skip "needs nc (apt-get install netcat-openbsd)"
	command -v ip >/dev/null 2>&1 || skip "needs ip (apt-get install iproute2)"
	TV_NETNS=1 exec unshare -n -- /bin/sh "$0" "$@"
fi
ip link set lo up || exit 99
. "${srcdir:-.}/tests/tui/lib.sh"

start tap -- --tap tv9 --addr 10.77.9.2/24 --host-addr 10.77.9.1/24
wait_for tap ' tv9 ' "the header names the TAP device"
wait_for tap '^ tcpviz:7 +\* +LISTEN' "the stack's echo service listens"
# timeout is a hang guard, not a speed limit.
reply=$(printf 'over tap\n' | timeout 120 nc -N 10.77.9.2 7)
[ "$reply" = "over tap" ] || fail "the kernel's echo over TAP came back as '$reply'"
wait_for tap '^ tcpviz:7 +kernel:' "the kernel's connection in the table"
wait_for tap 'Ladder (kernel:[0-9]+ ⇄ tcpviz:7|tcpviz:7 ⇄ kernel:[0-9]+)' \
	"the ladder of the kernel's connection"
wait_for tap 'len=9' "the 9 bytes drawn on the ladder"
finish tap
echo "PASS: the TUI over TAP: the kernel's echo, its connection in the table and the ladder"
