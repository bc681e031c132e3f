/*
 * check_soak.c - ten minutes of virtual time among four hosts (issue 6,
 * part 4), repeatable from a seed.
 *
 * Hosts A, B, C and D share a sim wire.  A, B and C listen on two ports
 * each; D runs the echo and discard services.  Every few hundred
 * milliseconds of virtual time a seeded generator picks an action:
 * connect (to a listener, to a service, or to a closed port), abort a
 * random connection end (RST), close one early, or change the wire's
 * impairments (loss, duplication, reordering, delay) between a random
 * pair of hosts.  Each end of a connection sends a stream of a random
 * size generated from a per-end seed and, as a rule, half-closes when it
 * has sent it all and closes once it has read the peer's end of stream.
 * Every byte is compared with the sender's stream as it arrives.
 *
 * After ten minutes the impairments go, every end and listener still open
 * is closed, the services stop, and the sim runs until idle (past 2MSL
 * and every timer).  Then: an end that saw the end of stream without an
 * error got exactly what its peer queued; a connection nobody aborted or
 * closed early, and that met no error, delivered both streams whole; no
 * TCB, timer, hashed tuple or listener is left on any host, no frame in a
 * gate or on the wire; the structural invariants (tests/invariant.h) held
 * every few steps; and once the sim is freed the live allocation count
 * (tests/alloc_wrap.c) is back where it started.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apps.h"
#include "core/gate.h"
#include "core/sim.h"
#include "core/sock.h"
#include "core/tcb.h"
#include "core/tcp.h"
#include "tests/alloc_wrap.h"
#include "tests/invariant.h"

#define NHOSTS 4
#define HOST_D 3              /* runs the services */
#define CONNS_MAX 4096
#define SOAK_TIME TV_SEC(600)
#define SETTLE_LIMIT TV_SEC(7200)
#define PORT_A 5001           /* every host but D listens on these two */
#define PORT_B 5002
#define PORT_CLOSED 6000      /* nobody listens here */
#define SOAK_SEEDS 6
#define SOAK_OOM_RUNS 6
#define SOAK_OOM_TIME TV_SEC(120)

struct soak;
struct conn;

/* One end of a connection. */
struct end {
	struct conn *c;
	struct tv_sock *sk;
	uint64_t seed;            /* our stream */
	size_t to_send, sent;     /* sent: bytes sock_send took */
	size_t got;               /* bytes received, all checked */
	bool open;                /* we hold the handle */
	bool shut, eof, early;    /* early: closed before the plan said */
	int err;
};

enum conn_kind {
	CONN_PEER,                /* to a listener of ours: two ends */
	CONN_ECHO,                /* to D's echo: the stream comes back */
	CONN_DISCARD,             /* to D's discard: nothing comes back */
	CONN_CLOSED_PORT,         /* must be refused */
};

struct conn {
	struct soak *s;
	enum conn_kind kind;
	struct end e[2];          /* [0] client, [1] server (CONN_PEER) */
	unsigned from, to;        /* host indexes */
	bool accepted, aborted;
};

struct soak {
	struct sim *sim;
	struct host *h[NHOSTS];
	struct tv_sock *lst[NHOSTS][2];
	struct apps *apps;
	struct tv_rng rng;
	struct conn conns[CONNS_MAX];
	unsigned nconns;
	int32_t by_port[NHOSTS][65536];  /* client (host, port) -> conn + 1 */
	struct end *srv_ref[CONNS_MAX];  /* accepted sockets' callback slots */
	unsigned naccepted;
	struct inv_track track[NHOSTS];
	bool mismatch;            /* a byte was not the byte sent */
	const char *bad;          /* what went wrong inside a callback */
	unsigned long fail_every; /* allocation failures: every nth, 0 none */
	/* numbers for the report */
	uint64_t bytes, aborts, early_closes, refused, errors, resets, impair_changes, whole;
	uint64_t gate_rules;
};

static uint8_t stream_byte(uint64_t seed, size_t i)
{
	uint64_t x = seed + (i >> 3) * 0x9e3779b97f4a7c15ull;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return (uint8_t)(x >> ((i & 7) * 8));
}

static tv_time soak_now(const struct soak *s)
{
	return sim_now(s->sim);
}

