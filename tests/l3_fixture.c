/*
 * l3_fixture.c - helpers shared by the tests of the layers under TCP; see
 * l3_fixture.h.  Tests only: allocation failures abort the test.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "l3_fixture.h"

const uint8_t fx_bcast[TV_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void *fx_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(p);
	return p;
}

static void fx_cap_push(struct fx_cap *c, const uint8_t *frame, size_t len, tv_time now,
			unsigned from)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->f = realloc(c->f, c->cap * sizeof(*c->f));
		ck_assert_ptr_nonnull(c->f);
	}
	struct fx_frame *fr = &c->f[c->n++];
	fr->data = fx_xmalloc(len);
	memcpy(fr->data, frame, len);
	fr->len = len;
	fr->when = now;
	fr->from = from;
}

int fx_cap_tx(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct fx_cap *c = ctx;
	if (c->fail)
		return c->fail;
	fx_cap_push(c, frame, len, now, 0);
	return 0;
}

void fx_cap_clear(struct fx_cap *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->f[i].data);
	c->n = 0;
}

void fx_cap_free(struct fx_cap *c)
{
	fx_cap_clear(c);
	free(c->f);
	memset(c, 0, sizeof(*c));
}

static void fx_events_sink(void *ctx, const struct tv_event *ev)
{
	struct fx_events *e = ctx;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->ev = realloc(e->ev, e->cap * sizeof(*e->ev));
		ck_assert_ptr_nonnull(e->ev);
	}
	e->ev[e->n++] = *ev;
}

void fx_events_init(struct fx_events *e)
{
	memset(e, 0, sizeof(*e));
	tv_bus_init(&e->bus);
	ck_assert_int_eq(tv_bus_add(&e->bus, fx_events_sink, e), 0);
}

void fx_events_fini(struct fx_events *e)
{
	tv_bus_fini(&e->bus);
	free(e->ev);
}

size_t fx_events_count(const struct fx_events *e, enum tv_event_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++)
		n += e->ev[i].type == t;
	return n;
}

size_t fx_events_arp_changes(const struct fx_events *e, enum tv_arp_change c)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++)
		n += e->ev[i].type == TV_EV_ARP && e->ev[i].u.arp.op == 0 &&
		     e->ev[i].u.arp.change == c;
	return n;
}

void fx_mac(uint8_t mac[TV_ETH_ALEN], unsigned n)
{
	const uint8_t m[TV_ETH_ALEN] = {0x02, 0, 0, 0, 0, (uint8_t)n};
	memcpy(mac, m, TV_ETH_ALEN);
}

void fx_config(struct host_config *cfg, unsigned n, struct fx_cap *cap, struct tv_bus *bus)
{
	host_config_default(cfg);
	cfg->name[0] = (char)('A' + n - 1);
	fx_mac(cfg->mac, n);
	cfg->addr = FX_ADDR(n);
	cfg->prefix_len = 24;
	cfg->seed = n;
	cfg->tx = cap ? fx_cap_tx : NULL;
	cfg->tx_ctx = cap;
	cfg->bus = bus;
}

struct host *fx_host(unsigned n, struct fx_cap *cap, struct tv_bus *bus)
{
	struct host_config cfg;
	fx_config(&cfg, n, cap, bus);
	struct host *h = host_new(&cfg, n, FX_T0);
	ck_assert_ptr_nonnull(h);
	if (cap)
		fx_cap_clear(cap);
	return h;
}

void fx_feed(struct host *h, const uint8_t *frame, size_t len, tv_time now)
{
	uint8_t *copy = fx_xmalloc(len);
	if (len)
		memcpy(copy, frame, len);
	host_input(h, copy, len, now);
	free(copy);
}

static void fx_eth(uint8_t *f, const uint8_t dst[TV_ETH_ALEN], const uint8_t src[TV_ETH_ALEN],
		   uint16_t type)
{
	memcpy(f, dst, TV_ETH_ALEN);
	memcpy(f + 6, src, TV_ETH_ALEN);
	tv_put_be16(f + 12, type);
}

size_t fx_build_arp(uint8_t *f, const uint8_t eth_dst[TV_ETH_ALEN], uint16_t op,
		    const uint8_t sha[TV_ETH_ALEN], uint32_t spa, const uint8_t tha[TV_ETH_ALEN],
		    uint32_t tpa)
{
	fx_eth(f, eth_dst, sha, TV_ETHERTYPE_ARP);
	uint8_t *a = f + 14;
	tv_put_be16(a, 1);
	tv_put_be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	tv_put_be16(a + 6, op);
	memcpy(a + 8, sha, 6);
	tv_put_be32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	tv_put_be32(a + 24, tpa);
	return 14 + 28;
}

void fx_ipv4_fix_csum(uint8_t *f)
{
	uint8_t *ip = f + 14;
	size_t hlen = (size_t)(ip[0] & 0xf) * 4;
	ip[10] = ip[11] = 0;
	uint16_t c = tv_csum_finish(tv_csum_add(0, ip, hlen));
	memcpy(ip + 10, &c, 2);
}

size_t fx_build_ipv4(uint8_t *f, unsigned from, unsigned to, uint8_t proto,
		     const uint8_t *payload, size_t plen)
{
	uint8_t src[6], dst[6];
	fx_mac(src, from);
	fx_mac(dst, to);
	fx_eth(f, dst, src, TV_ETHERTYPE_IPV4);
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	tv_put_be16(ip + 2, (uint16_t)(20 + plen));
	tv_put_be16(ip + 4, 0x1234);
	tv_put_be16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	tv_put_be32(ip + 12, FX_ADDR(from));
	tv_put_be32(ip + 16, FX_ADDR(to));
	if (plen)
		memcpy(ip + 20, payload, plen);
	fx_ipv4_fix_csum(f);
	return 14 + 20 + plen;
}

size_t fx_build_echo(uint8_t *f, unsigned from, unsigned to, uint8_t type, uint16_t id,
		     uint16_t seq, const uint8_t *data, size_t dlen)
{
	uint8_t *m = fx_xmalloc(8 + dlen);
	m[0] = type;
	m[1] = 0;
	m[2] = m[3] = 0;
	tv_put_be16(m + 4, id);
	tv_put_be16(m + 6, seq);
	if (dlen)
		memcpy(m + 8, data, dlen);
	uint16_t c = tv_csum_finish(tv_csum_add(0, m, 8 + dlen));
	memcpy(m + 2, &c, 2);
	size_t n = fx_build_ipv4(f, from, to, TV_IPPROTO_ICMP, m, 8 + dlen);
	free(m);
	return n;
}

uint16_t fx_ethertype(const struct fx_frame *fr)
{
	ck_assert_uint_ge(fr->len, 14);
	return tv_get_be16(fr->data + 12);
}

uint16_t fx_arp_op(const struct fx_frame *fr)
{
	ck_assert_uint_ge(fr->len, 42);
	return tv_get_be16(fr->data + 14 + 6);
}

uint32_t fx_arp_tpa(const struct fx_frame *fr)
{
	ck_assert_uint_ge(fr->len, 42);
	return tv_get_be32(fr->data + 14 + 24);
}

bool fx_is_ipv4(const struct fx_frame *fr)
{
	return fr->len >= 34 && tv_get_be16(fr->data + 12) == TV_ETHERTYPE_IPV4;
}

bool fx_csum_ok(const uint8_t *p, size_t len)
{
	return tv_csum_finish(tv_csum_add(0, p, len)) == 0;
}

void fx_snap(const struct host *h, uint64_t snap[TV_CNT_COUNT])
{
	memcpy(snap, h->counters, sizeof(h->counters));
}

uint64_t fx_other_rises(const struct host *h, const uint64_t snap[TV_CNT_COUNT],
			const enum tv_counter *expect)
{
	uint64_t sum = 0;
	for (int c = 0; c < TV_CNT_COUNT; c++) {
		bool listed = false;
		for (const enum tv_counter *e = expect; *e != TV_CNT_COUNT; e++)
			listed |= *e == (enum tv_counter)c;
		if (!listed)
			sum += h->counters[c] - snap[c];
	}
	return sum;
}

static int fx_net_tx(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct fx_port *p = ctx;
	fx_cap_push(&p->net->q, frame, len, now, p->idx);
	return 0;
}

void fx_net_init(struct fx_net *net, tv_time now)
{
	memset(net, 0, sizeof(*net));
	net->now = now;
}

struct host *fx_net_add(struct fx_net *net, unsigned n, struct host_config *cfg)
{
	struct host_config def;
	ck_assert_uint_lt(net->nh, FX_NET_MAX);
	if (cfg == NULL) {
		fx_config(&def, n, NULL, NULL);
		cfg = &def;
	}
	unsigned i = net->nh++;
	net->port[i] = (struct fx_port){net, i};
	cfg->tx = fx_net_tx;
	cfg->tx_ctx = &net->port[i];
	net->h[i] = host_new(cfg, n, net->now);
	ck_assert_ptr_nonnull(net->h[i]);
	return net->h[i];
}

void fx_net_deliver(struct fx_net *net)
{
	while (net->head < net->q.n) {
		/* Copy first: delivering may append to (and move) the queue. */
		struct fx_frame fr = net->q.f[net->head++];
		for (unsigned i = 0; i < net->nh; i++)
			if (i != fr.from)
				fx_feed(net->h[i], fr.data, fr.len, net->now);
		net->delivered++;
	}
}

void fx_net_run(struct fx_net *net, tv_time until)
{
	for (int guard = 0; guard < 100000; guard++) {
		fx_net_deliver(net);
		tv_time next = TV_NEVER;
		for (unsigned i = 0; i < net->nh; i++) {
			tv_time t = host_next_deadline(net->h[i]);
			next = t < next ? t : next;
		}
		if (next == TV_NEVER || next > until)
			break;
		net->now = next > net->now ? next : net->now;
		for (unsigned i = 0; i < net->nh; i++)
			if (host_next_deadline(net->h[i]) <= net->now)
				host_poll(net->h[i], net->now);
	}
	fx_net_deliver(net);
	if (until != TV_NEVER && until > net->now)
		net->now = until;
}

void fx_net_fini(struct fx_net *net)
{
	for (unsigned i = 0; i < net->nh; i++)
		host_free(net->h[i]);
	fx_cap_free(&net->q);
}
