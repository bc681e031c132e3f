/*
 * view_conns.c - the connection table: one row per TCB of every stack
 * host (listeners included), in the model's order (open ones first).
 *
 * Columns adapt to the width: local, remote, state and timers always
 * stay; the sequence-number, window, cwnd and RTO columns are dropped,
 * least important first, until the rest fit; room left over widens the
 * state column (to add the state's name in the language in use), the
 * endpoints (to add the address) and the timers.  The state is always
 * written, not only coloured.  The timers cell shows what runs, with
 * countdowns: the 2MSL wait as a shrinking bar and the seconds left,
 * keepalive as the idle time and then "probe k/n", the retransmission
 * count and time to the next one.
 *
 * Only the rows on screen are formatted, so 10,000 connections cost no
 * more to draw than ten; the selected row is kept in view.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/tcp.h"
#include "i18n.h"
#include "tui/keymap.h"
#include "tui/view_internal.h"
#include "tui/width.h"

enum col_id {
	COL_LOCAL, COL_REMOTE, COL_STATE, COL_SND_UNA, COL_SND_NXT, COL_SND_WND,
	COL_RCV_NXT, COL_RCV_WND, COL_CWND, COL_RTO, COL_TIMERS, COL_COUNT
};

struct col_def {
	const char *title;       /* N_() or an RFC name (not translated) */
	bool translate, right;
	int prio;                /* 0: always shown; else dropped highest first */
};

static const struct col_def col_defs[COL_COUNT] = {
	[COL_LOCAL] = {N_("Local"), true, false, 0},
	[COL_REMOTE] = {N_("Remote"), true, false, 0},
	[COL_STATE] = {N_("State"), true, false, 0},
	[COL_SND_UNA] = {"SND.UNA", false, true, 6},
	[COL_SND_NXT] = {"SND.NXT", false, true, 4},
	[COL_SND_WND] = {"SND.WND", false, true, 10},
	[COL_RCV_NXT] = {"RCV.NXT", false, true, 5},
	[COL_RCV_WND] = {"RCV.WND", false, true, 9},
	[COL_CWND] = {"cwnd", false, true, 8},
	[COL_RTO] = {"RTO", false, true, 7},
	[COL_TIMERS] = {N_("Timers"), true, false, 0},
};

#define STATE_W 12               /* "SYN-RECEIVED" */
#define ENDPOINT_W 10
#define ENDPOINT_FULL_W 22
#define TIMERS_W 18

struct table {
	bool on[COL_COUNT];
	int w[COL_COUNT], x[COL_COUNT];
	bool full_endpoints;
};

static int col_base_width(enum col_id id, bool relative)
{
	switch (id) {
	case COL_LOCAL:
	case COL_REMOTE:
		return ENDPOINT_W;
	case COL_STATE:
		return STATE_W;
	case COL_SND_UNA:
	case COL_SND_NXT:
	case COL_RCV_NXT:
		return relative ? 7 : 10;
	case COL_SND_WND:
	case COL_RCV_WND:
	case COL_RTO:
		return 7;
	case COL_CWND:
		return 7;
	default:
		return TIMERS_W;
	}
}

static int table_total(const struct table *t)
{
	int total = 0;

	for (int i = 0; i < COL_COUNT; i++)
		if (t->on[i])
			total += t->w[i] + 1;
	return total - 1;
}

/* Drop columns until the table fits in w, then share out what is left. */
static void table_fit(struct table *t, int w, bool relative)
{
	int extra;

	for (int i = 0; i < COL_COUNT; i++) {
		t->on[i] = true;
		t->w[i] = col_base_width((enum col_id)i, relative);
	}
	while (table_total(t) > w) {
		int worst = -1;
		for (int i = 0; i < COL_COUNT; i++)
			if (t->on[i] && col_defs[i].prio > 0 &&
			    (worst < 0 || col_defs[i].prio > col_defs[worst].prio))
				worst = i;
		if (worst < 0)
			break;
		t->on[worst] = false;
	}
	extra = w - table_total(t);
	if (extra >= 11) {               /* a state's own name: " 同步已接收" */
		t->w[COL_STATE] += 11;
		extra -= 11;
	}
	if (extra >= 2 * (ENDPOINT_FULL_W - ENDPOINT_W) + 10) {
		t->w[COL_LOCAL] = t->w[COL_REMOTE] = ENDPOINT_FULL_W;
		extra -= 2 * (ENDPOINT_FULL_W - ENDPOINT_W);
		t->full_endpoints = true;
	}
	if (extra > 0)
		t->w[COL_TIMERS] += extra;
}

