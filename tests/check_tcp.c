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

/* fx_tcb_in_state reaches every state of figure 5 with real segments. */
START_TEST(test_fixture_reaches_every_state)
{
	enum tcb_state st = (enum tcb_state)_i;
	struct tcb *t = fx_tcb_in_state(&P, st);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->state, st);
	static const char *const names[] = {"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED",
		"ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
		"TIME-WAIT"};
	ck_assert_str_eq(tcb_state_name(st), names[st]);
}
END_TEST

/* Every state event names a rule, and the one writer reports old/new. */
START_TEST(test_state_events_name_rules)
{
	fx_tcb_in_state(&P, TCB_TIME_WAIT);
	fx_run(&P, P.now + TV_SEC(1000));
	size_t n = 0;
	for (size_t i = 0; i < P.nev; i++)
		if (P.ev[i].type == TV_EV_STATE) {
			ck_assert_int_ne(P.ev[i].rule, TV_RULE_NONE);
			ck_assert_uint_ne(P.ev[i].conn, 0);
			ck_assert_int_ne(P.ev[i].u.state.old_state, P.ev[i].u.state.new_state);
			n++;
		}
	/* A: CLOSED>SYN-SENT>ESTAB>FW1>FW2>TW>CLOSED; B: listener CLOSED>LISTEN,
	 * child LISTEN>SYN-RCVD>ESTAB>CLOSE-WAIT>LAST-ACK>CLOSED */
	ck_assert_uint_eq(n, 12);
}
END_TEST

/* figure 5: CLOSED --passive OPEN--> LISTEN --CLOSE--> CLOSED */
START_TEST(test_listen_close_deletes_tcb)
{
	fx_listen(&P);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_CLOSED, TCB_LISTEN, TV_RULE_APP_LISTEN), 1);
	ck_assert_int_eq(sock_close(P.sl, P.now), TV_OK);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_LISTEN, TCB_CLOSED,
					 TV_RULE_APP_CLOSE_LISTEN), 1);
	/* the port is free again: a SYN now draws a RST */
	fx_connect(&P);
	fx_deliver_all(&P);
	ck_assert_int_eq(P.app_a.err, TV_EREFUSED);
}
END_TEST

/* figure 5: LISTEN --SEND--> SYN-SENT (RFC 9293 3.10.2) */
START_TEST(test_listen_send_becomes_active_open)
{
	struct tv_sock *l;
	struct fx_app app = {.p = &P};
	ck_assert_int_eq(sock_listen(P.h[0], 5000, 0, fx_app_cb, &app, &l, P.now), TV_OK);
	fx_listen(&P);
	ck_assert_int_eq(sock_connect_socket(l, FXT_ADDR(2), FXT_PORT, 0, P.now), TV_OK);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_LISTEN, TCB_SYN_SENT,
					 TV_RULE_APP_SEND_LISTEN), 1);
	struct tcb *t = fx_tcb(l);
	ck_assert_uint_eq(t->tuple.lport, 5000);
	fx_deliver_all(&P);
	ck_assert_int_eq(t->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(app.ev[TV_SOCK_CONNECTED], 1);
	sock_abort(l, P.now);
}
END_TEST

/* figure 5: SYN-SENT --CLOSE--> CLOSED */
START_TEST(test_syn_sent_close_deletes_tcb)
{
	fx_tcb_in_state(&P, TCB_SYN_SENT);
	ck_assert_int_eq(sock_close(P.sa, P.now), TV_OK);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_SYN_SENT, TCB_CLOSED,
					 TV_RULE_APP_CLOSE_LISTEN), 1);
	ck_assert_uint_eq(fx_next_deadline(&P), TV_NEVER); /* no SYN timer left */
	ck_assert_uint_eq(P.h[0]->tcp->ntcbs, 0);
}
END_TEST

/* figure 5: ESTABLISHED --CLOSE--> FIN-WAIT-1 --ACK of FIN--> FIN-WAIT-2
 * --FIN--> TIME-WAIT; the peer ESTABLISHED --FIN--> CLOSE-WAIT --CLOSE-->
 * LAST-ACK --ACK of FIN--> CLOSED. */
