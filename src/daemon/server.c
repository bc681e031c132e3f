/*
 * server.c - the control socket (see server.h for the requests and
 * proto.h for the lines).
 *
 * Everything runs on the runtime's libuv loop.  A client is a uv_pipe_t
 * with an input buffer (one request line may be up to TVD_LINE_MAX bytes)
 * and an output buffer.  Complete lines are handled in order, one at a
 * time: control requests at once, lines of the command language through
 * the runtime -- rt_exec() when the command does not let time pass,
 * rt_submit() when it does (it may not run inside a libuv callback); the
 * client's later lines wait for its reply, so replies keep the order of
 * requests.
 *
 * Output is appended to the client's buffer (replies, and events from
 * the bus sink) and written from a uv_prepare callback, once per loop
 * iteration: many events become one write.  A client's unsent bytes are
 * bounded (out_max): past the bound it is closed, so a client that stops
 * reading costs memory up to the bound and never holds the stack up.
 *
 * Lifetimes: a client is freed only from its close callback, so any code
 * holding a pointer to it during a callback chain may still look at it
 * (c->closing says it is going).  A command handed to rt_submit lives in
 * a ticket; when the client goes first, the ticket stays in a graveyard
 * until server_free (the runtime may still be running it).
 */
#define _GNU_SOURCE /* struct ucred */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <uv.h>

#include "core/sim.h"
#include "daemon/internal.h"
#include "host/rt.h"
#include "i18n.h"
#include "out/json.h"
#include "script/script.h"

#define IN_CAP_MIN 4096
#define IN_CAP_MAX (TVD_LINE_MAX + 2) /* the line, "\r" and "\n" */
#define LOG_MAX 512
#define EAGER_BYTES (32u << 10)

struct obuf {
	char *data;
	size_t len, cap;
};

struct client;

/* A command that lets time pass, handed to the runtime. */
struct ticket {
	struct ticket *next;       /* in the graveyard */
	struct client *c;          /* NULL: the client went away */
	unsigned long req;
	struct script_cmd cmd;
};

struct client {
	struct client *next, *prev;
	struct server *srv;
	uv_pipe_t pipe;
	unsigned id;
	unsigned long uid;
	long pid;
	char *in;
	size_t in_len, in_cap;
	struct obuf out;
	size_t inflight;           /* bytes in the write under way */
	unsigned long nreq;        /* request lines so far */
	unsigned bad_streak;       /* error replies in a row */
	struct ticket *ticket;     /* the waiting command, if any */
	bool readonly, subscribed;
	unsigned mask;             /* event types subscribed to (1 << type) */
	uint64_t skipped;          /* events not sent: over the stream's budget */
	bool admitted;             /* let in: counted in st.clients */
	bool reading, eof, throttled;
	uint64_t quiet_since;      /* uv_now() of throttling or of the last write done */
	bool blocked;              /* the socket said EAGAIN: wait for a flush */
	bool quit;                 /* close once the output is written */
	bool closing;              /* uv_close called */
};

struct wreq {
	uv_write_t req;
	char *data;
};

struct server {
	uv_loop_t *loop;
	struct rt *rt;
	struct sim *sim;
	struct script *sc;
	struct server_config cfg;
	char path[108];
	uv_pipe_t listen;
	uv_prepare_t prep;
	uv_timer_t stall;          /* runs while a client is throttled */
	bool listening, bound, prep_active, shut, bus_added;
	unsigned open_handles;
	struct client *clients;
	unsigned next_id;
	struct jsonl_out *json;
	struct tv_event *ring;
	unsigned ring_head, ring_len;
	uint64_t ring_lost;
	struct endpoint *eps;
	unsigned neps, eps_cap;
	struct ticket *grave;
	struct server_stats st;
	uint64_t budget_t0;        /* uv_hrtime() when the budget window began */
	uint64_t budget_spent;     /* ns spent formatting events in it */
};

static void client_process(struct client *c);
static void client_close(struct client *c);
static void client_bye(struct client *c, const char *reason, const char *msg);

/* ---- logging ---- */

