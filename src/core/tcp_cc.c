/*
 * tcp_cc.c - congestion control: slow start and congestion avoidance
 * (RFC 5681), fast retransmit and NewReno fast recovery (RFC 6582).
 *
 * tcp_in.c calls tcp_cc_ack() for every ACK of new data and
 * tcp_cc_dupack() for every duplicate ACK as RFC 5681 2 defines it; the
 * retransmission timer calls tcp_cc_rto().  Each change of cwnd or
 * ssthresh is reported as a TV_EV_CWND event naming the rule.
 *
 * `recover` holds SND.MAX at the time recovery began (RFC 6582 calls the
 * same point "the highest sequence number transmitted"; we keep the
 * number one past it), so "the ACK covers recover" is SND.UNA >= recover.
 */
#include "tcb.h"

#define TCP_CWND_MAX (1u << 30)

uint32_t tcp_flight(const struct tcb *tcb)
{
	return tcb->snd_max - tcb->snd_una;
}

static void cc_emit(struct tcb *tcb, enum tv_rule rule)
{
	if (tcb_bus_active(tcb)) {
		struct tv_event ev;
		tcb_event_init(tcb, &ev, TV_EV_CWND, rule);
		ev.u.cwnd.cwnd = tcb->cwnd;
		ev.u.cwnd.ssthresh = tcb->ssthresh;
		host_emit(tcb->h, &ev);
	}
}

/* RFC 5681 3.1 (equation 1): IW by SMSS; RFC 5681 3.1 also says IW is one
 * segment if the SYN or SYN,ACK had to be retransmitted. */
void tcp_cc_init(struct tcb *tcb, tv_time now)
{
	uint32_t mss = tcb->snd_mss;

	(void)now;
	if (tcb->syn_rexmit)
		tcb->cwnd = mss;
	else if (mss > 2190)
		tcb->cwnd = 2 * mss;
	else if (mss > 1095)
		tcb->cwnd = 3 * mss;
	else
		tcb->cwnd = 4 * mss;
	tcb->ssthresh = UINT32_MAX; /* "arbitrarily high" */
	tcb->ca_acked = 0;
	cc_emit(tcb, TV_RULE_CWND_INIT);
}

/* RFC 5681 equation 4. */
static uint32_t cc_half_flight(const struct tcb *tcb)
{
	uint32_t half = tcp_flight(tcb) / 2;

	return half > 2u * tcb->snd_mss ? half : 2u * tcb->snd_mss;
}

static void cc_grow(struct tcb *tcb, uint32_t acked)
{
	uint32_t mss = tcb->snd_mss;

	if (tcb->cwnd >= TCP_CWND_MAX)
		return;
	if (tcb->cwnd < tcb->ssthresh) {
		/* Slow start with appropriate byte counting, L = 1 SMSS. */
		tcb->cwnd += acked < mss ? acked : mss;
		cc_emit(tcb, TV_RULE_SLOW_START);
		return;
	}
	/* Congestion avoidance, byte counting: one SMSS per cwnd acked. */
	tcb->ca_acked += acked;
	if (tcb->ca_acked >= tcb->cwnd) {
		tcb->ca_acked -= tcb->cwnd;
		tcb->cwnd += mss;
		cc_emit(tcb, TV_RULE_CONG_AVOID);
	}
}

/* RFC 6582 3.2 step 5: a partial ACK retransmits the next hole and
 * deflates cwnd by the data it acknowledged, adding one SMSS back when it
 * acknowledged at least that much; the first one also restarts the
 * retransmission timer ("impatient" variant, 4). */
