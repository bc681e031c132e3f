/*
 * check_tcp_timer.c - TCP's clocks: retransmission with RFC 6298
 * estimation, Karn and exponential backoff; giving up; keepalive (RFC 1122
 * 4.2.3.6) against dead and live peers; zero-window persist; delayed ACK;
 * the orphaned FIN-WAIT-2 limit; and the timer heap itself.
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

/* Times at which `from` sent frames matching mask/want, from log index i0. */
static size_t log_times(size_t i0, unsigned from, uint8_t mask, uint8_t want, tv_time *t,
			size_t max)
{
	size_t n = 0;
	for (size_t i = i0; i < P.nlog && n < max; i++)
		if (P.log[i].tcp && P.log[i].from == from && (P.log[i].i.flags & mask) == want)
			t[n++] = P.log[i].when;
	return n;
}

/* RFC 6298 5.5 and RFC 1122 4.2.3.5: SYN retransmitted 1, 2, 4, 8, 16, 32 s
 * apart (syn_retries 6), then the connection times out. */
START_TEST(test_syn_rto_backoff_then_timed_out)
{
	fx_connect(&P); /* nobody answers: every frame is lost */
	tv_time t0 = P.now;
	while (fx_advance(&P, TV_NEVER - 1))
		fx_q_clear(&P);
	tv_time t[16];
	size_t n = log_times(0, FXT_A, TV_TH_SYN, TV_TH_SYN, t, 16);
	ck_assert_uint_eq(n, 7);
	static const unsigned gap[] = {1, 2, 4, 8, 16, 32};
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_eq(t[i] - t[i - 1], TV_SEC(gap[i - 1]));
	ck_assert_uint_eq(t[0], t0);
	ck_assert_int_eq(P.app_a.err, TV_ETIMEDOUT);
	/* the last wait would be 64 s: rto_max caps it at 60 */
	ck_assert_uint_eq(P.now, t0 + TV_SEC(1 + 2 + 4 + 8 + 16 + 32 + 60));
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_SYN_SENT, TCB_CLOSED,
					 TV_RULE_REXMIT_GIVE_UP), 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_TIMEOUT), 1);
	ck_assert_uint_eq(fx_count_events(&P, TV_EV_RETRANSMIT), 6);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_TIMER_FIRE, TV_RULE_REXMIT_TIMEOUT), 7);
}
END_TEST

/* Data: backoff doubles up to rto_max (60 s), data_retries (15) resends,
 * then timed out with a RST to the peer. */
START_TEST(test_data_rto_backoff_capped_then_timed_out)
{
	fx_establish(&P);
	size_t mark = P.nlog;
	sock_send(P.sa, "lost", 4, P.now);
	while (fx_advance(&P, TV_NEVER - 1))
		fx_drop_from(&P, FXT_A);
	fx_q_clear(&P);
	tv_time t[32];
	size_t n = log_times(mark, FXT_A, TV_TH_PSH, TV_TH_PSH, t, 32);
	ck_assert_uint_eq(n, 16);
	tv_time expect = TV_SEC(1);
	for (size_t i = 1; i < n; i++) {
		ck_assert_uint_eq(t[i] - t[i - 1], expect);
		expect = expect * 2 > TV_SEC(60) ? TV_SEC(60) : expect * 2;
	}
	ck_assert_int_eq(P.app_a.err, TV_ETIMEDOUT);
	ck_assert_uint_eq(fx_log_count(&P, mark, FXT_A, TV_TH_RST, TV_TH_RST), 1);
	/* the retransmit events count up the backoff */
	uint32_t last = 0;
	for (size_t i = 0; i < P.nev; i++)
		if (P.ev[i].type == TV_EV_RETRANSMIT) {
			ck_assert_uint_eq(P.ev[i].u.rexmit.count, last + 1);
			last = P.ev[i].u.rexmit.count;
		}
	ck_assert_uint_eq(last, 15);
}
END_TEST

