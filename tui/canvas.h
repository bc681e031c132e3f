/*
 * canvas.h - a grid of character cells that the views draw into and the
 * screen layer (screen.c, the only place that calls curses to draw)
 * copies to the terminal.  Drawing into a canvas needs no terminal, so
 * layout and drawing are unit-tested and benchmarked without one.
 *
 *   struct canvas c;
 *   canvas_init(&c, 80, 24);                  all blank, TS_NORMAL
 *   canvas_box(&c, &(struct rect){0, 0, 24, 80}, _("Connections"), TS_BORDER);
 *   canvas_put(&c, 1, 2, 30, "TIME-WAIT 时间等待", TS_STATE_CLOSING);
 *   canvas_row(&c, 1, buf, sizeof(buf));      the row as UTF-8, for tests
 *   canvas_free(&c);
 *
 * Styles are meanings, not colours: the screen layer maps each to colour
 * pairs and attributes for the theme in use (colour, monochrome,
 * high-contrast), so a view never decides what "selected" looks like.
 * With c->ascii set, boxes and bars use + - | # instead of Unicode.
 */
#ifndef TV_TUI_CANVAS_H
#define TV_TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tc_style {
	TS_NORMAL,
	TS_DIM,          /* secondary text, closed connections */
	TS_BOLD,
	TS_TITLE,        /* pane titles */
	TS_BORDER,
	TS_FOCUS,        /* border/title of the pane with the keyboard */
	TS_SELECTED,     /* the selected row */
	TS_KEY,          /* a key name in help and hints */
	TS_MODE_RUNNING,
	TS_MODE_STEPPING,
	TS_MODE_PAUSED,
	TS_ST_CLOSED,    /* CLOSED */
	TS_ST_LISTEN,    /* LISTEN */
	TS_ST_OPENING,   /* SYN-SENT, SYN-RECEIVED */
	TS_ST_ESTAB,     /* ESTABLISHED */
	TS_ST_CLOSING,   /* FIN-WAIT-1/2, CLOSE-WAIT, CLOSING, LAST-ACK */
	TS_ST_TIMEWAIT,  /* TIME-WAIT */
	TS_SEG_SYN,      /* arrows and labels by what the segment carries */
	TS_SEG_FIN,
	TS_SEG_RST,
	TS_SEG_DATA,
	TS_SEG_ACK,
	TS_DROPPED,      /* dropped/lost segments */
	TS_HELD,         /* held in the gate, in flight */
	TS_ALERT,        /* errors, warnings */
	TS_OK,
	TS_BAR,          /* the filled part of a countdown bar */
	TS_NARRATION,    /* a lesson's narration */
	TS_COUNT
};

/* Additive attributes on top of a style. */
enum { TA_BOLD = 1, TA_REVERSE = 2, TA_UNDERLINE = 4 };

struct tc_cell {
	uint32_t ch;     /* code point; 0 = right half of a wide character */
	uint8_t style;   /* enum tc_style */
	uint8_t attr;    /* TA_* */
};

struct rect {
	int y, x, h, w;
};

struct canvas {
	int w, h;
	bool ascii;      /* no Unicode boxes, bars or arrows */
	struct tc_cell *cells; /* h rows of w cells */
};

/* 0, or -1 when out of memory (the canvas is then 0x0). */
int canvas_init(struct canvas *c, int w, int h);
int canvas_resize(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);
/* Every cell blank in TS_NORMAL. */
void canvas_clear(struct canvas *c);

/* Write UTF-8 text at (y, x), at most maxw columns (and never past the
 * canvas or into the next row); a wide character that does not fit is
 * replaced by a space.  Returns the columns written. */
int canvas_put(struct canvas *c, int y, int x, int maxw, const char *s, int style);
/* The same with attributes. */
int canvas_put_attr(struct canvas *c, int y, int x, int maxw, const char *s, int style,
		    int attr);
/* printf into the canvas (the result is cut at maxw columns). */
int canvas_printf(struct canvas *c, int y, int x, int maxw, int style, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void canvas_set(struct canvas *c, int y, int x, uint32_t ch, int style, int attr);
/* Fill a rectangle with ch. */
void canvas_fill(struct canvas *c, const struct rect *r, uint32_t ch, int style);
/* Change the style (and attributes) of cells without touching text. */
void canvas_paint(struct canvas *c, const struct rect *r, int style, int attr);
void canvas_hline(struct canvas *c, int y, int x, int len, int style);
void canvas_vline(struct canvas *c, int y, int x, int len, int style);
/* A frame around r with a title in its top edge (NULL: none). */
void canvas_box(struct canvas *c, const struct rect *r, const char *title, int style);
/* A bar of w columns, the first frac (0..1) of it filled. */
void canvas_bar(struct canvas *c, int y, int x, int w, double frac, int style);
/* Row y as UTF-8 (right halves skipped, trailing blanks kept): for
 * tests.  Returns the length. */
size_t canvas_row(const struct canvas *c, int y, char *out, size_t size);
const struct tc_cell *canvas_cell(const struct canvas *c, int y, int x);

#endif
