#!/bin/sh
# lessons.sh - golden transcripts of the lesson library.  Every
# scenarios/NAME.tvs is run with `tcpviz run` and the default options;
# it must exit 0, and its whole stdout (transcript and ladder) must equal
# tests/lessons/NAME.out byte for byte.  A difference is shown as a
# unified diff.  The same lesson run by name (`tcpviz run NAME`, found
# through $TCPVIZ_LESSONS) must print the same bytes, and `tcpviz
# lessons` must list every lesson with its one-line summary.
#
# TCPVIZ_REGEN=1 rewrites the expected files from the current output
# instead of comparing (read every one before committing it: it must be
# correct TCP and a good lesson).
#
# Run from the build directory (make check does); srcdir locates the
# sources.  Exit status: 0 all passed, 1 some failed, 99 a hard error.
# (tests/gen-narration.sh checks that scenarios/narration.c is current.)
set -u

srcdir=${srcdir:-.}
lessons=$srcdir/scenarios
expected=$srcdir/tests/lessons
tcpviz=./src/tcpviz
tmp=${TMPDIR:-/tmp}/lessons.$$

# The C locale: English narration and messages, an ASCII ladder, the same
# bytes on every machine.
LC_ALL=C
export LC_ALL
unset LANGUAGE LANG || :
TCPVIZ_LESSONS=$lessons
export TCPVIZ_LESSONS

[ -x "$tcpviz" ] || { echo "lessons.sh: $tcpviz not built"; exit 99; }
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
regen=${TCPVIZ_REGEN:-}
[ -n "$regen" ] && { mkdir -p "$expected" || exit 99; }

total=0
failed=0
fail() {
	failed=$((failed + 1))
	echo "FAIL: $name: $*"
}

for f in "$lessons"/*.tvs; do
	[ -f "$f" ] || { echo "lessons.sh: no lessons in $lessons"; exit 99; }
	name=$(basename "$f" .tvs)
	total=$((total + 1))
	# Listed for installation (and the tarball) in scenarios/local.mk?
	grep -q "scenarios/$name\.tvs" "$lessons/local.mk" ||
		fail "not listed in dist_lesson_DATA in scenarios/local.mk"
	if ! head -n 1 "$f" | grep -q '^# lesson: .'; then
		fail "the first line must be '# lesson: <one line summary>'"
		continue
	fi
	"$tcpviz" run "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "tcpviz run exited $rc"
		sed 's/^/    /' "$tmp/err"
		grep -E '^  (expected|actual):' "$tmp/out" | sed 's/^/  /'
		continue
	fi
	if [ -s "$tmp/err" ]; then
		fail "tcpviz run wrote to stderr"
		sed 's/^/    /' "$tmp/err"
	fi
	if [ -n "$regen" ]; then
		cp "$tmp/out" "$expected/$name.out" || exit 99
		echo "wrote $expected/$name.out"
		continue
	fi
	if [ ! -f "$expected/$name.out" ]; then
		fail "no expected output $expected/$name.out (make it with TCPVIZ_REGEN=1)"
		continue
	fi
	if ! diff -u "$expected/$name.out" "$tmp/out" >"$tmp/diff"; then
		fail "the transcript differs from $expected/$name.out:"
		cat "$tmp/diff"
		continue
	fi
	# By name, through $TCPVIZ_LESSONS: the very same bytes.
	"$tcpviz" run "$name" >"$tmp/byname" 2>&1
	if ! cmp -s "$tmp/out" "$tmp/byname"; then
		fail "'tcpviz run $name' prints something else than 'tcpviz run $f'"
		diff -u "$tmp/out" "$tmp/byname" | head -n 20
	fi
done

# Expected files whose lesson is gone would silently stop being checked.
for e in "$expected"/*.out; do
	[ -f "$e" ] || continue
	name=$(basename "$e" .out)
	[ -f "$lessons/$name.tvs" ] || fail "$e has no lesson $lessons/$name.tvs"
done

# `tcpviz lessons`: one line per lesson, naming it, with its summary.
name=lessons
if ! "$tcpviz" lessons >"$tmp/list" 2>"$tmp/err"; then
	fail "tcpviz lessons failed"
	sed 's/^/    /' "$tmp/err"
else
	for f in "$lessons"/*.tvs; do
		n=$(basename "$f" .tvs)
		summary=$(head -n 1 "$f" | sed 's/^# lesson: //')
		grep -F -- "$n" "$tmp/list" | grep -qF -- "$summary" ||
			fail "'tcpviz lessons' does not list $n with its summary"
	done
fi

if [ "$failed" -eq 0 ]; then
	echo "lessons: all $total lessons passed"
else
	echo "lessons: $failed failures in $total lessons"
fi
[ "$failed" -eq 0 ] || exit 1
exit 0
