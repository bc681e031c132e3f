/*
 * canvas.c - a grid of character cells (see canvas.h).
 *
 * A wide character takes two cells: its code point in the left one and 0
 * in the right one.  Every write keeps that pairing intact: writing over
 * either half of a wide character blanks the other half, so the screen
 * layer never meets half a character.  Combining characters (width 0) are
 * dropped, unprintable ones shown as '?' (tw_*), so each cell is exactly
 * one column.  Nothing here allocates after canvas_init/canvas_resize.
 */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/canvas.h"
#include "tui/width.h"

/* Box-drawing glyphs: Unicode and ASCII. */
enum { G_H, G_V, G_TL, G_TR, G_BL, G_BR, G_FULL, G_EMPTY, G_COUNT };
static const uint32_t glyph_uni[G_COUNT] = {
	0x2500, 0x2502, 0x250c, 0x2510, 0x2514, 0x2518, 0x2588, 0x2591,
};
static const uint32_t glyph_ascii[G_COUNT] = {'-', '|', '+', '+', '+', '+', '#', '.'};

static uint32_t glyph(const struct canvas *c, int g)
{
	return c->ascii ? glyph_ascii[g] : glyph_uni[g];
}

int canvas_init(struct canvas *c, int w, int h)
{
	c->w = c->h = 0;
	c->ascii = false;
	c->cells = NULL;
	return canvas_resize(c, w, h);
}

int canvas_resize(struct canvas *c, int w, int h)
{
	struct tc_cell *cells;

	if (w < 0 || h < 0)
		w = h = 0;
	cells = calloc((size_t)w * (size_t)h + 1, sizeof(*cells));
	if (cells == NULL) {
		free(c->cells);
		c->cells = NULL;
		c->w = c->h = 0;
		return -1;
	}
	free(c->cells);
	c->cells = cells;
	c->w = w;
	c->h = h;
	canvas_clear(c);
	return 0;
}

void canvas_free(struct canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

void canvas_clear(struct canvas *c)
{
	size_t n = (size_t)c->w * (size_t)c->h;

	for (size_t i = 0; i < n; i++)
		c->cells[i] = (struct tc_cell){' ', TS_NORMAL, 0};
}

static struct tc_cell *cell_at(struct canvas *c, int y, int x)
{
	if (y < 0 || y >= c->h || x < 0 || x >= c->w)
		return NULL;
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

const struct tc_cell *canvas_cell(const struct canvas *c, int y, int x)
{
	return cell_at((struct canvas *)c, y, x);
}

/* Before (y, x) is overwritten: a wide character that has a half there
 * loses its other half too. */
static void cell_unpair(struct canvas *c, int y, int x)
{
	struct tc_cell *p = cell_at(c, y, x), *q;

	if (p == NULL)
		return;
	if (p->ch == 0 && (q = cell_at(c, y, x - 1)) != NULL)
		q->ch = ' ';
	else if ((q = cell_at(c, y, x + 1)) != NULL && q->ch == 0)
		q->ch = ' ';
}

/* One cell of a one-column character. */
static void cell_write(struct canvas *c, int y, int x, uint32_t ch, int style, int attr)
{
	struct tc_cell *p = cell_at(c, y, x);

	if (p == NULL)
		return;
	cell_unpair(c, y, x);
	*p = (struct tc_cell){ch, (uint8_t)style, (uint8_t)attr};
}

void canvas_set(struct canvas *c, int y, int x, uint32_t ch, int style, int attr)
{
	int w = tw_cp_width(ch);

	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0) ||
	    (ch >= 0x80 && wcwidth((wchar_t)ch) < 0))
		ch = '?';
	if (w == 2 && cell_at(c, y, x + 1) != NULL) {
		cell_write(c, y, x, ch, style, attr);
		cell_write(c, y, x + 1, 0, style, attr);
	} else {
		cell_write(c, y, x, w == 2 ? ' ' : ch, style, attr);
	}
}

int canvas_put_attr(struct canvas *c, int y, int x, int maxw, const char *s, int style,
		    int attr)
{
	int limit = x + maxw, col = x;
	uint32_t cp;

	if (y < 0 || y >= c->h || s == NULL)
		return 0;
	if (limit > c->w)
		limit = c->w;
	while (col < limit && (cp = tw_next(&s)) != 0) {
		int w = tw_cp_width(cp);
		if (w == 0)
			continue;
		if (col + w > limit) {
			if (col >= 0)
				cell_write(c, y, col, ' ', style, attr);
			col++;
			break;
		}
		if (col >= 0)
			canvas_set(c, y, col, cp, style, attr);
		else if (col + w > 0)
			cell_write(c, y, 0, ' ', style, attr); /* half off the left */
		col += w;
	}
	return col - x;
}

