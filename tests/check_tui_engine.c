/*
 * check_tui_engine.c - the TUI's in-process engine (tui/engine.h) and its
 * protocol client (tui/conn.h), without a terminal: the demo engine
 * greets a connection on a socketpair with its hosts and the services'
 * listeners; commands sent as requests run against it; and the step
 * back's replay rebuilds the very same world -- the same ISNs, sequence
 * numbers, timers and counters at the same virtual time -- from the
 * recorded commands and their times.
 *
 * Each test runs the engine's own loop (engine_run) with a 1 ms driver
 * timer that sends the next request when the last has been answered, and
 * stops the engine when its script is done.
 */
#define _DEFAULT_SOURCE /* uv.h under -std=c11 */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "daemon/client.h"
#include "tui/conn.h"
#include "tui/engine.h"
#include "tui/model.h"

#define MAX_STEPS 16

struct drv {
	struct engine *e;
	struct conn *c;
	struct model *m;
	uv_timer_t t;
	const char *const *lines; /* the requests to send, NULL-terminated */
	size_t next;
	bool busy, failed, done;
	bool armed;
	struct engine_rec recs[MAX_STEPS];
	size_t nrecs;
	json_t *snap;             /* the last snapshot reply's "snapshot" */
	char error[512];
};

static void on_reply(void *ctx, const struct tvc_msg *m)
{
	struct drv *d = ctx;
	tv_time t, start;

	d->busy = false;
	if (m == NULL || !m->ok) {
		d->failed = true;
		snprintf(d->error, sizeof(d->error), "%s: %s", d->lines[d->next - 1],
			 m && m->error ? m->error : "no reply");
		return;
	}
	if (json_object_get(m->obj, "snapshot") != NULL) {
		json_decref(d->snap);
		d->snap = json_incref(json_object_get(m->obj, "snapshot"));
		return;
	}
	t = (tv_time)json_integer_value(json_object_get(m->obj, "time"));
	start = t;
	if (d->armed && !engine_wait_started(d->e, &start))
		start = t;
	d->armed = false;
	d->recs[d->nrecs].line = (char *)d->lines[d->next - 1];
	d->recs[d->nrecs].start = start;
	d->recs[d->nrecs].end = t;
	d->nrecs++;
}

static bool is_wait(const char *line)
{
	return strncmp(line, "step", 4) == 0 || strncmp(line, "run", 3) == 0;
}

/* Send the next request once the model has the demo's listeners and the
 * last request is answered; stop when all are. */
static void on_drive(uv_timer_t *t)
{
	struct drv *d = t->data;

	if (d->busy || d->m->nconns < 5)
		return;
	if (d->failed || d->lines[d->next] == NULL) {
		d->done = true;
		uv_timer_stop(t);
		engine_stop(d->e, false);
		return;
	}
	if (is_wait(d->lines[d->next])) {
		engine_wait_arm(d->e);
		d->armed = true;
	}
	d->busy = conn_send(d->c, d->lines[d->next++], on_reply, d) != 0;
	d->failed |= !d->busy;
}

static void drive(struct drv *d, struct engine *e, const char *const *lines)
{
	struct tvc *tvc = tvc_new();
	struct conn_config cfg = {.loop = engine_loop(e), .ctx = d};
	char msg[256];
	int fd;

	memset(d, 0, sizeof(*d));
	d->e = e;
	d->lines = lines;
	ck_assert_ptr_nonnull(d->m = model_new());
	cfg.model = d->m;
	ck_assert_int_ge(fd = engine_attach(e), 0);
	ck_assert_ptr_nonnull(d->c = conn_new(&cfg, tvc, fd, msg, sizeof(msg)));
	uv_timer_init(engine_loop(e), &d->t);
	d->t.data = d;
	uv_timer_start(&d->t, on_drive, 1, 1);
	engine_run(e);
	conn_free(d->c);
	uv_close((uv_handle_t *)&d->t, NULL);
	uv_run(engine_loop(e), UV_RUN_NOWAIT);
	ck_assert_msg(!d->failed, "%s", d->error);
	ck_assert(d->done);
}

static struct engine *demo(bool paused)
{
	struct engine_opts o = {.kind = ENGINE_DEMO, .seed = 1, .paused = paused};
	char msg[256];
	struct engine *e = engine_new(&o, msg, sizeof(msg));

	ck_assert_msg(e != NULL, "%s", msg);
	return e;
}

