/*
 * sock.c - the socket-like API (sock.h) over TCP, and the deferred
 * delivery of its callbacks.
 *
 * A struct tv_sock is embedded in its TCB (tcb.h), so every socket,
 * listener or connection, has a TCB from sock_new()/sock_listen() on;
 * options set before connecting live in it directly.  Each call brackets
 * its work with tcp_enter/tcp_leave like the other entry points.
 *
 * TCP never calls the application directly: sock_notify() sets a bit per
 * event kind on the socket and queues the socket once; when the outermost
 * entry point returns, sock_flush() delivers the bits in order
 * (CONNECTED, ACCEPTABLE, READABLE, WRITABLE, PEER_CLOSED, ERROR, CLOSED),
 * one callback at a time.  Repeated events of one kind coalesce until
 * delivered.  A callback may call anything, including closing its own or
 * another socket: a released socket stays in memory until the flush is
 * over and is skipped.
 *
 * READABLE means data or end of stream can be read; WRITABLE is reported
 * only after a sock_send() came up short (returned TV_EAGAIN or fewer
 * bytes than asked) and room has been freed since.
 */
#include <stdlib.h>

#include "tcb.h"

static struct tcb *sk_tcb(struct tv_sock *s)
{
	return (struct tcb *)((char *)s - offsetof(struct tcb, sk));
}

static const struct tcb *sk_tcb_c(const struct tv_sock *s)
{
	return (const struct tcb *)((const char *)s - offsetof(struct tcb, sk));
}

void sock_notify(struct tcb *tcb, enum tv_sock_event ev, int err, tv_time now)
{
	struct tv_sock *sk = &tcb->sk;
	struct tcp_host *t = tcb_tcp(tcb);

	(void)now;
	if (!sk->open || (sk->pending & (1u << ev)))
		return;
	if (tcb_bus_active(tcb)) {
		struct tv_event e;
		tcb_event_init(tcb, &e, TV_EV_SOCK, TV_RULE_NONE);
		e.u.sock.what = ev;
		e.u.sock.err = err;
		e.u.sock.bytes = tcb->rcv.len;
		host_emit(tcb->h, &e);
	}
	sk->pending |= (uint8_t)(1u << ev);
	if (sk->queued)
		return;
	sk->queued = 1;
	sk->qnext = NULL;
	if (t->nq_tail != NULL)
		t->nq_tail->sk.qnext = tcb;
	else
		t->nq_head = tcb;
	t->nq_tail = tcb;
}

static void nq_pop(struct tcp_host *t)
{
	struct tcb *tcb = t->nq_head;

	t->nq_head = tcb->sk.qnext;
	if (t->nq_head == NULL)
		t->nq_tail = NULL;
	tcb->sk.qnext = NULL;
	tcb->sk.queued = 0;
}

void sock_flush(struct tcp_host *t)
{
	struct tcb *tcb;

	while ((tcb = t->nq_head) != NULL) {
		struct tv_sock *sk = &tcb->sk;
		if (!sk->open || sk->pending == 0) {
			sk->pending = 0;
			nq_pop(t);
			continue;
		}
		int bit = 0;
		while (!(sk->pending & (1u << bit)))
			bit++;
		sk->pending &= (uint8_t)~(1u << bit);
		if (sk->pending == 0)
			nq_pop(t);
		int err = bit == TV_SOCK_ERROR || bit == TV_SOCK_CLOSED ? tcb->err : 0;
		if (sk->cb != NULL)
			sk->cb(sk->ctx, sk, (enum tv_sock_event)bit, err);
	}
}

void sock_child_ready(struct tcb *child, tv_time now)
{
	struct tcb *lis = child->parent;

	tcb_list_del(child);
	child->link.prev = lis->lst->ready.prev;
	child->link.next = &lis->lst->ready;
	lis->lst->ready.prev->next = &child->link;
	lis->lst->ready.prev = &child->link;
	lis->lst->nchild++;
	child->ready = 1;
	sock_notify(lis, TV_SOCK_ACCEPTABLE, 0, now);
}

