/*
 * text.c - the one-line-per-event transcript (see text.h).
 *
 * text_sink() is a bus sink: it first learns from the event (each
 * direction's initial sequence number, and which side opened a
 * connection), then formats and prints it when its type is in the mask.
 * Learning is kept in a small hash table of directed flows keyed by the
 * 4-tuple, the way tcpdump keeps its relative-sequence state.  A daemon
 * runs for days and a SYN flood brings a new flow per SYN, so the table is
 * bounded: past TEXT_FLOWS_MAX flows it is forgotten and starts again
 * (flows seen before then print absolute sequence numbers).
 *
 * Formatting appends pieces to a line buffer with snprintf; every phrase
 * is passed through gettext, and the core's rule sentences and counter
 * descriptions (marked TV_N_ there) are translated here.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/sim.h"
#include "core/tcp.h"
#include "i18n.h"
#include "out/text.h"

#define TEXT_HOSTS_MAX 64

struct flow {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t isn;           /* first sequence number of this direction */
	bool used, has_isn;
	bool opened;            /* this direction sent the opening SYN */
};

struct text_host {
	uint32_t id, addr;
	char name[16];
};

struct text_out {
	FILE *fp;
	bool absolute;
	unsigned mask;
	unsigned long lines;
	struct text_host hosts[TEXT_HOSTS_MAX];
	unsigned nhosts;
	struct flow *flows;     /* open addressing, cap a power of two */
	size_t cap, n;
	unsigned long flows_forgotten;
};

struct line {
	char *buf;
	size_t size, len;
};

static void line_add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->len < l->size ? l->buf + l->len : NULL,
		      l->len < l->size ? l->size - l->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
}

/* ---- set-up ---- */

struct text_out *text_new(FILE *fp)
{
	struct text_out *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->fp = fp;
	t->mask = TEXT_MASK_DEFAULT;
	return t;
}

void text_free(struct text_out *t)
{
	if (t == NULL)
		return;
	free(t->flows);
	free(t);
}

int text_add_host(struct text_out *t, uint32_t id, const char *name, uint32_t addr)
{
	struct text_host *h;

	if (t->nhosts >= TEXT_HOSTS_MAX)
		return TV_ENOBUFS;
	h = &t->hosts[t->nhosts++];
	h->id = id;
	h->addr = addr;
	snprintf(h->name, sizeof(h->name), "%s", name);
	return 0;
}

int text_add_sim_hosts(struct text_out *t, const struct sim *s)
{
	int err = 0;

	for (unsigned i = 0; i < sim_host_count(s) && err == 0; i++) {
		const struct host *h = sim_host_at(s, i);
		err = text_add_host(t, h->id, h->cfg.name, h->cfg.addr);
	}
	return err;
}

void text_set_absolute(struct text_out *t, bool absolute)
{
	t->absolute = absolute;
}

void text_set_mask(struct text_out *t, unsigned mask)
{
	t->mask = mask;
}

unsigned long text_lines(const struct text_out *t)
{
	return t->lines;
}

unsigned long text_flows_forgotten(const struct text_out *t)
{
	return t->flows_forgotten;
}

/* ---- names ---- */

const char *text_host_name(const struct text_out *t, uint32_t id)
{
	for (unsigned i = 0; i < t->nhosts; i++)
		if (t->hosts[i].id == id)
			return t->hosts[i].name;
	return NULL;
}

static const char *host_name(const struct text_out *t, uint32_t id)
{
	const char *name = text_host_name(t, id);

	return name ? name : "?";
}

/* Name of the host with that address, or the dotted quad (in buf). */
static const char *addr_name(const struct text_out *t, uint32_t addr, char buf[16])
{
	for (unsigned i = 0; i < t->nhosts; i++)
		if (t->hosts[i].addr == addr)
			return t->hosts[i].name;
	return tv_ip_str(addr, buf);
}

/* ---- the flow table ---- */

static size_t flow_hash(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport)
{
	uint64_t x = ((uint64_t)saddr << 32 | daddr) ^ ((uint64_t)sport << 16 | dport) *
							       0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return (size_t)(x ^ (x >> 32));
}

