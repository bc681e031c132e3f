/*
 * check_ladder.c - the ladder diagram, drawn from a real run (handshake,
 * a line echoed, four-way close, TIME-WAIT): lanes, arrows in order,
 * states where they change, short arrows for dropped segments, marks for
 * retransmissions and segments in flight, ascii mode, the width, and the
 * same bytes for the same run.  Box drawing needs a UTF-8 locale:
 * C.UTF-8 is set for the whole program.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "out/ladder.h"
#include "out/text.h"
#include "out/util.h"
#include "out_fixture.h"

struct lrun {
	struct ofx f;
	struct ladder *l;
	struct ofx_capture cap;
};

static void lrun_setup(struct lrun *r)
{
	ofx_setup(&r->f, 1);
	r->l = ladder_new();
	ck_assert_ptr_nonnull(r->l);
	ck_assert_int_eq(ladder_add_sim_hosts(r->l, r->f.sim), 0);
	ck_assert_int_eq(tv_bus_add(sim_bus(r->f.sim), ladder_sink, r->l), 0);
	ofx_capture_open(&r->cap);
}

static const char *lrun_print(struct lrun *r)
{
	ck_assert_int_eq(ladder_print(r->l, r->cap.fp), 0);
	return ofx_capture_text(&r->cap);
}

static void lrun_teardown(struct lrun *r)
{
	tv_bus_remove(sim_bus(r->f.sim), ladder_sink, r->l);
	ofx_capture_close(&r->cap);
	ladder_free(r->l);
	ofx_teardown(&r->f);
}

/* The line of text containing `needle`, copied into buf ("" if none). */
static const char *line_with(const char *text, const char *needle, char *buf, size_t size)
{
	const char *p = strstr(text, needle), *b, *e;

	buf[0] = '\0';
	if (p == NULL)
		return buf;
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	if (e == NULL)
		e = p + strlen(p);
	snprintf(buf, size, "%.*s", (int)(e - b), b);
	return buf;
}

START_TEST(test_handshake_arrows_in_order_with_states)
{
	struct lrun r;
	const char *t, *syn, *synack, *ack;
	char line[512];

	lrun_setup(&r);
	ofx_run(&r.f);
	t = lrun_print(&r);
	ck_assert_uint_eq(ladder_count(r.l), 1);
	ck_assert_ptr_nonnull(strstr(t, "Connection 1: A 10.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(t, "10.0.0.2:7"));
	syn = strstr(t, "─ SYN seq=0 len=0 ─");
	synack = strstr(t, "─ SYN,ACK seq=0 ack=1 len=0 ─");
	ack = strstr(t, "─ ACK seq=1 ack=1 len=0 ─");
	ck_assert_ptr_nonnull(syn);
	ck_assert(synack > syn && ack > synack);
	/* The opener is on the left: SYN goes right, SYN,ACK comes back. */
	line_with(t, "SYN seq=0 len=0", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "SYN-SENT ├"));
	ck_assert_ptr_nonnull(strstr(line, "▶│ SYN-RECEIVED"));
	line_with(t, "SYN,ACK seq=0 ack=1", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "ESTABLISHED │◀"));
	ck_assert_ptr_nonnull(strstr(line, "─┤"));
	line_with(t, "ACK seq=1 ack=1 len=0", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "▶│ ESTABLISHED"));
	/* The lanes start with the states before the first change. */
	line_with(t, "┬", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "CLOSED ┬"));
	ck_assert_ptr_nonnull(strstr(line, "┬ LISTEN"));
	lrun_teardown(&r);
}
END_TEST

