/*
 * check_tcp_data.c - TCP moving data: MSS and window scaling negotiation,
 * the sliding window, out-of-order reassembly and its bound, Nagle, fast
 * retransmit and NewReno recovery, bulk transfers over a lossy wire, the
 * socket API's rules and deferred callbacks, backlog and table limits,
 * and the memory an idle connection holds.
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

static void reinit(fx_tune_fn tune)
{
	fx_pair_fini(&P);
	fx_pair_init(&P, tune);
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *d = malloc(n);
	ck_assert_ptr_nonnull(d);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		d[i] = (uint8_t)(x >> 16);
	}
	return d;
}

/* ---- MSS (RFC 9293 3.7.1) ---------------------------------------------- */

static void tune_b_mss_536(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B)
		cfg->tcp.mss = 536;
}

START_TEST(test_mss_option_honoured)
{
	reinit(tune_b_mss_536);
	fx_establish(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_uint_eq(a->snd_mss, 536);
	ck_assert_uint_eq(a->rcv_mss, 1460);
	uint8_t *d = pattern(2000, 1);
	size_t mark = P.nlog;
	sock_send(P.sa, d, 2000, P.now);
	fx_run(&P, P.now + TV_SEC(2));
	ck_assert_uint_eq(P.app_b.rxlen, 2000);
	for (size_t i = mark; i < P.nlog; i++)
		if (P.log[i].from == FXT_A)
			ck_assert_uint_le(P.log[i].i.len, 536);
	ck_assert_uint_eq(fx_log_count(&P, mark, FXT_A, TV_TH_PSH, TV_TH_PSH), 1);
	free(d);
}
END_TEST

/* The SYN,ACK A receives is hand-made: MSS given by `opt`. */
static struct tcb *connect_with_synack_opts(const uint8_t *opt, uint8_t optlen)
{
	fx_connect(&P);
	fx_q_clear(&P);
	struct tcb *a = fx_tcb(P.sa);
	struct fx_spec s;
	fx_spec_peer(&s, a);
	s.seq = 7777;
	s.ack = a->iss + 1;
	s.flags = TV_TH_SYN | TV_TH_ACK;
	s.opt = opt;
	s.optlen = optlen;
	fx_inject(&P, FXT_A, &s);
	ck_assert_int_eq(a->state, TCB_ESTABLISHED);
	fx_q_clear(&P);
	return a;
}

/* MSS 0 (or any tiny value) is raised to TCP_MSS_MIN (64). */
START_TEST(test_mss_zero_clamped_to_minimum)
{
	static const uint8_t opt[4] = {2, 4, 0, 0};
	struct tcb *a = connect_with_synack_opts(opt, 4);
	ck_assert_uint_eq(a->snd_mss, TCP_MSS_MIN);
	sock_setopt(P.sa, TV_SO_NODELAY, 1);
	uint8_t *d = pattern(200, 2);
	sock_send(P.sa, d, 200, P.now);
	ck_assert_uint_ge(P.nq, 1);
	for (size_t i = 0; i < P.nq; i++)
		ck_assert_uint_le(fx_q_at(&P, i)->i.len, TCP_MSS_MIN);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.len, TCP_MSS_MIN);
	free(d);
}
END_TEST

START_TEST(test_mss_tiny_clamped_to_minimum)
{
	static const uint8_t opt[4] = {2, 4, 0, 8};
	struct tcb *a = connect_with_synack_opts(opt, 4);
	ck_assert_uint_eq(a->snd_mss, TCP_MSS_MIN);
}
END_TEST

/* No MSS option: 536 (RFC 9293 3.7.1, IPv4). */
START_TEST(test_mss_absent_means_536)
{
	struct tcb *a = connect_with_synack_opts(NULL, 0);
	ck_assert_uint_eq(a->snd_mss, 536);
	ck_assert(!a->ws_ok);
}
END_TEST

/* A peer MSS above our MTU is cut to what the MTU carries. */
START_TEST(test_mss_above_mtu_clamped)
{
	static const uint8_t opt[4] = {2, 4, 0x23, 0x28}; /* 9000 */
	struct tcb *a = connect_with_synack_opts(opt, 4);
	ck_assert_uint_eq(a->snd_mss, 1460);
}
END_TEST

static void tune_a_mtu_600(struct host_config *cfg, unsigned side)
{
	if (side == FXT_A)
		cfg->mtu = 600;
}

START_TEST(test_mss_sent_from_mtu_or_option)
{
	reinit(tune_a_mtu_600);
	fx_connect(&P);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.mss, 560);
	struct tv_sock *s;
	ck_assert_int_eq(sock_new(P.h[0], fx_app_cb, &P.app_a, &s), TV_OK);
	ck_assert_int_eq(sock_setopt(s, TV_SO_MSS, 300), TV_OK);
	ck_assert_int_eq(sock_connect_socket(s, FXT_ADDR(2), 81, 0, P.now), TV_OK);
	ck_assert_uint_eq(fx_q_at(&P, 1)->i.mss, 300);
	ck_assert_int_eq(sock_setopt(s, TV_SO_MSS, 400), TV_ESTATE);
	sock_abort(s, P.now);
}
END_TEST

/* ---- window scaling (RFC 7323) ----------------------------------------- */