static void table_place(struct table *t, int x0)
{
	int x = x0;

	for (int i = 0; i < COL_COUNT; i++) {
		t->x[i] = x;
		if (t->on[i])
			x += t->w[i] + 1;
	}
}

static void table_head(struct vctx *x, const struct table *t, int y)
{
	for (int i = 0; i < COL_COUNT; i++) {
		const char *s = col_defs[i].translate ? _(col_defs[i].title) : col_defs[i].title;
		if (!t->on[i])
			continue;
		if (col_defs[i].right)
			view_put_right(x->c, y, t->x[i], t->w[i], s, TS_TITLE);
		else
			canvas_put(x->c, y, t->x[i], t->w[i], s, TS_TITLE);
	}
}

/* A byte count that fits in 7 columns: "65535", "1048k". */
static const char *fmt_bytes(uint32_t v, char buf[VF_MAX])
{
	if (v < 1000000)
		snprintf(buf, VF_MAX, "%" PRIu32, v);
	else
		snprintf(buf, VF_MAX, "%" PRIu32 "k", v / 1024);
	return buf;
}

/* ---- the timers cell ---- */

struct tcell {
	struct vctx *x;
	int y, col, end, style;
};

static bool tcell_put(struct tcell *tc, const char *s, int style)
{
	int w = tw_width(s);

	if (tc->col + w > tc->end)
		return false;
	tc->col += canvas_put(tc->x->c, tc->y, tc->col, w, s, style) + 1;
	return true;
}

static tv_time left_of(const struct tm_conn *c, int k, tv_time now)
{
	return c->deadline[k] > now ? c->deadline[k] - now : 0;
}

/* 2MSL: a bar that shrinks as the wait runs out, and the time left. */
static void timer_2msl(struct tcell *tc, const struct tm_conn *c)
{
	tv_time left = left_of(c, TV_TIMER_2MSL, tc->x->now);
	tv_time total = c->deadline[TV_TIMER_2MSL] - c->armed_at[TV_TIMER_2MSL];
	double frac = total > 0 ? (double)left / (double)total : 0;
	char db[VF_MAX];
	int bw;

	if (!tcell_put(tc, vf_timer_name(TV_TIMER_2MSL), TS_ST_TIMEWAIT))
		return;
	/* A countdown reads the whole seconds it has not finished: 4:00 at
	 * the start, 0:01 just before the end. */
	vf_dur(left >= TV_SEC(10) ? (left + TV_SEC(1) - 1) / TV_SEC(1) * TV_SEC(1) : left, db);
	bw = tc->end - tc->col - tw_width(db) - 2;
	if (bw > 12)
		bw = 12;
	if (bw >= 3) {
		canvas_bar(tc->x->c, tc->y, tc->col, bw, frac, TS_BAR);
		tc->col += bw + 1;
	}
	tcell_put(tc, db, TS_BOLD);
}

static void timer_rexmit(struct tcell *tc, const struct tm_conn *c)
{
	char db[VF_MAX], s[96];

	vf_dur(left_of(c, TV_TIMER_REXMIT, tc->x->now), db);
	if (c->rexmits > 0)
		/* TRANSLATORS: retransmission timer: the number of timeouts so
		 * far and the time to the next one. */
		snprintf(s, sizeof(s), _("RTO #%u in %s"), c->rexmits, db);
	else
		snprintf(s, sizeof(s), _("RTO in %s"), db);
	tcell_put(tc, s, c->rexmits ? TS_ALERT : tc->style);
}

