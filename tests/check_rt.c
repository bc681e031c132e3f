/*
 * check_rt.c - tests for the live runtime (src/host/rt.h) on the
 * in-memory wire (no TAP, no network): the clock pauses and refuses
 * speeds out of range, waits end on their condition or their limit, a
 * shutdown closes connections with FIN or RST, queued commands run in
 * order (those that do not wait also while another waits) and can be
 * cancelled; and the two core additions it rests on: sock_close_all()
 * and the script's run_until hook.  The runtime runs at 100x so that the
 * few virtual seconds these take pass quickly; no test measures wall
 * time.
 */
#define _GNU_SOURCE /* uv.h needs POSIX types under -std=c11 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apps.h"
#include "core/sim.h"
#include "core/sock.h"
#include "core/tcp.h"
#include "host/rt.h"
#include "script/script.h"

#include <uv.h>

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u

struct rec {
	unsigned states[TCB_STATE_COUNT]; /* changes into each state */
	unsigned rst_out, fin_out;
};

static void rec_sink(void *ctx, const struct tv_event *ev)
{
	struct rec *r = ctx;

	if (ev->type == TV_EV_STATE)
		r->states[ev->u.state.new_state]++;
	if (ev->type == TV_EV_SEG_OUT && (ev->u.seg.flags & TV_TH_RST))
		r->rst_out++;
	if (ev->type == TV_EV_SEG_OUT && (ev->u.seg.flags & TV_TH_FIN))
		r->fin_out++;
}

static struct rt *rt_fast(void)
{
	struct rt_opts o;
	struct rt *rt;
	int err = 1;

	rt_opts_default(&o);
	o.speed = RT_SPEED_MAX;
	o.no_signals = true;
	o.linger = TV_MSEC(500);
	rt = rt_new(&o, &err);
	ck_assert_ptr_nonnull(rt);
	ck_assert_int_eq(err, 0);
	return rt;
}

/* A connected to B's echo service; returns A's socket. */
struct conn_ctx {
	bool connected;
};

static void conn_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct conn_ctx *c = ctx;

	(void)s;
	(void)err;
	if (ev == TV_SOCK_CONNECTED)
		c->connected = true;
}

static bool is_connected(void *ctx, struct sim *s)
{
	(void)s;
	return ((struct conn_ctx *)ctx)->connected;
}

static struct tv_sock *connect_ab(struct rt *rt, struct apps **apps, struct conn_ctx *cc)
{
	struct sim *s = rt_sim(rt);
	struct host *a, *b;
	struct tv_sock *sk;

	ck_assert_int_eq(sim_add_host(s, "A", ADDR_A, &a), 0);
	ck_assert_int_eq(sim_add_host(s, "B", ADDR_B, &b), 0);
	rt_sync(rt);
	ck_assert_int_eq(apps_start(b, APP_BIT(APP_ECHO), sim_now(s), apps), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 7, 0, conn_cb, cc, &sk, sim_now(s)), 0);
	rt_kick(rt);
	ck_assert_int_eq(rt_run_until(rt, is_connected, cc, TV_SEC(30)), 0);
	return sk;
}

START_TEST(test_rt_paused_clock_stands_still)
{
	struct rt *rt = rt_fast();
	tv_time t0;

	rt_pause(rt);
	ck_assert(rt_paused(rt));
	t0 = rt_now(rt);
	for (volatile int i = 0; i < 1000000; i++)
		;
	ck_assert_uint_eq(rt_now(rt), t0);
	rt_resume(rt);
	ck_assert(!rt_paused(rt));
	ck_assert_uint_ge(rt_now(rt), t0);
	rt_free(rt);
}
END_TEST

START_TEST(test_rt_speed_outside_range_is_refused)
{
	struct rt *rt = rt_fast();

	ck_assert_int_eq(rt_set_speed(rt, 0.05), TV_EINVAL);
	ck_assert_int_eq(rt_set_speed(rt, 100.5), TV_EINVAL);
	ck_assert(rt_speed(rt) == RT_SPEED_MAX);
	ck_assert_int_eq(rt_set_speed(rt, 0.1), 0);
	ck_assert(rt_speed(rt) == 0.1);
	rt_free(rt);
}
END_TEST

static bool never(void *ctx, struct sim *s)
{
	(void)ctx;
	(void)s;
	return false;
}

START_TEST(test_rt_run_until_times_out_at_its_limit)
{
	struct rt *rt = rt_fast();
	tv_time t0 = rt_now(rt);

	ck_assert_int_eq(rt_run_until(rt, never, NULL, TV_MSEC(200)), TV_ETIMEDOUT);
	ck_assert_uint_ge(sim_now(rt_sim(rt)), t0 + TV_MSEC(200));
	rt_free(rt);
}
END_TEST

