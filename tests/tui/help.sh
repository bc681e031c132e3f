#!/bin/sh
# help.sh - ? opens the help screen generated from the keymap (every key
# with what it does), up/down scroll it, any other key closes it; F1 does
# the same.
. "${srcdir:-.}/tests/tui/lib.sh"

start demo --
wait_for demo 'press n to start a handshake'
keys demo '?'
wait_for demo 'Help: keys' "? opens the help"
for what in 'quit' 'step: deliver the next held segment' 'skip to the next timer' \
	'step back' 'command prompt' 'filter the event log' 'switch language' \
	'export: pcap and text ladder' 'rules menu' 'theme'; do
	screen demo | grep -q -- "$what" || fail "the help lists '$what'"
done
keys demo Escape
wait_gone demo 'Help: keys' "Escape closes the help"
wait_for demo 'Connections' "the panes are back"
keys demo F1
wait_for demo 'Help: keys' "F1 opens the help"
keys demo x
wait_gone demo 'Help: keys' "any key closes the help"
finish demo
echo "PASS: help screen from the keymap"
