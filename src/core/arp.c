/*
 * arp.c - the Address Resolution Protocol (RFC 826) for IPv4 over Ethernet.
 *
 * eth_input() passes ARP packets to arp_input(); ipv4_output() passes
 * every outgoing frame to arp_send(), which either sends it at once to the
 * cached hardware address or parks it on the entry's pending queue and
 * broadcasts a request.  host_poll() calls arp_poll() to resend requests,
 * give up on silent addresses and age out entries; host_next_deadline()
 * asks arp_next_deadline() when that is next needed.
 *
 * The cache is a small array kept dense (a removed entry is replaced by
 * the last one), so lookups and the deadline are plain scans over the
 * entries in use: with the handful of neighbours a simulation has, that
 * is cheaper than any index.  Entries are:
 *
 *   INCOMPLETE  a request is out; frames wait on a queue of at most
 *               cfg.arp_pending_max.  The queue drops the NEWEST frame when
 *               full (counted arp.queue_full): the oldest frames are kept
 *               because they usually open the conversation (a SYN).
 *               Requests are resent every cfg.arp_retry; after
 *               cfg.arp_retries requests without an answer the queue is
 *               dropped (arp.timeout) and the entry removed.
 *   RESOLVED    learned from the wire; removed cfg.arp_ttl after it was
 *               last confirmed by an ARP packet (RFC 826 leaves ageing to
 *               the implementation; we do not use upper-layer hints).
 *   PERMANENT   added by arp_insert(..., true); never ages, never evicted,
 *               never overwritten by packets.
 *
 * When the cache is full, a new entry evicts the non-permanent entry
 * confirmed longest ago, preferring resolved entries to incomplete ones
 * (arp.cache_full; frames of an evicted incomplete entry: arp.evict_drop).
 */
#include <stdlib.h>
#include <string.h>

#include "ipv4.h"

#define ARP_PKT_LEN 28
#define ARP_HTYPE_ETHER 1
enum { ARP_OP_REQUEST = 1, ARP_OP_REPLY = 2 };

enum arp_state { ARP_INCOMPLETE, ARP_RESOLVED, ARP_PERMANENT };

struct arp_pkt {
	struct arp_pkt *next;
	size_t len;
	uint8_t data[];
};

struct arp_entry {
	uint32_t addr;
	uint8_t mac[TV_ETH_ALEN];
	uint8_t state;          /* enum arp_state */
	uint8_t sent;           /* INCOMPLETE: requests sent so far */
	uint16_t npending;
	tv_time stamp;          /* created or last confirmed: eviction age */
	tv_time when;           /* INCOMPLETE: next retry; RESOLVED: expiry */
	struct arp_pkt *head, *tail;
};

struct arp_cache {
	unsigned n, max;
	struct arp_entry e[];
};

