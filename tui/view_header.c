/*
 * view_header.c - the top and bottom lines of the frame.
 *
 * The header says, from left to right: the mode as a reverse-video badge
 * with the word in it (RUNNING, STEPPING when a gate holds segments,
 * PAUSED), the link, the virtual clock, the speed, the lesson being
 * played, the counters, and at the far right the wall clock.  Pieces that
 * do not fit are left out, least important first, so the badge and the
 * clock are always there.
 *
 * The status line shows the prompt being edited (and says where the
 * terminal cursor goes), else the last reply or error, else key hints
 * generated from the keymap.
 */
#define _XOPEN_SOURCE 700 /* localtime_r */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "tui/keymap.h"
#include "tui/view_internal.h"
#include "tui/width.h"

#define PIECES_MAX 16

struct piece {
	char text[96];
	int style, attr, prio;   /* prio: lower is kept longer */
	bool right;              /* at the far right */
};

struct pieces {
	struct piece p[PIECES_MAX];
	int n;
};

static void piece_add(struct pieces *ps, int prio, int style, int attr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void piece_add(struct pieces *ps, int prio, int style, int attr, const char *fmt, ...)
{
	struct piece *p;
	va_list ap;

	if (ps->n >= PIECES_MAX)
		return;
	p = &ps->p[ps->n++];
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
	p->style = style;
	p->attr = attr;
	p->prio = prio;
	p->right = false;
}

static void piece_mode(struct pieces *ps, const struct model *m)
{
	if (m->paused)
		piece_add(ps, 0, TS_MODE_PAUSED, TA_REVERSE | TA_BOLD, " %s ", _("PAUSED"));
	else if (model_holding(m) || m->nheld > 0)
		piece_add(ps, 0, TS_MODE_STEPPING, TA_REVERSE | TA_BOLD, " %s ", _("STEPPING"));
	else
		piece_add(ps, 0, TS_MODE_RUNNING, TA_REVERSE | TA_BOLD, " %s ", _("RUNNING"));
}

/* Open connections come first in the table (model.h), so the scan of
 * every frame stops at the first closed one. */
static unsigned open_conns(const struct model *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->nconns && !m->conns[i].closed; i++)
		if (!m->conns[i].listener)
			n++;
	return n;
}

static void piece_speed(struct pieces *ps, double speed)
{
	if (speed >= 1 && speed == (double)(uint64_t)speed)
		piece_add(ps, 2, TS_BOLD, 0, "x%" PRIu64, (uint64_t)speed);
	else
		piece_add(ps, 2, TS_BOLD, 0, "x%.3g", speed);
}

static void piece_counters(struct pieces *ps, const struct model *m)
{
	/* TRANSLATORS: header counters, kept short: open connections,
	 * segments, held, drops, retransmissions. */
	piece_add(ps, 5, TS_NORMAL, 0, _("conns %u"), open_conns(m));
	piece_add(ps, 6, TS_NORMAL, 0, _("segs %" PRIu64), m->segments);
	piece_add(ps, 4, m->nheld ? TS_HELD : TS_NORMAL, 0, _("held %u"), m->nheld);
	piece_add(ps, 5, m->drops ? TS_DROPPED : TS_NORMAL, 0, _("drops %" PRIu64), m->drops);
	piece_add(ps, 6, m->rexmits ? TS_ALERT : TS_NORMAL, 0, _("rexmits %" PRIu64),
		  m->rexmits);
	/* TRANSLATORS: events the engine did not send us (its stream was
	 * over its time budget: a bulk transfer). */
	if (m->skipped > 0)
		piece_add(ps, 7, TS_DIM, 0, _("skipped %" PRIu64), m->skipped);
}

