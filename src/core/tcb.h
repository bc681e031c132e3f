/*
 * tcb.h - the transmission control block and the interfaces between the
 * files that make up TCP.  Nothing outside src/core/tcp*.c, sock.c and
 * isn.c should need this header, except tests and front ends that inspect
 * a connection (read-only) through sock_tcb().
 *
 *   tcp.c        connection table, state changes, input entry, parsing
 *   tcp_in.c     segment arrival, one handler per state (RFC 9293 3.10.7)
 *   tcp_out.c    building and sending segments, window and Nagle rules
 *   tcp_timer.c  the per-host timer heap and the six per-connection timers
 *   tcp_cc.c     congestion control: RFC 5681 with NewReno (RFC 6582)
 *   tcp_buf.c    send/receive rings and out-of-order reassembly
 *   isn.c        initial sequence numbers (RFC 6528, SipHash-2-4)
 *   sock.c       the socket-like API (sock.h) and deferred callbacks
 *
 * Lifetime.  A TCB is created by sock_new/sock_connect/sock_listen or by a
 * SYN reaching a listener.  The socket handle is embedded in the TCB, so
 * "the handle stays valid after the connection is gone" means the TCB's
 * memory stays until the application releases the handle.  A TCB that
 * reaches CLOSED is unhashed and its timers stop at once; its memory is
 * freed when it has no handle, and never before the outermost TCP entry
 * point returns (tcp_leave), so a pointer held during input stays valid.
 */
#ifndef TV_TCB_H
#define TV_TCB_H

#include "seq.h"
#include "sock.h"
#include "tcp.h"

#define TCP_HLEN 20           /* header without options */
#define TCP_OPT_MAX 40
#define TCP_MSS_MIN 64        /* smallest MSS we accept or use; see tcp_mss_clamp */
#define TCP_MSS_DEFAULT 536   /* RFC 9293 3.7.1: no MSS option received (IPv4) */
#define TCP_WSCALE_MAX 14     /* RFC 7323 2.3 */
#define TCP_OOO_RANGES 16     /* out-of-order ranges kept per connection */
#define TCP_EPHEMERAL_LO 49152
#define TCP_BUF_CACHE 16      /* spare ring buffers kept per host */

/* The per-connection timers; the values match enum tv_timer_kind. */
enum tcb_timer {
	TCB_T_REXMIT = TV_TIMER_REXMIT,
	TCB_T_PERSIST = TV_TIMER_PERSIST,
	TCB_T_DELACK = TV_TIMER_DELACK,
	TCB_T_KEEPALIVE = TV_TIMER_KEEPALIVE,
	TCB_T_2MSL = TV_TIMER_2MSL,
	TCB_T_CONN = TV_TIMER_CONN,
	TCB_T_COUNT
};

/* A byte ring; buf is NULL until data arrives (idle connections hold no
 * buffer memory) and grows by doubling as data needs it.  cap is the
 * buffer's logical size (sndbuf/rcvbuf), size what is allocated (<= cap);
 * head is the index of the first byte, len the bytes held from there. */
struct tcp_ring {
	uint8_t *buf;
	uint32_t cap, size, head, len;
};

#define TCP_RING_MIN 4096     /* first allocation of a ring */

/* Out-of-order data already copied into the receive ring beyond its
 * in-order part: sorted, disjoint [lo, hi) sequence ranges. */
struct tcp_ooo {
	uint32_t bytes;
	uint32_t n;
	struct {
		uint32_t lo, hi;
	} r[TCP_OOO_RANGES];
};

/* Intrusive doubly linked list (a listener's half-open and accept lists). */
struct tcb_link {
	struct tcb_link *next, *prev;
};

/* What only a listening TCB has. */
struct tcb_listen {
	struct tcb_link half;     /* children in SYN-RECEIVED */
	struct tcb_link ready;    /* children established, not yet accepted */
	uint16_t backlog;
	uint16_t nchild;          /* on both lists */
};

/* The application's handle, embedded in its TCB (see the top comment). */
struct tv_sock {
	tv_sock_cb cb;
	void *ctx;
	struct tcb *qnext;        /* notification queue */
	uint8_t pending;          /* bit (1 << tv_sock_event) per queued event */
	uint8_t open : 1;         /* the application holds the handle */
	uint8_t queued : 1;
	uint8_t write_blocked : 1;/* a send came up short: report WRITABLE */
	uint8_t listener : 1;
	uint8_t shut_wr : 1;      /* sock_shutdown or sock_close was called */
	uint8_t closed : 1;       /* sock_close: full close, no more reading */
};

