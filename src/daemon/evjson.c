/*
 * evjson.c - JSON event lines back into struct tv_event (see evjson.h).
 *
 * The mirror of src/out/json.c: the common fields first, then one small
 * decoder per event type through a table.  Names (event types, rules,
 * counters, timers, states...) are looked up in the core's own tables, so
 * a name the core gains is understood here at once.  A missing optional
 * field leaves zero; a field of the wrong JSON kind fails the event, so a
 * broken line is never half-believed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/tcp.h"
#include "daemon/evjson.h"

struct evjson {
	struct evjson_host hosts[EVJSON_HOSTS_MAX];
	unsigned nhosts;
};

struct evjson *evjson_new(void)
{
	return calloc(1, sizeof(struct evjson));
}

void evjson_free(struct evjson *d)
{
	free(d);
}

/* ---- hosts ---- */

static struct evjson_host *host_by_id(struct evjson *d, uint32_t id)
{
	for (unsigned i = 0; i < d->nhosts; i++)
		if (d->hosts[i].id == id)
			return &d->hosts[i];
	return NULL;
}

const struct evjson_host *evjson_host_by_name(const struct evjson *d, const char *name)
{
	for (unsigned i = 0; i < d->nhosts; i++)
		if (strcmp(d->hosts[i].name, name) == 0)
			return &d->hosts[i];
	return NULL;
}

/* One {"id","name","addr"} entry: 1 new, 0 known or no room, -1 bad. */
static int host_add(struct evjson *d, const json_t *e, struct evjson_host **out)
{
	json_t *id = json_object_get(e, "id"), *name = json_object_get(e, "name");
	json_t *addr = json_object_get(e, "addr");
	struct evjson_host *h;
	uint32_t a = 0;

	if (!json_is_integer(id) || !json_is_string(name) ||
	    (addr != NULL && (!json_is_string(addr) || tv_ip_parse(json_string_value(addr), &a))))
		return -1;
	if (host_by_id(d, (uint32_t)json_integer_value(id)) != NULL ||
	    d->nhosts >= EVJSON_HOSTS_MAX)
		return 0;
	h = &d->hosts[d->nhosts++];
	h->id = (uint32_t)json_integer_value(id);
	h->addr = a;
	snprintf(h->name, sizeof(h->name), "%s", json_string_value(name));
	*out = h;
	return 1;
}

int evjson_add_hosts(struct evjson *d, const json_t *hosts,
		     void (*added)(void *ctx, const struct evjson_host *h), void *ctx)
{
	struct evjson_host *h = NULL;
	size_t i;
	json_t *e;
	int n = 0, r;

	if (!json_is_array(hosts))
		return -1;
	json_array_foreach(hosts, i, e) {
		if ((r = host_add(d, e, &h)) < 0)
			return -1;
		if (r > 0 && added != NULL)
			added(ctx, h);
		n += r;
	}
	return n;
}

/* ---- values ---- */

/* Field readers: absent leaves *v alone and succeeds; a value of the
 * wrong kind fails (returns 1, so callers OR them). */
static int get_u64(const json_t *o, const char *key, uint64_t *v)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return 0;
	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return 1;
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

static int get_u32(const json_t *o, const char *key, uint32_t *v)
{
	uint64_t x = *v;
	int err = get_u64(o, key, &x);

	*v = (uint32_t)x;
	return err | (x > UINT32_MAX);
}

static int get_u16(const json_t *o, const char *key, uint16_t *v)
{
	uint32_t x = *v;
	int err = get_u32(o, key, &x);

	*v = (uint16_t)x;
	return err | (x > UINT16_MAX);
}

static int get_u8(const json_t *o, const char *key, uint8_t *v)
{
	uint32_t x = *v;
	int err = get_u32(o, key, &x);

	*v = (uint8_t)x;
	return err | (x > UINT8_MAX);
}

static int get_bool(const json_t *o, const char *key, bool *v)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return 0;
	if (!json_is_boolean(x))
		return 1;
	*v = json_is_true(x);
	return 0;
}

static int get_ip(const json_t *o, const char *key, uint32_t *v)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return 0;
	return !json_is_string(x) || tv_ip_parse(json_string_value(x), v) != 0;
}

static int get_mac(const json_t *o, const char *key, uint8_t m[6])
{
	json_t *x = json_object_get(o, key);
	unsigned b[6];
	char end;

	if (x == NULL)
		return 0;
	if (!json_is_string(x) || sscanf(json_string_value(x), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0],
					 &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
		return 1;
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
	return 0;
}

int evjson_get_name(const json_t *o, const char *key, const char *(*fn)(int), int n, int *v)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return 0;
	if (!json_is_string(x))
		return 1;
	for (int i = 0; i < n; i++)
		if (strcmp(fn(i), json_string_value(x)) == 0) {
			*v = i;
			return 0;
		}
	return 1;
}

