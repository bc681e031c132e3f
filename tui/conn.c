/*
 * conn.c - the protocol client of the TUI on a libuv loop (see conn.h).
 *
 * The socket is watched with a uv_poll_t: readable, bytes go to the
 * codec (src/daemon/client.h) and every complete line is handled at once;
 * writable, the output buffer drains.  Requests wait for their replies in
 * a queue (replies come in request order).  Snapshots are paced by a
 * one-shot uv timer: after events, a snapshot is asked for when the last
 * request is at least the interval old, else when it will be.
 *
 * conn_free may be called from any callback this file makes (a reply
 * that makes the app rebuild its engine): after each callback the loop
 * over messages looks whether the connection is still wanted, and the
 * memory goes only in the close callbacks of the two handles.
 */
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "daemon/client.h"
#include "daemon/evjson.h"
#include "i18n.h"
#include "tui/conn.h"
#include "tui/model.h"

#define READ_CHUNK 65536
#define READ_BUDGET (4u << 20)          /* bytes read per wakeup, then draw */
#define SNAP_INTERVAL_MIN 100000u       /* µs: at most ten a second */
#define SNAP_INTERVAL_MAX 5000000u
#define SNAP_COST_FACTOR 10             /* interval >= 10x the parse time */

struct pend {
	unsigned long num;
	conn_reply_fn fn;
	void *ctx;
	enum { P_USER, P_HELLO, P_SNAPSHOT, P_QUIET } kind;
};

struct conn {
	struct conn_config cfg;
	struct tvc *tvc;
	struct evjson *dec;
	int fd;
	uv_poll_t poll;
	uv_timer_t timer;
	int poll_mask;
	unsigned handles;        /* open uv handles */
	bool open;               /* still talking */
	bool freed;              /* conn_free was called */
	bool greeted;
	char *out;
	size_t out_len, out_cap;
	struct pend *pend;
	size_t npend, pend_cap;
	bool snap_pending;       /* a snapshot request is on its way */
	bool snap_dirty;         /* events since the last one was asked for */
	uint64_t snap_last;      /* wall µs when the last one was asked for */
	bool changed;            /* the model changed in this batch */
	struct conn_stats st;
};

static void conn_poll_update(struct conn *c);

uint64_t conn_wall_us(void)
{
	return uv_hrtime() / 1000;
}

/* ---- closing ---- */

static void conn_release(struct conn *c)
{
	if (tvc_fd(c->tvc) != c->fd && c->fd >= 0)
		close(c->fd);
	tvc_free(c->tvc);
	evjson_free(c->dec);
	free(c->out);
	free(c->pend);
	free(c);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->handles == 0)
		conn_release(c);
}

/* Fail the requests still waiting: their callbacks get NULL. */
static void conn_fail_pending(struct conn *c)
{
	while (c->npend > 0 && !c->freed) {
		struct pend p = c->pend[0];
		memmove(c->pend, c->pend + 1, --c->npend * sizeof(*c->pend));
		if (p.fn != NULL)
			p.fn(p.ctx, NULL);
	}
}

/* The connection is over (bye, end of file, an error): say why once. */
static void conn_die(struct conn *c, const char *reason, const char *msg)
{
	if (!c->open)
		return;
	c->open = false;
	if (!c->freed) {
		uv_poll_stop(&c->poll);
		uv_timer_stop(&c->timer);
	}
	conn_fail_pending(c);
	if (!c->freed && c->cfg.closed != NULL)
		c->cfg.closed(c->cfg.ctx, reason, msg);
}

void conn_free(struct conn *c)
{
	if (c == NULL || c->freed)
		return;
	c->freed = true;
	c->open = false;
	uv_poll_stop(&c->poll);
	uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->poll, on_handle_closed);
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

/* ---- output ---- */

