# The live runtime: the libuv loop, the scaled clock, TAP devices.  With
# src/daemon, the only code that includes uv.h.
noinst_LIBRARIES += src/host/libtvhost.a
src_host_libtvhost_a_SOURCES = src/host/rt.c src/host/rt.h \
	src/host/tap.c src/host/tap.h src/host/sys.c \
	src/host/vnet.c src/host/vnet.h
src_host_libtvhost_a_CFLAGS = $(AM_CFLAGS) $(LIBUV_CFLAGS)
