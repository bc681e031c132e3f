/*
 * parse.c - one line of the command language into a struct script_cmd.
 *
 * script_parse_line() lexes the line (lex.c), then dispatches on the
 * first word through a table of commands, each with its own small
 * recursive-descent function; a line that starts with a time (`+0.1`,
 * `0.5`, `*`) is a packetdrill-style segment line (pkt.c).  The grammar
 * is in doc/tcpviz-script.5.  Parsing only checks the shape of a line:
 * whether a name exists is the executor's business, because the TUI and
 * the control socket parse lines against a world that changes.
 *
 * Every error is a value: the column of the offending token and a
 * translated message quoting it; an unknown word gets the nearest known
 * one suggested (edit distance).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "script/internal.h"

/* ---- errors and small helpers ---- */

int ps_fail(struct parser *ps, const struct tok *t, const char *fmt, ...)
{
	va_list ap;

	ps->err->col = t->col;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int ps_expected(struct parser *ps, const struct tok *t, const char *what)
{
	char q[200];

	if (t->kind == TK_END)
		return ps_fail(ps, t, _("expected %s at the end of the line"), what);
	tok_quote(t, q, sizeof(q));
	return ps_fail(ps, t, _("expected %s, got '%s'"), what, q);
}

/* Report fmt (one %s) at t with t quoted. */
static int ps_fail_tok(struct parser *ps, const struct tok *t, const char *fmt)
{
	char q[200];

	tok_quote(t, q, sizeof(q));
	return ps_fail(ps, t, fmt, q);
}

/* "unknown WHAT 'x'" plus the nearest of words, if one is near. */
static int ps_unknown(struct parser *ps, const struct tok *t, const char *fmt,
		      const char *fmt_suggest, const char *const *words, size_t n)
{
	char q[200];
	const char *s = suggest(t->p, t->len, words, n);

	tok_quote(t, q, sizeof(q));
	if (s != NULL)
		return ps_fail(ps, t, fmt_suggest, q, s);
	return ps_fail(ps, t, fmt, q);
}

bool ps_accept(struct parser *ps, const char *s)
{
	if (ps_peek(ps)->kind == TK_WORD && tok_is(ps_peek(ps), s)) {
		ps->i++;
		return true;
	}
	return false;
}

bool ps_accept_punct(struct parser *ps, const char *s)
{
	if (tok_punct(ps_peek(ps), s)) {
		ps->i++;
		return true;
	}
	return false;
}

int ps_need_punct(struct parser *ps, const char *s)
{
	char what[16];

	if (ps_accept_punct(ps, s))
		return 0;
	snprintf(what, sizeof(what), "'%s'", s);
	return ps_expected(ps, ps_peek(ps), what);
}

int ps_end(struct parser *ps)
{
	const struct tok *t = ps_peek(ps);

	if (t->kind == TK_END)
		return 0;
	return ps_fail_tok(ps, t, _("unexpected '%s' at the end of the command"));
}

/* Words that structure commands cannot name things. */
static const char *const reserved[] = {
	"all", "next", "to", "from", "as", "with", "on", "off", "in", "out", "is", "of",
	"none", "any", "timer", "held", "within", "until", "every", "chance", "counter",
};

static bool is_reserved(const struct tok *t)
{
	for (size_t i = 0; i < TV_ARRAY_LEN(reserved); i++)
		if (tok_is(t, reserved[i]))
			return true;
	return false;
}

int ps_name(struct parser *ps, struct script_ref *ref, const char *what)
{
	const struct tok *t = ps_peek(ps);

	if (t->kind != TK_WORD)
		return ps_expected(ps, t, what);
	if (t->len >= SCRIPT_NAME_MAX)
		return ps_fail(ps, t, _("name '%.*s...' is too long (%d characters at most)"), 20,
			       t->p, SCRIPT_NAME_MAX - 1);
	memcpy(ref->name, t->p, t->len);
	ref->name[t->len] = '\0';
	ref->col = t->col;
	ps->i++;
	return 0;
}

/* A name being given to something new: not a reserved word. */
static int ps_new_name(struct parser *ps, struct script_ref *ref, const char *what)
{
	const struct tok *t = ps_peek(ps);

	if (t->kind == TK_WORD && is_reserved(t))
		return ps_fail_tok(ps, t, _("'%s' is a reserved word and cannot be a name"));
	return ps_name(ps, ref, what);
}

static int ps_num_tok(struct parser *ps, const struct tok **t, const char *what)
{
	*t = ps_peek(ps);
	if ((*t)->kind != TK_NUM)
		return ps_expected(ps, *t, what);
	ps->i++;
	return 0;
}

int ps_uint(struct parser *ps, uint64_t max, uint64_t *v, const char *what)
{
	const struct tok *t;
	const char *e;

	if (ps_num_tok(ps, &t, what) != 0)
		return -1;
	if ((e = val_uint(t->p, t->len, max, v)) != NULL)
		return ps_fail_tok(ps, t, e);
	return 0;
}

int ps_duration(struct parser *ps, tv_time *v)
{
	const struct tok *t;
	const char *e;

	if (ps_num_tok(ps, &t, _("a duration (like 200ms or 1.5s)")) != 0)
		return -1;
	if ((e = val_duration(t->p, t->len, v)) != NULL)
		return ps_fail_tok(ps, t, e);
	return 0;
}

int ps_size(struct parser *ps, uint64_t max, uint64_t *v)
{
	const struct tok *t;
	const char *e;

	if (ps_num_tok(ps, &t, _("a size (like 1000 or 64k)")) != 0)
		return -1;
	if ((e = val_size(t->p, t->len, max, v)) != NULL)
		return ps_fail_tok(ps, t, e);
	return 0;
}

int ps_percent(struct parser *ps, uint32_t *ppm)
{
	const struct tok *t;
	const char *e;

	if (ps_num_tok(ps, &t, _("a percentage (like 5%)")) != 0)
		return -1;
	if ((e = val_percent(t->p, t->len, ppm)) != NULL)
		return ps_fail_tok(ps, t, e);
	return 0;
}

int ps_onoff(struct parser *ps, bool *v)
{
	if (ps_accept(ps, "on"))
		return *v = true, 0;
	if (ps_accept(ps, "off"))
		return *v = false, 0;
	return ps_expected(ps, ps_peek(ps), _("'on' or 'off'"));
}

int ps_op(struct parser *ps, enum script_op *op)
{
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
	const struct tok *t = ps_peek(ps);

	for (size_t i = 0; i < TV_ARRAY_LEN(ops); i++)
		if (tok_punct(t, ops[i])) {
			*op = (enum script_op)i;
			ps->i++;
			return 0;
		}
	if (tok_punct(t, "=")) {
		*op = SCRIPT_OP_EQ;
		ps->i++;
		return 0;
	}
	return ps_expected(ps, t, _("a comparison (== != < <= > >=)"));
}

int ps_state(struct parser *ps, int *state)
{
	static const char *names[TCB_STATE_COUNT];
	const struct tok *t = ps_peek(ps);
	int s;

	if (t->kind != TK_WORD)
		return ps_expected(ps, t, _("a TCP state (like ESTABLISHED)"));
	if ((s = val_state_find(t->p, t->len)) < 0) {
		for (int i = 0; i < TCB_STATE_COUNT; i++)
			names[i] = tcb_state_name((enum tcb_state)i);
		return ps_unknown(ps, t, _("unknown TCP state '%s'"),
				  _("unknown TCP state '%s'; did you mean '%s'?"), names,
				  TCB_STATE_COUNT);
	}
	*state = s;
	ps->i++;
	return 0;
}

int ps_timer_kind(struct parser *ps, int *kind, bool allow_any)
{
	static const char *const names[] = {"rexmit", "persist", "delack", "keepalive",
					    "2msl", "conn", "arp", "timer"};
	const struct tok *t = ps_peek(ps);
	int k;

	if (allow_any && (tok_is(t, "timer") || tok_is(t, "any"))) {
		*kind = -1;
		ps->i++;
		return 0;
	}
	if (t->kind != TK_WORD && t->kind != TK_NUM)
		return ps_expected(ps, t, _("a timer (rexmit, persist, delack, keepalive, 2msl, conn)"));
	if ((k = val_timer_find(t->p, t->len)) < 0)
		return ps_unknown(ps, t, _("unknown timer '%s'"),
				  _("unknown timer '%s'; did you mean '%s'?"), names,
				  TV_ARRAY_LEN(names) - (allow_any ? 0 : 1));
	*kind = k;
	ps->i++;
	return 0;
}

/* ---- edit distance ---- */

/* Optimal string alignment distance (Levenshtein plus transpositions),
 * case-insensitive, in half steps: inserting, deleting or changing a
 * letter costs 2, swapping two neighbours 1 (the commonest typo: "sned"
 * is nearer "send" than "seed").  Words longer than 63 bytes are too far
 * anyway. */
static unsigned osa_distance(const char *a, size_t n, const char *b, size_t m)
{
	unsigned d[64][64];

	if (n > 63 || m > 63)
		return 999;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = 2 * (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = 2 * (unsigned)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
			unsigned cost = ca != cb ? 2 : 0, v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 2 < v)
				v = d[i - 1][j] + 2;
			if (d[i][j - 1] + 2 < v)
				v = d[i][j - 1] + 2;
			if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == cb &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

const char *suggest(const char *w, size_t wlen, const char *const *words, size_t n)
{
	unsigned best = 999, limit = wlen <= 3 ? 2 : wlen <= 6 ? 4 : 6;
	const char *pick = NULL;

	for (size_t i = 0; i < n; i++) {
		unsigned d = osa_distance(w, wlen, words[i], strlen(words[i]));
		if (d < best) {
			best = d;
			pick = words[i];
		}
	}
	return best <= limit ? pick : NULL;
}

/* ---- shared pieces ---- */

/* HOST:PORT or ADDR:PORT; the port is required when need_port. */
static int ps_dest(struct parser *ps, struct script_dest *d, bool need_port)
{
	const struct tok *t = ps_peek(ps);
	uint64_t port;

	memset(d, 0, sizeof(*d));
	if (t->kind == TK_ADDR) {
		d->addr = t->addr;
		d->ref.col = t->col;
		ps->i++;
	} else if (ps_name(ps, &d->ref, _("a host name or an address")) != 0) {
		return -1;
	}
	if (!ps_accept_punct(ps, ":")) {
		if (need_port)
			return ps_expected(ps, ps_peek(ps), _("':PORT' after the host"));
		return 0;
	}
	if (ps_uint(ps, 65535, &port, _("a port number")) != 0)
		return -1;
	if (port == 0)
		return ps_fail(ps, &ps->lx.toks[ps->i - 1], "%s", _("port 0 is not a port"));
	d->port = (uint16_t)port;
	d->has_port = true;
	return 0;
}

/* Flags as packetdrill writes them: letters from "FSRP.UEW" in adjacent
 * tokens ("S", "S.", "."), or "-" for none.  Shared with pkt.c. */
int ps_flags(struct parser *ps, uint8_t *flags);

int ps_flags(struct parser *ps, uint8_t *flags)
{
	static const char letters[] = "FSRP.UEW";
	const struct tok *t = ps_peek(ps);
	const char *end = NULL;
	uint8_t f = 0;

	if (tok_punct(t, "-")) {
		ps->i++;
		*flags = 0;
		return 0;
	}
	if (t->kind != TK_WORD && !tok_punct(t, "."))
		return ps_expected(ps, t, _("TCP flags (like S, S. or F.)"));
	while ((t = ps_peek(ps))->kind == TK_WORD || tok_punct(t, ".")) {
		if (end != NULL && t->p != end)
			break;
		for (size_t i = 0; i < t->len; i++) {
			const char *c = strchr(letters, t->p[i]);
			if (c == NULL || t->p[i] == '\0')
				return ps_fail(ps, t, _("unknown TCP flag '%c' (use F S R P . U E W)"),
					       t->p[i]);
			f |= (uint8_t)(1u << (c - letters)); /* F S R P . U E W = bits 0..7 */
		}
		end = t->p + t->len;
		ps->i++;
	}
	*flags = f;
	return 0;
}

/* ---- parameters (set, with) ---- */

static const struct {
	const char *name;
	enum script_param_id id;
} param_alias[] = {
	{"window", SCRIPT_P_RCVBUF}, {"rcvwnd", SCRIPT_P_RCVBUF},
	{"keepidle", SCRIPT_P_KEEPIDLE}, {"keepintvl", SCRIPT_P_KEEPINTVL},
	{"keepcnt", SCRIPT_P_KEEPCNT}, {"delayed-ack", SCRIPT_P_DELACK},
	{"fin-wait-2", SCRIPT_P_FIN_WAIT_2},
};

static int param_find(const struct tok *t)
{
	for (int i = 0; i < SCRIPT_P_COUNT; i++)
		if (tok_is(t, val_param_name((enum script_param_id)i)))
			return i;
	for (size_t i = 0; i < TV_ARRAY_LEN(param_alias); i++)
		if (tok_is(t, param_alias[i].name))
			return (int)param_alias[i].id;
	return -1;
}

static int ps_param_value(struct parser *ps, struct script_param *p)
{
	bool b;

	switch (p->id) {
	case SCRIPT_P_MSL: case SCRIPT_P_RTO_MIN: case SCRIPT_P_RTO_MAX:
	case SCRIPT_P_RTO_INITIAL: case SCRIPT_P_KEEPIDLE: case SCRIPT_P_KEEPINTVL:
	case SCRIPT_P_DELACK_TIMEOUT: case SCRIPT_P_FIN_WAIT_2: case SCRIPT_P_PERSIST_MIN:
	case SCRIPT_P_PERSIST_MAX:
		return ps_duration(ps, &p->value);
	case SCRIPT_P_RETRIES: case SCRIPT_P_SYN_RETRIES: case SCRIPT_P_DATA_RETRIES:
	case SCRIPT_P_KEEPCNT:
		return ps_uint(ps, 255, &p->value, _("a count (0 to 255)"));
	case SCRIPT_P_KEEPALIVE: case SCRIPT_P_DELACK: case SCRIPT_P_NAGLE:
	case SCRIPT_P_WSCALE: case SCRIPT_P_AUTOREAD: case SCRIPT_P_BACKLOG_EVICT:
		if (ps_onoff(ps, &b) != 0)
			return -1;
		p->value = b;
		return 0;
	case SCRIPT_P_RCVBUF: case SCRIPT_P_SNDBUF:
		return ps_size(ps, 1u << 30, &p->value);
	case SCRIPT_P_MSS:
		return ps_size(ps, 65535, &p->value);
	case SCRIPT_P_OOO_MAX:
		return ps_size(ps, 1u << 30, &p->value);
	case SCRIPT_P_CONNS_MAX:
		return ps_uint(ps, SCRIPT_CONNS_MAX, &p->value, _("a number of connections"));
	case SCRIPT_P_HOLD_MAX:
		return ps_uint(ps, SCRIPT_HOLD_MAX, &p->value, _("a number of frames"));
	default:
		return ps_uint(ps, 65535, &p->value, _("a number"));
	}
}

static int ps_params(struct parser *ps, struct script_params *pl)
{
	do {
		const struct tok *t = ps_peek(ps);
		int id;
		if (t->kind != TK_WORD)
			return ps_expected(ps, t, _("a parameter (like msl or rto.min)"));
		if ((id = param_find(t)) < 0) {
			const char *names[SCRIPT_P_COUNT];
			for (int i = 0; i < SCRIPT_P_COUNT; i++)
				names[i] = val_param_name((enum script_param_id)i);
			return ps_unknown(ps, t, _("unknown parameter '%s'"),
					  _("unknown parameter '%s'; did you mean '%s'?"), names,
					  SCRIPT_P_COUNT);
		}
		if (pl->n == SCRIPT_PARAMS_MAX)
			return ps_fail(ps, t, _("too many parameters (%d at most)"),
				       SCRIPT_PARAMS_MAX);
		struct script_param *p = &pl->p[pl->n++];
		p->id = (enum script_param_id)id;
		p->col = t->col;
		ps->i++;
		if (ps_param_value(ps, p) != 0)
			return -1;
	} while (ps_peek(ps)->kind != TK_END);
	return 0;
}

/* ---- commands ---- */

static int p_seed(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;

	if (ps_uint(ps, UINT64_MAX, &c->n, _("a seed (a whole number)")) != 0)
		return -1;
	c->has_n = true;
	return ps_end(ps);
}

static int p_mac(struct parser *ps)
{
	const struct tok *t = ps_peek(ps);

	if (t->kind != TK_MAC)
		return ps_expected(ps, t, _("a MAC address (like 02:00:0a:00:00:01)"));
	if (t->mac[0] & 1)
		return ps_fail_tok(ps, t, _("'%s' is a multicast MAC address"));
	memcpy(ps->cmd->mac, t->mac, 6);
	ps->cmd->has_mac = true;
	ps->i++;
	return 0;
}

static int p_host(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;
	const struct tok *t;

	if (ps_new_name(ps, &c->a, _("a host name")) != 0)
		return -1;
	if (strlen(c->a.name) > 15)
		return ps_fail(ps, &ps->lx.toks[ps->i - 1], _("host name '%s' is too long (15 characters at most)"),
			       c->a.name);
	t = ps_peek(ps);
	if (t->kind == TK_ADDR) {
		c->addr = t->addr;
		c->has_addr = true;
		ps->i++;
	}
	while (ps_peek(ps)->kind != TK_END) {
		if (!ps_accept(ps, "mac"))
			return ps_expected(ps, ps_peek(ps), _("an address or 'mac'"));
		if (p_mac(ps) != 0)
			return -1;
	}
	return 0;
}

static int p_wire_item(struct parser *ps, struct script_wire *w)
{
	const struct tok *t = ps_peek(ps);

	if (ps_accept(ps, "delay"))
		return w->has_delay = true, ps_duration(ps, &w->delay);
	if (ps_accept(ps, "jitter"))
		return w->has_jitter = true, ps_duration(ps, &w->jitter);
	if (ps_accept(ps, "loss"))
		return w->has_loss = true, ps_percent(ps, &w->loss);
	if (ps_accept(ps, "dup") || ps_accept(ps, "duplicate"))
		return w->has_dup = true, ps_percent(ps, &w->dup);
	if (ps_accept(ps, "reorder"))
		return w->has_reorder = true, ps_percent(ps, &w->reorder);
	if (ps_accept(ps, "wait"))
		return w->has_wait = true, ps_duration(ps, &w->wait);
	if (ps_accept(ps, "none"))
		return w->none = true, 0;
	if (ps_accept(ps, "limit"))
		return w->has_limit = true,
		       ps_uint(ps, SCRIPT_WIRE_LIMIT_MAX, &w->limit, _("a number of frames"));
	if (t->kind == TK_WORD)
		return ps_unknown(ps, t, _("unknown impairment '%s'"),
				  _("unknown impairment '%s'; did you mean '%s'?"),
				  (const char *const[]){"delay", "jitter", "loss", "dup", "reorder",
							"wait", "none", "limit"}, 8);
	return ps_expected(ps, t, _("an impairment (delay, jitter, loss, dup, reorder or none)"));
}

static int p_wire(struct parser *ps)
{
	struct script_wire *w = &ps->cmd->wire;

	if (ps_peek(ps)->kind == TK_WORD &&
	    (tok_punct(ps_peek2(ps), "->") || tok_punct(ps_peek2(ps), "<->"))) {
		if (ps_name(ps, &w->from, "") != 0)
			return -1;
		w->both = tok_punct(ps_next(ps), "<->");
		if (ps_name(ps, &w->to, _("a host name")) != 0)
			return -1;
	}
	do {
		if (p_wire_item(ps, w) != 0)
			return -1;
	} while (ps_peek(ps)->kind != TK_END);
	return 0;
}

static int p_set(struct parser *ps)
{
	if (ps_name(ps, &ps->cmd->a, _("a host, a connection or 'all'")) != 0)
		return -1;
	ps->cmd->all = strcmp(ps->cmd->a.name, "all") == 0;
	return ps_params(ps, &ps->cmd->params);
}

static int p_with(struct parser *ps)
{
	if (!ps_accept(ps, "with"))
		return 1;
	return ps_params(ps, &ps->cmd->params);
}

static int p_listen(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;
	const struct tok *t = ps_peek(ps);
	int r;

	if (ps_dest(ps, &c->dest, true) != 0)
		return -1;
	if (c->dest.ref.name[0] == '\0')
		return ps_fail(ps, t, "%s", _("listen on a host by name (like B:80), not an address"));
	while (ps_peek(ps)->kind != TK_END) {
		if (ps_accept(ps, "as")) {
			if (ps_new_name(ps, &c->a, _("a name for the listener")) != 0)
				return -1;
		} else if (ps_accept(ps, "backlog")) {
			if (ps_uint(ps, 65535, &c->n, _("a backlog (a number)")) != 0)
				return -1;
			c->has_n = true;
		} else if (ps_accept(ps, "accept")) {
			if (ps_new_name(ps, &c->b, _("a name for accepted connections")) != 0)
				return -1;
		} else if (ps_accept(ps, "noaccept")) {
			c->noaccept = true;
		} else if ((r = p_with(ps)) <= 0) {
			return r;
		} else {
			return ps_expected(ps, ps_peek(ps), _("'as', 'backlog', 'accept', 'noaccept' or 'with'"));
		}
	}
	return 0;
}

static int p_accept(struct parser *ps)
{
	if (ps_name(ps, &ps->cmd->a, _("a listener's name")) != 0)
		return -1;
	if (ps_accept(ps, "as") && ps_new_name(ps, &ps->cmd->b, _("a name for the connection")) != 0)
		return -1;
	return ps_end(ps);
}

static int p_connect(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;
	uint64_t port;
	int r;

	if (ps_name(ps, &c->b, _("the connecting host's name")) != 0)
		return -1;
	ps_accept(ps, "to");
	if (ps_dest(ps, &c->dest, true) != 0)
		return -1;
	while (ps_peek(ps)->kind != TK_END) {
		if (ps_accept(ps, "as")) {
			if (ps_new_name(ps, &c->a, _("a name for the connection")) != 0)
				return -1;
		} else if (ps_accept(ps, "from")) {
			if (ps_uint(ps, 65535, &port, _("a local port number")) != 0)
				return -1;
			c->port = (uint16_t)port;
			c->has_port = port != 0;
		} else if ((r = p_with(ps)) <= 0) {
			return r;
		} else {
			return ps_expected(ps, ps_peek(ps), _("'as', 'from' or 'with'"));
		}
	}
	return 0;
}

static int p_take_string(struct parser *ps)
{
	const struct tok *t = ps_next(ps);

	ps->cmd->text = lex_string(t, &ps->cmd->text_len);
	if (ps->cmd->text == NULL)
		return ps_fail(ps, t, "%s", _("out of memory"));
	return 0;
}

static int p_send(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;

	if (ps_name(ps, &c->a, _("a connection's name")) != 0)
		return -1;
	if (ps_peek(ps)->kind == TK_STR) {
		c->pattern = SCRIPT_PAT_TEXT;
		if (p_take_string(ps) != 0)
			return -1;
		c->n = c->text_len;
		return ps_end(ps);
	}
	if (ps_peek(ps)->kind != TK_NUM)
		return ps_expected(ps, ps_peek(ps), _("a string or a size (like \"hello\" or 10k)"));
	if (ps_size(ps, SCRIPT_SEND_MAX, &c->n) != 0)
		return -1;
	c->has_n = true;
	ps_accept(ps, "bytes");
	c->pattern = SCRIPT_PAT_CHARGEN;
	if (ps_accept(ps, "of")) {
		if (ps_accept(ps, "zeros"))
			c->pattern = SCRIPT_PAT_ZEROS;
		else if (ps_accept(ps, "chargen"))
			c->pattern = SCRIPT_PAT_CHARGEN;
		else if (ps_peek(ps)->kind != TK_STR)
			return ps_expected(ps, ps_peek(ps), _("a string, 'zeros' or 'chargen'"));
		else if (p_take_string(ps) != 0)
			return -1;
		else if (c->text_len == 0)
			return ps_fail(ps, &ps->lx.toks[ps->i - 1], "%s", _("the pattern is empty"));
		else
			c->pattern = SCRIPT_PAT_TEXT;
	}
	return ps_end(ps);
}

static int p_recv(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;

	if (ps_name(ps, &c->a, _("a connection's name")) != 0)
		return -1;
	if (ps_accept(ps, "all") || ps_peek(ps)->kind == TK_END)
		return ps_end(ps);
	if (ps_size(ps, 1u << 30, &c->n) != 0)
		return -1;
	c->has_n = true;
	return ps_end(ps);
}

static int p_conn_only(struct parser *ps)
{
	if (ps_name(ps, &ps->cmd->a, _("a connection's name")) != 0)
		return -1;
	return ps_end(ps);
}

static int p_start(struct parser *ps)
{
	static const char *const svcs[] = {"echo", "discard", "daytime", "chargen", "http"};
	struct script_cmd *c = ps->cmd;
	uint64_t port;

	if (ps_name(ps, &c->a, _("a host name")) != 0)
		return -1;
	if (ps_accept(ps, "all")) {
		c->services = APPS_ALL;
		return ps_end(ps);
	}
	do {
		const struct tok *t = ps_peek(ps);
		int svc;
		if (t->kind != TK_WORD)
			return ps_expected(ps, t, _("a service (echo, discard, daytime, chargen, http or all)"));
		char w[16] = "";
		if (t->len < sizeof(w))
			memcpy(w, t->p, t->len);
		if ((svc = app_find(w)) < 0)
			return ps_unknown(ps, t, _("unknown service '%s'"),
					  _("unknown service '%s'; did you mean '%s'?"), svcs, 5);
		ps->i++;
		c->services |= APP_BIT(svc);
		if (ps_accept_punct(ps, ":")) {
			if (ps_uint(ps, 65535, &port, _("a port number")) != 0)
				return -1;
			c->svc_port[svc] = (uint16_t)port;
		}
	} while (ps_peek(ps)->kind != TK_END);
	return 0;
}

static int p_stop(struct parser *ps)
{
	if (ps_name(ps, &ps->cmd->a, _("a host name")) != 0)
		return -1;
	return ps_end(ps);
}

static int p_hold(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;

	if (ps_peek(ps)->kind == TK_END || ps_accept(ps, "all")) {
		c->all = true;
		return ps_end(ps);
	}
	if (ps_name(ps, &c->a, _("a host name or 'all'")) != 0)
		return -1;
	if (ps_accept(ps, "in"))
		c->dir_in = true;
	else if (ps_accept(ps, "out"))
		c->dir_out = true;
	else
		c->dir_in = c->dir_out = true;
	return ps_end(ps);
}

static int p_step(struct parser *ps)
{
	ps->cmd->n = 1;
	if (ps_peek(ps)->kind == TK_END)
		return 0;
	if (ps_uint(ps, 1000000, &ps->cmd->n, _("a number of frames")) != 0)
		return -1;
	if (ps->cmd->n == 0)
		return ps_fail(ps, &ps->lx.toks[ps->i - 1], "%s", _("step 0 does nothing; give at least 1"));
	return ps_end(ps);
}

/* A held frame: its id (as the transcript shows it), or next. */
static int p_frame(struct parser *ps, bool allow_all)
{
	struct script_cmd *c = ps->cmd;

	if (ps_accept(ps, "next")) {
		c->n = SCRIPT_HELD_NEXT;
		return 0;
	}
	if (allow_all && ps_accept(ps, "all")) {
		c->n = SCRIPT_HELD_ALL;
		return 0;
	}
	if (ps_peek(ps)->kind != TK_NUM)
		return ps_expected(ps, ps_peek(ps),
				   allow_all ? _("a frame id, 'next' or 'all'") : _("a frame id or 'next'"));
	return ps_uint(ps, UINT32_MAX - 2, &c->n, "");
}

static int p_release(struct parser *ps)
{
	return p_frame(ps, true) != 0 ? -1 : ps_end(ps);
}

static int p_drop(struct parser *ps)
{
	return p_frame(ps, false) != 0 ? -1 : ps_end(ps);
}

static int p_delay(struct parser *ps)
{
	if (p_frame(ps, false) != 0 || ps_duration(ps, &ps->cmd->dur) != 0)
		return -1;
	return ps_end(ps);
}

static int p_rule_seq(struct parser *ps, struct script_rule *r)
{
	uint64_t lo, hi;

	if (ps_uint(ps, UINT32_MAX, &lo, _("a sequence number")) != 0)
		return -1;
	hi = lo;
	if (ps_accept_punct(ps, "..") && ps_uint(ps, UINT32_MAX, &hi, _("a sequence number")) != 0)
		return -1;
	r->has_seq = true;
	r->seq_lo = (uint32_t)lo;
	r->seq_hi = (uint32_t)hi;
	if (ps_accept(ps, "of"))
		return ps_name(ps, &r->seq_of, _("a connection's name"));
	return 0;
}

static int p_rule_flags(struct parser *ps, struct script_rule *r)
{
	r->has_flags = true;
	if (ps_flags(ps, &r->flags_value) != 0)
		return -1;
	r->flags_mask = TV_TH_FIN | TV_TH_SYN | TV_TH_RST | TV_TH_PSH | TV_TH_ACK | TV_TH_URG;
	if (ps_accept_punct(ps, "/") && ps_flags(ps, &r->flags_mask) != 0)
		return -1;
	r->flags_value &= r->flags_mask;
	return 0;
}

static int p_rule_count(struct parser *ps, struct script_rule *r)
{
	uint64_t n = 1;
	const struct tok *t;

	if (ps_accept(ps, "next")) {
		r->count = GATE_NEXT;
		if (ps_peek(ps)->kind == TK_NUM && ps_uint(ps, UINT32_MAX, &n, "") != 0)
			return -1;
		r->n = (uint32_t)(n ? n : 1);
		return 0;
	}
	if (ps_accept(ps, "every")) {
		r->count = GATE_EVERY_NTH;
		if (ps_num_tok(ps, &t, _("a number (like 3 or 3rd)")) != 0)
			return -1;
		size_t len = t->len;
		/* "every 3rd": an ordinal suffix reads naturally */
		if (len > 2 && (t->p[len - 2] | 0x20) >= 'a' && (t->p[len - 2] | 0x20) <= 'z')
			len -= 2;
		const char *e = val_uint(t->p, len, UINT32_MAX, &n);
		if (e != NULL)
			return ps_fail_tok(ps, t, e);
		if (n == 0)
			return ps_fail_tok(ps, t, _("'every %s' matches nothing; give 1 or more"));
		r->n = (uint32_t)n;
		return 0;
	}
	return ps_expected(ps, ps_peek(ps), "'next' or 'every'");
}

/* 0 after an action, 1 if the word is not one, -1 on error. */
static int p_rule_action(struct parser *ps, struct script_rule *r, bool *has_action)
{
	static const struct {
		const char *word;
		enum gate_act act;
	} acts[] = {
		{"drop", GATE_ACT_DROP}, {"dup", GATE_ACT_DUP}, {"duplicate", GATE_ACT_DUP},
		{"delay", GATE_ACT_DELAY}, {"hold", GATE_ACT_HOLD}, {"pass", GATE_ACT_PASS},
	};
	const struct tok *t = ps_peek(ps);

	for (size_t a = 0; a < TV_ARRAY_LEN(acts); a++) {
		if (!tok_is(t, acts[a].word))
			continue;
		if (*has_action)
			return ps_fail_tok(ps, t, _("a rule has one action; '%s' is a second one"));
		*has_action = true;
		ps->i++;
		r->action = acts[a].act;
		return r->action == GATE_ACT_DELAY ? ps_duration(ps, &r->delay) : 0;
	}
	return 1;
}

static int p_rule_item(struct parser *ps, struct script_rule *r, bool *has_action)
{
	const struct tok *t = ps_peek(ps);
	uint64_t port;

	if (ps_accept(ps, "on")) {
		r->has_on = true;
		if (ps_name(ps, &r->on, _("a host name")) != 0)
			return -1;
		r->dir_in = ps_accept(ps, "in");
		r->dir_out = !r->dir_in && ps_accept(ps, "out");
		return 0;
	}
	if (ps_accept(ps, "from"))
		return ps_name(ps, &r->from, _("a host name"));
	if (ps_accept(ps, "to"))
		return ps_name(ps, &r->to, _("a host name"));
	if (ps_accept(ps, "tcp"))
		return r->proto = GATE_PROTO_TCP, 0;
	if (ps_accept(ps, "arp"))
		return r->proto = GATE_PROTO_ARP, 0;
	if (ps_accept(ps, "icmp"))
		return r->proto = GATE_PROTO_ICMP, 0;
	if (ps_accept(ps, "flags"))
		return p_rule_flags(ps, r);
	if (ps_accept(ps, "seq"))
		return p_rule_seq(ps, r);
	if (ps_accept(ps, "sport") || ps_accept(ps, "dport")) {
		bool src = tok_is(t, "sport");
		if (ps_uint(ps, 65535, &port, _("a port number")) != 0)
			return -1;
		*(src ? &r->sport : &r->dport) = (uint16_t)port;
		return 0;
	}
	if (ps_accept(ps, "chance"))
		return r->count = GATE_CHANCE, ps_percent(ps, &r->ppm);
	if (tok_is(t, "next") || tok_is(t, "every"))
		return p_rule_count(ps, r);
	int a = p_rule_action(ps, r, has_action);
	if (a <= 0)
		return a;
	if (t->kind == TK_WORD)
		return ps_unknown(ps, t, _("unknown rule word '%s'"),
				  _("unknown rule word '%s'; did you mean '%s'?"),
				  (const char *const[]){"on", "from", "to", "tcp", "arp", "icmp",
				  "flags", "seq", "sport", "dport", "next", "every", "chance",
				  "drop", "dup", "delay", "hold", "pass"}, 18);
	return ps_expected(ps, t, _("a rule word (from, to, flags, drop, next...)"));
}

static int p_rule(struct parser *ps)
{
	struct script_rule *r = &ps->cmd->rule;
	bool has_action = false;

	if (ps_accept(ps, "clear")) {
		ps->cmd->kind = SCRIPT_RULE_CLEAR;
		if (ps_peek(ps)->kind == TK_WORD && ps_name(ps, &ps->cmd->a, "") != 0)
			return -1;
		return ps_end(ps);
	}
	r->count = GATE_ALWAYS;
	r->action = -1;
	do {
		if (p_rule_item(ps, r, &has_action) != 0)
			return -1;
	} while (ps_peek(ps)->kind != TK_END);
	if (!has_action)
		return ps_expected(ps, ps_peek(ps), _("an action (drop, dup, delay, hold or pass)"));
	if (!r->has_on && r->from.name[0] == '\0' && r->to.name[0] == '\0')
		return ps_fail(ps, &ps->lx.toks[1], "%s",
			       _("a rule needs 'from HOST', 'to HOST' or 'on HOST'"));
	return 0;
}

static int p_until(struct parser *ps, struct script_until *u)
{
	const struct tok *t = ps_peek(ps), *t2 = ps_peek2(ps);

	u->timer = -1;
	if (ps_accept(ps, "idle"))
		u->kind = SCRIPT_U_IDLE;
	else if (ps_accept(ps, "quiet"))
		u->kind = SCRIPT_U_QUIET;
	else if (tok_is(t2, "fires") || tok_is(t2, "fired")) {
		u->kind = SCRIPT_U_TIMER;
		if (ps_timer_kind(ps, &u->timer, true) != 0)
			return -1;
		ps->i++;
		if (ps_accept(ps, "on") && ps_name(ps, &u->who, _("a connection's name")) != 0)
			return -1;
	} else if (t->kind == TK_WORD && tok_is(t2, "is")) {
		u->kind = SCRIPT_U_STATE;
		if (ps_name(ps, &u->who, "") != 0)
			return -1;
		ps->i++;
		if (ps_state(ps, &u->state) != 0)
			return -1;
	} else if (t->kind == TK_WORD && tok_is(t2, "received")) {
		u->kind = SCRIPT_U_RECEIVED;
		if (ps_name(ps, &u->who, "") != 0)
			return -1;
		ps->i++;
		if (ps_size(ps, UINT64_MAX, &u->bytes) != 0)
			return -1;
	} else {
		return ps_expected(ps, t, _("a condition (idle, quiet, NAME is STATE, TIMER fires, NAME received SIZE)"));
	}
	if (ps_accept(ps, "within")) {
		u->has_limit = true;
		if (ps_duration(ps, &u->limit) != 0)
			return -1;
	}
	return ps_end(ps);
}

static int p_run(struct parser *ps)
{
	if (ps_accept(ps, "until")) {
		ps->cmd->kind = SCRIPT_RUN_UNTIL;
		return p_until(ps, &ps->cmd->until);
	}
	if (ps_peek(ps)->kind != TK_NUM)
		return ps_expected(ps, ps_peek(ps), _("a duration or 'until'"));
	if (ps_duration(ps, &ps->cmd->dur) != 0)
		return -1;
	return ps_end(ps);
}

static int p_next(struct parser *ps)
{
	if (!ps_accept(ps, "timer"))
		return ps_expected(ps, ps_peek(ps), _("'timer'"));
	return ps_end(ps);
}

static int p_peer_opt(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;
	struct script_peer_args *pa = &c->peer;
	const struct tok *t;
	uint64_t v;

	if (ps_accept(ps, "mac"))
		return p_mac(ps);
	if (ps_accept(ps, "port")) {
		c->has_port = true;
		if (ps_uint(ps, 65535, &v, _("a port number")) != 0)
			return -1;
		c->port = (uint16_t)v;
		return 0;
	}
	if (ps_accept(ps, "isn")) {
		pa->has_isn = true;
		if (ps_uint(ps, UINT32_MAX, &v, _("a sequence number")) != 0)
			return -1;
		pa->isn = (uint32_t)v;
		return 0;
	}
	if (ps_accept(ps, "to")) {
		t = ps_peek(ps);
		if (ps_dest(ps, &c->dest, false) != 0)
			return -1;
		if (c->dest.ref.name[0] == '\0')
			return ps_fail(ps, t, "%s", _("name the host under test (like B:80)"));
		return 0;
	}
	if (ps_accept(ps, "tolerance"))
		return pa->has_tol = true, ps_duration(ps, &pa->tolerance);
	if (ps_accept(ps, "strict"))
		return pa->has_strict = true, ps_onoff(ps, &pa->strict);
	return ps_expected(ps, ps_peek(ps), _("'mac', 'port', 'isn', 'to', 'tolerance' or 'strict'"));
}

static int p_peer(struct parser *ps)
{
	struct script_cmd *c = ps->cmd;

	if (ps_new_name(ps, &c->a, _("a peer name")) != 0)
		return -1;
	if (strlen(c->a.name) > 15)
		return ps_fail(ps, &ps->lx.toks[ps->i - 1], _("host name '%s' is too long (15 characters at most)"),
			       c->a.name);
	if (ps_peek(ps)->kind == TK_ADDR) {
		c->addr = ps_next(ps)->addr;
		c->has_addr = true;
	}
	while (ps_peek(ps)->kind != TK_END)
		if (p_peer_opt(ps) != 0)
			return -1;
	return 0;
}

/* ---- expect ---- */

static const char *const field_words[] = {
	"snd.una", "snd.nxt", "snd.max", "snd.wnd", "rcv.nxt", "rcv.wnd", "cwnd", "ssthresh",
	"rto", "srtt", "rttvar", "mss", "iss", "irs", "snd.buf", "rcv.buf", "dupacks",
	"rexmits", "probes", "snd.wscale", "rcv.wscale", "rto.base", "state", "timer", "received",
	"error", "eof", "conns", "held", "counter",
};

static int px_value(struct parser *ps, struct script_expect *x, enum script_field f)
{
	if (val_field_is_time(f))
		return ps_duration(ps, &x->value);
	if (f == SCRIPT_F_ISS || f == SCRIPT_F_IRS)
		return ps_uint(ps, UINT32_MAX, &x->value, _("a number"));
	return ps_size(ps, UINT32_MAX, &x->value);
}

static int px_field(struct parser *ps, struct script_expect *x, int f)
{
	const struct tok *t;
	int g;

	ps->i++;
	x->kind = SCRIPT_X_FIELD;
	x->field = (enum script_field)f;
	x->col_op = ps_peek(ps)->col;
	if (ps_op(ps, &x->op) != 0)
		return -1;
	t = ps_peek(ps);
	if (t->kind == TK_NUM)
		return px_value(ps, x, x->field);
	if (t->kind != TK_WORD)
		return ps_expected(ps, t, _("a value or a field"));
	x->rhs_field = true;
	if ((g = val_field_find(t->p, t->len)) < 0) {
		if (ps_name(ps, &x->rhs_who, "") != 0)
			return -1;
		t = ps_peek(ps);
		if (t->kind != TK_WORD || (g = val_field_find(t->p, t->len)) < 0)
			return ps_expected(ps, t, _("a field (like snd.nxt)"));
	}
	x->rhs = (enum script_field)g;
	if (val_field_is_time((enum script_field)g) != val_field_is_time(x->field))
		return ps_fail_tok(ps, t, _("'%s' is a time and cannot be compared with a count"));
	ps->i++;
	return 0;
}

static int px_timer(struct parser *ps, struct script_expect *x)
{
	int k;

	x->kind = SCRIPT_X_TIMER;
	if (ps_timer_kind(ps, &k, false) != 0)
		return -1;
	x->timer = (enum tv_timer_kind)k;
	if (ps_accept(ps, "running"))
		return x->timer_test = SCRIPT_TIMER_RUNNING, 0;
	if (ps_accept(ps, "stopped"))
		return x->timer_test = SCRIPT_TIMER_STOPPED, 0;
	x->timer_test = SCRIPT_TIMER_REMAINING;
	x->col_op = ps_peek(ps)->col;
	if (ps_peek(ps)->kind != TK_PUNCT)
		return ps_expected(ps, ps_peek(ps), _("'running', 'stopped' or a comparison"));
	if (ps_op(ps, &x->op) != 0)
		return -1;
	return ps_duration(ps, &x->value);
}

static int px_received(struct parser *ps, struct script_expect *x)
{
	if (ps_peek(ps)->kind == TK_STR) {
		x->kind = SCRIPT_X_RECEIVED;
		return p_take_string(ps);
	}
	x->kind = SCRIPT_X_RECEIVED_SIZE;
	x->col_op = ps_peek(ps)->col;
	x->op = SCRIPT_OP_EQ;
	if (ps_peek(ps)->kind != TK_NUM && ps_op(ps, &x->op) != 0)
		return -1;
	if (ps_size(ps, UINT64_MAX, &x->value) != 0)
		return -1;
	ps_accept(ps, "bytes");
	return 0;
}

static int px_count(struct parser *ps, struct script_expect *x)
{
	x->col_op = ps_peek(ps)->col;
	if (ps_op(ps, &x->op) != 0)
		return -1;
	return ps_uint(ps, UINT64_MAX, &x->value, _("a number"));
}

static int px_counter(struct parser *ps, struct script_expect *x)
{
	static const char *names[TV_CNT_COUNT];
	const struct tok *t = ps_peek(ps);
	char w[64] = "";
	int c;

	if (t->kind != TK_WORD)
		return ps_expected(ps, t, _("a counter name (like tcp.rst_sent)"));
	if (t->len < sizeof(w))
		memcpy(w, t->p, t->len);
	if ((c = tv_counter_find(w)) < 0) {
		for (int i = 0; i < TV_CNT_COUNT; i++)
			names[i] = tv_counter_name((enum tv_counter)i);
		return ps_unknown(ps, t, _("unknown counter '%s'"),
				  _("unknown counter '%s'; did you mean '%s'?"), names, TV_CNT_COUNT);
	}
	ps->i++;
	x->kind = SCRIPT_X_COUNTER;
	x->counter = (enum tv_counter)c;
	return px_count(ps, x);
}

static int px_what(struct parser *ps, struct script_expect *x)
{
	const struct tok *t = ps_peek(ps);
	char w[64] = "";
	int f;

	if (ps_accept(ps, "is") || ps_accept(ps, "state")) {
		x->kind = SCRIPT_X_STATE;
		ps_accept_punct(ps, "==");
		return ps_state(ps, &x->state);
	}
	if (ps_accept(ps, "timer"))
		return px_timer(ps, x);
	if (ps_accept(ps, "received"))
		return px_received(ps, x);
	if (ps_accept(ps, "eof"))
		return x->kind = SCRIPT_X_EOF, 0;
	if (ps_accept(ps, "error")) {
		x->kind = SCRIPT_X_ERROR;
		t = ps_peek(ps);
		if (t->kind != TK_WORD || val_err_find(t->p, t->len, &x->err) != 0)
			return ps_expected(ps, t, _("an error (refused, reset, timeout, aborted, unreachable or none)"));
		ps->i++;
		return 0;
	}
	if (ps_accept(ps, "conns")) {
		x->kind = SCRIPT_X_CONNS;
		x->state = -1;
		if (ps_peek(ps)->kind == TK_WORD && ps_state(ps, &x->state) != 0)
			return -1;
		return px_count(ps, x);
	}
	if (ps_accept(ps, "held"))
		return x->kind = SCRIPT_X_HELD, px_count(ps, x);
	if (ps_accept(ps, "counter"))
		return px_counter(ps, x);
	if (t->kind != TK_WORD)
		return ps_expected(ps, t, _("what to check (is, a field, timer, received, a counter...)"));
	if ((f = val_field_find(t->p, t->len)) >= 0)
		return px_field(ps, x, f);
	if (t->len < sizeof(w))
		memcpy(w, t->p, t->len);
	if (tv_counter_find(w) >= 0)
		return px_counter(ps, x);
	return ps_unknown(ps, t, _("unknown field or check '%s'"),
			  _("unknown field or check '%s'; did you mean '%s'?"), field_words,
			  TV_ARRAY_LEN(field_words));
}

static int p_expect(struct parser *ps)
{
	struct script_expect *x = &ps->cmd->expect;

	if (ps_accept(ps, "held")) {
		x->kind = SCRIPT_X_HELD;
		if (px_count(ps, x) != 0)
			return -1;
		return ps_end(ps);
	}
	if (ps_name(ps, &x->who, _("a connection or host name")) != 0)
		return -1;
	if (px_what(ps, x) != 0)
		return -1;
	return ps_end(ps);
}

static int p_say(struct parser *ps)
{
	const struct tok *t = ps_peek(ps);

	if (t->kind != TK_STR)
		return ps_expected(ps, t, _("a string in double quotes"));
	if (p_take_string(ps) != 0)
		return -1;
	if (ps->cmd->text_len > SCRIPT_NOTE_MAX)
		return ps_fail(ps, t, _("narration too long (%zu bytes; %d at most)"),
			       ps->cmd->text_len, SCRIPT_NOTE_MAX);
	if (memchr(ps->cmd->text, '\0', ps->cmd->text_len) != NULL)
		return ps_fail(ps, t, "%s", _("narration cannot contain a NUL byte"));
	return ps_end(ps);
}

static int p_pause(struct parser *ps)
{
	return ps_end(ps);
}

/* ---- the table ---- */

struct cmd_def {
	const char *name;
	enum script_cmd_kind kind;
	int (*parse)(struct parser *ps);
};

static const struct cmd_def cmds[] = {
	{"seed", SCRIPT_SEED, p_seed},
	{"host", SCRIPT_HOST, p_host},
	{"wire", SCRIPT_WIRE, p_wire},
	{"set", SCRIPT_SET, p_set},
	{"listen", SCRIPT_LISTEN, p_listen},
	{"accept", SCRIPT_ACCEPT, p_accept},
	{"connect", SCRIPT_CONNECT, p_connect},
	{"send", SCRIPT_SEND, p_send},
	{"recv", SCRIPT_RECV, p_recv},
	{"shutdown", SCRIPT_SHUTDOWN, p_conn_only},
	{"close", SCRIPT_CLOSE, p_conn_only},
	{"abort", SCRIPT_ABORT, p_conn_only},
	{"start", SCRIPT_START, p_start},
	{"stop", SCRIPT_STOP, p_stop},
	{"hold", SCRIPT_HOLD, p_hold},
	{"pass", SCRIPT_PASS, p_hold},
	{"step", SCRIPT_STEP, p_step},
	{"release", SCRIPT_RELEASE, p_release},
	{"drop", SCRIPT_DROP, p_drop},
	{"dup", SCRIPT_DUP, p_drop},
	{"delay", SCRIPT_DELAY, p_delay},
	{"rule", SCRIPT_RULE, p_rule},
	{"run", SCRIPT_RUN, p_run},
	{"next", SCRIPT_NEXT_TIMER, p_next},
	{"peer", SCRIPT_PEER, p_peer},
	{"expect", SCRIPT_EXPECT, p_expect},
	{"say", SCRIPT_SAY, p_say},
	{"pause", SCRIPT_PAUSE, p_pause},
};

const char *script_cmd_name(enum script_cmd_kind k)
{
	if (k == SCRIPT_PKT)
		return "packet";
	if (k == SCRIPT_RUN_UNTIL)
		return "run until";
	if (k == SCRIPT_RULE_CLEAR)
		return "rule clear";
	for (size_t i = 0; i < TV_ARRAY_LEN(cmds); i++)
		if (cmds[i].kind == k)
			return cmds[i].name;
	return "";
}

static int ps_command(struct parser *ps)
{
	static const char *names[TV_ARRAY_LEN(cmds)];
	const struct tok *t = ps_peek(ps);

	if (t->kind == TK_END)
		return 0;
	ps->cmd->col = t->col;
	if (t->kind == TK_NUM || tok_punct(t, "+") || tok_punct(t, "*")) {
		ps->cmd->kind = SCRIPT_PKT;
		return pkt_parse(ps, &ps->cmd->pkt);
	}
	if (t->kind != TK_WORD)
		return ps_expected(ps, t, _("a command"));
	for (size_t i = 0; i < TV_ARRAY_LEN(cmds); i++) {
		names[i] = cmds[i].name;
		if (tok_is(t, cmds[i].name) || (cmds[i].kind == SCRIPT_DUP && tok_is(t, "duplicate"))) {
			ps->i++;
			ps->cmd->kind = cmds[i].kind;
			return cmds[i].parse(ps);
		}
	}
	return ps_unknown(ps, t, _("unknown command '%s'"),
			  _("unknown command '%s'; did you mean '%s'?"), names, TV_ARRAY_LEN(cmds));
}

int script_parse_line(const char *file, unsigned line, const char *text, size_t len,
		      struct script_cmd *cmd, struct script_error *err)
{
	struct parser ps;
	int r;

	memset(cmd, 0, sizeof(*cmd));
	memset(err, 0, sizeof(*err));
	snprintf(cmd->file, sizeof(cmd->file), "%s", file ? file : "");
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	cmd->line = err->line = line;
	cmd->col = 1;
	memset(&ps, 0, sizeof(ps));
	ps.cmd = cmd;
	ps.err = err;
	ps.text = text;
	r = lex_line(&ps.lx, text, len, err);
	if (r == 0)
		r = ps_command(&ps);
	lex_free(&ps.lx);
	if (r != 0) {
		script_cmd_free(cmd);
		cmd->kind = SCRIPT_NONE;
		return -1;
	}
	return 0;
}

void script_cmd_free(struct script_cmd *cmd)
{
	free(cmd->text);
	cmd->text = NULL;
	cmd->text_len = 0;
}

size_t script_error_format(const struct script_error *e, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);

	return n < 0 ? 0 : (size_t)n;
}