/* Typed adaptors for get_name (the core's name functions take enums). */
static const char *n_type(int i) { return tv_event_type_name((enum tv_event_type)i); }
static const char *n_rule(int i) { return tv_rule_id((enum tv_rule)i); }
static const char *n_state(int i) { return tcb_state_name((enum tcb_state)i); }
static const char *n_counter(int i) { return tv_counter_name((enum tv_counter)i); }
static const char *n_timer(int i) { return tv_timer_kind_name((enum tv_timer_kind)i); }
static const char *n_sock(int i) { return tv_sock_event_name((enum tv_sock_event)i); }
static const char *n_gate(int i) { return tv_gate_action_name((enum tv_gate_action)i); }
static const char *n_wire(int i) { return tv_wire_action_name((enum tv_wire_action)i); }

static const char *n_kind(int i)
{
	static const char *const names[] = {"other", "arp", "ipv4", "icmp", "tcp"};

	return names[i];
}

static const char *n_change(int i)
{
	static const char *const names[] = {"incomplete", "learned", "changed", "static",
					    "expired",	  "evicted", "failed"};

	return names[i];
}

static const char *n_dir(int i)
{
	return i == TV_DIR_IN ? "in" : "out";
}

/* "SYN,ACK" back into TV_TH_* bits. */
static int get_flags(const json_t *o, const char *key, uint8_t *v)
{
	static const struct {
		const char *w;
		uint8_t bit;
	} words[] = {
		{"SYN", TV_TH_SYN}, {"FIN", TV_TH_FIN}, {"RST", TV_TH_RST}, {"PSH", TV_TH_PSH},
		{"ACK", TV_TH_ACK}, {"URG", TV_TH_URG}, {"ECE", TV_TH_ECE}, {"CWR", TV_TH_CWR},
	};
	json_t *x = json_object_get(o, key);
	const char *s;

	if (x == NULL)
		return 0;
	if (!json_is_string(x))
		return 1;
	*v = 0;
	for (s = json_string_value(x); *s != '\0';) {
		size_t k = strcspn(s, ","), i;
		for (i = 0; i < TV_ARRAY_LEN(words); i++)
			if (strlen(words[i].w) == k && strncmp(words[i].w, s, k) == 0)
				break;
		if (i == TV_ARRAY_LEN(words))
			return 1;
		*v |= words[i].bit;
		s += k + (s[k] == ',');
	}
	return 0;
}

static int get_host(const struct evjson *d, const json_t *o, const char *key, uint32_t *v)
{
	json_t *x = json_object_get(o, key);
	const struct evjson_host *h;
	const char *s;
	char *end;

	if (x == NULL)
		return 0;
	if (!json_is_string(x))
		return 1;
	s = json_string_value(x);
	if ((h = evjson_host_by_name(d, s)) != NULL) {
		*v = h->id;
		return 0;
	}
	/* A host without a name is written "#<id>". */
	if (s[0] == '#') {
		unsigned long id = strtoul(s + 1, &end, 10);
		if (end != s + 1 && *end == '\0' && id <= UINT32_MAX) {
			*v = (uint32_t)id;
			return 0;
		}
	}
	*v = 0;
	return 0;
}

static int get_options(const json_t *o, struct tv_seg_info *s)
{
	uint16_t wscale = 0;
	int err = 0;

	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return 1;
	s->has_mss = json_object_get(o, "mss") != NULL;
	s->has_wscale = json_object_get(o, "wscale") != NULL;
	s->has_ts = json_object_get(o, "tsval") != NULL;
	err |= get_u16(o, "mss", &s->mss) | get_u16(o, "wscale", &wscale);
	s->wscale = (uint8_t)wscale;
	s->sack_ok = json_is_true(json_object_get(o, "sack_ok"));
	return err | get_u32(o, "tsval", &s->tsval) | get_u32(o, "tsecr", &s->tsecr);
}

/* A segment object.  local_src: the event's host sent it (seg_out), so
 * rseq is relative to its ISS; for seg_in the other way round. */
