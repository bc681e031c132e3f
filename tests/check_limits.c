/*
 * check_limits.c - every bound a user can set with `set` (LIMITS in
 * tcpviz(1)) is reached here, through a script on the demo wire: the
 * stack does what the limit promises (refuses, drops or evicts), counts
 * it, and the limit can be set per host or, with `set all`, for hosts
 * declared later.  Also the bounds that only the code sets: the script's
 * queue of sends and the transcript's table of flows.
 *
 * Scripts run in virtual time from seed 1, in the C locale (messages are
 * the English originals).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gate.h"
#include "core/ipv4.h"
#include "core/sim.h"
#include "core/tcp.h"
#include "core/wire.h"
#include "out/text.h"
#include "script/script.h"
#include "script_fixture.h"

static uint64_t counter(struct run *r, const char *host, enum tv_counter c)
{
	struct host *h = sim_host(r->sim, host);

	ck_assert_ptr_nonnull(h);
	return h->counters[c];
}

/* The rendered parse error of one line. */
static const char *parse_error(const char *line)
{
	static char buf[1024];
	struct script_cmd cmd;
	struct script_error err;

	memset(&cmd, 0, sizeof(cmd));
	if (script_parse_line("t.tvs", 1, line, strlen(line), &cmd, &err) == 0) {
		script_cmd_free(&cmd);
		return "(parsed)";
	}
	script_error_format(&err, buf, sizeof(buf));
	return buf;
}

/* ---- connections per host (conns.max) ---- */

START_TEST(test_connect_past_conns_max_fails_clearly_and_counts)
{
	struct run r;

	ck_assert_int_eq(run_text(&r, "host A\nhost B\nset A conns.max 1\nlisten B:80\n"
				      "connect A to B:80 as c1\nconnect A to B:80 as c2\n"),
			 SCRIPT_FAILED);
	ck_assert_uint_eq(r.line_failed, 6);
	ck_assert_str_eq(r.msg, "t.tvs:6:1: connect c2 failed: host 'A' has 1 connections, its conns.max");
	ck_assert_uint_eq(counter(&r, "A", TV_CNT_TCP_SOCK_LIMIT), 1);
	ck_assert_uint_eq(counter(&r, "A", TV_CNT_TCP_CONN_LIMIT), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_syn_past_conns_max_dropped_and_counted)
{
	struct run r;

	/* The listener and c1's child fill B's two places; c2's SYN finds
	 * the table full and is dropped (the client retries, in vain). */
	run_ok(&r, "host A\nhost B\nset B conns.max 2\nlisten B:80\n"
		   "connect A to B:80 as c1\nrun until c1 is ESTABLISHED\n"
		   "connect A to B:80 as c2\nrun 2s\nexpect c2 is SYN-SENT\n"
		   "expect B tcp.conn_limit >= 2\nexpect A tcp.sock_limit == 0\n");
	run_free(&r);
}
END_TEST

START_TEST(test_conns_max_zero_is_refused)
{
	struct run r;

	ck_assert_int_eq(run_text(&r, "host A\nset A conns.max 0\n"), SCRIPT_ERROR);
	ck_assert_str_eq(r.msg, "t.tvs:2:7: 'conns.max' cannot be 0");
	run_free(&r);
	ck_assert_str_eq(parse_error("set A conns.max 2000000"),
			 "t.tvs:1:17: '2000000' is out of range");
}
END_TEST

/* ---- the SYN backlog (backlog) ---- */

START_TEST(test_set_all_backlog_reaches_hosts_declared_later)
{
	struct run r;

	run_ok(&r, "set all backlog 1\nhost A\nhost B\nlisten B:80 noaccept\n"
		   "connect A to B:80 as c1\nrun until c1 is ESTABLISHED\n"
		   "connect A to B:80 as c2\nrun 500ms\nexpect c2 is SYN-SENT\n"
		   "expect B tcp.backlog_full == 1\n");
	ck_assert_uint_eq(sim_host(r.sim, "B")->cfg.backlog_default, 1);
	run_free(&r);
}
END_TEST

/* ---- out-of-order bytes (ooo.max) ---- */

/* The first of two data segments is dropped at A's gate, so the second
 * reaches B out of order. */
static const char ooo_script[] =
	"host A\nhost B\nset B ooo.max %s\nlisten B:80\n"
	"connect A to B:80 as c with nagle off\nrun until c is ESTABLISHED\n"
	"hold A out\nsend c \"aaaa\"\nsend c \"bbbb\"\nrun 1ms\n"
	"drop next\nrelease all\npass A\nrun 100ms\n";

START_TEST(test_ooo_max_set_on_host_drops_and_counts)
{
	struct run r;
	char text[sizeof(ooo_script) + 16];

	snprintf(text, sizeof(text), ooo_script, "0");
	run_ok(&r, text);
	ck_assert_uint_eq(counter(&r, "B", TV_CNT_TCP_OOO_DROP), 4); /* bytes */
	run_free(&r);
	/* The same with room for it: kept, nothing counted. */
	snprintf(text, sizeof(text), ooo_script, "64k");
	run_ok(&r, text);
	ck_assert_uint_eq(counter(&r, "B", TV_CNT_TCP_OOO_DROP), 0);
	run_free(&r);
}
END_TEST

/* ---- ARP (arp.pending, arp.cache) ---- */

START_TEST(test_arp_pending_set_on_host_drops_newest_and_counts)
{
	struct run r;

	/* Two SYNs wait for B's address at once: the second has no room. */
	run_ok(&r, "host A\nhost B\nset A arp.pending 1\nlisten B:80\n"
		   "connect A to B:80 as c1\nconnect A to B:80 as c2\n"
		   "run until c1 is ESTABLISHED\nexpect A arp.queue_full == 1\n");
	run_free(&r);
}
END_TEST

START_TEST(test_arp_cache_shrunk_on_running_host_evicts_and_counts)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nhost C\nlisten B:80\nlisten C:80\n"
		   "connect A to B:80 as c1\nconnect A to C:80 as c2\n"
		   "run until c2 is ESTABLISHED\n");
	ck_assert_uint_eq(counter(&r, "A", TV_CNT_ARP_CACHE_FULL), 0);
	ck_assert_uint_ge(arp_cache_size(sim_host(r.sim, "A")), 2);
	run_free(&r);
	run_ok(&r, "host A\nhost B\nhost C\nlisten B:80\nlisten C:80\n"
		   "connect A to B:80 as c1\nconnect A to C:80 as c2\n"
		   "run until c2 is ESTABLISHED\nset A arp.cache 1\n");
	ck_assert_uint_eq(arp_cache_size(sim_host(r.sim, "A")), 1);
	ck_assert_uint_ge(counter(&r, "A", TV_CNT_ARP_CACHE_FULL), 1);
	ck_assert_uint_eq(sim_host(r.sim, "A")->cfg.arp_cache_max, 1);
	run_free(&r);
}
END_TEST

