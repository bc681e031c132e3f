# Unit tests (Check), one program per module, plus the boundary check.
TESTS += tests/boundaries.sh
EXTRA_DIST += tests/boundaries.sh

TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = src/core/libtvcore.a $(CHECK_LIBS)

check_PROGRAMS += tests/check_tv
tests_check_tv_SOURCES = tests/check_tv.c
tests_check_tv_CFLAGS = $(TEST_CFLAGS)
tests_check_tv_LDADD = $(TEST_LIBS)

TESTS += $(check_PROGRAMS)
