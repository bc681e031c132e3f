/*
 * tcp_out.c - building and sending segments.
 *
 * tcp_output() is called after anything that may let a TCB send: input
 * processing, a timer, the application queueing data or closing.  It sends
 * the SYN if one is due, then as much queued data (and the FIN) as the
 * send window, the congestion window, Nagle and sender-side silly window
 * avoidance allow (RFC 9293 3.8.6.2.1, RFC 896), and finally a bare ACK if
 * input asked for one and nothing else carried it.
 *
 * Every segment is built at buf + TV_HDR_ROOM in a stack buffer of
 * TV_FRAME_MAX bytes and handed to ipv4_output(), which fills the IPv4 and
 * Ethernet headers in the headroom.  We send options only on SYNs (MSS,
 * window scale), so data segments have 20-byte headers.
 */
#include <string.h>

#include "checksum.h"
#include "ipv4.h"
#include "tcb.h"

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* SYN options: MSS always (RFC 9293 3.7.1), window scale when we offer
 * it; in a SYN,ACK only if the peer's SYN offered it (RFC 7323 1.3). */
static uint32_t out_syn_options(const struct tcb *tcb, uint8_t *p)
{
	p[0] = 2;
	p[1] = 4;
	wr16(p + 2, tcb->rcv_mss);
	if (!tcb->ws_want || (tcb->have_irs && !tcb->ws_ok))
		return 4;
	p[4] = 1;
	p[5] = 3;
	p[6] = 3;
	p[7] = tcb->rcv_wscale;
	return 8;
}

static void out_header(uint8_t *p, const struct tv_seg_info *i, uint32_t hl)
{
	wr16(p, i->sport);
	wr16(p + 2, i->dport);
	wr32(p + 4, i->seq);
	wr32(p + 8, i->ack);
	p[12] = (uint8_t)((hl / 4) << 4);
	p[13] = i->flags;
	wr16(p + 14, i->win);
	memset(p + 16, 0, 4);
}

static void out_csum(uint8_t *p, uint32_t len, uint32_t saddr, uint32_t daddr)
{
	uint32_t sum = tv_csum_pseudo(saddr, daddr, TV_IPPROTO_TCP, (uint16_t)len);
	uint16_t c = tv_csum_finish(tv_csum_add(sum, p, len));

	memcpy(p + 16, &c, 2); /* the sum is already in network order in memory */
}

static void out_emit(struct host *h, const struct tcb *tcb, const struct tv_seg_info *i,
		     enum tv_rule rule)
{
	struct tv_event ev;

	if (tcb != NULL) {
		tcb_event_init(tcb, &ev, TV_EV_SEG_OUT, rule);
	} else {
		memset(&ev, 0, sizeof(ev));
		ev.type = TV_EV_SEG_OUT;
		ev.time = h->now;
		ev.host = h->id;
		ev.rule = rule;
	}
	ev.u.seg = *i;
	host_emit(h, &ev);
}

static void out_emit_rexmit(struct tcb *tcb, const struct tv_seg_info *i, enum tv_rule rule)
{
	struct tv_event ev;

	tcb_event_init(tcb, &ev, TV_EV_RETRANSMIT, rule);
	ev.u.rexmit.seq = i->seq;
	ev.u.rexmit.len = i->len;
	ev.u.rexmit.flags = i->flags;
	ev.u.rexmit.count = tcb->rexmit_count;
	ev.u.rexmit.rto = tcb_rto(tcb);
	host_emit(tcb->h, &ev);
}

/* Any segment carrying an ACK settles what input owed the peer. */
static void out_acked(struct tcb *tcb, tv_time now)
{
	tcb->ack_now = 0;
	tcb->rcv_acked = tcb->rcv_nxt;
	if (tcb->ack_delayed) {
		tcb->ack_delayed = 0;
		tcb_timer_cancel(tcb, TCB_T_DELACK, now);
	}
}

