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
