/*
 * model_json.c - the protocol's JSON into the TUI model: the greeting,
 * "hosts" arrays and snapshot replies (src/daemon/snapshot.c writes
 * them; model.h says what each brings).
 *
 * Every message is read in two passes: first parsed and checked into
 * staging structures, then applied.  A message with a missing key or a
 * value of the wrong kind is refused whole, so a broken or hostile line
 * never leaves the model half-updated.  Optional keys may be absent
 * (zero); unknown keys are ignored, so a newer daemon's additions do not
 * break an older TUI.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/tcp.h"
#include "daemon/evjson.h"
#include "tui/model_int.h"

/* ---- values: absent is fine (left alone), the wrong kind fails ---- */

static int get_u64(const json_t *o, const char *key, uint64_t *v)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL || json_is_null(x))
		return 0;
	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

static int get_u32(const json_t *o, const char *key, uint32_t *v)
{
	uint64_t x = *v;

	if (get_u64(o, key, &x) != 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int get_uint(const json_t *o, const char *key, unsigned *v)
{
	uint32_t x = *v;

	if (get_u32(o, key, &x) != 0)
		return -1;
	*v = x;
	return 0;
}

static int get_u16(const json_t *o, const char *key, uint16_t *v)
{
	uint32_t x = *v;

	if (get_u32(o, key, &x) != 0 || x > UINT16_MAX)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

static int get_ip(const json_t *o, const char *key, uint32_t *v)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return 0;
	return json_is_string(x) && tv_ip_parse(json_string_value(x), v) == 0 ? 0 : -1;
}

static int get_bool(const json_t *o, const char *key, bool *v)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return 0;
	if (!json_is_boolean(x))
		return -1;
	*v = json_is_true(x);
	return 0;
}

/* "SYN,ACK" into TV_TH_* bits. */
static int get_flags(const json_t *o, const char *key, uint8_t *v)
{
	static const char *const words[8] = {"FIN", "SYN", "RST", "PSH",
					     "ACK", "URG", "ECE", "CWR"};
	json_t *x = json_object_get(o, key);
	const char *s;

	if (x == NULL)
		return 0;
	if (!json_is_string(x))
		return -1;
	*v = 0;
	for (s = json_string_value(x); *s != '\0';) {
		size_t k = strcspn(s, ","), i;
		for (i = 0; i < 8; i++)
			if (strlen(words[i]) == k && strncmp(words[i], s, k) == 0)
				break;
		if (i == 8)
			return -1;
		*v |= (uint8_t)(1u << i);
		s += k + (s[k] == ',');
	}
	return 0;
}

static const char *state_name(int i)
{
	return tcb_state_name((enum tcb_state)i);
}

static const char *kind_name(int i)
{
	static const char *const names[] = {"other", "arp", "ipv4", "icmp", "tcp"};

	return names[i];
}

static const char *dir_name(int i)
{
	return i == TV_DIR_IN ? "in" : "out";
}

/* ---- hosts ---- */

struct st_host {
	uint32_t id, addr;
	char name[TM_NAME_MAX];
	bool stack, hold_in, hold_out;
	struct tm_counter *counters;
	unsigned ncounters;
};

static int host_parse(const json_t *e, struct st_host *h)
{
	json_t *name = json_object_get(e, "name");
	uint64_t id = 0;

	memset(h, 0, sizeof(*h));
	if (!json_is_object(e) || json_object_get(e, "id") == NULL || get_u64(e, "id", &id) ||
	    id == 0 || id > UINT32_MAX || (name != NULL && !json_is_string(name)) ||
	    get_ip(e, "addr", &h->addr))
		return -1;
	h->id = (uint32_t)id;
	/* jansson's strings are valid UTF-8: cut at a character's start. */
	if (name != NULL)
		tm_utf8_copy(h->name, sizeof(h->name), json_string_value(name), SIZE_MAX);
	return 0;
}

static void host_apply(struct model *m, const struct st_host *s)
{
	struct tm_host *h = tm_host_get(m, s->id, true);

	if (h == NULL)
		return;
	if (s->name[0] != '\0')
		memcpy(h->name, s->name, sizeof(h->name));
	if (s->addr != 0)
		h->addr = s->addr;
	m->changes++;
}

int model_hosts(struct model *m, const json_t *hosts)
{
	struct st_host h;
	size_t i;
	json_t *e;

	if (!json_is_array(hosts))
		return -1;
	json_array_foreach(hosts, i, e)
		if (host_parse(e, &h) != 0)
			return -1;
	json_array_foreach(hosts, i, e) {
		host_parse(e, &h);
		host_apply(m, &h);
	}
	return 0;
}

/* ---- the greeting ---- */

int model_greeting(struct model *m, const json_t *g, uint64_t wall)
{
	json_t *proto = json_object_get(g, "tcpviz"), *hosts = json_object_get(g, "hosts");
	json_t *version = json_object_get(g, "version");
	json_t *e;
	struct st_host h;
	uint64_t t = 0;
	bool ro = false;
	size_t i;

	if (!json_is_object(g) || !json_is_integer(proto) || json_integer_value(proto) != 1 ||
	    (version != NULL && !json_is_string(version)) || get_u64(g, "time", &t) ||
	    get_bool(g, "readonly", &ro) || (hosts != NULL && !json_is_array(hosts)))
		return -1;
	json_array_foreach(hosts, i, e)
		if (host_parse(e, &h) != 0)
			return -1;
	m->connected = true;
	m->proto = 1;
	m->readonly = ro;
	snprintf(m->version, sizeof(m->version), "%s", version ? json_string_value(version) : "");
	model_clock(m, t, m->speed, m->paused, wall);
	if (hosts != NULL)
		model_hosts(m, hosts);
	m->changes++;
	return 0;
}

/* ---- snapshot: staging ---- */

struct st_tcb {
	uint32_t host;
	struct tm_conn c;        /* the parsed values */
	bool have_irs;
};

struct staging {
	tv_time time;
	double speed;
	bool has_speed, paused;
	struct st_host *hosts;
	size_t nhosts;
	struct st_tcb *tcbs;
	size_t ntcbs;
	struct tm_held *held;
	size_t nheld;
	struct st_host *eps;
	size_t neps;
};

static void staging_free(struct staging *st)
{
	for (size_t i = 0; i < st->nhosts; i++)
		free(st->hosts[i].counters);
	free(st->hosts);
	free(st->tcbs);
	free(st->held);
	free(st->eps);
}

static int tuple_parse(const json_t *o, struct tv_tuple *t)
{
	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return -1;
	return get_ip(o, "laddr", &t->laddr) | get_u16(o, "lport", &t->lport) |
	       get_ip(o, "raddr", &t->raddr) | get_u16(o, "rport", &t->rport);
}

static int tcb_numbers(const json_t *o, struct tm_conn *c)
{
	return get_u32(o, "iss", &c->iss) | get_u32(o, "irs", &c->irs) |
	       get_u32(o, "snd.una", &c->snd_una) | get_u32(o, "snd.nxt", &c->snd_nxt) |
	       get_u32(o, "snd.max", &c->snd_max) | get_u32(o, "snd.wnd", &c->snd_wnd) |
	       get_u32(o, "rcv.nxt", &c->rcv_nxt) | get_u32(o, "rcv.wnd", &c->rcv_wnd) |
	       get_u32(o, "cwnd", &c->cwnd) | get_u32(o, "ssthresh", &c->ssthresh) |
	       get_u32(o, "mss", &c->mss) | get_u64(o, "rto", &c->rto) |
	       get_u64(o, "srtt", &c->srtt) | get_uint(o, "rexmits", &c->rexmits) |
	       get_uint(o, "probes", &c->probes) | get_uint(o, "keepalive.count", &c->keep_cnt) |
	       get_u64(o, "keepalive.idle", &c->keep_idle) |
	       get_u64(o, "keepalive.intvl", &c->keep_intvl) |
	       get_u64(o, "last_rx", &c->last_rx) | get_uint(o, "snd.buf", &c->snd_buf) |
	       get_uint(o, "rcv.buf", &c->rcv_buf);
}

static int tcb_flags(const json_t *a, struct st_tcb *t)
{
	size_t i;
	json_t *e;

	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e))
			return -1;
		if (strcmp(json_string_value(e), "keepalive") == 0)
			t->c.keepalive = true;
		else if (strcmp(json_string_value(e), "have_irs") == 0)
			t->have_irs = true;
	}
	return 0;
}

