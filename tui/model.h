/*
 * model.h - what the TUI knows about the engine it shows, built only from
 * what the control protocol carries (src/daemon/proto.h): the greeting,
 * snapshot replies, "hosts" notices and events.  The same model serves
 * the in-process engine and a daemon across its socket, because the TUI
 * talks protocol v1 to both (in process over a socketpair).
 *
 *   struct model *m = model_new();
 *   model_greeting(m, greeting_obj, wall);
 *   model_snapshot(m, json_object_get(reply, "snapshot"), wall);
 *   evjson_decode(dec, obj, &ev);  model_event(m, &ev);   for each event
 *   ... views read m's fields ...
 *   model_free(m);
 *
 * Events keep it live between snapshots: a state event moves a
 * connection's state at once, timer events its countdowns, segments and
 * gate/wire events the ladder.  Snapshots bring the numbers events do not
 * carry (SND.UNA, windows, cwnd, RTO, counters, held frames, rules); the
 * front end asks for one after events arrive, at a bounded rate.
 *
 * Everything here is read-only to views: only model_*() change it.  No
 * curses, no libuv, no gettext (texts are formatted by the views, at draw
 * time, so switching language redraws everything in the new one).
 * "wall" arguments are a monotonic wall clock in microseconds.
 */
#ifndef TV_TUI_MODEL_H
#define TV_TUI_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

#define TM_HOSTS_MAX 64
#define TM_NAME_MAX 16
#define TM_LOG_MAX 4096          /* events kept for the log pane */
#define TM_FLOW_ENTRIES_MAX 4096 /* ladder entries kept per flow (oldest go) */
#define TM_CLOSED_KEEP 64        /* closed connections kept in the table */
#define TM_COUNTERS_MAX 256

struct tm_counter {
	char name[40];           /* "tcp.bad_csum" */
	uint64_t value;
};

struct tm_host {
	uint32_t id;
	char name[TM_NAME_MAX];
	uint32_t addr;
	bool stack;              /* a host of the stack (has TCBs, a gate);
				    false: the kernel across TAP, a raw peer */
	bool hold_in, hold_out;  /* its gate holds frames in this direction */
	struct tm_counter *counters; /* nonzero counters, from the snapshot */
	unsigned ncounters;
};

/* A held frame, from the snapshot's gate "held" lists, kept in step by
 * gate events in between. */
struct tm_held {
	uint64_t id;             /* the gate's frame id (`release ID`) */
	uint32_t host;           /* the host whose gate holds it */
	enum tv_dir dir;
	tv_time since;
	uint32_t len;
	enum tv_frame_kind kind;
	bool has_seg;
	struct tv_seg_info seg;  /* iss/irs 0 when unknown */
};

/* One TCB (a connection end, or a listener) of a stack host. */
struct tm_conn {
	unsigned key;            /* the model's own id, stable, never 0 */
	uint32_t host;           /* host id */
	uint32_t id;             /* the host's connection id (events' conn) */
	struct tv_tuple tuple;   /* local = the host's side */
	int state;               /* enum tcb_state */
	int prev_state;          /* before the last change, -1 none */
	enum tv_rule rule;       /* of the last change */
	tv_time since;           /* virtual time of the last change */
	bool closed;             /* reached CLOSED or left the snapshot */
	bool listener;
	/* From the snapshot (absolute sequence numbers; 0 until one came). */
	uint32_t iss, irs, snd_una, snd_nxt, snd_max, snd_wnd;
	uint32_t rcv_nxt, rcv_wnd, cwnd, ssthresh, mss;
	tv_time rto, srtt;
	unsigned rexmits;        /* consecutive retransmission timeouts */
	unsigned probes;         /* unanswered keepalive probes */
	unsigned keep_cnt;       /* probes before giving up */
	tv_time keep_idle, keep_intvl, last_rx;
	bool keepalive;          /* keepalive is on */
	unsigned snd_buf, rcv_buf; /* bytes queued */
	uint64_t rexmit_total;   /* retransmissions seen in events */
	/* Running timers: deadline 0 = not running.  armed_at: when it was
	 * (re)armed, for a countdown bar's full length. */
	tv_time deadline[TV_TIMER_KIND_COUNT];
	tv_time armed_at[TV_TIMER_KIND_COUNT];
	uint32_t timer_count[TV_TIMER_KIND_COUNT];
	unsigned flow;           /* its flow (ladder), 0 none (listeners) */
};