static int get_seg(const json_t *parent, struct tv_seg_info *s, int local_src, bool *has)
{
	const json_t *o = json_object_get(parent, "seg");
	uint64_t rseq = UINT64_MAX, rack = UINT64_MAX;
	int err;

	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return 1;
	err = get_ip(o, "src", &s->saddr) | get_u16(o, "sport", &s->sport) |
	      get_ip(o, "dst", &s->daddr) | get_u16(o, "dport", &s->dport) |
	      get_flags(o, "flags", &s->flags) | get_u32(o, "seq", &s->seq) |
	      get_u32(o, "ack", &s->ack) | get_u16(o, "win", &s->win) | get_u32(o, "len", &s->len) |
	      get_u64(o, "rseq", &rseq) | get_u64(o, "rack", &rack) |
	      get_options(json_object_get(o, "options"), s);
	/* What the local TCB's ISNs were: the sender's is seq - rseq, the
	 * receiver's ack - rack (each only when the writer knew it). */
	if (local_src >= 0 && rseq != UINT64_MAX)
		*(local_src ? &s->iss : &s->irs) = s->seq - (uint32_t)rseq;
	if (local_src >= 0 && rack != UINT64_MAX)
		*(local_src ? &s->irs : &s->iss) = s->ack - (uint32_t)rack;
	if (has != NULL)
		*has = true;
	return err;
}

/* ---- one decoder per type ---- */

typedef int (*decode_fn)(const struct evjson *, const json_t *, struct tv_event *);

static int d_state(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	int old = 0, new = 0;
	int err = evjson_get_name(o, "old", n_state, TCB_STATE_COUNT, &old) |
		  evjson_get_name(o, "new", n_state, TCB_STATE_COUNT, &new);

	ev->u.state.old_state = (uint8_t)old;
	ev->u.state.new_state = (uint8_t)new;
	return err;
}

static int d_seg(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	return get_seg(o, &ev->u.seg, ev->type == TV_EV_SEG_OUT, NULL);
}

static int d_drop(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	int c = 0;
	int err = evjson_get_name(o, "counter", n_counter, TV_CNT_COUNT, &c);

	ev->u.drop.counter = (enum tv_counter)c;
	return err | get_seg(o, &ev->u.drop.seg, -1, &ev->u.drop.has_seg);
}

static int d_timer(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	int k = 0;
	int err = evjson_get_name(o, "timer", n_timer, TV_TIMER_KIND_COUNT, &k);

	ev->u.timer.kind = (enum tv_timer_kind)k;
	return err | get_u64(o, "deadline", &ev->u.timer.deadline) |
	       get_u32(o, "count", &ev->u.timer.count);
}

static int d_rexmit(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	return get_u32(o, "seq", &ev->u.rexmit.seq) | get_u32(o, "len", &ev->u.rexmit.len) |
	       get_flags(o, "flags", &ev->u.rexmit.flags) |
	       get_u32(o, "count", &ev->u.rexmit.count) | get_u64(o, "rto", &ev->u.rexmit.rto);
}

static int d_cwnd(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	return get_u32(o, "cwnd", &ev->u.cwnd.cwnd) | get_u32(o, "ssthresh", &ev->u.cwnd.ssthresh);
}

static int d_sock(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	json_t *e = json_object_get(o, "err");
	int what = 0;
	int err = evjson_get_name(o, "what", n_sock, TV_SOCK_CLOSED + 1, &what);

	ev->u.sock.what = (enum tv_sock_event)what;
	if (e != NULL && json_is_integer(e))
		ev->u.sock.err = (int)json_integer_value(e);
	else if (e != NULL)
		err = 1;
	return err | get_u32(o, "bytes", &ev->u.sock.bytes);
}

static int d_arp(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	json_t *op = json_object_get(o, "op");
	const char *s = json_is_string(op) ? json_string_value(op) : "";
	int change = 0;

	if (strcmp(s, "cache") == 0) {
		int err = get_ip(o, "addr", &ev->u.arp.spa) | get_mac(o, "mac", ev->u.arp.sha) |
			  evjson_get_name(o, "change", n_change, TV_ARP_CHANGE_COUNT, &change);
		ev->u.arp.change = (uint8_t)change;
		return err;
	}
	if (strcmp(s, "request") != 0 && strcmp(s, "reply") != 0)
		return 1;
	ev->u.arp.op = s[2] == 'q' ? 1 : 2;
	return get_bool(o, "out", &ev->u.arp.out) | get_ip(o, "spa", &ev->u.arp.spa) |
	       get_ip(o, "tpa", &ev->u.arp.tpa) | get_mac(o, "sha", ev->u.arp.sha) |
	       get_mac(o, "tha", ev->u.arp.tha);
}