struct tcb {
	struct tv_sock sk;
	struct host *h;
	struct tcb *hnext;        /* hash chain, listener list or graveyard */
	struct tcb *anext, *aprev;/* every TCB of the host (for host_free) */
	struct tcb *parent;       /* listener, until accepted */
	struct tcb_link link;     /* in the parent's half/ready list */
	struct tcb_listen *lst;   /* LISTEN only */
	struct tv_tuple tuple;
	uint32_t id;              /* per-host connection id, events use it */
	uint32_t heap_idx;        /* 1-based slot in the timer heap, 0 = none */

	uint8_t state;            /* enum tcb_state; only tcb_set_state writes */
	uint8_t rexmit_count;     /* consecutive retransmission timeouts */
	uint8_t persist_shift;    /* zero-window probe backoff */
	uint8_t ka_probes;        /* unanswered keepalive probes */
	uint8_t snd_wscale;       /* peer's shift (applies to SEG.WND) */
	uint8_t rcv_wscale;       /* our shift (applies to what we advertise) */
	uint16_t dupacks;         /* duplicate ACKs in a row, and on through
				     the fast recovery they started (tcp_cc.c) */
	int8_t err;               /* TV_E* reported to the socket */
	uint8_t keep_cnt;

	uint32_t passive : 1;     /* born from a listener */
	uint32_t have_irs : 1;    /* peer's SYN seen: RCV.NXT valid, ACK set */
	uint32_t ws_ok : 1;       /* window scaling in effect (both SYNs had it) */
	uint32_t ws_want : 1;     /* offer window scaling in our SYN */
	uint32_t fin_queued : 1;  /* application closed: FIN after the data */
	uint32_t rcv_fin : 1;     /* peer's FIN consumed */
	uint32_t ooo_fin : 1;     /* peer's FIN seen beyond a hole */
	uint32_t in_recovery : 1; /* NewReno fast recovery */
	uint32_t rtt_active : 1;  /* timing rtt_seq */
	uint32_t syn_rexmit : 1;  /* our SYN was retransmitted (RFC 6298 5.7) */
	uint32_t in_persist : 1;
	uint32_t ack_now : 1;     /* send an ACK at the end of input */
	uint32_t ack_delayed : 1; /* an ACK is owed, delayed-ACK timer running */
	uint32_t keepalive : 1;
	uint32_t nodelay : 1;
	uint32_t delack : 1;
	uint32_t hashed : 1;
	uint32_t in_grave : 1;
	uint32_t ready : 1;       /* on the parent's ready list */
	uint32_t gone : 1;        /* reached CLOSED: unhashed, timers stopped */
	uint32_t rec_partial : 1; /* a partial ACK was seen in this recovery */

	uint16_t snd_mss;         /* effective send MSS */
	uint16_t rcv_mss;         /* MSS we advertised */
	uint16_t rcv_seg_max;     /* largest segment received (delayed ACK) */
	uint16_t mss_opt;         /* TV_SO_MSS, 0 = from the MTU */

	uint32_t iss, irs;
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2, max_sndwnd;
	uint32_t snd_bufseq;      /* sequence number of snd.buf[head] */
	uint32_t rcv_nxt, rcv_adv;/* rcv_adv: right edge we advertised */
	uint32_t rcv_acked;       /* RCV.NXT in the last ACK we sent */
	uint32_t rcv_fin_seq;     /* with ooo_fin */
	uint32_t cwnd, ssthresh, recover, ca_acked;
	uint32_t srtt, rttvar, rto; /* microseconds; srtt 0 = no sample yet */
	uint32_t rtt_seq;
	tv_time rtt_start;
	tv_time last_rx;          /* keepalive idle is measured from here */
	tv_time keep_idle, keep_intvl;
	tv_time timer[TCB_T_COUNT];
	tv_time deadline;         /* min(timer[]): the heap key */

	struct tcp_ring snd, rcv;
	struct tcp_ooo *ooo;
};

struct tcp_host {
	struct host *h;
	struct tcb **buckets;     /* 4-tuple hash, chained through hnext */
	uint32_t nbuckets;        /* power of two */
	uint32_t nhashed;
	uint32_t ntcbs;           /* all TCBs, limited by cfg.max_conns */
	uint64_t hash_key;
	struct tcb *listeners;
	struct tcb *all;
	struct tcb **heap;        /* min-heap on tcb->deadline */
	uint32_t heap_len, heap_cap;
	uint32_t next_id;
	uint16_t next_port;
	uint32_t chal_count;      /* RFC 5961 7: challenge ACKs this second */
	tv_time chal_start;
	struct tcb *nq_head, *nq_tail; /* sockets with pending callbacks */
	struct tcb *grave;        /* CLOSED TCBs to free at tcp_leave */
	unsigned depth;
	bool flushing;
	uint32_t ncache;
	struct {
		uint8_t *buf;
		uint32_t size;
	} cache[TCP_BUF_CACHE];
};