START_TEST(test_wscale_negotiated_when_both_offer)
{
	fx_listen(&P);
	fx_connect(&P);
	struct fx_frame *syn = fx_q_at(&P, 0);
	ck_assert(syn->i.has_wscale);
	ck_assert_uint_eq(syn->i.wscale, 3); /* 256 KiB buffer >> 3 fits 16 bits */
	ck_assert_uint_eq(syn->i.win, 65535); /* never scaled in a SYN */
	fx_deliver(&P, 0);
	ck_assert(fx_q_at(&P, 0)->i.has_wscale);
	fx_deliver_all(&P);
	struct tcb *a = fx_tcb(P.sa), *b = fx_tcb(P.sb);
	ck_assert(a->ws_ok && b->ws_ok);
	ck_assert_uint_eq(a->snd_wscale, b->rcv_wscale);
	ck_assert_uint_eq(b->snd_wscale, a->rcv_wscale);
	ck_assert_uint_eq(b->snd_wnd, 256 * 1024); /* the handshake ACK, scaled */
	ck_assert_uint_eq(P.log[2].i.win, 256 * 1024 >> 3);
}
END_TEST

static void tune_a_no_wscale(struct host_config *cfg, unsigned side)
{
	if (side == FXT_A)
		cfg->tcp.window_scaling = false;
}

static void tune_b_no_wscale(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B)
		cfg->tcp.window_scaling = false;
}

/* Only when both SYNs carry the option: no WS in the SYN,ACK if the SYN
 * had none, and no scaling either way. */
START_TEST(test_wscale_not_used_unless_both_offer)
{
	reinit(tune_a_no_wscale);
	fx_listen(&P);
	fx_connect(&P);
	ck_assert(!fx_q_at(&P, 0)->i.has_wscale);
	fx_deliver(&P, 0);
	ck_assert(!fx_q_at(&P, 0)->i.has_wscale);
	fx_deliver_all(&P);
	ck_assert(!fx_tcb(P.sa)->ws_ok && !fx_tcb(P.sb)->ws_ok);
	ck_assert_uint_le(fx_tcb(P.sa)->snd_wnd, 65535);
	ck_assert_uint_le(fx_tcb(P.sb)->snd_wnd, 65535);

	reinit(tune_b_no_wscale);
	fx_listen(&P);
	fx_connect(&P);
	ck_assert(fx_q_at(&P, 0)->i.has_wscale);
	fx_deliver(&P, 0);
	ck_assert(!fx_q_at(&P, 0)->i.has_wscale);
	fx_deliver_all(&P);
	ck_assert(!fx_tcb(P.sa)->ws_ok && !fx_tcb(P.sb)->ws_ok);
	ck_assert_uint_eq(fx_tcb(P.sa)->rcv_wscale, 0);
}
END_TEST

/* A shift above 14 is used as 14 (RFC 7323 2.3). */
START_TEST(test_wscale_above_14_used_as_14)
{
	static const uint8_t opt[8] = {2, 4, 5, 0xb4, 1, 3, 3, 20};
	struct tcb *a = connect_with_synack_opts(opt, 8);
	ck_assert(a->ws_ok);
	ck_assert_uint_eq(a->snd_wscale, 14);
}
END_TEST

/* ---- the sliding window and reassembly --------------------------------- */

/* Segments out of order are kept (within the window) and delivered in
 * order when the hole fills; each out-of-order one is ACKed at once
 * (RFC 5681 4.2), which gives the sender its duplicate ACKs. */
START_TEST(test_out_of_order_reassembly)
{
	fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct tcb *b = fx_tcb(P.sb);
	uint32_t s0 = b->rcv_nxt;
	uint8_t *d = pattern(3000, 3);
	fx_inject_to(&P, b, s0 + 2000, b->snd_nxt, TV_TH_ACK, d + 2000, 1000);
	fx_inject_to(&P, b, s0 + 1000, b->snd_nxt, TV_TH_ACK, d + 1000, 1000);
	ck_assert_uint_eq(P.app_b.rxlen, 0);
	ck_assert_uint_eq(P.nq, 2);
	ck_assert_uint_eq(fx_q_at(&P, 0)->i.ack, s0);
	ck_assert_uint_eq(fx_q_at(&P, 1)->i.ack, s0);
	ck_assert_ptr_nonnull(b->ooo);
	ck_assert_uint_eq(b->ooo->n, 1); /* merged into one range */
	fx_inject_to(&P, b, s0, b->snd_nxt, TV_TH_ACK, d, 1000);
	ck_assert_uint_eq(P.app_b.rxlen, 3000);
	ck_assert_mem_eq(P.app_b.rx, d, 3000);
	ck_assert_uint_eq(b->rcv_nxt, s0 + 3000);
	ck_assert_ptr_null(b->ooo);
	ck_assert_uint_eq(fx_q_at(&P, 2)->i.ack, s0 + 3000); /* hole filled: ACK now */
	free(d);
}
END_TEST

static void tune_b_ooo_2000(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B)
		cfg->tcp.ooo_max = 2000;
}

/* The out-of-order store is bounded by ooo_max; overflow is counted. */
START_TEST(test_out_of_order_bounded_and_counted)
{
	reinit(tune_b_ooo_2000);
	fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct tcb *b = fx_tcb(P.sb);
	uint32_t s0 = b->rcv_nxt;
	uint8_t *d = pattern(6000, 4);
	fx_inject_to(&P, b, s0 + 1000, b->snd_nxt, TV_TH_ACK, d + 1000, 1000);
	fx_inject_to(&P, b, s0 + 3000, b->snd_nxt, TV_TH_ACK, d + 3000, 1000);
	ck_assert_uint_eq(b->ooo->bytes, 2000);
	fx_inject_to(&P, b, s0 + 5000, b->snd_nxt, TV_TH_ACK, d + 5000, 1000);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_OOO_DROP), 1000);
	ck_assert_uint_eq(b->ooo->bytes, 2000);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_OOO_FULL), 1);
	fx_inject_to(&P, b, s0, b->snd_nxt, TV_TH_ACK, d, 1000);
	ck_assert_uint_eq(P.app_b.rxlen, 2000);
	fx_inject_to(&P, b, s0 + 2000, b->snd_nxt, TV_TH_ACK, d + 2000, 1000);
	fx_inject_to(&P, b, s0 + 4000, b->snd_nxt, TV_TH_ACK, d + 4000, 2000);
	ck_assert_uint_eq(P.app_b.rxlen, 6000);
	ck_assert_mem_eq(P.app_b.rx, d, 6000);
	free(d);
}
END_TEST

