/*
 * check_daemon.c - the control socket, driven in-process: the server runs
 * on a live runtime's loop (the demo wire: A 10.0.0.1, B 10.0.0.2 with
 * the services, 100 µs apart) in the test's main thread, and a client
 * thread talks to it over real Unix sockets in a temporary directory.
 * No network, no fixed sleeps: every wait is for a reply or an event.
 *
 * Also the pieces a client uses without a daemon: the line codec
 * (client.h) and the JSON event decoder (evjson.h), which must give back
 * events that print exactly as the originals in the transcript.
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "core/tcp.h"
#include "daemon/client.h"
#include "daemon/evjson.h"
#include "daemon/server.h"
#include "host/rt.h"
#include "out/json.h"
#include "out/text.h"
#include "out_fixture.h"
#include "script/script.h"

/* ---- the fixture: a daemon in this process ---- */

struct dfx {
	char dir[64], path[128];
	struct rt *rt;
	struct script *sc;
	struct server *srv;
	struct server_config cfg;
	uv_async_t stop;
	pthread_t th;
	void (*body)(struct dfx *);
};

static void dfx_line(struct dfx *f, const char *line)
{
	struct script_cmd cmd;
	struct script_error err;
	struct script_result res;

	ck_assert_int_eq(script_parse_line("setup", 1, line, strlen(line), &cmd, &err), 0);
	ck_assert_int_eq(rt_exec(f->rt, f->sc, &cmd, &res), SCRIPT_OK);
	script_cmd_free(&cmd);
}

/* The runtime, the demo wire and (unless no_server) the server. */
static void dfx_setup_cfg(struct dfx *f, bool no_server)
{
	struct rt_opts o;
	struct script_config sc = {.seed = 1, .seed_fixed = true};
	char msg[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/tcpviz-ckd.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s", f->dir);
	rt_opts_default(&o);
	o.no_signals = true;
	ck_assert_ptr_nonnull(f->rt = rt_new(&o, NULL));
	rt_script_config(f->rt, &sc);
	ck_assert_ptr_nonnull(f->sc = script_new(rt_sim(f->rt), &sc));
	dfx_line(f, "host A 10.0.0.1");
	dfx_line(f, "host B 10.0.0.2");
	dfx_line(f, "wire delay 100us");
	dfx_line(f, "start B all");
	f->cfg.path = f->path;
	if (!no_server) {
		f->srv = server_new(f->rt, f->sc, &f->cfg, msg, sizeof(msg));
		ck_assert_msg(f->srv != NULL, "server_new: %s", msg);
	}
}

/* TCPVIZ_TEST_LOG=1: the server's log on stderr, for debugging. */
static void dfx_log(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "server: %s\n", line);
}

/* The default server config, for a test to change before dfx_setup_cfg. */
static void dfx_config(struct dfx *f)
{
	memset(f, 0, sizeof(*f));
	server_config_default(&f->cfg);
	if (getenv("TCPVIZ_TEST_LOG") != NULL)
		f->cfg.log = dfx_log;
}

static void dfx_setup(struct dfx *f, size_t out_max, unsigned ring)
{
	dfx_config(f);
	if (out_max)
		f->cfg.out_max = out_max;
	if (ring)
		f->cfg.ring = ring;
	dfx_setup_cfg(f, false);
}

static void on_stop(uv_async_t *a)
{
	struct dfx *f = a->data;

	rt_stop(f->rt);
}

static void *dfx_thread(void *p)
{
	struct dfx *f = p;

	f->body(f);
	uv_async_send(&f->stop);
	return NULL;
}

/* Run body in a client thread while the loop runs here. */
static void dfx_run(struct dfx *f, void (*body)(struct dfx *))
{
	f->body = body;
	ck_assert_int_eq(uv_async_init(rt_loop(f->rt), &f->stop, on_stop), 0);
	f->stop.data = f;
	ck_assert_int_eq(pthread_create(&f->th, NULL, dfx_thread, f), 0);
	rt_run(f->rt);
	pthread_join(f->th, NULL);
	uv_close((uv_handle_t *)&f->stop, NULL);
}

static void dfx_teardown(struct dfx *f)
{
	server_free(f->srv);
	script_free(f->sc);
	rt_free(f->rt);
	unlink(f->path);
	rmdir(f->dir);
}

/* ---- client helpers (client thread) ---- */

static struct tvc *cl_open(struct dfx *f)
{
	struct tvc *c = tvc_new();
	char msg[256];

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(tvc_connect(c, f->path, -1, msg, sizeof(msg)) == 0, "connect: %s", msg);
	return c;
}

/* Send line; the reply's object (owned by the caller). */
static json_t *cl_req(struct tvc *c, const char *line)
{
	struct tvc_msg m;

	ck_assert_int_eq(tvc_call(c, line, &m, NULL, NULL, -1), 0);
	return m.obj;
}

static json_t *cl_ok(struct tvc *c, const char *line)
{
	json_t *o = cl_req(c, line);
	json_t *err = json_object_get(o, "error");

	ck_assert_msg(json_is_true(json_object_get(o, "ok")), "'%s' failed: %s", line,
		      json_is_string(err) ? json_string_value(err) : "?");
	return o;
}

static void cl_do(struct tvc *c, const char *line)
{
	json_decref(cl_ok(c, line));
}

static const char *str_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static long long int_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* A server counter, asked over the socket. */
static long long cl_stat(struct tvc *c, const char *name)
{
	json_t *o = cl_ok(c, "stats");
	long long v = int_of(json_object_get(o, "stats"), name);

	json_decref(o);
	return v;
}

static const json_t *snap_host(const json_t *snap, const char *name)
{
	const json_t *hosts = json_object_get(json_object_get(snap, "snapshot"), "hosts"), *h;
	size_t i;

	json_array_foreach(hosts, i, h)
		if (strcmp(str_of(h, "name"), name) == 0)
			return h;
	return NULL;
}

/* The state of host's TCB talking to remote port rport, "" if none. */
static const char *snap_state(const json_t *snap, const char *host, int rport)
{
	const json_t *h = snap_host(snap, host), *t;
	size_t i;

	json_array_foreach(json_object_get(h, "tcbs"), i, t)
		if (int_of(json_object_get(t, "tuple"), "rport") == rport)
			return str_of(t, "state");
	return "";
}

