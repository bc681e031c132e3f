/*
 * internal.h - what the files of src/script share and nothing else needs:
 * the token stream of one line (lex.c), the parser's cursor and error
 * helpers (parse.c, pkt.c), value conversions (value.c) and the
 * executor's state (exec.c, peer.c, expect.c).
 */
#ifndef TV_SCRIPT_INTERNAL_H
#define TV_SCRIPT_INTERNAL_H

#include <stdarg.h>

#include "core/apps.h"
#include "core/gate.h"
#include "core/sim.h"
#include "core/tcb.h"
#include "script/script.h"

/* ---- tokens (lex.c) ---- */

enum tok_kind {
	TK_END,       /* end of line */
	TK_WORD,      /* connect  snd.una  SYN-SENT  tcp.rst_sent */
	TK_NUM,       /* 12  1.5s  64k  5%  0x1f  3rd  (suffix kept in the text) */
	TK_ADDR,      /* 10.0.0.1 */
	TK_MAC,       /* 02:00:0a:00:00:01 */
	TK_STR,       /* "text" (escapes checked, decoded on demand) */
	TK_PUNCT,     /* -> <-> == != <= >= < > : ( ) , * ~ + . .. ... / = - */
};

struct tok {
	enum tok_kind kind;
	const char *p;          /* the raw text in the line */
	size_t len;
	unsigned col;           /* 1-based, in characters */
	uint32_t addr;          /* TK_ADDR */
	uint8_t mac[6];         /* TK_MAC */
};

struct lexer {
	const char *line;
	size_t len;
	struct tok *toks;
	size_t n, cap;
};

/* Split a line into tokens (TK_END last).  0, or -1 with err filled
 * (err->file/line are the caller's). */
int lex_line(struct lexer *lx, const char *text, size_t len, struct script_error *err);
void lex_free(struct lexer *lx);
/* 1-based character column of byte offset off in text. */
unsigned lex_col(const char *text, size_t off);
/* Decode a TK_STR's escapes into a new heap buffer (NUL-terminated too);
 * NULL if out of memory. */
char *lex_string(const struct tok *t, size_t *len);
/* The token as the user wrote it, for messages: non-printable bytes as
 * \xHH, cut short with "..." past 40 characters. */
void tok_quote(const struct tok *t, char *buf, size_t size);
/* Token text equals s (ASCII case-insensitive), whatever its kind. */
bool tok_is(const struct tok *t, const char *s);
bool tok_punct(const struct tok *t, const char *s);

/* ---- the parser's cursor (parse.c) ---- */

struct parser {
	struct lexer lx;
	size_t i;                /* next token */
	struct script_cmd *cmd;
	struct script_error *err;
	const char *text;
};

static inline const struct tok *ps_peek(const struct parser *ps)
{
	return &ps->lx.toks[ps->i];
}

static inline const struct tok *ps_peek2(const struct parser *ps)
{
	return ps->lx.toks[ps->i].kind == TK_END ? &ps->lx.toks[ps->i] : &ps->lx.toks[ps->i + 1];
}

static inline const struct tok *ps_next(struct parser *ps)
{
	const struct tok *t = &ps->lx.toks[ps->i];

	if (t->kind != TK_END)
		ps->i++;
	return t;
}

/* Set the error at token t (message printf-style, already translated);
 * always returns -1. */