/* Timers: null (stopped) or {"deadline", "remaining"}. */
static int tcb_timers(const json_t *o, struct tm_conn *c)
{
	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return -1;
	for (int k = 0; k < TV_TIMER_KIND_COUNT; k++) {
		json_t *x = json_object_get(o, tv_timer_kind_name((enum tv_timer_kind)k));
		if (x == NULL || json_is_null(x))
			continue;
		if (!json_is_object(x) || json_object_get(x, "deadline") == NULL ||
		    get_u64(x, "deadline", &c->deadline[k]))
			return -1;
	}
	return 0;
}

static int tcb_parse(const json_t *o, uint32_t host, struct st_tcb *t)
{
	int state = -1;

	memset(t, 0, sizeof(*t));
	t->host = host;
	if (!json_is_object(o) || get_u32(o, "id", &t->c.id) || t->c.id == 0 ||
	    evjson_get_name(o, "state", state_name, TCB_STATE_COUNT, &state) || state < 0 ||
	    tuple_parse(json_object_get(o, "tuple"), &t->c.tuple) || tcb_numbers(o, &t->c) ||
	    tcb_flags(json_object_get(o, "flags"), t) ||
	    tcb_timers(json_object_get(o, "timers"), &t->c))
		return -1;
	t->c.state = state;
	t->c.listener = json_object_get(o, "listen") != NULL;
	return 0;
}

