# The tcpviz command and its front-end helpers.
bin_PROGRAMS += src/tcpviz
src_tcpviz_SOURCES = src/main.c src/i18n.h
src_tcpviz_LDADD = src/out/libtvout.a src/core/libtvcore.a $(JANSSON_LIBS) $(LIBINTL)
