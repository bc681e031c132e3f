/*
 * snapshot.c - the state of the live stack as JSON, for the control
 * socket's `snapshot` request and for the TCBs named in a failed
 * expectation.  Called by server.c with the sim's clock already brought
 * to the present (rt_sync); it only reads.
 *
 * Keys follow the command language's names where it has them (snd.una,
 * rcv.wnd, cwnd: doc/tcpviz-script.5 FIELDS), so a person can go from an
 * `expect` to a snapshot and back.  Sequence numbers are absolute, with
 * the ISNs alongside ("iss", "irs") and the relative values the language
 * compares under "rel".  Times are microseconds.  Every host counter is
 * listed, zeros too, so a client can show a fixed table.
 */
#define _DEFAULT_SOURCE /* strdup under -std=c11 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gate.h"
#include "core/host.h"
#include "core/ipv4.h"
#include "core/seq.h"
#include "core/tcb.h"
#include "daemon/internal.h"
#include "out/util.h"

/* ---- values ---- */

json_t *jx_string(const char *s)
{
	json_t *v = json_string(s);
	char *copy;

	if (v != NULL || s == NULL)
		return v;
	/* Not UTF-8: keep ASCII, make every other byte '?'. */
	if ((copy = strdup(s)) == NULL)
		return NULL;
	for (char *p = copy; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
			*p = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

json_t *jx_ip(uint32_t addr)
{
	char b[16];

	return json_string(tv_ip_str(addr, b));
}

static json_t *jx_mac(const uint8_t m[6])
{
	char b[18];

	snprintf(b, sizeof(b), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	return json_string(b);
}

static json_t *jx_u64(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* Set key (the reference is stolen); a NULL value makes it fail, and the
 * callers OR the results to give up on an object they could not fill. */
static int put(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

/* Finish an object built with put(): NULL (and freed) when any failed. */
static json_t *done(json_t *o, int err)
{
	if (err && o != NULL) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *snap_endpoints(const struct endpoint *ep, unsigned n)
{
	json_t *a = json_array();
	int err = a == NULL;

	for (unsigned i = 0; i < n && !err; i++)
		err |= json_array_append_new(a, json_pack("{s:i, s:o, s:o}", "id", (int)ep[i].id,
							  "name", jx_string(ep[i].name), "addr",
							  jx_ip(ep[i].addr)));
	return done(a, err);
}

/* ---- a TCB ---- */

static json_t *tcb_tuple(const struct tcb *t)
{
	return json_pack("{s:o, s:i, s:o, s:i}", "laddr", jx_ip(t->tuple.laddr), "lport",
			 (int)t->tuple.lport, "raddr", jx_ip(t->tuple.raddr), "rport",
			 (int)t->tuple.rport);
}

static json_t *tcb_timers(const struct tcb *t, tv_time now)
{
	json_t *o = json_object();
	int err = o == NULL;

	for (int k = 0; k < TCB_T_COUNT && !err; k++) {
		const char *name = tv_timer_kind_name((enum tv_timer_kind)k);
		tv_time d = t->timer[k];
		if (d == TV_NEVER)
			err |= put(o, name, json_null());
		else
			err |= put(o, name, json_pack("{s:o, s:o}", "deadline", jx_u64(d),
						      "remaining", jx_u64(d > now ? d - now : 0)));
	}
	return done(o, err);
}

static json_t *tcb_flags(const struct tcb *t)
{
	const struct {
		bool on;
		const char *name;
	} f[] = {
		{t->passive, "passive"},	 {t->have_irs, "have_irs"},
		{t->ws_ok, "ws_ok"},		 {t->ws_want, "ws_want"},
		{t->fin_queued, "fin_queued"},	 {t->rcv_fin, "rcv_fin"},
		{t->ooo_fin, "ooo_fin"},	 {t->in_recovery, "in_recovery"},
		{t->rec_partial, "rec_partial"}, {t->rtt_active, "rtt_active"},
		{t->syn_rexmit, "syn_rexmit"},	 {t->in_persist, "in_persist"},
		{t->ack_now, "ack_now"},	 {t->ack_delayed, "ack_delayed"},
		{t->keepalive, "keepalive"},	 {t->nodelay, "nodelay"},
		{t->delack, "delack"},		 {t->gone, "gone"},
		{t->sk.open, "app_open"},	 {t->sk.shut_wr, "shut_wr"},
		{t->sk.closed, "app_closed"},	 {t->ready, "ready"},
	};
	json_t *a = json_array();
	int err = a == NULL;

	for (size_t i = 0; i < TV_ARRAY_LEN(f) && !err; i++)
		if (f[i].on)
			err |= json_array_append_new(a, json_string(f[i].name));
	return done(a, err);
}

static uint32_t rcv_wnd(const struct tcb *t)
{
	return seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
}

/* The sequence numbers the language compares: relative to the ISNs. */
static json_t *tcb_rel(const struct tcb *t)
{
	uint32_t irs = t->have_irs ? t->irs : t->rcv_nxt;

	return json_pack("{s:I, s:I, s:I, s:I}", "snd.una", (json_int_t)(uint32_t)(t->snd_una - t->iss),
			 "snd.nxt", (json_int_t)(uint32_t)(t->snd_nxt - t->iss), "snd.max",
			 (json_int_t)(uint32_t)(t->snd_max - t->iss), "rcv.nxt",
			 (json_int_t)(uint32_t)(t->rcv_nxt - irs));
}

static int tcb_seqs(json_t *o, const struct tcb *t)
{
	return put(o, "iss", json_integer(t->iss)) | put(o, "irs", json_integer(t->irs)) |
	       put(o, "snd.una", json_integer(t->snd_una)) |
	       put(o, "snd.nxt", json_integer(t->snd_nxt)) |
	       put(o, "snd.max", json_integer(t->snd_max)) |
	       put(o, "snd.wnd", json_integer(t->snd_wnd)) |
	       put(o, "snd.wl1", json_integer(t->snd_wl1)) |
	       put(o, "snd.wl2", json_integer(t->snd_wl2)) |
	       put(o, "max_sndwnd", json_integer(t->max_sndwnd)) |
	       put(o, "snd.bufseq", json_integer(t->snd_bufseq)) |
	       put(o, "rcv.nxt", json_integer(t->rcv_nxt)) |
	       put(o, "rcv.adv", json_integer(t->rcv_adv)) |
	       put(o, "rcv.acked", json_integer(t->rcv_acked)) |
	       put(o, "rcv.wnd", json_integer(rcv_wnd(t))) | put(o, "rel", tcb_rel(t));
}

static int tcb_cc(json_t *o, const struct tcb *t)
{
	return put(o, "cwnd", json_integer(t->cwnd)) |
	       put(o, "ssthresh", json_integer(t->ssthresh)) |
	       put(o, "recover", json_integer(t->recover)) |
	       put(o, "ca_acked", json_integer(t->ca_acked)) |
	       put(o, "dupacks", json_integer(t->dupacks)) | put(o, "rto", json_integer(t->rto)) |
	       put(o, "srtt", json_integer(t->srtt)) | put(o, "rttvar", json_integer(t->rttvar)) |
	       put(o, "rexmits", json_integer(t->rexmit_count)) |
	       put(o, "probes", json_integer(t->ka_probes)) |
	       put(o, "persist_shift", json_integer(t->persist_shift));
}

static int tcb_sizes(json_t *o, const struct tcb *t)
{
	return put(o, "mss", json_integer(t->snd_mss)) |
	       put(o, "rcv_mss", json_integer(t->rcv_mss)) |
	       put(o, "snd.wscale", json_integer(t->snd_wscale)) |
	       put(o, "rcv.wscale", json_integer(t->rcv_wscale)) |
	       put(o, "snd.buf", json_integer(t->snd.len)) |
	       put(o, "snd.bufsize", json_integer(t->snd.cap)) |
	       put(o, "rcv.buf", json_integer(t->rcv.len)) |
	       put(o, "rcv.bufsize", json_integer(t->rcv.cap)) |
	       put(o, "ooo", json_integer(t->ooo ? t->ooo->bytes : 0)) |
	       put(o, "keepalive.idle", jx_u64(t->keep_idle)) |
	       put(o, "keepalive.intvl", jx_u64(t->keep_intvl)) |
	       put(o, "keepalive.count", json_integer(t->keep_cnt)) |
	       put(o, "last_rx", jx_u64(t->last_rx));
}

json_t *snap_tcb(const struct tcb *t, tv_time now)
{
	json_t *o = json_object();
	int err;

	if (o == NULL)
		return NULL;
	err = put(o, "id", json_integer(t->id)) |
	      put(o, "state", json_string(tcb_state_name((enum tcb_state)t->state))) |
	      put(o, "tuple", tcb_tuple(t)) | put(o, "err", json_integer(t->err));
	if (t->err != 0)
		err |= put(o, "error", json_string(tv_strerror(t->err)));
	if (t->lst != NULL)
		err |= put(o, "listen", json_pack("{s:i, s:i}", "backlog", (int)t->lst->backlog,
						  "children", (int)t->lst->nchild));
	else
		err |= tcb_seqs(o, t) | tcb_cc(o, t) | tcb_sizes(o, t);
	err |= put(o, "flags", tcb_flags(t)) | put(o, "timers", tcb_timers(t, now));
	return done(o, err);
}

/* ---- the gate ---- */

static const char *kind_name(enum tv_frame_kind k)
{
	static const char *const names[] = {"other", "arp", "ipv4", "icmp", "tcp"};

	return (unsigned)k < TV_ARRAY_LEN(names) ? names[k] : "other";
}

static json_t *seg_value(const struct tv_seg_info *s)
{
	char fw[OUT_FLAGS_MAX];

	return json_pack("{s:o, s:i, s:o, s:i, s:s, s:I, s:I, s:i, s:I}", "src", jx_ip(s->saddr),
			 "sport", (int)s->sport, "dst", jx_ip(s->daddr), "dport", (int)s->dport,
			 "flags", out_flags_words(s->flags, fw), "seq", (json_int_t)s->seq, "ack",
			 (json_int_t)s->ack, "win", (int)s->win, "len", (json_int_t)s->len);
}

static json_t *held_value(const struct gate_held *g)
{
	json_t *o = json_pack("{s:I, s:s, s:i, s:o, s:I, s:s, s:o, s:o}", "id", (json_int_t)g->id,
			      "dir", g->dir == TV_DIR_IN ? "in" : "out", "host", (int)g->host,
			      "time", jx_u64(g->time), "len", (json_int_t)g->len, "kind",
			      kind_name(g->sum.kind), "src", jx_ip(g->sum.saddr), "dst",
			      jx_ip(g->sum.daddr));

	if (o != NULL && g->sum.kind == TV_FRAME_TCP)
		return done(o, put(o, "seg", seg_value(&g->sum.seg)));
	return o;
}

static const char *rule_action(enum gate_act a)
{
	static const char *const names[] = {"drop", "dup", "delay", "hold", "pass"};

	return (unsigned)a < TV_ARRAY_LEN(names) ? names[a] : "?";
}

static const char *rule_count(enum gate_count c)
{
	static const char *const names[] = {"always", "next", "every", "chance"};

	return (unsigned)c < TV_ARRAY_LEN(names) ? names[c] : "?";
}

static const char *rule_proto(enum gate_proto p)
{
	static const char *const names[] = {"any", "tcp", "arp", "icmp"};

	return (unsigned)p < TV_ARRAY_LEN(names) ? names[p] : "?";
}

static json_t *rule_value(const struct gate_rule *r)
{
	bool in = r->dirs == 0 || (r->dirs & GATE_DIR_BIT(TV_DIR_IN));
	bool out = r->dirs == 0 || (r->dirs & GATE_DIR_BIT(TV_DIR_OUT));
	json_t *o = json_pack("{s:I, s:b, s:b, s:s, s:o, s:o, s:i, s:i, s:i, s:i, s:s, s:I, s:I, "
			      "s:s, s:o, s:o, s:o}",
			      "id", (json_int_t)r->id, "in", in, "out", out, "proto",
			      rule_proto(r->proto), "saddr", jx_ip(r->saddr), "daddr",
			      jx_ip(r->daddr), "sport", (int)r->sport, "dport", (int)r->dport,
			      "flags_mask", (int)r->flags_mask, "flags_value", (int)r->flags_value,
			      "count", rule_count(r->count), "n", (json_int_t)r->n, "ppm",
			      (json_int_t)r->ppm, "action", rule_action(r->action), "delay",
			      jx_u64(r->delay), "matched", jx_u64(r->matched), "applied",
			      jx_u64(r->applied));

	if (o != NULL && r->has_seq)
		return done(o, put(o, "seq_lo", json_integer(r->seq_lo)) |
				       put(o, "seq_hi", json_integer(r->seq_hi)));
	return o;
}

static json_t *gate_stats_value(const struct gate_stats *s)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "passed", jx_u64(s->passed),
			 "held", jx_u64(s->held), "released", jx_u64(s->released), "dropped",
			 jx_u64(s->dropped), "duplicated", jx_u64(s->duplicated), "delayed",
			 jx_u64(s->delayed), "overflow", jx_u64(s->overflow), "nomem",
			 jx_u64(s->nomem));
}

static json_t *gate_value(const struct gate *g)
{
	size_t cap = gate_held_count(g), n;
	struct gate_held *held = malloc((cap ? cap : 1) * sizeof(*held));
	json_t *o = json_object(), *ah = json_array(), *ar = json_array();
	int err = o == NULL || ah == NULL || ar == NULL || held == NULL;

	n = held ? gate_held_list(g, held, cap) : 0;
	for (size_t i = 0; i < n && !err; i++)
		err |= json_array_append_new(ah, held_value(&held[i]));
	free(held);
	for (size_t i = 0; i < gate_rule_count(g) && !err; i++)
		err |= json_array_append_new(ar, rule_value(gate_rule_at(g, i)));
	if (o == NULL) {
		json_decref(ah);
		json_decref(ar);
		return NULL;
	}
	err |= put(o, "in", json_string(gate_dir_mode(g, TV_DIR_IN) == GATE_HOLD ? "hold" : "pass")) |
	       put(o, "out", json_string(gate_dir_mode(g, TV_DIR_OUT) == GATE_HOLD ? "hold" : "pass")) |
	       put(o, "stats", gate_stats_value(gate_stats(g))) |
	       put(o, "held_count", json_integer((json_int_t)gate_held_count(g))) |
	       put(o, "hold_max", json_integer((json_int_t)gate_hold_max(g))) |
	       put(o, "held", ah) | put(o, "rules", ar);
	return done(o, err);
}

/* ---- a host ---- */

static json_t *host_counters(const struct host *h)
{
	json_t *o = json_object();
	int err = o == NULL;

	for (int c = 0; c < TV_CNT_COUNT && !err; c++)
		err |= put(o, tv_counter_name((enum tv_counter)c), jx_u64(h->counters[c]));
	return done(o, err);
}

static json_t *host_tcbs(const struct host *h, tv_time now)
{
	json_t *a = json_array();
	int err = a == NULL;

	for (const struct tcb *t = h->tcp->all; t != NULL && !err; t = t->anext)
		if (!t->gone)
			err |= json_array_append_new(a, snap_tcb(t, now));
	return done(a, err);
}

/* Each bound next to how much of it is in use (LIMITS in tcpviz(1)). */
static json_t *host_limits(const struct host *h)
{
	const struct host_config *c = &h->cfg;

	return json_pack("{s:I, s:I, s:i, s:I, s:I, s:I, s:i, s:i, s:i}", "conns_max",
			 (json_int_t)c->max_conns, "conns", (json_int_t)h->tcp->ntcbs, "backlog",
			 (int)c->backlog_default, "ooo_max", (json_int_t)c->tcp.ooo_max, "rcvbuf",
			 (json_int_t)c->tcp.rcvbuf, "sndbuf", (json_int_t)c->tcp.sndbuf,
			 "arp_cache", (int)c->arp_cache_max, "arp_entries", (int)arp_cache_size(h),
			 "arp_pending", (int)c->arp_pending_max);
}

static json_t *host_value(const struct sim *sim, const struct host *h, tv_time now)
{
	const struct gate *g = sim_gate(sim, h);
	json_t *o = json_pack("{s:i, s:o, s:o, s:i, s:o, s:i}", "id", (int)h->id, "name",
			      jx_string(h->cfg.name), "addr", jx_ip(h->cfg.addr), "prefix",
			      (int)h->cfg.prefix_len, "mac", jx_mac(h->cfg.mac), "mtu",
			      (int)h->cfg.mtu);

	if (o == NULL)
		return NULL;
	return done(o, put(o, "counters", host_counters(h)) | put(o, "limits", host_limits(h)) |
			       put(o, "gate", g ? gate_value(g) : json_null()) |
			       put(o, "tcbs", host_tcbs(h, now)));
}

json_t *snap_hosts(const struct sim *sim, tv_time now)
{
	json_t *a = json_array();
	int err = a == NULL;

	for (unsigned i = 0; i < sim_host_count(sim) && !err; i++)
		err |= json_array_append_new(a, host_value(sim, sim_host_at(sim, i), now));
	return done(a, err);
}

/* The server's counters. */
static json_t *snap_counts(const struct server_stats *st)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:i}",
			 "accepted", jx_u64(st->accepted), "refused_peer", jx_u64(st->refused_peer),
			 "refused_full", jx_u64(st->refused_full), "requests", jx_u64(st->requests),
			 "bad_requests", jx_u64(st->bad_requests), "refused_readonly",
			 jx_u64(st->refused_readonly), "overlong", jx_u64(st->overlong),
			 "half_lines", jx_u64(st->half_lines), "dropped_slow",
			 jx_u64(st->dropped_slow), "dropped_errors", jx_u64(st->dropped_errors),
			 "events", jx_u64(st->events), "event_lines", jx_u64(st->event_lines),
			 "events_skipped", jx_u64(st->events_skipped), "clients", (int)st->clients, "subscribers", (int)st->subscribers);
}

/* The counters, and the limits they count against under "limits". */
json_t *snap_stats(const struct server_stats *st)
{
	json_t *o = snap_counts(st);

	if (o != NULL &&
	    (json_object_set_new(o, "ring_lost", jx_u64(st->ring_lost)) != 0 ||
	     json_object_set_new(o, "dropped_stalled", jx_u64(st->dropped_stalled)) != 0 ||
	     json_object_set_new(o, "limits",
				 json_pack("{s:i, s:i, s:i, s:o, s:i}", "clients_max",
					   (int)st->clients_max, "errors_max", (int)st->errors_max,
					   "ring", (int)st->ring, "out_max", jx_u64(st->out_max),
					   "stall_ms", (int)st->stall_ms)) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
