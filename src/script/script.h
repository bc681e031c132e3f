/*
 * script.h - the command language: one parser and one executor for
 * script files (*.tvs), the TUI's ':' prompt and the daemon's control
 * socket.  doc/tcpviz-script.5 is the language reference.
 *
 * Parsing turns one line of text into a command value:
 *
 *   struct script_cmd cmd;
 *   struct script_error err;
 *   if (script_parse_line("x.tvs", 3, text, len, &cmd, &err) != 0)
 *           ... script_error_format(&err, buf, sizeof(buf)) ...
 *
 * and executing runs a command against a struct sim plus the script's
 * own state (named connections, raw peers, services, watchers):
 *
 *   struct script *sc = script_new(sim, &cfg);
 *   struct script_result res;
 *   script_exec(sc, &cmd, &res);      SCRIPT_OK, SCRIPT_FAILED or SCRIPT_ERROR
 *   script_cmd_free(&cmd);
 *   ...
 *   script_free(sc);                  before sim_free(sim)
 *
 * Nothing here prints: errors and results are values, with messages
 * already translated (gettext) and rendered `file:line:col: message`.
 * A whole file is parsed with script_prog_parse(), which collects every
 * parse error instead of stopping at the first.
 */
#ifndef TV_SCRIPT_SCRIPT_H
#define TV_SCRIPT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/tcp.h"

#define SCRIPT_NAME_MAX 32        /* names of hosts, connections, peers */
#define SCRIPT_MSG_MAX 512
#define SCRIPT_FILE_MAX 256
#define SCRIPT_PARAMS_MAX 16      /* parameters in one set/with list */
#define SCRIPT_OPTS_MAX 40        /* TCP option bytes */
#define SCRIPT_LINE_MAX 65536     /* longest line accepted */
#define SCRIPT_NOTE_MAX 199       /* longest narration (tv_event note) */
#define SCRIPT_SEND_MAX (1ull << 40) /* largest `send N`: made as it goes, not held */
#define SCRIPT_SENDS_MAX 4096     /* sends waiting on one connection */
#define SCRIPT_CONNS_MAX (1u << 20) /* largest conns.max */
#define SCRIPT_HOLD_MAX (1u << 20)  /* largest hold.max */
#define SCRIPT_WIRE_LIMIT_MAX (1u << 20) /* largest `wire limit` */

/* ---- errors ---- */

struct script_error {
	char file[SCRIPT_FILE_MAX];
	unsigned line, col;       /* 1-based; col counts characters */
	char msg[SCRIPT_MSG_MAX]; /* translated, without the location */
};

/* "file:line:col: message" into buf; returns the length it needed. */
size_t script_error_format(const struct script_error *e, char *buf, size_t size);

/* ---- values inside commands ---- */

/* A name as written, and where. */
struct script_ref {
	char name[SCRIPT_NAME_MAX];
	unsigned col;
};

/* HOST:PORT or ADDR:PORT (port 0 when not given). */
struct script_dest {
	struct script_ref ref;    /* name empty when an address was written */
	uint32_t addr;
	uint16_t port;
	bool has_port;
};

enum script_op { SCRIPT_OP_EQ, SCRIPT_OP_NE, SCRIPT_OP_LT, SCRIPT_OP_LE, SCRIPT_OP_GT,
		 SCRIPT_OP_GE };

/* Stack parameters of `set` and `with` (doc: PARAMETERS). */
enum script_param_id {
	SCRIPT_P_MSL,
	SCRIPT_P_RTO_MIN,
	SCRIPT_P_RTO_MAX,
	SCRIPT_P_RTO_INITIAL,
	SCRIPT_P_RETRIES,
	SCRIPT_P_SYN_RETRIES,
	SCRIPT_P_DATA_RETRIES,
	SCRIPT_P_KEEPALIVE,
	SCRIPT_P_KEEPIDLE,
	SCRIPT_P_KEEPINTVL,
	SCRIPT_P_KEEPCNT,
	SCRIPT_P_DELACK,
	SCRIPT_P_DELACK_TIMEOUT,
	SCRIPT_P_NAGLE,
	SCRIPT_P_RCVBUF,
	SCRIPT_P_SNDBUF,
	SCRIPT_P_MSS,
	SCRIPT_P_WSCALE,
	SCRIPT_P_FIN_WAIT_2,
	SCRIPT_P_PERSIST_MIN,
	SCRIPT_P_PERSIST_MAX,
	SCRIPT_P_BACKLOG,
	SCRIPT_P_AUTOREAD,
	SCRIPT_P_CONNS_MAX,       /* the limits of a host (doc: LIMITS in tcpviz(1)) */
	SCRIPT_P_OOO_MAX,
	SCRIPT_P_ARP_CACHE,
	SCRIPT_P_ARP_PENDING,
	SCRIPT_P_HOLD_MAX,
	SCRIPT_P_BACKLOG_EVICT,   /* a SYN at a full backlog evicts the oldest half-open */
	SCRIPT_P_COUNT
};

