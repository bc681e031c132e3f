# The tcpviz command and its front-end helpers.
bin_PROGRAMS += src/tcpviz
src_tcpviz_SOURCES = src/main.c src/i18n.h src/run.c src/run.h src/live.c src/live.h
src_tcpviz_CPPFLAGS = $(AM_CPPFLAGS) -DLESSONDIR=\"$(lessondir)\" \
	-DBUILD_BINDIR=\"$(abs_top_builddir)/src\" \
	-DSRCDIR_LESSONDIR=\"$(abs_top_srcdir)/scenarios\"
src_tcpviz_LDADD = tui/libtvscreen.a tui/libtvtui.a src/daemon/libtvdaemon.a src/host/libtvhost.a src/script/libtvscript.a src/out/libtvout.a \
	src/core/libtvcore.a $(NCURSES_LIBS) $(JANSSON_LIBS) $(LIBUV_LIBS) $(LIBINTL) -lm
