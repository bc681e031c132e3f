/*
 * tcp_fixture.c - the two-host TCP test bench (tcp_fixture.h).
 *
 * Allocation failures abort the test program: a fixture that cannot set
 * itself up has nothing meaningful to report.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "tcp_fixture.h"

static void *fx_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	ck_assert_msg(q != NULL, "out of memory in the fixture");
	return q;
}

static void fx_macof(uint8_t mac[TV_ETH_ALEN], unsigned side)
{
	static const uint8_t base[TV_ETH_ALEN] = {2, 0, 0, 0, 0, 0};
	memcpy(mac, base, TV_ETH_ALEN);
	mac[5] = (uint8_t)(side + 1);
}

static void fx_sink(void *ctx, const struct tv_event *ev)
{
	struct fx_pair *p = ctx;

	if (!p->record_events)
		return;
	if (p->nev == p->evcap) {
		p->evcap = p->evcap ? p->evcap * 2 : 256;
		p->ev = fx_xrealloc(p->ev, p->evcap * sizeof(*p->ev));
	}
	p->ev[p->nev++] = *ev;
}

static void fx_frame_parse(struct fx_frame *f)
{
	f->tcp = tv_frame_tcp_info(f->data, f->len, &f->i);
	if (f->tcp) {
		size_t ihl = (size_t)(f->data[TV_ETH_HLEN] & 15) * 4;
		size_t tot = tv_get_be16(f->data + TV_ETH_HLEN + 2);
		f->payload = f->data + TV_ETH_HLEN + tot - f->i.len;
		(void)ihl;
	}
}

static void fx_push(struct fx_frame **arr, size_t *n, size_t *cap, const struct fx_frame *f)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*arr = fx_xrealloc(*arr, *cap * sizeof(**arr));
	}
	(*arr)[(*n)++] = *f;
}

static int fx_tx(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct fx_txc *txc = ctx;
	struct fx_pair *p = txc->p;
	unsigned side = txc->side;
	struct fx_frame f = {0};

	f.data = fx_xrealloc(NULL, len);
	memcpy(f.data, frame, len);
	f.len = len;
	f.from = side;
	f.when = now;
	fx_frame_parse(&f);
	fx_push(&p->q, &p->nq, &p->qcap, &f);
	if (p->log_frames) {
		struct fx_frame c = f;
		c.data = fx_xrealloc(NULL, len);
		memcpy(c.data, frame, len);
		fx_frame_parse(&c);
		fx_push(&p->log, &p->nlog, &p->logcap, &c);
	}
	return 0;
}

void fx_app_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct fx_app *a = ctx;

	a->ev[ev]++;
	if (ev == TV_SOCK_ERROR)
		a->err = err;
	if (ev == TV_SOCK_ACCEPTABLE && a->auto_accept) {
		struct tv_sock *c;
		struct fx_app *ca = a->child ? a->child : a;
		while (sock_accept(s, fx_app_cb, ca, &c, a->p->now) == TV_OK) {
			a->sock = c;
			ca->sock = c;
			if (a->p->sb == NULL && ca == &a->p->app_b)
				a->p->sb = c;
		}
	}
	if (ev == TV_SOCK_READABLE && a->auto_read) {
		for (;;) {
			if (a->rxcap - a->rxlen < 4096) {
				a->rxcap = a->rxcap ? a->rxcap * 2 : 65536;
				a->rx = fx_xrealloc(a->rx, a->rxcap);
			}
			long n = sock_recv(s, a->rx + a->rxlen, a->rxcap - a->rxlen, a->p->now);
			if (n == 0)
				a->eof = true;
			if (n <= 0)
				break;
			a->rxlen += (size_t)n;
		}
	}
}

void fx_pair_init(struct fx_pair *p, fx_tune_fn tune)
{
	memset(p, 0, sizeof(*p));
	tv_bus_init(&p->bus);
	ck_assert_int_eq(tv_bus_add(&p->bus, fx_sink, p), TV_OK);
	p->record_events = true;
	p->log_frames = true;
	p->now = FXT_T0;
	for (unsigned side = 0; side < 2; side++) {
		struct host_config cfg;
		host_config_default(&cfg);
		cfg.name[0] = (char)('A' + side);
		fx_macof(cfg.mac, side);
		cfg.addr = FXT_ADDR(side + 1);
		cfg.seed = 1000 + side;
		for (int i = 0; i < 16; i++)
			cfg.isn_key[i] = (uint8_t)(i * 7 + side);
		cfg.bus = &p->bus;
		p->txc[side].p = p;
		p->txc[side].side = side;
		cfg.tx = fx_tx;
		cfg.tx_ctx = &p->txc[side];
		if (tune != NULL)
			tune(&cfg, side);
		p->h[side] = host_new(&cfg, side + 1, p->now);
		ck_assert_ptr_nonnull(p->h[side]);
	}
	for (unsigned side = 0; side < 2; side++) {
		uint8_t mac[TV_ETH_ALEN];
		fx_macof(mac, 1 - side);
		ck_assert_int_eq(arp_insert(p->h[side], FXT_ADDR(2 - side), mac, true, p->now),
				 TV_OK);
	}
	struct fx_app *apps[3] = {&p->app_a, &p->app_l, &p->app_b};
	for (int i = 0; i < 3; i++) {
		apps[i]->p = p;
		apps[i]->auto_read = true;
	}
	p->app_l.auto_accept = true;
	p->app_l.child = &p->app_b;
	fx_q_clear(p);
	p->nev = 0;
	for (size_t i = 0; i < p->nlog; i++)
		free(p->log[i].data);
	p->nlog = 0;
}

static void fx_frames_free(struct fx_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].data);
	free(f);
}

void fx_pair_fini(struct fx_pair *p)
{
	for (int side = 0; side < 2; side++)
		host_free(p->h[side]);
	fx_frames_free(p->q, p->nq);
	fx_frames_free(p->log, p->nlog);
	free(p->ev);
	free(p->app_a.rx);
	free(p->app_l.rx);
	free(p->app_b.rx);
	tv_bus_fini(&p->bus);
	memset(p, 0, sizeof(*p));
}

struct fx_frame *fx_q_at(struct fx_pair *p, size_t i)
{
	ck_assert_uint_lt(i, p->nq);
	return &p->q[i];
}

static struct fx_frame fx_q_take(struct fx_pair *p, size_t i)
{
	struct fx_frame f = *fx_q_at(p, i);
	memmove(p->q + i, p->q + i + 1, (p->nq - i - 1) * sizeof(*p->q));
	p->nq--;
	return f;
}

void fx_deliver(struct fx_pair *p, size_t i)
{
	struct fx_frame f = fx_q_take(p, i);
	/* An exact-size copy, so a sanitizer catches any over-read. */
	host_input(p->h[1 - f.from], f.data, f.len, p->now);
	free(f.data);
}

