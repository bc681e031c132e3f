/*
 * explain.c - the explanation panel's words (explain.h): a sentence for
 * any event, the long explanation of a rule, the "why" cards.
 *
 * Everything is translated when it is asked for, so the panel follows a
 * language switch at the next redraw.  A sentence is built from a
 * translated format with positional arguments ("%1$s received %2$s from
 * %3$s"), so a translation may put the host, the segment and the peer in
 * whatever order its language wants.  Host names come from the model; a
 * segment is shown as its flags and numbers, relative to the flow's
 * initial sequence numbers when the model knows them (as the ladder and
 * the transcript show them).  RFC state names are never translated.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/host.h"
#include "core/tcp.h"
#include "i18n.h"
#include "tui/explain.h"
#include "tui/explain_int.h"
#include "tui/model.h"

#define NAME_MAX_BYTES 40
#define LABEL_MAX_BYTES 160

/* ---- cards and rules ---- */

int explain_card_count(void)
{
	return EXPLAIN_CARD_COUNT;
}

const char *explain_card_title(int i)
{
	return i >= 0 && i < EXPLAIN_CARD_COUNT ? _(explain_cards[i].title) : "";
}

const char *explain_card_body(int i)
{
	return i >= 0 && i < EXPLAIN_CARD_COUNT ? _(explain_cards[i].body) : "";
}

const char *explain_rule(enum tv_rule r)
{
	if ((unsigned)r >= TV_RULE_COUNT || r == TV_RULE_NONE || explain_rules[r] == NULL)
		return "";
	return _(explain_rules[r]);
}

/* ---- which card an event calls for ---- */

static int card_for_rule(enum tv_rule r)
{
	switch (r) {
	case TV_RULE_TIME_WAIT_FIN: case TV_RULE_TIME_WAIT_RST: case TV_RULE_TIME_WAIT_EXPIRED:
	case TV_RULE_TIME_WAIT_SYN:
		return EXPLAIN_CARD_TIME_WAIT;
	case TV_RULE_KEEPALIVE_PROBE: case TV_RULE_KEEPALIVE_DEAD: case TV_RULE_KEEPALIVE_ALIVE:
		return EXPLAIN_CARD_KEEPALIVE;
	case TV_RULE_REXMIT_TIMEOUT: case TV_RULE_REXMIT_GIVE_UP: case TV_RULE_FAST_RETRANSMIT:
	case TV_RULE_SYN_RCVD_DUP_SYN:
		return EXPLAIN_CARD_RETRANSMIT;
	case TV_RULE_SYN_SENT_BAD_ACK: case TV_RULE_SYN_RCVD_RST_PASSIVE:
	case TV_RULE_SYN_RCVD_SYN_PASSIVE:
		return EXPLAIN_CARD_THREE_WAY; /* the old duplicate SYN */
	case TV_RULE_RST_ACCEPTED: case TV_RULE_RST_CHALLENGE: case TV_RULE_RST_OUT_OF_WINDOW:
	case TV_RULE_CLOSED_RST: case TV_RULE_LISTEN_ACK: case TV_RULE_SYN_SENT_RST:
	case TV_RULE_APP_ABORT: case TV_RULE_SYN_CHALLENGE: case TV_RULE_CLOSE_UNREAD:
		return EXPLAIN_CARD_RST;
	case TV_RULE_PERSIST_PROBE: case TV_RULE_WINDOW_UPDATE:
		return EXPLAIN_CARD_WINDOW;
	case TV_RULE_SLOW_START: case TV_RULE_CONG_AVOID: case TV_RULE_RTO_LOSS:
	case TV_RULE_CWND_INIT: case TV_RULE_FAST_RECOVERY_PARTIAL:
	case TV_RULE_FAST_RECOVERY_EXIT: case TV_RULE_FAST_RECOVERY_INFLATE:
		return EXPLAIN_CARD_CONGESTION;
	default:
		return -1;
	}
}

