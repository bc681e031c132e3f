/*
 * view_diagram.c - the RFC 9293 state diagram (figure 5), compact: the
 * eleven states where the figure has them (opening at the top, the two
 * ways of closing below: the active close on the left, the passive close
 * on the right), the transitions as lines with the figure's event names,
 * the selected connection's current state in reverse video, the state it
 * came from underlined, and the last transition's line drawn in the alert
 * style, with a caption saying it in words.
 *
 * The figure is data: where each state's name is centred, and each
 * transition as a polyline from inside its source's name to the cell
 * before its target's, where the arrowhead goes.  Lines are joined
 * through the same direction mask as the ladder's, so junctions read as
 * ┴ ┤.  CLOSED appears twice, as in the RFC: the start at the top and the
 * end at the bottom.  The event names on the lines ("rcv SYN", "close")
 * are the figure's own and, like the state names, are not translated.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/tcp.h"
#include "i18n.h"
#include "tui/view_internal.h"
#include "tui/width.h"

#define ART_W 50
#define ART_H 18
#define PTS_MAX 5

struct dstate {
	int state, row, col;     /* col: the name's centre */
};

static const struct dstate dstates[] = {
	{TCB_CLOSED, 0, 25},        {TCB_LISTEN, 3, 10},     {TCB_SYN_SENT, 3, 40},
	{TCB_SYN_RECEIVED, 6, 10},  {TCB_ESTABLISHED, 8, 25}, {TCB_FIN_WAIT_1, 11, 10},
	{TCB_CLOSE_WAIT, 11, 40},   {TCB_FIN_WAIT_2, 14, 6}, {TCB_CLOSING, 14, 20},
	{TCB_LAST_ACK, 14, 40},     {TCB_TIME_WAIT, 17, 14}, {TCB_CLOSED, 17, 40},
};
#define BOTTOM_CLOSED 11         /* index of the second CLOSED */

struct dpoint {
	int row, col;
};

struct dedge {
	int from, to;
	int n;
	struct dpoint p[PTS_MAX];
	struct dpoint at;        /* where its event name goes */
	const char *event;       /* the figure's words, untranslated */
};

static const struct dedge dedges[] = {
	{TCB_CLOSED, TCB_LISTEN, 4, {{0, 25}, {1, 25}, {1, 10}, {2, 10}}, {2, 12}, "listen"},
	{TCB_CLOSED, TCB_SYN_SENT, 4, {{0, 25}, {1, 25}, {1, 40}, {2, 40}}, {2, 31}, "connect"},
	{TCB_LISTEN, TCB_SYN_SENT, 2, {{3, 12}, {3, 35}}, {3, 20}, " send "},
	{TCB_LISTEN, TCB_SYN_RECEIVED, 2, {{3, 10}, {5, 10}}, {4, 12}, "rcv SYN"},
	{TCB_SYN_SENT, TCB_SYN_RECEIVED, 3, {{3, 40}, {6, 40}, {6, 16}}, {5, 32}, "rcv SYN"},
	{TCB_SYN_SENT, TCB_ESTABLISHED, 3, {{3, 40}, {8, 40}, {8, 31}}, {7, 32}, "SYN,ACK"},
	{TCB_SYN_RECEIVED, TCB_ESTABLISHED, 3, {{6, 10}, {8, 10}, {8, 19}}, {7, 12}, "rcv ACK"},
	{TCB_ESTABLISHED, TCB_FIN_WAIT_1, 4, {{8, 25}, {9, 25}, {9, 10}, {10, 10}}, {10, 12},
	 "close"},
	{TCB_ESTABLISHED, TCB_CLOSE_WAIT, 4, {{8, 25}, {9, 25}, {9, 40}, {10, 40}}, {10, 42},
	 "rcv FIN"},
	{TCB_FIN_WAIT_1, TCB_FIN_WAIT_2, 2, {{11, 6}, {13, 6}}, {12, 1}, "ACK"},
	{TCB_FIN_WAIT_1, TCB_CLOSING, 4, {{11, 13}, {12, 13}, {12, 20}, {13, 20}}, {12, 22},
	 "rcv FIN"},
	{TCB_CLOSE_WAIT, TCB_LAST_ACK, 2, {{11, 40}, {13, 40}}, {12, 42}, "close"},
	{TCB_FIN_WAIT_2, TCB_TIME_WAIT, 3, {{14, 6}, {17, 6}, {17, 9}}, {16, 8}, "rcv FIN"},
	{TCB_CLOSING, TCB_TIME_WAIT, 4, {{14, 20}, {15, 20}, {15, 16}, {16, 16}}, {15, 22},
	 "rcv ACK"},
	{TCB_LAST_ACK, TCB_CLOSED, 2, {{14, 40}, {16, 40}}, {15, 42}, "rcv ACK"},
	{TCB_TIME_WAIT, TCB_CLOSED, 2, {{17, 18}, {17, 36}}, {17, 24}, " 2MSL "},
};

