# Benchmarks: built and run by `make bench`, never part of make check
# (wall-clock figures have no place in tests on shared machines).
EXTRA_PROGRAMS += bench/bench_stack
bench_bench_stack_SOURCES = bench/bench_stack.c tests/xfer.c tests/xfer.h
bench_bench_stack_CFLAGS = $(AM_CFLAGS) -O2
bench_bench_stack_LDADD = src/core/libtvcore.a
CLEANFILES += bench/bench_stack
EXTRA_DIST += bench/RESULTS.md

bench: bench/bench_stack
	bench/bench_stack $(BENCH_ARGS)
.PHONY: bench
