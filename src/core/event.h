/*
 * event.h - events are values.  Every state change, segment, timer, gate
 * action and drop is reported as a struct tv_event carrying a copy of what
 * it describes and, where a protocol rule caused it, the rule's code.
 *
 * Producers fill a struct tv_event on the stack and call tv_bus_emit();
 * the bus calls each sink synchronously with a pointer that is valid only
 * during the call (a sink that wants to keep it copies it: it is a plain
 * value, no pointers into live state).  A host with no bus, or a bus with
 * no sinks, skips building events: check tv_bus_active() first on hot
 * paths.  A sink removed during dispatch is only marked dead and reaped
 * after the dispatch finishes (the tmux events.c idea).
 */
#ifndef TV_EVENT_H
#define TV_EVENT_H

#include "counter.h"
#include "rule.h"
#include "tv.h"

enum tv_event_type {
	TV_EV_STATE,       /* a TCB changed state: u.state, rule */
	TV_EV_SEG_IN,      /* a TCP segment reached TCP input: u.seg */
	TV_EV_SEG_OUT,     /* TCP sent a segment: u.seg */
	TV_EV_DROP,        /* a host dropped a frame/segment: u.drop, rule */
	TV_EV_TIMER_ARM,   /* a timer was armed or re-armed: u.timer */
	TV_EV_TIMER_CANCEL,/* a timer was cancelled: u.timer */
	TV_EV_TIMER_FIRE,  /* a timer fired: u.timer */
	TV_EV_RETRANSMIT,  /* a segment was retransmitted: u.rexmit */
	TV_EV_CWND,        /* cwnd or ssthresh changed: u.cwnd, rule */
	TV_EV_SOCK,        /* something the application sees: u.sock */
	TV_EV_ARP,         /* ARP packet in/out, cache change: u.arp */
	TV_EV_ICMP,        /* ICMP message in/out: u.icmp */
	TV_EV_GATE,        /* the gate held/released/dropped/...: u.gate */
	TV_EV_WIRE,        /* the wire lost/duplicated/delayed a frame: u.wire */
	TV_EV_NOTE,        /* free text from a driver (narration): u.note */
	TV_EV_TYPE_COUNT
};

/* The 4-tuple of a connection, from the local host's point of view. */
struct tv_tuple {
	uint32_t laddr, raddr; /* host byte order */
	uint16_t lport, rport;
};

/* TCP header flags as on the wire. */
enum {
	TV_TH_FIN = 0x01,
	TV_TH_SYN = 0x02,
	TV_TH_RST = 0x04,
	TV_TH_PSH = 0x08,
	TV_TH_ACK = 0x10,
	TV_TH_URG = 0x20,
	TV_TH_ECE = 0x40,
	TV_TH_CWR = 0x80,
};

/* A parsed TCP segment header (all fields host byte order). */
struct tv_seg_info {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t win;        /* raw window field, not scaled */
	uint8_t flags;       /* TV_TH_* */
	uint8_t has_mss : 1, has_wscale : 1, sack_ok : 1, has_ts : 1;
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	uint32_t len;        /* payload bytes */
	uint32_t iss, irs;   /* the local TCB's ISN and the peer's, if known
				(0 when no TCB), for relative numbering */
};

enum tv_timer_kind {
	TV_TIMER_REXMIT,     /* retransmission (RFC 6298) */
	TV_TIMER_PERSIST,    /* zero-window probe */
	TV_TIMER_DELACK,     /* delayed ACK (RFC 1122 4.2.3.2) */
	TV_TIMER_KEEPALIVE,  /* keepalive idle / probe interval */
	TV_TIMER_2MSL,       /* TIME-WAIT */
	TV_TIMER_CONN,       /* connection establishment / FIN-WAIT-2 limit */
	TV_TIMER_ARP,        /* ARP request retry / entry ageing */
	TV_TIMER_KIND_COUNT
};

enum tv_sock_event {
	TV_SOCK_CONNECTED,   /* active open completed */
	TV_SOCK_ACCEPTABLE,  /* a listener has a connection to accept */
	TV_SOCK_READABLE,    /* data (or end of stream) can be read */
	TV_SOCK_WRITABLE,    /* send buffer has room again */
	TV_SOCK_PEER_CLOSED, /* the peer's FIN arrived: end of stream */
	TV_SOCK_ERROR,       /* connection failed: err is TV_E* */
	TV_SOCK_CLOSED,      /* the TCB is gone */
};