static void slog(struct server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void slog(struct server *s, const char *fmt, ...)
{
	char line[LOG_MAX];
	va_list ap;

	if (s->cfg.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->cfg.log(s->cfg.log_ctx, line);
}

/* ---- output ---- */

static void on_prepare(uv_prepare_t *h);

static void prep_arm(struct server *s)
{
	if (!s->prep_active && uv_prepare_start(&s->prep, on_prepare) == 0)
		s->prep_active = true;
}

static size_t client_queued(const struct client *c)
{
	return c->out.len + c->inflight;
}

/* A burst of events (the runtime catching up after a slow moment) can be
 * larger than a client's bound though the client reads as fast as it
 * can: past EAGER_BYTES, write what the socket takes now instead of
 * waiting for the end of the loop iteration.  After the socket said
 * EAGAIN, wait for the next regular flush. */
static void client_try_write(struct client *c)
{
	uv_buf_t buf;
	int n;

	if (c->closing || c->inflight || c->blocked)
		return;
	buf = uv_buf_init(c->out.data, (unsigned)c->out.len);
	n = uv_try_write((uv_stream_t *)&c->pipe, &buf, 1);
	if (n < 0) {
		c->blocked = n == UV_EAGAIN;
		return;
	}
	memmove(c->out.data, c->out.data + n, c->out.len - (size_t)n);
	c->out.len -= (size_t)n;
	c->blocked = c->out.len > 0;
}

/* Queue a line (a newline is added) for the client.  Past out_max the
 * client is closed: -1.  A reply may take the queue past the bound once
 * (a snapshot of many connections is large, and was asked for); the
 * client's next requests wait until it has read it (throttled). */
static int client_append(struct client *c, const char *data, size_t len, bool reply)
{
	struct server *s = c->srv;
	struct obuf *b = &c->out;

	if (c->closing)
		return -1;
	if (client_queued(c) + (reply ? 0 : len + 1) > s->cfg.out_max) {
		s->st.dropped_slow++;
		slog(s, _("client %u dropped: more than %zu bytes waiting to be read"), c->id,
		     s->cfg.out_max);
		client_close(c);
		return -1;
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (d == NULL) {
			client_close(c);
			return -1;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->data[b->len + len] = '\n';
	b->len += len + 1;
	if (b->len >= EAGER_BYTES)
		client_try_write(c);
	prep_arm(s);
	return 0;
}

/* Dump o as one line for the client; o is released. */
static int client_send(struct client *c, json_t *o)
{
	char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int r;

	json_decref(o);
	if (line == NULL) {
		/* Out of memory building a reply: the client cannot trust the
		 * stream any more. */
		client_close(c);
		return -1;
	}
	r = client_append(c, line, strlen(line), true);
	free(line);
	return r;
}

static void on_written(uv_write_t *req, int status);

static void client_flush(struct client *c)
{
	struct wreq *w;
	uv_buf_t buf;

	if (c->closing || c->inflight || c->out.len == 0)
		return;
	if ((w = malloc(sizeof(*w))) == NULL) {
		client_close(c);
		return;
	}
	w->data = c->out.data;
	buf = uv_buf_init(w->data, (unsigned)c->out.len);
	c->inflight = c->out.len;
	c->out.data = NULL;
	c->out.len = c->out.cap = 0;
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, on_written) != 0) {
		free(w->data);
		free(w);
		c->inflight = 0;
		client_close(c);
	}
}

static void on_written(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;
	struct client *c = req->handle->data;

	free(w->data);
	free(w);
	c->inflight = 0;
	c->blocked = false;
	c->quiet_since = uv_now(c->srv->loop);
	if (status < 0) {
		client_close(c);
		return;
	}
	if (c->out.len > 0) {
		client_flush(c);
		return;
	}
	if (c->quit) {
		client_close(c);
		return;
	}
	if (c->throttled && client_queued(c) <= c->srv->cfg.out_max / 4) {
		c->throttled = false;
		client_process(c);
	}
}

static void on_prepare(uv_prepare_t *h)
{
	struct server *s = h->data;
	bool pending = false;

	for (struct client *c = s->clients; c != NULL; c = c->next) {
		client_flush(c);
		/* Output drained by an eager write has no write callback to
		 * lift the throttle: look here. */
		if (c->throttled && !c->closing && client_queued(c) <= s->cfg.out_max / 4) {
			c->throttled = false;
			client_process(c);
		}
		pending |= (c->out.len > 0 || c->throttled) && !c->closing;
	}
	if (!pending) {
		uv_prepare_stop(&s->prep);
		s->prep_active = false;
	}
}

/* ---- replies ---- */

static json_t *reply_new(struct client *c, unsigned long req, bool ok)
{
	return json_pack("{s:I, s:b}", "reply", (json_int_t)req, "ok", ok);
}

static void reply_ok(struct client *c, unsigned long req, json_t *extra)
{
	json_t *o = reply_new(c, req, true);

	if (o != NULL && extra != NULL && json_object_update(o, extra) != 0) {
		json_decref(o);
		o = NULL;
	}
	json_decref(extra);
	c->bad_streak = 0;
	client_send(c, o);
}

/* A refusal or a mistake: status "error" counts towards errors_max. */
static void reply_error(struct client *c, unsigned long req, const char *status,
			const char *msg)
{
	struct server *s = c->srv;
	json_t *o = reply_new(c, req, false);

	if (o != NULL && (json_object_set_new(o, "status", json_string(status)) ||
			  json_object_set_new(o, "error", jx_string(msg)))) {
		json_decref(o);
		o = NULL;
	}
	client_send(c, o);
	if (strcmp(status, "error") != 0)
		return;
	s->st.bad_requests++;
	if (++c->bad_streak >= s->cfg.errors_max && !c->closing) {
		s->st.dropped_errors++;
		slog(s, _("client %u dropped: %u bad requests in a row"), c->id, c->bad_streak);
		client_bye(c, "errors", _("too many bad requests in a row"));
	}
}

static void reply_errorf(struct client *c, unsigned long req, const char *status,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void reply_errorf(struct client *c, unsigned long req, const char *status,
			 const char *fmt, ...)
{
	char msg[SCRIPT_MSG_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_error(c, req, status, msg);
}

static void client_bye(struct client *c, const char *reason, const char *msg)
{
	json_t *o = json_pack("{s:s, s:o}", "bye", reason, "message", jx_string(msg));

	client_send(c, o);
	c->quit = true;
	if (!c->closing && c->out.len == 0 && !c->inflight)
		client_close(c);
}

/* ---- endpoints ---- */

static void notify_hosts(struct server *s);

static int endpoint_add(struct server *s, uint32_t id, const char *name, uint32_t addr)
{
	for (unsigned i = 0; i < s->neps; i++)
		if (s->eps[i].id == id)
			return 0;
	if (s->neps == s->eps_cap) {
		unsigned cap = s->eps_cap ? s->eps_cap * 2 : 8;
		struct endpoint *e = realloc(s->eps, cap * sizeof(*e));
		if (e == NULL)
			return 0;
		s->eps = e;
		s->eps_cap = cap;
	}
	s->eps[s->neps].id = id;
	s->eps[s->neps].addr = addr;
	snprintf(s->eps[s->neps].name, sizeof(s->eps[s->neps].name), "%s", name);
	s->neps++;
	jsonl_add_host(s->json, id, name, addr);
	return 1;
}

/* Hosts the sim gained since we last looked; true if any. */
static bool endpoints_scan(struct server *s)
{
	int added = 0;

	for (unsigned i = 0; i < sim_host_count(s->sim); i++) {
		const struct host *h = sim_host_at(s->sim, i);
		added |= endpoint_add(s, h->id, h->cfg.name, h->cfg.addr);
	}
	return added;
}

void server_add_endpoint(struct server *s, uint32_t id, const char *name, uint32_t addr)
{
	if (s != NULL && endpoint_add(s, id, name, addr))
		notify_hosts(s);
}

static void notify_hosts(struct server *s)
{
	for (struct client *c = s->clients; c != NULL; c = c->next)
		if (c->subscribed && !c->closing)
			client_send(c, json_pack("{s:s, s:o}", "notice", "hosts", "hosts",
						 snap_endpoints(s->eps, s->neps)));
}

/* ---- events ---- */

static void ring_push(struct server *s, const struct tv_event *ev)
{
	unsigned cap = s->cfg.ring;

	if (cap == 0)
		return;
	s->ring[(s->ring_head + s->ring_len) % cap] = *ev;
	if (s->ring_len < cap) {
		s->ring_len++;
		return;
	}
	s->ring_head = (s->ring_head + 1) % cap;
	s->ring_lost++;
	s->st.ring_lost++;
}

/* Events that always go out: few, and what a person steps through. */
static bool event_essential(enum tv_event_type t)
{
	return t == TV_EV_STATE || t == TV_EV_NOTE || t == TV_EV_GATE || t == TV_EV_DROP ||
	       t == TV_EV_RETRANSMIT || t == TV_EV_TIMER_FIRE;
}

/* Formatting events costs far more than making them (a JSON line is
 * microseconds, a segment's work a fraction of one), so a subscriber to
 * a bulk transfer would slow the stack many times over.  The stream gets
 * SERVER_STREAM_SHARE of the wall time (over windows of 100 ms); past
 * that, routine events (segments, timer arming, cwnd...) are skipped and
 * each subscriber is told how many before its next line. */
#define SERVER_STREAM_SHARE 0.05
#define SERVER_STREAM_WINDOW_NS 100000000ull
#define SERVER_STREAM_ALLOWANCE_NS 2000000ull

static bool stream_over_budget(struct server *s, uint64_t now)
{
	uint64_t elapsed = now - s->budget_t0;

	if (elapsed > SERVER_STREAM_WINDOW_NS) {
		s->budget_t0 = now;
		s->budget_spent = 0;
		return false;
	}
	return s->budget_spent >
	       SERVER_STREAM_ALLOWANCE_NS + (uint64_t)((double)elapsed * SERVER_STREAM_SHARE);
}

/* Tell c how many events it missed, once it gets lines again. */
static void client_skipped_notice(struct client *c)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "{\"notice\":\"skipped\",\"events\":%llu}",
			 (unsigned long long)c->skipped);

	if (client_append(c, line, (size_t)n, false) == 0)
		c->skipped = 0;
}

static void server_sink(void *ctx, const struct tv_event *ev)
{
	struct server *s = ctx;
	bool skip;
	uint64_t t0;
	char *line;

	s->st.events++;
	jsonl_learn(s->json, ev);
	ring_push(s, ev);
	if (s->st.subscribers == 0)
		return;
	t0 = uv_hrtime();
	skip = !event_essential(ev->type) && stream_over_budget(s, t0);
	line = NULL;
	for (struct client *c = s->clients; c != NULL; c = c->next) {
		if (!c->subscribed || c->closing || !(c->mask & (1u << ev->type)))
			continue;
		if (skip) {
			c->skipped++;
			s->st.events_skipped++;
			continue;
		}
		/* Formatted once, for the first subscriber that wants it. */
		if (line == NULL && (line = jsonl_format(s->json, ev)) == NULL)
			break;
		if (c->skipped > 0)
			client_skipped_notice(c);
		if (client_append(c, line, strlen(line), false) == 0)
			s->st.event_lines++;
	}
	free(line);
	if (!skip)
		s->budget_spent += uv_hrtime() - t0;
}

/* ---- control requests ---- */

/* Split a request into at most max words (in place); returns the count,
 * or max + 1 when there are more. */
static int split_words(char *s, char **w, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *p = strtok_r(s, " \t", &save); p != NULL; p = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = p;
	}
	return n;
}

typedef void (*ctl_fn)(struct client *c, unsigned long req, char **w, int n);

static void ctl_hello(struct client *c, unsigned long req, char **w, int n)
{
	char *end;
	long v = n >= 2 ? strtol(w[1], &end, 10) : 0;

	if (n < 2 || *end != '\0' || n > 3 || (n == 3 && strcmp(w[2], "readonly") != 0)) {
		reply_error(c, req, "error", _("usage: hello VERSION [readonly]"));
		return;
	}
	if (v < 1 || v > TVD_PROTO) {
		reply_errorf(c, req, "refused",
			     _("protocol version %s is not spoken here (this daemon speaks %d)"),
			     w[1], TVD_PROTO);
		return;
	}
	if (n == 3)
		c->readonly = true;
	reply_ok(c, req, json_pack("{s:i, s:b}", "proto", TVD_PROTO, "readonly", c->readonly));
}

static void send_history(struct client *c)
{
	struct server *s = c->srv;

	for (unsigned i = 0; i < s->ring_len && !c->closing; i++) {
		const struct tv_event *ev = &s->ring[(s->ring_head + i) % s->cfg.ring];
		char *line;
		if (!(c->mask & (1u << ev->type)))
			continue;
		line = jsonl_format(s->json, ev);
		if (line != NULL && client_append(c, line, strlen(line), false) == 0)
			s->st.event_lines++;
		free(line);
	}
}

/* "state,seg_out": event type names into a mask; 0 if one is unknown. */
static unsigned parse_types(const char *list)
{
	unsigned mask = 0;

	while (*list != '\0') {
		size_t k = strcspn(list, ",");
		int t;
		for (t = 0; t < TV_EV_TYPE_COUNT; t++) {
			const char *name = tv_event_type_name((enum tv_event_type)t);
			if (strlen(name) == k && strncmp(name, list, k) == 0)
				break;
		}
		if (t == TV_EV_TYPE_COUNT)
			return 0;
		mask |= 1u << t;
		list += k + (list[k] == ',');
	}
	return mask;
}

/* How many of the ring's events pass mask. */
static unsigned ring_count(const struct server *s, unsigned mask)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->ring_len; i++)
		n += (mask >> s->ring[(s->ring_head + i) % s->cfg.ring].type) & 1;
	return n;
}

