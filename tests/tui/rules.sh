#!/bin/sh
# rules.sh - the rules menu: in the demo, with B's SYN,ACK held, R opens
# the menu (each item with the command it sends) and 3 sets "drop the next
# bare ACK from A"; n delivers the SYN,ACK, A answers with the third
# segment of the handshake and the rule drops it: A is ESTABLISHED, B is
# still in SYN-RECEIVED.  t runs to B's retransmission timer, B sends its
# SYN,ACK again, and two more steps (it, then A's new ACK) bring B to
# ESTABLISHED: the lost third ACK repaired.
. "${srcdir:-.}/tests/tui/lib.sh"

A='A:[0-9]+ +B:7'
B='B:7 +A:[0-9]+'
start demo --
wait_for demo 'press n to start a handshake'
keys demo n
wait_for demo "^ $A +SYN-SENT"
keys demo n
wait_for demo "^ $B +SYN-RECEIVED"
wait_for demo 'Wire queue \(1 held\)' "B's SYN,ACK is held"
keys demo R
wait_for demo 'Rules: Enter or a number sets one' "R opens the menu"
wait_for demo 'drop the next bare ACK from A' "the menu offers it"
wait_for demo ':rule from A flags S/S drop next' "the menu shows the command"
keys demo 3
wait_gone demo 'Rules: Enter or a number sets one' "the menu closes"
wait_for demo 'done: rule from A flags \. drop next' "the rule is set"
step demo
wait_for demo "^ $A +ESTABLISHED" "A ESTABLISHED after the SYN,ACK"
wait_for demo 'dropped' "the third segment is dropped by the rule"
row demo "$B" | grep -q 'SYN-RECEIVED' || fail "B is still in SYN-RECEIVED"
keys demo t
wait_for demo '↻ SYN,ACK' "B retransmits its SYN,ACK"
step demo
wait_for demo 'Wire queue \(1 held\)' "A acknowledges it again (held)"
step demo
wait_for demo "^ $B +ESTABLISHED" "B ESTABLISHED at last"
finish demo
echo "PASS: a rule from the menu drops the third ACK; the retransmitted SYN,ACK repairs it"