int canvas_put(struct canvas *c, int y, int x, int maxw, const char *s, int style)
{
	return canvas_put_attr(c, y, x, maxw, s, style, 0);
}

int canvas_printf(struct canvas *c, int y, int x, int maxw, int style, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return canvas_put(c, y, x, maxw, buf, style);
}

void canvas_fill(struct canvas *c, const struct rect *r, uint32_t ch, int style)
{
	for (int y = r->y; y < r->y + r->h; y++)
		for (int x = r->x; x < r->x + r->w; x++)
			cell_write(c, y, x, ch, style, 0);
}

void canvas_paint(struct canvas *c, const struct rect *r, int style, int attr)
{
	for (int y = r->y; y < r->y + r->h; y++) {
		for (int x = r->x; x < r->x + r->w; x++) {
			struct tc_cell *p = cell_at(c, y, x);
			if (p != NULL) {
				p->style = (uint8_t)style;
				p->attr = (uint8_t)attr;
			}
		}
	}
}

void canvas_hline(struct canvas *c, int y, int x, int len, int style)
{
	for (int i = 0; i < len; i++)
		cell_write(c, y, x + i, glyph(c, G_H), style, 0);
}

void canvas_vline(struct canvas *c, int y, int x, int len, int style)
{
	for (int i = 0; i < len; i++)
		cell_write(c, y + i, x, glyph(c, G_V), style, 0);
}

void canvas_box(struct canvas *c, const struct rect *r, const char *title, int style)
{
	int right = r->x + r->w - 1, bottom = r->y + r->h - 1;
	int tstyle = style == TS_FOCUS ? TS_FOCUS : TS_TITLE;

	if (r->w < 2 || r->h < 2)
		return;
	canvas_hline(c, r->y, r->x + 1, r->w - 2, style);
	canvas_hline(c, bottom, r->x + 1, r->w - 2, style);
	canvas_vline(c, r->y + 1, r->x, r->h - 2, style);
	canvas_vline(c, r->y + 1, right, r->h - 2, style);
	cell_write(c, r->y, r->x, glyph(c, G_TL), style, 0);
	cell_write(c, r->y, right, glyph(c, G_TR), style, 0);
	cell_write(c, bottom, r->x, glyph(c, G_BL), style, 0);
	cell_write(c, bottom, right, glyph(c, G_BR), style, 0);
	if (title != NULL && *title != '\0' && r->w > 6) {
		char fit[256];
		int w = tw_fit(title, r->w - 6, true, c->ascii, fit, sizeof(fit));
		cell_write(c, r->y, r->x + 2, ' ', tstyle, 0);
		canvas_put_attr(c, r->y, r->x + 3, w, fit, tstyle, TA_BOLD);
		cell_write(c, r->y, r->x + 3 + w, ' ', tstyle, 0);
	}
}

/* The partial blocks U+258F..U+2589: 1/8 .. 7/8 of a cell, filled from
 * the left. */
static uint32_t bar_partial(int eighths)
{
	return 0x2590 - (uint32_t)eighths;
}

void canvas_bar(struct canvas *c, int y, int x, int w, double frac, int style)
{
	int eighths, full, part;

	if (w <= 0)
		return;
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	eighths = (int)(frac * w * 8 + 0.5);
	full = eighths / 8;
	part = c->ascii ? 0 : eighths % 8;
	for (int i = 0; i < w; i++) {
		if (i < full)
			cell_write(c, y, x + i, glyph(c, G_FULL), style, 0);
		else if (i == full && part > 0)
			cell_write(c, y, x + i, bar_partial(part), style, 0);
		else
			cell_write(c, y, x + i, glyph(c, G_EMPTY), TS_DIM, 0);
	}
}

size_t canvas_row(const struct canvas *c, int y, char *out, size_t size)
{
	size_t pos = 0;

	if (size == 0)
		return 0;
	out[0] = '\0';
	if (y < 0 || y >= c->h)
		return 0;
	for (int x = 0; x < c->w; x++) {
		const struct tc_cell *p = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
		char b[5];
		size_t n;
		if (p->ch == 0)
			continue;
		n = tw_encode(p->ch, b);
		if (pos + n + 1 > size)
			break;
		memcpy(out + pos, b, n + 1);
		pos += n;
	}
	return pos;
}