static const struct tm_conn *conn_on(const struct model *m, const char *host, int state)
{
	for (unsigned i = 0; i < m->nconns; i++) {
		const struct tm_conn *c = &m->conns[i];
		const struct tm_host *h = model_host(m, c->host);
		if (h != NULL && strcmp(h->name, host) == 0 && c->state == state && !c->listener)
			return c;
	}
	return NULL;
}

START_TEST(test_engine_demo_greets_with_hosts_and_listeners)
{
	static const char *const lines[] = {"snapshot", NULL};
	struct engine *e = demo(true);
	struct drv d;

	drive(&d, e, lines);
	ck_assert_uint_eq(d.m->nhosts, 2);
	ck_assert_str_eq(d.m->hosts[0].name, "A");
	ck_assert_str_eq(d.m->hosts[1].name, "B");
	ck_assert_uint_eq(d.m->nconns, 5); /* echo discard daytime chargen http */
	ck_assert_str_eq(engine_link(e), "wire");
	ck_assert_ptr_null(engine_socket(e));
	ck_assert(d.m->paused);
	model_free(d.m);
	json_decref(d.snap);
	engine_free(e);
}
END_TEST

START_TEST(test_engine_demo_holds_segments_until_stepped)
{
	static const char *const lines[] = {
		"connect A to B:7 as c1", "run until quiet within 2s", "step 1", "step 1",
		"step 1", NULL,
	};
	struct engine *e = demo(false);
	struct drv d;

	drive(&d, e, lines);
	ck_assert_ptr_nonnull(conn_on(d.m, "A", 4)); /* TCB_ESTABLISHED */
	ck_assert_ptr_nonnull(conn_on(d.m, "B", 4));
	ck_assert_uint_eq(d.m->nheld, 0);
	/* Each step released exactly one held segment. */
	ck_assert_uint_ge(d.m->held_total, 3);
	model_free(d.m);
	engine_free(e);
}
END_TEST

START_TEST(test_engine_replay_rebuilds_the_same_world)
{
	static const char *const lines[] = {
		"connect A to B:7 as c1", "run until quiet within 2s", "step 1", "step 1",
		"snapshot", NULL,
	};
	static const char *const look[] = {"snapshot", NULL};
	struct engine *e1 = demo(false), *e2;
	struct drv d1, d2;
	char msg[512];
	tv_time at;

	drive(&d1, e1, lines);
	ck_assert_uint_eq(d1.nrecs, 4);
	/* The waits started where the engine saw them start. */
	ck_assert(d1.recs[2].start < d1.recs[2].end);
	at = (tv_time)json_integer_value(json_object_get(d1.snap, "time"));
	engine_free(e1);

	e2 = demo(true);
	ck_assert_msg(engine_replay(e2, d1.recs, d1.nrecs, at, msg, sizeof(msg)) == 0, "%s", msg);
	drive(&d2, e2, look);
	ck_assert_int_eq(json_integer_value(json_object_get(d2.snap, "time")), at);
	/* Hosts, counters, gates (held frames and rules) and every TCB with
	 * its ISNs and timers: the same. */
	ck_assert_msg(json_equal(json_object_get(d1.snap, "hosts"),
				 json_object_get(d2.snap, "hosts")),
		      "the replayed world differs");
	ck_assert_ptr_nonnull(conn_on(d2.m, "A", 4));
	ck_assert_ptr_nonnull(conn_on(d2.m, "B", 3)); /* SYN-RECEIVED: the ACK is held */
	model_free(d1.m);
	model_free(d2.m);
	json_decref(d1.snap);
	json_decref(d2.snap);
	engine_free(e2);
}
END_TEST

START_TEST(test_engine_replay_reports_a_command_that_fails_again)
{
	struct engine *e = demo(true);
	struct engine_rec r = {.line = (char *)"close nosuch", .start = 0, .end = 0};
	char msg[512];

	ck_assert_int_eq(engine_replay(e, &r, 1, 0, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "close nosuch"));
	engine_free(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tui_engine");
	TCase *t = tcase_create("engine");

	tcase_add_test(t, test_engine_demo_greets_with_hosts_and_listeners);
	tcase_add_test(t, test_engine_demo_holds_segments_until_stepped);
	tcase_add_test(t, test_engine_replay_rebuilds_the_same_world);
	tcase_add_test(t, test_engine_replay_reports_a_command_that_fails_again);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	setlocale(LC_ALL, "C.UTF-8");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
