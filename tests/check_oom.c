/*
 * check_oom.c - allocation failure injection in the core (issue 6, part 4).
 *
 * The program is linked with --wrap for malloc and friends
 * (tests/alloc_wrap.c), so every allocation the core makes can be made to
 * fail.  Each scenario below is a real run through the public API: hosts
 * on a sim wire, listen, connect (with ARP resolution), transfers checked
 * byte by byte, half-close, close, TIME-WAIT, the built-in services, gates
 * holding and duplicating frames, a lossy wire, many connections.  A
 * scenario is run once with nothing failing (it must complete and make
 * no report, and that run counts its allocations), then once for each
 * single allocation failing (the kth only, for every k), then with every
 * nth allocation failing for n = 1..OOM_EVERY_MAX.  Each of those runs
 * must not crash, must either complete or report the failure upward (a
 * call returned TV_ENOMEM or NULL, a socket got TV_ENOMEM, or a nomem
 * counter of a host, a gate or the wire moved), and after sim_free the
 * number of live allocations must be what it was before the run.
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

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u
#define ADDR_C 0x0a000003u
#define PORT 5000
#define ENDS_MAX 160
#define LIMIT TV_SEC(3600)
#define OOM_EVERY_MAX 64

struct run;

/* One side of a connection: sends `to_send` bytes of stream `seed`,
 * expects `to_recv` bytes of stream `peer_seed`, half-closes when done
 * sending (shut) and closes once it has both sent everything and seen the
 * end of the peer's stream. */
struct end {
	struct run *run;
	struct tv_sock *sk;
	uint32_t seed, peer_seed;
	size_t to_send, sent, to_recv, got;
	bool shut, eof, closed, bad;
	bool any;                /* any bytes will do: not a stream we know */
	int err;
};

/* Everything one run of a scenario knows; it allocates nothing of its
 * own, so the live count belongs to the core alone. */
struct run {
	struct sim *sim;
	struct host *h[3];
	struct tv_sock *lst;
	struct apps *apps;
	struct end ends[ENDS_MAX];
	unsigned nends;
	struct end probe;        /* a connect that is meant to fail */
	size_t cli_send;         /* what every client sends */
	size_t srv_send;         /* what every accepted end sends back */
	unsigned time_waits;
	bool reported;           /* an allocation failure was reported */
	bool broken;             /* something the run needed could not be set up */
	bool hold;               /* ends send nothing for now */
};

static uint8_t stream_byte(uint32_t seed, size_t i)
{
	return (uint8_t)(i * 131u + (i >> 8) * 7u + seed * 29u);
}

/* A result from the API: TV_ENOMEM is the report we look for. */
static bool run_ok(struct run *r, long v)
{
	if (v == TV_ENOMEM)
		r->reported = true;
	return v >= 0;
}

/* ---- one end of a connection ---- */

static void end_close(struct end *e)
{
	if (e->sk == NULL)
		return;
	sock_close(e->sk, sim_now(e->run->sim));
	e->sk = NULL;
	e->closed = true;
}

static void end_push(struct end *e)
{
	uint8_t buf[3000];
	tv_time now = sim_now(e->run->sim);

	if (e->run->hold)
		return;
	while (e->sk != NULL && e->sent < e->to_send) {
		size_t n = e->to_send - e->sent < sizeof(buf) ? e->to_send - e->sent : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = stream_byte(e->seed, e->sent + i);
		long k = sock_send(e->sk, buf, n, now);
		if (k == TV_EAGAIN || !run_ok(e->run, k))
			return;
		e->sent += (size_t)k;
	}
	if (e->sk != NULL && !e->shut) {
		e->shut = true;
		run_ok(e->run, sock_shutdown(e->sk, now));
	}
}

static void end_pull(struct end *e)
{
	uint8_t buf[2048];
	long n = TV_EAGAIN;

	while (e->sk != NULL &&
	       (n = sock_recv(e->sk, buf, sizeof(buf), sim_now(e->run->sim))) > 0) {
		for (long i = 0; i < n && !e->any; i++)
			if (buf[i] != stream_byte(e->peer_seed, e->got + (size_t)i))
				e->bad = true;
		e->got += (size_t)n;
	}
	if (e->sk != NULL && n == 0)
		e->eof = true;
}

