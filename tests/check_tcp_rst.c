/*
 * check_tcp_rst.c - resets: when TCP sends them (RFC 9293 3.10.7.1-4),
 * when it believes them (RFC 5961: exact sequence number only, challenge
 * ACKs, rate limit; RFC 1337 in TIME-WAIT), and malformed segments, which
 * are dropped and counted without any answer.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
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

/* A hand-made segment from A's address to B, port 9999 (nobody there). */
static void spec_to_closed(struct fx_spec *s, uint8_t flags, uint32_t seq, uint32_t ack)
{
	memset(s, 0, sizeof(*s));
	s->saddr = FXT_ADDR(1);
	s->daddr = FXT_ADDR(2);
	s->sport = 33333;
	s->dport = 9999;
	s->seq = seq;
	s->ack = ack;
	s->flags = flags;
	s->win = 512;
}

/* RFC 9293 3.10.7.1, no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
START_TEST(test_closed_port_syn_gets_rst_ack)
{
	struct fx_spec s;
	spec_to_closed(&s, TV_TH_SYN, 1000, 0);
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 1);
	struct fx_frame *r = fx_q_at(&P, 0);
	ck_assert_uint_eq(r->i.flags, TV_TH_RST | TV_TH_ACK);
	ck_assert_uint_eq(r->i.seq, 0);
	ck_assert_uint_eq(r->i.ack, 1001);
	ck_assert_uint_eq(r->i.sport, 9999);
	ck_assert_uint_eq(r->i.dport, 33333);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_NO_SOCKET), 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_RST_SENT), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_CLOSED_RST), 1);
}
END_TEST

/* SEG.LEN counts the data, the SYN and the FIN. */
START_TEST(test_closed_port_rst_acks_data_syn_and_fin)
{
	struct fx_spec s;
	spec_to_closed(&s, TV_TH_SYN | TV_TH_FIN, 0xfffffff0u, 0);
	s.data = "0123456789";
	s.len = 10;
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.ack, 0xfffffff0u + 12); /* wraps to 0xfffffffc */
}
END_TEST

/* With ACK: <SEQ=SEG.ACK><CTL=RST>. */
START_TEST(test_closed_port_ack_gets_rst_seq_from_ack)
{
	struct fx_spec s;
	spec_to_closed(&s, TV_TH_ACK, 77, 5555);
	fx_inject(&P, FXT_B, &s);
	struct fx_frame *r = fx_q_at(&P, 0);
	ck_assert_uint_eq(r->i.flags, TV_TH_RST);
	ck_assert_uint_eq(r->i.seq, 5555);
}
END_TEST

START_TEST(test_closed_port_rst_is_not_answered)
{
	struct fx_spec s;
	spec_to_closed(&s, TV_TH_RST | TV_TH_ACK, 1, 2);
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_RST_IGNORED), 1);
}
END_TEST

/* RFC 1122 4.2.3.10: never answer a broadcast or multicast source. */
START_TEST(test_closed_port_broadcast_source_not_answered)
{
	struct fx_spec s;
	spec_to_closed(&s, TV_TH_SYN, 1, 0);
	s.saddr = 0xe0000001u; /* IPv4 already refuses this one */
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 0);
	s.saddr = 0; /* this one reaches TCP */
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_BAD_ADDR), 1);
	fx_listen(&P);
	s.dport = FXT_PORT;
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_BAD_ADDR), 2);
}
END_TEST

/* RST,ACK to our SYN: connection refused (RFC 9293 3.10.7.3). */
START_TEST(test_connect_to_closed_port_refused)
{
	fx_connect(&P);
	fx_deliver_all(&P);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_ERROR], 1);
	ck_assert_int_eq(P.app_a.err, TV_EREFUSED);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_CLOSED], 1);
	ck_assert_int_eq(sock_error(P.sa), TV_EREFUSED);
	ck_assert_ptr_null(sock_tcb(P.sa));
	ck_assert_int_eq(sock_send(P.sa, "x", 1, P.now), TV_EREFUSED);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_SYN_SENT, TCB_CLOSED, TV_RULE_SYN_SENT_RST), 1);
	ck_assert_uint_eq(fx_next_deadline(&P), TV_NEVER);
}
END_TEST

