/*
 * view_ladder_draw.c - drawing the ladder of the selected connection's
 * flow from its cached layout (view_ladder.c).
 *
 * Columns, as in `tcpviz run`'s text ladder: time, state, lane | arrows |
 * lane, state, time.  An arrow that arrived leaves its sender's lane on
 * its send row with its label (flags, seq, ack, len; relative or
 * absolute), turns down near the receiver and reaches the receiver's
 * lane on its arrival row, so crossing and delayed segments show as they
 * happened.  A segment dropped by a gate or lost on the wire stops short
 * with an x and says which; one held by a gate stops mid-way at a badge
 * with its frame id (the number `release` takes); one still in flight is
 * dashed.  Timer fires, narration and quiet spells have rows of their
 * own.
 *
 * Lines are first collected as directions per cell (a mask) and then
 * turned into box-drawing glyphs, so lines that meet or cross join
 * properly (┼ ├ ╮); labels, heads and marks are written over them.  Only
 * the rows on screen are touched.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tcp.h"
#include "i18n.h"
#include "tui/keymap.h"
#include "tui/view_internal.h"
#include "tui/view_ladder.h"
#include "tui/width.h"

#define MID_MIN 30               /* columns between the lanes we aim for */
#define TURN 5                   /* an arrow turns down this far from its lane */


struct lgeom {
	int x, w;                /* the pane's columns */
	int tw, sw[2];           /* time and state column widths */
	bool fine;               /* times to the microsecond */
	int lane[2];             /* the lanes' columns */
	long top;                /* first row shown */
	int vis, y0;             /* rows shown, the canvas row of the first */
};

struct ldraw {
	struct vctx *x;
	const struct tm_flow *f;
	const struct ladder_layout *l;
	struct lgeom g;
	uint8_t *mask, *mstyle;  /* vis x w cells */
};

/* ---- geometry ---- */

static int states_width(int lane_states, int maxw)
{
	char st[96];
	int w = 0;

	for (int s = 0; s < TCB_STATE_COUNT; s++) {
		int sw;
		if (!(lane_states & (1 << s)))
			continue;
		sw = tw_width(view_state_label(s, maxw, st, sizeof(st)));
		if (sw > w)
			w = sw;
	}
	return w;
}

static int geom_mid(const struct lgeom *g)
{
	int side = g->tw ? g->tw + 1 : 0;

	return g->w - 2 * side - g->sw[0] - g->sw[1] - 4;
}

static void geom_compute(const struct ladder_layout *l, const struct rect *r, struct lgeom *g)
{
	char b[VF_MAX];
	int side;

	g->x = r->x;
	g->w = r->w;
	g->fine = l->fine;
	g->tw = tw_width(g->fine ? vf_time_us(l->tmax, b) : vf_time(l->tmax, b));
	for (int k = 0; k < 2; k++)
		g->sw[k] = states_width(l->states_used[k], 40);
	for (int k = 0; k < 2 && geom_mid(g) < MID_MIN; k++)
		g->sw[k] = states_width(l->states_used[k], 12);
	if (geom_mid(g) < MID_MIN)
		g->tw = 0;
	for (int k = 0; k < 2 && geom_mid(g) < MID_MIN; k++)
		if (g->sw[k] > (g->w - MID_MIN) / 2 - 3)
			g->sw[k] = (g->w - MID_MIN) / 2 - 3 > 0 ? (g->w - MID_MIN) / 2 - 3 : 0;
	side = g->tw ? g->tw + 1 : 0;
	g->lane[0] = g->x + side + g->sw[0] + 1;
	g->lane[1] = g->x + g->w - 1 - side - g->sw[1] - 1;
}

/* ---- the line mask ---- */

static bool mask_alloc(struct ladder_layout *l, struct ldraw *d)
{
	size_t need = 2 * (size_t)d->g.vis * (size_t)d->g.w;

	if (need > l->mask_cap) {
		uint8_t *m = realloc(l->mask, need);
		if (m == NULL)
			return false;
		l->mask = m;
		l->mask_cap = need;
	}
	memset(l->mask, 0, need);
	d->mask = l->mask;
	d->mstyle = l->mask + (size_t)d->g.vis * (size_t)d->g.w;
	return true;
}

static void mask_set(struct ldraw *d, long row, int col, uint8_t bits, int style)
{
	long y = row - d->g.top;
	size_t i;

	if (y < 0 || y >= d->g.vis || col < d->g.x || col >= d->g.x + d->g.w)
		return;
	i = (size_t)y * (size_t)d->g.w + (size_t)(col - d->g.x);
	d->mask[i] |= bits;
	d->mstyle[i] = (uint8_t)style;
}