static void end_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct end *e = ctx;

	(void)s;
	if (ev == TV_SOCK_ERROR || (ev == TV_SOCK_CLOSED && err != 0)) {
		e->err = err;
		run_ok(e->run, err);
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

static struct end *end_add(struct run *r, uint32_t seed, uint32_t peer_seed, size_t to_send,
			   size_t to_recv)
{
	struct end *e;

	if (r->nends == ENDS_MAX)
		return NULL; /* no ck_assert here: Check allocates too */
	e = &r->ends[r->nends++];
	memset(e, 0, sizeof(*e));
	e->run = r;
	e->seed = seed;
	e->peer_seed = peer_seed;
	e->to_send = to_send;
	e->to_recv = to_recv;
	return e;
}

static bool end_done(const struct end *e)
{
	return e->closed && e->err == 0 && !e->bad && e->eof && e->sent == e->to_send &&
	       (e->any ? e->got > 0 : e->got == e->to_recv);
}

/* ---- clients and the listener ----
 *
 * A client's stream is seeded with its local port, the server's answer
 * with that port + 1000, so each accepted end knows what to expect from
 * the tuple alone. */

static bool client_open(struct run *r, struct host *h, uint32_t raddr, uint16_t rport)
{
	struct end *e = end_add(r, 0, 0, r->cli_send, r->srv_send);
	struct tv_sock *sk;

	if (e == NULL) {
		r->broken = true;
		return false;
	}
	if (!run_ok(r, sock_connect(h, raddr, rport, 0, end_cb, e, &sk, sim_now(r->sim)))) {
		r->nends--;
		return false;
	}
	e->sk = sk;
	e->seed = sock_local_port(sk);
	e->peer_seed = e->seed + 1000;
	return true;
}

static void lst_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct run *r = ctx;
	struct tv_sock *c;

	(void)err;
	if (ev != TV_SOCK_ACCEPTABLE)
		return;
	for (;;) {
		struct end *e = end_add(r, 0, 0, r->srv_send, r->cli_send);
		if (e == NULL) {
			r->broken = true;
			return;
		}
		if (sock_accept(s, end_cb, e, &c, sim_now(r->sim)) != TV_OK) {
			r->nends--;
			return;
		}
		e->sk = c;
		e->peer_seed = sock_tcb(c)->tuple.rport;
		e->seed = e->peer_seed + 1000;
		end_push(e);
	}
}

static bool listen_on(struct run *r, struct host *h, uint16_t port, int backlog)
{
	return run_ok(r, sock_listen(h, port, backlog, lst_cb, r, &r->lst, sim_now(r->sim)));
}

/* ---- the run ---- */

static void state_sink(void *ctx, const struct tv_event *ev)
{
	struct run *r = ctx;

	if (ev->type == TV_EV_STATE && ev->u.state.new_state == TCB_TIME_WAIT)
		r->time_waits++;
}

static bool run_new(struct run *r, unsigned nhosts)
{
	static const uint32_t addr[3] = {ADDR_A, ADDR_B, ADDR_C};
	static const char *const name[3] = {"A", "B", "C"};
	struct wire_impair im;

	memset(r, 0, sizeof(*r));
	r->sim = sim_new(42);
	if (r->sim == NULL) {
		r->reported = true;
		return false;
	}
	wire_impair_none(&im);
	im.delay = TV_MSEC(1);
	wire_set_default(sim_wire(r->sim), &im);
	for (unsigned i = 0; i < nhosts; i++)
		if (!run_ok(r, sim_add_host(r->sim, name[i], addr[i], &r->h[i])))
			return false;
	return run_ok(r, tv_bus_add(sim_bus(r->sim), state_sink, r));
}

/* Did a counter say an allocation failed? */
static bool run_counted_nomem(const struct run *r)
{
	const struct sim *s = r->sim;

	if (wire_stats(sim_wire(s))->nomem > 0)
		return true;
	for (unsigned i = 0; i < sim_host_count(s); i++) {
		struct host *h = sim_host_at(s, i);
		if (h->counters[TV_CNT_TCP_NOMEM] > 0 || h->counters[TV_CNT_ARP_NOMEM] > 0 ||
		    gate_stats(sim_gate(s, h))->nomem > 0)
			return true;
	}
	return r->apps != NULL &&
	       (apps_stats(r->apps)->refused > 0 || apps_stats(r->apps)->nomem > 0);
}

static unsigned run_tcbs(const struct run *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sim_host_count(r->sim); i++)
		n += sim_host_at(r->sim, i)->tcp->ntcbs;
	return n;
}

static bool run_ends_done(const struct run *r)
{
	for (unsigned i = 0; i < r->nends; i++)
		if (!end_done(&r->ends[i]))
			return false;
	return true;
}

