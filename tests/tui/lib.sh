# lib.sh - shared by the TUI's end-to-end tests (tests/tui/*.sh): the
# TUI runs inside a detached tmux session of a fixed size on a tmux
# server of our own (-L, so nobody else's sessions are touched), keys go
# in with send-keys, the screen comes out with capture-pane.
#
# Nothing here races a clock: wait_for polls the screen until what it
# waits for is there, with a generous number of tries, and on failure
# prints the screen it last saw.  Every process a test starts is ended
# by the cleanup (the tmux server is ours; daemons by their PID).
set -u

tcpviz=$PWD/src/tcpviz
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed"
	exit 77
fi
if [ ! -x "$tcpviz" ]; then
	echo "FAIL: $tcpviz is not built"
	exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tui-test.XXXXXX") || exit 99
chmod 700 "$tmp"
tsock=tcpviz-test-$$
pids=
TRIES=${TUI_TEST_TRIES:-2000}

# The status line is off from the server's start: turning it off after a
# session began would resize the pane under a TUI still starting up.
printf 'set -g status off\n' >"$tmp/tmux.conf"
T() {
	tmux -L "$tsock" -f "$tmp/tmux.conf" "$@"
}

cleanup() {
	T kill-server >/dev/null 2>&1
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# start NAME [VAR=value...] -- ARGS...: the TUI in session NAME, 120x40,
# in the C.UTF-8 locale unless the VARs say otherwise.
start() {
	name=$1
	shift
	envs="LANG=C.UTF-8 LC_ALL= LANGUAGE= NO_COLOR= TERM=screen"
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs $1"
		shift
	done
	[ $# -gt 0 ] && shift
	T new-session -d -s "$name" -x 120 -y 40 \
		"cd '$tmp' && env $envs '$tcpviz' $* 2>'$tmp/$name.err'; echo \"[exit \$?]\"; sleep 600"
	T set-option -t "$name" status off >/dev/null
}

screen() {
	T capture-pane -p -t "$1"
}

keys() {
	name=$1
	shift
	T send-keys -t "$name" "$@"
}

fail() {
	echo "FAIL: $*"
	exit 1
}

# wait_for NAME REGEX [WHAT]: poll until the screen matches (grep -E).
wait_for() {
	i=0
	while ! screen "$1" | grep -Eq -- "$2"; do
		i=$((i + 1))
		if [ $i -gt "$TRIES" ]; then
			echo "--- screen of $1:"
			screen "$1"
			echo "--- stderr of $1:"
			cat "$tmp/$1.err" 2>/dev/null
			fail "${3:-waited for /$2/}"
		fi
		sleep 0.05
	done
}

# wait_gone NAME REGEX [WHAT]: poll until the screen no longer matches.
wait_gone() {
	i=0
	while screen "$1" | grep -Eq -- "$2"; do
		i=$((i + 1))
		if [ $i -gt "$TRIES" ]; then
			echo "--- screen of $1:"
			screen "$1"
			fail "${3:-waited for /$2/ to go}"
		fi
		sleep 0.05
	done
}

# The connection table's row of one end, e.g. row NAME 'A:[0-9]+ +B:7'.
row() {
	screen "$1" | grep -E -- "^ $2 " | head -n 1
}

# The demo's handshake, one segment a key: c connects, n steps.
handshake() {
	wait_for "$1" 'press n to start a handshake' "the demo's first screen"
	keys "$1" n
	wait_for "$1" '^ A:[0-9]+ +B:7 +SYN-SENT' "A in SYN-SENT after n"
	keys "$1" n
	wait_for "$1" '^ B:7 +A:[0-9]+ +SYN-RECEIVED' "B in SYN-RECEIVED after the SYN"
	keys "$1" n
	wait_for "$1" '^ A:[0-9]+ +B:7 +ESTABLISHED' "A ESTABLISHED after the SYN,ACK"
	keys "$1" n
	wait_for "$1" '^ B:7 +A:[0-9]+ +ESTABLISHED' "B ESTABLISHED after the ACK"
}

# The number of events the screen has seen (the log's title, "Events (N)").
events() {
	screen "$1" | sed -n 's/.*Events (\([0-9]*\)).*/\1/p' | head -n 1
}

# step NAME: press n and wait until something happened (events grow).
step() {
	before=$(events "$1")
	keys "$1" n
	i=0
	while [ "$(events "$1")" = "$before" ]; do
		i=$((i + 1))
		if [ $i -gt "$TRIES" ]; then
			screen "$1"
			fail "n moved no segment"
		fi
		sleep 0.05
	done
	settle "$1"
}

# settle NAME: wait until the event count stops growing for a few polls,
# so the whole burst a key caused is on the screen (a state change can
# come a frame after the first of its events) before the next decision.
settle() {
	last=$(events "$1")
	same=0
	i=0
	while [ "$same" -lt 4 ]; do
		sleep 0.05
		now=$(events "$1")
		if [ "$now" = "$last" ]; then
			same=$((same + 1))
		else
			same=0
			last=$now
		fi
		i=$((i + 1))
		[ $i -le "$TRIES" ] || fail "the screen never settled"
	done
}

# finish NAME: q quits with status 0 and nothing on stderr from the
# sanitizers (when the build has them).
finish() {
	keys "$1" q
	wait_for "$1" '^\[exit 0\]' "q quits $1 with status 0"
	if grep -Eq 'runtime error|AddressSanitizer|LeakSanitizer' "$tmp/$1.err" 2>/dev/null; then
		cat "$tmp/$1.err"
		fail "$1 wrote sanitizer reports"
	fi
}