static void ctl_subscribe(struct client *c, unsigned long req, char **w, int n)
{
	struct server *s = c->srv;
	unsigned mask = (1u << TV_EV_TYPE_COUNT) - 1;
	bool history = true;

	for (int i = 1; i < n; i++) {
		if (strcmp(w[i], "nohistory") == 0) {
			history = false;
		} else if (strcmp(w[i], "only") == 0 && i + 1 < n && parse_types(w[i + 1]) != 0) {
			mask = parse_types(w[++i]);
		} else if (strcmp(w[i], "json") != 0) {
			reply_error(c, req, "error",
				    _("usage: subscribe [json] [nohistory] [only TYPE,...]"));
			return;
		}
	}
	if (c->subscribed)
		history = false;
	c->mask = mask;
	reply_ok(c, req, json_pack("{s:i, s:I}", "history", history ? (int)ring_count(s, mask) : 0,
				   "lost", (json_int_t)s->ring_lost));
	if (!c->subscribed) {
		c->subscribed = true;
		s->st.subscribers++;
	}
	if (history)
		send_history(c);
}

static void ctl_unsubscribe(struct client *c, unsigned long req, char **w, int n)
{
	if (c->subscribed) {
		c->subscribed = false;
		c->srv->st.subscribers--;
	}
	reply_ok(c, req, NULL);
}

