/*
 * tui_fixture.c - a big TUI model for tests and benchmarks (see
 * tui_fixture.h): a synthetic greeting and snapshot in the daemon's JSON
 * schema, then segment events for every connection's ladder.
 */
#include "config.h"

#include <string.h>

#include "core/event.h"
#include "core/host.h"
#include "core/tcp.h"
#include "tests/tui_fixture.h"
#include "tui/model.h"

#define SERVER_PORT 80
#define MSS 1460

enum { K_EST, K_FW2, K_TW, K_SYN, K_FW1, K_KEEP };

/* The mix of states, one in ten of each unusual kind. */
static int pair_kind(unsigned i)
{
	static const int kinds[10] = {K_EST, K_EST, K_EST, K_EST, K_KEEP,
				      K_EST, K_FW2, K_TW, K_SYN, K_FW1};

	return kinds[i % 10];
}

struct end {
	const char *state;
	uint32_t id, laddr, raddr;
	uint16_t lport, rport;
	uint32_t iss, irs, sent, rcvd; /* bytes sent and received after the SYN */
	int timer;                     /* a running timer (enum tv_timer_kind), -1 none */
	tv_time left;
	bool keepalive;
};

static void pair_ends(unsigned i, struct end *a, struct end *b)
{
	static const char *const sa[] = {"ESTABLISHED", "FIN-WAIT-2", "TIME-WAIT",
					  "SYN-SENT", "FIN-WAIT-1", "ESTABLISHED"};
	static const char *const sb[] = {"ESTABLISHED", "CLOSE-WAIT", "LAST-ACK",
					  "SYN-RECEIVED", "ESTABLISHED", "ESTABLISHED"};
	int k = pair_kind(i);
	uint16_t aport = (uint16_t)(1024 + i % 60000), bport = (uint16_t)(SERVER_PORT + i / 60000);

	*a = (struct end){sa[k], i + 1, TUI_FIXTURE_ADDR_A, TUI_FIXTURE_ADDR_B, aport, bport,
			  0x10000000u + i * 104729u, 0x80000000u + i * 7919u, 100, 0, -1, 0, false};
	*b = (struct end){sb[k], i + 2, TUI_FIXTURE_ADDR_B, TUI_FIXTURE_ADDR_A, bport, aport,
			  a->irs, a->iss, 0, 100, -1, 0, false};
	if (k == K_SYN)
		a->sent = b->rcvd = 0;
	a->timer = k == K_FW2 ? TV_TIMER_CONN : k == K_TW ? TV_TIMER_2MSL
		 : k == K_SYN || k == K_FW1 ? TV_TIMER_REXMIT : k == K_KEEP ? TV_TIMER_KEEPALIVE : -1;
	a->left = k == K_TW ? TV_SEC(200) : k == K_FW2 ? TV_SEC(40) : k == K_KEEP ? TV_SEC(7000)
		: TV_MSEC(800);
	a->keepalive = k == K_KEEP;
	b->timer = k == K_TW || k == K_SYN ? TV_TIMER_REXMIT : -1;
	b->left = TV_MSEC(600);
}

static json_t *ip(uint32_t addr)
{
	char b[16];

	return json_string(tv_ip_str(addr, b));
}

static json_t *timers_json(const struct end *e)
{
	json_t *o = json_object();

	for (int k = 0; k < TV_TIMER_KIND_COUNT - 1 && o != NULL; k++) {
		json_t *v = k != e->timer ? json_null()
			: json_pack("{s:I, s:I}", "deadline", (json_int_t)(TUI_FIXTURE_NOW + e->left),
				    "remaining", (json_int_t)e->left);
		json_object_set_new(o, tv_timer_kind_name((enum tv_timer_kind)k), v);
	}
	return o;
}

static void put_int(json_t *o, const char *key, json_int_t v)
{
	json_object_set_new(o, key, json_integer(v));
}

