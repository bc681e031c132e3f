/*
 * pkt.c - the scripted raw peer's lines: a clean-room, syntax-compatible
 * subset of packetdrill's TCP packet lines.
 *
 *   +0.1 < S 0:0(0) win 65535 <mss 1460,nop,wscale 7>     the peer sends
 *   +0   > S. 0:0(0) ack 1 <...>                           the host must send
 *
 * A line is TIME DIRECTION FLAGS START:END(LEN) [ack N] [win N] [<OPTIONS>].
 * TIME is +SECONDS (after the previous line), SECONDS (since the start),
 * `*` (any time, for `>` only) or a range A~B; seconds may be written
 * with a unit (+200ms) as a tcpviz extension.  FLAGS are letters of
 * F S R P . U E W ('.' is ACK), or '-' for none.  OPTIONS are nop, eol,
 * mss N, wscale N, sackOK, sack A:B..., TS val N ecr N, or `...` for
 * "don't check" on an expected segment.  Sequence and acknowledgment
 * numbers are relative to each side's initial sequence number.
 *
 * pkt_parse() is called by the line parser (parse.c) when a line starts
 * with a time; pkt_format() writes a line back for messages.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "script/internal.h"

int ps_flags(struct parser *ps, uint8_t *flags);

/* Seconds ("0.1", ".1", "2") or a duration with a unit ("200ms"). */
static int pkt_seconds(struct parser *ps, tv_time *t)
{
	const struct tok *tk = ps_peek(ps);
	const char *e;
	char buf[64];

	if (tk->kind != TK_NUM)
		return ps_expected(ps, tk, _("a time in seconds (like 0.1)"));
	ps->i++;
	/* The token is not NUL-terminated (a line is text + len): stay in it. */
	size_t n = 0;
	while (n < tk->len && ((tk->p[n] >= '0' && tk->p[n] <= '9') || tk->p[n] == '.'))
		n++;
	if (n < tk->len)
		e = val_duration(tk->p, tk->len, t);
	else if (tk->len + 1 >= sizeof(buf))
		e = _("'%s' is out of range");
	else {
		snprintf(buf, sizeof(buf), "%.*ss", (int)tk->len, tk->p);
		e = val_duration(buf, strlen(buf), t);
	}
	if (e != NULL) {
		char q[200];
		tok_quote(tk, q, sizeof(q));
		return ps_fail(ps, tk, e, q);
	}
	return 0;
}

static int pkt_time(struct parser *ps, struct script_pkt *p)
{
	bool rel = ps_accept_punct(ps, "+");

	if (!rel && ps_accept_punct(ps, "*")) {
		p->time_kind = SCRIPT_T_ANY;
		return 0;
	}
	p->time_kind = rel ? SCRIPT_T_REL : SCRIPT_T_ABS;
	if (pkt_seconds(ps, &p->t) != 0)
		return -1;
	if (!ps_accept_punct(ps, "~"))
		return 0;
	const struct tok *t = ps_peek(ps);
	if (ps_accept_punct(ps, "+") != rel)
		return ps_fail(ps, t, "%s", rel ? _("both ends of a time range must be relative (+A~+B)")
						: _("both ends of a time range must be absolute (A~B)"));
	if (pkt_seconds(ps, &p->t_hi) != 0)
		return -1;
	if (p->t_hi < p->t)
		return ps_fail(ps, t, "%s", _("a time range must not end before it starts"));
	p->range = true;
	return 0;
}

