#!/bin/sh
# The core's boundaries (DESIGN.md): src/core includes no libuv, curses or
# libintl, prints nothing, exits nowhere; only tcb_set_state() assigns a
# TCB's state.  Fails naming the file and line that breaks a rule.
top=${srcdir:-.}
core=$top/src/core
fail=0

bad=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"](uv|curses|ncurses|ncursesw/curses|libintl|stdio)\.h[>"]' \
	"$core"/*.c "$core"/*.h)
if [ -n "$bad" ]; then
	echo "src/core must include only libc (no uv, curses, libintl, stdio):"
	echo "$bad"
	fail=1
fi

bad=$(grep -nE '\b(printf|fprintf|puts|exit|abort|getenv|time|clock_gettime)[[:space:]]*\(' \
	"$core"/*.c | grep -v '^\s*\*')
if [ -n "$bad" ]; then
	echo "src/core must not print, exit or read clocks or the environment:"
	echo "$bad"
	fail=1
fi

# Any assignment to a ->state / .state field of a TCB outside tcb_set_state.
bad=$(grep -nE '(->|\.)state[[:space:]]*=[^=]' "$core"/tcp*.c "$core"/tcb*.c 2>/dev/null |
	grep -v 'tcb_set_state' | grep -v '/\*.*state.*=' )
if [ -n "$bad" ]; then
	# Allow the one assignment inside tcb_set_state itself, marked so.
	bad=$(echo "$bad" | grep -v 'TCB_STATE_WRITE')
fi
if [ -n "$bad" ]; then
	echo "only tcb_set_state() may assign a TCB's state:"
	echo "$bad"
	fail=1
fi

[ $fail -eq 0 ] && echo "core boundaries hold"
exit $fail