/* The TAP devices: what the kernel side is, offloads, traffic. */
static json_t *snap_links(struct rt *rt)
{
	struct rt_tap_info in;
	struct rt_tap_stats st;
	json_t *a = json_array();

	for (unsigned i = 0; a != NULL && rt_tap_info(rt, i, &in) && rt_tap_stats(rt, i, &st); i++)
		json_array_append_new(
			a, json_pack("{s:s, s:i, s:b, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, "
				     "s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
				     "name", in.name, "port", (int)in.port_id, "offload", in.offload,
				     "host_addr", jx_ip(in.host_addr), "rx", "frames",
				     (json_int_t)st.rx_frames, "bytes", (json_int_t)st.rx_bytes,
				     "reads", (json_int_t)st.rx_reads, "super",
				     (json_int_t)st.rx_super, "wakeups", (json_int_t)st.rx_wakeups,
				     "errors", (json_int_t)st.rx_errors, "tx", "frames",
				     (json_int_t)st.tx_frames, "bytes", (json_int_t)st.tx_bytes,
				     "writes", (json_int_t)st.tx_writes, "super",
				     (json_int_t)st.tx_super, "merged", (json_int_t)st.tx_merged,
				     "acks_skipped", (json_int_t)st.tx_acks_skipped, "dropped",
				     (json_int_t)st.tx_dropped));
	return a;
}

static void ctl_snapshot(struct client *c, unsigned long req, char **w, int n)
{
	struct server *s = c->srv;
	json_t *snap;

	rt_sync(s->rt);
	endpoints_scan(s);
	snap = json_pack("{s:o, s:f, s:b, s:I, s:o, s:o, s:o, s:o}", "time",
			 json_integer((json_int_t)sim_now(s->sim)), "speed", rt_speed(s->rt),
			 "paused", rt_paused(s->rt), "lagged", (json_int_t)rt_lagged(s->rt),
			 "server", snap_stats(&s->st), "endpoints",
			 snap_endpoints(s->eps, s->neps), "links", snap_links(s->rt), "hosts",
			 snap_hosts(s->sim, sim_now(s->sim)));
	if (snap == NULL) {
		reply_error(c, req, "failed", _("out of memory"));
		return;
	}
	reply_ok(c, req, json_pack("{s:o}", "snapshot", snap));
}

static void ctl_stats(struct client *c, unsigned long req, char **w, int n)
{
	reply_ok(c, req, json_pack("{s:o}", "stats", snap_stats(&c->srv->st)));
}

static void ctl_ping(struct client *c, unsigned long req, char **w, int n)
{
	reply_ok(c, req, json_pack("{s:I}", "time", (json_int_t)rt_now(c->srv->rt)));
}

static void ctl_speed(struct client *c, unsigned long req, char **w, int n)
{
	struct rt *rt = c->srv->rt;
	char *end;

	if (n > 2) {
		reply_error(c, req, "error", _("usage: speed [X]"));
		return;
	}
	if (n == 2) {
		double x = strtod(w[1], &end);
		if (c->readonly) {
			c->srv->st.refused_readonly++;
			reply_error(c, req, "refused", _("read-only client: 'speed X' changes the clock"));
			return;
		}
		if (*end != '\0' || !isfinite(x) || rt_set_speed(rt, x) != 0) {
			reply_errorf(c, req, "error", _("speed must be a number from %g to %g"),
				     RT_SPEED_MIN, RT_SPEED_MAX);
			return;
		}
		slog(c->srv, _("client %u set the clock's speed to %g"), c->id, x);
	}
	reply_ok(c, req, json_pack("{s:f, s:b}", "speed", rt_speed(rt), "paused", rt_paused(rt)));
}

static void ctl_resume(struct client *c, unsigned long req, char **w, int n)
{
	if (c->readonly) {
		c->srv->st.refused_readonly++;
		reply_error(c, req, "refused", _("read-only client: 'resume' changes the clock"));
		return;
	}
	rt_resume(c->srv->rt);
	reply_ok(c, req, json_pack("{s:f, s:b}", "speed", rt_speed(c->srv->rt), "paused",
				   rt_paused(c->srv->rt)));
}

/* Jump the virtual clock to the next timer's deadline at once: the
 * TUI's `t`, for the 2MSL wait or a keepalive's two hours. */
static void ctl_skip(struct client *c, unsigned long req, char **w, int n)
{
	struct server *s = c->srv;
	tv_time from, next;

	if (c->readonly) {
		s->st.refused_readonly++;
		reply_error(c, req, "refused", _("read-only client: 'skip' changes the clock"));
		return;
	}
	rt_sync(s->rt);
	from = sim_now(s->sim);
	if ((next = sim_next_deadline(s->sim)) == TV_NEVER) {
		reply_error(c, req, "failed", _("no timer is running"));
		return;
	}
	if (rt_jump(s->rt, next) != 0) {
		reply_error(c, req, "refused", _("cannot skip while a command waits"));
		return;
	}
	reply_ok(c, req, json_pack("{s:I, s:I}", "time", (json_int_t)sim_now(s->sim), "skipped",
				   (json_int_t)(sim_now(s->sim) - from)));
}

