/*
 * tcp_timer.c - the six per-connection timers and the per-host heap that
 * finds the next one due.
 *
 * Each TCB keeps a deadline per timer kind (TV_NEVER when idle) and sits
 * in a binary min-heap keyed on the earliest of them, so the host's next
 * deadline is heap[0] and arming or cancelling costs O(log n) however many
 * connections there are.  Slots are reserved when a TCB is created, so
 * arming never allocates and never fails.  tcp_poll() takes the earliest
 * due timer of the top TCB, clears it and runs its handler, until nothing
 * is due.  Arming at or before `now` arms at now + 1 us so a zero setting
 * cannot spin the loop.
 *
 * Keepalive is lazy: arriving segments only record last_rx; when the
 * timer fires early because of that activity it quietly re-arms at
 * last_rx + idle without reporting a firing.
 */
#include "tcb.h"

static bool heap_less(const struct tcb *a, const struct tcb *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->id < b->id);
}

static void heap_put(struct tcp_host *t, uint32_t i, struct tcb *tcb)
{
	t->heap[i] = tcb;
	tcb->heap_idx = i + 1;
}

static void heap_up(struct tcp_host *t, uint32_t i)
{
	struct tcb *x = t->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!heap_less(x, t->heap[parent]))
			break;
		heap_put(t, i, t->heap[parent]);
		i = parent;
	}
	heap_put(t, i, x);
}

static void heap_down(struct tcp_host *t, uint32_t i)
{
	struct tcb *x = t->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= t->heap_len)
			break;
		if (c + 1 < t->heap_len && heap_less(t->heap[c + 1], t->heap[c]))
			c++;
		if (!heap_less(t->heap[c], x))
			break;
		heap_put(t, i, t->heap[c]);
		i = c;
	}
	heap_put(t, i, x);
}

void tcp_heap_remove(struct tcp_host *t, struct tcb *tcb)
{
	if (tcb->heap_idx == 0)
		return;
	uint32_t i = tcb->heap_idx - 1;
	struct tcb *last = t->heap[--t->heap_len];
	tcb->heap_idx = 0;
	if (last == tcb)
		return;
	heap_put(t, i, last);
	heap_up(t, i);
	heap_down(t, last->heap_idx - 1);
}

/* tcb->deadline changed: move it in the heap (slots were reserved). */
static void heap_update(struct tcp_host *t, struct tcb *tcb)
{
	if (tcb->deadline == TV_NEVER) {
		tcp_heap_remove(t, tcb);
	} else if (tcb->heap_idx == 0) {
		heap_put(t, t->heap_len++, tcb);
		heap_up(t, tcb->heap_idx - 1);
	} else {
		heap_up(t, tcb->heap_idx - 1);
		heap_down(t, tcb->heap_idx - 1);
	}
}

static void tcb_deadline_update(struct tcb *tcb)
{
	tv_time d = TV_NEVER;

	for (int k = 0; k < TCB_T_COUNT; k++)
		if (tcb->timer[k] < d)
			d = tcb->timer[k];
	if (d != tcb->deadline) {
		tcb->deadline = d;
		heap_update(tcb_tcp(tcb), tcb);
	}
}

static void timer_emit(struct tcb *tcb, enum tv_event_type type, enum tcb_timer k,
		       uint32_t count, enum tv_rule rule)
{
	struct tv_event ev;

	tcb_event_init(tcb, &ev, type, rule);
	ev.u.timer.kind = (enum tv_timer_kind)k;
	ev.u.timer.deadline = tcb->timer[k];
	ev.u.timer.count = count;
	host_emit(tcb->h, &ev);
}

void tcb_timer_arm(struct tcb *tcb, enum tcb_timer k, tv_time deadline, uint32_t count,
		   tv_time now)
{
	if (deadline <= now)
		deadline = now + 1;
	tcb->timer[k] = deadline;
	tcb_deadline_update(tcb);
	if (tcb_bus_active(tcb))
		timer_emit(tcb, TV_EV_TIMER_ARM, k, count, TV_RULE_NONE);
}