static void tune_fast_rto(struct host_config *cfg, unsigned side)
{
	(void)side;
	cfg->tcp.rto_min = TV_MSEC(10);
}

/* RFC 6298 2.2/2.3: the first sample R gives SRTT R, RTTVAR R/2, RTO =
 * SRTT + 4 RTTVAR; the next one R' updates with 1/8 and 1/4. */
START_TEST(test_rtt_estimate_rfc6298)
{
	fx_pair_fini(&P);
	fx_pair_init(&P, tune_fast_rto);
	fx_listen(&P);
	fx_connect(&P);
	fx_deliver(&P, 0);
	fx_set_time(&P, P.now + TV_MSEC(100)); /* the SYN,ACK takes 100 ms back */
	fx_deliver_all(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_uint_eq(a->srtt, TV_MSEC(100));
	ck_assert_uint_eq(a->rttvar, TV_MSEC(50));
	ck_assert_uint_eq(a->rto, TV_MSEC(300));
	sock_send(P.sa, "x", 1, P.now);
	fx_deliver(&P, 0);
	fx_set_time(&P, P.now + TV_MSEC(200)); /* delayed ACK at 200 ms */
	fx_deliver_all(&P);
	/* RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5; SRTT = 7/8*100 + 1/8*200 = 112.5 */
	ck_assert_uint_eq(a->rttvar, 62500);
	ck_assert_uint_eq(a->srtt, 112500);
	ck_assert_uint_eq(a->rto, 112500 + 4 * 62500);
}
END_TEST

/* Karn: the ACK of a retransmitted segment gives no sample; the backed-off
 * timer stays until new data is acknowledged (RFC 6298 5). */
START_TEST(test_karn_no_sample_from_retransmission)
{
	fx_establish(&P);
	struct tcb *a = fx_tcb(P.sa);
	uint32_t srtt = a->srtt, rto = a->rto;
	sock_send(P.sa, "x", 1, P.now);
	fx_drop(&P, 0);
	ck_assert(fx_advance(&P, TV_NEVER)); /* RTO: resent */
	ck_assert_uint_eq(a->rexmit_count, 1);
	fx_set_time(&P, P.now + TV_MSEC(700));
	fx_deliver_all(&P);
	ck_assert_uint_eq(a->srtt, srtt);
	ck_assert_uint_eq(a->rto, rto);
	ck_assert_uint_eq(a->rexmit_count, 0);
}
END_TEST

/* RFC 6298 5.7: a handshake that needed a SYN retransmission starts data
 * with RTO 3 s and (RFC 5681 3.1) a one-segment window. */
START_TEST(test_syn_retransmitted_rto_3s_and_iw_1)
{
	fx_listen(&P);
	fx_connect(&P);
	fx_drop(&P, 0);
	ck_assert(fx_advance(&P, TV_NEVER));
	fx_deliver_all(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(a->rto, TV_SEC(3));
	ck_assert_uint_eq(a->cwnd, a->snd_mss);
}
END_TEST

static void enable_keepalive(struct tv_sock *s)
{
	ck_assert_int_eq(sock_setopt(s, TV_SO_KEEPALIVE, 1), TV_OK);
}

/* RFC 1122 4.2.3.6 with the defaults 7200 s / 75 s / 10: after two hours
 * idle, ten probes 75 seconds apart, then the connection times out. */
START_TEST(test_keepalive_dead_peer_times_out)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	enable_keepalive(P.sa);
	tv_time idle0 = P.now;
	size_t mark = P.nlog;
	while (fx_advance(&P, TV_NEVER - 1))
		fx_drop_from(&P, FXT_A); /* the peer is gone */
	fx_q_clear(&P);
	tv_time t[16];
	size_t n = log_times(mark, FXT_A, TV_TH_RST, 0, t, 16);
	ck_assert_uint_eq(n, 10);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(t[i], idle0 + TV_SEC(7200) + i * TV_SEC(75));
	for (size_t i = mark; i < P.nlog; i++)
		if (P.log[i].from == FXT_A && !(P.log[i].i.flags & TV_TH_RST)) {
			ck_assert_uint_eq(P.log[i].i.seq, a->snd_una - 1); /* seq SND.UNA-1 */
			ck_assert_uint_eq(P.log[i].i.len, 0);              /* no data */
		}
	ck_assert_int_eq(P.app_a.err, TV_ETIMEDOUT);
	ck_assert_uint_eq(P.now, idle0 + TV_SEC(7200) + 10 * TV_SEC(75));
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_KEEPALIVE), 10);
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_ESTABLISHED, TCB_CLOSED,
					 TV_RULE_KEEPALIVE_DEAD), 1);
}
END_TEST

