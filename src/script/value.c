/*
 * value.c - the values of the command language: numbers with units
 * (durations 200ms 1.5s 2h, sizes 64k 1m, percentages 5%), comparison
 * operators, and the tables of names a script may use (TCB fields, stack
 * parameters, states, timers, error names).
 *
 * Conversions return NULL on success or a translated printf format with
 * one %s for the offending token, so the parser reports it where it
 * stands.  Every conversion checks for overflow: no input can wrap.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "script/internal.h"

/* Digits "I[.F]" at p; the rest (the unit) at *unit.  v = I*10^k + F with
 * k the number of fraction digits, kept in *scale = 10^k. */
static bool dec_parse(const char *p, size_t len, uint64_t *v, uint64_t *scale, size_t *unit)
{
	size_t i = 0;
	uint64_t m = 0, sc = 1;
	bool digits = false, frac = false;

	for (; i < len; i++) {
		if (p[i] == '.' && !frac) {
			frac = true;
			continue;
		}
		if (p[i] < '0' || p[i] > '9')
			break;
		if (m > (UINT64_MAX - 9) / 10 || (frac && sc > UINT64_MAX / 10))
			return false;
		m = m * 10 + (uint64_t)(p[i] - '0');
		if (frac)
			sc *= 10;
		digits = true;
	}
	if (!digits)
		return false;
	*v = m;
	*scale = sc;
	*unit = i;
	return true;
}

/* m/scale * unit exactly, or false (overflow, or not a whole number). */
static bool dec_times(uint64_t m, uint64_t scale, uint64_t unit, uint64_t *out)
{
	if (unit != 0 && m > UINT64_MAX / unit)
		return false;
	if ((m * unit) % scale != 0)
		return false;
	*out = m * unit / scale;
	return true;
}

static bool unit_is(const char *u, size_t n, const char *s)
{
	if (n != strlen(s))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((u[i] | 0x20) != s[i])
			return false;
	return true;
}

const char *val_uint(const char *p, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;
	unsigned base = 10;

	if (len >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
		base = 16;
		i = 2;
	}
	if (i == len)
		return _("'%s' is not a number");
	for (; i < len; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return _("'%s' is not a whole number");
		if (x > (UINT64_MAX - (uint64_t)d) / base)
			return _("'%s' is out of range");
		x = x * base + (uint64_t)d;
	}
	if (x > max)
		return _("'%s' is out of range");
	*v = x;
	return NULL;
}

const char *val_duration(const char *p, size_t len, tv_time *v)
{
	static const struct {
		const char *unit;
		uint64_t us;
	} units[] = {
		{"us", 1}, {"ms", 1000}, {"s", 1000000}, {"sec", 1000000},
		{"min", 60000000}, {"h", 3600000000u}, {"d", 86400000000u},
	};
	uint64_t m, scale;
	size_t u;

	if (!dec_parse(p, len, &m, &scale, &u))
		return _("'%s' is not a duration (like 200ms, 1.5s, 2min or 2h)");
	if (u == len)
		return _("'%s' needs a unit: us, ms, s, min or h");
	if (unit_is(p + u, len - u, "m"))
		return _("'%s' is ambiguous: write min for minutes or ms for milliseconds");
	for (size_t k = 0; k < TV_ARRAY_LEN(units); k++) {
		if (!unit_is(p + u, len - u, units[k].unit))
			continue;
		if (!dec_times(m, scale, units[k].us, v) || *v >= TV_NEVER / 2)
			return m % scale ? _("'%s' is finer than a microsecond")
					 : _("'%s' is out of range");
		return NULL;
	}
	return _("'%s' has an unknown unit (use us, ms, s, min or h)");
}

const char *val_size(const char *p, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t m, scale, unit;
	size_t u;

	if (!dec_parse(p, len, &m, &scale, &u))
		return _("'%s' is not a size (like 1000, 64k or 1m)");
	if (u == len || unit_is(p + u, len - u, "b"))
		unit = 1;
	else if (unit_is(p + u, len - u, "k") || unit_is(p + u, len - u, "kb"))
		unit = 1024;
	else if (unit_is(p + u, len - u, "m") || unit_is(p + u, len - u, "mb"))
		unit = 1024 * 1024;
	else if (unit_is(p + u, len - u, "g") || unit_is(p + u, len - u, "gb"))
		unit = 1024 * 1024 * 1024;
	else
		return _("'%s' has an unknown unit (use k, m or g, or none for bytes)");
	if (!dec_times(m, scale, unit, v))
		return m % scale ? _("'%s' is not a whole number of bytes")
				 : _("'%s' is out of range");
	return *v > max ? _("'%s' is out of range") : NULL;
}

