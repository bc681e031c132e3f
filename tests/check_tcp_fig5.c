/*
 * check_tcp_fig5.c - every transition of RFC 9293 figure 5 (and the few
 * the text of 3.10.7 adds to it), one test each, named
 * test_<from>_<stimulus>_to_<to>.
 *
 * Each test drives a connection of the two-host fixture (tcp_fixture.h)
 * to the starting state with real segments, marks the event and frame
 * logs, applies the one stimulus, and checks three things: the single
 * TV_EV_STATE event (old state, new state and the rule code), the segment
 * the transition sends (flags, sequence and acknowledgment numbers exactly,
 * relative to the two ISNs), and the timers it arms or stops (deadlines to
 * the microsecond: time is virtual).
 *
 * Two facts the deadlines rely on: the fixture's hosts use the default
 * tcp_params (MSL 120 s, initial RTO 1 s, rto_min 1 s), and a round trip
 * on the fixture takes no virtual time, so an RTT sample is 0 and the RTO
 * after a handshake is rto_min (RFC 6298 2.4).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

static struct fx_pair P;
static size_t ev_mark, log_mark;

static void setup(void)
{
	fx_pair_init(&P, NULL);
}

static void teardown(void)
{
	fx_pair_fini(&P);
}

/* Everything after this is "what the stimulus did". */
static void mark(void)
{
	ev_mark = P.nev;
	log_mark = P.nlog;
}

/* Exactly one state change since the mark on (side, conn), and it is
 * old -> new_state for `rule`.  Names are compared so a failure reads
 * "SYN-SENT" rather than 2. */
static void expect_state(unsigned side, uint32_t conn, enum tcb_state old,
			 enum tcb_state new_state, enum tv_rule rule)
{
	const struct tv_event *e = NULL;
	size_t n = 0;

	for (size_t i = ev_mark; i < P.nev; i++)
		if (P.ev[i].type == TV_EV_STATE && P.ev[i].host == side + 1 &&
		    P.ev[i].conn == conn) {
			e = &P.ev[i];
			n++;
		}
	ck_assert_msg(n == 1, "expected one state change of conn %u, saw %zu", conn, n);
	ck_assert_str_eq(tcb_state_name((enum tcb_state)e->u.state.old_state),
			 tcb_state_name(old));
	ck_assert_str_eq(tcb_state_name((enum tcb_state)e->u.state.new_state),
			 tcb_state_name(new_state));
	ck_assert_str_eq(tv_rule_id(e->rule), tv_rule_id(rule));
}

/* No state change at all since the mark on side. */
static void expect_no_state_change(unsigned side)
{
	for (size_t i = ev_mark; i < P.nev; i++)
		ck_assert_msg(!(P.ev[i].type == TV_EV_STATE && P.ev[i].host == side + 1),
			      "unexpected change %s -> %s",
			      tcb_state_name((enum tcb_state)P.ev[i].u.state.old_state),
			      tcb_state_name((enum tcb_state)P.ev[i].u.state.new_state));
}

static size_t sent_count(unsigned side)
{
	return fx_log_count(&P, log_mark, side, 0, 0);
}

/* The one TCP segment `side` sent since the mark. */
static const struct fx_frame *sent_one(unsigned side)
{
	const struct fx_frame *f = NULL;

	ck_assert_uint_eq(sent_count(side), 1);
	for (size_t i = log_mark; i < P.nlog; i++)
		if (P.log[i].tcp && P.log[i].from == side)
			f = &P.log[i];
	return f;
}

static void expect_seg(const struct fx_frame *f, uint8_t flags, uint32_t seq, uint32_t ack)
{
	ck_assert_uint_eq(f->i.flags, flags);
	ck_assert_uint_eq(f->i.seq, seq);
	ck_assert_uint_eq(f->i.ack, ack);
	ck_assert_uint_eq(f->i.len, 0);
}

/* The latest timer event of type t for (side, conn, kind) since the mark,
 * or NULL. */
static const struct tv_event *timer_event(enum tv_event_type t, unsigned side, uint32_t conn,
					  enum tv_timer_kind kind)
{
	const struct tv_event *e = NULL;

	for (size_t i = ev_mark; i < P.nev; i++)
		if (P.ev[i].type == t && P.ev[i].host == side + 1 && P.ev[i].conn == conn &&
		    P.ev[i].u.timer.kind == kind)
			e = &P.ev[i];
	return e;
}

