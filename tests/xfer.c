/*
 * xfer.c - the bulk transfer of xfer.h.
 *
 * A writes while its send buffer has room, in chunks generated from a
 * seeded stream, then closes; B reads into a scratch buffer, hashes, and
 * closes when it sees the end of stream (after echoing, if asked).  The
 * hash is FNV-1a over 64-bit words of the stream plus the byte count:
 * cheap, and any lost, duplicated, reordered or corrupted byte changes it.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sock.h"
#include "xfer.h"

#define XFER_CHUNK 65536
#define SERVER_PORT 5001
#define ADDR_A 0x0a000001u /* 10.0.0.1 */
#define ADDR_B 0x0a000002u /* 10.0.0.2 */

struct stream {
	struct tv_rng rng;
	uint64_t hash;
	uint64_t bytes;
	uint8_t tail[8];         /* bytes of a word not yet complete */
};

struct xfer {
	const struct xfer_opts *o;
	struct xfer_result *r;
	struct sim *sim;
	struct tv_sock *client, *listener, *server;
	struct stream gen;       /* what A sends */
	struct stream got;       /* what B received */
	struct stream back;      /* what A received back */
	uint8_t pending[XFER_CHUNK]; /* generated but not yet accepted by send */
	size_t pending_off, pending_len;
	uint8_t echo_buf[XFER_CHUNK];
	size_t echo_off, echo_len;
	bool a_closed, b_eof, b_closed, a_eof;
};

static void stream_init(struct stream *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	tv_rng_seed(&s->rng, seed);
	s->hash = 0xcbf29ce484222325ull;
	s->bytes = 0;
}

static uint64_t hash_word(uint64_t h, uint64_t w)
{
	return (h ^ w) * 0x100000001b3ull;
}

/* Hashes the stream a 64-bit word at a time, words counted from the
 * start of the stream, so how the bytes were split into reads does not
 * change the result. */
static void hash_bytes(struct stream *s, const uint8_t *p, size_t n)
{
	uint64_t w;
	size_t fill = s->bytes % 8;

	s->bytes += n;
	if (fill) {
		size_t k = n < 8 - fill ? n : 8 - fill;
		memcpy(s->tail + fill, p, k);
		p += k;
		n -= k;
		if (fill + k < 8)
			return;
		memcpy(&w, s->tail, 8);
		s->hash = hash_word(s->hash, w);
	}
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		s->hash = hash_word(s->hash, w);
	}
	memcpy(s->tail, p, n);
}

/* The hash of everything seen: the partial last word and the length. */
static uint64_t stream_hash(const struct stream *s)
{
	uint64_t w = 0;
	memcpy(&w, s->tail, s->bytes % 8);
	return hash_word(hash_word(s->hash, w), s->bytes);
}

static size_t stream_fill(struct stream *s, uint8_t *buf, size_t n, bool verify)
{
	if (!verify) {
		s->bytes += n;
		return n;
	}
	for (size_t i = 0; i < n; i += 8) {
		uint64_t x = tv_rng_next(&s->rng);
		memcpy(buf + i, &x, n - i < 8 ? n - i : 8);
	}
	hash_bytes(s, buf, n);
	return n;
}

static void note_error(struct xfer *x, int err)
{
	if (x->r->err == 0 && err < 0 && err != TV_EAGAIN)
		x->r->err = err;
}

/* A: keep the send buffer full, then close once everything is queued. */
static void client_write(struct xfer *x, tv_time now)
{
	while (!x->a_closed) {
		if (x->pending_off == x->pending_len) {
			uint64_t left = x->o->bytes - x->gen.bytes;
			if (left == 0) {
				x->a_closed = true;
				note_error(x, x->o->echo_back ? sock_shutdown(x->client, now)
							      : sock_close(x->client, now));
				if (!x->o->echo_back)
					x->client = NULL;
				return;
			}
			size_t n = left < XFER_CHUNK ? (size_t)left : XFER_CHUNK;
			x->pending_len = stream_fill(&x->gen, x->pending, n, !x->o->no_verify);
			x->pending_off = 0;
		}
		long n = sock_send(x->client, x->pending + x->pending_off,
				   x->pending_len - x->pending_off, now);
		if (n <= 0) {
			note_error(x, (int)n);
			return;
		}
		x->pending_off += (size_t)n;
		x->r->sent += (uint64_t)n;
	}
}

static void client_read(struct xfer *x, tv_time now)
{
	uint8_t buf[XFER_CHUNK];
	long n;
	while ((n = sock_recv(x->client, buf, sizeof(buf), now)) > 0)
		hash_bytes(&x->back, buf, (size_t)n);
	if (n == 0 && !x->a_eof) {
		x->a_eof = true;
		note_error(x, sock_close(x->client, now));
		x->client = NULL;
	} else {
		note_error(x, (int)n);
	}
}

static void client_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct xfer *x = ctx;
	tv_time now = sim_now(x->sim);
	(void)s;
	if (ev == TV_SOCK_ERROR) {
		note_error(x, err);
		return;
	}
	if (x->client == NULL)
		return;
	if (ev == TV_SOCK_CONNECTED || ev == TV_SOCK_WRITABLE)
		client_write(x, now);
	if (x->client && (ev == TV_SOCK_READABLE || ev == TV_SOCK_PEER_CLOSED))
		client_read(x, now);
}

