/*
 * check_sim.c - tests for the headless driver: hosts on the wire behind
 * their gates, the virtual clock (steps land exactly on deadlines,
 * sim_run_for is exact, run_until stops on its condition or its limit),
 * idle and quiet, repeatability from the seed, and gate control through
 * the sim.  Most traffic is ARP and ICMP echo; the "tcp" cases drive TCP
 * connections to the built-in services through gate rules and an
 * impaired wire.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/apps.h"
#include "core/ipv4.h"
#include "core/sim.h"
#include "core/sock.h"

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u
#define ADDR_C 0x0a000003u

struct rec {
	struct tv_event *ev;
	size_t n, cap;
};

static void rec_sink(void *ctx, const struct tv_event *ev)
{
	struct rec *r = ctx;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
		ck_assert_ptr_nonnull(r->ev);
	}
	r->ev[r->n++] = *ev;
}

static size_t rec_count(const struct rec *r, enum tv_event_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->ev[i].type == t;
	return n;
}

static struct sim *sim_ab(uint64_t seed, struct host **a, struct host **b)
{
	struct sim *s = sim_new(seed);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_add_host(s, "A", ADDR_A, a), 0);
	ck_assert_int_eq(sim_add_host(s, "B", ADDR_B, b), 0);
	return s;
}

static void ping(struct sim *s, struct host *from, uint32_t to, uint16_t seq)
{
	ck_assert_int_eq(icmp_send_echo(from, to, 1, seq, (const uint8_t *)"ping", 4, sim_now(s)),
			 0);
}

static void set_delay(struct sim *s, tv_time d)
{
	struct wire_impair im;

	wire_impair_none(&im);
	im.delay = d;
	ck_assert_int_eq(wire_set_default(sim_wire(s), &im), 0);
}

static bool a_has_reply(void *ctx, struct sim *s)
{
	struct host *a = ctx;

	(void)s;
	return a->counters[TV_CNT_ICMP_ECHO_REPLY] > 0;
}

/* ---- hosts ---- */

START_TEST(test_host_mac_is_derived_from_its_address)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	const uint8_t want[6] = {0x02, 0x00, 10, 0, 0, 1};

	ck_assert_mem_eq(a->cfg.mac, want, 6);
	ck_assert_str_eq(a->cfg.name, "A");
	ck_assert_uint_eq(a->id, 1);
	ck_assert_uint_eq(b->id, 2);
	ck_assert_ptr_eq(a->cfg.bus, sim_bus(s));
	ck_assert_uint_eq(wire_port_host(sim_port(s, b)), 2);
	sim_free(s);
}
END_TEST

START_TEST(test_add_host_refuses_duplicates_and_empty_names)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);

	ck_assert_int_eq(sim_add_host(s, "A", ADDR_C, NULL), TV_EEXIST);
	ck_assert_int_eq(sim_add_host(s, "C", ADDR_A, NULL), TV_EEXIST); /* same MAC */
	ck_assert_int_eq(sim_add_host(s, "", ADDR_C, NULL), TV_EINVAL);
	ck_assert_uint_eq(sim_host_count(s), 2);
	ck_assert_int_eq(sim_add_host(s, "C", ADDR_C, NULL), 0);
	ck_assert_uint_eq(sim_host_count(s), 3);
	sim_free(s);
}
END_TEST

START_TEST(test_add_host_refuses_a_config_host_new_rejects)
{
	struct sim *s = sim_new(1);
	struct host_config cfg;

	sim_host_config(s, &cfg, "A", ADDR_A);
	cfg.mtu = 10;
	ck_assert_int_eq(sim_add_host_config(s, &cfg, NULL), TV_EINVAL);
	ck_assert_uint_eq(sim_host_count(s), 0);
	ck_assert_int_eq(sim_add_host(s, "A", ADDR_A, NULL), 0);
	sim_free(s);
}
END_TEST

START_TEST(test_hosts_can_be_found_by_name_address_and_index)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);

	ck_assert_ptr_eq(sim_host(s, "B"), b);
	ck_assert_ptr_null(sim_host(s, "Z"));
	ck_assert_ptr_eq(sim_host_by_addr(s, ADDR_A), a);
	ck_assert_ptr_null(sim_host_by_addr(s, ADDR_C));
	ck_assert_ptr_eq(sim_host_at(s, 1), b);
	ck_assert_ptr_null(sim_host_at(s, 2));
	ck_assert_ptr_nonnull(sim_gate(s, a));
	ck_assert_ptr_ne(sim_gate(s, a), sim_gate(s, b));
	sim_free(s);
}
END_TEST

