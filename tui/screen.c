/*
 * screen.c - curses, and only here (see screen.h).
 *
 * Drawing: the screen keeps a shadow of the cells it last put on the
 * terminal and, for each frame, writes only the cells that differ (wide
 * characters as one write covering both halves), then lets curses send
 * its own minimal update.  A resize or Ctrl-L forgets the shadow and
 * clears curses' idea of the terminal, so the next frame is drawn whole.
 *
 * Styles: each canvas style has one colour pair (numbered style + 1) and
 * attributes per theme.  Monochrome uses attributes only; the views write
 * every state as text as well, so nothing depends on colour.  With
 * NO_COLOR (https://no-color.org) or --no-color the app asks for the
 * monochrome theme; a terminal without colours gets it anyway.
 *
 * Keys: get_wch() in no-delay mode, so the app reads whatever is waiting
 * when its poll on stdin fires; curses' KEY_* codes become TK_* codes.
 */
#ifndef _XOPEN_SOURCE_EXTENDED /* wide-character curses */
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "i18n.h"
#include "tui/keymap.h"
#include "tui/screen.h"

struct screen {
	SCREEN *term;
	enum screen_theme theme;
	bool colors, utf8, mouse;
	int w, h;
	struct tc_cell *shadow;  /* what the terminal shows, h rows of w */
	int mouse_y, mouse_x;
};

/* One style in one theme: colours (-1: the terminal's default) and
 * attributes. */
struct look {
	short fg, bg;
	attr_t attr;
};

#define D (-1)
#define BLK COLOR_BLACK
#define RED COLOR_RED
#define GRN COLOR_GREEN
#define YEL COLOR_YELLOW
#define BLU COLOR_BLUE
#define MAG COLOR_MAGENTA
#define CYN COLOR_CYAN
#define WHT COLOR_WHITE

static const struct look look_color[TS_COUNT] = {
	[TS_NORMAL] = {D, D, 0},
	[TS_DIM] = {D, D, A_DIM},
	[TS_BOLD] = {D, D, A_BOLD},
	[TS_TITLE] = {CYN, D, A_BOLD},
	[TS_BORDER] = {BLU, D, 0},
	[TS_FOCUS] = {YEL, D, A_BOLD},
	[TS_SELECTED] = {D, D, A_REVERSE},
	[TS_KEY] = {YEL, D, A_BOLD},
	[TS_MODE_RUNNING] = {BLK, GRN, A_BOLD},
	[TS_MODE_STEPPING] = {BLK, YEL, A_BOLD},
	[TS_MODE_PAUSED] = {WHT, RED, A_BOLD},
	[TS_ST_CLOSED] = {D, D, A_DIM},
	[TS_ST_LISTEN] = {BLU, D, A_BOLD},
	[TS_ST_OPENING] = {YEL, D, 0},
	[TS_ST_ESTAB] = {GRN, D, A_BOLD},
	[TS_ST_CLOSING] = {MAG, D, 0},
	[TS_ST_TIMEWAIT] = {CYN, D, A_BOLD},
	[TS_SEG_SYN] = {GRN, D, 0},
	[TS_SEG_FIN] = {MAG, D, 0},
	[TS_SEG_RST] = {RED, D, A_BOLD},
	[TS_SEG_DATA] = {D, D, A_BOLD},
	[TS_SEG_ACK] = {D, D, 0},
	[TS_DROPPED] = {RED, D, 0},
	[TS_HELD] = {YEL, D, A_BOLD},
	[TS_ALERT] = {WHT, RED, A_BOLD},
	[TS_OK] = {GRN, D, 0},
	[TS_BAR] = {CYN, D, 0},
	[TS_NARRATION] = {YEL, D, A_BOLD},
};

