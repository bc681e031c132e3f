/*
 * view_log.c - the event log: one line per event (time, host, what),
 * formatted and translated when drawn, filtered by the view's filter
 * (event types, host, connection, a substring of the line), scrolled by
 * the user or following the newest.
 *
 * Lines are terse and technical (the explanation panel has the
 * sentences): segments with their flags and numbers, relative when the
 * flow's ISNs are known and the view is relative; timers with their
 * durations; drops with the counter that counted them.
 */
#define _GNU_SOURCE /* strcasestr */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tcp.h"
#include "i18n.h"
#include "tui/view_internal.h"
#include "tui/width.h"

#define LINE_MAX_BYTES 512
#define HOST_W 6

struct fmt {
	const struct vctx *x;
	char *buf;
	size_t size;
};

static void seg_text(const struct vctx *x, const struct tv_seg_info *s, char *buf, size_t size)
{
	const struct tm_flow *f;
	uint32_t sb = 0, ab = 0;
	int lane = 0;
	size_t n;

	if (x->vs->relative && (f = model_flow_of_seg(x->m, s, &lane)) != NULL) {
		sb = f->isn_known[lane] ? f->isn[lane] : 0;
		ab = f->isn_known[!lane] ? f->isn[!lane] : 0;
	}
	n = vf_seg_label(s, x->vs->relative, sb, ab, buf, size);
	if (n < size)
		snprintf(buf + n, size - n, " win=%u", (unsigned)s->win);
}

static void fmt_seg(const struct fmt *f, const struct tv_event *ev, bool out)
{
	char seg[200], ep[VF_MAX];
	const struct tv_seg_info *s = &ev->u.seg;

	seg_text(f->x, s, seg, sizeof(seg));
	if (out)
		/* TRANSLATORS: log: a segment sent, to an endpoint. */
		snprintf(f->buf, f->size, _("sent %s to %s"), seg,
			 vf_endpoint(f->x->m, s->daddr, s->dport, false, ep));
	else
		snprintf(f->buf, f->size, _("received %s from %s"), seg,
			 vf_endpoint(f->x->m, s->saddr, s->sport, false, ep));
}

static void fmt_state(const struct fmt *f, const struct tv_event *ev)
{
	char ep[VF_MAX];
	const char *to = f->x->ascii ? "->" : "→";

	snprintf(f->buf, f->size, "%s %s %s %s%s%s",
		 vf_endpoint(f->x->m, ev->tuple.laddr, ev->tuple.lport, false, ep),
		 tcb_state_name(ev->u.state.old_state), to, tcb_state_name(ev->u.state.new_state),
		 ev->rule ? ": " : "", ev->rule ? _(tv_rule_text(ev->rule)) : "");
}

static void fmt_timer(const struct fmt *f, const struct tv_event *ev)
{
	const char *name = vf_timer_name(ev->u.timer.kind);
	char d[VF_MAX];

	if (ev->type == TV_EV_TIMER_ARM)
		/* TRANSLATORS: log: a timer armed, and when it fires. */
		snprintf(f->buf, f->size, _("%s timer armed: fires in %s"), name,
			 vf_dur(ev->u.timer.deadline > ev->time ? ev->u.timer.deadline - ev->time
								 : 0, d));
	else if (ev->type == TV_EV_TIMER_CANCEL)
		snprintf(f->buf, f->size, _("%s timer cancelled"), name);
	else
		snprintf(f->buf, f->size, _("%s timer fired (#%u)"), name,
			 (unsigned)ev->u.timer.count);
}

static void fmt_rexmit(const struct fmt *f, const struct tv_event *ev)
{
	char fl[VF_MAX], d[VF_MAX];

	/* TRANSLATORS: log: flags, seq, length, the retransmission's number
	 * and the RTO now. */
	snprintf(f->buf, f->size, _("retransmit %s seq=%" PRIu32 " len=%" PRIu32 " (#%u, RTO %s)"),
		 vf_flags(ev->u.rexmit.flags, fl), ev->u.rexmit.seq, ev->u.rexmit.len,
		 (unsigned)ev->u.rexmit.count, vf_dur(ev->u.rexmit.rto, d));
}