static void out_fill_info(const struct tcb *tcb, struct tv_seg_info *i, uint32_t seq,
			  uint8_t flags, uint32_t len)
{
	memset(i, 0, sizeof(*i));
	i->saddr = tcb->tuple.laddr;
	i->daddr = tcb->tuple.raddr;
	i->sport = tcb->tuple.lport;
	i->dport = tcb->tuple.rport;
	i->seq = seq;
	i->flags = flags;
	i->ack = (flags & TV_TH_ACK) ? tcb->rcv_nxt : 0;
	i->len = len;
	i->iss = tcb->iss;
	i->irs = tcb->have_irs ? tcb->irs : 0;
}

/* Header, SYN options, payload and checksum at p; returns the length. */
static uint32_t out_build(struct tcb *tcb, uint8_t *p, struct tv_seg_info *i, uint32_t len)
{
	uint32_t hl = TCP_HLEN;

	if (i->flags & TV_TH_SYN) {
		hl += out_syn_options(tcb, p + TCP_HLEN);
		i->has_mss = 1;
		i->mss = tcb->rcv_mss;
		i->has_wscale = hl > TCP_HLEN + 4;
		i->wscale = i->has_wscale ? tcb->rcv_wscale : 0;
	}
	if (!(i->flags & TV_TH_RST))
		i->win = tcp_rcv_window(tcb, i->flags & TV_TH_SYN);
	out_header(p, i, hl);
	if (len > 0)
		tcp_ring_get(&tcb->snd, i->seq - tcb->snd_bufseq, p + hl, len);
	out_csum(p, hl + len, tcb->tuple.laddr, tcb->tuple.raddr);
	return hl + len;
}

/*
 * Counters, Karn, and the events for a segment about to go out.  A probe
 * octet sent again, and the SYN,ACK of a simultaneous open (same sequence
 * number as our SYN), are not loss recovery: they are not counted or
 * reported as retransmissions.  A probe sent again is still sequence
 * space sent twice, so Karn's rule (RFC 6298 3) applies to it: an ACK
 * covering it cannot tell which copy it answers, and the RTT sample
 * would be the whole persist episode.
 */
static void out_account(struct tcb *tcb, const struct tv_seg_info *i, enum tv_rule rule,
			tv_time now)
{
	uint32_t span = i->len + !!(i->flags & TV_TH_SYN) + !!(i->flags & TV_TH_FIN);
	bool again = span > 0 && seq_lt(i->seq, tcb->snd_max) && rule != TV_RULE_SYN_SENT_SYN;
	bool rexmit = again && rule != TV_RULE_PERSIST_PROBE;

	if (i->flags & TV_TH_ACK)
		out_acked(tcb, now);
	if (again)
		tcb->rtt_active = 0; /* Karn: no RTT sample from a retransmission */
	if (rexmit)
		host_count(tcb->h, TV_CNT_TCP_RETRANSMIT);
	host_count(tcb->h, TV_CNT_TCP_TX);
	if (i->flags & TV_TH_RST)
		host_count(tcb->h, TV_CNT_TCP_RST_SENT);
	if (tcb_bus_active(tcb)) {
		out_emit(tcb->h, tcb, i, rule);
		if (rexmit)
			out_emit_rexmit(tcb, i, rule);
	}
}

void tcp_xmit(struct tcb *tcb, uint32_t seq, uint8_t flags, uint32_t len, enum tv_rule rule,
	      tv_time now)
{
	uint8_t buf[TV_FRAME_MAX];
	struct tv_seg_info i;

	if (tcb->have_irs && !(flags & TV_TH_RST))
		flags |= TV_TH_ACK;
	out_fill_info(tcb, &i, seq, flags, len);
	uint32_t n = out_build(tcb, buf + TV_HDR_ROOM, &i, len);
	out_account(tcb, &i, rule, now);
	ipv4_output(tcb->h, buf, n, tcb->tuple.raddr, TV_IPPROTO_TCP, now);
}