const char *val_percent(const char *p, size_t len, uint32_t *ppm)
{
	uint64_t m, scale, x;
	size_t u;

	if (!dec_parse(p, len, &m, &scale, &u) || u != len - 1 || p[u] != '%')
		return _("'%s' is not a percentage (like 5%% or 0.5%%)");
	if (!dec_times(m, scale, 10000, &x))
		return _("'%s' is finer than 0.0001%%");
	if (x > 1000000)
		return _("'%s' is more than 100%%");
	*ppm = (uint32_t)x;
	return NULL;
}

char *val_fmt_duration(tv_time d, char *buf, size_t size)
{
	static const struct {
		const char *unit;
		uint64_t us;
	} units[] = {{"h", 3600000000u}, {"min", 60000000}};

	if (d == TV_NEVER || d == 0) {
		snprintf(buf, size, "%s", d == 0 ? "0s" : _("never"));
		return buf;
	}
	for (size_t k = 0; k < 2; k++) {
		uint64_t u = units[k].us;
		if (d >= u && d % u == 0) {
			snprintf(buf, size, "%llu%s", (unsigned long long)(d / u), units[k].unit);
			return buf;
		}
	}
	if (d % 1000000 == 0)
		snprintf(buf, size, "%llus", (unsigned long long)(d / 1000000));
	else if (d >= 1000000)
		snprintf(buf, size, "%llu.%06llus", (unsigned long long)(d / 1000000),
			 (unsigned long long)(d % 1000000));
	else if (d >= 1000)
		snprintf(buf, size, "%llu.%03llums", (unsigned long long)(d / 1000),
			 (unsigned long long)(d % 1000));
	else
		snprintf(buf, size, "%lluus", (unsigned long long)d);
	/* Trim trailing zeros of the fraction: 1.500000s -> 1.5s. */
	char *dot = strchr(buf, '.');
	if (dot != NULL) {
		char *unit = dot + strspn(dot + 1, "0123456789") + 1;
		char *z = unit;
		while (z > dot + 1 && z[-1] == '0')
			z--;
		if (z == dot + 1)
			z = dot;
		memmove(z, unit, strlen(unit) + 1);
	}
	return buf;
}

const char *val_op_text(enum script_op op)
{
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};

	return (unsigned)op < TV_ARRAY_LEN(ops) ? ops[op] : "?";
}

bool val_compare(uint64_t a, enum script_op op, uint64_t b)
{
	switch (op) {
	case SCRIPT_OP_EQ:
		return a == b;
	case SCRIPT_OP_NE:
		return a != b;
	case SCRIPT_OP_LT:
		return a < b;
	case SCRIPT_OP_LE:
		return a <= b;
	case SCRIPT_OP_GT:
		return a > b;
	default:
		return a >= b;
	}
}

static const char *const field_names[SCRIPT_F_COUNT] = {
	"snd.una", "snd.nxt", "snd.max", "snd.wnd", "rcv.nxt", "rcv.wnd", "cwnd",
	"ssthresh", "rto", "srtt", "rttvar", "mss", "iss", "irs", "snd.buf", "rcv.buf",
	"dupacks", "rexmits", "probes", "snd.wscale", "rcv.wscale", "rto.base",
};

const char *val_field_name(enum script_field f)
{
	return (unsigned)f < SCRIPT_F_COUNT ? field_names[f] : "?";
}

int val_field_find(const char *p, size_t len)
{
	for (int i = 0; i < SCRIPT_F_COUNT; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], p, len) == 0)
			return i;
	return -1;
}

bool val_field_is_time(enum script_field f)
{
	return f == SCRIPT_F_RTO || f == SCRIPT_F_SRTT || f == SCRIPT_F_RTTVAR ||
	       f == SCRIPT_F_RTO_BASE;
}

/* RCV.WND is what we last advertised and still offer: the right edge
 * sent (rcv_adv) minus RCV.NXT (RFC 9293 3.3.1), never negative. */
static uint32_t field_rcv_wnd(const struct tcb *tcb)
{
	return seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
}