/* Send raw bytes (may include garbage) and count the lines sent. */
static void raw_send(struct tvc *c, const void *data, size_t len)
{
	const char *p = data;
	size_t off = 0;

	while (off < len) {
		ssize_t w = send(tvc_fd(c), p + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return; /* the server closed: the test reads why */
		off += (size_t)w;
	}
	for (size_t i = 0; i < len; i++)
		if (p[i] == '\n')
			tvc_count_sent(c);
}

static void cl_connect_established(struct tvc *c, const char *name)
{
	char line[128];

	snprintf(line, sizeof(line), "connect A to B:7 as %s", name);
	cl_do(c, line);
	snprintf(line, sizeof(line), "run until %s is ESTABLISHED", name);
	cl_do(c, line);
}

/* ---- greeting, commands, snapshot ---- */

static void body_greeting(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	const json_t *g = tvc_greeting(c), *h;
	size_t i;
	int names = 0;

	ck_assert_int_eq(int_of(g, "tcpviz"), TVD_PROTO);
	ck_assert_str_eq(str_of(g, "version"), PACKAGE_VERSION);
	ck_assert(json_is_false(json_object_get(g, "readonly")));
	json_array_foreach(json_object_get(g, "hosts"), i, h)
		names += strcmp(str_of(h, "name"), "A") == 0 || strcmp(str_of(h, "name"), "B") == 0;
	ck_assert_int_eq(names, 2);
	json_decref(cl_ok(c, "hello 1"));
	tvc_free(c);
}

START_TEST(test_greeting_names_protocol_version_and_hosts)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_greeting);
	dfx_teardown(&f);
}
END_TEST

static void body_connect_snapshot(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *snap;
	const json_t *a, *t;

	cl_connect_established(c, "c");
	snap = cl_ok(c, "snapshot");
	ck_assert_str_eq(snap_state(snap, "A", 7), "ESTABLISHED");
	ck_assert_str_eq(snap_state(snap, "B", int_of(json_object_get(json_array_get(json_object_get(
							 snap_host(snap, "A"), "tcbs"), 0), "tuple"), "lport")),
			 "ESTABLISHED");
	a = snap_host(snap, "A");
	t = json_array_get(json_object_get(a, "tcbs"), 0);
	/* Every field and timer is there: the handshake left one byte of
	 * sequence space used each way, no timer but keepalive's absence. */
	ck_assert_int_eq(int_of(json_object_get(t, "rel"), "snd.una"), 1);
	ck_assert_int_eq(int_of(json_object_get(t, "rel"), "rcv.nxt"), 1);
	ck_assert(json_is_null(json_object_get(json_object_get(t, "timers"), "2msl")));
	ck_assert(json_is_object(json_object_get(t, "timers")));
	ck_assert_int_gt(int_of(json_object_get(a, "counters"), "tcp.tx"), 1);
	ck_assert_str_eq(str_of(json_object_get(a, "gate"), "out"), "pass");
	json_decref(snap);
	tvc_free(c);
}

START_TEST(test_command_effect_shows_in_snapshot)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_connect_snapshot);
	dfx_teardown(&f);
}
END_TEST

static void body_held(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *snap, *r;
	const json_t *gate, *held, *rule;

	cl_do(c, "hold A out");
	cl_do(c, "connect A to B:7 as c");
	/* `hold` is a gate rule holding TCP (ARP must pass). */
	snap = cl_ok(c, "snapshot");
	gate = json_object_get(snap_host(snap, "A"), "gate");
	ck_assert_int_eq(json_array_size(json_object_get(gate, "rules")), 1);
	rule = json_array_get(json_object_get(gate, "rules"), 0);
	ck_assert_str_eq(str_of(rule, "action"), "hold");
	ck_assert_str_eq(str_of(rule, "proto"), "tcp");
	ck_assert(json_is_true(json_object_get(rule, "out")));
	ck_assert(json_is_false(json_object_get(rule, "in")));
	json_decref(snap);
	/* The SYN waits at A's gate (once ARP is done): step releases it. */
	cl_do(c, "step");
	cl_do(c, "run until c is ESTABLISHED");
	r = cl_req(c, "expect A held == 1"); /* A's ACK of the SYN,ACK */
	ck_assert(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	cl_do(c, "pass A out");
	cl_do(c, "rule from A to B tcp flags F. drop next");
	snap = cl_ok(c, "snapshot");
	gate = json_object_get(snap_host(snap, "A"), "gate");
	ck_assert_int_eq(json_array_size(json_object_get(gate, "rules")), 1);
	ck_assert_str_eq(str_of(json_array_get(json_object_get(gate, "rules"), 0), "action"), "drop");
	json_decref(snap);
	cl_do(c, "hold A out");
	cl_do(c, "send c \"x\"");
	snap = cl_ok(c, "snapshot");
	held = json_object_get(json_object_get(snap_host(snap, "A"), "gate"), "held");
	ck_assert_int_eq(json_array_size(held), 1);
	ck_assert_str_eq(str_of(json_array_get(held, 0), "kind"), "tcp");
	ck_assert_str_eq(str_of(json_object_get(json_array_get(held, 0), "seg"), "flags"), "PSH,ACK");
	json_decref(snap);
	tvc_free(c);
}

START_TEST(test_snapshot_lists_held_segments_and_gate_rules)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_held);
	dfx_teardown(&f);
}
END_TEST

static void body_failed_expect(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *r;

	cl_connect_established(c, "c");
	r = cl_req(c, "expect c is TIME-WAIT");
	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_str_eq(str_of(r, "status"), "failed");
	ck_assert_str_eq(str_of(r, "actual"), "c ESTABLISHED");
	ck_assert_uint_eq(json_array_size(json_object_get(r, "tcbs")), 2);
	ck_assert_str_eq(str_of(json_array_get(json_object_get(r, "tcbs"), 0), "name"), "c");
	json_decref(r);
	tvc_free(c);
}

START_TEST(test_failed_expectation_replies_expected_actual_and_tcbs)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_failed_expect);
	dfx_teardown(&f);
}
END_TEST

static void body_order(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	const char req[] = "connect A to B:7 as c\nrun until c is ESTABLISHED\nrun 50ms\n"
			   "run until c is CLOSED within 20ms\nping\n";
	struct tvc_msg m;
	long long t[6] = {0};

	raw_send(c, req, strlen(req));
	for (unsigned long want = 1; want <= 5; want++) {
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		ck_assert_int_eq(m.kind, TVC_REPLY);
		ck_assert_uint_eq(m.reply, want);
		/* The fourth cannot hold: it fails when its time is up. */
		ck_assert(m.ok == (want != 4));
		if (want == 4)
			ck_assert_ptr_nonnull(strstr(m.error, "did not reach CLOSED within 20ms"));
		t[want] = int_of(m.obj, "time");
		tvc_msg_clear(&m);
	}
	/* Virtual time: `run 50ms` let 50 ms pass, in order. */
	ck_assert_int_ge(t[3], t[2] + 50000);
	ck_assert_int_ge(t[5], t[3] + 20000);
	tvc_free(c);
}

START_TEST(test_replies_keep_request_order_across_a_wait)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_order);
	dfx_teardown(&f);
}
END_TEST

/* ---- events ---- */

/* Read messages until an event of type `type` (and state `state`, if
 * given) for host `host`; returns how many events came before it. */