START_TEST(test_hosts_get_different_isn_keys)
{
	struct host *a, *b, *a2, *b2;
	struct sim *s = sim_ab(1, &a, &b), *t = sim_ab(2, &a2, &b2);

	ck_assert(memcmp(a->cfg.isn_key, b->cfg.isn_key, 16) != 0);
	ck_assert(memcmp(a->cfg.isn_key, a2->cfg.isn_key, 16) != 0);
	sim_free(s);
	sim_free(t);
}
END_TEST

/* ---- traffic ---- */

START_TEST(test_ping_crosses_the_wire_both_ways)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);

	ping(s, a, ADDR_B, 1);
	ck_assert_int_eq(sim_run_until_quiet(s, TV_SEC(10)), 0);
	ck_assert_uint_eq(b->counters[TV_CNT_ICMP_ECHO], 1);
	ck_assert_uint_eq(a->counters[TV_CNT_ICMP_ECHO_REPLY], 1);
	ck_assert_uint_gt(wire_stats(sim_wire(s))->delivered, 3); /* ARP x2 + echo x2 */
	sim_free(s);
}
END_TEST

START_TEST(test_events_of_every_part_reach_the_sim_bus)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	struct rec r = {0};
	struct wire_impair lossy;
	struct gate_rule hold = {.proto = GATE_PROTO_ICMP, .action = GATE_ACT_HOLD};

	tv_bus_add(sim_bus(s), rec_sink, &r);
	ck_assert_int_eq(sim_rule(s, b, NULL, &hold, NULL), 0); /* B's replies */
	wire_impair_none(&lossy);
	lossy.loss_ppm = 1000000;
	ck_assert_int_eq(wire_set_impair(sim_wire(s), sim_port(s, b), sim_port(s, a), &lossy), 0);
	ping(s, a, ADDR_B, 1);
	sim_run_until_quiet(s, TV_SEC(10));
	ck_assert_uint_gt(rec_count(&r, TV_EV_ARP), 0);
	ck_assert_uint_gt(rec_count(&r, TV_EV_ICMP), 0);
	ck_assert_uint_gt(rec_count(&r, TV_EV_GATE), 0);
	ck_assert_uint_gt(rec_count(&r, TV_EV_WIRE), 0); /* B's ARP reply lost */
	for (size_t i = 0; i < r.n; i++)
		if (r.ev[i].type == TV_EV_WIRE) {
			ck_assert_uint_eq(r.ev[i].u.wire.from, b->id);
			ck_assert_uint_eq(r.ev[i].u.wire.to, a->id);
		}
	free(r.ev);
	sim_free(s);
}
END_TEST

/* ---- the clock ---- */

START_TEST(test_step_lands_exactly_on_the_next_deadline)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	unsigned steps = 0;

	set_delay(s, TV_MSEC(10));
	ping(s, a, ADDR_B, 1);
	for (;;) {
		tv_time before = sim_now(s), next = sim_next_deadline(s);
		if (!sim_step(s))
			break;
		ck_assert_uint_eq(sim_now(s), next > before ? next : before);
		steps++;
	}
	ck_assert_uint_gt(steps, 3);
	ck_assert_uint_eq(sim_steps(s), steps);
	ck_assert_uint_eq(a->counters[TV_CNT_ICMP_ECHO_REPLY], 1);
	ck_assert(sim_idle(s));
	ck_assert(!sim_step(s)); /* nothing left: the clock stays */
	sim_free(s);
}
END_TEST

