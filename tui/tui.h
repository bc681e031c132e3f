/*
 * tui.h - the TUI's entry point for src/main.c (tui/app.c): `tcpviz`
 * with no command or with TUI options (the demo, --tap), `tcpviz attach`
 * and `tcpviz play`.  argv[0] is the program; argv[1] may be "attach" or
 * "play".  Returns the exit status (2 when stdout is not a terminal).
 */
#ifndef TV_TUI_TUI_H
#define TV_TUI_TUI_H

#include <stdio.h>

int cmd_tui(int argc, char **argv);
/* The TUI's options, for `tcpviz --help`. */
void tui_usage_options(FILE *out);

#endif