/* For projectors: black ground, no dark blue, bold where it matters. */
static const struct look look_contrast[TS_COUNT] = {
	[TS_NORMAL] = {WHT, BLK, 0},
	[TS_DIM] = {WHT, BLK, 0},
	[TS_BOLD] = {WHT, BLK, A_BOLD},
	[TS_TITLE] = {YEL, BLK, A_BOLD},
	[TS_BORDER] = {WHT, BLK, 0},
	[TS_FOCUS] = {YEL, BLK, A_BOLD},
	[TS_SELECTED] = {BLK, WHT, A_BOLD},
	[TS_KEY] = {YEL, BLK, A_BOLD},
	[TS_MODE_RUNNING] = {BLK, GRN, A_BOLD},
	[TS_MODE_STEPPING] = {BLK, YEL, A_BOLD},
	[TS_MODE_PAUSED] = {WHT, RED, A_BOLD},
	[TS_ST_CLOSED] = {WHT, BLK, 0},
	[TS_ST_LISTEN] = {CYN, BLK, A_BOLD},
	[TS_ST_OPENING] = {YEL, BLK, A_BOLD},
	[TS_ST_ESTAB] = {GRN, BLK, A_BOLD},
	[TS_ST_CLOSING] = {MAG, BLK, A_BOLD},
	[TS_ST_TIMEWAIT] = {CYN, BLK, A_BOLD | A_UNDERLINE},
	[TS_SEG_SYN] = {GRN, BLK, A_BOLD},
	[TS_SEG_FIN] = {MAG, BLK, A_BOLD},
	[TS_SEG_RST] = {RED, BLK, A_BOLD},
	[TS_SEG_DATA] = {WHT, BLK, A_BOLD},
	[TS_SEG_ACK] = {WHT, BLK, 0},
	[TS_DROPPED] = {RED, BLK, A_BOLD},
	[TS_HELD] = {YEL, BLK, A_BOLD},
	[TS_ALERT] = {WHT, RED, A_BOLD},
	[TS_OK] = {GRN, BLK, A_BOLD},
	[TS_BAR] = {CYN, BLK, A_BOLD},
	[TS_NARRATION] = {BLK, YEL, A_BOLD},
};

/* No colour: what matters is bold, reversed or underlined (and written). */
static const struct look look_mono[TS_COUNT] = {
	[TS_NORMAL] = {D, D, 0},
	[TS_DIM] = {D, D, A_DIM},
	[TS_BOLD] = {D, D, A_BOLD},
	[TS_TITLE] = {D, D, A_BOLD},
	[TS_BORDER] = {D, D, 0},
	[TS_FOCUS] = {D, D, A_BOLD | A_UNDERLINE},
	[TS_SELECTED] = {D, D, A_REVERSE},
	[TS_KEY] = {D, D, A_BOLD},
	[TS_MODE_RUNNING] = {D, D, A_REVERSE | A_BOLD},
	[TS_MODE_STEPPING] = {D, D, A_REVERSE | A_BOLD},
	[TS_MODE_PAUSED] = {D, D, A_REVERSE | A_BOLD | A_UNDERLINE},
	[TS_ST_CLOSED] = {D, D, A_DIM},
	[TS_ST_LISTEN] = {D, D, 0},
	[TS_ST_OPENING] = {D, D, A_UNDERLINE},
	[TS_ST_ESTAB] = {D, D, A_BOLD},
	[TS_ST_CLOSING] = {D, D, A_UNDERLINE},
	[TS_ST_TIMEWAIT] = {D, D, A_BOLD | A_UNDERLINE},
	[TS_SEG_SYN] = {D, D, A_BOLD},
	[TS_SEG_FIN] = {D, D, A_BOLD},
	[TS_SEG_RST] = {D, D, A_BOLD | A_UNDERLINE},
	[TS_SEG_DATA] = {D, D, 0},
	[TS_SEG_ACK] = {D, D, 0},
	[TS_DROPPED] = {D, D, A_BOLD},
	[TS_HELD] = {D, D, A_REVERSE},
	[TS_ALERT] = {D, D, A_REVERSE | A_BOLD},
	[TS_OK] = {D, D, A_BOLD},
	[TS_BAR] = {D, D, A_REVERSE},
	[TS_NARRATION] = {D, D, A_BOLD},
};

static const struct look *theme_looks(enum screen_theme t)
{
	return t == THEME_CONTRAST ? look_contrast : t == THEME_MONO ? look_mono : look_color;
}