struct script_param {
	enum script_param_id id;
	uint64_t value;           /* microseconds, bytes, a count or 0/1 */
	unsigned col;
};

struct script_params {
	struct script_param p[SCRIPT_PARAMS_MAX];
	unsigned n;
};

/* TCB fields `expect` can compare (doc: FIELDS). */
enum script_field {
	SCRIPT_F_SND_UNA,
	SCRIPT_F_SND_NXT,
	SCRIPT_F_SND_MAX,
	SCRIPT_F_SND_WND,
	SCRIPT_F_RCV_NXT,
	SCRIPT_F_RCV_WND,
	SCRIPT_F_CWND,
	SCRIPT_F_SSTHRESH,
	SCRIPT_F_RTO,
	SCRIPT_F_SRTT,
	SCRIPT_F_RTTVAR,
	SCRIPT_F_MSS,
	SCRIPT_F_ISS,
	SCRIPT_F_IRS,
	SCRIPT_F_SND_BUF,
	SCRIPT_F_RCV_BUF,
	SCRIPT_F_DUPACKS,
	SCRIPT_F_REXMITS,
	SCRIPT_F_PROBES,
	SCRIPT_F_SND_WSCALE,
	SCRIPT_F_RCV_WSCALE,
	SCRIPT_F_RTO_BASE,
	SCRIPT_F_COUNT
};

/* The raw peer's TCP options, as written (nop and eol kept for sending). */
enum script_opt_kind { SCRIPT_OPT_NOP, SCRIPT_OPT_EOL, SCRIPT_OPT_MSS, SCRIPT_OPT_WSCALE,
		       SCRIPT_OPT_SACKOK, SCRIPT_OPT_SACK, SCRIPT_OPT_TS };

#define SCRIPT_ANY UINT64_MAX    /* a `*` where a value is allowed */

struct script_opt {
	enum script_opt_kind kind;
	uint64_t a, b;            /* mss/wscale value; TS val/ecr (or SCRIPT_ANY) */
	uint32_t sack[4][2];      /* SACK blocks (relative) */
	unsigned nsack;
};

/* One packetdrill-style TCP line. */
struct script_pkt {
	enum { SCRIPT_T_ABS, SCRIPT_T_REL, SCRIPT_T_ANY } time_kind;
	tv_time t, t_hi;          /* t_hi > t: a range `a~b` */
	bool range;
	bool inbound;             /* '<': the peer sends; '>': the host sends */
	uint8_t flags;
	uint32_t seq, end, len;
	bool has_ack, has_win;
	uint32_t ack, win;
	bool opts_any;            /* <...> */
	struct script_opt opts[SCRIPT_OPTS_MAX];
	unsigned nopts;
	unsigned col_flags;
};

enum script_expect_kind {
	SCRIPT_X_STATE,           /* NAME is STATE */
	SCRIPT_X_FIELD,           /* NAME FIELD OP VALUE|FIELD|NAME FIELD */
	SCRIPT_X_TIMER,           /* NAME timer KIND running|stopped|OP DUR */
	SCRIPT_X_COUNTER,         /* HOST [counter] NAME OP N */
	SCRIPT_X_RECEIVED,        /* NAME received "text" */
	SCRIPT_X_RECEIVED_SIZE,   /* NAME received OP SIZE */
	SCRIPT_X_ERROR,           /* NAME error ERR|none */
	SCRIPT_X_EOF,             /* NAME eof */
	SCRIPT_X_CONNS,           /* HOST conns [STATE] OP N */
	SCRIPT_X_HELD,            /* HOST held OP N / held OP N */
};

enum script_timer_test { SCRIPT_TIMER_RUNNING, SCRIPT_TIMER_STOPPED, SCRIPT_TIMER_REMAINING };

struct script_expect {
	enum script_expect_kind kind;
	struct script_ref who;
	enum script_op op;
	unsigned col_op;
	int state;                /* enum tcb_state, -1 none (conns: any) */
	enum script_field field;
	bool rhs_field;           /* compare with a field rather than value */
	struct script_ref rhs_who;/* name empty: the same connection */
	enum script_field rhs;
	uint64_t value;
	enum tv_timer_kind timer;
	enum script_timer_test timer_test;
	enum tv_counter counter;
	int err;                  /* SCRIPT_X_ERROR: TV_E* code, 0 = none */
};

