# Benchmarks: built and run by `make bench`, never part of make check
# (wall-clock figures have no place in tests on shared machines).
EXTRA_PROGRAMS += bench/bench_stack
bench_bench_stack_SOURCES = bench/bench_stack.c tests/xfer.c tests/xfer.h
bench_bench_stack_CFLAGS = $(AM_CFLAGS) -O2
bench_bench_stack_LDADD = src/core/libtvcore.a
CLEANFILES += bench/bench_stack
EXTRA_DIST += bench/RESULTS.md

# The kernel side of the TAP benchmark (bench/tap.sh): built with
# everything so the warnings keep it honest, never installed.
noinst_PROGRAMS += bench/netblast
bench_netblast_SOURCES = bench/netblast.c
bench_netblast_CFLAGS = $(AM_CFLAGS) -O2
EXTRA_DIST += bench/tap.sh

bench: bench/bench_stack bench/bench_tui
	bench/bench_stack $(BENCH_ARGS)
	bench/bench_tui

# The TAP link against the kernel (needs root and /dev/net/tun; see the
# script's header).  BENCH_MB, BENCH_CONNS, BENCH_PERF, BENCH_KEEP pass
# through the environment.
bench-tap: src/tcpviz bench/netblast
	TCPVIZ=$(abs_builddir)/src/tcpviz NETBLAST=$(abs_builddir)/bench/netblast \
		$(SHELL) $(srcdir)/bench/tap.sh
.PHONY: bench bench-tap

# The TUI: building a model of 10,000 connections and drawing a frame of
# it (bench/bench_tui.c; `make bench-tui`, also run by `make bench`).
EXTRA_PROGRAMS += bench/bench_tui
bench_bench_tui_SOURCES = bench/bench_tui.c tests/tui_fixture.c tests/tui_fixture.h
bench_bench_tui_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) -O2
bench_bench_tui_LDADD = tui/libtvtui.a src/daemon/libtvdaemon.a src/out/libtvout.a src/core/libtvcore.a $(JANSSON_LIBS) $(LIBINTL)
CLEANFILES += bench/bench_tui

bench-tui: bench/bench_tui
	bench/bench_tui
.PHONY: bench-tui
