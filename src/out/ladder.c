/*
 * ladder.c - the ladder diagram (see ladder.h).
 *
 * Collecting: ladder_sink() keeps, per connection (a pair of endpoints,
 * the opener's on lane 0), a list of rows.  Two connections can use the
 * same pair of endpoints one after the other (an old duplicate SYN, then
 * the real connection), so each lane also records which connection of
 * its host it is (events carry the per-host id, ev->conn) and events are
 * sorted by that id, not by the endpoints alone.  A lane's id is learnt
 * from its host's first event that names one; a new passive connection
 * belongs where the segment that made it arrived at that instant.  A
 * segment belongs to its sender's connection: when the receiving host
 * handles it in another one (a SYN,ACK answering the old SYN reaching the
 * new connection), it still arrives in its sender's diagram.  A row is either an arrow (one
 * segment: the sender's lane holds its send time, the receiver's lane its
 * arrival time) or a state row; each lane of a row may also carry the
 * state its host entered then.  A lane's times must go down the page in
 * order, so an arrival or a state is written into an existing row only if
 * no later row uses that lane; otherwise it gets a row of its own.  This
 * gives the textbook figure: the state a SYN,ACK moves its receiver to is
 * written at the arrow's head.
 *
 * Segments are followed by their header fields (seq, ack, flags, len):
 * SEG_OUT draws the arrow, SEG_IN completes it, a gate drop, a wire loss
 * or a host drop ends it, RETRANSMIT marks it.  A SEG_IN that matches no
 * arrow in flight is a duplicate (of an arrow that already arrived) or a
 * segment injected without a sender (a scripted peer): it gets an arrow
 * of its own.
 *
 * Printing measures everything by display width (util.h) and lays out
 * columns: time, state, lane, arrows, lane, state, time.  Labels are
 * computed at print time, so relative numbers use the final initial
 * sequence numbers.
 */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sim.h"
#include "core/tcp.h"
#include "i18n.h"
#include "out/ladder.h"
#include "out/util.h"

#define LADDER_HOSTS_MAX 64
#define LADDER_WIDTH_MIN 40
#define STATE_NONE 0xff
#define LINE_MAX_BYTES 4096

struct lhost {
	uint32_t id, addr;
	char name[16];
};

/* One lane of one row. */
struct slot {
	bool used;              /* has a time */
	uint8_t state;          /* enum tcb_state entered here, or STATE_NONE */
	tv_time time;
};

enum row_kind { ROW_STATE, ROW_ARROW };

enum arrow_fate {
	FATE_FLIGHT,            /* sent, not arrived (yet) */
	FATE_ARRIVED,
	FATE_DROPPED,           /* by a gate */
	FATE_LOST,              /* by the wire */
	FATE_DISCARDED,         /* arrived, and the receiving host dropped it */
};

struct row {
	uint8_t kind, from, fate;
	bool rexmit, dup;
	tv_time arrived;        /* when it arrived (a slot may have no room) */
	struct tv_seg_info seg;
	struct slot slot[2];
};

struct lconn {
	uint32_t addr[2];
	uint16_t port[2];
	uint32_t host[2], conn[2];  /* which connection each lane is: host id
				       and per-host id (conn 0: not known) */
	tv_time last_in[2];         /* latest arrival at each lane */
	uint8_t first[2], cur[2];   /* state before the first change, latest */
	uint32_t isn[2];
	bool has_isn[2];
	struct row *rows;
	size_t n, cap;
};

struct ladder {
	struct lhost hosts[LADDER_HOSTS_MAX];
	unsigned nhosts;
	bool ascii, absolute, incomplete;
	unsigned width;
	tv_time gap;
	struct lconn *conns;
	unsigned n, cap;
};

/* Marks used in a printing, for the legend. */
enum {
	MARK_REXMIT = 1, MARK_SHORT = 2, MARK_DISCARD = 4, MARK_FLIGHT = 8, MARK_DUP = 16,
};

/* The glyphs of one drawing style.  x ends an arrow that stops short
 * (lost, dropped by a gate), discard one that reached the lane and was
 * thrown away there: two marks, two glyphs. */
struct glyphs {
	const char *lane, *lane_gap, *top, *bottom, *from_l, *from_r;
	const char *line, *dash, *head_r, *head_l, *x, *discard, *more, *to, *rexmit;
};

static const struct glyphs unicode_glyphs = {
	"│", "┆", "┬", "┴", "├", "┤", "─", "┄", "▶", "◀", "✗", "⊘", "…", "→", "↻",
};

static const struct glyphs ascii_glyphs = {
	"|", ":", "+", "+", "+", "+", "-", ".", ">", "<", "x", "#", "~", "->", "*",
};

/* ---- set-up ---- */

struct ladder *ladder_new(void)
{
	struct ladder *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->width = LADDER_WIDTH_DEFAULT;
	l->gap = TV_SEC(1);
	return l;
}

void ladder_free(struct ladder *l)
{
	if (l == NULL)
		return;
	for (unsigned i = 0; i < l->n; i++)
		free(l->conns[i].rows);
	free(l->conns);
	free(l);
}