static void sk_init(struct tcb *tcb, tv_sock_cb cb, void *ctx)
{
	tcb->sk.cb = cb;
	tcb->sk.ctx = ctx;
	tcb->sk.open = 1;
}

static int sk_new(struct host *h, tv_sock_cb cb, void *ctx, struct tcb **out, tv_time now)
{
	struct tcb *tcb = tcb_new(h, now);

	if (tcb == NULL && h->tcp->ntcbs >= h->cfg.max_conns) {
		/* The table is shared with SYNs from peers (tcp.conn_limit):
		 * the application's own refusals are counted apart. */
		host_count(h, TV_CNT_TCP_SOCK_LIMIT);
		return TV_ENOBUFS;
	}
	if (tcb == NULL)
		return TV_ENOMEM;
	tcb_init_params(tcb, NULL);
	tcb->tuple.laddr = h->cfg.addr;
	sk_init(tcb, cb, ctx);
	*out = tcb;
	return TV_OK;
}

/* Drop a socket that never got anywhere (its TCB was never announced). */
static void sk_discard(struct tcb *tcb)
{
	tcb->gone = 1;
	tcb_release(tcb);
}

int sock_new(struct host *h, tv_sock_cb cb, void *ctx, struct tv_sock **out)
{
	struct tcb *tcb;

	if (h == NULL || out == NULL)
		return TV_EINVAL;
	tcp_enter(h, h->now);
	int r = sk_new(h, cb, ctx, &tcb, h->now);
	if (r == TV_OK)
		*out = &tcb->sk;
	tcp_leave(h, h->now);
	return r;
}

static int sk_listen(struct tcb *tcb, uint16_t port, int backlog, tv_time now)
{
	struct host *h = tcb->h;

	if (port == 0)
		return TV_EINVAL;
	if (tcp_listener_find(h->tcp, port) != NULL)
		return TV_EADDRINUSE;
	tcb->lst = calloc(1, sizeof(*tcb->lst));
	if (tcb->lst == NULL)
		return TV_ENOMEM;
	tcb->lst->half.next = tcb->lst->half.prev = &tcb->lst->half;
	tcb->lst->ready.next = tcb->lst->ready.prev = &tcb->lst->ready;
	uint32_t b = backlog > 0 ? (uint32_t)backlog : h->cfg.backlog_default;
	tcb->lst->backlog = (uint16_t)(b > 65535 ? 65535 : b ? b : 1);
	tcb->tuple = (struct tv_tuple){h->cfg.addr, 0, port, 0};
	tcb->sk.listener = 1;
	tcp_listener_add(tcb);
	tcb_set_state(tcb, TCB_LISTEN, TV_RULE_APP_LISTEN, now);
	return TV_OK;
}

int sock_listen(struct host *h, uint16_t port, int backlog, tv_sock_cb cb, void *ctx,
		struct tv_sock **out, tv_time now)
{
	struct tcb *tcb = NULL;

	if (h == NULL || out == NULL)
		return TV_EINVAL;
	tcp_enter(h, now);
	int r = sk_new(h, cb, ctx, &tcb, now);
	if (r == TV_OK) {
		r = sk_listen(tcb, port, backlog, now);
		if (r == TV_OK)
			*out = &tcb->sk;
		else
			sk_discard(tcb);
	}
	tcp_leave(h, now);
	return r;
}

int sock_listen_socket(struct tv_sock *s, uint16_t port, int backlog, tv_time now)
{
	if (s == NULL)
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	if (tcb->state != TCB_CLOSED || tcb->gone || tcb->hashed)
		return TV_ESTATE;
	tcp_enter(tcb->h, now);
	int r = sk_listen(tcb, port, backlog, now);
	tcp_leave(tcb->h, now);
	return r;
}

/* The accepted child reports at once what it already has. */
static void sk_accepted(struct tcb *c, tv_sock_cb cb, void *ctx, tv_time now)
{
	tcb_list_del(c);
	c->parent = NULL;
	sk_init(c, cb, ctx);
	if (c->rcv.len > 0 || c->rcv_fin)
		sock_notify(c, TV_SOCK_READABLE, 0, now);
	if (c->rcv_fin)
		sock_notify(c, TV_SOCK_PEER_CLOSED, 0, now);
}

