# Front-end writers over the event stream: the text transcript (more to
# come: ladder, JSON lines, pcap).  Front-end code: may use stdio/gettext.
noinst_LIBRARIES += src/out/libtvout.a
src_out_libtvout_a_SOURCES = src/out/text.c src/out/text.h