/* What became of a segment drawn on the ladder. */
enum tm_fate {
	TM_FLIGHT,               /* sent, not arrived yet */
	TM_HELD,                 /* held by a gate */
	TM_ARRIVED,              /* reached the other side's TCP */
	TM_DROPPED,              /* dropped by a gate (by hand or a rule) */
	TM_LOST,                 /* lost on the wire */
	TM_DISCARDED,            /* arrived but the host dropped it (bad
				    checksum, no listener...): see counter */
};

enum tm_entry_kind {
	TM_E_SEG,                /* an arrow from lane `lane` to the other */
	TM_E_STATE,              /* lane's TCB changed state */
	TM_E_TIMER,              /* a timer fired on lane (rexmit, 2MSL...) */
	TM_E_NOTE,               /* narration (not tied to a lane) */
};

struct tm_entry {
	enum tm_entry_kind kind;
	uint8_t lane;            /* 0 or 1 */
	tv_time t;               /* sent / happened */
	tv_time t_end;           /* SEG: arrived/dropped/lost (0: not yet) */
	struct tv_seg_info seg;  /* SEG */
	enum tm_fate fate;       /* SEG */
	uint64_t frame;          /* SEG held: the gate's frame id, else 0 */
	bool retransmit;         /* SEG: a retransmission */
	bool duplicate;          /* SEG: a copy made by a gate or the wire */
	enum tv_counter counter; /* SEG discarded: why */
	int old_state, new_state;/* STATE */
	enum tv_rule rule;       /* STATE (and SEG when a rule made it) */
	enum tv_timer_kind timer;/* TIMER */
	uint32_t count;          /* TIMER: backoff/probe number */
	char *text;              /* NOTE (owned) */
};

/* A flow: one TCP connection seen from both ends, the ladder's subject.
 * Lane 0 is the side that sent the first segment seen (the client for a
 * handshake; for a connection first known from a snapshot, the end listed
 * first).  Each lane is one connection of its host (lane_conn): when two
 * connections reuse the same ports one after the other, each gets its own
 * flow, and a segment goes to its sender's.  A lane that is not a stack
 * host (the kernel, a raw peer) has no connection (conn 0) but its
 * segments are drawn from what the stack host and the gates saw; an arrow
 * to a lane that never reports arrivals (the kernel) counts as arrived as
 * soon as nothing can stop it any more. */
struct tm_flow {
	unsigned key;            /* never 0 */
	uint32_t host[2];        /* host id of each lane (0: not known) */
	uint32_t addr[2];
	uint16_t port[2];
	unsigned conn[2];        /* tm_conn key of each end, 0 none */
	uint32_t isn[2];         /* each lane's ISN, for relative numbers */
	bool isn_known[2];
	struct tm_entry *e;      /* a ring: entry i is e[(first + i) % cap] */
	size_t n, first, cap;
	uint64_t forgotten;      /* entries that fell off the ring */
	uint64_t changes;        /* bumped on every change (views cache) */
	uint32_t lane_conn[2];   /* each lane's per-host connection id (events'
				    conn; raw peers have them too), 0 none */
};

/* One line of the event log: the event itself, formatted when drawn. */
struct tm_log {
	struct tv_event ev;
	unsigned flow;           /* 0 none */
	char note[160];          /* TV_EV_NOTE text (ev's pointer is not kept) */
};

struct model_priv;