static const char *const theme_names[THEME_COUNT] = {"color", "contrast", "mono"};

int screen_theme_parse(const char *name)
{
	for (int i = 0; i < THEME_COUNT; i++)
		if (strcmp(name, theme_names[i]) == 0)
			return i;
	if (strcmp(name, "colour") == 0)
		return THEME_COLOR;
	if (strcmp(name, "monochrome") == 0)
		return THEME_MONO;
	if (strcmp(name, "high-contrast") == 0)
		return THEME_CONTRAST;
	return -1;
}

/* ---- themes ---- */

static void theme_apply(struct screen *s)
{
	const struct look *l = theme_looks(s->theme);

	if (!s->colors)
		return;
	for (int i = 0; i < TS_COUNT; i++)
		init_pair((short)(i + 1), l[i].fg, l[i].bg);
	/* The background of blank cells follows the theme too. */
	bkgdset(COLOR_PAIR(TS_NORMAL + 1));
}

void screen_set_theme(struct screen *s, enum screen_theme t)
{
	s->theme = s->colors ? t : THEME_MONO;
	theme_apply(s);
	screen_invalidate(s);
}

enum screen_theme screen_get_theme(const struct screen *s)
{
	return s->theme;
}

bool screen_has_colors(const struct screen *s)
{
	return s->colors;
}

bool screen_utf8(const struct screen *s)
{
	return s->utf8;
}

/* ---- the terminal ---- */

static int shadow_alloc(struct screen *s)
{
	free(s->shadow);
	s->w = COLS;
	s->h = LINES;
	s->shadow = calloc((size_t)s->w * (size_t)s->h + 1, sizeof(*s->shadow));
	screen_invalidate(s);
	return s->shadow ? 0 : -1;
}

struct screen *screen_open(const struct screen_opts *o, char *msg, size_t size)
{
	struct screen *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return NULL;
	}
	if ((s->term = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(msg, size, _("cannot use the terminal (TERM=%s)"),
			 getenv("TERM") ? getenv("TERM") : "");
		free(s);
		return NULL;
	}
	set_term(s->term);
	s->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	s->colors = has_colors() && start_color() == OK;
	if (s->colors)
		use_default_colors();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	s->mouse = o->mouse && mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL) != 0;
	if (s->mouse)
		mouseinterval(0);
	screen_set_theme(s, o->theme);
	if (shadow_alloc(s) != 0) {
		screen_close(s);
		snprintf(msg, size, "%s", _("out of memory"));
		return NULL;
	}
	return s;
}

void screen_close(struct screen *s)
{
	if (s == NULL)
		return;
	curs_set(1);
	endwin();
	delscreen(s->term);
	free(s->shadow);
	free(s);
}

void screen_size(const struct screen *s, int *w, int *h)
{
	*w = s->w;
	*h = s->h;
}

void screen_resized(struct screen *s)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	shadow_alloc(s);
}

bool screen_check_size(struct screen *s)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0 ||
	    (ws.ws_row == s->h && ws.ws_col == s->w))
		return false;
	screen_resized(s);
	return true;
}

void screen_invalidate(struct screen *s)
{
	size_t n = (size_t)s->w * (size_t)s->h;

	/* A code point no cell holds: every cell differs. */
	for (size_t i = 0; s->shadow != NULL && i < n; i++)
		s->shadow[i] = (struct tc_cell){0xffffffffu, 0xff, 0xff};
	clearok(curscr, TRUE);
}

int screen_fd(const struct screen *s)
{
	(void)s;
	return STDIN_FILENO;
}

/* ---- drawing ---- */

static attr_t cell_attrs(const struct screen *s, const struct tc_cell *c)
{
	const struct look *l = &theme_looks(s->theme)[c->style < TS_COUNT ? c->style : 0];
	attr_t a = l->attr;

	if (c->attr & TA_BOLD)
		a |= A_BOLD;
	if (c->attr & TA_REVERSE)
		a |= A_REVERSE;
	if (c->attr & TA_UNDERLINE)
		a |= A_UNDERLINE;
	return a;
}

