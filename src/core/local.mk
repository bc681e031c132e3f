# The protocol core: pure C11, libc only (see tests/boundaries.sh).
noinst_LIBRARIES += src/core/libtvcore.a
src_core_libtvcore_a_SOURCES = \
	src/core/tv.c src/core/tv.h \
	src/core/counter.c src/core/counter.h \
	src/core/event.c src/core/event.h src/core/rule.h \
	src/core/checksum.c src/core/checksum.h \
	src/core/host.h src/core/ipv4.h \
	src/core/sock.h src/core/tcp.h src/core/tcp.c