static struct flow *flow_slot(struct flow *tab, size_t cap, uint32_t saddr, uint16_t sport,
			      uint32_t daddr, uint16_t dport)
{
	size_t i = flow_hash(saddr, sport, daddr, dport) & (cap - 1);

	for (;; i = (i + 1) & (cap - 1)) {
		struct flow *f = &tab[i];
		if (!f->used || (f->saddr == saddr && f->daddr == daddr && f->sport == sport &&
				 f->dport == dport))
			return f;
	}
}

static const struct flow *flow_find(const struct text_out *t, uint32_t saddr, uint16_t sport,
				    uint32_t daddr, uint16_t dport)
{
	const struct flow *f;

	if (t->cap == 0)
		return NULL;
	f = flow_slot(t->flows, t->cap, saddr, sport, daddr, dport);
	return f->used ? f : NULL;
}

bool text_seq_base(const struct text_out *t, uint32_t saddr, uint16_t sport, uint32_t daddr,
		   uint16_t dport, uint32_t *isn)
{
	const struct flow *f = flow_find(t, saddr, sport, daddr, dport);

	if (f == NULL || !f->has_isn)
		return false;
	*isn = f->isn;
	return true;
}

static bool flow_grow(struct text_out *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct flow *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		const struct flow *f = &t->flows[i];
		if (f->used)
			*flow_slot(tab, cap, f->saddr, f->sport, f->daddr, f->dport) = *f;
	}
	free(t->flows);
	t->flows = tab;
	t->cap = cap;
	return true;
}

/* The flow, created if needed; NULL when out of memory (we then just
 * print absolute numbers). */
static struct flow *flow_get(struct text_out *t, uint32_t saddr, uint16_t sport,
			     uint32_t daddr, uint16_t dport)
{
	struct flow *f;

	if (2 * (t->n + 1) > t->cap && !flow_grow(t))
		return NULL;
	f = flow_slot(t->flows, t->cap, saddr, sport, daddr, dport);
	if (!f->used && t->n >= TEXT_FLOWS_MAX) {
		memset(t->flows, 0, t->cap * sizeof(*t->flows));
		t->n = 0;
		t->flows_forgotten++;
		f = flow_slot(t->flows, t->cap, saddr, sport, daddr, dport);
	}
	if (!f->used) {
		*f = (struct flow){saddr, daddr, sport, dport, 0, true, false, false};
		t->n++;
	}
	return f;
}

static void flow_set_isn(struct text_out *t, uint32_t saddr, uint16_t sport, uint32_t daddr,
			 uint16_t dport, uint32_t isn)
{
	struct flow *f = flow_get(t, saddr, sport, daddr, dport);

	if (f != NULL) {
		f->isn = isn;
		f->has_isn = true;
	}
}

/* ---- learning ---- */

static void learn_seg(struct text_out *t, const struct tv_seg_info *s)
{
	struct flow *f;

	if (!(s->flags & TV_TH_SYN))
		return;
	/* A SYN's sequence number is its direction's ISN. */
	flow_set_isn(t, s->saddr, s->sport, s->daddr, s->dport, s->seq);
	if (!(s->flags & TV_TH_ACK) && (f = flow_get(t, s->saddr, s->sport, s->daddr, s->dport)))
		f->opened = true;
}

/* A segment event of a host with a TCB: iss is this host's ISN, irs the
 * peer's once an ACK can be sent. */
static void learn_tcb_seg(struct text_out *t, const struct tv_event *ev, bool out)
{
	const struct tv_seg_info *s = &ev->u.seg;
	const struct tv_tuple *u = &ev->tuple;

	learn_seg(t, s);
	if (ev->conn == 0)
		return;
	flow_set_isn(t, u->laddr, u->lport, u->raddr, u->rport, s->iss);
	if (out ? (s->flags & TV_TH_ACK) : s->irs != 0)
		flow_set_isn(t, u->raddr, u->rport, u->laddr, u->lport, s->irs);
}

static void learn_state(struct text_out *t, const struct tv_event *ev)
{
	const struct tv_tuple *u = &ev->tuple;
	struct flow *f = NULL;

	if (ev->u.state.new_state == TCB_SYN_SENT)
		f = flow_get(t, u->laddr, u->lport, u->raddr, u->rport);
	else if (ev->u.state.old_state == TCB_LISTEN && u->raddr != 0)
		f = flow_get(t, u->raddr, u->rport, u->laddr, u->lport);
	if (f != NULL)
		f->opened = true;
}

