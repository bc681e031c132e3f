#!/bin/sh
# run_scripts.sh - end-to-end tests of `tcpviz run` and `tcpviz lessons`
# on the scripts in tests/scripts: pass-*.tvs must exit 0, fail-*.tvs 1
# (a failed expectation), error-*.tvs 2 (a mistake in the script); the
# output is byte-identical from one run to the next with the same seed;
# every parse error of a file is reported in `file:line:col: message`
# form; lessons are found by name through TCPVIZ_LESSONS.
set -u

srcdir=${srcdir:-.}
scripts=$srcdir/tests/scripts
tcpviz=./src/tcpviz
tmp=${TMPDIR:-/tmp}/run_scripts.$$
failed=0

mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
# The C locale: English messages, ASCII ladders, stable bytes.
LC_ALL=C
export LC_ALL

fail() {
	echo "FAIL: $*"
	failed=1
}

expect_status() {
	want=$1
	shift
	"$tcpviz" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { fail "tcpviz $* exited $got, expected $want"; cat "$tmp/err"; }
}

for f in "$scripts"/*.tvs; do
	case $(basename "$f") in
	pass-*) expect_status 0 run "$f" ;;
	fail-*) expect_status 1 run "$f" ;;
	error-*) expect_status 2 run "$f" ;;
	esac
done

# The same script and seed give the same bytes; another seed differs.
"$tcpviz" run "$scripts/pass-handshake.tvs" >"$tmp/a" 2>&1
"$tcpviz" run "$scripts/pass-handshake.tvs" >"$tmp/b" 2>&1
cmp -s "$tmp/a" "$tmp/b" || fail "two runs of pass-handshake.tvs differ"
"$tcpviz" run --seed 99 "$scripts/pass-handshake.tvs" >"$tmp/c" 2>&1
cmp -s "$tmp/a" "$tmp/c" && fail "--seed 99 did not change the run"
grep -q "^0.000000 # A opens: SYN, SYN-ACK, ACK$" "$tmp/a" || fail "narration missing from the transcript"
grep -q "TIME-WAIT -> CLOSED" "$tmp/a" || fail "transcript lacks the end of TIME-WAIT"
grep -q "^Connection 1: " "$tmp/a" || fail "no ladder after the transcript"
"$tcpviz" run --no-ladder "$scripts/pass-handshake.tvs" >"$tmp/d" 2>&1
grep -q "^Connection 1: " "$tmp/d" && fail "--no-ladder still printed a ladder"

# Every parse error is printed, in order, before anything runs.
"$tcpviz" run "$scripts/error-parse.tvs" >"$tmp/out" 2>"$tmp/err"
cat >"$tmp/want" <<EOT
$scripts/error-parse.tvs:3:1: unknown command 'conect'; did you mean 'connect'?
$scripts/error-parse.tvs:4:5: '5' needs a unit: us, ms, s, min or h
$scripts/error-parse.tvs:5:5: unterminated string
EOT
cmp -s "$tmp/err" "$tmp/want" || { fail "parse errors differ:"; diff "$tmp/want" "$tmp/err"; }
[ -s "$tmp/out" ] && fail "a script with parse errors printed a transcript"

# A failure prints expected vs actual, both TCBs and the ladder so far.
"$tcpviz" run "$scripts/fail-state.tvs" >"$tmp/out" 2>"$tmp/err"
grep -q "fail-state.tvs:7:8: 'c' is ESTABLISHED, expected CLOSE-WAIT" "$tmp/err" || fail "failure message"
grep -q "^  expected: c CLOSE-WAIT$" "$tmp/out" || fail "no expected line"
grep -q "^  actual:   c ESTABLISHED$" "$tmp/out" || fail "no actual line"
[ "$(grep -c '^TCB of ' "$tmp/out")" -eq 2 ] || fail "both TCBs not printed"
grep -q "^The ladder up to the failure:" "$tmp/out" || fail "no ladder at the failure"
grep -q "never reached" "$tmp/out" && fail "the run went on after the failure"
"$tcpviz" run "$scripts/fail-peer.tvs" >"$tmp/out" 2>"$tmp/err"
grep -q "^  expected: S. 0:0(0) ack 2 <...>$" "$tmp/out" || fail "peer: expected segment"
grep -q "^  actual:   S. 0:0(0) ack 1 win 65535 <mss 1460>$" "$tmp/out" || fail "peer: actual segment"

# Without TCPVIZ_LESSONS, the binary in the build tree finds the lessons of
# its source tree, in-tree or out-of-tree build alike.
(
	unset TCPVIZ_LESSONS
	"$tcpviz" run --no-ladder handshake >"$tmp/out" 2>"$tmp/err"
) || fail "'tcpviz run handshake' without TCPVIZ_LESSONS: $(cat "$tmp/err")"
grep -q "CLOSED -> SYN-SENT" "$tmp/out" || fail "the handshake lesson found uninstalled did not run"
(
	unset TCPVIZ_LESSONS
	"$tcpviz" lessons >"$tmp/out" 2>"$tmp/err"
) || fail "'tcpviz lessons' without TCPVIZ_LESSONS: $(cat "$tmp/err")"
grep -q "^old-duplicate-syn " "$tmp/out" || fail "'tcpviz lessons' uninstalled does not list the source tree's lessons"

# Lessons by name.
TCPVIZ_LESSONS=$scripts
export TCPVIZ_LESSONS
expect_status 0 lessons
grep -q "^pass-handshake  *the three-way handshake and the four-way close, end to end$" "$tmp/out" ||
	fail "lessons does not list pass-handshake with its summary"
expect_status 0 run pass-peer
expect_status 2 run no-such-lesson
grep -q "no script file or lesson named 'no-such-lesson'" "$tmp/err" || fail "unknown lesson message"

# Other outputs.
expect_status 0 run --json "$scripts/pass-handshake.tvs"
[ "$(grep -vc '^{"type":' "$tmp/out")" -eq 0 ] || fail "--json printed lines that are not JSON events"
grep -q '"type":"note","t":0,"text":"A opens: SYN, SYN-ACK, ACK"' "$tmp/out" || fail "--json lacks the note"
expect_status 0 run --pcap "$tmp/x.pcapng" "$scripts/pass-peer.tvs"
[ -s "$tmp/x.pcapng" ] || fail "--pcap wrote nothing"
expect_status 0 run --help
grep -q -- "--no-ladder" "$tmp/out" || fail "run --help lacks --no-ladder"
expect_status 0 lessons --help
expect_status 2 run
expect_status 2 run --seed x "$scripts/pass-handshake.tvs"

exit $failed
