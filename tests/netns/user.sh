#!/bin/sh
# user.sh - no root needed with a TAP device an administrator made for the
# user: inside a network and mount namespace of its own, root creates
# tv8 for uid 65534 (ip tuntap add ... user), gives the kernel side its
# address and brings it up; then tcpviz runs as 65534 (setpriv), attaches
# to tv8 without --host-addr, and the kernel's nc gets its echo.  Where
# /dev/net/tun is closed to other users (mode 0600 on some machines), the
# test first checks that tcpviz says so, then binds a node of the usual
# mode 0666 over it, in its own mount namespace only.
if [ -z "${TV_USERNS_DONE:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to make the device"; exit 77; }
	[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
	command -v setpriv >/dev/null 2>&1 || { echo "SKIP: needs setpriv (util-linux)"; exit 77; }
	unshare -m -n true 2>/dev/null || { echo "SKIP: cannot unshare -m -n here"; exit 77; }
	TV_USERNS_DONE=1 TV_NETNS=1 exec unshare -m -n -- /bin/sh "$0" "$@"
fi
. "${srcdir:-.}/tests/netns/lib.sh"
need nc netcat-openbsd
ip link set lo up || fail "cannot bring up lo"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tv-user.XXXXXX") || exit 99
chmod 755 "$TMP"
trap cleanup EXIT
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

ip tuntap add "$TAP" mode tap user 65534 || fail "ip tuntap add failed"
ip addr add "$KADDR/24" dev "$TAP" && ip link set "$TAP" up || fail "cannot address $TAP"
printf 'start tcpviz echo\nsay "ready"\nrun 10min\n' >"$TMP/s.tvs"
chmod 644 "$TMP/s.tvs"

mode=$(stat -c %a /dev/net/tun)
case $mode in
*66) ;;
*)
	# Closed to others: tcpviz must say why, and what to do.
	$NOBODY "$TCPVIZ" run --tap "$TAP" --addr "$SADDR/24" "$TMP/s.tvs" >/dev/null 2>"$TMP/err"
	[ $? -eq 2 ] || fail "tcpviz as another user did not fail with status 2"
	grep -q "closed to other users here (mode 0*$mode" "$TMP/err" ||
		fail "the error does not say that /dev/net/tun is closed: $(cat "$TMP/err")"
	mount --make-rprivate / 2>/dev/null
	mknod "$TMP/tun" c 10 200 && chmod 666 "$TMP/tun" ||
		skip "cannot make a device node here to stand in for /dev/net/tun"
	mount --bind "$TMP/tun" /dev/net/tun || skip "cannot bind a node over /dev/net/tun"
	;;
esac

$NOBODY "$TCPVIZ" run --no-ladder --tap "$TAP" --addr "$SADDR/24" "$TMP/s.tvs" \
	>"$TMP/out" 2>"$TMP/err" &
TV_PID=$!
wait_for "$TMP/out" 'ready' 30 || fail "tcpviz did not start as uid 65534 on $TAP"
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$TV_PID/status")
[ "$uid" = 65534 ] || fail "tcpviz runs as uid $uid, not 65534"
reply=$(printf 'no root\n' | guard nc -N "$SADDR" 7)
[ "$reply" = "no root" ] || fail "the echo as uid 65534 came back as '$reply'"
tv_stop
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS after SIGTERM, expected 143"
echo "PASS: uid 65534 runs tcpviz on a TAP device made for it, no root (/dev/net/tun was $mode)"
