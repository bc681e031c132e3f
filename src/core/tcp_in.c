/*
 * tcp_in.c - segment arrival, RFC 9293 3.10.7.
 *
 * tcp_input() (tcp.c) has checked the checksum, parsed the header and
 * found the TCB (a connection, else a listener, else none); it calls
 * tcp_in_segment(), which dispatches on the state to one handler per
 * state.  The handlers for the synchronized states follow the RFC's
 * steps in order, sharing one function per step:
 *
 *   first    in_check_seq   acceptability test, trimming zero windows
 *   second   in_rst         RFC 5961 3.2: exact sequence number only
 *   fourth   in_syn_sync    RFC 5961 4.2: challenge ACK
 *   fifth    in_ack         RFC 5961 5.2 range, new data acked, window
 *   seventh  in_text        data into the receive ring, ACK policy
 *   eighth   in_fin         the peer's FIN and its state change
 *
 * (There is no third step - security/compartment is not kept - and no
 * sixth: the urgent pointer is ignored, RFC 6093 recommends against it.)
 * After the handler, tcp_output() sends whatever became possible, and the
 * ACK that input asked for if nothing else carried it.
 */
#include "tcb.h"

static bool has(const struct tcp_seg *s, uint8_t flag)
{
	return (s->i.flags & flag) != 0;
}

/* SEG.LEN: data plus one for each of SYN and FIN. */
static uint32_t seg_span(const struct tcp_seg *s)
{
	return s->i.len + has(s, TV_TH_SYN) + has(s, TV_TH_FIN);
}

static void in_drop(struct host *h, const struct tcp_seg *s, enum tv_counter c,
		    enum tv_rule rule)
{
	host_drop(h, c, rule, &s->i);
}

/* A drop that belongs to a connection: the event names it. */
static void tcb_drop(const struct tcb *tcb, const struct tcp_seg *s, enum tv_counter c,
		     enum tv_rule rule)
{
	host_count(tcb->h, c);
	if (tcb_bus_active(tcb)) {
		struct tv_event ev;
		tcb_event_init(tcb, &ev, TV_EV_DROP, rule);
		ev.u.drop.counter = c;
		ev.u.drop.seg = s->i;
		ev.u.drop.has_seg = true;
		host_emit(tcb->h, &ev);
	}
}

/* RFC 1122 4.2.3.10: no connection with, or reset to, a broadcast or
 * multicast address (nor 0.0.0.0, which nobody can answer). */
static bool addr_bad(uint32_t a)
{
	return a == 0 || a == 0xffffffffu || (a >> 28) == 0xe;
}

/* ---- no TCB: RFC 9293 3.10.7.1 ------------------------------------- */

static void in_closed(struct host *h, struct tcp_seg *s)
{
	if (has(s, TV_TH_RST)) {
		in_drop(h, s, TV_CNT_TCP_RST_IGNORED, TV_RULE_CLOSED_RST_DROP);
		return;
	}
	if (addr_bad(s->i.saddr)) {
		in_drop(h, s, TV_CNT_TCP_BAD_ADDR, TV_RULE_BAD_ADDRESS);
		return;
	}
	in_drop(h, s, TV_CNT_TCP_NO_SOCKET, TV_RULE_CLOSED_RST);
	tcp_send_rst_reply(h, NULL, s, TV_RULE_CLOSED_RST);
}

/* ---- shared by LISTEN and SYN-SENT: the peer's SYN ----------------- */

/* Record the peer's SYN: IRS, its MSS and window scale (RFC 7323 1.3:
 * scaling only if both SYNs carry the option), and its window, which in
 * a SYN is never scaled (RFC 7323 2.2). */
static void in_syn_accept(struct tcb *tcb, const struct tcp_seg *s)
{
	tcb->irs = s->i.seq;
	tcb->rcv_nxt = s->i.seq + 1;
	tcb->rcv_acked = tcb->rcv_adv = tcb->rcv_nxt;
	tcb->have_irs = 1;
	tcb->snd_mss = tcp_mss_clamp(s->i.has_mss ? s->i.mss : TCP_MSS_DEFAULT,
				     tcb_mtu_mss(tcb->h));
	if (tcb->ws_want && s->i.has_wscale) {
		tcb->ws_ok = 1;
		tcb->snd_wscale = s->i.wscale < TCP_WSCALE_MAX ? s->i.wscale : TCP_WSCALE_MAX;
	} else {
		tcb->ws_ok = 0;
		tcb->snd_wscale = 0;
		tcb->rcv_wscale = 0;
	}
	tcb->snd_wnd = tcb->max_sndwnd = s->i.win;
	tcb->snd_wl1 = s->i.seq;
	tcb->snd_wl2 = s->i.ack;
}

/* ---- LISTEN: RFC 9293 3.10.7.2 ------------------------------------ */

