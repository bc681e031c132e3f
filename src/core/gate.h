/*
 * gate.h - the gate: a checkpoint between a link and its host, in both
 * directions, where a person or a rule can hold, step, drop, duplicate or
 * delay frames.
 *
 * The gate knows nothing about the link behind it (the in-memory wire or
 * a TAP device): frames come in through gate_input() (or the tv_tx_fn
 * adaptors gate_tx_out / gate_tx_in) and leave through two callbacks,
 * to_host (for TV_DIR_IN) and to_link (for TV_DIR_OUT).  The owner calls:
 *
 *   gate_input(g, dir, frame, len, now)   a frame reaches the gate
 *   gate_poll(g, now)                     deliver released/delayed frames due
 *   gate_next_deadline(g)                 when gate_poll must next run
 *
 * A frame that passes (pass mode, no rule acting) is handed on at once,
 * from inside gate_input.  Every other frame is copied: released and
 * delayed frames are handed on only from gate_poll, never from the call
 * that released them, so a command issued from anywhere cannot re-enter
 * the stack.  Rules draw their random choices from the gate's own seeded
 * generator, so a run is repeatable.
 *
 * Frame ids are unique per gate, or across several gates that share an
 * id counter (cfg.id_source), so "release 7" names one frame on a wire.
 */
#ifndef TV_GATE_H
#define TV_GATE_H

#include "event.h"
#include "host.h"

#define GATE_HOLD_MAX_DEFAULT 256
#define GATE_RULES_MAX 64

enum gate_mode {
	GATE_PASS,  /* frames go through (rules still apply) */
	GATE_HOLD,  /* every frame waits in the hold queue */
};

/* A parsed description of a frame, for listings and rule matching. */
struct gate_summary {
	enum tv_frame_kind kind;
	uint16_t ethertype;
	uint32_t saddr, daddr;     /* IPv4 addresses, or ARP sender/target */
	uint16_t arp_op;           /* 1 request, 2 reply */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	struct tv_seg_info seg;    /* kind TV_FRAME_TCP */
};

/* Describe an Ethernet frame; never fails (kind OTHER when unknown). */
void gate_describe(const uint8_t *frame, size_t len, struct gate_summary *sum);

/* Which frames a rule matches. */
enum gate_proto {
	GATE_PROTO_ANY,    /* any frame (TCP tests below still imply TCP) */
	GATE_PROTO_TCP,
	GATE_PROTO_ARP,
	GATE_PROTO_ICMP,
};

/* Which of the matching frames a rule acts on. */
enum gate_count {
	GATE_ALWAYS,       /* every one */
	GATE_NEXT,         /* the next n (n 0 means 1); then the rule is removed */
	GATE_EVERY_NTH,    /* the nth, 2nth, 3nth... matching frame */
	GATE_CHANCE,       /* each with probability ppm / 1,000,000 */
};

enum gate_act {
	GATE_ACT_DROP,
	GATE_ACT_DUP,      /* hand it on twice */
	GATE_ACT_DELAY,    /* hand it on after `delay` */
	GATE_ACT_HOLD,     /* put it in the hold queue */
	GATE_ACT_PASS,     /* let it through even in hold mode */
};

#define GATE_DIR_BIT(d) (1u << (d))

struct gate_rule {
	/* match: every field that is set must agree */
	unsigned dirs;             /* GATE_DIR_BIT(TV_DIR_IN) | ...; 0 = both */
	enum gate_proto proto;
	uint32_t saddr, daddr;     /* 0 = any */
	uint16_t sport, dport;     /* TCP ports, 0 = any */
	uint8_t flags_mask;        /* TCP: (flags & mask) == value */
	uint8_t flags_value;
	bool has_seq;              /* TCP: seq in [seq_lo, seq_hi] modulo 2^32 */
	uint32_t seq_lo, seq_hi;
	/* count */
	enum gate_count count;
	uint32_t n;
	uint32_t ppm;
	/* action */
	enum gate_act action;
	tv_time delay;
	/* kept by the gate */
	uint32_t id;
	uint64_t matched;          /* frames that matched */
	uint64_t applied;          /* frames acted on */
};

struct gate_config {
	uint32_t host_id;          /* stamped on events */
	tv_tx_fn to_host;          /* TV_DIR_IN frames leave here */
	void *to_host_ctx;
	tv_tx_fn to_link;          /* TV_DIR_OUT frames leave here */
	void *to_link_ctx;
	struct tv_bus *bus;        /* may be NULL */
	uint64_t seed;
	size_t hold_max;           /* 0: GATE_HOLD_MAX_DEFAULT */
	uint32_t *id_source;       /* shared frame id counter, NULL: own */
	bool verbose;              /* also emit TV_GATE_PASSED */
};