static const uint8_t arp_bcast[TV_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t arp_zero[TV_ETH_ALEN];

static tv_time arp_after(tv_time now, tv_time delay)
{
	return delay >= TV_NEVER - now ? TV_NEVER : now + delay;
}

const char *tv_arp_change_name(enum tv_arp_change c)
{
	static const char *const names[] = {
		"incomplete", "learned", "changed", "static", "expired", "evicted", "failed",
	};
	_Static_assert(TV_ARRAY_LEN(names) == TV_ARP_CHANGE_COUNT, "arp change names");
	return (unsigned)c < TV_ARRAY_LEN(names) ? names[c] : "?";
}

/* ---- events ---------------------------------------------------------- */

/* An ARP packet (28 bytes at a) seen in or out. */
static void arp_emit_pkt(struct host *h, const uint8_t *a, bool out)
{
	if (!tv_bus_active(h->cfg.bus))
		return;
	struct tv_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_ARP;
	ev.u.arp.op = tv_get_be16(a + 6);
	ev.u.arp.out = out;
	memcpy(ev.u.arp.sha, a + 8, TV_ETH_ALEN);
	ev.u.arp.spa = tv_get_be32(a + 14);
	memcpy(ev.u.arp.tha, a + 18, TV_ETH_ALEN);
	ev.u.arp.tpa = tv_get_be32(a + 24);
	host_emit(h, &ev);
}

static void arp_emit_change(struct host *h, const struct arp_entry *e, enum tv_arp_change c)
{
	if (!tv_bus_active(h->cfg.bus))
		return;
	struct tv_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_ARP;
	ev.u.arp.op = 0;
	ev.u.arp.change = (uint8_t)c;
	ev.u.arp.spa = e->addr;
	memcpy(ev.u.arp.sha, e->mac, TV_ETH_ALEN);
	host_emit(h, &ev);
}

/* ---- packets out ------------------------------------------------------ */

static int arp_tx(struct host *h, uint16_t op, const uint8_t *eth_dst, const uint8_t *tha,
		  uint32_t tpa, tv_time now)
{
	uint8_t f[TV_ETH_HLEN + ARP_PKT_LEN];
	uint8_t *a = f + TV_ETH_HLEN;

	tv_put_be16(a, ARP_HTYPE_ETHER);
	tv_put_be16(a + 2, TV_ETHERTYPE_IPV4);
	a[4] = TV_ETH_ALEN;
	a[5] = 4;
	tv_put_be16(a + 6, op);
	memcpy(a + 8, h->cfg.mac, TV_ETH_ALEN);
	tv_put_be32(a + 14, h->cfg.addr);
	memcpy(a + 18, tha, TV_ETH_ALEN);
	tv_put_be32(a + 24, tpa);
	arp_emit_pkt(h, a, true);
	return eth_output(h, f, sizeof(f), eth_dst, TV_ETHERTYPE_ARP, now);
}

/* RFC 5227 2.3: target hardware address zero in requests. */
static void arp_request(struct host *h, uint32_t tpa, tv_time now)
{
	arp_tx(h, ARP_OP_REQUEST, arp_bcast, arp_zero, tpa, now);
}

/* RFC 5227 3: an announcement is a request with SPA = TPA = our address. */
void arp_announce(struct host *h, tv_time now)
{
	arp_request(h, h->cfg.addr, now);
}

/* ---- the cache -------------------------------------------------------- */

static struct arp_entry *arp_find(const struct arp_cache *arp, uint32_t addr)
{
	for (unsigned i = 0; i < arp->n; i++)
		if (arp->e[i].addr == addr)
			return (struct arp_entry *)&arp->e[i];
	return NULL;
}

static void arp_free_pending(struct host *h, struct arp_entry *e, enum tv_counter why)
{
	struct arp_pkt *p = e->head;
	while (p != NULL) {
		struct arp_pkt *next = p->next;
		if (h != NULL)
			host_drop(h, why, TV_RULE_NONE, NULL);
		free(p);
		p = next;
	}
	e->head = e->tail = NULL;
	e->npending = 0;
}

/* Keep the array dense: the last entry takes the removed one's place. */
static void arp_remove(struct arp_cache *arp, struct arp_entry *e)
{
	struct arp_entry *last = &arp->e[arp->n - 1];
	if (e != last)
		*e = *last;
	arp->n--;
}

static bool arp_evict_before(const struct arp_entry *a, const struct arp_entry *b)
{
	if (a->state != b->state)
		return a->state == ARP_RESOLVED;
	return a->stamp < b->stamp;
}

/* Make room by evicting one entry; false if every entry is permanent. */
static bool arp_evict(struct host *h)
{
	struct arp_cache *arp = h->arp;
	struct arp_entry *victim = NULL;

	for (unsigned i = 0; i < arp->n; i++) {
		struct arp_entry *e = &arp->e[i];
		if (e->state != ARP_PERMANENT && (victim == NULL || arp_evict_before(e, victim)))
			victim = e;
	}
	if (victim == NULL)
		return false;
	host_count(h, TV_CNT_ARP_CACHE_FULL);
	arp_emit_change(h, victim, TV_ARP_EVICTED);
	arp_free_pending(h, victim, TV_CNT_ARP_EVICT_DROP);
	arp_remove(arp, victim);
	return true;
}

/* A fresh INCOMPLETE entry for addr, or NULL if the cache is all static. */
static struct arp_entry *arp_alloc(struct host *h, uint32_t addr, tv_time now)
{
	struct arp_cache *arp = h->arp;

	if (arp->n == arp->max && !arp_evict(h))
		return NULL;
	struct arp_entry *e = &arp->e[arp->n++];
	memset(e, 0, sizeof(*e));
	e->addr = addr;
	e->state = ARP_INCOMPLETE;
	e->stamp = now;
	return e;
}

/* Send the frames that waited for e's address, oldest first. */
static void arp_flush(struct host *h, struct arp_entry *e, tv_time now)
{
	struct arp_pkt *p = e->head;
	uint8_t mac[TV_ETH_ALEN];

	memcpy(mac, e->mac, TV_ETH_ALEN);
	e->head = e->tail = NULL;
	e->npending = 0;
	while (p != NULL) {
		struct arp_pkt *next = p->next;
		eth_output(h, p->data, p->len, mac, TV_ETHERTYPE_IPV4, now);
		free(p);
		p = next;
	}
}

/* Record mac for e (new, incomplete or known) and release its queue. */
static void arp_set(struct host *h, struct arp_entry *e, const uint8_t *mac, bool permanent,
		    tv_time now)
{
	bool was_incomplete = e->state == ARP_INCOMPLETE;
	bool changed = memcmp(e->mac, mac, TV_ETH_ALEN) != 0;

	memcpy(e->mac, mac, TV_ETH_ALEN);
	e->stamp = now;
	if (permanent) {
		e->state = ARP_PERMANENT;
		e->when = TV_NEVER;
		arp_emit_change(h, e, TV_ARP_STATIC);
	} else {
		e->state = ARP_RESOLVED;
		e->when = arp_after(now, h->cfg.arp_ttl);
		if (was_incomplete || changed)
			arp_emit_change(h, e, was_incomplete ? TV_ARP_LEARNED : TV_ARP_CHANGED);
	}
	if (was_incomplete)
		arp_flush(h, e, now);
}

struct arp_cache *arp_new(struct host *h, tv_time now)
{
	unsigned max = h->cfg.arp_cache_max;
	struct arp_cache *arp = calloc(1, sizeof(*arp) + max * sizeof(arp->e[0]));
	if (arp == NULL)
		return NULL;
	arp->max = max;
	return arp;
}

/* Shrinking evicts the oldest entries first (counted like any eviction);
 * static entries stay, so the cache cannot shrink below them. */
int arp_set_cache_max(struct host *h, unsigned max)
{
	struct arp_cache *arp = h->arp, *grown;
	unsigned permanent = 0;

	if (max == 0 || max > ARP_CACHE_MAX)
		return TV_EINVAL;
	for (unsigned i = 0; i < arp->n; i++)
		permanent += arp->e[i].state == ARP_PERMANENT;
	if (permanent > max)
		return TV_ENOBUFS;
	while (arp->n > max)
		arp_evict(h);
	grown = realloc(arp, sizeof(*arp) + max * sizeof(arp->e[0]));
	if (grown == NULL && max > arp->max)
		return TV_ENOMEM;
	if (grown != NULL)
		h->arp = arp = grown;
	arp->max = max;
	h->cfg.arp_cache_max = (uint16_t)max;
	return TV_OK;
}

void arp_free(struct arp_cache *arp)
{
	if (arp == NULL)
		return;
	for (unsigned i = 0; i < arp->n; i++)
		arp_free_pending(NULL, &arp->e[i], TV_CNT_ARP_TIMEOUT);
	free(arp);
}

static bool arp_mac_ok(const uint8_t *mac)
{
	/* A station address is unicast (I/G bit clear) and not all zero. */
	return (mac[0] & 1) == 0 && memcmp(mac, arp_zero, TV_ETH_ALEN) != 0;
}

int arp_insert(struct host *h, uint32_t addr, const uint8_t mac[TV_ETH_ALEN], bool permanent,
	       tv_time now)
{
	if (addr == 0 || !arp_mac_ok(mac))
		return TV_EINVAL;
	if (now > h->now)
		h->now = now;
	struct arp_entry *e = arp_find(h->arp, addr);
	if (e == NULL)
		e = arp_alloc(h, addr, now);
	if (e == NULL)
		return TV_ENOBUFS;
	arp_set(h, e, mac, permanent, now);
	return TV_OK;
}

bool arp_lookup(const struct host *h, uint32_t addr, uint8_t mac[TV_ETH_ALEN])
{
	const struct arp_entry *e = arp_find(h->arp, addr);
	if (e == NULL || e->state == ARP_INCOMPLETE ||
	    (e->state == ARP_RESOLVED && h->now >= e->when))
		return false;
	memcpy(mac, e->mac, TV_ETH_ALEN);
	return true;
}

unsigned arp_cache_size(const struct host *h)
{
	return h->arp->n;
}

/* ---- input: RFC 826 "Packet Reception" ------------------------------- */

static bool arp_pkt_valid(const uint8_t *a, size_t len)
{
	if (len < ARP_PKT_LEN)
		return false;
	uint16_t op = tv_get_be16(a + 6);
	return tv_get_be16(a) == ARP_HTYPE_ETHER && tv_get_be16(a + 2) == TV_ETHERTYPE_IPV4 &&
	       a[4] == TV_ETH_ALEN && a[5] == 4 &&
	       (op == ARP_OP_REQUEST || op == ARP_OP_REPLY) && arp_mac_ok(a + 8);
}

static void arp_reply(struct host *h, const uint8_t *sha, uint32_t spa, tv_time now)
{
	/* Sent back to the requester's hardware address, not broadcast. */
	arp_tx(h, ARP_OP_REPLY, sha, sha, spa, now);
}

/* RFC 826's merge: a known sender's entry is updated (refreshing its
 * age); an unknown sender is added only when the packet is for us.  A
 * sender address of 0 is an RFC 5227 probe, which teaches nothing. */
static void arp_learn_sender(struct host *h, const uint8_t *sha, uint32_t spa, bool for_us,
			     tv_time now)
{
	if (spa == 0)
		return;
	struct arp_entry *e = arp_find(h->arp, spa);
	if (e == NULL && for_us)
		e = arp_alloc(h, spa, now);
	if (e != NULL && e->state != ARP_PERMANENT)
		arp_set(h, e, sha, false, now);
}

void arp_input(struct host *h, const uint8_t *a, size_t len, tv_time now)
{
	host_count(h, TV_CNT_ARP_RX);
	if (!arp_pkt_valid(a, len)) {
		host_drop(h, TV_CNT_ARP_BAD, TV_RULE_NONE, NULL);
		return;
	}
	arp_emit_pkt(h, a, false);

	uint16_t op = tv_get_be16(a + 6);
	uint32_t spa = tv_get_be32(a + 14), tpa = tv_get_be32(a + 24);
	uint32_t self = h->cfg.addr;
	if (self != 0 && spa == self) {
		/* Someone else claims our address (RFC 5227 2.4): never learn
		 * it; defending the address is left to a future version. */
		host_drop(h, TV_CNT_ARP_CONFLICT, TV_RULE_NONE, NULL);
		return;
	}
	bool for_us = self != 0 && tpa == self;
	arp_learn_sender(h, a + 8, spa, for_us, now);
	if (op == ARP_OP_REQUEST && for_us)
		arp_reply(h, a + 8, spa, now);
	else if (op == ARP_OP_REQUEST)
		host_count(h, TV_CNT_ARP_NOT_US);
}

/* ---- output ----------------------------------------------------------- */

static int arp_enqueue(struct host *h, struct arp_entry *e, const uint8_t *frame, size_t len)
{
	if (e->npending >= h->cfg.arp_pending_max) {
		host_drop(h, TV_CNT_ARP_QUEUE_FULL, TV_RULE_NONE, NULL);
		return TV_ENOBUFS;
	}
	struct arp_pkt *p = malloc(sizeof(*p) + len);
	if (p == NULL) {
		host_drop(h, TV_CNT_ARP_NOMEM, TV_RULE_NONE, NULL);
		return TV_ENOMEM;
	}
	p->next = NULL;
	p->len = len;
	memcpy(p->data, frame, len);
	if (e->tail != NULL)
		e->tail->next = p;
	else
		e->head = p;
	e->tail = p;
	e->npending++;
	return TV_OK;
}

static void arp_expire(struct host *h, struct arp_entry *e)
{
	arp_emit_change(h, e, TV_ARP_EXPIRED);
	arp_remove(h->arp, e);
}

int arp_send(struct host *h, uint32_t nexthop, uint8_t *frame, size_t len, tv_time now)
{
	struct arp_entry *e = arp_find(h->arp, nexthop);

	if (e != NULL && e->state == ARP_RESOLVED && now >= e->when) {
		arp_expire(h, e);
		e = NULL;
	}
	if (e != NULL && e->state != ARP_INCOMPLETE)
		return eth_output(h, frame, len, e->mac, TV_ETHERTYPE_IPV4, now);
	if (e != NULL)
		return arp_enqueue(h, e, frame, len);

	e = arp_alloc(h, nexthop, now);
	if (e == NULL) {
		host_drop(h, TV_CNT_ARP_QUEUE_FULL, TV_RULE_NONE, NULL);
		return TV_ENOBUFS;
	}
	int err = arp_enqueue(h, e, frame, len);
	arp_emit_change(h, e, TV_ARP_INCOMPLETE);
	e->sent = 1;
	e->when = arp_after(now, h->cfg.arp_retry);
	arp_request(h, nexthop, now);
	return err;
}

/* ---- timers ----------------------------------------------------------- */

/* An unanswered request is due: resend, or give up after arp_retries
 * (at least one request is always sent). */
static bool arp_retry_or_fail(struct host *h, struct arp_entry *e, tv_time now)
{
	if (e->sent < h->cfg.arp_retries) {
		e->sent++;
		e->when = arp_after(now, h->cfg.arp_retry);
		arp_request(h, e->addr, now);
		return false;
	}
	arp_free_pending(h, e, TV_CNT_ARP_TIMEOUT);
	arp_emit_change(h, e, TV_ARP_FAILED);
	arp_remove(h->arp, e);
	return true;
}

void arp_poll(struct host *h, tv_time now)
{
	struct arp_cache *arp = h->arp;
	unsigned i = 0;

	while (i < arp->n) {
		struct arp_entry *e = &arp->e[i];
		bool removed = false;
		if (e->state == ARP_RESOLVED && now >= e->when) {
			arp_expire(h, e);
			removed = true;
		} else if (e->state == ARP_INCOMPLETE && now >= e->when) {
			removed = arp_retry_or_fail(h, e, now);
		}
		if (!removed)
			i++;
	}
}

tv_time arp_next_deadline(const struct host *h)
{
	const struct arp_cache *arp = h->arp;
	tv_time t = TV_NEVER;

	for (unsigned i = 0; i < arp->n; i++)
		if (arp->e[i].state != ARP_PERMANENT && arp->e[i].when < t)
			t = arp->e[i].when;
	return t;
}
