/*
 * exec.c - runs commands against a struct sim: hosts, the wire's
 * impairments, stack parameters, applications on named connections,
 * services, the gate, and virtual time.  The raw peer is in peer.c and
 * the assertions in expect.c.
 *
 * The script keeps a record per named connection (struct sconn): the
 * socket while the script holds it, the host and connection id so the
 * TCB can still be found after `close` (FIN-WAIT, TIME-WAIT live on
 * without a handle), what the application received, and bytes waiting
 * for send-buffer room.  Applications act through the socket callbacks:
 * listeners accept at once (unless told not to) and name the new
 * connection, readers read everything as it arrives (unless autoread is
 * off), writers refill the send buffer when it drains.
 *
 * script_exec() never prints: a command's outcome goes into a struct
 * script_result.  A script error (SCRIPT_ERROR) is a mistake in the
 * script itself (an unknown name, a parameter on the wrong kind of
 * thing); a failure (SCRIPT_FAILED) is the simulated world disagreeing
 * with the script (an expectation, a socket call the stack refused, a
 * condition never reached).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ipv4.h"
#include "i18n.h"
#include "script/internal.h"

/* ---- results ---- */

static enum script_status sx_set(struct script *sc, enum script_status st, unsigned col,
				 const char *fmt, va_list ap)
{
	struct script_result *res = sc->res;

	res->status = st;
	res->err.col = col ? col : sc->cmd->col;
	vsnprintf(res->err.msg, sizeof(res->err.msg), fmt, ap);
	return st;
}

enum script_status sx_error(struct script *sc, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sx_set(sc, SCRIPT_ERROR, col, fmt, ap);
	va_end(ap);
	return SCRIPT_ERROR;
}

enum script_status sx_fail(struct script *sc, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sx_set(sc, SCRIPT_FAILED, col, fmt, ap);
	va_end(ap);
	return SCRIPT_FAILED;
}

void sx_involve(struct script *sc, const struct host *h, uint32_t conn, const char *name)
{
	struct script_result *res = sc->res;

	if (h == NULL || conn == 0 || res->ntcbs >= TV_ARRAY_LEN(res->tcbs))
		return;
	for (unsigned i = 0; i < res->ntcbs; i++)
		if (res->tcbs[i].host == h->id && res->tcbs[i].conn == conn)
			return;
	struct script_tcb_ref *r = &res->tcbs[res->ntcbs++];
	r->host = h->id;
	r->conn = conn;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
}

/* The connection on another host whose tuple mirrors tcb's. */
static struct tcb *sx_other_end(struct script *sc, const struct tcb *tcb, struct host **oh)
{
	struct host *h = sim_host_by_addr(sc->sim, tcb->tuple.raddr);

	if (h == NULL || tcb->lst != NULL)
		return NULL;
	for (struct tcb *t = h->tcp->all; t != NULL; t = t->anext)
		if (!t->gone && t->lst == NULL && t->tuple.lport == tcb->tuple.rport &&
		    t->tuple.rport == tcb->tuple.lport && t->tuple.raddr == tcb->tuple.laddr) {
			*oh = h;
			return t;
		}
	return NULL;
}

const char *sx_name_of(struct script *sc, const struct host *h, uint32_t id)
{
	for (struct sconn *c = sc->conns; c != NULL; c = c->next)
		if (c->h == h && c->id == id)
			return c->name;
	return "";
}

void sx_involve_pair(struct script *sc, const struct sconn *c)
{
	struct tcb *t = sx_conn_tcb(sc, c), *o;
	struct host *oh = NULL;

	sx_involve(sc, c->h, c->id, c->name);
	if (t != NULL && (o = sx_other_end(sc, t, &oh)) != NULL)
		sx_involve(sc, oh, o->id, sx_name_of(sc, oh, o->id));
}

void sx_emit(struct script *sc, struct tv_event *ev)
{
	ev->time = sim_now(sc->sim);
	tv_bus_emit(sim_bus(sc->sim), ev);
}

/* ---- names ---- */

