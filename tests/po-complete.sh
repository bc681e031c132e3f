#!/bin/sh
# po-complete.sh - every translatable message of the sources is translated
# in every catalog of po/LINGUAS, and none is fuzzy.  Extracts a fresh
# template with the options of po/Makevars, merges each catalog into it
# (without touching the source tree) and asks msgfmt for statistics.
# A new _() string fails this test until it is translated.
top=${srcdir:-.}
command -v xgettext >/dev/null 2>&1 && command -v msgmerge >/dev/null 2>&1 || {
	echo "po-complete: gettext tools not installed: skipping"
	exit 77
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$top/po/POTFILES.in" | grep . >"$tmp/files"
opts=$(sed -n '/^XGETTEXT_OPTIONS *=/,/[^\\]$/p' "$top/po/Makevars" |
	sed -e 's/^XGETTEXT_OPTIONS *=//' -e 's/\\$//' | tr '\n' ' ')
# shellcheck disable=SC2086
xgettext $opts --directory="$top" --files-from="$tmp/files" \
	--output="$tmp/tcpviz.pot" 2>"$tmp/xgettext.err" || {
	cat "$tmp/xgettext.err"
	exit 1
}

fail=0
for lang in $(grep -v '^#' "$top/po/LINGUAS"); do
	po=$top/po/$lang.po
	msgmerge --quiet --no-fuzzy-matching "$po" "$tmp/tcpviz.pot" -o "$tmp/$lang.po" || exit 1
	stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) || {
		echo "$lang: $stats"
		fail=1
		continue
	}
	echo "$lang: $stats"
	case $stats in
	*untranslated* | *fuzzy*)
		echo "$lang: messages are missing; translate them in po/$lang.po:"
		for which in --untranslated --only-fuzzy; do
			msgattrib $which --no-wrap "$tmp/$lang.po" | grep '^msgid' |
				grep -v '^msgid ""$' | head -20
		done
		fail=1
		;;
	esac
done
exit $fail
