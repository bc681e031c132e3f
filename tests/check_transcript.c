/*
 * check_transcript.c - the transcript (text.c) of a real run: the same
 * run gives the same bytes; a gate drop names its rule; timers say their
 * deadlines, cancelled ones when they were due; narration is a "# " line.
 * Messages are the untranslated English (no setlocale).
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "out/text.h"
#include "out_fixture.h"

struct trun {
	struct ofx f;
	struct text_out *t;
	struct ofx_capture cap;
};

static void trun_setup(struct trun *r, uint32_t *drop_rule)
{
	ofx_setup(&r->f, 7);
	ofx_capture_open(&r->cap);
	r->t = text_new(r->cap.fp);
	ck_assert_ptr_nonnull(r->t);
	ck_assert_int_eq(text_add_sim_hosts(r->t, r->f.sim), 0);
	ck_assert_str_eq(text_host_name(r->t, r->f.b->id), "B");
	ck_assert_int_eq(tv_bus_add(sim_bus(r->f.sim), text_sink, r->t), 0);
	if (drop_rule)
		*drop_rule = ofx_drop_next(&r->f, r->f.a, r->f.b, TV_TH_FIN | TV_TH_ACK);
	ofx_run(&r->f);
}

static void trun_teardown(struct trun *r)
{
	tv_bus_remove(sim_bus(r->f.sim), text_sink, r->t);
	text_free(r->t);
	ofx_capture_close(&r->cap);
	ofx_teardown(&r->f);
}

START_TEST(test_same_run_prints_the_same_bytes)
{
	struct trun r1, r2;

	trun_setup(&r1, NULL);
	trun_setup(&r2, NULL);
	ck_assert_str_eq(ofx_capture_text(&r1.cap), ofx_capture_text(&r2.cap));
	ck_assert_uint_gt(text_lines(r1.t), 20);
	trun_teardown(&r1);
	trun_teardown(&r2);
}
END_TEST

START_TEST(test_gate_drop_names_the_rule_and_the_segment)
{
	struct trun r;
	char want[80];
	uint32_t id;

	trun_setup(&r, &id);
	snprintf(want, sizeof(want), " gate A out: dropped #");
	ck_assert_ptr_nonnull(strstr(ofx_capture_text(&r.cap), want));
	snprintf(want, sizeof(want), " by rule %u A.", (unsigned)id);
	ck_assert_ptr_nonnull(strstr(ofx_capture_text(&r.cap), want));
	ck_assert_ptr_nonnull(strstr(ofx_capture_text(&r.cap), "> B.7: Flags [F.], seq 16, ack 16"));
	trun_teardown(&r);
}
END_TEST

START_TEST(test_cancelled_timer_says_when_it_was_due)
{
	struct trun r;
	const char *t;

	trun_setup(&r, NULL);
	t = ofx_capture_text(&r.cap);
	ck_assert_ptr_nonnull(strstr(t, " timer retransmission armed: "));
	ck_assert_ptr_nonnull(strstr(t, " timer retransmission cancelled, was due at "));
	ck_assert_ptr_nonnull(strstr(t, " timer 2MSL armed: 240.000000 s, expires at "));
	trun_teardown(&r);
}
END_TEST

START_TEST(test_relative_seq_bases_are_exported)
{
	struct trun r;
	uint32_t isn_a, isn_b, none;

	trun_setup(&r, NULL);
	/* Both directions' ISNs were learned from the handshake... */
	ck_assert(text_seq_base(r.t, OFX_ADDR_A, r.f.a_port, OFX_ADDR_B, 7, &isn_a));
	ck_assert(text_seq_base(r.t, OFX_ADDR_B, 7, OFX_ADDR_A, r.f.a_port, &isn_b));
	ck_assert_uint_ne(isn_a, isn_b);
	/* ...and nothing about a flow never seen. */
	ck_assert(!text_seq_base(r.t, OFX_ADDR_B, 9, OFX_ADDR_A, r.f.a_port, &none));
	trun_teardown(&r);
}
END_TEST

START_TEST(test_note_prints_as_a_hash_line)
{
	struct trun r;
	struct tv_event ev;

	trun_setup(&r, NULL);
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_NOTE;
	ev.time = TV_SEC(300);
	snprintf(ev.u.note.text, sizeof(ev.u.note.text), "%s", "the end");
	tv_bus_emit(sim_bus(r.f.sim), &ev);
	ck_assert_ptr_nonnull(strstr(ofx_capture_text(&r.cap), "\n300.000000 # the end\n"));
	trun_teardown(&r);
}
END_TEST

static Suite *transcript_suite(void)
{
	Suite *s = suite_create("transcript");
	TCase *c = tcase_create("transcript");

	tcase_add_test(c, test_same_run_prints_the_same_bytes);
	tcase_add_test(c, test_gate_drop_names_the_rule_and_the_segment);
	tcase_add_test(c, test_cancelled_timer_says_when_it_was_due);
	tcase_add_test(c, test_relative_seq_bases_are_exported);
	tcase_add_test(c, test_note_prints_as_a_hash_line);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(transcript_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