START_TEST(test_run_for_is_exact)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	tv_time t0;

	set_delay(s, TV_MSEC(10));
	sim_run_for(s, TV_MSEC(1500));
	ck_assert_uint_eq(sim_now(s), TV_MSEC(1500));
	/* Resolve ARP both ways first, so the echo is just two frames. */
	ping(s, a, ADDR_B, 1);
	ping(s, b, ADDR_A, 1);
	sim_run_until_quiet(s, TV_SEC(10));
	t0 = sim_now(s);
	ping(s, a, ADDR_B, 2);
	sim_run_for(s, TV_MSEC(10) - 1);
	ck_assert_uint_eq(sim_now(s), t0 + TV_MSEC(10) - 1);
	ck_assert_uint_eq(b->counters[TV_CNT_ICMP_ECHO], 1);
	sim_run_for(s, 1);                    /* due exactly at the end: done */
	ck_assert_uint_eq(b->counters[TV_CNT_ICMP_ECHO], 2);
	sim_run_for(s, TV_MSEC(10) - 1);
	ck_assert_uint_eq(a->counters[TV_CNT_ICMP_ECHO_REPLY], 1);
	sim_run_for(s, 1);
	ck_assert_uint_eq(a->counters[TV_CNT_ICMP_ECHO_REPLY], 2);
	ck_assert_uint_eq(sim_now(s), t0 + TV_MSEC(20));
	sim_run_for(s, 0);
	ck_assert_uint_eq(sim_now(s), t0 + TV_MSEC(20));
	sim_free(s);
}
END_TEST

START_TEST(test_run_until_stops_when_the_condition_holds)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);

	struct rec r = {0};

	set_delay(s, TV_MSEC(7));
	tv_bus_add(sim_bus(s), rec_sink, &r);
	ping(s, a, ADDR_B, 1);
	ck_assert_int_eq(sim_run_until(s, a_has_reply, a, TV_SEC(5)), 0);
	/* Stopped at the step that delivered the reply, a whole number of
	 * 7 ms hops after the ping (at least the request and the reply). */
	ck_assert_uint_ge(sim_now(s), TV_MSEC(14));
	ck_assert_uint_eq(sim_now(s) % TV_MSEC(7), 0);
	ck_assert_int_eq(r.ev[r.n - 1].type, TV_EV_ICMP);
	ck_assert_uint_eq(r.ev[r.n - 1].time, sim_now(s));
	ck_assert_uint_eq(r.ev[r.n - 1].u.icmp.type, 0);
	free(r.ev);
	sim_free(s);
}
END_TEST

START_TEST(test_run_until_times_out_at_the_limit)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);

	sim_run_for(s, TV_SEC(1));
	ck_assert_int_eq(sim_run_until(s, a_has_reply, a, TV_SEC(2)), TV_ETIMEDOUT);
	ck_assert_uint_eq(sim_now(s), TV_SEC(3));
	sim_free(s);
}
END_TEST

START_TEST(test_quiet_then_idle)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);

	set_delay(s, TV_MSEC(10));
	ping(s, a, ADDR_B, 1);
	ck_assert(!sim_quiet(s));
	ck_assert_int_eq(sim_run_until_quiet(s, TV_SEC(10)), 0);
	ck_assert(sim_quiet(s));
	ck_assert_uint_eq(wire_in_flight(sim_wire(s)), 0);
	ck_assert_uint_eq(a->counters[TV_CNT_ICMP_ECHO_REPLY], 1);
	ck_assert_uint_ge(sim_now(s), TV_MSEC(20));
	ck_assert_uint_eq(sim_now(s) % TV_MSEC(10), 0);
	/* ARP entries still age: quiet is not idle. */
	ck_assert(!sim_idle(s));
	ck_assert_int_eq(sim_run_until_idle(s, TV_SEC(3600)), 0);
	ck_assert(sim_idle(s));
	ck_assert_uint_eq(sim_next_deadline(s), TV_NEVER);
	ck_assert_uint_gt(sim_now(s), TV_MSEC(20));
	sim_free(s);
}
END_TEST

START_TEST(test_held_frames_do_not_keep_the_sim_busy)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);

	gate_set_mode(sim_gate(s, b), GATE_HOLD);
	ping(s, a, ADDR_B, 1);
	ck_assert_int_eq(sim_run_until_quiet(s, TV_SEC(1)), 0);
	ck_assert_uint_gt(gate_held_count(sim_gate(s, b)), 0);
	ck_assert_uint_eq(b->counters[TV_CNT_ICMP_ECHO], 0);
	sim_free(s);
}
END_TEST

/* ---- the gates through the sim ---- */

