/*
 * gate.c - the gate between a link and its host (see gate.h).
 *
 * A frame arriving at the gate is matched against the rules in order; the
 * first rule that matches and whose count says "this one" acts on it
 * (drop, duplicate, delay, hold or pass).  With no rule acting, the
 * direction's mode decides: pass hands the frame on at once, hold copies
 * it into the hold queue.  The fast path (pass mode, no rules, not
 * verbose) does not even parse the frame.
 *
 * Held frames sit in a FIFO list until a person releases, drops,
 * duplicates or delays them.  Released and delayed frames move to the
 * schedule, a list sorted by (due time, scheduling order), which
 * gate_poll() drains.  Both lists are doubly linked so any frame can be
 * taken out by id; the hold queue is bounded (a human-sized queue), and
 * insertion into the schedule scans from its tail, which is O(1) when
 * delays are equal (the common "delay every segment by D" rule).
 */
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "ipv4.h"
#include "tcp.h"

struct gate_frame {
	struct gate_frame *prev, *next;
	uint32_t id;
	uint32_t rule;          /* rule that scheduled it, 0 = by hand */
	enum tv_dir dir;
	tv_time time;           /* when it reached the gate */
	tv_time due;            /* scheduled: when to hand it on */
	uint64_t seq;           /* scheduled: order among equal due times */
	size_t len;
	struct gate_summary sum;
	uint8_t data[];
};

struct frame_list {
	struct gate_frame *head, *tail;
	size_t n;
};

struct gate {
	struct gate_config cfg;
	enum gate_mode mode[2];
	struct tv_rng rng;
	uint32_t own_ids;
	struct frame_list held, sched;
	uint64_t sched_seq;
	struct gate_rule rules[GATE_RULES_MAX];
	size_t nrules;
	uint32_t rule_ids;
	struct gate_stats stats;
	tv_frame_tap_fn tap;    /* frame tap (event.h), NULL: none */
	void *tap_ctx;
};

/* ---- frame description ---- */

static void describe_arp(const uint8_t *p, size_t len, struct gate_summary *sum)
{
	if (len < 28 || tv_get_be16(p) != 1 || tv_get_be16(p + 2) != TV_ETHERTYPE_IPV4 ||
	    p[4] != 6 || p[5] != 4)
		return;
	sum->kind = TV_FRAME_ARP;
	sum->arp_op = tv_get_be16(p + 6);
	sum->saddr = tv_get_be32(p + 14);
	sum->daddr = tv_get_be32(p + 24);
}

static void describe_icmp(const uint8_t *p, size_t len, struct gate_summary *sum)
{
	if (len < 8)
		return;
	sum->kind = TV_FRAME_ICMP;
	sum->icmp_type = p[0];
	sum->icmp_code = p[1];
	sum->icmp_id = tv_get_be16(p + 4);
	sum->icmp_seq = tv_get_be16(p + 6);
}

static void describe_ipv4(const uint8_t *frame, size_t len, struct gate_summary *sum)
{
	const uint8_t *ip = frame + TV_ETH_HLEN;
	size_t iplen = len - TV_ETH_HLEN, hl;

	if (iplen < TV_IP_HLEN || ip[0] >> 4 != 4)
		return;
	hl = (size_t)(ip[0] & 15) * 4;
	if (hl < TV_IP_HLEN || hl > iplen)
		return;
	sum->kind = TV_FRAME_IPV4;
	sum->saddr = tv_get_be32(ip + 12);
	sum->daddr = tv_get_be32(ip + 16);
	if (ip[9] == TV_IPPROTO_ICMP)
		describe_icmp(ip + hl, iplen - hl, sum);
	else if (ip[9] == TV_IPPROTO_TCP && tv_frame_tcp_info(frame, len, &sum->seg))
		sum->kind = TV_FRAME_TCP;
}

void gate_describe(const uint8_t *frame, size_t len, struct gate_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	if (len < TV_ETH_HLEN)
		return;
	sum->ethertype = tv_get_be16(frame + 12);
	if (sum->ethertype == TV_ETHERTYPE_ARP)
		describe_arp(frame + TV_ETH_HLEN, len - TV_ETH_HLEN, sum);
	else if (sum->ethertype == TV_ETHERTYPE_IPV4)
		describe_ipv4(frame, len, sum);
}

/* ---- lists ---- */

static void list_unlink(struct frame_list *l, struct gate_frame *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
	l->n--;
}