/* A segment that consumes sequence space at seq: time it if it is new
 * (RFC 6298 3: one sample at a time), advance SND.NXT/SND.MAX, and start
 * the retransmission timer if it is not running (RFC 6298 5.1).  A window
 * probe is never timed: a receiver with a closed window answers it
 * without taking the octet, and the ACK that finally covers it comes
 * when the window opens, so its delay measures the receiving
 * application, not the path. */
static void out_segment(struct tcb *tcb, uint32_t seq, uint8_t flags, uint32_t len,
			enum tv_rule rule, tv_time now)
{
	uint32_t span = len + !!(flags & TV_TH_SYN) + !!(flags & TV_TH_FIN);

	if (!tcb->rtt_active && seq == tcb->snd_max && span > 0 &&
	    rule != TV_RULE_PERSIST_PROBE) {
		tcb->rtt_active = 1;
		tcb->rtt_seq = seq;
		tcb->rtt_start = now;
	}
	tcp_xmit(tcb, seq, flags, len, rule, now);
	if (seq_gt(seq + span, tcb->snd_nxt))
		tcb->snd_nxt = seq + span;
	if (seq_gt(tcb->snd_nxt, tcb->snd_max))
		tcb->snd_max = tcb->snd_nxt;
	if (span > 0 && !tcb->in_persist && !tcb_timer_armed(tcb, TCB_T_REXMIT))
		tcp_rexmit_timer_restart(tcb, now);
}

static uint32_t out_usable(const struct tcb *tcb)
{
	uint32_t wnd = min_u32(tcb->snd_wnd, tcb->cwnd);
	uint32_t inflight = tcb->snd_nxt - tcb->snd_una;

	return wnd > inflight ? wnd - inflight : 0;
}

/*
 * May a short segment of len bytes (avail queued) go now?  RFC 9293
 * 3.8.6.2.1: send a full segment; or all queued data if nothing is
 * unacknowledged (Nagle, RFC 896) or Nagle is off; or at least half the
 * largest window the peer offered (under the same Nagle condition).  A
 * segment that carries our FIN goes at once: holding the last bytes of a
 * closing connection only delays the close.
 */
static bool out_sws_ok(const struct tcb *tcb, uint32_t len, uint32_t avail)
{
	bool idle = tcb->snd_nxt == tcb->snd_una || tcb->nodelay;

	if (len >= tcb->snd_mss)
		return true;
	if (len == avail && (idle || tcb->fin_queued))
		return true;
	return idle && tcb->max_sndwnd > 0 && len >= tcb->max_sndwnd / 2;
}

/* Nothing in flight, data waiting and the window will not take it: only
 * the persist timer can get things moving again (RFC 9293 3.8.6.1). */
static void out_check_persist(struct tcb *tcb, tv_time now)
{
	uint32_t end = tcb->snd_bufseq + tcb->snd.len;

	if (tcb->snd_una == tcb->snd_max && seq_lt(tcb->snd_nxt, end) &&
	    !tcb_timer_armed(tcb, TCB_T_PERSIST) && !tcb_timer_armed(tcb, TCB_T_REXMIT))
		tcp_persist_start(tcb, now);
}

static void out_data(struct tcb *tcb, tv_time now)
{
	for (;;) {
		uint32_t end = tcb->snd_bufseq + tcb->snd.len;
		if (seq_gt(tcb->snd_nxt, end))
			break; /* the FIN is out */
		uint32_t avail = end - tcb->snd_nxt;
		uint32_t len = min_u32(min_u32(avail, out_usable(tcb)), tcb->snd_mss);
		bool fin = tcb->fin_queued && len == avail;
		if (len == 0 && !fin)
			break;
		if (len > 0 && !out_sws_ok(tcb, len, avail))
			break;
		uint8_t flags = (fin ? TV_TH_FIN : 0) | (len > 0 && len == avail ? TV_TH_PSH : 0);
		out_segment(tcb, tcb->snd_nxt, flags, len, TV_RULE_NONE, now);
	}
	out_check_persist(tcb, now);
}

