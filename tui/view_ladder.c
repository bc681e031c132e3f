/*
 * view_ladder.c - the row layout of the ladder diagram, cached per flow.
 *
 * A flow's entries (model.h: segments, state changes, timer fires,
 * narration) become rows, top to bottom in time.  Each segment is an
 * arrow from its sender's lane at its send row to the receiver's lane at
 * its arrival row, so arrows slant down the page as in the textbook
 * figure; a state change is written beside its lane on the row where it
 * happens (the arrival that caused it, or the send it goes with).
 *
 * Order: items (sends, arrivals, states, timers, notes) are sorted by
 * time; at one instant, sends, states and timers keep the order the
 * events came in (entries are appended in event order), and an arrival
 * goes just before the receiver's first entry at or after it, that is,
 * before what the arrival caused there.
 *
 * The layout is redone only when the flow changed (tm_flow.changes), the
 * flow shown is another, or entries fell off the ring: a frame draws from
 * the cache, so a flow with thousands of entries costs a few rows' work.
 * view_ladder_draw.c draws the rows on screen.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui/view_internal.h"
#include "tui/view_ladder.h"

#define GAP_MIN TV_SEC(1)        /* quieter than this: a "(n s later)" row */

enum item_kind { IT_SEND, IT_ARRIVE, IT_STATE, IT_TIMER, IT_NOTE };

struct item {
	tv_time t;
	uint64_t seq;            /* order at one instant */
	uint32_t entry;
	uint8_t kind, lane;
};