enum script_until_kind { SCRIPT_U_STATE, SCRIPT_U_TIMER, SCRIPT_U_IDLE, SCRIPT_U_QUIET,
			 SCRIPT_U_RECEIVED };

struct script_until {
	enum script_until_kind kind;
	struct script_ref who;    /* STATE/RECEIVED, or TIMER's `on NAME` */
	int state;
	int timer;                /* enum tv_timer_kind, -1 = any */
	uint64_t bytes;
	tv_time limit;
	bool has_limit;
};

enum script_pattern { SCRIPT_PAT_CHARGEN, SCRIPT_PAT_ZEROS, SCRIPT_PAT_TEXT };

struct script_rule {
	struct script_ref on, from, to, seq_of;
	bool has_on, dir_in, dir_out;
	int proto;                /* enum gate_proto */
	bool has_flags, has_seq;
	uint8_t flags_value, flags_mask;
	uint32_t seq_lo, seq_hi;
	uint16_t sport, dport;
	int action;               /* enum gate_act */
	tv_time delay;
	int count;                /* enum gate_count */
	uint32_t n, ppm;
};

/* ---- commands ---- */

enum script_cmd_kind {
	SCRIPT_NONE,              /* an empty line or a comment */
	SCRIPT_SEED,
	SCRIPT_HOST,
	SCRIPT_WIRE,
	SCRIPT_SET,
	SCRIPT_LISTEN,
	SCRIPT_ACCEPT,
	SCRIPT_CONNECT,
	SCRIPT_SEND,
	SCRIPT_RECV,
	SCRIPT_SHUTDOWN,
	SCRIPT_CLOSE,
	SCRIPT_ABORT,
	SCRIPT_START,
	SCRIPT_STOP,
	SCRIPT_HOLD,
	SCRIPT_PASS,
	SCRIPT_STEP,
	SCRIPT_RELEASE,
	SCRIPT_DROP,
	SCRIPT_DUP,
	SCRIPT_DELAY,
	SCRIPT_RULE,
	SCRIPT_RULE_CLEAR,
	SCRIPT_RUN,
	SCRIPT_RUN_UNTIL,
	SCRIPT_NEXT_TIMER,
	SCRIPT_PEER,
	SCRIPT_PKT,
	SCRIPT_EXPECT,
	SCRIPT_SAY,
	SCRIPT_PAUSE,
	SCRIPT_CMD_COUNT
};

#define SCRIPT_HELD_NEXT UINT32_MAX  /* `drop next`: the oldest held frame */
#define SCRIPT_HELD_ALL (UINT32_MAX - 1)

struct script_cmd {
	enum script_cmd_kind kind;
	char file[SCRIPT_FILE_MAX];
	unsigned line, col;       /* where the command starts */
	struct script_ref a;      /* the first name (host, connection...) */
	struct script_ref b;      /* a second name (`as`, `accept`) */
	struct script_dest dest;  /* listen/connect address, peer target */
	struct script_params params;
	uint64_t n;               /* seed, count, size, frame id... */
	bool has_n;
	tv_time dur;              /* run, delay */
	uint32_t addr;            /* host/peer address (0: automatic) */
	uint8_t mac[6];
	bool has_mac, has_addr;
	uint16_t port;            /* connect `from`, peer `port` */
	bool has_port;
	bool dir_in, dir_out;     /* hold/pass HOST in|out */
	bool all;                 /* hold all, start all, rule clear... */
	bool noaccept;
	unsigned services;        /* start: APP_BIT mask */
	uint16_t svc_port[8];     /* start: port per service (0: well known) */
	enum script_pattern pattern;
	char *text;               /* say, send, expect received, pattern (heap) */
	size_t text_len;
	struct script_wire {
		struct script_ref from, to;
		bool both;            /* <-> */
		bool none;            /* back to a perfect link */
		bool has_delay, has_jitter, has_loss, has_dup, has_reorder, has_wait;
		tv_time delay, jitter, wait;
		uint32_t loss, dup, reorder;  /* ppm */
		bool has_limit;       /* frames in flight on the whole wire */
		uint64_t limit;
	} wire;
	struct script_rule rule;
	struct script_until until;
	struct script_expect expect;
	struct script_pkt pkt;
	struct script_peer_args {
		bool has_isn, has_tol, has_strict;
		uint32_t isn;
		tv_time tolerance;
		bool strict;
	} peer;
};

/* Parse one line (len bytes; no newline needed; NULs are errors).
 * Returns 0 (cmd->kind SCRIPT_NONE for a blank line or comment) or -1
 * with err filled; cmd then holds nothing to free.  file is copied. */