START_TEST(test_four_way_close_transitions)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_FIN_WAIT_1);
	struct tcb *b = fx_peer_tcb(&P, a);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_ESTABLISHED, TCB_FIN_WAIT_1,
					 TV_RULE_APP_CLOSE), 1);
	fx_deliver_all(&P);
	ck_assert_int_eq(a->state, TCB_FIN_WAIT_2);
	ck_assert_int_eq(b->state, TCB_CLOSE_WAIT);
	ck_assert_uint_eq(P.app_b.ev[TV_SOCK_PEER_CLOSED], 1);
	ck_assert(P.app_b.eof);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_FIN_WAIT_1, TCB_FIN_WAIT_2,
					 TV_RULE_FIN_ACKED), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_ESTABLISHED, TCB_CLOSE_WAIT,
					 TV_RULE_FIN_RECEIVED), 1);
	/* half-closed: B can still send and A still receives */
	ck_assert_int_eq(sock_send(P.sb, "last", 4, P.now), 4);
	fx_deliver_all(&P);
	ck_assert_uint_eq(P.app_a.rxlen, 4);
	ck_assert_int_eq(sock_close(P.sb, P.now), TV_OK);
	ck_assert_int_eq(b->state, TCB_LAST_ACK);
	fx_deliver_all(&P);
	ck_assert_int_eq(a->state, TCB_TIME_WAIT);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_LAST_ACK, TCB_CLOSED, TV_RULE_FIN_ACKED), 1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_FIN_WAIT_2, TCB_TIME_WAIT,
					 TV_RULE_FIN_RECEIVED), 1);
	ck_assert(P.app_a.eof);
}
END_TEST

/* RFC 9293 3.10.7.4 / figure 5: TIME-WAIT lasts 2 MSL to the microsecond. */
START_TEST(test_time_wait_2msl_exact)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_TIME_WAIT);
	tv_time entered = P.now;
	tv_time msl = P.h[0]->cfg.tcp.msl;
	ck_assert_uint_eq(a->timer[TCB_T_2MSL], entered + 2 * msl);
	ck_assert_uint_eq(host_next_deadline(P.h[0]), entered + 2 * msl);
	fx_set_time(&P, entered + 2 * msl - 1);
	ck_assert_int_eq(a->state, TCB_TIME_WAIT);
	ck_assert_ptr_eq(sock_tcb(P.sa), a);
	fx_set_time(&P, entered + 2 * msl);
	ck_assert_ptr_null(sock_tcb(P.sa));
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_TIME_WAIT, TCB_CLOSED,
					 TV_RULE_TIME_WAIT_EXPIRED), 1);
	for (size_t i = 0; i < P.nev; i++)
		if (P.ev[i].type == TV_EV_STATE && P.ev[i].u.state.old_state == TCB_TIME_WAIT)
			ck_assert_uint_eq(P.ev[i].time, entered + 2 * msl);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_CLOSED], 1);
	ck_assert_int_eq(sock_error(P.sa), 0);
	ck_assert_int_eq(sock_recv(P.sa, (char[4]){0}, 4, P.now), 0); /* still end of stream */
}
END_TEST

/* The lost last ACK: B in LAST-ACK retransmits its FIN; A in TIME-WAIT
 * ACKs it again and restarts the 2 MSL wait (the notes' first reason for
 * TIME-WAIT). */
START_TEST(test_time_wait_fin_retransmit_reacks)
{
	fx_tcb_in_state(&P, TCB_FIN_WAIT_2);
	struct tcb *a = fx_tcb(P.sa), *b = fx_tcb(P.sb);
	sock_shutdown(P.sb, P.now);
	fx_deliver(&P, 0); /* B's FIN reaches A */
	ck_assert_int_eq(a->state, TCB_TIME_WAIT);
	tv_time tw0 = P.now;
	ck_assert_uint_eq(P.nq, 1);
	fx_drop(&P, 0); /* A's last ACK is lost */
	ck_assert_int_eq(b->state, TCB_LAST_ACK);
	size_t mark = P.nlog;
	ck_assert(fx_advance(&P, TV_NEVER)); /* B's RTO */
	ck_assert_uint_gt(P.now, tw0);
	ck_assert_uint_eq(fx_log_count(&P, mark, FXT_B, TV_TH_FIN, TV_TH_FIN), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_RETRANSMIT, TV_RULE_REXMIT_TIMEOUT), 1);
	tv_time again = P.now;
	fx_deliver(&P, 0);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_TIME_WAIT_FIN), 1);
	ck_assert_uint_eq(a->timer[TCB_T_2MSL], again + 2 * P.h[0]->cfg.tcp.msl);
	fx_deliver_all(&P);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_LAST_ACK, TCB_CLOSED, TV_RULE_FIN_ACKED), 1);
	fx_set_time(&P, tw0 + 2 * P.h[0]->cfg.tcp.msl);
	ck_assert_int_eq(a->state, TCB_TIME_WAIT); /* restarted: not yet */
	fx_set_time(&P, again + 2 * P.h[0]->cfg.tcp.msl);
	ck_assert_ptr_null(sock_tcb(P.sa));
}
END_TEST

