#!/bin/sh
# narration.sh - scenarios/narration.c (the lessons' `say` strings for
# xgettext) must be what tests/gen-narration.sh makes from the current
# lessons, or new narration would never reach the translators.  On a
# difference it shows the diff and how to regenerate the file.
# Exit status: 0 current, 1 stale, 99 a hard error.
set -u

srcdir=${srcdir:-.}
gen=$srcdir/tests/gen-narration.sh
file=$srcdir/scenarios/narration.c
tmp=${TMPDIR:-/tmp}/narration.$$.c

[ -f "$gen" ] && [ -f "$file" ] || { echo "narration.sh: $gen or $file missing"; exit 99; }
trap 'rm -f "$tmp"' EXIT
sh "$gen" "$srcdir/scenarios" >"$tmp" || exit 99
if ! diff -u "$file" "$tmp"; then
	echo "FAIL: $file is out of date: run 'make update-narration' and commit it"
	exit 1
fi
n=$(grep -c '^	N_(' "$file")
echo "narration: $file is current ($n strings)"
exit 0