static unsigned wait_event(struct tvc *c, const char *type, const char *state, const char *host)
{
	struct tvc_msg m;
	unsigned n = 0;

	for (;;) {
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		bool hit = m.kind == TVC_EVENT && strcmp(str_of(m.obj, "type"), type) == 0 &&
			   (state == NULL || strcmp(str_of(m.obj, "new"), state) == 0) &&
			   strcmp(str_of(m.obj, "host"), host) == 0;
		n += m.kind == TVC_EVENT;
		tvc_msg_clear(&m);
		if (hit)
			return n;
	}
}

static void body_ring(struct dfx *f)
{
	struct tvc *a = cl_open(f), *b;
	json_t *r;
	struct tvc_msg m;
	long long k;
	bool syn_sent = false;

	cl_connect_established(a, "c");
	b = cl_open(f);
	r = cl_ok(b, "subscribe");
	k = int_of(r, "history");
	json_decref(r);
	ck_assert_int_gt(k, 5);
	/* The ring comes first: the whole handshake, already over. */
	for (long long i = 0; i < k; i++) {
		ck_assert_int_eq(tvc_read(b, &m, -1), 0);
		ck_assert_int_eq(m.kind, TVC_EVENT);
		syn_sent |= strcmp(str_of(m.obj, "new"), "SYN-SENT") == 0;
		tvc_msg_clear(&m);
	}
	ck_assert(syn_sent);
	/* Then what happens from now on. */
	cl_do(a, "close c");
	wait_event(b, "state", "FIN-WAIT-1", "A");
	tvc_free(a);
	tvc_free(b);
}

START_TEST(test_subscribe_sends_the_ring_first_then_live_events)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_ring);
	dfx_teardown(&f);
}
END_TEST

static void body_ring_bounded(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *r;

	cl_connect_established(c, "c");
	r = cl_ok(c, "subscribe");
	ck_assert_int_eq(int_of(r, "history"), 8);
	ck_assert_int_gt(int_of(r, "lost"), 0);
	json_decref(r);
	tvc_free(c);
}

START_TEST(test_ring_keeps_only_the_most_recent_events)
{
	struct dfx f;

	dfx_setup(&f, 0, 8);
	dfx_run(&f, body_ring_bounded);
	dfx_teardown(&f);
}
END_TEST

static void body_two_clients(struct dfx *f)
{
	struct tvc *watcher = cl_open(f), *driver = cl_open(f);
	json_t *r;

	r = cl_ok(watcher, "subscribe nohistory");
	ck_assert_int_eq(int_of(r, "history"), 0);
	json_decref(r);
	cl_connect_established(driver, "c");
	/* The watcher sees what the driver did. */
	wait_event(watcher, "state", "SYN-SENT", "A");
	wait_event(watcher, "state", "ESTABLISHED", "B");
	cl_do(watcher, "unsubscribe");
	cl_do(driver, "close c");
	cl_do(driver, "run until c is TIME-WAIT");
	r = cl_ok(watcher, "snapshot");
	ck_assert_str_eq(snap_state(r, "A", 7), "TIME-WAIT");
	json_decref(r);
	tvc_free(watcher);
	tvc_free(driver);
}

START_TEST(test_two_clients_one_drives_one_watches)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_two_clients);
	dfx_teardown(&f);
}
END_TEST

/* A subscriber to a bulk transfer gets what the stream's time budget
 * allows: routine events (segments, timer arming) are skipped and it is
 * told how many before its next line; state changes never are. */
static void body_budget(struct dfx *f)
{
	struct tvc *a = cl_open(f), *b = cl_open(f);
	struct tvc_msg m;
	long long skipped = 0, notices = 0;
	bool fin_wait = false, fin_wait2 = false, close_wait = false, time_wait = false;

	json_decref(cl_ok(b, "subscribe nohistory"));
	cl_connect_established(a, "c");
	/* Not waited for here: b must be read meanwhile. */
	ck_assert_uint_gt(tvc_send(a, "send c 64m of zeros"), 0);
	ck_assert_uint_gt(tvc_send(a, "close c"), 0);
	ck_assert_uint_gt(tvc_send(a, "run until c is TIME-WAIT within 600s"), 0);
	while (!time_wait) {
		ck_assert_int_eq(tvc_read(b, &m, -1), 0);
		if (m.kind == TVC_NOTICE && strcmp(str_of(m.obj, "notice"), "skipped") == 0) {
			ck_assert_int_gt(int_of(m.obj, "events"), 0);
			skipped += int_of(m.obj, "events");
			notices++;
		}
		if (m.kind == TVC_EVENT && strcmp(str_of(m.obj, "type"), "state") == 0) {
			const char *st = str_of(m.obj, "new");
			fin_wait |= strcmp(st, "FIN-WAIT-1") == 0;
			fin_wait2 |= strcmp(st, "FIN-WAIT-2") == 0;
			close_wait |= strcmp(st, "CLOSE-WAIT") == 0;
			time_wait |= strcmp(st, "TIME-WAIT") == 0;
		}
		tvc_msg_clear(&m);
	}
	/* Every state change of the close came through the skipping. */
	ck_assert(fin_wait && fin_wait2 && close_wait);
	ck_assert_int_gt(notices, 0);
	ck_assert_int_gt(skipped, 0);
	for (int i = 0; i < 3; i++) { /* send, close, run */
		ck_assert_int_eq(tvc_read(a, &m, -1), 0);
		ck_assert_int_eq(m.kind, TVC_REPLY);
		ck_assert(m.ok);
		tvc_msg_clear(&m);
	}
	ck_assert_int_ge(cl_stat(a, "events_skipped"), skipped);
	ck_assert_int_eq(cl_stat(a, "dropped_slow"), 0);
	tvc_free(a);
	tvc_free(b);
}

START_TEST(test_stream_over_budget_skips_routine_events_never_states)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_budget);
	dfx_teardown(&f);
}
END_TEST

static void body_new_host(struct dfx *f)
{
	struct tvc *w = cl_open(f), *d = cl_open(f);
	struct tvc_msg m;
	const json_t *h;
	size_t i;
	bool seen = false;

	json_decref(cl_ok(w, "subscribe nohistory"));
	cl_do(d, "host C 10.0.0.3");
	do {
		ck_assert_int_eq(tvc_read(w, &m, -1), 0);
		if (m.kind == TVC_NOTICE) {
			ck_assert_str_eq(str_of(m.obj, "notice"), "hosts");
			json_array_foreach(json_object_get(m.obj, "hosts"), i, h)
				seen |= strcmp(str_of(h, "name"), "C") == 0 &&
					strcmp(str_of(h, "addr"), "10.0.0.3") == 0;
		}
		tvc_msg_clear(&m);
	} while (!seen);
	tvc_free(w);
	tvc_free(d);
}

START_TEST(test_new_host_announced_to_subscribers)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_new_host);
	dfx_teardown(&f);
}
END_TEST