static void put_cell(struct screen *s, int y, int x, const struct tc_cell *c)
{
	wchar_t wc[2] = {(wchar_t)c->ch, 0};
	short pair = s->colors ? (short)((c->style < TS_COUNT ? c->style : 0) + 1) : 0;
	cchar_t cc;

	if (c->ch < 0x20 || c->ch == 0x7f || (!s->utf8 && c->ch >= 0x80))
		wc[0] = c->ch == 0 ? L' ' : L'?';
	if (setcchar(&cc, wc, cell_attrs(s, c), pair, NULL) == OK)
		mvadd_wch(y, x, &cc); /* ERR in the bottom-right corner: drawn all the same */
}

static bool cell_same(const struct tc_cell *a, const struct tc_cell *b)
{
	return a->ch == b->ch && a->style == b->style && a->attr == b->attr;
}

static void draw_row(struct screen *s, const struct canvas *c, int y)
{
	int w = c->w < s->w ? c->w : s->w;

	for (int x = 0; x < w; x++) {
		const struct tc_cell *cell = canvas_cell(c, y, x);
		struct tc_cell *sh = &s->shadow[(size_t)y * (size_t)s->w + (size_t)x];
		bool wide = x + 1 < w && canvas_cell(c, y, x + 1)->ch == 0 && cell->ch != 0;
		if (cell->ch == 0)
			continue; /* the right half: drawn with its left */
		if (cell_same(cell, sh) && (!wide || cell_same(canvas_cell(c, y, x + 1), sh + 1)))
			continue;
		put_cell(s, y, x, cell);
		*sh = *cell;
		if (wide)
			sh[1] = *canvas_cell(c, y, x + 1);
	}
}

void screen_draw(struct screen *s, const struct canvas *c, int y, int x)
{
	int h = c->h < s->h ? c->h : s->h;

	if (s->shadow == NULL)
		return;
	for (int row = 0; row < h; row++)
		draw_row(s, c, row);
	if (y >= 0 && y < s->h && x >= 0 && x < s->w) {
		curs_set(1);
		move(y, x);
	} else {
		curs_set(0);
	}
	refresh();
}

/* ---- keys ---- */

static int key_code(struct screen *s, wint_t k)
{
	MEVENT me;

	switch (k) {
	case KEY_UP: return TK_UP;
	case KEY_DOWN: return TK_DOWN;
	case KEY_LEFT: return TK_LEFT;
	case KEY_RIGHT: return TK_RIGHT;
	case KEY_PPAGE: return TK_PGUP;
	case KEY_NPAGE: return TK_PGDN;
	case KEY_HOME: return TK_HOME;
	case KEY_END: return TK_END;
	case KEY_ENTER: return TK_ENTER;
	case KEY_BTAB: return TK_BTAB;
	case KEY_BACKSPACE: return TK_BACKSPACE;
	case KEY_DC: return TK_DELETE;
	case KEY_RESIZE: return TK_RESIZE;
	case KEY_MOUSE:
		if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
			return -2;
		s->mouse_y = me.y;
		s->mouse_x = me.x;
		return TK_MOUSE;
	default:
		if (k >= KEY_F(0) && k <= KEY_F(63))
			return TK_F((int)(k - KEY_F(0)));
		return -2; /* a key we do not use */
	}
}

static int char_code(wint_t k)
{
	switch (k) {
	case '\r':
	case '\n': return TK_ENTER;
	case '\t': return TK_TAB;
	case 27: return TK_ESC;
	case 127:
	case 8: return TK_BACKSPACE;
	default: return (int)k;
	}
}

int screen_key(struct screen *s)
{
	wint_t k;
	int r, code;

	for (;;) {
		r = get_wch(&k);
		if (r == ERR)
			return -1;
		code = r == KEY_CODE_YES ? key_code(s, k) : char_code(k);
		if (code != -2)
			return code;
	}
}

void screen_mouse_pos(const struct screen *s, int *y, int *x)
{
	*y = s->mouse_y;
	*x = s->mouse_x;
}