#define NEDGES (sizeof(dedges) / sizeof(dedges[0]))

struct dctx {
	struct vctx *x;
	int y0, x0;              /* canvas position of the art's (0, 0) */
	uint8_t mask[ART_H][ART_W];
	uint8_t style[ART_H][ART_W];
	int hot;                 /* the edge of the last transition, -1 none */
};

static void dmask(struct dctx *d, int row, int col, unsigned bits, int style)
{
	if (row < 0 || row >= ART_H || col < 0 || col >= ART_W)
		return;
	d->mask[row][col] |= (uint8_t)bits;
	if (d->style[row][col] != TS_ALERT)
		d->style[row][col] = (uint8_t)style;
}

/* One straight piece of a polyline. */
static void dmask_seg(struct dctx *d, struct dpoint a, struct dpoint b, int style)
{
	int dr = (b.row > a.row) - (b.row < a.row), dc = (b.col > a.col) - (b.col < a.col);
	unsigned fwd = dr > 0 ? M_D : dr < 0 ? M_U : dc > 0 ? M_R : M_L;
	unsigned back = fwd == M_D ? M_U : fwd == M_U ? M_D : fwd == M_R ? M_L : M_R;

	for (struct dpoint p = a; p.row != b.row || p.col != b.col;) {
		dmask(d, p.row, p.col, fwd, style);
		p.row += dr;
		p.col += dc;
		dmask(d, p.row, p.col, back, style);
	}
}

static uint32_t head_glyph(struct dpoint a, struct dpoint b, bool ascii)
{
	if (b.row > a.row)
		return ascii ? 'v' : 0x25bc;
	if (b.row < a.row)
		return ascii ? '^' : 0x25b2;
	if (b.col > a.col)
		return ascii ? '>' : 0x25b6;
	return ascii ? '<' : 0x25c0;
}

static void draw_edges(struct dctx *d)
{
	for (size_t i = 0; i < NEDGES; i++) {
		const struct dedge *e = &dedges[i];
		int style = (int)i == d->hot ? TS_ALERT : TS_BORDER;
		for (int k = 0; k + 1 < e->n; k++)
			dmask_seg(d, e->p[k], e->p[k + 1], style);
	}
	for (int r = 0; r < ART_H; r++) {
		for (int c = 0; c < ART_W; c++) {
			int st = d->style[r][c];
			if (d->mask[r][c])
				canvas_set(d->x->c, d->y0 + r, d->x0 + c,
					   view_line_glyph(d->mask[r][c], false, d->x->ascii), st,
					   st == TS_ALERT ? TA_BOLD : 0);
		}
	}
	for (size_t i = 0; i < NEDGES; i++) {
		const struct dedge *e = &dedges[i];
		int style = (int)i == d->hot ? TS_ALERT : TS_BORDER;
		struct dpoint a = e->p[e->n - 2], b = e->p[e->n - 1];
		canvas_put(d->x->c, d->y0 + e->at.row, d->x0 + e->at.col, ART_W - e->at.col,
			   e->event, (int)i == d->hot ? TS_ALERT : TS_DIM);
		canvas_set(d->x->c, d->y0 + b.row, d->x0 + b.col, head_glyph(a, b, d->x->ascii),
			   style, TA_BOLD);
	}
}

