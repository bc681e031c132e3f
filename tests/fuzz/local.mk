# Fuzzing (issue 6): four libFuzzer targets, each checking the invariants
# of tests/invariant.[ch] as it goes.
#
#   fuzz_frame   one frame into a host in each TCP state
#   fuzz_seq     frames, application calls and time gaps, two hosts
#   fuzz_script  the command language: lexer, parser, executor
#   fuzz_ctl     the control protocol: the daemon's server, the client codec
#                and the TUI model reading what it says
#
# `make fuzz` builds each with $(FUZZ_CC) (clang), ASan + UBSan and
# -fsanitize=fuzzer, compiling the sources it needs directly (not the .a
# files, which $(CC) built without coverage), then runs each for
# $(FUZZ_TIME) seconds on a copy of the committed corpus in a temporary
# directory (tests/fuzz/run.sh).  A crash or a violated invariant makes it
# fail and keeps the input under tests/fuzz/crashes/TARGET/.
#
# The same targets are also linked with the normal compiler to
# tests/fuzz/replay.c, a main that feeds them every committed seed
# (corpus/TARGET) and every input that once broke something
# (regress/TARGET): those are ordinary `make check` tests.
FUZZ_CC = clang
FUZZ_TIME = 60
FUZZ_SANITIZE = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_ALL_CFLAGS = -g -O1 -std=c11 $(FUZZ_SANITIZE) -I$(top_srcdir)/src -I$(top_srcdir) \
	-I$(top_builddir) -I$(top_srcdir)/tests $(CHECK_CFLAGS) $(FUZZ_CFLAGS)
FUZZ_TARGETS = tests/fuzz/fuzz_frame tests/fuzz/fuzz_seq tests/fuzz/fuzz_script \
	tests/fuzz/fuzz_ctl

# What every target links: the TCP fixture, the invariants, the shared
# helpers and the stand-in for libcheck's assertion reporting.
FUZZ_COMMON = tests/tcp_fixture.c tests/tcp_fixture.h tests/invariant.c tests/invariant.h \
	tests/fuzz/fuzz.c tests/fuzz/fuzz.h tests/fuzz/check_shim.c
FUZZ_COMMON_C = $(top_srcdir)/tests/tcp_fixture.c $(top_srcdir)/tests/invariant.c \
	$(top_srcdir)/tests/fuzz/fuzz.c $(top_srcdir)/tests/fuzz/check_shim.c
# The control target's front-end code, beyond the core and the language.
FUZZ_CTL_C = $(top_srcdir)/src/daemon/server.c $(top_srcdir)/src/daemon/snapshot.c \
	$(top_srcdir)/src/daemon/sockpath.c $(top_srcdir)/src/daemon/client.c \
	$(top_srcdir)/src/daemon/evjson.c $(top_srcdir)/tui/model.c \
	$(top_srcdir)/tui/model_json.c $(top_srcdir)/tui/model_map.c