static void body_readonly(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *r;

	r = cl_ok(c, "hello 1 readonly");
	ck_assert(json_is_true(json_object_get(r, "readonly")));
	json_decref(r);
	r = cl_req(c, "connect A to B:7 as c");
	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_str_eq(str_of(r, "status"), "refused");
	json_decref(r);
	r = cl_req(c, "speed 2");
	ck_assert_str_eq(str_of(r, "status"), "refused");
	json_decref(r);
	r = cl_req(c, "run 1s");
	ck_assert_str_eq(str_of(r, "status"), "refused");
	json_decref(r);
	cl_do(c, "expect A conns == 0");
	cl_do(c, "snapshot");
	cl_do(c, "subscribe");
	ck_assert_int_eq(cl_stat(c, "refused_readonly"), 3);
	/* Read-only stays: a later hello cannot lift it. */
	r = cl_ok(c, "hello 1");
	ck_assert(json_is_true(json_object_get(r, "readonly")));
	json_decref(r);
	tvc_free(c);
}

START_TEST(test_readonly_client_refused_mutating_commands)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_readonly);
	dfx_teardown(&f);
}
END_TEST

static void body_version(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *r = cl_req(c, "hello 2");

	ck_assert_str_eq(str_of(r, "status"), "refused");
	json_decref(r);
	r = cl_req(c, "hello one");
	ck_assert_str_eq(str_of(r, "status"), "error");
	json_decref(r);
	cl_do(c, "ping");
	tvc_free(c);
}

START_TEST(test_hello_with_unknown_version_refused)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_version);
	dfx_teardown(&f);
}
END_TEST

/* ---- bad input ---- */

static void body_garbage(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	char buf[64 * 40];
	size_t n = 0;
	uint32_t x = 12345;
	struct tvc_msg m;
	unsigned errors = 0;

	/* Invalid UTF-8, a NUL, a cut command, and random bytes. */
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\xff\xfe\n");
	memcpy(buf + n, "ab\0cd\n", 6);
	n += 6;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "connect A to\n");
	for (int l = 0; l < 30; l++) {
		for (int i = 0; i < 40; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			buf[n++] = (char)(x % 255 == '\n' ? 'x' : x % 255);
		}
		buf[n++] = '\n';
	}
	raw_send(c, buf, n);
	for (unsigned long i = 1; i <= 33; i++) {
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		ck_assert_int_eq(m.kind, TVC_REPLY);
		ck_assert_uint_eq(m.reply, i);
		errors += !m.ok;
		tvc_msg_clear(&m);
	}
	ck_assert_uint_ge(errors, 30);
	/* Still served. */
	cl_do(c, "ping");
	ck_assert_int_ge(cl_stat(c, "bad_requests"), 30);
	tvc_free(c);
}

START_TEST(test_garbage_lines_get_error_replies)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_garbage);
	dfx_teardown(&f);
}
END_TEST

static void body_unknown(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *r = cl_req(c, "frobnicate the stack");

	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_str_eq(str_of(r, "status"), "error");
	ck_assert_ptr_nonnull(strstr(str_of(r, "error"), "request:1:1:"));
	ck_assert_ptr_nonnull(strstr(str_of(r, "error"), "frobnicate"));
	json_decref(r);
	r = cl_req(c, "expect nosuch is ESTABLISHED");
	ck_assert_str_eq(str_of(r, "status"), "error");
	json_decref(r);
	cl_do(c, "ping");
	tvc_free(c);
}

START_TEST(test_unknown_command_gets_an_error_reply)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_unknown);
	dfx_teardown(&f);
}
END_TEST

static void body_overlong(struct dfx *f)
{
	struct tvc *c = cl_open(f), *d;
	size_t n = TVD_LINE_MAX + 5000;
	char *big = malloc(n);
	struct tvc_msg m;

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', n);
	raw_send(c, big, n);
	free(big);
	ck_assert_int_eq(tvc_read(c, &m, -1), 0);
	ck_assert_int_eq(m.kind, TVC_REPLY);
	ck_assert(!m.ok);
	ck_assert_ptr_nonnull(strstr(m.error, "longer than"));
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_read(c, &m, -1), 0);
	ck_assert_int_eq(m.kind, TVC_BYE);
	ck_assert_str_eq(str_of(m.obj, "bye"), "overlong");
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_read(c, &m, -1), TVC_EOF);
	tvc_free(c);
	d = cl_open(f);
	ck_assert_int_eq(cl_stat(d, "overlong"), 1);
	tvc_free(d);
}

START_TEST(test_overlong_line_gets_an_error_and_a_close)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_overlong);
	dfx_teardown(&f);
}
END_TEST

static void body_longest_line(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	size_t n = TVD_LINE_MAX;
	char *line = malloc(n + 1);
	json_t *r;

	/* A comment exactly as long as allowed is a (blank) request. */
	ck_assert_ptr_nonnull(line);
	memset(line, 'x', n);
	line[0] = '#';
	line[n] = '\0';
	r = cl_ok(c, line);
	json_decref(r);
	free(line);
	tvc_free(c);
}

START_TEST(test_line_of_the_maximum_length_accepted)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_longest_line);
	dfx_teardown(&f);
}
END_TEST

static void body_half_line(struct dfx *f)
{
	struct tvc *c = cl_open(f), *d;
	const char half[] = "connect A to B:7 as half";
	struct tvc_msg m;
	json_t *r;

	raw_send(c, half, strlen(half));
	shutdown(tvc_fd(c), SHUT_WR);
	ck_assert_int_eq(tvc_read(c, &m, -1), TVC_EOF);
	tvc_free(c);
	d = cl_open(f);
	/* It was not run. */
	r = cl_req(d, "expect half is SYN-SENT");
	ck_assert_str_eq(str_of(r, "status"), "error");
	json_decref(r);
	ck_assert_int_eq(cl_stat(d, "half_lines"), 1);
	tvc_free(d);
}

START_TEST(test_half_line_at_end_of_input_discarded)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_half_line);
	dfx_teardown(&f);
}
END_TEST

static void body_eof_after_requests(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	const char req[] = "ping\nping\n";
	struct tvc_msg m;

	/* `printf 'ping\nping\n' | socat - UNIX:...`: replies still come. */
	raw_send(c, req, strlen(req));
	shutdown(tvc_fd(c), SHUT_WR);
	for (unsigned long i = 1; i <= 2; i++) {
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		ck_assert_uint_eq(m.reply, i);
		tvc_msg_clear(&m);
	}
	ck_assert_int_eq(tvc_read(c, &m, -1), TVC_EOF);
	tvc_free(c);
}

START_TEST(test_requests_before_end_of_input_all_answered)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_eof_after_requests);
	dfx_teardown(&f);
}
END_TEST

static void body_big_replies(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	const char req[] = "snapshot\nsnapshot\nping\n";
	struct tvc_msg m;

	raw_send(c, req, strlen(req));
	for (unsigned long i = 1; i <= 3; i++) {
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		ck_assert_int_eq(m.kind, TVC_REPLY);
		ck_assert_uint_eq(m.reply, i);
		ck_assert(m.ok);
		tvc_msg_clear(&m);
	}
	ck_assert_int_eq(cl_stat(c, "dropped_slow"), 0);
	tvc_free(c);
}