/* figure 5 note 2: FIN-WAIT-1 straight to TIME-WAIT when the peer's FIN
 * also acknowledges ours. */
START_TEST(test_fin_wait_1_fin_and_ack_to_time_wait)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_FIN_WAIT_1);
	struct tcb *b = fx_peer_tcb(&P, a);
	b->delack = 1;
	fx_deliver(&P, 0); /* A's FIN to B: B acks (queued) */
	ck_assert_uint_eq(P.nq, 1);
	fx_drop(&P, 0);
	sock_close(P.sb, P.now); /* B's FIN carries the ACK of A's FIN */
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags & (TV_TH_FIN | TV_TH_ACK), TV_TH_FIN | TV_TH_ACK);
	fx_deliver(&P, 0);
	ck_assert_int_eq(a->state, TCB_TIME_WAIT);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_FIN_WAIT_1, TCB_TIME_WAIT,
					 TV_RULE_FIN_ACKED_AND_FIN), 1);
}
END_TEST

/* RFC 9293 figure 13: simultaneous close, both through CLOSING. */
START_TEST(test_simultaneous_close_closing_both)
{
	fx_establish(&P);
	struct tcb *a = fx_tcb(P.sa), *b = fx_tcb(P.sb);
	sock_shutdown(P.sa, P.now);
	sock_shutdown(P.sb, P.now);
	ck_assert_uint_eq(P.nq, 2);
	fx_deliver(&P, 1); /* B's FIN reaches A first... */
	fx_deliver(&P, 0); /* ...then A's FIN reaches B: both crossed */
	ck_assert_int_eq(a->state, TCB_CLOSING);
	ck_assert_int_eq(b->state, TCB_CLOSING);
	ck_assert_uint_eq(fx_count_state(&P, -1, TCB_FIN_WAIT_1, TCB_CLOSING,
					 TV_RULE_FIN_SIMULTANEOUS), 2);
	fx_deliver_all(&P);
	ck_assert_int_eq(a->state, TCB_TIME_WAIT);
	ck_assert_int_eq(b->state, TCB_TIME_WAIT);
	ck_assert_uint_eq(fx_count_state(&P, -1, TCB_CLOSING, TCB_TIME_WAIT, TV_RULE_FIN_ACKED), 2);
	fx_run(&P, TV_NEVER - 1);
	ck_assert_ptr_null(sock_tcb(P.sa));
	ck_assert_ptr_null(sock_tcb(P.sb));
}
END_TEST

static void both_connect(struct tv_sock **s0, struct tv_sock **s1, struct fx_app *a0,
			 struct fx_app *a1)
{
	a0->p = a1->p = &P;
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), 6000, 7000, fx_app_cb, a0, s0, P.now),
			 TV_OK);
	ck_assert_int_eq(sock_connect(P.h[1], FXT_ADDR(1), 7000, 6000, fx_app_cb, a1, s1, P.now),
			 TV_OK);
	ck_assert_uint_eq(P.nq, 2);
}