void text_learn(struct text_out *t, const struct tv_event *ev)
{
	switch (ev->type) {
	case TV_EV_SEG_OUT:
	case TV_EV_SEG_IN:
		learn_tcb_seg(t, ev, ev->type == TV_EV_SEG_OUT);
		break;
	case TV_EV_STATE:
		learn_state(t, ev);
		break;
	case TV_EV_GATE:
		if (ev->u.gate.has_seg)
			learn_seg(t, &ev->u.gate.seg);
		break;
	case TV_EV_WIRE:
		if (ev->u.wire.has_seg)
			learn_seg(t, &ev->u.wire.seg);
		break;
	default:
		break;
	}
}

/* ---- pieces of a line ---- */

static void put_time(struct line *l, tv_time t)
{
	line_add(l, "%" PRIu64 ".%06" PRIu64, t / 1000000, t % 1000000);
}

static void put_duration(struct line *l, tv_time d)
{
	put_time(l, d);
	line_add(l, " s");
}

static void put_rule(struct line *l, enum tv_rule r)
{
	if (r != TV_RULE_NONE)
		line_add(l, " (%s: %s)", tv_rule_ref(r), _(tv_rule_text(r)));
}

static void put_flags(struct line *l, uint8_t flags)
{
	/* tcpdump's letters and order; "." is ACK. */
	static const struct {
		uint8_t bit;
		char c;
	} tab[] = {{TV_TH_FIN, 'F'}, {TV_TH_SYN, 'S'}, {TV_TH_RST, 'R'}, {TV_TH_PSH, 'P'},
		   {TV_TH_ACK, '.'}, {TV_TH_URG, 'U'}, {TV_TH_ECE, 'E'}, {TV_TH_CWR, 'W'}};
	char s[9];
	size_t n = 0;

	for (size_t i = 0; i < TV_ARRAY_LEN(tab); i++)
		if (flags & tab[i].bit)
			s[n++] = tab[i].c;
	s[n] = '\0';
	line_add(l, "Flags [%s]", n ? s : "none");
}

static void put_options(struct line *l, const struct tv_seg_info *s)
{
	const char *sep = "";

	if (!(s->has_mss || s->sack_ok || s->has_ts || s->has_wscale))
		return;
	line_add(l, ", options [");
	if (s->has_mss) {
		line_add(l, "mss %u", s->mss);
		sep = ",";
	}
	if (s->sack_ok) {
		line_add(l, "%ssackOK", sep);
		sep = ",";
	}
	if (s->has_ts) {
		line_add(l, "%sTS val %" PRIu32 " ecr %" PRIu32, sep, s->tsval, s->tsecr);
		sep = ",";
	}
	if (s->has_wscale)
		line_add(l, "%swscale %u", sep, s->wscale);
	line_add(l, "]");
}

/* "A.40000 > B.7" */
static void put_endpoints(const struct text_out *t, struct line *l, const struct tv_seg_info *s)
{
	char a[16], b[16];

	line_add(l, "%s.%u > %s.%u", addr_name(t, s->saddr, a), s->sport,
		 addr_name(t, s->daddr, b), s->dport);
}

/* Sequence and acknowledgment numbers, relative when the bases are known. */
static void put_seq_ack(const struct text_out *t, struct line *l, const struct tv_seg_info *s)
{
	const struct flow *fw = flow_find(t, s->saddr, s->sport, s->daddr, s->dport);
	const struct flow *bw = flow_find(t, s->daddr, s->dport, s->saddr, s->sport);
	uint32_t sbase = 0, abase = 0;

	if (!t->absolute && fw && fw->has_isn)
		sbase = fw->isn;
	if (!t->absolute && bw && bw->has_isn)
		abase = bw->isn;
	if (s->len > 0)
		line_add(l, ", seq %" PRIu32 ":%" PRIu32, s->seq - sbase, s->seq - sbase + s->len);
	else if (s->flags & (TV_TH_SYN | TV_TH_FIN | TV_TH_RST))
		line_add(l, ", seq %" PRIu32, s->seq - sbase);
	if (s->flags & TV_TH_ACK)
		line_add(l, ", ack %" PRIu32, s->ack - abase);
}