enum tv_gate_action {
	TV_GATE_HELD,        /* a frame entered the hold queue */
	TV_GATE_RELEASED,    /* a held frame was delivered */
	TV_GATE_DROPPED,     /* a frame was dropped (by hand or by a rule) */
	TV_GATE_DUPLICATED,  /* a frame was duplicated */
	TV_GATE_DELAYED,     /* a frame was delayed */
	TV_GATE_PASSED,      /* a frame went through (only if verbose) */
};

enum tv_wire_action {
	TV_WIRE_LOST,
	TV_WIRE_DUPLICATED,
	TV_WIRE_REORDERED,
	TV_WIRE_DELIVERED,
};

/* What happened to an ARP cache entry (u.arp.change when u.arp.op is 0). */
enum tv_arp_change {
	TV_ARP_INCOMPLETE,   /* resolution started: a request went out */
	TV_ARP_LEARNED,      /* the entry now has a hardware address */
	TV_ARP_CHANGED,      /* a known entry's hardware address changed */
	TV_ARP_STATIC,       /* a permanent entry was added */
	TV_ARP_EXPIRED,      /* the entry aged out */
	TV_ARP_EVICTED,      /* removed to make room: cache full */
	TV_ARP_FAILED,       /* no answer to the requests: resolution gave up */
	TV_ARP_CHANGE_COUNT
};

enum tv_dir { TV_DIR_IN, TV_DIR_OUT }; /* relative to a host */

/* What a frame carries, for gate and wire events (they see raw frames). */
enum tv_frame_kind {
	TV_FRAME_OTHER,      /* not one of ours, or malformed */
	TV_FRAME_ARP,
	TV_FRAME_IPV4,       /* IPv4 of another protocol */
	TV_FRAME_ICMP,
	TV_FRAME_TCP,        /* a well-formed TCP segment: has_seg is set */
};

struct tv_event {
	enum tv_event_type type;
	tv_time time;
	uint32_t host;          /* id of the host it happened on (0 = none) */
	uint32_t conn;          /* per-host connection id (0 = none) */
	struct tv_tuple tuple;  /* valid when conn != 0 */
	enum tv_rule rule;      /* TV_RULE_NONE when no rule applies */
	union {
		struct {
			uint8_t old_state, new_state; /* enum tcb_state */
			int err;  /* the TCB's error (TV_E*, 0 = none) as it
				     reaches CLOSED: seen by whoever watches
				     a connection whose handle is closed */
		} state;
		struct tv_seg_info seg;
		struct {
			enum tv_counter counter;
			struct tv_seg_info seg; /* when a TCP segment was parsed */
			bool has_seg;
		} drop;
		struct {
			enum tv_timer_kind kind;
			tv_time deadline;
			uint32_t count; /* backoff shift / probe number, if any */
		} timer;
		struct {
			uint32_t seq, len;
			uint8_t flags;
			uint32_t count; /* consecutive retransmissions */
			tv_time rto;
		} rexmit;
		struct {
			uint32_t cwnd, ssthresh;
		} cwnd;
		struct {
			enum tv_sock_event what;
			int err;
			uint32_t bytes;
		} sock;
		struct {
			uint16_t op;    /* 1 request, 2 reply, 0 cache change */
			bool out;
			uint32_t spa, tpa; /* cache change: spa is the entry's address */
			uint8_t sha[6], tha[6]; /* cache change: sha is its MAC */
			uint8_t change; /* op 0: enum tv_arp_change */
		} arp;
		struct {
			uint8_t type, code;
			bool out;
			uint32_t saddr, daddr;
			uint16_t id, seq;
		} icmp;
		struct {
			enum tv_gate_action action;
			enum tv_dir dir;
			uint32_t frame;  /* gate frame id */
			tv_time until;   /* for DELAYED */
			bool has_seg;
			struct tv_seg_info seg;
			uint32_t copy;   /* DUPLICATED: id of the new copy */
			uint32_t rule;   /* gate rule id that acted, 0 = by hand */
			uint32_t len;    /* frame bytes */
			uint8_t kind;    /* enum tv_frame_kind */
			bool overflow;   /* DROPPED because the hold queue was full */
		} gate;
		struct {
			enum tv_wire_action action;
			uint32_t from, to; /* host ids (to 0: broadcast) */
			bool has_seg;
			struct tv_seg_info seg;
			uint32_t len;      /* frame bytes */
			uint8_t kind;      /* enum tv_frame_kind */
		} wire;
		struct {
			char text[200];
		} note;
	} u;
};

