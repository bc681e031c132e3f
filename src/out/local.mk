# Front-end writers over the event stream: the text transcript, the
# ladder diagram, JSON lines (jansson) and the pcapng writer (a frame
# tap).  Front-end code: may use stdio/gettext.
noinst_LIBRARIES += src/out/libtvout.a
src_out_libtvout_a_SOURCES = src/out/text.c src/out/text.h \
	src/out/ladder.c src/out/ladder.h \
	src/out/json.c src/out/json.h \
	src/out/pcap.c src/out/pcap.h \
	src/out/util.c src/out/util.h
src_out_libtvout_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