void fx_drop(struct fx_pair *p, size_t i)
{
	struct fx_frame f = fx_q_take(p, i);
	free(f.data);
}

size_t fx_deliver_all(struct fx_pair *p)
{
	size_t n = 0;

	while (p->nq > 0) {
		fx_deliver(p, 0);
		ck_assert_uint_lt(++n, 10000000);
	}
	return n;
}

size_t fx_deliver_round(struct fx_pair *p)
{
	size_t n = p->nq;
	for (size_t i = 0; i < n; i++)
		fx_deliver(p, 0);
	return n;
}

size_t fx_drop_from(struct fx_pair *p, unsigned from)
{
	size_t n = 0;
	for (size_t i = p->nq; i-- > 0;)
		if (p->q[i].from == from) {
			fx_drop(p, i);
			n++;
		}
	return n;
}

void fx_q_clear(struct fx_pair *p)
{
	while (p->nq > 0)
		fx_drop(p, p->nq - 1);
}

long fx_q_find(struct fx_pair *p, unsigned from, uint8_t mask, uint8_t want)
{
	for (size_t i = 0; i < p->nq; i++)
		if (p->q[i].tcp && p->q[i].from == from && (p->q[i].i.flags & mask) == want)
			return (long)i;
	return -1;
}

tv_time fx_next_deadline(struct fx_pair *p)
{
	tv_time a = host_next_deadline(p->h[0]), b = host_next_deadline(p->h[1]);
	return a < b ? a : b;
}

void fx_set_time(struct fx_pair *p, tv_time t)
{
	if (t > p->now)
		p->now = t;
	host_poll(p->h[0], p->now);
	host_poll(p->h[1], p->now);
}

