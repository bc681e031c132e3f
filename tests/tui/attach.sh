#!/bin/sh
# attach.sh - a teacher's TUI and a student's read-only TUI on one
# `tcpviz daemon`: c in the teacher's connects A to B's echo service and
# both screens show the same connection ESTABLISHED on both ends; the
# student's keys that would change the engine say "read-only"; the
# teacher's q leaves the daemon and the student running.
. "${srcdir:-.}/tests/tui/lib.sh"

mkdir -m 700 "$tmp/d"
sock=$tmp/d/s
"$tcpviz" daemon --socket "$sock" 2>"$tmp/daemon.err" &
pids="$pids $!"
i=0
until [ -S "$sock" ]; do
	i=$((i + 1))
	[ $i -le "$TRIES" ] || { cat "$tmp/daemon.err"; fail "the daemon's socket"; }
	sleep 0.05
done

start teacher -- attach --socket "$sock"
start student -- attach --socket "$sock" --read-only
wait_for teacher "attached to $sock" "the teacher is attached"
wait_for student "attached to $sock, read-only" "the student is attached read-only"
wait_for student '^ B:7 +\* +LISTEN' "the student sees B listening"
keys teacher c
wait_for teacher '^ A:[0-9]+ +B:7 +ESTABLISHED' "the teacher sees A ESTABLISHED"
wait_for teacher '^ B:7 +A:[0-9]+ +ESTABLISHED' "the teacher sees B ESTABLISHED"
port=$(row teacher 'A:[0-9]+ +B:7' | sed -E 's/^ A:([0-9]+) .*/\1/')
wait_for student "^ A:$port +B:7 +ESTABLISHED" "the student sees the same connection"
wait_for student "^ B:7 +A:$port +ESTABLISHED" "the student sees B's end"
keys student n
wait_for student 'read-only' "n on the student's screen is refused"
keys student c
wait_for student 'read-only' "c on the student's screen is refused"
finish teacher
kill -0 $pids 2>/dev/null || fail "the daemon still runs"
wait_for student "^ A:$port +B:7" "the student still shows the connection"
finish student
echo "PASS: a read-only TUI on a daemon sees what the teacher's does"