/* A FIN beyond a hole waits for the hole (RFC 9293 3.10.7.4 eighth step
 * processes the FIN only at RCV.NXT). */
START_TEST(test_fin_beyond_hole_waits)
{
	fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct tcb *b = fx_tcb(P.sb);
	uint32_t s0 = b->rcv_nxt;
	fx_inject_to(&P, b, s0 + 5, b->snd_nxt, TV_TH_ACK | TV_TH_FIN, "world", 5);
	ck_assert_int_eq(b->state, TCB_ESTABLISHED);
	fx_inject_to(&P, b, s0, b->snd_nxt, TV_TH_ACK, "hello", 5);
	ck_assert_int_eq(b->state, TCB_CLOSE_WAIT);
	ck_assert_uint_eq(b->rcv_nxt, s0 + 11);
	ck_assert_uint_eq(P.app_b.rxlen, 10);
	ck_assert(P.app_b.eof);
}
END_TEST

/* Duplicate and overlapping data is trimmed and counted. */
START_TEST(test_duplicate_data_trimmed)
{
	fx_tcb_in_state(&P, TCB_ESTABLISHED);
	struct tcb *b = fx_tcb(P.sb);
	uint32_t s0 = b->rcv_nxt;
	fx_inject_to(&P, b, s0, b->snd_nxt, TV_TH_ACK, "abcdef", 6);
	fx_inject_to(&P, b, s0 + 3, b->snd_nxt, TV_TH_ACK, "defghi", 6);
	ck_assert_uint_eq(P.app_b.rxlen, 9);
	ck_assert_mem_eq(P.app_b.rx, "abcdefghi", 9);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_DUP_DATA), 3);
}
END_TEST

/* Flow control: a reader that does not read closes the window; the
 * sender stops at exactly the buffer size and goes on when it reads. */
START_TEST(test_receive_window_limits_sender)
{
	fx_establish(&P);
	P.app_b.auto_read = false;
	size_t n = 600 * 1024;
	uint8_t *d = pattern(n, 5);
	long sent = sock_send(P.sa, d, n, P.now);
	ck_assert_int_eq(sent, 256 * 1024); /* the send buffer */
	ck_assert(P.sa != NULL && fx_tcb(P.sa)->sk.write_blocked);
	fx_run(&P, P.now + TV_SEC(3));
	/* the window is in units of 8 (scale 3): the last few bytes of the
	 * buffer can only be reached by persist probes */
	ck_assert_uint_gt(sock_readable(P.sb), 256 * 1024 - 8);
	ck_assert_uint_le(sock_readable(P.sb), 256 * 1024);
	ck_assert_uint_eq(fx_tcb(P.sa)->snd_wnd, 0);
	size_t off = (size_t)sent;
	uint8_t *got = malloc(n);
	size_t have = 0;
	for (int round = 0; have < n && round < 10000; round++) {
		long r = sock_recv(P.sb, got + have, n - have, P.now);
		if (r > 0)
			have += (size_t)r;
		if (off < n) {
			long w = sock_send(P.sa, d + off, n - off, P.now);
			if (w > 0)
				off += (size_t)w;
		}
		fx_run(&P, P.now + TV_MSEC(300));
	}
	ck_assert_uint_eq(have, n);
	ck_assert_mem_eq(got, d, n);
	ck_assert_uint_ge(P.app_a.ev[TV_SOCK_WRITABLE], 1);
	free(got);
	free(d);
}
END_TEST

/* ---- Nagle (RFC 896) --------------------------------------------------- */

START_TEST(test_nagle_holds_small_segments)
{
	fx_establish(&P);
	P.app_b.auto_read = false;
	sock_send(P.sa, "a", 1, P.now);
	sock_send(P.sa, "b", 1, P.now);
	sock_send(P.sa, "c", 1, P.now);
	ck_assert_uint_eq(P.nq, 1); /* "a" went: nothing was in flight */
	fx_run(&P, P.now + TV_SEC(1));
	size_t segs = fx_log_count(&P, 3, FXT_A, TV_TH_PSH, TV_TH_PSH);
	ck_assert_uint_eq(segs, 2); /* "a", then "bc" after the ACK */
	ck_assert_uint_eq(sock_readable(P.sb), 3);
}
END_TEST

START_TEST(test_nodelay_sends_at_once)
{
	fx_establish(&P);
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_NODELAY, 1), TV_OK);
	sock_send(P.sa, "a", 1, P.now);
	sock_send(P.sa, "b", 1, P.now);
	sock_send(P.sa, "c", 1, P.now);
	ck_assert_uint_eq(P.nq, 3);
	/* turning Nagle back on holds again */
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_NODELAY, 0), TV_OK);
	sock_send(P.sa, "d", 1, P.now);
	ck_assert_uint_eq(P.nq, 3);
	/* and off again releases what was held */
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_NODELAY, 1), TV_OK);
	ck_assert_uint_eq(P.nq, 4);
}
END_TEST

/* ---- congestion control (RFC 5681, RFC 6582) --------------------------- */

/* Establish, turn B's delayed ACK off, and grow A's cwnd past `segs`
 * segments with a long transfer. */
static struct tcb *grow_cwnd(unsigned segs, uint8_t **data, size_t n)
{
	fx_establish(&P);
	sock_setopt(P.sb, TV_SO_DELACK, 0);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_uint_eq(a->cwnd, 3 * 1460); /* RFC 5681 IW for MSS 1460 */
	*data = pattern(n, 6);
	ck_assert_int_eq(sock_send(P.sa, *data, n, P.now), (long)n);
	while (a->cwnd < segs * a->snd_mss)
		fx_deliver_round(&P);
	ck_assert_uint_eq(a->ssthresh, UINT32_MAX); /* still slow start */
	ck_assert_uint_ge(fx_count_rule(&P, TV_EV_CWND, TV_RULE_SLOW_START), 1);
	return a;
}