/* A segment being processed by input (host byte order, options parsed). */
struct tcp_seg {
	struct tv_seg_info i;
	const uint8_t *data;      /* payload; i.len bytes */
	tv_time now;
};

static inline struct tcp_host *tcb_tcp(const struct tcb *tcb)
{
	return tcb->h->tcp;
}

static inline bool tcb_synchronized(const struct tcb *tcb)
{
	return tcb->state >= TCB_ESTABLISHED;
}

/* Sequence number of our FIN (valid once fin_queued). */
static inline uint32_t tcb_fin_seq(const struct tcb *tcb)
{
	return tcb->snd_bufseq + tcb->snd.len;
}

static inline bool tcb_fin_acked(const struct tcb *tcb)
{
	return tcb->fin_queued && tcb->snd_una == tcb_fin_seq(tcb) + 1;
}

/*
 * The largest MSS the MTU allows (RFC 9293 3.7.1: MTU minus the fixed IPv4
 * and TCP headers), and the clamp for any MSS we use.  RFC 9293 sets no
 * lower bound; a peer announcing 0 or a handful of bytes would have us
 * send nothing or mostly headers, so we never go below TCP_MSS_MIN (64):
 * every IPv4 host must take 576-byte datagrams (RFC 791), so a peer that
 * asked for less can still receive them.
 */
static inline uint32_t tcb_mtu_mss(const struct host *h)
{
	return h->cfg.mtu > 40 + TCP_MSS_MIN ? h->cfg.mtu - 40u : TCP_MSS_MIN;
}

static inline uint16_t tcp_mss_clamp(uint32_t mss, uint32_t mtu_mss)
{
	return (uint16_t)(mss < TCP_MSS_MIN ? TCP_MSS_MIN : mss > mtu_mss ? mtu_mss : mss);
}

static inline bool tcb_bus_active(const struct tcb *tcb)
{
	return tv_bus_active(tcb->h->cfg.bus);
}

/* tcp.c */
void tcb_set_state(struct tcb *tcb, enum tcb_state new_state, enum tv_rule rule, tv_time now);
struct tcb *tcb_new(struct host *h, tv_time now);
/* Move to CLOSED: unhash, stop timers, report err (0 = normal close) to
 * the socket.  Memory is freed later (see the top comment). */
void tcb_delete(struct tcb *tcb, enum tv_rule rule, int err, tv_time now);
/* The same, ending in `to` (LISTEN for a passive child sent back to its
 * listener, RFC 9293 figure 5 note 1). */
void tcb_delete_to(struct tcb *tcb, enum tcb_state to, enum tv_rule rule, int err,
		   tv_time now);
/* Free a CLOSED TCB whose handle was released. */
void tcb_release(struct tcb *tcb);
int tcb_hash_insert(struct tcb *tcb);
struct tcb *tcp_lookup(struct tcp_host *t, const struct tv_tuple *tuple);
struct tcb *tcp_listener_find(struct tcp_host *t, uint16_t port);
int tcp_listener_add(struct tcb *tcb);
void tcp_enter(struct host *h, tv_time now);
void tcp_leave(struct host *h, tv_time now);
void tcb_event_init(const struct tcb *tcb, struct tv_event *ev, enum tv_event_type type,
		    enum tv_rule rule);
/* Pick a free ephemeral port for the tuple (lport filled), 0 or TV_ENOBUFS. */
int tcp_port_pick(struct tcp_host *t, struct tv_tuple *tuple);
/* Parameters from the host, applied to a new TCB (or a child of lis). */
void tcb_init_params(struct tcb *tcb, const struct tcb *lis);
/* Choose MSS and window scale we will offer, set the ring sizes. */
void tcb_init_syn(struct tcb *tcb, tv_time now);
void tcb_list_del(struct tcb *tcb);

/* tcp_in.c */
void tcp_in_segment(struct host *h, struct tcb *tcb, struct tcp_seg *seg);

/* tcp_out.c */
void tcp_output(struct tcb *tcb, tv_time now);
void tcp_send_ack(struct tcb *tcb, enum tv_rule rule, tv_time now);
/* RFC 5961 7: rate-limited ACK; rule says why. */
void tcp_send_challenge_ack(struct tcb *tcb, enum tv_rule rule, tv_time now);
/* RST for a segment that matched no acceptable state (3.10.7.1 rules). */
void tcp_send_rst_reply(struct host *h, const struct tcb *tcb, const struct tcp_seg *seg,
			enum tv_rule rule);
/* RST from a TCB: <SEQ=SND.NXT><CTL=RST> (ABORT, 3.10.5). */
void tcp_send_rst_tcb(struct tcb *tcb, enum tv_rule rule, tv_time now);
/* Zero-window probe, or the SWS override send (persist timer fired). */
void tcp_persist_probe(struct tcb *tcb, tv_time now);
/* Send one segment of the TCB; data from the send ring at seq. */
void tcp_xmit(struct tcb *tcb, uint32_t seq, uint8_t flags, uint32_t len, enum tv_rule rule,
	      tv_time now);