int ladder_add_host(struct ladder *l, uint32_t id, const char *name, uint32_t addr)
{
	struct lhost *h;

	if (l->nhosts >= LADDER_HOSTS_MAX)
		return TV_ENOBUFS;
	h = &l->hosts[l->nhosts++];
	h->id = id;
	h->addr = addr;
	snprintf(h->name, sizeof(h->name), "%s", name);
	return 0;
}

int ladder_add_sim_hosts(struct ladder *l, const struct sim *s)
{
	int err = 0;

	for (unsigned i = 0; i < sim_host_count(s) && err == 0; i++) {
		const struct host *h = sim_host_at(s, i);
		err = ladder_add_host(l, h->id, h->cfg.name, h->cfg.addr);
	}
	return err;
}

void ladder_set_ascii(struct ladder *l, bool ascii)
{
	l->ascii = ascii;
}

void ladder_set_absolute(struct ladder *l, bool absolute)
{
	l->absolute = absolute;
}

void ladder_set_width(struct ladder *l, unsigned width)
{
	l->width = width < LADDER_WIDTH_MIN ? LADDER_WIDTH_MIN : width;
}

void ladder_set_gap(struct ladder *l, tv_time gap)
{
	l->gap = gap;
}

unsigned ladder_count(const struct ladder *l)
{
	return l->n;
}

bool ladder_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* ---- connections ---- */

static int conn_lane(const struct lconn *c, uint32_t addr, uint16_t port)
{
	for (int i = 0; i < 2; i++)
		if (c->addr[i] == addr && c->port[i] == port)
			return i;
	return -1;
}

/* The lane of u's local end if c joins u's two endpoints, else -1. */
static int conn_lane_of(const struct lconn *c, const struct tv_tuple *u)
{
	int k = conn_lane(c, u->laddr, u->lport);

	return k >= 0 && c->addr[!k] == u->raddr && c->port[!k] == u->rport ? k : -1;
}

/* The connection id an event names, 0 for none: a listener's events
 * (a SYN it takes, a segment it drops) belong to no connection yet. */
static uint32_t ev_conn_id(const struct tv_event *ev)
{
	return ev->tuple.raddr == 0 && ev->tuple.rport == 0 ? 0 : ev->conn;
}

enum pick {
	PICK_NONE,
	PICK_EXACT,             /* the lane is that connection */
	PICK_NOW,               /* a segment arrived at the lane at this instant */
	PICK_FREE,              /* the newest that may be it */
};

/*
 * The connection an event of (host, conn) at u's local end belongs to:
 * the one whose lane is that connection; else, among those whose lane is
 * no connection yet (any, when the event names none), the one where a
 * segment arrived at that lane at this very instant (the event answers
 * it: a passive open, a RST), else the newest.
 */
static enum pick conn_pick(struct ladder *l, const struct tv_tuple *u, uint32_t host,
			   uint32_t conn, tv_time t, struct lconn **out)
{
	struct lconn *now = NULL, *newest = NULL;

	for (unsigned i = l->n; i-- > 0;) {
		struct lconn *c = &l->conns[i];
		int k = conn_lane_of(c, u);
		if (k < 0)
			continue;
		if (conn != 0 && c->conn[k] == conn && c->host[k] == host) {
			*out = c;
			return PICK_EXACT;
		}
		if (conn != 0 && c->conn[k] != 0)
			continue; /* another connection of that host */
		if (now == NULL && c->last_in[k] == t)
			now = c;
		if (newest == NULL)
			newest = c;
	}
	*out = now != NULL ? now : newest;
	return now != NULL ? PICK_NOW : newest != NULL ? PICK_FREE : PICK_NONE;
}

static void lane_bind(struct lconn *c, int lane, uint32_t host, uint32_t conn)
{
	if (conn != 0 && c->conn[lane] == 0) {
		c->host[lane] = host;
		c->conn[lane] = conn;
	}
}

/* Lane 0 is a1:p1.  NULL (and the diagram marked incomplete) without
 * memory. */
static struct lconn *conn_new(struct ladder *l, uint32_t a1, uint16_t p1, uint32_t a2,
			      uint16_t p2)
{
	struct lconn *c;

	if (l->n == l->cap) {
		unsigned cap = l->cap ? 2 * l->cap : 8;
		struct lconn *t = realloc(l->conns, cap * sizeof(*t));
		if (t == NULL) {
			l->incomplete = true;
			return NULL;
		}
		l->conns = t;
		l->cap = cap;
	}
	c = &l->conns[l->n++];
	memset(c, 0, sizeof(*c));
	c->addr[0] = a1;
	c->port[0] = p1;
	c->addr[1] = a2;
	c->port[1] = p2;
	c->first[0] = c->first[1] = c->cur[0] = c->cur[1] = STATE_NONE;
	c->last_in[0] = c->last_in[1] = TV_NEVER;
	return c;
}

/* Every side we know the state of is CLOSED: a new SYN or state change
 * on these endpoints starts a new diagram. */
static bool conn_finished(const struct lconn *c)
{
	bool known = false;

	for (int i = 0; i < 2; i++) {
		if (c->cur[i] == STATE_NONE)
			continue;
		if (c->cur[i] != TCB_CLOSED)
			return false;
		known = true;
	}
	return known;
}