/* Queued data frames from A, in queue order. */
static size_t data_frames(size_t *idx, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < P.nq && n < max; i++)
		if (P.q[i].from == FXT_A && P.q[i].i.len > 0)
			idx[n++] = i;
	return n;
}

/* Three duplicate ACKs: the lost segment is resent at once, ssthresh =
 * FlightSize/2, cwnd = ssthresh + 3 SMSS, and a full ACK ends recovery;
 * no retransmission timeout is needed. */
START_TEST(test_fast_retransmit_after_three_dupacks)
{
	uint8_t *d;
	size_t n = 200000;
	struct tcb *a = grow_cwnd(10, &d, n);
	size_t idx[64];
	/* B stops reading so that its duplicate ACKs repeat the window of
	 * the last ACK exactly (a changed window is an update, not a
	 * duplicate: RFC 5681 2) */
	P.app_b.auto_read = false;
	fx_deliver_round(&P);
	while (fx_q_find(&P, FXT_B, 0, 0) >= 0)
		fx_deliver(&P, (size_t)fx_q_find(&P, FXT_B, 0, 0));
	ck_assert_uint_ge(data_frames(idx, 64), 6);
	uint32_t lost = fx_q_at(&P, idx[0])->i.seq;
	fx_drop(&P, idx[0]);
	uint32_t flight = a->snd_max - a->snd_una;
	size_t mark = P.nlog;
	/* deliver A's frames; B answers each out-of-order one at once */
	while (fx_q_find(&P, FXT_A, 0, 0) >= 0)
		fx_deliver(&P, (size_t)fx_q_find(&P, FXT_A, 0, 0));
	for (int k = 0; k < 3; k++)
		fx_deliver(&P, (size_t)fx_q_find(&P, FXT_B, 0, 0));
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_FAST_RETRANSMIT), 1);
	ck_assert(a->in_recovery);
	ck_assert_uint_eq(a->ssthresh, flight / 2);
	ck_assert_uint_eq(a->cwnd, a->ssthresh + 3 * a->snd_mss);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_RETRANSMIT, TV_RULE_FAST_RETRANSMIT), 1);
	long r = -1;
	for (size_t i = mark; i < P.nlog; i++)
		if (P.log[i].from == FXT_A && P.log[i].i.seq == lost && P.log[i].i.len > 0)
			r = (long)i;
	ck_assert_int_ge(r, 0);
	P.app_b.auto_read = true;
	fx_app_cb(&P.app_b, P.sb, TV_SOCK_READABLE, 0);
	fx_run(&P, P.now + TV_MSEC(100));
	ck_assert(!a->in_recovery);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_CWND, TV_RULE_FAST_RECOVERY_EXIT), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_TIMER_FIRE, TV_RULE_REXMIT_TIMEOUT), 0);
	fx_run(&P, P.now + TV_SEC(30));
	ck_assert_uint_eq(P.app_b.rxlen, n);
	ck_assert_mem_eq(P.app_b.rx, d, n);
	free(d);
}
END_TEST

/* `dupacks` is the real count: the three that started fast retransmit
 * and every one after them in the same recovery; the full ACK that ends
 * recovery resets it. */
START_TEST(test_dupacks_counted_through_fast_recovery)
{
	uint8_t *d;
	size_t n = 200000;
	struct tcb *a = grow_cwnd(10, &d, n);
	size_t idx[64];
	P.app_b.auto_read = false;
	fx_deliver_round(&P);
	while (fx_q_find(&P, FXT_B, 0, 0) >= 0)
		fx_deliver(&P, (size_t)fx_q_find(&P, FXT_B, 0, 0));
	ck_assert_uint_ge(data_frames(idx, 64), 6);
	fx_drop(&P, idx[0]);
	while (fx_q_find(&P, FXT_A, 0, 0) >= 0)
		fx_deliver(&P, (size_t)fx_q_find(&P, FXT_A, 0, 0));
	unsigned dup = 0;
	while (fx_q_find(&P, FXT_B, 0, 0) >= 0) {
		fx_deliver(&P, (size_t)fx_q_find(&P, FXT_B, 0, 0));
		dup++;
		ck_assert_uint_eq(a->dupacks, dup);
	}
	ck_assert_uint_ge(dup, 5);
	ck_assert(a->in_recovery);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_FAST_RETRANSMIT), 1);
	P.app_b.auto_read = true;
	fx_app_cb(&P.app_b, P.sb, TV_SOCK_READABLE, 0);
	fx_run(&P, P.now + TV_MSEC(100));
	ck_assert(!a->in_recovery);
	ck_assert_uint_eq(a->dupacks, 0);
	free(d);
}
END_TEST

/* NewReno: two losses in one window; the partial ACK after the first
 * retransmission resends the second hole at once. */
START_TEST(test_newreno_partial_ack_retransmits_next_hole)
{
	uint8_t *d;
	size_t n = 200000;
	struct tcb *a = grow_cwnd(12, &d, n);
	size_t idx[64];
	ck_assert_uint_ge(data_frames(idx, 64), 8);
	fx_drop(&P, idx[3]);
	fx_drop(&P, idx[0]);
	fx_run(&P, P.now + TV_MSEC(100));
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_FAST_RETRANSMIT), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_RETRANSMIT, TV_RULE_FAST_RECOVERY_PARTIAL), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_CWND, TV_RULE_FAST_RECOVERY_EXIT), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_TIMER_FIRE, TV_RULE_REXMIT_TIMEOUT), 0);
	ck_assert(!a->in_recovery);
	fx_run(&P, P.now + TV_SEC(30));
	ck_assert_uint_eq(P.app_b.rxlen, n);
	ck_assert_mem_eq(P.app_b.rx, d, n);
	free(d);
}
END_TEST