START_TEST(test_arp_cache_cannot_shrink_below_static_entries)
{
	struct sim *sim = sim_new(1);
	struct host *a, *b;
	const uint8_t m1[6] = {2, 0, 0, 0, 0, 9}, m2[6] = {2, 0, 0, 0, 0, 10};

	ck_assert_int_eq(sim_add_host(sim, "A", 0x0a000001u, &a), 0);
	ck_assert_int_eq(sim_add_host(sim, "B", 0x0a000002u, &b), 0);
	ck_assert_int_eq(arp_insert(a, 0x0a000009u, m1, true, 0), 0);
	ck_assert_int_eq(arp_insert(a, 0x0a00000au, m2, true, 0), 0);
	ck_assert_int_eq(arp_set_cache_max(a, 1), TV_ENOBUFS);
	ck_assert_uint_eq(arp_cache_size(a), 2);
	ck_assert_int_eq(arp_set_cache_max(a, 0), TV_EINVAL);
	ck_assert_int_eq(arp_set_cache_max(a, 2), 0);
	ck_assert_uint_eq(arp_cache_size(a), 2);
	/* Grown again, a third address fits without evicting. */
	ck_assert_int_eq(arp_set_cache_max(a, 3), 0);
	ck_assert_int_eq(arp_insert(a, 0x0a000002u, b->cfg.mac, false, 0), 0);
	ck_assert_uint_eq(arp_cache_size(a), 3);
	ck_assert_uint_eq(a->counters[TV_CNT_ARP_CACHE_FULL], 0);
	sim_free(sim);
}
END_TEST

/* ---- the gate's hold queue (hold.max) ---- */

