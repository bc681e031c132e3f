/*
 * expect.c - the `expect` command: assertions about a connection's
 * state and TCB fields, its timers, what its application received and
 * the error it saw; a host's counters, connections and held frames.
 *
 * A check that holds returns SCRIPT_OK and leaves no trace.  One that
 * does not fills the result with what was expected and what was found,
 * and names the connection (and its other end, when there is one) so the
 * runner can print both TCBs.  Sequence-number fields are relative to the
 * connection's own ISNs, like the transcript: snd.* to ISS, rcv.* to IRS.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "script/internal.h"

static void fmt_value(enum script_field f, uint64_t v, char *buf, size_t size)
{
	if (val_field_is_time(f))
		val_fmt_duration(v, buf, size);
	else
		snprintf(buf, size, "%llu", (unsigned long long)v);
}

static struct tcb *need_tcb(struct script *sc, struct sconn *c, unsigned col)
{
	struct tcb *t = sx_conn_tcb(sc, c);

	if (t == NULL)
		sx_fail(sc, col, _("'%s' has no TCB any more: it is CLOSED"), c->name);
	return t;
}

static enum script_status x_state(struct script *sc, const struct script_expect *x,
				  struct sconn *c)
{
	int st = sx_conn_state(sc, c);

	if (st == x->state)
		return SCRIPT_OK;
	snprintf(sc->res->expected, sizeof(sc->res->expected), "%s %s", c->name,
		 tcb_state_name((enum tcb_state)x->state));
	snprintf(sc->res->actual, sizeof(sc->res->actual), "%s %s", c->name,
		 tcb_state_name((enum tcb_state)st));
	sx_involve_pair(sc, c);
	return sx_fail(sc, x->who.col, _("'%s' is %s, expected %s"), c->name,
		       tcb_state_name((enum tcb_state)st), tcb_state_name((enum tcb_state)x->state));
}

static enum script_status x_field(struct script *sc, const struct script_expect *x,
				  struct sconn *c)
{
	struct tcb *t = need_tcb(sc, c, x->who.col), *rt = t;
	struct sconn *rc = c;
	char a[32], b[32];
	uint64_t lhs, rhs;

	if (t == NULL)
		return sx_involve_pair(sc, c), SCRIPT_FAILED;
	lhs = val_field_get(t, x->field);
	rhs = x->value;
	if (x->rhs_field) {
		if (x->rhs_who.name[0] != '\0') {
			if ((rc = sx_need_conn(sc, &x->rhs_who)) == NULL)
				return SCRIPT_ERROR;
			if ((rt = need_tcb(sc, rc, x->rhs_who.col)) == NULL)
				return sx_involve_pair(sc, rc), SCRIPT_FAILED;
		}
		rhs = val_field_get(rt, x->rhs);
	}
	if (val_compare(lhs, x->op, rhs))
		return SCRIPT_OK;
	fmt_value(x->field, lhs, a, sizeof(a));
	fmt_value(x->field, rhs, b, sizeof(b));
	snprintf(sc->res->expected, sizeof(sc->res->expected), "%s %s %s %s", c->name,
		 val_field_name(x->field), val_op_text(x->op), b);
	snprintf(sc->res->actual, sizeof(sc->res->actual), "%s %s = %s", c->name,
		 val_field_name(x->field), a);
	sx_involve_pair(sc, c);
	if (rc != c)
		sx_involve_pair(sc, rc);
	return sx_fail(sc, x->col_op, _("%s of '%s' is %s, expected %s %s"), val_field_name(x->field),
		       c->name, a, val_op_text(x->op), b);
}

static enum script_status x_timer(struct script *sc, const struct script_expect *x,
				  struct sconn *c)
{
	const char *name = val_timer_name(x->timer);
	struct tcb *t;
	char a[32], b[32];

	if (x->timer >= (enum tv_timer_kind)TCB_T_COUNT)
		return sx_error(sc, 0, _("the %s timer belongs to a host, not a connection"), name);
	t = sx_conn_tcb(sc, c);
	bool running = t != NULL && tcb_timer_armed(t, (enum tcb_timer)x->timer);
	tv_time left = running ? t->timer[x->timer] - sim_now(sc->sim) : 0;
	sx_involve_pair(sc, c);
	if (x->timer_test == SCRIPT_TIMER_RUNNING && !running)
		return sx_fail(sc, 0, _("the %s timer of '%s' is not running"), name, c->name);
	if (x->timer_test == SCRIPT_TIMER_STOPPED && running)
		return sx_fail(sc, 0, _("the %s timer of '%s' is running (%s left)"), name, c->name,
			       val_fmt_duration(left, a, sizeof(a)));
	if (x->timer_test != SCRIPT_TIMER_REMAINING)
		return SCRIPT_OK;
	if (!running)
		return sx_fail(sc, 0, _("the %s timer of '%s' is not running"), name, c->name);
	if (val_compare(left, x->op, x->value))
		return SCRIPT_OK;
	val_fmt_duration(left, a, sizeof(a));
	val_fmt_duration(x->value, b, sizeof(b));
	snprintf(sc->res->expected, sizeof(sc->res->expected), "%s %s %s", name, val_op_text(x->op), b);
	snprintf(sc->res->actual, sizeof(sc->res->actual), "%s = %s", name, a);
	return sx_fail(sc, x->col_op, _("the %s timer of '%s' has %s left, expected %s %s"), name,
		       c->name, a, val_op_text(x->op), b);
}

/* Bytes as a C-like string literal, cut at 120 characters. */
static void quote_bytes(const uint8_t *p, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	if (size < 8)
		return;
	buf[o++] = '"';
	for (size_t i = 0; i < n && o + 8 < size; i++) {
		if (o > 120) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (p[i] == '\n')
			o += (size_t)snprintf(buf + o, size - o, "\\n");
		else if (p[i] == '"' || p[i] == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7F)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", p[i]);
		else
			buf[o++] = (char)p[i];
	}
	snprintf(buf + o, size - o, "\"");
}

