/*
 * l3_fixture.h - shared helpers for the tests of the layers under TCP
 * (check_host, check_eth, check_arp, check_ipv4, check_icmp).
 *
 * Host n (1, 2, ...) has MAC 02:00:00:00:00:0n and address 10.0.0.n/24.
 * A capture (struct fx_cap) is a tx callback that records copies of the
 * frames a host sends; a net (struct fx_net) joins hosts through a queue
 * that the test loop drains (tx only appends, so host_input is never
 * called from inside tx).  Frame builders write hand-made frames.
 */
#ifndef TV_L3_FIXTURE_H
#define TV_L3_FIXTURE_H

#include "core/host.h"
#include "core/ipv4.h"

#define FX_ADDR(n) (0x0a000000u | (uint32_t)(n)) /* 10.0.0.n */
#define FX_T0 TV_SEC(1000)                         /* a start time that is not 0 */

struct fx_frame {
	uint8_t *data;
	size_t len;
	tv_time when;
	unsigned from;  /* index of the sending host in a net */
};

struct fx_cap {
	struct fx_frame *f;
	size_t n, cap;
	int fail;       /* tx returns this when non-zero */
};

int fx_cap_tx(void *ctx, const uint8_t *frame, size_t len, tv_time now);
void fx_cap_clear(struct fx_cap *c);
void fx_cap_free(struct fx_cap *c);

struct fx_events {
	struct tv_bus bus;
	struct tv_event *ev;
	size_t n, cap;
};

/* Initialise an event recorder (its bus has one sink that records). */
void fx_events_init(struct fx_events *e);
void fx_events_fini(struct fx_events *e);
size_t fx_events_count(const struct fx_events *e, enum tv_event_type t);
/* Number of ARP cache-change events of the given kind. */
size_t fx_events_arp_changes(const struct fx_events *e, enum tv_arp_change c);

void fx_mac(uint8_t mac[TV_ETH_ALEN], unsigned n);
extern const uint8_t fx_bcast[TV_ETH_ALEN];

/* Default config of host n sending into cap (may be NULL) and bus. */
void fx_config(struct host_config *cfg, unsigned n, struct fx_cap *cap, struct tv_bus *bus);
/* Host n with the default config; its gratuitous ARP is cleared from cap. */
struct host *fx_host(unsigned n, struct fx_cap *cap, struct tv_bus *bus);

/* host_input from an exact-size heap copy, so ASan catches over-reads. */
void fx_feed(struct host *h, const uint8_t *frame, size_t len, tv_time now);

/* Frame builders: write into f, return the frame length. */
size_t fx_build_arp(uint8_t *f, const uint8_t eth_dst[TV_ETH_ALEN], uint16_t op,
		    const uint8_t sha[TV_ETH_ALEN], uint32_t spa, const uint8_t tha[TV_ETH_ALEN],
		    uint32_t tpa);
/* IPv4 packet from host `from` to host `to` (MACs and addresses by index):
 * 20-byte header, TTL 64, DF, valid checksum. */
size_t fx_build_ipv4(uint8_t *f, unsigned from, unsigned to, uint8_t proto,
		     const uint8_t *payload, size_t plen);
/* Recompute the header checksum of the IPv4 header at f + 14. */
void fx_ipv4_fix_csum(uint8_t *f);
/* ICMP echo (type 8 or 0) from host `from` to host `to`, valid checksums. */
size_t fx_build_echo(uint8_t *f, unsigned from, unsigned to, uint8_t type, uint16_t id,
		     uint16_t seq, const uint8_t *data, size_t dlen);

/* Accessors for captured frames. */
uint16_t fx_ethertype(const struct fx_frame *fr);
uint16_t fx_arp_op(const struct fx_frame *fr);
uint32_t fx_arp_tpa(const struct fx_frame *fr);
bool fx_is_ipv4(const struct fx_frame *fr);
bool fx_csum_ok(const uint8_t *p, size_t len);

/* Counters: snapshot, and "which counters changed" checks. */
void fx_snap(const struct host *h, uint64_t snap[TV_CNT_COUNT]);
/* Sum of the increases of every counter except the ones listed in
 * `expect` (terminated by TV_CNT_COUNT), i.e. unexpected activity. */
uint64_t fx_other_rises(const struct host *h, const uint64_t snap[TV_CNT_COUNT],
			const enum tv_counter *expect);

/* A link joining up to 4 hosts through a queue drained by the test. */
#define FX_NET_MAX 4
struct fx_net;
struct fx_port {
	struct fx_net *net;
	unsigned idx;
};
struct fx_net {
	struct host *h[FX_NET_MAX];
	struct fx_port port[FX_NET_MAX];
	unsigned nh;
	struct fx_cap q;      /* frames in flight, f[i].from = sender index */
	size_t head;
	tv_time now;
	uint64_t delivered;
};

void fx_net_init(struct fx_net *net, tv_time now);
/* Add host n (default config with cfg tweaks applied by the caller if
 * cfg is non-NULL: its tx is redirected to the net). */
struct host *fx_net_add(struct fx_net *net, unsigned n, struct host_config *cfg);
/* Deliver queued frames (to every other host; MAC filtering is theirs). */
void fx_net_deliver(struct fx_net *net);
/* Deliver, then jump to deadlines and poll, until nothing is left before
 * `until` (virtual time). */
void fx_net_run(struct fx_net *net, tv_time until);
void fx_net_fini(struct fx_net *net);

#endif