/* RFC 9293 figure 7: simultaneous open through SYN-RECEIVED. */
START_TEST(test_simultaneous_open)
{
	struct tv_sock *s0, *s1;
	struct fx_app a0 = {0}, a1 = {0};
	both_connect(&s0, &s1, &a0, &a1);
	struct tcb *t0 = fx_tcb(s0), *t1 = fx_tcb(s1);
	fx_deliver(&P, 0);
	fx_deliver(&P, 0);
	ck_assert_int_eq(t0->state, TCB_SYN_RECEIVED);
	ck_assert_int_eq(t1->state, TCB_SYN_RECEIVED);
	ck_assert_uint_eq(fx_count_state(&P, -1, TCB_SYN_SENT, TCB_SYN_RECEIVED,
					 TV_RULE_SYN_SENT_SYN), 2);
	ck_assert_uint_eq(P.nq, 2);
	for (int i = 0; i < 2; i++) {
		struct fx_frame *f = fx_q_at(&P, (size_t)i);
		ck_assert_uint_eq(f->i.flags, TV_TH_SYN | TV_TH_ACK);
	}
	fx_deliver_all(&P);
	ck_assert_int_eq(t0->state, TCB_ESTABLISHED);
	ck_assert_int_eq(t1->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(a0.ev[TV_SOCK_CONNECTED], 1);
	ck_assert_uint_eq(a1.ev[TV_SOCK_CONNECTED], 1);
	ck_assert_uint_eq(t0->snd_nxt, t1->rcv_nxt);
	ck_assert_uint_eq(t1->snd_nxt, t0->rcv_nxt);
	ck_assert_uint_eq(fx_count_events(&P, TV_EV_RETRANSMIT), 0);
	ck_assert_int_eq(sock_send(s0, "x", 1, P.now), 1);
	fx_deliver_all(&P);
	ck_assert_int_eq(sock_readable(s1), 1);
	sock_abort(s0, P.now);
	sock_abort(s1, P.now);
}
END_TEST

/* figure 5: SYN-RECEIVED --CLOSE--> FIN-WAIT-1 (only reachable by an
 * active open that met a SYN: simultaneous open). */
START_TEST(test_syn_received_close_to_fin_wait_1)
{
	struct tv_sock *s0, *s1;
	struct fx_app a0 = {0}, a1 = {0};
	both_connect(&s0, &s1, &a0, &a1);
	struct tcb *t0 = fx_tcb(s0);
	fx_deliver(&P, 1); /* B's SYN reaches A: A in SYN-RECEIVED */
	ck_assert_int_eq(t0->state, TCB_SYN_RECEIVED);
	ck_assert_int_eq(sock_shutdown(s0, P.now), TV_OK);
	ck_assert_int_eq(t0->state, TCB_FIN_WAIT_1);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_SYN_RECEIVED, TCB_FIN_WAIT_1,
					 TV_RULE_APP_CLOSE), 1);
	fx_run(&P, P.now + TV_SEC(10));
	ck_assert_int_eq(t0->state, TCB_FIN_WAIT_2);
	ck_assert_int_eq(fx_tcb(s1)->state, TCB_CLOSE_WAIT);
	sock_abort(s0, P.now);
	sock_abort(s1, P.now);
}
END_TEST

/* RFC 9293 figure 8: an old duplicate SYN reaches the server; the client
 * answers the SYN,ACK with RST and no connection forms from it. */
START_TEST(test_old_duplicate_syn_reset_by_client)
{
	fx_listen(&P);
	struct fx_spec s = {0};
	s.saddr = FXT_ADDR(1);
	s.daddr = FXT_ADDR(2);
	s.sport = 40000;
	s.dport = FXT_PORT;
	s.seq = 90;
	s.flags = TV_TH_SYN;
	s.win = 1000;
	fx_inject(&P, FXT_B, &s);
	ck_assert_uint_eq(P.nq, 1);
	struct fx_frame *sa = fx_q_at(&P, 0);
	ck_assert_uint_eq(sa->i.flags, TV_TH_SYN | TV_TH_ACK);
	ck_assert_uint_eq(sa->i.ack, 91);
	fx_deliver(&P, 0); /* to A, which has no such connection */
	ck_assert_uint_eq(P.nq, 1);
	struct fx_frame *rst = fx_q_at(&P, 0);
	ck_assert_uint_eq(rst->i.flags, TV_TH_RST);
	ck_assert_uint_eq(rst->i.seq, 91);
	fx_deliver(&P, 0);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_SYN_RECEIVED, TCB_LISTEN,
					 TV_RULE_SYN_RCVD_RST_PASSIVE), 1);
	ck_assert_uint_eq(P.app_l.ev[TV_SOCK_ACCEPTABLE], 0);
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, 0);
	ck_assert_uint_eq(fx_tcb(P.sl)->lst->nchild, 0);
	/* and a real connection still works afterwards */
	fx_connect(&P);
	fx_deliver_all(&P);
	ck_assert_int_eq(fx_tcb(P.sa)->state, TCB_ESTABLISHED);
}
END_TEST