START_TEST(test_gate_holds_until_released_then_ping_completes)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	struct gate *g = sim_gate(s, b);
	struct gate_held h[8];
	size_t n;

	sim_run_until_quiet(s, TV_SEC(1)); /* gratuitous ARPs pass */
	gate_set_dir_mode(g, TV_DIR_IN, GATE_HOLD);
	ping(s, a, ADDR_B, 1);
	sim_run_until_quiet(s, TV_SEC(1) / 2);
	n = gate_held_list(g, h, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(h[0].sum.kind, TV_FRAME_ARP); /* A's request for B */
	ck_assert_ptr_eq(sim_gate_holding(s, h[0].id), g);
	ck_assert_ptr_null(sim_gate_holding(s, h[0].id + 100));
	gate_set_dir_mode(g, TV_DIR_IN, GATE_PASS);
	gate_release(g, h[0].id, sim_now(s));
	ck_assert_int_eq(sim_run_until(s, a_has_reply, a, TV_SEC(1) / 2), 0);
	sim_free(s);
}
END_TEST

START_TEST(test_rule_from_a_to_b_drops_only_that_direction)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	struct gate_rule r = {.proto = GATE_PROTO_ICMP, .count = GATE_NEXT,
			      .action = GATE_ACT_DROP};

	ck_assert_int_eq(sim_rule(s, a, b, &r, NULL), 0);
	ck_assert_uint_eq(gate_rule_count(sim_gate(s, a)), 1);
	ck_assert_uint_eq(gate_rule_at(sim_gate(s, a), 0)->daddr, ADDR_B);
	ping(s, b, ADDR_A, 1);              /* B -> A request, A -> B reply dropped */
	sim_run_until_quiet(s, TV_SEC(1));
	ck_assert_uint_eq(a->counters[TV_CNT_ICMP_ECHO], 1);
	ck_assert_uint_eq(b->counters[TV_CNT_ICMP_ECHO_REPLY], 0);
	ping(s, b, ADDR_A, 2);
	sim_run_until_quiet(s, TV_SEC(1));
	ck_assert_uint_eq(b->counters[TV_CNT_ICMP_ECHO_REPLY], 1);
	ck_assert_int_eq(sim_rule(s, NULL, NULL, &r, NULL), TV_EINVAL);
	sim_free(s);
}
END_TEST

/* ---- TCP through the gates and the wire ---- */

struct conn {
	struct tv_sock *sk;
	bool connected, eof;
	int err;
	size_t got;
};

static void conn_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct conn *c = ctx;
	uint8_t buf[4096];
	long n;

	if (ev == TV_SOCK_CONNECTED)
		c->connected = true;
	if (ev == TV_SOCK_ERROR)
		c->err = err;
	while ((n = sock_recv(s, buf, sizeof(buf), sock_host(s)->now)) > 0)
		c->got += (size_t)n;
	if (n == 0)
		c->eof = true;
}

static bool conn_connected(void *ctx, struct sim *s)
{
	(void)s;
	return ((struct conn *)ctx)->connected;
}

static bool conn_eof(void *ctx, struct sim *s)
{
	(void)s;
	return ((struct conn *)ctx)->eof || ((struct conn *)ctx)->err;
}

/* Hold every segment with SYN at A's gate and step the handshake. */
START_TEST(test_handshake_stepped_through_a_gate)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	struct gate *g = sim_gate(s, a);
	struct gate_rule r = {.flags_mask = TV_TH_SYN, .flags_value = TV_TH_SYN,
			      .action = GATE_ACT_HOLD};
	struct apps *ap;
	struct conn c = {0};
	struct gate_held h;

	ck_assert_int_eq(apps_start(b, APP_BIT(APP_ECHO), 0, &ap), 0);
	ck_assert_int_eq(gate_rule_add(g, &r, NULL), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 7, 0, conn_cb, &c, &c.sk, 0), 0);
	sim_run_until_quiet(s, TV_MSEC(100));
	ck_assert_uint_eq(gate_held_list(g, &h, 1), 1);
	ck_assert_int_eq(h.dir, TV_DIR_OUT);
	ck_assert_uint_eq(h.sum.seg.flags, TV_TH_SYN);
	ck_assert_uint_eq(gate_step(g, sim_now(s)), 1);
	sim_run_until_quiet(s, TV_MSEC(100));
	ck_assert(!c.connected);
	ck_assert_uint_eq(gate_held_list(g, &h, 1), 1); /* the SYN,ACK coming in */
	ck_assert_int_eq(h.dir, TV_DIR_IN);
	ck_assert_uint_eq(h.sum.seg.flags, TV_TH_SYN | TV_TH_ACK);
	ck_assert_uint_eq(gate_step(g, sim_now(s)), 1);
	ck_assert_int_eq(sim_run_until(s, conn_connected, &c, TV_MSEC(100)), 0);
	sock_close(c.sk, sim_now(s));
	apps_stop(ap, sim_now(s));
	sim_free(s);
}
END_TEST

