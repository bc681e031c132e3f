# Benchmarks: built on demand (make bench), never timed in make check.
EXTRA_DIST += bench/RESULTS.md
