#!/bin/sh
# conformance.sh - the RFC conformance suite: every tests/conformance/*.tvs
# drives the stack through the scripted raw peer (packetdrill-style lines)
# and checks one rule of RFC 9293, 5961, 6298, 1122 or 7323 (plus a few of
# RFC 5681/6582 and 1337).  Each script must make `tcpviz run` exit 0; a
# script that fails is named with the expectation that broke.  Each script
# must also open with a comment naming the RFC section it checks, so a
# failure always points at the rule.
#
# Run from the build directory (make check does); srcdir locates the
# scripts.  Exit status: 0 all passed, 1 some failed, 99 a hard error.
set -u

srcdir=${srcdir:-.}
dir=$srcdir/tests/conformance
tcpviz=./src/tcpviz
tmp=${TMPDIR:-/tmp}/conformance.$$

# The C locale: English messages, stable bytes.
LC_ALL=C
export LC_ALL

[ -x "$tcpviz" ] || { echo "conformance.sh: $tcpviz not built"; exit 99; }
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT

total=0
failed=0
for f in "$dir"/*.tvs; do
	[ -f "$f" ] || { echo "conformance.sh: no scripts in $dir"; exit 99; }
	name=$(basename "$f")
	total=$((total + 1))
	if ! head -n 1 "$f" | grep -q '^# RFC [0-9]'; then
		echo "FAIL: $name: the first line must be a comment naming the RFC section"
		failed=$((failed + 1))
		continue
	fi
	"$tcpviz" run --no-ladder "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 0 ] && continue
	failed=$((failed + 1))
	echo "FAIL: $name (exit $rc)"
	# The location and message, expected vs actual, and the last events
	# before the failure (`tcpviz run FILE` shows everything).
	sed 's/^/    /' "$tmp/err"
	grep -E '^  (expected|actual):' "$tmp/out" | sed 's/^/  /'
	grep -E '^[0-9]+\.[0-9]{6} ' "$tmp/out" | tail -n 4 | sed 's/^/    | /'
done

if [ "$total" -lt 40 ]; then
	echo "conformance.sh: only $total scripts in $dir (at least 40 expected)"
	exit 99
fi
echo "conformance: $((total - failed)) of $total scripts passed"
[ "$failed" -eq 0 ] || exit 1
exit 0