static enum script_status x_received(struct script *sc, const struct script_cmd *cmd,
				     struct sconn *c)
{
	const struct script_expect *x = &cmd->expect;

	if (x->kind == SCRIPT_X_RECEIVED_SIZE) {
		if (val_compare(c->rx_total, x->op, x->value))
			return SCRIPT_OK;
		snprintf(sc->res->expected, sizeof(sc->res->expected), "%s %llu", val_op_text(x->op),
			 (unsigned long long)x->value);
		snprintf(sc->res->actual, sizeof(sc->res->actual), "%llu",
			 (unsigned long long)c->rx_total);
		sx_involve_pair(sc, c);
		return sx_fail(sc, x->col_op, _("'%s' received %llu bytes, expected %s %llu"), c->name,
			       (unsigned long long)c->rx_total, val_op_text(x->op),
			       (unsigned long long)x->value);
	}
	if (c->rx_total == cmd->text_len && c->rx_len == cmd->text_len &&
	    memcmp(c->rx, cmd->text, cmd->text_len) == 0)
		return SCRIPT_OK;
	quote_bytes((const uint8_t *)cmd->text, cmd->text_len, sc->res->expected,
		    sizeof(sc->res->expected));
	quote_bytes(c->rx, c->rx_len, sc->res->actual, sizeof(sc->res->actual));
	sx_involve_pair(sc, c);
	return sx_fail(sc, 0, _("'%s' received other bytes than expected (%llu bytes)"), c->name,
		       (unsigned long long)c->rx_total);
}

static enum script_status x_error(struct script *sc, const struct script_expect *x,
				  struct sconn *c)
{
	int err = c->sk != NULL ? sock_error(c->sk) : c->err;

	if (err == 0)
		err = c->err;
	if (err == x->err)
		return SCRIPT_OK;
	snprintf(sc->res->expected, sizeof(sc->res->expected), "%s", val_err_name(x->err));
	snprintf(sc->res->actual, sizeof(sc->res->actual), "%s", val_err_name(err));
	sx_involve_pair(sc, c);
	if (err == 0)
		return sx_fail(sc, 0, _("'%s' saw no error, expected '%s'"), c->name,
			       val_err_name(x->err));
	return sx_fail(sc, 0, _("'%s' saw the error '%s' (%s), expected '%s'"), c->name,
		       val_err_name(err), _(tv_strerror(err)), val_err_name(x->err));
}