/* ---- an end: send, read and check, half-close, close ---- */

static struct end *end_peer(struct end *e)
{
	return e == &e->c->e[0] ? &e->c->e[1] : &e->c->e[0];
}

/* The stream this end must receive: the peer's, or our own from echo. */
static uint64_t end_expect_seed(struct end *e)
{
	return e->c->kind == CONN_ECHO ? e->seed : end_peer(e)->seed;
}

static void end_close(struct end *e)
{
	if (!e->open)
		return;
	sock_close(e->sk, soak_now(e->c->s));
	e->open = false;
	e->sk = NULL;
}

static void end_push(struct end *e)
{
	uint8_t buf[4096];

	while (e->open && e->sent < e->to_send) {
		size_t n = e->to_send - e->sent;
		if (n > sizeof(buf))
			n = sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = stream_byte(e->seed, e->sent + i);
		long k = sock_send(e->sk, buf, n, soak_now(e->c->s));
		if (k <= 0)
			return;
		e->sent += (size_t)k;
	}
	if (e->open && !e->shut) {
		e->shut = true;
		sock_shutdown(e->sk, soak_now(e->c->s));
	}
}

static void end_pull(struct end *e)
{
	uint8_t buf[4096];
	uint64_t seed = end_expect_seed(e);
	long n = TV_EAGAIN;

	while (e->open && (n = sock_recv(e->sk, buf, sizeof(buf), soak_now(e->c->s))) > 0) {
		for (long i = 0; i < n; i++)
			if (buf[i] != stream_byte(seed, e->got + (size_t)i))
				e->c->s->mismatch = true;
		e->got += (size_t)n;
		e->c->s->bytes += (uint64_t)n;
	}
	if (e->open && n == 0)
		e->eof = true;
}

static void end_cb(void *ctx, struct tv_sock *sk, enum tv_sock_event ev, int err)
{
	struct end *e = ctx;

	(void)sk;
	if (ev == TV_SOCK_ERROR || (ev == TV_SOCK_CLOSED && err != 0)) {
		if (e->err == 0)
			e->err = err;
		end_close(e);
		return;
	}
	if (ev == TV_SOCK_CONNECTED || ev == TV_SOCK_WRITABLE)
		end_push(e);
	if (ev == TV_SOCK_READABLE || ev == TV_SOCK_PEER_CLOSED)
		end_pull(e);
	if (e->eof && e->shut)
		end_close(e);
}

/* ---- random choices ---- */

static uint64_t soak_below(struct soak *s, uint64_t n)
{
	return tv_rng_below(&s->rng, n);
}

/* Mostly small, sometimes large, sometimes nothing. */
static size_t soak_size(struct soak *s)
{
	uint64_t r = soak_below(s, 100);

	if (r < 10)
		return 0;
	if (r < 55)
		return (size_t)soak_below(s, 3000);
	if (r < 93)
		return (size_t)soak_below(s, 40000);
	return (size_t)soak_below(s, 250000);
}

/* ---- connecting and accepting ---- */

/* An accepted socket reports through a slot that learns its end just
 * after the accept (its first callbacks come after that, when the
 * listener's own callback has returned). */
static void end_ref_cb(void *ctx, struct tv_sock *sk, enum tv_sock_event ev, int err)
{
	end_cb(*(struct end **)ctx, sk, ev, err);
}

static struct conn *soak_conn_of(struct soak *s, const struct tv_tuple *tu)
{
	struct host *from = sim_host_by_addr(s->sim, tu->raddr);

	for (unsigned i = 0; i < NHOSTS; i++)
		if (s->h[i] == from && s->by_port[i][tu->rport] > 0)
			return &s->conns[s->by_port[i][tu->rport] - 1];
	return NULL;
}

static void soak_accept_cb(void *ctx, struct tv_sock *lst, enum tv_sock_event ev, int err)
{
	struct soak *s = ctx;
	struct tv_sock *sk;

	(void)err;
	while (ev == TV_SOCK_ACCEPTABLE) {
		struct end **ref = &s->srv_ref[s->naccepted];
		if (sock_accept(lst, end_ref_cb, ref, &sk, soak_now(s)) != TV_OK)
			return;
		s->naccepted++;
		/* No ck_assert in callbacks: Check allocates, and allocations
		 * may be failing. */
		struct conn *c = soak_conn_of(s, &sock_tcb(sk)->tuple);
		if (c == NULL || c->accepted) {
			s->bad = "an accepted connection matches no client";
			sock_abort(sk, soak_now(s));
			continue;
		}
		c->accepted = true;
		*ref = &c->e[1];
		c->e[1].sk = sk;
		c->e[1].open = true;
		end_push(&c->e[1]);
	}
}

