/*
 * model.c - the TUI's model (model.h): connections, flows and their
 * ladder entries, held frames, the log, kept live by events between the
 * snapshots model_json.c applies.
 *
 * model_event() is the hot path: a run of millions of events through
 * 10,000 connections must not slow the screen, so every lookup it makes
 * is a hash or a binary search (model_int.h lists the indexes), never a
 * scan of the connections or the ladder.
 *
 * Segments are followed the way src/out/ladder.c follows them: SEG_OUT
 * draws an arrow in its sender's flow; a gate holds it (HELD, with the
 * frame id), releases it (in flight again), drops it; the wire loses or
 * duplicates it; SEG_IN at the other end completes it (the oldest equal
 * arrow in flight: retransmissions and duplicates stay in order), and a
 * host drop right after that arrival marks it discarded.  A segment
 * nobody reported sending (the kernel across TAP, history the daemon no
 * longer had) gets its arrow where it is first seen.  Arrows to a lane
 * that never reports arrivals count as arrived once time moves past the
 * moment they left the last place that could still stop them.
 *
 * Each flow lane is one connection of its host (events carry the
 * per-host id), so two connections that reuse the same ports one after
 * the other get two flows; a passive connection belongs to the flow of
 * the segment that created it (it arrived at that instant).
 *
 * Memory: every allocation may fail.  The model then loses detail (an
 * arrow not indexed never resolves, a note not copied is not shown, the
 * log stays empty) but stays consistent and never crashes.
 */
#define _DEFAULT_SOURCE /* strdup under -std=c11 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tcp.h"
#include "tui/model_int.h"

#define NOTE_FLOWS_MAX 8   /* a note goes on at most this many open flows */
#define FLOW_RING_MIN 16

static struct tm_flow *flow_of_conn(struct model *m, const struct tm_conn *c);

/* ---- hosts ---- */

struct tm_host *tm_host_get(struct model *m, uint32_t id, bool create)
{
	for (unsigned i = 0; i < m->nhosts; i++)
		if (m->hosts[i].id == id)
			return &m->hosts[i];
	if (!create || id == 0 || m->nhosts >= TM_HOSTS_MAX)
		return NULL;
	memset(&m->hosts[m->nhosts], 0, sizeof(m->hosts[0]));
	m->hosts[m->nhosts].id = id;
	m->priv->observed[m->nhosts] = false;
	return &m->hosts[m->nhosts++];
}

const struct tm_host *model_host(const struct model *m, uint32_t id)
{
	for (unsigned i = 0; i < m->nhosts; i++)
		if (m->hosts[i].id == id)
			return &m->hosts[i];
	return NULL;
}

const struct tm_host *model_host_by_addr(const struct model *m, uint32_t addr)
{
	for (unsigned i = 0; i < m->nhosts; i++)
		if (m->hosts[i].addr == addr && addr != 0)
			return &m->hosts[i];
	return NULL;
}

const char *model_host_name(const struct model *m, uint32_t id, char *buf, size_t size)
{
	const struct tm_host *h = m ? model_host(m, id) : NULL;

	if (size == 0)
		return buf;
	if (h != NULL && h->name[0] != '\0')
		snprintf(buf, size, "%s", h->name);
	else
		snprintf(buf, size, "#%lu", (unsigned long)id);
	return buf;
}

/* A lane nobody reports arrivals from: no known host at that address,
 * or one that is not a stack host and never reported a segment itself. */
static bool addr_silent(const struct model *m, uint32_t addr)
{
	const struct tm_host *h = model_host_by_addr(m, addr);

	if (h == NULL)
		return true;
	return !h->stack && !m->priv->observed[h - m->hosts];
}

/* Who reported ev: a segment event from a raw peer only shows it can
 * report; every other kind of host event comes from a stack host. */
static void host_note_event(struct model *m, const struct tv_event *ev)
{
	struct tm_host *h;

	if (ev->host == 0 || ev->type == TV_EV_WIRE || ev->type == TV_EV_NOTE)
		return;
	if ((h = tm_host_get(m, ev->host, true)) == NULL)
		return;
	m->priv->observed[h - m->hosts] = true;
	if (ev->type != TV_EV_SEG_IN && ev->type != TV_EV_SEG_OUT)
		h->stack = true;
	/* A host no greeting named yet: its address from what it does. */
	if (h->addr == 0 && ev->type == TV_EV_SEG_OUT)
		h->addr = ev->u.seg.saddr;
	else if (h->addr == 0 && ev->type == TV_EV_SEG_IN)
		h->addr = ev->u.seg.daddr;
	else if (h->addr == 0 && ev->conn != 0)
		h->addr = ev->tuple.laddr;
}

/* ---- connections ---- */

static uint64_t conn_ix_key(uint32_t host, uint32_t id)
{
	return (uint64_t)host << 32 | id;
}