static void list_add_tail(struct tcb_link *head, struct tcb_link *l)
{
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}

static struct tcb *in_listen_child(struct tcb *lis, struct tcp_seg *s)
{
	struct host *h = lis->h;
	struct tcb *c = tcb_new(h, s->now);

	if (c == NULL) {
		bool full = h->tcp->ntcbs >= h->cfg.max_conns;
		tcb_drop(lis, s, full ? TV_CNT_TCP_CONN_LIMIT : TV_CNT_TCP_NOMEM, TV_RULE_CONN_LIMIT);
		return NULL;
	}
	tcb_init_params(c, lis);
	c->passive = 1;
	c->tuple = (struct tv_tuple){s->i.daddr, s->i.saddr, s->i.dport, s->i.sport};
	if (tcb_hash_insert(c) != TV_OK) { /* cannot happen: lookup missed it */
		c->gone = 1;
		tcb_release(c);
		return NULL;
	}
	c->parent = lis;
	tcb_init_syn(c, s->now);
	in_syn_accept(c, s);
	list_add_tail(&lis->lst->half, &c->link);
	lis->lst->nchild++;
	return c;
}

/*
 * A SYN at a full backlog (cfg.backlog_evict): recycle the oldest
 * half-open child, RFC 4987 3.4, as FreeBSD's syncache drops its oldest
 * entry.  A flood of SYNs from addresses that never answer then cycles
 * through the backlog and a real client's SYN still gets a SYN,ACK; its
 * ACK comes back within one round trip, and the child survives unless the
 * flood sends `backlog` more SYNs within it: 128 in the ~100 us of a
 * local link would take over a million SYNs a second.  Children that
 * completed the handshake wait on the ready list and are never evicted:
 * their peer proved it receives at its address.  The evicted child goes
 * silently (no RST to a forged address); a real peer that was evicted
 * learns it from the RST to its ACK.
 */
static bool in_listen_evict(struct tcb *lis, const struct tcp_seg *s)
{
	struct tcb_link *first = lis->lst->half.next;

	if (!lis->h->cfg.backlog_evict || first == &lis->lst->half)
		return false;
	struct tcb *old = (struct tcb *)((char *)first - offsetof(struct tcb, link));
	host_count(lis->h, TV_CNT_TCP_SYN_EVICTED);
	tcb_delete(old, TV_RULE_SYN_EVICTED, TV_EABORTED, s->now);
	return true;
}

/* A SYN makes a child TCB in SYN-RECEIVED; text on the SYN is not
 * acknowledged (the peer sends it again once we are established). */
static void in_listen(struct tcb *lis, struct tcp_seg *s)
{
	struct host *h = lis->h;

	if (has(s, TV_TH_RST)) {
		tcb_drop(lis, s, TV_CNT_TCP_RST_IGNORED, TV_RULE_LISTEN_RST);
	} else if (has(s, TV_TH_ACK)) {
		tcb_drop(lis, s, TV_CNT_TCP_NO_SOCKET, TV_RULE_LISTEN_ACK);
		tcp_send_rst_reply(h, lis, s, TV_RULE_LISTEN_ACK);
	} else if (!has(s, TV_TH_SYN)) {
		tcb_drop(lis, s, TV_CNT_TCP_DROPPED, TV_RULE_NONE);
	} else if (addr_bad(s->i.saddr)) {
		tcb_drop(lis, s, TV_CNT_TCP_BAD_ADDR, TV_RULE_BAD_ADDRESS);
	} else if (lis->lst->nchild >= lis->lst->backlog && !in_listen_evict(lis, s)) {
		tcb_drop(lis, s, TV_CNT_TCP_BACKLOG_FULL, TV_RULE_BACKLOG_FULL);
	} else {
		struct tcb *c = in_listen_child(lis, s);
		if (c == NULL)
			return;
		tcb_set_state(c, TCB_SYN_RECEIVED, TV_RULE_LISTEN_SYN, s->now);
		tcp_cc_init(c, s->now);
		tcp_output(c, s->now);
	}
}

/* ---- the steps shared by the synchronized states ------------------- */

static void in_established_enter(struct tcb *tcb, enum tv_rule rule, tv_time now)
{
	tcb_set_state(tcb, TCB_ESTABLISHED, rule, now);
	tcb->last_rx = now;
	tcp_keepalive_reset(tcb, now);
	if (tcb->parent != NULL)
		sock_child_ready(tcb, now);
	else
		sock_notify(tcb, TV_SOCK_CONNECTED, 0, now);
	if (tcb->fin_queued) /* CLOSE was called before we got here */
		tcb_set_state(tcb, TCB_FIN_WAIT_1, TV_RULE_APP_CLOSE, now);
}

/* The receive window for the acceptability test: what we can store, and
 * never less than what we advertised. */
