/*
 * tcp_fixture.h - a two-host test bench for TCP (check_tcp*.c and any
 * other test that needs real connections).
 *
 * A pair is host A (side 0, 10.0.0.1, MAC 02:00:00:00:00:01) and host B
 * (side 1, 10.0.0.2, MAC ...:02) with static ARP entries for each other,
 * sharing one event bus whose events are all recorded.  Each host's tx
 * appends a copy of the frame to the pair's queue (tx never calls
 * host_input); the test delivers, drops or inspects queued frames, and
 * moves virtual time to the next deadline with fx_advance().  Every frame
 * ever sent is also kept in a log, parsed, for assertions about what a
 * host sent.
 *
 * fx_tcb_in_state() builds a connection in any of the eleven states by
 * driving real segments through both stacks (see the function for which
 * side it returns).  fx_inject() hands a host a hand-made segment with
 * correct checksums (or deliberately broken ones).
 */
#ifndef TV_TCP_FIXTURE_H
#define TV_TCP_FIXTURE_H

#include "core/host.h"
#include "core/ipv4.h"
#include "core/sock.h"
#include "core/tcb.h"

#define FXT_ADDR(n) (0x0a000000u | (uint32_t)(n)) /* 10.0.0.n */
#define FXT_T0 TV_SEC(1000)                         /* start time, not 0 */
#define FXT_PORT 80                                 /* the server's port */
#define FXT_A 0
#define FXT_B 1

/* A frame a host sent: the raw bytes and, if it is TCP, the parse. */
struct fx_frame {
	uint8_t *data;
	size_t len;
	unsigned from;            /* FXT_A or FXT_B */
	tv_time when;
	bool tcp;
	struct tv_seg_info i;     /* when tcp */
	const uint8_t *payload;   /* when tcp: i.len bytes */
};

/* A socket user that records its callbacks. */
struct fx_app {
	struct fx_pair *p;
	unsigned ev[8];           /* callbacks received, by tv_sock_event */
	int err;                  /* err of the last ERROR callback */
	bool auto_accept;         /* listener: accept at once into child */
	bool auto_read;           /* read everything as it arrives into rx */
	struct fx_app *child;     /* app given to accepted sockets */
	struct tv_sock *sock;     /* the socket (for a listener: last accepted) */
	uint8_t *rx;
	size_t rxlen, rxcap;
	bool eof;                 /* recv returned 0 */
};

struct fx_pair;

struct fx_txc {
	struct fx_pair *p;
	unsigned side;
};

struct fx_pair {
	struct host *h[2];
	struct fx_txc txc[2];     /* tx contexts (the pair must not move) */
	struct tv_bus bus;
	struct tv_event *ev;      /* every event, in order */
	size_t nev, evcap;
	bool record_events;
	struct fx_frame *q;       /* sent, not yet delivered or dropped */
	size_t nq, qcap;
	struct fx_frame *log;     /* every frame sent (when log_frames) */
	size_t nlog, logcap;
	bool log_frames;
	tv_time now;
	struct fx_app app_a;      /* A's connecting socket */
	struct fx_app app_l;      /* B's listener */
	struct fx_app app_b;      /* B's accepted socket */
	struct tv_sock *sa, *sl, *sb;
};

/* tune (may be NULL) adjusts each host's config before it is created. */
typedef void (*fx_tune_fn)(struct host_config *cfg, unsigned side);

void fx_pair_init(struct fx_pair *p, fx_tune_fn tune);
void fx_pair_fini(struct fx_pair *p);

/* The callback fx_app uses; ctx is a struct fx_app. */
void fx_app_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err);

/* ---- the queue -------------------------------------------------------- */
struct fx_frame *fx_q_at(struct fx_pair *p, size_t i);
/* Deliver queued frame i to the other host (removing it). */
void fx_deliver(struct fx_pair *p, size_t i);
void fx_drop(struct fx_pair *p, size_t i);
/* Deliver until the queue is empty (frames sent meanwhile included);
 * returns the number delivered. */
size_t fx_deliver_all(struct fx_pair *p);
void fx_q_clear(struct fx_pair *p);
/* Deliver only the frames queued now (one "round trip" step); returns
 * how many. */
size_t fx_deliver_round(struct fx_pair *p);
/* Drop every queued frame from `from`; returns how many. */
size_t fx_drop_from(struct fx_pair *p, unsigned from);
/* Index of the first queued TCP frame from `from` whose flags & mask ==
 * want, or -1. */