START_TEST(test_rt_run_until_ends_when_the_handshake_completes)
{
	struct rt *rt = rt_fast();
	struct conn_ctx cc = {false};
	struct apps *apps = NULL;
	struct rec r;
	struct tv_sock *sk;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(tv_bus_add(rt_bus(rt), rec_sink, &r), 0);
	sk = connect_ab(rt, &apps, &cc);
	ck_assert(cc.connected);
	ck_assert_uint_eq(r.states[TCB_ESTABLISHED], 1); /* A's; B's comes with the next step */
	ck_assert_ptr_nonnull(sock_tcb(sk));
	apps_stop(apps, sim_now(rt_sim(rt)));
	rt_free(rt);
}
END_TEST

START_TEST(test_rt_shutdown_fin_closes_every_connection_in_order)
{
	struct rt *rt = rt_fast();
	struct conn_ctx cc = {false};
	struct apps *apps = NULL;
	struct rec r;

	memset(&r, 0, sizeof(r));
	connect_ab(rt, &apps, &cc);
	ck_assert_int_eq(tv_bus_add(rt_bus(rt), rec_sink, &r), 0);
	rt_shutdown(rt, RT_CLOSE_FIN);
	ck_assert(rt_stopping(rt));
	rt_run(rt);
	ck_assert_uint_ge(r.fin_out, 2);
	ck_assert_uint_eq(r.rst_out, 0);
	ck_assert_uint_ge(r.states[TCB_FIN_WAIT_1], 1);
	ck_assert_uint_ge(r.states[TCB_TIME_WAIT], 1);
	apps_stop(apps, sim_now(rt_sim(rt)));
	rt_free(rt);
}
END_TEST

START_TEST(test_rt_shutdown_rst_resets_every_connection)
{
	struct rt *rt = rt_fast();
	struct conn_ctx cc = {false};
	struct apps *apps = NULL;
	struct rec r;

	memset(&r, 0, sizeof(r));
	connect_ab(rt, &apps, &cc);
	ck_assert_int_eq(tv_bus_add(rt_bus(rt), rec_sink, &r), 0);
	rt_shutdown(rt, RT_CLOSE_RST);
	rt_run(rt);
	ck_assert_uint_ge(r.rst_out, 2); /* A's connection and B's child */
	ck_assert_uint_eq(r.fin_out, 0);
	ck_assert_uint_eq(r.states[TCB_TIME_WAIT], 0);
	apps_stop(apps, sim_now(rt_sim(rt)));
	rt_free(rt);
}
END_TEST

/* ---- queued commands ---- */

struct order {
	char seen[8][16];
	unsigned n;
	struct rt *rt;
	const char *stop_after;
};

static void done_cb(void *ctx, const struct script_cmd *cmd, const struct script_result *res)
{
	struct order *o = ctx;

	ck_assert_int_eq(res->status, SCRIPT_OK);
	snprintf(o->seen[o->n++], sizeof(o->seen[0]), "%s", script_cmd_name(cmd->kind));
	if (o->stop_after != NULL && strcmp(o->stop_after, script_cmd_name(cmd->kind)) == 0)
		rt_stop(o->rt);
}

static void parse(const char *line, struct script_cmd *cmd)
{
	struct script_error err;

	ck_assert_int_eq(script_parse_line("t", 1, line, strlen(line), cmd, &err), 0);
}

START_TEST(test_rt_submit_runs_a_command_that_does_not_wait_while_one_waits)
{
	struct rt *rt = rt_fast();
	struct script_config cfg = {0};
	struct script *sc;
	struct script_cmd run, host;
	struct order o = {.rt = rt, .stop_after = "run"};

	rt_script_config(rt, &cfg);
	sc = script_new(rt_sim(rt), &cfg);
	ck_assert_ptr_nonnull(sc);
	parse("run 2s", &run);
	parse("host C 10.0.0.3", &host);
	ck_assert(rt_cmd_waits(&run));
	ck_assert(!rt_cmd_waits(&host));
	ck_assert_int_eq(rt_submit(rt, sc, &run, done_cb, &o), 0);
	ck_assert_int_eq(rt_submit(rt, sc, &host, done_cb, &o), 0);
	rt_run(rt);
	ck_assert_uint_eq(o.n, 2);
	ck_assert_str_eq(o.seen[0], "host");
	ck_assert_str_eq(o.seen[1], "run");
	ck_assert_uint_ge(sim_now(rt_sim(rt)), TV_SEC(2));
	script_free(sc);
	script_cmd_free(&run);
	script_cmd_free(&host);
	rt_free(rt);
}
END_TEST