static struct tm_conn *conn_bsearch(struct tm_conn *a, unsigned n, unsigned key)
{
	unsigned lo = 0, hi = n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (a[mid].key == key)
			return &a[mid];
		if (a[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Open connections, then closed ones, each part in key (creation) order. */
static struct tm_conn *conn_by_key(const struct model *m, unsigned key)
{
	struct tm_conn *c;
	unsigned nopen = m->priv->nopen;

	if (key == 0 || m->conns == NULL)
		return NULL;
	if ((c = conn_bsearch(m->conns, nopen, key)) != NULL)
		return c;
	return conn_bsearch(m->conns + nopen, m->nconns - nopen, key);
}

const struct tm_conn *model_conn(const struct model *m, unsigned key)
{
	return conn_by_key(m, key);
}

struct tm_conn *tm_conn_find(struct model *m, uint32_t host, uint32_t id)
{
	uint32_t key;

	if (!tm_map_get(&m->priv->conn_ix, conn_ix_key(host, id), &key))
		return NULL;
	return conn_by_key(m, key);
}

const struct tm_conn *model_conn_by_id(const struct model *m, uint32_t host, uint32_t id)
{
	return tm_conn_find((struct model *)m, host, id);
}

static int conns_reserve(struct model *m)
{
	unsigned cap;
	struct tm_conn *a;

	if (m->nconns < m->priv->conn_cap)
		return 0;
	cap = m->priv->conn_cap ? m->priv->conn_cap * 2 : 64;
	a = realloc(m->conns, cap * sizeof(*a));
	if (a == NULL)
		return -1;
	m->conns = a;
	m->priv->conn_cap = cap;
	return 0;
}

/* A new open connection: after the open ones (its key is the largest). */
struct tm_conn *tm_conn_add(struct model *m, uint32_t host, uint32_t id,
			    const struct tv_tuple *tu)
{
	struct model_priv *p = m->priv;
	struct tm_conn *c;

	if (id == 0 || conns_reserve(m) != 0)
		return NULL;
	if (tm_map_put(&p->conn_ix, conn_ix_key(host, id), p->next_conn + 1) != 0)
		return NULL;
	c = &m->conns[p->nopen];
	memmove(c + 1, c, (m->nconns - p->nopen) * sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->key = ++p->next_conn;
	c->host = host;
	c->id = id;
	if (tu != NULL)
		c->tuple = *tu;
	c->state = TCB_CLOSED;
	c->prev_state = -1;
	m->nconns++;
	p->nopen++;
	return c;
}

/* Where a connection with this key goes in the part [lo, hi). */
static unsigned conn_slot(const struct model *m, unsigned lo, unsigned hi, unsigned key)
{
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (m->conns[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Move connection i into the other part, keeping both in key order. */
static void conn_move(struct model *m, unsigned i, bool closed)
{
	struct model_priv *p = m->priv;
	struct tm_conn c = m->conns[i];
	unsigned j;

	if (closed) {
		memmove(&m->conns[i], &m->conns[i + 1], (m->nconns - i - 1) * sizeof(c));
		p->nopen--;
		j = conn_slot(m, p->nopen, m->nconns - 1, c.key);
		memmove(&m->conns[j + 1], &m->conns[j], (m->nconns - 1 - j) * sizeof(c));
	} else {
		memmove(&m->conns[i], &m->conns[i + 1], (m->nconns - i - 1) * sizeof(c));
		j = conn_slot(m, 0, p->nopen, c.key);
		memmove(&m->conns[j + 1], &m->conns[j], (m->nconns - 1 - j) * sizeof(c));
		p->nopen++;
	}
	c.closed = closed;
	m->conns[j] = c;
}

/* Closed connections past TM_CLOSED_KEEP go, the oldest first. */
static void conns_prune(struct model *m)
{
	struct model_priv *p = m->priv;
	unsigned nclosed = m->nconns - p->nopen, drop;

	if (nclosed <= TM_CLOSED_KEEP)
		return;
	drop = nclosed - TM_CLOSED_KEEP;
	for (unsigned i = p->nopen; i < p->nopen + drop; i++)
		tm_map_del(&p->conn_ix, conn_ix_key(m->conns[i].host, m->conns[i].id));
	memmove(&m->conns[p->nopen], &m->conns[p->nopen + drop],
		(m->nconns - p->nopen - drop) * sizeof(m->conns[0]));
	m->nconns -= drop;
}

void tm_conn_set_closed(struct model *m, uint32_t host, uint32_t id, bool closed)
{
	struct tm_conn *c = tm_conn_find(m, host, id);

	if (c == NULL || c->closed == closed)
		return;
	if (closed)
		for (int k = 0; k < TV_TIMER_KIND_COUNT; k++)
			c->deadline[k] = 0;
	conn_move(m, (unsigned)(c - m->conns), closed);
	if (closed)
		conns_prune(m);
	m->changes++;
}

/* The connection an event names, created when the host is a stack host
 * (only TCBs have connections; a raw peer's ids are not TCBs). */
static struct tm_conn *conn_of_event(struct model *m, const struct tv_event *ev)
{
	const struct tm_host *h;
	struct tm_conn *c;

	if (ev->conn == 0)
		return NULL;
	if ((c = tm_conn_find(m, ev->host, ev->conn)) != NULL)
		return c;
	/* What comes after a TCB's end must not bring it back. */
	if (ev->type == TV_EV_SOCK || ev->type == TV_EV_TIMER_CANCEL || ev->type == TV_EV_DROP)
		return NULL;
	h = model_host(m, ev->host);
	if (h == NULL || !h->stack)
		return NULL;
	c = tm_conn_add(m, ev->host, ev->conn, &ev->tuple);
	if (c != NULL)
		c->listener = ev->tuple.raddr == 0;
	return c;
}

/* ---- flows ---- */

struct tm_flow *tm_flow_find(const struct model *m, unsigned key)
{
	unsigned lo = 0, hi = m->nflows;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (m->flows[mid]->key == key)
			return m->flows[mid];
		if (m->flows[mid]->key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct tm_flow *model_flow(const struct model *m, unsigned key)
{
	return key ? tm_flow_find(m, key) : NULL;
}

/* The two ends in a fixed order, so both directions hash alike. */
static uint64_t tuple_key(uint32_t a1, uint16_t p1, uint32_t a2, uint16_t p2)
{
	uint64_t e1 = (uint64_t)a1 << 16 | p1, e2 = (uint64_t)a2 << 16 | p2;

	if (e1 > e2) {
		uint64_t t = e1;
		e1 = e2;
		e2 = t;
	}
	return tm_hash64(tm_hash64(e1) ^ e2);
}

static uint64_t flow_tuple_key(const struct tm_flow *f)
{
	return tuple_key(f->addr[0], f->port[0], f->addr[1], f->port[1]);
}

int tm_flow_lane(const struct tm_flow *f, uint32_t addr, uint16_t port)
{
	for (int l = 0; l < 2; l++)
		if (f->addr[l] == addr && f->port[l] == port)
			return l;
	return -1;
}

void tm_flow_learn_isn(struct tm_flow *f, int lane, uint32_t isn)
{
	if (lane < 0 || lane > 1 || f->isn_known[lane])
		return;
	f->isn[lane] = isn;
	f->isn_known[lane] = true;
	f->changes++;
}

/* The newest flow between these two ends. */
static struct tm_flow *flow_latest(const struct model *m, uint32_t a1, uint16_t p1, uint32_t a2,
				   uint16_t p2)
{
	struct tm_flow *f;
	uint32_t key;

	if (!tm_map_get(&m->priv->tuple_ix, tuple_key(a1, p1, a2, p2), &key))
		return NULL;
	f = tm_flow_find(m, key);
	if (f == NULL || tm_flow_lane(f, a1, p1) < 0 || tm_flow_lane(f, a2, p2) < 0)
		return NULL;
	return f;
}

static int flows_reserve(struct model *m)
{
	unsigned cap;
	struct tm_flow **a;

	if (m->nflows < m->priv->flow_cap)
		return 0;
	cap = m->priv->flow_cap ? m->priv->flow_cap * 2 : 64;
	a = realloc(m->flows, cap * sizeof(*a));
	if (a == NULL)
		return -1;
	m->flows = a;
	m->priv->flow_cap = cap;
	return 0;
}

/* A new flow, lane 0 = (a0, p0).  NULL when out of memory. */
static struct tm_flow *flow_new(struct model *m, uint32_t a0, uint16_t p0, uint32_t a1,
				uint16_t p1)
{
	struct tm_flow *f;
	const struct tm_host *h;

	if (flows_reserve(m) != 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->key = ++m->priv->next_flow;
	f->addr[0] = a0, f->port[0] = p0;
	f->addr[1] = a1, f->port[1] = p1;
	for (int l = 0; l < 2; l++)
		if ((h = model_host_by_addr(m, f->addr[l])) != NULL)
			f->host[l] = h->id;
	m->flows[m->nflows++] = f;
	tm_map_put(&m->priv->tuple_ix, flow_tuple_key(f), f->key); /* unindexed: still shown */
	if (m->nflows > m->priv->flow_prune_at)
		tm_prune(m);
	return f;
}

/* Bind lane l of f to a host's connection id (and its TCB, if any). */
static void flow_bind(struct model *m, struct tm_flow *f, int l, uint32_t host, uint32_t id,
		      struct tm_conn *c)
{
	f->host[l] = host;
	f->lane_conn[l] = id;
	if (c != NULL) {
		f->conn[l] = c->key;
		c->flow = f->key;
	}
	tm_map_put(&m->priv->lane_ix, conn_ix_key(host, id), f->key);
	f->changes++;
}

/* Is this the segment that just arrived at host, seen from its side? */
static bool just_arrived(const struct model_priv *p, uint32_t host, tv_time now,
			 uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	const struct tv_seg_info *s = &p->in_seg;

	return p->in_valid && p->in_host == host && p->in_time == now && s->daddr == laddr &&
	       s->dport == lport && s->saddr == raddr && s->sport == rport;
}

static struct tm_flow *flow_try_bind(struct model *m, struct tm_flow *f, uint32_t host,
				     uint32_t id, struct tm_conn *c, uint32_t laddr,
				     uint16_t lport)
{
	int l = f ? tm_flow_lane(f, laddr, lport) : -1;

	if (l < 0 || f->lane_conn[l] != 0)
		return NULL;
	flow_bind(m, f, l, host, id, c);
	return f;
}

/* The flow of a host's connection id: the one it is bound to, else the
 * flow of the segment that created it at this instant, else the newest
 * flow on its tuple whose lane is free, else a new one. */
static struct tm_flow *flow_for_endpoint(struct model *m, uint32_t host, uint32_t id,
					 struct tm_conn *c, const struct tv_tuple *tu,
					 tv_time now)
{
	struct model_priv *p = m->priv;
	struct tm_flow *f;
	uint32_t key;

	if (tm_map_get(&p->lane_ix, conn_ix_key(host, id), &key) &&
	    (f = tm_flow_find(m, key)) != NULL) {
		if (c != NULL && c->flow == 0 && tm_flow_lane(f, tu->laddr, tu->lport) >= 0)
			flow_bind(m, f, tm_flow_lane(f, tu->laddr, tu->lport), host, id, c);
		return f;
	}
	if (just_arrived(p, host, now, tu->laddr, tu->lport, tu->raddr, tu->rport) &&
	    (f = flow_try_bind(m, tm_flow_find(m, p->in_flow), host, id, c, tu->laddr,
			       tu->lport)) != NULL)
		return f;
	f = flow_latest(m, tu->laddr, tu->lport, tu->raddr, tu->rport);
	if ((f = flow_try_bind(m, f, host, id, c, tu->laddr, tu->lport)) != NULL)
		return f;
	if ((f = flow_new(m, tu->laddr, tu->lport, tu->raddr, tu->rport)) != NULL)
		flow_bind(m, f, 0, host, id, c);
	return f;
}

void tm_conn_bind_flow(struct model *m, struct tm_conn *c, tv_time now)
{
	if (c->listener || c->tuple.raddr == 0 || c->flow != 0)
		return;
	flow_for_endpoint(m, c->host, c->id, c, &c->tuple, now);
}

static bool flow_open(const struct model *m, const struct tm_flow *f)
{
	for (int l = 0; l < 2; l++) {
		const struct tm_conn *c = conn_by_key(m, f->conn[l]);
		if (c != NULL && !c->closed)
			return true;
	}
	return false;
}

/* The flow of a segment no connection claims: the newest on its tuple,
 * unless it is a new SYN (another ISN) after that flow ended. */
static struct tm_flow *flow_for_seg(struct model *m, const struct tv_seg_info *s)
{
	struct tm_flow *f = flow_latest(m, s->saddr, s->sport, s->daddr, s->dport);

	if (f != NULL && (s->flags & (TV_TH_SYN | TV_TH_ACK)) == TV_TH_SYN) {
		int l = tm_flow_lane(f, s->saddr, s->sport);
		if (f->isn_known[l] && f->isn[l] != s->seq && !flow_open(m, f))
			f = NULL;
	}
	if (f == NULL)
		f = flow_new(m, s->saddr, s->sport, s->daddr, s->dport);
	return f;
}

static struct tm_flow *flow_of_conn(struct model *m, const struct tm_conn *c)
{
	return c != NULL && c->flow ? tm_flow_find(m, c->flow) : NULL;
}

/* ---- flow entries: a ring ---- */

static struct tm_entry *entry_at(const struct tm_flow *f, size_t i)
{
	return &f->e[(f->first + i) % f->cap];
}

const struct tm_entry *model_entry(const struct tm_flow *f, size_t i)
{
	return f != NULL && i < f->n ? entry_at(f, i) : NULL;
}

static struct tm_entry *entry_by_serial(const struct tm_flow *f, uint64_t serial)
{
	if (f == NULL || serial < f->forgotten || serial - f->forgotten >= f->n)
		return NULL;
	return entry_at(f, (size_t)(serial - f->forgotten));
}

static int ring_grow(struct tm_flow *f)
{
	size_t cap = f->cap ? f->cap * 2 : FLOW_RING_MIN;
	struct tm_entry *e;

	if (cap > TM_FLOW_ENTRIES_MAX)
		cap = TM_FLOW_ENTRIES_MAX;
	if ((e = malloc(cap * sizeof(*e))) == NULL)
		return -1;
	for (size_t i = 0; i < f->n; i++)
		e[i] = *entry_at(f, i);
	free(f->e);
	f->e = e;
	f->cap = cap;
	f->first = 0;
	return 0;
}

/* A new entry at the end (the oldest goes when the ring is full and may
 * not grow): zeroed but for kind, lane and time.  NULL: out of memory. */
static struct tm_entry *entry_add(struct model *m, struct tm_flow *f, enum tm_entry_kind kind,
				  int lane, tv_time t, uint64_t *serial)
{
	struct tm_entry *e;

	if (f->n == f->cap && (f->cap >= TM_FLOW_ENTRIES_MAX || ring_grow(f) != 0)) {
		if (f->cap == 0)
			return NULL;
		free(entry_at(f, 0)->text);
		f->first = (f->first + 1) % f->cap;
		f->n--;
		f->forgotten++;
	}
	e = entry_at(f, f->n);
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->lane = (uint8_t)(lane == 1);
	e->t = t;
	if (serial != NULL)
		*serial = f->forgotten + f->n;
	f->n++;
	f->changes++;
	m->changes++;
	return e;
}

/* ---- arrows ---- */

static void quiet_push(struct model *m, unsigned flow, uint64_t serial, tv_time t)
{
	struct model_priv *p = m->priv;

	if (p->nquiet == p->quiet_cap) {
		size_t cap = p->quiet_cap ? p->quiet_cap * 2 : 32;
		struct tm_quiet *q = realloc(p->quiet, cap * sizeof(*q));
		if (q == NULL)
			return; /* it stays in flight */
		p->quiet = q;
		p->quiet_cap = cap;
	}
	p->quiet[p->nquiet++] = (struct tm_quiet){flow, serial, t};
}

/* A new arrow from lane l (its fate given); indexed as pending when it
 * is still on its way.  Returns its pending node (0 none). */
static uint32_t arrow_add(struct model *m, struct tm_flow *f, const struct tv_seg_info *s,
			  tv_time t, enum tm_fate fate, bool duplicate, uint64_t *serial_out)
{
	int l = tm_flow_lane(f, s->saddr, s->sport);
	struct tm_entry *e;
	uint64_t serial;
	uint32_t node = 0;

	if ((e = entry_add(m, f, TM_E_SEG, l, t, &serial)) == NULL)
		return 0;
	e->seg = *s;
	e->fate = fate;
	e->duplicate = duplicate;
	if (fate == TM_ARRIVED || fate == TM_DROPPED || fate == TM_LOST || fate == TM_DISCARDED)
		e->t_end = t;
	else
		node = tm_pend_add(&m->priv->pend, s, f->key, serial);
	if (fate == TM_FLIGHT && addr_silent(m, s->daddr))
		quiet_push(m, f->key, serial, t);
	if ((s->flags & TV_TH_SYN) && l >= 0)
		tm_flow_learn_isn(f, l, s->seq);
	if (serial_out != NULL)
		*serial_out = serial;
	return node;
}

static struct tm_entry *node_entry(const struct model *m, uint32_t node, struct tm_flow **fo)
{
	const struct tm_pend *n = tm_pend_at(&m->priv->pend, node);
	struct tm_flow *f = n ? tm_flow_find(m, n->flow) : NULL;

	if (fo != NULL)
		*fo = f;
	return n ? entry_by_serial(f, n->serial) : NULL;
}

/* The oldest arrow equal to s that is in the given fate: its pending
 * node, 0 none.  Nodes whose entry is gone are dropped on the way. */
static uint32_t pend_match(struct model *m, const struct tv_seg_info *s, enum tm_fate fate)
{
	struct tm_pendtab *pt = &m->priv->pend;
	uint32_t it = 0, node;
	struct tm_entry *e;

	while ((node = tm_pend_next(pt, s, &it)) != 0) {
		if ((e = node_entry(m, node, NULL)) == NULL) {
			tm_pend_remove(pt, node);
			it = 0; /* the chain changed: start again */
			continue;
		}
		if (e->fate == fate)
			return node;
	}
	return 0;
}

/* An arrow's journey ended: record how and stop following it. */
static struct tm_flow *arrow_end(struct model *m, uint32_t node, enum tm_fate fate, tv_time t)
{
	struct tm_flow *f;
	struct tm_entry *e = node_entry(m, node, &f);

	if (e == NULL)
		return NULL;
	if (e->frame != 0)
		tm_map_del(&m->priv->frame_ix, e->frame);
	e->fate = fate;
	e->t_end = t;
	e->frame = 0;
	tm_pend_remove(&m->priv->pend, node);
	f->changes++;
	m->changes++;
	return f;
}

static uint32_t frame_node(const struct model *m, uint32_t frame)
{
	uint32_t node;

	if (frame == 0 || !tm_map_get(&m->priv->frame_ix, frame, &node))
		return 0;
	return node_entry(m, node, NULL) ? node : 0;
}

/* Arrows to silent lanes whose last visible moment is past. */
static void quiet_resolve(struct model *m, tv_time now)
{
	struct model_priv *p = m->priv;
	size_t keep = 0;

	for (size_t i = 0; i < p->nquiet; i++) {
		struct tm_quiet q = p->quiet[i];
		struct tm_flow *f = tm_flow_find(m, q.flow);
		struct tm_entry *e = entry_by_serial(f, q.serial);
		if (e == NULL || e->fate != TM_FLIGHT || e->frame != 0 ||
		    !addr_silent(m, e->seg.daddr))
			continue;
		if (q.t >= now) {
			p->quiet[keep++] = q;
			continue;
		}
		uint32_t it = 0, node;
		while ((node = tm_pend_next(&p->pend, &e->seg, &it)) != 0)
			if (tm_pend_at(&p->pend, node)->flow == q.flow &&
			    tm_pend_at(&p->pend, node)->serial == q.serial)
				break;
		if (node != 0 && arrow_end(m, node, TM_ARRIVED, q.t) != NULL) {
			p->presumed[p->presumed_next] = q;
			p->presumed_next = (p->presumed_next + 1) % TM_PRESUMED_MAX;
			if (p->npresumed < TM_PRESUMED_MAX)
				p->npresumed++;
		}
	}
	p->nquiet = keep;
}

static bool seg_same(const struct tv_seg_info *a, const struct tv_seg_info *b);

/* An arrival nobody waited for: an arrow we counted as arrived when its
 * receiver had not reported anything yet?  Its real arrival time then. */
static struct tm_flow *presumed_match(struct model *m, const struct tv_seg_info *s,
				      tv_time t, uint64_t *serial)
{
	struct model_priv *p = m->priv;

	for (unsigned i = 0; i < p->npresumed; i++) {
		struct tm_quiet *q = &p->presumed[i];
		struct tm_flow *f = tm_flow_find(m, q->flow);
		struct tm_entry *e = entry_by_serial(f, q->serial);
		if (e == NULL || e->fate != TM_ARRIVED || !seg_same(&e->seg, s))
			continue;
		e->t_end = t;
		*serial = q->serial;
		q->flow = 0; /* used */
		f->changes++;
		return f;
	}
	return NULL;
}

/* ---- held frames ---- */

static int held_reserve(struct model *m)
{
	unsigned cap;
	struct tm_held *a;

	if (m->nheld < m->priv->held_cap)
		return 0;
	cap = m->priv->held_cap ? m->priv->held_cap * 2 : 16;
	if ((a = realloc(m->held, cap * sizeof(*a))) == NULL)
		return -1;
	m->held = a;
	m->priv->held_cap = cap;
	return 0;
}

static int held_index(const struct model *m, uint64_t id)
{
	for (unsigned i = 0; i < m->nheld; i++)
		if (m->held[i].id == id)
			return (int)i;
	return -1;
}

/* Insert at position i (m->nheld: at the end). */
static void held_insert(struct model *m, unsigned i, const struct tm_held *h)
{
	if (held_reserve(m) != 0)
		return;
	memmove(&m->held[i + 1], &m->held[i], (m->nheld - i) * sizeof(*h));
	m->held[i] = *h;
	m->nheld++;
}

static void held_remove(struct model *m, uint64_t id)
{
	int i = held_index(m, id);

	if (i < 0)
		return;
	memmove(&m->held[i], &m->held[i + 1], (m->nheld - (unsigned)i - 1) * sizeof(m->held[0]));
	m->nheld--;
}

/* Sender's ISN as iss, receiver's as irs, when the flow knows them. */
static void held_fill_isn(const struct model *m, struct tm_held *h)
{
	const struct tm_flow *f;
	int l;

	if (!h->has_seg)
		return;
	f = flow_latest(m, h->seg.saddr, h->seg.sport, h->seg.daddr, h->seg.dport);
	if (f == NULL || (l = tm_flow_lane(f, h->seg.saddr, h->seg.sport)) < 0)
		return;
	h->seg.iss = f->isn_known[l] ? f->isn[l] : 0;
	h->seg.irs = f->isn_known[!l] ? f->isn[!l] : 0;
}

static void held_track(struct model *m, const struct tv_event *ev)
{
	struct tm_held h = {ev->u.gate.frame, ev->host, ev->u.gate.dir, ev->time, ev->u.gate.len,
			    (enum tv_frame_kind)ev->u.gate.kind, ev->u.gate.has_seg, ev->u.gate.seg};
	int i;

	switch (ev->u.gate.action) {
	case TV_GATE_HELD:
		held_fill_isn(m, &h);
		held_insert(m, m->nheld, &h);
		break;
	case TV_GATE_RELEASED:
	case TV_GATE_DROPPED:
	case TV_GATE_DELAYED:
		held_remove(m, ev->u.gate.frame);
		break;
	case TV_GATE_DUPLICATED:
		if ((i = held_index(m, ev->u.gate.frame)) >= 0) {
			h = m->held[i];
			h.id = ev->u.gate.copy;
			h.since = ev->time;
			held_insert(m, (unsigned)i + 1, &h);
		}
		break;
	default:
		break;
	}
}

/* A held frame a snapshot lists that no event showed us (we attached
 * while it was held): draw it as held. */
void tm_held_snapshot_arrow(struct model *m, const struct tm_held *h)
{
	struct tm_flow *f;
	uint32_t node;

	if (!h->has_seg || h->id == 0 || h->id > UINT32_MAX || frame_node(m, (uint32_t)h->id))
		return;
	if ((f = flow_for_seg(m, &h->seg)) == NULL)
		return;
	node = arrow_add(m, f, &h->seg, h->since, TM_HELD, false, NULL);
	if (node != 0) {
		node_entry(m, node, NULL)->frame = h->id;
		tm_map_put(&m->priv->frame_ix, h->id, node);
	}
}

/* ---- events: segments ---- */

/* The flow a segment's sender puts it in. */
static struct tm_flow *flow_of_sender(struct model *m, const struct tv_event *ev,
				      const struct tv_seg_info *s)
{
	struct tm_conn *c = conn_of_event(m, ev);
	struct tv_tuple tu = {s->saddr, s->daddr, s->sport, s->dport};

	if (ev->conn == 0 || ev->tuple.raddr == 0 || (c != NULL && c->listener))
		return flow_for_seg(m, s);
	return flow_for_endpoint(m, ev->host, ev->conn, c, &tu, ev->time);
}

/* What the event's own numbering says about the ISNs (zero: unknown).
 * The sender's comes with the sequence number; the receiver's with the
 * acknowledgment, which means nothing without ACK (a JSON line rebuilds
 * it from "rack" whatever the flags). */
static void learn_from_seg(struct tm_flow *f, const struct tv_seg_info *s, bool out)
{
	int l = tm_flow_lane(f, s->saddr, s->sport);
	uint32_t sender = out ? s->iss : s->irs, receiver = out ? s->irs : s->iss;

	if (l < 0)
		return;
	if (sender != 0)
		tm_flow_learn_isn(f, l, sender);
	if (receiver != 0 && (s->flags & TV_TH_ACK))
		tm_flow_learn_isn(f, !l, receiver);
}

static unsigned on_seg_out(struct model *m, const struct tv_event *ev)
{
	struct model_priv *p = m->priv;
	struct tm_flow *f = flow_of_sender(m, ev, &ev->u.seg);
	int l;

	if (f == NULL)
		return 0;
	if ((l = tm_flow_lane(f, ev->u.seg.saddr, ev->u.seg.sport)) >= 0)
		f->host[l] = ev->host;
	arrow_add(m, f, &ev->u.seg, ev->time, TM_FLIGHT, false, &p->out_serial);
	learn_from_seg(f, &ev->u.seg, true);
	p->out_valid = true;
	p->out_host = ev->host;
	p->out_flow = f->key;
	m->segments++;
	return f->key;
}

/* The flow for an arrow first seen on arrival (nobody reported sending
 * it): the receiving connection's, else by tuple. */
static struct tm_flow *flow_of_receiver(struct model *m, const struct tv_event *ev)
{
	struct tm_conn *c = conn_of_event(m, ev);
	struct tm_flow *f = flow_of_conn(m, c);
	uint32_t key;

	if (f == NULL && ev->conn != 0 && (c == NULL || !c->listener) && ev->tuple.raddr != 0 &&
	    tm_map_get(&m->priv->lane_ix, conn_ix_key(ev->host, ev->conn), &key))
		f = tm_flow_find(m, key);
	if (f != NULL && tm_flow_lane(f, ev->u.seg.saddr, ev->u.seg.sport) < 0)
		f = NULL;
	return f ? f : flow_for_seg(m, &ev->u.seg);
}

static unsigned on_seg_in(struct model *m, const struct tv_event *ev)
{
	struct model_priv *p = m->priv;
	const struct tv_seg_info *s = &ev->u.seg;
	uint32_t node = pend_match(m, s, TM_FLIGHT);
	struct tm_flow *f;
	int l;

	if (node != 0) {
		p->in_serial = tm_pend_at(&p->pend, node)->serial;
		f = arrow_end(m, node, TM_ARRIVED, ev->time);
	} else if ((f = presumed_match(m, s, ev->time, &p->in_serial)) != NULL) {
		m->changes++;
	} else if ((f = flow_of_receiver(m, ev)) != NULL) {
		arrow_add(m, f, s, ev->time, TM_ARRIVED, false, &p->in_serial);
		m->segments++;
	}
	if (f == NULL)
		return 0;
	if ((s->flags & TV_TH_SYN) && (l = tm_flow_lane(f, s->saddr, s->sport)) >= 0)
		tm_flow_learn_isn(f, l, s->seq);
	if ((l = tm_flow_lane(f, s->daddr, s->dport)) >= 0) {
		f->host[l] = ev->host;
		/* The receiver's numbers are its TCB's: only if that TCB is
		 * this flow's (an old SYN,ACK reaching a new connection is not). */
		if (ev->conn != 0 && f->lane_conn[l] == ev->conn)
			learn_from_seg(f, s, false);
	}
	p->in_valid = true;
	p->in_host = ev->host;
	p->in_time = ev->time;
	p->in_seg = *s;
	p->in_flow = f->key;
	return f->key;
}

static bool seg_same(const struct tv_seg_info *a, const struct tv_seg_info *b)
{
	return a->saddr == b->saddr && a->daddr == b->daddr && a->sport == b->sport &&
	       a->dport == b->dport && a->seq == b->seq && a->ack == b->ack &&
	       a->flags == b->flags && a->len == b->len;
}

/* A host dropped a segment it had parsed: the arrow that just arrived,
 * else one still in flight, else a new one. */
static unsigned on_drop(struct model *m, const struct tv_event *ev)
{
	struct model_priv *p = m->priv;
	const struct tv_seg_info *s = &ev->u.drop.seg;
	struct tm_flow *f = NULL;
	struct tm_entry *e = NULL;
	uint32_t node;

	m->drops++;
	if (!ev->u.drop.has_seg)
		return 0;
	if (p->in_valid && p->in_host == ev->host && p->in_time == ev->time &&
	    seg_same(&p->in_seg, s)) {
		f = tm_flow_find(m, p->in_flow);
		e = entry_by_serial(f, p->in_serial);
		p->in_valid = false;
	}
	if (e == NULL && (node = pend_match(m, s, TM_FLIGHT)) != 0) {
		e = node_entry(m, node, NULL);
		f = arrow_end(m, node, TM_DISCARDED, ev->time);
	}
	if (e == NULL && (f = flow_for_seg(m, s)) != NULL) {
		uint64_t serial;
		arrow_add(m, f, s, ev->time, TM_DISCARDED, false, &serial);
		e = entry_by_serial(f, serial);
	}
	if (e == NULL)
		return f ? f->key : 0;
	e->fate = TM_DISCARDED;
	e->counter = ev->u.drop.counter;
	e->rule = ev->rule;
	f->changes++;
	return f->key;
}

static unsigned on_rexmit(struct model *m, const struct tv_event *ev)
{
	struct model_priv *p = m->priv;
	struct tm_conn *c = conn_of_event(m, ev);
	struct tm_flow *f = p->out_valid && p->out_host == ev->host
				    ? tm_flow_find(m, p->out_flow) : NULL;
	struct tm_entry *e = entry_by_serial(f, p->out_serial);

	m->rexmits++;
	if (c != NULL) {
		c->rexmits = ev->u.rexmit.count;
		c->rexmit_total++;
		c->rto = ev->u.rexmit.rto;
	}
	if (e != NULL && e->kind == TM_E_SEG && e->seg.seq == ev->u.rexmit.seq) {
		e->retransmit = true;
		if (ev->rule != TV_RULE_NONE)
			e->rule = ev->rule;
		f->changes++;
	}
	return f ? f->key : (c ? c->flow : 0);
}

/* ---- events: the gate and the wire ---- */

/* A copy of an arrow (the original's node, 0 unknown), held as frame
 * `held` (0: the copy goes on at once). */
static void arrow_copy(struct model *m, uint32_t orig, const struct tv_seg_info *s,
		       uint32_t held, tv_time t)
{
	struct tm_flow *f;
	uint32_t node;

	if (node_entry(m, orig, &f) == NULL)
		f = flow_for_seg(m, s);
	if (f == NULL)
		return;
	node = arrow_add(m, f, s, t, held ? TM_HELD : TM_FLIGHT, true, NULL);
	if (node != 0 && held != 0) {
		node_entry(m, node, NULL)->frame = held;
		tm_map_put(&m->priv->frame_ix, held, node);
	}
}

static void gate_held(struct model *m, const struct tv_event *ev)
{
	const struct tv_seg_info *s = &ev->u.gate.seg;
	uint32_t node = pend_match(m, s, TM_FLIGHT);
	struct tm_flow *f;
	struct tm_entry *e;

	if (node == 0 && (f = flow_for_seg(m, s)) != NULL) {
		node = arrow_add(m, f, s, ev->time, TM_HELD, false, NULL);
		m->segments++;
	}
	if ((e = node_entry(m, node, &f)) == NULL)
		return;
	e->fate = TM_HELD;
	e->frame = ev->u.gate.frame;
	f->changes++;
	tm_map_put(&m->priv->frame_ix, ev->u.gate.frame, node);
}

static void gate_released(struct model *m, const struct tv_event *ev)
{
	const struct tv_seg_info *s = &ev->u.gate.seg;
	uint32_t node = frame_node(m, ev->u.gate.frame);
	struct tm_flow *f;
	struct tm_entry *e;

	if ((e = node_entry(m, node, &f)) != NULL) {
		tm_map_del(&m->priv->frame_ix, ev->u.gate.frame);
		e->fate = TM_FLIGHT;
		e->frame = 0;
		f->changes++;
		if (addr_silent(m, s->daddr))
			quiet_push(m, f->key, tm_pend_at(&m->priv->pend, node)->serial, ev->time);
	} else if (pend_match(m, s, TM_FLIGHT) == 0 && (f = flow_for_seg(m, s)) != NULL) {
		arrow_add(m, f, s, ev->time, TM_FLIGHT, false, NULL);
	}
}

static void gate_dropped(struct model *m, const struct tv_event *ev)
{
	const struct tv_seg_info *s = &ev->u.gate.seg;
	uint32_t node = frame_node(m, ev->u.gate.frame);
	struct tm_flow *f;

	m->drops++;
	if (node == 0)
		node = pend_match(m, s, TM_FLIGHT);
	if (node != 0)
		arrow_end(m, node, TM_DROPPED, ev->time);
	else if ((f = flow_for_seg(m, s)) != NULL)
		arrow_add(m, f, s, ev->time, TM_DROPPED, false, NULL);
}

static void gate_delayed(struct model *m, const struct tv_event *ev)
{
	uint32_t node = frame_node(m, ev->u.gate.frame);
	struct tm_flow *f;
	struct tm_entry *e;

	if (node == 0 && (node = pend_match(m, &ev->u.gate.seg, TM_FLIGHT)) != 0)
		tm_map_put(&m->priv->frame_ix, ev->u.gate.frame, node);
	if ((e = node_entry(m, node, &f)) == NULL)
		return;
	/* Still the gate's (it comes out as RELEASED), but on its way. */
	e->fate = TM_FLIGHT;
	e->frame = ev->u.gate.frame;
	f->changes++;
}

static unsigned on_gate(struct model *m, const struct tv_event *ev)
{
	const struct tv_seg_info *s = &ev->u.gate.seg;
	const struct tm_flow *f;
	uint32_t orig;

	held_track(m, ev);
	if (ev->u.gate.action == TV_GATE_HELD)
		m->held_total++;
	if (!ev->u.gate.has_seg)
		return 0;
	switch (ev->u.gate.action) {
	case TV_GATE_HELD: gate_held(m, ev); break;
	case TV_GATE_RELEASED: gate_released(m, ev); break;
	case TV_GATE_DROPPED: gate_dropped(m, ev); break;
	case TV_GATE_DELAYED: gate_delayed(m, ev); break;
	case TV_GATE_DUPLICATED:
		orig = frame_node(m, ev->u.gate.frame);
		if (orig == 0)
			orig = pend_match(m, s, TM_FLIGHT);
		arrow_copy(m, orig, s,
			   orig && held_index(m, ev->u.gate.copy) >= 0 ? ev->u.gate.copy : 0,
			   ev->time);
		break;
	default:
		break;
	}
	f = flow_latest(m, s->saddr, s->sport, s->daddr, s->dport);
	return f ? f->key : 0;
}

static unsigned on_wire(struct model *m, const struct tv_event *ev)
{
	const struct tv_seg_info *s = &ev->u.wire.seg;
	struct tm_flow *f;
	uint32_t node;

	if (ev->u.wire.action == TV_WIRE_LOST)
		m->drops++;
	if (!ev->u.wire.has_seg)
		return 0;
	node = pend_match(m, s, TM_FLIGHT);
	switch (ev->u.wire.action) {
	case TV_WIRE_LOST:
		if (node != 0)
			arrow_end(m, node, TM_LOST, ev->time);
		else if ((f = flow_for_seg(m, s)) != NULL)
			arrow_add(m, f, s, ev->time, TM_LOST, false, NULL);
		break;
	case TV_WIRE_DUPLICATED:
		arrow_copy(m, node, s, 0, ev->time);
		break;
	case TV_WIRE_DELIVERED:
		if (node != 0 && addr_silent(m, s->daddr))
			arrow_end(m, node, TM_ARRIVED, ev->time);
		break;
	default:
		break;
	}
	f = flow_latest(m, s->saddr, s->sport, s->daddr, s->dport);
	return f ? f->key : 0;
}

/* ---- events: connections ---- */

static void lane_entry_state(struct model *m, struct tm_conn *c, const struct tv_event *ev)
{
	struct tm_flow *f = flow_of_conn(m, c);
	struct tm_entry *e;
	int l;

	if (f == NULL || (l = tm_flow_lane(f, c->tuple.laddr, c->tuple.lport)) < 0)
		return;
	if ((e = entry_add(m, f, TM_E_STATE, l, ev->time, NULL)) == NULL)
		return;
	e->old_state = ev->u.state.old_state;
	e->new_state = ev->u.state.new_state;
	e->rule = ev->rule;
}

/* A connection id ends with CLOSED, or a half-open child's "back to
 * LISTEN" (tcp.h); a listener is born from CLOSED. */
static unsigned on_state(struct model *m, const struct tv_event *ev)
{
	int old = ev->u.state.old_state, new = ev->u.state.new_state;
	bool ended = new == TCB_CLOSED || (new == TCB_LISTEN && old != TCB_CLOSED);
	struct tm_conn *c = conn_of_event(m, ev);
	unsigned flow;

	if (c == NULL)
		return 0;
	c->prev_state = old;
	c->state = new;
	c->rule = ev->rule;
	c->since = ev->time;
	if (ev->tuple.raddr != 0 || c->tuple.raddr == 0)
		c->tuple = ev->tuple;
	c->listener = new == TCB_LISTEN && old == TCB_CLOSED;
	if (old == TCB_LISTEN && new == TCB_SYN_SENT)
		c->listener = false; /* SEND on a listener: it became active */
	tm_conn_bind_flow(m, c, ev->time);
	lane_entry_state(m, c, ev);
	flow = c->flow;
	if (ended)
		tm_conn_set_closed(m, c->host, c->id, true);
	return flow;
}

static bool timer_on_ladder(enum tv_timer_kind k)
{
	return k == TV_TIMER_REXMIT || k == TV_TIMER_2MSL || k == TV_TIMER_KEEPALIVE ||
	       k == TV_TIMER_PERSIST || k == TV_TIMER_CONN;
}

static unsigned on_timer(struct model *m, const struct tv_event *ev)
{
	struct tm_conn *c = conn_of_event(m, ev);
	enum tv_timer_kind k = ev->u.timer.kind;
	struct tm_flow *f;
	struct tm_entry *e;
	int l;

	if (c == NULL || (unsigned)k >= TV_TIMER_KIND_COUNT)
		return 0;
	if (ev->type == TV_EV_TIMER_ARM) {
		c->deadline[k] = ev->u.timer.deadline;
		c->armed_at[k] = ev->time;
		c->timer_count[k] = ev->u.timer.count;
		return c->flow;
	}
	c->deadline[k] = 0;
	if (ev->type != TV_EV_TIMER_FIRE)
		return c->flow;
	c->timer_count[k] = ev->u.timer.count;
	f = flow_of_conn(m, c);
	if (f == NULL || !timer_on_ladder(k) ||
	    (l = tm_flow_lane(f, c->tuple.laddr, c->tuple.lport)) < 0)
		return c->flow;
	if ((e = entry_add(m, f, TM_E_TIMER, l, ev->time, NULL)) != NULL) {
		e->timer = k;
		e->count = ev->u.timer.count;
		e->rule = ev->rule;
	}
	return c->flow;
}

static unsigned on_cwnd(struct model *m, const struct tv_event *ev)
{
	struct tm_conn *c = conn_of_event(m, ev);

	if (c == NULL)
		return 0;
	c->cwnd = ev->u.cwnd.cwnd;
	c->ssthresh = ev->u.cwnd.ssthresh;
	return c->flow;
}

/* ---- events: notes ---- */

static void note_on_flow(struct model *m, struct tm_flow *f, const char *text, tv_time t)
{
	char *copy = strdup(text);
	struct tm_entry *e;

	if (copy == NULL)
		return;
	if ((e = entry_add(m, f, TM_E_NOTE, 0, t, NULL)) == NULL) {
		free(copy);
		return;
	}
	e->text = copy;
}

/* The narration goes on every open flow (up to NOTE_FLOWS_MAX of them;
 * with more, a lesson is not what is running: only the newest flow). */
static unsigned on_note(struct model *m, const struct tv_event *ev)
{
	const char *text = ev->u.note.text;
	struct tm_flow *open[NOTE_FLOWS_MAX];
	unsigned n = 0;

	snprintf(m->narration, sizeof(m->narration), "%.*s", (int)sizeof(ev->u.note.text), text);
	for (unsigned i = m->nflows; i-- > 0 && n <= NOTE_FLOWS_MAX;)
		if (flow_open(m, m->flows[i])) {
			if (n == NOTE_FLOWS_MAX) {
				n++;
				break;
			}
			open[n++] = m->flows[i];
		}
	if (n == 0 || n > NOTE_FLOWS_MAX) {
		if (m->nflows == 0)
			return 0;
		open[0] = m->flows[m->nflows - 1];
		n = 1;
	}
	for (unsigned i = 0; i < n; i++)
		note_on_flow(m, open[i], m->narration, ev->time);
	return open[0]->key;
}

/* ---- the log ---- */

/* Copy at most size - 1 bytes of UTF-8, never ending inside a character. */
void tm_utf8_copy(char *dst, size_t size, const char *src, size_t max)
{
	size_t n = strnlen(src, max);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void log_append(struct model *m, const struct tv_event *ev, unsigned flow)
{
	struct tm_log *l;

	if (m->log == NULL)
		return;
	if (m->log_n == TM_LOG_MAX) {
		m->log_first = (m->log_first + 1) % TM_LOG_MAX;
		m->log_n--;
	}
	l = &m->log[(m->log_first + m->log_n) % TM_LOG_MAX];
	l->ev = *ev;
	l->flow = flow;
	l->note[0] = '\0';
	if (ev->type == TV_EV_NOTE)
		tm_utf8_copy(l->note, sizeof(l->note), ev->u.note.text, sizeof(ev->u.note.text));
	m->log_n++;
}

const struct tm_log *model_log(const struct model *m, unsigned i)
{
	if (m->log == NULL || i >= m->log_n)
		return NULL;
	return &m->log[(m->log_first + i) % TM_LOG_MAX];
}

/* ---- model_event ---- */

/* Events a rule explains for the panel; routine growth of cwnd would
 * drown everything else. */
static bool explains(const struct tv_event *ev)
{
	if (ev->rule == TV_RULE_NONE)
		return false;
	return ev->rule != TV_RULE_SLOW_START && ev->rule != TV_RULE_CONG_AVOID &&
	       ev->rule != TV_RULE_FAST_RECOVERY_INFLATE;
}

static unsigned event_apply(struct model *m, const struct tv_event *ev)
{
	struct tm_conn *c;

	switch (ev->type) {
	case TV_EV_STATE: return on_state(m, ev);
	case TV_EV_SEG_OUT: return on_seg_out(m, ev);
	case TV_EV_SEG_IN: return on_seg_in(m, ev);
	case TV_EV_DROP: return on_drop(m, ev);
	case TV_EV_TIMER_ARM:
	case TV_EV_TIMER_CANCEL:
	case TV_EV_TIMER_FIRE: return on_timer(m, ev);
	case TV_EV_RETRANSMIT: return on_rexmit(m, ev);
	case TV_EV_CWND: return on_cwnd(m, ev);
	case TV_EV_GATE: return on_gate(m, ev);
	case TV_EV_WIRE: return on_wire(m, ev);
	case TV_EV_NOTE: return on_note(m, ev);
	default:
		c = conn_of_event(m, ev);
		return c ? c->flow : 0;
	}
}

void model_event(struct model *m, const struct tv_event *ev)
{
	unsigned flow;

	if (m == NULL || ev == NULL || (unsigned)ev->type >= TV_EV_TYPE_COUNT)
		return;
	host_note_event(m, ev);
	flow = event_apply(m, ev);
	log_append(m, ev, flow);
	quiet_resolve(m, ev->time);
	m->events++;
	m->last = *ev;
	m->has_last = true;
	if (explains(ev)) {
		m->last_rule = *ev;
		m->has_last_rule = true;
	}
	if (ev->time > m->priv->ev_time)
		m->priv->ev_time = ev->time;
	m->changes++;
}

/* ---- pruning flows ---- */

/* A flow is dead when none of its connections is in the table any more
 * (or it never had one): the newest TM_CLOSED_KEEP dead flows stay. */
static bool flow_dead(const struct model *m, const struct tm_flow *f)
{
	return conn_by_key(m, f->conn[0]) == NULL && conn_by_key(m, f->conn[1]) == NULL;
}

static void flow_free(struct tm_flow *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(entry_at(f, i)->text);
	free(f->e);
	free(f);
}

static void flow_unindex(struct model *m, struct tm_flow *f)
{
	struct model_priv *p = m->priv;
	uint32_t key;

	if (tm_map_get(&p->tuple_ix, flow_tuple_key(f), &key) && key == f->key)
		tm_map_del(&p->tuple_ix, flow_tuple_key(f));
	for (int l = 0; l < 2; l++)
		if (f->lane_conn[l] &&
		    tm_map_get(&p->lane_ix, conn_ix_key(f->host[l], f->lane_conn[l]), &key) &&
		    key == f->key)
			tm_map_del(&p->lane_ix, conn_ix_key(f->host[l], f->lane_conn[l]));
	if (p->in_flow == f->key)
		p->in_valid = false;
	if (p->out_flow == f->key)
		p->out_valid = false;
}

/* Nodes and frames of flows that are gone. */
static void pend_sweep(struct model *m)
{
	struct tm_pendtab *pt = &m->priv->pend;

	for (size_t i = 0; i < pt->cap; i++)
		if (pt->pool[i].live && node_entry(m, (uint32_t)(i + 1), NULL) == NULL)
			tm_pend_remove(pt, (uint32_t)(i + 1));
	/* frame_ix entries pointing at removed nodes fail frame_node()'s
	 * check; they are overwritten when the id is seen again. */
}

void tm_prune(struct model *m)
{
	unsigned keep = 0, dead = 0, n = 0;

	for (unsigned i = m->nflows; i-- > 0;)
		dead += flow_dead(m, m->flows[i]);
	for (unsigned i = 0; i < m->nflows; i++) {
		struct tm_flow *f = m->flows[i];
		if (dead > TM_CLOSED_KEEP && flow_dead(m, f)) {
			dead--;
			flow_unindex(m, f);
			flow_free(f);
			continue;
		}
		m->flows[keep++] = f;
		n++;
	}
	if (keep != m->nflows) {
		m->nflows = keep;
		pend_sweep(m);
		m->changes++;
	}
	m->priv->flow_prune_at = n + (n / 4 > TM_CLOSED_KEEP ? n / 4 : TM_CLOSED_KEEP);
}

/* ---- clock ---- */

void model_clock(struct model *m, tv_time vt, double speed, bool paused, uint64_t wall)
{
	m->vt = vt;
	m->wall_ref = wall;
	if (speed > 0)
		m->speed = speed;
	m->paused = paused;
	m->changes++;
}

tv_time model_now(const struct model *m, uint64_t wall)
{
	tv_time t = m->vt;

	if (!m->paused && wall > m->wall_ref)
		t += (tv_time)((double)(wall - m->wall_ref) * m->speed);
	return t > m->priv->ev_time ? t : m->priv->ev_time;
}

/* ---- life ---- */

static void model_clear(struct model *m)
{
	struct model_priv *p = m->priv;

	for (unsigned i = 0; i < m->nflows; i++)
		flow_free(m->flows[i]);
	for (unsigned i = 0; i < m->nhosts; i++)
		free(m->hosts[i].counters);
	free(m->flows);
	free(m->conns);
	free(m->held);
	free(p->quiet);
	tm_map_free(&p->conn_ix);
	tm_map_free(&p->lane_ix);
	tm_map_free(&p->tuple_ix);
	tm_map_free(&p->frame_ix);
	tm_pend_free(&p->pend);
}

/* Everything empty; the log ring and the private part are kept. */
static void model_init(struct model *m, struct model_priv *p, struct tm_log *log)
{
	memset(m, 0, sizeof(*m));
	memset(p, 0, sizeof(*p));
	m->priv = p;
	m->log = log;
	m->speed = 1.0;
	p->flow_prune_at = 2 * TM_CLOSED_KEEP;
}

struct model *model_new(void)
{
	struct model *m = malloc(sizeof(*m));
	struct model_priv *p = malloc(sizeof(*p));

	if (m == NULL || p == NULL) {
		free(m);
		free(p);
		return NULL;
	}
	/* Without the log ring the model still works; the log stays empty. */
	model_init(m, p, malloc(TM_LOG_MAX * sizeof(struct tm_log)));
	return m;
}

void model_free(struct model *m)
{
	if (m == NULL)
		return;
	model_clear(m);
	free(m->log);
	free(m->priv);
	free(m);
}

void model_reset(struct model *m)
{
	struct tm_log *log;
	uint64_t changes;

	if (m == NULL)
		return;
	log = m->log;
	changes = m->changes;
	model_clear(m);
	model_init(m, m->priv, log);
	m->changes = changes + 1; /* views compare it: never go back */
}

/* ---- more lookups ---- */

const struct tm_flow *model_flow_of_seg(const struct model *m, const struct tv_seg_info *s,
					int *lane)
{
	const struct tm_flow *f = flow_latest(m, s->saddr, s->sport, s->daddr, s->dport);

	if (f != NULL && lane != NULL)
		*lane = tm_flow_lane(f, s->saddr, s->sport);
	return f;
}

bool model_holding(const struct model *m)
{
	for (unsigned i = 0; i < m->nhosts; i++)
		if (m->hosts[i].hold_in || m->hosts[i].hold_out)
			return true;
	return false;
}

void model_set_readonly(struct model *m, bool readonly)
{
	if (m->readonly != readonly) {
		m->readonly = readonly;
		m->changes++;
	}
}

void model_skipped(struct model *m, uint64_t n)
{
	m->skipped += n;
	m->changes++;
}
