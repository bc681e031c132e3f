/*
 * check_syn_evict.c - a listener under a SYN flood (RFC 4987 3.4): with
 * cfg.backlog_evict a SYN at a full backlog recycles the oldest half-open
 * child instead of being dropped, a child that completed its handshake is
 * never evicted, and a real client gets in while forged SYNs keep coming.
 * Without the option the textbook rule holds: the SYN is dropped.
 *
 * Host B listens with a backlog of 4; the "flood" is SYNs injected from
 * A's address on ports nobody has open, whose SYN,ACKs are thrown away
 * (the forged peer never answers).
 */
#include <check.h>
#include <stdlib.h>

#include "tcp_fixture.h"

#define BACKLOG 4
#define FLOOD_PORT 20000

static struct fx_pair P;

static void tune_evict(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B) {
		cfg->backlog_default = BACKLOG;
		cfg->backlog_evict = true;
	}
}

static void tune_no_evict(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B)
		cfg->backlog_default = BACKLOG;
}

static void setup(void)
{
	fx_pair_init(&P, tune_evict);
}

static void teardown(void)
{
	fx_pair_fini(&P);
}

/* A forged SYN from A's address, port FLOOD_PORT + n; B's answer is
 * discarded so the handshake never completes. */
static void flood_syn(unsigned n)
{
	struct fx_spec s = {0};

	s.saddr = FXT_ADDR(1);
	s.daddr = FXT_ADDR(2);
	s.sport = (uint16_t)(FLOOD_PORT + n);
	s.dport = FXT_PORT;
	s.seq = 1000u * n;
	s.flags = TV_TH_SYN;
	s.win = 65535;
	fx_inject(&P, FXT_B, &s);
	fx_drop_from(&P, FXT_B);
}

/* B's TCB for flood port n, or NULL. */
static struct tcb *flood_child(unsigned n)
{
	struct tv_tuple t = {FXT_ADDR(2), FXT_ADDR(1), FXT_PORT, (uint16_t)(FLOOD_PORT + n)};

	return tcp_lookup(P.h[1]->tcp, &t);
}

/* An ordinary connection from A, completed but left unaccepted. */
static struct tv_sock *connect_unaccepted(struct fx_app *app)
{
	struct tv_sock *s;

	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, 0, fx_app_cb, app, &s,
				      P.now), TV_OK);
	fx_deliver_all(&P);
	ck_assert_int_eq(fx_tcb(s)->state, TCB_ESTABLISHED);
	return s;
}

/* The oldest SYN-RECEIVED child goes; the newer ones and the new SYN's
 * child stay; the evicted peer is not sent a RST (it may be forged). */
START_TEST(test_listen_backlog_full_evicts_oldest_half_open)
{
	fx_listen(&P);
	for (unsigned n = 0; n < BACKLOG; n++)
		flood_syn(n);
	ck_assert_uint_eq(fx_tcb(P.sl)->lst->nchild, BACKLOG);
	size_t mark = P.nlog;
	flood_syn(BACKLOG);
	ck_assert_ptr_null(flood_child(0));
	for (unsigned n = 1; n <= BACKLOG; n++) {
		ck_assert_ptr_nonnull(flood_child(n));
		ck_assert_int_eq(flood_child(n)->state, TCB_SYN_RECEIVED);
	}
	ck_assert_uint_eq(fx_tcb(P.sl)->lst->nchild, BACKLOG);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_SYN_EVICTED), 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_BACKLOG_FULL), 0);
	ck_assert_uint_eq(fx_count_state(&P, FXT_B, TCB_SYN_RECEIVED, TCB_CLOSED,
					 TV_RULE_SYN_EVICTED), 1);
	ck_assert_uint_eq(fx_log_count(&P, mark, FXT_B, TV_TH_RST, TV_TH_RST), 0);
	ck_assert_uint_eq(fx_log_count(&P, mark, FXT_B, TV_TH_SYN | TV_TH_ACK,
				       TV_TH_SYN | TV_TH_ACK), 1);
}
END_TEST

/* Established, unaccepted children stay; only the half-open one is
 * recycled, and once none is left the SYN is dropped. */