START_TEST(test_rt_cancel_forgets_a_clients_queued_commands)
{
	struct rt *rt = rt_fast();
	struct script_config cfg = {0};
	struct script *sc;
	struct script_cmd a, b;
	struct order gone = {.rt = rt}, stays = {.rt = rt, .stop_after = "host"};

	rt_script_config(rt, &cfg);
	sc = script_new(rt_sim(rt), &cfg);
	parse("say \"bye\"", &a);
	parse("host C 10.0.0.3", &b);
	ck_assert_int_eq(rt_submit(rt, sc, &a, done_cb, &gone), 0);
	ck_assert_int_eq(rt_submit(rt, sc, &b, done_cb, &stays), 0);
	rt_cancel(rt, &gone);
	rt_run(rt);
	ck_assert_uint_eq(gone.n, 0);
	ck_assert_uint_eq(stays.n, 1);
	ck_assert_ptr_nonnull(sim_host(rt_sim(rt), "C"));
	script_free(sc);
	script_cmd_free(&a);
	script_cmd_free(&b);
	rt_free(rt);
}
END_TEST

START_TEST(test_rt_submit_refused_once_stopping)
{
	struct rt *rt = rt_fast();
	struct script_config cfg = {0};
	struct script *sc;
	struct script_cmd a;
	struct order o = {.rt = rt};

	sc = script_new(rt_sim(rt), &cfg);
	parse("say \"late\"", &a);
	rt_shutdown(rt, RT_CLOSE_FIN);
	ck_assert_int_eq(rt_submit(rt, sc, &a, done_cb, &o), TV_EABORTED);
	rt_run(rt);
	ck_assert_uint_eq(o.n, 0);
	script_free(sc);
	script_cmd_free(&a);
	rt_free(rt);
}
END_TEST

/* ---- the core additions ---- */

START_TEST(test_close_all_fin_half_closes_and_closes_listeners)
{
	struct sim *s = sim_new(1);
	struct host *a, *b;
	struct apps *apps;
	struct tv_sock *sk;
	struct conn_ctx cc = {false};
	struct rec r;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(sim_add_host(s, "A", ADDR_A, &a), 0);
	ck_assert_int_eq(sim_add_host(s, "B", ADDR_B, &b), 0);
	ck_assert_int_eq(apps_start(b, APP_BIT(APP_ECHO), 0, &apps), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 7, 0, conn_cb, &cc, &sk, 0), 0);
	ck_assert_int_eq(sim_run_until(s, is_connected, &cc, TV_SEC(10)), 0);
	sim_run_until_quiet(s, TV_SEC(10));
	tv_bus_add(sim_bus(s), rec_sink, &r);
	/* B: the listener and the echo connection. */
	ck_assert_uint_eq(sock_close_all(b, false, sim_now(s)), 2);
	ck_assert_uint_eq(r.states[TCB_FIN_WAIT_1], 1);
	ck_assert_uint_eq(r.states[TCB_CLOSED], 1); /* the listener */
	ck_assert_uint_eq(r.rst_out, 0);
	/* Again: nothing new to close, the connection still counts. */
	ck_assert_uint_eq(sock_close_all(b, false, sim_now(s)), 1);
	ck_assert_uint_eq(r.states[TCB_FIN_WAIT_1], 1);
	sim_run_until_quiet(s, TV_SEC(10));
	/* A's socket still reads: it saw the end of the stream. */
	ck_assert_int_eq(sock_recv(sk, &cc, 1, sim_now(s)), 0);
	sock_close(sk, sim_now(s));
	apps_stop(apps, sim_now(s));
	sim_free(s);
}
END_TEST

START_TEST(test_close_all_rst_aborts_synchronized_connections)
{
	struct sim *s = sim_new(1);
	struct host *a, *b;
	struct apps *apps;
	struct tv_sock *sk;
	struct conn_ctx cc = {false};
	struct rec r;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(sim_add_host(s, "A", ADDR_A, &a), 0);
	ck_assert_int_eq(sim_add_host(s, "B", ADDR_B, &b), 0);
	ck_assert_int_eq(apps_start(b, APP_BIT(APP_ECHO), 0, &apps), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 7, 0, conn_cb, &cc, &sk, 0), 0);
	ck_assert_int_eq(sim_run_until(s, is_connected, &cc, TV_SEC(10)), 0);
	sim_run_until_quiet(s, TV_SEC(10));
	tv_bus_add(sim_bus(s), rec_sink, &r);
	ck_assert_uint_eq(sock_close_all(a, true, sim_now(s)), 1);
	ck_assert_uint_eq(r.rst_out, 1);
	ck_assert_uint_eq(sock_close_all(a, true, sim_now(s)), 0);
	sim_run_until_quiet(s, TV_SEC(10));
	ck_assert_int_eq(sock_error(sk), TV_EABORTED);
	sock_close(sk, sim_now(s));
	apps_stop(apps, sim_now(s));
	sim_free(s);
}
END_TEST