void tcb_timer_cancel(struct tcb *tcb, enum tcb_timer k, tv_time now)
{
	(void)now;
	if (tcb->timer[k] == TV_NEVER)
		return;
	if (tcb_bus_active(tcb))
		timer_emit(tcb, TV_EV_TIMER_CANCEL, k, 0, TV_RULE_NONE);
	tcb->timer[k] = TV_NEVER;
	tcb_deadline_update(tcb);
}

void tcb_timers_stop(struct tcb *tcb, tv_time now)
{
	for (int k = 0; k < TCB_T_COUNT; k++)
		tcb_timer_cancel(tcb, (enum tcb_timer)k, now);
}

static tv_time clamp_time(tv_time v, tv_time lo, tv_time hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* RFC 6298 5.5: the timer backs off by doubling, up to rto_max. */
tv_time tcb_rto(const struct tcb *tcb)
{
	const struct tcp_params *p = &tcb->h->cfg.tcp;
	tv_time rto = tcb->rto;
	unsigned shift = tcb->rexmit_count;

	for (unsigned i = 0; i < shift && rto < p->rto_max; i++)
		rto *= 2;
	return clamp_time(rto, 1, p->rto_max ? p->rto_max : TV_SEC(60));
}

void tcp_rexmit_timer_restart(struct tcb *tcb, tv_time now)
{
	tcb_timer_arm(tcb, TCB_T_REXMIT, now + tcb_rto(tcb), tcb->rexmit_count, now);
}

/*
 * RFC 6298 2: the first sample sets SRTT = R, RTTVAR = R/2; later ones
 * RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R; then
 * RTO = SRTT + max(G, 4 RTTVAR) with G = 1 us, clamped to
 * [rto_min, rto_max] (2.4, 2.5).  Kept in microseconds; a zero sample
 * counts as 1 us so SRTT 0 keeps meaning "no sample yet".
 */
void tcp_rtt_sample(struct tcb *tcb, tv_time rtt)
{
	const struct tcp_params *p = &tcb->h->cfg.tcp;
	uint32_t r = (uint32_t)clamp_time(rtt, 1, UINT32_MAX / 16);

	if (tcb->srtt == 0) {
		tcb->srtt = r;
		tcb->rttvar = r / 2;
	} else {
		uint32_t err = tcb->srtt > r ? tcb->srtt - r : r - tcb->srtt;
		tcb->rttvar = tcb->rttvar - tcb->rttvar / 4 + err / 4;
		tcb->srtt = tcb->srtt - tcb->srtt / 8 + r / 8;
	}
	uint64_t var4 = (uint64_t)tcb->rttvar * 4;
	tv_time rto = (tv_time)tcb->srtt + (var4 > 1 ? var4 : 1);
	tv_time hi = p->rto_max ? p->rto_max : TV_SEC(60);
	tcb->rto = (uint32_t)clamp_time(clamp_time(rto, p->rto_min, hi), 1, UINT32_MAX);
}

static tv_time persist_delay(const struct tcb *tcb)
{
	const struct tcp_params *p = &tcb->h->cfg.tcp;
	tv_time d = p->persist_min ? p->persist_min : TV_SEC(1);

	for (unsigned i = 0; i < tcb->persist_shift && d < p->persist_max; i++)
		d *= 2;
	return p->persist_max && d > p->persist_max ? p->persist_max : d;
}

void tcp_persist_start(struct tcb *tcb, tv_time now)
{
	tcb->in_persist = tcb->snd_wnd == 0;
	tcb_timer_arm(tcb, TCB_T_PERSIST, now + persist_delay(tcb), tcb->persist_shift, now);
}

void tcp_keepalive_reset(struct tcb *tcb, tv_time now)
{
	tcb->ka_probes = 0;
	if (!tcb->keepalive || tcb->gone || tcb->state < TCB_ESTABLISHED ||
	    tcb->state == TCB_TIME_WAIT) {
		tcb_timer_cancel(tcb, TCB_T_KEEPALIVE, now);
		return;
	}
	tcb_timer_arm(tcb, TCB_T_KEEPALIVE, tcb->last_rx + tcb->keep_idle, 0, now);
}

void tcp_delack_schedule(struct tcb *tcb, tv_time now)
{
	if (!tcb_timer_armed(tcb, TCB_T_DELACK))
		tcb_timer_arm(tcb, TCB_T_DELACK, now + tcb->h->cfg.tcp.delack_timeout, 0, now);
}

/* RFC 9293 3.10.7.4: TIME-WAIT holds the TCB for 2 MSL; nothing else
 * runs meanwhile. */
void tcp_time_wait_start(struct tcb *tcb, tv_time now)
{
	for (int k = 0; k < TCB_T_COUNT; k++)
		if (k != TCB_T_2MSL && k != TCB_T_DELACK)
			tcb_timer_cancel(tcb, (enum tcb_timer)k, now);
	tcb_timer_arm(tcb, TCB_T_2MSL, now + 2 * tcb->h->cfg.tcp.msl, 0, now);
}

static void fire_emit(struct tcb *tcb, enum tcb_timer k, tv_time deadline, uint32_t count,
		      enum tv_rule rule)
{
	if (tcb_bus_active(tcb)) {
		struct tv_event ev;
		tcb_event_init(tcb, &ev, TV_EV_TIMER_FIRE, rule);
		ev.u.timer.kind = (enum tv_timer_kind)k;
		ev.u.timer.deadline = deadline;
		ev.u.timer.count = count;
		host_emit(tcb->h, &ev);
	}
}

/* Abandon the connection: BSD's tcp_drop() - a synchronized peer that
 * might still be listening gets a reset. */
static void timer_give_up(struct tcb *tcb, enum tv_rule rule, tv_time now)
{
	host_count(tcb->h, TV_CNT_TCP_TIMEOUT);
	if (tcb_synchronized(tcb))
		tcp_send_rst_tcb(tcb, rule, now);
	tcb_delete(tcb, rule, TV_ETIMEDOUT, now);
}

/* RFC 6298 5.4-5.7; RFC 1122 4.2.3.5 for giving up. */
static void timer_rexmit(struct tcb *tcb, tv_time deadline, tv_time now)
{
	const struct tcp_params *p = &tcb->h->cfg.tcp;
	bool syn = tcb->snd_una == tcb->iss;
	unsigned limit = syn ? p->syn_retries : p->data_retries;

	if (tcb->snd_una == tcb->snd_max)
		return; /* nothing outstanding (should not happen) */
	fire_emit(tcb, TCB_T_REXMIT, deadline, tcb->rexmit_count, TV_RULE_REXMIT_TIMEOUT);
	if (tcb->rexmit_count >= limit) {
		timer_give_up(tcb, TV_RULE_REXMIT_GIVE_UP, now);
		return;
	}
	if (syn)
		tcb->syn_rexmit = 1;
	else
		tcp_cc_rto(tcb, now);
	tcb->rexmit_count++;
	tcb->rtt_active = 0;
	tcb->snd_nxt = tcb->snd_una; /* go back: resend from the first hole */
	tcp_rexmit_timer_restart(tcb, now);
	tcp_rexmit_first(tcb, TV_RULE_REXMIT_TIMEOUT, now);
	tcp_output(tcb, now);
}

static void timer_persist(struct tcb *tcb, tv_time deadline, tv_time now)
{
	fire_emit(tcb, TCB_T_PERSIST, deadline, tcb->persist_shift, TV_RULE_PERSIST_PROBE);
	tcp_persist_probe(tcb, now);
	if (tcb->gone || !tcb->in_persist)
		return;
	if (tcb->persist_shift < 30)
		tcb->persist_shift++;
	tcp_persist_start(tcb, now);
}

static void timer_delack(struct tcb *tcb, tv_time deadline, tv_time now)
{
	if (!tcb->ack_delayed)
		return;
	fire_emit(tcb, TCB_T_DELACK, deadline, 0, TV_RULE_DELAYED_ACK);
	tcb->ack_delayed = 0;
	tcp_send_ack(tcb, TV_RULE_DELAYED_ACK, now);
}

/*
 * RFC 1122 4.2.3.6.  The probe is <SEQ=SND.UNA-1> with no data: already
 * acknowledged sequence space, so a live peer answers with an ACK (RFC
 * 9293 3.10.7.4, unacceptable segment) and a dead one does not.  We send
 * no garbage octet; RFC 1122 allows both and modern stacks send none.
 */
static void timer_keepalive(struct tcb *tcb, tv_time deadline, tv_time now)
{
	if (!tcb->keepalive || tcb->state < TCB_ESTABLISHED || tcb->state == TCB_TIME_WAIT)
		return;
	if (tcb->ka_probes == 0 && now < tcb->last_rx + tcb->keep_idle) {
		tcp_keepalive_reset(tcb, now); /* traffic since: idle restarts */
		return;
	}
	if (tcb->snd_una != tcb->snd_max || tcb_timer_armed(tcb, TCB_T_PERSIST)) {
		/* Retransmission or persist is already testing the peer. */
		tcb_timer_arm(tcb, TCB_T_KEEPALIVE, now + tcb->keep_idle, 0, now);
		return;
	}
	fire_emit(tcb, TCB_T_KEEPALIVE, deadline, tcb->ka_probes, TV_RULE_KEEPALIVE_PROBE);
	if (tcb->ka_probes >= tcb->keep_cnt) {
		timer_give_up(tcb, TV_RULE_KEEPALIVE_DEAD, now);
		return;
	}
	tcb->ka_probes++;
	host_count(tcb->h, TV_CNT_TCP_KEEPALIVE);
	tcp_xmit(tcb, tcb->snd_una - 1, 0, 0, TV_RULE_KEEPALIVE_PROBE, now);
	tcb_timer_arm(tcb, TCB_T_KEEPALIVE, now + tcb->keep_intvl, tcb->ka_probes, now);
}

static void timer_2msl(struct tcb *tcb, tv_time deadline, tv_time now)
{
	fire_emit(tcb, TCB_T_2MSL, deadline, 0, TV_RULE_TIME_WAIT_EXPIRED);
	tcb_delete(tcb, TV_RULE_TIME_WAIT_EXPIRED, 0, now);
}

static void timer_conn(struct tcb *tcb, tv_time deadline, tv_time now)
{
	if (tcb->state != TCB_FIN_WAIT_2)
		return;
	fire_emit(tcb, TCB_T_CONN, deadline, 0, TV_RULE_FIN_WAIT_2_TIMEOUT);
	tcb_delete(tcb, TV_RULE_FIN_WAIT_2_TIMEOUT, 0, now);
}

static void timer_run(struct tcb *tcb, enum tcb_timer k, tv_time deadline, tv_time now)
{
	switch (k) {
	case TCB_T_REXMIT:
		timer_rexmit(tcb, deadline, now);
		break;
	case TCB_T_PERSIST:
		timer_persist(tcb, deadline, now);
		break;
	case TCB_T_DELACK:
		timer_delack(tcb, deadline, now);
		break;
	case TCB_T_KEEPALIVE:
		timer_keepalive(tcb, deadline, now);
		break;
	case TCB_T_2MSL:
		timer_2msl(tcb, deadline, now);
		break;
	case TCB_T_CONN:
		timer_conn(tcb, deadline, now);
		break;
	default:
		break;
	}
}

void tcp_poll(struct host *h, tv_time now)
{
	struct tcp_host *t = h->tcp;

	tcp_enter(h, now);
	while (t->heap_len > 0 && t->heap[0]->deadline <= now) {
		struct tcb *tcb = t->heap[0];
		enum tcb_timer k = TCB_T_REXMIT;
		while (tcb->timer[k] != tcb->deadline)
			k++;
		tv_time deadline = tcb->timer[k];
		tcb->timer[k] = TV_NEVER;
		tcb_deadline_update(tcb);
		timer_run(tcb, k, deadline, now);
	}
	tcp_leave(h, now);
}

tv_time tcp_next_deadline(const struct host *h)
{
	const struct tcp_host *t = h->tcp;

	return t != NULL && t->heap_len > 0 ? t->heap[0]->deadline : TV_NEVER;
}