static int seg_parse(const json_t *o, struct tv_seg_info *s)
{
	if (!json_is_object(o))
		return -1;
	return get_ip(o, "src", &s->saddr) | get_u16(o, "sport", &s->sport) |
	       get_ip(o, "dst", &s->daddr) | get_u16(o, "dport", &s->dport) |
	       get_flags(o, "flags", &s->flags) | get_u32(o, "seq", &s->seq) |
	       get_u32(o, "ack", &s->ack) | get_u16(o, "win", &s->win) |
	       get_u32(o, "len", &s->len);
}

static int held_parse(const json_t *o, uint32_t host, struct tm_held *h)
{
	int dir = TV_DIR_IN, kind = TV_FRAME_OTHER;
	json_t *seg = json_object_get(o, "seg");

	memset(h, 0, sizeof(*h));
	h->host = host;
	if (!json_is_object(o) || get_u64(o, "id", &h->id) || h->id == 0 ||
	    evjson_get_name(o, "dir", dir_name, 2, &dir) || get_u32(o, "host", &h->host) ||
	    get_u64(o, "time", &h->since) || get_u32(o, "len", &h->len) ||
	    evjson_get_name(o, "kind", kind_name, 5, &kind) || (seg != NULL && seg_parse(seg, &h->seg)))
		return -1;
	h->dir = (enum tv_dir)dir;
	h->kind = (enum tv_frame_kind)kind;
	h->has_seg = seg != NULL;
	return 0;
}

/* Nonzero counters: their names and values. */
static int counters_parse(const json_t *o, struct st_host *h)
{
	const char *key;
	json_t *v;
	size_t n = 0;

	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return -1;
	json_object_foreach((json_t *)o, key, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -1;
		n += json_integer_value(v) != 0;
	}
	if (n > TM_COUNTERS_MAX)
		n = TM_COUNTERS_MAX;
	if (n == 0 || (h->counters = calloc(n, sizeof(*h->counters))) == NULL)
		return n == 0 ? 0 : -1;
	json_object_foreach((json_t *)o, key, v) {
		if (json_integer_value(v) == 0 || h->ncounters == n)
			continue;
		snprintf(h->counters[h->ncounters].name, sizeof(h->counters[0].name), "%s", key);
		h->counters[h->ncounters++].value = (uint64_t)json_integer_value(v);
	}
	return 0;
}