static void mask_hline(struct ldraw *d, long row, int a, int b, bool dash, int style)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	for (int c = lo; c <= hi; c++)
		mask_set(d, row, c, (uint8_t)((c > lo ? M_L : 0) | (c < hi ? M_R : 0) |
					      (dash ? M_DASH : 0)), style);
}

static void mask_vline(struct ldraw *d, int col, long r0, long r1, int style)
{
	long lo = r0 > d->g.top - 1 ? r0 : d->g.top - 1;
	long hi = r1 < d->g.top + d->g.vis ? r1 : d->g.top + d->g.vis;

	for (long r = lo; r <= hi; r++)
		mask_set(d, r, col, (uint8_t)((r > r0 ? M_U : 0) | (r < r1 ? M_D : 0)), style);
}

static void mask_paint(struct ldraw *d)
{
	for (int y = 0; y < d->g.vis; y++) {
		for (int c = 0; c < d->g.w; c++) {
			size_t i = (size_t)y * (size_t)d->g.w + (size_t)c;
			uint8_t m = d->mask[i];
			if (m & 15)
				canvas_set(d->x->c, d->g.y0 + y, d->g.x + c,
					   view_line_glyph(m & 15, m & M_DASH, d->x->ascii),
					   d->mstyle[i], 0);
		}
	}
}

/* ---- arrows ---- */

struct ashape {
	const struct tm_entry *e;
	int dir, from;           /* +1 from lane 0 rightwards, -1 from lane 1 */
	int x0, x1, xt;          /* first cell, head cell, turn column */
	long start, end;
	int style;
};

static void shape_of(const struct ldraw *d, const struct tm_entry *e, const struct larrow *a,
		     struct ashape *s)
{
	s->e = e;
	s->from = e->lane ? 1 : 0;
	s->dir = s->from == 0 ? 1 : -1;
	s->x0 = d->g.lane[s->from] + s->dir;
	s->x1 = d->g.lane[!s->from] - s->dir;
	s->xt = s->x1 - s->dir * TURN;
	s->start = a->start;
	s->end = a->end;
	if (e->fate == TM_DROPPED || e->fate == TM_LOST)
		s->style = TS_DROPPED;
	else if (e->fate == TM_HELD)
		s->style = TS_HELD;
	else
		s->style = vf_seg_style(e->seg.flags, e->seg.len);
}

/* Where an arrow that does not arrive stops: short of the receiver. */
static int shape_stop(const struct ashape *s)
{
	return s->x0 + (s->x1 - s->x0) * 2 / 3;
}

static int shape_mid(const struct ldraw *d)
{
	return (d->g.lane[0] + d->g.lane[1]) / 2;
}

static void arrow_lines(struct ldraw *d, const struct ashape *s)
{
	switch (s->e->fate) {
	case TM_ARRIVED:
	case TM_DISCARDED:
		if (s->end == s->start) {
			mask_hline(d, s->start, s->x0, s->x1 - s->dir, false, s->style);
			break;
		}
		mask_hline(d, s->start, s->x0, s->xt, false, s->style);
		mask_vline(d, s->xt, s->start, s->end, s->style);
		mask_hline(d, s->end, s->xt, s->x1 - s->dir, false, s->style);
		break;
	case TM_FLIGHT:
		mask_hline(d, s->start, s->x0, s->xt, true, s->style);
		break;
	case TM_HELD:
		mask_hline(d, s->start, s->x0, shape_mid(d), true, s->style);
		break;
	default:
		mask_hline(d, s->start, s->x0, shape_stop(s) - s->dir, false, s->style);
		break;
	}
}

static bool row_visible(const struct ldraw *d, long row)
{
	return row >= d->g.top && row < d->g.top + d->g.vis;
}

static int row_y(const struct ldraw *d, long row)
{
	return d->g.y0 + (int)(row - d->g.top);
}