static int card_for_state(int old, int new)
{
	switch (new) {
	case TCB_SYN_SENT: case TCB_SYN_RECEIVED:
		return EXPLAIN_CARD_THREE_WAY;
	case TCB_ESTABLISHED:
		return old == TCB_SYN_SENT || old == TCB_SYN_RECEIVED ? EXPLAIN_CARD_THREE_WAY : -1;
	case TCB_TIME_WAIT:
		return EXPLAIN_CARD_TIME_WAIT;
	case TCB_FIN_WAIT_1: case TCB_FIN_WAIT_2: case TCB_CLOSE_WAIT: case TCB_CLOSING:
	case TCB_LAST_ACK:
		return EXPLAIN_CARD_FOUR_WAY;
	case TCB_CLOSED:
		return old == TCB_LAST_ACK ? EXPLAIN_CARD_FOUR_WAY : -1;
	default:
		return -1;
	}
}

static int card_for_seg(const struct tv_seg_info *s)
{
	if (s->flags & TV_TH_RST)
		return EXPLAIN_CARD_RST;
	if (s->flags & (TV_TH_SYN | TV_TH_FIN))
		return EXPLAIN_CARD_SEQ_CONSUME;
	if (s->win == 0)
		return EXPLAIN_CARD_WINDOW;
	return s->len == 0 ? EXPLAIN_CARD_SEQ_CONSUME : -1;
}

static int card_for_timer(enum tv_timer_kind k)
{
	switch (k) {
	case TV_TIMER_REXMIT: return EXPLAIN_CARD_RETRANSMIT;
	case TV_TIMER_2MSL: return EXPLAIN_CARD_TIME_WAIT;
	case TV_TIMER_KEEPALIVE: return EXPLAIN_CARD_KEEPALIVE;
	case TV_TIMER_PERSIST: return EXPLAIN_CARD_WINDOW;
	default: return -1;
	}
}

int explain_card_for_event(const struct tv_event *ev)
{
	int card = card_for_rule(ev->rule);

	if (card >= 0)
		return card;
	switch (ev->type) {
	case TV_EV_STATE:
		return card_for_state(ev->u.state.old_state, ev->u.state.new_state);
	case TV_EV_SEG_OUT: case TV_EV_SEG_IN:
		return card_for_seg(&ev->u.seg);
	case TV_EV_TIMER_ARM: case TV_EV_TIMER_CANCEL: case TV_EV_TIMER_FIRE:
		return card_for_timer(ev->u.timer.kind);
	case TV_EV_RETRANSMIT:
		return EXPLAIN_CARD_RETRANSMIT;
	case TV_EV_CWND:
		return EXPLAIN_CARD_CONGESTION;
	case TV_EV_GATE:
		return ev->u.gate.action == TV_GATE_DROPPED ? EXPLAIN_CARD_RETRANSMIT : -1;
	case TV_EV_WIRE:
		return ev->u.wire.action == TV_WIRE_LOST ? EXPLAIN_CARD_RETRANSMIT : -1;
	default:
		return -1;
	}
}

/* ---- pieces of sentences ---- */

/* The longest prefix of s[0..len) that does not end inside a UTF-8
 * character. */
