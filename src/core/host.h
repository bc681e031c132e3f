/*
 * host.h - one endpoint of the stack: an interface (MAC, IPv4 address),
 * an ARP cache, the TCP connections, counters, and where its frames go.
 *
 * Everything in the core hangs off a struct host; there are no globals, so
 * any number of hosts can run side by side in one process.  The owner
 * (the wire/sim driver, or the libuv runtime over TAP) calls:
 *
 *   host_input(h, frame, len, now)   a frame arrived from the link
 *   host_poll(h, now)                run every timer due at or before now
 *   host_next_deadline(h)            when host_poll must next be called
 *
 * and receives the host's outgoing frames through cfg.tx.  `now` never goes
 * backwards.  The host never reads a clock of its own.
 */
#ifndef TV_HOST_H
#define TV_HOST_H

#include "counter.h"
#include "event.h"
#include "tv.h"

#define TV_ETH_ALEN 6
#define TV_ETH_HLEN 14
#define TV_IP_HLEN 20       /* we send no IP options */
#define TV_HDR_ROOM (TV_ETH_HLEN + TV_IP_HLEN)
#define TV_MTU_MAX 9000
#define TV_FRAME_MAX (TV_ETH_HLEN + TV_MTU_MAX)

/* Called for every frame the host sends.  The frame is only valid during
 * the call.  Returns 0, or a negative TV_E* code (counted, not fatal). */
typedef int (*tv_tx_fn)(void *ctx, const uint8_t *frame, size_t len, tv_time now);

/* TCP parameters; every connection starts with a copy of the host's. */
struct tcp_params {
	tv_time msl;              /* maximum segment lifetime: 120 s (RFC 793) */
	tv_time rto_initial;      /* 1 s (RFC 6298 2.1) */
	tv_time rto_min;          /* 1 s (RFC 6298 2.4); configurable */
	tv_time rto_max;          /* 60 s (RFC 6298 2.5) */
	uint8_t syn_retries;      /* SYN / SYN,ACK retransmissions before giving up */
	uint8_t data_retries;     /* data / FIN retransmissions before giving up */
	bool keepalive;           /* off by default, like SO_KEEPALIVE */
	tv_time keepalive_idle;   /* 7200 s */
	tv_time keepalive_intvl;  /* 75 s */
	uint8_t keepalive_count;  /* 10 */
	bool delayed_ack;         /* on */
	tv_time delack_timeout;   /* 200 ms (RFC 1122 4.2.3.2: at most 500 ms) */
	bool nagle;               /* on */
	bool window_scaling;      /* on (RFC 7323) */
	uint16_t mss;             /* our MSS; 0 = from the MTU */
	uint32_t rcvbuf;          /* receive buffer bytes = largest window */
	uint32_t sndbuf;          /* send buffer bytes */
	uint32_t ooo_max;         /* out-of-order bytes kept per connection */
	tv_time persist_min;      /* first zero-window probe delay */
	tv_time persist_max;      /* backoff cap for probes */
	tv_time fin_wait_2;       /* orphaned FIN-WAIT-2 limit, 0 = none */
	uint32_t challenge_acks_per_sec; /* RFC 5961 7: rate limit */
};

struct host_config {
	char name[16];            /* "A", "B": used in events and transcripts */
	uint8_t mac[TV_ETH_ALEN];
	uint32_t addr;            /* host byte order */
	uint8_t prefix_len;       /* on-link prefix */
	uint16_t mtu;             /* 1500 */
	uint8_t ttl;              /* 64 */
	tv_time arp_ttl;          /* cache entry lifetime: 60 s */
	tv_time arp_retry;        /* request retry interval: 1 s */
	uint8_t arp_retries;      /* requests before giving up: 3 */
	uint16_t arp_cache_max;   /* 64 entries */
	uint16_t arp_pending_max; /* packets queued per unresolved address: 8 */
	uint32_t max_conns;       /* TCBs per host: 65536 */
	uint16_t backlog_default; /* SYN backlog when listen() gives 0: 128 */
	bool backlog_evict;       /* a SYN at a full backlog evicts the oldest
				     half-open child (RFC 4987 3.4) instead of
				     being dropped: off (the textbook rule);
				     the TAP runtime turns it on */
	uint8_t isn_key[16];      /* RFC 6528 secret; the caller fills it */
	uint64_t seed;            /* for the host's own random choices */
	struct tcp_params tcp;
	tv_tx_fn tx;
	void *tx_ctx;
	struct tv_bus *bus;       /* may be NULL: no events */
};

struct arp_cache;
struct tcp_host;

struct host {
	struct host_config cfg;
	uint32_t id;              /* unique among hosts sharing a bus: 1, 2, ... */
	struct tv_rng rng;
	uint64_t counters[TV_CNT_COUNT];
	struct arp_cache *arp;
	struct tcp_host *tcp;
	tv_time now;              /* latest time seen by an entry point */
	uint32_t ip_id;           /* next IPv4 identification */
};

/* Fill cfg with the defaults above (name, addresses, tx left empty;
 * prefix_len 24). */
void host_config_default(struct host_config *cfg);

/* NULL if out of memory or if cfg is unusable (mtu outside 68..TV_MTU_MAX,
 * prefix_len > 32, arp_cache_max 0).  Sends a gratuitous ARP at `now`
 * (unless cfg.addr is 0). */
struct host *host_new(const struct host_config *cfg, uint32_t id, tv_time now);
/* Would host_new accept cfg (out of memory aside)? */
bool host_config_valid(const struct host_config *cfg);
void host_free(struct host *h);

/* A frame from the link.  Never fails: bad frames are counted and dropped. */
void host_input(struct host *h, const uint8_t *frame, size_t len, tv_time now);
/* Run timers due at or before now (and flush socket notifications). */
void host_poll(struct host *h, tv_time now);
/* Earliest time host_poll has work to do, TV_NEVER if none. */
tv_time host_next_deadline(const struct host *h);

static inline void host_count(struct host *h, enum tv_counter c)
{
	h->counters[c]++;
}

/* Emit an event stamped with this host's id and time (no-op with no bus). */
void host_emit(struct host *h, struct tv_event *ev);

/* Count a drop and report it as an event. */
void host_drop(struct host *h, enum tv_counter c, enum tv_rule rule,
	       const struct tv_seg_info *seg);

/* Dotted quad into buf (at least 16 bytes); returns buf. */
char *tv_ip_str(uint32_t addr, char *buf);
/* Parse a dotted quad; 0 on success, TV_EINVAL otherwise. */
int tv_ip_parse(const char *s, uint32_t *addr);

#endif