/* RFC 5961 3.2 / RFC 9293 3.10.7.3: in SYN-SENT a RST counts only with an
 * ACK of our SYN. */
START_TEST(test_syn_sent_rst_without_acceptable_ack_ignored)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_SYN_SENT);
	fx_inject_to(&P, a, 0, 0, TV_TH_RST, NULL, 0);
	fx_inject_to(&P, a, 0, a->iss + 7, TV_TH_RST | TV_TH_ACK, NULL, 0);
	fx_inject_to(&P, a, 0, a->iss, TV_TH_RST | TV_TH_ACK, NULL, 0);
	ck_assert_int_eq(a->state, TCB_SYN_SENT);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_SYN_SENT_RST_IGNORED), 3);
	ck_assert_uint_eq(P.nq, 1); /* only the SYN; no answer */
}
END_TEST

/* SEG.ACK =< ISS or > SND.NXT in SYN-SENT: <SEQ=SEG.ACK><CTL=RST>. */
START_TEST(test_syn_sent_unacceptable_ack_sends_rst)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_SYN_SENT);
	fx_q_clear(&P);
	fx_inject_to(&P, a, 4242, a->iss + 5, TV_TH_SYN | TV_TH_ACK, NULL, 0);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.seq, a->iss + 5);
	ck_assert_int_eq(a->state, TCB_SYN_SENT);
	fx_inject_to(&P, a, 4242, a->iss, TV_TH_ACK, NULL, 0);
	ck_assert_uint_eq(fx_q_at(&P, 1)->i.seq, a->iss);
	ck_assert_int_eq(a->state, TCB_SYN_SENT);
}
END_TEST

/* RFC 9293 3.10.7.4 SYN-RECEIVED: unacceptable ACK -> <SEQ=SEG.ACK><CTL=RST>. */
START_TEST(test_syn_received_unacceptable_ack_sends_rst)
{
	struct tcb *b = fx_tcb_in_state(&P, TCB_SYN_RECEIVED);
	fx_q_clear(&P);
	fx_inject_to(&P, b, b->rcv_nxt, b->iss + 100, TV_TH_ACK, NULL, 0);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.seq, b->iss + 100);
	ck_assert_int_eq(b->state, TCB_SYN_RECEIVED);
}
END_TEST

START_TEST(test_listen_ack_gets_rst_and_rst_ignored)
{
	struct tcb *l = fx_tcb_in_state(&P, TCB_LISTEN);
	struct fx_spec s;
	spec_to_closed(&s, TV_TH_ACK, 1, 999);
	s.dport = FXT_PORT;
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.seq, 999);
	s.flags = TV_TH_RST;
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_LISTEN_RST), 1);
	ck_assert_int_eq(l->state, TCB_LISTEN);
}
END_TEST

/* RFC 5961 3.2: RST with SEG.SEQ == RCV.NXT resets. */
START_TEST(test_rst_exact_seq_resets)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	fx_inject_to(&P, a, a->rcv_nxt, 0, TV_TH_RST, NULL, 0);
	ck_assert_ptr_null(sock_tcb(P.sa));
	ck_assert_int_eq(P.app_a.err, TV_ERESET);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_RST_RX), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_ESTABLISHED, TCB_CLOSED,
					 TV_RULE_RST_ACCEPTED), 1);
	ck_assert_int_eq(sock_recv(P.sa, (char[8]){0}, 8, P.now), TV_ERESET);
}
END_TEST

/* In the window but not exact: challenge ACK, connection untouched. */
START_TEST(test_rst_in_window_inexact_challenge_ack)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	fx_inject_to(&P, a, a->rcv_nxt + 10, 0, TV_TH_RST, NULL, 0);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.nq, 1);
	struct fx_frame *f = fx_q_at(&P, 0);
	ck_assert_uint_eq(f->i.flags, TV_TH_ACK);
	ck_assert_uint_eq(f->i.seq, a->snd_nxt);
	ck_assert_uint_eq(f->i.ack, a->rcv_nxt);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_RST_CHALLENGE), 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_CHALLENGE_ACK), 1);
	/* the real peer, seeing that ACK, has nothing to reset: all is well */
	fx_deliver_all(&P);
	ck_assert_int_eq(fx_tcb(P.sb)->state, TCB_ESTABLISHED);
}
END_TEST