START_TEST(test_reply_larger_than_the_output_bound_delivered)
{
	struct dfx f;

	/* The smallest bound: a snapshot is several times larger. */
	dfx_setup(&f, 1024, 0);
	dfx_run(&f, body_big_replies);
	dfx_teardown(&f);
}
END_TEST

#define FLOOD 20000

/* Send FLOOD pings while reading the replies as they come (never blocking
 * on one while the other could go on). */
static void body_flood(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	char *req = malloc(FLOOD * 5);
	size_t len = FLOOD * 5, off = 0;
	unsigned long got = 0;
	struct tvc_msg m;

	ck_assert_ptr_nonnull(req);
	for (int i = 0; i < FLOOD; i++)
		memcpy(req + i * 5, "ping\n", 5);
	while (got < FLOOD) {
		struct pollfd p = {tvc_fd(c), POLLIN | (off < len ? POLLOUT : 0), 0};
		ck_assert_int_ge(poll(&p, 1, -1), 1);
		if (p.revents & POLLOUT) {
			ssize_t w = send(tvc_fd(c), req + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
			ck_assert(w > 0 || errno == EAGAIN);
			off += w > 0 ? (size_t)w : 0;
		}
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		ck_assert_int_eq(m.kind, TVC_REPLY);
		ck_assert_uint_eq(m.reply, ++got);
		ck_assert(m.ok);
		tvc_msg_clear(&m);
		while (tvc_next(c, &m) > 0) {
			ck_assert_uint_eq(m.reply, ++got);
			tvc_msg_clear(&m);
		}
	}
	free(req);
	for (int i = 0; i < FLOOD; i++)
		tvc_count_sent(c);
	ck_assert_int_eq(cl_stat(c, "dropped_slow"), 0);
	ck_assert_int_eq(cl_stat(c, "requests"), FLOOD + 2);
	tvc_free(c);
}

START_TEST(test_request_flood_answered_in_order_without_drop)
{
	struct dfx f;

	/* Small output bound: the flood must be throttled, not dropped. */
	dfx_setup(&f, 64 * 1024, 0);
	dfx_run(&f, body_flood);
	dfx_teardown(&f);
}
END_TEST

static void body_error_flood(struct dfx *f)
{
	struct tvc *c = cl_open(f), *d;
	struct tvc_msg m;
	char buf[100 * 11];
	unsigned errors = 0;

	for (int i = 0; i < 100; i++)
		memcpy(buf + i * 11, "frobnicate\n", 11);
	raw_send(c, buf, sizeof(buf));
	for (;;) {
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		if (m.kind == TVC_BYE)
			break;
		ck_assert_int_eq(m.kind, TVC_REPLY);
		errors++;
		tvc_msg_clear(&m);
	}
	ck_assert_str_eq(str_of(m.obj, "bye"), "errors");
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_read(c, &m, -1), TVC_EOF);
	ck_assert_uint_eq(errors, f->cfg.errors_max);
	tvc_free(c);
	d = cl_open(f);
	ck_assert_int_eq(cl_stat(d, "dropped_errors"), 1);
	tvc_free(d);
}

/* Two clients fit; the third is told "too many clients" and counted. */
static void body_clients_full(struct dfx *f)
{
	struct tvc *a = cl_open(f), *b = cl_open(f), *c = tvc_new();
	char msg[256];
	json_t *st;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_ne(tvc_connect(c, f->path, -1, msg, sizeof(msg)), 0);
	ck_assert_msg(strstr(msg, "too many clients") != NULL, "%s", msg);
	tvc_free(c);
	st = cl_ok(a, "stats");
	ck_assert_int_eq(int_of(json_object_get(st, "stats"), "refused_full"), 1);
	ck_assert_int_eq(int_of(json_object_get(st, "stats"), "clients"), 2);
	ck_assert_int_eq(int_of(json_object_get(json_object_get(st, "stats"), "limits"),
				"clients_max"), 2);
	json_decref(st);
	tvc_free(b);
	tvc_free(a);
}

START_TEST(test_client_past_clients_max_refused_and_counted)
{
	struct dfx f;

	dfx_config(&f);
	f.cfg.clients_max = 2;
	dfx_setup_cfg(&f, false);
	dfx_run(&f, body_clients_full);
	dfx_teardown(&f);
}
END_TEST

/* stats: each server-side bound next to its counter; the snapshot: each
 * host's limits and the gate's hold.max. */
static void body_limits_shown(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	json_t *r = cl_ok(c, "stats"), *s;
	const json_t *st = json_object_get(r, "stats"), *lim = json_object_get(st, "limits");

	ck_assert_int_eq(int_of(lim, "ring"), 8);
	ck_assert_int_eq(int_of(lim, "out_max"), 4 << 20);
	ck_assert_int_eq(int_of(lim, "errors_max"), 64);
	ck_assert_int_ge(int_of(st, "ring_lost"), 0);
	json_decref(r);
	cl_connect_established(c, "c");
	ck_assert_int_gt(cl_stat(c, "ring_lost"), 0);
	cl_do(c, "set B conns.max 99");
	s = cl_ok(c, "snapshot");
	lim = json_object_get(snap_host(s, "B"), "limits");
	ck_assert_int_eq(int_of(lim, "conns_max"), 99);
	ck_assert_int_ge(int_of(lim, "conns"), 2);
	ck_assert_int_eq(int_of(lim, "arp_cache"), 64);
	ck_assert_int_eq(int_of(json_object_get(snap_host(s, "B"), "gate"), "hold_max"),
			 GATE_HOLD_MAX_DEFAULT);
	json_decref(s);
	tvc_free(c);
}

START_TEST(test_stats_and_snapshot_show_the_limits)
{
	struct dfx f;

	dfx_setup(&f, 0, 8);
	dfx_run(&f, body_limits_shown);
	dfx_teardown(&f);
}
END_TEST

START_TEST(test_flood_of_bad_requests_closes_the_client)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_error_flood);
	dfx_teardown(&f);
}
END_TEST

struct counter {
	unsigned long events;
};

static void count_events(void *ctx, const struct tvc_msg *m)
{
	struct counter *k = ctx;

	k->events += m->kind == TVC_EVENT;
}