/* "A.40000 > B.7: Flags [S], seq 0, win 65535, options [...], length 0" */
static void put_seg(const struct text_out *t, struct line *l, const struct tv_seg_info *s)
{
	put_endpoints(t, l, s);
	line_add(l, ": ");
	put_flags(l, s->flags);
	put_seq_ack(t, l, s);
	line_add(l, ", win %u", s->win);
	put_options(l, s);
	line_add(l, ", length %" PRIu32, s->len);
}

static void put_addr_port(struct line *l, uint32_t addr, uint16_t port)
{
	char b[16];

	if (addr == 0)
		line_add(l, "*:%u", port);
	else
		line_add(l, "%s:%u", tv_ip_str(addr, b), port);
}

/* "10.0.0.2:7 <- 10.0.0.1:40000": the arrow points away from the side
 * that opened the connection; a listener has no remote end. */
static void put_tuple(const struct text_out *t, struct line *l, const struct tv_tuple *u)
{
	const struct flow *f;
	const char *arrow = "--";

	put_addr_port(l, u->laddr, u->lport);
	if (u->raddr == 0 && u->rport == 0)
		return;
	if ((f = flow_find(t, u->laddr, u->lport, u->raddr, u->rport)) && f->opened)
		arrow = "->";
	else if ((f = flow_find(t, u->raddr, u->rport, u->laddr, u->lport)) && f->opened)
		arrow = "<-";
	line_add(l, " %s ", arrow);
	put_addr_port(l, u->raddr, u->rport);
}

/* "B 10.0.0.2:7 <- 10.0.0.1:40000" or just "B" when no connection. */
static void put_who(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	line_add(l, " %s", host_name(t, ev->host));
	if (ev->conn != 0 || ev->tuple.lport != 0) {
		line_add(l, " ");
		put_tuple(t, l, &ev->tuple);
	}
}

/* What a frame was, for gate and wire events. */
static void put_frame(const struct text_out *t, struct line *l, uint8_t kind, bool has_seg,
		      const struct tv_seg_info *seg, uint32_t len)
{
	static const char *const kinds[] = {N_("frame"), "ARP", "IPv4", "ICMP", "TCP"};

	if (has_seg) {
		put_seg(t, l, seg);
		return;
	}
	line_add(l, _("%s, %u bytes"),
		 kind < TV_ARRAY_LEN(kinds) ? _(kinds[kind]) : _(kinds[0]), (unsigned)len);
}

/* ---- one formatter per event type ---- */

static void fmt_seg(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	if (ev->type == TV_EV_SEG_IN)
		line_add(l, _(" %s in: "), host_name(t, ev->host));
	else
		line_add(l, " ");
	put_seg(t, l, &ev->u.seg);
}

static void fmt_state(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	put_who(t, l, ev);
	line_add(l, " %s -> %s", tcb_state_name(ev->u.state.old_state),
		 tcb_state_name(ev->u.state.new_state));
	put_rule(l, ev->rule);
}

static const char *timer_name(enum tv_timer_kind k)
{
	static const char *const names[] = {
		N_("retransmission"), N_("persist"), N_("delayed-ACK"), N_("keepalive"),
		N_("2MSL"), N_("connection"), N_("ARP"),
	};
	return k < TV_ARRAY_LEN(names) ? _(names[k]) : "?";
}

static void fmt_timer(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	put_who(t, l, ev);
	line_add(l, _(" timer %s"), timer_name(ev->u.timer.kind));
	if (ev->type == TV_EV_TIMER_ARM) {
		line_add(l, _(" armed: "));
		put_duration(l, ev->u.timer.deadline - ev->time);
		line_add(l, _(", expires at "));
		put_time(l, ev->u.timer.deadline);
	} else {
		line_add(l, "%s", ev->type == TV_EV_TIMER_FIRE ? _(" fired") : _(" cancelled"));
		/* A timer fires at its deadline; a cancelled one says what it
		 * would have done. */
		if (ev->type == TV_EV_TIMER_CANCEL && ev->u.timer.deadline != 0 &&
		    ev->u.timer.deadline != TV_NEVER) {
			line_add(l, _(", was due at "));
			put_time(l, ev->u.timer.deadline);
		}
	}
	if (ev->u.timer.count)
		line_add(l, " (#%" PRIu32 ")", ev->u.timer.count);
	put_rule(l, ev->rule);
}

