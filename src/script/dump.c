/*
 * dump.c - every field of a TCB as text, for the report of a failed
 * expectation (`tcpviz run` prints both ends of the connection) and for
 * any front end that wants the same listing.  It writes into a buffer and
 * never prints.  Sequence numbers read relative to the connection's ISNs
 * (as in the transcript), with the absolute value in brackets; times are
 * durations, and a timer shows the time left.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "script/internal.h"

static void db_seq(struct sbuf *b, const char *name, uint32_t v, uint32_t base)
{
	sbuf_add(b, " %s %u [%u]", name, v - base, v);
}

static void db_dur(struct sbuf *b, const char *name, tv_time v)
{
	char d[32];

	sbuf_add(b, " %s %s", name, val_fmt_duration(v, d, sizeof(d)));
}

static void dump_head(struct sbuf *b, const struct tcb *t)
{
	char la[16], ra[16];

	sbuf_add(b, "  id %u state %s %s:%u -> %s:%u%s\n", t->id,
	       tcb_state_name((enum tcb_state)t->state), tv_ip_str(t->tuple.laddr, la),
	       t->tuple.lport, tv_ip_str(t->tuple.raddr, ra), t->tuple.rport,
	       t->passive ? " passive" : "");
}

static void dump_seqs(struct sbuf *b, const struct tcb *t)
{
	uint32_t irs = t->have_irs ? t->irs : 0;

	sbuf_add(b, "  iss %u irs %u", t->iss, t->irs);
	sbuf_add(b, "%s\n", t->have_irs ? "" : _(" (peer's SYN not seen)"));
	sbuf_add(b, " ");
	db_seq(b, "snd.una", t->snd_una, t->iss);
	db_seq(b, "snd.nxt", t->snd_nxt, t->iss);
	db_seq(b, "snd.max", t->snd_max, t->iss);
	sbuf_add(b, " snd.wnd %u max_sndwnd %u\n ", t->snd_wnd, t->max_sndwnd);
	db_seq(b, "snd.wl1", t->snd_wl1, irs);
	db_seq(b, "snd.wl2", t->snd_wl2, t->iss);
	db_seq(b, "recover", t->recover, t->iss);
	sbuf_add(b, "\n ");
	db_seq(b, "rcv.nxt", t->rcv_nxt, irs);
	db_seq(b, "rcv.adv", t->rcv_adv, irs);
	db_seq(b, "rcv.acked", t->rcv_acked, irs);
	sbuf_add(b, " rcv.wnd %llu\n", (unsigned long long)val_field_get(t, SCRIPT_F_RCV_WND));
}

static void dump_cc(struct sbuf *b, const struct tcb *t)
{
	sbuf_add(b, "  cwnd %u ssthresh %u ca_acked %u dupacks %u%s\n", t->cwnd, t->ssthresh,
	       t->ca_acked, t->dupacks, t->in_recovery ? _(" in-recovery") : "");
	sbuf_add(b, " ");
	db_dur(b, "rto", tcb_rto(t)); /* with the backoff, as the timer runs */
	db_dur(b, "rto.base", t->rto);
	db_dur(b, "srtt", t->srtt);
	db_dur(b, "rttvar", t->rttvar);
	sbuf_add(b, " rexmits %u probes %u persist_shift %u\n", t->rexmit_count, t->ka_probes,
	       t->persist_shift);
	sbuf_add(b, "  mss %u rcv_mss %u wscale %u/%u%s sndbuf %u/%u rcvbuf %u/%u", t->snd_mss,
	       t->rcv_mss, t->snd_wscale, t->rcv_wscale, t->ws_ok ? "" : _(" (off)"), t->snd.len,
	       t->snd.cap, t->rcv.len, t->rcv.cap);
	sbuf_add(b, " ooo %u\n", t->ooo ? t->ooo->bytes : 0);
}

static void dump_flags(struct sbuf *b, const struct tcb *t)
{
	const struct {
		bool on;
		const char *name;
	} f[] = {
		{t->keepalive, "keepalive"}, {t->nodelay, "nodelay"}, {t->delack, "delack"},
		{t->fin_queued, "fin_queued"}, {t->rcv_fin, "rcv_fin"}, {t->ooo_fin, "ooo_fin"},
		{t->syn_rexmit, "syn_rexmit"}, {t->in_persist, "in_persist"},
		{t->ack_delayed, "ack_delayed"}, {t->rtt_active, "rtt_active"},
		{t->sk.shut_wr, "shut_wr"}, {t->sk.open, "app_open"},
	};

	sbuf_add(b, " ");
	for (size_t i = 0; i < TV_ARRAY_LEN(f); i++)
		if (f[i].on)
			sbuf_add(b, " %s", f[i].name);
	sbuf_add(b, "\n");
}

static void dump_timers(struct sbuf *b, const struct tcb *t, tv_time now)
{
	char d[32];

	sbuf_add(b, " ");
	for (int k = 0; k < TCB_T_COUNT; k++) {
		if (t->timer[k] == TV_NEVER)
			sbuf_add(b, " %s -", val_timer_name((enum tv_timer_kind)k));
		else
			sbuf_add(b, " %s %s", val_timer_name((enum tv_timer_kind)k),
			       val_fmt_duration(t->timer[k] > now ? t->timer[k] - now : 0, d, sizeof(d)));
	}
	sbuf_add(b, "\n");
}

size_t script_tcb_format(const struct tcb *t, tv_time now, char *buf, size_t size)
{
	struct sbuf b = {buf, size, 0};

	if (size)
		buf[0] = '\0';
	dump_head(&b, t);
	dump_seqs(&b, t);
	dump_cc(&b, t);
	dump_flags(&b, t);
	dump_timers(&b, t, now);
	return b.len;
}