static void ctl_help(struct client *c, unsigned long req, char **w, int n);

static void ctl_quit(struct client *c, unsigned long req, char **w, int n)
{
	reply_ok(c, req, NULL);
	c->quit = true;
}

static const struct ctl {
	const char *word;
	const char *usage;
	ctl_fn fn;
} ctls[] = {
	{"hello", "hello VERSION [readonly]", ctl_hello},
	{"snapshot", "snapshot", ctl_snapshot},
	{"subscribe", "subscribe [json] [nohistory] [only TYPE,...]", ctl_subscribe},
	{"unsubscribe", "unsubscribe", ctl_unsubscribe},
	{"stats", "stats", ctl_stats},
	{"ping", "ping", ctl_ping},
	{"speed", "speed [X]", ctl_speed},
	{"resume", "resume", ctl_resume},
	{"skip", "skip", ctl_skip},
	{"help", "help", ctl_help},
	{"quit", "quit", ctl_quit},
};

static void ctl_help(struct client *c, unsigned long req, char **w, int n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < TV_ARRAY_LEN(ctls) && a != NULL; i++)
		json_array_append_new(a, json_string(ctls[i].usage));
	if (a != NULL)
		json_array_append_new(a, json_string("COMMAND (see tcpviz-script(5))"));
	reply_ok(c, req, json_pack("{s:o}", "requests", a));
}

/* A control request: true if line was one (and has been answered). */
static bool handle_control(struct client *c, unsigned long req, const char *line, size_t len)
{
	size_t k = 0;
	char *copy, *w[8];
	int n;

	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (k < len && line[k] != ' ' && line[k] != '\t')
		k++;
	for (size_t i = 0; i < TV_ARRAY_LEN(ctls); i++) {
		if (strlen(ctls[i].word) != k || strncmp(ctls[i].word, line, k) != 0)
			continue;
		if ((copy = strndup(line, len)) == NULL) {
			reply_error(c, req, "failed", _("out of memory"));
			return true;
		}
		n = split_words(copy, w, (int)TV_ARRAY_LEN(w) - 1);
		ctls[i].fn(c, req, w, n);
		free(copy);
		return true;
	}
	return false;
}

/* ---- command-language requests ---- */

static bool cmd_readonly_ok(enum script_cmd_kind k)
{
	/* Only looking.  Not even the waits (run, run until): the runtime
	 * runs one wait at a time, so a student's could hold up the
	 * teacher's `step`. */
	return k == SCRIPT_NONE || k == SCRIPT_EXPECT;
}