static bool cond_ends_done(void *ctx, struct sim *s)
{
	(void)s;
	return run_ends_done(ctx);
}

/* Run until every end is done, then on until idle (TIME-WAIT over).
 * The run completed when every end is done and no TCB is left but the
 * listener's (expect_tcbs). */
static bool run_finish(struct run *r, unsigned expect_tcbs)
{
	sim_run_until(r->sim, cond_ends_done, r, LIMIT);
	sim_run_until_idle(r->sim, LIMIT);
	return run_ends_done(r) && run_tcbs(r) == expect_tcbs;
}

static void run_free(struct run *r)
{
	if (r->sim == NULL)
		return;
	if (run_counted_nomem(r))
		r->reported = true;
	if (r->apps != NULL)
		apps_stop(r->apps, sim_now(r->sim));
	r->apps = NULL;
	if (r->lst != NULL)
		sock_close(r->lst, sim_now(r->sim));
	for (unsigned i = 0; i < r->nends; i++)
		end_close(&r->ends[i]);
	end_close(&r->probe);
	sim_free(r->sim);
	r->sim = NULL;
}

/* ---- scenarios: each returns true when it completed ---- */

/* A connects to B (ARP first), sends 64 KiB and half-closes; B answers
 * 20 KiB, closes after A's end of stream; A closes after B's: A goes
 * through TIME-WAIT. */
static bool scen_transfer(struct run *r)
{
	if (!run_new(r, 2))
		return false;
	r->cli_send = 65536;
	r->srv_send = 20000;
	if (!listen_on(r, r->h[1], PORT, 4) || !client_open(r, r->h[0], ADDR_B, PORT))
		return false;
	return run_finish(r, 1) && r->time_waits >= 1;
}

/* A client of a service: sends `send` bytes of stream 77, expects
 * `expect` bytes back (echo: the same stream), or any text (any). */
static bool service_open(struct run *r, enum app_service svc, size_t send, size_t expect,
			 bool any)
{
	struct end *e = end_add(r, 77, 77, send, expect);

	if (e == NULL) {
		r->broken = true;
		return false;
	}
	e->any = any;
	return run_ok(r, sock_connect(r->h[0], ADDR_B, app_port(svc), 0, end_cb, e, &e->sk,
				      sim_now(r->sim)));
}

/* Every built-in service listening; a stream through echo, one into
 * discard, the daytime line; then the services stop. */
static bool scen_apps(struct run *r)
{
	if (!run_new(r, 2))
		return false;
	if (!run_ok(r, apps_start(r->h[1], APPS_ALL, sim_now(r->sim), &r->apps)))
		return false;
	if (!service_open(r, APP_ECHO, 3000, 3000, false) ||
	    !service_open(r, APP_DISCARD, 5000, 0, false) ||
	    !service_open(r, APP_DAYTIME, 0, 0, true))
		return false;
	sim_run_until(r->sim, cond_ends_done, r, LIMIT);
	bool ok = run_ends_done(r) && apps_stats(r->apps)->bytes_out > 3000 &&
		  apps_stats(r->apps)->bytes_in == 8000;
	if (run_counted_nomem(r))
		r->reported = true;
	apps_stop(r->apps, sim_now(r->sim));
	r->apps = NULL;
	sim_run_until_idle(r->sim, LIMIT);
	return ok && run_tcbs(r) == 0;
}

/* B's gate holds everything coming in; the frames are stepped through
 * one by one, the first data segment is duplicated while held, and a rule
 * delays B's SYN-ACK. */
static bool scen_gate(struct run *r)
{
	struct gate_rule rule = {0};

	if (!run_new(r, 2))
		return false;
	r->cli_send = 5000;
	r->srv_send = 5000;
	rule.proto = GATE_PROTO_TCP;
	rule.flags_mask = rule.flags_value = 0x12; /* SYN,ACK */
	rule.action = GATE_ACT_DELAY;
	rule.delay = TV_MSEC(30);
	struct gate *g = sim_gate(r->sim, r->h[1]);
	if (!run_ok(r, sim_rule(r->sim, r->h[1], r->h[0], &rule, NULL)))
		return false;
	gate_set_dir_mode(g, TV_DIR_IN, GATE_HOLD);
	if (!listen_on(r, r->h[1], PORT, 4) || !client_open(r, r->h[0], ADDR_B, PORT))
		return false;
	for (int i = 0, dups = 0; i < 400 && !run_ends_done(r); i++) {
		struct gate_held held;
		sim_run_until_quiet(r->sim, LIMIT);
		if (gate_held_list(g, &held, 1) == 1 && held.sum.seg.len > 0 && dups++ < 2)
			run_ok(r, gate_dup(g, held.id, NULL, sim_now(r->sim)));
		if (gate_step(g, sim_now(r->sim)) == 0)
			sim_step(r->sim);
	}
	gate_set_dir_mode(g, TV_DIR_IN, GATE_PASS);
	gate_release_n(g, SIZE_MAX, sim_now(r->sim));
	return run_finish(r, 1);
}

