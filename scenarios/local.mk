# The lesson library: narrated scripts (*.tvs), installed for `tcpviz
# lessons` and `tcpviz run NAME`.  Add each lesson to dist_lesson_DATA,
# its golden transcript to LESSON_OUT (tests/lessons.sh), and run
# `make update-narration` so its `say` strings reach the translators.
lessondir = $(pkgdatadir)/scenarios
dist_lesson_DATA = \
	scenarios/close.tvs \
	scenarios/close-wait-pileup.tvs \
	scenarios/final-ack-lost.tvs \
	scenarios/half-close.tvs \
	scenarios/handshake.tvs \
	scenarios/keepalive-dead-peer.tvs \
	scenarios/keepalive-live-peer.tvs \
	scenarios/last-ack-lost.tvs \
	scenarios/loss-fast-retransmit.tvs \
	scenarios/old-duplicate-syn.tvs \
	scenarios/rst-closed-port.tvs \
	scenarios/simultaneous-close.tvs \
	scenarios/simultaneous-open.tvs \
	scenarios/syn-flood.tvs \
	scenarios/syn-lost.tvs \
	scenarios/synack-lost.tvs \
	scenarios/zero-window.tvs

# The narration as C for xgettext (po/POTFILES.in); never compiled.
EXTRA_DIST += scenarios/narration.c
update-narration:
	$(SHELL) $(srcdir)/tests/gen-narration.sh $(srcdir)/scenarios \
		>$(srcdir)/scenarios/narration.c.tmp
	mv -f $(srcdir)/scenarios/narration.c.tmp $(srcdir)/scenarios/narration.c
.PHONY: update-narration