/* B: flush what is waiting to be echoed; true when all of it went. */
static bool server_flush(struct xfer *x, tv_time now)
{
	while (x->echo_off < x->echo_len) {
		long n = sock_send(x->server, x->echo_buf + x->echo_off,
				   x->echo_len - x->echo_off, now);
		if (n <= 0) {
			note_error(x, (int)n);
			return false;
		}
		x->echo_off += (size_t)n;
		x->r->echoed += (uint64_t)n;
	}
	return true;
}

static void server_read(struct xfer *x, tv_time now)
{
	for (;;) {
		if (x->o->echo_back && !server_flush(x, now))
			return;
		long n = sock_recv(x->server, x->echo_buf, sizeof(x->echo_buf), now);
		if (n > 0) {
			if (x->o->no_verify)
				x->got.bytes += (uint64_t)n;
			else
				hash_bytes(&x->got, x->echo_buf, (size_t)n);
			x->echo_off = 0;
			x->echo_len = x->o->echo_back ? (size_t)n : 0;
			continue;
		}
		if (n == 0 && !x->b_closed) {
			x->b_eof = x->b_closed = true;
			note_error(x, sock_close(x->server, now));
			x->server = NULL;
		} else {
			note_error(x, (int)n);
		}
		return;
	}
}

static void server_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct xfer *x = ctx;
	(void)s;
	if (ev == TV_SOCK_ERROR)
		note_error(x, err);
	else if (x->server)
		server_read(x, sim_now(x->sim));
}

static void listener_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct xfer *x = ctx;
	(void)err;
	if (ev != TV_SOCK_ACCEPTABLE || x->server || x->b_closed)
		return;
	if (sock_accept(s, server_cb, x, &x->server, sim_now(x->sim)) == 0)
		server_read(x, sim_now(x->sim));
}

static void count_event(void *ctx, const struct tv_event *ev)
{
	(void)ev;
	(*(uint64_t *)ctx)++;
}

static bool finished(void *ctx, struct sim *s)
{
	struct xfer *x = ctx;
	(void)s;
	if (x->r->err)
		return true;
	return x->b_closed && (!x->o->echo_back || x->a_eof);
}

static int xfer_setup(struct xfer *x)
{
	struct host_config cfg;
	struct host *a, *b;
	int err;

	sim_host_config(x->sim, &cfg, "A", ADDR_A);
	if (x->o->tune)
		x->o->tune(&cfg);
	if ((err = sim_add_host_config(x->sim, &cfg, &a)) < 0)
		return err;
	sim_host_config(x->sim, &cfg, "B", ADDR_B);
	if (x->o->tune)
		x->o->tune(&cfg);
	if ((err = sim_add_host_config(x->sim, &cfg, &b)) < 0)
		return err;
	if ((err = wire_set_default(sim_wire(x->sim), &x->o->impair)) < 0)
		return err;
	if (x->o->count_events &&
	    (err = tv_bus_add(sim_bus(x->sim), count_event, &x->r->events)) < 0)
		return err;
	if (x->o->sink && (err = tv_bus_add(sim_bus(x->sim), x->o->sink, x->o->sink_ctx)) < 0)
		return err;
	if ((err = sock_listen(b, SERVER_PORT, 0, listener_cb, x, &x->listener, 0)) < 0)
		return err;
	return sock_connect(a, ADDR_B, SERVER_PORT, 0, client_cb, x, &x->client, 0);
}

static void xfer_totals(struct xfer *x)
{
	for (unsigned i = 0; i < sim_host_count(x->sim); i++) {
		struct host *h = sim_host_at(x->sim, i);
		x->r->segments += h->counters[TV_CNT_TCP_TX];
		x->r->retransmits += h->counters[TV_CNT_TCP_RETRANSMIT];
	}
	x->r->received = x->got.bytes;
	x->r->hash_sent = stream_hash(&x->gen);
	x->r->hash_received = stream_hash(&x->got);
	x->r->hash_echoed = stream_hash(&x->back);
	x->r->virtual_time = sim_now(x->sim);
	x->r->steps = sim_steps(x->sim);
	x->r->closed = x->b_closed && (!x->o->echo_back || x->a_eof);
}

int xfer_run(const struct xfer_opts *o, struct xfer_result *r)
{
	struct xfer *x = calloc(1, sizeof(*x)); /* large buffers: off the stack */
	int err;

	memset(r, 0, sizeof(*r));
	if (x == NULL)
		return TV_ENOMEM;
	x->o = o;
	x->r = r;
	stream_init(&x->gen, o->seed ^ 0x5eed);
	stream_init(&x->got, 0);
	stream_init(&x->back, 0);
	x->sim = sim_new(o->seed);
	if (x->sim == NULL) {
		free(x);
		return TV_ENOMEM;
	}
	err = xfer_setup(x);
	if (err == 0)
		err = sim_run_until(x->sim, finished, x, o->limit ? o->limit : TV_SEC(86400));
	if (err == 0 && r->err)
		err = r->err;
	xfer_totals(x);
	/* Handles still open after a failure are released with the hosts. */
	if (x->listener)
		sock_close(x->listener, sim_now(x->sim));
	sim_free(x->sim);
	free(x);
	return err;
}
