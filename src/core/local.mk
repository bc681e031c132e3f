# The protocol core: pure C11, libc only (see tests/boundaries.sh).
noinst_LIBRARIES += src/core/libtvcore.a
src_core_libtvcore_a_SOURCES = \
	src/core/tv.c src/core/tv.h \
	src/core/counter.c src/core/counter.h \
	src/core/event.c src/core/event.h src/core/rule.h \
	src/core/checksum.c src/core/checksum.h \
	src/core/host.h src/core/host.c src/core/ipv4.h \
	src/core/eth.c src/core/arp.c src/core/ipv4.c src/core/icmp.c \
	src/core/sock.h src/core/tcp.h src/core/tcp.c \
	src/core/seq.h src/core/tcb.h src/core/tcp_in.c src/core/tcp_out.c \
	src/core/tcp_timer.c src/core/tcp_cc.c src/core/tcp_buf.c src/core/isn.c \
	src/core/sock.c
# The in-memory wire, the gate, the headless driver and the services.
src_core_libtvcore_a_SOURCES += \
	src/core/wire.c src/core/wire.h src/core/gate.c src/core/gate.h \
	src/core/sim.c src/core/sim.h src/core/apps.c src/core/apps.h
