/*
 * check_tui_model.c - tests for the TUI's model (tui/model.h), fed the
 * way the TUI feeds it: a real headless sim (hosts A and B on a wire with
 * 10 ms of delay, B listening on port 80) whose bus events go to the
 * model, snapshots built by the daemon's own snap_hosts() and wrapped as
 * ctl_snapshot wraps them, and a greeting like the daemon's.
 *
 * Every world also feeds a second model through the JSON the daemon
 * sends (jsonl_format, then evjson_decode), and one test checks that
 * both models end up the same.  Malformed greetings and snapshots must
 * change nothing; a 10,000-row model (tests/tui_fixture.c) must index
 * every connection; and with allocations failing one by one (the test
 * program wraps malloc and friends) the model must stay consistent.
 */
#define _DEFAULT_SOURCE
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/gate.h"
#include "core/ipv4.h"
#include "core/sim.h"
#include "core/sock.h"
#include "core/tcb.h"
#include "core/tcp.h"
#include "daemon/evjson.h"
#include "daemon/internal.h"
#include "out/json.h"
#include "tests/tui_fixture.h"
#include "tui/model.h"

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u
#define DELAY TV_MSEC(10)

/* ---- failing allocations (linked with --wrap) ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

struct oom_state {
	bool armed, all;      /* all: every allocation from the k-th on fails */
	unsigned long count, fail_at, failed;
};

static struct oom_state oom;

static bool oom_fail(void)
{
	if (!oom.armed)
		return false;
	oom.count++;
	if (oom.count == oom.fail_at || (oom.all && oom.count > oom.fail_at)) {
		oom.failed++;
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t n)
{
	return oom_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return oom_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return oom_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return oom_fail() ? NULL : __real_strdup(s);
}

/* ---- the world: a sim, two models, the JSON in between ---- */

struct world {
	struct sim *sim;
	struct host *a, *b;
	struct model *m, *mj;        /* fed from the bus / through JSON */
	struct jsonl_out *j;
	struct evjson *dec;
	struct tv_sock *lst, *srv, *cli;
	struct tv_event *ev;         /* every event, in order */
	size_t nev, cap;
};

static void drain(struct tv_sock *s)
{
	char buf[2048];

	while (sock_recv(s, buf, sizeof(buf), sock_host(s)->now) > 0)
		;
}

static void on_conn(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	drain(s);
}

static void on_listen(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct world *w = ctx;

	if (ev == TV_SOCK_ACCEPTABLE && w->srv == NULL)
		sock_accept(s, on_conn, w, &w->srv, sock_host(s)->now);
}

static void record(struct world *w, const struct tv_event *ev)
{
	if (w->nev == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1024;
		w->ev = realloc(w->ev, w->cap * sizeof(*w->ev));
		ck_assert_ptr_nonnull(w->ev);
	}
	w->ev[w->nev++] = *ev;
}

static void sink(void *ctx, const struct tv_event *ev)
{
	struct world *w = ctx;
	struct tv_event d;
	char *line;
	json_t *o;

	record(w, ev);
	model_event(w->m, ev);
	jsonl_learn(w->j, ev);
	line = jsonl_format(w->j, ev);
	ck_assert_ptr_nonnull(line);
	o = json_loads(line, 0, NULL);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(evjson_decode(w->dec, o, &d), 0);
	model_event(w->mj, &d);
	json_decref(o);
	free(line);
}

static json_t *hosts_json(const struct sim *s)
{
	json_t *a = json_array();
	char ip[16];

	for (unsigned i = 0; i < sim_host_count(s); i++) {
		const struct host *h = sim_host_at(s, i);
		json_array_append_new(a, json_pack("{s:i, s:s, s:s}", "id", (int)h->id, "name",
						   h->cfg.name, "addr", tv_ip_str(h->cfg.addr, ip)));
	}
	return a;
}

/* The daemon's greeting (client_greet), for a sim. */
static json_t *greeting_json(const struct sim *s)
{
	return json_pack("{s:i, s:s, s:s, s:i, s:b, s:I, s:o}", "tcpviz", 1, "version", "test",
			 "server", "tcpviz daemon", "pid", 1, "readonly", false, "time",
			 (json_int_t)sim_now(s), "hosts", hosts_json(s));
}

/* The snapshot reply's object, as ctl_snapshot builds it. */
static json_t *snapshot_json(const struct sim *s)
{
	return json_pack("{s:I, s:f, s:b, s:o, s:o}", "time", (json_int_t)sim_now(s), "speed",
			 1.0, "paused", false, "endpoints", hosts_json(s), "hosts",
			 snap_hosts(s, sim_now(s)));
}

static void world_snapshot(struct world *w)
{
	json_t *snap = snapshot_json(w->sim);

	ck_assert_ptr_nonnull(snap);
	ck_assert_int_eq(model_snapshot(w->m, snap, 0), 0);
	ck_assert_int_eq(model_snapshot(w->mj, snap, 0), 0);
	json_decref(snap);
}

static struct world *world_new(uint64_t seed)
{
	struct world *w = calloc(1, sizeof(*w));
	struct wire_impair im;
	json_t *g;

	ck_assert_ptr_nonnull(w);
	w->sim = sim_new(seed);
	ck_assert_int_eq(sim_add_host(w->sim, "A", ADDR_A, &w->a), 0);
	ck_assert_int_eq(sim_add_host(w->sim, "B", ADDR_B, &w->b), 0);
	wire_impair_none(&im);
	im.delay = DELAY;
	ck_assert_int_eq(wire_set_default(sim_wire(w->sim), &im), 0);
	w->m = model_new();
	w->mj = model_new();
	w->j = jsonl_new(NULL);
	w->dec = evjson_new();
	ck_assert(w->m && w->mj && w->j && w->dec);
	jsonl_add_sim_hosts(w->j, w->sim);
	g = greeting_json(w->sim);
	ck_assert_int_eq(model_greeting(w->m, g, 0), 0);
	ck_assert_int_eq(model_greeting(w->mj, g, 0), 0);
	ck_assert_int_ge(evjson_add_hosts(w->dec, json_object_get(g, "hosts"), NULL, NULL), 0);
	json_decref(g);
	ck_assert_int_eq(tv_bus_add(sim_bus(w->sim), sink, w), 0);
	ck_assert_int_eq(sock_listen(w->b, 80, 8, on_listen, w, &w->lst, 0), 0);
	return w;
}

static void world_free(struct world *w)
{
	sim_free(w->sim);
	model_free(w->m);
	model_free(w->mj);
	jsonl_free(w->j);
	evjson_free(w->dec);
	free(w->ev);
	free(w);
}

static void run(struct world *w, tv_time d)
{
	sim_run_for(w->sim, d);
}

static void world_connect(struct world *w)
{
	ck_assert_int_eq(sock_connect(w->a, ADDR_B, 80, 0, on_conn, w, &w->cli, sim_now(w->sim)),
			 0);
}

static const struct tm_conn *conn_of(const struct model *m, const struct host *h,
				     const struct tv_sock *s)
{
	return model_conn_by_id(m, h->id, sock_conn_id(s));
}

static const struct tm_flow *flow_of(const struct model *m, const struct tm_conn *c)
{
	ck_assert_ptr_nonnull(c);
	return model_flow(m, c->flow);
}

/* The n-th (from 0) entry of a kind in a flow, NULL if none. */
static const struct tm_entry *nth(const struct tm_flow *f, enum tm_entry_kind k, unsigned n)
{
	for (size_t i = 0; f != NULL && i < f->n; i++) {
		const struct tm_entry *e = model_entry(f, i);
		if (e->kind == k && n-- == 0)
			return e;
	}
	return NULL;
}

static unsigned count_kind(const struct tm_flow *f, enum tm_entry_kind k)
{
	unsigned n = 0;

	for (size_t i = 0; f != NULL && i < f->n; i++)
		n += model_entry(f, i)->kind == k;
	return n;
}

/* A ping both ways first, so the gates hold TCP only, not ARP. */
static void warm_arp(struct world *w)
{
	ck_assert_int_eq(icmp_send_echo(w->a, ADDR_B, 1, 1, (const uint8_t *)"x", 1,
					sim_now(w->sim)), 0);
	run(w, TV_MSEC(100));
}

static void handshake(struct world *w)
{
	world_connect(w);
	run(w, TV_MSEC(100));
	ck_assert_ptr_nonnull(w->srv);
}

/* A's gate holds what A sends; A connects and its SYN is the one frame
 * held (in *h).  Returns A's gate. */
static struct gate *hold_the_syn(struct world *w, struct gate_held *h)
{
	struct gate *g = sim_gate(w->sim, w->a);

	warm_arp(w);
	gate_set_dir_mode(g, TV_DIR_OUT, GATE_HOLD);
	world_connect(w);
	run(w, TV_MSEC(50));
	ck_assert_uint_eq(gate_held_count(g), 1);
	ck_assert_uint_eq(gate_held_list(g, h, 1), 1);
	return g;
}

/* ---- consistency, checked after every scenario ---- */

static void check_invariants(const struct model *m)
{
	bool seen_closed = false;
	unsigned prev_open = 0, prev_closed = 0;

	for (unsigned i = 0; i < m->nconns; i++) {
		const struct tm_conn *c = &m->conns[i];
		ck_assert_uint_ne(c->key, 0);
		if (c->closed) {
			ck_assert_uint_gt(c->key, prev_closed);
			prev_closed = c->key;
			seen_closed = true;
		} else {
			ck_assert_msg(!seen_closed, "an open connection after a closed one");
			ck_assert_uint_gt(c->key, prev_open);
			prev_open = c->key;
		}
		ck_assert_ptr_eq(model_conn(m, c->key), c);
		ck_assert_ptr_eq(model_conn_by_id(m, c->host, c->id), c);
	}
	for (unsigned i = 0; i < m->nflows; i++) {
		const struct tm_flow *f = m->flows[i];
		ck_assert(i == 0 || f->key > m->flows[i - 1]->key);
		ck_assert_ptr_eq(model_flow(m, f->key), f);
		ck_assert_uint_le(f->n, f->cap);
		ck_assert_uint_le(f->n, TM_FLOW_ENTRIES_MAX);
		for (size_t k = 0; k < f->n; k++)
			ck_assert_uint_le(model_entry(f, k)->lane, 1);
	}
	for (unsigned i = 0; i < m->nheld; i++)
		for (unsigned k = i + 1; k < m->nheld; k++)
			ck_assert_uint_ne(m->held[i].id, m->held[k].id);
	ck_assert_uint_le(m->log_n, TM_LOG_MAX);
}

/* ---- the greeting ---- */

START_TEST(test_greeting_names_hosts_and_sets_clock)
{
	struct model *m = model_new();
	json_t *g = json_pack("{s:i, s:s, s:b, s:I, s:[{s:i, s:s, s:s}, {s:i, s:s, s:s}]}",
			      "tcpviz", 1, "version", "0.1.0", "readonly", true, "time",
			      (json_int_t)TV_SEC(5), "hosts", "id", 1, "name", "A", "addr",
			      "10.0.0.1", "id", 3, "name", "kernel", "addr", "10.0.0.9");
	char name[16];

	ck_assert_int_eq(model_greeting(m, g, 1000), 0);
	ck_assert(m->connected);
	ck_assert(m->readonly);
	ck_assert_int_eq(m->proto, 1);
	ck_assert_str_eq(m->version, "0.1.0");
	ck_assert_uint_eq(m->nhosts, 2);
	ck_assert_str_eq(model_host_name(m, 3, name, sizeof(name)), "kernel");
	ck_assert_str_eq(model_host_name(m, 7, name, sizeof(name)), "#7");
	ck_assert_uint_eq(model_host_by_addr(m, 0x0a000009u)->id, 3);
	ck_assert(!model_host(m, 3)->stack); /* until a snapshot lists its TCBs */
	ck_assert_uint_eq(model_now(m, 1000), TV_SEC(5));
	ck_assert_uint_eq(model_now(m, 1000 + TV_SEC(2)), TV_SEC(7)); /* speed 1, running */
	json_decref(g);
	model_free(m);
}
END_TEST

START_TEST(test_greeting_refused_when_not_protocol_1_or_malformed)
{
	static const char *const bad[] = {
		"{\"tcpviz\":2,\"hosts\":[]}",
		"{\"hello\":1}",
		"[1]",
		"{\"tcpviz\":\"1\"}",
		"{\"tcpviz\":1,\"hosts\":{}}",
		"{\"tcpviz\":1,\"hosts\":[{\"id\":1,\"name\":\"A\"},{\"id\":\"x\",\"name\":\"B\"}]}",
		"{\"tcpviz\":1,\"hosts\":[{\"id\":1,\"name\":\"A\",\"addr\":\"10.0.0.300\"}]}",
		"{\"tcpviz\":1,\"time\":-5}",
		"{\"tcpviz\":1,\"readonly\":\"yes\"}",
	};
	struct model *m = model_new();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *g = json_loads(bad[i], JSON_DECODE_ANY, NULL);
		uint64_t changes = m->changes;
		ck_assert_ptr_nonnull(g);
		ck_assert_int_eq(model_greeting(m, g, 0), -1);
		ck_assert(!m->connected);
		ck_assert_uint_eq(m->nhosts, 0);
		ck_assert_uint_eq(m->changes, changes);
		json_decref(g);
	}
	model_free(m);
}
END_TEST