/* On a wire with no delay, chargen to a client that reads everything
 * moves data without time passing: a run must give up (TV_ESTALLED, the
 * clock where it stood) instead of spinning for ever.  Small buffers keep
 * each step to a few frames, so the bound is reached quickly. */
START_TEST(test_endless_traffic_at_one_instant_stalls_the_run)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	struct apps *ap;
	struct conn c = {0};

	a->cfg.tcp.rcvbuf = b->cfg.tcp.rcvbuf = 2048;
	a->cfg.tcp.sndbuf = b->cfg.tcp.sndbuf = 2048;
	ck_assert_int_eq(apps_start(b, APP_BIT(APP_CHARGEN), 0, &ap), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 19, 0, conn_cb, &c, &c.sk, 0), 0);
	ck_assert_int_eq(sim_run_until(s, conn_connected, &c, TV_SEC(1)), 0);
	tv_time t0 = sim_now(s);
	ck_assert_int_eq(sim_run_for(s, TV_SEC(3)), TV_ESTALLED);
	ck_assert_uint_eq(sim_now(s), t0);
	ck_assert_uint_gt(c.got, 0);
	ck_assert_int_eq(sim_run_until_idle(s, TV_SEC(3)), TV_ESTALLED);
	/* With a delay on the wire the same traffic lets time pass. */
	set_delay(s, TV_MSEC(1));
	ck_assert_int_eq(sim_run_for(s, TV_MSEC(50)), 0);
	ck_assert_uint_eq(sim_now(s), t0 + TV_MSEC(50));
	sock_abort(c.sk, sim_now(s));
	apps_stop(ap, sim_now(s));
	sim_free(s);
}
END_TEST

/* "Drop the next segment from B with FIN set": B's FIN is lost once and
 * retransmitted, and the close still completes. */
START_TEST(test_dropped_fin_is_retransmitted)
{
	struct host *a, *b;
	struct sim *s = sim_ab(1, &a, &b);
	struct gate_rule r = {.flags_mask = TV_TH_FIN, .flags_value = TV_TH_FIN,
			      .count = GATE_NEXT, .action = GATE_ACT_DROP};
	struct apps *ap;
	struct conn c = {0};

	ck_assert_int_eq(apps_start(b, APP_BIT(APP_DAYTIME), 0, &ap), 0);
	ck_assert_int_eq(sim_rule(s, b, a, &r, NULL), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 13, 0, conn_cb, &c, &c.sk, 0), 0);
	ck_assert_int_eq(sim_run_until(s, conn_eof, &c, TV_SEC(30)), 0);
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_gt(c.got, 0);
	ck_assert_uint_ge(sim_now(s), TV_SEC(1)); /* waited for the RTO */
	ck_assert_uint_ge(b->counters[TV_CNT_TCP_RETRANSMIT], 1);
	ck_assert_uint_eq(gate_stats(sim_gate(s, b))->dropped, 1);
	sock_close(c.sk, sim_now(s));
	ck_assert_int_eq(sim_run_until_idle(s, TV_SEC(3600)), 0);
	apps_stop(ap, sim_now(s));
	sim_free(s);
}
END_TEST

/* A bulk echo over a wire that loses, duplicates and reorders in both
 * directions still delivers every byte in order. */
