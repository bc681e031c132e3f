/*
 * check_fuzz_found.c - what the fuzzers (tests/fuzz) found, as named
 * protocol tests, and the invariant checker they rely on (invariant.h):
 * a checker that cannot fail would make every fuzz run pass, so each
 * kind of damage it looks for is shown to be caught.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "invariant.h"
#include "tcp_fixture.h"

static struct fx_pair P;

static void setup(void)
{
	fx_pair_init(&P, NULL);
	fx_establish(&P);
}

static void teardown(void)
{
	fx_pair_fini(&P);
}

/* ---- data beyond the peer's FIN (fuzz_seq) ---------------------------- */

/* Out-of-order bytes that lie beyond a FIN arriving later must not be
 * joined to the stream: RFC 9293 3.10.7.4, the FIN ends it.  Before the
 * fix RCV.NXT stepped over the FIN, the FIN was never consumed (B stayed
 * ESTABLISHED) and the application read the three extra bytes. */
START_TEST(test_established_ooo_data_beyond_later_fin_discarded)
{
	struct tcb *b = fx_tcb(P.sb);
	uint32_t nxt = b->rcv_nxt;
	char msg[256];

	fx_inject_to(&P, b, nxt + 10, b->snd_nxt, TV_TH_ACK, "XYZ", 3);
	fx_inject_to(&P, b, nxt, b->snd_nxt, TV_TH_ACK | TV_TH_PSH | TV_TH_FIN, "0123456789", 10);
	ck_assert_int_eq(b->state, TCB_CLOSE_WAIT);
	ck_assert_uint_eq(b->rcv_nxt, nxt + 11);
	ck_assert_uint_eq(P.app_b.rxlen, 10);
	ck_assert_mem_eq(P.app_b.rx, "0123456789", 10);
	ck_assert(P.app_b.eof);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_DATA_AFTER_FIN), 1);
	ck_assert_int_eq(inv_check_host(P.h[1], msg, sizeof(msg)), 0);
}
END_TEST

/* A FIN held beyond a hole fixes the end: bytes sent beyond it are not
 * stored, and when the hole fills the FIN is consumed. */
START_TEST(test_established_data_beyond_held_fin_discarded)
{
	struct tcb *b = fx_tcb(P.sb);
	uint32_t nxt = b->rcv_nxt;
	char msg[256];

	fx_inject_to(&P, b, nxt + 5, b->snd_nxt, TV_TH_ACK | TV_TH_FIN, NULL, 0);
	fx_inject_to(&P, b, nxt + 5, b->snd_nxt, TV_TH_ACK, "XYZ", 3);
	ck_assert_ptr_null(b->ooo);
	fx_inject_to(&P, b, nxt, b->snd_nxt, TV_TH_ACK, "01234", 5);
	ck_assert_int_eq(b->state, TCB_CLOSE_WAIT);
	ck_assert_uint_eq(b->rcv_nxt, nxt + 6);
	ck_assert_uint_eq(P.app_b.rxlen, 5);
	ck_assert_mem_eq(P.app_b.rx, "01234", 5);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_DATA_AFTER_FIN), 1);
	ck_assert_int_eq(inv_check_host(P.h[1], msg, sizeof(msg)), 0);
}
END_TEST

/* ---- the checker catches what it claims to ---------------------------- */

START_TEST(test_invariant_holds_on_established_pair)
{
	char msg[256];

	ck_assert_int_eq(inv_check_host(P.h[0], msg, sizeof(msg)), 0);
	ck_assert_int_eq(inv_check_host(P.h[1], msg, sizeof(msg)), 0);
}
END_TEST

START_TEST(test_invariant_catches_snd_una_after_snd_nxt)
{
	struct tcb *a = fx_tcb(P.sa);
	uint32_t una = a->snd_una;
	char msg[256];

	a->snd_una = a->snd_nxt + 1;
	ck_assert_int_eq(inv_check_host(P.h[0], msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "SND.UNA"));
	a->snd_una = una;
}
END_TEST

START_TEST(test_invariant_catches_window_beyond_buffer)
{
	struct tcb *a = fx_tcb(P.sa);
	uint32_t adv = a->rcv_adv;
	char msg[256];

	a->rcv_adv = a->rcv_nxt + a->rcv.cap + 1;
	ck_assert_int_eq(inv_check_host(P.h[0], msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "advertised"));
	a->rcv_adv = adv;
}
END_TEST

START_TEST(test_invariant_catches_tcb_count_mismatch)
{
	char msg[256];

	P.h[1]->tcp->ntcbs++;
	ck_assert_int_eq(inv_check_host(P.h[1], msg, sizeof(msg)), -1);
	P.h[1]->tcp->ntcbs--;
}
END_TEST

START_TEST(test_invariant_catches_timer_outside_heap)
{
	struct tcb *a = fx_tcb(P.sa);
	char msg[256];

	a->timer[TCB_T_KEEPALIVE] = P.now + 1; /* armed behind the heap's back */
	ck_assert_int_eq(inv_check_host(P.h[0], msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "deadline"));
	a->timer[TCB_T_KEEPALIVE] = TV_NEVER;
}
END_TEST

START_TEST(test_invariant_catches_counter_going_down)
{
	struct inv_track tr;
	char msg[256];

	inv_track_init(&tr, P.h[0]);
	ck_assert_int_eq(inv_track_check(&tr, msg, sizeof(msg)), 0);
	P.h[0]->counters[TV_CNT_TCP_TX]--;
	ck_assert_int_eq(inv_track_check(&tr, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "tcp.tx"));
	P.h[0]->counters[TV_CNT_TCP_TX]++;
}
END_TEST

static Suite *found_suite(void)
{
	Suite *s = suite_create("fuzz_found");
	TCase *tc = tcase_create("fin");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_established_ooo_data_beyond_later_fin_discarded);
	tcase_add_test(tc, test_established_data_beyond_held_fin_discarded);
	suite_add_tcase(s, tc);
	tc = tcase_create("invariant");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_invariant_holds_on_established_pair);
	tcase_add_test(tc, test_invariant_catches_snd_una_after_snd_nxt);
	tcase_add_test(tc, test_invariant_catches_window_beyond_buffer);
	tcase_add_test(tc, test_invariant_catches_tcb_count_mismatch);
	tcase_add_test(tc, test_invariant_catches_timer_outside_heap);
	tcase_add_test(tc, test_invariant_catches_counter_going_down);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(found_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