/* " label " centred between columns a and b (either order). */
static void arrow_label(struct ldraw *d, const struct ashape *s, int a, int b)
{
	const struct tm_entry *e = s->e;
	const struct tm_flow *f = d->f;
	int lo = a < b ? a : b, hi = a < b ? b : a, span = hi - lo + 1, lw;
	uint32_t sb = f->isn_known[s->from] ? f->isn[s->from] : 0;
	uint32_t ab = f->isn_known[!s->from] ? f->isn[!s->from] : 0;
	char label[200], text[240], fit[240];

	vf_seg_label(&e->seg, d->x->vs->relative, sb, ab, label, sizeof(label));
	snprintf(text, sizeof(text), "%s%s%s", e->retransmit ? (d->x->ascii ? "* " : "↻ ") : "",
		 e->duplicate ? _("dup ") : "", label);
	if (span - 4 < 3)
		return;
	lw = tw_fit(text, span - 4, true, d->x->ascii, fit, sizeof(fit));
	lo += (span - lw - 2) / 2;
	canvas_put(d->x->c, row_y(d, s->start), lo, 1, " ", TS_NORMAL);
	canvas_put_attr(d->x->c, row_y(d, s->start), lo + 1, lw, fit, s->style, TA_BOLD);
	canvas_put(d->x->c, row_y(d, s->start), lo + 1 + lw, 1, " ", TS_NORMAL);
}

static void arrow_head(struct ldraw *d, const struct ashape *s)
{
	uint32_t ch;

	if (!row_visible(d, s->end))
		return;
	if (s->e->fate == TM_DISCARDED)
		ch = d->x->ascii ? '#' : 0x2298;
	else if (s->dir > 0)
		ch = d->x->ascii ? '>' : 0x25b6;
	else
		ch = d->x->ascii ? '<' : 0x25c0;
	canvas_set(d->x->c, row_y(d, s->end), s->x1, ch, s->style, TA_BOLD);
}

/* The x where a dropped or lost segment stops, and the word why. */
static void arrow_short(struct ldraw *d, const struct ashape *s)
{
	const char *word = s->e->fate == TM_LOST ? _("lost") : _("dropped");
	int xs = shape_stop(s), y = row_y(d, s->start), ww = tw_width(word);

	canvas_set(d->x->c, y, xs, d->x->ascii ? 'x' : 0x2717, TS_DROPPED, TA_BOLD);
	if (s->dir > 0 && xs + 2 + ww < d->g.lane[1])
		canvas_put(d->x->c, y, xs + 2, ww, word, TS_DROPPED);
	else if (s->dir < 0 && xs - 1 - ww > d->g.lane[0])
		canvas_put(d->x->c, y, xs - 1 - ww, ww, word, TS_DROPPED);
	arrow_label(d, s, s->x0, xs - s->dir);
}

/* The badge of a held segment, mid-way: "held #12". */
static void arrow_held(struct ldraw *d, const struct ashape *s)
{
	char badge[64];
	int bw, bx, mid = shape_mid(d), y = row_y(d, s->start);

	snprintf(badge, sizeof(badge), _(" held #%" PRIu64 " "), s->e->frame);
	bw = tw_width(badge);
	bx = s->dir > 0 ? mid : mid - bw + 1;
	canvas_put_attr(d->x->c, y, bx, bw, badge, TS_HELD, TA_REVERSE | TA_BOLD);
	arrow_label(d, s, s->x0, s->dir > 0 ? bx - 1 : bx + bw);
}

static void arrow_marks(struct ldraw *d, const struct ashape *s)
{
	if (row_visible(d, s->start))
		canvas_set(d->x->c, row_y(d, s->start), d->g.lane[s->from],
			   d->x->ascii ? '+' : s->from == 0 ? 0x251c : 0x2524, TS_BORDER, 0);
	switch (s->e->fate) {
	case TM_ARRIVED:
	case TM_DISCARDED:
		arrow_head(d, s);
		if (row_visible(d, s->start))
			arrow_label(d, s, s->x0, s->end == s->start ? s->x1 - s->dir : s->xt);
		break;
	case TM_HELD:
		if (row_visible(d, s->start))
			arrow_held(d, s);
		break;
	case TM_FLIGHT:
		if (row_visible(d, s->start))
			arrow_label(d, s, s->x0, s->xt);
		break;
	default:
		if (row_visible(d, s->start))
			arrow_short(d, s);
		break;
	}
}

/* Every arrow that crosses the rows on screen: lines first, then marks. */
static void draw_arrows(struct ldraw *d, bool marks)
{
	const struct ladder_layout *l = d->l;
	long bottom = d->g.top + d->g.vis;

	for (size_t i = 0; i < d->f->n && i < l->nentries; i++) {
		const struct larrow *a = &l->arrows[i];
		struct ashape s;
		if (a->start == UINT32_MAX || (long)a->start >= bottom || (long)a->end < d->g.top)
			continue;
		shape_of(d, model_entry(d->f, i), a, &s);
		if (marks)
			arrow_marks(d, &s);
		else
			arrow_lines(d, &s);
	}
}

/* ---- rows ---- */