static json_t *result_tcbs(struct server *s, const struct script_result *res)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < res->ntcbs && a != NULL; i++) {
		const struct tcb *t = script_tcb_find(s->sc, &res->tcbs[i]);
		json_t *o = t ? snap_tcb(t, sim_now(s->sim)) : json_object();
		if (o != NULL) {
			json_object_set_new(o, "host", json_integer(res->tcbs[i].host));
			json_object_set_new(o, "name", jx_string(res->tcbs[i].name));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static void reply_result(struct client *c, unsigned long req, const struct script_result *res)
{
	struct server *s = c->srv;
	char msg[SCRIPT_FILE_MAX + SCRIPT_MSG_MAX + 32];
	const char *status = res->status == SCRIPT_FAILED ? "failed" : "error";
	json_t *o;

	if (res->status == SCRIPT_OK) {
		reply_ok(c, req, json_pack("{s:I}", "time", (json_int_t)sim_now(s->sim)));
		return;
	}
	script_error_format(&res->err, msg, sizeof(msg));
	if (res->expected[0] == '\0' && res->ntcbs == 0) {
		reply_error(c, req, status, msg);
		return;
	}
	/* A failed expectation: what was expected, what was found, and the
	 * TCBs involved, in the same line. */
	o = json_pack("{s:I, s:b, s:s, s:o}", "reply", (json_int_t)req, "ok", 0, "status", status,
		      "error", jx_string(msg));
	if (o != NULL && res->expected[0] != '\0' &&
	    (json_object_set_new(o, "expected", jx_string(res->expected)) ||
	     json_object_set_new(o, "actual", jx_string(res->actual))))
		o = (json_decref(o), NULL);
	if (o != NULL && res->ntcbs > 0 && json_object_set_new(o, "tcbs", result_tcbs(s, res)))
		o = (json_decref(o), NULL);
	c->bad_streak = 0;
	client_send(c, o);
}

static void on_done(void *ctx, const struct script_cmd *cmd, const struct script_result *res)
{
	struct ticket *t = ctx;
	struct client *c = t->c;

	if (c == NULL)
		return; /* in the graveyard: freed by server_free */
	c->ticket = NULL;
	if (res->pause)
		rt_pause(c->srv->rt);
	reply_result(c, t->req, res);
	script_cmd_free(&t->cmd);
	free(t);
	if (endpoints_scan(c->srv))
		notify_hosts(c->srv);
	client_process(c);
}

static void submit_wait(struct client *c, unsigned long req, struct script_cmd *cmd)
{
	struct server *s = c->srv;
	struct ticket *t = calloc(1, sizeof(*t));
	int r;

	if (t == NULL) {
		script_cmd_free(cmd);
		reply_error(c, req, "failed", _("out of memory"));
		return;
	}
	t->c = c;
	t->req = req;
	t->cmd = *cmd;
	c->ticket = t;
	if ((r = rt_submit(s->rt, s->sc, &t->cmd, on_done, t)) != 0) {
		c->ticket = NULL;
		script_cmd_free(&t->cmd);
		free(t);
		reply_error(c, req, "refused", _(tv_strerror(r)));
	}
}

static void log_command(struct client *c, enum script_cmd_kind k, const char *line, size_t len)
{
	if (k == SCRIPT_NONE || k == SCRIPT_EXPECT)
		return;
	slog(c->srv, _("client %u: %.*s"), c->id, (int)(len > 200 ? 200 : len), line);
}

static void handle_command(struct client *c, unsigned long req, const char *line, size_t len)
{
	struct server *s = c->srv;
	struct script_cmd cmd;
	struct script_error err;
	struct script_result res;
	char msg[SCRIPT_FILE_MAX + SCRIPT_MSG_MAX + 32];

	if (script_parse_line("request", (unsigned)req, line, len, &cmd, &err) != 0) {
		script_error_format(&err, msg, sizeof(msg));
		reply_error(c, req, "error", msg);
		return;
	}
	if (c->readonly && !cmd_readonly_ok(cmd.kind)) {
		s->st.refused_readonly++;
		reply_errorf(c, req, "refused", _("read-only client: '%s' would change the stack"),
			     script_cmd_name(cmd.kind));
		script_cmd_free(&cmd);
		return;
	}
	log_command(c, cmd.kind, line, len);
	if (rt_cmd_waits(&cmd)) {
		submit_wait(c, req, &cmd);
		return;
	}
	rt_exec(s->rt, s->sc, &cmd, &res);
	script_cmd_free(&cmd);
	if (res.pause)
		rt_pause(s->rt);
	reply_result(c, req, &res);
	if (endpoints_scan(s))
		notify_hosts(s);
}

/* ---- input ---- */

/* Well-formed UTF-8 (no overlong forms, surrogates or values past
 * U+10FFFF). */
static bool utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = p[i];
		size_t k = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : (b & 0xf0) == 0xe0 ? 2
			 : b >= 0xf0 && b <= 0xf4 ? 3 : 99;
		if (k == 99 || i + k >= n + (k == 0))
			return false;
		if (k >= 2 && ((b == 0xe0 && p[i + 1] < 0xa0) || (b == 0xed && p[i + 1] > 0x9f) ||
			       (b == 0xf0 && p[i + 1] < 0x90) || (b == 0xf4 && p[i + 1] > 0x8f)))
			return false;
		for (size_t j = 1; j <= k; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
		i += k + 1;
	}
	return true;
}

static void handle_line(struct client *c, const char *line, size_t len)
{
	unsigned long req = ++c->nreq;

	c->srv->st.requests++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (!utf8_ok((const unsigned char *)line, len)) {
		reply_error(c, req, "error", _("request is not valid UTF-8"));
		return;
	}
	if (handle_control(c, req, line, len))
		return;
	handle_command(c, req, line, len);
}

static void client_overlong(struct client *c)
{
	struct server *s = c->srv;
	char msg[128];

	s->st.overlong++;
	slog(s, _("client %u dropped: request line longer than %d bytes"), c->id, TVD_LINE_MAX);
	snprintf(msg, sizeof(msg), _("request line longer than %d bytes"), TVD_LINE_MAX);
	reply_error(c, ++c->nreq, "error", msg);
	c->in_len = 0;
	client_bye(c, "overlong", msg);
}

static void client_eof(struct client *c)
{
	struct server *s = c->srv;

	if (c->in_len > 0) {
		s->st.half_lines++;
		slog(s, _("client %u: %zu bytes without an end of line discarded"), c->id, c->in_len);
		c->in_len = 0;
	}
	c->quit = true;
	if (!c->closing && c->out.len == 0 && !c->inflight)
		client_close(c);
}

static bool client_busy(const struct client *c)
{
	return c->closing || c->quit || c->ticket != NULL || c->throttled;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf);

/* Read while a command of the client waits too (its next lines are kept
 * for later, up to one line's room), so that a client that goes away in
 * the middle of a long `run` is noticed and its wait cut short. */
static void client_update_reading(struct client *c)
{
	bool want = !c->eof && !c->closing && !c->quit && !c->throttled &&
		    (c->ticket == NULL || c->in_len < IN_CAP_MAX);

	if (want && !c->reading)
		c->reading = uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read) == 0;
	else if (!want && c->reading && !c->closing) {
		uv_read_stop((uv_stream_t *)&c->pipe);
		c->reading = false;
	}
}

/* A throttled client that reads nothing for stall_ms floods and never
 * reads: closed, so it holds neither a client slot nor memory for good. */
static void on_stall_check(uv_timer_t *t)
{
	struct server *s = t->data;
	uint64_t now = uv_now(s->loop);
	bool any = false;

	for (struct client *c = s->clients; c != NULL; c = c->next) {
		if (!c->throttled || c->closing)
			continue;
		if (now - c->quiet_since < s->cfg.stall_ms) {
			any = true;
			continue;
		}
		s->st.dropped_stalled++;
		slog(s, _("client %u dropped: it read nothing for %u ms with %zu bytes waiting"),
		     c->id, s->cfg.stall_ms, client_queued(c));
		client_close(c);
	}
	if (!any)
		uv_timer_stop(t);
}

static void client_throttle(struct client *c)
{
	struct server *s = c->srv;

	if (!c->throttled)
		c->quiet_since = uv_now(s->loop);
	c->throttled = true;
	prep_arm(s);
	if (s->stall.data == s && !uv_is_active((uv_handle_t *)&s->stall)) {
		unsigned every = s->cfg.stall_ms / 4 ? s->cfg.stall_ms / 4 : 1;
		uv_timer_start(&s->stall, on_stall_check, every, every);
	}
}

/* Handle every complete line buffered, unless a command is waiting or the
 * output is backed up. */