static void conn_flush(struct conn *c)
{
	size_t done = 0;

	while (done < c->out_len) {
		ssize_t n = write(c->fd, c->out + done, c->out_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_die(c, "io", _("cannot write to the engine's socket"));
			return;
		}
		done += (size_t)n;
		c->st.bytes_out += (uint64_t)n;
	}
	memmove(c->out, c->out + done, c->out_len - done);
	c->out_len -= done;
	conn_poll_update(c);
}

static int conn_queue(struct conn *c, const char *line)
{
	size_t len = strlen(line);

	if (c->out_len + len + 1 > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + len + 1)
			cap *= 2;
		char *o = realloc(c->out, cap);
		if (o == NULL)
			return -1;
		c->out = o;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, line, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	return 0;
}

static int conn_pend_push(struct conn *c, const struct pend *p)
{
	if (c->npend == c->pend_cap) {
		size_t cap = c->pend_cap ? c->pend_cap * 2 : 16;
		struct pend *n = realloc(c->pend, cap * sizeof(*n));
		if (n == NULL)
			return -1;
		c->pend = n;
		c->pend_cap = cap;
	}
	c->pend[c->npend++] = *p;
	return 0;
}

static unsigned long conn_send_kind(struct conn *c, const char *line, int kind,
				    conn_reply_fn fn, void *ctx)
{
	struct pend p = {0, fn, ctx, kind};

	if (!c->open || strchr(line, '\n') != NULL || strlen(line) > TVD_LINE_MAX)
		return 0;
	if (conn_pend_push(c, &p) != 0 || conn_queue(c, line) != 0) {
		if (c->npend > 0 && c->pend[c->npend - 1].num == 0)
			c->npend--;
		return 0;
	}
	c->pend[c->npend - 1].num = tvc_count_sent(c->tvc);
	conn_flush(c);
	return c->pend[c->npend - 1].num;
}

unsigned long conn_send(struct conn *c, const char *line, conn_reply_fn fn, void *ctx)
{
	return conn_send_kind(c, line, P_USER, fn, ctx);
}

/* ---- snapshots ---- */

static void snap_consider(struct conn *c);
static void handle_greeting(struct conn *c, const json_t *g);
static void conn_process(struct conn *c);

/* The timer paces snapshots; before the greeting it hands on one that
 * tvc_connect read already (from the loop, once the caller has the
 * connection in hand). */
static void on_timer(uv_timer_t *t)
{
	struct conn *c = t->data;

	if (!c->greeted && tvc_greeting(c->tvc) != NULL) {
		handle_greeting(c, tvc_greeting(c->tvc));
		conn_process(c);
		return;
	}
	snap_consider(c);
}

static uint64_t snap_interval(const struct conn *c)
{
	uint64_t i = c->st.snapshot_us * SNAP_COST_FACTOR;

	if (i < SNAP_INTERVAL_MIN)
		i = SNAP_INTERVAL_MIN;
	return i > SNAP_INTERVAL_MAX ? SNAP_INTERVAL_MAX : i;
}

static void snap_consider(struct conn *c)
{
	uint64_t now = conn_wall_us(), interval = snap_interval(c);

	c->st.interval_us = interval;
	if (!c->open || c->cfg.model == NULL || !c->greeted || c->snap_pending || !c->snap_dirty)
		return;
	if (now - c->snap_last < interval) {
		uv_timer_start(&c->timer, on_timer, (interval - (now - c->snap_last)) / 1000 + 1,
			       0);
		return;
	}
	if (conn_send_kind(c, "snapshot", P_SNAPSHOT, NULL, NULL) == 0)
		return;
	c->snap_pending = true;
	c->snap_dirty = false;
	c->snap_last = now;
}

void conn_want_snapshot(struct conn *c)
{
	if (c == NULL)
		return;
	c->snap_dirty = true;
	snap_consider(c);
}

static void snap_apply(struct conn *c, const struct tvc_msg *m, uint64_t t0)
{
	c->snap_pending = false;
	if (m->ok && model_snapshot(c->cfg.model, json_object_get(m->obj, "snapshot"),
				    conn_wall_us()) == 0) {
		c->st.snapshots++;
		c->changed = true;
	}
	c->st.snapshot_us = conn_wall_us() - t0;
	snap_consider(c);
}