/* Figure 8 with the client in SYN-SENT: the SYN,ACK answering the old SYN
 * has an unacceptable ACK, the client resets it and keeps trying. */
START_TEST(test_old_duplicate_syn_while_client_syn_sent)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_SYN_SENT);
	fx_drop(&P, 0); /* the real SYN is delayed (lost here) */
	struct fx_spec s;
	fx_spec_peer(&s, a);
	s.saddr = a->tuple.laddr; /* from A's address and port: a stale SYN */
	s.daddr = a->tuple.raddr;
	s.sport = a->tuple.lport;
	s.dport = a->tuple.rport;
	s.seq = a->iss - 1000;
	s.flags = TV_TH_SYN;
	fx_inject(&P, FXT_B, &s);
	fx_deliver(&P, 0); /* SYN,ACK ack=iss-999 reaches A in SYN-SENT */
	ck_assert_int_eq(a->state, TCB_SYN_SENT);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.seq, a->iss - 999);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_SYN_SENT_BAD_ACK), 1);
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, 0);
	fx_run(&P, P.now + TV_SEC(5)); /* A's SYN is retransmitted */
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
}
END_TEST

/* RFC 9293 figure 10 (with RFC 5961): half-open connection discovery.  A
 * crashed and forgot; its new SYN meets B's old connection, B answers
 * with a (challenge) ACK, A resets it, and A's retry succeeds. */
START_TEST(test_half_open_discovery)
{
	fx_establish(&P);
	struct tcb *b = fx_tcb(P.sb);
	uint16_t lport = fx_tcb(P.sa)->tuple.lport;
	/* A crashes: its connection vanishes without a trace. */
	struct host *old = P.h[0];
	P.h[0] = NULL;
	old->cfg.bus = NULL;
	host_free(old);
	P.sa = NULL;
	struct host_config cfg;
	host_config_default(&cfg);
	cfg.mac[0] = 2;
	cfg.mac[5] = 1;
	cfg.addr = FXT_ADDR(1);
	cfg.bus = &P.bus;
	cfg.tx = P.h[1]->cfg.tx;
	cfg.tx_ctx = &P.txc[0];
	cfg.isn_key[0] = 99;
	P.h[0] = host_new(&cfg, 1, P.now);
	uint8_t mac[6] = {2, 0, 0, 0, 0, 2};
	arp_insert(P.h[0], FXT_ADDR(2), mac, true, P.now);
	fx_q_clear(&P);
	struct fx_app app = {.p = &P};
	struct tv_sock *s;
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, lport, fx_app_cb, &app, &s,
				      P.now), TV_OK);
	fx_deliver(&P, 0); /* SYN reaches B's ESTABLISHED connection */
	ck_assert_int_eq(b->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_SYN_CHALLENGE), 1);
	fx_deliver(&P, 0); /* the ACK reaches A in SYN-SENT: unacceptable */
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.flags, TV_TH_RST);
	fx_deliver(&P, 0); /* exact RST: B aborts */
	ck_assert_uint_eq(P.app_b.ev[TV_SOCK_ERROR], 1);
	ck_assert_int_eq(P.app_b.err, TV_ERESET);
	fx_run(&P, P.now + TV_SEC(5)); /* A's SYN again, now to the listener */
	ck_assert_int_eq(fx_tcb(s)->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(app.ev[TV_SOCK_CONNECTED], 1);
	sock_abort(s, P.now);
}
END_TEST

/* A retransmitted SYN reaching SYN-RECEIVED: the SYN,ACK was lost, send
 * it again at once rather than wait for our own timer. */