/* ---- a connection's life, from the bus ---- */

START_TEST(test_handshake_moves_both_ends_to_established_in_one_flow)
{
	struct world *w = world_new(1);
	const struct tm_conn *ca, *cb, *cl;
	const struct tm_flow *f;
	const struct tm_entry *e;

	handshake(w);
	ca = conn_of(w->m, w->a, w->cli);
	cb = conn_of(w->m, w->b, w->srv);
	cl = conn_of(w->m, w->b, w->lst);
	ck_assert_ptr_nonnull(ca);
	ck_assert_ptr_nonnull(cb);
	ck_assert_ptr_nonnull(cl);
	ck_assert_int_eq(ca->state, TCB_ESTABLISHED);
	ck_assert_int_eq(ca->prev_state, TCB_SYN_SENT);
	ck_assert_int_eq(ca->rule, TV_RULE_SYN_SENT_SYNACK);
	ck_assert_int_eq(cb->state, TCB_ESTABLISHED);
	ck_assert_int_eq(cb->rule, TV_RULE_SYN_RCVD_ACK);
	ck_assert_int_eq(cl->state, TCB_LISTEN);
	ck_assert(cl->listener);
	ck_assert_uint_eq(cl->flow, 0);
	ck_assert_uint_eq(ca->flow, cb->flow);
	ck_assert_uint_eq(w->m->nflows, 1);
	f = flow_of(w->m, ca);
	ck_assert_uint_eq(f->host[0], w->a->id); /* the opener is lane 0 */
	ck_assert_uint_eq(f->host[1], w->b->id);
	ck_assert_uint_eq(f->conn[0], ca->key);
	ck_assert_uint_eq(f->conn[1], cb->key);
	ck_assert(f->isn_known[0] && f->isn_known[1]);
	ck_assert_uint_eq(f->isn[0], sock_tcb(w->cli)->iss);
	ck_assert_uint_eq(f->isn[1], sock_tcb(w->srv)->iss);
	/* SYN, SYN,ACK, ACK: each arrived 10 ms after it left. */
	ck_assert_uint_eq(count_kind(f, TM_E_SEG), 3);
	e = nth(f, TM_E_SEG, 0);
	ck_assert_uint_eq(e->seg.flags, TV_TH_SYN);
	ck_assert_uint_eq(e->lane, 0);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	ck_assert_uint_eq(e->t_end - e->t, DELAY);
	e = nth(f, TM_E_SEG, 1);
	ck_assert_uint_eq(e->seg.flags, TV_TH_SYN | TV_TH_ACK);
	ck_assert_uint_eq(e->lane, 1);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	e = nth(f, TM_E_SEG, 2);
	ck_assert_uint_eq(e->seg.flags, TV_TH_ACK);
	ck_assert_uint_eq(e->lane, 0);
	ck_assert_uint_eq(e->seg.seq, f->isn[0] + 1);
	/* The lanes' state changes, where they happened. */
	e = nth(f, TM_E_STATE, 0);
	ck_assert_uint_eq(e->lane, 0);
	ck_assert_int_eq(e->old_state, TCB_CLOSED);
	ck_assert_int_eq(e->new_state, TCB_SYN_SENT);
	e = nth(f, TM_E_STATE, 1);
	ck_assert_uint_eq(e->lane, 1);
	ck_assert_int_eq(e->new_state, TCB_SYN_RECEIVED);
	ck_assert_int_eq(e->rule, TV_RULE_LISTEN_SYN);
	ck_assert_uint_eq(count_kind(f, TM_E_STATE), 4);
	/* The retransmission timer ran while the SYN was out, and stopped. */
	ck_assert_uint_eq(ca->deadline[TV_TIMER_REXMIT], 0);
	ck_assert_uint_eq(ca->timer_count[TV_TIMER_REXMIT], 0);
	ck_assert_uint_eq(w->m->segments, 3);
	ck_assert_uint_eq(w->m->events, w->nev);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* The timer events keep a countdown's deadline and arming time. */
START_TEST(test_timer_events_keep_deadlines_and_arming_times)
{
	struct world *w = world_new(1);
	const struct tm_conn *ca;

	world_connect(w);
	run(w, TV_MSEC(1)); /* the SYN is on the wire */
	ca = conn_of(w->m, w->a, w->cli);
	ck_assert_int_eq(ca->state, TCB_SYN_SENT);
	ck_assert_uint_eq(ca->deadline[TV_TIMER_REXMIT], sock_tcb(w->cli)->timer[TCB_T_REXMIT]);
	ck_assert_uint_eq(ca->deadline[TV_TIMER_REXMIT] - ca->armed_at[TV_TIMER_REXMIT], TV_SEC(1));
	ck_assert_int_eq(nth(flow_of(w->m, ca), TM_E_SEG, 0)->fate, TM_FLIGHT);
	run(w, TV_MSEC(100));
	ca = conn_of(w->m, w->a, w->cli);
	ck_assert_uint_eq(ca->deadline[TV_TIMER_REXMIT], 0);
	world_free(w);
}
END_TEST

START_TEST(test_data_arrows_carry_length_and_arrive_in_order)
{
	struct world *w = world_new(1);
	const struct tm_flow *f;
	const struct tm_entry *d, *ack;

	handshake(w);
	ck_assert_int_eq(sock_send(w->cli, "hello", 5, sim_now(w->sim)), 5);
	ck_assert_int_eq(sock_send(w->srv, "hi", 2, sim_now(w->sim)), 2);
	run(w, TV_MSEC(500));
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	d = nth(f, TM_E_SEG, 3);
	ck_assert_uint_eq(d->lane, 0);
	ck_assert_uint_eq(d->seg.len, 5);
	ck_assert_uint_eq(d->seg.seq - f->isn[0], 1);
	ck_assert_int_eq(d->fate, TM_ARRIVED);
	d = nth(f, TM_E_SEG, 4);
	ck_assert_uint_eq(d->lane, 1);
	ck_assert_uint_eq(d->seg.len, 2);
	ck_assert_int_eq(d->fate, TM_ARRIVED);
	/* Both data segments were acknowledged (by the other side's data or
	 * a bare ACK): the last arrow from each lane acks everything. */
	for (int l = 0; l < 2; l++) {
		ack = NULL;
		for (size_t i = 0; i < f->n; i++)
			if (model_entry(f, i)->kind == TM_E_SEG && model_entry(f, i)->lane == l)
				ack = model_entry(f, i);
		ck_assert_ptr_nonnull(ack);
		ck_assert_uint_eq(ack->seg.ack - f->isn[!l], 1 + (l ? 5 : 2));
	}
	check_invariants(w->m);
	world_free(w);
}
END_TEST

START_TEST(test_close_ends_in_time_wait_then_closed_with_2msl_on_the_ladder)
{
	struct world *w = world_new(1);
	const struct tm_conn *ca, *cb;
	const struct tm_flow *f;
	const struct tm_entry *e;
	unsigned fins = 0;

	handshake(w);
	sock_close(w->cli, sim_now(w->sim));
	run(w, TV_MSEC(100));
	sock_close(w->srv, sim_now(w->sim));
	run(w, TV_MSEC(100));
	ca = model_conn_by_id(w->m, w->a->id, 1);
	cb = model_conn_by_id(w->m, w->b->id, 2);
	ck_assert_int_eq(ca->state, TCB_TIME_WAIT);
	ck_assert(!ca->closed);
	ck_assert_uint_eq(ca->deadline[TV_TIMER_2MSL] - ca->armed_at[TV_TIMER_2MSL], TV_SEC(240));
	ck_assert_int_eq(cb->state, TCB_CLOSED);
	ck_assert(cb->closed);
	ck_assert_int_eq(cb->rule, TV_RULE_FIN_ACKED);
	/* Open ones first: B's listener and A's TIME-WAIT before B's end. */
	ck_assert_uint_eq(w->m->conns[w->m->nconns - 1].key, cb->key);
	f = model_flow(w->m, ca->flow);
	for (size_t i = 0; i < f->n; i++) {
		e = model_entry(f, i);
		if (e->kind == TM_E_SEG && (e->seg.flags & TV_TH_FIN)) {
			ck_assert_int_eq(e->fate, TM_ARRIVED);
			fins++;
		}
	}
	ck_assert_uint_eq(fins, 2);
	ck_assert_int_eq(sim_run_until_idle(w->sim, TV_SEC(600)), 0);
	ca = model_conn_by_id(w->m, w->a->id, 1);
	ck_assert(ca->closed);
	ck_assert_int_eq(ca->rule, TV_RULE_TIME_WAIT_EXPIRED);
	ck_assert_uint_eq(ca->deadline[TV_TIMER_2MSL], 0);
	f = model_flow(w->m, ca->flow);
	e = nth(f, TM_E_TIMER, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->timer, TV_TIMER_2MSL);
	ck_assert_uint_eq(e->lane, 0);
	e = model_entry(f, f->n - 1);
	ck_assert_int_eq(e->kind, TM_E_STATE);
	ck_assert_int_eq(e->new_state, TCB_CLOSED);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* ---- the gate ---- */

START_TEST(test_gate_hold_and_release_keep_the_held_list_in_step)
{
	struct world *w = world_new(1);
	struct gate *g;
	const struct tm_flow *f;
	const struct tm_entry *e;
	struct gate_held h;

	g = hold_the_syn(w, &h);
	ck_assert_uint_eq(w->m->nheld, 1);
	ck_assert_uint_eq(w->m->held[0].id, h.id);
	ck_assert_uint_eq(w->m->held[0].host, w->a->id);
	ck_assert_int_eq(w->m->held[0].dir, TV_DIR_OUT);
	ck_assert(w->m->held[0].has_seg);
	ck_assert_uint_eq(w->m->held[0].seg.flags, TV_TH_SYN);
	ck_assert_uint_eq(w->m->held[0].seg.iss, sock_tcb(w->cli)->iss);
	ck_assert_uint_eq(w->m->held_total, 1);
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	e = nth(f, TM_E_SEG, 0);
	ck_assert_int_eq(e->fate, TM_HELD);
	ck_assert_uint_eq(e->frame, h.id);
	/* Only a snapshot tells which way a gate holds. */
	ck_assert(!model_holding(w->m));
	world_snapshot(w);
	ck_assert(model_holding(w->m));
	ck_assert(model_host(w->m, w->a->id)->hold_out);
	ck_assert_uint_eq(w->m->nheld, 1);
	ck_assert_uint_eq(count_kind(f, TM_E_SEG), 1); /* the snapshot drew nothing twice */
	ck_assert_int_eq(gate_release(g, h.id, sim_now(w->sim)), 0);
	run(w, TV_MSEC(5));
	ck_assert_uint_eq(w->m->nheld, 0);
	e = nth(f, TM_E_SEG, 0);
	ck_assert_int_eq(e->fate, TM_FLIGHT);
	ck_assert_uint_eq(e->frame, 0);
	run(w, TV_MSEC(20));
	e = nth(f, TM_E_SEG, 0);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	ck_assert_uint_eq(w->m->nheld, 1); /* the ACK now waits at A's gate */
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* The model's held list is the gates' list, whatever the frames are. */
static void held_eq_gate(const struct model *m, const struct gate *g)
{
	struct gate_held h[16];
	size_t n = gate_held_list(g, h, 16);

	ck_assert_uint_eq(m->nheld, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(m->held[i].id, h[i].id);
		ck_assert_int_eq(m->held[i].kind, h[i].sum.kind);
		ck_assert_int_eq(m->held[i].dir, h[i].dir);
		ck_assert_int_eq(m->held[i].has_seg, h[i].sum.kind == TV_FRAME_TCP);
		ck_assert_uint_eq(m->held[i].since, h[i].time);
	}
}

START_TEST(test_gate_holds_frames_of_any_kind_without_arrows)
{
	struct world *w = world_new(1);
	struct gate *g = sim_gate(w->sim, w->a);
	json_t *snap;

	gate_set_dir_mode(g, TV_DIR_OUT, GATE_HOLD);
	ck_assert_int_eq(icmp_send_echo(w->a, ADDR_B, 1, 1, (const uint8_t *)"x", 1,
					sim_now(w->sim)), 0);
	run(w, TV_MSEC(50));
	ck_assert_uint_ge(gate_held_count(g), 1);
	held_eq_gate(w->m, g);
	ck_assert_int_eq(w->m->held[0].kind, TV_FRAME_ARP);
	ck_assert_uint_eq(w->m->nflows, 0);
	for (int i = 0; i < 3; i++) {
		gate_release_n(g, 16, sim_now(w->sim));
		run(w, TV_MSEC(50)); /* the ARP request, then the echo request */
		held_eq_gate(w->m, g);
		snap = snapshot_json(w->sim);
		ck_assert_int_eq(model_snapshot(w->m, snap, 0), 0);
		json_decref(snap);
		held_eq_gate(w->m, g);
	}
	ck_assert_uint_eq(w->m->nflows, 0);
	world_free(w);
}
END_TEST

START_TEST(test_gate_drop_ends_the_arrow_and_the_retransmission_is_marked)
{
	struct world *w = world_new(1);
	struct gate *g;
	const struct tm_flow *f;
	const struct tm_entry *e;
	struct gate_held h;

	g = hold_the_syn(w, &h);
	ck_assert_int_eq(gate_drop(g, h.id, sim_now(w->sim)), 0);
	ck_assert_uint_eq(w->m->nheld, 0);
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	e = nth(f, TM_E_SEG, 0);
	ck_assert_int_eq(e->fate, TM_DROPPED);
	ck_assert_uint_eq(e->t_end, sim_now(w->sim));
	ck_assert_uint_eq(w->m->drops, 1);
	gate_set_dir_mode(g, TV_DIR_OUT, GATE_PASS);
	run(w, TV_SEC(2)); /* the RTO fires: the SYN goes again */
	e = nth(f, TM_E_TIMER, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->timer, TV_TIMER_REXMIT);
	e = nth(f, TM_E_SEG, 1);
	ck_assert_uint_eq(e->seg.flags, TV_TH_SYN);
	ck_assert(e->retransmit);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	ck_assert_uint_eq(w->m->rexmits, 1);
	ck_assert_uint_eq(conn_of(w->m, w->a, w->cli)->rexmit_total, 1);
	ck_assert_int_eq(conn_of(w->m, w->a, w->cli)->state, TCB_ESTABLISHED);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

START_TEST(test_gate_duplicate_draws_a_second_arrow)
{
	struct world *w = world_new(1);
	struct gate *g;
	const struct tm_flow *f;
	const struct tm_entry *e0, *e1;
	struct gate_held h;
	uint32_t copy;

	g = hold_the_syn(w, &h);
	ck_assert_int_eq(gate_dup(g, h.id, &copy, sim_now(w->sim)), 0);
	ck_assert_uint_eq(w->m->nheld, 2);
	ck_assert_uint_eq(w->m->held[0].id, h.id);
	ck_assert_uint_eq(w->m->held[1].id, copy); /* right after its original */
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	e0 = nth(f, TM_E_SEG, 0);
	e1 = nth(f, TM_E_SEG, 1);
	ck_assert(!e0->duplicate);
	ck_assert(e1->duplicate);
	ck_assert_int_eq(e1->fate, TM_HELD);
	ck_assert_uint_eq(e1->frame, copy);
	ck_assert_uint_eq(e1->seg.seq, e0->seg.seq);
	gate_set_dir_mode(g, TV_DIR_OUT, GATE_PASS);
	ck_assert_uint_eq(gate_release_n(g, 2, sim_now(w->sim)), 2);
	run(w, TV_MSEC(100));
	e0 = nth(f, TM_E_SEG, 0);
	e1 = nth(f, TM_E_SEG, 1);
	ck_assert_int_eq(e0->fate, TM_ARRIVED);
	ck_assert_int_eq(e1->fate, TM_ARRIVED);
	ck_assert_uint_eq(w->m->nheld, 0);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* The SYN and its retransmission, both held, then released 1 ms apart:
 * equal segments in flight arrive first in, first out. */
START_TEST(test_equal_segments_in_flight_arrive_first_in_first_out)
{
	struct world *w = world_new(1);
	struct gate *g = sim_gate(w->sim, w->a);
	const struct tm_flow *f;
	const struct tm_entry *e0, *e1;
	struct gate_held h[2];
	tv_time t;

	warm_arp(w);
	gate_set_dir_mode(g, TV_DIR_OUT, GATE_HOLD);
	world_connect(w);
	run(w, TV_MSEC(1500));
	ck_assert_uint_eq(gate_held_list(g, h, 2), 2);
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	e0 = nth(f, TM_E_SEG, 0);
	e1 = nth(f, TM_E_SEG, 1);
	ck_assert(!e0->retransmit && e1->retransmit);
	ck_assert_uint_eq(e0->frame, h[0].id);
	ck_assert_uint_eq(e1->frame, h[1].id);
	t = sim_now(w->sim);
	ck_assert_int_eq(gate_release(g, h[0].id, t), 0);
	run(w, TV_MSEC(1));
	ck_assert_int_eq(gate_release(g, h[1].id, sim_now(w->sim)), 0);
	run(w, TV_MSEC(50));
	ck_assert_int_eq(e0->fate, TM_ARRIVED);
	ck_assert_int_eq(e1->fate, TM_ARRIVED);
	ck_assert_uint_eq(e0->t_end, t + DELAY);
	ck_assert_uint_eq(e1->t_end, t + TV_MSEC(1) + DELAY);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* ---- the wire, and drops at the receiver ---- */

START_TEST(test_wire_loss_marks_the_arrow_lost)
{
	struct world *w = world_new(1);
	struct wire_impair im;
	const struct tm_flow *f;
	const struct tm_entry *e;

	wire_impair_none(&im);
	im.delay = DELAY;
	im.loss_ppm = 1000000;
	wire_set_default(sim_wire(w->sim), &im);
	world_connect(w);
	run(w, TV_MSEC(50));
	im.loss_ppm = 0;
	wire_set_default(sim_wire(w->sim), &im);
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	e = nth(f, TM_E_SEG, 0);
	ck_assert_int_eq(e->fate, TM_LOST);
	ck_assert_uint_eq(e->t_end, e->t); /* lost as it left */
	run(w, TV_SEC(2));
	e = nth(f, TM_E_SEG, 1);
	ck_assert(e->retransmit);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	ck_assert_uint_ge(w->m->drops, 1);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

START_TEST(test_wire_duplicate_arrives_twice)
{
	struct world *w = world_new(1);
	struct wire_impair im;
	const struct tm_flow *f;
	const struct tm_entry *e0, *e1;

	wire_impair_none(&im);
	im.delay = DELAY;
	im.dup_ppm = 1000000;
	wire_set_default(sim_wire(w->sim), &im);
	world_connect(w);
	run(w, TV_MSEC(5));
	im.dup_ppm = 0;
	wire_set_default(sim_wire(w->sim), &im);
	run(w, TV_MSEC(100));
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	e0 = nth(f, TM_E_SEG, 0);
	e1 = nth(f, TM_E_SEG, 1);
	ck_assert_uint_eq(e0->seg.flags, TV_TH_SYN);
	ck_assert_uint_eq(e1->seg.flags, TV_TH_SYN);
	ck_assert(!e0->duplicate && e1->duplicate);
	ck_assert_int_eq(e0->fate, TM_ARRIVED);
	ck_assert_int_ne(e1->fate, TM_FLIGHT); /* arrived (and B answered the repeat) */
	ck_assert_uint_le(e0->t_end, e1->t_end);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* A SYN to a port nobody listens on: B discards it and answers RST. */
START_TEST(test_receiver_drop_marks_the_arrow_discarded_with_its_counter)
{
	struct world *w = world_new(1);
	const struct tm_conn *ca;
	const struct tm_flow *f;
	const struct tm_entry *e;

	ck_assert_int_eq(sock_connect(w->a, ADDR_B, 81, 0, on_conn, w, &w->cli, 0), 0);
	run(w, TV_MSEC(100));
	ca = model_conn_by_id(w->m, w->a->id, 1);
	ck_assert(ca->closed);
	ck_assert_int_eq(ca->rule, TV_RULE_SYN_SENT_RST);
	f = model_flow(w->m, ca->flow);
	e = nth(f, TM_E_SEG, 0);
	ck_assert_uint_eq(e->seg.flags, TV_TH_SYN);
	ck_assert_int_eq(e->fate, TM_DISCARDED);
	ck_assert_int_eq(e->counter, TV_CNT_TCP_NO_SOCKET);
	ck_assert_int_eq(e->rule, TV_RULE_CLOSED_RST);
	ck_assert_uint_eq(e->t_end - e->t, DELAY);
	e = nth(f, TM_E_SEG, 1); /* B's RST, sent for no connection, same flow */
	ck_assert(e->seg.flags & TV_TH_RST);
	ck_assert_uint_eq(e->lane, 1);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	ck_assert_uint_eq(w->m->nflows, 1);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* ---- snapshots ---- */

START_TEST(test_snapshot_brings_the_numbers_events_do_not_carry)
{
	struct world *w = world_new(1);
	const struct tcb *t;
	const struct tm_conn *ca;
	const struct tm_host *ha;
	bool found = false;

	handshake(w);
	ck_assert_int_eq(sock_send(w->cli, "hello", 5, sim_now(w->sim)), 5);
	run(w, TV_MSEC(5));
	world_snapshot(w);
	t = sock_tcb(w->cli);
	ca = conn_of(w->m, w->a, w->cli);
	ck_assert_uint_eq(ca->snd_una, t->snd_una);
	ck_assert_uint_eq(ca->snd_nxt, t->snd_nxt);
	ck_assert_uint_eq(ca->snd_nxt - ca->snd_una, 5); /* in flight */
	ck_assert_uint_eq(ca->rcv_nxt, t->rcv_nxt);
	ck_assert_uint_eq(ca->cwnd, t->cwnd);
	ck_assert_uint_eq(ca->rto, t->rto);
	ck_assert_uint_eq(ca->mss, t->snd_mss);
	ck_assert_uint_eq(ca->iss, t->iss);
	ck_assert_uint_eq(ca->deadline[TV_TIMER_REXMIT], t->timer[TCB_T_REXMIT]);
	ck_assert_uint_eq(w->m->vt, sim_now(w->sim));
	ck_assert_uint_eq(w->m->snapshots, 1);
	ha = model_host(w->m, w->a->id);
	ck_assert(ha->stack);
	for (unsigned i = 0; i < ha->ncounters; i++)
		if (strcmp(ha->counters[i].name, "tcp.tx") == 0) {
			ck_assert_uint_eq(ha->counters[i].value, w->a->counters[TV_CNT_TCP_TX]);
			found = true;
		} else {
			ck_assert_uint_ne(ha->counters[i].value, 0); /* only nonzero ones */
		}
	ck_assert(found);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* A snapshot that no longer lists a TCB means it is gone. */
START_TEST(test_snapshot_closes_connections_it_no_longer_lists)
{
	struct world *w = world_new(1);
	json_t *snap, *hb;
	unsigned key;

	handshake(w);
	key = conn_of(w->m, w->b, w->srv)->key;
	snap = snapshot_json(w->sim);
	hb = json_array_get(json_object_get(snap, "hosts"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(hb, "name")), "B");
	json_object_set_new(hb, "tcbs", json_array());
	ck_assert_int_eq(model_snapshot(w->m, snap, 0), 0);
	ck_assert(model_conn(w->m, key)->closed);
	ck_assert(model_conn_by_id(w->m, w->b->id, 1)->closed); /* the listener too */
	ck_assert(!conn_of(w->m, w->a, w->cli)->closed);      /* A's host was listed */
	check_invariants(w->m);
	json_decref(snap);
	world_free(w);
}
END_TEST

/* What a model holds, for comparing before and after. */
static void model_digest(const struct model *m, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%u %u %u %u %llu|", m->nhosts, m->nconns,
				    m->nflows, m->nheld, (unsigned long long)m->snapshots);

	for (unsigned i = 0; i < m->nconns && n < size; i++) {
		const struct tm_conn *c = &m->conns[i];
		n += (size_t)snprintf(buf + n, size - n, "%u:%d:%d:%u:%u:%llu:%u,", c->key, c->state,
				      c->closed, c->snd_una, c->cwnd,
				      (unsigned long long)c->deadline[TV_TIMER_REXMIT], c->flow);
	}
	for (unsigned i = 0; i < m->nhosts && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s:%d:%d:%u,", m->hosts[i].name,
				      m->hosts[i].hold_in, m->hosts[i].hold_out,
				      m->hosts[i].ncounters);
}

START_TEST(test_snapshot_malformed_is_refused_whole)
{
	struct world *w = world_new(1);
	char before[4096], after[4096];
	json_t *good, *bad;
	/* Each a path of keys/indexes in the snapshot and a bad value for it. */
	static const struct {
		const char *json_path[8];
		const char *value;
	} cases[] = {
		{{"hosts", NULL}, "{}"},
		{{"time", NULL}, "\"soon\""},
		{{"paused", NULL}, "1"},
		{{"hosts", "1", "tcbs", NULL}, "7"},
		{{"hosts", "1", "tcbs", "1", "state", NULL}, "\"HALF-OPEN\""},
		{{"hosts", "1", "tcbs", "1", "snd.una", NULL}, "-1"},
		{{"hosts", "1", "tcbs", "1", "timers", "rexmit", NULL}, "5"},
		{{"hosts", "1", "tcbs", "1", "tuple", "laddr", NULL}, "\"10.0.0\""},
		{{"hosts", "1", "counters", "tcp.rx", NULL}, "\"many\""},
		{{"hosts", "1", "id", NULL}, "0"},
		{{"hosts", "0", "gate", "held", NULL}, "[{\"id\":1,\"dir\":\"sideways\"}]"},
		{{"hosts", "0", "gate", "held", NULL}, "[{\"id\":1,\"seg\":{\"flags\":\"SYN,XYZ\"}}]"},
		{{"endpoints", NULL}, "[{\"name\":\"x\"}]"},
	};

	handshake(w);
	ck_assert_int_eq(sock_send(w->cli, "hello", 5, sim_now(w->sim)), 5);
	gate_set_dir_mode(sim_gate(w->sim, w->a), TV_DIR_OUT, GATE_HOLD);
	run(w, TV_MSEC(5));
	world_snapshot(w);
	run(w, TV_MSEC(100)); /* the numbers move on */
	good = snapshot_json(w->sim);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o;
		const char *const *p = cases[i].json_path;
		bad = json_deep_copy(good);
		o = bad;
		for (; p[1] != NULL; p++)
			o = json_is_array(o) ? json_array_get(o, strtoul(*p, NULL, 10))
					     : json_object_get(o, *p);
		ck_assert_msg(o != NULL, "case %zu: no such path", i);
		if (json_is_array(o))
			json_array_set_new(o, strtoul(*p, NULL, 10),
					   json_loads(cases[i].value, JSON_DECODE_ANY, NULL));
		else
			json_object_set_new(o, *p, json_loads(cases[i].value, JSON_DECODE_ANY, NULL));
		model_digest(w->m, before, sizeof(before));
		ck_assert_msg(model_snapshot(w->m, bad, 0) == -1, "case %zu accepted", i);
		model_digest(w->m, after, sizeof(after));
		ck_assert_str_eq(before, after);
		json_decref(bad);
	}
	ck_assert_int_eq(model_snapshot(w->m, good, 0), 0);
	model_digest(w->m, after, sizeof(after));
	ck_assert_str_ne(before, after);
	ck_assert_int_eq(model_snapshot(w->m, NULL, 0), -1);
	json_decref(good);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* A TUI attaching mid-run knows only the greeting and a snapshot: it
 * still has the connections, their flow, and the held segment. */
START_TEST(test_snapshot_alone_builds_connections_flows_and_held_arrows)
{
	struct world *w = world_new(1);
	struct model *m = model_new();
	json_t *g = greeting_json(w->sim), *snap;
	const struct tm_conn *ca, *cb;
	const struct tm_flow *f;
	const struct tm_entry *e;
	struct gate_held h;

	handshake(w);
	gate_set_dir_mode(sim_gate(w->sim, w->a), TV_DIR_OUT, GATE_HOLD);
	ck_assert_int_eq(sock_send(w->cli, "hello", 5, sim_now(w->sim)), 5);
	run(w, TV_MSEC(5));
	ck_assert_uint_eq(gate_held_list(sim_gate(w->sim, w->a), &h, 1), 1);
	snap = snapshot_json(w->sim);
	ck_assert_int_eq(model_greeting(m, g, 0), 0);
	ck_assert_int_eq(model_snapshot(m, snap, 0), 0);
	ca = conn_of(m, w->a, w->cli);
	cb = conn_of(m, w->b, w->srv);
	ck_assert_int_eq(ca->state, TCB_ESTABLISHED);
	ck_assert_int_eq(cb->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(ca->flow, cb->flow);
	ck_assert_uint_eq(conn_of(m, w->b, w->lst)->flow, 0);
	f = model_flow(m, ca->flow);
	ck_assert(f->isn_known[0] && f->isn_known[1]);
	ck_assert_uint_eq(f->isn[0], sock_tcb(w->cli)->iss);
	ck_assert_uint_eq(f->isn[1], sock_tcb(w->srv)->iss);
	ck_assert_uint_eq(m->nheld, 1);
	ck_assert_uint_eq(m->held[0].id, h.id);
	ck_assert_uint_eq(m->held[0].seg.len, 5);
	ck_assert_uint_eq(m->held[0].seg.iss, f->isn[0]);
	e = nth(f, TM_E_SEG, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->fate, TM_HELD);
	ck_assert_uint_eq(e->frame, h.id);
	ck_assert_uint_eq(e->lane, 0);
	/* Then the events: the release completes the snapshot's arrow. */
	size_t from = w->nev;
	gate_release(sim_gate(w->sim, w->a), h.id, sim_now(w->sim));
	run(w, TV_MSEC(100));
	for (size_t i = from; i < w->nev; i++)
		model_event(m, &w->ev[i]);
	ck_assert_int_eq(nth(f, TM_E_SEG, 0)->fate, TM_ARRIVED);
	ck_assert_uint_eq(count_kind(f, TM_E_SEG), 2); /* and B's ACK of it */
	check_invariants(m);
	json_decref(g);
	json_decref(snap);
	model_free(m);
	world_free(w);
}
END_TEST

/* ---- JSON round trip ---- */

static void entries_eq(const struct tm_flow *a, const struct tm_flow *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct tm_entry *x = model_entry(a, i), *y = model_entry(b, i);
		ck_assert_int_eq(x->kind, y->kind);
		ck_assert_uint_eq(x->lane, y->lane);
		ck_assert_uint_eq(x->t, y->t);
		ck_assert_uint_eq(x->t_end, y->t_end);
		ck_assert_int_eq(x->fate, y->fate);
		ck_assert_uint_eq(x->seg.flags, y->seg.flags);
		ck_assert_uint_eq(x->seg.seq, y->seg.seq);
		ck_assert_uint_eq(x->seg.ack, y->seg.ack);
		ck_assert_uint_eq(x->seg.len, y->seg.len);
		ck_assert_uint_eq(x->frame, y->frame);
		ck_assert_int_eq(x->retransmit, y->retransmit);
		ck_assert_int_eq(x->duplicate, y->duplicate);
		ck_assert_int_eq(x->counter, y->counter);
		ck_assert_int_eq(x->old_state, y->old_state);
		ck_assert_int_eq(x->new_state, y->new_state);
		ck_assert_int_eq(x->rule, y->rule);
		ck_assert_int_eq(x->timer, y->timer);
		ck_assert_str_eq(x->text ? x->text : "", y->text ? y->text : "");
	}
}

static void models_eq(const struct model *a, const struct model *b)
{
	ck_assert_uint_eq(a->nconns, b->nconns);
	for (unsigned i = 0; i < a->nconns; i++) {
		const struct tm_conn *x = &a->conns[i], *y = &b->conns[i];
		ck_assert_uint_eq(x->key, y->key);
		ck_assert_uint_eq(x->host, y->host);
		ck_assert_uint_eq(x->id, y->id);
		ck_assert_int_eq(x->state, y->state);
		ck_assert_int_eq(x->prev_state, y->prev_state);
		ck_assert_int_eq(x->rule, y->rule);
		ck_assert_int_eq(x->closed, y->closed);
		ck_assert_uint_eq(x->flow, y->flow);
		ck_assert_uint_eq(x->rexmit_total, y->rexmit_total);
		ck_assert_mem_eq(x->deadline, y->deadline, sizeof(x->deadline));
		ck_assert_mem_eq(x->armed_at, y->armed_at, sizeof(x->armed_at));
		ck_assert_mem_eq(&x->tuple, &y->tuple, sizeof(x->tuple));
	}
	ck_assert_uint_eq(a->nflows, b->nflows);
	for (unsigned i = 0; i < a->nflows; i++) {
		const struct tm_flow *x = a->flows[i], *y = b->flows[i];
		ck_assert_mem_eq(x->host, y->host, sizeof(x->host));
		ck_assert_mem_eq(x->conn, y->conn, sizeof(x->conn));
		ck_assert_mem_eq(x->isn, y->isn, sizeof(x->isn));
		ck_assert_mem_eq(x->isn_known, y->isn_known, sizeof(x->isn_known));
		entries_eq(x, y);
	}
	ck_assert_uint_eq(a->nheld, b->nheld);
	for (unsigned i = 0; i < a->nheld; i++)
		ck_assert_uint_eq(a->held[i].id, b->held[i].id);
	ck_assert_uint_eq(a->log_n, b->log_n);
	for (unsigned i = 0; i < a->log_n; i++) {
		ck_assert_int_eq(model_log(a, i)->ev.type, model_log(b, i)->ev.type);
		ck_assert_uint_eq(model_log(a, i)->flow, model_log(b, i)->flow);
	}
	ck_assert_uint_eq(a->events, b->events);
	ck_assert_uint_eq(a->segments, b->segments);
	ck_assert_uint_eq(a->drops, b->drops);
	ck_assert_uint_eq(a->rexmits, b->rexmits);
	ck_assert_uint_eq(a->held_total, b->held_total);
	ck_assert_int_eq(a->last_rule.rule, b->last_rule.rule);
	ck_assert_str_eq(a->narration, b->narration);
}

/* Everything at once: hold, drop, duplicate, loss, data, close. */
static void busy_run(struct world *w)
{
	struct gate *g;
	struct wire_impair im;
	struct gate_held h[4];
	uint32_t copy;

	g = hold_the_syn(w, &h[0]);
	ck_assert_int_eq(gate_dup(g, h[0].id, &copy, sim_now(w->sim)), 0);
	ck_assert_int_eq(gate_drop(g, h[0].id, sim_now(w->sim)), 0);
	world_snapshot(w);
	gate_set_dir_mode(g, TV_DIR_OUT, GATE_PASS);
	ck_assert_uint_eq(gate_release_n(g, 4, sim_now(w->sim)), 1);
	run(w, TV_MSEC(100));
	wire_impair_none(&im);
	im.delay = DELAY;
	im.loss_ppm = 1000000;
	wire_set_default(sim_wire(w->sim), &im);
	ck_assert_int_eq(sock_send(w->cli, "hello", 5, sim_now(w->sim)), 5);
	run(w, TV_MSEC(50));
	im.loss_ppm = 0;
	wire_set_default(sim_wire(w->sim), &im);
	run(w, TV_SEC(3));
	world_snapshot(w);
	sock_close(w->cli, sim_now(w->sim));
	run(w, TV_MSEC(100));
	sock_close(w->srv, sim_now(w->sim));
	ck_assert_int_eq(sim_run_until_idle(w->sim, TV_SEC(600)), 0);
	world_snapshot(w);
}

START_TEST(test_json_round_trip_gives_the_same_model)
{
	struct world *w = world_new(3);

	busy_run(w);
	ck_assert_uint_gt(w->m->rexmits, 0);
	ck_assert_uint_gt(w->m->drops, 1);
	models_eq(w->m, w->mj);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* ---- the log, notes, pruning, reset ---- */

static struct tv_event note_event(tv_time t, const char *text)
{
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_NOTE;
	ev.time = t;
	snprintf(ev.u.note.text, sizeof(ev.u.note.text), "%s", text);
	return ev;
}

START_TEST(test_log_ring_keeps_the_newest_events)
{
	struct model *m = model_new();
	char text[32];

	for (unsigned i = 0; i < TM_LOG_MAX + 10; i++) {
		snprintf(text, sizeof(text), "note %u", i);
		struct tv_event ev = note_event(i, text);
		model_event(m, &ev);
	}
	ck_assert_uint_eq(m->log_n, TM_LOG_MAX);
	ck_assert_str_eq(model_log(m, 0)->note, "note 10");
	ck_assert_uint_eq(model_log(m, 0)->ev.time, 10);
	snprintf(text, sizeof(text), "note %u", TM_LOG_MAX + 9);
	ck_assert_str_eq(model_log(m, TM_LOG_MAX - 1)->note, text);
	ck_assert_ptr_null(model_log(m, TM_LOG_MAX));
	ck_assert_uint_eq(m->events, TM_LOG_MAX + 10);
	ck_assert_str_eq(m->narration, text);
	model_free(m);
}
END_TEST

START_TEST(test_notes_go_to_narration_and_every_open_flow)
{
	struct world *w = world_new(1);
	struct tv_event ev;
	const struct tm_flow *f;
	const struct tm_entry *e;

	handshake(w);
	ev = note_event(sim_now(w->sim), "Three segments: the connection is open.");
	model_event(w->m, &ev);
	ck_assert_str_eq(w->m->narration, "Three segments: the connection is open.");
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	e = model_entry(f, f->n - 1);
	ck_assert_int_eq(e->kind, TM_E_NOTE);
	ck_assert_str_eq(e->text, "Three segments: the connection is open.");
	ck_assert_str_eq(model_log(w->m, w->m->log_n - 1)->note, e->text);
	world_free(w);
}
END_TEST

static struct tv_event state_event(uint32_t host, uint32_t id, int old, int new, tv_time t)
{
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_STATE;
	ev.time = t;
	ev.host = host;
	ev.conn = id;
	ev.tuple = (struct tv_tuple){ADDR_A, ADDR_B, (uint16_t)(1000 + id), 80};
	ev.u.state.old_state = (uint8_t)old;
	ev.u.state.new_state = (uint8_t)new;
	return ev;
}

START_TEST(test_closed_connections_are_pruned_to_the_newest_kept)
{
	struct model *m = model_new();
	unsigned n = 300, more = 200;
	struct tv_event ev;

	for (unsigned id = 1; id <= n + 5; id++) {
		ev = state_event(1, id, TCB_CLOSED, TCB_SYN_SENT, id);
		model_event(m, &ev);
	}
	for (unsigned id = 1; id <= n; id++) {
		ev = state_event(1, id, TCB_SYN_SENT, TCB_CLOSED, 1000 + id);
		model_event(m, &ev);
		if (id % 16 == 0)
			check_invariants(m);
	}
	ck_assert_uint_eq(m->nconns, 5 + TM_CLOSED_KEEP);
	ck_assert_uint_eq(m->conns[0].id, n + 1); /* the open ones first */
	ck_assert(!m->conns[4].closed);
	ck_assert(m->conns[5].closed);
	ck_assert_uint_eq(m->conns[5].id, n - TM_CLOSED_KEEP + 1);
	ck_assert_ptr_null(model_conn_by_id(m, 1, 1));
	ck_assert_ptr_nonnull(model_conn_by_id(m, 1, n));
	/* New connections come: flows whose connections are all gone are
	 * pruned (the newest TM_CLOSED_KEEP of them stay), those of the
	 * connections still listed stay. */
	for (unsigned id = n + 6; id < n + 6 + more; id++) {
		ev = state_event(1, id, TCB_CLOSED, TCB_SYN_SENT, 5000 + id);
		model_event(m, &ev);
	}
	ck_assert_uint_le(m->nflows, 5 + more + 2 * TM_CLOSED_KEEP);
	for (unsigned i = 0; i < m->nconns; i++)
		ck_assert_ptr_nonnull(model_flow(m, m->conns[i].flow));
	check_invariants(m);
	model_free(m);
}
END_TEST

START_TEST(test_reset_forgets_everything_and_replays_the_same)
{
	struct world *w = world_new(1);
	struct model *fresh = model_new();
	uint64_t changes;
	json_t *g = greeting_json(w->sim);

	handshake(w);
	changes = w->m->changes;
	model_reset(w->m);
	ck_assert_uint_eq(w->m->nconns, 0);
	ck_assert_uint_eq(w->m->nflows, 0);
	ck_assert_uint_eq(w->m->log_n, 0);
	ck_assert_uint_eq(w->m->events, 0);
	ck_assert_uint_eq(w->m->nhosts, 0);
	ck_assert(!w->m->connected);
	ck_assert_uint_gt(w->m->changes, changes); /* views must redraw */
	/* The step back replays from scratch: the same model again. */
	ck_assert_int_eq(model_greeting(w->m, g, 0), 0);
	ck_assert_int_eq(model_greeting(fresh, g, 0), 0);
	for (size_t i = 0; i < w->nev; i++) {
		model_event(w->m, &w->ev[i]);
		model_event(fresh, &w->ev[i]);
	}
	models_eq(w->m, fresh);
	json_decref(g);
	model_free(fresh);
	world_free(w);
}
END_TEST

/* ---- the kernel across TAP: a lane nobody reports ---- */

static struct tv_event seg_event(enum tv_event_type type, uint32_t host, uint32_t conn,
				 uint32_t sa, uint16_t sp, uint32_t da, uint16_t dp, uint8_t flags,
				 uint32_t seq, uint32_t ack, tv_time t)
{
	struct tv_event ev;
	bool out = type == TV_EV_SEG_OUT;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.time = t;
	ev.host = host;
	ev.conn = conn;
	if (conn)
		ev.tuple = out ? (struct tv_tuple){sa, da, sp, dp} : (struct tv_tuple){da, sa, dp, sp};
	ev.u.seg = (struct tv_seg_info){.saddr = sa, .daddr = da, .sport = sp, .dport = dp,
					.seq = seq, .ack = ack, .flags = flags, .win = 1000};
	return ev;
}

START_TEST(test_kernel_lane_is_drawn_from_what_the_stack_host_sees)
{
	const uint32_t K = 0x0a000009u;
	struct model *m = model_new();
	json_t *g = json_pack("{s:i, s:[{s:i, s:s, s:s}, {s:i, s:s, s:s}]}", "tcpviz", 1, "hosts",
			      "id", 1, "name", "tcpviz", "addr", "10.0.0.1", "id", 5, "name",
			      "kernel", "addr", "10.0.0.9");
	struct tv_event ev;
	const struct tm_flow *f;
	const struct tm_entry *e;

	ck_assert_int_eq(model_greeting(m, g, 0), 0);
	ev = state_event(1, 1, TCB_CLOSED, TCB_LISTEN, 0);
	ev.tuple = (struct tv_tuple){ADDR_A, 0, 80, 0};
	model_event(m, &ev);
	/* The kernel's SYN: seen first when it reaches the stack host. */
	ev = seg_event(TV_EV_SEG_IN, 1, 1, K, 5555, ADDR_A, 80, TV_TH_SYN, 7000, 0, 100);
	ev.tuple = (struct tv_tuple){ADDR_A, 0, 80, 0};
	model_event(m, &ev);
	ev = state_event(1, 2, TCB_LISTEN, TCB_SYN_RECEIVED, 100);
	ev.tuple = (struct tv_tuple){ADDR_A, K, 80, 5555};
	model_event(m, &ev);
	ev = seg_event(TV_EV_SEG_OUT, 1, 2, ADDR_A, 80, K, 5555, TV_TH_SYN | TV_TH_ACK, 900, 7001,
		       100);
	model_event(m, &ev);
	ck_assert_uint_eq(m->nflows, 1);
	f = m->flows[0];
	ck_assert_uint_eq(f->host[0], 5); /* the kernel opened: lane 0 */
	ck_assert_uint_eq(f->host[1], 1);
	ck_assert_uint_eq(f->conn[0], 0);
	ck_assert_uint_eq(f->conn[1], model_conn_by_id(m, 1, 2)->key);
	ck_assert(f->isn_known[0] && f->isn_known[1]);
	e = nth(f, TM_E_SEG, 0);
	ck_assert_uint_eq(e->lane, 0);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	e = nth(f, TM_E_SEG, 1);
	ck_assert_int_eq(e->fate, TM_FLIGHT); /* still at this instant */
	/* Time moves on: nothing stopped it, so it reached the kernel. */
	ev = seg_event(TV_EV_SEG_IN, 1, 2, K, 5555, ADDR_A, 80, TV_TH_ACK, 7001, 901, 300);
	model_event(m, &ev);
	e = nth(f, TM_E_SEG, 1);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	ck_assert_uint_eq(e->t_end, 100);
	ck_assert_uint_eq(count_kind(f, TM_E_SEG), 3);
	ck_assert_int_eq(nth(f, TM_E_SEG, 2)->fate, TM_ARRIVED);
	check_invariants(m);
	json_decref(g);
	model_free(m);
}
END_TEST

/* A raw peer (not a stack host) has reported nothing when A's SYN goes
 * to it, so the SYN counts as arrived once time moves on; the peer's own
 * report of its arrival then completes that arrow, not a second one. */
START_TEST(test_raw_peer_arrival_completes_the_arrow_taken_as_arrived)
{
	const uint32_t P = 0x0a000007u;
	struct model *m = model_new();
	json_t *g = json_pack("{s:i, s:[{s:i, s:s, s:s}, {s:i, s:s, s:s}]}", "tcpviz", 1, "hosts",
			      "id", 1, "name", "A", "addr", "10.0.0.1", "id", 9, "name", "P", "addr",
			      "10.0.0.7");
	struct tv_event ev;
	const struct tm_flow *f;
	const struct tm_entry *e;

	ck_assert_int_eq(model_greeting(m, g, 0), 0);
	ev = state_event(1, 1, TCB_CLOSED, TCB_SYN_SENT, 100);
	ev.tuple = (struct tv_tuple){ADDR_A, P, 4000, 80};
	model_event(m, &ev);
	ev = seg_event(TV_EV_SEG_OUT, 1, 1, ADDR_A, 4000, P, 80, TV_TH_SYN, 500, 0, 100);
	model_event(m, &ev);
	ev = note_event(5000, "meanwhile");
	model_event(m, &ev);
	ck_assert_int_eq(nth(m->flows[0], TM_E_SEG, 0)->fate, TM_ARRIVED);
	ck_assert_uint_eq(nth(m->flows[0], TM_E_SEG, 0)->t_end, 100);
	ev = seg_event(TV_EV_SEG_IN, 9, 3, ADDR_A, 4000, P, 80, TV_TH_SYN, 500, 0, 10100);
	model_event(m, &ev);
	ck_assert_uint_eq(m->nflows, 1);
	f = m->flows[0];
	ck_assert_uint_eq(count_kind(f, TM_E_SEG), 1);
	ck_assert_uint_eq(count_kind(f, TM_E_NOTE), 1);
	e = nth(f, TM_E_SEG, 0);
	ck_assert_int_eq(e->fate, TM_ARRIVED);
	ck_assert_uint_eq(e->t_end, 10100);
	/* From now on the peer reports: its answer waits for A's report. */
	ev = seg_event(TV_EV_SEG_OUT, 9, 3, P, 80, ADDR_A, 4000, TV_TH_SYN | TV_TH_ACK, 9000, 501,
		       10100);
	model_event(m, &ev);
	ev = seg_event(TV_EV_SEG_OUT, 9, 3, P, 80, ADDR_A, 4000, TV_TH_ACK, 9001, 501, 15000);
	model_event(m, &ev);
	ck_assert_int_eq(nth(f, TM_E_SEG, 1)->fate, TM_FLIGHT);
	ck_assert_uint_eq(f->host[1], 9);
	ck_assert_uint_eq(f->lane_conn[1], 3);
	check_invariants(m);
	json_decref(g);
	model_free(m);
}
END_TEST

/* RFC 9293 figure 8 as in the old-duplicate-syn lesson: an old SYN from
 * port 7000 is held, A gives up and opens again from the same port, the
 * old SYN arrives.  Two flows, as the text ladder draws them: the old
 * attempt (B's SYN,ACK discarded by A) and the real connection, whose
 * numbers are its own, not the old attempt's. */
START_TEST(test_old_duplicate_syn_gets_a_flow_of_its_own)
{
	struct world *w = world_new(1);
	struct gate *g = sim_gate(w->sim, w->a);
	struct gate_rule r = {.flags_mask = TV_TH_SYN, .flags_value = TV_TH_SYN,
			      .action = GATE_ACT_HOLD};
	const struct tm_flow *old, *f;
	const struct tm_entry *e;
	struct gate_held h[2];

	warm_arp(w);
	ck_assert_int_eq(sim_rule(w->sim, w->a, w->b, &r, NULL), 0);
	ck_assert_int_eq(sock_connect(w->a, ADDR_B, 80, 7000, on_conn, w, &w->cli,
				      sim_now(w->sim)), 0);
	run(w, TV_MSEC(500));
	ck_assert_int_eq(sock_abort(w->cli, sim_now(w->sim)), 0);
	run(w, TV_SEC(3));
	ck_assert_int_eq(sock_connect(w->a, ADDR_B, 80, 7000, on_conn, w, &w->cli,
				      sim_now(w->sim)), 0);
	run(w, TV_MSEC(100));
	ck_assert_uint_eq(gate_held_list(g, h, 2), 2);
	gate_release(g, h[0].id, sim_now(w->sim)); /* the old SYN reaches B */
	run(w, TV_MSEC(100));
	gate_release(g, h[1].id, sim_now(w->sim));
	run(w, TV_MSEC(100));
	ck_assert_ptr_nonnull(w->srv);
	ck_assert_int_eq(conn_of(w->m, w->a, w->cli)->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(w->m->nflows, 2);
	old = w->m->flows[0];
	f = flow_of(w->m, conn_of(w->m, w->a, w->cli));
	ck_assert_ptr_ne(old, f);
	e = nth(old, TM_E_SEG, 1);
	ck_assert_uint_eq(e->seg.flags, TV_TH_SYN | TV_TH_ACK);
	ck_assert_int_eq(e->fate, TM_DISCARDED);
	ck_assert_int_eq(e->rule, TV_RULE_SYN_SENT_BAD_ACK);
	ck_assert_int_eq(nth(old, TM_E_STATE, 2)->new_state, TCB_SYN_RECEIVED);
	ck_assert_int_eq(nth(old, TM_E_STATE, 3)->new_state, TCB_LISTEN);
	ck_assert_uint_eq(f->conn[1], conn_of(w->m, w->b, w->srv)->key);
	ck_assert_uint_eq(f->isn[0], sock_tcb(w->cli)->iss);
	ck_assert_uint_eq(f->isn[1], sock_tcb(w->srv)->iss);
	ck_assert(nth(f, TM_E_SEG, 1)->seg.flags & TV_TH_RST); /* A's RST to the old SYN,ACK */
	models_eq(w->m, w->mj);
	check_invariants(w->m);
	world_free(w);
}
END_TEST

/* ---- 10,000 connections ---- */

START_TEST(test_fixture_of_ten_thousand_rows_indexes_every_connection)
{
	struct model *m = tui_fixture_model(10001);
	unsigned established = 0, held = 0;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->nconns, 10001);
	ck_assert_uint_eq(m->nflows, 5000);
	ck_assert_uint_eq(m->nheld, 3);
	ck_assert(model_holding(m));
	for (unsigned i = 0; i < 5000; i++) {
		const struct tm_conn *a = model_conn_by_id(m, 1, i + 1);
		const struct tm_conn *b = model_conn_by_id(m, 2, i + 2);
		const struct tm_flow *f;
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(a->flow, b->flow);
		f = model_flow(m, a->flow);
		ck_assert_uint_eq(f->conn[0], a->key);
		ck_assert_uint_eq(f->conn[1], b->key);
		ck_assert_uint_ge(count_kind(f, TM_E_SEG), 2);
		established += a->state == TCB_ESTABLISHED;
	}
	ck_assert_uint_eq(established, 3000);
	for (unsigned i = 0; i < m->nflows; i++)
		for (size_t k = 0; k < m->flows[i]->n; k++)
			held += model_entry(m->flows[i], k)->fate == TM_HELD;
	ck_assert_uint_eq(held, 3);
	check_invariants(m);
	model_free(m);
}
END_TEST

/* ---- out of memory ---- */

/* Replay a busy run's events and snapshots with the k-th allocation
 * failing (or every one from the k-th on): never a crash, always a
 * consistent model. */
struct replay {
	struct tv_event *ev;
	size_t nev;
	json_t *g, *snap;
	size_t snap_at;
};

static void replay(const struct replay *r, struct model *m)
{
	model_greeting(m, r->g, 0);
	for (size_t i = 0; i < r->nev; i++) {
		if (i == r->snap_at)
			model_snapshot(m, r->snap, 0);
		model_event(m, &r->ev[i]);
	}
}

START_TEST(test_allocation_failures_degrade_but_never_break_the_model)
{
	struct world *w = world_new(3);
	struct replay r;
	struct model *m;
	unsigned long total;

	busy_run(w);
	r = (struct replay){w->ev, w->nev, greeting_json(w->sim), snapshot_json(w->sim),
			    w->nev / 2};
	m = model_new();
	oom = (struct oom_state){.armed = true};
	replay(&r, m);
	oom.armed = false;
	total = oom.count;
	ck_assert_uint_gt(total, 10);
	model_free(m);
	for (int all = 0; all < 2; all++)
		for (unsigned long k = 1; k <= total + 1; k++) {
			oom = (struct oom_state){.armed = true, .all = all, .fail_at = k};
			m = model_new();
			if (m != NULL)
				replay(&r, m);
			oom.armed = false;
			if (m != NULL)
				check_invariants(m);
			ck_assert(k > total || oom.failed > 0);
			model_free(m);
		}
	json_decref(r.g);
	json_decref(r.snap);
	world_free(w);
}
END_TEST


/* The command language's `hold` is a rule (hold TCP, always) with the
 * gate's own mode left at "pass": the model counts such a rule as holding,
 * so the screen does not say "passes everything" while segments wait. */
START_TEST(test_a_hold_rule_counts_as_holding)
{
	struct world *w = world_new(1);
	struct gate *g = sim_gate(w->sim, w->b);
	struct gate_rule r;
	uint32_t id;

	memset(&r, 0, sizeof(r));
	r.dirs = GATE_DIR_BIT(TV_DIR_IN);
	r.proto = GATE_PROTO_TCP;
	r.count = GATE_ALWAYS;
	r.action = GATE_ACT_HOLD;
	ck_assert_int_eq(gate_rule_add(g, &r, &id), 0);
	world_snapshot(w);
	ck_assert(model_holding(w->m));
	ck_assert(model_host(w->m, w->b->id)->hold_in);
	ck_assert(!model_host(w->m, w->b->id)->hold_out);
	ck_assert(!model_host(w->m, w->a->id)->hold_in);
	/* A rule that holds only the next segment is not a holding gate. */
	ck_assert_int_eq(gate_rule_remove(g, id), 0);
	r.count = GATE_NEXT;
	r.n = 1;
	ck_assert_int_eq(gate_rule_add(g, &r, &id), 0);
	world_snapshot(w);
	ck_assert(!model_holding(w->m));
	world_free(w);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("tui_model");
	TCase *t;

	t = tcase_create("greeting");
	tcase_add_test(t, test_greeting_names_hosts_and_sets_clock);
	tcase_add_test(t, test_greeting_refused_when_not_protocol_1_or_malformed);
	suite_add_tcase(s, t);
	t = tcase_create("events");
	tcase_add_test(t, test_handshake_moves_both_ends_to_established_in_one_flow);
	tcase_add_test(t, test_timer_events_keep_deadlines_and_arming_times);
	tcase_add_test(t, test_data_arrows_carry_length_and_arrive_in_order);
	tcase_add_test(t, test_close_ends_in_time_wait_then_closed_with_2msl_on_the_ladder);
	tcase_add_test(t, test_gate_hold_and_release_keep_the_held_list_in_step);
	tcase_add_test(t, test_a_hold_rule_counts_as_holding);
	tcase_add_test(t, test_gate_holds_frames_of_any_kind_without_arrows);
	tcase_add_test(t, test_gate_drop_ends_the_arrow_and_the_retransmission_is_marked);
	tcase_add_test(t, test_gate_duplicate_draws_a_second_arrow);
	tcase_add_test(t, test_equal_segments_in_flight_arrive_first_in_first_out);
	tcase_add_test(t, test_wire_loss_marks_the_arrow_lost);
	tcase_add_test(t, test_wire_duplicate_arrives_twice);
	tcase_add_test(t, test_receiver_drop_marks_the_arrow_discarded_with_its_counter);
	tcase_add_test(t, test_kernel_lane_is_drawn_from_what_the_stack_host_sees);
	tcase_add_test(t, test_raw_peer_arrival_completes_the_arrow_taken_as_arrived);
	tcase_add_test(t, test_old_duplicate_syn_gets_a_flow_of_its_own);
	suite_add_tcase(s, t);
	t = tcase_create("snapshot");
	tcase_add_test(t, test_snapshot_brings_the_numbers_events_do_not_carry);
	tcase_add_test(t, test_snapshot_closes_connections_it_no_longer_lists);
	tcase_add_test(t, test_snapshot_malformed_is_refused_whole);
	tcase_add_test(t, test_snapshot_alone_builds_connections_flows_and_held_arrows);
	suite_add_tcase(s, t);
	t = tcase_create("model");
	tcase_add_test(t, test_json_round_trip_gives_the_same_model);
	tcase_add_test(t, test_log_ring_keeps_the_newest_events);
	tcase_add_test(t, test_notes_go_to_narration_and_every_open_flow);
	tcase_add_test(t, test_closed_connections_are_pruned_to_the_newest_kept);
	tcase_add_test(t, test_reset_forgets_everything_and_replays_the_same);
	tcase_add_test(t, test_fixture_of_ten_thousand_rows_indexes_every_connection);
	tcase_add_test(t, test_allocation_failures_degrade_but_never_break_the_model);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