/* A live peer answers each probe (an unacceptable segment draws an ACK):
 * the connection stays, the next probe waits another idle period. */
START_TEST(test_keepalive_live_peer_keeps_connection)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	enable_keepalive(P.sa);
	tv_time t0 = P.now;
	fx_run(&P, t0 + TV_SEC(3 * 7200 + 10));
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_KEEPALIVE), 3);
	tv_time t[8];
	size_t n = log_times(0, FXT_A, 0xff, TV_TH_ACK, t, 8);
	ck_assert_uint_ge(n, 3);
	ck_assert_uint_eq(t[n - 3], t0 + TV_SEC(7200));
	ck_assert_uint_eq(t[n - 2], t0 + TV_SEC(2 * 7200));
	ck_assert_uint_eq(t[n - 1], t0 + TV_SEC(3 * 7200));
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_TIMER_CANCEL, TV_RULE_KEEPALIVE_ALIVE), 3);
	ck_assert_int_eq(P.app_a.err, 0);
}
END_TEST

/* Per-connection settings, and traffic postponing the first probe. */
START_TEST(test_keepalive_options_and_activity)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	enable_keepalive(P.sa);
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_KEEPIDLE, TV_SEC(60)), TV_OK);
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_KEEPINTVL, TV_SEC(5)), TV_OK);
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_KEEPCNT, 2), TV_OK);
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_KEEPINTVL, 0), TV_EINVAL);
	tv_time t0 = P.now;
	fx_set_time(&P, t0 + TV_SEC(40));
	sock_send(P.sb, "ping", 4, P.now); /* traffic at +40 s */
	fx_deliver_all(&P);
	size_t mark = P.nlog;
	fx_set_time(&P, t0 + TV_SEC(99));
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_KEEPALIVE), 0);
	fx_set_time(&P, t0 + TV_SEC(100));
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_KEEPALIVE), 1);
	fx_q_clear(&P);
	while (fx_advance(&P, t0 + TV_SEC(200)))
		fx_drop_from(&P, FXT_A);
	ck_assert_int_eq(P.app_a.err, TV_ETIMEDOUT);
	size_t died = 0;
	for (size_t i = 0; i < P.nev; i++)
		if (P.ev[i].type == TV_EV_STATE && P.ev[i].rule == TV_RULE_KEEPALIVE_DEAD) {
			ck_assert_uint_eq(P.ev[i].time, t0 + TV_SEC(110));
			died++;
		}
	ck_assert_uint_eq(died, 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_KEEPALIVE), 2);
	ck_assert_uint_eq(fx_log_count(&P, mark, FXT_A, TV_TH_RST, TV_TH_RST), 1);
	(void)a;
}
END_TEST

static void tune_small_rcvbuf(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B)
		cfg->tcp.rcvbuf = 4096;
}

/* RFC 9293 3.8.6.1: a zero window is probed with one octet, backing off
 * from persist_min to persist_max, forever; when the reader makes room
 * the window update restarts the flow and every byte arrives. */