START_TEST(test_four_way_close_shows_time_wait_and_2msl_gap)
{
	struct lrun r;
	const char *t, *fin1, *fin2;
	char line[512];

	lrun_setup(&r);
	ofx_run(&r.f);
	t = lrun_print(&r);
	fin1 = strstr(t, "FIN,ACK seq=16 ack=16");
	fin2 = strstr(t, "FIN,ACK seq=16 ack=17");
	ck_assert_ptr_nonnull(fin1);
	ck_assert_ptr_nonnull(fin2);
	ck_assert(fin2 > fin1);
	line_with(t, "FIN,ACK seq=16 ack=16", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "FIN-WAIT-1 ├"));
	ck_assert_ptr_nonnull(strstr(line, "│ CLOSE-WAIT"));
	line_with(t, "FIN,ACK seq=16 ack=17", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "TIME-WAIT │◀"));
	ck_assert_ptr_nonnull(strstr(line, "┤ LAST-ACK"));
	/* 2 MSL of quiet, then A's TCB goes. */
	ck_assert_ptr_nonnull(strstr(t, "┆          (240 s later)"));
	line_with(t, "240.", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "CLOSED │"));
	lrun_teardown(&r);
}
END_TEST

START_TEST(test_ascii_mode_writes_only_ascii)
{
	struct lrun r;
	const char *t;

	lrun_setup(&r);
	ladder_set_ascii(r.l, true);
	ofx_drop_next(&r.f, r.f.b, r.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r.f);
	t = lrun_print(&r);
	ck_assert_ptr_nonnull(strstr(t, "SYN-SENT +----"));
	ck_assert_ptr_nonnull(strstr(t, "- SYN seq=0 len=0 ----"));
	ck_assert_ptr_nonnull(strstr(t, "| dropped x- SYN,ACK seq=0 ack=1 -"));
	ck_assert_ptr_nonnull(strstr(t, "* SYN,ACK"));
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		ck_assert_msg(*p < 0x80, "byte 0x%02x at %zu", *p, (size_t)(p - (const unsigned char *)t));
	lrun_teardown(&r);
}
END_TEST

static void check_width(const char *t, size_t width)
{
	char line[1024];
	size_t longest = 0;

	for (const char *p = t; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p), w;
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		w = out_width(line);
		ck_assert_msg(w <= width, "%zu columns: %s", w, line);
		if (w > longest)
			longest = w;
		p += n + (e != NULL);
	}
	/* The diagram uses the room it has. */
	ck_assert_uint_ge(longest, width - 2);
}

START_TEST(test_lines_fit_the_width)
{
	struct lrun r;

	lrun_setup(&r);
	ofx_drop_next(&r.f, r.f.b, r.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r.f);
	check_width(lrun_print(&r), LADDER_WIDTH_DEFAULT);
	ofx_capture_close(&r.cap);
	ofx_capture_open(&r.cap);
	ladder_set_width(r.l, 120);
	check_width(lrun_print(&r), 120);
	lrun_teardown(&r);
}
END_TEST

START_TEST(test_dropped_segment_stops_short_with_x_and_rexmit_is_marked)
{
	struct lrun r;
	const char *t;
	char line[512];

	lrun_setup(&r);
	ofx_drop_next(&r.f, r.f.b, r.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r.f);
	t = lrun_print(&r);
	line_with(t, "─ SYN,ACK seq=0 ack=1 ─", line, sizeof(line));
	/* Going left, stopped short of A's lane: an x, no head. */
	ck_assert_ptr_nonnull(strstr(line, "│ dropped ✗─"));
	ck_assert_ptr_null(strstr(line, "◀"));
	/* B resends it after its RTO; this time it arrives. */
	line_with(t, "↻ SYN,ACK seq=0 ack=1", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "ESTABLISHED │◀"));
	ck_assert_ptr_nonnull(strstr(t, "↻    a retransmission"));
	ck_assert_ptr_nonnull(strstr(t, "✗    stops short: lost on the wire or dropped by a gate"));
	lrun_teardown(&r);
}
END_TEST

START_TEST(test_printed_midway_a_held_segment_is_in_flight)
{
	struct lrun r;
	const char *t;
	char line[512];

	lrun_setup(&r);
	gate_set_mode(sim_gate(r.f.sim, r.f.b), GATE_HOLD);
	ofx_start(&r.f);
	sim_run_until_quiet(r.f.sim, TV_SEC(1));
	ck_assert_uint_eq(gate_held_count(sim_gate(r.f.sim, r.f.b)), 1);
	t = lrun_print(&r);
	line_with(t, "SYN seq=0 len=0", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "SYN-SENT ├┄"));
	ck_assert_ptr_nonnull(strstr(line, "┄▶│"));
	ck_assert_ptr_nonnull(strstr(t, "not arrived (yet)"));
	lrun_teardown(&r);
}
END_TEST