/* After an RTO: cwnd back to one segment, ssthresh halved, slow start. */
START_TEST(test_rto_resets_cwnd)
{
	uint8_t *d;
	struct tcb *a = grow_cwnd(8, &d, 100000);
	uint32_t flight = a->snd_max - a->snd_una;
	fx_drop_from(&P, FXT_A);
	fx_drop_from(&P, FXT_B);
	ck_assert(fx_advance(&P, TV_NEVER));
	ck_assert_uint_eq(a->cwnd, a->snd_mss);
	ck_assert_uint_eq(a->ssthresh, flight / 2);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_CWND, TV_RULE_RTO_LOSS), 1);
	fx_run(&P, P.now + TV_SEC(60));
	ck_assert_uint_eq(P.app_b.rxlen, 100000);
	ck_assert_uint_ge(fx_count_rule(&P, TV_EV_CWND, TV_RULE_CONG_AVOID), 1);
	free(d);
}
END_TEST

/* A bulk transfer both ways over a wire that loses 5% of the frames and
 * delivers the rest in order: every byte arrives, in order, and both
 * ends close cleanly. */
START_TEST(test_bulk_transfer_lossy_wire_integrity)
{
	fx_establish(&P);
	P.record_events = false;
	P.log_frames = false;
	size_t n = 300000;
	uint8_t *da = pattern(n, 7), *db = pattern(n, 8);
	size_t oa = 0, ob = 0;
	struct tv_rng rng;
	tv_rng_seed(&rng, 42);
	bool closed = false;
	for (int step = 0; step < 2000000 && !(P.app_a.eof && P.app_b.eof); step++) {
		if (oa < n) {
			long w = sock_send(P.sa, da + oa, n - oa, P.now);
			oa += w > 0 ? (size_t)w : 0;
		}
		if (ob < n) {
			long w = sock_send(P.sb, db + ob, n - ob, P.now);
			ob += w > 0 ? (size_t)w : 0;
		}
		if (oa == n && ob == n && !closed) {
			sock_shutdown(P.sa, P.now);
			sock_shutdown(P.sb, P.now);
			closed = true;
		}
		if (P.nq > 0) {
			if (tv_rng_chance(&rng, 50000))
				fx_drop(&P, 0);
			else
				fx_deliver(&P, 0);
		} else if (!fx_advance(&P, TV_NEVER - 1)) {
			break;
		}
	}
	ck_assert_uint_eq(P.app_b.rxlen, n);
	ck_assert_mem_eq(P.app_b.rx, da, n);
	ck_assert_uint_eq(P.app_a.rxlen, n);
	ck_assert_mem_eq(P.app_a.rx, db, n);
	ck_assert(P.app_a.eof && P.app_b.eof);
	ck_assert_uint_gt(fx_counter(&P, FXT_A, TV_CNT_TCP_RETRANSMIT), 0);
	fx_run(&P, TV_NEVER - 1);
	ck_assert_ptr_null(sock_tcb(P.sa));
	ck_assert_ptr_null(sock_tcb(P.sb));
	ck_assert_int_eq(sock_error(P.sa), 0);
	ck_assert_int_eq(sock_error(P.sb), 0);
	free(da);
	free(db);
}
END_TEST

/* Sequence numbers wrap during a transfer: ISN just below 2^32. */
START_TEST(test_transfer_across_sequence_wrap)
{
	fx_listen(&P);
	struct tv_sock *s;
	ck_assert_int_eq(sock_new(P.h[0], fx_app_cb, &P.app_a, &s), TV_OK);
	P.sa = s;
	/* pick a port whose ISN lands 10000 below the wrap: make the key
	 * such that F() + M = 2^32 - 10000 by adjusting the clock M */
	struct tv_tuple t = {FXT_ADDR(1), FXT_ADDR(2), 45000, FXT_PORT};
	uint32_t f = tcp_isn(P.h[0], &t, 0);
	uint32_t want = 0xffffffffu - 10000;
	tv_time when = ((tv_time)(uint32_t)(want - f)) * 4;
	fx_set_time(&P, P.now > when ? when + ((P.now - when) / (4ull << 32) + 1) * (4ull << 32)
				     : when);
	ck_assert_int_eq(sock_connect_socket(s, FXT_ADDR(2), FXT_PORT, 45000, P.now), TV_OK);
	struct tcb *a = fx_tcb(s);
	ck_assert_uint_eq(a->iss, want);
	fx_deliver_all(&P);
	size_t n = 100000;
	uint8_t *d = pattern(n, 9);
	ck_assert_int_eq(sock_send(s, d, n, P.now), (long)n);
	fx_run(&P, P.now + TV_SEC(10));
	ck_assert_uint_eq(P.app_b.rxlen, n);
	ck_assert_mem_eq(P.app_b.rx, d, n);
	ck_assert(seq_gt(a->snd_una, want));
	ck_assert_uint_lt(a->snd_una, want); /* numerically wrapped */
	free(d);
}
END_TEST

/* A timeout resends only what was sent before (the first segment was
 * short; more data waited behind Nagle): SND.MAX stays the highest
 * sequence number sent, so the peer never acknowledges beyond it. */