static void fmt_drop(const struct fmt *f, const struct tv_event *ev)
{
	char seg[200] = "";

	if (ev->u.drop.has_seg)
		seg_text(f->x, &ev->u.drop.seg, seg, sizeof(seg));
	/* TRANSLATORS: log: a host dropped something: the counter's
	 * description, then the segment if there was one. */
	snprintf(f->buf, f->size, _("dropped: %s %s"), _(tv_counter_desc(ev->u.drop.counter)),
		 seg);
}

static const char *sock_word(enum tv_sock_event e)
{
	static const char *const words[] = {
		N_("connected"), N_("connection to accept"), N_("readable"), N_("writable"),
		N_("peer closed"), N_("error"), N_("closed"),
	};

	return (unsigned)e < sizeof(words) / sizeof(words[0]) ? _(words[e]) : "?";
}

static void fmt_sock(const struct fmt *f, const struct tv_event *ev)
{
	if (ev->u.sock.what == TV_SOCK_ERROR)
		snprintf(f->buf, f->size, _("socket: %s (%s)"), sock_word(ev->u.sock.what),
			 _(tv_strerror(ev->u.sock.err)));
	else
		snprintf(f->buf, f->size, _("socket: %s"), sock_word(ev->u.sock.what));
}

static void fmt_gate(const struct fmt *f, const struct tv_event *ev)
{
	static const char *const acts[] = {
		N_("held"), N_("released"), N_("dropped"), N_("duplicated"), N_("delayed"),
		N_("passed"),
	};
	unsigned a = ev->u.gate.action;
	char seg[200] = "";

	if (ev->u.gate.has_seg)
		seg_text(f->x, &ev->u.gate.seg, seg, sizeof(seg));
	/* TRANSLATORS: log: gate action, frame id, in/out, what it carries. */
	snprintf(f->buf, f->size, _("gate %s #%" PRIu32 " %s %s"),
		 a < sizeof(acts) / sizeof(acts[0]) ? _(acts[a]) : "?", ev->u.gate.frame,
		 ev->u.gate.dir == TV_DIR_OUT ? _("out") : _("in"), seg);
}

static void fmt_wire(const struct fmt *f, const struct tv_event *ev)
{
	static const char *const acts[] = {
		N_("lost"), N_("duplicated"), N_("reordered"), N_("delivered"),
	};
	unsigned a = ev->u.wire.action;
	char seg[200] = "", from[TM_NAME_MAX + 8], to[TM_NAME_MAX + 8];

	if (ev->u.wire.has_seg)
		seg_text(f->x, &ev->u.wire.seg, seg, sizeof(seg));
	model_host_name(f->x->m, ev->u.wire.from, from, sizeof(from));
	model_host_name(f->x->m, ev->u.wire.to, to, sizeof(to));
	snprintf(f->buf, f->size, _("wire %s %s to %s %s"),
		 a < sizeof(acts) / sizeof(acts[0]) ? _(acts[a]) : "?", from,
		 ev->u.wire.to ? to : _("all"), seg);
}

static void fmt_arp(const struct fmt *f, const struct tv_event *ev)
{
	static const char *const changes[TV_ARP_CHANGE_COUNT] = {
		N_("resolving"), N_("learned"), N_("changed"), N_("static"), N_("expired"),
		N_("evicted"), N_("failed"),
	};
	unsigned ch = ev->u.arp.change;
	char a[16], b[16];

	if (ev->u.arp.op == 0)
		/* TRANSLATORS: log: an ARP cache entry changed: address, what. */
		snprintf(f->buf, f->size, _("ARP cache: %s %s"), tv_ip_str(ev->u.arp.spa, a),
			 ch < TV_ARP_CHANGE_COUNT ? _(changes[ch]) : "?");
	else if (ev->u.arp.op == 1)
		/* TRANSLATORS: log: an ARP request, in or out: who has X? tell Y. */
		snprintf(f->buf, f->size, _("ARP %s: who has %s? tell %s"),
			 ev->u.arp.out ? _("out") : _("in"), tv_ip_str(ev->u.arp.tpa, a),
			 tv_ip_str(ev->u.arp.spa, b));
	else
		snprintf(f->buf, f->size, _("ARP %s: %s is here"),
			 ev->u.arp.out ? _("out") : _("in"), tv_ip_str(ev->u.arp.spa, a));
}