START_TEST(test_same_run_draws_the_same_bytes)
{
	struct lrun r1, r2;

	lrun_setup(&r1);
	ofx_drop_next(&r1.f, r1.f.b, r1.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r1.f);
	lrun_setup(&r2);
	ofx_drop_next(&r2.f, r2.f.b, r2.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r2.f);
	ck_assert_str_eq(lrun_print(&r1), lrun_print(&r2));
	lrun_teardown(&r1);
	lrun_teardown(&r2);
}
END_TEST

START_TEST(test_absolute_mode_labels_raw_sequence_numbers)
{
	struct lrun r;
	const char *t;

	lrun_setup(&r);
	ladder_set_absolute(r.l, true);
	ofx_run(&r.f);
	t = lrun_print(&r);
	ck_assert_ptr_null(strstr(t, "SYN seq=0 len=0"));
	ck_assert_ptr_nonnull(strstr(t, "SYN seq="));
	lrun_teardown(&r);
}
END_TEST

static void ignore_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	(void)ctx;
	(void)s;
	(void)ev;
	(void)err;
}

START_TEST(test_rst_from_a_closed_port_ends_the_diagram)
{
	struct lrun r;
	struct tv_sock *sk = NULL;
	const char *t;
	char line[512];

	lrun_setup(&r);
	ck_assert_int_eq(sock_connect(r.f.a, OFX_ADDR_B, 81, 0, ignore_cb, NULL, &sk,
				      sim_now(r.f.sim)),
			 0);
	sim_run_until_quiet(r.f.sim, TV_SEC(10));
	t = lrun_print(&r);
	ck_assert_ptr_nonnull(strstr(t, "→ B 10.0.0.2:81"));
	/* B has no TCB: its lane has no state, only the answer. */
	line_with(t, "─ SYN seq=0 len=0 ─", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "SYN-SENT ├"));
	line_with(t, "RST,ACK seq=0 ack=1", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "CLOSED │◀"));
	ck_assert_uint_eq(ladder_count(r.l), 1);
	/* A second attempt from the same port is a diagram of its own. */
	uint16_t port = sock_local_port(sk);
	ck_assert_uint_ne(port, 0);
	sock_close(sk, sim_now(r.f.sim));
	ck_assert_int_eq(sock_connect(r.f.a, OFX_ADDR_B, 81, port, ignore_cb, NULL, &sk,
				      sim_now(r.f.sim)),
			 0);
	sim_run_until_quiet(r.f.sim, TV_SEC(10));
	sock_close(sk, sim_now(r.f.sim));
	ofx_capture_close(&r.cap);
	ofx_capture_open(&r.cap);
	t = lrun_print(&r);
	ck_assert_uint_eq(ladder_count(r.l), 2);
	ck_assert_ptr_nonnull(strstr(t, "Connection 2: A 10.0.0.1:"));
	lrun_teardown(&r);
}
END_TEST

static void connected_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	(void)s;
	(void)err;
	if (ev == TV_SOCK_CONNECTED)
		*(bool *)ctx = true;
}

/* The text of diagram i alone (owned by the capture). */
static const char *lrun_print_one(struct lrun *r, unsigned i)
{
	ofx_capture_close(&r->cap);
	ofx_capture_open(&r->cap);
	ck_assert_int_eq(ladder_print_one(r->l, i, r->cap.fp), 0);
	return ofx_capture_text(&r->cap);
}

/*
 * RFC 9293 figure 8 on one port pair: an old SYN (held at A's gate) from
 * an aborted connection reaches B while A's new connection waits; B
 * answers it, A resets B's half-open TCB, then the real handshake runs.
 * The two connections share the 4-tuple but not the connection ids: the
 * old SYN, B's answer and B's return to LISTEN are diagram 1; the new
 * SYN, A's RST and the real handshake, numbered from the real ISNs, are
 * diagram 2.  The RST carries the same relative number as in the
 * transcript.
 */