static bool out_may_send_data(enum tcb_state s)
{
	return s == TCB_ESTABLISHED || s == TCB_CLOSE_WAIT || s == TCB_FIN_WAIT_1 ||
	       s == TCB_CLOSING || s == TCB_LAST_ACK;
}

static enum tv_rule out_syn_rule(const struct tcb *tcb)
{
	if (tcb->state == TCB_SYN_SENT)
		return TV_RULE_APP_CONNECT;
	return tcb->passive ? TV_RULE_LISTEN_SYN : TV_RULE_SYN_SENT_SYN;
}

void tcp_output(struct tcb *tcb, tv_time now)
{
	enum tcb_state s = (enum tcb_state)tcb->state;

	if (tcb->gone)
		return;
	if (tcb->snd_una == tcb->iss) {
		/* Our SYN is not acknowledged yet: no data before it is. */
		if (tcb->snd_nxt == tcb->iss &&
		    (s == TCB_SYN_SENT || s == TCB_SYN_RECEIVED || s == TCB_FIN_WAIT_1))
			out_segment(tcb, tcb->iss, TV_TH_SYN, 0, out_syn_rule(tcb), now);
		/* RFC 9293 3.10.4: CLOSE in SYN-RECEIVED with nothing queued
		 * forms the FIN and sends it at once, right behind the SYN;
		 * holding it for the ACK of the SYN costs a whole RTO when
		 * FIN-WAIT-1 drops the peer's crossing SYN,ACK as old. */
		if (s == TCB_FIN_WAIT_1 && tcb->snd.len == 0)
			out_data(tcb, now);
	} else if (out_may_send_data(s)) {
		out_data(tcb, now);
	}
	if (tcb->ack_now && tcb->have_irs)
		tcp_send_ack(tcb, TV_RULE_NONE, now);
	else if (tcb->ack_delayed)
		tcp_delack_schedule(tcb, now);
}

/*
 * The sequence number for a segment that carries no data: RFC 9293 says
 * SND.NXT, which is right until a timeout pulls SND.NXT back to SND.UNA
 * to resend.  A peer that already holds the data beyond would find such
 * an ACK "old" and drop it unread, and two ends retransmitting to each
 * other can then talk past each other forever.  SND.MAX (what BSD uses)
 * has the opposite trap: past a peer's closed window, where only
 * RCV.NXT is acceptable.  So, as Linux does, the highest sequence number
 * sent but no further than the right edge of the peer's window.
 */
static uint32_t out_ack_seq(const struct tcb *tcb)
{
	uint32_t edge = tcb->snd_una + tcb->snd_wnd;

	if (tcb->snd_una == tcb->iss)
		return tcb->snd_nxt; /* our SYN is not acknowledged yet */
	return seq_lt(edge, tcb->snd_max) ? edge : tcb->snd_max;
}

void tcp_send_ack(struct tcb *tcb, enum tv_rule rule, tv_time now)
{
	tcp_xmit(tcb, out_ack_seq(tcb), 0, 0, rule, now);
}

/* RFC 5961 7: at most challenge_acks_per_sec challenge ACKs per host per
 * second (0 = no limit), so they cannot be used to flood. */
void tcp_send_challenge_ack(struct tcb *tcb, enum tv_rule rule, tv_time now)
{
	struct tcp_host *t = tcb_tcp(tcb);
	uint32_t limit = tcb->h->cfg.tcp.challenge_acks_per_sec;

	if (now - t->chal_start >= TV_SEC(1) || now < t->chal_start) {
		t->chal_start = now;
		t->chal_count = 0;
	}
	if (limit != 0 && t->chal_count >= limit) {
		host_drop(tcb->h, TV_CNT_TCP_CHALLENGE_LIMIT, rule, NULL);
		return;
	}
	t->chal_count++;
	host_count(tcb->h, TV_CNT_TCP_CHALLENGE_ACK);
	tcp_send_ack(tcb, rule, now);
}