static int pkt_u32(struct parser *ps, uint32_t *v, const char *what)
{
	uint64_t x;

	if (ps_uint(ps, UINT32_MAX, &x, what) != 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int pkt_seq(struct parser *ps, struct script_pkt *p)
{
	const struct tok *t = ps_peek(ps);

	if (t->kind != TK_NUM)
		return ps_expected(ps, t, _("a sequence range START:END(LENGTH)"));
	if (pkt_u32(ps, &p->seq, "") != 0 || ps_need_punct(ps, ":") != 0 ||
	    pkt_u32(ps, &p->end, _("the end of the sequence range")) != 0 ||
	    ps_need_punct(ps, "(") != 0 || pkt_u32(ps, &p->len, _("a length")) != 0 ||
	    ps_need_punct(ps, ")") != 0)
		return -1;
	if (p->end - p->seq != p->len)
		return ps_fail(ps, t, _("%u:%u(%u): the range and the length disagree"), p->seq,
			       p->end, p->len);
	if (p->len > TV_MTU_MAX - 40)
		return ps_fail(ps, t, _("%u bytes do not fit in one segment"), p->len);
	return 0;
}

/* A TS value: a number, or `*` (don't check) on an expected segment. */
static int pkt_ts_value(struct parser *ps, uint64_t *v)
{
	if (ps_accept_punct(ps, "*")) {
		*v = SCRIPT_ANY;
		return 0;
	}
	return ps_uint(ps, UINT32_MAX, v, _("a timestamp value or '*'"));
}

static int pkt_sack(struct parser *ps, struct script_opt *o)
{
	do {
		if (o->nsack == 4)
			return ps_fail(ps, ps_peek(ps), "%s", _("at most 4 SACK blocks fit in a segment"));
		if (pkt_u32(ps, &o->sack[o->nsack][0], _("a SACK block START:END")) != 0 ||
		    ps_need_punct(ps, ":") != 0 ||
		    pkt_u32(ps, &o->sack[o->nsack][1], _("the end of the SACK block")) != 0)
			return -1;
		o->nsack++;
	} while (ps_peek(ps)->kind == TK_NUM);
	return 0;
}

static int pkt_opt(struct parser *ps, struct script_opt *o)
{
	const struct tok *t = ps_peek(ps);
	uint64_t v;

	memset(o, 0, sizeof(*o));
	if (ps_accept(ps, "nop"))
		return o->kind = SCRIPT_OPT_NOP, 0;
	if (ps_accept(ps, "eol"))
		return o->kind = SCRIPT_OPT_EOL, 0;
	if (ps_accept(ps, "sackOK"))
		return o->kind = SCRIPT_OPT_SACKOK, 0;
	if (ps_accept(ps, "mss")) {
		o->kind = SCRIPT_OPT_MSS;
		return ps_uint(ps, 65535, &o->a, _("an MSS value"));
	}
	if (ps_accept(ps, "wscale")) {
		o->kind = SCRIPT_OPT_WSCALE;
		if (ps_uint(ps, 255, &v, _("a window scale shift")) != 0)
			return -1;
		o->a = v;
		return 0;
	}
	if (ps_accept(ps, "sack")) {
		o->kind = SCRIPT_OPT_SACK;
		return pkt_sack(ps, o);
	}
	if (ps_accept(ps, "TS")) {
		o->kind = SCRIPT_OPT_TS;
		if (!ps_accept(ps, "val"))
			return ps_expected(ps, ps_peek(ps), "'val'");
		if (pkt_ts_value(ps, &o->a) != 0)
			return -1;
		if (!ps_accept(ps, "ecr"))
			return ps_expected(ps, ps_peek(ps), "'ecr'");
		return pkt_ts_value(ps, &o->b);
	}
	return ps_expected(ps, t, _("a TCP option (nop, eol, mss, wscale, sackOK, sack, TS)"));
}

static unsigned opt_bytes(const struct script_opt *o)
{
	switch (o->kind) {
	case SCRIPT_OPT_NOP: case SCRIPT_OPT_EOL: return 1;
	case SCRIPT_OPT_MSS: return 4;
	case SCRIPT_OPT_WSCALE: return 3;
	case SCRIPT_OPT_SACKOK: return 2;
	case SCRIPT_OPT_SACK: return 2 + 8 * o->nsack;
	default: return 10;
	}
}

static int pkt_opts(struct parser *ps, struct script_pkt *p)
{
	const struct tok *start = ps_peek(ps);
	unsigned bytes = 0;

	if (!ps_accept_punct(ps, "<"))
		return 0;
	if (ps_accept_punct(ps, "...")) {
		p->opts_any = true;
		return ps_need_punct(ps, ">");
	}
	if (ps_accept_punct(ps, ">"))
		return 0;
	do {
		if (p->nopts == SCRIPT_OPTS_MAX)
			return ps_fail(ps, ps_peek(ps), "%s", _("too many TCP options"));
		if (pkt_opt(ps, &p->opts[p->nopts]) != 0)
			return -1;
		bytes += opt_bytes(&p->opts[p->nopts++]);
	} while (ps_accept_punct(ps, ","));
	if (ps_need_punct(ps, ">") != 0)
		return -1;
	if (bytes > TCP_OPT_MAX)
		return ps_fail(ps, start, _("the options take %u bytes; at most %d fit"), bytes,
			       TCP_OPT_MAX);
	return 0;
}

static int pkt_check(struct parser *ps, struct script_pkt *p, const struct tok *dir)
{
	if (p->inbound && p->time_kind == SCRIPT_T_ANY)
		return ps_fail(ps, &ps->lx.toks[0], "%s",
			       _("'*' (any time) only fits a segment the host sends (>)"));
	if (p->inbound && !p->has_win)
		return ps_fail(ps, dir, "%s", _("a segment the peer sends needs 'win N'"));
	if (p->inbound && p->opts_any)
		return ps_fail(ps, dir, "%s", _("'<...>' only fits a segment the host sends (>)"));
	if (p->inbound && (p->flags & TV_TH_ACK) && !p->has_ack)
		return ps_fail(ps, dir, "%s", _("a segment with the ACK flag '.' needs 'ack N'"));
	if (p->has_ack && !(p->flags & TV_TH_ACK))
		return ps_fail(ps, dir, "%s", _("'ack N' without the ACK flag '.'"));
	for (unsigned i = 0; !p->inbound && i < p->nopts; i++)
		if (p->opts[i].kind == SCRIPT_OPT_SACK)
			return ps_fail(ps, dir, "%s", _("SACK blocks can be sent but not expected"));
	for (unsigned i = 0; p->inbound && i < p->nopts; i++)
		if (p->opts[i].kind == SCRIPT_OPT_TS &&
		    (p->opts[i].a == SCRIPT_ANY || p->opts[i].b == SCRIPT_ANY))
			return ps_fail(ps, dir, "%s", _("'*' only fits a segment the host sends (>)"));
	return 0;
}

int pkt_parse(struct parser *ps, struct script_pkt *p)
{
	const struct tok *dir;

	memset(p, 0, sizeof(*p));
	if (pkt_time(ps, p) != 0)
		return -1;
	dir = ps_peek(ps);
	if (ps_accept_punct(ps, "<"))
		p->inbound = true;
	else if (!ps_accept_punct(ps, ">"))
		return ps_expected(ps, dir, _("'<' (the peer sends) or '>' (the host sends)"));
	p->col_flags = ps_peek(ps)->col;
	if (ps_flags(ps, &p->flags) != 0 || pkt_seq(ps, p) != 0)
		return -1;
	if (ps_accept(ps, "ack")) {
		p->has_ack = true;
		if (pkt_u32(ps, &p->ack, _("an acknowledgment number")) != 0)
			return -1;
	}
	if (ps_accept(ps, "win")) {
		uint64_t w;
		p->has_win = true;
		if (ps_uint(ps, 65535, &w, _("a window (0 to 65535)")) != 0)
			return -1;
		p->win = (uint32_t)w;
	}
	if (pkt_opts(ps, p) != 0 || ps_end(ps) != 0)
		return -1;
	return pkt_check(ps, p, dir);
}

/* ---- formatting ---- */

static void pb_ts(struct sbuf *b, uint64_t v)
{
	if (v == SCRIPT_ANY)
		sbuf_add(b, "*");
	else
		sbuf_add(b, "%llu", (unsigned long long)v);
}

static void pb_opt(struct sbuf *b, const struct script_opt *o)
{
	switch (o->kind) {
	case SCRIPT_OPT_NOP: sbuf_add(b, "nop"); break;
	case SCRIPT_OPT_EOL: sbuf_add(b, "eol"); break;
	case SCRIPT_OPT_SACKOK: sbuf_add(b, "sackOK"); break;
	case SCRIPT_OPT_MSS: sbuf_add(b, "mss %llu", (unsigned long long)o->a); break;
	case SCRIPT_OPT_WSCALE: sbuf_add(b, "wscale %llu", (unsigned long long)o->a); break;
	case SCRIPT_OPT_SACK:
		sbuf_add(b, "sack");
		for (unsigned i = 0; i < o->nsack; i++)
			sbuf_add(b, " %u:%u", o->sack[i][0], o->sack[i][1]);
		break;
	default:
		sbuf_add(b, "TS val ");
		pb_ts(b, o->a);
		sbuf_add(b, " ecr ");
		pb_ts(b, o->b);
		break;
	}
}

size_t pkt_format(const struct script_pkt *p, char *buf, size_t size)
{
	static const char letters[] = "FSRP.UEW";
	struct sbuf b = {buf, size, 0};

	if (size)
		buf[0] = '\0';
	for (int i = 0; i < 8; i++)
		if (i != 4 && (p->flags & (1u << i)))
			sbuf_add(&b, "%c", letters[i]);
	if (p->flags & TV_TH_ACK)
		sbuf_add(&b, ".");
	if (p->flags == 0)
		sbuf_add(&b, "-");
	sbuf_add(&b, " %u:%u(%u)", p->seq, p->end, p->len);
	if (p->has_ack)
		sbuf_add(&b, " ack %u", p->ack);
	if (p->has_win)
		sbuf_add(&b, " win %u", p->win);
	if (p->opts_any) {
		sbuf_add(&b, " <...>");
	} else if (p->nopts > 0) {
		sbuf_add(&b, " <");
		for (unsigned i = 0; i < p->nopts; i++) {
			if (i > 0)
				sbuf_add(&b, ",");
			pb_opt(&b, &p->opts[i]);
		}
		sbuf_add(&b, ">");
	}
	return b.len;
}
