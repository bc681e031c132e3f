/*
 * tcp.c - the TCP layer's frame: the per-host connection table (a hash on
 * the 4-tuple plus a list of listeners), TCB creation and deletion, the
 * one function that changes a TCB's state, and the input entry point
 * called by IPv4 (checksum, header parse, lookup, then tcp_in.c).
 *
 * Every entry point into TCP (tcp_input, tcp_poll, the sock_* calls)
 * brackets its work with tcp_enter/tcp_leave.  When the outermost one
 * leaves, queued socket callbacks are delivered and CLOSED TCBs without
 * a handle are freed, so nothing is freed while a caller still holds it
 * and callbacks may call straight back into the API.
 */
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "ipv4.h"
#include "tcb.h"

static const char *const tcb_state_names[TCB_STATE_COUNT] = {
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
	"FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
};

const char *tcb_state_name(enum tcb_state s)
{
	return (unsigned)s < TCB_STATE_COUNT ? tcb_state_names[s] : "?";
}

void tcb_event_init(const struct tcb *tcb, struct tv_event *ev, enum tv_event_type type,
		    enum tv_rule rule)
{
	ev->type = type;
	ev->time = tcb->h->now;
	ev->host = tcb->h->id;
	ev->conn = tcb->id;
	ev->tuple = tcb->tuple;
	ev->rule = rule;
}

/*
 * The only place a TCB's state changes (DESIGN.md): every transition is
 * reported with the rule that caused it.  A passive child starts life as
 * a copy of its listener, so its first transition is reported as leaving
 * LISTEN, as RFC 9293 figure 5 draws it.
 */
void tcb_set_state(struct tcb *tcb, enum tcb_state new_state, enum tv_rule rule, tv_time now)
{
	enum tcb_state old = (enum tcb_state)tcb->state;

	if (old == TCB_CLOSED && tcb->passive)
		old = TCB_LISTEN;
	tcb->state = (uint8_t)new_state; /* TCB_STATE_WRITE: the one assignment */
	if (tcb->h->now < now)
		tcb->h->now = now;
	if (tcb_bus_active(tcb)) {
		struct tv_event ev;
		tcb_event_init(tcb, &ev, TV_EV_STATE, rule);
		ev.u.state.old_state = (uint8_t)old;
		ev.u.state.new_state = (uint8_t)new_state;
		ev.u.state.err = new_state == TCB_CLOSED ? tcb->err : 0;
		host_emit(tcb->h, &ev);
	}
}

struct tcp_host *tcp_host_new(struct host *h)
{
	struct tcp_host *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->h = h;
	t->nbuckets = 64;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->buckets == NULL) {
		free(t);
		return NULL;
	}
	t->hash_key = tv_rng_next(&h->rng);
	t->next_port = (uint16_t)(TCP_EPHEMERAL_LO + tv_rng_below(&h->rng, 65536 - TCP_EPHEMERAL_LO));
	return t;
}

static void tcb_free(struct tcp_host *t, struct tcb *tcb)
{
	if (tcb->aprev != NULL)
		tcb->aprev->anext = tcb->anext;
	else
		t->all = tcb->anext;
	if (tcb->anext != NULL)
		tcb->anext->aprev = tcb->aprev;
	tcp_bufs_free(t, tcb);
	free(tcb->lst);
	free(tcb);
	t->ntcbs--;
}

/* Free everything, whatever state it is in: the host is going away (any
 * handles the application still holds die with it). */
void tcp_host_free(struct tcp_host *t)
{
	if (t == NULL)
		return;
	while (t->all != NULL)
		tcb_free(t, t->all);
	tcp_buf_cache_free(t);
	free(t->heap);
	free(t->buckets);
	free(t);
}