/* ---- input ---- */

static void host_added(void *ctx, const struct evjson_host *h)
{
	struct conn *c = ctx;

	if (c->cfg.host != NULL && !c->freed)
		c->cfg.host(c->cfg.ctx, h->id, h->name, h->addr);
}

static void conn_hosts(struct conn *c, const json_t *hosts)
{
	if (c->cfg.model != NULL && model_hosts(c->cfg.model, hosts) == 0)
		c->changed = true;
	evjson_add_hosts(c->dec, hosts, host_added, c);
}

/* "hosts": the set changed; "skipped": events the engine left out. */
static void conn_notice(struct conn *c, const json_t *o)
{
	const char *what = json_string_value(json_object_get(o, "notice"));
	json_int_t n = json_integer_value(json_object_get(o, "events"));

	if (what != NULL && strcmp(what, "skipped") == 0) {
		if (c->cfg.model != NULL && n > 0)
			model_skipped(c->cfg.model, (uint64_t)n);
		c->changed = true;
		return;
	}
	conn_hosts(c, json_object_get(o, "hosts"));
}

static void on_hello(struct conn *c, const struct tvc_msg *m)
{
	if (!m->ok) {
		conn_die(c, "proto", m->error ? m->error : _("the engine refused our hello"));
		return;
	}
	/* The greeting said what we were before hello; the reply says what
	 * we are now. */
	if (c->cfg.model != NULL &&
	    json_is_true(json_object_get(m->obj, "readonly")) != c->cfg.model->readonly) {
		model_set_readonly(c->cfg.model, json_is_true(json_object_get(m->obj, "readonly")));
		c->changed = true;
	}
}

static void handle_greeting(struct conn *c, const json_t *g)
{
	char hello[32];

	if (c->greeted)
		return;
	if (c->cfg.model != NULL && model_greeting(c->cfg.model, g, conn_wall_us()) != 0) {
		conn_die(c, "proto", _("the other end does not speak tcpviz protocol 1"));
		return;
	}
	c->greeted = true;
	c->changed = true;
	conn_hosts(c, json_object_get(g, "hosts"));
	snprintf(hello, sizeof(hello), "hello %d%s", TVD_PROTO, c->cfg.readonly ? " readonly" : "");
	conn_send_kind(c, hello, P_HELLO, NULL, NULL);
	if (c->cfg.model != NULL) {
		conn_send_kind(c, c->cfg.no_history ? "subscribe nohistory" : "subscribe", P_QUIET,
			       NULL, NULL);
		c->snap_dirty = true;
		snap_consider(c);
	}
	if (c->cfg.ready != NULL && !c->freed)
		c->cfg.ready(c->cfg.ctx);
}

static void handle_reply(struct conn *c, const struct tvc_msg *m, uint64_t t0)
{
	struct pend p;

	if (c->npend == 0 || c->pend[0].num != m->reply) {
		conn_die(c, "proto", _("the engine answered a request we did not send"));
		return;
	}
	p = c->pend[0];
	memmove(c->pend, c->pend + 1, --c->npend * sizeof(*c->pend));
	if (p.kind == P_HELLO)
		on_hello(c, m);
	else if (p.kind == P_SNAPSHOT)
		snap_apply(c, m, t0);
	else if (p.fn != NULL)
		p.fn(p.ctx, m);
}

static void handle_event(struct conn *c, const json_t *o)
{
	struct tv_event ev;

	if (c->cfg.model == NULL)
		return;
	if (evjson_decode(c->dec, o, &ev) != 0) {
		c->st.bad_events++;
		return;
	}
	c->st.events++;
	model_event(c->cfg.model, &ev);
	c->changed = true;
	c->snap_dirty = true;
	if (c->cfg.event != NULL)
		c->cfg.event(c->cfg.ctx, &ev);
}