START_TEST(test_rto_resends_only_sent_data)
{
	fx_establish(&P);
	struct tcb *a = fx_tcb(P.sa);
	uint8_t *d = pattern(6000, 10);
	ck_assert_int_eq(sock_send(P.sa, d, 656, P.now), 656);
	ck_assert_int_eq(sock_send(P.sa, d + 656, 600, P.now), 600);
	ck_assert_uint_eq(P.nq, 1); /* Nagle holds the rest */
	fx_drop(&P, 0);
	size_t mark = P.nlog;
	ck_assert(fx_advance(&P, TV_NEVER));
	ck_assert_uint_eq(P.nlog, mark + 1);
	ck_assert_uint_eq(P.log[mark].i.len, 656);
	ck_assert_uint_eq(a->snd_max, a->snd_una + 656);
	fx_run(&P, P.now + TV_SEC(5));
	ck_assert_uint_eq(P.app_b.rxlen, 1256);
	ck_assert_mem_eq(P.app_b.rx, d, 1256);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_ACK_UNSENT), 0);
	free(d);
}
END_TEST

/* Both ends retransmit data the other already has (every ACK was lost):
 * their ACKs must carry sequence numbers the other accepts, or each
 * drops the other's ACK as "old" and both time out. */
START_TEST(test_crossed_retransmissions_acks_accepted)
{
	fx_establish(&P);
	for (int i = 0; i < 2; i++) {
		sock_setopt(i ? P.sb : P.sa, TV_SO_DELACK, 0);
		sock_setopt(i ? P.sb : P.sa, TV_SO_NODELAY, 1);
	}
	struct tcb *a = fx_tcb(P.sa), *b = fx_tcb(P.sb);
	uint8_t *d = pattern(6000, 11);
	sock_send(P.sa, d, 3000, P.now);
	sock_send(P.sb, d + 3000, 3000, P.now);
	fx_deliver_round(&P); /* all data segments arrive */
	fx_q_clear(&P);      /* every ACK is lost */
	ck_assert(fx_advance(&P, TV_NEVER)); /* both time out together */
	/* one segment resent, SND.NXT pulled back behind SND.MAX */
	ck_assert_uint_eq(a->snd_nxt, a->snd_una + 1460);
	ck_assert_uint_eq(a->snd_max, a->snd_una + 3000);
	for (int i = 0; i < 50 && P.nq > 0; i++)
		fx_deliver_round(&P);
	ck_assert_uint_eq(a->snd_una, a->snd_max);
	ck_assert_uint_eq(b->snd_una, b->snd_max);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_TIMER_FIRE, TV_RULE_REXMIT_TIMEOUT), 2);
	free(d);
}
END_TEST

static void tune_b_rcvbuf_4096(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B)
		cfg->tcp.rcvbuf = 4096;
}

/* An ACK to a peer whose window is shut must sit at its RCV.NXT (the
 * right edge of the window), not at our SND.NXT past it: there only
 * RCV.NXT is acceptable (RFC 9293 3.10.7.4, zero window). */
START_TEST(test_ack_into_closed_window_accepted)
{
	reinit(tune_b_rcvbuf_4096);
	fx_establish(&P);
	P.app_b.auto_read = false;
	struct tcb *a = fx_tcb(P.sa), *b = fx_tcb(P.sb);
	uint8_t *d = pattern(10000, 12);
	sock_send(P.sa, d, 10000, P.now);
	fx_run(&P, P.now + TV_SEC(5)); /* B full, A probing */
	ck_assert_msg(a->snd_wnd == 0, "una %u max %u nxt %u wnd %u persist %d", a->snd_una,
		      a->snd_max, a->snd_nxt, a->snd_wnd, a->in_persist);
	ck_assert_msg(seq_gt(a->snd_max, a->snd_una), "una %u max %u nxt %u wnd %u persist %d",
		      a->snd_una, a->snd_max, a->snd_nxt, a->snd_wnd, a->in_persist);
	sock_setopt(P.sb, TV_SO_NODELAY, 1);
	sock_send(P.sb, "reply", 5, P.now);
	fx_run(&P, P.now + TV_MSEC(300)); /* A's delayed ACK */
	ck_assert_uint_eq(P.app_a.rxlen, 5);
	ck_assert_uint_eq(b->snd_una, b->snd_max); /* A's ACK got through */
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_TIMER_FIRE, TV_RULE_REXMIT_TIMEOUT), 0);
	free(d);
}
END_TEST

/* ---- the socket API ------------------------------------------------------ */

START_TEST(test_socket_api_errors)
{
	fx_establish(&P);
	struct tv_sock *s;
	struct fx_app app = {.p = &P};
	ck_assert_int_eq(sock_listen(P.h[1], FXT_PORT, 0, fx_app_cb, &app, &s, P.now),
			 TV_EADDRINUSE);
	ck_assert_int_eq(sock_listen(P.h[1], 0, 0, fx_app_cb, &app, &s, P.now), TV_EINVAL);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, a->tuple.lport, fx_app_cb,
				      &app, &s, P.now), TV_EADDRINUSE);
	ck_assert_int_eq(sock_recv(P.sl, (char[4]){0}, 4, P.now), TV_EINVAL);
	ck_assert_int_eq(sock_send(P.sl, "x", 1, P.now), TV_EINVAL);
	ck_assert_int_eq(sock_accept(P.sa, fx_app_cb, &app, &s, P.now), TV_EINVAL);
	ck_assert_int_eq(sock_recv(P.sa, (char[4]){0}, 4, P.now), TV_EAGAIN);
	ck_assert_int_eq(sock_shutdown(P.sa, P.now), TV_OK);
	ck_assert_int_eq(sock_send(P.sa, "x", 1, P.now), TV_ECLOSING);
	ck_assert_uint_eq(sock_send_space(P.sa), 0);
	ck_assert_int_eq(sock_setopt(P.sa, TV_SO_RCVBUF, 10000), TV_ESTATE);
	ck_assert_int_eq(sock_new(P.h[0], fx_app_cb, &app, &s), TV_OK);
	ck_assert_int_eq(sock_send(s, "x", 1, P.now), TV_ENOTCONN);
	ck_assert_int_eq(sock_recv(s, (char[4]){0}, 4, P.now), TV_ENOTCONN);
	ck_assert_int_eq(sock_connect_socket(s, 0, 80, 0, P.now), TV_EINVAL);
	ck_assert_ptr_eq(sock_host(s), P.h[0]);
	ck_assert_uint_ne(sock_conn_id(s), 0);
	sock_close(s, P.now);
	ck_assert_uint_eq(sock_local_port(P.sl), FXT_PORT);
	ck_assert_ptr_null(sock_tcb(P.sl));
	ck_assert_ptr_nonnull(sock_tcb(P.sa));
}
END_TEST