START_TEST(test_rst_out_of_window_dropped_silently)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	fx_inject_to(&P, a, a->rcv_nxt - 1, 0, TV_TH_RST, NULL, 0);
	fx_inject_to(&P, a, a->rcv_nxt + (1u << 30), 0, TV_TH_RST, NULL, 0);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_RST_OUT_OF_WINDOW), 2);
}
END_TEST

/* RFC 5961 4.2: SYN in a synchronized state, in or out of the window. */
START_TEST(test_syn_in_established_challenge_ack)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	fx_inject_to(&P, a, a->rcv_nxt, 0, TV_TH_SYN, NULL, 0);
	fx_inject_to(&P, a, a->rcv_nxt + 0x40000000u, 0, TV_TH_SYN, NULL, 0);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.nq, 2);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_ACK);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_SYN_CHALLENGE), 2);
}
END_TEST

/* RFC 5961 7: challenge_acks_per_sec (10 by default) per host. */
START_TEST(test_challenge_ack_rate_limited)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	uint32_t limit = P.h[0]->cfg.tcp.challenge_acks_per_sec;
	ck_assert_uint_eq(limit, 10);
	for (int i = 0; i < 15; i++)
		fx_inject_to(&P, a, a->rcv_nxt + 1 + (uint32_t)i, 0, TV_TH_RST, NULL, 0);
	ck_assert_uint_eq(P.nq, limit);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_CHALLENGE_LIMIT), 5);
	fx_set_time(&P, P.now + TV_SEC(1));
	fx_inject_to(&P, a, a->rcv_nxt + 1, 0, TV_TH_RST, NULL, 0);
	ck_assert_uint_eq(P.nq, limit + 1);
}
END_TEST

/* RFC 5961 5.2: an ACK beyond what we sent is answered and the segment
 * dropped (its data not taken); one too far back likewise. */
START_TEST(test_ack_of_unsent_data_answered_and_dropped)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	P.app_a.auto_read = false;
	fx_inject_to(&P, a, a->rcv_nxt, a->snd_max + 100, TV_TH_ACK, "data", 4);
	ck_assert_uint_eq(sock_readable(P.sa), 0);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.ack, a->rcv_nxt);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_ACK_UNSENT), 1);
	fx_inject_to(&P, a, a->rcv_nxt, a->snd_una - a->max_sndwnd - 1, TV_TH_ACK, "data", 4);
	ck_assert_uint_eq(sock_readable(P.sa), 0);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_ACK_CHALLENGE), 1);
	/* an old ACK inside the range is just ignored; the data is taken */
	fx_inject_to(&P, a, a->rcv_nxt, a->snd_una - 1, TV_TH_ACK, "data", 4);
	ck_assert_uint_eq(sock_readable(P.sa), 4);
}
END_TEST

/* RFC 1337: RST in TIME-WAIT is ignored, even an exact one. */
START_TEST(test_time_wait_rst_ignored)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_TIME_WAIT);
	tv_time d = a->timer[TCB_T_2MSL];
	fx_inject_to(&P, a, a->rcv_nxt, 0, TV_TH_RST, NULL, 0);
	ck_assert_int_eq(a->state, TCB_TIME_WAIT);
	ck_assert_uint_eq(a->timer[TCB_T_2MSL], d);
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_TIME_WAIT_RST), 1);
}
END_TEST

/* Our choice for a new SYN to a TIME-WAIT tuple: challenge ACK, drop
 * (RFC 9293 + RFC 5961 4.2); 2 MSL keeps running. */
START_TEST(test_time_wait_syn_challenge_ack)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_TIME_WAIT);
	tv_time d = a->timer[TCB_T_2MSL];
	fx_inject_to(&P, a, a->rcv_nxt + 100000, 0, TV_TH_SYN, NULL, 0);
	ck_assert_int_eq(a->state, TCB_TIME_WAIT);
	ck_assert_uint_eq(a->timer[TCB_T_2MSL], d);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_ACK);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_TIME_WAIT_SYN), 1);
}
END_TEST