static void draw_lanes(struct ldraw *d)
{
	for (int y = 0; y < d->g.vis && d->g.top + y < (long)d->l->nrows; y++) {
		const struct lrow *r = &d->l->rows[d->g.top + y];
		uint32_t ch = r->kind == LR_GAP ? (d->x->ascii ? ':' : 0x2506)
						: (d->x->ascii ? '|' : 0x2502);
		for (int k = 0; k < 2; k++)
			canvas_set(d->x->c, d->g.y0 + y, d->g.lane[k], ch, TS_BORDER, 0);
	}
}

static void draw_state(struct ldraw *d, int y, int lane, int state)
{
	char st[96];
	int w = d->g.sw[lane];

	if (state < 0 || w <= 0)
		return;
	view_state_label(state, w, st, sizeof(st));
	if (lane == 0)
		view_put_right(d->x->c, y, d->g.lane[0] - 1 - w, w, st, view_state_style(state));
	else
		canvas_put_attr(d->x->c, y, d->g.lane[1] + 2, w, st, view_state_style(state),
				TA_BOLD);
}

static void draw_time(struct ldraw *d, int y, int lane, tv_time t)
{
	char b[VF_MAX];

	if (d->g.tw == 0)
		return;
	if (d->g.fine)
		vf_time_us(t, b);
	else
		vf_time(t, b);
	if (lane == 0)
		view_put_right(d->x->c, y, d->g.x, d->g.tw, b, TS_DIM);
	else
		canvas_put(d->x->c, y, d->g.x + d->g.w - d->g.tw, d->g.tw, b, TS_DIM);
}

static const char *timer_text(const struct tm_entry *e, char *buf, size_t size)
{
	switch (e->timer) {
	case TV_TIMER_REXMIT:
		snprintf(buf, size, _("RTO expired (#%u)"), (unsigned)e->count);
		break;
	case TV_TIMER_2MSL:
		snprintf(buf, size, "%s", _("2MSL expired"));
		break;
	case TV_TIMER_KEEPALIVE:
		snprintf(buf, size, _("keepalive probe %u"), (unsigned)e->count);
		break;
	case TV_TIMER_PERSIST:
		snprintf(buf, size, "%s", _("persist: window probe"));
		break;
	case TV_TIMER_DELACK:
		snprintf(buf, size, "%s", _("delayed ACK timer"));
		break;
	default:
		snprintf(buf, size, _("%s timer expired"), vf_timer_name(e->timer));
		break;
	}
	return buf;
}

/* A timer fire: a mark on the lane and what fired, beside it. */
static void draw_timer_row(struct ldraw *d, int y, const struct lrow *r)
{
	char text[128], fit[160];
	int room = d->g.lane[1] - d->g.lane[0] - 3, w;

	timer_text(model_entry(d->f, r->entry), text, sizeof(text));
	w = tw_fit(text, room, true, d->x->ascii, fit, sizeof(fit));
	canvas_set(d->x->c, y, d->g.lane[r->lane], d->x->ascii ? '*' : 0x25c6, TS_ALERT,
		   TA_BOLD);
	if (r->lane == 0)
		canvas_put(d->x->c, y, d->g.lane[0] + 2, w, fit, TS_ALERT);
	else
		canvas_put(d->x->c, y, d->g.lane[1] - 1 - w, w, fit, TS_ALERT);
}

static void draw_middle_text(struct ldraw *d, int y, const char *text, int style)
{
	char fit[512];
	int room = d->g.lane[1] - d->g.lane[0] - 3;
	int w = tw_fit(text, room, true, d->x->ascii, fit, sizeof(fit));

	canvas_put(d->x->c, y, d->g.lane[0] + 2 + (room - w) / 2, w, fit, style);
}

static void draw_row_text(struct ldraw *d, int y, const struct lrow *r)
{
	char b[VF_MAX], text[600];

	if (r->kind == LR_GAP) {
		/* TRANSLATORS: a quiet spell in the ladder: "(240 s later)". */
		snprintf(text, sizeof(text), _("(%s later)"), vf_dur(r->t, b));
		draw_middle_text(d, y, text, TS_DIM);
		return;
	}
	if (r->kind == LR_NOTE) {
		const struct tm_entry *e = model_entry(d->f, r->entry);
		snprintf(text, sizeof(text), "» %s", e->text ? e->text : "");
		draw_middle_text(d, y, text, TS_NARRATION);
		return;
	}
	if (r->kind == LR_TIMER)
		draw_timer_row(d, y, r);
	for (int k = 0; k < 2; k++) {
		bool here = r->state[k] >= 0 || (r->lane == k && r->kind != LR_STATE);
		if (here)
			draw_time(d, y, k, r->t);
		draw_state(d, y, k, r->state[k]);
	}
}