/* Timer k of tcb runs out at `deadline`, and an arm event said so. */
static void expect_armed(const struct tcb *t, unsigned side, enum tcb_timer k, tv_time deadline)
{
	const struct tv_event *e = timer_event(TV_EV_TIMER_ARM, side, t->id,
					       (enum tv_timer_kind)k);

	ck_assert_uint_eq(t->timer[k], deadline);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->u.timer.deadline, deadline);
}

/* Timer k was running and the stimulus stopped it. */
static void expect_cancelled(const struct tcb *t, unsigned side, enum tcb_timer k)
{
	ck_assert_uint_eq(t->timer[k], TV_NEVER);
	ck_assert_ptr_nonnull(timer_event(TV_EV_TIMER_CANCEL, side, t->id, (enum tv_timer_kind)k));
}

/* The frames still queued from `from` are dropped: the tests below care
 * about what the stimulus sends, not about what was already in flight. */
static void drop_from(unsigned from)
{
	fx_drop_from(&P, from);
}

/* ---- from CLOSED ------------------------------------------------------ */

/* CLOSED --passive OPEN / create TCB--> LISTEN.  Nothing is sent and no
 * timer runs (RFC 9293 3.10.1). */
START_TEST(test_closed_passive_open_to_listen)
{
	mark();
	fx_listen(&P);
	struct tcb *l = fx_tcb(P.sl);
	expect_state(FXT_B, l->id, TCB_CLOSED, TCB_LISTEN, TV_RULE_APP_LISTEN);
	ck_assert_uint_eq(sent_count(FXT_B), 0);
	ck_assert_uint_eq(l->deadline, TV_NEVER);
	ck_assert_uint_eq(fx_count_events(&P, TV_EV_TIMER_ARM), 0);
}
END_TEST

/* CLOSED --active OPEN / create TCB, snd SYN--> SYN-SENT (RFC 9293
 * 3.10.1): <SEQ=ISS><CTL=SYN> with our MSS, and the retransmission timer
 * at the initial RTO of 1 s (RFC 6298 2.1). */
START_TEST(test_closed_active_open_to_syn_sent)
{
	tv_time t0 = P.now;
	mark();
	fx_connect(&P);
	struct tcb *a = fx_tcb(P.sa);
	expect_state(FXT_A, a->id, TCB_CLOSED, TCB_SYN_SENT, TV_RULE_APP_CONNECT);
	const struct fx_frame *f = sent_one(FXT_A);
	expect_seg(f, TV_TH_SYN, a->iss, 0);
	ck_assert(f->i.has_mss);
	ck_assert_uint_eq(f->i.mss, 1460);
	ck_assert_uint_eq(a->snd_una, a->iss);
	ck_assert_uint_eq(a->snd_nxt, a->iss + 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_APP_CONNECT), 1);
	expect_armed(a, FXT_A, TCB_T_REXMIT, t0 + TV_SEC(1));
	ck_assert_uint_eq(a->deadline, t0 + TV_SEC(1)); /* and no other timer */
}
END_TEST

/* ---- from LISTEN ------------------------------------------------------ */

/* LISTEN --rcv SYN / snd SYN,ACK--> SYN-RECEIVED (3.10.7.2 third):
 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, RCV.NXT = SEG.SEQ+1, and the
 * SYN,ACK is timed like any SYN.  The listener itself stays in LISTEN;
 * the new connection's first event reports it leaving LISTEN. */
START_TEST(test_listen_syn_to_syn_received)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_SYN_SENT);
	struct tcb *l = fx_tcb(P.sl);
	tv_time t0 = P.now;
	mark();
	fx_deliver(&P, 0); /* A's SYN */
	struct tcb *b = fx_peer_tcb(&P, a);
	ck_assert_ptr_nonnull(b);
	expect_state(FXT_B, b->id, TCB_LISTEN, TCB_SYN_RECEIVED, TV_RULE_LISTEN_SYN);
	ck_assert_int_eq(l->state, TCB_LISTEN);
	const struct fx_frame *f = sent_one(FXT_B);
	expect_seg(f, TV_TH_SYN | TV_TH_ACK, b->iss, a->iss + 1);
	ck_assert(f->i.has_mss);
	ck_assert_uint_eq(b->irs, a->iss);
	ck_assert_uint_eq(b->rcv_nxt, a->iss + 1);
	ck_assert_uint_eq(b->snd_nxt, b->iss + 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_SEG_OUT, TV_RULE_LISTEN_SYN), 1);
	expect_armed(b, FXT_B, TCB_T_REXMIT, t0 + TV_SEC(1));
	ck_assert_uint_eq(b->deadline, t0 + TV_SEC(1));
}
END_TEST