/* RFC 9293 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>; the peer resets. */
START_TEST(test_abort_sends_rst_peer_resets)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	uint32_t nxt = a->snd_nxt;
	ck_assert_int_eq(sock_abort(P.sa, P.now), TV_OK);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.seq, nxt);
	fx_deliver_all(&P);
	ck_assert_int_eq(P.app_b.err, TV_ERESET);
	ck_assert_uint_eq(P.h[0]->tcp->ntcbs, 0);
}
END_TEST

/* RFC 1122 4.2.2.13: CLOSE with unread data sends RST, not FIN. */
START_TEST(test_close_with_unread_data_sends_rst)
{
	fx_establish(&P);
	P.app_b.auto_read = false;
	sock_send(P.sa, "unread", 6, P.now);
	fx_deliver_all(&P);
	ck_assert_uint_eq(sock_readable(P.sb), 6);
	sock_close(P.sb, P.now);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_CLOSE_UNREAD), 1);
	fx_deliver_all(&P);
	ck_assert_int_eq(P.app_a.err, TV_ERESET);
}
END_TEST

/* RFC 9293 3.10.5: ABORT in SYN-SENT has no peer state to reset: the TCB
 * is deleted with no RST, under a rule that says so (not APP_ABORT's
 * "send RST"). */
START_TEST(test_abort_in_syn_sent_no_rst_unsync_rule)
{
	fx_listen(&P);
	fx_connect(&P);
	fx_q_clear(&P);
	ck_assert_int_eq(sock_abort(P.sa, P.now), TV_OK);
	P.sa = NULL;
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_RST_SENT), 0);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_SYN_SENT, TCB_CLOSED,
					 TV_RULE_APP_ABORT_UNSYNC), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_STATE, TV_RULE_APP_ABORT), 0);
}
END_TEST

/* RFC 9293 3.10.5: ABORT in CLOSING, LAST-ACK or TIME-WAIT only deletes
 * the TCB; the rule reported says no RST went. */
START_TEST(test_abort_after_both_fins_no_rst_closing_rule)
{
	static const enum tcb_state states[] = {TCB_LAST_ACK, TCB_CLOSING, TCB_TIME_WAIT};

	for (size_t k = 0; k < TV_ARRAY_LEN(states); k++) {
		fx_pair_fini(&P);
		fx_pair_init(&P, NULL);
		struct tcb *a = fx_tcb_in_state(&P, states[k]);
		ck_assert_int_eq(a->state, states[k]);
		size_t nq = P.nq;
		ck_assert_int_eq(sock_abort(P.sa, P.now), TV_OK);
		P.sa = NULL;
		ck_assert_uint_eq(P.nq, nq);
		ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_RST_SENT), 0);
		ck_assert_uint_eq(fx_count_state(&P, FXT_A, states[k], TCB_CLOSED,
						 TV_RULE_APP_ABORT_CLOSING), 1);
	}
}
END_TEST

/* ABORT where the peer holds state still sends the RST under APP_ABORT. */
START_TEST(test_abort_in_fin_wait_1_sends_rst)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_FIN_WAIT_1);
	ck_assert_int_eq(a->state, TCB_FIN_WAIT_1);
	fx_q_clear(&P);
	ck_assert_int_eq(sock_abort(P.sa, P.now), TV_OK);
	P.sa = NULL;
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_APP_ABORT), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_FIN_WAIT_1, TCB_CLOSED,
					 TV_RULE_APP_ABORT), 1);
}
END_TEST

/* RFC 1122 4.2.2.13 in LAST-ACK: the application half-closed, the peer's
 * data is still unread when it closes: RST (the rule's word) shows that
 * data was lost. */