static enum script_status x_conn(struct script *sc, const struct script_cmd *cmd)
{
	const struct script_expect *x = &cmd->expect;
	struct sconn *c = sx_need_conn(sc, &x->who);

	if (c == NULL)
		return SCRIPT_ERROR;
	switch (x->kind) {
	case SCRIPT_X_STATE: return x_state(sc, x, c);
	case SCRIPT_X_FIELD: return x_field(sc, x, c);
	case SCRIPT_X_TIMER: return x_timer(sc, x, c);
	case SCRIPT_X_ERROR: return x_error(sc, x, c);
	case SCRIPT_X_EOF:
		if (c->eof)
			return SCRIPT_OK;
		sx_involve_pair(sc, c);
		return sx_fail(sc, 0, _("'%s' has not read the end of the stream"), c->name);
	default: return x_received(sc, cmd, c);
	}
}

static enum script_status x_count(struct script *sc, const struct script_expect *x,
				  const char *what, uint64_t got)
{
	if (val_compare(got, x->op, x->value))
		return SCRIPT_OK;
	snprintf(sc->res->expected, sizeof(sc->res->expected), "%s %s %llu", what, val_op_text(x->op),
		 (unsigned long long)x->value);
	snprintf(sc->res->actual, sizeof(sc->res->actual), "%s = %llu", what, (unsigned long long)got);
	return sx_fail(sc, x->col_op, _("%s is %llu, expected %s %llu"), what,
		       (unsigned long long)got, val_op_text(x->op), (unsigned long long)x->value);
}

static uint64_t count_conns(struct host *h, int state)
{
	uint64_t n = 0;

	for (struct tcb *t = h->tcp->all; t != NULL; t = t->anext)
		if (!t->gone && t->lst == NULL && (state < 0 || t->state == state))
			n++;
	return n;
}

/* A host by name, or the host of a named connection. */
static struct host *host_of(struct script *sc, const struct script_ref *ref)
{
	struct sconn *c = sx_conn(sc, ref->name);

	if (c != NULL)
		return c->h;
	return sx_need_host(sc, ref);
}

static enum script_status x_host(struct script *sc, const struct script_expect *x)
{
	char what[96];
	uint64_t n = 0;
	struct host *h = NULL;

	if (x->who.name[0] != '\0' && (h = host_of(sc, &x->who)) == NULL)
		return SCRIPT_ERROR;
	switch (x->kind) {
	case SCRIPT_X_COUNTER:
		snprintf(what, sizeof(what), "%s %s", h->cfg.name, tv_counter_name(x->counter));
		return x_count(sc, x, what, h->counters[x->counter]);
	case SCRIPT_X_CONNS:
		snprintf(what, sizeof(what), _("connections of %s%s%s"), h->cfg.name,
			 x->state >= 0 ? _(" in ") : "",
			 x->state >= 0 ? tcb_state_name((enum tcb_state)x->state) : "");
		return x_count(sc, x, what, count_conns(h, x->state));
	default:
		for (unsigned i = 0; i < sim_host_count(sc->sim); i++) {
			struct host *g = sim_host_at(sc->sim, i);
			if (h == NULL || g == h)
				n += gate_held_count(sim_gate(sc->sim, g));
		}
		snprintf(what, sizeof(what), _("frames held at %s"), h ? h->cfg.name : _("the gates"));
		return x_count(sc, x, what, n);
	}
}

enum script_status expect_exec(struct script *sc, const struct script_cmd *cmd)
{
	switch (cmd->expect.kind) {
	case SCRIPT_X_COUNTER:
	case SCRIPT_X_CONNS:
	case SCRIPT_X_HELD:
		return x_host(sc, &cmd->expect);
	default:
		return x_conn(sc, cmd);
	}
}