struct gate_stats {
	uint64_t passed, held, released, dropped, duplicated, delayed;
	uint64_t overflow;         /* dropped because the hold queue was full */
	uint64_t nomem;            /* dropped because a copy could not be made */
};

/* One held frame, as listed. */
struct gate_held {
	uint32_t id;
	enum tv_dir dir;
	uint32_t host;
	tv_time time;              /* when it reached the gate */
	size_t len;
	struct gate_summary sum;
};

struct gate;

/* NULL if out of memory or cfg lacks a callback. */
struct gate *gate_new(const struct gate_config *cfg);
/* Frees every frame still held or scheduled (they are not delivered). */
void gate_free(struct gate *g);

void gate_set_mode(struct gate *g, enum gate_mode mode);
void gate_set_dir_mode(struct gate *g, enum tv_dir dir, enum gate_mode mode);
enum gate_mode gate_dir_mode(const struct gate *g, enum tv_dir dir);
/* The hold queue's bound (max 0: GATE_HOLD_MAX_DEFAULT).  Frames past it
 * are dropped (gate_stats overflow, a TV_GATE_DROPPED event marked
 * overflow); lowering it below what is held keeps the frames held. */
void gate_set_hold_max(struct gate *g, size_t max);
size_t gate_hold_max(const struct gate *g);
void gate_set_verbose(struct gate *g, bool verbose);
/* Report frames the gate drops (TV_FATE_DROPPED_BY_GATE) or duplicates
 * (TV_FATE_DUPLICATED) to a frame tap (event.h); fn NULL: none. */
void gate_set_frame_tap(struct gate *g, tv_frame_tap_fn fn, void *ctx);

/* A frame reaches the gate.  Returns 0 (also when a rule dropped it: the
 * link did its job) or the error of the callback it was handed to. */
int gate_input(struct gate *g, enum tv_dir dir, const uint8_t *frame, size_t len,
	       tv_time now);
/* tv_tx_fn adaptors, ctx = the gate: a host's cfg.tx and a link's
 * delivery callback. */
int gate_tx_out(void *gate, const uint8_t *frame, size_t len, tv_time now);
int gate_tx_in(void *gate, const uint8_t *frame, size_t len, tv_time now);

/* Deliver frames released or delayed until now or earlier (only those
 * scheduled before this call: what they cause waits for the next poll). */
void gate_poll(struct gate *g, tv_time now);
tv_time gate_next_deadline(const struct gate *g);

/* Held frames, oldest first: fills up to max entries, returns the count. */
size_t gate_held_count(const struct gate *g);
size_t gate_held_list(const struct gate *g, struct gate_held *out, size_t max);
bool gate_holds(const struct gate *g, uint32_t id);
/* Frames scheduled (released or delayed) but not yet delivered. */
size_t gate_scheduled_count(const struct gate *g);

/* Operations on held frames.  Released frames are delivered by the next
 * gate_poll at or after now, in the order released.  TV_ENOENT if no held
 * frame has that id. */
int gate_release(struct gate *g, uint32_t id, tv_time now);
/* Release the n oldest (gate_step: the oldest); returns how many. */
size_t gate_release_n(struct gate *g, size_t n, tv_time now);
size_t gate_step(struct gate *g, tv_time now);
int gate_drop(struct gate *g, uint32_t id, tv_time now);
/* Put a copy right behind the frame in the hold queue; *copy gets its id
 * (copy may be NULL).  TV_ENOBUFS when the queue is full. */
int gate_dup(struct gate *g, uint32_t id, uint32_t *copy, tv_time now);
/* Release the frame `delay` from now. */
int gate_delay(struct gate *g, uint32_t id, tv_time delay, tv_time now);

/* Rules, tried in the order added; the first one that acts decides.
 * TV_EINVAL for a malformed rule, TV_ENOBUFS past GATE_RULES_MAX. */
int gate_rule_add(struct gate *g, const struct gate_rule *r, uint32_t *id);
int gate_rule_remove(struct gate *g, uint32_t id);
void gate_rule_clear(struct gate *g);
size_t gate_rule_count(const struct gate *g);
/* NULL past the end. */
const struct gate_rule *gate_rule_at(const struct gate *g, size_t i);

const struct gate_stats *gate_stats(const struct gate *g);

#endif