struct hook {
	unsigned calls;
	tv_time limit;
};

static int hook_fn(void *ctx, struct sim *s, bool (*cond)(void *, struct sim *), void *cctx,
		   tv_time limit)
{
	struct hook *h = ctx;

	h->calls++;
	h->limit = limit;
	return sim_run_until(s, cond, cctx, limit);
}

START_TEST(test_script_waits_go_through_the_run_until_hook)
{
	struct sim *s = sim_new(1);
	struct hook h = {0, 0};
	struct script_config cfg = {0};
	struct script *sc;
	struct script_cmd cmd;
	struct script_result res;

	cfg.run_until = hook_fn;
	cfg.run_ctx = &h;
	sc = script_new(s, &cfg);
	ck_assert_ptr_nonnull(sc);
	parse("run 3s", &cmd);
	ck_assert_int_eq(script_exec(sc, &cmd, &res), SCRIPT_OK);
	ck_assert_uint_eq(h.calls, 1);
	ck_assert_uint_eq(h.limit, TV_SEC(3));
	ck_assert_uint_eq(sim_now(s), TV_SEC(3));
	script_cmd_free(&cmd);
	script_free(sc);
	sim_free(s);
}
END_TEST


/* A stack that cannot keep up with the clock (chargen into a reader on a
 * wire with no delay, at 100x) must not freeze the loop: catching up
 * stops after a slice of work, other handles get their turn (a 5 ms
 * timer keeps ticking, and ends the test), and the lag is counted. */
struct ticker {
	struct rt *rt;
	unsigned ticks;
};

static void on_tick(uv_timer_t *h)
{
	struct ticker *t = h->data;

	if (++t->ticks == 20)
		rt_stop(t->rt);
}

static void drain_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	uint8_t buf[65536];
	struct rt *rt = ctx;

	(void)err;
	if (ev == TV_SOCK_READABLE)
		while (sock_recv(s, buf, sizeof(buf), sim_now(rt_sim(rt))) > 0)
			;
}

START_TEST(test_rt_falls_behind_rather_than_freezing_the_loop)
{
	struct rt *rt = rt_fast();
	struct sim *s = rt_sim(rt);
	struct ticker t = {rt, 0};
	struct host *a, *b;
	struct apps *apps;
	struct tv_sock *sk;
	uv_timer_t tick;

	ck_assert_int_eq(sim_add_host(s, "A", ADDR_A, &a), 0);
	ck_assert_int_eq(sim_add_host(s, "B", ADDR_B, &b), 0);
	rt_sync(rt);
	ck_assert_int_eq(apps_start(b, APP_BIT(APP_CHARGEN), sim_now(s), &apps), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 19, 0, drain_cb, rt, &sk, sim_now(s)), 0);
	uv_timer_init(rt_loop(rt), &tick);
	tick.data = &t;
	uv_timer_start(&tick, on_tick, 5, 5);
	rt_kick(rt);
	ck_assert_int_eq(rt_run_until(rt, never, NULL, TV_SEC(3600)), TV_EABORTED);
	ck_assert_uint_eq(t.ticks, 20);
	ck_assert_uint_gt(rt_lagged(rt), 0);
	uv_close((uv_handle_t *)&tick, NULL);
	apps_stop(apps, sim_now(s));
	rt_free(rt);
}
END_TEST

static Suite *rt_suite(void)
{
	Suite *s = suite_create("rt");
	TCase *c = tcase_create("clock");
	TCase *d = tcase_create("shutdown");
	TCase *q = tcase_create("commands");
	TCase *k = tcase_create("core");

	tcase_add_test(c, test_rt_paused_clock_stands_still);
	tcase_add_test(c, test_rt_speed_outside_range_is_refused);
	tcase_add_test(c, test_rt_run_until_times_out_at_its_limit);
	tcase_add_test(c, test_rt_run_until_ends_when_the_handshake_completes);
	tcase_add_test(d, test_rt_shutdown_fin_closes_every_connection_in_order);
	tcase_add_test(d, test_rt_shutdown_rst_resets_every_connection);
	tcase_add_test(q, test_rt_submit_runs_a_command_that_does_not_wait_while_one_waits);
	tcase_add_test(q, test_rt_cancel_forgets_a_clients_queued_commands);
	tcase_add_test(q, test_rt_submit_refused_once_stopping);
	tcase_add_test(k, test_close_all_fin_half_closes_and_closes_listeners);
	tcase_add_test(k, test_close_all_rst_aborts_synchronized_connections);
	tcase_add_test(k, test_script_waits_go_through_the_run_until_hook);
	tcase_add_test(k, test_rt_falls_behind_rather_than_freezing_the_loop);
	suite_add_tcase(s, c);
	suite_add_tcase(s, d);
	suite_add_tcase(s, q);
	suite_add_tcase(s, k);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
