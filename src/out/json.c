/*
 * json.c - JSON lines (see json.h for the schema).
 *
 * jsonl_format() builds one jansson object per event: the common fields,
 * then the type's own through a table of small builders, and dumps it
 * compact.  Relative sequence numbers come from a text_out used only for
 * its learning (text_learn/text_seq_base), so the transcript and the
 * JSON agree on them.  Objects keep insertion order (jansson >= 2.8), so
 * the same run gives the same bytes.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/sim.h"
#include "core/tcp.h"
#include "out/json.h"
#include "out/text.h"
#include "out/util.h"

struct jsonl_out {
	FILE *fp;
	struct text_out *names;   /* host names and sequence bases */
	unsigned mask;
	unsigned long lines, errors;
};

struct jsonl_out *jsonl_new(FILE *fp)
{
	struct jsonl_out *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->names = text_new(NULL);
	if (j->names == NULL) {
		free(j);
		return NULL;
	}
	j->fp = fp;
	j->mask = (1u << TV_EV_TYPE_COUNT) - 1;
	return j;
}

void jsonl_free(struct jsonl_out *j)
{
	if (j == NULL)
		return;
	text_free(j->names);
	free(j);
}

int jsonl_add_host(struct jsonl_out *j, uint32_t id, const char *name, uint32_t addr)
{
	return text_add_host(j->names, id, name, addr);
}

int jsonl_add_sim_hosts(struct jsonl_out *j, const struct sim *s)
{
	return text_add_sim_hosts(j->names, s);
}

void jsonl_set_mask(struct jsonl_out *j, unsigned mask)
{
	j->mask = mask;
}

unsigned long jsonl_lines(const struct jsonl_out *j)
{
	return j->lines;
}

unsigned long jsonl_errors(const struct jsonl_out *j)
{
	return j->errors;
}

void jsonl_learn(struct jsonl_out *j, const struct tv_event *ev)
{
	text_learn(j->names, ev);
}

/* ---- values ---- */

/* Set key to v (the reference is stolen).  A NULL v (out of memory) makes
 * json_object_set_new fail: the caller ORs the results and drops a line
 * it could not build whole. */