static json_t *tcb_json(const struct end *e)
{
	uint32_t una = e->iss + 1 + e->sent;
	const struct {
		const char *key;
		json_int_t v;
	} nums[] = {
		{"err", 0},		  {"iss", e->iss},
		{"irs", e->irs},	  {"snd.una", una},
		{"snd.nxt", una},	  {"snd.max", una},
		{"snd.wnd", 65535},	  {"rcv.nxt", (uint32_t)(e->irs + 1 + e->rcvd)},
		{"rcv.wnd", 32768},	  {"cwnd", 4 * MSS},
		{"ssthresh", UINT32_MAX}, {"rto", 1000000},
		{"srtt", 20000},	  {"rexmits", 0},
		{"probes", 0},		  {"mss", MSS},
		{"snd.buf", 0},		  {"rcv.buf", 0},
		{"keepalive.idle", TV_SEC(7200)}, {"keepalive.intvl", TV_SEC(75)},
		{"keepalive.count", 10},  {"last_rx", TUI_FIXTURE_NOW - TV_SEC(1)},
	};
	json_t *o = json_pack("{s:I, s:s, s:{s:o, s:i, s:o, s:i}}", "id", (json_int_t)e->id,
			      "state", e->state, "tuple", "laddr", ip(e->laddr), "lport", e->lport,
			      "raddr", ip(e->raddr), "rport", e->rport);

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		put_int(o, nums[i].key, nums[i].v);
	json_object_set_new(o, "flags", json_pack(e->keepalive ? "[s, s]" : "[s]", "have_irs",
						  "keepalive"));
	json_object_set_new(o, "timers", timers_json(e));
	return o;
}

static json_t *listener_json(void)
{
	struct end l = {"LISTEN", 1, TUI_FIXTURE_ADDR_B, 0, SERVER_PORT, 0, 0, 0, 0, 0, -1, 0,
			false};

	return json_pack("{s:i, s:s, s:{s:o, s:i, s:o, s:i}, s:i, s:{s:i, s:i}, s:[], s:o}", "id",
			 1, "state", "LISTEN", "tuple", "laddr", ip(l.laddr), "lport", SERVER_PORT,
			 "raddr", ip(0), "rport", 0, "err", 0, "listen", "backlog", 128, "children",
			 0, "flags", "timers", timers_json(&l));
}

static json_t *held_json(unsigned i)
{
	struct end a, b;

	pair_ends(i, &a, &b);
	return json_pack("{s:I, s:s, s:i, s:I, s:i, s:s, s:o, s:o, s:{s:o, s:i, s:o, s:i, s:s, "
			 "s:I, s:I, s:i, s:i}}",
			 "id", (json_int_t)(1000 + i), "dir", "out", "host", 1, "time",
			 (json_int_t)(TUI_FIXTURE_NOW - TV_SEC(2)), "len", 154, "kind", "tcp", "src",
			 ip(a.laddr), "dst", ip(a.raddr), "seg", "src", ip(a.laddr), "sport",
			 a.lport, "dst", ip(a.raddr), "dport", a.rport, "flags", "PSH,ACK", "seq",
			 (json_int_t)(a.iss + 1 + a.sent), "ack", (json_int_t)(a.irs + 1), "win",
			 32768, "len", 100);
}

static json_t *host_json(uint32_t id, const char *name, uint32_t addr, json_t *tcbs,
			 json_t *held, bool hold)
{
	return json_pack("{s:I, s:s, s:o, s:i, s:s, s:i, s:{s:I, s:I}, s:{s:s, s:s, s:o}, s:o}",
			 "id", (json_int_t)id, "name", name, "addr", ip(addr), "prefix", 24, "mac",
			 "02:00:0a:00:00:01", "mtu", 1500, "counters", "tcp.rx", (json_int_t)id * 10,
			 "tcp.tx", (json_int_t)id * 11, "gate", "in", "pass", "out",
			 hold ? "hold" : "pass", "held", held, "tcbs", tcbs);
}

json_t *tui_fixture_greeting(void)
{
	return json_pack("{s:i, s:s, s:s, s:i, s:b, s:I, s:[{s:i, s:s, s:s}, {s:i, s:s, s:s}]}",
			 "tcpviz", 1, "version", "fixture", "server", "tcpviz daemon", "pid", 1,
			 "readonly", false, "time", (json_int_t)TUI_FIXTURE_NOW, "hosts", "id", 1,
			 "name", "A", "addr", "10.0.0.1", "id", 2, "name", "B", "addr", "10.0.0.2");
}