struct model {
	/* The engine. */
	bool connected;
	bool readonly;           /* we may only look (a student's screen) */
	int proto;               /* protocol version in the greeting */
	char version[32];
	/* The clock: virtual time vt at wall time wall_ref, running at
	 * speed unless paused (model_now extrapolates). */
	tv_time vt;
	uint64_t wall_ref;
	double speed;
	bool paused;
	/* Hosts and what they hold. */
	struct tm_host hosts[TM_HOSTS_MAX];
	unsigned nhosts;
	struct tm_conn *conns;   /* open ones first, in creation order */
	unsigned nconns;
	struct tm_held *held;
	unsigned nheld;
	struct tm_flow **flows;  /* in creation order */
	unsigned nflows;
	/* The event log: a ring, entry i is log[(log_first + i) % TM_LOG_MAX]. */
	struct tm_log *log;
	unsigned log_n, log_first;
	uint64_t events;         /* events seen */
	uint64_t skipped;        /* events the engine did not send (its stream
				    was over budget: "skipped" notices) */
	uint64_t segments, drops, rexmits, held_total;
	/* The last event that a rule explains (state change, drop, challenge
	 * ACK, cwnd change) and the last event of any kind, for the
	 * explanation panel. */
	struct tv_event last_rule;
	bool has_last_rule;
	struct tv_event last;
	bool has_last;
	char narration[512];     /* the latest narration (say), "" none; it
				    also goes on the ladder as a TM_E_NOTE
				    entry of every open flow (of the newest
				    flow when none or more than 8 are open) */
	uint64_t changes;        /* bumped on every change: redraw needed */
	uint64_t snapshots;      /* snapshots applied */
	struct model_priv *priv;
};

/* NULL when out of memory. */
struct model *model_new(void);
void model_free(struct model *m);
/* Forget everything (a new engine: the step back re-runs from scratch). */
void model_reset(struct model *m);

/* The greeting line: hosts, read-only, version, time.  0, or -1 when it
 * is not a protocol-1 greeting. */
int model_greeting(struct model *m, const json_t *greeting, uint64_t wall);
/* A "hosts" array (greeting, notice). */
int model_hosts(struct model *m, const json_t *hosts);
/* A snapshot reply's "snapshot" object: replaces hosts' counters and gate
 * state, connection numbers and timers, the held frames; keeps the
 * ladder and the log.  0, or -1 when it is malformed (nothing applied). */
int model_snapshot(struct model *m, const json_t *snap, uint64_t wall);
/* The engine said whether this client may change anything (the reply to
 * "hello ... readonly"). */
void model_set_readonly(struct model *m, bool readonly);
/* The clock as the engine reported it ("time", "speed", "paused"). */
void model_clock(struct model *m, tv_time vt, double speed, bool paused, uint64_t wall);
/* The engine skipped n events of the stream ({"notice":"skipped"}). */
void model_skipped(struct model *m, uint64_t n);
/* One event (decoded by evjson or taken off a bus). */
void model_event(struct model *m, const struct tv_event *ev);

/* Virtual time now, extrapolated from the last report. */
tv_time model_now(const struct model *m, uint64_t wall);

/* Lookups; NULL when unknown. */
const struct tm_host *model_host(const struct model *m, uint32_t id);
const struct tm_conn *model_conn(const struct model *m, unsigned key);
const struct tm_conn *model_conn_by_id(const struct model *m, uint32_t host, uint32_t id);
const struct tm_flow *model_flow(const struct model *m, unsigned key);
/* The entry i (0 = oldest kept) of a flow. */
const struct tm_entry *model_entry(const struct tm_flow *f, size_t i);
/* The log line i (0 = oldest kept). */
const struct tm_log *model_log(const struct model *m, unsigned i);
/* A host's name ("#7" for an unknown id), into buf. */
const char *model_host_name(const struct model *m, uint32_t id, char *buf, size_t size);
/* The host with that address (0: none), NULL when unknown. */
const struct tm_host *model_host_by_addr(const struct model *m, uint32_t addr);
/* The newest flow between a segment's two ends, and its sender's lane
 * (*lane may be NULL); NULL when none.  For relative numbers: seq - the
 * sender lane's isn, ack - the other lane's. */
const struct tm_flow *model_flow_of_seg(const struct model *m, const struct tv_seg_info *s,
					int *lane);
/* True when some host's gate holds frames (in or out): STEPPING mode. */
bool model_holding(const struct model *m);

#endif
