/*
 * check_text.c - the transcript's line formats: tcpdump-style segments
 * with relative or absolute sequence numbers, state changes with their
 * rule, timers, gate and wire actions and drops.  Events are built by
 * hand, so these tests need no stack; messages are the untranslated
 * English (no setlocale).
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/tcp.h"
#include "out/text.h"

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u
#define ISS_A 1000000u
#define ISS_B 7000000u

static struct text_out *text_ab(void)
{
	struct text_out *t = text_new(NULL);

	ck_assert_ptr_nonnull(t);
	text_add_host(t, 1, "A", ADDR_A);
	text_add_host(t, 2, "B", ADDR_B);
	return t;
}

/* A segment event on host `host` (1 = A, 2 = B) from src to dst. */
static struct tv_event seg_event(enum tv_event_type type, uint32_t host, tv_time at, bool a_to_b,
				 uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct tv_event ev;
	struct tv_seg_info *s = &ev.u.seg;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.time = at;
	ev.host = host;
	ev.conn = 1;
	s->saddr = a_to_b ? ADDR_A : ADDR_B;
	s->daddr = a_to_b ? ADDR_B : ADDR_A;
	s->sport = a_to_b ? 40000 : 7;
	s->dport = a_to_b ? 7 : 40000;
	s->seq = seq;
	s->ack = ack;
	s->flags = flags;
	s->win = 65535;
	s->len = len;
	/* The local TCB's view. */
	bool local_is_a = host == 1;
	ev.tuple.laddr = local_is_a ? ADDR_A : ADDR_B;
	ev.tuple.raddr = local_is_a ? ADDR_B : ADDR_A;
	ev.tuple.lport = local_is_a ? 40000 : 7;
	ev.tuple.rport = local_is_a ? 7 : 40000;
	s->iss = local_is_a ? ISS_A : ISS_B;
	s->irs = flags == TV_TH_SYN && local_is_a ? 0 : (local_is_a ? ISS_B : ISS_A);
	return ev;
}

static const char *fmt(struct text_out *t, const struct tv_event *ev)
{
	static char buf[512];

	text_learn(t, ev);
	text_format(t, ev, buf, sizeof(buf));
	return buf;
}

START_TEST(test_syn_prints_like_tcpdump_with_relative_seq)
{
	struct text_out *t = text_ab();
	struct tv_event ev = seg_event(TV_EV_SEG_OUT, 1, 100, true, TV_TH_SYN, ISS_A, 0, 0);

	ev.u.seg.has_mss = ev.u.seg.has_wscale = 1;
	ev.u.seg.mss = 1460;
	ev.u.seg.wscale = 7;
	ck_assert_str_eq(fmt(t, &ev), "0.000100 A.40000 > B.7: Flags [S], seq 0, win 65535, "
				      "options [mss 1460,wscale 7], length 0");
	text_free(t);
}
END_TEST

START_TEST(test_handshake_and_data_use_both_bases)
{
	struct text_out *t = text_ab();
	struct tv_event syn = seg_event(TV_EV_SEG_OUT, 1, 100, true, TV_TH_SYN, ISS_A, 0, 0);
	struct tv_event synack = seg_event(TV_EV_SEG_OUT, 2, 150, false, TV_TH_SYN | TV_TH_ACK,
					   ISS_B, ISS_A + 1, 0);
	struct tv_event data = seg_event(TV_EV_SEG_OUT, 1, 200, true, TV_TH_PSH | TV_TH_ACK,
					 ISS_A + 1, ISS_B + 1, 5);
	struct tv_event fin = seg_event(TV_EV_SEG_OUT, 2, 300, false, TV_TH_FIN | TV_TH_ACK,
					ISS_B + 1, ISS_A + 6, 0);
	struct tv_event ack = seg_event(TV_EV_SEG_OUT, 1, 400, true, TV_TH_ACK, ISS_A + 6,
					ISS_B + 2, 0);

	fmt(t, &syn);
	ck_assert_str_eq(fmt(t, &synack),
			 "0.000150 B.7 > A.40000: Flags [S.], seq 0, ack 1, win 65535, length 0");
	ck_assert_str_eq(fmt(t, &data),
			 "0.000200 A.40000 > B.7: Flags [P.], seq 1:6, ack 1, win 65535, length 5");
	ck_assert_str_eq(fmt(t, &fin),
			 "0.000300 B.7 > A.40000: Flags [F.], seq 1, ack 6, win 65535, length 0");
	ck_assert_str_eq(fmt(t, &ack),
			 "0.000400 A.40000 > B.7: Flags [.], ack 2, win 65535, length 0");
	text_free(t);
}
END_TEST