json_t *tui_fixture_snapshot(unsigned rows)
{
	json_t *ta = json_array(), *tb = json_array(), *held = json_array();
	unsigned pairs = rows ? (rows - 1) / 2 : 0;
	struct end a, b;

	if (ta == NULL || tb == NULL || held == NULL || rows == 0)
		goto fail;
	json_array_append_new(tb, listener_json());
	for (unsigned i = 0; i < pairs; i++) {
		pair_ends(i, &a, &b);
		b.id = i + 2;
		if (json_array_append_new(ta, tcb_json(&a)) || json_array_append_new(tb, tcb_json(&b)))
			goto fail;
	}
	for (unsigned i = pairs; i-- > 0 && json_array_size(held) < 3;)
		if (pair_kind(i) == K_EST)
			json_array_append_new(held, held_json(i));
	if (rows > 1 && (rows - 1) % 2 == 1) {
		pair_ends(pairs, &a, &b);
		a.state = "SYN-SENT";
		a.timer = TV_TIMER_REXMIT;
		json_array_append_new(ta, tcb_json(&a));
	}
	return json_pack("{s:I, s:f, s:b, s:{}, s:[], s:[o, o]}", "time",
			 (json_int_t)TUI_FIXTURE_NOW, "speed", 1.0, "paused", true, "server",
			 "endpoints", "hosts", host_json(1, "A", TUI_FIXTURE_ADDR_A, ta, held, true),
			 host_json(2, "B", TUI_FIXTURE_ADDR_B, tb, json_array(), false));
fail:
	json_decref(ta);
	json_decref(tb);
	json_decref(held);
	return NULL;
}

/* ---- events ---- */

static void seg_pair(struct model *m, const struct end *from, const struct end *to,
		     uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, tv_time t,
		     bool arrives)
{
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_SEG_OUT;
	ev.time = t;
	ev.host = from->laddr == TUI_FIXTURE_ADDR_A ? 1 : 2;
	ev.conn = from->id;
	ev.tuple = (struct tv_tuple){from->laddr, from->raddr, from->lport, from->rport};
	ev.u.seg = (struct tv_seg_info){.saddr = from->laddr, .daddr = from->raddr,
					.sport = from->lport, .dport = from->rport, .seq = seq,
					.ack = ack, .win = 32768, .flags = flags, .len = len,
					.iss = from->iss, .irs = from->irs};
	model_event(m, &ev);
	if (!arrives)
		return;
	ev.type = TV_EV_SEG_IN;
	ev.time = t + TV_MSEC(10);
	ev.host = to->laddr == TUI_FIXTURE_ADDR_A ? 1 : 2;
	ev.conn = to->id;
	ev.tuple = (struct tv_tuple){to->laddr, to->raddr, to->lport, to->rport};
	ev.u.seg.iss = to->iss;
	ev.u.seg.irs = to->irs;
	model_event(m, &ev);
}

/* SYN, SYN,ACK, ACK, 100 bytes and their ACK (SYN-SENT: SYN and a
 * SYN,ACK still on its way). */
static void pair_events(struct model *m, unsigned i)
{
	tv_time t = TV_SEC(1) + (tv_time)i * 100;
	struct end a, b;

	pair_ends(i, &a, &b);
	b.id = i + 2;
	seg_pair(m, &a, &b, TV_TH_SYN, a.iss, 0, 0, t, true);
	seg_pair(m, &b, &a, TV_TH_SYN | TV_TH_ACK, b.iss, a.iss + 1, 0, t + TV_MSEC(10),
		 pair_kind(i) != K_SYN);
	if (pair_kind(i) == K_SYN)
		return;
	seg_pair(m, &a, &b, TV_TH_ACK, a.iss + 1, b.iss + 1, 0, t + TV_MSEC(20), true);
	seg_pair(m, &a, &b, TV_TH_ACK | TV_TH_PSH, a.iss + 1, b.iss + 1, 100, t + TV_MSEC(30),
		 true);
	seg_pair(m, &b, &a, TV_TH_ACK, b.iss + 1, a.iss + 101, 0, t + TV_MSEC(40), true);
}

struct model *tui_fixture_model(unsigned rows)
{
	struct model *m = rows ? model_new() : NULL;
	json_t *g = tui_fixture_greeting(), *s = tui_fixture_snapshot(rows);
	int err = m == NULL || g == NULL || s == NULL;

	if (!err)
		err = model_greeting(m, g, 0) != 0 || model_snapshot(m, s, 0) != 0;
	json_decref(g);
	json_decref(s);
	if (err) {
		model_free(m);
		return NULL;
	}
	for (unsigned i = 0; i < (rows - 1) / 2; i++)
		pair_events(m, i);
	return m;
}