static bool soak_listen(struct soak *s, unsigned hi)
{
	static const uint16_t ports[2] = {PORT_A, PORT_B};

	for (int p = 0; p < 2; p++)
		if (sock_listen(s->h[hi], ports[p], 64, soak_accept_cb, s, &s->lst[hi][p],
				soak_now(s)) != TV_OK)
			return false;
	return true;
}

static void end_init(struct conn *c, int i, size_t to_send)
{
	struct end *e = &c->e[i];

	memset(e, 0, sizeof(*e));
	e->c = c;
	e->seed = tv_rng_next(&c->s->rng);
	e->to_send = to_send;
}

/* A new connection from host `from` to a random destination. */
static void soak_connect(struct soak *s)
{
	static const uint16_t svc_port[2] = {7, 9};
	struct conn *c = &s->conns[s->nconns];
	uint64_t r = soak_below(s, 100);
	uint16_t port;

	if (s->nconns == CONNS_MAX)
		return;
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->from = (unsigned)soak_below(s, NHOSTS);
	c->to = (c->from + 1 + (unsigned)soak_below(s, NHOSTS - 1)) % NHOSTS;
	if (c->to == HOST_D)
		c->kind = r < 60 ? CONN_ECHO : r < 90 ? CONN_DISCARD : CONN_CLOSED_PORT;
	else
		c->kind = r < 90 ? CONN_PEER : CONN_CLOSED_PORT;
	port = c->kind == CONN_PEER ? (r & 1 ? PORT_A : PORT_B)
	       : c->kind == CONN_CLOSED_PORT ? PORT_CLOSED : svc_port[c->kind == CONN_DISCARD];
	end_init(c, 0, c->kind == CONN_CLOSED_PORT ? 100 : soak_size(s));
	end_init(c, 1, c->kind == CONN_PEER ? soak_size(s) : 0);
	struct end *e = &c->e[0];
	if (sock_connect(s->h[c->from], s->h[c->to]->cfg.addr, port, 0, end_cb, e, &e->sk,
			 soak_now(s)) != TV_OK)
		return;
	e->open = true;
	s->by_port[c->from][sock_local_port(e->sk)] = (int32_t)s->nconns + 1;
	s->nconns++;
}

/* ---- aborts, early closes, impairments ---- */

/* A random end still open among the latest connections, or NULL. */
static struct end *soak_pick_open_end(struct soak *s)
{
	unsigned span = s->nconns < 64 ? s->nconns : 64;
	unsigned start = (unsigned)soak_below(s, 2 * span);

	for (unsigned k = 0; k < 2 * span; k++) {
		unsigned j = (start + k) % (2 * span);
		struct end *e = &s->conns[s->nconns - 1 - j / 2].e[j % 2];
		if (e->open)
			return e;
	}
	return NULL;
}

static void soak_abort(struct soak *s)
{
	struct end *e = soak_pick_open_end(s);

	if (e == NULL)
		return;
	e->c->aborted = true;
	sock_abort(e->sk, soak_now(s));
	e->open = false;
	e->sk = NULL;
	s->aborts++;
}

/* Close before the plan: a FIN after what is queued, or a RST when
 * received data is still unread (RFC 1122 4.2.2.13). */
static void soak_close_early(struct soak *s)
{
	struct end *e = soak_pick_open_end(s);

	if (e == NULL)
		return;
	e->early = true;
	end_close(e);
	s->early_closes++;
}