static uint32_t in_rcv_wnd(const struct tcb *tcb)
{
	uint32_t space = tcp_rcv_space(tcb);
	uint32_t adv = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;

	return space > adv ? space : adv;
}

static bool in_seq_ok(const struct tcb *tcb, uint32_t seq, uint32_t len, uint32_t wnd)
{
	uint32_t lo = tcb->rcv_nxt, hi = tcb->rcv_nxt + wnd;

	if (len == 0)
		return wnd == 0 ? seq == lo : seq_in(seq, lo, hi);
	if (wnd == 0)
		return false;
	return seq_in(seq, lo, hi) || seq_in(seq + len - 1, lo, hi);
}

/*
 * First step: the four-case acceptability test.  An unacceptable segment
 * is answered with an ACK (unless it is a RST) and dropped; that ACK is
 * also how keepalive probes and retransmitted FINs get their answer.
 * With a zero window a segment at RCV.NXT still has its ACK and RST
 * looked at ("special allowance"), its text and FIN cut off.
 */
static bool in_check_seq(struct tcb *tcb, struct tcp_seg *s)
{
	uint32_t wnd = in_rcv_wnd(tcb);

	if (in_seq_ok(tcb, s->i.seq, seg_span(s), wnd))
		return true;
	if (wnd == 0 && s->i.seq == tcb->rcv_nxt) {
		s->i.len = 0;
		s->i.flags &= (uint8_t) ~(TV_TH_FIN | TV_TH_PSH | TV_TH_URG);
		tcb->ack_now = 1;
		return true;
	}
	if (has(s, TV_TH_RST)) {
		tcb_drop(tcb, s, TV_CNT_TCP_RST_IGNORED, TV_RULE_RST_OUT_OF_WINDOW);
		return false;
	}
	if (has(s, TV_TH_SYN)) {
		/* RFC 5961 4.2: a SYN gets a (rate-limited) challenge ACK
		 * "irrespective of the sequence number". */
		tcb_drop(tcb, s, TV_CNT_TCP_OUT_OF_WINDOW, TV_RULE_SYN_CHALLENGE);
		tcp_send_challenge_ack(tcb, TV_RULE_SYN_CHALLENGE, s->now);
		return false;
	}
	if (s->i.len > 0 && seq_leq(s->i.seq + s->i.len, tcb->rcv_nxt))
		tcb->h->counters[TV_CNT_TCP_DUP_DATA] += s->i.len;
	tcb_drop(tcb, s, TV_CNT_TCP_OUT_OF_WINDOW, TV_RULE_SEQ_UNACCEPTABLE);
	tcp_send_ack(tcb, TV_RULE_SEQ_UNACCEPTABLE, s->now);
	return false;
}

/* Second step, RFC 5961 3.2 as adopted by RFC 9293: only a RST at
 * exactly RCV.NXT resets; one elsewhere in the window draws a challenge
 * ACK, which a genuine peer answers with an exact RST. */
static void in_rst(struct tcb *tcb, struct tcp_seg *s)
{
	if (s->i.seq != tcb->rcv_nxt) {
		host_count(tcb->h, TV_CNT_TCP_RST_IGNORED);
		tcp_send_challenge_ack(tcb, TV_RULE_RST_CHALLENGE, s->now);
		return;
	}
	host_count(tcb->h, TV_CNT_TCP_RST_RX);
	switch (tcb->state) {
	case TCB_SYN_RECEIVED:
		if (tcb->passive)
			tcb_delete_to(tcb, TCB_LISTEN, TV_RULE_SYN_RCVD_RST_PASSIVE, 0, s->now);
		else
			tcb_delete(tcb, TV_RULE_SYN_RCVD_RST_ACTIVE, TV_EREFUSED, s->now);
		break;
	case TCB_ESTABLISHED:
	case TCB_FIN_WAIT_1:
	case TCB_FIN_WAIT_2:
	case TCB_CLOSE_WAIT:
		tcb_delete(tcb, TV_RULE_RST_ACCEPTED, TV_ERESET, s->now);
		break;
	default: /* CLOSING, LAST-ACK: the application already closed */
		tcb_delete(tcb, TV_RULE_RST_ACCEPTED, 0, s->now);
		break;
	}
}

/* Fourth step.  SYN-RECEIVED from a passive open goes back to LISTEN
 * (RFC 9293); everywhere else RFC 5961 4.2: challenge ACK. */
static void in_syn_sync(struct tcb *tcb, struct tcp_seg *s)
{
	if (tcb->state == TCB_SYN_RECEIVED && tcb->passive) {
		tcb_delete_to(tcb, TCB_LISTEN, TV_RULE_SYN_RCVD_SYN_PASSIVE, 0, s->now);
		return;
	}
	tcp_send_challenge_ack(tcb, TV_RULE_SYN_CHALLENGE, s->now);
}