START_TEST(test_same_tuple_twice_kept_apart_by_connection_id)
{
	struct lrun r;
	struct text_out *tx;
	struct ofx_capture tcap;
	struct tv_sock *old = NULL, *c = NULL;
	struct gate_rule g;
	uint32_t rule;
	char line[512], want[64];
	const char *t, *p;
	unsigned long rst;
	bool connected = false;

	lrun_setup(&r);
	ladder_set_ascii(r.l, true);
	ofx_capture_open(&tcap);
	tx = text_new(tcap.fp);
	ck_assert_ptr_nonnull(tx);
	ck_assert_int_eq(text_add_sim_hosts(tx, r.f.sim), 0);
	ck_assert_int_eq(tv_bus_add(sim_bus(r.f.sim), text_sink, tx), 0);
	memset(&g, 0, sizeof(g));
	g.proto = GATE_PROTO_TCP;
	g.flags_mask = 0xff;
	g.flags_value = TV_TH_SYN;
	g.count = GATE_ALWAYS;
	g.action = GATE_ACT_HOLD;
	ck_assert_int_eq(sim_rule(r.f.sim, r.f.a, r.f.b, &g, &rule), 0);
	ck_assert_int_eq(sock_connect(r.f.a, OFX_ADDR_B, 7, 7000, ignore_cb, NULL, &old,
				      sim_now(r.f.sim)),
			 0);
	sim_run_for(r.f.sim, TV_MSEC(500));
	ck_assert_int_eq(sock_abort(old, sim_now(r.f.sim)), 0);
	sim_run_for(r.f.sim, TV_SEC(3));
	ck_assert_int_eq(sock_connect(r.f.a, OFX_ADDR_B, 7, 7000, connected_cb, &connected, &c,
				      sim_now(r.f.sim)),
			 0);
	sim_run_for(r.f.sim, TV_MSEC(100));
	struct gate *ga = sim_gate(r.f.sim, r.f.a);
	ck_assert_uint_eq(gate_held_count(ga), 2);
	ck_assert_uint_eq(gate_step(ga, sim_now(r.f.sim)), 1); /* the old SYN */
	ck_assert_int_eq(sim_run_until_quiet(r.f.sim, TV_SEC(10)), 0);
	ck_assert_int_eq(gate_rule_remove(ga, rule), 0);
	ck_assert_uint_eq(gate_step(ga, sim_now(r.f.sim)), 1); /* the new one */
	ck_assert_int_eq(sim_run_until_quiet(r.f.sim, TV_SEC(10)), 0);
	ck_assert(connected);
	ck_assert_uint_eq(ladder_count(r.l), 2);

	/* Diagram 1: the old SYN arrives at last, B answers, A discards
	 * the answer, B goes back to LISTEN; nothing is left in flight. */
	t = lrun_print_one(&r, 0);
	line_with(t, "- SYN seq=0 len=0 -", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "SYN-SENT +"));
	ck_assert_ptr_nonnull(strstr(line, "->| SYN-RECEIVED"));
	line_with(t, "SYN,ACK seq=0 ack=1", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "|#-"));
	ck_assert_ptr_nonnull(strstr(t, "| LISTEN"));
	ck_assert_ptr_null(strstr(t, "...."));
	ck_assert_ptr_null(strstr(t, "RST"));
	/* Diagram 2: the real handshake, each side from its own ISN. */
	t = lrun_print_one(&r, 1);
	ck_assert_ptr_null(strstr(t, "SYN seq=429"));
	line_with(t, "SYN,ACK seq=0 ack=1 len=0", line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "ESTABLISHED |<"));
	ck_assert_ptr_nonnull(strstr(line, "+ SYN-RECEIVED"));
	ck_assert_ptr_nonnull(strstr(t, "- ACK seq=1 ack=1 len=0 -"));
	/* The RST: the same number in the transcript and the ladder. */
	p = strstr(ofx_capture_text(&tcap), "Flags [R], seq ");
	ck_assert_ptr_nonnull(p);
	rst = strtoul(p + strlen("Flags [R], seq "), NULL, 10);
	ck_assert_uint_ne(rst, 0);
	snprintf(want, sizeof(want), "RST seq=%lu len=0", rst);
	ck_assert_ptr_nonnull(strstr(t, want));
	tv_bus_remove(sim_bus(r.f.sim), text_sink, tx);
	text_free(tx);
	ofx_capture_close(&tcap);
	sock_close(c, sim_now(r.f.sim));
	lrun_teardown(&r);
}
END_TEST