static void soak_impair(struct soak *s)
{
	unsigned a = (unsigned)soak_below(s, NHOSTS);
	unsigned b = (a + 1 + (unsigned)soak_below(s, NHOSTS - 1)) % NHOSTS;
	struct wire_port *pa = sim_port(s->sim, s->h[a]), *pb = sim_port(s->sim, s->h[b]);
	struct wire_impair im;

	s->impair_changes++;
	if (soak_below(s, 3) == 0) {
		wire_set_impair(sim_wire(s->sim), pa, pb, NULL);
		return;
	}
	wire_impair_none(&im);
	im.delay = TV_MSEC(soak_below(s, 60));
	im.jitter = TV_MSEC(soak_below(s, 10));
	im.loss_ppm = (uint32_t)soak_below(s, 80000);
	im.dup_ppm = (uint32_t)soak_below(s, 40000);
	im.reorder_ppm = (uint32_t)soak_below(s, 150000);
	int r = wire_set_impair(sim_wire(s->sim), pa, pb, &im);
	if (r != 0 && r != TV_ENOMEM)
		s->bad = "wire_set_impair refused a valid impairment";
}

/* A gate rule on TCP frames from one host to another: drop, duplicate,
 * delay or hold the next few, or some by chance.  Held frames are let go
 * by soak_gates_release. */
static void soak_gate_rule(struct soak *s)
{
	static const enum gate_act acts[4] = {GATE_ACT_DROP, GATE_ACT_DUP, GATE_ACT_DELAY,
					      GATE_ACT_HOLD};
	unsigned a = (unsigned)soak_below(s, NHOSTS);
	unsigned b = (a + 1 + (unsigned)soak_below(s, NHOSTS - 1)) % NHOSTS;
	struct gate *g = sim_gate(s->sim, s->h[a]);
	struct gate_rule rule = {0};

	if (gate_rule_count(g) >= 8)
		gate_rule_clear(g);
	rule.proto = GATE_PROTO_TCP;
	rule.action = acts[soak_below(s, 4)];
	rule.delay = TV_MSEC(soak_below(s, 300));
	rule.count = rule.action != GATE_ACT_HOLD && soak_below(s, 2) ? GATE_CHANCE : GATE_NEXT;
	rule.n = 1 + (uint32_t)soak_below(s, 5);
	rule.ppm = (uint32_t)soak_below(s, 100000);
	int r = sim_rule(s->sim, s->h[a], s->h[b], &rule, NULL);
	if (r != 0 && r != TV_ENOMEM && r != TV_ENOBUFS)
		s->bad = "sim_rule refused a valid rule";
	s->gate_rules++;
}

/* Held frames go on, one or all, now and then. */
static void soak_gates_release(struct soak *s)
{
	for (unsigned i = 0; i < NHOSTS; i++) {
		struct gate *g = sim_gate(s->sim, s->h[i]);
		if (gate_held_count(g) > 0 && soak_below(s, 3) == 0)
			gate_release_n(g, soak_below(s, 2) ? 1 : SIZE_MAX, soak_now(s));
	}
}

static void soak_action(struct soak *s)
{
	uint64_t r = soak_below(s, 100);

	if (r < 60)
		soak_connect(s);
	else if (r < 70)
		soak_abort(s);
	else if (r < 79)
		soak_close_early(s);
	else if (r < 93)
		soak_impair(s);
	else
		soak_gate_rule(s);
	soak_gates_release(s);
}

/* ---- checks ---- */

/* The checker and Check allocate: no failures while they run. */
static void soak_check_invariants(struct soak *s)
{
	bool armed = alloc_wrap.armed;
	char msg[256];

	alloc_wrap.armed = false;
	ck_assert_msg(s->bad == NULL, "%s", s->bad);
	for (unsigned i = 0; i < NHOSTS; i++)
		ck_assert_msg(inv_track_check(&s->track[i], msg, sizeof(msg)) == 0, "%s", msg);
	alloc_wrap.armed = armed;
}

/* A send that got TV_ENOMEM is not called back: try again now. */
static void soak_retry_sends(struct soak *s)
{
	unsigned from = s->nconns > 64 ? s->nconns - 64 : 0;

	for (unsigned i = from; i < s->nconns; i++)
		for (int k = 0; k < 2; k++)
			if (s->conns[i].e[k].open && !s->conns[i].e[k].shut)
				end_push(&s->conns[i].e[k]);
}