/* LISTEN --SEND / snd SYN--> SYN-SENT (3.10.2: "If the foreign socket is
 * specified, then change the connection from passive to active, select an
 * ISS.  Send a SYN segment").  Supported through sock_connect_socket() on
 * a listener with no connection hanging on it; the listener keeps its
 * port and leaves the listener table. */
START_TEST(test_listen_send_to_syn_sent)
{
	struct tv_sock *s;
	struct fx_app app = {.p = &P};
	ck_assert_int_eq(sock_listen(P.h[0], 5000, 0, fx_app_cb, &app, &s, P.now), TV_OK);
	struct tcb *t = fx_tcb(s);
	tv_time t0 = P.now;
	mark();
	ck_assert_int_eq(sock_connect_socket(s, FXT_ADDR(2), FXT_PORT, 0, P.now), TV_OK);
	expect_state(FXT_A, t->id, TCB_LISTEN, TCB_SYN_SENT, TV_RULE_APP_SEND_LISTEN);
	const struct fx_frame *f = sent_one(FXT_A);
	expect_seg(f, TV_TH_SYN, t->iss, 0);
	ck_assert_uint_eq(f->i.sport, 5000);
	ck_assert_uint_eq(f->i.dport, FXT_PORT);
	ck_assert_ptr_null(tcp_listener_find(P.h[0]->tcp, 5000));
	expect_armed(t, FXT_A, TCB_T_REXMIT, t0 + TV_SEC(1));
	sock_abort(s, P.now);
}
END_TEST

/* LISTEN --CLOSE / delete TCB--> CLOSED (3.10.4): nothing is sent, and
 * the port answers the next SYN with a reset. */
START_TEST(test_listen_close_to_closed)
{
	fx_listen(&P);
	uint32_t id = fx_tcb(P.sl)->id;
	mark();
	ck_assert_int_eq(sock_close(P.sl, P.now), TV_OK);
	expect_state(FXT_B, id, TCB_LISTEN, TCB_CLOSED, TV_RULE_APP_CLOSE_LISTEN);
	ck_assert_uint_eq(sent_count(FXT_B), 0);
	ck_assert_uint_eq(P.h[1]->tcp->ntcbs, 0);
	ck_assert_ptr_null(tcp_listener_find(P.h[1]->tcp, FXT_PORT));
}
END_TEST

/* ---- from SYN-SENT ---------------------------------------------------- */

/* SYN-SENT --rcv SYN,ACK / snd ACK--> ESTABLISHED (3.10.7.3 fourth):
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, and with nothing left to
 * acknowledge the retransmission timer stops. */
START_TEST(test_syn_sent_synack_to_established)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_SYN_SENT);
	fx_deliver(&P, 0); /* the SYN; B's SYN,ACK is queued */
	struct tcb *b = fx_peer_tcb(&P, a);
	ck_assert(tcb_timer_armed(a, TCB_T_REXMIT));
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_A, a->id, TCB_SYN_SENT, TCB_ESTABLISHED, TV_RULE_SYN_SENT_SYNACK);
	expect_seg(sent_one(FXT_A), TV_TH_ACK, a->iss + 1, b->iss + 1);
	ck_assert_uint_eq(a->snd_una, a->iss + 1);
	ck_assert_uint_eq(a->irs, b->iss);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	ck_assert_uint_eq(a->deadline, TV_NEVER);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_CONNECTED], 1);
}
END_TEST

/* Simultaneous open (figure 7): SYN-SENT --rcv SYN / snd SYN,ACK-->
 * SYN-RECEIVED (3.10.7.3 fourth, "Otherwise"): <SEQ=ISS><ACK=RCV.NXT>
 * <CTL=SYN,ACK>.  It repeats our SYN's sequence number but is no
 * retransmission; the SYN's timer keeps running unchanged. */
START_TEST(test_syn_sent_syn_to_syn_received)
{
	struct tv_sock *s;
	struct fx_app app = {.p = &P};
	tv_time t0 = P.now;
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), 6000, 7000, fx_app_cb, &app, &s, P.now),
			 TV_OK);
	struct tcb *a = fx_tcb(s);
	drop_from(FXT_A);
	fx_set_time(&P, t0 + TV_MSEC(100));
	mark();
	fx_inject_to(&P, a, 5000, 0, TV_TH_SYN, NULL, 0); /* B's SYN crossed ours */
	expect_state(FXT_A, a->id, TCB_SYN_SENT, TCB_SYN_RECEIVED, TV_RULE_SYN_SENT_SYN);
	expect_seg(sent_one(FXT_A), TV_TH_SYN | TV_TH_ACK, a->iss, 5001);
	ck_assert_uint_eq(a->irs, 5000);
	ck_assert_uint_eq(a->rcv_nxt, 5001);
	ck_assert_uint_eq(a->timer[TCB_T_REXMIT], t0 + TV_SEC(1));
	ck_assert_ptr_null(timer_event(TV_EV_TIMER_ARM, FXT_A, a->id, TV_TIMER_REXMIT));
	ck_assert_uint_eq(fx_count_events(&P, TV_EV_RETRANSMIT), 0);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_RETRANSMIT), 0);
	sock_abort(s, P.now);
}
END_TEST