static size_t utf8_whole(const char *s, size_t len)
{
	size_t start = len;
	unsigned char b;

	while (start > 0 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return len;
	b = (unsigned char)s[--start];
	return start + (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1) <= len ? len : start;
}

/* snprintf's result cut at size, never inside a UTF-8 character. */
static size_t finish(char *buf, size_t size, int n)
{
	size_t len;

	if (size == 0)
		return 0;
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	len = (size_t)n < size ? (size_t)n : utf8_whole(buf, size - 1);
	buf[len] = '\0';
	return len;
}

static const char *host_name(const struct model *m, uint32_t id, char *b)
{
	return model_host_name(m, id, b, NAME_MAX_BYTES);
}

/* The host at an address, else the address itself. */
static const char *addr_name(const struct model *m, uint32_t addr, char *b)
{
	const struct tm_host *h = m ? model_host_by_addr(m, addr) : NULL;
	char ip[16];

	if (h != NULL && h->name[0] != '\0')
		snprintf(b, NAME_MAX_BYTES, "%s", h->name);
	else
		snprintf(b, NAME_MAX_BYTES, "%s", tv_ip_str(addr, ip));
	return b;
}

/* "SYN,ACK": the flag words in the order tcpdump and the JSON use. */
static const char *flag_words(uint8_t flags, char *b, size_t size)
{
	static const struct {
		uint8_t bit;
		const char *w;
	} words[] = {
		{TV_TH_SYN, "SYN"}, {TV_TH_FIN, "FIN"}, {TV_TH_RST, "RST"}, {TV_TH_PSH, "PSH"},
		{TV_TH_ACK, "ACK"}, {TV_TH_URG, "URG"}, {TV_TH_ECE, "ECE"}, {TV_TH_CWR, "CWR"},
	};
	size_t n = 0;

	b[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (flags & words[i].bit)
			n += (size_t)snprintf(b + n, n < size ? size - n : 0, "%s%s", n ? "," : "",
					      words[i].w);
	if (n == 0)
		snprintf(b, size, "%s", _("a segment without flags"));
	return b;
}

/* "FIN,ACK (seq 4, ack 1, 3 bytes)", numbers relative when known. */
static const char *seg_label(const struct model *m, const struct tv_seg_info *s, bool rel,
			     bool with_ack, char *b)
{
	const struct tm_flow *f = m && rel ? model_flow_of_seg(m, s, NULL) : NULL;
	int l = f ? (f->addr[0] == s->saddr && f->port[0] == s->sport ? 0 : 1) : 0;
	uint32_t seq = s->seq, ack = s->ack;
	char fw[48], nums[96];
	size_t n;

	if (f != NULL && f->isn_known[l])
		seq -= f->isn[l];
	if (f != NULL && f->isn_known[!l])
		ack -= f->isn[!l];
	n = finish(nums, sizeof(nums), snprintf(nums, sizeof(nums), _("seq %u"), (unsigned)seq));
	if (with_ack && (s->flags & TV_TH_ACK))
		n += finish(nums + n, sizeof(nums) - n,
			    snprintf(nums + n, sizeof(nums) - n, _(", ack %u"), (unsigned)ack));
	if (s->len != 0)
		finish(nums + n, sizeof(nums) - n,
		       snprintf(nums + n, sizeof(nums) - n,
				ngettext(", %u byte", ", %u bytes", s->len), (unsigned)s->len));
	finish(b, LABEL_MAX_BYTES,
	       snprintf(b, LABEL_MAX_BYTES, "%s (%s)", flag_words(s->flags, fw, sizeof(fw)), nums));
	return b;
}

/* "1 s", "200 ms", "1.500 s" */
static const char *duration(tv_time d, char *b, size_t size)
{
	if (d % 1000000 == 0)
		snprintf(b, size, "%" PRIu64 " s", d / 1000000);
	else if (d < 1000000 && d % 1000 == 0)
		snprintf(b, size, "%" PRIu64 " ms", d / 1000);
	else
		snprintf(b, size, "%.3f s", (double)d / 1e6);
	return b;
}

/* Virtual time as the transcript prints it: "3.630000". */
static const char *vtime(tv_time t, char *b, size_t size)
{
	snprintf(b, size, "%" PRIu64 ".%06" PRIu64, t / 1000000, t % 1000000);
	return b;
}

static const char *timer_name(enum tv_timer_kind k)
{
	static const char *const names[TV_TIMER_KIND_COUNT] = {
		[TV_TIMER_REXMIT] = N_("retransmission"), [TV_TIMER_PERSIST] = N_("persist"),
		[TV_TIMER_DELACK] = N_("delayed-ACK"),     [TV_TIMER_KEEPALIVE] = N_("keepalive"),
		[TV_TIMER_2MSL] = N_("2MSL"),              [TV_TIMER_CONN] = N_("connection"),
		[TV_TIMER_ARP] = N_("ARP"),
	};

	return (unsigned)k < TV_TIMER_KIND_COUNT ? _(names[k]) : "?";
}

static const char *state_name(int s)
{
	return s >= 0 && s < TCB_STATE_COUNT ? tcb_state_name((enum tcb_state)s) : "?";
}

/* ---- one sentence per event type ---- */

struct ctx {
	const struct model *m;
	const struct tv_event *ev;
	bool rel;
	char *buf;
	size_t size;
	char host[NAME_MAX_BYTES], peer[NAME_MAX_BYTES];
};

/* What a state change's rule says arrived, NULL for rules that are not
 * about a segment received. */
static const char *state_trigger(enum tv_rule r)
{
	switch (r) {
	case TV_RULE_LISTEN_SYN: case TV_RULE_SYN_SENT_SYN: return "SYN";
	case TV_RULE_SYN_SENT_SYNACK: return "SYN,ACK";
	case TV_RULE_SYN_RCVD_ACK: return _("the ACK of its SYN");
	case TV_RULE_FIN_RECEIVED: case TV_RULE_FIN_SIMULTANEOUS: return "FIN";
	case TV_RULE_FIN_ACKED: return _("the ACK of its FIN");
	case TV_RULE_FIN_ACKED_AND_FIN: return _("FIN and the ACK of its FIN");
	case TV_RULE_TIME_WAIT_FIN: return _("FIN again");
	case TV_RULE_RST_ACCEPTED: case TV_RULE_SYN_SENT_RST: case TV_RULE_SYN_RCVD_RST_PASSIVE:
	case TV_RULE_SYN_RCVD_RST_ACTIVE: return "RST";
	case TV_RULE_SYN_RCVD_SYN_PASSIVE: return _("a new SYN");
	default: return NULL;
	}
}

static int ex_state(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	const char *old = state_name(ev->u.state.old_state), *new = state_name(ev->u.state.new_state);
	const char *what = state_trigger(ev->rule);

	if (what != NULL)
		return snprintf(c->buf, c->size, _("%1$s received %2$s from %3$s: %4$s → %5$s"),
				c->host, what, addr_name(c->m, ev->tuple.raddr, c->peer), old, new);
	if (ev->rule != TV_RULE_NONE)
		return snprintf(c->buf, c->size, _("%1$s: %2$s → %3$s (%4$s)"), c->host, old, new,
				_(tv_rule_text(ev->rule)));
	return snprintf(c->buf, c->size, _("%1$s: %2$s → %3$s"), c->host, old, new);
}

/* Why a segment went out when no rule says: from its flags. */
static const char *seg_reason(const struct tv_seg_info *s)
{
	uint8_t f = s->flags;

	if (f & TV_TH_RST)
		return _("the connection is reset");
	if ((f & TV_TH_SYN) && !(f & TV_TH_ACK))
		return _("it opens a connection; the SYN uses up one sequence number");
	if (f & TV_TH_SYN)
		return _("it accepts the connection and acknowledges the SYN");
	if (f & TV_TH_FIN)
		return _("the application closed; the FIN uses up one sequence number");
	if (s->len == 0 && (f & TV_TH_ACK))
		return _("a bare ACK: it uses no sequence number");
	return NULL;
}

static int ex_seg_out(struct ctx *c)
{
	const struct tv_seg_info *s = &c->ev->u.seg;
	const char *why = c->ev->rule != TV_RULE_NONE ? _(tv_rule_text(c->ev->rule)) : seg_reason(s);
	char label[LABEL_MAX_BYTES];

	seg_label(c->m, s, c->rel, true, label);
	addr_name(c->m, s->daddr, c->peer);
	if (why != NULL)
		return snprintf(c->buf, c->size, _("%1$s sent %2$s to %3$s: %4$s"), c->host, label,
				c->peer, why);
	return snprintf(c->buf, c->size, _("%1$s sent %2$s to %3$s"), c->host, label, c->peer);
}

static int ex_seg_in(struct ctx *c)
{
	const struct tv_seg_info *s = &c->ev->u.seg;
	char label[LABEL_MAX_BYTES];

	return snprintf(c->buf, c->size, _("%1$s received %2$s from %3$s"), c->host,
			seg_label(c->m, s, c->rel, true, label), addr_name(c->m, s->saddr, c->peer));
}

static int ex_drop(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	const char *why = ev->rule != TV_RULE_NONE ? _(tv_rule_text(ev->rule))
						   : _(tv_counter_desc(ev->u.drop.counter));
	char label[LABEL_MAX_BYTES];

	if (!ev->u.drop.has_seg)
		return snprintf(c->buf, c->size, _("%1$s dropped a frame: %2$s"), c->host, why);
	return snprintf(c->buf, c->size, _("%1$s discarded %2$s from %3$s: %4$s"), c->host,
			seg_label(c->m, &ev->u.drop.seg, c->rel, true, label),
			addr_name(c->m, ev->u.drop.seg.saddr, c->peer), why);
}

static int ex_timer_fire(struct ctx *c)
{
	static const char *const fired[TV_TIMER_KIND_COUNT] = {
		[TV_TIMER_REXMIT] = N_("%s: the retransmission timer expired: the oldest "
				       "unacknowledged segment is sent again"),
		[TV_TIMER_PERSIST] = N_("%s: the persist timer expired: a window probe is sent"),
		[TV_TIMER_DELACK] = N_("%s: the delayed-ACK timer expired: the ACK is sent"),
		[TV_TIMER_KEEPALIVE] = N_("%s: the keepalive timer expired: time to probe the "
					  "peer"),
		[TV_TIMER_2MSL] = N_("%s: 2MSL has elapsed: TIME-WAIT is over"),
		[TV_TIMER_CONN] = N_("%s: the connection timer expired"),
		[TV_TIMER_ARP] = N_("%s: the ARP timer expired"),
	};
	enum tv_timer_kind k = c->ev->u.timer.kind;

	if ((unsigned)k >= TV_TIMER_KIND_COUNT)
		return snprintf(c->buf, c->size, "%s", c->host);
	return snprintf(c->buf, c->size, _(fired[k]), c->host);
}

static int ex_timer(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	tv_time d = ev->u.timer.deadline > ev->time ? ev->u.timer.deadline - ev->time : 0;
	char dur[32];

	if (ev->type == TV_EV_TIMER_FIRE)
		return ex_timer_fire(c);
	if (ev->type == TV_EV_TIMER_CANCEL)
		return snprintf(c->buf, c->size, _("%1$s stopped its %2$s timer"), c->host,
				timer_name(ev->u.timer.kind));
	return snprintf(c->buf, c->size, _("%1$s started its %2$s timer: it expires in %3$s"),
			c->host, timer_name(ev->u.timer.kind), duration(d, dur, sizeof(dur)));
}

static int ex_rexmit(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	struct tv_seg_info s = {0};
	char label[LABEL_MAX_BYTES], dur[32];

	s.saddr = ev->tuple.laddr, s.sport = ev->tuple.lport;
	s.daddr = ev->tuple.raddr, s.dport = ev->tuple.rport;
	s.seq = ev->u.rexmit.seq, s.len = ev->u.rexmit.len, s.flags = ev->u.rexmit.flags;
	return snprintf(c->buf, c->size,
			_("%1$s retransmitted %2$s (retransmission %3$u; next timeout in %4$s)"),
			c->host, seg_label(c->m, &s, c->rel, false, label),
			(unsigned)ev->u.rexmit.count, duration(ev->u.rexmit.rto, dur, sizeof(dur)));
}

static int ex_cwnd(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	char ss[16];

	if (ev->u.cwnd.ssthresh == UINT32_MAX)
		snprintf(ss, sizeof(ss), "∞");
	else
		snprintf(ss, sizeof(ss), "%u", (unsigned)ev->u.cwnd.ssthresh);
	if (ev->rule != TV_RULE_NONE)
		return snprintf(c->buf, c->size, _("%1$s: cwnd %2$u bytes, ssthresh %3$s: %4$s"),
				c->host, (unsigned)ev->u.cwnd.cwnd, ss, _(tv_rule_text(ev->rule)));
	return snprintf(c->buf, c->size, _("%1$s: cwnd %2$u bytes, ssthresh %3$s"), c->host,
			(unsigned)ev->u.cwnd.cwnd, ss);
}

static int ex_sock(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	unsigned n = ev->u.sock.bytes;

	switch (ev->u.sock.what) {
	case TV_SOCK_CONNECTED:
		return snprintf(c->buf, c->size, _("%s: the connection is open: connect() completed"),
				c->host);
	case TV_SOCK_ACCEPTABLE:
		return snprintf(c->buf, c->size,
				_("%s: a new connection waits for the application to accept it"),
				c->host);
	case TV_SOCK_READABLE:
		if (n == 0)
			return snprintf(c->buf, c->size, _("%s: the application can read"), c->host);
		return snprintf(c->buf, c->size,
				ngettext("%1$s: %2$u byte is ready for the application",
					 "%1$s: %2$u bytes are ready for the application", n),
				c->host, n);
	case TV_SOCK_WRITABLE:
		return snprintf(c->buf, c->size, _("%s: the send buffer has room again"), c->host);
	case TV_SOCK_PEER_CLOSED:
		return snprintf(c->buf, c->size,
				_("%s: the peer closed its direction: the application reads end of "
				  "stream"),
				c->host);
	case TV_SOCK_ERROR:
		return snprintf(c->buf, c->size, _("%1$s: the connection failed: %2$s"), c->host,
				_(tv_strerror(ev->u.sock.err)));
	case TV_SOCK_CLOSED:
	default:
		return snprintf(c->buf, c->size, _("%s: the connection is gone"), c->host);
	}
}

static const char *mac_str(const uint8_t m[6], char *b, size_t size)
{
	snprintf(b, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return b;
}

static int ex_arp_cache(struct ctx *c)
{
	static const char *const what[TV_ARP_CHANGE_COUNT] = {
		[TV_ARP_INCOMPLETE] = N_("resolution started"), [TV_ARP_LEARNED] = N_("learned"),
		[TV_ARP_CHANGED] = N_("changed"),		 [TV_ARP_STATIC] = N_("static entry added"),
		[TV_ARP_EXPIRED] = N_("expired"),		 [TV_ARP_EVICTED] = N_("evicted: the cache is full"),
		[TV_ARP_FAILED] = N_("resolution failed: no answer"),
	};
	unsigned ch = c->ev->u.arp.change;
	char ip[16];

	return snprintf(c->buf, c->size, _("%1$s's ARP entry for %2$s: %3$s"), c->host,
			tv_ip_str(c->ev->u.arp.spa, ip), ch < TV_ARP_CHANGE_COUNT ? _(what[ch]) : "?");
}

static int ex_arp(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	char ip[16], mac[24];

	if (ev->u.arp.op == 0)
		return ex_arp_cache(c);
	if (ev->u.arp.op == 1 && ev->u.arp.out)
		return snprintf(c->buf, c->size, _("%1$s asks who has %2$s (ARP request)"), c->host,
				tv_ip_str(ev->u.arp.tpa, ip));
	if (ev->u.arp.op == 1)
		return snprintf(c->buf, c->size, _("%1$s received an ARP request for %2$s from %3$s"),
				c->host, tv_ip_str(ev->u.arp.tpa, ip),
				addr_name(c->m, ev->u.arp.spa, c->peer));
	return snprintf(c->buf, c->size,
			ev->u.arp.out ? _("%1$s answers: %2$s is at %3$s (ARP reply)")
				      : _("%1$s learned: %2$s is at %3$s (ARP reply)"),
			c->host, tv_ip_str(ev->u.arp.spa, ip), mac_str(ev->u.arp.sha, mac, sizeof(mac)));
}

static int ex_icmp(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	bool out = ev->u.icmp.out;
	const char *peer = addr_name(c->m, out ? ev->u.icmp.daddr : ev->u.icmp.saddr, c->peer);

	if (ev->u.icmp.type == 8)
		return snprintf(c->buf, c->size,
				out ? _("%1$s sent an echo request (ping) to %2$s")
				    : _("%1$s received an echo request (ping) from %2$s"),
				c->host, peer);
	if (ev->u.icmp.type == 0)
		return snprintf(c->buf, c->size,
				out ? _("%1$s sent an echo reply to %2$s")
				    : _("%1$s received an echo reply from %2$s"),
				c->host, peer);
	return snprintf(c->buf, c->size,
			out ? _("%1$s sent ICMP type %2$u code %3$u to %4$s")
			    : _("%1$s received ICMP type %2$u code %3$u from %4$s"),
			c->host, (unsigned)ev->u.icmp.type, (unsigned)ev->u.icmp.code, peer);
}

/* A frame the gate or the wire handled: "SYN (seq 0) from A to B". */
static const char *frame_desc(struct ctx *c, bool has_seg, const struct tv_seg_info *s,
			      uint8_t kind, uint32_t from, uint32_t to, char *b, size_t size)
{
	static const char *const kinds[] = {N_("a frame"), N_("an ARP frame"),
					    N_("an IPv4 packet"), N_("an ICMP message"),
					    N_("a segment")};
	char label[LABEL_MAX_BYTES], src[NAME_MAX_BYTES], dst[NAME_MAX_BYTES];

	if (has_seg) {
		seg_label(c->m, s, c->rel, true, label);
		addr_name(c->m, s->saddr, src);
		addr_name(c->m, s->daddr, dst);
	} else {
		snprintf(label, sizeof(label), "%s", _(kinds[kind < 5 ? kind : 0]));
		host_name(c->m, from, src);
		if (to == 0)
			snprintf(dst, sizeof(dst), "%s", _("everyone"));
		else
			host_name(c->m, to, dst);
	}
	if (!has_seg && from == 0)
		snprintf(b, size, "%s", label);
	else
		finish(b, size, snprintf(b, size, _("%1$s from %2$s to %3$s"), label, src, dst));
	return b;
}

static int ex_gate_dropped(struct ctx *c, const char *f)
{
	const struct tv_event *ev = c->ev;

	if (ev->u.gate.overflow)
		return snprintf(c->buf, c->size, _("%1$s's gate dropped %2$s: its hold queue is full"),
				c->host, f);
	if (ev->u.gate.rule != 0)
		return snprintf(c->buf, c->size, _("%1$s's gate dropped %2$s (rule %3$u)"), c->host,
				f, (unsigned)ev->u.gate.rule);
	return snprintf(c->buf, c->size, _("%1$s's gate dropped %2$s (frame %3$u)"), c->host, f,
			(unsigned)ev->u.gate.frame);
}

static int ex_gate(struct ctx *c)
{
	const struct tv_event *ev = c->ev;
	const char *dir = ev->u.gate.dir == TV_DIR_IN ? _("inbound") : _("outbound");
	unsigned id = ev->u.gate.frame;
	char f[LABEL_MAX_BYTES + 2 * NAME_MAX_BYTES + 32], t[32];

	frame_desc(c, ev->u.gate.has_seg, &ev->u.gate.seg, ev->u.gate.kind, 0, 0, f, sizeof(f));
	switch (ev->u.gate.action) {
	case TV_GATE_HELD:
		return snprintf(c->buf, c->size, _("%1$s's gate holds %2$s (frame %3$u, %4$s)"),
				c->host, f, id, dir);
	case TV_GATE_RELEASED:
		return snprintf(c->buf, c->size, _("%1$s's gate let frame %3$u go on: %2$s"), c->host,
				f, id);
	case TV_GATE_DROPPED:
		return ex_gate_dropped(c, f);
	case TV_GATE_DUPLICATED:
		return snprintf(c->buf, c->size,
				_("%1$s's gate duplicated %2$s (frame %3$u, copy %4$u)"), c->host, f,
				id, (unsigned)ev->u.gate.copy);
	case TV_GATE_DELAYED:
		return snprintf(c->buf, c->size, _("%1$s's gate delays %2$s until %3$s"), c->host, f,
				vtime(ev->u.gate.until, t, sizeof(t)));
	case TV_GATE_PASSED:
	default:
		return snprintf(c->buf, c->size, _("%1$s's gate passed %2$s"), c->host, f);
	}
}

static int ex_wire(struct ctx *c)
{
	static const char *const what[] = {
		[TV_WIRE_LOST] = N_("The wire lost %s"),
		[TV_WIRE_DUPLICATED] = N_("The wire duplicated %s"),
		[TV_WIRE_REORDERED] = N_("The wire reordered %s"),
		[TV_WIRE_DELIVERED] = N_("The wire delivered %s"),
	};
	const struct tv_event *ev = c->ev;
	unsigned a = ev->u.wire.action;
	char f[LABEL_MAX_BYTES + 2 * NAME_MAX_BYTES + 32];

	frame_desc(c, ev->u.wire.has_seg, &ev->u.wire.seg, ev->u.wire.kind, ev->u.wire.from,
		   ev->u.wire.to, f, sizeof(f));
	return snprintf(c->buf, c->size, _(what[a <= TV_WIRE_DELIVERED ? a : TV_WIRE_DELIVERED]), f);
}

static int ex_note(struct ctx *c)
{
	char text[sizeof(c->ev->u.note.text) + 1];

	memcpy(text, c->ev->u.note.text, sizeof(c->ev->u.note.text));
	text[sizeof(text) - 1] = '\0';
	return snprintf(c->buf, c->size, "%s", text[0] ? _(text) : "");
}

static int ex_dispatch(struct ctx *c)
{
	switch (c->ev->type) {
	case TV_EV_STATE: return ex_state(c);
	case TV_EV_SEG_OUT: return ex_seg_out(c);
	case TV_EV_SEG_IN: return ex_seg_in(c);
	case TV_EV_DROP: return ex_drop(c);
	case TV_EV_TIMER_ARM: case TV_EV_TIMER_CANCEL: case TV_EV_TIMER_FIRE: return ex_timer(c);
	case TV_EV_RETRANSMIT: return ex_rexmit(c);
	case TV_EV_CWND: return ex_cwnd(c);
	case TV_EV_SOCK: return ex_sock(c);
	case TV_EV_ARP: return ex_arp(c);
	case TV_EV_ICMP: return ex_icmp(c);
	case TV_EV_GATE: return ex_gate(c);
	case TV_EV_WIRE: return ex_wire(c);
	case TV_EV_NOTE: return ex_note(c);
	default: return snprintf(c->buf, c->size, "%s", "?");
	}
}

size_t explain_event_rel(const struct model *m, const struct tv_event *ev, bool relative,
			 char *buf, size_t size)
{
	struct ctx c = {m, ev, relative, buf, size, "", ""};

	if (buf == NULL || size == 0)
		return 0;
	if (ev == NULL) {
		buf[0] = '\0';
		return 0;
	}
	host_name(m, ev->host, c.host);
	return finish(buf, size, ex_dispatch(&c));
}

size_t explain_event(const struct model *m, const struct tv_event *ev, char *buf, size_t size)
{
	return explain_event_rel(m, ev, true, buf, size);
}
