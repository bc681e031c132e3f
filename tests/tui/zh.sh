#!/bin/sh
# zh.sh - LANG=zh_CN.UTF-8 tcpviz: the TUI speaks Chinese (the build's
# zh_CN catalog, found through TCPVIZ_LOCALEDIR as an uninstalled build
# has no installed one); L switches to English live, and back.
#
# The catalog is po/zh_CN.gmo of the build (or of the source tree).  The
# zh_CN.UTF-8 locale is used when the system has it or localedef can make
# it (in a LOCPATH of the test's own); without either, LANG=C.UTF-8 with
# LANGUAGE=zh_CN asks gettext for the same catalog, and the test says so.
. "${srcdir:-.}/tests/tui/lib.sh"

gmo=
for g in "$PWD/po/zh_CN.gmo" "${srcdir:-.}/po/zh_CN.gmo"; do
	[ -f "$g" ] && { gmo=$g; break; }
done
if [ -z "$gmo" ]; then
	echo "SKIP: no po/zh_CN.gmo built"
	exit 77
fi
mkdir -p "$tmp/locale/zh_CN/LC_MESSAGES"
cp "$gmo" "$tmp/locale/zh_CN/LC_MESSAGES/tcpviz.mo"

lang="LANG=zh_CN.UTF-8"
if ! locale -a 2>/dev/null | grep -Eiq '^zh_CN\.utf-?8$'; then
	if localedef -i zh_CN -f UTF-8 "$tmp/loc/zh_CN.UTF-8" >/dev/null 2>&1 ||
		{ mkdir -p "$tmp/loc" && localedef -i zh_CN -f UTF-8 "$tmp/loc/zh_CN.UTF-8" >/dev/null 2>&1; }; then
		lang="LANG=zh_CN.UTF-8 LOCPATH=$tmp/loc"
	else
		echo "note: no zh_CN.UTF-8 locale here and localedef cannot make one:"
		echo "      using LANG=C.UTF-8 LANGUAGE=zh_CN (the same catalog)"
		lang="LANG=C.UTF-8 LANGUAGE=zh_CN"
	fi
fi

# A CJK ideograph (U+4E00 to U+9FFF: E4-E9 and two continuation bytes),
# matched as bytes so no locale is needed for it.
ideograph=$(printf '[\344-\351][\200-\277][\200-\277]')
cjk() {
	screen "$1" | LC_ALL=C grep -q "$ideograph"
}

start zh $lang TCPVIZ_LOCALEDIR="$tmp/locale" --
# The clock in the header (its unit is translated: "s", "秒").
wait_for zh ' t=[0-9]+[.][0-9]+' "the first screen"
i=0
until cjk zh; do
	i=$((i + 1))
	[ $i -le "$TRIES" ] || { screen zh; fail "Chinese text on the screen"; }
	sleep 0.05
done
keys zh L
i=0
while cjk zh; do
	i=$((i + 1))
	[ $i -le "$TRIES" ] || { screen zh; fail "L switches to English: no Chinese left"; }
	sleep 0.05
done
wait_for zh 'Switched to English' "L says so"
keys zh L
i=0
until cjk zh; do
	i=$((i + 1))
	[ $i -le "$TRIES" ] || { screen zh; fail "L switches back to Chinese"; }
	sleep 0.05
done
finish zh
echo "PASS: Chinese, and L switches live ($lang)"
