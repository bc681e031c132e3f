#!/bin/sh
# gate.sh - the gate in front of the stack works on the kernel's frames
# as on the in-memory wire: with the stack's inbound side held, the
# script steps the kernel's SYN and then its ACK through one at a time
# (the stack is SYN-RECEIVED, then ESTABLISHED) and lets the rest pass;
# a rule, first in line so that it acts before holding does, drops the
# kernel's first FIN; the kernel retransmits it, and the connection still
# closes cleanly with the data echoed.
. "${srcdir:-.}/tests/netns/lib.sh"
netns_enter "$@"
need nc netcat-openbsd

cat >"$TMP/s.tvs" <<'TVS'
start tcpviz echo
rule on tcpviz in tcp flags F/F drop next
hold tcpviz in
say "ready"
step
expect tcpviz conns SYN-RECEIVED == 1
step
expect tcpviz conns ESTABLISHED == 1
pass tcpviz
run 10min
TVS
tv_start "$TMP/s.tvs"
wait_for "$TMP/out" 'ready' 30 || fail "the script did not start"
got=$(printf 'through the gate\n' | guard nc -N "$SADDR" 7) || fail "nc failed"
[ "$got" = "through the gate" ] || fail "echo returned '$got'"
wait_for "$TMP/out" 'LAST-ACK -> CLOSED' 60 || fail "the connection did not close"
tv_stop
[ "$TV_STATUS" -eq 143 ] || fail "tcpviz exited $TV_STATUS (expected 143 after SIGTERM): a step or expectation failed?"
for s in 'gate tcpviz in: held #[0-9]+ .*Flags \[S\]' 'gate tcpviz in: released #[0-9]+ .*Flags \[S\]' \
	'gate tcpviz in: dropped #[0-9]+ .*Flags \[F' 'LISTEN -> SYN-RECEIVED' \
	'SYN-RECEIVED -> ESTABLISHED' 'ESTABLISHED -> CLOSE-WAIT'; do
	grep -a -q -E -- "$s" "$TMP/out" || fail "no '$s' in the transcript"
done
echo "PASS: SYN and ACK stepped through the gate, a dropped FIN retransmitted by the kernel"
