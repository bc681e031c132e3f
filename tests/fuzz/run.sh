#!/bin/sh
# run.sh - run each fuzz target for $FUZZ_TIME seconds (`make fuzz`).
#
#   FUZZ_TIME=60 sh run.sh SRCDIR/tests/fuzz tests/fuzz/fuzz_frame ...
#
# Each target runs on a copy of its committed corpus (SRCDIR/corpus/NAME,
# plus the inputs in SRCDIR/regress/NAME) in a temporary directory, so the
# source tree is never written.  Afterwards one line per target: runs,
# coverage (libFuzzer's cov: points), corpus size before and after, and
# crashes.  A crash or a violated invariant (the targets abort) keeps the
# input in tests/fuzz/crashes/NAME/ under the build directory, prints its
# path and makes the script fail once every target has run.  Inputs that
# only ran slowly (over 10 s) are counted and kept in tests/fuzz/slow/NAME/.
set -u
fuzzdir=$1
shift
time=${FUZZ_TIME:-60}
status=0
summary=

for bin in "$@"; do
	name=$(basename "$bin")
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpviz-$name.XXXXXX") || exit 1
	mkdir "$tmp/corpus"
	for d in "$fuzzdir/corpus/$name" "$fuzzdir/regress/$name"; do
		[ -d "$d" ] && cp "$d"/* "$tmp/corpus/" 2>/dev/null
	done
	before=$(ls "$tmp/corpus" | wc -l)
	crashdir=tests/fuzz/crashes/$name
	mkdir -p "$crashdir"
	echo "fuzz: $name for ${time}s ($before seeds)"
	"$bin" -max_total_time="$time" -print_final_stats=1 -artifact_prefix="$crashdir/" \
		"$tmp/corpus" >"$tmp/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$tmp/log" | tail -n 1)
	after=$(ls "$tmp/corpus" | wc -l)
	# An input that merely took long (libFuzzer's slow-unit-*, over 10 s:
	# a chargen at full speed for a virtual hour is real work) is not a
	# failure; it is kept apart for a look.
	slow=$(ls "$crashdir" | grep -c '^slow-unit-')
	if [ "$slow" -gt 0 ]; then
		mkdir -p "tests/fuzz/slow/$name"
		mv "$crashdir"/slow-unit-* "tests/fuzz/slow/$name/"
	fi
	crashes=$(ls "$crashdir" | wc -l)
	slowest=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$tmp/log" | tail -n 1)
	line="$name: ${runs:-?} runs, cov ${cov:-?}, corpus $before -> $after, crashes $crashes"
	[ "$slow" -eq 0 ] ||
		line="$line, slow inputs $slow (slowest ${slowest:-?} s, in tests/fuzz/slow/$name/)"
	summary="$summary$line
"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		status=1
		tail -n 60 "$tmp/log"
		echo "fuzz: $name FAILED (exit $rc); input kept in $crashdir/, log in $tmp/log"
	else
		rm -rf "$tmp"
		rmdir "$crashdir" 2>/dev/null
	fi
done
rmdir tests/fuzz/crashes 2>/dev/null
printf '%s' "$summary"
exit $status