/* `hold` in the command language is a rule (hold every TCP segment,
 * always), so the gate's own mode says "pass" while it holds: a rule like
 * that is holding too. */
static void gate_hold_rules(const json_t *rules, struct st_host *h)
{
	const json_t *r;
	size_t i;

	if (!json_is_array(rules))
		return;
	json_array_foreach(rules, i, r) {
		const char *act = json_string_value(json_object_get(r, "action"));
		const char *count = json_string_value(json_object_get(r, "count"));
		if (act == NULL || count == NULL || strcmp(act, "hold") != 0 ||
		    strcmp(count, "always") != 0)
			continue;
		h->hold_in |= json_is_true(json_object_get(r, "in"));
		h->hold_out |= json_is_true(json_object_get(r, "out"));
	}
}

static int gate_parse(const json_t *g, struct st_host *h, struct staging *st, size_t *nheld)
{
	json_t *in, *out, *held, *e;
	size_t i;

	if (g == NULL || json_is_null(g))
		return 0;
	in = json_object_get(g, "in");
	out = json_object_get(g, "out");
	held = json_object_get(g, "held");
	if (!json_is_object(g) || (in && !json_is_string(in)) || (out && !json_is_string(out)) ||
	    (held && !json_is_array(held)))
		return -1;
	h->hold_in = in && strcmp(json_string_value(in), "hold") == 0;
	h->hold_out = out && strcmp(json_string_value(out), "hold") == 0;
	gate_hold_rules(json_object_get(g, "rules"), h);
	json_array_foreach(held, i, e)
		if (held_parse(e, h->id, &st->held[(*nheld)++]) != 0)
			return -1;
	return 0;
}

/* Room for every TCB and held frame of every host, counted first. */
static int staging_alloc(const json_t *hosts, struct staging *st)
{
	size_t ntcb = 0, nheld = 0, i;
	json_t *e;

	json_array_foreach(hosts, i, e) {
		json_t *t = json_object_get(e, "tcbs"), *g = json_object_get(e, "gate");
		json_t *h = json_is_object(g) ? json_object_get(g, "held") : NULL;
		ntcb += json_is_array(t) ? json_array_size(t) : 0;
		nheld += json_is_array(h) ? json_array_size(h) : 0;
	}
	st->hosts = calloc(json_array_size(hosts) + 1, sizeof(*st->hosts));
	st->tcbs = calloc(ntcb + 1, sizeof(*st->tcbs));
	st->held = calloc(nheld + 1, sizeof(*st->held));
	return st->hosts && st->tcbs && st->held ? 0 : -1;
}

static int snap_host_parse(const json_t *e, struct staging *st)
{
	struct st_host *h = &st->hosts[st->nhosts];
	json_t *tcbs = json_object_get(e, "tcbs"), *t;
	size_t i;

	if (host_parse(e, h) != 0)
		return -1;
	st->nhosts++;
	h->stack = true;
	if (counters_parse(json_object_get(e, "counters"), h) ||
	    gate_parse(json_object_get(e, "gate"), h, st, &st->nheld) ||
	    (tcbs != NULL && !json_is_array(tcbs)))
		return -1;
	json_array_foreach(tcbs, i, t)
		if (tcb_parse(t, h->id, &st->tcbs[st->ntcbs++]) != 0)
			return -1;
	return 0;
}

static int endpoints_parse(const json_t *a, struct staging *st)
{
	size_t i;
	json_t *e;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || (st->eps = calloc(json_array_size(a) + 1, sizeof(*st->eps))) == NULL)
		return -1;
	json_array_foreach(a, i, e)
		if (host_parse(e, &st->eps[st->neps++]) != 0)
			return -1;
	return 0;
}