static void conn_learn_isn(struct lconn *c, int lane, uint32_t isn)
{
	if (lane >= 0 && !c->has_isn[lane]) {
		c->isn[lane] = isn;
		c->has_isn[lane] = true;
	}
}

/* ---- rows ---- */

static struct row *row_add(struct ladder *l, struct lconn *c)
{
	struct row *r;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct row *t = realloc(c->rows, cap * sizeof(*t));
		if (t == NULL) {
			l->incomplete = true;
			return NULL;
		}
		c->rows = t;
		c->cap = cap;
	}
	r = &c->rows[c->n++];
	memset(r, 0, sizeof(*r));
	r->slot[0].state = r->slot[1].state = STATE_NONE;
	return r;
}

static struct row *row_last(struct lconn *c)
{
	return c->n ? &c->rows[c->n - 1] : NULL;
}

static bool lane_free_after(const struct lconn *c, size_t idx, int lane)
{
	for (size_t i = idx + 1; i < c->n; i++)
		if (c->rows[i].slot[lane].used)
			return false;
	return true;
}

/* States an application's call caused (the arrow they send follows). */
static bool rule_is_app(enum tv_rule r)
{
	return r == TV_RULE_APP_LISTEN || r == TV_RULE_APP_CONNECT || r == TV_RULE_APP_CLOSE ||
	       r == TV_RULE_APP_CLOSE_LISTEN || r == TV_RULE_APP_ABORT ||
	       r == TV_RULE_APP_ABORT_UNSYNC || r == TV_RULE_APP_ABORT_CLOSING ||
	       r == TV_RULE_APP_SEND_LISTEN;
}

/* The last row using the lane, or -1. */
static long lane_last(const struct lconn *c, int lane)
{
	for (size_t i = c->n; i-- > 0;)
		if (c->rows[i].slot[lane].used)
			return (long)i;
	return -1;
}

/* Where a state goes: a state a segment caused is written where that
 * segment arrived (the lane's latest event, at the same instant); one an
 * application caused goes on a state row of its own, which the segment
 * it sends then shares (place_arrow).  A state row with the lane still
 * free also takes it. */
static void place_state(struct ladder *l, struct lconn *c, int lane, uint8_t st,
			enum tv_rule rule, tv_time t)
{
	long i = lane_last(c, lane);
	struct row *r = row_last(c);
	struct slot *s;

	if (!rule_is_app(rule) && i >= 0) {
		s = &c->rows[i].slot[lane];
		if (s->time == t && s->state == STATE_NONE) {
			s->state = st;
			return;
		}
	}
	if (r && r->kind == ROW_STATE && !r->slot[lane].used) {
		r->slot[lane] = (struct slot){true, st, t};
		return;
	}
	if ((r = row_add(l, c)) != NULL)
		r->slot[lane] = (struct slot){true, st, t};
}

static void place_arrow(struct ladder *l, struct lconn *c, int from,
			const struct tv_seg_info *seg, tv_time t)
{
	struct row *r = row_last(c);

	/* The sender's state change at this instant shares the arrow's row. */
	if (!(r && r->kind == ROW_STATE && r->slot[from].used && r->slot[from].time == t &&
	      !r->slot[!from].used)) {
		if ((r = row_add(l, c)) == NULL)
			return;
		r->slot[from] = (struct slot){true, STATE_NONE, t};
	}
	r->kind = ROW_ARROW;
	r->from = (uint8_t)from;
	r->fate = FATE_FLIGHT;
	r->seg = *seg;
}

static bool seg_same(const struct tv_seg_info *a, const struct tv_seg_info *b)
{
	return a->seq == b->seq && a->ack == b->ack && a->flags == b->flags && a->len == b->len;
}

/* The newest arrow from lane `from` carrying seg whose fate is in mask
 * (bits 1 << FATE_*); -1 if none. */
static long arrow_find(const struct lconn *c, int from, const struct tv_seg_info *seg,
		       unsigned mask)
{
	for (size_t i = c->n; i-- > 0;) {
		const struct row *r = &c->rows[i];
		if (r->kind == ROW_ARROW && r->from == from && (mask & (1u << r->fate)) &&
		    seg_same(&r->seg, seg))
			return (long)i;
	}
	return -1;
}

static void arrow_arrive(struct lconn *c, size_t idx, int lane, uint8_t fate, tv_time t)
{
	struct row *r = &c->rows[idx];

	r->fate = fate;
	r->arrived = t;
	c->last_in[lane] = t;
	if (!r->slot[lane].used && lane_free_after(c, idx, lane))
		r->slot[lane] = (struct slot){true, STATE_NONE, t};
}

/* The newest arrow carrying seg (from its source to its destination)
 * whose fate is in mask: in pref first, then in any connection between
 * the same endpoints.  Its connection, with *idx its row; NULL if none. */
static struct lconn *arrow_search(struct ladder *l, struct lconn *pref,
				  const struct tv_seg_info *s, unsigned mask, long *idx)
{
	const struct tv_tuple u = {s->saddr, s->daddr, s->sport, s->dport};
	int from;

	if (pref != NULL && (from = conn_lane_of(pref, &u)) >= 0 &&
	    (*idx = arrow_find(pref, from, s, mask)) >= 0)
		return pref;
	for (unsigned i = l->n; i-- > 0;) {
		struct lconn *c = &l->conns[i];
		if ((from = conn_lane_of(c, &u)) >= 0 && (*idx = arrow_find(c, from, s, mask)) >= 0)
			return c;
	}
	return NULL;
}