START_TEST(test_close_with_unread_data_in_last_ack_sends_rst)
{
	fx_establish(&P);
	P.app_a.auto_read = false;
	sock_send(P.sb, "unread", 6, P.now);
	ck_assert_int_eq(sock_shutdown(P.sb, P.now), TV_OK);
	fx_deliver_all(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_int_eq(a->state, TCB_CLOSE_WAIT);
	ck_assert_uint_eq(sock_readable(P.sa), 6);
	ck_assert_int_eq(sock_shutdown(P.sa, P.now), TV_OK);
	ck_assert_int_eq(a->state, TCB_LAST_ACK);
	fx_q_clear(&P);
	ck_assert_int_eq(sock_close(P.sa, P.now), TV_OK);
	P.sa = NULL;
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_CLOSE_UNREAD), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_LAST_ACK, TCB_CLOSED,
					 TV_RULE_CLOSE_UNREAD), 1);
}
END_TEST

/* SYN-RECEIVED after an active open (simultaneous): RST -> refused. */
START_TEST(test_syn_received_active_rst_refused)
{
	struct tv_sock *s;
	struct fx_app app = {.p = &P};
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), 6000, 7000, fx_app_cb, &app, &s, P.now),
			 TV_OK);
	struct tcb *a = fx_tcb(s);
	fx_inject_to(&P, a, 5000, 0, TV_TH_SYN, NULL, 0);
	ck_assert_int_eq(a->state, TCB_SYN_RECEIVED);
	fx_inject_to(&P, a, 5001, 0, TV_TH_RST, NULL, 0);
	ck_assert_int_eq(app.err, TV_EREFUSED);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_SYN_RECEIVED, TCB_CLOSED,
					 TV_RULE_SYN_RCVD_RST_ACTIVE), 1);
	sock_close(s, P.now);
}
END_TEST

/* In LAST-ACK the application has closed: a RST just ends it. */
START_TEST(test_last_ack_rst_closes_quietly)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_LAST_ACK);
	fx_inject_to(&P, a, a->rcv_nxt, 0, TV_TH_RST, NULL, 0);
	ck_assert_ptr_null(sock_tcb(P.sa));
	ck_assert_int_eq(sock_error(P.sa), 0);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_CLOSED], 1);
}
END_TEST

/* ---- malformed segments: dropped, counted, never answered -------------- */

static void inject_bad(struct fx_spec *s, enum tv_counter expect_counter)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	uint32_t nxt = a->rcv_nxt;
	s->saddr = a->tuple.raddr;
	s->daddr = a->tuple.laddr;
	s->sport = a->tuple.rport;
	s->dport = a->tuple.lport;
	s->seq = a->rcv_nxt;
	s->ack = a->snd_nxt;
	s->flags |= TV_TH_ACK;
	s->win = 1000;
	uint64_t before = fx_counter(&P, FXT_A, expect_counter);
	fx_inject(&P, FXT_A, s);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, expect_counter), before + 1);
	ck_assert_uint_eq(P.nq, 0);
	ck_assert_uint_eq(a->rcv_nxt, nxt);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.app_a.rxlen, 0);
}

START_TEST(test_bad_checksum_dropped_counted)
{
	struct fx_spec s = {.bad_csum = true, .data = "abc", .len = 3};
	inject_bad(&s, TV_CNT_TCP_BAD_CSUM);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_BAD_CHECKSUM), 1);
}
END_TEST

START_TEST(test_data_offset_too_small_dropped)
{
	struct fx_spec s = {.doff = 4, .data = "abc", .len = 3};
	inject_bad(&s, TV_CNT_TCP_BAD_HDR);
}
END_TEST

START_TEST(test_data_offset_past_end_dropped)
{
	struct fx_spec s = {.doff = 15, .data = "abc", .len = 3};
	inject_bad(&s, TV_CNT_TCP_BAD_HDR);
}
END_TEST

START_TEST(test_option_length_zero_dropped)
{
	static const uint8_t opt[4] = {2, 0, 1, 1};
	struct fx_spec s = {.opt = opt, .optlen = 4, .data = "abc", .len = 3};
	inject_bad(&s, TV_CNT_TCP_BAD_OPT);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_BAD_OPTION), 1);
}
END_TEST

START_TEST(test_option_running_past_header_dropped)
{
	static const uint8_t opt[4] = {1, 1, 8, 10};
	struct fx_spec s = {.opt = opt, .optlen = 4, .data = "abc", .len = 3};
	inject_bad(&s, TV_CNT_TCP_BAD_OPT);
}
END_TEST