static void fmt_rexmit(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	put_who(t, l, ev);
	/* The number is the timeout's (RFC 6298 5.5 backoff); a resend that
	 * no timeout caused (fast retransmit, a SYN,ACK repeated for a
	 * repeated SYN) has none, and its rule says why it went. */
	if (ev->u.rexmit.count > 0)
		line_add(l, _(" retransmit #%u: "), (unsigned)ev->u.rexmit.count);
	else
		line_add(l, "%s", _(" retransmit: "));
	put_flags(l, ev->u.rexmit.flags);
	line_add(l, _(", %u bytes, RTO "), (unsigned)ev->u.rexmit.len);
	put_duration(l, ev->u.rexmit.rto);
	put_rule(l, ev->rule);
}

static void fmt_cwnd(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	put_who(t, l, ev);
	line_add(l, _(" cwnd %u, ssthresh %u"), (unsigned)ev->u.cwnd.cwnd,
		 (unsigned)ev->u.cwnd.ssthresh);
	put_rule(l, ev->rule);
}

static void fmt_drop(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	enum tv_counter c = ev->u.drop.counter;

	line_add(l, _(" %s drop %s (%s)"), host_name(t, ev->host), tv_counter_name(c),
		 _(tv_counter_desc(c)));
	if (ev->u.drop.has_seg) {
		line_add(l, ": ");
		put_seg(t, l, &ev->u.drop.seg);
	}
	put_rule(l, ev->rule);
}

static void fmt_sock(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	static const char *const what[] = {
		N_("connected"), N_("connection to accept"), N_("readable"), N_("writable"),
		N_("end of stream"), N_("error"), N_("closed"),
	};
	unsigned w = ev->u.sock.what;

	put_who(t, l, ev);
	line_add(l, _(" socket: %s"), w < TV_ARRAY_LEN(what) ? _(what[w]) : "?");
	if (ev->u.sock.err)
		line_add(l, ": %s", _(tv_strerror(ev->u.sock.err)));
	if (ev->u.sock.bytes)
		line_add(l, _(" (%u bytes)"), (unsigned)ev->u.sock.bytes);
}