/* Insert f after pos (pos NULL: at the head). */
static void list_insert_after(struct frame_list *l, struct gate_frame *pos,
			      struct gate_frame *f)
{
	f->prev = pos;
	f->next = pos ? pos->next : l->head;
	if (f->next)
		f->next->prev = f;
	else
		l->tail = f;
	if (pos)
		pos->next = f;
	else
		l->head = f;
	l->n++;
}

static void list_free(struct frame_list *l)
{
	struct gate_frame *f = l->head, *next;

	for (; f != NULL; f = next) {
		next = f->next;
		free(f);
	}
	memset(l, 0, sizeof(*l));
}

static struct gate_frame *list_find(const struct frame_list *l, uint32_t id)
{
	struct gate_frame *f;

	for (f = l->head; f != NULL; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

/* ---- life cycle and settings ---- */

struct gate *gate_new(const struct gate_config *cfg)
{
	struct gate *g;

	if (cfg->to_host == NULL || cfg->to_link == NULL)
		return NULL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->cfg = *cfg;
	if (g->cfg.hold_max == 0)
		g->cfg.hold_max = GATE_HOLD_MAX_DEFAULT;
	if (g->cfg.id_source == NULL)
		g->cfg.id_source = &g->own_ids;
	tv_rng_seed(&g->rng, cfg->seed);
	return g;
}

void gate_free(struct gate *g)
{
	if (g == NULL)
		return;
	list_free(&g->held);
	list_free(&g->sched);
	free(g);
}

void gate_set_mode(struct gate *g, enum gate_mode mode)
{
	g->mode[TV_DIR_IN] = g->mode[TV_DIR_OUT] = mode;
}

void gate_set_dir_mode(struct gate *g, enum tv_dir dir, enum gate_mode mode)
{
	g->mode[dir] = mode;
}

enum gate_mode gate_dir_mode(const struct gate *g, enum tv_dir dir)
{
	return g->mode[dir];
}

void gate_set_hold_max(struct gate *g, size_t max)
{
	g->cfg.hold_max = max ? max : GATE_HOLD_MAX_DEFAULT;
}

size_t gate_hold_max(const struct gate *g)
{
	return g->cfg.hold_max;
}

void gate_set_verbose(struct gate *g, bool verbose)
{
	g->cfg.verbose = verbose;
}

const struct gate_stats *gate_stats(const struct gate *g)
{
	return &g->stats;
}

void gate_set_frame_tap(struct gate *g, tv_frame_tap_fn fn, void *ctx)
{
	g->tap = fn;
	g->tap_ctx = ctx;
}

/* Show a dropped or duplicated frame to the tap: the gate knows only its
 * own host, the sender of what goes out and the receiver of what comes
 * in. */
static void gate_tap(const struct gate *g, enum tv_dir dir, const uint8_t *frame, size_t len,
		     struct tv_frame_info *fi)
{
	if (g->tap == NULL)
		return;
	if (dir == TV_DIR_OUT)
		fi->from = g->cfg.host_id;
	else
		fi->to = g->cfg.host_id;
	g->tap(g->tap_ctx, frame, len, fi);
}

static void gate_tap_drop(const struct gate *g, enum tv_dir dir, const uint8_t *frame,
			  size_t len, uint32_t id, uint32_t rule, bool overflow, tv_time now)
{
	struct tv_frame_info fi = {.time = now, .fate = TV_FATE_DROPPED_BY_GATE,
				   .frame_id = id, .gate_rule = rule, .overflow = overflow};

	gate_tap(g, dir, frame, len, &fi);
}

static void gate_tap_dup(const struct gate *g, enum tv_dir dir, const uint8_t *frame,
			 size_t len, uint32_t id, uint32_t rule, tv_time now)
{
	struct tv_frame_info fi = {.time = now, .fate = TV_FATE_DUPLICATED, .frame_id = id,
				   .gate_rule = rule, .by_gate = true};

	gate_tap(g, dir, frame, len, &fi);
}

/* ---- events and hand-off ---- */

static uint32_t gate_new_id(struct gate *g)
{
	uint32_t id = ++*g->cfg.id_source;

	if (id == 0) /* 0 means "no frame" in events: skip it on wrap */
		id = ++*g->cfg.id_source;
	return id;
}

/* Fill ev for a gate action; the caller adds extras and emits. */
static void gate_event(const struct gate *g, struct tv_event *ev, enum tv_gate_action a,
		       enum tv_dir dir, uint32_t id, const struct gate_summary *sum,
		       size_t len, tv_time now)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = TV_EV_GATE;
	ev->time = now;
	ev->host = g->cfg.host_id;
	ev->u.gate.action = a;
	ev->u.gate.dir = dir;
	ev->u.gate.frame = id;
	ev->u.gate.len = (uint32_t)len;
	ev->u.gate.kind = (uint8_t)sum->kind;
	ev->u.gate.has_seg = sum->kind == TV_FRAME_TCP;
	if (ev->u.gate.has_seg)
		ev->u.gate.seg = sum->seg;
}

static void gate_emit(struct gate *g, enum tv_gate_action a, enum tv_dir dir, uint32_t id,
		      const struct gate_summary *sum, size_t len, uint32_t rule, tv_time now)
{
	struct tv_event ev;

	if (!tv_bus_active(g->cfg.bus))
		return;
	gate_event(g, &ev, a, dir, id, sum, len, now);
	ev.u.gate.rule = rule;
	tv_bus_emit(g->cfg.bus, &ev);
}

static int gate_out(struct gate *g, enum tv_dir dir, const uint8_t *frame, size_t len,
		    tv_time now)
{
	if (dir == TV_DIR_IN)
		return g->cfg.to_host(g->cfg.to_host_ctx, frame, len, now);
	return g->cfg.to_link(g->cfg.to_link_ctx, frame, len, now);
}

static int gate_pass(struct gate *g, enum tv_dir dir, const uint8_t *frame, size_t len,
		     const struct gate_summary *sum, uint32_t rule, tv_time now)
{
	struct gate_summary local;

	g->stats.passed++;
	if (g->cfg.verbose && tv_bus_active(g->cfg.bus)) {
		if (sum == NULL) {
			gate_describe(frame, len, &local);
			sum = &local;
		}
		gate_emit(g, TV_GATE_PASSED, dir, 0, sum, len, rule, now);
	}
	return gate_out(g, dir, frame, len, now);
}

static struct gate_frame *gate_copy(struct gate *g, enum tv_dir dir, const uint8_t *frame,
				    size_t len, const struct gate_summary *sum, tv_time now)
{
	struct gate_frame *f = malloc(sizeof(*f) + len);

	if (f == NULL)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->id = gate_new_id(g);
	f->dir = dir;
	f->time = now;
	f->len = len;
	f->sum = *sum;
	memcpy(f->data, frame, len);
	return f;
}

/* A frame we could not copy is lost: count it and say so. */
static int gate_nomem(struct gate *g, enum tv_dir dir, const uint8_t *frame,
		      const struct gate_summary *sum, size_t len, uint32_t rule, tv_time now)
{
	g->stats.nomem++;
	g->stats.dropped++;
	gate_emit(g, TV_GATE_DROPPED, dir, 0, sum, len, rule, now);
	gate_tap_drop(g, dir, frame, len, 0, rule, false, now);
	return TV_ENOMEM;
}

/* ---- the hold queue and the schedule ---- */

static int gate_hold(struct gate *g, enum tv_dir dir, const uint8_t *frame, size_t len,
		     const struct gate_summary *sum, uint32_t rule, tv_time now)
{
	struct gate_frame *f;
	struct tv_event ev;

	if (g->held.n >= g->cfg.hold_max) {
		g->stats.overflow++;
		g->stats.dropped++;
		if (tv_bus_active(g->cfg.bus)) {
			gate_event(g, &ev, TV_GATE_DROPPED, dir, 0, sum, len, now);
			ev.u.gate.rule = rule;
			ev.u.gate.overflow = true;
			tv_bus_emit(g->cfg.bus, &ev);
		}
		gate_tap_drop(g, dir, frame, len, 0, rule, true, now);
		return 0;
	}
	f = gate_copy(g, dir, frame, len, sum, now);
	if (f == NULL)
		return gate_nomem(g, dir, frame, sum, len, rule, now);
	list_insert_after(&g->held, g->held.tail, f);
	g->stats.held++;
	gate_emit(g, TV_GATE_HELD, dir, f->id, sum, len, rule, now);
	return 0;
}

/* Sorted by (due, seq); seq only grows, so a new frame goes after every
 * frame due at the same time or earlier: scan back from the tail. */
static void gate_schedule(struct gate *g, struct gate_frame *f, tv_time due)
{
	struct gate_frame *pos = g->sched.tail;

	f->due = due;
	f->seq = g->sched_seq++;
	while (pos != NULL && pos->due > due)
		pos = pos->prev;
	list_insert_after(&g->sched, pos, f);
}

static void gate_emit_delayed(struct gate *g, const struct gate_frame *f, tv_time now)
{
	struct tv_event ev;

	if (!tv_bus_active(g->cfg.bus))
		return;
	gate_event(g, &ev, TV_GATE_DELAYED, f->dir, f->id, &f->sum, f->len, now);
	ev.u.gate.until = f->due;
	ev.u.gate.rule = f->rule;
	tv_bus_emit(g->cfg.bus, &ev);
}

void gate_poll(struct gate *g, tv_time now)
{
	uint64_t limit = g->sched_seq;
	struct gate_frame *f;

	/* The head is re-read every time: delivering a frame may run the
	 * host, which may send through this gate and schedule more. */
	while ((f = g->sched.head) != NULL && f->due <= now && f->seq < limit) {
		list_unlink(&g->sched, f);
		g->stats.released++;
		gate_emit(g, TV_GATE_RELEASED, f->dir, f->id, &f->sum, f->len, f->rule, now);
		gate_out(g, f->dir, f->data, f->len, now);
		free(f);
	}
}

tv_time gate_next_deadline(const struct gate *g)
{
	return g->sched.head ? g->sched.head->due : TV_NEVER;
}

size_t gate_held_count(const struct gate *g)
{
	return g->held.n;
}

size_t gate_scheduled_count(const struct gate *g)
{
	return g->sched.n;
}

bool gate_holds(const struct gate *g, uint32_t id)
{
	return list_find(&g->held, id) != NULL;
}

size_t gate_held_list(const struct gate *g, struct gate_held *out, size_t max)
{
	const struct gate_frame *f;
	size_t i = 0;

	for (f = g->held.head; f != NULL && i < max; f = f->next, i++) {
		out[i].id = f->id;
		out[i].dir = f->dir;
		out[i].host = g->cfg.host_id;
		out[i].time = f->time;
		out[i].len = f->len;
		out[i].sum = f->sum;
	}
	return i;
}

/* ---- operations on held frames ---- */

static void gate_release_frame(struct gate *g, struct gate_frame *f, tv_time now)
{
	list_unlink(&g->held, f);
	f->rule = 0;
	gate_schedule(g, f, now);
}

int gate_release(struct gate *g, uint32_t id, tv_time now)
{
	struct gate_frame *f = list_find(&g->held, id);

	if (f == NULL)
		return TV_ENOENT;
	gate_release_frame(g, f, now);
	return 0;
}

size_t gate_release_n(struct gate *g, size_t n, tv_time now)
{
	size_t done = 0;

	while (done < n && g->held.head != NULL) {
		gate_release_frame(g, g->held.head, now);
		done++;
	}
	return done;
}

size_t gate_step(struct gate *g, tv_time now)
{
	return gate_release_n(g, 1, now);
}

int gate_drop(struct gate *g, uint32_t id, tv_time now)
{
	struct gate_frame *f = list_find(&g->held, id);

	if (f == NULL)
		return TV_ENOENT;
	list_unlink(&g->held, f);
	g->stats.dropped++;
	gate_emit(g, TV_GATE_DROPPED, f->dir, f->id, &f->sum, f->len, 0, now);
	gate_tap_drop(g, f->dir, f->data, f->len, f->id, 0, false, now);
	free(f);
	return 0;
}

int gate_dup(struct gate *g, uint32_t id, uint32_t *copy, tv_time now)
{
	struct gate_frame *f = list_find(&g->held, id), *c;
	struct tv_event ev;

	if (f == NULL)
		return TV_ENOENT;
	if (g->held.n >= g->cfg.hold_max)
		return TV_ENOBUFS;
	c = gate_copy(g, f->dir, f->data, f->len, &f->sum, now);
	if (c == NULL)
		return TV_ENOMEM;
	list_insert_after(&g->held, f, c);
	g->stats.duplicated++;
	if (copy)
		*copy = c->id;
	if (tv_bus_active(g->cfg.bus)) {
		gate_event(g, &ev, TV_GATE_DUPLICATED, f->dir, f->id, &f->sum, f->len, now);
		ev.u.gate.copy = c->id;
		tv_bus_emit(g->cfg.bus, &ev);
	}
	gate_tap_dup(g, f->dir, f->data, f->len, c->id, 0, now);
	return 0;
}

int gate_delay(struct gate *g, uint32_t id, tv_time delay, tv_time now)
{
	struct gate_frame *f = list_find(&g->held, id);

	if (f == NULL)
		return TV_ENOENT;
	list_unlink(&g->held, f);
	f->rule = 0;
	gate_schedule(g, f, delay > TV_NEVER - now ? TV_NEVER - 1 : now + delay);
	g->stats.delayed++;
	gate_emit_delayed(g, f, now);
	return 0;
}

/* ---- rules ---- */

static bool rule_needs_tcp(const struct gate_rule *r)
{
	return r->proto == GATE_PROTO_TCP || r->flags_mask || r->has_seq || r->sport ||
	       r->dport;
}

static bool rule_matches_tcp(const struct gate_rule *r, const struct tv_seg_info *seg)
{
	if ((seg->flags & r->flags_mask) != r->flags_value)
		return false;
	if (r->sport && r->sport != seg->sport)
		return false;
	if (r->dport && r->dport != seg->dport)
		return false;
	/* Modulo 2^32 (RFC 9293 3.4): the range may wrap. */
	return !r->has_seq || seg->seq - r->seq_lo <= r->seq_hi - r->seq_lo;
}

static bool rule_matches(const struct gate_rule *r, enum tv_dir dir,
			 const struct gate_summary *s)
{
	if (r->dirs && !(r->dirs & GATE_DIR_BIT(dir)))
		return false;
	if ((r->proto == GATE_PROTO_ARP && s->kind != TV_FRAME_ARP) ||
	    (r->proto == GATE_PROTO_ICMP && s->kind != TV_FRAME_ICMP))
		return false;
	if ((r->saddr && r->saddr != s->saddr) || (r->daddr && r->daddr != s->daddr))
		return false;
	if (!rule_needs_tcp(r))
		return true;
	return s->kind == TV_FRAME_TCP && rule_matches_tcp(r, &s->seg);
}

/* Count a match and decide whether the rule acts on this frame. */
static bool rule_fires(struct gate *g, struct gate_rule *r)
{
	r->matched++;
	switch (r->count) {
	case GATE_EVERY_NTH:
		return r->matched % r->n == 0;
	case GATE_CHANCE:
		return tv_rng_chance(&g->rng, r->ppm);
	case GATE_ALWAYS:
	case GATE_NEXT:
	default:
		return true;
	}
}

static struct gate_rule *gate_match(struct gate *g, enum tv_dir dir,
				    const struct gate_summary *sum)
{
	for (size_t i = 0; i < g->nrules; i++) {
		struct gate_rule *r = &g->rules[i];
		if (rule_matches(r, dir, sum) && rule_fires(g, r))
			return r;
	}
	return NULL;
}

static int gate_rule_dup(struct gate *g, enum tv_dir dir, const uint8_t *frame, size_t len,
			 const struct gate_summary *sum, uint32_t rule, tv_time now)
{
	struct tv_event ev;
	/* Ids are taken whether or not anyone listens, so they do not
	 * depend on the observers. */
	uint32_t id = gate_new_id(g), copy = gate_new_id(g);
	int err;

	g->stats.duplicated++;
	if (tv_bus_active(g->cfg.bus)) {
		gate_event(g, &ev, TV_GATE_DUPLICATED, dir, id, sum, len, now);
		ev.u.gate.copy = copy;
		ev.u.gate.rule = rule;
		tv_bus_emit(g->cfg.bus, &ev);
	}
	gate_tap_dup(g, dir, frame, len, copy, rule, now);
	err = gate_out(g, dir, frame, len, now);
	gate_out(g, dir, frame, len, now);
	return err;
}

static int gate_rule_delay(struct gate *g, const struct gate_rule *r, enum tv_dir dir,
			   const uint8_t *frame, size_t len, const struct gate_summary *sum,
			   tv_time now)
{
	struct gate_frame *f = gate_copy(g, dir, frame, len, sum, now);

	if (f == NULL)
		return gate_nomem(g, dir, frame, sum, len, r->id, now);
	f->rule = r->id;
	gate_schedule(g, f, r->delay > TV_NEVER - now ? TV_NEVER - 1 : now + r->delay);
	g->stats.delayed++;
	gate_emit_delayed(g, f, now);
	return 0;
}

static int gate_act(struct gate *g, const struct gate_rule *r, enum tv_dir dir,
		    const uint8_t *frame, size_t len, const struct gate_summary *sum,
		    tv_time now)
{
	switch (r->action) {
	case GATE_ACT_DROP: {
		uint32_t id = gate_new_id(g);

		g->stats.dropped++;
		gate_emit(g, TV_GATE_DROPPED, dir, id, sum, len, r->id, now);
		gate_tap_drop(g, dir, frame, len, id, r->id, false, now);
		return 0;
	}
	case GATE_ACT_DUP:
		return gate_rule_dup(g, dir, frame, len, sum, r->id, now);
	case GATE_ACT_DELAY:
		return gate_rule_delay(g, r, dir, frame, len, sum, now);
	case GATE_ACT_HOLD:
		return gate_hold(g, dir, frame, len, sum, r->id, now);
	case GATE_ACT_PASS:
	default:
		return gate_pass(g, dir, frame, len, sum, r->id, now);
	}
}

/* Act with rule r; a GATE_NEXT rule that has done its n frames goes. */
static int gate_apply(struct gate *g, struct gate_rule *r, enum tv_dir dir,
		      const uint8_t *frame, size_t len, const struct gate_summary *sum,
		      tv_time now)
{
	struct gate_rule copy;

	r->applied++;
	copy = *r;
	if (r->count == GATE_NEXT && r->applied >= (r->n ? r->n : 1))
		gate_rule_remove(g, r->id);
	return gate_act(g, &copy, dir, frame, len, sum, now);
}

static bool rule_valid(const struct gate_rule *r)
{
	if (r->dirs > (GATE_DIR_BIT(TV_DIR_IN) | GATE_DIR_BIT(TV_DIR_OUT)))
		return false;
	if (r->proto > GATE_PROTO_ICMP || r->count > GATE_CHANCE || r->action > GATE_ACT_PASS)
		return false;
	if ((r->flags_value & ~r->flags_mask) != 0)
		return false;
	if (rule_needs_tcp(r) && r->proto != GATE_PROTO_ANY && r->proto != GATE_PROTO_TCP)
		return false;
	if (r->count == GATE_EVERY_NTH && r->n == 0)
		return false;
	return r->count != GATE_CHANCE || r->ppm <= 1000000;
}

int gate_rule_add(struct gate *g, const struct gate_rule *r, uint32_t *id)
{
	struct gate_rule *n;

	if (!rule_valid(r))
		return TV_EINVAL;
	if (g->nrules >= GATE_RULES_MAX)
		return TV_ENOBUFS;
	n = &g->rules[g->nrules++];
	*n = *r;
	n->id = ++g->rule_ids;
	n->matched = n->applied = 0;
	if (id)
		*id = n->id;
	return 0;
}

int gate_rule_remove(struct gate *g, uint32_t id)
{
	for (size_t i = 0; i < g->nrules; i++) {
		if (g->rules[i].id != id)
			continue;
		memmove(&g->rules[i], &g->rules[i + 1],
			(g->nrules - i - 1) * sizeof(g->rules[0]));
		g->nrules--;
		return 0;
	}
	return TV_ENOENT;
}

void gate_rule_clear(struct gate *g)
{
	g->nrules = 0;
}

size_t gate_rule_count(const struct gate *g)
{
	return g->nrules;
}

const struct gate_rule *gate_rule_at(const struct gate *g, size_t i)
{
	return i < g->nrules ? &g->rules[i] : NULL;
}

/* ---- input ---- */

int gate_input(struct gate *g, enum tv_dir dir, const uint8_t *frame, size_t len,
	       tv_time now)
{
	struct gate_summary sum;
	struct gate_rule *r;

	if (g->nrules == 0 && g->mode[dir] == GATE_PASS)
		return gate_pass(g, dir, frame, len, NULL, 0, now);
	gate_describe(frame, len, &sum);
	r = gate_match(g, dir, &sum);
	if (r != NULL)
		return gate_apply(g, r, dir, frame, len, &sum, now);
	if (g->mode[dir] == GATE_HOLD)
		return gate_hold(g, dir, frame, len, &sum, 0, now);
	return gate_pass(g, dir, frame, len, &sum, 0, now);
}

int gate_tx_out(void *gate, const uint8_t *frame, size_t len, tv_time now)
{
	return gate_input(gate, TV_DIR_OUT, frame, len, now);
}

int gate_tx_in(void *gate, const uint8_t *frame, size_t len, tv_time now)
{
	return gate_input(gate, TV_DIR_IN, frame, len, now);
}