START_TEST(test_zero_window_persist_probes_backoff)
{
	fx_pair_fini(&P);
	fx_pair_init(&P, tune_small_rcvbuf);
	fx_establish(&P);
	P.app_b.auto_read = false;
	struct tcb *a = fx_tcb(P.sa);
	static uint8_t data[10000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + 7);
	ck_assert_int_eq(sock_send(P.sa, data, sizeof(data), P.now), (long)sizeof(data));
	fx_deliver_all(&P);
	/* two full segments fit; the 1176 bytes left in the window are under
	 * half the largest window, so sender SWS avoidance holds them until
	 * the override (persist) timer */
	ck_assert_uint_eq(sock_readable(P.sb), 2920);
	ck_assert(tcb_timer_armed(a, TCB_T_PERSIST));
	ck_assert(fx_advance(&P, TV_NEVER));
	fx_run(&P, P.now + TV_MSEC(500)); /* B's (delayed) ACK: window 0 */
	ck_assert_uint_eq(sock_readable(P.sb), 4096);
	ck_assert_uint_eq(a->snd_wnd, 0);
	ck_assert(tcb_timer_armed(a, TCB_T_PERSIST));
	ck_assert(!tcb_timer_armed(a, TCB_T_REXMIT));
	size_t mark = P.nlog;
	tv_time t0 = P.now;
	fx_run(&P, t0 + TV_SEC(400));
	tv_time t[16];
	size_t n = log_times(mark, FXT_A, 0, 0, t, 16);
	ck_assert_uint_ge(n, 8);
	static const unsigned at[] = {1, 3, 7, 15, 31, 63, 123, 183, 243, 303, 363};
	for (size_t i = 0; i < n && i < 11; i++)
		ck_assert_uint_eq(t[i], t0 + TV_SEC(at[i]));
	for (size_t i = mark; i < P.nlog; i++)
		if (P.log[i].from == FXT_A)
			ck_assert_uint_eq(P.log[i].i.len, 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_PERSIST), n);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(fx_count_events(&P, TV_EV_RETRANSMIT), 0);
	/* the reader drains: the window opens and the rest flows */
	P.app_b.auto_read = true;
	fx_app_cb(&P.app_b, P.sb, TV_SOCK_READABLE, 0);
	fx_run(&P, P.now + TV_SEC(10));
	ck_assert_uint_eq(P.app_b.rxlen, sizeof(data));
	ck_assert_mem_eq(P.app_b.rx, data, sizeof(data));
	ck_assert(!tcb_timer_armed(a, TCB_T_PERSIST));
}
END_TEST

/*
 * RFC 6298 3 (Karn) and RFC 9293 3.8.6.1: zero-window probes are not
 * timed, and a probe sent again is sequence space sent twice.  Here the
 * reader drains while the window is shut, its window update is lost, and
 * the next probe is taken: the ACK covering the probe octet comes seconds
 * after the first probe, and must leave SRTT, RTTVAR and the RTO as the
 * handshake set them (as a sample it gave an RTO of several seconds).
 */