long fx_q_find(struct fx_pair *p, unsigned from, uint8_t mask, uint8_t want);

/* ---- time ------------------------------------------------------------- */
/* Earliest deadline of either host (TV_NEVER if none). */
tv_time fx_next_deadline(struct fx_pair *p);
/* Move to the next deadline and poll both hosts; false if there is none
 * or it lies after `limit`.  Frames sent go to the queue. */
bool fx_advance(struct fx_pair *p, tv_time limit);
/* Set the clock (never backwards) and poll both hosts. */
void fx_set_time(struct fx_pair *p, tv_time t);
/* Deliver everything and advance through deadlines until both are idle
 * or the clock would pass limit. */
void fx_run(struct fx_pair *p, tv_time limit);

/* ---- connections ------------------------------------------------------ */
/* B listens on FXT_PORT (auto-accepting into app_b). */
void fx_listen(struct fx_pair *p);
/* A connects to B:FXT_PORT; frames stay queued. */
void fx_connect(struct fx_pair *p);
/* fx_listen + fx_connect + deliver all: both ESTABLISHED. */
void fx_establish(struct fx_pair *p);
/* The TCB behind a socket, including a listener's or a gone one's. */
struct tcb *fx_tcb(struct tv_sock *s);
/* B's TCB for A's connection (a child, accepted or not), or NULL. */
struct tcb *fx_peer_tcb(struct fx_pair *p, const struct tcb *a);

/*
 * A connection in `state`, reached with real segments; frames still in
 * flight stay queued.  Returns the TCB on host A, except LISTEN (B's
 * listener) and SYN-RECEIVED (B's child, its SYN,ACK queued).  CLOSED is
 * A's unconnected socket.  A's socket is p->sa; when closing was needed
 * A used sock_shutdown, so the handle stays usable.
 *   SYN-SENT      A's SYN queued
 *   ESTABLISHED   both established, queue empty
 *   FIN-WAIT-1    A's FIN queued
 *   FIN-WAIT-2    A's FIN delivered and ACKed; B in CLOSE-WAIT
 *   CLOSE-WAIT    B shut down, its FIN delivered, A's ACK delivered
 *   LAST-ACK      then A shut down: A's FIN queued
 *   CLOSING       both shut down; B's FIN delivered first: A's ACK and
 *                 A's FIN queued
 *   TIME-WAIT     A closed first; the four-way close is complete
 */
struct tcb *fx_tcb_in_state(struct fx_pair *p, enum tcb_state state);

/* ---- crafted segments -------------------------------------------------- */
struct fx_spec {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *opt;       /* raw option bytes */
	uint8_t optlen;
	uint8_t doff;             /* data offset in words; 0 = computed */
	const void *data;
	size_t len;
	bool bad_csum;
};

/* A spec as the peer of tcb would send it (addresses and ports). */
void fx_spec_peer(struct fx_spec *s, const struct tcb *tcb);
/* Build eth + IPv4 + TCP for host `to`; returns the frame length. */
size_t fx_build(uint8_t *buf, size_t cap, unsigned to, const struct fx_spec *s);
/* Build and hand it to host `to` at the current time. */
void fx_inject(struct fx_pair *p, unsigned to, const struct fx_spec *s);
/* Inject a segment from tcb's peer to tcb's host. */
void fx_inject_to(struct fx_pair *p, const struct tcb *tcb, uint32_t seq, uint32_t ack,
		  uint8_t flags, const void *data, size_t len);

/* ---- events ------------------------------------------------------------ */
size_t fx_count_events(const struct fx_pair *p, enum tv_event_type t);
/* Count of STATE events on host side `host` (FXT_A/FXT_B, or -1 any)
 * going old -> new with rule (TV_RULE_COUNT = any rule). */
size_t fx_count_state(const struct fx_pair *p, int host, enum tcb_state old,
		      enum tcb_state new_state, enum tv_rule rule);
/* Count of events of type t with rule r (any host). */
size_t fx_count_rule(const struct fx_pair *p, enum tv_event_type t, enum tv_rule r);
/* Frames in the log from `from` with flags & mask == want since index i0. */
size_t fx_log_count(const struct fx_pair *p, size_t i0, unsigned from, uint8_t mask,
		    uint8_t want);
uint64_t fx_counter(const struct fx_pair *p, unsigned side, enum tv_counter c);

#endif