START_TEST(test_syn_received_dup_syn_resends_synack)
{
	struct tcb *b = fx_tcb_in_state(&P, TCB_SYN_RECEIVED);
	struct tcb *a = fx_tcb(P.sa);
	fx_drop(&P, 0); /* SYN,ACK lost */
	fx_set_time(&P, P.now + TV_MSEC(300));
	size_t mark = P.nlog;
	struct fx_spec s;
	fx_spec_peer(&s, b);
	s.seq = a->iss;
	s.flags = TV_TH_SYN;
	fx_inject(&P, FXT_B, &s); /* the client's SYN again */
	ck_assert_uint_eq(fx_log_count(&P, mark, FXT_B, 0xff, TV_TH_SYN | TV_TH_ACK), 1);
	ck_assert_uint_eq(P.nlog, mark + 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_SYN_RCVD_DUP_SYN), 1);
	ck_assert_int_eq(b->state, TCB_SYN_RECEIVED);
	fx_deliver_all(&P);
	ck_assert_int_eq(b->state, TCB_ESTABLISHED);
}
END_TEST

/* The listener's TCB count: a handshake completes into the accept queue
 * and the application takes it; unaccepted ones die with the listener. */
START_TEST(test_listener_close_aborts_unaccepted)
{
	P.app_l.auto_accept = false;
	fx_listen(&P);
	fx_connect(&P);
	fx_deliver_all(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.app_l.ev[TV_SOCK_ACCEPTABLE], 1);
	ck_assert_uint_eq(fx_tcb(P.sl)->lst->nchild, 1);
	ck_assert_int_eq(sock_close(P.sl, P.now), TV_OK);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_LISTENER_CLOSED), 1);
	fx_deliver_all(&P);
	ck_assert_int_eq(P.app_a.err, TV_ERESET);
	ck_assert_uint_eq(P.h[1]->tcp->ntcbs, 0);
}
END_TEST

START_TEST(test_accept_queue_order_and_eagain)
{
	P.app_l.auto_accept = false;
	fx_listen(&P);
	struct tv_sock *c[3];
	struct fx_app apps[3] = {{.p = &P}, {.p = &P}, {.p = &P}};
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, (uint16_t)(41000 + i),
					      fx_app_cb, &apps[i], &c[i], P.now), TV_OK);
	fx_deliver_all(&P);
	struct tv_sock *s;
	struct fx_app app = {.p = &P};
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(sock_accept(P.sl, fx_app_cb, &app, &s, P.now), TV_OK);
		ck_assert_uint_eq(fx_tcb(s)->tuple.rport, 41000 + i);
		sock_close(s, P.now);
	}
	ck_assert_int_eq(sock_accept(P.sl, fx_app_cb, &app, &s, P.now), TV_EAGAIN);
	for (int i = 0; i < 3; i++)
		sock_abort(c[i], P.now);
}
END_TEST

static Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_handshake_three_segments);
	tcase_add_test(tc, test_data_both_ways);
	tcase_add_loop_test(tc, test_fixture_reaches_every_state, 0, TCB_STATE_COUNT);
	tcase_add_test(tc, test_state_events_name_rules);
	tcase_add_test(tc, test_listen_close_deletes_tcb);
	tcase_add_test(tc, test_listen_send_becomes_active_open);
	tcase_add_test(tc, test_syn_sent_close_deletes_tcb);
	tcase_add_test(tc, test_four_way_close_transitions);
	tcase_add_test(tc, test_time_wait_2msl_exact);
	tcase_add_test(tc, test_time_wait_fin_retransmit_reacks);
	tcase_add_test(tc, test_fin_wait_1_fin_and_ack_to_time_wait);
	tcase_add_test(tc, test_simultaneous_close_closing_both);
	tcase_add_test(tc, test_simultaneous_open);
	tcase_add_test(tc, test_syn_received_close_to_fin_wait_1);
	tcase_add_test(tc, test_old_duplicate_syn_reset_by_client);
	tcase_add_test(tc, test_old_duplicate_syn_while_client_syn_sent);
	tcase_add_test(tc, test_half_open_discovery);
	tcase_add_test(tc, test_syn_received_dup_syn_resends_synack);
	tcase_add_test(tc, test_listener_close_aborts_unaccepted);
	tcase_add_test(tc, test_accept_queue_order_and_eagain);
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