/* Ephemeral ports: distinct, from the dynamic range (RFC 6335). */
START_TEST(test_ephemeral_ports_distinct)
{
	fx_listen(&P);
	struct tv_sock *s[50];
	struct fx_app app = {.p = &P};
	for (int i = 0; i < 50; i++) {
		ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, 0, fx_app_cb, &app,
					      &s[i], P.now), TV_OK);
		uint16_t p = sock_local_port(s[i]);
		ck_assert_uint_ge(p, TCP_EPHEMERAL_LO);
		for (int j = 0; j < i; j++)
			ck_assert_uint_ne(p, sock_local_port(s[j]));
	}
	for (int i = 0; i < 50; i++)
		sock_abort(s[i], P.now);
}
END_TEST

struct echo_app {
	struct fx_pair *p;
	int closed;
	struct tv_sock *other; /* closed from inside a callback */
};

/* A callback runs after the stack is done with the segment: it can reply,
 * close its own socket and close someone else's. */
static void echo_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct echo_app *e = ctx;
	(void)err;
	if (ev != TV_SOCK_READABLE)
		return;
	char buf[64];
	long n = sock_recv(s, buf, sizeof(buf), e->p->now);
	if (n > 0)
		ck_assert_int_eq(sock_send(s, buf, (size_t)n, e->p->now), n);
	if (n == 0 || n > 0) {
		sock_close(s, e->p->now);
		if (e->other != NULL) {
			sock_abort(e->other, e->p->now);
			e->other = NULL;
		}
		e->closed++;
	}
}

static void listen_echo_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct tv_sock *c;
	(void)err;
	if (ev == TV_SOCK_ACCEPTABLE)
		while (sock_accept(s, echo_cb, ctx, &c, ((struct echo_app *)ctx)->p->now) == TV_OK)
			;
}

START_TEST(test_callbacks_may_reenter_the_api)
{
	struct echo_app e = {.p = &P};
	struct tv_sock *l, *bystander;
	struct fx_app app = {.p = &P};
	ck_assert_int_eq(sock_listen(P.h[1], 7, 0, listen_echo_cb, &e, &l, P.now), TV_OK);
	ck_assert_int_eq(sock_connect(P.h[1], FXT_ADDR(1), 9, 0, fx_app_cb, &app, &bystander,
				      P.now), TV_OK);
	e.other = bystander;
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), 7, 0, fx_app_cb, &P.app_a, &P.sa,
				      P.now), TV_OK);
	fx_deliver_all(&P);
	sock_send(P.sa, "ping", 4, P.now);
	fx_run(&P, P.now + TV_SEC(5));
	ck_assert_int_eq(e.closed, 1);
	ck_assert_uint_eq(P.app_a.rxlen, 4);
	ck_assert_mem_eq(P.app_a.rx, "ping", 4);
	ck_assert(P.app_a.eof);
	sock_close(l, P.now);
}
END_TEST

/* Callbacks come in a fixed order and coalesce: one READABLE for a burst. */
START_TEST(test_callbacks_coalesce)
{
	fx_establish(&P);
	P.app_b.auto_read = false;
	sock_setopt(P.sa, TV_SO_NODELAY, 1);
	unsigned before = P.app_b.ev[TV_SOCK_READABLE];
	sock_send(P.sa, "a", 1, P.now);
	sock_send(P.sa, "b", 1, P.now);
	ck_assert_uint_eq(P.nq, 2);
	/* both segments in one host_input batch is not possible; deliver
	 * each: each arrival reports once */
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.app_b.ev[TV_SOCK_READABLE], before + 1);
	fx_deliver(&P, 0);
	ck_assert_uint_eq(P.app_b.ev[TV_SOCK_READABLE], before + 2);
	ck_assert_uint_eq(sock_readable(P.sb), 2);
}
END_TEST

static void tune_b_backlog_2(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B)
		cfg->backlog_default = 2;
}

/* The SYN backlog bounds half-open plus unaccepted connections. */
START_TEST(test_backlog_full_drops_syn_counted)
{
	reinit(tune_b_backlog_2);
	P.app_l.auto_accept = false;
	fx_listen(&P);
	struct tv_sock *c[3];
	struct fx_app app[3] = {{.p = &P}, {.p = &P}, {.p = &P}};
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, 0, fx_app_cb, &app[i],
					      &c[i], P.now), TV_OK);
	fx_deliver_all(&P);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_BACKLOG_FULL), 1);
	ck_assert_uint_eq(fx_count_rule(&P, TV_EV_DROP, TV_RULE_BACKLOG_FULL), 1);
	ck_assert_int_eq(fx_tcb(c[2])->state, TCB_SYN_SENT);
	struct tv_sock *s;
	ck_assert_int_eq(sock_accept(P.sl, fx_app_cb, &P.app_b, &s, P.now), TV_OK);
	fx_run(&P, P.now + TV_SEC(2)); /* the third SYN is retransmitted */
	ck_assert_int_eq(fx_tcb(c[2])->state, TCB_ESTABLISHED);
	for (int i = 0; i < 3; i++)
		sock_abort(c[i], P.now);
	sock_abort(s, P.now);
}
END_TEST

