/*
 * screen.h - the terminal: the only part of tcpviz that calls curses.
 * It copies a canvas (tui/canvas.h) to the terminal, changing only the
 * cells that changed since the last frame, maps the canvas's styles
 * (meanings) to the theme's colours and attributes, and turns curses'
 * keys into the keymap's codes (tui/keymap.h).
 *
 *   struct screen *s = screen_open(&opts, msg, sizeof(msg));
 *   screen_size(s, &w, &h);  canvas_init(&c, w, h);  ... view_render ...
 *   screen_draw(s, &c, cursor_y, cursor_x);
 *   while ((k = screen_key(s)) >= 0) ... keymap_lookup(k) ...
 *   screen_close(s);
 *
 * Themes: colour; high contrast (for projectors: a black background,
 * bright colours, bold); monochrome (attributes only: bold, reverse,
 * underline).  Monochrome is used when the terminal has no colours.
 */
#ifndef TV_TUI_SCREEN_H
#define TV_TUI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/canvas.h"

enum screen_theme { THEME_COLOR, THEME_CONTRAST, THEME_MONO, THEME_COUNT };

struct screen_opts {
	enum screen_theme theme;
	bool mouse;              /* report clicks (TK_MOUSE) */
};

struct screen;

/* Take over the terminal (stdin/stdout).  NULL with a translated message
 * when it cannot (no terminal, unknown TERM). */
struct screen *screen_open(const struct screen_opts *o, char *msg, size_t size);
/* Give the terminal back as it was. */
void screen_close(struct screen *s);

/* Columns and rows now. */
void screen_size(const struct screen *s, int *w, int *h);
/* After SIGWINCH: learn the terminal's new size; the next frame is drawn
 * in full. */
void screen_resized(struct screen *s);
/* Ask the terminal its size; if it is not what was drawn for, resize as
 * screen_resized does and return true.  A resize whose signal was caught
 * before ours was installed (curses keeps it for the next key) is found
 * this way. */
bool screen_check_size(struct screen *s);
/* The next frame is drawn in full (Ctrl-L). */
void screen_invalidate(struct screen *s);

void screen_set_theme(struct screen *s, enum screen_theme t);
enum screen_theme screen_get_theme(const struct screen *s);
/* The terminal can show colours at all. */
bool screen_has_colors(const struct screen *s);
/* The locale's character set is UTF-8 (else: ASCII drawing). */
bool screen_utf8(const struct screen *s);
/* The theme named for --theme: "color" ("colour"), "contrast"
 * ("high-contrast"), "mono" ("monochrome"); -1 for an unknown name. */
int screen_theme_parse(const char *name);

/* Copy c to the terminal; the cursor goes to (y, x), hidden when y < 0. */
void screen_draw(struct screen *s, const struct canvas *c, int y, int x);

/* The next key: a code point or a TK_* code; -1 when none is waiting. */
int screen_key(struct screen *s);
/* Where the last TK_MOUSE click was (row, column). */
void screen_mouse_pos(const struct screen *s, int *y, int *x);
/* The file descriptor keys come from (to poll). */
int screen_fd(const struct screen *s);

#endif