START_TEST(test_gate_hold_full_drops_and_counts)
{
	struct run r;
	const struct gate_stats *st;

	/* Three SYNs leave A at once into a queue of two. */
	run_ok(&r, "host A\nhost B\nset A hold.max 2\nhold A out\nlisten B:80\n"
		   "connect A to B:80 as c1\nconnect A to B:80 as c2\nconnect A to B:80 as c3\n"
		   "run 100ms\n");
	st = gate_stats(sim_gate(r.sim, sim_host(r.sim, "A")));
	ck_assert_uint_eq(gate_held_count(sim_gate(r.sim, sim_host(r.sim, "A"))), 2);
	ck_assert_uint_eq(st->overflow, 1);
	ck_assert_uint_eq(st->dropped, 1);
	run_free(&r);
}
END_TEST

START_TEST(test_set_all_hold_max_reaches_hosts_declared_later)
{
	struct run r;

	run_ok(&r, "set all hold.max 3\nhost A\nhost B\nset B hold.max 5\n");
	ck_assert_uint_eq(gate_hold_max(sim_gate(r.sim, sim_host(r.sim, "A"))), 3);
	ck_assert_uint_eq(gate_hold_max(sim_gate(r.sim, sim_host(r.sim, "B"))), 5);
	run_free(&r);
}
END_TEST

/* A's inbound side is held, so B's children stay half-open: the second
 * SYN finds the backlog of 1 full. */
static const char evict_script[] =
	"host A\nhost B\n%s\nlisten B:80 backlog 1 noaccept\nhold A in\n"
	"connect A to B:80 as c1\nconnect A to B:80 as c2\nrun 500ms\n";

START_TEST(test_backlog_evict_set_on_host_evicts_instead_of_dropping)
{
	struct run r;
	char text[sizeof(evict_script) + 32];

	snprintf(text, sizeof(text), evict_script, "set B backlog.evict on");
	run_ok(&r, text);
	ck_assert_uint_eq(counter(&r, "B", TV_CNT_TCP_SYN_EVICTED), 1);
	ck_assert_uint_eq(counter(&r, "B", TV_CNT_TCP_BACKLOG_FULL), 0);
	run_free(&r);
	snprintf(text, sizeof(text), evict_script, "set all backlog.evict off");
	run_ok(&r, text);
	ck_assert_uint_eq(counter(&r, "B", TV_CNT_TCP_SYN_EVICTED), 0);
	ck_assert_uint_eq(counter(&r, "B", TV_CNT_TCP_BACKLOG_FULL), 1);
	run_free(&r);
}
END_TEST

START_TEST(test_limits_are_host_parameters_not_connection_ones)
{
	struct run r;

	ck_assert_int_eq(run_text(&r, "host A\nhost B\nlisten B:80\nconnect A to B:80 as c\n"
				      "set c hold.max 4\n"),
			 SCRIPT_ERROR);
	ck_assert_str_eq(r.msg, "t.tvs:5:7: 'hold.max' is a host parameter; set it on the host");
	run_free(&r);
}
END_TEST

/* ---- frames in flight on the wire (wire limit) ---- */

static const char wire_script[] =
	"host A\nhost B\nwire delay 10ms\n%s\nlisten B:80\n"
	"connect A to B:80 as c1\nconnect A to B:80 as c2\n"
	"run until c2 is ESTABLISHED\nexpect c1 is ESTABLISHED\n";