static void client_process(struct client *c)
{
	size_t start = 0;
	char *nl;

	while (!client_busy(c) && start < c->in_len &&
	       (nl = memchr(c->in + start, '\n', c->in_len - start)) != NULL) {
		size_t len = (size_t)(nl - (c->in + start));
		handle_line(c, c->in + start, len);
		start += len + 1;
		if (client_queued(c) > c->srv->cfg.out_max / 2)
			client_throttle(c);
	}
	if (start > 0 && !c->closing) {
		memmove(c->in, c->in + start, c->in_len - start);
		c->in_len -= start;
	}
	if (!client_busy(c) && c->in_len >= IN_CAP_MAX)
		client_overlong(c);
	else if (!client_busy(c) && c->eof)
		client_eof(c);
	client_update_reading(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct client *c = h->data;

	(void)suggested;
	if (c->in_cap - c->in_len < IN_CAP_MIN / 2 && c->in_cap < IN_CAP_MAX) {
		size_t cap = c->in_cap ? c->in_cap * 2 : IN_CAP_MIN;
		char *p = realloc(c->in, cap < IN_CAP_MAX ? cap : IN_CAP_MAX);
		if (p != NULL) {
			c->in = p;
			c->in_cap = cap < IN_CAP_MAX ? cap : IN_CAP_MAX;
		}
	}
	/* A zero-length buffer makes libuv report UV_ENOBUFS: handled as an
	 * overlong line (or out of memory) in on_read. */
	*buf = uv_buf_init(c->in + c->in_len, (unsigned)(c->in_cap - c->in_len));
}

/* The peer closed its whole socket (POLLHUP), not just its sending half. */
static bool peer_gone(const struct client *c)
{
	uv_os_fd_t fd;
	struct pollfd p;

	if (uv_fileno((const uv_handle_t *)&c->pipe, &fd) != 0)
		return false;
	p.fd = fd;
	p.events = POLLOUT;
	p.revents = 0;
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR));
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct client *c = st->data;

	(void)buf;
	if (nread > 0) {
		c->in_len += (size_t)nread;
		client_process(c);
	} else if (nread == UV_EOF) {
		c->eof = true;
		if (c->ticket != NULL && peer_gone(c)) {
			/* Not a half-close waiting for its reply: nobody is there. */
			slog(c->srv, _("client %u went away while its command waited"), c->id);
			client_close(c);
			return;
		}
		client_process(c);
	} else if (nread == UV_ENOBUFS) {
		if (c->in_len >= IN_CAP_MAX)
			client_process(c);
		else
			client_close(c);
	} else if (nread < 0) {
		client_close(c);
	}
}

/* ---- connections ---- */

static void on_client_closed(uv_handle_t *h)
{
	struct client *c = h->data;
	struct server *s = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->admitted)
		s->st.clients--;
	s->open_handles--;
	free(c->in);
	free(c->out.data);
	free(c);
}

static void client_close(struct client *c)
{
	struct server *s = c->srv;

	if (c->closing)
		return;
	c->closing = true;
	if (c->subscribed) {
		c->subscribed = false;
		s->st.subscribers--;
	}
	if (c->ticket != NULL) {
		/* The runtime may be running it: keep it until server_free. */
		c->ticket->c = NULL;
		rt_cancel(s->rt, c->ticket);
		c->ticket->next = s->grave;
		s->grave = c->ticket;
		c->ticket = NULL;
	}
	slog(s, _("client %u disconnected after %lu requests"), c->id, c->nreq);
	uv_close((uv_handle_t *)&c->pipe, on_client_closed);
}

/* SO_PEERCRED: the same user as the daemon, or root. */
static bool client_allowed(struct client *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	c->uid = cred.uid;
	c->pid = cred.pid;
	return cred.uid == geteuid() || cred.uid == 0;
}

static void client_greet(struct client *c)
{
	struct server *s = c->srv;

	client_send(c, json_pack("{s:i, s:s, s:s, s:i, s:b, s:I, s:o}", "tcpviz", TVD_PROTO,
				 "version", PACKAGE_VERSION, "server", "tcpviz daemon", "pid",
				 (int)getpid(), "readonly", c->readonly, "time",
				 (json_int_t)rt_now(s->rt), "hosts", snap_endpoints(s->eps, s->neps)));
}

static void client_admit(struct client *c)
{
	struct server *s = c->srv;
	char msg[160];

	if (!client_allowed(c)) {
		s->st.refused_peer++;
		slog(s, _("client %u refused: uid %lu may not use this daemon (uid %lu)"), c->id,
		     c->uid, (unsigned long)geteuid());
		snprintf(msg, sizeof(msg), _("permission denied: only uid %lu or root may connect"),
			 (unsigned long)geteuid());
		client_bye(c, "permission", msg);
		return;
	}
	if (s->st.clients >= s->cfg.clients_max) {
		s->st.refused_full++;
		slog(s, _("client %u refused: %u clients already"), c->id, s->cfg.clients_max);
		client_bye(c, "busy", _("too many clients"));
		return;
	}
	s->st.accepted++;
	s->st.clients++;
	c->admitted = true;
	slog(s, _("client %u connected (uid %lu, pid %ld)"), c->id, c->uid, c->pid);
	endpoints_scan(s);
	client_greet(c);
	client_update_reading(c);
}

static struct client *client_new(struct server *s)
{
	struct client *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->srv = s;
	c->id = ++s->next_id;
	if (uv_pipe_init(s->loop, &c->pipe, 0) != 0) {
		free(c);
		return NULL;
	}
	c->pipe.data = c;
	c->next = s->clients;
	if (s->clients != NULL)
		s->clients->prev = c;
	s->clients = c;
	s->open_handles++;
	return c;
}

static void on_connection(uv_stream_t *ls, int status)
{
	struct server *s = ls->data;
	struct client *c;

	if (status < 0 || (c = client_new(s)) == NULL)
		return;
	if (uv_accept(ls, (uv_stream_t *)&c->pipe) != 0) {
		client_close(c);
		return;
	}
	client_admit(c);
}

int server_attach_fd(struct server *s, int fd)
{
	struct client *c;

	if (s->shut || (c = client_new(s)) == NULL)
		return -1;
	if (uv_pipe_open(&c->pipe, fd) != 0) {
		close(fd);
		client_close(c);
		return -1;
	}
	client_admit(c);
	return 0;
}

/* ---- the server ---- */

void server_config_default(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->out_max = 4u << 20;
	cfg->ring = 4096;
	cfg->clients_max = 64;
	cfg->errors_max = 64;
	cfg->stall_ms = 10000;
}

