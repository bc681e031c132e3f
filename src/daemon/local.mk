# The daemon's control socket (server), the client codec shared with the
# TUI, the JSON event decoder, and the `daemon` and `ctl` subcommands.
# Front-end code: libuv (server only), jansson, stdio, gettext.
noinst_LIBRARIES += src/daemon/libtvdaemon.a
src_daemon_libtvdaemon_a_SOURCES = \
	src/daemon/proto.h src/daemon/internal.h \
	src/daemon/server.c src/daemon/server.h \
	src/daemon/snapshot.c src/daemon/sockpath.c \
	src/daemon/client.c src/daemon/client.h \
	src/daemon/evjson.c src/daemon/evjson.h \
	src/daemon/cmd.h src/daemon/daemon.c src/daemon/ctl.c
src_daemon_libtvdaemon_a_CFLAGS = $(AM_CFLAGS) $(LIBUV_CFLAGS) $(JANSSON_CFLAGS)