/* An acceptable segment: the peer is alive (keepalive). */
static void in_alive(struct tcb *tcb, tv_time now)
{
	tcb->last_rx = now;
	if (tcb->ka_probes > 0) {
		if (tcb_bus_active(tcb)) {
			struct tv_event ev;
			tcb_event_init(tcb, &ev, TV_EV_TIMER_CANCEL, TV_RULE_KEEPALIVE_ALIVE);
			ev.u.timer.kind = TV_TIMER_KEEPALIVE;
			ev.u.timer.deadline = tcb->timer[TCB_T_KEEPALIVE];
			ev.u.timer.count = tcb->ka_probes;
			host_emit(tcb->h, &ev);
		}
		tcp_keepalive_reset(tcb, now);
	}
}

/* Steps one to four and the ACK-bit check of step five; true when the
 * segment has been dealt with. */
static bool in_sync_front(struct tcb *tcb, struct tcp_seg *s)
{
	if (!in_check_seq(tcb, s))
		return true;
	if (has(s, TV_TH_RST)) {
		in_rst(tcb, s);
		return true;
	}
	if (has(s, TV_TH_SYN)) {
		in_syn_sync(tcb, s);
		return true;
	}
	if (!has(s, TV_TH_ACK)) {
		tcb_drop(tcb, s, TV_CNT_TCP_DROPPED, TV_RULE_NONE);
		return true;
	}
	in_alive(tcb, s->now);
	return false;
}

/* RFC 6298 5.7 and RFC 5681 3.1: a handshake that needed a retransmitted
 * SYN starts with RTO 3 s (if lower) and a one-segment window. */
static void in_syn_acked(struct tcb *tcb, tv_time now)
{
	if (!tcb->syn_rexmit)
		return;
	if (tcb->rto < TV_SEC(3))
		tcb->rto = (uint32_t)TV_SEC(3);
	if (tcb->cwnd > tcb->snd_mss)
		tcp_cc_init(tcb, now);
}

/* SND.UNA < SEG.ACK =< SND.MAX: new data (or our SYN/FIN) acknowledged. */
static void in_ack_advance(struct tcb *tcb, uint32_t ack, tv_time now)
{
	bool syn_acked = tcb->snd_una == tcb->iss;
	uint32_t acked = ack - tcb->snd_una, before = tcb->snd.len;

	if (tcb->rtt_active && seq_gt(ack, tcb->rtt_seq)) {
		tcp_rtt_sample(tcb, now - tcb->rtt_start);
		tcb->rtt_active = 0;
	}
	tcp_snd_acked(tcb, ack);
	tcb->snd_una = ack;
	if (seq_lt(tcb->snd_nxt, ack))
		tcb->snd_nxt = ack;
	tcb->rexmit_count = 0;
	if (syn_acked)
		in_syn_acked(tcb, now);
	uint32_t data = before - tcb->snd.len;
	if (data > 0 || tcb->in_recovery)
		tcp_cc_ack(tcb, data > 0 ? data : acked, now);
	/* RFC 6298 5.2/5.3; during NewReno recovery only the first partial
	 * ACK restarts the timer (tcp_cc.c). */
	if (tcb->snd_una == tcb->snd_max)
		tcb_timer_cancel(tcb, TCB_T_REXMIT, now);
	else if (!tcb->in_recovery && !tcb->in_persist)
		tcp_rexmit_timer_restart(tcb, now);
	if (data > 0 && tcb->sk.write_blocked) {
		tcb->sk.write_blocked = 0;
		sock_notify(tcb, TV_SOCK_WRITABLE, 0, now);
	}
}

/* RFC 9293 3.10.7.4 fifth step: update the send window from the newest
 * segment only (SND.WL1/SND.WL2); a window that opens ends persist. */
static void in_window_update(struct tcb *tcb, const struct tcp_seg *s)
{
	if (!(seq_lt(tcb->snd_wl1, s->i.seq) ||
	      (tcb->snd_wl1 == s->i.seq && seq_leq(tcb->snd_wl2, s->i.ack))))
		return;
	tcb->snd_wnd = (uint32_t)s->i.win << (tcb->ws_ok ? tcb->snd_wscale : 0);
	tcb->snd_wl1 = s->i.seq;
	tcb->snd_wl2 = s->i.ack;
	if (tcb->snd_wnd > tcb->max_sndwnd)
		tcb->max_sndwnd = tcb->snd_wnd;
	if (tcb->snd_wnd > 0 && tcb_timer_armed(tcb, TCB_T_PERSIST)) {
		tcb_timer_cancel(tcb, TCB_T_PERSIST, s->now);
		tcb->persist_shift = 0;
		if (tcb->in_persist) {
			tcb->in_persist = 0;
			tcb->snd_nxt = tcb->snd_una; /* the probe octet goes as data */
		}
	}
}