bool fx_advance(struct fx_pair *p, tv_time limit)
{
	tv_time t = fx_next_deadline(p);

	if (t == TV_NEVER || t > limit)
		return false;
	fx_set_time(p, t);
	return true;
}

void fx_run(struct fx_pair *p, tv_time limit)
{
	for (;;) {
		fx_deliver_all(p);
		if (!fx_advance(p, limit))
			break;
	}
	fx_deliver_all(p);
}

void fx_listen(struct fx_pair *p)
{
	ck_assert_int_eq(sock_listen(p->h[1], FXT_PORT, 0, fx_app_cb, &p->app_l, &p->sl, p->now),
			 TV_OK);
}

void fx_connect(struct fx_pair *p)
{
	ck_assert_int_eq(sock_connect(p->h[0], FXT_ADDR(2), FXT_PORT, 0, fx_app_cb, &p->app_a,
				      &p->sa, p->now),
			 TV_OK);
	p->app_a.sock = p->sa;
}

void fx_establish(struct fx_pair *p)
{
	fx_listen(p);
	fx_connect(p);
	fx_deliver_all(p);
	ck_assert_ptr_nonnull(p->sb);
	ck_assert_int_eq(fx_tcb(p->sa)->state, TCB_ESTABLISHED);
	ck_assert_int_eq(fx_tcb(p->sb)->state, TCB_ESTABLISHED);
}

struct tcb *fx_tcb(struct tv_sock *s)
{
	return s == NULL ? NULL : (struct tcb *)((char *)s - offsetof(struct tcb, sk));
}

struct tcb *fx_peer_tcb(struct fx_pair *p, const struct tcb *a)
{
	struct tv_tuple t = {a->tuple.raddr, a->tuple.laddr, a->tuple.rport, a->tuple.lport};
	return tcp_lookup(p->h[1]->tcp, &t);
}

static void fx_shutdown(struct fx_pair *p, struct tv_sock *s)
{
	ck_assert_int_eq(sock_shutdown(s, p->now), TV_OK);
}

/* Deliver the queued frames from one side only, oldest first. */
static void fx_deliver_from(struct fx_pair *p, unsigned from)
{
	long i;
	while ((i = fx_q_find(p, from, 0, 0)) >= 0)
		fx_deliver(p, (size_t)i);
}

struct tcb *fx_tcb_in_state(struct fx_pair *p, enum tcb_state state)
{
	switch (state) {
	case TCB_CLOSED:
		ck_assert_int_eq(sock_new(p->h[0], fx_app_cb, &p->app_a, &p->sa), TV_OK);
		return fx_tcb(p->sa);
	case TCB_LISTEN:
		fx_listen(p);
		return fx_tcb(p->sl);
	case TCB_SYN_SENT:
		fx_listen(p);
		fx_connect(p);
		return fx_tcb(p->sa);
	case TCB_SYN_RECEIVED:
		fx_listen(p);
		fx_connect(p);
		fx_deliver_from(p, FXT_A);
		return fx_peer_tcb(p, fx_tcb(p->sa));
	default:
		break;
	}
	fx_establish(p);
	struct tcb *a = fx_tcb(p->sa);
	switch (state) {
	case TCB_FIN_WAIT_1:
		fx_shutdown(p, p->sa);
		break;
	case TCB_FIN_WAIT_2:
		fx_shutdown(p, p->sa);
		fx_deliver_all(p);
		break;
	case TCB_CLOSE_WAIT:
		fx_shutdown(p, p->sb);
		fx_deliver_all(p);
		break;
	case TCB_LAST_ACK:
		fx_shutdown(p, p->sb);
		fx_deliver_all(p);
		fx_shutdown(p, p->sa);
		break;
	case TCB_CLOSING:
		fx_shutdown(p, p->sa);
		fx_shutdown(p, p->sb);
		fx_deliver_from(p, FXT_B);
		break;
	case TCB_TIME_WAIT:
		fx_shutdown(p, p->sa);
		fx_deliver_all(p);
		fx_shutdown(p, p->sb);
		fx_deliver_all(p);
		break;
	default:
		break;
	}
	ck_assert_int_eq(a->state, state);
	return a;
}

void fx_spec_peer(struct fx_spec *s, const struct tcb *tcb)
{
	memset(s, 0, sizeof(*s));
	s->saddr = tcb->tuple.raddr;
	s->daddr = tcb->tuple.laddr;
	s->sport = tcb->tuple.rport;
	s->dport = tcb->tuple.lport;
	s->win = 65535;
}