/* A lossy, duplicating, reordering wire: retransmissions and
 * out-of-order reassembly, both directions. */
static bool scen_lossy(struct run *r)
{
	struct wire_impair im;

	if (!run_new(r, 2))
		return false;
	wire_impair_none(&im);
	im.delay = TV_MSEC(2);
	im.jitter = TV_MSEC(1);
	im.loss_ppm = 50000;
	im.dup_ppm = 50000;
	im.reorder_ppm = 200000;
	wire_set_default(sim_wire(r->sim), &im);
	r->cli_send = 60000;
	r->srv_send = 40000;
	if (!listen_on(r, r->h[1], PORT, 4) || !client_open(r, r->h[0], ADDR_B, PORT))
		return false;
	return run_finish(r, 1);
}

/* Many connections from two hosts (the hash table and the timer heap
 * grow), one connect to a closed port (refused), and a host shut down
 * with sock_close_all. */
static bool scen_many(struct run *r)
{
	if (!run_new(r, 3))
		return false;
	r->cli_send = 700;
	r->srv_send = 300;
	if (!listen_on(r, r->h[1], PORT, 200))
		return false;
	for (int i = 0; i < 70; i++)
		if (!client_open(r, r->h[i % 2 ? 2 : 0], ADDR_B, PORT))
			return false;
	struct end *e = &r->probe;
	e->run = r;
	if (!run_ok(r, sock_connect(r->h[0], ADDR_B, PORT + 1, 0, end_cb, e, &e->sk,
				    sim_now(r->sim))))
		return false;
	bool ok = run_finish(r, 1) && e->err == TV_EREFUSED;
	sock_close_all(r->h[1], false, sim_now(r->sim));
	sim_run_until_idle(r->sim, LIMIT);
	return ok;
}

/* Sockets made with sock_new and options set before connect and listen:
 * small buffers and MSS (many segments, a closing window), Nagle off,
 * keepalive probing a quiet spell; and a connect to an address nobody
 * answers ARP for, which must fail. */
static int opts_set(struct tv_sock *sk)
{
	static const struct {
		enum tv_sockopt opt;
		uint64_t v;
	} o[] = {
		{TV_SO_RCVBUF, 6000}, {TV_SO_SNDBUF, 5000}, {TV_SO_MSS, 536},
		{TV_SO_NODELAY, 1}, {TV_SO_KEEPALIVE, 1}, {TV_SO_KEEPIDLE, TV_SEC(2)},
		{TV_SO_KEEPINTVL, TV_SEC(1)},
	};

	for (size_t i = 0; i < TV_ARRAY_LEN(o); i++) {
		int r = sock_setopt(sk, o[i].opt, o[i].v);
		if (r != 0)
			return r;
	}
	return 0;
}

static bool scen_options(struct run *r)
{
	struct end *e;
	tv_time now;

	if (!run_new(r, 2))
		return false;
	now = sim_now(r->sim);
	r->cli_send = 30000;
	r->srv_send = 25000;
	if (!run_ok(r, sock_new(r->h[1], lst_cb, r, &r->lst)) || !run_ok(r, opts_set(r->lst)) ||
	    !run_ok(r, sock_listen_socket(r->lst, PORT, 2, now)))
		return false;
	e = end_add(r, 0, 0, r->cli_send, r->srv_send);
	if (e == NULL || !run_ok(r, sock_new(r->h[0], end_cb, e, &e->sk)) ||
	    !run_ok(r, opts_set(e->sk)) || !run_ok(r, sock_connect_socket(e->sk, ADDR_B, PORT, 0, now)))
		return false;
	e->seed = sock_local_port(e->sk);
	e->peer_seed = e->seed + 1000;
	r->probe.run = r;
	if (!run_ok(r, sock_connect(r->h[0], ADDR_C, PORT, 0, end_cb, &r->probe, &r->probe.sk,
				    now)))
		return false;
	r->hold = true;
	sim_run_for(r->sim, TV_SEC(5)); /* connected, quiet: keepalive probes */
	r->hold = false;
	for (unsigned i = 0; i < r->nends; i++)
		end_push(&r->ends[i]);
	return run_finish(r, 1) && r->probe.err == TV_ETIMEDOUT &&
	       r->h[0]->counters[TV_CNT_TCP_KEEPALIVE] > 0;
}