static int d_icmp(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	return get_u8(o, "icmp_type", &ev->u.icmp.type) | get_u8(o, "code", &ev->u.icmp.code) |
	       get_bool(o, "out", &ev->u.icmp.out) | get_ip(o, "src", &ev->u.icmp.saddr) |
	       get_ip(o, "dst", &ev->u.icmp.daddr) | get_u16(o, "id", &ev->u.icmp.id) |
	       get_u16(o, "seq", &ev->u.icmp.seq);
}

static int d_gate(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	int action = 0, dir = 0, kind = 0;
	int err = evjson_get_name(o, "action", n_gate, TV_GATE_PASSED + 1, &action) |
		  evjson_get_name(o, "dir", n_dir, 2, &dir) | evjson_get_name(o, "kind", n_kind, 5, &kind);

	ev->u.gate.action = (enum tv_gate_action)action;
	ev->u.gate.dir = (enum tv_dir)dir;
	ev->u.gate.kind = (uint8_t)kind;
	return err | get_u32(o, "frame", &ev->u.gate.frame) | get_u32(o, "len", &ev->u.gate.len) |
	       get_u32(o, "gate_rule", &ev->u.gate.rule) | get_u32(o, "copy", &ev->u.gate.copy) |
	       get_u64(o, "until", &ev->u.gate.until) |
	       get_bool(o, "overflow", &ev->u.gate.overflow) |
	       get_seg(o, &ev->u.gate.seg, -1, &ev->u.gate.has_seg);
}

static int d_wire(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	int action = 0, kind = 0;
	int err = evjson_get_name(o, "action", n_wire, TV_WIRE_DELIVERED + 1, &action) |
		  evjson_get_name(o, "kind", n_kind, 5, &kind);

	ev->u.wire.action = (enum tv_wire_action)action;
	ev->u.wire.kind = (uint8_t)kind;
	return err | get_host(d, o, "from", &ev->u.wire.from) |
	       get_host(d, o, "to", &ev->u.wire.to) | get_u32(o, "len", &ev->u.wire.len) |
	       get_seg(o, &ev->u.wire.seg, -1, &ev->u.wire.has_seg);
}

static int d_note(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	json_t *x = json_object_get(o, "text");

	if (x == NULL)
		return 0;
	if (!json_is_string(x))
		return 1;
	snprintf(ev->u.note.text, sizeof(ev->u.note.text), "%s", json_string_value(x));
	return 0;
}

static const decode_fn decoders[TV_EV_TYPE_COUNT] = {
	[TV_EV_STATE] = d_state,       [TV_EV_SEG_IN] = d_seg,	     [TV_EV_SEG_OUT] = d_seg,
	[TV_EV_DROP] = d_drop,	       [TV_EV_TIMER_ARM] = d_timer,  [TV_EV_TIMER_CANCEL] = d_timer,
	[TV_EV_TIMER_FIRE] = d_timer,  [TV_EV_RETRANSMIT] = d_rexmit, [TV_EV_CWND] = d_cwnd,
	[TV_EV_SOCK] = d_sock,	       [TV_EV_ARP] = d_arp,	     [TV_EV_ICMP] = d_icmp,
	[TV_EV_GATE] = d_gate,	       [TV_EV_WIRE] = d_wire,	     [TV_EV_NOTE] = d_note,
};

/* ---- the line ---- */

static int d_common(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	const json_t *tu = json_object_get(o, "tuple");
	int type = -1, rule = TV_RULE_NONE;
	int err = evjson_get_name(o, "type", n_type, TV_EV_TYPE_COUNT, &type);

	if (err || type < 0)
		return 1;
	ev->type = (enum tv_event_type)type;
	err = get_u64(o, "t", &ev->time) | get_host(d, o, "host", &ev->host) |
	      get_u32(o, "conn", &ev->conn) | evjson_get_name(o, "rule", n_rule, TV_RULE_COUNT, &rule);
	ev->rule = (enum tv_rule)rule;
	if (tu != NULL)
		err |= (!json_is_object(tu)) | get_ip(tu, "laddr", &ev->tuple.laddr) |
		       get_u16(tu, "lport", &ev->tuple.lport) | get_ip(tu, "raddr", &ev->tuple.raddr) |
		       get_u16(tu, "rport", &ev->tuple.rport);
	return err;
}

int evjson_decode(const struct evjson *d, const json_t *o, struct tv_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (!json_is_object(o) || d_common(d, o, ev))
		return -1;
	if (decoders[ev->type] != NULL && decoders[ev->type](d, o, ev))
		return -1;
	return 0;
}
