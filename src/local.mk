# The tcpviz command and its front-end helpers.
bin_PROGRAMS += src/tcpviz
src_tcpviz_SOURCES = src/main.c src/i18n.h src/run.c src/run.h
src_tcpviz_CPPFLAGS = $(AM_CPPFLAGS) -DLESSONDIR=\"$(lessondir)\"
src_tcpviz_LDADD = src/script/libtvscript.a src/out/libtvout.a src/core/libtvcore.a \
	$(JANSSON_LIBS) $(LIBINTL)