START_TEST(test_absolute_mode_prints_raw_numbers)
{
	struct text_out *t = text_ab();
	struct tv_event synack = seg_event(TV_EV_SEG_OUT, 2, 150, false, TV_TH_SYN | TV_TH_ACK,
					   ISS_B, ISS_A + 1, 0);

	text_set_absolute(t, true);
	ck_assert_str_eq(fmt(t, &synack), "0.000150 B.7 > A.40000: Flags [S.], seq 7000000, "
					  "ack 1000001, win 65535, length 0");
	text_free(t);
}
END_TEST

START_TEST(test_state_change_names_both_ends_and_the_rule)
{
	struct text_out *t = text_ab();
	struct tv_event syn = seg_event(TV_EV_SEG_IN, 2, 120, true, TV_TH_SYN, ISS_A, 0, 0);
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_STATE;
	ev.time = 150;
	ev.host = 2;
	ev.conn = 3;
	ev.tuple = (struct tv_tuple){ADDR_B, ADDR_A, 7, 40000};
	ev.rule = TV_RULE_LISTEN_SYN;
	ev.u.state.old_state = TCB_LISTEN;
	ev.u.state.new_state = TCB_SYN_RECEIVED;
	fmt(t, &syn);
	ck_assert_str_eq(fmt(t, &ev), "0.000150 B 10.0.0.2:7 <- 10.0.0.1:40000 LISTEN -> "
				      "SYN-RECEIVED (RFC 9293 3.10.7.2: SYN in LISTEN: send SYN,ACK)");
	/* The same connection seen from A, which opened it. */
	ev.host = 1;
	ev.tuple = (struct tv_tuple){ADDR_A, ADDR_B, 40000, 7};
	ev.rule = TV_RULE_SYN_SENT_SYNACK;
	ev.u.state.old_state = TCB_SYN_SENT;
	ev.u.state.new_state = TCB_ESTABLISHED;
	ck_assert(strncmp(fmt(t, &ev), "0.000150 A 10.0.0.1:40000 -> 10.0.0.2:7 SYN-SENT -> "
				       "ESTABLISHED (RFC 9293 3.10.7.3: ",
			  70) == 0);
	text_free(t);
}
END_TEST

START_TEST(test_listener_state_has_no_remote_end)
{
	struct text_out *t = text_ab();
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_STATE;
	ev.host = 2;
	ev.conn = 1;
	ev.tuple.lport = 80;
	ev.rule = TV_RULE_APP_LISTEN;
	ev.u.state.old_state = TCB_CLOSED;
	ev.u.state.new_state = TCB_LISTEN;
	ck_assert_str_eq(fmt(t, &ev), "0.000000 B *:80 CLOSED -> LISTEN (RFC 9293 3.10.1: "
				      "passive OPEN: the application listens)");
	text_free(t);
}
END_TEST

START_TEST(test_timer_lines_say_when_it_expires)
{
	struct text_out *t = text_ab();
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_TIMER_ARM;
	ev.time = TV_MSEC(5);
	ev.host = 1;
	ev.conn = 1;
	ev.tuple = (struct tv_tuple){ADDR_A, ADDR_B, 40000, 7};
	ev.u.timer.kind = TV_TIMER_2MSL;
	ev.u.timer.deadline = TV_MSEC(5) + TV_SEC(240);
	ck_assert_str_eq(fmt(t, &ev), "0.005000 A 10.0.0.1:40000 -- 10.0.0.2:7 timer 2MSL armed: "
				      "240.000000 s, expires at 240.005000");
	ev.type = TV_EV_TIMER_FIRE;
	ev.rule = TV_RULE_TIME_WAIT_EXPIRED;
	ck_assert(strstr(fmt(t, &ev), "timer 2MSL fired (RFC 9293 3.10.8: ") != NULL);
	text_free(t);
}
END_TEST