static int put(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

static json_t *ip_value(uint32_t addr)
{
	char b[16];

	return json_string(tv_ip_str(addr, b));
}

static json_t *mac_value(const uint8_t m[6])
{
	char b[18];

	snprintf(b, sizeof(b), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	return json_string(b);
}

static json_t *host_value(const struct jsonl_out *j, uint32_t id)
{
	const char *name = text_host_name(j->names, id);
	char b[16];

	if (name != NULL)
		return json_string(name);
	snprintf(b, sizeof(b), "#%lu", (unsigned long)id);
	return json_string(b);
}

static json_t *options_value(const struct tv_seg_info *s)
{
	json_t *o = json_object();
	int err = 0;

	if (o == NULL)
		return NULL;
	if (s->has_mss)
		err |= put(o, "mss", json_integer(s->mss));
	if (s->has_wscale)
		err |= put(o, "wscale", json_integer(s->wscale));
	if (s->sack_ok)
		err |= put(o, "sack_ok", json_true());
	if (s->has_ts) {
		err |= put(o, "tsval", json_integer(s->tsval));
		err |= put(o, "tsecr", json_integer(s->tsecr));
	}
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *seg_value(const struct jsonl_out *j, const struct tv_seg_info *s)
{
	char fw[OUT_FLAGS_MAX];
	uint32_t base;
	json_t *o;
	int err = 0;

	o = json_pack("{s:o, s:i, s:o, s:i, s:s, s:I, s:I, s:i, s:I}", "src", ip_value(s->saddr),
		      "sport", (int)s->sport, "dst", ip_value(s->daddr), "dport", (int)s->dport,
		      "flags", out_flags_words(s->flags, fw), "seq", (json_int_t)s->seq, "ack",
		      (json_int_t)s->ack, "win", (int)s->win, "len", (json_int_t)s->len);
	if (o == NULL)
		return NULL;
	if (text_seq_base(j->names, s->saddr, s->sport, s->daddr, s->dport, &base))
		err |= put(o, "rseq", json_integer((uint32_t)(s->seq - base)));
	if (text_seq_base(j->names, s->daddr, s->dport, s->saddr, s->sport, &base))
		err |= put(o, "rack", json_integer((uint32_t)(s->ack - base)));
	err |= put(o, "options", options_value(s));
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *frame_kind_name(uint8_t kind)
{
	static const char *const names[] = {"other", "arp", "ipv4", "icmp", "tcp"};

	return kind < TV_ARRAY_LEN(names) ? names[kind] : "other";
}

/* ---- one builder per type: add the type's fields to o ---- */

typedef int (*build_fn)(const struct jsonl_out *, json_t *, const struct tv_event *);

static int build_state(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	(void)j;
	return put(o, "old", json_string(tcb_state_name(ev->u.state.old_state))) |
	       put(o, "new", json_string(tcb_state_name(ev->u.state.new_state)));
}

static int build_seg(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	return put(o, "seg", seg_value(j, &ev->u.seg));
}

static int build_drop(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	int err = put(o, "counter", json_string(tv_counter_name(ev->u.drop.counter)));

	if (ev->u.drop.has_seg)
		err |= put(o, "seg", seg_value(j, &ev->u.drop.seg));
	return err;
}

static int build_timer(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	(void)j;
	return put(o, "timer", json_string(tv_timer_kind_name(ev->u.timer.kind))) |
	       put(o, "deadline", json_integer((json_int_t)ev->u.timer.deadline)) |
	       put(o, "count", json_integer(ev->u.timer.count));
}

static int build_rexmit(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	char fw[OUT_FLAGS_MAX];

	(void)j;
	return put(o, "seq", json_integer(ev->u.rexmit.seq)) |
	       put(o, "len", json_integer(ev->u.rexmit.len)) |
	       put(o, "flags", json_string(out_flags_words(ev->u.rexmit.flags, fw))) |
	       put(o, "count", json_integer(ev->u.rexmit.count)) |
	       put(o, "rto", json_integer((json_int_t)ev->u.rexmit.rto));
}

static int build_cwnd(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	(void)j;
	return put(o, "cwnd", json_integer(ev->u.cwnd.cwnd)) |
	       put(o, "ssthresh", json_integer(ev->u.cwnd.ssthresh));
}

static int build_sock(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	int err;

	(void)j;
	err = put(o, "what", json_string(tv_sock_event_name(ev->u.sock.what))) |
	      put(o, "err", json_integer(ev->u.sock.err));
	if (ev->u.sock.err)
		err |= put(o, "error", json_string(tv_strerror(ev->u.sock.err)));
	return err | put(o, "bytes", json_integer(ev->u.sock.bytes));
}

static int build_arp(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	static const char *const change[] = {
		"incomplete", "learned", "changed", "static", "expired", "evicted", "failed",
	};
	unsigned c = ev->u.arp.change;
	int err;

	(void)j;
	if (ev->u.arp.op == 0)
		return put(o, "op", json_string("cache")) |
		       put(o, "addr", ip_value(ev->u.arp.spa)) |
		       put(o, "mac", mac_value(ev->u.arp.sha)) |
		       put(o, "change", json_string(c < TV_ARRAY_LEN(change) ? change[c] : "?"));
	err = put(o, "op", json_string(ev->u.arp.op == 1 ? "request" : "reply")) |
	      put(o, "out", json_boolean(ev->u.arp.out));
	return err | put(o, "spa", ip_value(ev->u.arp.spa)) |
	       put(o, "tpa", ip_value(ev->u.arp.tpa)) | put(o, "sha", mac_value(ev->u.arp.sha)) |
	       put(o, "tha", mac_value(ev->u.arp.tha));
}

static int build_icmp(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	(void)j;
	return put(o, "icmp_type", json_integer(ev->u.icmp.type)) |
	       put(o, "code", json_integer(ev->u.icmp.code)) |
	       put(o, "out", json_boolean(ev->u.icmp.out)) |
	       put(o, "src", ip_value(ev->u.icmp.saddr)) |
	       put(o, "dst", ip_value(ev->u.icmp.daddr)) |
	       put(o, "id", json_integer(ev->u.icmp.id)) |
	       put(o, "seq", json_integer(ev->u.icmp.seq));
}

static int build_gate(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
#define g (&ev->u.gate)
	int err = put(o, "action", json_string(tv_gate_action_name(g->action))) |
		  put(o, "dir", json_string(g->dir == TV_DIR_IN ? "in" : "out")) |
		  put(o, "frame", json_integer(g->frame)) | put(o, "len", json_integer(g->len)) |
		  put(o, "kind", json_string(frame_kind_name(g->kind))) |
		  put(o, "gate_rule", json_integer(g->rule));

	if (g->action == TV_GATE_DUPLICATED)
		err |= put(o, "copy", json_integer(g->copy));
	if (g->action == TV_GATE_DELAYED)
		err |= put(o, "until", json_integer((json_int_t)g->until));
	if (g->action == TV_GATE_DROPPED)
		err |= put(o, "overflow", json_boolean(g->overflow));
	if (g->has_seg)
		err |= put(o, "seg", seg_value(j, &g->seg));
	return err;
#undef g
}

static int build_wire(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
#define w (&ev->u.wire)
	int err = put(o, "action", json_string(tv_wire_action_name(w->action))) |
		  put(o, "from", host_value(j, w->from));

	if (w->to != 0)
		err |= put(o, "to", host_value(j, w->to));
	err |= put(o, "len", json_integer(w->len)) |
	       put(o, "kind", json_string(frame_kind_name(w->kind)));
	if (w->has_seg)
		err |= put(o, "seg", seg_value(j, &w->seg));
	return err;
#undef w
}

static int build_note(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	char text[sizeof(ev->u.note.text) + 1];
	const char *nul = memchr(ev->u.note.text, '\0', sizeof(ev->u.note.text));
	size_t n = nul ? (size_t)(nul - ev->u.note.text) : sizeof(ev->u.note.text);
	json_t *v;

	(void)j;
	memcpy(text, ev->u.note.text, n);
	text[n] = '\0';
	/* json_string refuses invalid UTF-8; a note cut at its size limit
	 * may end inside a character: drop that tail (at most 3 bytes). */
	for (int cut = 0; (v = json_string(text)) == NULL && cut < 3 && n > 0; cut++)
		text[--n] = '\0';
	return put(o, "text", v ? v : json_string("?"));
}

static const build_fn builders[TV_EV_TYPE_COUNT] = {
	[TV_EV_STATE] = build_state,	  [TV_EV_SEG_IN] = build_seg,
	[TV_EV_SEG_OUT] = build_seg,	  [TV_EV_DROP] = build_drop,
	[TV_EV_TIMER_ARM] = build_timer,  [TV_EV_TIMER_CANCEL] = build_timer,
	[TV_EV_TIMER_FIRE] = build_timer, [TV_EV_RETRANSMIT] = build_rexmit,
	[TV_EV_CWND] = build_cwnd,	  [TV_EV_SOCK] = build_sock,
	[TV_EV_ARP] = build_arp,	  [TV_EV_ICMP] = build_icmp,
	[TV_EV_GATE] = build_gate,	  [TV_EV_WIRE] = build_wire,
	[TV_EV_NOTE] = build_note,
};

/* ---- the line ---- */

static json_t *tuple_value(const struct tv_tuple *u)
{
	return json_pack("{s:o, s:i, s:o, s:i}", "laddr", ip_value(u->laddr), "lport",
			 (int)u->lport, "raddr", ip_value(u->raddr), "rport", (int)u->rport);
}

static int build_common(const struct jsonl_out *j, json_t *o, const struct tv_event *ev)
{
	int err = put(o, "type", json_string(tv_event_type_name(ev->type))) |
		  put(o, "t", json_integer((json_int_t)ev->time));

	if (ev->host != 0)
		err |= put(o, "host", host_value(j, ev->host));
	if (ev->conn != 0)
		err |= put(o, "conn", json_integer(ev->conn)) |
		       put(o, "tuple", tuple_value(&ev->tuple));
	if (ev->rule != TV_RULE_NONE)
		err |= put(o, "rule", json_string(tv_rule_id(ev->rule))) |
		       put(o, "ref", json_string(tv_rule_ref(ev->rule))) |
		       put(o, "why", json_string(tv_rule_text(ev->rule)));
	return err;
}

/* The event as a jansson object (a new reference), NULL if it could not
 * be built whole. */
static json_t *jsonl_build(const struct jsonl_out *j, const struct tv_event *ev)
{
	json_t *o = json_object();
	int err;

	if (o == NULL)
		return NULL;
	err = build_common(j, o, ev);
	if ((unsigned)ev->type < TV_EV_TYPE_COUNT && builders[ev->type])
		err |= builders[ev->type](j, o, ev);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *jsonl_format(const struct jsonl_out *j, const struct tv_event *ev)
{
	json_t *o = jsonl_build(j, ev);
	char *line;

	if (o == NULL)
		return NULL;
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return line;
}

void jsonl_sink(void *ctx, const struct tv_event *ev)
{
	struct jsonl_out *j = ctx;
	json_t *o;

	jsonl_learn(j, ev);
	if ((unsigned)ev->type >= TV_EV_TYPE_COUNT || !(j->mask & (1u << ev->type)) ||
	    j->fp == NULL)
		return;
	o = jsonl_build(j, ev);
	if (o == NULL || json_dumpf(o, j->fp, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', j->fp) == EOF)
		j->errors++;
	else
		j->lines++;
	json_decref(o);
}