START_TEST(test_wire_limit_loses_frames_past_it_and_counts)
{
	struct run r;
	char text[sizeof(wire_script) + 32];

	/* Both SYNs leave A at once: with room for one frame in flight, the
	 * second is lost and only its retransmission gets through. */
	snprintf(text, sizeof(text), wire_script, "wire limit 1");
	run_ok(&r, text);
	ck_assert_uint_ge(wire_stats(sim_wire(r.sim))->overflow, 1);
	ck_assert_uint_ge(counter(&r, "A", TV_CNT_TCP_RETRANSMIT), 1);
	run_free(&r);
	snprintf(text, sizeof(text), wire_script, "# no limit");
	run_ok(&r, text);
	ck_assert_uint_eq(wire_stats(sim_wire(r.sim))->overflow, 0);
	ck_assert_uint_eq(counter(&r, "A", TV_CNT_TCP_RETRANSMIT), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_wire_limit_is_for_the_whole_wire)
{
	struct run r;

	ck_assert_int_eq(run_text(&r, "host A\nhost B\nwire A -> B limit 5\n"), SCRIPT_ERROR);
	ck_assert_str_eq(r.msg, "t.tvs:3:6: 'limit' is one number of frames (1 or more) for the whole wire: give it without ends");
	run_free(&r);
	ck_assert_int_eq(run_text(&r, "host A\nwire limit 0\n"), SCRIPT_ERROR);
	run_free(&r);
}
END_TEST

/* ---- the script's own queue of sends ---- */

START_TEST(test_sends_past_the_queue_bound_are_refused)
{
	struct run r;
	size_t size = 200 + (SCRIPT_SENDS_MAX + 8) * 16;
	char *text = malloc(size);
	size_t n;

	ck_assert_ptr_nonnull(text);
	/* B never reads and A's send buffer holds 1000 bytes: the sends
	 * wait in the script's queue until it is full. */
	n = (size_t)snprintf(text, size, "host A\nhost B\nlisten B:80 with autoread off\n"
			     "connect A to B:80 as c with sndbuf 1000\n"
			     "run until c is ESTABLISHED\n");
	for (unsigned i = 0; i < SCRIPT_SENDS_MAX + 8; i++)
		n += (size_t)snprintf(text + n, size - n, "send c 1000\n");
	ck_assert_int_eq(run_text(&r, text), SCRIPT_FAILED);
	ck_assert_msg(strstr(r.msg, "sends waiting for the peer to read") != NULL, "%s", r.msg);
	ck_assert_uint_gt(r.line_failed, 5 + SCRIPT_SENDS_MAX);
	run_free(&r);
	free(text);
}
END_TEST

/* ---- the transcript's flow table ---- */

START_TEST(test_text_flow_table_forgotten_past_its_bound)
{
	struct text_out *t = text_new(NULL);
	struct tv_event ev;
	uint32_t isn;

	ck_assert_ptr_nonnull(t);
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_SEG_OUT;
	ev.u.seg.flags = TV_TH_SYN;
	ev.u.seg.saddr = 0x0a000001u;
	ev.u.seg.daddr = 0x0a000002u;
	ev.u.seg.dport = 80;
	/* One SYN per source address and port, as a flood sends them. */
	for (uint32_t i = 0; i < TEXT_FLOWS_MAX; i++) {
		ev.u.seg.saddr = 0x0b000000u + (i >> 16);
		ev.u.seg.sport = (uint16_t)i;
		ev.u.seg.seq = i;
		text_learn(t, &ev);
	}
	ck_assert_uint_eq(text_flows_forgotten(t), 0);
	ck_assert(text_seq_base(t, 0x0b000000u, 0, 0x0a000002u, 80, &isn));
	ev.u.seg.saddr = 0x0c000000u;
	text_learn(t, &ev);
	ck_assert_uint_eq(text_flows_forgotten(t), 1);
	ck_assert(!text_seq_base(t, 0x0b000000u, 0, 0x0a000002u, 80, &isn));
	ck_assert(text_seq_base(t, 0x0c000000u, ev.u.seg.sport, 0x0a000002u, 80, &isn));
	ck_assert_uint_eq(isn, ev.u.seg.seq);
	text_free(t);
}
END_TEST

static Suite *limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *c = tcase_create("limits");

	tcase_add_test(c, test_connect_past_conns_max_fails_clearly_and_counts);
	tcase_add_test(c, test_syn_past_conns_max_dropped_and_counted);
	tcase_add_test(c, test_conns_max_zero_is_refused);
	tcase_add_test(c, test_set_all_backlog_reaches_hosts_declared_later);
	tcase_add_test(c, test_ooo_max_set_on_host_drops_and_counts);
	tcase_add_test(c, test_arp_pending_set_on_host_drops_newest_and_counts);
	tcase_add_test(c, test_arp_cache_shrunk_on_running_host_evicts_and_counts);
	tcase_add_test(c, test_arp_cache_cannot_shrink_below_static_entries);
	tcase_add_test(c, test_gate_hold_full_drops_and_counts);
	tcase_add_test(c, test_set_all_hold_max_reaches_hosts_declared_later);
	tcase_add_test(c, test_backlog_evict_set_on_host_evicts_instead_of_dropping);
	tcase_add_test(c, test_limits_are_host_parameters_not_connection_ones);
	tcase_add_test(c, test_wire_limit_loses_frames_past_it_and_counts);
	tcase_add_test(c, test_wire_limit_is_for_the_whole_wire);
	tcase_add_test(c, test_sends_past_the_queue_bound_are_refused);
	tcase_add_test(c, test_text_flow_table_forgotten_past_its_bound);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(limits_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
