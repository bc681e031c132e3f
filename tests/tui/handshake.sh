#!/bin/sh
# handshake.sh - `tcpviz` opens the TUI on the demo with the clock paused
# and every segment held: n starts the handshake and steps it one segment
# at a time until both lanes read ESTABLISHED; the ladder shows the three
# segments and the queue is empty again.
. "${srcdir:-.}/tests/tui/lib.sh"

start demo --
wait_for demo 'PAUSED' "the demo starts paused"
handshake demo
screen demo | grep -Eq 'SYN seq=0' || fail "the ladder shows the SYN"
screen demo | grep -Eq 'SYN,ACK seq=0 ack=1' || fail "the ladder shows the SYN,ACK"
screen demo | grep -Eq 'ACK seq=1 ack=1' || fail "the ladder shows the ACK"
wait_for demo 'Wire queue \(0 held\)' "nothing held after the handshake"
finish demo
echo "PASS: handshake stepped to ESTABLISHED on both ends"