/* ---- the sink ---- */

static void on_state(struct ladder *l, const struct tv_event *ev)
{
	const struct tv_tuple *u = &ev->tuple;
	uint8_t old = ev->u.state.old_state, st = ev->u.state.new_state;
	struct lconn *c;
	enum pick p;
	int lane;

	if (u->raddr == 0 && u->rport == 0)
		return; /* a listener is not a connection */
	p = conn_pick(l, u, ev->host, ev->conn, ev->time, &c);
	if (c == NULL || (p != PICK_NOW && conn_finished(c) && st != TCB_CLOSED)) {
		/* The side that was listening goes on the right. */
		c = old == TCB_LISTEN ? conn_new(l, u->raddr, u->rport, u->laddr, u->lport)
				      : conn_new(l, u->laddr, u->lport, u->raddr, u->rport);
		if (c == NULL)
			return;
	}
	lane = conn_lane(c, u->laddr, u->lport);
	lane_bind(c, lane, ev->host, ev->conn);
	if (c->first[lane] == STATE_NONE)
		c->first[lane] = old;
	c->cur[lane] = st;
	place_state(l, c, lane, st, ev->rule, ev->time);
}

static bool seg_opening(const struct tv_seg_info *s)
{
	return (s->flags & (TV_TH_SYN | TV_TH_ACK)) == TV_TH_SYN;
}

/* The connection of a segment, c as picked: a new one (the sender on
 * lane 0) when there is none, or for an opening SYN on finished
 * endpoints. */
static struct lconn *conn_of_seg(struct ladder *l, struct lconn *c, const struct tv_seg_info *s)
{
	if (c == NULL || (seg_opening(s) && conn_finished(c)))
		c = conn_new(l, s->saddr, s->sport, s->daddr, s->dport);
	return c;
}

static void on_seg_out(struct ladder *l, const struct tv_event *ev)
{
	const struct tv_seg_info *s = &ev->u.seg;
	const struct tv_tuple u = {s->saddr, s->daddr, s->sport, s->dport};
	struct lconn *c;
	int from;

	conn_pick(l, &u, ev->host, ev_conn_id(ev), ev->time, &c);
	if ((c = conn_of_seg(l, c, s)) == NULL)
		return;
	from = conn_lane(c, s->saddr, s->sport);
	lane_bind(c, from, ev->host, ev_conn_id(ev));
	if (s->flags & TV_TH_SYN)
		conn_learn_isn(c, from, s->seq);
	if (ev_conn_id(ev) != 0) {
		conn_learn_isn(c, from, s->iss);
		if (s->flags & TV_TH_ACK)
			conn_learn_isn(c, !from, s->irs);
	}
	place_arrow(l, c, from, s, ev->time);
}

/* A segment reached a host: the arrow in flight that carries it arrives,
 * in whichever connection its sender drew it. */
static void on_seg_in(struct ladder *l, const struct tv_event *ev)
{
	const struct tv_seg_info *s = &ev->u.seg;
	const struct tv_tuple u = {s->daddr, s->saddr, s->dport, s->sport};
	struct lconn *c, *f;
	struct row *r;
	long i;
	int from;

	conn_pick(l, &u, ev->host, ev_conn_id(ev), ev->time, &c);
	if ((f = arrow_search(l, c, s, 1u << FATE_FLIGHT, &i)) != NULL) {
		from = conn_lane(f, s->saddr, s->sport);
		if (s->flags & TV_TH_SYN)
			conn_learn_isn(f, from, s->seq);
		arrow_arrive(f, (size_t)i, !from, FATE_ARRIVED, ev->time);
		return;
	}
	/* A second copy, or a segment nobody was seen sending. */
	if ((c = conn_of_seg(l, c, s)) == NULL)
		return;
	from = conn_lane(c, s->saddr, s->sport);
	if (s->flags & TV_TH_SYN)
		conn_learn_isn(c, from, s->seq);
	i = arrow_find(c, from, s, 1u << FATE_ARRIVED | 1u << FATE_DISCARDED);
	if ((r = row_add(l, c)) == NULL)
		return;
	r->kind = ROW_ARROW;
	r->from = (uint8_t)from;
	r->fate = FATE_ARRIVED;
	r->dup = i >= 0;
	r->seg = *s;
	r->arrived = ev->time;
	r->slot[!from] = (struct slot){true, STATE_NONE, ev->time};
	c->last_in[!from] = ev->time;
}

static void on_rexmit(struct ladder *l, const struct tv_event *ev)
{
	const struct tv_tuple *u = &ev->tuple;
	struct lconn *c;
	int from;

	conn_pick(l, u, ev->host, ev_conn_id(ev), ev->time, &c);
	if (c == NULL)
		return;
	from = conn_lane(c, u->laddr, u->lport);
	/* RETRANSMIT follows the SEG_OUT it describes. */
	for (size_t i = c->n; i-- > 0;) {
		struct row *r = &c->rows[i];
		if (r->kind == ROW_ARROW && r->from == from && r->seg.seq == ev->u.rexmit.seq &&
		    r->seg.flags == ev->u.rexmit.flags) {
			r->rexmit = true;
			return;
		}
	}
}