static void fmt_other(const struct fmt *f, const struct tv_event *ev, const char *note)
{
	char a[16], b[16];

	switch (ev->type) {
	case TV_EV_CWND:
		snprintf(f->buf, f->size, "cwnd=%" PRIu32 " ssthresh=%" PRIu32 "%s%s",
			 ev->u.cwnd.cwnd, ev->u.cwnd.ssthresh, ev->rule ? ": " : "",
			 ev->rule ? _(tv_rule_text(ev->rule)) : "");
		break;
	case TV_EV_ARP:
		fmt_arp(f, ev);
		break;
	case TV_EV_ICMP:
		snprintf(f->buf, f->size, _("ICMP type %u %s, %s to %s"), ev->u.icmp.type,
			 ev->u.icmp.out ? _("out") : _("in"), tv_ip_str(ev->u.icmp.saddr, a),
			 tv_ip_str(ev->u.icmp.daddr, b));
		break;
	default:
		snprintf(f->buf, f->size, "%s", note);
		break;
	}
}

/* What the event says, without the time and host. */
static void log_what(const struct vctx *x, const struct tm_log *lg, char *buf, size_t size)
{
	const struct tv_event *ev = &lg->ev;
	struct fmt f = {x, buf, size};

	switch (ev->type) {
	case TV_EV_STATE:
		fmt_state(&f, ev);
		break;
	case TV_EV_SEG_IN:
	case TV_EV_SEG_OUT:
		fmt_seg(&f, ev, ev->type == TV_EV_SEG_OUT);
		break;
	case TV_EV_DROP:
		fmt_drop(&f, ev);
		break;
	case TV_EV_TIMER_ARM:
	case TV_EV_TIMER_CANCEL:
	case TV_EV_TIMER_FIRE:
		fmt_timer(&f, ev);
		break;
	case TV_EV_RETRANSMIT:
		fmt_rexmit(&f, ev);
		break;
	case TV_EV_SOCK:
		fmt_sock(&f, ev);
		break;
	case TV_EV_GATE:
		fmt_gate(&f, ev);
		break;
	case TV_EV_WIRE:
		fmt_wire(&f, ev);
		break;
	default:
		fmt_other(&f, ev, lg->note);
		break;
	}
}

static int log_style(const struct tv_event *ev)
{
	switch (ev->type) {
	case TV_EV_STATE:
		return view_state_style(ev->u.state.new_state);
	case TV_EV_SEG_IN:
	case TV_EV_SEG_OUT:
		return vf_seg_style(ev->u.seg.flags, ev->u.seg.len);
	case TV_EV_DROP:
		return TS_DROPPED;
	case TV_EV_TIMER_FIRE:
	case TV_EV_RETRANSMIT:
		return TS_ALERT;
	case TV_EV_GATE:
		return ev->u.gate.action == TV_GATE_DROPPED ? TS_DROPPED : TS_HELD;
	case TV_EV_WIRE:
		return ev->u.wire.action == TV_WIRE_LOST ? TS_DROPPED : TS_NORMAL;
	case TV_EV_NOTE:
		return TS_NARRATION;
	default:
		return TS_DIM;
	}
}

/* The whole line, as shown and as the text filter sees it. */
static void log_line(const struct vctx *x, const struct tm_log *lg, char *buf, size_t size)
{
	char t[VF_MAX], host[TM_NAME_MAX + 8], what[LINE_MAX_BYTES - 96], hf[64];

	vf_time_us(lg->ev.time, t);
	if (lg->ev.host)
		model_host_name(x->m, lg->ev.host, host, sizeof(host));
	else
		host[0] = '\0';
	tw_fit(host, HOST_W, true, x->ascii, hf, sizeof(hf));
	log_what(x, lg, what, sizeof(what));
	snprintf(buf, size, "%10s %-*s %s", t, HOST_W + (int)(strlen(hf) - (size_t)tw_width(hf)),
		 hf, what);
}

static bool log_match(const struct vctx *x, const struct tm_log *lg)
{
	const struct view_filter *f = &x->vs->filter;
	char line[LINE_MAX_BYTES];

	if (f->types && !(f->types & (1u << lg->ev.type)))
		return false;
	if (f->host && lg->ev.host != f->host)
		return false;
	if (f->flow && lg->flow != f->flow)
		return false;
	if (f->text[0] == '\0')
		return true;
	log_line(x, lg, line, sizeof(line));
	return strcasestr(line, f->text) != NULL;
}