/* RFC 5681 2: a duplicate ACK acknowledges nothing new, carries no data,
 * SYN or FIN, repeats the window, and arrives with data outstanding.  A
 * zero window is persist's business, not loss. */
static bool in_is_dupack(const struct tcb *tcb, const struct tcp_seg *s)
{
	uint32_t wnd = (uint32_t)s->i.win << (tcb->ws_ok ? tcb->snd_wscale : 0);

	return s->i.ack == tcb->snd_una && tcb->snd_max != tcb->snd_una && s->i.len == 0 &&
	       !has(s, TV_TH_SYN | TV_TH_FIN) && wnd == tcb->snd_wnd && wnd != 0 &&
	       !tcb->in_persist;
}

/* Fifth step for every synchronized state; false if the segment must be
 * dropped.  RFC 5961 5.2 (adopted by RFC 9293): acceptable ACKs lie in
 * [SND.UNA - MAX.SND.WND, SND.NXT]; anything else draws an ACK. */
static bool in_ack(struct tcb *tcb, struct tcp_seg *s)
{
	uint32_t ack = s->i.ack;

	if (seq_gt(ack, tcb->snd_max)) {
		tcb_drop(tcb, s, TV_CNT_TCP_DROPPED, TV_RULE_ACK_UNSENT);
		tcp_send_challenge_ack(tcb, TV_RULE_ACK_UNSENT, s->now);
		return false;
	}
	if (seq_lt(ack, tcb->snd_una - tcb->max_sndwnd)) {
		tcb_drop(tcb, s, TV_CNT_TCP_DROPPED, TV_RULE_ACK_CHALLENGE);
		tcp_send_challenge_ack(tcb, TV_RULE_ACK_CHALLENGE, s->now);
		return false;
	}
	bool dup = in_is_dupack(tcb, s);
	if (seq_gt(ack, tcb->snd_una))
		in_ack_advance(tcb, ack, s->now);
	if (ack == tcb->snd_una)
		in_window_update(tcb, s);
	if (dup)
		tcp_cc_dupack(tcb, s->now);
	return !tcb->gone;
}

/* RFC 1122 4.2.3.2 and RFC 5681 4.2: ACK at least every second
 * full-sized segment, otherwise within delack_timeout. */
static void in_ack_policy(struct tcb *tcb)
{
	uint32_t full = tcb->rcv_seg_max ? tcb->rcv_seg_max : tcb->rcv_mss;

	if (!tcb->delack || tcb->rcv_nxt - tcb->rcv_acked >= 2u * full)
		tcb->ack_now = 1;
	else
		tcb->ack_delayed = 1;
}

static void in_fin_consume(struct tcb *tcb, tv_time now);

/* After the application's full close (sock_close) nobody will read: the
 * data is acknowledged and thrown away, so the peer can finish sending
 * and close (the four-way close of the lesson: the closing side still
 * takes the last data). */
static void in_text_discard(struct tcb *tcb, long n)
{
	if (n <= 0 || !tcb->sk.closed)
		return;
	tcp_ring_drop(&tcb->rcv, (uint32_t)n);
	tcb->h->counters[TV_CNT_TCP_DISCARD] += (uint64_t)n;
	if (tcb->rcv.len == 0 && tcb->ooo == NULL)
		tcp_ring_free(tcb_tcp(tcb), &tcb->rcv);
}

/*
 * Nothing follows the peer's FIN: its sequence number ends the stream
 * (RFC 9293 3.10.7.4).  A peer that sends bytes beyond it anyway -- out
 * of order before the FIN came, or after a FIN we hold beyond a hole --
 * must not have them kept: RCV.NXT would step over the FIN, which then
 * never gets consumed, and the application would read them.
 */
static void in_fin_bound(struct tcb *tcb, uint32_t fin_seq)
{
	if (tcp_ooo_cut(tcb, fin_seq) > 0)
		host_count(tcb->h, TV_CNT_TCP_DATA_AFTER_FIN);
}