/* Window to advertise (field value, already scaled) and update rcv_adv. */
uint16_t tcp_rcv_window(struct tcb *tcb, bool syn);
/* Free receive space (bytes), before SWS rules. */
uint32_t tcp_rcv_space(const struct tcb *tcb);
/* After the application read data: send a window update if it grew enough. */
void tcp_rcv_window_update(struct tcb *tcb, tv_time now);
/* Resend the first unacknowledged segment (RTO, fast retransmit). */
void tcp_rexmit_first(struct tcb *tcb, enum tv_rule rule, tv_time now);

/* tcp_timer.c */
void tcb_timer_arm(struct tcb *tcb, enum tcb_timer k, tv_time deadline, uint32_t count,
		   tv_time now);
void tcb_timer_cancel(struct tcb *tcb, enum tcb_timer k, tv_time now);
void tcb_timers_stop(struct tcb *tcb, tv_time now);
static inline bool tcb_timer_armed(const struct tcb *tcb, enum tcb_timer k)
{
	return tcb->timer[k] != TV_NEVER;
}
void tcp_heap_remove(struct tcp_host *t, struct tcb *tcb);
/* RTO with the current backoff, clamped to [rto_min, rto_max]. */
tv_time tcb_rto(const struct tcb *tcb);
void tcp_rexmit_timer_restart(struct tcb *tcb, tv_time now);
void tcp_rtt_sample(struct tcb *tcb, tv_time rtt);
void tcp_persist_start(struct tcb *tcb, tv_time now);
void tcp_keepalive_reset(struct tcb *tcb, tv_time now);
void tcp_delack_schedule(struct tcb *tcb, tv_time now);
void tcp_time_wait_start(struct tcb *tcb, tv_time now);

/* tcp_cc.c */
void tcp_cc_init(struct tcb *tcb, tv_time now);
void tcp_cc_ack(struct tcb *tcb, uint32_t acked, tv_time now);
/* A duplicate ACK (RFC 5681 2); true if it triggered fast retransmit. */
bool tcp_cc_dupack(struct tcb *tcb, tv_time now);
void tcp_cc_rto(struct tcb *tcb, tv_time now);
uint32_t tcp_flight(const struct tcb *tcb);

/* tcp_buf.c */
/* Make room for bytes at offsets [0, need) from head (need <= cap). */
int tcp_ring_reserve(struct tcp_host *t, struct tcp_ring *r, uint32_t need);
void tcp_ring_free(struct tcp_host *t, struct tcp_ring *r);
/* Copy len bytes in at offset off from head (off + len <= cap). */
void tcp_ring_put(struct tcp_ring *r, uint32_t off, const void *src, uint32_t len);
/* Copy len bytes out from offset off. */
void tcp_ring_get(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t len);
void tcp_ring_drop(struct tcp_ring *r, uint32_t n);
/* Append application data to the send ring; returns bytes taken. */
uint32_t tcp_snd_append(struct tcb *tcb, const void *data, uint32_t len);
/* Drop acknowledged bytes from the send ring (ack beyond snd_bufseq). */
void tcp_snd_acked(struct tcb *tcb, uint32_t ack);
/* Store a segment's in-window payload [seq, seq+len) (seq >= RCV.NXT);
 * advances RCV.NXT over anything now contiguous.  Returns bytes newly
 * made readable, or -1 if it could not be stored (counted). */
long tcp_rcv_store(struct tcb *tcb, uint32_t seq, const uint8_t *data, uint32_t len,
		   tv_time now);
/* Forget out-of-order data at or beyond sequence number end (the peer's
 * FIN: nothing follows it); returns the bytes forgotten. */
uint32_t tcp_ooo_cut(struct tcb *tcb, uint32_t end);
/* Read up to len bytes for the application. */
uint32_t tcp_rcv_read(struct tcb *tcb, void *dst, uint32_t len);
void tcp_bufs_free(struct tcp_host *t, struct tcb *tcb);
void tcp_buf_cache_free(struct tcp_host *t);

/* isn.c */
uint64_t tv_siphash24(const uint8_t key[16], const void *data, size_t len);
uint32_t tcp_isn(const struct host *h, const struct tv_tuple *tuple, tv_time now);

/* sock.c */
/* Queue a callback for the TCB's socket (delivered by tcp_leave). */
void sock_notify(struct tcb *tcb, enum tv_sock_event ev, int err, tv_time now);
/* Deliver queued callbacks; called by tcp_leave at depth 0. */
void sock_flush(struct tcp_host *t);
/* A child of a listener became established: queue it for accept. */
void sock_child_ready(struct tcb *child, tv_time now);

#endif