START_TEST(test_listen_backlog_full_never_evicts_established_child)
{
	P.app_l.auto_accept = false;
	fx_listen(&P);
	struct fx_app app = {.p = &P};
	struct tv_sock *c[BACKLOG - 1];
	for (unsigned i = 0; i < BACKLOG - 1; i++)
		c[i] = connect_unaccepted(&app);
	flood_syn(0);
	flood_syn(1); /* evicts the child of 0 */
	ck_assert_ptr_null(flood_child(0));
	ck_assert_ptr_nonnull(flood_child(1));
	for (unsigned i = 0; i < BACKLOG - 1; i++)
		ck_assert_int_eq(fx_peer_tcb(&P, fx_tcb(c[i]))->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_SYN_EVICTED), 1);

	/* The last half-open child completes its handshake: now the whole
	 * backlog is established and a further SYN is dropped. */
	struct fx_spec s = {0};
	struct tcb *h = flood_child(1);
	fx_spec_peer(&s, h);
	s.seq = h->rcv_nxt;
	s.ack = h->snd_nxt;
	s.flags = TV_TH_ACK;
	s.win = 65535;
	fx_inject(&P, FXT_B, &s);
	ck_assert_int_eq(flood_child(1)->state, TCB_ESTABLISHED);
	flood_syn(2);
	ck_assert_ptr_null(flood_child(2));
	ck_assert_ptr_nonnull(flood_child(1));
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_SYN_EVICTED), 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_BACKLOG_FULL), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_BACKLOG_FULL), 1);
	ck_assert_uint_eq(fx_tcb(P.sl)->lst->nchild, BACKLOG);
	for (unsigned i = 0; i < BACKLOG - 1; i++)
		sock_abort(c[i], P.now);
}
END_TEST

/* Forged SYNs before and after a real client's SYN: its child is still
 * there when its ACK comes, and the connection is accepted. */
START_TEST(test_listen_evict_lets_client_through_flood)
{
	fx_listen(&P);
	unsigned n = 0;
	for (; n < 3 * BACKLOG; n++)
		flood_syn(n);
	fx_connect(&P);
	fx_deliver(&P, 0); /* A's SYN: evicts a forged child */
	for (unsigned k = 0; k < BACKLOG - 1; k++, n++)
		flood_syn(n); /* B's SYN,ACK to A is dropped too... */
	ck_assert_int_eq(fx_tcb(P.sa)->state, TCB_SYN_SENT);
	fx_run(&P, P.now + TV_SEC(3)); /* ...so B resends it, A answers */
	ck_assert_int_eq(fx_tcb(P.sa)->state, TCB_ESTABLISHED);
	ck_assert_ptr_nonnull(P.sb);
	ck_assert_int_eq(fx_tcb(P.sb)->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_SYN_EVICTED), 3 * BACKLOG);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_BACKLOG_FULL), 0);
}
END_TEST

/* Off (the default), a full backlog drops the SYN and keeps the oldest. */
START_TEST(test_listen_backlog_full_drops_syn_without_evict)
{
	fx_pair_fini(&P);
	fx_pair_init(&P, tune_no_evict);
	fx_listen(&P);
	for (unsigned n = 0; n <= BACKLOG; n++)
		flood_syn(n);
	ck_assert_ptr_nonnull(flood_child(0));
	ck_assert_ptr_null(flood_child(BACKLOG));
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_SYN_EVICTED), 0);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_BACKLOG_FULL), 1);
}
END_TEST

/* A long flood through a small backlog: the TCB count stays bounded. */
START_TEST(test_listen_evict_flood_bounded)
{
	P.record_events = false;
	P.log_frames = false;
	fx_listen(&P);
	for (unsigned n = 0; n < 5000; n++)
		flood_syn(n);
	ck_assert_uint_eq(fx_tcb(P.sl)->lst->nchild, BACKLOG);
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, BACKLOG);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_SYN_EVICTED), 5000 - BACKLOG);
}
END_TEST

static Suite *evict_suite(void)
{
	Suite *s = suite_create("syn_evict");
	TCase *tc = tcase_create("backlog");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_listen_backlog_full_evicts_oldest_half_open);
	tcase_add_test(tc, test_listen_backlog_full_never_evicts_established_child);
	tcase_add_test(tc, test_listen_evict_lets_client_through_flood);
	tcase_add_test(tc, test_listen_backlog_full_drops_syn_without_evict);
	tcase_add_test(tc, test_listen_evict_flood_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evict_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