/* What each end got against what its peer queued. */
static void soak_check_conn(struct soak *s, struct conn *c)
{
	struct end *cl = &c->e[0], *sv = &c->e[1];

	switch (c->kind) {
	case CONN_CLOSED_PORT:
		ck_assert_msg(cl->err == TV_EREFUSED || cl->err == TV_ETIMEDOUT || c->aborted ||
			      cl->early, "closed port: error %d", cl->err);
		s->refused += cl->err == TV_EREFUSED;
		return;
	case CONN_ECHO:
		if (cl->eof && cl->err == 0)
			ck_assert_uint_eq(cl->got, cl->sent);
		break;
	case CONN_DISCARD:
		if (cl->eof && cl->err == 0)
			ck_assert_uint_eq(cl->got, 0);
		break;
	case CONN_PEER:
		if (cl->eof && cl->err == 0)
			ck_assert_uint_eq(cl->got, sv->sent);
		if (sv->eof && sv->err == 0)
			ck_assert_uint_eq(sv->got, cl->sent);
		break;
	}
	s->errors += (cl->err != 0) + (sv->err != 0);
	s->resets += (cl->err == TV_ERESET) + (sv->err == TV_ERESET);
	bool clean = !c->aborted && !cl->early && !sv->early && cl->err == 0 && sv->err == 0;
	if (!clean)
		return;
	s->whole++;
	ck_assert_msg(cl->eof && cl->sent == cl->to_send, "conn %ld: client did not finish",
		      (long)(c - s->conns));
	if (c->kind == CONN_PEER)
		ck_assert_msg(c->accepted && sv->eof && sv->sent == sv->to_send,
			      "conn %ld: server did not finish", (long)(c - s->conns));
}

/* Nothing left anywhere once everything is closed and idle. */
static void soak_check_empty(struct soak *s)
{
	ck_assert(sim_idle(s->sim));
	ck_assert_uint_eq(wire_in_flight(sim_wire(s->sim)), 0);
	for (unsigned i = 0; i < NHOSTS; i++) {
		struct host *h = s->h[i];
		struct gate *g = sim_gate(s->sim, h);
		ck_assert_uint_eq(h->tcp->ntcbs, 0);
		ck_assert_ptr_null(h->tcp->all);
		ck_assert_uint_eq(h->tcp->nhashed, 0);
		ck_assert_uint_eq(h->tcp->heap_len, 0);
		ck_assert_ptr_null(h->tcp->listeners);
		ck_assert_ptr_null(h->tcp->grave);
		ck_assert_ptr_null(h->tcp->nq_head);
		ck_assert_uint_le(h->tcp->ncache, TCP_BUF_CACHE);
		ck_assert_uint_eq(host_next_deadline(h), TV_NEVER);
		ck_assert_uint_eq(gate_held_count(g), 0);
		ck_assert_uint_eq(gate_scheduled_count(g), 0);
	}
}

/* ---- the run ---- */

static void soak_setup(struct soak *s, uint64_t seed)
{
	static const char *const names[NHOSTS] = {"A", "B", "C", "D"};
	struct wire_impair im;

	memset(s, 0, sizeof(*s));
	tv_rng_seed(&s->rng, seed);
	s->sim = sim_new(seed);
	ck_assert_ptr_nonnull(s->sim);
	wire_impair_none(&im);
	im.delay = TV_MSEC(1);
	ck_assert_int_eq(wire_set_default(sim_wire(s->sim), &im), 0);
	for (unsigned i = 0; i < NHOSTS; i++) {
		ck_assert_int_eq(sim_add_host(s->sim, names[i], 0x0a000001u + i, &s->h[i]), 0);
		inv_track_init(&s->track[i], s->h[i]);
	}
	for (unsigned i = 0; i < NHOSTS; i++)
		if (i != HOST_D)
			ck_assert(soak_listen(s, i));
	ck_assert_int_eq(apps_start(s->h[HOST_D], APP_BIT(APP_ECHO) | APP_BIT(APP_DISCARD),
				    soak_now(s), &s->apps),
			 0);
}

/* `duration` of actions, each followed by a random quiet spell; the
 * allocator fails every fail_every-th allocation meanwhile. */
static void soak_run(struct soak *s, tv_time duration)
{
	unsigned n = 0;

	if (s->fail_every)
		alloc_wrap_every(s->fail_every);
	while (soak_now(s) < duration) {
		soak_action(s);
		if (s->fail_every)
			soak_retry_sends(s);
		sim_run_for(s->sim, TV_MSEC(10 + soak_below(s, 300)));
		if (++n % 2 == 0)
			soak_check_invariants(s);
	}
	alloc_wrap_disarm();
}