START_TEST(test_gate_and_wire_lines_describe_the_frame)
{
	struct text_out *t = text_ab();
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_GATE;
	ev.time = 10;
	ev.host = 2;
	ev.u.gate.action = TV_GATE_HELD;
	ev.u.gate.dir = TV_DIR_IN;
	ev.u.gate.frame = 4;
	ev.u.gate.kind = TV_FRAME_ARP;
	ev.u.gate.len = 42;
	ck_assert_str_eq(fmt(t, &ev), "0.000010 gate B in: held #4 ARP, 42 bytes");
	ev.u.gate.action = TV_GATE_DUPLICATED;
	ev.u.gate.copy = 5;
	ev.u.gate.rule = 2;
	ck_assert_str_eq(fmt(t, &ev), "0.000010 gate B in: duplicated #4 as #5 by rule 2 ARP, "
				      "42 bytes");
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_WIRE;
	ev.time = 20;
	ev.u.wire.action = TV_WIRE_LOST;
	ev.u.wire.from = 1;
	ev.u.wire.to = 2;
	ev.u.wire.has_seg = true;
	ev.u.wire.kind = TV_FRAME_TCP;
	ev.u.wire.seg = seg_event(TV_EV_SEG_OUT, 1, 0, true, TV_TH_SYN, 5, 0, 0).u.seg;
	ck_assert_str_eq(fmt(t, &ev), "0.000020 wire A > B: lost A.40000 > B.7: Flags [S], "
				      "seq 0, win 65535, length 0");
	text_free(t);
}
END_TEST

START_TEST(test_drop_line_names_the_counter)
{
	struct text_out *t = text_ab();
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_DROP;
	ev.time = 1;
	ev.host = 2;
	ev.rule = TV_RULE_BAD_CHECKSUM;
	ev.u.drop.counter = TV_CNT_TCP_BAD_CSUM;
	ck_assert_str_eq(fmt(t, &ev), "0.000001 B drop tcp.bad_csum (TCP segments with a bad "
				      "checksum dropped) (RFC 9293 3.1: bad checksum: segment "
				      "dropped)");
	text_free(t);
}
END_TEST

START_TEST(test_sink_prints_only_masked_types)
{
	char *out = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&out, &size);
	struct text_out *t = text_new(fp);
	struct tv_event in = seg_event(TV_EV_SEG_IN, 2, 1, true, TV_TH_SYN, ISS_A, 0, 0);
	struct tv_event note;

	memset(&note, 0, sizeof(note));
	note.type = TV_EV_NOTE;
	strcpy(note.u.note.text, "hello");
	text_sink(t, &in);   /* not in the default mask */
	text_sink(t, &note);
	fclose(fp);
	ck_assert_str_eq(out, "0.000000 # hello\n");
	ck_assert_uint_eq(text_lines(t), 1);
	free(out);
	text_free(t);
}
END_TEST

START_TEST(test_long_lines_are_truncated_safely)
{
	struct text_out *t = text_ab();
	struct tv_event ev = seg_event(TV_EV_SEG_OUT, 1, 100, true, TV_TH_SYN, ISS_A, 0, 0);
	char buf[16];
	size_t n;

	n = text_format(t, &ev, buf, sizeof(buf));
	ck_assert_uint_gt(n, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
	text_free(t);
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *c = tcase_create("formats");

	tcase_add_test(c, test_syn_prints_like_tcpdump_with_relative_seq);
	tcase_add_test(c, test_handshake_and_data_use_both_bases);
	tcase_add_test(c, test_absolute_mode_prints_raw_numbers);
	tcase_add_test(c, test_state_change_names_both_ends_and_the_rule);
	tcase_add_test(c, test_listener_state_has_no_remote_end);
	tcase_add_test(c, test_timer_lines_say_when_it_expires);
	tcase_add_test(c, test_gate_and_wire_lines_describe_the_frame);
	tcase_add_test(c, test_drop_line_names_the_counter);
	tcase_add_test(c, test_sink_prints_only_masked_types);
	tcase_add_test(c, test_long_lines_are_truncated_safely);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