static int snap_parse(const json_t *snap, struct staging *st)
{
	json_t *hosts = json_object_get(snap, "hosts"), *speed = json_object_get(snap, "speed");
	json_t *e;
	size_t i;

	if (!json_is_object(snap) || !json_is_array(hosts) ||
	    json_object_get(snap, "time") == NULL || get_u64(snap, "time", &st->time) ||
	    get_bool(snap, "paused", &st->paused) || (speed != NULL && !json_is_number(speed)))
		return -1;
	st->has_speed = speed != NULL;
	st->speed = speed ? json_number_value(speed) : 1.0;
	if (staging_alloc(hosts, st) != 0 ||
	    endpoints_parse(json_object_get(snap, "endpoints"), st) != 0)
		return -1;
	json_array_foreach(hosts, i, e)
		if (snap_host_parse(e, st) != 0)
			return -1;
	return 0;
}

/* ---- snapshot: applying ---- */

static void snap_apply_host(struct model *m, struct st_host *s)
{
	struct tm_host *h = tm_host_get(m, s->id, true);

	if (h == NULL)
		return;
	host_apply(m, s);
	h->stack = true;
	h->hold_in = s->hold_in;
	h->hold_out = s->hold_out;
	free(h->counters);
	h->counters = s->counters; /* the model owns them now */
	h->ncounters = s->ncounters;
	s->counters = NULL;
	s->ncounters = 0;
}

/* When a timer the events did not show was armed: a guess from what it
 * measures, so a countdown bar starts at the right length. */
static tv_time armed_guess(const struct tm_conn *c, int k, tv_time d, tv_time now)
{
	tv_time len = 0;

	if (k == TV_TIMER_KEEPALIVE)
		len = c->probes ? c->keep_intvl : c->keep_idle;
	else if (k == TV_TIMER_REXMIT)
		len = c->rto;
	else if (k == TV_TIMER_2MSL && c->state == TCB_TIME_WAIT && c->since)
		return c->since <= now ? c->since : now;
	if (len == 0 || len > d)
		return now;
	return d - len < now ? d - len : now;
}

static void snap_timers(struct tm_conn *c, const struct tm_conn *s, tv_time now)
{
	for (int k = 0; k < TV_TIMER_KIND_COUNT; k++) {
		tv_time d = s->deadline[k];
		if (d != 0 && d != c->deadline[k])
			c->armed_at[k] = armed_guess(s, k, d, now);
		if (d == 0)
			c->armed_at[k] = 0;
		c->deadline[k] = d;
	}
}

static void snap_numbers(struct tm_conn *c, const struct st_tcb *t, tv_time now)
{
	const struct tm_conn *s = &t->c;

	if (c->state != s->state) {
		c->prev_state = c->state;
		c->state = s->state;
		c->since = now;
	}
	c->tuple = s->tuple;
	c->listener = s->listener;
	c->iss = s->iss, c->irs = s->irs, c->snd_una = s->snd_una, c->snd_nxt = s->snd_nxt;
	c->snd_max = s->snd_max, c->snd_wnd = s->snd_wnd, c->rcv_nxt = s->rcv_nxt;
	c->rcv_wnd = s->rcv_wnd, c->cwnd = s->cwnd, c->ssthresh = s->ssthresh, c->mss = s->mss;
	c->rto = s->rto, c->srtt = s->srtt, c->rexmits = s->rexmits, c->probes = s->probes;
	c->keep_cnt = s->keep_cnt, c->keep_idle = s->keep_idle, c->keep_intvl = s->keep_intvl;
	c->last_rx = s->last_rx, c->keepalive = s->keepalive;
	c->snd_buf = s->snd_buf, c->rcv_buf = s->rcv_buf;
	snap_timers(c, s, now);
}