/* Impairments and gate rules off, held frames released, everything
 * closed, run past 2MSL and every timer. */
static void soak_settle(struct soak *s)
{
	tv_time now;

	for (unsigned i = 0; i < NHOSTS; i++) {
		struct gate *g = sim_gate(s->sim, s->h[i]);
		gate_rule_clear(g);
		gate_release_n(g, SIZE_MAX, soak_now(s));
	}
	for (unsigned a = 0; a < NHOSTS; a++)
		for (unsigned b = 0; b < NHOSTS; b++)
			if (a != b)
				wire_set_impair(sim_wire(s->sim), sim_port(s->sim, s->h[a]),
						sim_port(s->sim, s->h[b]), NULL);
	/* Let the connections still running finish by their plan first. */
	sim_run_for(s->sim, TV_SEC(300));
	now = soak_now(s);
	for (unsigned i = 0; i < s->nconns; i++) {
		end_close(&s->conns[i].e[0]);
		end_close(&s->conns[i].e[1]);
	}
	for (unsigned i = 0; i < NHOSTS; i++)
		for (int p = 0; p < 2; p++)
			if (s->lst[i][p] != NULL)
				sock_close(s->lst[i][p], now);
	apps_stop(s->apps, now);
	s->apps = NULL;
	ck_assert_int_eq(sim_run_until_idle(s->sim, SETTLE_LIMIT), 0);
	soak_check_invariants(s);
}

static void soak(uint64_t seed, tv_time duration, unsigned long fail_every)
{
	static struct soak s;
	long live0 = alloc_wrap.live;

	soak_setup(&s, seed);
	s.fail_every = fail_every;
	soak_run(&s, duration);
	soak_settle(&s);
	ck_assert_msg(!s.mismatch, "a byte delivered was not the byte sent");
	for (unsigned i = 0; i < s.nconns; i++)
		soak_check_conn(&s, &s.conns[i]);
	soak_check_empty(&s);
	sim_free(s.sim);
	ck_assert_int_eq(alloc_wrap.live, live0);
	if (fail_every)
		printf("every %lu allocations failing, %lu failed: ", fail_every,
		       alloc_wrap.failed);
	printf("soak seed %llu: %u connections (%llu delivered whole), %llu bytes, "
	       "%llu aborts, %llu early closes, %llu refused, %llu ends with errors "
	       "(%llu reset by the peer), %llu impairment changes, %llu gate rules\n",
	       (unsigned long long)seed, s.nconns, (unsigned long long)s.whole,
	       (unsigned long long)s.bytes, (unsigned long long)s.aborts,
	       (unsigned long long)s.early_closes, (unsigned long long)s.refused,
	       (unsigned long long)s.errors, (unsigned long long)s.resets,
	       (unsigned long long)s.impair_changes, (unsigned long long)s.gate_rules);
}

START_TEST(test_soak_ten_minutes_four_hosts_loses_nothing_leaks_nothing)
{
	static const uint64_t seeds[SOAK_SEEDS] = {1, 2, 3, 4, 5, 20261125};

	soak(seeds[_i], SOAK_TIME, 0);
}
END_TEST

/* Shorter soaks with allocations failing throughout: still no byte
 * wrong, no connection left behind, nothing leaked. */
START_TEST(test_soak_with_allocations_failing_loses_nothing_leaks_nothing)
{
	static const unsigned long every[SOAK_OOM_RUNS] = {2, 3, 7, 31, 101, 499};

	soak(100 + (uint64_t)_i, SOAK_OOM_TIME, every[_i]);
}
END_TEST

static Suite *soak_suite(void)
{
	Suite *s = suite_create("soak");
	TCase *t = tcase_create("soak");

	tcase_add_loop_test(t, test_soak_ten_minutes_four_hosts_loses_nothing_leaks_nothing, 0,
			      SOAK_SEEDS);
	tcase_add_loop_test(t, test_soak_with_allocations_failing_loses_nothing_leaks_nothing, 0,
			    SOAK_OOM_RUNS);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(soak_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