START_TEST(test_persist_probe_acked_gives_no_rtt_sample)
{
	fx_pair_fini(&P);
	fx_pair_init(&P, tune_small_rcvbuf);
	fx_establish(&P);
	P.app_b.auto_read = false;
	struct tcb *a = fx_tcb(P.sa);
	static uint8_t data[8000];
	ck_assert_int_eq(sock_send(P.sa, data, sizeof(data), P.now), (long)sizeof(data));
	fx_deliver_all(&P);
	ck_assert(fx_advance(&P, TV_NEVER)); /* the SWS override send */
	fx_run(&P, P.now + TV_MSEC(500)); /* B's (delayed) ACK: window 0 */
	ck_assert_uint_eq(a->snd_wnd, 0);
	ck_assert(tcb_timer_armed(a, TCB_T_PERSIST));
	uint32_t srtt = a->srtt, rttvar = a->rttvar, rto = a->rto;
	fx_run(&P, P.now + TV_SEC(8)); /* probed more than once */
	ck_assert_uint_eq(a->snd_wnd, 0);
	ck_assert_uint_ge(fx_counter(&P, FXT_A, TV_CNT_TCP_PERSIST), 2);
	uint32_t una = a->snd_una;
	/* the reader drains; its window update is lost */
	P.app_b.auto_read = true;
	fx_app_cb(&P.app_b, P.sb, TV_SOCK_READABLE, 0);
	ck_assert_uint_ge(fx_drop_from(&P, FXT_B), 1);
	ck_assert(fx_advance(&P, TV_NEVER)); /* the next probe */
	long i = fx_q_find(&P, FXT_A, 0, 0);
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(fx_q_at(&P, (size_t)i)->i.seq, una);
	ck_assert_uint_eq(fx_q_at(&P, (size_t)i)->i.len, 1);
	fx_deliver(&P, (size_t)i); /* taken this time */
	while (fx_q_find(&P, FXT_B, 0, 0) < 0)
		ck_assert(fx_advance(&P, TV_NEVER));
	fx_deliver(&P, (size_t)fx_q_find(&P, FXT_B, 0, 0));
	ck_assert_uint_eq(a->snd_una, una + 1); /* the probe octet is acknowledged */
	ck_assert_uint_gt(a->snd_wnd, 0);
	ck_assert_uint_eq(a->srtt, srtt);
	ck_assert_uint_eq(a->rttvar, rttvar);
	ck_assert_uint_eq(a->rto, rto);
	ck_assert_uint_eq(tcb_rto(a), rto);
	fx_run(&P, P.now + TV_SEC(10));
	ck_assert_uint_eq(P.app_b.rxlen, sizeof(data));
}
END_TEST

/* A probe sent again stops an RTT measurement already running on that
 * octet (Karn), though it is not counted as a retransmission. */
START_TEST(test_persist_probe_resent_stops_rtt_timing)
{
	fx_establish(&P);
	struct tcb *a = fx_tcb(P.sa);
	sock_send(P.sa, "xy", 2, P.now);
	ck_assert(a->rtt_active);
	ck_assert_uint_eq(a->rtt_seq, a->snd_una);
	fx_q_clear(&P);
	/* the peer shuts its window without taking the data */
	struct fx_spec s;
	fx_spec_peer(&s, a);
	s.seq = a->rcv_nxt;
	s.ack = a->snd_una;
	s.flags = TV_TH_ACK;
	s.win = 0;
	fx_inject(&P, FXT_A, &s);
	ck_assert_uint_eq(a->snd_wnd, 0);
	tcp_persist_probe(a, P.now);
	ck_assert_uint_eq(fx_q_at(&P, P.nq - 1)->i.seq, a->snd_una);
	ck_assert(!a->rtt_active);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_RETRANSMIT), 0);
}
END_TEST

/*
 * RFC 9293 3.10.7.4 / RFC 6298 5.1: the peer's SYN repeated in
 * SYN-RECEIVED means our SYN,ACK was lost: it goes again at once and the
 * retransmission timer restarts from that copy, so the timer does not
 * send a second identical copy moments later.  The copy is reported as a
 * retransmission that no timeout caused (count 0).
 */
START_TEST(test_syn_received_repeated_syn_restarts_rexmit_timer)
{
	fx_listen(&P);
	fx_connect(&P);
	tv_time t0 = P.now;
	fx_deliver(&P, 0);                 /* A's SYN reaches B */
	ck_assert_uint_eq(fx_drop_from(&P, FXT_B), 1); /* its SYN,ACK is lost */
	struct tcb *b = fx_peer_tcb(&P, fx_tcb(P.sa));
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->state, TCB_SYN_RECEIVED);
	fx_set_time(&P, t0 + TV_MSEC(900));
	fx_inject_to(&P, b, b->irs, 0, TV_TH_SYN, NULL, 0); /* the SYN again */
	ck_assert_int_ge(fx_q_find(&P, FXT_B, TV_TH_SYN | TV_TH_ACK, TV_TH_SYN | TV_TH_ACK), 0);
	ck_assert_uint_eq(b->rexmit_count, 0);
	ck_assert_uint_eq(b->timer[TCB_T_REXMIT], t0 + TV_MSEC(1900));
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_RETRANSMIT, TV_RULE_SYN_RCVD_DUP_SYN), 1);
	for (size_t i = P.nev; i-- > 0;)
		if (P.ev[i].type == TV_EV_RETRANSMIT) {
			ck_assert_uint_eq(P.ev[i].u.rexmit.count, 0);
			break;
		}
	/* nothing more from B until 1 s after the copy, then 2 s after that */
	size_t mark = P.nlog;
	while (fx_next_deadline(&P) <= t0 + TV_MSEC(3950)) {
		fx_q_clear(&P); /* A's SYN retransmissions go nowhere */
		ck_assert(fx_advance(&P, TV_NEVER));
	}
	tv_time t[8];
	size_t n = log_times(mark, FXT_B, TV_TH_SYN | TV_TH_ACK, TV_TH_SYN | TV_TH_ACK, t, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(t[0], t0 + TV_MSEC(1900));
	ck_assert_uint_eq(t[1], t0 + TV_MSEC(3900));
}
END_TEST