static void body_slow_reader(struct dfx *f)
{
	struct tvc *good = cl_open(f), *slow = cl_open(f);
	struct counter k = {0};
	const char req[] = "subscribe nohistory\nrun until c received 2m\n";
	struct tvc_msg m;
	json_t *r;
	unsigned long before;
	char b[65536];

	/* A slow link and a small window: the transfer takes a while in
	 * real time, in small bursts a reading client keeps up with. */
	cl_do(good, "set all rcvbuf 16k");
	cl_do(good, "wire delay 5ms");
	cl_connect_established(good, "c");
	/* good follows the states only, so it keeps up on a busy machine
	 * (events come in real time); slow takes everything. */
	json_decref(cl_ok(good, "subscribe nohistory only state,sock"));
	/* slow subscribes and starts a wait, then never reads again: it is
	 * dropped while its wait runs. */
	raw_send(slow, req, strlen(req));
	/* 2 MiB through echo: thousands of events, several MiB of lines. */
	ck_assert_int_eq(tvc_call(good, "send c 2m", &m, count_events, &k, -1), 0);
	ck_assert(m.ok);
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_call(good, "run until c received 2m", &m, count_events, &k, -1), 0);
	ck_assert(m.ok);
	tvc_msg_clear(&m);
	ck_assert_uint_gt(k.events, 0);
	ck_assert_int_eq(cl_stat(good, "dropped_slow"), 1);
	ck_assert_int_gt(cl_stat(good, "event_lines"), 100);
	/* The stack went on after the drop, and good still follows it. */
	before = k.events;
	ck_assert_int_eq(tvc_call(good, "close c", &m, count_events, &k, -1), 0);
	tvc_msg_clear(&m);
	k.events += wait_event(good, "state", "TIME-WAIT", "A");
	ck_assert_uint_gt(k.events, before);
	r = cl_ok(good, "expect c is TIME-WAIT");
	json_decref(r);
	/* The slow one was closed: what it has left to read ends in EOF. */
	while (recv(tvc_fd(slow), b, sizeof(b), 0) > 0)
		;
	tvc_free(slow);
	tvc_free(good);
}

START_TEST(test_client_that_stops_reading_dropped_stack_goes_on)
{
	struct dfx f;

	/* 128 KiB: the good client (states and socket events, read as they
	 * come) has slack for a busy machine; the slow one gets many times
	 * that, even with the stream on its time budget (a sanitizer build
	 * formats fewer lines in it). */
	dfx_setup(&f, 128 * 1024, 0);
	dfx_run(&f, body_slow_reader);
	dfx_teardown(&f);
}
END_TEST

/* A client that floods requests and never reads: once its output is
 * backed up the server stops reading it (throttled), and when it has read
 * nothing for stall_ms it is closed; the stack and the others go on. */
static void body_flooder(struct dfx *f)
{
	struct tvc *good = cl_open(f), *flood = cl_open(f);
	static char req[9 * 4000];
	struct pollfd p = {.fd = -1, .events = POLLIN};

	for (size_t i = 0; i < sizeof(req); i += 9)
		memcpy(req + i, "snapshot\n", 9);
	cl_connect_established(good, "c");
	raw_send(flood, req, sizeof(req));
	/* No time limit here: the wait ends when the server says so. */
	while (cl_stat(good, "dropped_stalled") == 0)
		poll(&p, 0, 10);
	ck_assert_int_eq(cl_stat(good, "dropped_stalled"), 1);
	ck_assert_int_eq(cl_stat(good, "dropped_slow"), 0);
	ck_assert_int_eq(cl_stat(good, "clients"), 1);
	json_decref(cl_ok(good, "ping"));
	json_decref(cl_ok(good, "send c 10k"));
	json_decref(cl_ok(good, "run until c received 10k"));
	tvc_free(flood);
	tvc_free(good);
}

START_TEST(test_client_flooding_and_never_reading_dropped)
{
	struct dfx f;

	dfx_config(&f);
	f.cfg.out_max = 64 * 1024;
	f.cfg.stall_ms = 200;
	dfx_setup_cfg(&f, false);
	dfx_run(&f, body_flooder);
	dfx_teardown(&f);
}
END_TEST

static void body_gone_during_wait(struct dfx *f)
{
	struct tvc *c = cl_open(f), *d;
	const char req[] = "hold A out\nconnect A to B:7 as g\nrun until g is ESTABLISHED\nping\n";
	struct tvc_msg m;

	/* c starts a wait that cannot end (its SYN is held) and goes. */
	raw_send(c, req, strlen(req));
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(tvc_read(c, &m, -1), 0);
		ck_assert_int_eq(m.kind, TVC_REPLY);
		tvc_msg_clear(&m);
	}
	tvc_free(c);
	/* d frees the SYN while c's wait runs; the wait ends, its reply has
	 * nowhere to go, and d carries on. */
	d = cl_open(f);
	cl_do(d, "pass A out");
	cl_do(d, "run until g is ESTABLISHED");
	cl_do(d, "ping");
	tvc_free(d);
}

START_TEST(test_client_gone_during_a_wait_harms_no_one)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_gone_during_wait);
	dfx_teardown(&f);
}
END_TEST

static void body_quit(struct dfx *f)
{
	struct tvc *c = cl_open(f);
	struct tvc_msg m;

	json_decref(cl_ok(c, "quit"));
	ck_assert_int_eq(tvc_read(c, &m, -1), TVC_EOF);
	tvc_free(c);
}

START_TEST(test_quit_replies_then_closes)
{
	struct dfx f;

	dfx_setup(&f, 0, 0);
	dfx_run(&f, body_quit);
	dfx_teardown(&f);
}
END_TEST

/* ---- the socket's file and directory ---- */