START_TEST(test_mss_option_wrong_length_dropped)
{
	static const uint8_t opt[4] = {2, 3, 5, 1};
	struct fx_spec s = {.opt = opt, .optlen = 4};
	inject_bad(&s, TV_CNT_TCP_BAD_OPT);
}
END_TEST

START_TEST(test_option_kind_without_length_dropped)
{
	static const uint8_t opt[4] = {1, 1, 1, 30};
	struct fx_spec s = {.opt = opt, .optlen = 4};
	inject_bad(&s, TV_CNT_TCP_BAD_OPT);
}
END_TEST

START_TEST(test_port_zero_dropped)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct fx_spec s;
	fx_spec_peer(&s, a);
	s.sport = 0;
	s.flags = TV_TH_SYN;
	fx_inject(&P, FXT_A, &s);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_BAD_HDR), 1);
	ck_assert_uint_eq(P.nq, 0);
}
END_TEST

/* A TCP header cut short inside a valid IPv4 packet. */
START_TEST(test_truncated_header_dropped)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct fx_spec s;
	fx_spec_peer(&s, a);
	s.flags = TV_TH_ACK;
	uint8_t buf[128];
	size_t len = fx_build(buf, sizeof(buf), FXT_A, &s);
	uint8_t *ip = buf + TV_ETH_HLEN;
	len -= 8; /* 12 bytes of TCP left */
	tv_put_be16(ip + 2, (uint16_t)(len - TV_ETH_HLEN));
	ip[10] = ip[11] = 0;
	uint16_t c = tv_csum_finish(tv_csum_add(0, ip, TV_IP_HLEN));
	memcpy(ip + 10, &c, 2);
	host_input(P.h[0], buf, len, P.now);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_BAD_HDR), 1);
	ck_assert_uint_eq(P.nq, 0);
}
END_TEST

/* tcp_parse: NOP/EOL, unknown options skipped, the known ones read. */
START_TEST(test_parse_options)
{
	uint8_t seg[60] = {0};
	static const uint8_t opt[] = {1, 2, 4, 0x05, 0xb4, 1, 3, 3, 9, 4, 2, 99, 4, 0, 0,
				      8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0};
	seg[12] = (uint8_t)(((20 + 32) / 4) << 4);
	memcpy(seg + 20, opt, sizeof(opt));
	struct tv_seg_info i;
	ck_assert_int_eq(tcp_parse(seg, 52, &i), TV_OK);
	ck_assert(i.has_mss && i.mss == 1460);
	ck_assert(i.has_wscale && i.wscale == 9);
	ck_assert(i.sack_ok);
	ck_assert(i.has_ts && i.tsval == 1 && i.tsecr == 2);
	ck_assert_uint_eq(i.len, 0);
	/* after EOL nothing is read, even garbage */
	seg[20] = 0;
	seg[21] = 0xff;
	ck_assert_int_eq(tcp_parse(seg, 52, &i), TV_OK);
	ck_assert(!i.has_mss);
	ck_assert_int_eq(tcp_parse(seg, 19, &i), TV_EINVAL);
}
END_TEST

/* tv_frame_tcp_info: a frame from the log parses back to what was sent. */
START_TEST(test_frame_tcp_info_matches_sent)
{
	fx_tcb_in_state(&P, TCB_ESTABLISHED);
	ck_assert_uint_ge(P.nlog, 3);
	struct fx_frame *syn = &P.log[0];
	ck_assert(syn->tcp);
	ck_assert_uint_eq(syn->i.saddr, FXT_ADDR(1));
	ck_assert_uint_eq(syn->i.daddr, FXT_ADDR(2));
	ck_assert_uint_eq(syn->i.dport, FXT_PORT);
	ck_assert_uint_eq(syn->i.flags, TV_TH_SYN);
	struct tv_seg_info i;
	ck_assert(!tv_frame_tcp_info(syn->data, 30, &i));
	uint8_t copy[128];
	memcpy(copy, syn->data, syn->len);
	copy[12] = 0x86; /* not IPv4 */
	ck_assert(!tv_frame_tcp_info(copy, syn->len, &i));
}
END_TEST