/* ---- the sweeps ---- */

typedef bool (*scen_fn)(struct run *r);

struct sweep_stats {
	unsigned runs, completed, reported;
	unsigned long failed;        /* allocations failed, all runs */
};

/* Run again, the same way, showing where the allocations failed. */
static void sweep_trace(scen_fn fn, bool every, unsigned long k)
{
	static struct run r;

	fprintf(stderr, "the failed allocations of the run that failed:\n");
	alloc_wrap.trace = true;
	if (every)
		alloc_wrap_every(k);
	else
		alloc_wrap_only(k);
	fn(&r);
	run_free(&r);
	alloc_wrap_disarm();
	alloc_wrap.trace = false;
}

/* One run with the wrapper as armed: no leak, completed or reported. */
static void sweep_one(scen_fn fn, const char *name, bool every, unsigned long k,
		      struct sweep_stats *st)
{
	static struct run r;
	const char *how = every ? "every allocation" : "only allocation";
	long live0 = alloc_wrap.live;
	bool done = fn(&r);

	run_free(&r);
	alloc_wrap_disarm();
	long leaked = alloc_wrap.live - live0;
	if (r.broken || (!done && !r.reported) || leaked != 0)
		sweep_trace(fn, every, k);
	st->runs++;
	st->failed += alloc_wrap.failed;
	st->completed += done;
	st->reported += !done && r.reported;
	if (r.broken)
		ck_abort_msg("%s, %s %lu: the test ran out of room", name, how, k);
	if (!done && !r.reported)
		ck_abort_msg("%s, %s %lu: did not complete and reported nothing", name, how, k);
	if (leaked != 0)
		ck_abort_msg("%s, %s %lu: %ld blocks leaked", name, how, k, leaked);
}

static void sweep(scen_fn fn, const char *name)
{
	struct sweep_stats st = {0};
	static struct run r;
	long live0 = alloc_wrap.live;

	alloc_wrap_count();
	bool done = fn(&r);
	run_free(&r);
	unsigned long total = alloc_wrap.calls;
	alloc_wrap_disarm();
	long leaked = alloc_wrap.live - live0;
	ck_assert_msg(done && !r.reported && !r.broken, "%s does not complete cleanly", name);
	ck_assert_int_eq(leaked, 0);
	for (unsigned long k = 1; k <= total; k++) {
		alloc_wrap_only(k);
		sweep_one(fn, name, false, k, &st);
	}
	for (unsigned long n = 1; n <= OOM_EVERY_MAX; n++) {
		alloc_wrap_every(n);
		sweep_one(fn, name, true, n, &st);
	}
	printf("%s: %lu allocations; %u runs, %lu allocations failed, %u completed, "
	       "%u reported the failure\n",
	       name, total, st.runs, st.failed, st.completed, st.reported);
}

START_TEST(test_oom_transfer_half_close_time_wait_fails_cleanly)
{
	sweep(scen_transfer, "transfer");
}
END_TEST

START_TEST(test_oom_services_fail_cleanly)
{
	sweep(scen_apps, "apps");
}
END_TEST

START_TEST(test_oom_gate_hold_dup_delay_fails_cleanly)
{
	sweep(scen_gate, "gate");
}
END_TEST

START_TEST(test_oom_lossy_wire_fails_cleanly)
{
	sweep(scen_lossy, "lossy");
}
END_TEST

START_TEST(test_oom_options_keepalive_unreachable_fail_cleanly)
{
	sweep(scen_options, "options");
}
END_TEST

START_TEST(test_oom_many_connections_fail_cleanly)
{
	sweep(scen_many, "many");
}
END_TEST

static Suite *oom_suite(void)
{
	Suite *s = suite_create("oom");
	TCase *t = tcase_create("every allocation fails");

	tcase_add_test(t, test_oom_transfer_half_close_time_wait_fails_cleanly);
	tcase_add_test(t, test_oom_services_fail_cleanly);
	tcase_add_test(t, test_oom_gate_hold_dup_delay_fails_cleanly);
	tcase_add_test(t, test_oom_lossy_wire_fails_cleanly);
	tcase_add_test(t, test_oom_options_keepalive_unreachable_fail_cleanly);
	tcase_add_test(t, test_oom_many_connections_fail_cleanly);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(oom_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