int ps_fail(struct parser *ps, const struct tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "expected WHAT, got 'TOKEN'" (or "... at the end of the line"). */
int ps_expected(struct parser *ps, const struct tok *t, const char *what);
/* Take the keyword s if it is next. */
bool ps_accept(struct parser *ps, const char *s);
bool ps_accept_punct(struct parser *ps, const char *s);
int ps_need_punct(struct parser *ps, const char *s);
int ps_end(struct parser *ps);
int ps_name(struct parser *ps, struct script_ref *ref, const char *what);
int ps_uint(struct parser *ps, uint64_t max, uint64_t *v, const char *what);
int ps_duration(struct parser *ps, tv_time *v);
int ps_size(struct parser *ps, uint64_t max, uint64_t *v);
int ps_percent(struct parser *ps, uint32_t *ppm);
int ps_onoff(struct parser *ps, bool *v);
int ps_op(struct parser *ps, enum script_op *op);
int ps_state(struct parser *ps, int *state);
int ps_timer_kind(struct parser *ps, int *kind, bool allow_any);
/* The nearest of words[0..n) to w within a small edit distance, or NULL. */
const char *suggest(const char *w, size_t wlen, const char *const *words, size_t n);

/* pkt.c: a packetdrill-style line (the cursor is at its time). */
int pkt_parse(struct parser *ps, struct script_pkt *pkt);

/* ---- values (value.c) ---- */

/* Convert a TK_NUM text.  Each returns 0 or a translated message key:
 * the caller reports it at the token. */
const char *val_uint(const char *p, size_t len, uint64_t max, uint64_t *v);
const char *val_duration(const char *p, size_t len, tv_time *v);
const char *val_size(const char *p, size_t len, uint64_t max, uint64_t *v);
const char *val_percent(const char *p, size_t len, uint32_t *ppm);
/* "1.5s", "200ms", "2h", "0s": the shortest exact spelling. */
char *val_fmt_duration(tv_time d, char *buf, size_t size);
const char *val_op_text(enum script_op op);
bool val_compare(uint64_t a, enum script_op op, uint64_t b);
/* TCB field names and how their values read and print. */
const char *val_field_name(enum script_field f);
int val_field_find(const char *p, size_t len);
bool val_field_is_time(enum script_field f);
/* A field's value from a TCB (relative sequence numbers). */
uint64_t val_field_get(const struct tcb *tcb, enum script_field f);
const char *val_param_name(enum script_param_id id);
int val_state_find(const char *p, size_t len);
const char *val_timer_name(enum tv_timer_kind k);
int val_timer_find(const char *p, size_t len);
/* Short error names ("refused") and their TV_E codes. */
int val_err_find(const char *p, size_t len, int *err);
const char *val_err_name(int err);

/* ---- the executor (exec.c, peer.c, expect.c) ---- */

#define SCRIPT_RX_KEEP (1u << 20)  /* received bytes kept for comparison */
#define SCRIPT_SEND_CHUNK (64u << 10) /* `send` bytes made at a time */
#define PEER_QUEUE 256
#define PEER_ID_BASE (SIM_HOSTS_MAX + 1)

struct sconn {
	struct sconn *next;
	struct script *sc;
	char name[SCRIPT_NAME_MAX];
	struct host *h;
	struct tv_sock *sk;      /* NULL once the script closed or aborted it */
	uint32_t id;             /* connection id on h */
	bool listener;
	bool autoread;
	bool noaccept;
	bool eof;                /* the application read the end of stream */
	bool pending;            /* a listener's child named at its SYN, not
				    accepted yet (no socket) */
	int err;                 /* last error the socket reported */
	char child[SCRIPT_NAME_MAX]; /* listener: name of its first child */
	struct sconn *parent;    /* a child: its listener's record */
	uint8_t *rx;             /* the first SCRIPT_RX_KEEP bytes received */
	size_t rx_len, rx_cap;
	uint64_t rx_total;
	uint8_t *tx;             /* a chunk being handed to the socket */
	size_t tx_len, tx_off;
	struct sx_send *sends;   /* what `send` asked for and is not yet in
				    tx, oldest first: made a chunk at a time,
				    so `send c 1g` does not take a gigabyte */
	struct sx_send *sends_tail;
	unsigned nsends;         /* at most SCRIPT_SENDS_MAX: a client that
				    queues sends faster than the peer reads
				    is refused, not fed memory */
};

/* One `send` not yet handed over: `left` more bytes of a pattern. */
struct sx_send {
	struct sx_send *next;
	uint64_t left, pos;      /* bytes still to make, and made so far */
	int pattern;             /* enum script_pattern */
	char *text;              /* SCRIPT_PAT_TEXT: the bytes (repeated) */
	size_t text_len;
};

struct peer_seg {
	tv_time time;
	struct tv_seg_info seg;
	uint32_t from;           /* host id */
};

struct speer {
	struct speer *next;
	struct script *sc;
	char name[SCRIPT_NAME_MAX];
	uint32_t id, addr;
	uint8_t mac[6];
	struct wire_port *port;
	uint16_t lport;          /* the peer's port (0: not known yet) */
	struct host *target;     /* host under test (NULL: not known yet) */
	uint16_t tport;          /* its port (0: not known yet) */
	uint32_t isn;            /* the peer's initial sequence number */
	uint32_t host_isn;
	bool host_isn_known;
	tv_time tolerance;
	bool strict;
	uint16_t ip_id;
	uint32_t flow;           /* events' connection id: one per `to` */
	bool flow_used;          /* events went out under it */
	struct peer_seg q[PEER_QUEUE];
	unsigned qhead, qlen;
	uint64_t qlost;
};

struct shost_apps {
	struct host *h;
	struct apps *apps;
};

struct script {
	struct sim *sim;
	struct script_config cfg;
	struct tv_rng rng;
	struct sconn *conns;
	struct speer *peers, *cur;
	unsigned nconnect, nlisten;
	struct shost_apps apps[SIM_HOSTS_MAX];
	unsigned napps;
	bool hold_all;
	uint32_t hold_rule[SIM_HOSTS_MAX][2]; /* by host id - 1 and direction */
	bool sink_added;
	struct tcp_params defaults;  /* for hosts added later (`set all`) */
	struct host_config limits;   /* their limits: max_conns, backlog_default,
					arp_cache_max, arp_pending_max */
	size_t hold_max;             /* their gates' hold.max; 0: the default */
	struct wire_impair wire_default;
	tv_frame_tap_fn tap;
	void *tap_ctx;
	/* what the bus sink watches for `run until` */
	struct {
		bool armed, seen;
		int kind;            /* enum tv_timer_kind, -1 any */
		uint32_t host, conn; /* 0: any */
	} watch;
	/* the command being executed and its result */
	const struct script_cmd *cmd;
	struct script_result *res;
};

/* Result helpers: set status and the message at column col of the
 * current command (0: the command's own column).  Return the status. */
enum script_status sx_error(struct script *sc, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum script_status sx_fail(struct script *sc, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sx_involve(struct script *sc, const struct host *h, uint32_t conn, const char *name);
/* Involve c's TCB and, when found, its other end on another host. */
void sx_involve_pair(struct script *sc, const struct sconn *c);
/* The script's name for connection id of h, "" if it has none. */
const char *sx_name_of(struct script *sc, const struct host *h, uint32_t id);

struct sconn *sx_conn(struct script *sc, const char *name);
struct speer *sx_peer(struct script *sc, const char *name);
struct host *sx_host(struct script *sc, const char *name);
/* A named host, or a script error at ref (returns NULL). */
struct host *sx_need_host(struct script *sc, const struct script_ref *ref);
struct sconn *sx_need_conn(struct script *sc, const struct script_ref *ref);
/* The listener that will give name to a connection it accepts, or NULL. */
struct sconn *sx_future_child(struct script *sc, const char *name);
/* The connection's TCB (listeners too), NULL when gone. */
struct tcb *sx_conn_tcb(struct script *sc, const struct sconn *c);
struct tcb *sx_tcb_by_id(struct host *h, uint32_t id);
int sx_conn_state(struct script *sc, const struct sconn *c);
/* Run until cond holds or limit passes; TV_ETIMEDOUT if not. */
int sx_run_until(struct script *sc, sim_cond_fn cond, void *ctx, tv_time limit);
int sx_run_for(struct script *sc, tv_time d);
tv_time sx_limit(const struct script *sc, const struct script_until *u);

/* exec.c: name checks shared with the peer */
enum script_status sx_check_new_name(struct script *sc, const struct script_ref *ref);
enum script_status sx_check_onlink(struct script *sc, uint32_t addr, unsigned col);
void sx_emit(struct script *sc, struct tv_event *ev);

/* peer.c */
enum script_status peer_exec(struct script *sc, const struct script_cmd *cmd);
enum script_status peer_pkt(struct script *sc, const struct script_cmd *cmd);
void peer_free_all(struct script *sc);
/* A host was added: give it static ARP entries for the peers. */
void peer_host_added(struct script *sc, struct host *h);
int peer_port_of(struct script *sc, const char *name, struct wire_port **port,
		 uint32_t *addr);
/* Format a segment the packetdrill way, relative to the given ISNs. */
size_t pkt_format(const struct script_pkt *pkt, char *buf, size_t size);

/* expect.c */
enum script_status expect_exec(struct script *sc, const struct script_cmd *cmd);

/* A bounded text buffer: sbuf_add() appends like snprintf, counting what
 * did not fit in len, so callers can tell the size they would have needed.
 * Shared by the TCB dump and the packet formatter. */
struct sbuf {
	char *buf;
	size_t size, len;
};

void sbuf_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