/* SYN-SENT --CLOSE / delete TCB--> CLOSED (3.10.4): no segment, and the
 * SYN's retransmission timer is gone with the TCB. */
START_TEST(test_syn_sent_close_to_closed)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_SYN_SENT);
	uint32_t id = a->id;
	mark();
	ck_assert_int_eq(sock_close(P.sa, P.now), TV_OK);
	expect_state(FXT_A, id, TCB_SYN_SENT, TCB_CLOSED, TV_RULE_APP_CLOSE_LISTEN);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	ck_assert_ptr_nonnull(timer_event(TV_EV_TIMER_CANCEL, FXT_A, id, TV_TIMER_REXMIT));
	ck_assert_uint_eq(tcp_next_deadline(P.h[0]), TV_NEVER);
	ck_assert_uint_eq(P.h[0]->tcp->ntcbs, 0);
}
END_TEST

/* SYN-SENT --rcv RST with an acceptable ACK--> CLOSED (3.10.7.3 second):
 * "connection refused", nothing sent. */
START_TEST(test_syn_sent_rst_to_closed)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_SYN_SENT);
	drop_from(FXT_A);
	uint32_t id = a->id;
	mark();
	fx_inject_to(&P, a, 0, a->iss + 1, TV_TH_RST | TV_TH_ACK, NULL, 0);
	expect_state(FXT_A, id, TCB_SYN_SENT, TCB_CLOSED, TV_RULE_SYN_SENT_RST);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	ck_assert_int_eq(P.app_a.err, TV_EREFUSED);
}
END_TEST

/* ---- from SYN-RECEIVED ------------------------------------------------ */

/* SYN-RECEIVED --rcv ACK of SYN--> ESTABLISHED (3.10.7.4 fifth): nothing
 * to send, the SYN,ACK's timer stops, the listener can accept. */
START_TEST(test_syn_received_ack_to_established)
{
	struct tcb *b = fx_tcb_in_state(&P, TCB_SYN_RECEIVED);
	struct tcb *a = fx_tcb(P.sa);
	fx_deliver(&P, 0); /* SYN,ACK to A; A's ACK queued */
	ck_assert(tcb_timer_armed(b, TCB_T_REXMIT));
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_B, b->id, TCB_SYN_RECEIVED, TCB_ESTABLISHED, TV_RULE_SYN_RCVD_ACK);
	ck_assert_uint_eq(sent_count(FXT_B), 0);
	ck_assert_uint_eq(b->snd_una, b->iss + 1);
	ck_assert_uint_eq(b->rcv_nxt, a->iss + 1);
	expect_cancelled(b, FXT_B, TCB_T_REXMIT);
	ck_assert_uint_eq(b->deadline, TV_NEVER);
	ck_assert_uint_eq(P.app_l.ev[TV_SOCK_ACCEPTABLE], 1);
	ck_assert_ptr_eq(fx_tcb(P.sb), b);
}
END_TEST

/* A in SYN-RECEIVED by simultaneous open: A's SYN is dropped, B's SYN
 * (ISN 5000) reached A.  Returns A's TCB; A's SYN,ACK is dropped too. */
static struct tcb *simultaneous_syn_received(struct tv_sock **s, struct fx_app *app)
{
	app->p = &P;
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), 6000, 7000, fx_app_cb, app, s, P.now),
			 TV_OK);
	struct tcb *a = fx_tcb(*s);
	fx_inject_to(&P, a, 5000, 0, TV_TH_SYN, NULL, 0);
	ck_assert_int_eq(a->state, TCB_SYN_RECEIVED);
	drop_from(FXT_A);
	return a;
}

/* SYN-RECEIVED --CLOSE / snd FIN--> FIN-WAIT-1 (3.10.4: "If no SENDs have
 * been issued and there is no pending data to send, then form a FIN
 * segment and send it, and enter FIN-WAIT-1 state"): <SEQ=ISS+1>
 * <ACK=RCV.NXT><CTL=FIN,ACK> at once, not only after our SYN is
 * acknowledged. */
