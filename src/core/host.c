/*
 * host.c - struct host: one endpoint of the stack (host.h).
 *
 * A driver (the in-memory wire, the TAP runtime, a test) creates a host
 * with host_new(), feeds it frames with host_input(), runs its timers with
 * host_poll() at host_next_deadline(), and receives its frames through
 * cfg.tx.  This file owns the host's lifetime, its defaults, the event and
 * drop helpers every layer uses, and dotted-quad conversion; the layers
 * themselves live in eth.c, arp.c, ipv4.c, icmp.c and tcp*.c.
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "ipv4.h"
#include "tcp.h"

static void host_tcp_defaults(struct tcp_params *p)
{
	p->msl = TV_SEC(120);
	p->rto_initial = TV_SEC(1);
	/* RFC 6298 2.4 asks for a 1 s floor; simulations often lower it to
	 * show congestion control without long waits, hence configurable. */
	p->rto_min = TV_SEC(1);
	p->rto_max = TV_SEC(60);
	p->syn_retries = 6;
	p->data_retries = 15;
	p->keepalive = false;
	p->keepalive_idle = TV_SEC(7200);
	p->keepalive_intvl = TV_SEC(75);
	p->keepalive_count = 10;
	p->delayed_ack = true;
	p->delack_timeout = TV_MSEC(200);
	p->nagle = true;
	p->window_scaling = true;
	p->mss = 0;
	p->rcvbuf = 256 * 1024;
	p->sndbuf = 256 * 1024;
	p->ooo_max = 256 * 1024;
	p->persist_min = TV_SEC(1);
	p->persist_max = TV_SEC(60);
	p->fin_wait_2 = TV_SEC(60);
	p->challenge_acks_per_sec = 10;
}

void host_config_default(struct host_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->prefix_len = 24;
	cfg->mtu = 1500;
	cfg->ttl = 64;
	cfg->arp_ttl = TV_SEC(60);
	cfg->arp_retry = TV_SEC(1);
	cfg->arp_retries = 3;
	cfg->arp_cache_max = 64;
	cfg->arp_pending_max = 8;
	cfg->max_conns = 65536;
	cfg->backlog_default = 128;
	cfg->backlog_evict = false;
	host_tcp_defaults(&cfg->tcp);
}

bool host_config_valid(const struct host_config *cfg)
{
	/* 68 is the smallest MTU every IPv4 host must accept (RFC 791). */
	return cfg->mtu >= 68 && cfg->mtu <= TV_MTU_MAX && cfg->prefix_len <= 32 &&
	       cfg->arp_cache_max > 0;
}

struct host *host_new(const struct host_config *cfg, uint32_t id, tv_time now)
{
	if (!host_config_valid(cfg))
		return NULL;
	struct host *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->cfg = *cfg;
	h->cfg.name[sizeof(h->cfg.name) - 1] = '\0';
	h->id = id;
	h->now = now;
	tv_rng_seed(&h->rng, cfg->seed);
	h->ip_id = (uint32_t)tv_rng_below(&h->rng, 0x10000);
	h->arp = arp_new(h, now);
	if (h->arp != NULL)
		h->tcp = tcp_host_new(h);
	if (h->tcp == NULL) {
		host_free(h);
		return NULL;
	}
	if (h->cfg.addr != 0)
		arp_announce(h, now);
	return h;
}

void host_free(struct host *h)
{
	if (h == NULL)
		return;
	if (h->tcp != NULL)
		tcp_host_free(h->tcp);
	if (h->arp != NULL)
		arp_free(h->arp);
	free(h);
}

void host_input(struct host *h, const uint8_t *frame, size_t len, tv_time now)
{
	h->now = now;
	eth_input(h, frame, len, now);
}

void host_poll(struct host *h, tv_time now)
{
	h->now = now;
	arp_poll(h, now);
	tcp_poll(h, now);
}

tv_time host_next_deadline(const struct host *h)
{
	tv_time a = arp_next_deadline(h);
	tv_time t = tcp_next_deadline(h);
	return a < t ? a : t;
}

void host_emit(struct host *h, struct tv_event *ev)
{
	if (!tv_bus_active(h->cfg.bus))
		return;
	ev->host = h->id;
	ev->time = h->now;
	tv_bus_emit(h->cfg.bus, ev);
}

void host_drop(struct host *h, enum tv_counter c, enum tv_rule rule,
	       const struct tv_seg_info *seg)
{
	host_count(h, c);
	if (!tv_bus_active(h->cfg.bus))
		return;
	struct tv_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_DROP;
	ev.rule = rule;
	ev.u.drop.counter = c;
	if (seg != NULL) {
		ev.u.drop.seg = *seg;
		ev.u.drop.has_seg = true;
	}
	host_emit(h, &ev);
}

/* Writes the decimal digits of v (0..255) at p; returns the end. */
static char *ip_put_octet(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *tv_ip_str(uint32_t addr, char *buf)
{
	char *p = buf;
	for (int shift = 24; shift >= 0; shift -= 8) {
		p = ip_put_octet(p, (addr >> shift) & 0xff);
		*p++ = shift ? '.' : '\0';
	}
	return buf;
}

/* One octet: 1-3 decimal digits, no leading zero (so "010" is not read
 * as octal by one tool and decimal by another), at most 255. */
static const char *ip_parse_octet(const char *s, uint32_t *v)
{
	unsigned n = 0, digits = 0;
	while (*s >= '0' && *s <= '9' && digits < 4) {
		n = n * 10 + (unsigned)(*s++ - '0');
		digits++;
	}
	if (digits == 0 || digits > 3 || n > 255 || (digits > 1 && s[-(int)digits] == '0'))
		return NULL;
	*v = n;
	return s;
}

int tv_ip_parse(const char *s, uint32_t *addr)
{
	uint32_t a = 0, v;
	if (s == NULL)
		return TV_EINVAL;
	for (int i = 0; i < 4; i++) {
		s = ip_parse_octet(s, &v);
		if (s == NULL || *s != (i < 3 ? '.' : '\0'))
			return TV_EINVAL;
		s++;
		a = a << 8 | v;
	}
	*addr = a;
	return TV_OK;
}