int sock_accept(struct tv_sock *listener, tv_sock_cb cb, void *ctx, struct tv_sock **out,
		tv_time now)
{
	if (listener == NULL || out == NULL)
		return TV_EINVAL;
	struct tcb *lis = sk_tcb(listener);
	if (lis->lst == NULL)
		return lis->gone ? TV_ENOTCONN : TV_EINVAL;
	struct tcb_link *first = lis->lst->ready.next;
	if (first == &lis->lst->ready)
		return TV_EAGAIN;
	struct tcb *c = (struct tcb *)((char *)first - offsetof(struct tcb, link));
	tcp_enter(lis->h, now);
	sk_accepted(c, cb, ctx, now);
	*out = &c->sk;
	tcp_leave(lis->h, now);
	return TV_OK;
}

/* LISTEN --SEND--> SYN-SENT (RFC 9293 figure 5, 3.10.2): a listener given
 * a foreign socket becomes an active open, if no connection hangs on it. */
static int sk_unlisten(struct tcb *tcb)
{
	if (tcb->lst->nchild > 0)
		return TV_ESTATE;
	struct tcp_host *t = tcb_tcp(tcb);
	for (struct tcb **pp = &t->listeners; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == tcb) {
			*pp = tcb->hnext;
			break;
		}
	tcb->hashed = 0;
	tcb->hnext = NULL;
	free(tcb->lst);
	tcb->lst = NULL;
	tcb->sk.listener = 0;
	return TV_OK;
}

static int sk_connect(struct tcb *tcb, uint32_t raddr, uint16_t rport, uint16_t lport,
		      tv_time now)
{
	struct tcp_host *t = tcb_tcp(tcb);
	enum tv_rule rule = TV_RULE_APP_CONNECT;

	if (raddr == 0 || rport == 0)
		return TV_EINVAL;
	if (tcb->state == TCB_LISTEN && !tcb->gone) {
		lport = tcb->tuple.lport;
		int r = sk_unlisten(tcb);
		if (r != TV_OK)
			return r;
		rule = TV_RULE_APP_SEND_LISTEN;
	} else if (tcb->state != TCB_CLOSED || tcb->gone || tcb->hashed) {
		return TV_ESTATE;
	}
	tcb->tuple = (struct tv_tuple){tcb->h->cfg.addr, raddr, lport, rport};
	if (lport == 0 && tcp_port_pick(t, &tcb->tuple) != TV_OK)
		return TV_EADDRINUSE;
	int r = tcb_hash_insert(tcb);
	if (r != TV_OK)
		return r;
	tcb_init_syn(tcb, now);
	tcb_set_state(tcb, TCB_SYN_SENT, rule, now);
	tcp_output(tcb, now);
	return TV_OK;
}

int sock_connect_socket(struct tv_sock *s, uint32_t raddr, uint16_t rport, uint16_t lport,
			tv_time now)
{
	if (s == NULL)
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	tcp_enter(tcb->h, now);
	int r = sk_connect(tcb, raddr, rport, lport, now);
	tcp_leave(tcb->h, now);
	return r;
}

int sock_connect(struct host *h, uint32_t raddr, uint16_t rport, uint16_t lport,
		 tv_sock_cb cb, void *ctx, struct tv_sock **out, tv_time now)
{
	struct tcb *tcb = NULL;

	if (h == NULL || out == NULL)
		return TV_EINVAL;
	tcp_enter(h, now);
	int r = sk_new(h, cb, ctx, &tcb, now);
	if (r == TV_OK) {
		r = sk_connect(tcb, raddr, rport, lport, now);
		if (r == TV_OK)
			*out = &tcb->sk;
		else
			sk_discard(tcb);
	}
	tcp_leave(h, now);
	return r;
}

static bool sk_before_syn(const struct tcb *tcb)
{
	return (tcb->state == TCB_CLOSED && !tcb->gone) || tcb->state == TCB_LISTEN;
}