/* Seventh step (ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2). */
static void in_text(struct tcb *tcb, struct tcp_seg *s)
{
	uint32_t seq = s->i.seq, len = s->i.len, nxt = tcb->rcv_nxt;
	const uint8_t *p = s->data;

	if (has(s, TV_TH_FIN))
		in_fin_bound(tcb, seq + len);
	if (len > 0 && tcb->ooo_fin && seq_gt(seq + len, tcb->rcv_fin_seq)) {
		host_count(tcb->h, TV_CNT_TCP_DATA_AFTER_FIN);
		len = seq_gt(tcb->rcv_fin_seq, seq) ? tcb->rcv_fin_seq - seq : 0;
		tcb->ack_now = 1;
	}
	bool had_ooo = tcb->ooo != NULL;
	if (len == 0)
		return;
	if (seq_lt(seq, nxt)) { /* trim what we already have */
		uint32_t d = nxt - seq;
		tcb->h->counters[TV_CNT_TCP_DUP_DATA] += d < len ? d : len;
		if (d >= len) {
			tcb->ack_now = 1;
			return;
		}
		seq += d;
		p += d;
		len -= d;
	}
	if (len > tcb->rcv_seg_max)
		tcb->rcv_seg_max = (uint16_t)(len < tcb->rcv_mss ? len : tcb->rcv_mss);
	long n = tcp_rcv_store(tcb, seq, p, len, s->now);
	if (n < 0 || seq != nxt || had_ooo)
		tcb->ack_now = 1; /* out of order or a hole filled: ACK now */
	else
		in_ack_policy(tcb);
	if (n > 0 && !tcb->sk.closed)
		sock_notify(tcb, TV_SOCK_READABLE, 0, s->now);
	in_text_discard(tcb, n);
	if (tcb->ooo_fin && tcb->rcv_nxt == tcb->rcv_fin_seq)
		in_fin_consume(tcb, s->now);
}

/* The peer's FIN at RCV.NXT: RFC 9293 3.10.7.4 eighth step. */
static void in_fin_consume(struct tcb *tcb, tv_time now)
{
	tcb->rcv_nxt++;
	tcb->rcv_fin = 1;
	tcb->ooo_fin = 0;
	tcb->ack_now = 1;
	sock_notify(tcb, TV_SOCK_READABLE, 0, now);
	sock_notify(tcb, TV_SOCK_PEER_CLOSED, 0, now);
	switch (tcb->state) {
	case TCB_SYN_RECEIVED:
	case TCB_ESTABLISHED:
		tcb_set_state(tcb, TCB_CLOSE_WAIT, TV_RULE_FIN_RECEIVED, now);
		break;
	case TCB_FIN_WAIT_1:
		if (tcb_fin_acked(tcb)) { /* figure 5 note 2 */
			tcb_set_state(tcb, TCB_TIME_WAIT, TV_RULE_FIN_ACKED_AND_FIN, now);
			tcp_time_wait_start(tcb, now);
		} else {
			tcb_set_state(tcb, TCB_CLOSING, TV_RULE_FIN_SIMULTANEOUS, now);
		}
		break;
	case TCB_FIN_WAIT_2:
		tcb_set_state(tcb, TCB_TIME_WAIT, TV_RULE_FIN_RECEIVED, now);
		tcp_time_wait_start(tcb, now);
		break;
	default: /* CLOSE-WAIT, CLOSING, LAST-ACK: remain */
		break;
	}
}

/* Eighth step: a FIN at RCV.NXT is consumed; one beyond a hole is
 * remembered until the hole fills; a repeated one is ACKed again. */
static void in_fin(struct tcb *tcb, struct tcp_seg *s)
{
	if (!has(s, TV_TH_FIN) || tcb->gone)
		return;
	uint32_t fseq = s->i.seq + s->i.len;
	if (!tcb->rcv_fin && seq_geq(fseq, tcb->rcv_nxt))
		in_fin_bound(tcb, fseq);
	if (tcb->rcv_fin) {
		tcb->ack_now = 1;
	} else if (fseq == tcb->rcv_nxt) {
		in_fin_consume(tcb, s->now);
	} else if (seq_gt(fseq, tcb->rcv_nxt)) {
		tcb->ooo_fin = 1;
		tcb->rcv_fin_seq = fseq;
		tcb->ack_now = 1;
	}
}

static void in_enter_fin_wait_2(struct tcb *tcb, tv_time now)
{
	tcb_set_state(tcb, TCB_FIN_WAIT_2, TV_RULE_FIN_ACKED, now);
	if (tcb->sk.closed && tcb->h->cfg.tcp.fin_wait_2 > 0)
		tcb_timer_arm(tcb, TCB_T_CONN, now + tcb->h->cfg.tcp.fin_wait_2, 0, now);
}

/* ---- one handler per state ---------------------------------------- */

/* RFC 9293 3.10.7.3. */
static void in_syn_sent_synack(struct tcb *tcb, struct tcp_seg *s)
{
	in_syn_accept(tcb, s);
	in_ack_advance(tcb, s->i.ack, s->now);
	tcb->ack_now = 1;
	in_established_enter(tcb, TV_RULE_SYN_SENT_SYNACK, s->now);
	tcp_cc_init(tcb, s->now);
	/* Text or FIN on the SYN,ACK: "continue processing at the sixth
	 * step", after the SYN's sequence number. */
	s->i.flags &= (uint8_t)~TV_TH_SYN;
	s->i.seq++;
	in_text(tcb, s);
	in_fin(tcb, s);
}