/* RFC 1122 4.2.3.2: a lone segment is ACKed after delack_timeout... */
START_TEST(test_delayed_ack_timeout)
{
	fx_establish(&P);
	P.app_b.auto_read = false; /* reading would send a window update */
	sock_send(P.sa, "one", 3, P.now);
	tv_time t0 = P.now;
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.nq, 0);
	struct tcb *b = fx_tcb(P.sb);
	ck_assert(b->ack_delayed);
	ck_assert_uint_eq(b->timer[TCB_T_DELACK], t0 + TV_MSEC(200));
	ck_assert(fx_advance(&P, TV_NEVER));
	ck_assert_uint_eq(P.now, t0 + TV_MSEC(200));
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.ack, b->rcv_nxt);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_TIMER_FIRE, TV_RULE_DELAYED_ACK), 1);
}
END_TEST

/* ...but at least every second full-sized segment at once. */
START_TEST(test_delayed_ack_every_second_full_segment)
{
	fx_establish(&P);
	P.app_b.auto_read = false;
	struct tcb *a = fx_tcb(P.sa);
	static uint8_t data[3 * 1460];
	sock_send(P.sa, data, sizeof(data), P.now); /* IW is 3 segments */
	ck_assert_uint_eq(P.nq, 3);
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.nq, 2); /* first: delayed */
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.nq, 2); /* second: ACK at once */
	ck_assert_uint_eq(fx_q_at(&P, 1)->i.ack, a->snd_una + 2 * 1460);
	ck_assert(!tcb_timer_armed(fx_tcb(P.sb), TCB_T_DELACK));
	fx_deliver(&P, 0);
	ck_assert(tcb_timer_armed(fx_tcb(P.sb), TCB_T_DELACK));
	/* delayed ACK off: every segment is ACKed */
	ck_assert_int_eq(sock_setopt(P.sb, TV_SO_DELACK, 0), TV_OK);
	fx_run(&P, P.now + TV_SEC(1));
	sock_send(P.sa, "x", 1, P.now);
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.nq, 1);
}
END_TEST

/* An orphaned FIN-WAIT-2 (full close, peer never closes) ends after
 * tcp_params.fin_wait_2 (60 s). */
START_TEST(test_orphaned_fin_wait_2_times_out)
{
	fx_establish(&P);
	sock_close(P.sa, P.now);
	fx_deliver_all(&P);
	tv_time t0 = P.now;
	struct tcb *b = fx_tcb(P.sb);
	ck_assert_int_eq(b->state, TCB_CLOSE_WAIT);
	ck_assert_uint_eq(P.h[0]->tcp->ntcbs, 1);
	fx_run(&P, t0 + TV_SEC(61));
	ck_assert_uint_eq(fx_count_state(&P, FXT_A, TCB_FIN_WAIT_2, TCB_CLOSED,
					 TV_RULE_FIN_WAIT_2_TIMEOUT), 1);
	ck_assert_uint_eq(P.h[0]->tcp->ntcbs, 0);
}
END_TEST