START_TEST(test_socket_mode_0600_in_directory_0700)
{
	struct dfx f;
	struct stat st;

	dfx_setup(&f, 0, 0);
	ck_assert_int_eq(stat(f.path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(stat(f.dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	dfx_teardown(&f);
	/* Removed when the server goes. */
	ck_assert_int_ne(stat(f.path, &st), 0);
}
END_TEST

START_TEST(test_missing_socket_directory_created_0700)
{
	struct dfx f;
	struct stat st;
	char path[200], sub[160], msg[256];
	struct server *srv;

	memset(&f, 0, sizeof(f));
	server_config_default(&f.cfg);
	dfx_setup_cfg(&f, true);
	snprintf(sub, sizeof(sub), "%s/run", f.dir);
	snprintf(path, sizeof(path), "%s/tcpviz.sock", sub);
	f.cfg.path = path;
	srv = server_new(f.rt, f.sc, &f.cfg, msg, sizeof(msg));
	ck_assert_msg(srv != NULL, "%s", msg);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	server_free(srv);
	rmdir(sub);
	dfx_teardown(&f);
}
END_TEST

START_TEST(test_socket_directory_with_wrong_mode_refused)
{
	struct dfx f;
	char msg[256];

	memset(&f, 0, sizeof(f));
	server_config_default(&f.cfg);
	dfx_setup_cfg(&f, true);
	ck_assert_int_eq(chmod(f.dir, 0755), 0);
	ck_assert_ptr_null(server_new(f.rt, f.sc, &f.cfg, msg, sizeof(msg)));
	ck_assert_msg(strstr(msg, "0700") != NULL, "%s", msg);
	dfx_teardown(&f);
}
END_TEST

START_TEST(test_socket_directory_of_another_user_refused)
{
	struct dfx f;
	char msg[256];

	if (geteuid() != 0) {
		fprintf(stderr, "check_daemon: not root: skipping the other-owner directory test\n");
		return;
	}
	memset(&f, 0, sizeof(f));
	server_config_default(&f.cfg);
	dfx_setup_cfg(&f, true);
	ck_assert_int_eq(chown(f.dir, 65534, 65534), 0);
	ck_assert_ptr_null(server_new(f.rt, f.sc, &f.cfg, msg, sizeof(msg)));
	ck_assert_msg(strstr(msg, "belongs to uid 65534") != NULL, "%s", msg);
	dfx_teardown(&f);
}
END_TEST

START_TEST(test_live_socket_not_taken_stale_one_replaced)
{
	struct dfx f;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char msg[256];
	int fd;

	dfx_setup(&f, 0, 0);
	ck_assert_ptr_null(server_new(f.rt, f.sc, &f.cfg, msg, sizeof(msg)));
	ck_assert_msg(strstr(msg, "already listening") != NULL, "%s", msg);
	server_free(f.srv);
	/* A dead daemon's socket: bound, never listened on, left behind. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_uint_lt(strlen(f.path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, f.path, strlen(f.path) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	f.srv = server_new(f.rt, f.sc, &f.cfg, msg, sizeof(msg));
	ck_assert_msg(f.srv != NULL, "%s", msg);
	dfx_teardown(&f);
}
END_TEST

/* SO_PEERCRED: a client running as 'nobody' is told no and closed. */
static void body_other_user(struct dfx *f)
{
	struct tvc *d;
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct tvc *c = tvc_new();
		char msg[256];
		if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0)
			_exit(3);
		if (tvc_connect(c, f->path, -1, msg, sizeof(msg)) == 0)
			_exit(4);
		_exit(strstr(msg, "permission denied") != NULL ? 0 : 5);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	d = cl_open(f);
	ck_assert_int_eq(cl_stat(d, "refused_peer"), 1);
	ck_assert_int_eq(cl_stat(d, "accepted"), 1);
	tvc_free(d);
}

START_TEST(test_peer_of_another_user_refused)
{
	struct dfx f;

	if (geteuid() != 0) {
		fprintf(stderr, "check_daemon: not root: cannot run a client as another user; "
				"SO_PEERCRED refusal not tested\n");
		return;
	}
	dfx_setup(&f, 0, 0);
	/* Open the way in for the test only: the refusal must come from the
	 * peer check, not from file modes. */
	ck_assert_int_eq(chmod(f.dir, 0711), 0);
	ck_assert_int_eq(chmod(f.path, 0666), 0);
	dfx_run(&f, body_other_user);
	dfx_teardown(&f);
}
END_TEST

/* ---- the client codec ---- */

START_TEST(test_codec_cuts_lines_and_sorts_them)
{
	struct tvc *c = tvc_new();
	struct tvc_msg m;
	const char *in = "{\"tcpviz\":1}\n{\"reply\":3,\"ok\":false,\"status\":\"error\",\"error\":\"x\"}"
			 "\n{\"type\":\"note\",\"t\":1}\n{\"notice\":\"hosts\"}\n{\"bye\":\"shutdown\","
			 "\"message\":\"m\"}\n[1]\n{\"x\":1}\n{\"type\"";

	/* Fed a byte at a time: nothing is lost at the seams. */
	for (const char *p = in; *p; p++)
		ck_assert_int_eq(tvc_feed(c, p, 1), 0);
	ck_assert_int_eq(tvc_next(c, &m), 1);
	ck_assert_int_eq(m.kind, TVC_GREETING);
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_next(c, &m), 1);
	ck_assert_int_eq(m.kind, TVC_REPLY);
	ck_assert_uint_eq(m.reply, 3);
	ck_assert(!m.ok);
	ck_assert_str_eq(m.status, "error");
	ck_assert_str_eq(m.error, "x");
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_next(c, &m), 1);
	ck_assert_int_eq(m.kind, TVC_EVENT);
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_next(c, &m), 1);
	ck_assert_int_eq(m.kind, TVC_NOTICE);
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_next(c, &m), 1);
	ck_assert_int_eq(m.kind, TVC_BYE);
	ck_assert_str_eq(m.error, "m");
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_next(c, &m), TVC_EPROTO); /* [1]: not an object */
	ck_assert_int_eq(tvc_next(c, &m), 1);
	ck_assert_int_eq(m.kind, TVC_OTHER);
	tvc_msg_clear(&m);
	ck_assert_int_eq(tvc_next(c, &m), 0); /* half a line: wait */
	tvc_free(c);
}
END_TEST

START_TEST(test_codec_counts_requests)
{
	struct tvc *c = tvc_new();

	ck_assert_uint_eq(tvc_sent(c), 0);
	ck_assert_uint_eq(tvc_count_sent(c), 1);
	ck_assert_uint_eq(tvc_count_sent(c), 2);
	ck_assert_uint_eq(tvc_sent(c), 2);
	tvc_free(c);
}
END_TEST

START_TEST(test_connect_to_no_daemon_says_so)
{
	struct tvc *c = tvc_new();
	char msg[256];

	ck_assert_int_ne(tvc_connect(c, "/nonexistent/tcpviz.sock", -1, msg, sizeof(msg)), 0);
	ck_assert_msg(strstr(msg, "no tcpviz daemon") != NULL, "%s", msg);
	tvc_free(c);
}
END_TEST

/* ---- the event decoder ---- */

#define ROUND_MAX 8192

struct round {
	struct jsonl_out *j;
	struct text_out *orig, *back;
	struct evjson *dec;
	unsigned long n, types;
};

static void host_named(void *ctx, const struct evjson_host *h)
{
	struct round *r = ctx;

	text_add_host(r->back, h->id, h->name, h->addr);
}

/* Every event: to JSON, back, and both must print the same line. */
static void round_sink(void *ctx, const struct tv_event *ev)
{
	struct round *r = ctx;
	struct tv_event back;
	char a[1024], b[1024], *line;
	json_t *o;

	jsonl_learn(r->j, ev);
	text_learn(r->orig, ev);
	ck_assert_ptr_nonnull(line = jsonl_format(r->j, ev));
	ck_assert_ptr_nonnull(o = json_loads(line, 0, NULL));
	ck_assert_msg(evjson_decode(r->dec, o, &back) == 0, "cannot decode %s", line);
	text_learn(r->back, &back);
	text_format(r->orig, ev, a, sizeof(a));
	text_format(r->back, &back, b, sizeof(b));
	ck_assert_msg(strcmp(a, b) == 0, "%s\n  printed as\n%s\n  back as\n%s", line, a, b);
	ck_assert_int_eq(back.type, ev->type);
	ck_assert_uint_eq(back.time, ev->time);
	ck_assert_int_eq(back.rule, ev->rule);
	r->types |= 1ul << ev->type;
	r->n++;
	json_decref(o);
	free(line);
}