START_TEST(test_echo_survives_an_impaired_wire)
{
	struct host *a, *b;
	struct sim *s = sim_ab(9, &a, &b);
	struct wire_impair im;
	struct apps *ap;
	struct conn c = {0};
	static uint8_t data[300000];
	size_t sent = 0;

	wire_impair_none(&im);
	im.delay = TV_MSEC(1);
	im.jitter = TV_USEC(300);
	im.loss_ppm = 20000;
	im.dup_ppm = 10000;
	im.reorder_ppm = 20000;
	wire_set_default(sim_wire(s), &im);
	ck_assert_int_eq(apps_start(b, APP_BIT(APP_ECHO), 0, &ap), 0);
	ck_assert_int_eq(sock_connect(a, ADDR_B, 7, 0, conn_cb, &c, &c.sk, 0), 0);
	while (sent < sizeof(data) && sim_now(s) < TV_SEC(600)) {
		long n = sock_send(c.sk, data + sent, sizeof(data) - sent, sim_now(s));
		if (n > 0)
			sent += (size_t)n;
		sim_run_for(s, TV_MSEC(10));
	}
	ck_assert_uint_eq(sent, sizeof(data));
	sock_shutdown(c.sk, sim_now(s));
	ck_assert_int_eq(sim_run_until(s, conn_eof, &c, TV_SEC(600)), 0);
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_eq(c.got, sizeof(data));
	ck_assert_uint_gt(wire_stats(sim_wire(s))->lost, 0);
	ck_assert_uint_gt(wire_stats(sim_wire(s))->reordered, 0);
	sock_close(c.sk, sim_now(s));
	apps_stop(ap, sim_now(s));
	sim_free(s);
}
END_TEST

/* ---- repeatability ---- */

/* A lossy, jittery run: ten pings each way over 30% loss. */
static struct rec lossy_run(uint64_t seed)
{
	struct host *a, *b;
	struct sim *s = sim_ab(seed, &a, &b);
	struct rec r = {0};
	struct wire_impair im;

	wire_impair_none(&im);
	im.loss_ppm = 300000;
	im.delay = TV_MSEC(1);
	im.jitter = TV_MSEC(2);
	wire_set_default(sim_wire(s), &im);
	tv_bus_add(sim_bus(s), rec_sink, &r);
	for (uint16_t i = 1; i <= 10; i++) {
		ping(s, a, ADDR_B, i);
		ping(s, b, ADDR_A, i);
		sim_run_for(s, TV_SEC(1));
	}
	sim_run_until_idle(s, TV_SEC(3600));
	sim_free(s);
	return r;
}

static bool same_events(const struct rec *x, const struct rec *y)
{
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (x->ev[i].type != y->ev[i].type || x->ev[i].time != y->ev[i].time ||
		    x->ev[i].host != y->ev[i].host)
			return false;
	return true;
}

START_TEST(test_same_seed_same_events_other_seed_other_events)
{
	struct rec a = lossy_run(42), b = lossy_run(42), c = lossy_run(43);

	ck_assert_uint_gt(a.n, 40);
	ck_assert(same_events(&a, &b));
	ck_assert(!same_events(&a, &c));
	free(a.ev);
	free(b.ev);
	free(c.ev);
}
END_TEST

static Suite *sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *h = tcase_create("hosts");
	TCase *c = tcase_create("clock");
	TCase *g = tcase_create("gates");
	TCase *t = tcase_create("tcp");

	tcase_add_test(h, test_host_mac_is_derived_from_its_address);
	tcase_add_test(h, test_add_host_refuses_duplicates_and_empty_names);
	tcase_add_test(h, test_add_host_refuses_a_config_host_new_rejects);
	tcase_add_test(h, test_hosts_can_be_found_by_name_address_and_index);
	tcase_add_test(h, test_hosts_get_different_isn_keys);
	tcase_add_test(h, test_ping_crosses_the_wire_both_ways);
	tcase_add_test(h, test_events_of_every_part_reach_the_sim_bus);
	tcase_add_test(c, test_step_lands_exactly_on_the_next_deadline);
	tcase_add_test(c, test_run_for_is_exact);
	tcase_add_test(c, test_run_until_stops_when_the_condition_holds);
	tcase_add_test(c, test_run_until_times_out_at_the_limit);
	tcase_add_test(c, test_quiet_then_idle);
	tcase_add_test(c, test_held_frames_do_not_keep_the_sim_busy);
	tcase_add_test(c, test_same_seed_same_events_other_seed_other_events);
	tcase_add_test(g, test_gate_holds_until_released_then_ping_completes);
	tcase_add_test(g, test_rule_from_a_to_b_drops_only_that_direction);
	tcase_add_test(t, test_handshake_stepped_through_a_gate);
	tcase_add_test(t, test_endless_traffic_at_one_instant_stalls_the_run);
	tcase_add_test(t, test_dropped_fin_is_retransmitted);
	tcase_add_test(t, test_echo_survives_an_impaired_wire);
	suite_add_tcase(s, h);
	suite_add_tcase(s, t);
	suite_add_tcase(s, c);
	suite_add_tcase(s, g);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sim_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