void tcp_send_rst_tcb(struct tcb *tcb, enum tv_rule rule, tv_time now)
{
	/* RFC 9293 3.10.5: <SEQ=SND.NXT><CTL=RST>, adjusted as for ACKs
	 * (a RST outside the peer's window would be ignored). */
	tcp_xmit(tcb, out_ack_seq(tcb), TV_TH_RST, 0, rule, now);
}

/*
 * RFC 9293 3.10.7.1: a reset answering seg.  If seg has an ACK the reset
 * takes its sequence number from it, <SEQ=SEG.ACK><CTL=RST>; otherwise
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN and FIN counting in
 * SEG.LEN.  tcb (may be NULL) only names the connection in the event.
 */
void tcp_send_rst_reply(struct host *h, const struct tcb *tcb, const struct tcp_seg *seg,
			enum tv_rule rule)
{
	uint8_t buf[TV_FRAME_MAX];
	uint8_t *p = buf + TV_HDR_ROOM;
	const struct tv_seg_info *in = &seg->i;
	struct tv_seg_info i;

	memset(&i, 0, sizeof(i));
	i.saddr = in->daddr;
	i.daddr = in->saddr;
	i.sport = in->dport;
	i.dport = in->sport;
	if (tcb != NULL && tcb->lst == NULL) {
		/* Sent on behalf of a connection: number it as its other
		 * segments are numbered (a listener has no ISN). */
		i.iss = tcb->iss;
		i.irs = tcb->have_irs ? tcb->irs : 0;
	}
	if (in->flags & TV_TH_ACK) {
		i.seq = in->ack;
		i.flags = TV_TH_RST;
	} else {
		i.ack = in->seq + in->len + !!(in->flags & TV_TH_SYN) + !!(in->flags & TV_TH_FIN);
		i.flags = TV_TH_RST | TV_TH_ACK;
	}
	out_header(p, &i, TCP_HLEN);
	out_csum(p, TCP_HLEN, i.saddr, i.daddr);
	host_count(h, TV_CNT_TCP_TX);
	host_count(h, TV_CNT_TCP_RST_SENT);
	if (tv_bus_active(h->cfg.bus))
		out_emit(h, tcb, &i, rule);
	ipv4_output(h, buf, TCP_HLEN, i.daddr, TV_IPPROTO_TCP, seg->now);
}

void tcp_rexmit_first(struct tcb *tcb, enum tv_rule rule, tv_time now)
{
	uint32_t seq = tcb->snd_una, len = 0;
	uint8_t flags = 0;

	if (seq == tcb->iss) {
		flags = TV_TH_SYN;
	} else {
		/* Only what was sent before: new data is tcp_output's, under
		 * the windows. */
		uint32_t end = tcb->snd_bufseq + tcb->snd.len;
		uint32_t sent = seq_lt(tcb->snd_max, end) ? tcb->snd_max : end;
		len = seq_lt(seq, sent) ? min_u32(sent - seq, tcb->snd_mss) : 0;
		if (tcb->fin_queued && seq + len == end && seq_gt(tcb->snd_max, end))
			flags |= TV_TH_FIN;
		if (len > 0 && seq + len == end)
			flags |= TV_TH_PSH;
	}
	if (len == 0 && flags == 0)
		return;
	tcp_xmit(tcb, seq, flags, len, rule, now);
	uint32_t span = len + !!(flags & TV_TH_SYN) + !!(flags & TV_TH_FIN);
	if (seq_gt(seq + span, tcb->snd_nxt))
		tcb->snd_nxt = seq + span;
}