START_TEST(test_decoded_events_print_as_the_originals)
{
	struct ofx fx;
	struct round r = {0};
	json_t *hosts;
	struct tv_event note = {.type = TV_EV_NOTE};

	ofx_setup(&fx, 7);
	ck_assert_ptr_nonnull(r.j = jsonl_new(NULL));
	ck_assert_ptr_nonnull(r.orig = text_new(NULL));
	ck_assert_ptr_nonnull(r.back = text_new(NULL));
	ck_assert_ptr_nonnull(r.dec = evjson_new());
	jsonl_add_sim_hosts(r.j, fx.sim);
	text_add_sim_hosts(r.orig, fx.sim);
	hosts = json_pack("[{s:i, s:s, s:s}, {s:i, s:s, s:s}]", "id", (int)fx.a->id, "name", "A",
			  "addr", "10.0.0.1", "id", (int)fx.b->id, "name", "B", "addr", "10.0.0.2");
	ck_assert_int_eq(evjson_add_hosts(r.dec, hosts, host_named, &r), 2);
	ck_assert_int_eq(evjson_add_hosts(r.dec, hosts, host_named, &r), 0);
	json_decref(hosts);
	ck_assert_int_eq(tv_bus_add(sim_bus(fx.sim), round_sink, &r), 0);
	/* A lost SYN,ACK (a gate drop, a retransmission) besides the rest. */
	ofx_drop_next(&fx, fx.b, fx.a, TV_TH_SYN | TV_TH_ACK);
	snprintf(note.u.note.text, sizeof(note.u.note.text), "a note: 你好");
	tv_bus_emit(sim_bus(fx.sim), &note);
	ofx_run(&fx);
	ck_assert_uint_gt(r.n, 30);
	ck_assert(r.types & (1ul << TV_EV_STATE));
	ck_assert(r.types & (1ul << TV_EV_SEG_OUT));
	ck_assert(r.types & (1ul << TV_EV_SEG_IN));
	ck_assert(r.types & (1ul << TV_EV_TIMER_ARM));
	ck_assert(r.types & (1ul << TV_EV_GATE));
	ck_assert(r.types & (1ul << TV_EV_RETRANSMIT));
	ck_assert(r.types & (1ul << TV_EV_ARP));
	ck_assert(r.types & (1ul << TV_EV_SOCK));
	ck_assert(r.types & (1ul << TV_EV_NOTE));
	tv_bus_remove(sim_bus(fx.sim), round_sink, &r);
	ofx_teardown(&fx);
	jsonl_free(r.j);
	text_free(r.orig);
	text_free(r.back);
	evjson_free(r.dec);
}
END_TEST

START_TEST(test_decoder_refuses_what_is_not_an_event)
{
	struct evjson *d = evjson_new();
	struct tv_event ev;
	const char *bad[] = {
		"{}", "{\"type\":\"nosuch\",\"t\":1}", "{\"type\":\"state\",\"t\":\"soon\"}",
		"{\"type\":\"state\",\"t\":1,\"new\":\"NOT-A-STATE\"}",
		"{\"type\":\"seg_out\",\"t\":1,\"seg\":{\"flags\":\"SYN,BOGUS\"}}",
		"{\"type\":\"seg_out\",\"t\":1,\"seg\":{\"src\":\"10.0.0.300\"}}",
		"{\"type\":\"drop\",\"t\":1,\"counter\":\"no.such\"}",
		"{\"type\":\"timer_arm\",\"t\":1,\"deadline\":-5}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o = json_loads(bad[i], 0, NULL);
		ck_assert_ptr_nonnull(o);
		ck_assert_msg(evjson_decode(d, o, &ev) != 0, "accepted %s", bad[i]);
		json_decref(o);
	}
	evjson_free(d);
}
END_TEST

static Suite *daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *srv = tcase_create("server"), *bad = tcase_create("bad input");
	TCase *fs = tcase_create("socket file"), *codec = tcase_create("codec");

	tcase_add_test(srv, test_greeting_names_protocol_version_and_hosts);
	tcase_add_test(srv, test_command_effect_shows_in_snapshot);
	tcase_add_test(srv, test_snapshot_lists_held_segments_and_gate_rules);
	tcase_add_test(srv, test_failed_expectation_replies_expected_actual_and_tcbs);
	tcase_add_test(srv, test_replies_keep_request_order_across_a_wait);
	tcase_add_test(srv, test_subscribe_sends_the_ring_first_then_live_events);
	tcase_add_test(srv, test_ring_keeps_only_the_most_recent_events);
	tcase_add_test(srv, test_client_past_clients_max_refused_and_counted);
	tcase_add_test(srv, test_stats_and_snapshot_show_the_limits);
	tcase_add_test(srv, test_two_clients_one_drives_one_watches);
	tcase_add_test(srv, test_stream_over_budget_skips_routine_events_never_states);
	tcase_add_test(srv, test_new_host_announced_to_subscribers);
	tcase_add_test(srv, test_readonly_client_refused_mutating_commands);
	tcase_add_test(srv, test_hello_with_unknown_version_refused);
	tcase_add_test(srv, test_client_gone_during_a_wait_harms_no_one);
	tcase_add_test(srv, test_quit_replies_then_closes);
	tcase_add_test(bad, test_garbage_lines_get_error_replies);
	tcase_add_test(bad, test_unknown_command_gets_an_error_reply);
	tcase_add_test(bad, test_overlong_line_gets_an_error_and_a_close);
	tcase_add_test(bad, test_line_of_the_maximum_length_accepted);
	tcase_add_test(bad, test_half_line_at_end_of_input_discarded);
	tcase_add_test(bad, test_requests_before_end_of_input_all_answered);
	tcase_add_test(bad, test_request_flood_answered_in_order_without_drop);
	tcase_add_test(bad, test_reply_larger_than_the_output_bound_delivered);
	tcase_add_test(bad, test_flood_of_bad_requests_closes_the_client);
	tcase_add_test(bad, test_client_that_stops_reading_dropped_stack_goes_on);
	tcase_add_test(bad, test_client_flooding_and_never_reading_dropped);
	tcase_add_test(fs, test_socket_mode_0600_in_directory_0700);
	tcase_add_test(fs, test_missing_socket_directory_created_0700);
	tcase_add_test(fs, test_socket_directory_with_wrong_mode_refused);
	tcase_add_test(fs, test_socket_directory_of_another_user_refused);
	tcase_add_test(fs, test_live_socket_not_taken_stale_one_replaced);
	tcase_add_test(fs, test_peer_of_another_user_refused);
	tcase_add_test(codec, test_codec_cuts_lines_and_sorts_them);
	tcase_add_test(codec, test_codec_counts_requests);
	tcase_add_test(codec, test_connect_to_no_daemon_says_so);
	tcase_add_test(codec, test_decoded_events_print_as_the_originals);
	tcase_add_test(codec, test_decoder_refuses_what_is_not_an_event);
	suite_add_tcase(s, srv);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, fs);
	suite_add_tcase(s, codec);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(daemon_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