int script_parse_line(const char *file, unsigned line, const char *text, size_t len,
		      struct script_cmd *cmd, struct script_error *err);
void script_cmd_free(struct script_cmd *cmd);
/* The command's name ("connect"), for messages. */
const char *script_cmd_name(enum script_cmd_kind k);

/* ---- whole files ---- */

struct script_prog {
	struct script_cmd *cmds;
	size_t n, cap;
	struct script_error *errs;
	size_t nerrs, errs_cap;
	bool has_seed;            /* a `seed` command was found */
	uint64_t seed;            /* the first one's value */
	char summary[SCRIPT_MSG_MAX]; /* "# lesson: ..." text, "" if none */
};

/* Parse a whole file (text, len bytes).  Every line is parsed; errors are
 * collected in prog->errs (prog->nerrs of them).  Returns 0, or TV_ENOMEM
 * (then prog holds what was parsed before memory ran out).  Free with
 * script_prog_free. */
int script_prog_parse(const char *file, const char *text, size_t len, struct script_prog *prog);
void script_prog_free(struct script_prog *prog);
/* The text of a `# lesson: one line description` comment among the
 * first lines of text (leading space trimmed) into buf; false if none. */
bool script_lesson_summary(const char *text, size_t len, char *buf, size_t size);

/* ---- execution ---- */

struct sim;
struct tcb;

struct script_config {
	uint64_t seed;            /* the seed the sim was created with */
	bool seed_fixed;          /* ignore `seed` lines (command line --seed) */
	tv_time run_limit;        /* `run until` without `within`; 0: one day */
	/* Told about every host and raw peer as it appears (to name it in
	 * transcripts); may be NULL. */
	void (*on_endpoint)(void *ctx, uint32_t id, const char *name, uint32_t addr);
	void *ctx;
	/* How time passes while a command waits (run, run until, next timer,
	 * step, packet lines): like sim_run_until (core/sim.h) -- step until
	 * cond(cond_ctx, sim) holds (0) or `limit` has passed (TV_ETIMEDOUT;
	 * any other error also ends the wait).  NULL: sim_run_until itself,
	 * virtual time jumps.  The live runtime (src/host/rt.h) sets its
	 * own, which lets the wall clock pass while the loop runs. */
	int (*run_until)(void *run_ctx, struct sim *sim, bool (*cond)(void *, struct sim *),
			 void *cond_ctx, tv_time limit);
	void *run_ctx;
	/* Calendar time (µs since 1970) at virtual time 0, for the daytime
	 * service (apps_set_epoch): 0 in simulations; the live runtime sets
	 * the real one, since a real kernel asks. */
	tv_time epoch;
};

enum script_status { SCRIPT_OK, SCRIPT_FAILED, SCRIPT_ERROR };

/* A connection involved in a failure (for printing its TCB). */
struct script_tcb_ref {
	uint32_t host;            /* host id */
	uint32_t conn;            /* connection id on that host */
	char name[SCRIPT_NAME_MAX]; /* the script's name for it, "" if none */
};

struct script_result {
	enum script_status status;
	bool pause;               /* a `pause`: interactive players stop */
	struct script_error err;  /* FAILED/ERROR: where and what */
	char expected[SCRIPT_MSG_MAX]; /* FAILED: expected vs actual, if any */
	char actual[SCRIPT_MSG_MAX];
	struct script_tcb_ref tcbs[2];
	unsigned ntcbs;
};

struct script;

/* NULL if out of memory.  The sim must outlive the script. */
struct script *script_new(struct sim *sim, const struct script_config *cfg);
/* Stops the services the script started and forgets its names; the
 * connections themselves go when the sim is freed.  Call before
 * sim_free, after removing other observers from the bus if the services'
 * closing should not be reported. */
void script_free(struct script *sc);

enum script_status script_exec(struct script *sc, const struct script_cmd *cmd,
			       struct script_result *res);

/* Report frames the raw peers send and receive to a frame tap (event.h),
 * as the sim does for hosts (sim_set_frame_tap). fn NULL: none. */
void script_set_frame_tap(struct script *sc, tv_frame_tap_fn fn, void *ctx);

/* The TCB a failure refers to, NULL when it is gone. */
struct tcb *script_tcb_find(struct script *sc, const struct script_tcb_ref *ref);
/* Every field of a TCB, one "name value" pair per line, into buf (sequence
 * numbers relative to its ISNs, absolute ones in brackets); returns the
 * length it needed.  now for timers' remaining time. */
size_t script_tcb_format(const struct tcb *tcb, tv_time now, char *buf, size_t size);

/* Name of a host id or peer id, NULL if unknown. */
const char *script_endpoint_name(const struct script *sc, uint32_t id);

#endif