void tcp_persist_probe(struct tcb *tcb, tv_time now)
{
	uint32_t end = tcb->snd_bufseq + tcb->snd.len;

	if (!seq_lt(tcb->snd_una, end))
		return; /* nothing left to probe with */
	if (tcb->snd_wnd == 0) {
		/* RFC 9293 3.8.6.1: probe with one octet of new data; while
		 * the window stays shut the same octet is sent again. */
		tcb->in_persist = 1;
		host_count(tcb->h, TV_CNT_TCP_PERSIST);
		if (tcb->snd_nxt == tcb->snd_una)
			out_segment(tcb, tcb->snd_una, 0, 1, TV_RULE_PERSIST_PROBE, now);
		else
			tcp_xmit(tcb, tcb->snd_una, 0, 1, TV_RULE_PERSIST_PROBE, now);
		return;
	}
	/* A window too small for the SWS rules: the "override timeout" of
	 * RFC 9293 3.8.6.2.1 sends what fits. */
	tcb->in_persist = 0;
	uint32_t avail = seq_lt(tcb->snd_nxt, end) ? end - tcb->snd_nxt : 0;
	uint32_t len = min_u32(min_u32(avail, out_usable(tcb)), tcb->snd_mss);
	if (len > 0)
		out_segment(tcb, tcb->snd_nxt, len == avail ? TV_TH_PSH : 0, len, TV_RULE_NONE, now);
	tcp_output(tcb, now);
}

uint32_t tcp_rcv_space(const struct tcb *tcb)
{
	return tcb->rcv.cap - tcb->rcv.len;
}

/*
 * The window field to send.  Receiver-side silly window avoidance (RFC
 * 9293 3.8.6.2.2): the right edge moves only in steps of at least
 * min(buffer/2, MSS).  With a window scale the field is in units of
 * 2^shift and is rounded down, so we never offer space we do not have;
 * the edge may then sit up to 2^shift - 1 bytes left of an earlier one,
 * the retraction RFC 7323 (2.4, appendix F) says scaling brings.  SYN
 * segments carry the unscaled window (RFC 7323 2.2).
 */
uint16_t tcp_rcv_window(struct tcb *tcb, bool syn)
{
	uint32_t space = tcp_rcv_space(tcb);

	if (syn) {
		uint32_t w = min_u32(space, 65535);
		if (tcb->have_irs)
			tcb->rcv_adv = tcb->rcv_nxt + w;
		return (uint16_t)w;
	}
	uint32_t shift = tcb->ws_ok ? tcb->rcv_wscale : 0;
	uint32_t cur = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
	if (space > cur && space - cur < min_u32(tcb->rcv.cap / 2, tcb->rcv_mss))
		space = cur;
	uint32_t field = min_u32(space >> shift, 65535);
	tcb->rcv_adv = seq_max(tcb->rcv_adv, tcb->rcv_nxt + (field << shift));
	return (uint16_t)field;
}

/*
 * After the application read: send a window update when the window we
 * advertised has become small compared with what we could offer now -
 * at most half the buffer, and the new window at least twice it (the
 * rule Linux uses) - or when it was zero and has opened past the SWS
 * threshold.  Otherwise the new window rides on the next ACK.  What we
 * could offer is limited by the window field (65535 << our shift): a
 * buffer larger than that cannot be announced, so it is no reason for
 * an update (without that cap, every read on a connection without
 * window scaling sent an ACK at once and defeated the delayed ACK).
 */
void tcp_rcv_window_update(struct tcb *tcb, tv_time now)
{
	enum tcb_state s = (enum tcb_state)tcb->state;

	if (tcb->gone || !tcb->have_irs ||
	    (s != TCB_ESTABLISHED && s != TCB_FIN_WAIT_1 && s != TCB_FIN_WAIT_2))
		return;
	uint32_t cur = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
	uint32_t space = min_u32(tcp_rcv_space(tcb), 65535u << (tcb->ws_ok ? tcb->rcv_wscale : 0));
	if (space <= cur || space - cur < min_u32(tcb->rcv.cap / 2, tcb->rcv_mss))
		return; /* receiver SWS avoidance would not move the edge */
	if (cur == 0 || (cur <= tcb->rcv.cap / 2 && space >= 2 * cur))
		tcp_send_ack(tcb, TV_RULE_WINDOW_UPDATE, now);
}