/* ASCII and Unicode: an arrow that stops short and one discarded at the
 * lane have two different marks, and the legend explains each. */
START_TEST(test_short_and_discarded_marks_differ)
{
	static const struct {
		bool ascii;
		const char *x, *discard;
	} style[] = {{true, "x", "#"}, {false, "✗", "⊘"}};

	for (size_t k = 0; k < TV_ARRAY_LEN(style); k++) {
		struct lrun r;
		struct tv_sock *sk = NULL;
		char want[128];
		const char *t;

		lrun_setup(&r);
		ladder_set_ascii(r.l, style[k].ascii);
		/* a lost SYN,ACK (short) and a SYN to a closed port (discarded) */
		ofx_drop_next(&r.f, r.f.b, r.f.a, TV_TH_SYN | TV_TH_ACK);
		ofx_run(&r.f);
		ck_assert_int_eq(sock_connect(r.f.a, OFX_ADDR_B, 81, 0, ignore_cb, NULL, &sk,
					      sim_now(r.f.sim)),
				 0);
		sim_run_until_quiet(r.f.sim, TV_SEC(10));
		sock_close(sk, sim_now(r.f.sim));
		t = lrun_print(&r);
		snprintf(want, sizeof(want), "  %s    stops short: lost on the wire or dropped by a gate",
			 style[k].x);
		ck_assert_msg(strstr(t, want) != NULL, "no '%s' in\n%s", want, t);
		snprintf(want, sizeof(want), "  %s    at a lane: arrived, and the host discarded it",
			 style[k].discard);
		ck_assert_msg(strstr(t, want) != NULL, "no '%s' in\n%s", want, t);
		snprintf(want, sizeof(want), "%s%s", style[k].discard, style[k].ascii ? "|" : "│");
		ck_assert_ptr_nonnull(strstr(t, want));
		lrun_teardown(&r);
	}
}
END_TEST

START_TEST(test_display_width_counts_cjk_as_two_columns)
{
	char buf[64];

	ck_assert_uint_eq(out_width("ESTABLISHED"), 11);
	ck_assert_uint_eq(out_width("已建立"), 6);
	ck_assert_uint_eq(out_width("├──▶│"), 5);
	/* Cut by columns, never inside a character. */
	ck_assert_uint_eq(out_fit("已建立连接", 5, "…", buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "已建…");
	ck_assert_uint_eq(out_fit("ab", 5, "…", buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "ab");
}
END_TEST

static Suite *ladder_suite(void)
{
	Suite *s = suite_create("ladder");
	TCase *c = tcase_create("ladder");

	tcase_add_test(c, test_handshake_arrows_in_order_with_states);
	tcase_add_test(c, test_four_way_close_shows_time_wait_and_2msl_gap);
	tcase_add_test(c, test_ascii_mode_writes_only_ascii);
	tcase_add_test(c, test_lines_fit_the_width);
	tcase_add_test(c, test_dropped_segment_stops_short_with_x_and_rexmit_is_marked);
	tcase_add_test(c, test_printed_midway_a_held_segment_is_in_flight);
	tcase_add_test(c, test_same_run_draws_the_same_bytes);
	tcase_add_test(c, test_absolute_mode_labels_raw_sequence_numbers);
	tcase_add_test(c, test_rst_from_a_closed_port_ends_the_diagram);
	tcase_add_test(c, test_same_tuple_twice_kept_apart_by_connection_id);
	tcase_add_test(c, test_short_and_discarded_marks_differ);
	tcase_add_test(c, test_display_width_counts_cjk_as_two_columns);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "en_US.UTF-8");
	sr = srunner_create(ladder_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