/* SEG_IN/SEG_OUT events carry the connection's ISS and IRS. */
START_TEST(test_seg_events_carry_iss_irs)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct tcb *b = fx_tcb(P.sb);
	size_t seen = 0;
	for (size_t i = 0; i < P.nev; i++) {
		const struct tv_event *e = &P.ev[i];
		if (e->type != TV_EV_SEG_OUT || e->host != 1 || e->u.seg.flags != TV_TH_ACK)
			continue;
		ck_assert_uint_eq(e->u.seg.iss, a->iss);
		ck_assert_uint_eq(e->u.seg.irs, b->iss);
		ck_assert_uint_eq(e->conn, a->id);
		seen++;
	}
	ck_assert_uint_eq(seen, 1);
	for (size_t i = 0; i < P.nev; i++) {
		const struct tv_event *e = &P.ev[i];
		if (e->type == TV_EV_SEG_IN && e->host == 2 && e->u.seg.flags == TV_TH_ACK) {
			ck_assert_uint_eq(e->u.seg.iss, b->iss);
			ck_assert_uint_eq(e->u.seg.irs, a->iss);
			ck_assert_uint_eq(e->conn, b->id);
		}
	}
}
END_TEST

static Suite *rst_suite(void)
{
	Suite *s = suite_create("tcp_rst");
	TCase *tc = tcase_create("rst");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_closed_port_syn_gets_rst_ack);
	tcase_add_test(tc, test_closed_port_rst_acks_data_syn_and_fin);
	tcase_add_test(tc, test_closed_port_ack_gets_rst_seq_from_ack);
	tcase_add_test(tc, test_closed_port_rst_is_not_answered);
	tcase_add_test(tc, test_closed_port_broadcast_source_not_answered);
	tcase_add_test(tc, test_connect_to_closed_port_refused);
	tcase_add_test(tc, test_syn_sent_rst_without_acceptable_ack_ignored);
	tcase_add_test(tc, test_syn_sent_unacceptable_ack_sends_rst);
	tcase_add_test(tc, test_syn_received_unacceptable_ack_sends_rst);
	tcase_add_test(tc, test_listen_ack_gets_rst_and_rst_ignored);
	tcase_add_test(tc, test_rst_exact_seq_resets);
	tcase_add_test(tc, test_rst_in_window_inexact_challenge_ack);
	tcase_add_test(tc, test_rst_out_of_window_dropped_silently);
	tcase_add_test(tc, test_syn_in_established_challenge_ack);
	tcase_add_test(tc, test_challenge_ack_rate_limited);
	tcase_add_test(tc, test_ack_of_unsent_data_answered_and_dropped);
	tcase_add_test(tc, test_time_wait_rst_ignored);
	tcase_add_test(tc, test_time_wait_syn_challenge_ack);
	tcase_add_test(tc, test_abort_sends_rst_peer_resets);
	tcase_add_test(tc, test_close_with_unread_data_sends_rst);
	tcase_add_test(tc, test_abort_in_syn_sent_no_rst_unsync_rule);
	tcase_add_test(tc, test_abort_after_both_fins_no_rst_closing_rule);
	tcase_add_test(tc, test_abort_in_fin_wait_1_sends_rst);
	tcase_add_test(tc, test_close_with_unread_data_in_last_ack_sends_rst);
	tcase_add_test(tc, test_syn_received_active_rst_refused);
	tcase_add_test(tc, test_last_ack_rst_closes_quietly);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad_checksum_dropped_counted);
	tcase_add_test(tc, test_data_offset_too_small_dropped);
	tcase_add_test(tc, test_data_offset_past_end_dropped);
	tcase_add_test(tc, test_option_length_zero_dropped);
	tcase_add_test(tc, test_option_running_past_header_dropped);
	tcase_add_test(tc, test_mss_option_wrong_length_dropped);
	tcase_add_test(tc, test_option_kind_without_length_dropped);
	tcase_add_test(tc, test_port_zero_dropped);
	tcase_add_test(tc, test_truncated_header_dropped);
	tcase_add_test(tc, test_parse_options);
	tcase_add_test(tc, test_frame_tcp_info_matches_sent);
	tcase_add_test(tc, test_seg_events_carry_iss_irs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rst_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