static void draw_rows(struct ldraw *d)
{
	for (int y = 0; y < d->g.vis && d->g.top + y < (long)d->l->nrows; y++)
		draw_row_text(d, d->g.y0 + y, &d->l->rows[d->g.top + y]);
}

/* The line under the title: each lane's host and endpoint, its head and
 * the state it started in. */
static void draw_names(struct ldraw *d, int y)
{
	char name[TM_NAME_MAX + 8], ep[VF_MAX], text[96], ip[16];
	int room = (d->g.lane[1] - d->g.lane[0]) / 2 - 2;

	for (int k = 0; k < 2; k++) {
		char fit[128];
		int w;
		model_host_name(d->x->m, d->f->host[k], name, sizeof(name));
		snprintf(ep, sizeof(ep), "%s:%u", tv_ip_str(d->f->addr[k], ip), d->f->port[k]);
		snprintf(text, sizeof(text), "%s %s", d->f->host[k] ? name : "", ep);
		w = tw_fit(text[0] == ' ' ? text + 1 : text, room, true, d->x->ascii, fit,
			   sizeof(fit));
		canvas_put_attr(d->x->c, y, k == 0 ? d->g.lane[0] + 2 : d->g.lane[1] - 1 - w, w,
				fit, TS_TITLE, TA_BOLD);
		canvas_set(d->x->c, y, d->g.lane[k], d->x->ascii ? '+' : 0x252c, TS_BORDER, 0);
		draw_state(d, y, k, d->l->head[k]);
	}
}

/* ---- the pane ---- */

static void ladder_title(struct vctx *x, const struct rect *r, const struct tm_flow *f)
{
	char a[VF_MAX], b[VF_MAX], title[200];
	const char *to = x->ascii ? "<->" : "⇄";

	if (f == NULL) {
		view_pane_title(x, r, _("Ladder"), x->vs->focus == VP_LADDER);
		return;
	}
	vf_endpoint(x->m, f->addr[0], f->port[0], false, a);
	vf_endpoint(x->m, f->addr[1], f->port[1], false, b);
	if (x->vs->ladder_follow)
		snprintf(title, sizeof(title), _("Ladder %s %s %s"), a, to, b);
	else
		/* TRANSLATORS: the ladder is scrolled back; %s is the key that
		 * goes back to following the newest segment. */
		snprintf(title, sizeof(title), _("Ladder %s %s %s (scrolled: %s goes live)"), a,
			 to, b, keymap_key_name(UA_LIVE));
	view_pane_title(x, r, title, x->vs->focus == VP_LADDER);
}

static void ladder_scroll(struct vctx *x, struct ldraw *d)
{
	long maxtop = (long)d->l->nrows - d->g.vis;

	if (maxtop < 0)
		maxtop = 0;
	if (x->vs->ladder_follow || x->vs->ladder_top > maxtop)
		x->vs->ladder_top = maxtop;
	if (x->vs->ladder_top < 0)
		x->vs->ladder_top = 0;
	d->g.top = x->vs->ladder_top;
}

static void ladder_message(struct vctx *x, const struct rect *r, const char *msg)
{
	canvas_put(x->c, r->y + 1, r->x + 2, r->w - 4, msg, TS_DIM);
}

void view_draw_ladder(struct vctx *x, const struct rect *r)
{
	const struct tm_flow *f = view_sel_flow(x->m, x->vs);
	struct ldraw d = {x, f, NULL, {0}, NULL, NULL};
	struct ladder_layout *l;

	if (r->h < 3)
		return;
	ladder_title(x, r, f);
	if (f == NULL) {
		ladder_message(x, r, _("No segments yet: the ladder shows the selected "
				       "connection's segments as they go."));
		return;
	}
	if ((l = ladder_layout_get(x->cache, f)) == NULL) {
		ladder_message(x, r, _("Out of memory: the ladder cannot be drawn."));
		return;
	}
	d.l = l;
	geom_compute(l, r, &d.g);
	d.g.vis = r->h - 2;
	d.g.y0 = r->y + 2;
	ladder_scroll(x, &d);
	draw_names(&d, r->y + 1);
	if (!mask_alloc(l, &d)) {
		ladder_message(x, r, _("Out of memory: the ladder cannot be drawn."));
		return;
	}
	draw_lanes(&d);
	draw_arrows(&d, false);
	mask_paint(&d);
	draw_arrows(&d, true);
	draw_rows(&d);
}
