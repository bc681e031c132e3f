#!/bin/sh
# close.sh - the four-way close with the last ACK lost, in the demo:
# after the handshake, `:close c1` closes A's end; n steps FIN, ACK and
# FIN until A is in TIME-WAIT with its last ACK held; in the wire queue
# (Tab, Tab) d drops it; t skips to B's retransmission timer twice, so B
# sends its FIN again (↻) while A's 2MSL runs down (3:5x); n delivers
# the first of them and A acknowledges it again and restarts 2MSL (4:00).
. "${srcdir:-.}/tests/tui/lib.sh"

A='A:[0-9]+ +B:7'
B='B:7 +A:[0-9]+'
start demo --
handshake demo
keys demo : 'close c1' Enter
wait_for demo "^ $A +FIN-WAIT-1" "A in FIN-WAIT-1 after close"
keys demo n
wait_for demo "^ $B +(CLOSE-WAIT|LAST-ACK)" "B got the FIN"
while ! screen demo | grep -Eq "^ $A +TIME-WAIT"; do
	n=$(( ${n:-0} + 1 ))
	[ "$n" -le 6 ] || fail "A never reached TIME-WAIT"
	step demo
done
wait_for demo "^ $B +LAST-ACK" "B waits in LAST-ACK for the last ACK"
wait_for demo 'Wire queue \(1 held\)' "A's last ACK is held"
keys demo Tab Tab
wait_for demo '^ #[0-9]+ +A out .*ACK' "the held ACK in the queue"
keys demo d
wait_for demo 'done: drop [0-9]+' "d drops the held ACK"
wait_for demo 'dropped' "the ladder marks the drop"
keys demo t
wait_for demo 'skipped [0-9.]+ s to the next timer' "t skips to B's RTO"
wait_for demo '↻ FIN' "B retransmits its FIN"
keys demo t
wait_for demo 'Wire queue \(2 held\)' "B's second retransmission is held"
row demo "$A" | grep -Eq '2MSL .*3:5[0-9]' || { screen demo; fail "2MSL runs down (3:5x)"; }
keys demo n
wait_for demo "^ $A +TIME-WAIT .*2MSL .*4:00" "A re-ACKs the FIN and restarts 2MSL"
wait_for demo 'restart 2MSL' "the explanation says why"
finish demo
echo "PASS: the lost last ACK: FIN retransmitted, TIME-WAIT re-ACKs, 2MSL restarts"