/* The arrow carrying seg that arrived at time t (a host discards a
 * segment as it arrives; an identical retransmission may have arrived
 * earlier and be newer in the list). */
static struct lconn *arrow_arrived_at(struct ladder *l, const struct tv_seg_info *s, tv_time t,
				      long *idx)
{
	const struct tv_tuple u = {s->saddr, s->daddr, s->sport, s->dport};

	for (unsigned k = l->n; k-- > 0;) {
		struct lconn *c = &l->conns[k];
		int from = conn_lane_of(c, &u);
		if (from < 0)
			continue;
		for (size_t i = c->n; i-- > 0;) {
			const struct row *r = &c->rows[i];
			if (r->kind == ROW_ARROW && r->from == from && r->fate == FATE_ARRIVED &&
			    r->arrived == t && seg_same(&r->seg, s)) {
				*idx = (long)i;
				return c;
			}
		}
	}
	return NULL;
}

/* A segment that did not make it: the newest matching arrow in flight
 * ends short (gate, wire) or at the lane (the receiving host, whose
 * event may name the connection it was looking in). */
static void on_lost(struct ladder *l, const struct tv_event *ev, const struct tv_seg_info *s,
		    uint8_t fate)
{
	const struct tv_tuple u = {s->daddr, s->saddr, s->dport, s->sport};
	unsigned mask = 1u << FATE_FLIGHT;
	struct lconn *c = NULL, *now;
	long i;

	if (fate == FATE_DISCARDED) {
		mask |= 1u << FATE_ARRIVED;
		if ((now = arrow_arrived_at(l, s, ev->time, &i)) != NULL) {
			now->rows[i].fate = fate;
			return;
		}
		conn_pick(l, &u, ev->host, ev_conn_id(ev), ev->time, &c);
	}
	if ((c = arrow_search(l, c, s, mask, &i)) == NULL)
		return;
	if (fate == FATE_DISCARDED)
		arrow_arrive(c, (size_t)i, !conn_lane(c, s->saddr, s->sport), fate, ev->time);
	else
		c->rows[i].fate = fate;
}

void ladder_sink(void *ctx, const struct tv_event *ev)
{
	struct ladder *l = ctx;

	switch (ev->type) {
	case TV_EV_STATE:
		on_state(l, ev);
		break;
	case TV_EV_SEG_OUT:
		on_seg_out(l, ev);
		break;
	case TV_EV_SEG_IN:
		on_seg_in(l, ev);
		break;
	case TV_EV_RETRANSMIT:
		on_rexmit(l, ev);
		break;
	case TV_EV_GATE:
		if (ev->u.gate.action == TV_GATE_DROPPED && ev->u.gate.has_seg)
			on_lost(l, ev, &ev->u.gate.seg, FATE_DROPPED);
		break;
	case TV_EV_WIRE:
		if (ev->u.wire.action == TV_WIRE_LOST && ev->u.wire.has_seg)
			on_lost(l, ev, &ev->u.wire.seg, FATE_LOST);
		break;
	case TV_EV_DROP:
		if (ev->u.drop.has_seg)
			on_lost(l, ev, &ev->u.drop.seg, FATE_DISCARDED);
		break;
	default:
		break;
	}
}

/* ---- building a line ---- */

struct lbuf {
	char s[LINE_MAX_BYTES];
	size_t len;
};