void ladder_layout_free(struct ladder_layout *l)
{
	if (l == NULL)
		return;
	free(l->rows);
	free(l->arrows);
	free(l->mask);
	free(l);
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Entries per lane, in index order (which is also time order). */
struct lane_index {
	uint32_t *idx[2];
	size_t n[2];
};

static bool entry_on_lane(const struct tm_entry *e, int lane)
{
	return e->kind != TM_E_NOTE && e->lane == lane;
}

static int lane_index_build(const struct tm_flow *f, struct lane_index *li)
{
	li->idx[0] = malloc((f->n + 1) * sizeof(uint32_t));
	li->idx[1] = malloc((f->n + 1) * sizeof(uint32_t));
	li->n[0] = li->n[1] = 0;
	if (li->idx[0] == NULL || li->idx[1] == NULL)
		return -1;
	for (size_t i = 0; i < f->n; i++) {
		const struct tm_entry *e = model_entry(f, i);
		for (int k = 0; k < 2; k++)
			if (entry_on_lane(e, k))
				li->idx[k][li->n[k]++] = (uint32_t)i;
	}
	return 0;
}

/* The first position in the lane's list whose entry satisfies pred,
 * which is false then true along the list. */
static size_t lane_search(const struct tm_flow *f, const struct lane_index *li, int lane,
			  uint32_t after, tv_time t)
{
	size_t lo = 0, hi = li->n[lane];

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t j = li->idx[lane][mid];
		if (j > after && model_entry(f, j)->t >= t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The order of an arrival of entry i at lane `to` at time t: just before
 * the first entry of that lane after i at or after t. */
static uint64_t arrival_seq(const struct tm_flow *f, const struct lane_index *li, int to,
			    uint32_t i, tv_time t)
{
	size_t p = lane_search(f, li, to, i, t);

	if (p < li->n[to])
		return 2 * (uint64_t)li->idx[to][p];
	return 2 * (uint64_t)f->n + 2 * (uint64_t)i + 1;
}

static bool seg_arrives(const struct tm_entry *e)
{
	return (e->fate == TM_ARRIVED || e->fate == TM_DISCARDED) && e->t_end != 0;
}

static size_t items_build(const struct tm_flow *f, const struct lane_index *li,
			  struct item *it)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct tm_entry *e = model_entry(f, i);
		uint8_t kind = e->kind == TM_E_SEG     ? IT_SEND
			       : e->kind == TM_E_STATE ? IT_STATE
			       : e->kind == TM_E_TIMER ? IT_TIMER
						       : IT_NOTE;
		it[n++] = (struct item){e->t, 2 * (uint64_t)i + 1, (uint32_t)i, kind, e->lane};
		if (e->kind == TM_E_SEG && seg_arrives(e)) {
			int to = !e->lane;
			tv_time t = e->t_end < e->t ? e->t : e->t_end;
			it[n++] = (struct item){t, arrival_seq(f, li, to, (uint32_t)i, t),
						(uint32_t)i, IT_ARRIVE, (uint8_t)to};
		}
	}
	return n;
}

/* ---- rows ---- */

static struct lrow *row_new(struct ladder_layout *l, uint8_t kind, uint8_t lane, tv_time t,
			    uint32_t entry)
{
	struct lrow *r;

	if (l->nrows == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct lrow *nr = realloc(l->rows, cap * sizeof(*nr));
		if (nr == NULL)
			return NULL;
		l->rows = nr;
		l->cap = cap;
	}
	if (l->nrows > 0 && l->rows[l->nrows - 1].kind != LR_GAP &&
	    t > l->rows[l->nrows - 1].t + GAP_MIN && kind != LR_NOTE) {
		tv_time prev = l->rows[l->nrows - 1].t;
		l->rows[l->nrows++] = (struct lrow){LR_GAP, 0, {-1, -1}, 0, t - prev};
		return row_new(l, kind, lane, t, entry);
	}
	r = &l->rows[l->nrows++];
	*r = (struct lrow){kind, lane, {-1, -1}, entry, t};
	return r;
}

static struct lrow *row_last(struct ladder_layout *l)
{
	return l->nrows ? &l->rows[l->nrows - 1] : NULL;
}

/* A send shares the row of a state its lane entered at that instant. */
static int place_send(struct ladder_layout *l, const struct item *it)
{
	struct lrow *r = row_last(l);

	if (r != NULL && r->kind == LR_STATE && r->lane == it->lane && r->t == it->t &&
	    r->state[!it->lane] < 0) {
		r->kind = LR_SEND;
		r->entry = it->entry;
	} else if ((r = row_new(l, LR_SEND, it->lane, it->t, it->entry)) == NULL) {
		return -1;
	}
	l->arrows[it->entry].start = (uint32_t)(r - l->rows);
	l->arrows[it->entry].end = (uint32_t)(r - l->rows);
	return 0;
}

/* States an application's call caused: they get a row of their own,
 * which the segment the call sends then shares (the textbook's
 * "SYN-SENT --> SYN"). */
static bool rule_is_app(enum tv_rule r)
{
	return r == TV_RULE_APP_LISTEN || r == TV_RULE_APP_CONNECT || r == TV_RULE_APP_CLOSE ||
	       r == TV_RULE_APP_CLOSE_LISTEN || r == TV_RULE_APP_ABORT ||
	       r == TV_RULE_APP_ABORT_UNSYNC || r == TV_RULE_APP_ABORT_CLOSING ||
	       r == TV_RULE_APP_SEND_LISTEN;
}

/* The flag the segment that causes a change by rule r carries (0: any). */
static uint8_t rule_flag(enum tv_rule r)
{
	switch (r) {
	case TV_RULE_FIN_RECEIVED:
	case TV_RULE_FIN_SIMULTANEOUS:
	case TV_RULE_FIN_ACKED_AND_FIN:
	case TV_RULE_TIME_WAIT_FIN:
		return TV_TH_FIN;
	case TV_RULE_LISTEN_SYN:
	case TV_RULE_SYN_SENT_SYNACK:
	case TV_RULE_SYN_SENT_SYN:
	case TV_RULE_SYN_RCVD_DUP_SYN:
	case TV_RULE_SYN_RCVD_SYN_PASSIVE:
		return TV_TH_SYN;
	case TV_RULE_SYN_SENT_RST:
	case TV_RULE_SYN_RCVD_RST_PASSIVE:
	case TV_RULE_SYN_RCVD_RST_ACTIVE:
	case TV_RULE_RST_ACCEPTED:
		return TV_TH_RST;
	default:
		return 0;
	}
}

/* The arrival at the lane, at this instant, that caused a change by a
 * segment: the first one carrying the rule's flag (several segments can
 * arrive at one instant; the state belongs with its cause). */
static struct lrow *cause_row(struct ladder_layout *l, const struct tm_flow *f, int lane,
			      tv_time t, uint8_t flag)
{
	struct lrow *found = NULL;

	for (size_t i = l->nrows; i-- > 0;) {
		struct lrow *r = &l->rows[i];
		if (r->kind == LR_GAP || r->t != t)
			break;
		if (r->kind == LR_ARRIVE && r->lane == lane && r->state[lane] < 0 &&
		    (flag == 0 || (model_entry(f, r->entry)->seg.flags & flag)))
			found = r;
	}
	return found;
}

/* A state goes with the arrival that caused it; else on the latest row
 * if that row is of the same instant and has room on the lane (an
 * application's change only on a state row); else on a row of its own. */
static int place_state(struct ladder_layout *l, const struct tm_flow *f, const struct item *it,
		       const struct tm_entry *e)
{
	struct lrow *r = NULL;
	bool app = rule_is_app(e->rule);

	if (!app)
		r = cause_row(l, f, it->lane, it->t, rule_flag(e->rule));
	if (r == NULL && (r = row_last(l)) != NULL &&
	    !(r->t == it->t && r->state[it->lane] < 0 && r->kind != LR_NOTE && r->kind != LR_GAP &&
	      (app ? r->kind == LR_STATE : r->lane == it->lane || r->kind != LR_TIMER)))
		r = NULL;
	if (r == NULL && (r = row_new(l, LR_STATE, it->lane, it->t, it->entry)) == NULL)
		return -1;
	r->state[it->lane] = (int8_t)e->new_state;
	return 0;
}

static int place_item(struct ladder_layout *l, const struct tm_flow *f, const struct item *it)
{
	const struct tm_entry *e = model_entry(f, it->entry);
	struct lrow *r;

	switch (it->kind) {
	case IT_SEND:
		return place_send(l, it);
	case IT_STATE:
		if (l->head[it->lane] < 0)
			l->head[it->lane] = (int8_t)e->old_state;
		l->states_used[it->lane] |= (uint16_t)(1u << e->new_state);
		return place_state(l, f, it, e);
	case IT_ARRIVE:
		if ((r = row_new(l, LR_ARRIVE, it->lane, it->t, it->entry)) == NULL)
			return -1;
		l->arrows[it->entry].end = (uint32_t)(r - l->rows);
		return 0;
	case IT_TIMER:
		return row_new(l, LR_TIMER, it->lane, it->t, it->entry) ? 0 : -1;
	default:
		return row_new(l, LR_NOTE, 0, it->t, it->entry) ? 0 : -1;
	}
}

static int layout_rows(struct ladder_layout *l, const struct tm_flow *f, struct item *it,
		       size_t n)
{
	l->nrows = 0;
	l->head[0] = l->head[1] = -1;
	l->states_used[0] = l->states_used[1] = 0;
	for (size_t i = 0; i < n; i++)
		if (place_item(l, f, &it[i]) < 0)
			return -1;
	if (l->head[0] >= 0)
		l->states_used[0] |= (uint16_t)(1u << l->head[0]);
	if (l->head[1] >= 0)
		l->states_used[1] |= (uint16_t)(1u << l->head[1]);
	l->tmax = l->nrows ? l->rows[l->nrows - 1].t : 0;
	l->fine = false;
	for (size_t i = 0; i < l->nrows && !l->fine; i++)
		l->fine = l->rows[i].kind != LR_GAP && l->rows[i].t % 1000 != 0;
	return 0;
}

static int arrows_reserve(struct ladder_layout *l, size_t n)
{
	struct larrow *a;

	if (n <= l->acap)
		return 0;
	a = realloc(l->arrows, n * sizeof(*a));
	if (a == NULL)
		return -1;
	l->arrows = a;
	l->acap = n;
	return 0;
}

/* Lay out f from scratch into l.  -1 without memory (l is then empty). */
static int layout_flow(struct ladder_layout *l, const struct tm_flow *f)
{
	struct lane_index li = {{NULL, NULL}, {0, 0}};
	struct item *it = malloc((2 * f->n + 1) * sizeof(*it));
	int err = -1;
	size_t n;

	if (it == NULL || lane_index_build(f, &li) < 0 || arrows_reserve(l, f->n + 1) < 0)
		goto out;
	for (size_t i = 0; i < f->n; i++)
		l->arrows[i] = (struct larrow){UINT32_MAX, UINT32_MAX};
	n = items_build(f, &li, it);
	qsort(it, n, sizeof(*it), item_cmp);
	err = layout_rows(l, f, it, n);
out:
	free(it);
	free(li.idx[0]);
	free(li.idx[1]);
	if (err < 0)
		l->nrows = 0;
	return err;
}

struct ladder_layout *ladder_layout_get(struct view_cache *vc, const struct tm_flow *f)
{
	struct ladder_layout *l = vc->ladder;

	if (l == NULL && (l = vc->ladder = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if (l->valid && l->flow == f->key && l->changes == f->changes &&
	    l->forgotten == f->forgotten && l->nentries == f->n)
		return l;
	l->valid = false;
	if (layout_flow(l, f) < 0)
		return NULL;
	l->valid = true;
	l->flow = f->key;
	l->changes = f->changes;
	l->forgotten = f->forgotten;
	l->nentries = f->n;
	l->relayouts++;
	return l;
}