static void in_syn_sent(struct tcb *tcb, struct tcp_seg *s)
{
	struct host *h = tcb->h;
	bool ack = has(s, TV_TH_ACK);

	if (ack && !seq_in_oc(s->i.ack, tcb->iss, tcb->snd_max)) {
		if (has(s, TV_TH_RST)) {
			tcb_drop(tcb, s, TV_CNT_TCP_RST_IGNORED, TV_RULE_SYN_SENT_RST_IGNORED);
			return;
		}
		tcb_drop(tcb, s, TV_CNT_TCP_DROPPED, TV_RULE_SYN_SENT_BAD_ACK);
		tcp_send_rst_reply(h, tcb, s, TV_RULE_SYN_SENT_BAD_ACK);
	} else if (has(s, TV_TH_RST)) {
		if (!ack) { /* RFC 5961 3.2: only a RST that ACKs our SYN counts */
			tcb_drop(tcb, s, TV_CNT_TCP_RST_IGNORED, TV_RULE_SYN_SENT_RST_IGNORED);
			return;
		}
		host_count(h, TV_CNT_TCP_RST_RX);
		tcb_delete(tcb, TV_RULE_SYN_SENT_RST, TV_EREFUSED, s->now);
	} else if (!has(s, TV_TH_SYN)) {
		tcb_drop(tcb, s, TV_CNT_TCP_DROPPED, TV_RULE_NONE);
	} else if (ack) {
		in_syn_sent_synack(tcb, s);
	} else {
		/* Simultaneous open (figure 7): SYN,ACK <SEQ=ISS><ACK=RCV.NXT>;
		 * text on the SYN waits for a retransmission. */
		in_syn_accept(tcb, s);
		tcb_set_state(tcb, TCB_SYN_RECEIVED, TV_RULE_SYN_SENT_SYN, s->now);
		tcp_cc_init(tcb, s->now);
		tcb->snd_nxt = tcb->iss;
	}
}

/* RFC 9293 3.10.7.4 for SYN-RECEIVED.  Our own additions, ahead of the
 * steps: the peer's SYN again without ACK means our SYN,ACK was lost, so
 * it is sent again at once and the retransmission timer restarts from
 * that copy (RFC 6298 5.1: the timer runs from the latest transmission;
 * left alone it could fire moments later and send a second identical
 * copy); with an ACK (simultaneous open, figure 7 line 6) the old SYN is
 * trimmed off and the rest processed. */
static void in_syn_received(struct tcb *tcb, struct tcp_seg *s)
{
	if ((s->i.flags & (TV_TH_SYN | TV_TH_RST)) == TV_TH_SYN && s->i.seq == tcb->irs) {
		if (!has(s, TV_TH_ACK)) {
			tcp_rexmit_first(tcb, TV_RULE_SYN_RCVD_DUP_SYN, s->now);
			tcp_rexmit_timer_restart(tcb, s->now);
			return;
		}
		s->i.flags &= (uint8_t)~TV_TH_SYN;
		s->i.seq++;
	}
	if (in_sync_front(tcb, s))
		return;
	if (!seq_in_oc(s->i.ack, tcb->snd_una, tcb->snd_max)) {
		tcb_drop(tcb, s, TV_CNT_TCP_DROPPED, TV_RULE_SYN_RCVD_BAD_ACK);
		tcp_send_rst_reply(tcb->h, tcb, s, TV_RULE_SYN_RCVD_BAD_ACK);
		return;
	}
	in_established_enter(tcb, TV_RULE_SYN_RCVD_ACK, s->now);
	if (!in_ack(tcb, s))
		return;
	in_text(tcb, s);
	in_fin(tcb, s);
}

static void in_established(struct tcb *tcb, struct tcp_seg *s)
{
	if (in_sync_front(tcb, s) || !in_ack(tcb, s))
		return;
	in_text(tcb, s);
	in_fin(tcb, s);
}

/* The ACK of our FIN moves us to FIN-WAIT-2 (fifth step), but when the
 * same segment carries the peer's FIN we go straight to TIME-WAIT
 * (figure 5 note 2), so FIN-WAIT-2 is entered after the FIN step. */
static void in_fin_wait_1(struct tcb *tcb, struct tcp_seg *s)
{
	if (in_sync_front(tcb, s) || !in_ack(tcb, s))
		return;
	in_text(tcb, s);
	in_fin(tcb, s);
	if (tcb->state == TCB_FIN_WAIT_1 && tcb_fin_acked(tcb))
		in_enter_fin_wait_2(tcb, s->now);
}

static void in_fin_wait_2(struct tcb *tcb, struct tcp_seg *s)
{
	if (in_sync_front(tcb, s) || !in_ack(tcb, s))
		return;
	in_text(tcb, s);
	in_fin(tcb, s);
}

/* CLOSE-WAIT: the peer sent its FIN, so text "should not occur" and is
 * ignored; a repeated FIN is ACKed again. */