uint64_t val_field_get(const struct tcb *tcb, enum script_field f)
{
	switch (f) {
	case SCRIPT_F_SND_UNA: return tcb->snd_una - tcb->iss;
	case SCRIPT_F_SND_NXT: return tcb->snd_nxt - tcb->iss;
	case SCRIPT_F_SND_MAX: return tcb->snd_max - tcb->iss;
	case SCRIPT_F_SND_WND: return tcb->snd_wnd;
	case SCRIPT_F_RCV_NXT: return tcb->have_irs ? tcb->rcv_nxt - tcb->irs : 0;
	case SCRIPT_F_RCV_WND: return field_rcv_wnd(tcb);
	case SCRIPT_F_CWND: return tcb->cwnd;
	case SCRIPT_F_SSTHRESH: return tcb->ssthresh;
	/* RFC 6298 5.5 doubles the RTO itself: "rto" is the timeout the
	 * retransmission timer runs with now (backed off, capped at
	 * rto.max); rto.base is the one computed from the RTT samples. */
	case SCRIPT_F_RTO: return (uint64_t)tcb_rto(tcb);
	case SCRIPT_F_RTO_BASE: return tcb->rto;
	case SCRIPT_F_SRTT: return tcb->srtt;
	case SCRIPT_F_RTTVAR: return tcb->rttvar;
	case SCRIPT_F_MSS: return tcb->snd_mss;
	case SCRIPT_F_ISS: return tcb->iss;
	case SCRIPT_F_IRS: return tcb->irs;
	case SCRIPT_F_SND_BUF: return tcb->snd.len;
	case SCRIPT_F_RCV_BUF: return tcb->rcv.len;
	case SCRIPT_F_DUPACKS: return tcb->dupacks;
	case SCRIPT_F_REXMITS: return tcb->rexmit_count;
	case SCRIPT_F_PROBES: return tcb->ka_probes;
	case SCRIPT_F_SND_WSCALE: return tcb->snd_wscale;
	case SCRIPT_F_RCV_WSCALE: return tcb->rcv_wscale;
	default: return 0;
	}
}

static const char *const param_names[SCRIPT_P_COUNT] = {
	"msl", "rto.min", "rto.max", "rto.initial", "retries", "syn.retries",
	"data.retries", "keepalive", "keepalive.idle", "keepalive.intvl",
	"keepalive.count", "delack", "delack.timeout", "nagle", "rcvbuf", "sndbuf",
	"mss", "wscale", "fin_wait_2", "persist.min", "persist.max", "backlog",
	"autoread", "conns.max", "ooo.max", "arp.cache", "arp.pending", "hold.max",
	"backlog.evict",
};

const char *val_param_name(enum script_param_id id)
{
	return (unsigned)id < SCRIPT_P_COUNT ? param_names[id] : "?";
}

static bool text_eq_state(const char *p, size_t len, const char *name)
{
	if (strlen(name) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char a = p[i] == '_' ? '-' : p[i];
		if ((a >= 'a' && a <= 'z' ? a - 32 : a) != name[i])
			return false;
	}
	return true;
}

int val_state_find(const char *p, size_t len)
{
	for (int s = 0; s < TCB_STATE_COUNT; s++)
		if (text_eq_state(p, len, tcb_state_name((enum tcb_state)s)))
			return s;
	/* RFC 793 spelled it SYN-RCVD, as do many textbooks. */
	if (text_eq_state(p, len, "SYN-RCVD"))
		return TCB_SYN_RECEIVED;
	return -1;
}

static const struct {
	const char *name;
	enum tv_timer_kind kind;
} timer_names[] = {
	{"rexmit", TV_TIMER_REXMIT}, {"retransmission", TV_TIMER_REXMIT},
	{"persist", TV_TIMER_PERSIST}, {"delack", TV_TIMER_DELACK},
	{"delayed-ack", TV_TIMER_DELACK}, {"keepalive", TV_TIMER_KEEPALIVE},
	{"2msl", TV_TIMER_2MSL}, {"time-wait", TV_TIMER_2MSL}, {"conn", TV_TIMER_CONN},
	{"arp", TV_TIMER_ARP},
};

const char *val_timer_name(enum tv_timer_kind k)
{
	return tv_timer_kind_name(k);
}

int val_timer_find(const char *p, size_t len)
{
	for (size_t i = 0; i < TV_ARRAY_LEN(timer_names); i++)
		if (unit_is(p, len, timer_names[i].name))
			return (int)timer_names[i].kind;
	return -1;
}

static const struct {
	const char *name;
	int err;
} err_names[] = {
	{"none", 0}, {"refused", TV_EREFUSED}, {"reset", TV_ERESET},
	{"timeout", TV_ETIMEDOUT}, {"timedout", TV_ETIMEDOUT}, {"aborted", TV_EABORTED},
	{"unreachable", TV_EUNREACH}, {"closing", TV_ECLOSING}, {"notconn", TV_ENOTCONN},
};

int val_err_find(const char *p, size_t len, int *err)
{
	for (size_t i = 0; i < TV_ARRAY_LEN(err_names); i++)
		if (unit_is(p, len, err_names[i].name)) {
			*err = err_names[i].err;
			return 0;
		}
	return -1;
}

const char *val_err_name(int err)
{
	for (size_t i = 0; i < TV_ARRAY_LEN(err_names); i++)
		if (err_names[i].err == err)
			return err_names[i].name;
	return "other";
}

void sbuf_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->len < b->size ? b->buf + b->len : NULL,
		      b->len < b->size ? b->size - b->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}