static void snap_isns(struct model *m, const struct tm_conn *c, bool have_irs)
{
	struct tm_flow *f = c->flow ? tm_flow_find(m, c->flow) : NULL;
	int l;

	if (f == NULL || (l = tm_flow_lane(f, c->tuple.laddr, c->tuple.lport)) < 0)
		return;
	if (c->state != TCB_CLOSED && c->state != TCB_LISTEN)
		tm_flow_learn_isn(f, l, c->iss);
	if (have_irs)
		tm_flow_learn_isn(f, !l, c->irs);
}

static void snap_apply_tcb(struct model *m, const struct st_tcb *t, tv_time now)
{
	struct tm_conn *c = tm_conn_find(m, t->host, t->c.id);

	if (c == NULL && (c = tm_conn_add(m, t->host, t->c.id, &t->c.tuple)) == NULL)
		return;
	snap_numbers(c, t, now);
	tm_conn_bind_flow(m, c, now);
	snap_isns(m, c, t->have_irs);
	tm_conn_set_closed(m, t->host, t->c.id, t->c.state == TCB_CLOSED);
}

static bool snap_has_host(const struct staging *st, uint32_t id)
{
	for (size_t i = 0; i < st->nhosts; i++)
		if (st->hosts[i].id == id)
			return true;
	return false;
}

/* Open connections of the snapshot's hosts that it does not list are
 * gone (their TCBs were deleted). */
static void snap_close_missing(struct model *m, const struct staging *st)
{
	struct tm_map seen = {0};
	uint64_t *gone = NULL;
	size_t ngone = 0;

	for (size_t i = 0; i < st->ntcbs; i++)
		if (tm_map_put(&seen, (uint64_t)st->tcbs[i].host << 32 | st->tcbs[i].c.id, 1))
			goto out; /* no memory: close nothing rather than too much */
	gone = malloc((m->priv->nopen + 1) * sizeof(*gone));
	if (gone == NULL)
		goto out;
	for (unsigned i = 0; i < m->priv->nopen; i++) {
		uint64_t k = (uint64_t)m->conns[i].host << 32 | m->conns[i].id;
		if (snap_has_host(st, m->conns[i].host) && !tm_map_get(&seen, k, NULL))
			gone[ngone++] = k;
	}
	for (size_t i = 0; i < ngone; i++)
		tm_conn_set_closed(m, (uint32_t)(gone[i] >> 32), (uint32_t)gone[i], true);
out:
	free(gone);
	tm_map_free(&seen);
}

static void snap_apply_held(struct model *m, struct staging *st)
{
	free(m->held);
	m->held = st->held; /* the model owns them now */
	m->nheld = (unsigned)st->nheld;
	m->priv->held_cap = (unsigned)st->nheld + 1;
	st->held = NULL;
	for (unsigned i = 0; i < m->nheld; i++) {
		const struct tm_flow *f = NULL;
		int l = -1;
		if (m->held[i].has_seg)
			f = model_flow_of_seg(m, &m->held[i].seg, &l);
		if (f != NULL && l >= 0) {
			m->held[i].seg.iss = f->isn_known[l] ? f->isn[l] : 0;
			m->held[i].seg.irs = f->isn_known[!l] ? f->isn[!l] : 0;
		}
		tm_held_snapshot_arrow(m, &m->held[i]);
	}
}

static void snap_apply(struct model *m, struct staging *st, uint64_t wall)
{
	model_clock(m, st->time, st->has_speed ? st->speed : m->speed, st->paused, wall);
	for (size_t i = 0; i < st->neps; i++)
		host_apply(m, &st->eps[i]);
	for (size_t i = 0; i < st->nhosts; i++)
		snap_apply_host(m, &st->hosts[i]);
	for (size_t i = 0; i < st->ntcbs; i++)
		snap_apply_tcb(m, &st->tcbs[i], st->time);
	snap_close_missing(m, st);
	snap_apply_held(m, st);
	m->snapshots++;
	m->changes++;
}

int model_snapshot(struct model *m, const json_t *snap, uint64_t wall)
{
	struct staging st = {0};
	int r = snap_parse(snap, &st);

	if (r == 0)
		snap_apply(m, &st, wall);
	staging_free(&st);
	return r;
}