static void pieces_build(struct vctx *x, struct pieces *ps)
{
	const struct model *m = x->m;
	char tb[VF_MAX];
	struct tm tm;
	time_t wall = (time_t)x->vs->wall_clock;

	piece_mode(ps, m);
	if (!m->connected)
		piece_add(ps, 0, TS_ALERT, TA_BOLD, "%s", _("disconnected"));
	if (m->readonly)
		piece_add(ps, 1, TS_ALERT, 0, "%s", _("read-only"));
	piece_add(ps, 3, TS_TITLE, TA_BOLD, "%s", x->vs->link ? x->vs->link : "");
	/* TRANSLATORS: the virtual clock in the header, seconds. */
	piece_add(ps, 0, TS_BOLD, 0, _("t=%ss"), vf_time(x->now, tb));
	piece_speed(ps, m->speed);
	if (x->vs->lesson != NULL)
		piece_add(ps, 2, TS_NARRATION, 0, _("lesson: %s"), x->vs->lesson);
	piece_counters(ps, m);
	if (x->vs->wall_clock != 0 && localtime_r(&wall, &tm) != NULL) {
		piece_add(ps, 4, TS_DIM, 0, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
		ps->p[ps->n - 1].right = true;
	}
}

/* Leave out the least important pieces until the rest fit in w. */
static void pieces_fit(struct pieces *ps, int w)
{
	for (;;) {
		int total = 0, worst = -1;
		for (int i = 0; i < ps->n; i++) {
			if (ps->p[i].prio < 0)
				continue;
			total += tw_width(ps->p[i].text) + 2;
			if (worst < 0 || ps->p[i].prio >= ps->p[worst].prio)
				worst = i;
		}
		if (total <= w || worst < 0 || ps->p[worst].prio == 0)
			return;
		ps->p[worst].prio = -1;
	}
}

void view_draw_header(struct vctx *x, const struct rect *r)
{
	struct pieces ps = {.n = 0};
	int col = r->x;

	pieces_build(x, &ps);
	pieces_fit(&ps, r->w);
	for (int i = 0; i < ps.n; i++) {
		const struct piece *p = &ps.p[i];
		int w = tw_width(p->text);
		if (p->prio < 0)
			continue;
		if (p->right)
			col = r->x + r->w - w > col ? r->x + r->w - w : col;
		col += canvas_put_attr(x->c, r->y, col, r->x + r->w - col, p->text, p->style,
				       p->attr);
		col += 2;
	}
}

/* ---- the status line ---- */

static void status_prompt(struct vctx *x, const struct rect *r)
{
	const char *p = x->vs->prompt;
	int cur = x->vs->prompt_cursor, off = 0;

	if (cur < 0)
		cur = 0;
	if (cur > r->w - 1)
		off = cur - (r->w - 1);
	/* Text left of the pane is clipped by the canvas. */
	canvas_put(x->c, r->y, r->x - off, r->w + off, p, TS_BOLD);
	x->vs->cursor_y = r->y;
	x->vs->cursor_x = r->x + cur - off;
}

/* One hint: the key in the key style, then what it does. */
static int hint(struct vctx *x, const struct rect *r, int col, enum ui_action a,
		const char *what)
{
	const char *key = keymap_key_name(a);
	int need;

	if (key == NULL)
		return col;
	need = tw_width(key) + 1 + tw_width(what) + 2;
	if (col + need > r->x + r->w)
		return col;
	col += canvas_put_attr(x->c, r->y, col, need, key, TS_KEY, TA_BOLD);
	col += 1;
	col += canvas_put(x->c, r->y, col, need, what, TS_DIM);
	return col + 2;
}

static void status_hints(struct vctx *x, const struct rect *r)
{
	const struct model *m = x->m;
	int col = r->x + 1;

	if (m->nheld > 0 && !m->readonly) {
		col = hint(x, r, col, UA_STEP, _("step"));
		col = hint(x, r, col, UA_DELIVER, _("deliver"));
		col = hint(x, r, col, UA_DROP, _("drop"));
	} else if (!m->readonly) {
		col = hint(x, r, col, UA_CONNECT, _("connect"));
		col = hint(x, r, col, UA_STEP, _("step"));
	}
	if (!m->readonly)
		col = hint(x, r, col, UA_PAUSE, m->paused ? _("resume") : _("pause"));
	col = hint(x, r, col, UA_PROMPT, _("command"));
	col = hint(x, r, col, UA_NEXT_PANE, _("pane"));
	col = hint(x, r, col, UA_HELP, _("help"));
	hint(x, r, col, UA_QUIT, _("quit"));
}

void view_draw_status(struct vctx *x, const struct rect *r)
{
	const struct view_state *vs = x->vs;

	if (vs->prompt != NULL)
		status_prompt(x, r);
	else if (vs->status != NULL && vs->status_error)
		canvas_put_attr(x->c, r->y, r->x + 1, r->w - 1, vs->status, TS_ALERT, TA_BOLD);
	else if (vs->status != NULL)
		canvas_put(x->c, r->y, r->x + 1, r->w - 1, vs->status, TS_OK);
	else
		status_hints(x, r);
}