size_t fx_build(uint8_t *buf, size_t cap, unsigned to, const struct fx_spec *s)
{
	size_t tcplen = TCP_HLEN + s->optlen + s->len;
	size_t len = TV_ETH_HLEN + TV_IP_HLEN + tcplen;
	ck_assert_uint_le(len, cap);
	memset(buf, 0, len);
	fx_macof(buf, to);
	fx_macof(buf + 6, 1 - to);
	tv_put_be16(buf + 12, TV_ETHERTYPE_IPV4);
	uint8_t *ip = buf + TV_ETH_HLEN;
	ip[0] = 0x45;
	tv_put_be16(ip + 2, (uint16_t)(TV_IP_HLEN + tcplen));
	tv_put_be16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = TV_IPPROTO_TCP;
	tv_put_be32(ip + 12, s->saddr);
	tv_put_be32(ip + 16, s->daddr);
	uint16_t c = tv_csum_finish(tv_csum_add(0, ip, TV_IP_HLEN));
	memcpy(ip + 10, &c, 2);
	uint8_t *t = ip + TV_IP_HLEN;
	tv_put_be16(t, s->sport);
	tv_put_be16(t + 2, s->dport);
	tv_put_be32(t + 4, s->seq);
	tv_put_be32(t + 8, s->ack);
	t[12] = (uint8_t)((s->doff ? s->doff : (TCP_HLEN + s->optlen) / 4) << 4);
	t[13] = s->flags;
	tv_put_be16(t + 14, s->win);
	if (s->optlen)
		memcpy(t + TCP_HLEN, s->opt, s->optlen);
	if (s->len)
		memcpy(t + TCP_HLEN + s->optlen, s->data, s->len);
	uint32_t sum = tv_csum_pseudo(s->saddr, s->daddr, TV_IPPROTO_TCP, (uint16_t)tcplen);
	c = tv_csum_finish(tv_csum_add(sum, t, tcplen));
	if (s->bad_csum)
		c ^= 0x5555;
	memcpy(t + 16, &c, 2);
	return len;
}

void fx_inject(struct fx_pair *p, unsigned to, const struct fx_spec *s)
{
	size_t cap = TV_ETH_HLEN + TV_IP_HLEN + TCP_HLEN + s->optlen + s->len;
	uint8_t *buf = fx_xrealloc(NULL, cap);
	size_t len = fx_build(buf, cap, to, s);
	host_input(p->h[to], buf, len, p->now);
	free(buf);
}

void fx_inject_to(struct fx_pair *p, const struct tcb *tcb, uint32_t seq, uint32_t ack,
		  uint8_t flags, const void *data, size_t len)
{
	struct fx_spec s;
	fx_spec_peer(&s, tcb);
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.data = data;
	s.len = len;
	fx_inject(p, tcb->h == p->h[0] ? FXT_A : FXT_B, &s);
}

size_t fx_count_events(const struct fx_pair *p, enum tv_event_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nev; i++)
		n += p->ev[i].type == t;
	return n;
}

size_t fx_count_state(const struct fx_pair *p, int host, enum tcb_state old,
		      enum tcb_state new_state, enum tv_rule rule)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nev; i++) {
		const struct tv_event *e = &p->ev[i];
		if (e->type != TV_EV_STATE || e->u.state.old_state != old ||
		    e->u.state.new_state != new_state)
			continue;
		if (host >= 0 && e->host != (uint32_t)host + 1)
			continue;
		if (rule != TV_RULE_COUNT && e->rule != rule)
			continue;
		n++;
	}
	return n;
}

size_t fx_count_rule(const struct fx_pair *p, enum tv_event_type t, enum tv_rule r)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nev; i++)
		n += p->ev[i].type == t && p->ev[i].rule == r;
	return n;
}

size_t fx_log_count(const struct fx_pair *p, size_t i0, unsigned from, uint8_t mask,
		    uint8_t want)
{
	size_t n = 0;
	for (size_t i = i0; i < p->nlog; i++)
		n += p->log[i].tcp && p->log[i].from == from && (p->log[i].i.flags & mask) == want;
	return n;
}

uint64_t fx_counter(const struct fx_pair *p, unsigned side, enum tv_counter c)
{
	return p->h[side]->counters[c];
}