static void timer_keepalive(struct tcell *tc, const struct tm_conn *c)
{
	char db[VF_MAX], s[96];
	tv_time now = tc->x->now;

	if (c->probes == 0) {
		vf_dur(now > c->last_rx ? now - c->last_rx : 0, db);
		/* TRANSLATORS: keepalive: how long the connection has been idle. */
		snprintf(s, sizeof(s), _("idle %s"), db);
	} else {
		/* TRANSLATORS: keepalive: probe k of n sent. */
		snprintf(s, sizeof(s), _("probe %u/%u"), c->probes, c->keep_cnt);
	}
	tcell_put(tc, s, c->probes ? TS_ALERT : tc->style);
}

static void timer_other(struct tcell *tc, const struct tm_conn *c, int k)
{
	char db[VF_MAX], s[96];

	vf_dur(left_of(c, k, tc->x->now), db);
	snprintf(s, sizeof(s), "%s %s", vf_timer_name((enum tv_timer_kind)k), db);
	tcell_put(tc, s, tc->style);
}

static void draw_timers(struct vctx *x, const struct tm_conn *c, int y, int col, int w,
			int style)
{
	struct tcell tc = {x, y, col, col + w, style};

	if (c->deadline[TV_TIMER_2MSL])
		timer_2msl(&tc, c);
	if (c->deadline[TV_TIMER_REXMIT])
		timer_rexmit(&tc, c);
	if (c->keepalive || c->deadline[TV_TIMER_KEEPALIVE])
		timer_keepalive(&tc, c);
	if (c->deadline[TV_TIMER_PERSIST])
		timer_other(&tc, c, TV_TIMER_PERSIST);
	if (c->deadline[TV_TIMER_CONN])
		timer_other(&tc, c, TV_TIMER_CONN);
	if (c->deadline[TV_TIMER_DELACK])
		timer_other(&tc, c, TV_TIMER_DELACK);
}

/* ---- a row ---- */

static void cell(struct vctx *x, const struct table *t, enum col_id id, int y,
		 const char *s, int style, int attr)
{
	if (!t->on[id])
		return;
	if (col_defs[id].right) {
		int sw = tw_width(s);
		int at = sw < t->w[id] ? t->x[id] + t->w[id] - sw : t->x[id];
		canvas_put_attr(x->c, y, at, t->w[id], s, style, attr);
	} else {
		char fit[128];
		tw_fit(s, t->w[id], true, x->ascii, fit, sizeof(fit));
		canvas_put_attr(x->c, y, t->x[id], t->w[id], fit, style, attr);
	}
}

static void row_numbers(struct vctx *x, const struct table *t, const struct tm_conn *c,
			int y, int style)
{
	uint32_t sb = x->vs->relative ? c->iss : 0, rb = x->vs->relative ? c->irs : 0;
	char b[VF_MAX];

	if (c->listener || (c->snd_nxt == 0 && c->iss == 0))
		return;
	snprintf(b, sizeof(b), "%" PRIu32, c->snd_una - sb);
	cell(x, t, COL_SND_UNA, y, b, style, 0);
	snprintf(b, sizeof(b), "%" PRIu32, c->snd_nxt - sb);
	cell(x, t, COL_SND_NXT, y, b, style, 0);
	cell(x, t, COL_SND_WND, y, fmt_bytes(c->snd_wnd, b), style, 0);
	snprintf(b, sizeof(b), "%" PRIu32, c->rcv_nxt - rb);
	cell(x, t, COL_RCV_NXT, y, b, style, 0);
	cell(x, t, COL_RCV_WND, y, fmt_bytes(c->rcv_wnd, b), style, 0);
	if (c->cwnd)
		cell(x, t, COL_CWND, y, fmt_bytes(c->cwnd, b), style, 0);
	if (c->rto)
		cell(x, t, COL_RTO, y, vf_dur(c->rto, b), style, 0);
}