static void cc_partial_ack(struct tcb *tcb, uint32_t acked, tv_time now)
{
	uint32_t mss = tcb->snd_mss;

	tcp_rexmit_first(tcb, TV_RULE_FAST_RECOVERY_PARTIAL, now);
	tcb->cwnd = tcb->cwnd > acked ? tcb->cwnd - acked : mss;
	if (acked >= mss)
		tcb->cwnd += mss;
	if (tcb->cwnd < mss)
		tcb->cwnd = mss;
	if (!tcb->rec_partial) {
		tcb->rec_partial = 1;
		tcp_rexmit_timer_restart(tcb, now);
	}
	cc_emit(tcb, TV_RULE_FAST_RECOVERY_PARTIAL);
}

void tcp_cc_ack(struct tcb *tcb, uint32_t acked, tv_time now)
{
	if (!tcb->in_recovery) {
		tcb->dupacks = 0;
		cc_grow(tcb, acked);
		return;
	}
	if (seq_lt(tcb->snd_una, tcb->recover)) {
		cc_partial_ack(tcb, acked, now);
		return;
	}
	/* RFC 6582 3.2 step 3, full ACK: cwnd = min(ssthresh,
	 * max(FlightSize, SMSS) + SMSS). */
	uint32_t flight = tcp_flight(tcb);
	uint32_t w = (flight > tcb->snd_mss ? flight : tcb->snd_mss) + tcb->snd_mss;
	tcb->cwnd = w < tcb->ssthresh ? w : tcb->ssthresh;
	tcb->in_recovery = 0;
	tcb->dupacks = 0;
	tcb->ca_acked = 0;
	cc_emit(tcb, TV_RULE_FAST_RECOVERY_EXIT);
}

/*
 * RFC 5681 3.2 with RFC 6582 3.2 steps 2 and 4.  `dupacks` counts the
 * duplicate ACKs in a row before fast retransmit and goes on counting
 * through the recovery they start (partial ACKs do not end the episode),
 * so it tells how many arrived; it is reset by an ACK of new data outside
 * recovery, by the full ACK that ends recovery and by a timeout, and it
 * stops at UINT16_MAX.
 */
bool tcp_cc_dupack(struct tcb *tcb, tv_time now)
{
	if (tcb->dupacks < UINT16_MAX)
		tcb->dupacks++;
	if (tcb->in_recovery) {
		if (tcb->cwnd < TCP_CWND_MAX) {
			tcb->cwnd += tcb->snd_mss;
			cc_emit(tcb, TV_RULE_FAST_RECOVERY_INFLATE);
		}
		return false;
	}
	if (tcb->dupacks < 3)
		return false;
	/* Step 2: dup ACKs for data sent before the last recovery began do
	 * not start another one. */
	if (seq_lt(tcb->snd_una, tcb->recover)) {
		tcb->dupacks = 0;
		return false;
	}
	tcb->ssthresh = cc_half_flight(tcb);
	tcb->recover = tcb->snd_max;
	tcb->in_recovery = 1;
	tcb->rec_partial = 0;
	host_count(tcb->h, TV_CNT_TCP_FAST_RETRANSMIT);
	tcp_rexmit_first(tcb, TV_RULE_FAST_RETRANSMIT, now);
	tcb->cwnd = tcb->ssthresh + 3u * tcb->snd_mss;
	cc_emit(tcb, TV_RULE_FAST_RETRANSMIT);
	return true;
}

/* RFC 5681 3.1 equation 4 and loss window; RFC 6582 4: after a timeout
 * recover = SND.MAX so old duplicate ACKs cannot start fast retransmit.
 * ssthresh is halved only on the first timeout of a segment: backing
 * off further does not mean more congestion (RFC 5681 3.1). */
void tcp_cc_rto(struct tcb *tcb, tv_time now)
{
	(void)now;
	if (tcb->rexmit_count == 0)
		tcb->ssthresh = cc_half_flight(tcb);
	tcb->cwnd = tcb->snd_mss;
	tcb->ca_acked = 0;
	tcb->in_recovery = 0;
	tcb->dupacks = 0;
	tcb->recover = tcb->snd_max;
	cc_emit(tcb, TV_RULE_RTO_LOSS);
}