typedef void (*tv_sink_fn)(void *ctx, const struct tv_event *ev);

/*
 * The frame tap: raw frames are not in events (events carry parsed
 * copies), so writers that need the bytes (the pcapng writer) install a
 * tap on the sim (sim_set_frame_tap), which passes it on to the wire and
 * the gates.  The tap is called synchronously with the frame's bytes,
 * valid only during the call, at these points:
 *
 *   SENT             a host handed the frame to its link (before its
 *                    outbound gate), at the send time;
 *   DELIVERED        the frame reached the receiving host (after its
 *                    inbound gate), at the arrival time: once per
 *                    receiving host, and once more for each duplicate;
 *   LOST             the wire lost it (an impairment, or over the wire's
 *                    limit of frames in flight), at the send time;
 *   DUPLICATED       the wire or a gate made a second copy, at the time
 *                    the copy was made (both copies are DELIVERED later,
 *                    unless lost or dropped);
 *   DROPPED_BY_GATE  a gate dropped it (by hand, by a rule, or its hold
 *                    queue was full), at the time of the drop.
 *
 * So a frame that crosses the wire is seen SENT once and then exactly one
 * of DELIVERED, LOST or DROPPED_BY_GATE per copy (a frame still held, or
 * in flight when the run ends, has no second call).
 */
enum tv_frame_fate {
	TV_FATE_SENT,
	TV_FATE_DELIVERED,
	TV_FATE_LOST,
	TV_FATE_DUPLICATED,
	TV_FATE_DROPPED_BY_GATE,
	TV_FATE_COUNT
};

struct tv_frame_info {
	tv_time time;
	enum tv_frame_fate fate;
	uint32_t from, to;       /* host ids; 0 when the reporter cannot know
				    (a gate knows only its own host; to is 0
				    for a broadcast seen before the wire) */
	uint32_t frame_id;       /* gate frame id, 0 if it never had one */
	uint32_t gate_rule;      /* DROPPED_BY_GATE / DUPLICATED by a gate: the
				    rule's id, 0 when done by hand */
	bool by_gate;            /* DUPLICATED: a gate made the copy (else the
				    wire) */
	bool overflow;           /* DROPPED_BY_GATE: hold queue full; LOST:
				    the wire was over its limit */
};

typedef void (*tv_frame_tap_fn)(void *ctx, const uint8_t *frame, size_t len,
				const struct tv_frame_info *fi);

/* "sent", "delivered", "lost", "duplicated", "dropped_by_gate". */
const char *tv_frame_fate_name(enum tv_frame_fate f);

struct tv_sink {
	tv_sink_fn fn;
	void *ctx;
	bool dead;
};

struct tv_bus {
	struct tv_sink *sinks;
	unsigned nsinks, cap;
	unsigned depth;   /* > 0 while dispatching */
	bool has_dead;
	uint64_t emitted;
};

void tv_bus_init(struct tv_bus *bus);
void tv_bus_fini(struct tv_bus *bus);
int tv_bus_add(struct tv_bus *bus, tv_sink_fn fn, void *ctx);
void tv_bus_remove(struct tv_bus *bus, tv_sink_fn fn, void *ctx);
void tv_bus_emit(struct tv_bus *bus, const struct tv_event *ev);

static inline bool tv_bus_active(const struct tv_bus *bus)
{
	return bus != NULL && bus->nsinks > 0;
}

/* Names for printing (untranslated, stable: used in JSON output too). */
const char *tv_event_type_name(enum tv_event_type t);
const char *tv_timer_kind_name(enum tv_timer_kind k);
const char *tv_sock_event_name(enum tv_sock_event e);
const char *tv_gate_action_name(enum tv_gate_action a);
const char *tv_wire_action_name(enum tv_wire_action a);

#endif