/* Events are built only when somebody listens: a whole life cycle with an
 * empty bus emits nothing. */
START_TEST(test_no_events_without_sinks)
{
	struct tv_bus empty;
	tv_bus_init(&empty);
	P.h[0]->cfg.bus = &empty;
	P.h[1]->cfg.bus = &empty;
	fx_tcb_in_state(&P, TCB_TIME_WAIT);
	fx_run(&P, TV_NEVER - 1);
	ck_assert_uint_eq(empty.emitted, 0);
	ck_assert_uint_eq(P.nev, 0);
	ck_assert_ptr_null(sock_tcb(P.sa));
	tv_bus_fini(&empty);
}
END_TEST

/* The heap: with many connections, timers fire in deadline order and the
 * next deadline is always the earliest one. */
START_TEST(test_timer_heap_many_connections_in_order)
{
	enum { N = 2000 };
	fx_listen(&P);
	P.record_events = false;
	P.log_frames = false;
	static struct tv_sock *s[N];
	static struct fx_app app[N];
	for (int i = 0; i < N; i++) {
		app[i].p = &P;
		ck_assert_int_eq(sock_new(P.h[0], fx_app_cb, &app[i], &s[i]), TV_OK);
		sock_setopt(s[i], TV_SO_KEEPALIVE, 1);
		/* idle times in a scrambled order, all distinct */
		sock_setopt(s[i], TV_SO_KEEPIDLE, TV_SEC(100) + (uint64_t)((i * 7919) % N) * 1000);
		ck_assert_int_eq(sock_connect_socket(s[i], FXT_ADDR(2), FXT_PORT, 0, P.now), TV_OK);
		fx_deliver_all(&P);
	}
	ck_assert_uint_eq(P.h[0]->tcp->nhashed, N);
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, N);
	tv_time t0 = P.now, prev = 0;
	for (int k = 0; k < N; k++) {
		tv_time d = host_next_deadline(P.h[0]);
		ck_assert_uint_gt(d, prev);
		ck_assert_uint_eq(d, t0 + TV_SEC(100) + (tv_time)k * 1000);
		fx_set_time(&P, d);
		ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_KEEPALIVE), (uint64_t)k + 1);
		fx_q_clear(&P);
		prev = d;
	}
	for (int i = 0; i < N; i++)
		sock_abort(s[i], P.now);
	ck_assert_uint_eq(P.h[0]->tcp->heap_len, 0);
}
END_TEST

static Suite *timer_suite(void)
{
	Suite *s = suite_create("tcp_timer");
	TCase *tc = tcase_create("timers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_syn_rto_backoff_then_timed_out);
	tcase_add_test(tc, test_data_rto_backoff_capped_then_timed_out);
	tcase_add_test(tc, test_rtt_estimate_rfc6298);
	tcase_add_test(tc, test_karn_no_sample_from_retransmission);
	tcase_add_test(tc, test_syn_retransmitted_rto_3s_and_iw_1);
	tcase_add_test(tc, test_keepalive_dead_peer_times_out);
	tcase_add_test(tc, test_keepalive_live_peer_keeps_connection);
	tcase_add_test(tc, test_keepalive_options_and_activity);
	tcase_add_test(tc, test_zero_window_persist_probes_backoff);
	tcase_add_test(tc, test_persist_probe_acked_gives_no_rtt_sample);
	tcase_add_test(tc, test_persist_probe_resent_stops_rtt_timing);
	tcase_add_test(tc, test_syn_received_repeated_syn_restarts_rexmit_timer);
	tcase_add_test(tc, test_delayed_ack_timeout);
	tcase_add_test(tc, test_delayed_ack_every_second_full_segment);
	tcase_add_test(tc, test_orphaned_fin_wait_2_times_out);
	tcase_add_test(tc, test_no_events_without_sinks);
	tcase_add_test(tc, test_timer_heap_many_connections_in_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(timer_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