START_TEST(test_syn_received_close_to_fin_wait_1)
{
	struct tv_sock *s;
	struct fx_app app;
	struct tcb *a = simultaneous_syn_received(&s, &app);
	tv_time rexmit = a->timer[TCB_T_REXMIT];
	mark();
	ck_assert_int_eq(sock_shutdown(s, P.now), TV_OK);
	expect_state(FXT_A, a->id, TCB_SYN_RECEIVED, TCB_FIN_WAIT_1, TV_RULE_APP_CLOSE);
	expect_seg(sent_one(FXT_A), TV_TH_FIN | TV_TH_ACK, a->iss + 1, 5001);
	ck_assert_uint_eq(a->snd_nxt, a->iss + 2);
	ck_assert_uint_eq(a->timer[TCB_T_REXMIT], rexmit); /* the SYN's timer runs on */
	/* the peer acknowledges SYN and FIN together: FIN-WAIT-2 */
	mark();
	fx_inject_to(&P, a, 5001, a->iss + 2, TV_TH_ACK, NULL, 0);
	expect_state(FXT_A, a->id, TCB_FIN_WAIT_1, TCB_FIN_WAIT_2, TV_RULE_FIN_ACKED);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	sock_abort(s, P.now);
}
END_TEST

/* SYN-RECEIVED --rcv RST--> LISTEN for a passive open (figure 5 note 1,
 * 3.10.7.4 second, RFC 5961 3.2: SEG.SEQ = RCV.NXT exactly): nothing is
 * sent, the half-open connection's timer stops, the listener carries on. */
START_TEST(test_syn_received_rst_to_listen)
{
	struct tcb *b = fx_tcb_in_state(&P, TCB_SYN_RECEIVED);
	struct tcb *a = fx_tcb(P.sa);
	struct tcb *l = fx_tcb(P.sl);
	uint32_t id = b->id;
	drop_from(FXT_B);
	mark();
	fx_inject_to(&P, b, a->iss + 1, 0, TV_TH_RST, NULL, 0);
	/* b is freed now: it never had a handle */
	expect_state(FXT_B, id, TCB_SYN_RECEIVED, TCB_LISTEN, TV_RULE_SYN_RCVD_RST_PASSIVE);
	ck_assert_uint_eq(sent_count(FXT_B), 0);
	ck_assert_ptr_nonnull(timer_event(TV_EV_TIMER_CANCEL, FXT_B, id, TV_TIMER_REXMIT));
	ck_assert_int_eq(l->state, TCB_LISTEN);
	ck_assert_uint_eq(l->lst->nchild, 0);
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, 0);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_RST_RX), 1);
	ck_assert_uint_eq(P.app_l.ev[TV_SOCK_ACCEPTABLE], 0);
}
END_TEST

/* SYN-RECEIVED --rcv RST--> CLOSED for an active open (3.10.7.4 second):
 * "connection refused". */
START_TEST(test_syn_received_rst_to_closed)
{
	struct tv_sock *s;
	struct fx_app app;
	struct tcb *a = simultaneous_syn_received(&s, &app);
	mark();
	fx_inject_to(&P, a, 5001, 0, TV_TH_RST, NULL, 0);
	expect_state(FXT_A, a->id, TCB_SYN_RECEIVED, TCB_CLOSED, TV_RULE_SYN_RCVD_RST_ACTIVE);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	ck_assert_int_eq(app.err, TV_EREFUSED);
	sock_close(s, P.now);
}
END_TEST

/* SYN-RECEIVED --rcv SYN--> LISTEN for a passive open (3.10.7.4 fourth:
 * "If the connection was initiated with a passive OPEN, then return this
 * connection to the LISTEN state and return"). */
START_TEST(test_syn_received_syn_to_listen)
{
	struct tcb *b = fx_tcb_in_state(&P, TCB_SYN_RECEIVED);
	struct tcb *a = fx_tcb(P.sa);
	uint32_t id = b->id;
	drop_from(FXT_B);
	mark();
	fx_inject_to(&P, b, a->iss + 1000, 0, TV_TH_SYN, NULL, 0); /* in window, not IRS */
	expect_state(FXT_B, id, TCB_SYN_RECEIVED, TCB_LISTEN, TV_RULE_SYN_RCVD_SYN_PASSIVE);
	ck_assert_uint_eq(sent_count(FXT_B), 0);
	ck_assert_int_eq(fx_tcb(P.sl)->state, TCB_LISTEN);
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, 0);
}
END_TEST

/* ---- from ESTABLISHED ------------------------------------------------- */