static int sk_set_keepalive(struct tcb *tcb, enum tv_sockopt opt, uint64_t v)
{
	if (opt != TV_SO_KEEPALIVE && v == 0)
		return TV_EINVAL;
	switch (opt) {
	case TV_SO_KEEPALIVE:
		tcb->keepalive = v != 0;
		break;
	case TV_SO_KEEPIDLE:
		tcb->keep_idle = v;
		break;
	case TV_SO_KEEPINTVL:
		tcb->keep_intvl = v;
		break;
	default:
		tcb->keep_cnt = (uint8_t)(v > 255 ? 255 : v);
		break;
	}
	if (!tcb->gone && tcb->state >= TCB_ESTABLISHED)
		tcp_keepalive_reset(tcb, tcb->h->now);
	return TV_OK;
}

static int sk_setopt(struct tcb *tcb, enum tv_sockopt opt, uint64_t v)
{
	switch (opt) {
	case TV_SO_KEEPALIVE:
	case TV_SO_KEEPIDLE:
	case TV_SO_KEEPINTVL:
	case TV_SO_KEEPCNT:
		return sk_set_keepalive(tcb, opt, v);
	case TV_SO_NODELAY:
		tcb->nodelay = v != 0;
		tcp_output(tcb, tcb->h->now); /* held small segments may go now */
		return TV_OK;
	case TV_SO_DELACK:
		tcb->delack = v != 0;
		return TV_OK;
	case TV_SO_SNDBUF:
		if (tcb->snd.buf != NULL || v == 0 || v > (1u << 30))
			return TV_ESTATE;
		tcb->snd.cap = (uint32_t)v;
		return TV_OK;
	default:
		break;
	}
	if (!sk_before_syn(tcb))
		return TV_ESTATE;
	if (opt == TV_SO_RCVBUF) {
		if (v < TCP_MSS_MIN || v > (1u << 30))
			return TV_EINVAL;
		tcb->rcv.cap = (uint32_t)v;
	} else if (opt == TV_SO_MSS) {
		tcb->mss_opt = (uint16_t)(v > 65535 ? 65535 : v);
	} else if (opt == TV_SO_WSCALE) {
		tcb->ws_want = v != 0;
	} else {
		return TV_EINVAL;
	}
	return TV_OK;
}

int sock_setopt(struct tv_sock *s, enum tv_sockopt opt, uint64_t value)
{
	if (s == NULL)
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	tcp_enter(tcb->h, tcb->h->now);
	int r = sk_setopt(tcb, opt, value);
	tcp_leave(tcb->h, tcb->h->now);
	return r;
}

/* What a call on a connection that is gone, or never was, returns. */
static int sk_dead_error(const struct tcb *tcb)
{
	return tcb->err != 0 ? tcb->err : TV_ENOTCONN;
}

long sock_send(struct tv_sock *s, const void *buf, size_t len, tv_time now)
{
	if (s == NULL || (buf == NULL && len > 0))
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	if (tcb->lst != NULL)
		return TV_EINVAL;
	if (tcb->gone || tcb->state == TCB_CLOSED)
		return sk_dead_error(tcb);
	if (tcb->fin_queued || tcb->sk.shut_wr)
		return TV_ECLOSING;
	if (len == 0)
		return 0;
	tcp_enter(tcb->h, now);
	uint32_t want = len > (1u << 30) ? (1u << 30) : (uint32_t)len;
	bool full = tcb->snd.len >= tcb->snd.cap;
	uint32_t n = tcp_snd_append(tcb, buf, want);
	if (n < want)
		tcb->sk.write_blocked = 1;
	if (n > 0)
		tcp_output(tcb, now);
	tcp_leave(tcb->h, now);
	/* Room but nothing taken: the ring could not grow.  TV_EAGAIN would
	 * wait for a WRITABLE that no acknowledgment may ever bring. */
	return n > 0 ? (long)n : full ? TV_EAGAIN : TV_ENOMEM;
}