/* Which name of the state to mark: CLOSED at the bottom once the
 * connection has been somewhere. */
static bool is_marked(const struct dstate *s, size_t i, int state, int prev)
{
	if (s->state != state)
		return false;
	if (state != TCB_CLOSED)
		return true;
	return (i == BOTTOM_CLOSED) == (prev > TCB_CLOSED);
}

static void draw_states(struct dctx *d, const struct tm_conn *c)
{
	int state = c ? c->state : -1, prev = c ? c->prev_state : -1;

	for (size_t i = 0; i < sizeof(dstates) / sizeof(dstates[0]); i++) {
		const struct dstate *s = &dstates[i];
		const char *name = tcb_state_name((enum tcb_state)s->state);
		int w = tw_width(name), style = TS_NORMAL, attr = TA_BOLD;
		if (is_marked(s, i, state, prev)) {
			style = view_state_style(state);
			attr = TA_REVERSE | TA_BOLD;
		} else if (prev >= 0 && s->state == prev &&
			   (prev != TCB_CLOSED || i != BOTTOM_CLOSED)) {
			style = view_state_style(prev);
			attr = TA_UNDERLINE;
		}
		canvas_put_attr(d->x->c, d->y0 + s->row, d->x0 + s->col - w / 2, w, name, style,
				attr);
	}
}

static int hot_edge(const struct tm_conn *c)
{
	if (c == NULL || c->prev_state < 0)
		return -1;
	for (size_t i = 0; i < NEDGES; i++)
		if (dedges[i].from == c->prev_state && dedges[i].to == c->state)
			return (int)i;
	return -1;
}

/* The caption: the last transition in words. */
static void draw_caption(struct dctx *d, const struct tm_conn *c, const struct rect *r)
{
	char text[160];
	const char *to = d->x->ascii ? "->" : "→";

	if (c == NULL)
		snprintf(text, sizeof(text), "%s", _("No connection selected."));
	else if (c->prev_state < 0)
		snprintf(text, sizeof(text), _("now: %s"), tcb_state_name(c->state));
	else
		/* TRANSLATORS: the state diagram's caption: "last: SYN-SENT → ESTABLISHED". */
		snprintf(text, sizeof(text), _("last: %s %s %s"), tcb_state_name(c->prev_state),
			 to, tcb_state_name(c->state));
	canvas_put(d->x->c, d->y0 + ART_H, r->x + 2, r->w - 3, text, TS_BOLD);
}

static const struct tm_conn *diagram_conn(const struct model *m, const struct view_state *vs)
{
	const struct tm_conn *c = view_sel_conn(m, vs);
	const struct tm_flow *f;

	if (c != NULL)
		return c;
	f = view_sel_flow(m, vs);
	return f && f->conn[0] ? model_conn(m, f->conn[0]) : NULL;
}

void view_draw_diagram(struct vctx *x, const struct rect *r)
{
	const struct tm_conn *c = diagram_conn(x->m, x->vs);
	struct rect in;
	char title[96], ep[VF_MAX];
	struct dctx d;

	if (c != NULL)
		snprintf(title, sizeof(title), _("States of %s"),
			 vf_endpoint(x->m, c->tuple.laddr, c->tuple.lport, false, ep));
	else
		snprintf(title, sizeof(title), "%s", _("States (RFC 9293)"));
	in = view_pane_title(x, r, title, false);
	canvas_vline(x->c, in.y, r->x, in.h, TS_BORDER);
	if (in.h < ART_H + 1 || in.w < ART_W + 1)
		return;
	memset(&d, 0, sizeof(d));
	d.x = x;
	d.y0 = in.y;
	d.x0 = in.x + 1 + (in.w - 1 - ART_W) / 2;
	d.hot = hot_edge(c);
	draw_edges(&d);
	draw_states(&d, c);
	draw_caption(&d, c, r);
}