static int server_listen(struct server *s, char *msg, size_t size)
{
	mode_t old;
	int r;

	if (s->cfg.no_listen)
		return 0;
	if (sockdir_prepare(s->path, msg, size) != 0)
		return -1;
	if ((r = uv_pipe_init(s->loop, &s->listen, 0)) != 0) {
		snprintf(msg, size, _("cannot listen: %s"), uv_strerror(r));
		return -1;
	}
	s->listen.data = s;
	s->listening = true;
	s->open_handles++;
	/* The directory is 0700 already; the socket's own mode says it
	 * again for systems that look at it. */
	old = umask(0177);
	r = uv_pipe_bind(&s->listen, s->path);
	umask(old);
	s->bound = r == 0;
	if (r == 0 && chmod(s->path, 0600) != 0)
		r = uv_translate_sys_error(errno);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&s->listen, 64, on_connection);
	if (r != 0) {
		snprintf(msg, size, _("cannot listen on %s: %s"), s->path, uv_strerror(r));
		return -1;
	}
	return 0;
}

/* The TAP devices' kernel sides appear in wire events: name them. */
static void endpoints_add_taps(struct server *s)
{
	struct rt_tap_info info;

	for (unsigned i = 0; rt_tap_info(s->rt, i, &info); i++)
		server_add_endpoint(s, info.port_id, info.kernel_name, info.host_addr);
}

static int server_init(struct server *s, const struct server_config *cfg, char *msg, size_t size)
{
	s->cfg = *cfg;
	if (s->cfg.out_max < 1024)
		s->cfg.out_max = 1024;
	if (s->cfg.stall_ms < 100)
		s->cfg.stall_ms = 100;
	if (s->cfg.errors_max == 0)
		s->cfg.errors_max = 1;
	s->st.clients_max = s->cfg.clients_max;
	s->st.errors_max = s->cfg.errors_max;
	s->st.stall_ms = s->cfg.stall_ms;
	s->st.ring = s->cfg.ring;
	s->st.out_max = s->cfg.out_max;
	if (cfg->path != NULL)
		snprintf(s->path, sizeof(s->path), "%s", cfg->path);
	else if (tvd_default_path(s->path, sizeof(s->path)) != 0) {
		snprintf(msg, size, "%s", _("the default socket path is too long: use --socket"));
		return -1;
	}
	if (cfg->path != NULL && strlen(cfg->path) >= sizeof(s->path)) {
		snprintf(msg, size, _("socket path too long (at most %zu bytes): %s"),
			 sizeof(s->path) - 1, cfg->path);
		return -1;
	}
	s->json = jsonl_new(NULL);
	s->ring = s->cfg.ring ? calloc(s->cfg.ring, sizeof(*s->ring)) : NULL;
	if (s->json == NULL || (s->cfg.ring && s->ring == NULL) ||
	    uv_prepare_init(s->loop, &s->prep) != 0) {
		snprintf(msg, size, "%s", _("out of memory"));
		return -1;
	}
	s->prep.data = s;
	s->open_handles++;
	uv_unref((uv_handle_t *)&s->prep);
	if (uv_timer_init(s->loop, &s->stall) != 0) {
		snprintf(msg, size, "%s", _("out of memory"));
		return -1;
	}
	s->stall.data = s;
	s->open_handles++;
	uv_unref((uv_handle_t *)&s->stall);
	endpoints_scan(s);
	endpoints_add_taps(s);
	if (tv_bus_add(sim_bus(s->sim), server_sink, s) != 0) {
		snprintf(msg, size, "%s", _("out of memory"));
		return -1;
	}
	s->bus_added = true;
	return server_listen(s, msg, size);
}

struct server *server_new(struct rt *rt, struct script *sc, const struct server_config *cfg,
			  char *msg, size_t size)
{
	struct server *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return NULL;
	}
	/* A client that goes away while we write must not kill the daemon:
	 * write errors are handled where they happen (EPIPE). */
	signal(SIGPIPE, SIG_IGN);
	s->rt = rt;
	s->loop = rt_loop(rt);
	s->sim = rt_sim(rt);
	s->sc = sc;
	if (server_init(s, cfg, msg, size) != 0) {
		server_free(s);
		return NULL;
	}
	if (!s->cfg.no_listen)
		slog(s, _("listening on %s"), s->path);
	return s;
}

static void on_handle_closed(uv_handle_t *h)
{
	struct server *s = h->data;

	s->open_handles--;
}

void server_shutdown(struct server *s)
{
	if (s == NULL || s->shut)
		return;
	s->shut = true;
	if (s->bus_added)
		tv_bus_remove(sim_bus(s->sim), server_sink, s);
	s->bus_added = false;
	for (struct client *c = s->clients; c != NULL; c = c->next)
		if (!c->closing)
			client_bye(c, "shutdown", _("the daemon is shutting down"));
	if (s->listening) {
		uv_close((uv_handle_t *)&s->listen, on_handle_closed);
		s->listening = false;
	}
	if (s->bound) {
		unlink(s->path);
		s->bound = false;
	}
}

void server_free(struct server *s)
{
	if (s == NULL)
		return;
	server_shutdown(s);
	for (struct client *c = s->clients; c != NULL; c = c->next)
		client_flush(c);
	for (struct client *c = s->clients; c != NULL; c = c->next)
		client_close(c);
	if (s->prep.data == s && !uv_is_closing((uv_handle_t *)&s->prep))
		uv_close((uv_handle_t *)&s->prep, on_handle_closed);
	if (s->stall.data == s && !uv_is_closing((uv_handle_t *)&s->stall))
		uv_close((uv_handle_t *)&s->stall, on_handle_closed);
	/* Let the loop run the close callbacks (and cancel pending writes). */
	for (int i = 0; i < 16 && s->open_handles > 0; i++)
		uv_run(s->loop, UV_RUN_NOWAIT);
	while (s->grave != NULL) {
		struct ticket *t = s->grave;
		s->grave = t->next;
		script_cmd_free(&t->cmd);
		free(t);
	}
	jsonl_free(s->json);
	free(s->ring);
	free(s->eps);
	free(s);
}

const char *server_path(const struct server *s)
{
	return s->path;
}

const struct server_stats *server_stats(const struct server *s)
{
	return &s->st;
}