/* ESTABLISHED --CLOSE / snd FIN--> FIN-WAIT-1 (3.10.4):
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>, timed with the RTO. */
START_TEST(test_established_close_to_fin_wait_1)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct tcb *b = fx_tcb(P.sb);
	ck_assert_uint_eq(a->deadline, TV_NEVER);
	mark();
	ck_assert_int_eq(sock_shutdown(P.sa, P.now), TV_OK);
	expect_state(FXT_A, a->id, TCB_ESTABLISHED, TCB_FIN_WAIT_1, TV_RULE_APP_CLOSE);
	expect_seg(sent_one(FXT_A), TV_TH_FIN | TV_TH_ACK, a->iss + 1, b->iss + 1);
	ck_assert_uint_eq(a->snd_nxt, a->iss + 2);
	expect_armed(a, FXT_A, TCB_T_REXMIT, P.now + TV_SEC(1));
	ck_assert_uint_eq(a->deadline, P.now + TV_SEC(1));
}
END_TEST

/* ESTABLISHED --rcv FIN / snd ACK--> CLOSE-WAIT (3.10.7.4 eighth): the
 * FIN is acknowledged at once, the application sees the end of stream. */
START_TEST(test_established_fin_to_close_wait)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct tcb *b = fx_tcb(P.sb);
	ck_assert_int_eq(sock_shutdown(P.sb, P.now), TV_OK);
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_A, a->id, TCB_ESTABLISHED, TCB_CLOSE_WAIT, TV_RULE_FIN_RECEIVED);
	expect_seg(sent_one(FXT_A), TV_TH_ACK, a->iss + 1, b->iss + 2);
	ck_assert_uint_eq(a->rcv_nxt, b->iss + 2);
	ck_assert_uint_eq(a->deadline, TV_NEVER);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_PEER_CLOSED], 1);
	ck_assert(P.app_a.eof);
}
END_TEST

/* ---- from FIN-WAIT-1 -------------------------------------------------- */

/* FIN-WAIT-1 --rcv ACK of FIN--> FIN-WAIT-2 (3.10.7.4 fifth): nothing to
 * send; the FIN's timer stops.  After a half close (shutdown) no timer
 * is left: the application may keep the connection as long as it likes. */
START_TEST(test_fin_wait_1_ack_to_fin_wait_2)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_FIN_WAIT_1);
	fx_deliver(&P, 0); /* A's FIN; B's ACK queued */
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_A, a->id, TCB_FIN_WAIT_1, TCB_FIN_WAIT_2, TV_RULE_FIN_ACKED);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	ck_assert_uint_eq(a->snd_una, a->iss + 2);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	ck_assert_uint_eq(a->deadline, TV_NEVER);
}
END_TEST

/* The same after a full close: nobody can read or close any more, so the
 * FIN-WAIT-2 limit (tcp_params.fin_wait_2, 60 s; RFC 9293 3.6 lets an
 * implementation bound it) is armed on entry. */
START_TEST(test_fin_wait_1_ack_to_fin_wait_2_orphaned)
{
	fx_establish(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_int_eq(sock_close(P.sa, P.now), TV_OK);
	ck_assert_int_eq(a->state, TCB_FIN_WAIT_1);
	fx_deliver(&P, 0);
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_A, a->id, TCB_FIN_WAIT_1, TCB_FIN_WAIT_2, TV_RULE_FIN_ACKED);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	expect_armed(a, FXT_A, TCB_T_CONN, P.now + TV_SEC(60));
	ck_assert_uint_eq(a->deadline, P.now + TV_SEC(60));
}
END_TEST

/* Simultaneous close (figure 13): FIN-WAIT-1 --rcv FIN / snd ACK-->
 * CLOSING (3.10.7.4 eighth: our FIN not yet ACKed).  The ACK acknowledges
 * the peer's FIN; our FIN stays outstanding and its timer runs on. */
START_TEST(test_fin_wait_1_fin_to_closing)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_FIN_WAIT_1);
	struct tcb *b = fx_tcb(P.sb);
	tv_time rexmit = a->timer[TCB_T_REXMIT];
	ck_assert_int_eq(sock_shutdown(P.sb, P.now), TV_OK);
	long i = fx_q_find(&P, FXT_B, TV_TH_FIN, TV_TH_FIN);
	ck_assert_int_ge(i, 0);
	mark();
	fx_deliver(&P, (size_t)i); /* B's FIN, which cannot ACK ours yet */
	expect_state(FXT_A, a->id, TCB_FIN_WAIT_1, TCB_CLOSING, TV_RULE_FIN_SIMULTANEOUS);
	expect_seg(sent_one(FXT_A), TV_TH_ACK, a->iss + 2, b->iss + 2);
	ck_assert_uint_eq(a->snd_una, a->iss + 1);
	ck_assert_uint_eq(a->timer[TCB_T_REXMIT], rexmit);
	ck_assert_uint_eq(a->deadline, rexmit);
}
END_TEST