static void draw_row(struct vctx *x, const struct table *t, const struct tm_conn *c, int y,
		     bool sel)
{
	int style = sel ? TS_SELECTED : c->closed ? TS_DIM : TS_NORMAL;
	char b[VF_MAX], st[96];

	if (sel)
		canvas_fill(x->c, &(struct rect){y, t->x[0], 1, x->c->w - t->x[0]}, ' ', style);
	cell(x, t, COL_LOCAL, y, vf_endpoint(x->m, c->tuple.laddr, c->tuple.lport,
					     t->full_endpoints, b), style, 0);
	cell(x, t, COL_REMOTE, y, vf_endpoint(x->m, c->tuple.raddr, c->tuple.rport,
					      t->full_endpoints, b), style, 0);
	view_state_label(c->state, t->w[COL_STATE], st, sizeof(st));
	cell(x, t, COL_STATE, y, st, view_state_style(c->state),
	     sel ? TA_REVERSE | TA_BOLD : TA_BOLD);
	row_numbers(x, t, c, y, style);
	draw_timers(x, c, y, t->x[COL_TIMERS], t->w[COL_TIMERS], style);
}

/* The row to keep in view: the selected one; with no selection, the
 * connection whose ladder is shown (the newest), so a new connection is
 * seen even below a page of listeners. */
static long conns_anchor(const struct vctx *x)
{
	long sel = view_sel_index(x->m, x->vs), found = -1;
	const struct tm_flow *f;

	if (sel >= 0 || x->vs->sel_conn != 0 || (f = view_sel_flow(x->m, x->vs)) == NULL)
		return sel;
	/* The flow's first end in table order, found by key (no scan). */
	for (int k = 0; k < 2; k++) {
		const struct tm_conn *c = model_conn(x->m, f->conn[k]);
		long i = c != NULL ? (long)(c - x->m->conns) : -1;
		if (i >= 0 && (found < 0 || i < found))
			found = i;
	}
	return found;
}

/* Keep the selected row in view and the first row in range. */
static int conns_scroll(struct vctx *x, int rows)
{
	long sel = conns_anchor(x);
	int top = x->vs->conn_top, n = (int)x->m->nconns;

	if (sel >= 0 && sel < top)
		top = (int)sel;
	if (sel >= 0 && sel >= top + rows)
		top = (int)sel - rows + 1;
	if (top > n - rows)
		top = n - rows;
	if (top < 0)
		top = 0;
	x->vs->conn_top = top;
	return top;
}

static void conns_title(struct vctx *x, const struct rect *r, int top, int rows)
{
	char title[128];
	unsigned n = x->m->nconns;

	if (n > (unsigned)rows && rows > 0)
		/* TRANSLATORS: the table's title when it scrolls: rows shown and total. */
		snprintf(title, sizeof(title), _("Connections %d-%d of %u"), top + 1,
			 top + rows < (int)n ? top + rows : (int)n, n);
	else
		snprintf(title, sizeof(title), _("Connections (%u)"), n);
	view_pane_title(x, r, title, x->vs->focus == VP_CONNS);
}

void view_draw_conns(struct vctx *x, const struct rect *r)
{
	struct table t;
	int rows = r->h - 2, top;

	if (r->h < 3)
		return;
	top = conns_scroll(x, rows);
	conns_title(x, r, top, rows);
	table_fit(&t, r->w - 2, x->vs->relative);
	table_place(&t, r->x + 1);
	table_head(x, &t, r->y + 1);
	if (x->m->nconns == 0) {
		canvas_printf(x->c, r->y + 2, r->x + 1, r->w - 2, TS_DIM,
			      _("No connections yet. Press %s to connect, or %s for a command."),
			      keymap_key_name(UA_CONNECT), keymap_key_name(UA_PROMPT));
		return;
	}
	for (int i = 0; i < rows && top + i < (int)x->m->nconns; i++) {
		const struct tm_conn *c = &x->m->conns[top + i];
		draw_row(x, &t, c, r->y + 2 + i, c->key == x->vs->sel_conn);
	}
}