static uint32_t tuple_hash(const struct tcp_host *t, const struct tv_tuple *u)
{
	uint64_t x = ((uint64_t)u->raddr << 32 | (uint32_t)u->rport << 16 | u->lport);

	x ^= t->hash_key ^ ((uint64_t)u->laddr * 0x9e3779b97f4a7c15ull);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static bool tuple_eq(const struct tv_tuple *a, const struct tv_tuple *b)
{
	return a->raddr == b->raddr && a->rport == b->rport && a->lport == b->lport &&
	       a->laddr == b->laddr;
}

struct tcb *tcp_lookup(struct tcp_host *t, const struct tv_tuple *tuple)
{
	struct tcb *c = t->buckets[tuple_hash(t, tuple) & (t->nbuckets - 1)];

	while (c != NULL && !tuple_eq(&c->tuple, tuple))
		c = c->hnext;
	return c;
}

/* Double the table when it is fuller than one entry per bucket; if that
 * allocation fails the old table keeps working with longer chains. */
static void tcp_hash_grow(struct tcp_host *t)
{
	uint32_t n = t->nbuckets * 2;
	struct tcb **b = calloc(n, sizeof(*b));

	if (b == NULL)
		return;
	for (uint32_t i = 0; i < t->nbuckets; i++)
		for (struct tcb *c = t->buckets[i], *next; c != NULL; c = next) {
			next = c->hnext;
			uint32_t j = tuple_hash(t, &c->tuple) & (n - 1);
			c->hnext = b[j];
			b[j] = c;
		}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

int tcb_hash_insert(struct tcb *tcb)
{
	struct tcp_host *t = tcb_tcp(tcb);

	if (tcp_lookup(t, &tcb->tuple) != NULL)
		return TV_EADDRINUSE;
	if (t->nhashed >= t->nbuckets && t->nbuckets < (1u << 24))
		tcp_hash_grow(t);
	uint32_t i = tuple_hash(t, &tcb->tuple) & (t->nbuckets - 1);
	tcb->hnext = t->buckets[i];
	t->buckets[i] = tcb;
	tcb->hashed = 1;
	t->nhashed++;
	return TV_OK;
}

static void tcb_unlink_from(struct tcb **head, struct tcb *tcb)
{
	for (struct tcb **pp = head; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == tcb) {
			*pp = tcb->hnext;
			tcb->hnext = NULL;
			return;
		}
}

static void tcb_unhash(struct tcb *tcb)
{
	struct tcp_host *t = tcb_tcp(tcb);

	if (!tcb->hashed)
		return;
	if (tcb->lst != NULL) {
		tcb_unlink_from(&t->listeners, tcb);
	} else {
		tcb_unlink_from(&t->buckets[tuple_hash(t, &tcb->tuple) & (t->nbuckets - 1)], tcb);
		t->nhashed--;
	}
	tcb->hashed = 0;
}

struct tcb *tcp_listener_find(struct tcp_host *t, uint16_t port)
{
	struct tcb *c = t->listeners;

	while (c != NULL && c->tuple.lport != port)
		c = c->hnext;
	return c;
}

int tcp_listener_add(struct tcb *tcb)
{
	struct tcp_host *t = tcb_tcp(tcb);

	if (tcp_listener_find(t, tcb->tuple.lport) != NULL)
		return TV_EADDRINUSE;
	tcb->hnext = t->listeners;
	t->listeners = tcb;
	tcb->hashed = 1;
	return TV_OK;
}

/* Ephemeral ports (RFC 6335 range) in sequence from a random start; a
 * port is free for this tuple if no connection uses the tuple and no
 * listener owns the port. */
int tcp_port_pick(struct tcp_host *t, struct tv_tuple *tuple)
{
	const uint32_t span = 65536 - TCP_EPHEMERAL_LO;

	for (uint32_t i = 0; i < span; i++) {
		uint16_t p = t->next_port;
		t->next_port = p == 65535 ? TCP_EPHEMERAL_LO : (uint16_t)(p + 1);
		tuple->lport = p;
		if (tcp_listener_find(t, p) == NULL && tcp_lookup(t, tuple) == NULL)
			return TV_OK;
	}
	return TV_ENOBUFS;
}

/* Make sure the timer heap can hold every TCB, so arming never fails. */
static int tcp_heap_reserve(struct tcp_host *t, uint32_t n)
{
	if (n <= t->heap_cap)
		return TV_OK;
	uint32_t cap = t->heap_cap ? t->heap_cap * 2 : 64;
	while (cap < n)
		cap *= 2;
	struct tcb **heap = realloc(t->heap, cap * sizeof(*heap));
	if (heap == NULL)
		return TV_ENOMEM;
	t->heap = heap;
	t->heap_cap = cap;
	return TV_OK;
}

struct tcb *tcb_new(struct host *h, tv_time now)
{
	struct tcp_host *t = h->tcp;

	if (t->ntcbs >= h->cfg.max_conns || tcp_heap_reserve(t, t->ntcbs + 1) != TV_OK)
		return NULL;
	struct tcb *tcb = calloc(1, sizeof(*tcb));
	if (tcb == NULL)
		return NULL;
	tcb->h = h;
	tcb->id = ++t->next_id;
	for (int k = 0; k < TCB_T_COUNT; k++)
		tcb->timer[k] = TV_NEVER;
	tcb->deadline = TV_NEVER;
	tcb->last_rx = now;
	tcb->anext = t->all;
	if (t->all != NULL)
		t->all->aprev = tcb;
	t->all = tcb;
	t->ntcbs++;
	return tcb;
}

static uint32_t clamp_u32(uint64_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : (uint32_t)v;
}

void tcb_init_params(struct tcb *tcb, const struct tcb *lis)
{
	const struct tcp_params *p = &tcb->h->cfg.tcp;

	if (lis != NULL) {
		tcb->keepalive = lis->keepalive;
		tcb->keep_idle = lis->keep_idle;
		tcb->keep_intvl = lis->keep_intvl;
		tcb->keep_cnt = lis->keep_cnt;
		tcb->nodelay = lis->nodelay;
		tcb->delack = lis->delack;
		tcb->ws_want = lis->ws_want;
		tcb->mss_opt = lis->mss_opt;
		tcb->snd.cap = lis->snd.cap;
		tcb->rcv.cap = lis->rcv.cap;
	} else {
		tcb->keepalive = p->keepalive;
		tcb->keep_idle = p->keepalive_idle;
		tcb->keep_intvl = p->keepalive_intvl;
		tcb->keep_cnt = p->keepalive_count;
		tcb->nodelay = !p->nagle;
		tcb->delack = p->delayed_ack;
		tcb->ws_want = p->window_scaling;
		tcb->mss_opt = p->mss;
		/* RFC 7323 2.2: with scaling the window reaches 2^30. */
		tcb->snd.cap = clamp_u32(p->sndbuf, 1, 1u << 30);
		tcb->rcv.cap = clamp_u32(p->rcvbuf, TCP_MSS_MIN, 1u << 30);
	}
	tcb->rto = clamp_u32(p->rto_initial, 1, UINT32_MAX);
}

/*
 * Before our SYN: the MSS we offer (from the MTU unless set, never above
 * it), the window shift that lets the whole receive buffer be advertised
 * (RFC 7323 2.3), and the ISN (RFC 6528).
 */
void tcb_init_syn(struct tcb *tcb, tv_time now)
{
	uint32_t mtu_mss = tcb_mtu_mss(tcb->h);

	tcb->rcv_mss = tcp_mss_clamp(tcb->mss_opt ? tcb->mss_opt : mtu_mss, mtu_mss);
	tcb->snd_mss = tcp_mss_clamp(TCP_MSS_DEFAULT, mtu_mss);
	tcb->rcv_wscale = 0;
	if (tcb->ws_want)
		while (tcb->rcv_wscale < TCP_WSCALE_MAX && (tcb->rcv.cap >> tcb->rcv_wscale) > 65535)
			tcb->rcv_wscale++;
	tcb->iss = tcp_isn(tcb->h, &tcb->tuple, now);
	tcb->snd_una = tcb->snd_nxt = tcb->snd_max = tcb->iss;
	tcb->snd_bufseq = tcb->iss + 1;
	tcb->recover = tcb->iss;
	tcb->ssthresh = UINT32_MAX;
	tcb->cwnd = tcb->snd_mss;
}

void tcb_list_del(struct tcb *tcb)
{
	if (tcb->link.next == NULL)
		return;
	tcb->link.prev->next = tcb->link.next;
	tcb->link.next->prev = tcb->link.prev;
	tcb->link.next = tcb->link.prev = NULL;
	if (tcb->parent != NULL && tcb->parent->lst != NULL)
		tcb->parent->lst->nchild--;
	tcb->ready = 0;
}

static void tcb_to_grave(struct tcb *tcb)
{
	struct tcp_host *t = tcb_tcp(tcb);

	if (tcb->in_grave)
		return;
	tcb->in_grave = 1;
	tcb->hnext = t->grave;
	t->grave = tcb;
}

static struct tcb *link_tcb(struct tcb_link *l)
{
	return (struct tcb *)((char *)l - offsetof(struct tcb, link));
}

/* RFC 9293 3.10.4: closing a listener aborts connections not yet handed
 * to the application (they would have nobody to talk to). */
static void tcb_abort_children(struct tcb *lis, tv_time now)
{
	struct tcb_link *heads[2] = {&lis->lst->half, &lis->lst->ready};

	for (int i = 0; i < 2; i++)
		while (heads[i]->next != heads[i]) {
			struct tcb *c = link_tcb(heads[i]->next);
			tcp_send_rst_tcb(c, TV_RULE_LISTENER_CLOSED, now);
			tcb_delete(c, TV_RULE_LISTENER_CLOSED, TV_EABORTED, now);
		}
}

void tcb_delete_to(struct tcb *tcb, enum tcb_state to, enum tv_rule rule, int err,
		   tv_time now)
{
	if (tcb->gone)
		return;
	if (err != 0 && tcb->err == 0)
		tcb->err = (int8_t)err; /* first, so the state event carries it */
	tcb_set_state(tcb, to, rule, now);
	tcb->gone = 1;
	tcb_timers_stop(tcb, now);
	tcb_unhash(tcb);
	tcb_list_del(tcb);
	tcb->parent = NULL;
	if (tcb->lst != NULL)
		tcb_abort_children(tcb, now);
	/* RFC 9293 3.10.7.4: after a reset queued receives get "reset"; after
	 * an orderly end the application may still read what arrived. */
	if (err != 0 || !tcb->sk.open)
		tcp_bufs_free(tcb_tcp(tcb), tcb);
	else
		tcp_ring_free(tcb_tcp(tcb), &tcb->snd);
	if (tcb->sk.open) {
		if (err != 0)
			sock_notify(tcb, TV_SOCK_ERROR, err, now);
		sock_notify(tcb, TV_SOCK_CLOSED, err, now);
	} else {
		tcb_to_grave(tcb);
	}
}

void tcb_delete(struct tcb *tcb, enum tv_rule rule, int err, tv_time now)
{
	tcb_delete_to(tcb, TCB_CLOSED, rule, err, now);
}

void tcb_release(struct tcb *tcb)
{
	tcb->sk.open = 0;
	if (tcb->gone)
		tcb_to_grave(tcb);
}

void tcp_enter(struct host *h, tv_time now)
{
	if (h->now < now)
		h->now = now;
	h->tcp->depth++;
}

void tcp_leave(struct host *h, tv_time now)
{
	struct tcp_host *t = h->tcp;

	(void)now;
	if (--t->depth > 0 || t->flushing)
		return;
	t->flushing = true;
	do {
		sock_flush(t);
		while (t->grave != NULL) {
			struct tcb *c = t->grave;
			t->grave = c->hnext;
			tcb_free(t, c);
		}
	} while (t->nq_head != NULL);
	t->flushing = false;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One option at p (kind, length, value) already bounds-checked. */
static int tcp_parse_option(const uint8_t *p, uint8_t olen, struct tv_seg_info *info)
{
	switch (p[0]) {
	case 2: /* MSS, RFC 9293 3.2 */
		if (olen != 4)
			return TV_EMSGSIZE;
		info->has_mss = 1;
		info->mss = rd16(p + 2);
		break;
	case 3: /* window scale, RFC 7323 2.2 (shift kept raw; clamped on use) */
		if (olen != 3)
			return TV_EMSGSIZE;
		info->has_wscale = 1;
		info->wscale = p[2];
		break;
	case 4: /* SACK permitted, RFC 2018 (parsed, not used) */
		if (olen != 2)
			return TV_EMSGSIZE;
		info->sack_ok = 1;
		break;
	case 8: /* timestamps, RFC 7323 3 (parsed, not used) */
		if (olen != 10)
			return TV_EMSGSIZE;
		info->has_ts = 1;
		info->tsval = rd32(p + 2);
		info->tsecr = rd32(p + 6);
		break;
	default: /* unknown options are skipped by their length (RFC 9293 3.1) */
		break;
	}
	return TV_OK;
}

/* RFC 9293 3.1: an illegal option length (zero, one, or running past the
 * header) makes the whole segment unusable. */
static int tcp_parse_options(const uint8_t *p, size_t n, struct tv_seg_info *info)
{
	size_t i = 0;

	while (i < n) {
		if (p[i] == 0) /* End of Option List */
			break;
		if (p[i] == 1) { /* No-Operation */
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n)
			return TV_EMSGSIZE;
		int r = tcp_parse_option(p + i, p[i + 1], info);
		if (r != TV_OK)
			return r;
		i += p[i + 1];
	}
	return TV_OK;
}

int tcp_parse(const uint8_t *seg, size_t len, struct tv_seg_info *info)
{
	memset(info, 0, sizeof(*info));
	if (seg == NULL || len < TCP_HLEN)
		return TV_EINVAL;
	size_t doff = (size_t)(seg[12] >> 4) * 4;
	if (doff < TCP_HLEN || doff > len)
		return TV_EINVAL;
	info->sport = rd16(seg);
	info->dport = rd16(seg + 2);
	info->seq = rd32(seg + 4);
	info->ack = rd32(seg + 8);
	info->flags = seg[13];
	info->win = rd16(seg + 14);
	info->len = (uint32_t)(len - doff);
	return tcp_parse_options(seg + TCP_HLEN, doff - TCP_HLEN, info);
}

bool tv_frame_tcp_info(const uint8_t *frame, size_t len, struct tv_seg_info *info)
{
	if (frame == NULL || len < TV_ETH_HLEN + 20 || rd16(frame + 12) != 0x0800)
		return false;
	const uint8_t *ip = frame + TV_ETH_HLEN;
	size_t iplen = len - TV_ETH_HLEN;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	size_t tot = rd16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || tot > iplen)
		return false;
	if ((rd16(ip + 6) & 0x3fff) != 0 || ip[9] != TV_IPPROTO_TCP)
		return false; /* a fragment, or not TCP */
	if (tcp_parse(ip + ihl, tot - ihl, info) != TV_OK)
		return false;
	info->saddr = rd32(ip + 12);
	info->daddr = rd32(ip + 16);
	return true;
}

static void tcp_emit_seg_in(struct host *h, const struct tcb *tcb, const struct tcp_seg *s)
{
	struct tv_event ev;

	if (tcb != NULL) {
		tcb_event_init(tcb, &ev, TV_EV_SEG_IN, TV_RULE_NONE);
	} else {
		memset(&ev, 0, sizeof(ev));
		ev.type = TV_EV_SEG_IN;
		ev.time = h->now;
		ev.host = h->id;
	}
	ev.u.seg = s->i;
	if (tcb != NULL && tcb->state != TCB_LISTEN) {
		ev.u.seg.iss = tcb->iss;
		ev.u.seg.irs = tcb->have_irs ? tcb->irs : 0;
	}
	host_emit(h, &ev);
}

/* Checksum (with the pseudo-header) and header; false if dropped. */
static bool tcp_input_check(struct host *h, uint32_t saddr, uint32_t daddr,
			    const uint8_t *seg, size_t len, struct tcp_seg *s)
{
	if (len < TCP_HLEN || len > 65535) {
		host_drop(h, TV_CNT_TCP_BAD_HDR, TV_RULE_BAD_HEADER, NULL);
		return false;
	}
	uint32_t sum = tv_csum_add(tv_csum_pseudo(saddr, daddr, TV_IPPROTO_TCP, (uint16_t)len),
				   seg, len);
	if (tv_csum_finish(sum) != 0) {
		host_drop(h, TV_CNT_TCP_BAD_CSUM, TV_RULE_BAD_CHECKSUM, NULL);
		return false;
	}
	int r = tcp_parse(seg, len, &s->i);
	s->i.saddr = saddr;
	s->i.daddr = daddr;
	if (r == TV_OK && (s->i.sport == 0 || s->i.dport == 0))
		r = TV_EINVAL; /* port 0 is reserved: no connection can use it */
	if (r != TV_OK) {
		bool opt = r == TV_EMSGSIZE;
		host_drop(h, opt ? TV_CNT_TCP_BAD_OPT : TV_CNT_TCP_BAD_HDR,
			  opt ? TV_RULE_BAD_OPTION : TV_RULE_BAD_HEADER, opt ? &s->i : NULL);
		return false;
	}
	s->data = seg + (len - s->i.len);
	return true;
}

void tcp_input(struct host *h, uint32_t saddr, uint32_t daddr, const uint8_t *seg,
	       size_t len, tv_time now)
{
	struct tcp_seg s;

	host_count(h, TV_CNT_TCP_RX);
	if (h->now < now)
		h->now = now;
	if (!tcp_input_check(h, saddr, daddr, seg, len, &s))
		return;
	s.now = now;
	tcp_enter(h, now);
	struct tv_tuple tuple = {daddr, saddr, s.i.dport, s.i.sport};
	struct tcb *tcb = tcp_lookup(h->tcp, &tuple);
	if (tcb == NULL) {
		tcb = tcp_listener_find(h->tcp, s.i.dport);
		if (tcb != NULL && tcb->tuple.laddr != 0 && tcb->tuple.laddr != daddr)
			tcb = NULL;
	}
	if (tv_bus_active(h->cfg.bus))
		tcp_emit_seg_in(h, tcb, &s);
	tcp_in_segment(h, tcb, &s);
	tcp_leave(h, now);
}