static void put_mac(struct line *l, const uint8_t m[6])
{
	line_add(l, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void fmt_arp_change(struct line *l, const struct tv_event *ev)
{
	static const char *const change[] = {
		N_("resolving"), N_("learned"), N_("changed"), N_("static"),
		N_("expired"), N_("evicted"), N_("failed"),
	};
	char a[16];
	unsigned c = ev->u.arp.change;

	line_add(l, _(" ARP cache: %s %s"), tv_ip_str(ev->u.arp.spa, a),
		 c < TV_ARRAY_LEN(change) ? _(change[c]) : "?");
	if (c == TV_ARP_LEARNED || c == TV_ARP_CHANGED || c == TV_ARP_STATIC) {
		line_add(l, " ");
		put_mac(l, ev->u.arp.sha);
	}
}

static void fmt_arp(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	char a[16], b[16];

	line_add(l, " %s", host_name(t, ev->host));
	if (ev->u.arp.op == 0) {
		fmt_arp_change(l, ev);
		return;
	}
	line_add(l, "%s", ev->u.arp.out ? _(" ARP out: ") : _(" ARP in: "));
	if (ev->u.arp.op == 1) {
		line_add(l, _("who-has %s tell %s"), tv_ip_str(ev->u.arp.tpa, a),
			 tv_ip_str(ev->u.arp.spa, b));
	} else {
		line_add(l, _("%s is-at "), tv_ip_str(ev->u.arp.spa, a));
		put_mac(l, ev->u.arp.sha);
	}
}

static void fmt_icmp(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	char a[16], b[16];
	uint8_t type = ev->u.icmp.type;

	line_add(l, " %s%s%s > %s: ", host_name(t, ev->host),
		 ev->u.icmp.out ? _(" ICMP out: ") : _(" ICMP in: "),
		 addr_name(t, ev->u.icmp.saddr, a), addr_name(t, ev->u.icmp.daddr, b));
	if (type == 0 || type == 8)
		line_add(l, _("echo %s, id %u, seq %u"), type ? _("request") : _("reply"),
			 ev->u.icmp.id, ev->u.icmp.seq);
	else
		line_add(l, _("type %u, code %u"), type, ev->u.icmp.code);
}

static void fmt_gate(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	static const char *const act[] = {
		N_("held"), N_("released"), N_("dropped"), N_("duplicated"), N_("delayed"),
		N_("passed"),
	};
	unsigned a = ev->u.gate.action;

	line_add(l, _(" gate %s %s: %s"), host_name(t, ev->host),
		 ev->u.gate.dir == TV_DIR_IN ? _("in") : _("out"),
		 a < TV_ARRAY_LEN(act) ? _(act[a]) : "?");
	if (ev->u.gate.frame)
		line_add(l, " #%" PRIu32, ev->u.gate.frame);
	if (a == TV_GATE_DUPLICATED)
		line_add(l, _(" as #%u"), (unsigned)ev->u.gate.copy);
	if (a == TV_GATE_DELAYED) {
		line_add(l, _(" until "));
		put_time(l, ev->u.gate.until);
	}
	if (ev->u.gate.overflow)
		line_add(l, "%s", _(" (hold queue full)"));
	if (ev->u.gate.rule)
		line_add(l, _(" by rule %u"), (unsigned)ev->u.gate.rule);
	line_add(l, " ");
	put_frame(t, l, ev->u.gate.kind, ev->u.gate.has_seg, &ev->u.gate.seg, ev->u.gate.len);
}

static void fmt_wire(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	static const char *const act[] = {
		N_("lost"), N_("duplicated"), N_("reordered"), N_("delivered"),
	};
	unsigned a = ev->u.wire.action;

	line_add(l, _(" wire %s > %s: %s "), host_name(t, ev->u.wire.from),
		 host_name(t, ev->u.wire.to), a < TV_ARRAY_LEN(act) ? _(act[a]) : "?");
	put_frame(t, l, ev->u.wire.kind, ev->u.wire.has_seg, &ev->u.wire.seg, ev->u.wire.len);
}

/* Narration is carried in English and translated here, at display time,
 * so a lesson's `say` lines come out in the reader's language (the empty
 * string would look up the catalog header, so it is left alone). */
static void fmt_note(const struct text_out *t, struct line *l, const struct tv_event *ev)
{
	char text[sizeof(ev->u.note.text) + 1];

	(void)t;
	snprintf(text, sizeof(text), "%.*s", (int)sizeof(ev->u.note.text), ev->u.note.text);
	line_add(l, " # %s", text[0] ? gettext(text) : text);
}

typedef void (*fmt_fn)(const struct text_out *, struct line *, const struct tv_event *);

static const fmt_fn formatters[TV_EV_TYPE_COUNT] = {
	[TV_EV_STATE] = fmt_state,
	[TV_EV_SEG_IN] = fmt_seg,
	[TV_EV_SEG_OUT] = fmt_seg,
	[TV_EV_DROP] = fmt_drop,
	[TV_EV_TIMER_ARM] = fmt_timer,
	[TV_EV_TIMER_CANCEL] = fmt_timer,
	[TV_EV_TIMER_FIRE] = fmt_timer,
	[TV_EV_RETRANSMIT] = fmt_rexmit,
	[TV_EV_CWND] = fmt_cwnd,
	[TV_EV_SOCK] = fmt_sock,
	[TV_EV_ARP] = fmt_arp,
	[TV_EV_ICMP] = fmt_icmp,
	[TV_EV_GATE] = fmt_gate,
	[TV_EV_WIRE] = fmt_wire,
	[TV_EV_NOTE] = fmt_note,
};

size_t text_format(const struct text_out *t, const struct tv_event *ev, char *buf, size_t size)
{
	struct line l = {buf, size, 0};

	if (size)
		buf[0] = '\0';
	put_time(&l, ev->time);
	if ((unsigned)ev->type < TV_EV_TYPE_COUNT && formatters[ev->type])
		formatters[ev->type](t, &l, ev);
	else
		line_add(&l, " ?");
	return l.len;
}

void text_sink(void *ctx, const struct tv_event *ev)
{
	struct text_out *t = ctx;
	char buf[1024];

	text_learn(t, ev);
	if ((unsigned)ev->type >= TV_EV_TYPE_COUNT || !(t->mask & TEXT_BIT(ev->type)) ||
	    t->fp == NULL)
		return;
	text_format(t, ev, buf, sizeof(buf));
	fprintf(t->fp, "%s\n", buf);
	t->lines++;
}