long sock_recv(struct tv_sock *s, void *buf, size_t len, tv_time now)
{
	if (s == NULL || (buf == NULL && len > 0))
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	if (tcb->lst != NULL)
		return TV_EINVAL;
	if (tcb->rcv.len > 0 && len > 0) {
		tcp_enter(tcb->h, now);
		uint32_t n = tcp_rcv_read(tcb, buf, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
		tcp_rcv_window_update(tcb, now);
		tcp_leave(tcb->h, now);
		return (long)n;
	}
	if (tcb->rcv_fin && tcb->err == 0)
		return 0;
	if (tcb->gone || tcb->state == TCB_CLOSED)
		return sk_dead_error(tcb);
	return TV_EAGAIN;
}

/* The FIN after the queued data: RFC 9293 3.10.4 CLOSE by state. */
static int sk_shutdown(struct tcb *tcb, tv_time now)
{
	if (tcb->sk.shut_wr)
		return TV_OK;
	switch (tcb->state) {
	case TCB_SYN_SENT:
		/* FIN goes once established (in_established_enter). */
		break;
	case TCB_SYN_RECEIVED:
		if (tcb->snd.len == 0)
			tcb_set_state(tcb, TCB_FIN_WAIT_1, TV_RULE_APP_CLOSE, now);
		break;
	case TCB_ESTABLISHED:
		tcb_set_state(tcb, TCB_FIN_WAIT_1, TV_RULE_APP_CLOSE, now);
		break;
	case TCB_CLOSE_WAIT:
		tcb_set_state(tcb, TCB_LAST_ACK, TV_RULE_APP_CLOSE, now);
		break;
	default:
		return TV_OK; /* already closing */
	}
	tcb->sk.shut_wr = 1;
	tcb->fin_queued = 1;
	tcp_output(tcb, now);
	return TV_OK;
}

int sock_shutdown(struct tv_sock *s, tv_time now)
{
	if (s == NULL)
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	if (tcb->lst != NULL)
		return TV_EINVAL;
	if (tcb->gone || tcb->state == TCB_CLOSED)
		return sk_dead_error(tcb);
	tcp_enter(tcb->h, now);
	int r = sk_shutdown(tcb, now);
	tcp_leave(tcb->h, now);
	return r;
}

/*
 * RFC 9293 3.10.5: ABORT resets a peer that may hold state for us
 * (SYN-RECEIVED to CLOSE-WAIT).  Before the connection is synchronized
 * (LISTEN, SYN-SENT) there is nothing to reset, and after both sides sent
 * their FIN (CLOSING, LAST-ACK, TIME-WAIT) the RFC only deletes the TCB;
 * those get rules of their own, so the reported rule says what was done.
 * A CLOSE that throws unread data away (rule CLOSE_UNREAD) is always
 * answered with a RST: RFC 1122 4.2.2.13, to show that data was lost.
 */
static void sk_abort(struct tcb *tcb, enum tv_rule rule, tv_time now)
{
	enum tcb_state st = (enum tcb_state)tcb->state;

	if (st == TCB_LISTEN || st == TCB_SYN_SENT) {
		rule = TV_RULE_APP_ABORT_UNSYNC;
	} else if (rule != TV_RULE_CLOSE_UNREAD &&
		   (st == TCB_CLOSING || st == TCB_LAST_ACK || st == TCB_TIME_WAIT)) {
		rule = TV_RULE_APP_ABORT_CLOSING;
	} else {
		tcp_send_rst_tcb(tcb, rule, now);
	}
	tcb_delete(tcb, rule, TV_EABORTED, now);
}

static void sk_close(struct tcb *tcb, tv_time now)
{
	enum tcb_state st = (enum tcb_state)tcb->state;

	if (tcb->gone || st == TCB_CLOSED) {
		tcb->gone = 1;
	} else if (st == TCB_LISTEN || st == TCB_SYN_SENT) {
		tcb_delete(tcb, TV_RULE_APP_CLOSE_LISTEN, 0, now);
	} else if (tcb->rcv.len > 0 && st != TCB_TIME_WAIT) {
		sk_abort(tcb, TV_RULE_CLOSE_UNREAD, now); /* RFC 1122 4.2.2.13 */
	} else {
		tcb->sk.closed = 1;
		sk_shutdown(tcb, now);
		if (tcb->state == TCB_FIN_WAIT_2 && tcb->h->cfg.tcp.fin_wait_2 > 0)
			tcb_timer_arm(tcb, TCB_T_CONN, now + tcb->h->cfg.tcp.fin_wait_2, 0, now);
	}
	tcb_release(tcb);
}

int sock_close(struct tv_sock *s, tv_time now)
{
	if (s == NULL)
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	if (!tcb->sk.open)
		return TV_EINVAL;
	tcp_enter(tcb->h, now);
	sk_close(tcb, now);
	tcp_leave(tcb->h, now);
	return TV_OK;
}

int sock_abort(struct tv_sock *s, tv_time now)
{
	if (s == NULL)
		return TV_EINVAL;
	struct tcb *tcb = sk_tcb(s);
	if (!tcb->sk.open)
		return TV_EINVAL;
	tcp_enter(tcb->h, now);
	if (tcb->gone || tcb->state == TCB_CLOSED)
		tcb->gone = 1;
	else
		sk_abort(tcb, TV_RULE_APP_ABORT, now);
	tcb_release(tcb);
	tcp_leave(tcb->h, now);
	return TV_OK;
}

/* The host is going away (a daemon stopping): CLOSE (RFC 9293 3.10.4) or
 * ABORT (3.10.5) every connection on the application's behalf.  A
 * connection a listener has not handed out yet is left to the listener's
 * own close, which resets it (3.10.4). */
static void sk_close_one(struct tcb *tcb, bool reset, tv_time now)
{
	if (tcb->gone || tcb->state == TCB_CLOSED || tcb->parent != NULL)
		return;
	if (tcb->state == TCB_LISTEN || tcb->state == TCB_SYN_SENT)
		tcb_delete(tcb, TV_RULE_APP_CLOSE_LISTEN, 0, now);
	else if (reset)
		sk_abort(tcb, TV_RULE_APP_ABORT, now);
	else
		sk_shutdown(tcb, now);
}

unsigned sock_close_all(struct host *h, bool reset, tv_time now)
{
	unsigned n = 0;

	tcp_enter(h, now);
	/* Deleting only marks TCBs gone; they are freed in tcp_leave, so the
	 * list stays walkable. */
	for (struct tcb *tcb = h->tcp->all; tcb != NULL; tcb = tcb->anext) {
		if (!tcb->gone && tcb->state != TCB_TIME_WAIT && tcb->state != TCB_CLOSED)
			n++;
		sk_close_one(tcb, reset, now);
	}
	tcp_leave(h, now);
	return n;
}

struct tcb *sock_tcb(struct tv_sock *s)
{
	if (s == NULL)
		return NULL;
	struct tcb *tcb = sk_tcb(s);
	return tcb->lst != NULL || tcb->gone ? NULL : tcb;
}

uint32_t sock_conn_id(const struct tv_sock *s)
{
	return s != NULL ? sk_tcb_c(s)->id : 0;
}

int sock_error(const struct tv_sock *s)
{
	return s != NULL ? sk_tcb_c(s)->err : TV_EINVAL;
}

size_t sock_readable(const struct tv_sock *s)
{
	return s != NULL ? sk_tcb_c(s)->rcv.len : 0;
}

size_t sock_send_space(const struct tv_sock *s)
{
	if (s == NULL)
		return 0;
	const struct tcb *tcb = sk_tcb_c(s);
	if (tcb->gone || tcb->lst != NULL || tcb->fin_queued)
		return 0;
	return tcb->snd.cap - tcb->snd.len;
}

struct host *sock_host(const struct tv_sock *s)
{
	return s != NULL ? sk_tcb_c(s)->h : NULL;
}

uint16_t sock_local_port(const struct tv_sock *s)
{
	return s != NULL ? sk_tcb_c(s)->tuple.lport : 0;
}