/* FIN-WAIT-1 --rcv FIN,ACK / snd ACK--> TIME-WAIT (figure 5 note 2;
 * 3.10.7.4 eighth: "If our FIN has been ACKed (perhaps in this segment),
 * then enter TIME-WAIT, start the time-wait timer, turn off the other
 * timers").  One transition: no FIN-WAIT-2 on the way. */
START_TEST(test_fin_wait_1_finack_to_time_wait)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_FIN_WAIT_1);
	struct tcb *b = fx_tcb(P.sb);
	fx_deliver(&P, 0); /* A's FIN reaches B... */
	fx_drop(&P, 0);    /* ...whose ACK is lost */
	ck_assert_int_eq(sock_shutdown(P.sb, P.now), TV_OK);
	ck_assert_uint_eq(P.nq, 1);
	mark();
	fx_deliver(&P, 0); /* B's FIN,ACK acknowledges our FIN */
	expect_state(FXT_A, a->id, TCB_FIN_WAIT_1, TCB_TIME_WAIT, TV_RULE_FIN_ACKED_AND_FIN);
	expect_seg(sent_one(FXT_A), TV_TH_ACK, a->iss + 2, b->iss + 2);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	expect_armed(a, FXT_A, TCB_T_2MSL, P.now + 2 * TV_SEC(120));
	ck_assert_uint_eq(a->deadline, P.now + 2 * TV_SEC(120));
}
END_TEST

/* ---- from FIN-WAIT-2 -------------------------------------------------- */

/* FIN-WAIT-2 --rcv FIN / snd ACK--> TIME-WAIT (3.10.7.4 eighth): the 2 MSL
 * wait is exactly 2 * 120 s. */
START_TEST(test_fin_wait_2_fin_to_time_wait)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_FIN_WAIT_2);
	struct tcb *b = fx_tcb(P.sb);
	ck_assert_int_eq(sock_shutdown(P.sb, P.now), TV_OK);
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_A, a->id, TCB_FIN_WAIT_2, TCB_TIME_WAIT, TV_RULE_FIN_RECEIVED);
	expect_seg(sent_one(FXT_A), TV_TH_ACK, a->iss + 2, b->iss + 2);
	ck_assert_uint_eq(P.h[0]->cfg.tcp.msl, TV_SEC(120));
	expect_armed(a, FXT_A, TCB_T_2MSL, P.now + TV_SEC(240));
	ck_assert_uint_eq(a->deadline, P.now + TV_SEC(240));
}
END_TEST

/* ---- from CLOSING ----------------------------------------------------- */

/* CLOSING --rcv ACK of FIN--> TIME-WAIT (3.10.7.4 fifth): nothing to
 * send; the FIN's timer gives way to the 2 MSL timer. */
START_TEST(test_closing_ack_to_time_wait)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_CLOSING);
	struct tcb *b = fx_tcb(P.sb);
	/* A's FIN and A's ACK of B's FIN reach B, which ACKs A's FIN */
	while (fx_q_find(&P, FXT_A, 0, 0) >= 0)
		fx_deliver(&P, (size_t)fx_q_find(&P, FXT_A, 0, 0));
	ck_assert_int_eq(b->state, TCB_TIME_WAIT);
	ck_assert_uint_eq(P.nq, 1);
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_A, a->id, TCB_CLOSING, TCB_TIME_WAIT, TV_RULE_FIN_ACKED);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	expect_armed(a, FXT_A, TCB_T_2MSL, P.now + TV_SEC(240));
	ck_assert_uint_eq(a->deadline, P.now + TV_SEC(240));
}
END_TEST

/* ---- from CLOSE-WAIT -------------------------------------------------- */

/* CLOSE-WAIT --CLOSE / snd FIN--> LAST-ACK (3.10.4):
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>, timed with the RTO. */
START_TEST(test_close_wait_close_to_last_ack)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_CLOSE_WAIT);
	struct tcb *b = fx_tcb(P.sb);
	mark();
	ck_assert_int_eq(sock_shutdown(P.sa, P.now), TV_OK);
	expect_state(FXT_A, a->id, TCB_CLOSE_WAIT, TCB_LAST_ACK, TV_RULE_APP_CLOSE);
	expect_seg(sent_one(FXT_A), TV_TH_FIN | TV_TH_ACK, a->iss + 1, b->iss + 2);
	expect_armed(a, FXT_A, TCB_T_REXMIT, P.now + TV_SEC(1));
	ck_assert_uint_eq(a->deadline, P.now + TV_SEC(1));
}
END_TEST