static void tune_small_tables(struct host_config *cfg, unsigned side)
{
	cfg->max_conns = 2;
}

/* cfg.max_conns bounds the TCBs of a host (a listener counts). */
START_TEST(test_connection_limit_counted)
{
	reinit(tune_small_tables);
	fx_listen(&P);
	struct tv_sock *c[2], *s;
	struct fx_app app = {.p = &P};
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, 0, fx_app_cb, &app,
					      &c[i], P.now), TV_OK);
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, 0, fx_app_cb, &app, &s,
				      P.now), TV_ENOBUFS);
	fx_deliver_all(&P);
	ck_assert_uint_eq(fx_counter(&P, FXT_B, TV_CNT_TCP_CONN_LIMIT), 1);
	ck_assert_int_eq(fx_tcb(c[0])->state, TCB_ESTABLISHED);
	ck_assert_int_eq(fx_tcb(c[1])->state, TCB_SYN_SENT);
	for (int i = 0; i < 2; i++)
		sock_abort(c[i], P.now);
}
END_TEST

/* An idle established connection holds no buffer memory, and the TCB
 * with its handle stays within the 512-byte budget. */
START_TEST(test_idle_connection_memory)
{
	fx_establish(&P);
	sock_send(P.sa, "hello", 5, P.now);
	fx_run(&P, P.now + TV_SEC(1));
	struct tcb *a = fx_tcb(P.sa), *b = fx_tcb(P.sb);
	ck_assert_ptr_null(a->snd.buf);
	ck_assert_ptr_null(a->rcv.buf);
	ck_assert_ptr_null(b->snd.buf);
	ck_assert_ptr_null(b->rcv.buf);
	ck_assert_ptr_null(b->ooo);
	/* the TCB (socket included), one hash bucket slot and one heap slot */
	size_t per_conn = sizeof(struct tcb) + 2 * sizeof(void *);
	ck_assert_msg(per_conn <= 512, "per connection %zu bytes (struct tcb %zu)", per_conn,
		      sizeof(struct tcb));
}
END_TEST

/* Many connections: the table grows and every one is found. */
START_TEST(test_many_connections_hash_lookup)
{
	enum { N = 10000 };
	fx_listen(&P);
	P.record_events = false;
	P.log_frames = false;
	static struct tv_sock *s[N];
	struct fx_app app = {.p = &P};
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, (uint16_t)(1024 + i),
					      fx_app_cb, &app, &s[i], P.now), TV_OK);
		fx_deliver_all(&P);
	}
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, N);
	ck_assert_uint_ge(P.h[1]->tcp->nbuckets, N);
	P.app_b.rxlen = 0;
	for (int i = 0; i < N; i++) {
		char c = (char)('a' + i % 26);
		ck_assert_int_eq(sock_send(s[i], &c, 1, P.now), 1);
	}
	fx_run(&P, P.now + TV_SEC(1));
	ck_assert_uint_eq(P.app_b.rxlen, N);
	for (int i = 0; i < N; i++)
		sock_abort(s[i], P.now);
	fx_deliver_all(&P);
	ck_assert_uint_eq(P.h[1]->tcp->nhashed, 0);
}
END_TEST

static Suite *data_suite(void)
{
	Suite *s = suite_create("tcp_data");
	TCase *tc = tcase_create("negotiation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mss_option_honoured);
	tcase_add_test(tc, test_mss_zero_clamped_to_minimum);
	tcase_add_test(tc, test_mss_tiny_clamped_to_minimum);
	tcase_add_test(tc, test_mss_absent_means_536);
	tcase_add_test(tc, test_mss_above_mtu_clamped);
	tcase_add_test(tc, test_mss_sent_from_mtu_or_option);
	tcase_add_test(tc, test_wscale_negotiated_when_both_offer);
	tcase_add_test(tc, test_wscale_not_used_unless_both_offer);
	tcase_add_test(tc, test_wscale_above_14_used_as_14);
	suite_add_tcase(s, tc);
	tc = tcase_create("window");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_out_of_order_reassembly);
	tcase_add_test(tc, test_out_of_order_bounded_and_counted);
	tcase_add_test(tc, test_fin_beyond_hole_waits);
	tcase_add_test(tc, test_duplicate_data_trimmed);
	tcase_add_test(tc, test_receive_window_limits_sender);
	tcase_add_test(tc, test_nagle_holds_small_segments);
	tcase_add_test(tc, test_nodelay_sends_at_once);
	tcase_add_test(tc, test_fast_retransmit_after_three_dupacks);
	tcase_add_test(tc, test_dupacks_counted_through_fast_recovery);
	tcase_add_test(tc, test_newreno_partial_ack_retransmits_next_hole);
	tcase_add_test(tc, test_rto_resets_cwnd);
	tcase_add_test(tc, test_bulk_transfer_lossy_wire_integrity);
	tcase_add_test(tc, test_transfer_across_sequence_wrap);
	tcase_add_test(tc, test_rto_resends_only_sent_data);
	tcase_add_test(tc, test_crossed_retransmissions_acks_accepted);
	tcase_add_test(tc, test_ack_into_closed_window_accepted);
	suite_add_tcase(s, tc);
	tc = tcase_create("api");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_socket_api_errors);
	tcase_add_test(tc, test_ephemeral_ports_distinct);
	tcase_add_test(tc, test_callbacks_may_reenter_the_api);
	tcase_add_test(tc, test_callbacks_coalesce);
	tcase_add_test(tc, test_backlog_full_drops_syn_counted);
	tcase_add_test(tc, test_connection_limit_counted);
	tcase_add_test(tc, test_idle_connection_memory);
	tcase_add_test(tc, test_many_connections_hash_lookup);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(data_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