# The .a prerequisites stand for "a source changed" (they are built from
# the same files); the recipes compile the sources themselves.
tests/fuzz/fuzz_frame: src/core/libtvcore.a $(FUZZ_COMMON) tests/fuzz/fuzz_frame.c
	$(AM_V_CCLD)$(MKDIR_P) tests/fuzz && $(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -o $@ \
	  $(top_srcdir)/src/core/*.c $(FUZZ_COMMON_C) $(top_srcdir)/tests/fuzz/fuzz_frame.c
tests/fuzz/fuzz_seq: src/core/libtvcore.a $(FUZZ_COMMON) tests/fuzz/fuzz_seq.c
	$(AM_V_CCLD)$(MKDIR_P) tests/fuzz && $(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -o $@ \
	  $(top_srcdir)/src/core/*.c $(FUZZ_COMMON_C) $(top_srcdir)/tests/fuzz/fuzz_seq.c
tests/fuzz/fuzz_script: src/core/libtvcore.a src/script/libtvscript.a $(FUZZ_COMMON) \
		tests/fuzz/fuzz_script.c
	$(AM_V_CCLD)$(MKDIR_P) tests/fuzz && $(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -o $@ \
	  $(top_srcdir)/src/core/*.c $(top_srcdir)/src/script/*.c $(FUZZ_COMMON_C) \
	  $(top_srcdir)/tests/fuzz/fuzz_script.c $(LIBINTL)
tests/fuzz/fuzz_ctl: src/core/libtvcore.a src/script/libtvscript.a src/host/libtvhost.a \
		src/out/libtvout.a src/daemon/libtvdaemon.a tui/libtvtui.a $(FUZZ_COMMON) \
		tests/fuzz/fuzz_ctl.c
	$(AM_V_CCLD)$(MKDIR_P) tests/fuzz && $(FUZZ_CC) $(FUZZ_ALL_CFLAGS) $(LIBUV_CFLAGS) \
	  $(JANSSON_CFLAGS) -o $@ $(top_srcdir)/src/core/*.c $(top_srcdir)/src/script/*.c \
	  $(top_srcdir)/src/host/*.c $(top_srcdir)/src/out/*.c $(FUZZ_CTL_C) $(FUZZ_COMMON_C) \
	  $(top_srcdir)/tests/fuzz/fuzz_ctl.c $(LIBUV_LIBS) $(JANSSON_LIBS) $(LIBINTL) -lm

fuzz-build: $(FUZZ_TARGETS)
fuzz: fuzz-build
	FUZZ_TIME=$(FUZZ_TIME) $(SHELL) $(top_srcdir)/tests/fuzz/run.sh \
	  $(top_srcdir)/tests/fuzz $(FUZZ_TARGETS)
.PHONY: fuzz fuzz-build
CLEANFILES += $(FUZZ_TARGETS)

# The replays: every seed and regression input, in every `make check`.
FUZZ_REPLAY = tests/fuzz/replay.c $(FUZZ_COMMON)
FUZZ_REPLAY_CFLAGS = $(TEST_CFLAGS)
check_PROGRAMS += tests/fuzz/replay_frame tests/fuzz/replay_seq tests/fuzz/replay_script \
	tests/fuzz/replay_ctl
tests_fuzz_replay_frame_SOURCES = tests/fuzz/fuzz_frame.c $(FUZZ_REPLAY)
tests_fuzz_replay_frame_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET=\"fuzz_frame\"
tests_fuzz_replay_frame_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_frame_LDADD = src/core/libtvcore.a
tests_fuzz_replay_seq_SOURCES = tests/fuzz/fuzz_seq.c $(FUZZ_REPLAY)
tests_fuzz_replay_seq_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET=\"fuzz_seq\"
tests_fuzz_replay_seq_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_seq_LDADD = src/core/libtvcore.a
tests_fuzz_replay_script_SOURCES = tests/fuzz/fuzz_script.c $(FUZZ_REPLAY)
tests_fuzz_replay_script_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET=\"fuzz_script\"
tests_fuzz_replay_script_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_script_LDADD = src/script/libtvscript.a src/core/libtvcore.a $(LIBINTL)
tests_fuzz_replay_ctl_SOURCES = tests/fuzz/fuzz_ctl.c $(FUZZ_REPLAY)
tests_fuzz_replay_ctl_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET=\"fuzz_ctl\"
tests_fuzz_replay_ctl_CFLAGS = $(FUZZ_REPLAY_CFLAGS) $(LIBUV_CFLAGS) $(JANSSON_CFLAGS)
tests_fuzz_replay_ctl_LDADD = src/daemon/libtvdaemon.a tui/libtvtui.a src/host/libtvhost.a \
	src/script/libtvscript.a src/out/libtvout.a src/core/libtvcore.a $(LIBUV_LIBS) \
	$(JANSSON_LIBS) $(LIBINTL) -lm
# What the fuzzers found, as named protocol tests, and the checker's own.
check_PROGRAMS += tests/check_fuzz_found
tests_check_fuzz_found_SOURCES = tests/check_fuzz_found.c tests/invariant.c tests/invariant.h \
	$(TCP_FIXTURE)
tests_check_fuzz_found_CFLAGS = $(TEST_CFLAGS)
tests_check_fuzz_found_LDADD = $(TEST_LIBS)

EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/gen-corpus.py tests/fuzz/corpus tests/fuzz/regress