static void handle_msg(struct conn *c, const struct tvc_msg *m, uint64_t t0)
{
	const char *reason;

	switch (m->kind) {
	case TVC_GREETING:
		handle_greeting(c, m->obj);
		break;
	case TVC_REPLY:
		handle_reply(c, m, t0);
		break;
	case TVC_EVENT:
		handle_event(c, m->obj);
		break;
	case TVC_NOTICE:
		conn_notice(c, m->obj);
		break;
	case TVC_BYE:
		reason = json_string_value(json_object_get(m->obj, "bye"));
		conn_die(c, reason ? reason : "bye", m->error ? m->error : _("the engine said goodbye"));
		break;
	default:
		break;
	}
}

static void conn_process(struct conn *c)
{
	struct tvc_msg m;
	uint64_t t0 = conn_wall_us();
	int r;

	while (c->open && !c->freed && (r = tvc_next(c->tvc, &m)) != 0) {
		if (r < 0) {
			conn_die(c, "proto", _("the engine sent a line that is not JSON"));
			break;
		}
		handle_msg(c, &m, t0);
		tvc_msg_clear(&m);
		t0 = conn_wall_us();
	}
	if (c->freed)
		return;
	if (c->changed && c->cfg.changed != NULL) {
		c->changed = false;
		c->cfg.changed(c->cfg.ctx);
	}
	if (c->snap_dirty)
		snap_consider(c);
}

static void conn_read(struct conn *c)
{
	char buf[READ_CHUNK];
	size_t total = 0;

	while (c->open && total < READ_BUDGET) {
		ssize_t n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == 0) {
			conn_process(c);
			conn_die(c, "eof", _("the engine closed the connection"));
			return;
		}
		if (n < 0) {
			conn_die(c, "io", _("cannot read from the engine's socket"));
			return;
		}
		total += (size_t)n;
		c->st.bytes_in += (uint64_t)n;
		if (tvc_feed(c->tvc, buf, (size_t)n) != 0) {
			conn_die(c, "proto", _("a line from the engine is too long"));
			return;
		}
	}
	conn_process(c);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct conn *c = h->data;

	if (status < 0) {
		conn_die(c, "io", _("the engine's socket failed"));
		return;
	}
	if (events & UV_WRITABLE)
		conn_flush(c);
	if ((events & UV_READABLE) && c->open && !c->freed)
		conn_read(c);
}

static void conn_poll_update(struct conn *c)
{
	int mask = UV_READABLE | (c->out_len > 0 ? UV_WRITABLE : 0);

	if (!c->open || c->freed || mask == c->poll_mask)
		return;
	if (uv_poll_start(&c->poll, mask, on_poll) == 0)
		c->poll_mask = mask;
}

/* ---- life ---- */

struct conn *conn_new(const struct conn_config *cfg, struct tvc *tvc, int fd, char *msg,
		      size_t size)
{
	struct conn *c = calloc(1, sizeof(*c));
	int fl = fcntl(fd, F_GETFL);

	if (c == NULL || (c->dec = evjson_new()) == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		free(c);
		return NULL;
	}
	c->cfg = *cfg;
	c->tvc = tvc;
	c->fd = fd;
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
	    uv_poll_init(cfg->loop, &c->poll, fd) != 0) {
		snprintf(msg, size, "%s", _("cannot watch the engine's socket"));
		evjson_free(c->dec);
		free(c);
		return NULL;
	}
	uv_timer_init(cfg->loop, &c->timer);
	c->poll.data = c->timer.data = c;
	c->handles = 2;
	c->open = true;
	conn_poll_update(c);
	/* tvc_connect has read the greeting already (and maybe more). */
	if (tvc_greeting(tvc) != NULL)
		uv_timer_start(&c->timer, on_timer, 0, 0);
	return c;
}

bool conn_open(const struct conn *c)
{
	return c != NULL && c->open;
}

const struct conn_stats *conn_stats(const struct conn *c)
{
	return &c->st;
}