/* ---- from LAST-ACK ---------------------------------------------------- */

/* LAST-ACK --rcv ACK of FIN--> CLOSED (3.10.7.4 fifth: "delete the TCB,
 * enter the CLOSED state"): nothing sent, no timer left, the application
 * is told the connection closed normally. */
START_TEST(test_last_ack_ack_to_closed)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_LAST_ACK);
	uint32_t id = a->id;
	fx_deliver(&P, 0); /* A's FIN; B (FIN-WAIT-2) ACKs it from TIME-WAIT */
	mark();
	fx_deliver(&P, 0);
	expect_state(FXT_A, id, TCB_LAST_ACK, TCB_CLOSED, TV_RULE_FIN_ACKED);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	expect_cancelled(a, FXT_A, TCB_T_REXMIT);
	ck_assert_uint_eq(a->deadline, TV_NEVER);
	ck_assert_ptr_null(sock_tcb(P.sa));
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_CLOSED], 1);
	ck_assert_uint_eq(P.app_a.ev[TV_SOCK_ERROR], 0);
	ck_assert_int_eq(sock_error(P.sa), 0);
}
END_TEST

/* ---- from TIME-WAIT --------------------------------------------------- */

/* TIME-WAIT --Timeout=2MSL / delete TCB--> CLOSED (3.10.8): not a
 * microsecond early, nothing sent. */
START_TEST(test_time_wait_timeout_to_closed)
{
	struct tcb *a = fx_tcb_in_state(&P, TCB_TIME_WAIT);
	uint32_t id = a->id;
	tv_time end = a->timer[TCB_T_2MSL];
	ck_assert_uint_eq(end, P.now + TV_SEC(240));
	mark();
	fx_set_time(&P, end - 1);
	expect_no_state_change(FXT_A);
	fx_set_time(&P, end);
	expect_state(FXT_A, id, TCB_TIME_WAIT, TCB_CLOSED, TV_RULE_TIME_WAIT_EXPIRED);
	const struct tv_event *fire = timer_event(TV_EV_TIMER_FIRE, FXT_A, id, TV_TIMER_2MSL);
	ck_assert_ptr_nonnull(fire);
	ck_assert_uint_eq(fire->time, end);
	ck_assert_int_eq(fire->rule, TV_RULE_TIME_WAIT_EXPIRED);
	ck_assert_uint_eq(sent_count(FXT_A), 0);
	ck_assert_uint_eq(a->deadline, TV_NEVER);
	ck_assert_ptr_null(sock_tcb(P.sa));
}
END_TEST

static Suite *fig5_suite(void)
{
	Suite *s = suite_create("tcp_fig5");
	TCase *tc = tcase_create("figure5");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_closed_passive_open_to_listen);
	tcase_add_test(tc, test_closed_active_open_to_syn_sent);
	tcase_add_test(tc, test_listen_syn_to_syn_received);
	tcase_add_test(tc, test_listen_send_to_syn_sent);
	tcase_add_test(tc, test_listen_close_to_closed);
	tcase_add_test(tc, test_syn_sent_synack_to_established);
	tcase_add_test(tc, test_syn_sent_syn_to_syn_received);
	tcase_add_test(tc, test_syn_sent_close_to_closed);
	tcase_add_test(tc, test_syn_sent_rst_to_closed);
	tcase_add_test(tc, test_syn_received_ack_to_established);
	tcase_add_test(tc, test_syn_received_close_to_fin_wait_1);
	tcase_add_test(tc, test_syn_received_rst_to_listen);
	tcase_add_test(tc, test_syn_received_rst_to_closed);
	tcase_add_test(tc, test_syn_received_syn_to_listen);
	tcase_add_test(tc, test_established_close_to_fin_wait_1);
	tcase_add_test(tc, test_established_fin_to_close_wait);
	tcase_add_test(tc, test_fin_wait_1_ack_to_fin_wait_2);
	tcase_add_test(tc, test_fin_wait_1_ack_to_fin_wait_2_orphaned);
	tcase_add_test(tc, test_fin_wait_1_fin_to_closing);
	tcase_add_test(tc, test_fin_wait_1_finack_to_time_wait);
	tcase_add_test(tc, test_fin_wait_2_fin_to_time_wait);
	tcase_add_test(tc, test_closing_ack_to_time_wait);
	tcase_add_test(tc, test_close_wait_close_to_last_ack);
	tcase_add_test(tc, test_last_ack_ack_to_closed);
	tcase_add_test(tc, test_time_wait_timeout_to_closed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fig5_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
