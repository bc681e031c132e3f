/*
 * view.c - the frame as a whole (see view.h): the view state's defaults,
 * the layout for a terminal size, and view_render(), which clears the
 * canvas and asks each pane (view_*.c) to draw itself into its rectangle.
 *
 * The layout is a function of the size (and of which optional panes are
 * on), never of the model, so scrolling keys can compute page sizes
 * without drawing.  At 80x24: header, connections, ladder, then the wire
 * queue beside the explanation (or the log), and the status line.  Each
 * step up in size gives the extra rows to the ladder and the bottom
 * panes; from 120 columns the log gets a column of its own, and from 140
 * columns, when the ladder is tall enough, the state diagram stands
 * beside it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tui/explain.h"
#include "tui/view_internal.h"
#include "tui/width.h"

/* The state diagram's size (view_diagram.c draws into this). */
#define DIAGRAM_W 52
#define DIAGRAM_H 20
#define WIDE_W 120
#define DIAGRAM_MIN_W 140        /* the ladder keeps 88 columns beside it */
#define QUEUE_W 30

void view_state_init(struct view_state *vs)
{
	memset(vs, 0, sizeof(*vs));
	vs->focus = VP_CONNS;
	vs->ladder_follow = true;
	vs->log_follow = true;
	vs->relative = true;
	vs->explain = true;
	vs->card = -1;
	vs->link = "wire";
	vs->cursor_y = vs->cursor_x = -1;
}

void view_state_fini(struct view_state *vs)
{
	if (vs->cache == NULL)
		return;
	ladder_layout_free(vs->cache->ladder);
	log_cache_free(vs->cache->log);
	free(vs->cache);
	vs->cache = NULL;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

/* The bottom row: the wire queue on the left, then the explanation and
 * the log side by side (wide) or sharing one column. */
static void layout_bottom(int w, const struct view_state *vs, const struct rect *b,
			  struct layout *o)
{
	int qw = w >= WIDE_W ? imax(QUEUE_W, w / 4) : QUEUE_W;
	struct rect right = {b->y, qw, b->h, w - qw};

	o->queue = (struct rect){b->y, 0, b->h, qw};
	if (!vs->explain) {
		o->log = right;
	} else if (w >= WIDE_W) {
		o->explain = (struct rect){b->y, qw, b->h, right.w / 2};
		o->log = (struct rect){b->y, qw + right.w / 2, b->h, right.w - right.w / 2};
	} else if (b->h >= 12) {
		o->explain = (struct rect){b->y, qw, b->h / 2, right.w};
		o->log = (struct rect){b->y + b->h / 2, qw, b->h - b->h / 2, right.w};
	} else if (vs->focus == VP_LOG) {
		o->log = right;
	} else {
		o->explain = right;
	}
}

void view_layout(int w, int h, const struct view_state *vs, struct layout *o)
{
	int avail = h - 2, conns_h, bottom_h, ladder_h;

	memset(o, 0, sizeof(*o));
	if (w < VIEW_MIN_W || h < VIEW_MIN_H) {
		o->too_small = true;
		return;
	}
	o->header = (struct rect){0, 0, 1, w};
	o->status = (struct rect){h - 1, 0, 1, w};
	conns_h = imax(6, avail / 4);
	bottom_h = imax(7, (avail - conns_h) * 2 / 5);
	ladder_h = avail - conns_h - bottom_h;
	o->conns = (struct rect){1, 0, conns_h, w};
	o->ladder = (struct rect){1 + conns_h, 0, ladder_h, w};
	if (w >= DIAGRAM_MIN_W && ladder_h >= DIAGRAM_H) {
		o->ladder.w = w - DIAGRAM_W;
		o->diagram = (struct rect){o->ladder.y, o->ladder.w, ladder_h, DIAGRAM_W};
	}
	layout_bottom(w, vs, &(struct rect){1 + conns_h + ladder_h, 0, bottom_h, w}, o);
}

/* Under the minimum size: one centred message saying what is needed. */
static void draw_too_small(struct canvas *c)
{
	char l1[128], l2[128];
	const char *lines[2] = {l1, l2};

	snprintf(l1, sizeof(l1), "%s", _("Terminal too small"));
	/* TRANSLATORS: the terminal's size, then the minimum: "79×24, needs 80×24". */
	snprintf(l2, sizeof(l2), _("%d×%d, needs %d×%d"), c->w, c->h, VIEW_MIN_W, VIEW_MIN_H);
	for (int i = 0; i < 2; i++) {
		int lw = tw_width(lines[i]), y = c->h / 2 - 1 + i;
		int x = lw < c->w ? (c->w - lw) / 2 : 0;
		canvas_put(c, y < 0 ? 0 : y, x, c->w, lines[i], i == 0 ? TS_ALERT : TS_NORMAL);
	}
}

static struct view_cache *cache_get(struct view_state *vs)
{
	if (vs->cache == NULL)
		vs->cache = calloc(1, sizeof(*vs->cache));
	return vs->cache;
}

static void render_panes(struct vctx *x, const struct layout *lo)
{
	view_draw_header(x, &lo->header);
	if (x->vs->help) {
		view_draw_help(x, &(struct rect){1, 0, x->c->h - 2, x->c->w});
	} else {
		view_draw_conns(x, &lo->conns);
		view_draw_ladder(x, &lo->ladder);
		if (lo->diagram.h > 0)
			view_draw_diagram(x, &lo->diagram);
		view_draw_queue(x, &lo->queue);
		if (lo->explain.h > 0)
			view_draw_explain(x, &lo->explain);
		if (lo->log.h > 0)
			view_draw_log(x, &lo->log);
	}
	view_draw_status(x, &lo->status);
}

void view_render(struct canvas *c, const struct model *m, struct view_state *vs)
{
	struct layout lo;
	struct vctx x = {c, m, vs, NULL, 0, c->ascii};

	canvas_clear(c);
	vs->cursor_y = vs->cursor_x = -1;
	view_layout(c->w, c->h, vs, &lo);
	if (lo.too_small) {
		draw_too_small(c);
		return;
	}
	x.cache = cache_get(vs);
	x.now = model_now(m, vs->wall);
	render_panes(&x, &lo);
}

int view_card_count(void)
{
	return explain_card_count();
}

const char *view_card_title(int i)
{
	return explain_card_title(i);
}