static void lb_put(struct lbuf *b, const char *s)
{
	size_t n = strlen(s), room;

	if (b->len >= sizeof(b->s) - 1)
		return;
	room = sizeof(b->s) - 1 - b->len;
	if (n > room)
		n = room;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void lb_rep(struct lbuf *b, const char *s, size_t n)
{
	while (n-- > 0)
		lb_put(b, s);
}

/* s in a cell w columns wide, aligned right or left. */
static void lb_cell(struct lbuf *b, const char *s, size_t w, bool right)
{
	size_t sw = out_width(s), pad = sw < w ? w - sw : 0;

	if (right)
		lb_rep(b, " ", pad);
	lb_put(b, s);
	if (!right)
		lb_rep(b, " ", pad);
}

/* Print without trailing blanks. */
static void lb_print(struct lbuf *b, FILE *fp)
{
	while (b->len > 0 && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	fprintf(fp, "%s\n", b->s);
	b->len = 0;
	b->s[0] = '\0';
}

/* ---- layout ---- */

struct geom {
	size_t tw[2], sw[2];    /* time and state column widths, per side */
	size_t w;               /* between the lanes */
	size_t lane_l, lane_r;  /* columns of the lanes */
};

static const char *state_str(uint8_t st)
{
	return st == STATE_NONE ? "" : tcb_state_name(st);
}

static void widen(size_t *w, const char *s)
{
	size_t n = out_width(s);

	if (n > *w)
		*w = n;
}

static void geom_of(const struct ladder *l, const struct lconn *c, struct geom *g)
{
	char tb[OUT_TIME_MAX];
	size_t sides;

	memset(g, 0, sizeof(*g));
	for (int k = 0; k < 2; k++)
		widen(&g->sw[k], state_str(c->first[k]));
	for (size_t i = 0; i < c->n; i++) {
		for (int k = 0; k < 2; k++) {
			const struct slot *s = &c->rows[i].slot[k];
			if (!s->used)
				continue;
			widen(&g->tw[k], out_time_str(s->time, tb));
			widen(&g->sw[k], state_str(s->state));
		}
	}
	sides = g->tw[0] + g->sw[0] + g->tw[1] + g->sw[1] + 4;
	g->w = l->width > sides + 2 + 24 ? l->width - sides - 2 : 24;
	g->lane_l = g->tw[0] + 1 + g->sw[0] + 1;
	g->lane_r = g->lane_l + 1 + g->w;
}

/* The left block (time, state), a lane glyph, the middle, a lane glyph
 * and the right block (state, time) of one row. */
static void row_line(struct lbuf *b, const struct geom *g, const struct slot s[2],
		     const char *lane_l, const char *mid, const char *lane_r)
{
	char tb[OUT_TIME_MAX];

	lb_cell(b, s[0].used ? out_time_str(s[0].time, tb) : "", g->tw[0], true);
	lb_put(b, " ");
	lb_cell(b, state_str(s[0].state), g->sw[0], true);
	lb_put(b, " ");
	lb_put(b, lane_l);
	lb_put(b, mid);
	lb_put(b, lane_r);
	lb_put(b, " ");
	lb_cell(b, state_str(s[1].state), g->sw[1], false);
	lb_put(b, " ");
	lb_cell(b, s[1].used ? out_time_str(s[1].time, tb) : "", g->tw[1], false);
}

/* "SYN,ACK seq=0 ack=1 len=0", relative unless absolute; "len=0" only
 * with_zero. */
static void arrow_label(const struct ladder *l, const struct lconn *c, const struct row *r,
			const struct glyphs *gl, bool with_zero, char *buf, size_t size)
{
	const struct tv_seg_info *s = &r->seg;
	int from = r->from;
	uint32_t sb = 0, ab = 0;
	char fw[OUT_FLAGS_MAX];
	size_t n;

	if (!l->absolute) {
		sb = c->has_isn[from] ? c->isn[from] : 0;
		ab = c->has_isn[!from] ? c->isn[!from] : 0;
	}
	n = (size_t)snprintf(buf, size, "%s%s%s%s seq=%lu", r->rexmit ? gl->rexmit : "",
			     r->rexmit ? " " : "",
			     r->dup ? "dup " : "", out_flags_words(s->flags, fw),
			     (unsigned long)(uint32_t)(s->seq - sb));
	if ((s->flags & TV_TH_ACK) && n < size)
		n += (size_t)snprintf(buf + n, size - n, " ack=%lu",
				      (unsigned long)(uint32_t)(s->ack - ab));
	if (n < size && (s->len > 0 || with_zero))
		snprintf(buf + n, size - n, " len=%lu", (unsigned long)s->len);
}

/* The word written past the x of an arrow that stops short. */
static const char *short_word(uint8_t fate)
{
	return fate == FATE_LOST ? _("lost") : _("dropped");
}

/* An arrow laid out in g->w columns: `len` columns of body (fill, the
 * label, fill, then the head or an x), the rest blank (for an arrow that
 * stops short, with a word saying why when there is room); mirrored for
 * an arrow going left. */
struct arrow {
	bool right, shorts;
	const char *fill, *end, *word;
	size_t len, ww, lead, trail;
	char fit[200];
};

static void arrow_shape(const struct ladder *l, const struct lconn *c, const struct row *r,
			const struct geom *g, struct arrow *a)
{
	const struct glyphs *gl = l->ascii ? &ascii_glyphs : &unicode_glyphs;
	char label[160];
	size_t inner, lw;

	a->shorts = r->fate == FATE_DROPPED || r->fate == FATE_LOST;
	a->right = r->from == 0;
	a->fill = r->fate == FATE_FLIGHT ? gl->dash : gl->line;
	if (a->shorts)
		a->end = gl->x;
	else if (r->fate == FATE_DISCARDED)
		a->end = gl->discard;
	else
		a->end = a->right ? gl->head_r : gl->head_l;
	a->word = a->shorts ? short_word(r->fate) : "";
	a->ww = a->shorts ? out_width(a->word) + 1 : 0;
	a->len = g->w;
	/* Room for the label and a blank and a stroke on either side; a
	 * label too long drops "len=0" first, then is cut. */
	arrow_label(l, c, r, gl, !a->shorts, label, sizeof(label));
	if (out_width(label) + 5 > g->w)
		arrow_label(l, c, r, gl, false, label, sizeof(label));
	if (a->shorts) {
		/* Stop well short, but not at the cost of the label. */
		a->len = out_width(label) + 5;
		if (a->len < g->w * 2 / 3)
			a->len = g->w * 2 / 3;
		if (a->len > g->w - 3)
			a->len = g->w - 3;
		if (a->len + a->ww > g->w) {
			a->word = "";
			a->ww = 0;
		}
	}
	inner = a->len - 1;
	lw = out_fit(label, inner > 4 ? inner - 4 : 0, gl->more, a->fit, sizeof(a->fit));
	a->lead = (inner - lw - 2) / 2;
	a->trail = inner - lw - 2 - a->lead;
}

/* The blank, and the word, of an arrow that stops short. */
static void arrow_rest(struct lbuf *out, const struct geom *g, const struct arrow *a)
{
	if (!a->right)
		lb_rep(out, " ", g->w - a->len - a->ww);
	if (a->ww && a->right)
		lb_put(out, " ");
	if (a->ww)
		lb_put(out, a->word);
	if (a->ww && !a->right)
		lb_put(out, " ");
	if (a->right)
		lb_rep(out, " ", g->w - a->len - a->ww);
}

static void arrow_mid(const struct ladder *l, const struct lconn *c, const struct row *r,
		      const struct geom *g, struct lbuf *out, unsigned *marks)
{
	struct arrow a;

	arrow_shape(l, c, r, g, &a);
	if (!a.right && a.shorts)
		arrow_rest(out, g, &a);
	if (!a.right)
		lb_put(out, a.end);
	lb_rep(out, a.fill, a.right ? a.lead : a.trail);
	lb_put(out, " ");
	lb_put(out, a.fit);
	lb_put(out, " ");
	lb_rep(out, a.fill, a.right ? a.trail : a.lead);
	if (a.right)
		lb_put(out, a.end);
	if (a.right && a.shorts)
		arrow_rest(out, g, &a);
	*marks |= (r->rexmit ? MARK_REXMIT : 0) | (a.shorts ? MARK_SHORT : 0) |
		  (r->fate == FATE_DISCARDED ? MARK_DISCARD : 0) |
		  (r->fate == FATE_FLIGHT ? MARK_FLIGHT : 0) | (r->dup ? MARK_DUP : 0);
}

/* ---- printing ---- */

static const char *host_name_of(const struct ladder *l, uint32_t addr)
{
	for (unsigned i = 0; i < l->nhosts; i++)
		if (l->hosts[i].addr == addr)
			return l->hosts[i].name;
	return "";
}

static void endpoint_str(uint32_t addr, uint16_t port, char *buf, size_t size)
{
	char ip[16];

	snprintf(buf, size, "%s:%u", tv_ip_str(addr, ip), port);
}

static void print_title(const struct ladder *l, const struct lconn *c, unsigned no, FILE *fp)
{
	const struct glyphs *gl = l->ascii ? &ascii_glyphs : &unicode_glyphs;
	char e[2][64], who[2][96];

	for (int k = 0; k < 2; k++) {
		const char *name = host_name_of(l, c->addr[k]);
		endpoint_str(c->addr[k], c->port[k], e[k], sizeof(e[k]));
		snprintf(who[k], sizeof(who[k]), "%s%s%s", name, *name ? " " : "", e[k]);
	}
	/* TRANSLATORS: "Connection 1: A 10.0.0.1:40000 -> B 10.0.0.2:7". */
	fprintf(fp, _("Connection %u: %s %s %s\n"), no, who[0], gl->to, who[1]);
}

/* Two texts centred over the lanes, on one line. */
static void print_over_lanes(const struct geom *g, const char *left, const char *right,
			     FILE *fp)
{
	struct lbuf b = {.len = 0};
	size_t wl = out_width(left), wr = out_width(right);
	size_t sl = g->lane_l > wl / 2 ? g->lane_l - wl / 2 : 0;
	size_t sr = g->lane_r > wr / 2 ? g->lane_r - wr / 2 : 0;

	if (sr < sl + wl + 1)
		sr = sl + wl + 1;
	lb_rep(&b, " ", sl);
	lb_put(&b, left);
	lb_rep(&b, " ", sr - sl - wl);
	lb_put(&b, right);
	lb_print(&b, fp);
}

static void print_head(const struct ladder *l, const struct lconn *c, const struct geom *g,
		       FILE *fp)
{
	const struct glyphs *gl = l->ascii ? &ascii_glyphs : &unicode_glyphs;
	struct slot s[2] = {{false, c->first[0], 0}, {false, c->first[1], 0}};
	char e[2][64];
	struct lbuf b = {.len = 0}, mid = {.len = 0};

	for (int k = 0; k < 2; k++)
		endpoint_str(c->addr[k], c->port[k], e[k], sizeof(e[k]));
	fputc('\n', fp);
	print_over_lanes(g, host_name_of(l, c->addr[0]), host_name_of(l, c->addr[1]), fp);
	print_over_lanes(g, e[0], e[1], fp);
	lb_rep(&mid, " ", g->w);
	row_line(&b, g, s, gl->top, mid.s, gl->top);
	lb_print(&b, fp);
}

static tv_time row_first_time(const struct row *r)
{
	tv_time t = TV_NEVER;

	for (int k = 0; k < 2; k++)
		if (r->slot[k].used && r->slot[k].time < t)
			t = r->slot[k].time;
	return t;
}

static tv_time row_last_time(const struct row *r, tv_time t)
{
	for (int k = 0; k < 2; k++)
		if (r->slot[k].used && r->slot[k].time > t)
			t = r->slot[k].time;
	return t;
}

/* "(2 min later)" between rows far apart in time. */
static void print_gap(const struct ladder *l, const struct geom *g, tv_time d, FILE *fp)
{
	const struct glyphs *gl = l->ascii ? &ascii_glyphs : &unicode_glyphs;
	struct slot none[2] = {{false, STATE_NONE, 0}, {false, STATE_NONE, 0}};
	char db[OUT_TIME_MAX], text[96], fit[128];
	struct lbuf b = {.len = 0}, mid = {.len = 0};
	size_t w, lead;

	/* TRANSLATORS: a quiet spell in a ladder diagram: "(240 s later)". */
	snprintf(text, sizeof(text), _("(%s later)"), out_duration_str(d, db));
	w = out_fit(text, g->w, gl->more, fit, sizeof(fit));
	lead = (g->w - w) / 2;
	lb_rep(&mid, " ", lead);
	lb_put(&mid, fit);
	lb_rep(&mid, " ", g->w - w - lead);
	row_line(&b, g, none, gl->lane_gap, mid.s, gl->lane_gap);
	lb_print(&b, fp);
}

static void print_row(const struct ladder *l, const struct lconn *c, const struct row *r,
		      const struct geom *g, unsigned *marks, FILE *fp)
{
	const struct glyphs *gl = l->ascii ? &ascii_glyphs : &unicode_glyphs;
	struct lbuf b = {.len = 0}, mid = {.len = 0};
	const char *ll = gl->lane, *lr = gl->lane;

	if (r->kind == ROW_ARROW) {
		arrow_mid(l, c, r, g, &mid, marks);
		if (r->from == 0)
			ll = gl->from_l;
		else
			lr = gl->from_r;
	} else {
		lb_rep(&mid, " ", g->w);
	}
	row_line(&b, g, r->slot, ll, mid.s, lr);
	lb_print(&b, fp);
}

static void print_conn(const struct ladder *l, const struct lconn *c, unsigned no,
		       unsigned *marks, FILE *fp)
{
	const struct glyphs *gl = l->ascii ? &ascii_glyphs : &unicode_glyphs;
	struct slot none[2] = {{false, STATE_NONE, 0}, {false, STATE_NONE, 0}};
	struct lbuf b = {.len = 0}, mid = {.len = 0};
	tv_time last = TV_NEVER;
	struct geom g;

	geom_of(l, c, &g);
	print_title(l, c, no, fp);
	print_head(l, c, &g, fp);
	for (size_t i = 0; i < c->n; i++) {
		const struct row *r = &c->rows[i];
		tv_time t = row_first_time(r);
		if (last != TV_NEVER && t != TV_NEVER && t > last && t - last > l->gap)
			print_gap(l, &g, t - last, fp);
		print_row(l, c, r, &g, marks, fp);
		last = row_last_time(r, last == TV_NEVER ? 0 : last);
	}
	lb_rep(&mid, " ", g.w);
	row_line(&b, &g, none, gl->bottom, mid.s, gl->bottom);
	lb_print(&b, fp);
}

static void legend_item(FILE *fp, const char *glyph, const char *text)
{
	struct lbuf b = {.len = 0};

	lb_put(&b, "  ");
	lb_cell(&b, glyph, 5, false);
	lb_put(&b, text);
	lb_print(&b, fp);
}

static void print_legend(const struct ladder *l, unsigned marks, FILE *fp)
{
	const struct glyphs *gl = l->ascii ? &ascii_glyphs : &unicode_glyphs;

	if (marks == 0)
		return;
	fputc('\n', fp);
	if (marks & MARK_REXMIT)
		legend_item(fp, gl->rexmit, _("a retransmission"));
	if (marks & MARK_SHORT)
		legend_item(fp, gl->x, _("stops short: lost on the wire or dropped by a gate"));
	if (marks & MARK_DISCARD)
		legend_item(fp, gl->discard, _("at a lane: arrived, and the host discarded it"));
	if (marks & MARK_FLIGHT)
		legend_item(fp, gl->dash, _("not arrived (yet): in flight or held at a gate"));
	if (marks & MARK_DUP)
		legend_item(fp, "dup", _("a copy of a segment that had already arrived"));
}

static void print_incomplete(const struct ladder *l, FILE *fp)
{
	if (l->incomplete)
		fprintf(fp, "%s\n", _("(out of memory: this diagram is incomplete)"));
}

int ladder_print_one(const struct ladder *l, unsigned i, FILE *fp)
{
	unsigned marks = 0;

	if (i >= l->n)
		return TV_ENOENT;
	print_conn(l, &l->conns[i], i + 1, &marks, fp);
	print_incomplete(l, fp);
	return ferror(fp) ? TV_EINVAL : 0;
}

int ladder_print(const struct ladder *l, FILE *fp)
{
	unsigned marks = 0;

	for (unsigned i = 0; i < l->n; i++) {
		if (i > 0)
			fputc('\n', fp);
		print_conn(l, &l->conns[i], i + 1, &marks, fp);
	}
	print_legend(l, marks, fp);
	print_incomplete(l, fp);
	return ferror(fp) ? TV_EINVAL : 0;
}