struct sconn *sx_conn(struct script *sc, const char *name)
{
	for (struct sconn *c = sc->conns; c != NULL; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

struct speer *sx_peer(struct script *sc, const char *name)
{
	for (struct speer *p = sc->peers; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

struct host *sx_host(struct script *sc, const char *name)
{
	return sim_host(sc->sim, name);
}

struct host *sx_need_host(struct script *sc, const struct script_ref *ref)
{
	struct host *h = sx_host(sc, ref->name);

	if (h != NULL)
		return h;
	if (sx_conn(sc, ref->name) != NULL)
		sx_error(sc, ref->col, _("'%s' is a connection, not a host"), ref->name);
	else if (sx_peer(sc, ref->name) != NULL)
		sx_error(sc, ref->col, _("'%s' is a raw peer, not a host with a stack"), ref->name);
	else
		sx_error(sc, ref->col, _("no host named '%s'"), ref->name);
	return NULL;
}

/* The listener that will give this name to a connection it accepts. */
struct sconn *sx_future_child(struct script *sc, const char *name)
{
	if (sx_conn(sc, name) != NULL)
		return NULL;
	for (struct sconn *l = sc->conns; l != NULL; l = l->next) {
		const char *base = l->child[0] ? l->child : l->name;
		size_t n = strlen(base);
		if (!l->listener || l->sk == NULL)
			continue;
		if (l->child[0] && strcmp(name, l->child) == 0)
			return l;
		if (strncmp(name, base, n) == 0 && name[n] == '.' && name[n + 1] >= '1' &&
		    name[n + 1] <= '9' && strspn(name + n + 1, "0123456789") == strlen(name + n + 1))
			return l;
	}
	return NULL;
}

struct sconn *sx_need_conn(struct script *sc, const struct script_ref *ref)
{
	struct sconn *c = sx_conn(sc, ref->name), *l;

	if (c != NULL)
		return c;
	if ((l = sx_future_child(sc, ref->name)) != NULL)
		sx_fail(sc, ref->col, _("no connection named '%s' yet: listener '%s' has not accepted it"),
			ref->name, l->name);
	else if (sx_host(sc, ref->name) != NULL)
		sx_error(sc, ref->col, _("'%s' is a host, not a connection"), ref->name);
	else
		sx_error(sc, ref->col, _("no connection named '%s'"), ref->name);
	return NULL;
}

enum script_status sx_check_new_name(struct script *sc, const struct script_ref *ref)
{
	const char *what = sx_host(sc, ref->name) ? _("a host")
			 : sx_conn(sc, ref->name) ? _("a connection")
			 : sx_peer(sc, ref->name) ? _("a raw peer") : NULL;

	if (what == NULL)
		return SCRIPT_OK;
	return sx_error(sc, ref->col, _("the name '%s' is already taken by %s"), ref->name, what);
}

static bool sx_addr_used(struct script *sc, uint32_t addr, const char **who)
{
	struct host *h = sim_host_by_addr(sc->sim, addr);

	if (h != NULL) {
		*who = h->cfg.name;
		return true;
	}
	for (struct speer *p = sc->peers; p != NULL; p = p->next)
		if (p->addr == addr) {
			*who = p->name;
			return true;
		}
	return false;
}

enum script_status sx_check_onlink(struct script *sc, uint32_t addr, unsigned col)
{
	char a[16], b[16];
	const char *who;

	if (sx_addr_used(sc, addr, &who))
		return sx_error(sc, col, _("address %s is already used by '%s'"), tv_ip_str(addr, a),
				who);
	for (unsigned i = 0; i < sim_host_count(sc->sim); i++) {
		const struct host *h = sim_host_at(sc->sim, i);
		uint32_t mask = h->cfg.prefix_len ? ~0u << (32 - h->cfg.prefix_len) : 0;
		if ((h->cfg.addr & mask) != (addr & mask))
			return sx_error(sc, col, _("%s is not on the same /%u network as host '%s' (%s)"),
					tv_ip_str(addr, a), (unsigned)h->cfg.prefix_len, h->cfg.name,
					tv_ip_str(h->cfg.addr, b));
	}
	if ((addr & 0xff) == 0 || (addr & 0xff) == 0xff || (addr >> 24) >= 224 || addr == 0)
		return sx_error(sc, col, _("%s cannot be a host's address"), tv_ip_str(addr, a));
	return SCRIPT_OK;
}

/* 10.0.0.N for the lowest N not in use. */
static uint32_t sx_auto_addr(struct script *sc)
{
	const char *who;

	for (uint32_t n = 1; n < 255; n++)
		if (!sx_addr_used(sc, 0x0a000000 | n, &who))
			return 0x0a000000 | n;
	return 0;
}

/* ---- connections ---- */

static bool name_free(struct script *sc, const char *name)
{
	return !sx_host(sc, name) && !sx_conn(sc, name) && !sx_peer(sc, name);
}

struct tcb *sx_tcb_by_id(struct host *h, uint32_t id)
{
	if (h == NULL || id == 0)
		return NULL;
	for (struct tcb *t = h->tcp->all; t != NULL; t = t->anext)
		if (t->id == id && !t->gone)
			return t;
	return NULL;
}

/* The socket is embedded in its TCB (tcb.h); read-only inspection. */
static struct tcb *sk_tcb(struct tv_sock *s)
{
	return (struct tcb *)((char *)s - offsetof(struct tcb, sk));
}

struct tcb *sx_conn_tcb(struct script *sc, const struct sconn *c)
{
	(void)sc;
	if (c->sk != NULL) {
		struct tcb *t = sk_tcb(c->sk);
		return t->gone ? NULL : t;
	}
	return sx_tcb_by_id(c->h, c->id);
}

int sx_conn_state(struct script *sc, const struct sconn *c)
{
	struct tcb *t = sx_conn_tcb(sc, c);

	return t ? t->state : TCB_CLOSED;
}

static void conn_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err);

static struct sconn *conn_new(struct script *sc, const char *name, struct host *h)
{
	struct sconn *c = calloc(1, sizeof(*c)), **pp = &sc->conns;

	if (c == NULL)
		return NULL;
	c->sc = sc;
	c->h = h;
	c->autoread = true;
	snprintf(c->name, sizeof(c->name), "%s", name);
	while (*pp != NULL)
		pp = &(*pp)->next;
	*pp = c;
	return c;
}

static void send_free_all(struct sconn *c)
{
	while (c->sends != NULL) {
		struct sx_send *s = c->sends;
		c->sends = s->next;
		free(s->text);
		free(s);
	}
	c->sends_tail = NULL;
	c->nsends = 0;
}

static void conn_unlink(struct script *sc, struct sconn *c)
{
	for (struct sconn **pp = &sc->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c->rx);
	free(c->tx);
	send_free_all(c);
	free(c);
}

static void conn_keep(struct sconn *c, const uint8_t *buf, size_t n)
{
	c->rx_total += n;
	if (c->rx_len >= SCRIPT_RX_KEEP)
		return;
	if (n > SCRIPT_RX_KEEP - c->rx_len)
		n = SCRIPT_RX_KEEP - c->rx_len;
	if (c->rx_len + n > c->rx_cap) {
		size_t cap = c->rx_cap ? c->rx_cap : 4096;
		while (cap < c->rx_len + n)
			cap *= 2;
		uint8_t *p = realloc(c->rx, cap);
		if (p == NULL)
			return; /* counted in rx_total, not kept */
		c->rx = p;
		c->rx_cap = cap;
	}
	memcpy(c->rx + c->rx_len, buf, n);
	c->rx_len += n;
}

/* Read up to max bytes (what is there); returns a TV_E code or 0. */
static int conn_read(struct sconn *c, uint64_t max)
{
	uint8_t buf[4096];
	tv_time now = sim_now(c->sc->sim);

	while (max > 0 && c->sk != NULL) {
		long n = sock_recv(c->sk, buf, max < sizeof(buf) ? (size_t)max : sizeof(buf), now);
		if (n == 0)
			c->eof = true;
		if (n <= 0)
			return n == TV_EAGAIN || n == 0 ? 0 : (int)n;
		conn_keep(c, buf, (size_t)n);
		max -= (uint64_t)n;
	}
	return 0;
}

/* Hand waiting bytes to the stack while it takes them. */
/* Bytes `s` makes from position pos on (n of them). */
static void send_fill(const struct sx_send *s, uint8_t *p, size_t n)
{
	uint64_t pos = s->pos;

	if (s->pattern == SCRIPT_PAT_ZEROS) {
		memset(p, 0, n);
	} else if (s->pattern == SCRIPT_PAT_TEXT) {
		for (size_t i = 0, k = (size_t)(pos % s->text_len); i < n; i++) {
			p[i] = (uint8_t)s->text[k];
			if (++k == s->text_len)
				k = 0;
		}
	} else { /* the printable characters in turn, like chargen (RFC 864) */
		for (size_t i = 0, k = (size_t)(pos % 95); i < n; i++) {
			p[i] = (uint8_t)(' ' + k);
			if (++k == 95)
				k = 0;
		}
	}
}

/* Make the next chunk of the oldest send into tx: 1, 0 when nothing is
 * left, or TV_ENOMEM. */
static int send_refill(struct sconn *c)
{
	struct sx_send *s = c->sends;
	size_t k;

	if (s == NULL)
		return 0;
	if (c->tx == NULL && (c->tx = malloc(SCRIPT_SEND_CHUNK)) == NULL)
		return TV_ENOMEM;
	k = s->left < SCRIPT_SEND_CHUNK ? (size_t)s->left : SCRIPT_SEND_CHUNK;
	send_fill(s, c->tx, k);
	s->pos += k;
	s->left -= k;
	c->tx_off = 0;
	c->tx_len = k;
	if (s->left == 0) {
		if ((c->sends = s->next) == NULL)
			c->sends_tail = NULL;
		c->nsends--;
		free(s->text);
		free(s);
	}
	return 1;
}

static int conn_flush(struct sconn *c)
{
	tv_time now = sim_now(c->sc->sim);
	int r;

	while (c->sk != NULL) {
		if (c->tx_off == c->tx_len && (r = send_refill(c)) <= 0)
			return r;
		long n = sock_send(c->sk, c->tx + c->tx_off, c->tx_len - c->tx_off, now);
		if (n == TV_EAGAIN)
			return 0;
		if (n < 0)
			return (int)n;
		c->tx_off += (size_t)n;
	}
	return 0;
}


/* The k-th name a listener gives: its `accept` name, then NAME.2,
 * NAME.3...; or LISTENER.1, LISTENER.2... */
static void child_nth(const struct sconn *l, unsigned k, char *buf, size_t size)
{
	if (l->child[0] != '\0' && k == 1)
		snprintf(buf, size, "%s", l->child);
	else
		snprintf(buf, size, "%.*s.%u", SCRIPT_NAME_MAX - 12,
			 l->child[0] != '\0' ? l->child : l->name, k);
}

/* A child of l that never got accepted and whose TCB is gone (reset back
 * to LISTEN, or timed out): its name may go to the next child, so that
 * `s` means the connection that really happens (RFC 9293 figure 8: an
 * old duplicate SYN comes and goes before the real one). */
static bool child_dead(struct script *sc, const struct sconn *c, const struct sconn *l)
{
	return c->pending && c->parent == l && sx_conn_tcb(sc, c) == NULL;
}

/* The first of l's names that is free or held by a dead child (then
 * *reuse is that record). */
static void child_name(struct script *sc, struct sconn *l, char *buf, size_t size,
		       struct sconn **reuse)
{
	struct sconn *c;

	*reuse = NULL;
	for (unsigned k = 1;; k++) {
		child_nth(l, k, buf, size);
		if (name_free(sc, buf))
			return;
		if ((c = sx_conn(sc, buf)) != NULL && child_dead(sc, c, l)) {
			*reuse = c;
			return;
		}
	}
}

/* The connection id of the child a listener would hand out next (the
 * head of its ready list, tcb.h; read only), 0 if none is ready. */
static uint32_t listener_next_ready(struct sconn *l)
{
	struct tcb *lt = sk_tcb(l->sk);
	struct tcb_link *first;

	if (lt->lst == NULL || (first = lt->lst->ready.next) == &lt->lst->ready)
		return 0;
	return ((struct tcb *)((char *)first - offsetof(struct tcb, link)))->id;
}

/* The record named when the child's SYN arrived, if there is one. */
static struct sconn *pending_child(struct script *sc, struct host *h, uint32_t id)
{
	for (struct sconn *c = sc->conns; c != NULL; c = c->next)
		if (c->pending && c->h == h && c->id == id)
			return c;
	return NULL;
}

/* Accept the next ready child into its record (named when its SYN came,
 * or now: `name`, or the listener's next child name). */
static int conn_accept_one(struct sconn *l, const char *name, struct sconn **out)
{
	struct script *sc = l->sc;
	uint32_t id = listener_next_ready(l);
	struct sconn *c;
	char auto_name[SCRIPT_NAME_MAX];
	struct tv_sock *sk;
	int r;

	if (id == 0)
		return TV_EAGAIN;
	c = pending_child(sc, l->h, id);
	if (c != NULL && name != NULL)
		snprintf(c->name, sizeof(c->name), "%s", name);
	if (c == NULL && name == NULL)
		child_name(sc, l, auto_name, sizeof(auto_name), &c);
	if (c == NULL) {
		if ((c = conn_new(sc, name ? name : auto_name, l->h)) == NULL)
			return TV_ENOMEM;
		c->autoread = l->autoread;
		c->parent = l;
	}
	r = sock_accept(l->sk, conn_cb, c, &sk, sim_now(sc->sim));
	if (r != 0) {
		if (!c->pending)
			conn_unlink(sc, c);
		return r;
	}
	c->eof = false;
	c->err = 0;
	c->sk = sk;
	c->id = sock_conn_id(sk);
	c->pending = false;
	if (out)
		*out = c;
	return 0;
}

static void conn_accept_all(struct sconn *l)
{
	while (l->sk != NULL && conn_accept_one(l, NULL, NULL) == 0)
		;
}

/* A SYN reached a listener: name the new half-open connection at once,
 * so a script can watch it in SYN-RECEIVED (its SYN-ACK, its timers)
 * before it is accepted. */
static void child_born(struct script *sc, const struct tv_event *ev)
{
	char name[SCRIPT_NAME_MAX];
	struct sconn *c;

	for (struct sconn *l = sc->conns; l != NULL; l = l->next) {
		if (!l->listener || l->sk == NULL || l->h->id != ev->host ||
		    sock_local_port(l->sk) != ev->tuple.lport)
			continue;
		child_name(sc, l, name, sizeof(name), &c);
		if (c == NULL && (c = conn_new(sc, name, l->h)) == NULL)
			return;
		c->id = ev->conn;
		c->pending = true;
		c->parent = l;
		c->autoread = l->autoread;
		c->rx_len = c->rx_total = 0;
		c->eof = false;
		c->err = 0;
		return;
	}
}

static void conn_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct sconn *c = ctx;

	(void)s;
	switch (ev) {
	case TV_SOCK_CONNECTED:
	case TV_SOCK_WRITABLE:
		conn_flush(c);
		break;
	case TV_SOCK_ACCEPTABLE:
		if (!c->noaccept)
			conn_accept_all(c);
		break;
	case TV_SOCK_READABLE:
	case TV_SOCK_PEER_CLOSED:
		if (c->autoread)
			conn_read(c, UINT64_MAX);
		break;
	case TV_SOCK_ERROR:
		c->err = err;
		break;
	default:
		break;
	}
}

/* ---- parameters ---- */

static enum script_status param_check(struct script *sc, const struct script_param *p)
{
	if (p->value == 0 && (p->id == SCRIPT_P_KEEPIDLE || p->id == SCRIPT_P_KEEPINTVL ||
			      p->id == SCRIPT_P_RTO_MIN || p->id == SCRIPT_P_RTO_MAX ||
			      p->id == SCRIPT_P_RTO_INITIAL || p->id == SCRIPT_P_MSL))
		return sx_error(sc, p->col, _("'%s' cannot be 0"), val_param_name(p->id));
	if ((p->id == SCRIPT_P_MSS || p->id == SCRIPT_P_RCVBUF) && p->value < TCP_MSS_MIN &&
	    !(p->id == SCRIPT_P_MSS && p->value == 0))
		return sx_error(sc, p->col, _("'%s' must be at least %d"), val_param_name(p->id),
				TCP_MSS_MIN);
	if ((p->id == SCRIPT_P_SNDBUF || p->id == SCRIPT_P_CONNS_MAX ||
	     p->id == SCRIPT_P_ARP_CACHE || p->id == SCRIPT_P_HOLD_MAX) && p->value == 0)
		return sx_error(sc, p->col, _("'%s' cannot be 0"), val_param_name(p->id));
	return SCRIPT_OK;
}

/* The ARP cache of a running host is resized (shrinking evicts). */
static enum script_status limit_arp_cache(struct script *sc, struct host *h,
					  const struct script_param *p)
{
	int r = arp_set_cache_max(h, (unsigned)p->value);

	if (r == TV_ENOBUFS)
		return sx_error(sc, p->col, _("'%s': host '%s' has more static ARP entries than that"),
				val_param_name(p->id), h->cfg.name);
	if (r != 0)
		return sx_fail(sc, p->col, _("setting '%s' failed: %s"), val_param_name(p->id),
			       _(tv_strerror(r)));
	return SCRIPT_OK;
}

/* A host's limits (h NULL: for hosts added later).  -1 if p is none. */
static int param_limit(struct script *sc, struct host *h, const struct script_param *p)
{
	struct host_config *hc = h ? &h->cfg : &sc->limits;
	uint64_t v = p->value;

	switch (p->id) {
	case SCRIPT_P_BACKLOG: hc->backlog_default = (uint16_t)v; break;
	case SCRIPT_P_CONNS_MAX: hc->max_conns = (uint32_t)v; break;
	case SCRIPT_P_ARP_PENDING: hc->arp_pending_max = (uint16_t)v; break;
	case SCRIPT_P_BACKLOG_EVICT: hc->backlog_evict = v != 0; break;
	case SCRIPT_P_ARP_CACHE:
		if (h != NULL)
			return limit_arp_cache(sc, h, p);
		hc->arp_cache_max = (uint16_t)v;
		break;
	case SCRIPT_P_HOLD_MAX:
		if (h == NULL)
			sc->hold_max = (size_t)v;
		else if (sim_gate(sc->sim, h) != NULL)
			gate_set_hold_max(sim_gate(sc->sim, h), (size_t)v);
		break;
	default: return -1;
	}
	return SCRIPT_OK;
}

/* Apply a TCP parameter; false for one that only a connection has. */
static bool param_host(struct tcp_params *tp, const struct script_param *p)
{
	uint64_t v = p->value;

	switch (p->id) {
	case SCRIPT_P_MSL: tp->msl = v; break;
	case SCRIPT_P_RTO_MIN: tp->rto_min = v; break;
	case SCRIPT_P_RTO_MAX: tp->rto_max = v; break;
	case SCRIPT_P_RTO_INITIAL: tp->rto_initial = v; break;
	case SCRIPT_P_RETRIES: tp->syn_retries = tp->data_retries = (uint8_t)v; break;
	case SCRIPT_P_SYN_RETRIES: tp->syn_retries = (uint8_t)v; break;
	case SCRIPT_P_DATA_RETRIES: tp->data_retries = (uint8_t)v; break;
	case SCRIPT_P_KEEPALIVE: tp->keepalive = v != 0; break;
	case SCRIPT_P_KEEPIDLE: tp->keepalive_idle = v; break;
	case SCRIPT_P_KEEPINTVL: tp->keepalive_intvl = v; break;
	case SCRIPT_P_KEEPCNT: tp->keepalive_count = (uint8_t)v; break;
	case SCRIPT_P_DELACK: tp->delayed_ack = v != 0; break;
	case SCRIPT_P_DELACK_TIMEOUT: tp->delack_timeout = v; break;
	case SCRIPT_P_NAGLE: tp->nagle = v != 0; break;
	case SCRIPT_P_RCVBUF: tp->rcvbuf = (uint32_t)v; break;
	case SCRIPT_P_SNDBUF: tp->sndbuf = (uint32_t)v; break;
	case SCRIPT_P_MSS: tp->mss = (uint16_t)v; break;
	case SCRIPT_P_WSCALE: tp->window_scaling = v != 0; break;
	case SCRIPT_P_FIN_WAIT_2: tp->fin_wait_2 = v; break;
	case SCRIPT_P_PERSIST_MIN: tp->persist_min = v; break;
	case SCRIPT_P_PERSIST_MAX: tp->persist_max = v; break;
	case SCRIPT_P_OOO_MAX: tp->ooo_max = (uint32_t)v; break;
	default: return false;
	}
	return true;
}

static enum script_status params_host(struct script *sc, struct host *h,
				      const struct script_params *pl)
{
	for (unsigned i = 0; i < pl->n; i++) {
		const struct script_param *p = &pl->p[i];
		int r;
		if (param_check(sc, p) != SCRIPT_OK)
			return SCRIPT_ERROR;
		if ((r = param_limit(sc, h, p)) >= 0) {
			if (r != SCRIPT_OK)
				return (enum script_status)r;
			continue;
		}
		if (!param_host(h ? &h->cfg.tcp : &sc->defaults, p))
			return sx_error(sc, p->col, _("'%s' is a connection parameter; set it on a connection"),
					val_param_name(p->id));
	}
	return SCRIPT_OK;
}

static int param_sockopt(enum script_param_id id, enum tv_sockopt *opt, bool *invert)
{
	static const struct {
		enum script_param_id id;
		enum tv_sockopt opt;
	} map[] = {
		{SCRIPT_P_KEEPALIVE, TV_SO_KEEPALIVE}, {SCRIPT_P_KEEPIDLE, TV_SO_KEEPIDLE},
		{SCRIPT_P_KEEPINTVL, TV_SO_KEEPINTVL}, {SCRIPT_P_KEEPCNT, TV_SO_KEEPCNT},
		{SCRIPT_P_NAGLE, TV_SO_NODELAY}, {SCRIPT_P_DELACK, TV_SO_DELACK},
		{SCRIPT_P_RCVBUF, TV_SO_RCVBUF}, {SCRIPT_P_SNDBUF, TV_SO_SNDBUF},
		{SCRIPT_P_MSS, TV_SO_MSS}, {SCRIPT_P_WSCALE, TV_SO_WSCALE},
	};

	*invert = id == SCRIPT_P_NAGLE;
	for (size_t i = 0; i < TV_ARRAY_LEN(map); i++)
		if (map[i].id == id) {
			*opt = map[i].opt;
			return 0;
		}
	return -1;
}

/* backlog_out: a `backlog` in a `with` list (listen only). */
static enum script_status params_conn(struct script *sc, struct sconn *c,
				      const struct script_params *pl, uint64_t *backlog_out)
{
	for (unsigned i = 0; i < pl->n; i++) {
		const struct script_param *p = &pl->p[i];
		enum tv_sockopt opt;
		bool invert;
		if (param_check(sc, p) != SCRIPT_OK)
			return SCRIPT_ERROR;
		if (p->id == SCRIPT_P_AUTOREAD) {
			c->autoread = p->value != 0;
			continue;
		}
		if (p->id == SCRIPT_P_BACKLOG && backlog_out != NULL) {
			*backlog_out = p->value;
			continue;
		}
		if (param_sockopt(p->id, &opt, &invert) != 0)
			return sx_error(sc, p->col, _("'%s' is a host parameter; set it on the host"),
					val_param_name(p->id));
		if (c->pending)
			return sx_fail(sc, p->col, _("'%s' has not been accepted yet"), c->name);
		if (c->sk == NULL)
			return sx_error(sc, p->col, _("'%s' was closed; its parameters cannot change"),
					c->name);
		int r = sock_setopt(c->sk, opt, invert ? !p->value : p->value);
		if (r == TV_ESTATE)
			return sx_error(sc, p->col, _("'%s' can only be set before the connection opens (use 'with %s ...' on connect or listen)"),
				       val_param_name(p->id), val_param_name(p->id));
		if (r != 0)
			return sx_fail(sc, p->col, _("setting '%s' failed: %s"), val_param_name(p->id),
				       _(tv_strerror(r)));
	}
	return SCRIPT_OK;
}

static enum script_status exec_set(struct script *sc, const struct script_cmd *cmd)
{
	struct host *h;
	struct sconn *c;

	if (cmd->all) {
		if (params_host(sc, NULL, &cmd->params) != SCRIPT_OK)
			return SCRIPT_ERROR;
		for (unsigned i = 0; i < sim_host_count(sc->sim); i++)
			params_host(sc, sim_host_at(sc->sim, i), &cmd->params);
		return SCRIPT_OK;
	}
	if ((h = sx_host(sc, cmd->a.name)) != NULL)
		return params_host(sc, h, &cmd->params);
	if ((c = sx_conn(sc, cmd->a.name)) != NULL)
		return params_conn(sc, c, &cmd->params, NULL);
	if (sx_peer(sc, cmd->a.name) != NULL)
		return sx_error(sc, cmd->a.col, _("'%s' is a raw peer: it has no stack to set"),
				cmd->a.name);
	return sx_error(sc, cmd->a.col, _("no host or connection named '%s'"), cmd->a.name);
}

/* ---- hosts and the wire ---- */

static void gate_hold_dir(struct script *sc, struct host *h, enum tv_dir dir, bool hold);

static enum script_status exec_seed(struct script *sc, const struct script_cmd *cmd)
{
	if (sc->cfg.seed_fixed || cmd->n == sc->cfg.seed)
		return SCRIPT_OK;
	return sx_error(sc, 0, _("the seed must be chosen before the run starts; this wire was seeded with %llu (put one 'seed' line first, or use --seed)"),
			(unsigned long long)sc->cfg.seed);
}

static enum script_status exec_host(struct script *sc, const struct script_cmd *cmd)
{
	struct host_config hc;
	struct host *h;
	uint32_t addr = cmd->has_addr ? cmd->addr : sx_auto_addr(sc);
	int r;

	if (sx_check_new_name(sc, &cmd->a) != SCRIPT_OK ||
	    sx_check_onlink(sc, addr, cmd->has_addr ? 0 : cmd->a.col) != SCRIPT_OK)
		return SCRIPT_ERROR;
	sim_host_config(sc->sim, &hc, cmd->a.name, addr);
	if (cmd->has_mac)
		memcpy(hc.mac, cmd->mac, 6);
	hc.tcp = sc->defaults;
	hc.max_conns = sc->limits.max_conns;
	hc.backlog_default = sc->limits.backlog_default;
	hc.arp_cache_max = sc->limits.arp_cache_max;
	hc.arp_pending_max = sc->limits.arp_pending_max;
	hc.backlog_evict = sc->limits.backlog_evict;
	/* Named before it exists: a new host announces itself (gratuitous
	 * ARP) from inside sim_add_host_config, under id count + 1. */
	if (sc->cfg.on_endpoint)
		sc->cfg.on_endpoint(sc->cfg.ctx, sim_host_count(sc->sim) + 1, hc.name, addr);
	r = sim_add_host_config(sc->sim, &hc, &h);
	if (r == TV_EEXIST)
		return sx_error(sc, 0, "%s", _("that MAC address is already on the wire"));
	if (r == TV_ENOBUFS)
		return sx_error(sc, 0, _("too many hosts and peers on the wire (%d at most)"),
				SIM_HOSTS_MAX);
	if (r != 0)
		return sx_error(sc, 0, _("cannot add host '%s': %s"), cmd->a.name, _(tv_strerror(r)));
	if (sc->hold_all)
		gate_hold_dir(sc, h, TV_DIR_OUT, true);
	if (sc->hold_max != 0 && sim_gate(sc->sim, h) != NULL)
		gate_set_hold_max(sim_gate(sc->sim, h), sc->hold_max);
	peer_host_added(sc, h);
	if (sc->cfg.on_endpoint && h->id != sim_host_count(sc->sim))
		sc->cfg.on_endpoint(sc->cfg.ctx, h->id, h->cfg.name, h->cfg.addr);
	return SCRIPT_OK;
}

/* A wire port by host or peer name. */
static enum script_status wire_port_of(struct script *sc, const struct script_ref *ref,
				       struct wire_port **port)
{
	struct host *h = sx_host(sc, ref->name);
	uint32_t addr;

	if (h != NULL) {
		*port = sim_port(sc->sim, h);
		return SCRIPT_OK;
	}
	if (peer_port_of(sc, ref->name, port, &addr) == 0)
		return SCRIPT_OK;
	return sx_error(sc, ref->col, _("no host or peer named '%s'"), ref->name);
}

static void wire_apply(const struct script_wire *w, struct wire_impair *im)
{
	if (w->none)
		wire_impair_none(im);
	if (w->has_delay)
		im->delay = w->delay;
	if (w->has_jitter)
		im->jitter = w->jitter;
	if (w->has_loss)
		im->loss_ppm = w->loss;
	if (w->has_dup)
		im->dup_ppm = w->dup;
	if (w->has_reorder)
		im->reorder_ppm = w->reorder;
	if (w->has_wait)
		im->reorder_wait = w->wait;
}

static enum script_status exec_wire(struct script *sc, const struct script_cmd *cmd)
{
	const struct script_wire *w = &cmd->wire;
	struct wire *wr = sim_wire(sc->sim);
	struct wire_port *a, *b;
	struct wire_impair im;

	if (w->has_limit && (w->from.name[0] != '\0' || w->limit == 0))
		return sx_error(sc, w->from.col, "%s",
				_("'limit' is one number of frames (1 or more) for the whole wire: give it without ends"));
	if (w->has_limit)
		wire_set_limit(wr, (size_t)w->limit);
	if (w->from.name[0] == '\0') {
		wire_apply(w, &sc->wire_default);
		wire_set_default(wr, &sc->wire_default);
		return SCRIPT_OK;
	}
	if (wire_port_of(sc, &w->from, &a) != SCRIPT_OK || wire_port_of(sc, &w->to, &b) != SCRIPT_OK)
		return SCRIPT_ERROR;
	if (a == b)
		return sx_error(sc, w->to.col, "%s", _("a direction needs two different ends"));
	im = *wire_impair_of(wr, a, b);
	wire_apply(w, &im);
	wire_set_impair(wr, a, b, &im);
	if (w->both) {
		im = *wire_impair_of(wr, b, a);
		wire_apply(w, &im);
		wire_set_impair(wr, b, a, &im);
	}
	return SCRIPT_OK;
}

/* ---- applications ---- */

static enum script_status sock_failed(struct script *sc, const char *what, const char *name, int r)
{
	return sx_fail(sc, 0, _("%s %s failed: %s"), what, name, _(tv_strerror(r)));
}

/* No socket: the connection table full (tcp.sock_limit) says which limit. */
static enum script_status sock_new_failed(struct script *sc, const char *what, const char *name,
					  const struct host *h, int r)
{
	if (r == TV_ENOBUFS)
		return sx_fail(sc, 0, _("%s %s failed: host '%s' has %u connections, its conns.max"),
			       what, name, h->cfg.name, (unsigned)h->cfg.max_conns);
	return sock_failed(sc, what, name, r);
}

static enum script_status exec_listen(struct script *sc, const struct script_cmd *cmd)
{
	struct host *h = sx_need_host(sc, &cmd->dest.ref);
	struct script_ref name = cmd->a;
	uint64_t backlog = cmd->has_n ? cmd->n : 0;
	struct sconn *c;
	int r;

	if (h == NULL)
		return SCRIPT_ERROR;
	while (name.name[0] == '\0' || (cmd->a.name[0] == '\0' && !name_free(sc, name.name)))
		snprintf(name.name, sizeof(name.name), "l%u", ++sc->nlisten);
	if (sx_check_new_name(sc, &name) != SCRIPT_OK)
		return SCRIPT_ERROR;
	if ((c = conn_new(sc, name.name, h)) == NULL)
		return sx_fail(sc, 0, "%s", _("out of memory"));
	c->listener = true;
	c->noaccept = cmd->noaccept;
	snprintf(c->child, sizeof(c->child), "%s", cmd->b.name);
	r = sock_new(h, conn_cb, c, &c->sk);
	if (r != 0) {
		conn_unlink(sc, c);
		return sock_new_failed(sc, "listen", name.name, h, r);
	}
	if (params_conn(sc, c, &cmd->params, &backlog) != SCRIPT_OK)
		goto undo;
	r = sock_listen_socket(c->sk, cmd->dest.port, (int)backlog, sim_now(sc->sim));
	if (r != 0) {
		sock_failed(sc, "listen", name.name, r);
		goto undo;
	}
	c->id = sock_conn_id(c->sk);
	return SCRIPT_OK;
undo:
	sock_close(c->sk, sim_now(sc->sim));
	conn_unlink(sc, c);
	return sc->res->status;
}

static enum script_status exec_accept(struct script *sc, const struct script_cmd *cmd)
{
	struct sconn *l = sx_need_conn(sc, &cmd->a);
	char name[SCRIPT_NAME_MAX];
	int r;

	if (l == NULL)
		return SCRIPT_ERROR;
	if (!l->listener || l->sk == NULL)
		return sx_error(sc, cmd->a.col, _("'%s' is not an open listener"), l->name);
	if (cmd->b.name[0] != '\0') {
		if (sx_check_new_name(sc, &cmd->b) != SCRIPT_OK)
			return SCRIPT_ERROR;
		snprintf(name, sizeof(name), "%s", cmd->b.name);
	}
	r = conn_accept_one(l, cmd->b.name[0] ? name : NULL, NULL);
	if (r == TV_EAGAIN)
		return sx_fail(sc, 0, _("no connection is waiting to be accepted on '%s'"), l->name);
	return r != 0 ? sock_failed(sc, "accept", l->name, r) : SCRIPT_OK;
}

static enum script_status dest_addr(struct script *sc, const struct script_dest *d, uint32_t *addr)
{
	struct host *h;
	struct wire_port *port;

	if (d->ref.name[0] == '\0') {
		*addr = d->addr;
		return SCRIPT_OK;
	}
	if ((h = sx_host(sc, d->ref.name)) != NULL) {
		*addr = h->cfg.addr;
		return SCRIPT_OK;
	}
	if (peer_port_of(sc, d->ref.name, &port, addr) == 0)
		return SCRIPT_OK;
	return sx_error(sc, d->ref.col, _("no host or peer named '%s'"), d->ref.name);
}

static enum script_status exec_connect(struct script *sc, const struct script_cmd *cmd)
{
	struct host *h = sx_need_host(sc, &cmd->b);
	struct script_ref name = cmd->a;
	struct sconn *c;
	uint32_t raddr;
	int r;

	if (h == NULL || dest_addr(sc, &cmd->dest, &raddr) != SCRIPT_OK)
		return SCRIPT_ERROR;
	while (name.name[0] == '\0' || (cmd->a.name[0] == '\0' && !name_free(sc, name.name)))
		snprintf(name.name, sizeof(name.name), "c%u", ++sc->nconnect);
	if (sx_check_new_name(sc, &name) != SCRIPT_OK)
		return SCRIPT_ERROR;
	if ((c = conn_new(sc, name.name, h)) == NULL)
		return sx_fail(sc, 0, "%s", _("out of memory"));
	r = sock_new(h, conn_cb, c, &c->sk);
	if (r != 0) {
		conn_unlink(sc, c);
		return sock_new_failed(sc, "connect", name.name, h, r);
	}
	if (params_conn(sc, c, &cmd->params, NULL) != SCRIPT_OK)
		goto undo;
	r = sock_connect_socket(c->sk, raddr, cmd->dest.port, cmd->has_port ? cmd->port : 0,
				sim_now(sc->sim));
	if (r != 0) {
		sock_failed(sc, "connect", name.name, r);
		goto undo;
	}
	c->id = sock_conn_id(c->sk);
	return SCRIPT_OK;
undo:
	sock_close(c->sk, sim_now(sc->sim));
	conn_unlink(sc, c);
	return sc->res->status;
}

/* A connection the script still holds, and not a listener. */
static struct sconn *need_open_conn(struct script *sc, const struct script_ref *ref)
{
	struct sconn *c = sx_need_conn(sc, ref);

	if (c == NULL)
		return NULL;
	if (c->listener) {
		sx_error(sc, ref->col, _("'%s' is a listener; use its accepted connections"), c->name);
		return NULL;
	}
	if (c->pending) {
		sx_fail(sc, ref->col, _("'%s' has not been accepted yet"), c->name);
		return NULL;
	}
	if (c->sk == NULL) {
		sx_error(sc, ref->col, _("'%s' was already closed or aborted"), c->name);
		return NULL;
	}
	return c;
}

/* The send as a queue item: a pattern made on demand (a literal text is
 * a text pattern of its own length). */
static struct sx_send *send_new(const struct script_cmd *cmd)
{
	struct sx_send *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->left = cmd->n;
	s->pattern = cmd->pattern;
	if (s->pattern == SCRIPT_PAT_TEXT) {
		s->text_len = cmd->text_len;
		if (s->text_len == 0 || (s->text = malloc(s->text_len)) == NULL) {
			free(s);
			return NULL;
		}
		memcpy(s->text, cmd->text, s->text_len);
	}
	return s;
}

static enum script_status exec_send(struct script *sc, const struct script_cmd *cmd)
{
	struct sconn *c = need_open_conn(sc, &cmd->a);
	struct sx_send *s;
	int r;

	if (c == NULL)
		return SCRIPT_ERROR;
	if (cmd->n == 0)
		return SCRIPT_OK;
	if (c->nsends >= SCRIPT_SENDS_MAX)
		return sx_fail(sc, 0, _("'%s' already has %u sends waiting for the peer to read (%u at most)"),
			       c->name, c->nsends, SCRIPT_SENDS_MAX);
	if ((s = send_new(cmd)) == NULL)
		return sx_fail(sc, 0, "%s", _("out of memory"));
	if (c->sends_tail != NULL)
		c->sends_tail->next = s;
	else
		c->sends = s;
	c->sends_tail = s;
	c->nsends++;
	r = conn_flush(c);
	return r != 0 ? sock_failed(sc, "send", c->name, r) : SCRIPT_OK;
}

static enum script_status exec_recv(struct script *sc, const struct script_cmd *cmd)
{
	struct sconn *c = need_open_conn(sc, &cmd->a);
	int r;

	if (c == NULL)
		return SCRIPT_ERROR;
	r = conn_read(c, cmd->has_n ? cmd->n : UINT64_MAX);
	return r != 0 ? sock_failed(sc, "recv", c->name, r) : SCRIPT_OK;
}

static enum script_status exec_close(struct script *sc, const struct script_cmd *cmd)
{
	struct sconn *c = sx_need_conn(sc, &cmd->a);
	tv_time now = sim_now(sc->sim);
	int r;

	if (c == NULL)
		return SCRIPT_ERROR;
	if (c->pending)
		return sx_fail(sc, cmd->a.col, _("'%s' has not been accepted yet"), c->name);
	if (c->sk == NULL)
		return sx_error(sc, cmd->a.col, _("'%s' was already closed or aborted"), c->name);
	if (cmd->kind == SCRIPT_SHUTDOWN) {
		if (c->listener)
			return sx_error(sc, cmd->a.col, _("'%s' is a listener; close it instead"), c->name);
		r = sock_shutdown(c->sk, now);
		return r != 0 ? sock_failed(sc, "shutdown", c->name, r) : SCRIPT_OK;
	}
	struct tv_sock *sk = c->sk;
	c->sk = NULL; /* the handle is released by the call */
	c->err = sock_error(sk);
	r = cmd->kind == SCRIPT_ABORT ? sock_abort(sk, now) : sock_close(sk, now);
	return r != 0 ? sock_failed(sc, script_cmd_name(cmd->kind), c->name, r) : SCRIPT_OK;
}

static struct shost_apps *apps_slot(struct script *sc, struct host *h, bool create)
{
	for (unsigned i = 0; i < sc->napps; i++)
		if (sc->apps[i].h == h)
			return &sc->apps[i];
	if (!create || sc->napps == TV_ARRAY_LEN(sc->apps))
		return NULL;
	sc->apps[sc->napps].h = h;
	sc->apps[sc->napps].apps = NULL;
	return &sc->apps[sc->napps++];
}

static enum script_status exec_start(struct script *sc, const struct script_cmd *cmd)
{
	struct host *h = sx_need_host(sc, &cmd->a);
	struct shost_apps *slot;

	if (h == NULL)
		return SCRIPT_ERROR;
	slot = apps_slot(sc, h, true);
	if (slot->apps == NULL && (slot->apps = apps_new(h)) == NULL)
		return sx_fail(sc, 0, "%s", _("out of memory"));
	apps_set_epoch(slot->apps, sc->cfg.epoch);
	for (int s = 0; s < APP_SERVICE_COUNT; s++) {
		if (!(cmd->services & APP_BIT(s)))
			continue;
		int r = apps_listen(slot->apps, (enum app_service)s, cmd->svc_port[s],
				    sim_now(sc->sim));
		if (r != 0)
			return sx_fail(sc, 0, _("starting %s on %s failed: %s"),
				       app_name((enum app_service)s), h->cfg.name, _(tv_strerror(r)));
	}
	return SCRIPT_OK;
}

static enum script_status exec_stop(struct script *sc, const struct script_cmd *cmd)
{
	struct host *h = sx_need_host(sc, &cmd->a);
	struct shost_apps *slot;

	if (h == NULL)
		return SCRIPT_ERROR;
	slot = apps_slot(sc, h, false);
	if (slot == NULL || slot->apps == NULL)
		return sx_error(sc, cmd->a.col, _("no services were started on '%s'"), h->cfg.name);
	apps_stop(slot->apps, sim_now(sc->sim));
	slot->apps = NULL;
	return SCRIPT_OK;
}

/* ---- the gate ---- */

/* Passing lets go of what is held in that direction, oldest first. */
static void gate_release_dir(struct gate *g, enum tv_dir dir, tv_time now)
{
	size_t n = gate_held_count(g);
	struct gate_held *held = n ? calloc(n, sizeof(*held)) : NULL;

	if (held == NULL)
		return;
	n = gate_held_list(g, held, n);
	for (size_t i = 0; i < n; i++)
		if (held[i].dir == dir)
			gate_release(g, held[i].id, now);
	free(held);
}

/* Holding is a rule that holds TCP segments in one direction of a gate
 * (ARP and the rest pass, so stepping moves only the segments a lesson
 * is about); its id is kept so `pass` removes exactly it. */
static void gate_hold_dir(struct script *sc, struct host *h, enum tv_dir dir, bool hold)
{
	struct gate *g = sim_gate(sc->sim, h);
	uint32_t *id = &sc->hold_rule[h->id - 1][dir];
	struct gate_rule r;

	gate_set_dir_mode(g, dir, GATE_PASS);
	if (!hold) {
		gate_release_dir(g, dir, sim_now(sc->sim));
		if (*id != 0)
			gate_rule_remove(g, *id);
		*id = 0;
	} else if (hold && *id == 0) {
		memset(&r, 0, sizeof(r));
		r.dirs = GATE_DIR_BIT(dir);
		r.proto = GATE_PROTO_TCP;
		r.count = GATE_ALWAYS;
		r.action = GATE_ACT_HOLD;
		if (gate_rule_add(g, &r, id) != 0)
			*id = 0;
	}
}

static enum script_status exec_hold(struct script *sc, const struct script_cmd *cmd)
{
	bool hold = cmd->kind == SCRIPT_HOLD;
	struct host *h;

	/* `hold all` holds each segment once, as it leaves its host: holding
	 * it again where it arrives would make every segment take two
	 * steps.  `pass all` opens every gate both ways. */
	if (cmd->all) {
		sc->hold_all = hold;
		for (unsigned i = 0; i < sim_host_count(sc->sim); i++) {
			h = sim_host_at(sc->sim, i);
			gate_hold_dir(sc, h, TV_DIR_OUT, hold);
			if (!hold)
				gate_hold_dir(sc, h, TV_DIR_IN, false);
		}
		return SCRIPT_OK;
	}
	if ((h = sx_need_host(sc, &cmd->a)) == NULL)
		return SCRIPT_ERROR;
	if (cmd->dir_in)
		gate_hold_dir(sc, h, TV_DIR_IN, hold);
	if (cmd->dir_out)
		gate_hold_dir(sc, h, TV_DIR_OUT, hold);
	return SCRIPT_OK;
}

/* The held frame with the lowest id (the oldest: ids are handed out in
 * order across the sim's gates); 0 if none. */
static uint32_t held_oldest(struct script *sc)
{
	struct gate_held g[64];
	uint32_t best = 0;

	for (unsigned i = 0; i < sim_host_count(sc->sim); i++) {
		const struct gate *gt = sim_gate(sc->sim, sim_host_at(sc->sim, i));
		size_t n = gate_held_list(gt, g, TV_ARRAY_LEN(g));
		for (size_t k = 0; k < n; k++)
			if (best == 0 || g[k].id < best)
				best = g[k].id;
	}
	return best;
}

static size_t held_total(struct script *sc)
{
	size_t n = 0;

	for (unsigned i = 0; i < sim_host_count(sc->sim); i++)
		n += gate_held_count(sim_gate(sc->sim, sim_host_at(sc->sim, i)));
	return n;
}

static bool some_held(void *ctx, struct sim *s)
{
	(void)s;
	return held_total(ctx) > 0;
}

static bool cond_quiet(void *ctx, struct sim *s);

static enum script_status exec_step(struct script *sc, const struct script_cmd *cmd)
{
	tv_time now = sim_now(sc->sim);
	uint64_t done = 0;
	uint32_t id;

	/* Nothing held yet (a segment may wait for ARP, or a timer): let
	 * time run until something is. */
	if (held_total(sc) == 0)
		sx_run_until(sc, some_held, sc, sc->cfg.run_limit);
	if (held_total(sc) == 0)
		return sx_fail(sc, 0, "%s", _("nothing is held at any gate"));
	now = sim_now(sc->sim);
	while (done < cmd->n && (id = held_oldest(sc)) != 0) {
		gate_release(sim_gate_holding(sc->sim, id), id, now);
		done++;
	}
	sx_run_until(sc, cond_quiet, NULL, sc->cfg.run_limit);
	return SCRIPT_OK;
}

static enum script_status exec_held_op(struct script *sc, const struct script_cmd *cmd)
{
	tv_time now = sim_now(sc->sim);
	uint32_t id = (uint32_t)cmd->n;
	struct gate *g;
	int r;

	if (cmd->n == SCRIPT_HELD_ALL) {
		for (unsigned i = 0; i < sim_host_count(sc->sim); i++) {
			g = sim_gate(sc->sim, sim_host_at(sc->sim, i));
			gate_release_n(g, gate_held_count(g), now);
		}
		return SCRIPT_OK;
	}
	if (cmd->n == SCRIPT_HELD_NEXT && (id = held_oldest(sc)) == 0)
		return sx_fail(sc, 0, "%s", _("nothing is held at any gate"));
	if ((g = sim_gate_holding(sc->sim, id)) == NULL)
		return sx_fail(sc, 0, _("no frame #%u is held at any gate"), (unsigned)id);
	switch (cmd->kind) {
	case SCRIPT_RELEASE: r = gate_release(g, id, now); break;
	case SCRIPT_DROP: r = gate_drop(g, id, now); break;
	case SCRIPT_DUP: r = gate_dup(g, id, NULL, now); break;
	default: r = gate_delay(g, id, cmd->dur, now); break;
	}
	return r != 0 ? sx_fail(sc, 0, _("%s #%u failed: %s"), script_cmd_name(cmd->kind),
				(unsigned)id, _(tv_strerror(r)))
		      : SCRIPT_OK;
}

/* The address and, when it is a host, the host of a rule's end. */
static enum script_status rule_end(struct script *sc, const struct script_ref *ref, uint32_t *addr,
				   struct host **h)
{
	struct wire_port *port;

	*h = NULL;
	*addr = 0;
	if (ref->name[0] == '\0')
		return SCRIPT_OK;
	if ((*h = sx_host(sc, ref->name)) != NULL) {
		*addr = (*h)->cfg.addr;
		return SCRIPT_OK;
	}
	if (peer_port_of(sc, ref->name, &port, addr) == 0)
		return SCRIPT_OK;
	return sx_error(sc, ref->col, _("no host or peer named '%s'"), ref->name);
}

/* seq LO..HI of CONN: relative to the ISN of the side that sends. */
static enum script_status rule_seq_base(struct script *sc, const struct script_rule *sr,
					const struct host *sender, struct gate_rule *r)
{
	struct sconn *c = sx_need_conn(sc, &sr->seq_of);
	struct tcb *t;
	uint32_t base;

	if (c == NULL)
		return SCRIPT_ERROR;
	if ((t = sx_conn_tcb(sc, c)) == NULL)
		return sx_fail(sc, sr->seq_of.col, _("'%s' has no TCB any more"), c->name);
	if (sender == c->h) {
		base = t->iss;
	} else if (t->have_irs) {
		base = t->irs;
	} else {
		return sx_fail(sc, sr->seq_of.col, _("'%s' has not seen its peer's SYN yet, so its peer's sequence numbers are unknown"),
			       c->name);
	}
	r->seq_lo += base;
	r->seq_hi += base;
	return SCRIPT_OK;
}

/* Which gate a rule goes to, in which direction, and which host sends
 * the frames it matches (NULL: either side).  r gets dirs and addresses. */
static struct gate *rule_gate(struct script *sc, const struct script_rule *sr,
			      struct gate_rule *r, struct host **sender)
{
	struct host *hon = NULL, *hfrom, *hto;

	if (rule_end(sc, &sr->from, &r->saddr, &hfrom) != SCRIPT_OK ||
	    rule_end(sc, &sr->to, &r->daddr, &hto) != SCRIPT_OK)
		return NULL;
	if (sr->has_on && (hon = sx_need_host(sc, &sr->on)) == NULL)
		return NULL;
	*sender = hfrom;
	if (hon != NULL) {
		r->dirs = sr->dir_in ? GATE_DIR_BIT(TV_DIR_IN) : sr->dir_out ? GATE_DIR_BIT(TV_DIR_OUT) : 0;
		if (hfrom == NULL && sr->dir_out)
			*sender = hon;
		return sim_gate(sc->sim, hon);
	}
	if (hfrom != NULL) {
		r->dirs = GATE_DIR_BIT(TV_DIR_OUT);
		r->saddr = 0; /* its own frames */
		return sim_gate(sc->sim, hfrom);
	}
	if (hto != NULL) {
		r->dirs = GATE_DIR_BIT(TV_DIR_IN);
		return sim_gate(sc->sim, hto);
	}
	sx_error(sc, 0, "%s", _("a rule acts at a host's gate: 'from', 'to' or 'on' must name a host"));
	return NULL;
}

static enum script_status exec_rule(struct script *sc, const struct script_cmd *cmd)
{
	const struct script_rule *sr = &cmd->rule;
	struct host *sender = NULL;
	struct gate_rule r;
	struct gate *g;
	uint32_t id;
	int err;

	memset(&r, 0, sizeof(r));
	if ((g = rule_gate(sc, sr, &r, &sender)) == NULL)
		return SCRIPT_ERROR;
	r.proto = (enum gate_proto)sr->proto;
	r.flags_mask = sr->has_flags ? sr->flags_mask : 0;
	r.flags_value = sr->has_flags ? sr->flags_value : 0;
	r.has_seq = sr->has_seq;
	r.seq_lo = sr->seq_lo;
	r.seq_hi = sr->seq_hi;
	if (sr->has_seq && sr->seq_of.name[0] != '\0' &&
	    rule_seq_base(sc, sr, sender, &r) != SCRIPT_OK)
		return SCRIPT_FAILED;
	r.sport = sr->sport;
	r.dport = sr->dport;
	r.count = (enum gate_count)sr->count;
	r.n = sr->n;
	r.ppm = sr->ppm;
	r.action = (enum gate_act)sr->action;
	r.delay = sr->delay;
	err = gate_rule_add(g, &r, &id);
	if (err == TV_ENOBUFS)
		return sx_error(sc, 0, _("too many rules at this gate (%d at most)"), GATE_RULES_MAX);
	return err != 0 ? sx_error(sc, 0, _("the gate refused the rule: %s"), _(tv_strerror(err)))
			: SCRIPT_OK;
}

/* Remove the script's rules at h's gate.  Holding (`hold`, itself a
 * rule underneath) stays as it was, and so do the frames already held:
 * clearing rules changes what happens to frames from now on, and only
 * release, step, drop or pass let held ones go. */
static void rules_clear(struct script *sc, struct host *h)
{
	bool in = sc->hold_rule[h->id - 1][TV_DIR_IN] != 0;
	bool out = sc->hold_rule[h->id - 1][TV_DIR_OUT] != 0;

	gate_rule_clear(sim_gate(sc->sim, h));
	sc->hold_rule[h->id - 1][TV_DIR_IN] = sc->hold_rule[h->id - 1][TV_DIR_OUT] = 0;
	if (in)
		gate_hold_dir(sc, h, TV_DIR_IN, true);
	if (out)
		gate_hold_dir(sc, h, TV_DIR_OUT, true);
}

static enum script_status exec_rule_clear(struct script *sc, const struct script_cmd *cmd)
{
	struct host *h;

	if (cmd->a.name[0] != '\0') {
		if ((h = sx_need_host(sc, &cmd->a)) == NULL)
			return SCRIPT_ERROR;
		rules_clear(sc, h);
		return SCRIPT_OK;
	}
	for (unsigned i = 0; i < sim_host_count(sc->sim); i++)
		rules_clear(sc, sim_host_at(sc->sim, i));
	return SCRIPT_OK;
}

/* ---- time ---- */

/* Every wait goes through here, so a live runtime can let wall time pass
 * instead (script_config.run_until). */
int sx_run_until(struct script *sc, sim_cond_fn cond, void *ctx, tv_time limit)
{
	if (sc->cfg.run_until != NULL)
		return sc->cfg.run_until(sc->cfg.run_ctx, sc->sim, cond, ctx, limit);
	return sim_run_until(sc->sim, cond, ctx, limit);
}

static bool cond_never(void *ctx, struct sim *s)
{
	(void)ctx;
	(void)s;
	return false;
}

/* sim_run_for(), through the hook: 0 or TV_ESTALLED. */
int sx_run_for(struct script *sc, tv_time d)
{
	int r;

	if (sc->cfg.run_until != NULL)
		r = sc->cfg.run_until(sc->cfg.run_ctx, sc->sim, cond_never, NULL, d);
	else
		r = sim_run_for(sc->sim, d);
	return r == TV_ESTALLED ? r : 0;
}

/* A run that could not let time pass (SIM_INSTANT_STEPS_MAX). */
static enum script_status sx_stalled(struct script *sc)
{
	char t[32];

	val_fmt_duration(sim_now(sc->sim), t, sizeof(t));
	return sx_fail(sc, 0,
		       _("time stands still at %s: traffic without end at one instant (a sender "
			 "such as chargen on a wire with no delay); give the wire a delay, "
			 "e.g. 'wire delay 100us'"),
		       t);
}

static bool cond_quiet(void *ctx, struct sim *s)
{
	(void)ctx;
	return sim_quiet(s);
}

tv_time sx_limit(const struct script *sc, const struct script_until *u)
{
	return u->has_limit ? u->limit : sc->cfg.run_limit;
}

struct until_ctx {
	struct script *sc;
	const struct script_until *u;
	struct sconn *c;
};

static bool until_cond(void *ctx, struct sim *s)
{
	struct until_ctx *uc = ctx;

	/* A connection a listener has yet to accept: wait for it. */
	if (uc->c == NULL && uc->u->who.name[0] != '\0' &&
	    (uc->c = sx_conn(uc->sc, uc->u->who.name)) == NULL)
		return false;
	switch (uc->u->kind) {
	case SCRIPT_U_IDLE: return sim_idle(s);
	case SCRIPT_U_QUIET: return sim_quiet(s);
	case SCRIPT_U_STATE: return sx_conn_state(uc->sc, uc->c) == uc->u->state;
	case SCRIPT_U_RECEIVED: return uc->c->rx_total >= uc->u->bytes;
	default: return uc->sc->watch.seen;
	}
}

static enum script_status until_failed(struct script *sc, struct until_ctx *uc, tv_time limit)
{
	const struct script_until *u = uc->u;
	char d[32];

	val_fmt_duration(limit, d, sizeof(d));
	if (uc->c != NULL)
		sx_involve_pair(sc, uc->c);
	if (uc->c == NULL && u->who.name[0] != '\0')
		return sx_fail(sc, u->who.col, _("no connection named '%s' appeared within %s"),
			       u->who.name, d);
	switch (u->kind) {
	case SCRIPT_U_IDLE:
		return sx_fail(sc, 0, _("the simulation did not go idle within %s"), d);
	case SCRIPT_U_QUIET:
		return sx_fail(sc, 0, _("the wire did not go quiet within %s"), d);
	case SCRIPT_U_STATE:
		return sx_fail(sc, u->who.col, _("'%s' did not reach %s within %s: it is %s"),
			       uc->c->name, tcb_state_name((enum tcb_state)u->state), d,
			       tcb_state_name((enum tcb_state)sx_conn_state(sc, uc->c)));
	case SCRIPT_U_RECEIVED:
		return sx_fail(sc, u->who.col, _("'%s' did not receive %llu bytes within %s: it has %llu"),
			       uc->c->name, (unsigned long long)u->bytes, d,
			       (unsigned long long)uc->c->rx_total);
	default:
		if (u->timer < 0)
			return sx_fail(sc, 0, _("no timer fired within %s"), d);
		return sx_fail(sc, 0, _("no %s timer fired within %s"),
			       val_timer_name((enum tv_timer_kind)u->timer), d);
	}
}

static enum script_status run_until(struct script *sc, const struct script_until *u)
{
	struct until_ctx uc = {sc, u, NULL};
	tv_time limit = sx_limit(sc, u);
	int r;

	if ((u->kind == SCRIPT_U_STATE || u->kind == SCRIPT_U_RECEIVED ||
	     (u->kind == SCRIPT_U_TIMER && u->who.name[0] != '\0')) &&
	    (uc.c = sx_conn(sc, u->who.name)) == NULL &&
	    (u->kind == SCRIPT_U_TIMER || sx_future_child(sc, u->who.name) == NULL)) {
		sx_need_conn(sc, &u->who);
		return sc->res->status;
	}
	if (u->kind == SCRIPT_U_TIMER) {
		sc->watch.armed = true;
		sc->watch.seen = false;
		sc->watch.kind = u->timer;
		sc->watch.host = uc.c ? uc.c->h->id : 0;
		sc->watch.conn = uc.c ? uc.c->id : 0;
	}
	r = sx_run_until(sc, until_cond, &uc, limit);
	sc->watch.armed = false;
	if (r == TV_ESTALLED)
		return sx_stalled(sc);
	return r == 0 ? SCRIPT_OK : until_failed(sc, &uc, limit);
}

static enum script_status exec_next_timer(struct script *sc)
{
	struct script_until u;

	memset(&u, 0, sizeof(u));
	u.kind = SCRIPT_U_TIMER;
	u.timer = -1;
	return run_until(sc, &u);
}

/* A connection ended with an error.  An open socket hears it through its
 * callback; one the script has closed (or a child not accepted yet) has
 * no callback any more, so its record learns it here and `expect NAME
 * error` still sees, say, the reset that ended FIN-WAIT-1. */
static void conn_ended(struct script *sc, const struct tv_event *ev)
{
	for (struct sconn *c = sc->conns; c != NULL; c = c->next)
		if (c->h != NULL && c->h->id == ev->host && c->id == ev->conn && c->sk == NULL)
			c->err = ev->u.state.err;
}

static void sx_sink(void *ctx, const struct tv_event *ev)
{
	struct script *sc = ctx;

	if (ev->type == TV_EV_STATE && ev->u.state.old_state == TCB_LISTEN &&
	    ev->u.state.new_state == TCB_SYN_RECEIVED && ev->conn != 0)
		child_born(sc, ev);
	if (ev->type == TV_EV_STATE && ev->u.state.new_state == TCB_CLOSED &&
	    ev->u.state.err != 0 && ev->conn != 0)
		conn_ended(sc, ev);
	if (!sc->watch.armed || ev->type != TV_EV_TIMER_FIRE)
		return;
	/* "any timer" means the connections' timers: ARP's retries and
	 * ageing would otherwise interrupt every lesson. */
	if (sc->watch.kind >= 0 ? (int)ev->u.timer.kind != sc->watch.kind
				: ev->u.timer.kind == TV_TIMER_ARP)
		return;
	if (sc->watch.host != 0 && (ev->host != sc->watch.host || ev->conn != sc->watch.conn))
		return;
	sc->watch.seen = true;
}

/* ---- narration ---- */

static enum script_status exec_say(struct script *sc, const struct script_cmd *cmd)
{
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_NOTE;
	/* The English text goes on the bus; printers translate it. */
	snprintf(ev.u.note.text, sizeof(ev.u.note.text), "%s", cmd->text);
	sx_emit(sc, &ev);
	return SCRIPT_OK;
}

/* ---- the entry points ---- */

struct script *script_new(struct sim *sim, const struct script_config *cfg)
{
	struct script *sc = calloc(1, sizeof(*sc));
	struct host_config hc;

	if (sc == NULL)
		return NULL;
	sc->sim = sim;
	if (cfg != NULL)
		sc->cfg = *cfg;
	if (sc->cfg.run_limit == 0)
		sc->cfg.run_limit = TV_SEC(86400);
	/* The peers' ISNs come from the seed too, apart from the sim's own
	 * generator so that adding a peer does not change the hosts' ISNs. */
	tv_rng_seed(&sc->rng, sc->cfg.seed ^ 0x5443505649ull);
	host_config_default(&hc);
	sc->defaults = hc.tcp;
	sc->limits = hc;
	wire_impair_none(&sc->wire_default);
	if (tv_bus_add(sim_bus(sim), sx_sink, sc) != 0) {
		free(sc);
		return NULL;
	}
	return sc;
}

void script_free(struct script *sc)
{
	if (sc == NULL)
		return;
	tv_bus_remove(sim_bus(sc->sim), sx_sink, sc);
	for (unsigned i = 0; i < sc->napps; i++)
		if (sc->apps[i].apps != NULL)
			apps_stop(sc->apps[i].apps, sim_now(sc->sim));
	peer_free_all(sc);
	/* The sockets must not call back into records about to go. */
	for (struct sconn *c = sc->conns; c != NULL; c = c->next)
		if (c->sk != NULL) {
			struct tv_sock *sk = c->sk;
			c->sk = NULL;
			sock_abort(sk, sim_now(sc->sim));
		}
	while (sc->conns != NULL)
		conn_unlink(sc, sc->conns);
	free(sc);
}

void script_set_frame_tap(struct script *sc, tv_frame_tap_fn fn, void *ctx)
{
	sc->tap = fn;
	sc->tap_ctx = ctx;
}

static enum script_status exec_dispatch(struct script *sc, const struct script_cmd *cmd)
{
	switch (cmd->kind) {
	case SCRIPT_NONE: return SCRIPT_OK;
	case SCRIPT_SEED: return exec_seed(sc, cmd);
	case SCRIPT_HOST: return exec_host(sc, cmd);
	case SCRIPT_WIRE: return exec_wire(sc, cmd);
	case SCRIPT_SET: return exec_set(sc, cmd);
	case SCRIPT_LISTEN: return exec_listen(sc, cmd);
	case SCRIPT_ACCEPT: return exec_accept(sc, cmd);
	case SCRIPT_CONNECT: return exec_connect(sc, cmd);
	case SCRIPT_SEND: return exec_send(sc, cmd);
	case SCRIPT_RECV: return exec_recv(sc, cmd);
	case SCRIPT_SHUTDOWN: case SCRIPT_CLOSE: case SCRIPT_ABORT: return exec_close(sc, cmd);
	case SCRIPT_START: return exec_start(sc, cmd);
	case SCRIPT_STOP: return exec_stop(sc, cmd);
	case SCRIPT_HOLD: case SCRIPT_PASS: return exec_hold(sc, cmd);
	case SCRIPT_STEP: return exec_step(sc, cmd);
	case SCRIPT_RELEASE: case SCRIPT_DROP: case SCRIPT_DUP: case SCRIPT_DELAY:
		return exec_held_op(sc, cmd);
	case SCRIPT_RULE: return exec_rule(sc, cmd);
	case SCRIPT_RULE_CLEAR: return exec_rule_clear(sc, cmd);
	case SCRIPT_RUN: return sx_run_for(sc, cmd->dur) == 0 ? SCRIPT_OK : sx_stalled(sc);
	case SCRIPT_RUN_UNTIL: return run_until(sc, &cmd->until);
	case SCRIPT_NEXT_TIMER: return exec_next_timer(sc);
	case SCRIPT_PEER: return peer_exec(sc, cmd);
	case SCRIPT_PKT: return peer_pkt(sc, cmd);
	case SCRIPT_EXPECT: return expect_exec(sc, cmd);
	case SCRIPT_SAY: return exec_say(sc, cmd);
	case SCRIPT_PAUSE: sc->res->pause = true; return SCRIPT_OK;
	default: return sx_error(sc, 0, "%s", _("unknown command"));
	}
}

enum script_status script_exec(struct script *sc, const struct script_cmd *cmd,
			       struct script_result *res)
{
	/* A live runtime may run a command that does not wait while another
	 * one waits (rt.h): put the outer command's back afterwards. */
	const struct script_cmd *outer_cmd = sc->cmd;
	struct script_result *outer_res = sc->res;

	memset(res, 0, sizeof(*res));
	snprintf(res->err.file, sizeof(res->err.file), "%s", cmd->file);
	res->err.line = cmd->line;
	res->err.col = cmd->col;
	sc->cmd = cmd;
	sc->res = res;
	enum script_status st = exec_dispatch(sc, cmd);
	/* The helper that reported the problem decided error or failure. */
	if (st != SCRIPT_OK && res->status == SCRIPT_OK)
		res->status = st;
	if (st == SCRIPT_OK)
		res->status = SCRIPT_OK;
	sc->cmd = outer_cmd;
	sc->res = outer_res;
	return res->status;
}

const char *script_endpoint_name(const struct script *sc, uint32_t id)
{
	const struct host *h = id >= 1 ? sim_host_at(sc->sim, id - 1) : NULL;

	if (h != NULL && h->id == id)
		return h->cfg.name;
	for (const struct speer *p = sc->peers; p != NULL; p = p->next)
		if (p->id == id)
			return p->name;
	return NULL;
}

struct tcb *script_tcb_find(struct script *sc, const struct script_tcb_ref *ref)
{
	struct host *h = ref->host >= 1 ? sim_host_at(sc->sim, ref->host - 1) : NULL;

	return sx_tcb_by_id(h, ref->conn);
}
