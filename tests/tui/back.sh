#!/bin/sh
# back.sh - in the demo, after the handshake, b steps back one step: the
# engine is rebuilt and the commands replayed to the moment before the
# last key, so A is ESTABLISHED, B still in SYN-RECEIVED and A's ACK held
# again.  A different choice: the held ACK is dropped (Tab, Tab, d), and
# when B's timer fires (t) B retransmits its SYN,ACK.  Then w exports
# the connection: a text ladder and a pcapng of its frames.
. "${srcdir:-.}/tests/tui/lib.sh"

start demo --
handshake demo
keys demo b
wait_for demo 'stepped back to' "b steps back"
wait_for demo '^ B:7 +A:[0-9]+ +SYN-RECEIVED' "B in SYN-RECEIVED again"
wait_for demo '^ A:[0-9]+ +B:7 +ESTABLISHED' "A still ESTABLISHED"
wait_for demo 'Wire queue \(1 held\)' "A's ACK held again"
keys demo Tab Tab
wait_for demo '^ #[0-9]+ +A out .*ACK' "the held ACK in the queue"
keys demo d
wait_for demo 'done: drop [0-9]+' "d drops it"
keys demo t
wait_for demo '↻ SYN,ACK' "B retransmits its SYN,ACK"
keys demo w
wait_for demo 'wrote tcpviz-[0-9-]+\.txt and tcpviz-[0-9-]+\.pcapng \([1-9][0-9]* frames\)' \
	"w writes the ladder and the pcap"
txt=$(ls "$tmp"/tcpviz-*.txt)
pcap=$(ls "$tmp"/tcpviz-*.pcapng)
grep -q 'SYN,ACK' "$txt" || fail "the text ladder has the SYN,ACK"
grep -q 'dropped' "$txt" || fail "the text ladder marks the dropped ACK"
[ "$(od -An -tx1 -N4 "$pcap" | tr -d ' ')" = 0a0d0d0a ] || fail "a pcapng file"
if command -v tshark >/dev/null 2>&1; then
	n=$(tshark -r "$pcap" 2>/dev/null | wc -l)
	[ "$n" -ge 3 ] || fail "tshark reads the capture ($n frames)"
fi
finish demo
echo "PASS: step back, a different choice, export"