/* Seventh step once the peer's FIN has been consumed (CLOSE-WAIT, CLOSING,
 * LAST-ACK): new text cannot be valid and is ignored (RFC 9293 3.10.7.4),
 * but a peer sending it is misbehaving, so it is counted and reported. */
static void in_text_after_fin(struct tcb *tcb, const struct tcp_seg *s)
{
	if (s->i.len > 0 && seq_gt(s->i.seq + s->i.len, tcb->rcv_nxt))
		tcb_drop(tcb, s, TV_CNT_TCP_DATA_AFTER_FIN, TV_RULE_DATA_AFTER_FIN);
}

static void in_close_wait(struct tcb *tcb, struct tcp_seg *s)
{
	if (in_sync_front(tcb, s) || !in_ack(tcb, s))
		return;
	in_text_after_fin(tcb, s);
	in_fin(tcb, s);
}

static void in_closing(struct tcb *tcb, struct tcp_seg *s)
{
	if (in_sync_front(tcb, s) || !in_ack(tcb, s))
		return;
	in_text_after_fin(tcb, s);
	if (tcb_fin_acked(tcb)) {
		tcb_set_state(tcb, TCB_TIME_WAIT, TV_RULE_FIN_ACKED, s->now);
		tcp_time_wait_start(tcb, s->now);
	}
	in_fin(tcb, s);
}

static void in_last_ack(struct tcb *tcb, struct tcp_seg *s)
{
	if (in_sync_front(tcb, s) || !in_ack(tcb, s))
		return;
	in_text_after_fin(tcb, s);
	if (tcb_fin_acked(tcb)) {
		tcb_delete(tcb, TV_RULE_FIN_ACKED, 0, s->now);
		return;
	}
	in_fin(tcb, s);
}

/*
 * TIME-WAIT.  RST is ignored whatever its sequence number (RFC 1337).  A
 * SYN for the old connection's tuple draws a challenge ACK (RFC 5961 4.2,
 * which RFC 9293 adopts for all synchronized states) and is dropped: we
 * do not reopen from TIME-WAIT (RFC 6191's option); the peer's SYN
 * succeeds after 2 MSL.  The peer's FIN again means our last ACK was
 * lost: ACK it again and restart the 2 MSL wait.
 */
static void in_time_wait(struct tcb *tcb, struct tcp_seg *s)
{
	if (has(s, TV_TH_RST)) {
		tcb_drop(tcb, s, TV_CNT_TCP_RST_IGNORED, TV_RULE_TIME_WAIT_RST);
		return;
	}
	if (has(s, TV_TH_SYN)) {
		tcp_send_challenge_ack(tcb, TV_RULE_TIME_WAIT_SYN, s->now);
		return;
	}
	if (has(s, TV_TH_FIN) && s->i.seq + s->i.len + 1 == tcb->rcv_nxt) {
		tcp_send_ack(tcb, TV_RULE_TIME_WAIT_FIN, s->now);
		tcb_timer_arm(tcb, TCB_T_2MSL, s->now + 2 * tcb->h->cfg.tcp.msl, 0, s->now);
		return;
	}
	/* RFC 9293 3.10.7.4 fifth step puts RFC 5961 5.2's ACK range check
	 * ahead of every state's own rule, TIME-WAIT's too: an ACK outside
	 * [SND.UNA - MAX.SND.WND, SND.NXT] is answered (in_ack) and dropped.
	 * Anything else acceptable is not the FIN and changes nothing. */
	if (!in_check_seq(tcb, s) || (has(s, TV_TH_ACK) && !in_ack(tcb, s)))
		return;
	tcb_drop(tcb, s, TV_CNT_TCP_DROPPED, TV_RULE_NONE);
}

void tcp_in_segment(struct host *h, struct tcb *tcb, struct tcp_seg *s)
{
	if (tcb == NULL) {
		in_closed(h, s);
		return;
	}
	switch ((enum tcb_state)tcb->state) {
	case TCB_LISTEN:
		in_listen(tcb, s);
		return;
	case TCB_SYN_SENT:
		in_syn_sent(tcb, s);
		break;
	case TCB_SYN_RECEIVED:
		in_syn_received(tcb, s);
		break;
	case TCB_ESTABLISHED:
		in_established(tcb, s);
		break;
	case TCB_FIN_WAIT_1:
		in_fin_wait_1(tcb, s);
		break;
	case TCB_FIN_WAIT_2:
		in_fin_wait_2(tcb, s);
		break;
	case TCB_CLOSE_WAIT:
		in_close_wait(tcb, s);
		break;
	case TCB_CLOSING:
		in_closing(tcb, s);
		break;
	case TCB_LAST_ACK:
		in_last_ack(tcb, s);
		break;
	case TCB_TIME_WAIT:
		in_time_wait(tcb, s);
		break;
	default:
		in_closed(h, s);
		return;
	}
	tcp_output(tcb, s->now);
}
