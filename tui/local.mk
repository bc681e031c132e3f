# The ncurses front end (the only code that includes curses).
#
# tui/libtvtui.a holds everything that needs no terminal: text widths, the
# canvas, the model built from protocol messages, the views that draw it,
# the keymap and the explanations; unit tests and bench/bench_tui link it.
# tui/libtvscreen.a is the part that talks to curses and libuv: the screen,
# the app loop, the engine connection; src/tcpviz links both.
noinst_LIBRARIES += tui/libtvtui.a
tui_libtvtui_a_SOURCES = tui/width.c tui/width.h tui/canvas.c tui/canvas.h
tui_libtvtui_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tui_libtvtui_a_SOURCES += tui/keymap.c tui/keymap.h
tui_libtvtui_a_SOURCES += tui/view.c tui/view.h tui/view_internal.h tui/view_util.c \
	tui/view_header.c tui/view_conns.c tui/view_ladder.c tui/view_ladder.h \
	tui/view_ladder_draw.c tui/view_diagram.c tui/view_queue.c tui/view_explain.c \
	tui/view_log.c tui/view_help.c
tui_libtvtui_a_SOURCES += tui/model.c tui/model.h tui/model_json.c tui/model_map.c tui/model_int.h \
	tui/explain.c tui/explain.h tui/explain_text.c tui/explain_int.h

# The prompt's line editor needs no terminal either (tests/check_tui_prompt).
tui_libtvtui_a_SOURCES += tui/prompt.c tui/prompt.h

# curses and libuv: the terminal, the engine in process, the connection,
# the app (keys, requests, the lesson player, the export).
noinst_LIBRARIES += tui/libtvscreen.a
tui_libtvscreen_a_SOURCES = tui/screen.c tui/screen.h tui/conn.c tui/conn.h \
	tui/engine.c tui/engine.h tui/play.c tui/play.h tui/app.c tui/app.h tui/tui.h \
	tui/keys.c tui/send.c tui/export.c
tui_libtvscreen_a_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) $(LIBUV_CFLAGS) $(JANSSON_CFLAGS)