static bool filter_on(const struct view_filter *f)
{
	return f->types || f->host || f->flow || f->text[0];
}

void log_cache_free(struct log_cache *lc)
{
	if (lc == NULL)
		return;
	free(lc->idx);
	free(lc);
}

/* A text the log's lines are made of, translated: when it changes, the
 * language did, and lines must be matched again. */
static const char *lang_probe(void)
{
	return _("sent %s to %s");
}

static bool log_cache_fresh(const struct vctx *x, const struct log_cache *lc)
{
	const struct model *m = x->m;

	return lc->valid && lc->events == m->events && lc->log_n == m->log_n &&
	       lc->log_first == m->log_first && lc->relative == x->vs->relative &&
	       lc->ascii == x->ascii &&
	       memcmp(&lc->filter, &x->vs->filter, sizeof(lc->filter)) == 0 &&
	       strcmp(lc->probe, lang_probe()) == 0;
}

/* The lines the filter lets through, as indexes into the log: matched
 * once per change of the log or the filter (matching a substring formats
 * every line), then read from the cache.  NULL without memory. */
static const struct log_cache *log_matches(struct vctx *x)
{
	struct log_cache *lc = x->cache->log;
	const struct model *m = x->m;

	if (lc == NULL && (lc = x->cache->log = calloc(1, sizeof(*lc))) == NULL)
		return NULL;
	if (log_cache_fresh(x, lc))
		return lc;
	if (m->log_n > lc->cap) {
		unsigned *idx = realloc(lc->idx, m->log_n * sizeof(*idx));
		if (idx == NULL)
			return NULL;
		lc->idx = idx;
		lc->cap = m->log_n;
	}
	lc->n = 0;
	for (unsigned i = 0; i < m->log_n; i++)
		if (log_match(x, model_log(m, i)))
			lc->idx[lc->n++] = i;
	lc->valid = true;
	lc->events = m->events;
	lc->log_n = m->log_n;
	lc->log_first = m->log_first;
	lc->relative = x->vs->relative;
	lc->ascii = x->ascii;
	lc->filter = x->vs->filter;
	snprintf(lc->probe, sizeof(lc->probe), "%s", lang_probe());
	return lc;
}

static void log_title(struct vctx *x, const struct rect *r, unsigned shown)
{
	char title[160];

	if (filter_on(&x->vs->filter))
		/* TRANSLATORS: the log's title with a filter on: lines shown of all. */
		snprintf(title, sizeof(title), _("Events (filter: %u of %u)"), shown, x->m->log_n);
	else
		snprintf(title, sizeof(title), _("Events (%u)"), x->m->log_n);
	view_pane_title(x, r, title, x->vs->focus == VP_LOG);
}

static void log_draw_line(struct vctx *x, const struct rect *r, int y, unsigned i)
{
	const struct tm_log *lg = model_log(x->m, i);
	char line[LINE_MAX_BYTES];

	log_line(x, lg, line, sizeof(line));
	canvas_put(x->c, y, r->x + 1, r->w - 1, line, log_style(&lg->ev));
}

void view_draw_log(struct vctx *x, const struct rect *r)
{
	bool filtered = filter_on(&x->vs->filter);
	const struct log_cache *lc = filtered ? log_matches(x) : NULL;
	unsigned n = filtered ? (lc ? lc->n : 0) : x->m->log_n;
	long vis = r->h > 1 ? r->h - 1 : 0, top, maxtop = (long)n - vis;

	log_title(x, r, n);
	canvas_vline(x->c, r->y + 1, r->x, r->h - 1, TS_BORDER);
	if (maxtop < 0)
		maxtop = 0;
	if (x->vs->log_follow || x->vs->log_top > maxtop)
		x->vs->log_top = maxtop;
	if (x->vs->log_top < 0)
		x->vs->log_top = 0;
	top = x->vs->log_top;
	for (long k = 0; k < vis && top + k < (long)n; k++)
		log_draw_line(x, r, r->y + 1 + (int)k,
			      filtered ? lc->idx[top + k] : (unsigned)(top + k));
}
