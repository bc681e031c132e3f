/*
 * check_tui_view.c - the TUI's views drawn into a canvas, no terminal:
 * the layout at 80x24 and larger, the "too small" message, the header's
 * mode badge, the connection table (every state, columns by width, the
 * 2MSL bar shrinking, scrolling), the ladder (arrows that slant to their
 * arrival row, a dropped arrow that stops short, a held one in flight,
 * state annotations, timer fires, follow and scroll, the row cache), the
 * state diagram, the wire queue, the log and its filter, the status line,
 * the help screen generated from the keymap, and a Chinese render whose
 * columns line up by display width.
 *
 * Models come from real runs of the headless sim (tests/out_fixture: A
 * connects to B's echo, sends a line, closes), fed event by event to
 * model_event(), with snapshots made by the daemon's snap_hosts(), or
 * from hand-made events for states a run does not stop in.  Widths need
 * a UTF-8 locale: every test runs in C.UTF-8.
 *
 * The Chinese test needs translations without installing a catalog:
 * this file defines gettext/dgettext/dcgettext, which the views (linked
 * statically) call instead of libc's; they translate a few msgids when
 * fake_zh is on and return the msgid itself otherwise, as an untranslated
 * catalog does.
 */
#define _POSIX_C_SOURCE 200809L /* setenv, tzset */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tcp.h"
#include "daemon/internal.h"
#include "out_fixture.h"
#include "tui/explain.h"
#include "tui/keymap.h"
#include "tui/model.h"
#include "tui/view.h"
#include "tui/view_internal.h"
#include "tui/view_ladder.h"
#include "tui/width.h"

/* ---- a fake catalog ---- */

static bool fake_zh;

static const char *const zh[][2] = {
	{"Local", "本地"},
	{"Remote", "远端"},
	{"State", "状态"},
	{"Timers", "计时器"},
	{"state|CLOSED", "关闭"},
	{"state|LISTEN", "监听"},
	{"state|SYN-SENT", "同步已发送"},
	{"state|SYN-RECEIVED", "同步已接收"},
	{"state|ESTABLISHED", "已建立"},
	{"state|FIN-WAIT-1", "终止等待1"},
	{"state|FIN-WAIT-2", "终止等待2"},
	{"state|CLOSE-WAIT", "关闭等待"},
	{"state|CLOSING", "同时关闭"},
	{"state|LAST-ACK", "最后确认"},
	{"state|TIME-WAIT", "时间等待"},
};

static char *fake_translate(const char *msgid)
{
	for (size_t i = 0; fake_zh && i < sizeof(zh) / sizeof(zh[0]); i++)
		if (strcmp(zh[i][0], msgid) == 0)
			return (char *)zh[i][1];
	return (char *)msgid;
}

char *gettext(const char *msgid);
char *dgettext(const char *domain, const char *msgid);
char *dcgettext(const char *domain, const char *msgid, int category);

char *gettext(const char *msgid)
{
	return fake_translate(msgid);
}

char *dgettext(const char *domain, const char *msgid)
{
	(void)domain;
	return fake_translate(msgid);
}

char *dcgettext(const char *domain, const char *msgid, int category)
{
	(void)domain;
	(void)category;
	return fake_translate(msgid);
}

/* ---- fixture: a model fed from a real run ---- */

struct vfx {
	struct ofx f;
	struct model *m;
	struct canvas c;
	struct view_state vs;
};

static void model_sink(void *ctx, const struct tv_event *ev)
{
	model_event(ctx, ev);
}

static void vfx_hosts(struct vfx *v)
{
	json_t *hosts = json_pack("[{s:i, s:s, s:s}, {s:i, s:s, s:s}]", "id",
				  (json_int_t)v->f.a->id, "name", "A", "addr", "10.0.0.1", "id",
				  (json_int_t)v->f.b->id, "name", "B", "addr", "10.0.0.2");

	ck_assert_ptr_nonnull(hosts);
	ck_assert_int_eq(model_hosts(v->m, hosts), 0);
	json_decref(hosts);
}

static void vfx_setup(struct vfx *v)
{
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	fake_zh = false;
	ofx_setup(&v->f, 7);
	v->m = model_new();
	ck_assert_ptr_nonnull(v->m);
	v->m->connected = true;
	vfx_hosts(v);
	ck_assert_int_eq(tv_bus_add(sim_bus(v->f.sim), model_sink, v->m), 0);
	ck_assert_int_eq(canvas_init(&v->c, 80, 24), 0);
	view_state_init(&v->vs);
}

static void vfx_teardown(struct vfx *v)
{
	tv_bus_remove(sim_bus(v->f.sim), model_sink, v->m);
	view_state_fini(&v->vs);
	canvas_free(&v->c);
	model_free(v->m);
	ofx_teardown(&v->f);
}

/* A snapshot as the daemon makes it, applied to the model. */
static void vfx_snapshot(struct vfx *v)
{
	json_t *snap = json_pack("{s:I, s:f, s:b, s:o}", "time", (json_int_t)sim_now(v->f.sim),
				 "speed", 1.0, "paused", 1, "hosts",
				 snap_hosts(v->f.sim, sim_now(v->f.sim)));

	ck_assert_ptr_nonnull(snap);
	ck_assert_int_eq(model_snapshot(v->m, snap, 0), 0);
	json_decref(snap);
}

/* TV_DUMP=1: show the frame on stderr (to look at it while debugging). */
static void vfx_dump(const struct vfx *v)
{
	char buf[4096];

	if (getenv("TV_DUMP") == NULL)
		return;
	for (int y = 0; y < v->c.h; y++) {
		canvas_row(&v->c, y, buf, sizeof(buf));
		fprintf(stderr, "%2d|%s|\n", y, buf);
	}
}

/* Draw at the sim's time plus ahead (the clock paused there). */
static void vfx_draw_at(struct vfx *v, int w, int h, tv_time ahead)
{
	model_clock(v->m, sim_now(v->f.sim) + ahead, 1.0, true, 0);
	ck_assert_int_eq(canvas_resize(&v->c, w, h), 0);
	view_render(&v->c, v->m, &v->vs);
	vfx_dump(v);
}

static void vfx_draw(struct vfx *v, int w, int h)
{
	vfx_draw_at(v, w, h, 0);
}

/* The first connection of host `host` (by its model key), 0 none. */
static unsigned conn_of_host(const struct model *m, uint32_t host)
{
	for (unsigned i = 0; i < m->nconns; i++)
		if (m->conns[i].host == host && !m->conns[i].listener)
			return m->conns[i].key;
	return 0;
}

/* The state of A's connection in the model, -1 none yet. */
static int conn_state(const struct vfx *v)
{
	unsigned key = conn_of_host(v->m, v->f.a->id);

	return key ? model_conn(v->m, key)->state : -1;
}

/* ---- reading the canvas ---- */

static const char *row_text(const struct canvas *c, int y)
{
	static char buf[4096];

	canvas_row(c, y, buf, sizeof(buf));
	return buf;
}

/* The first row (from y0) whose text contains s, -1 none. */
static int find_row_from(const struct canvas *c, int y0, const char *s)
{
	for (int y = y0; y < c->h; y++)
		if (strstr(row_text(c, y), s) != NULL)
			return y;
	return -1;
}

static int find_row(const struct canvas *c, const char *s)
{
	return find_row_from(c, 0, s);
}

/* The column (cell) where s starts on row y, -1 none. */
static int find_col(const struct canvas *c, int y, const char *s)
{
	for (int x = 0; x < c->w; x++) {
		const char *p = s;
		int cx = x;
		uint32_t cp;
		while ((cp = tw_next(&p)) != 0 && cx < c->w && canvas_cell(c, y, cx)->ch == cp)
			cx += tw_cp_width(cp);
		if (cp == 0)
			return x;
	}
	return -1;
}

/* The text of cells x0..x0+w-1 of row y. */
static const char *region_text(const struct canvas *c, int y, int x0, int w)
{
	static char buf[2048];
	size_t n = 0;

	for (int x = x0; x < x0 + w && x < c->w && n + 5 < sizeof(buf); x++)
		if (canvas_cell(c, y, x)->ch != 0)
			n += tw_encode(canvas_cell(c, y, x)->ch, buf + n);
	buf[n] = '\0';
	return buf;
}

static int find_cell(const struct canvas *c, int y, uint32_t ch)
{
	for (int x = 0; x < c->w; x++)
		if (canvas_cell(c, y, x)->ch == ch)
			return x;
	return -1;
}

static int count_cells(const struct canvas *c, int y, uint32_t ch)
{
	int n = 0;

	for (int x = 0; x < c->w; x++)
		n += canvas_cell(c, y, x)->ch == ch;
	return n;
}

/* ---- layout ---- */

static void rect_mark(int *grid, int w, const struct rect *r)
{
	for (int y = r->y; y < r->y + r->h; y++)
		for (int x = r->x; x < r->x + r->w; x++)
			grid[y * w + x]++;
}

/* Every cell of the screen belongs to exactly one pane. */
static void assert_tiles(int w, int h, bool explain)
{
	struct view_state vs;
	struct layout lo;
	int *grid = calloc((size_t)w * (size_t)h, sizeof(int));
	const struct rect *panes[] = {&lo.header, &lo.conns, &lo.ladder, &lo.diagram,
				      &lo.queue, &lo.explain, &lo.log, &lo.status};

	ck_assert_ptr_nonnull(grid);
	view_state_init(&vs);
	vs.explain = explain;
	view_layout(w, h, &vs, &lo);
	ck_assert(!lo.too_small);
	for (size_t i = 0; i < sizeof(panes) / sizeof(panes[0]); i++) {
		ck_assert_int_ge(panes[i]->y, 0);
		ck_assert_int_ge(panes[i]->x, 0);
		ck_assert_int_le(panes[i]->y + panes[i]->h, h);
		ck_assert_int_le(panes[i]->x + panes[i]->w, w);
		if (panes[i]->h > 0)
			rect_mark(grid, w, panes[i]);
	}
	for (int i = 0; i < w * h; i++)
		ck_assert_msg(grid[i] == 1, "%dx%d: cell %d,%d covered %d times", w, h, i / w,
			      i % w, grid[i]);
	free(grid);
}

START_TEST(test_layout_80x24_has_the_core_panes)
{
	struct view_state vs;
	struct layout lo;

	view_state_init(&vs);
	view_layout(80, 24, &vs, &lo);
	ck_assert(!lo.too_small);
	ck_assert_int_eq(lo.header.h, 1);
	ck_assert_int_eq(lo.status.y, 23);
	ck_assert_int_ge(lo.conns.h, 6);
	ck_assert_int_ge(lo.ladder.h, 8);
	ck_assert_int_gt(lo.queue.h, 0);
	ck_assert_int_gt(lo.explain.h, 0);
	ck_assert_int_eq(lo.diagram.h, 0);
	assert_tiles(80, 24, true);
	assert_tiles(80, 24, false);
}
END_TEST

START_TEST(test_layout_79x24_is_too_small)
{
	struct view_state vs;
	struct layout lo;

	view_state_init(&vs);
	view_layout(79, 24, &vs, &lo);
	ck_assert(lo.too_small);
	view_layout(80, 23, &vs, &lo);
	ck_assert(lo.too_small);
	view_layout(80, 24, &vs, &lo);
	ck_assert(!lo.too_small);
}
END_TEST

START_TEST(test_layout_200x60_adds_diagram_and_log)
{
	struct view_state vs;
	struct layout small, big;

	view_state_init(&vs);
	view_layout(80, 24, &vs, &small);
	view_layout(200, 60, &vs, &big);
	ck_assert_int_ge(big.diagram.h, 20);
	ck_assert_int_gt(big.diagram.w, 0);
	ck_assert_int_gt(big.log.h, 0);
	ck_assert_int_gt(big.explain.h, 0);
	ck_assert_int_gt(big.ladder.h, small.ladder.h);
	ck_assert_int_gt(big.log.h * big.log.w, 0);
	assert_tiles(200, 60, true);
}
END_TEST

START_TEST(test_layout_tiles_at_many_sizes)
{
	static const int sizes[][2] = {{80, 24}, {81, 25}, {100, 30}, {119, 40}, {120, 40},
				       {132, 43}, {160, 50}, {200, 60}, {300, 100}};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_tiles(sizes[i][0], sizes[i][1], true);
		assert_tiles(sizes[i][0], sizes[i][1], false);
	}
}
END_TEST

START_TEST(test_layout_explain_off_shows_log)
{
	struct view_state vs;
	struct layout lo;

	view_state_init(&vs);
	vs.explain = false;
	view_layout(80, 24, &vs, &lo);
	ck_assert_int_eq(lo.explain.h, 0);
	ck_assert_int_gt(lo.log.h, 0);
}
END_TEST

START_TEST(test_too_small_says_the_size_needed)
{
	struct vfx v;

	vfx_setup(&v);
	vfx_draw(&v, 79, 24);
	ck_assert_int_ge(find_row(&v.c, "79×24, needs 80×24"), 0);
	ck_assert_int_ge(find_row(&v.c, "Terminal too small"), 0);
	vfx_draw(&v, 40, 10);
	ck_assert_int_ge(find_row(&v.c, "40×10"), 0);
	vfx_teardown(&v);
}
END_TEST

/* ---- header and status ---- */

START_TEST(test_header_badge_says_paused_or_running)
{
	struct vfx v;
	int x;

	vfx_setup(&v);
	vfx_draw(&v, 80, 24);
	x = find_col(&v.c, 0, "PAUSED");
	ck_assert_int_ge(x, 0);
	ck_assert(canvas_cell(&v.c, 0, x)->attr & TA_REVERSE);
	ck_assert_int_eq(canvas_cell(&v.c, 0, x)->style, TS_MODE_PAUSED);
	model_clock(v.m, 0, 10.0, false, 0);
	ck_assert_int_eq(canvas_resize(&v.c, 80, 24), 0);
	view_render(&v.c, v.m, &v.vs);
	ck_assert_int_ge(find_col(&v.c, 0, "RUNNING"), 0);
	ck_assert_int_ge(find_col(&v.c, 0, "x10"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_header_says_stepping_when_a_gate_holds)
{
	struct vfx v;

	vfx_setup(&v);
	gate_set_mode(sim_gate(v.f.sim, v.f.a), GATE_HOLD);
	ofx_start(&v.f);
	sim_run_until_quiet(v.f.sim, TV_SEC(10));
	vfx_snapshot(&v);
	v.m->paused = false;
	ck_assert_int_eq(canvas_resize(&v.c, 80, 24), 0);
	view_render(&v.c, v.m, &v.vs);
	ck_assert_int_ge(find_col(&v.c, 0, "STEPPING"), 0);
	ck_assert_int_ge(find_col(&v.c, 0, "held 1"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_status_prompt_places_the_cursor)
{
	struct vfx v;
	char longp[200];

	vfx_setup(&v);
	v.vs.prompt = ":drop next FIN";
	v.vs.prompt_cursor = 5;
	vfx_draw(&v, 80, 24);
	ck_assert_int_eq(find_col(&v.c, 23, ":drop next FIN"), 0);
	ck_assert_int_eq(v.vs.cursor_y, 23);
	ck_assert_int_eq(v.vs.cursor_x, 5);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	longp[sizeof(longp) - 2] = 'Z';
	v.vs.prompt = longp;
	v.vs.prompt_cursor = (int)strlen(longp);
	vfx_draw(&v, 80, 24);
	ck_assert_int_eq(v.vs.cursor_x, 79);
	ck_assert_uint_eq(canvas_cell(&v.c, 23, 78)->ch, 'Z');
	v.vs.prompt = NULL;
	vfx_draw(&v, 80, 24);
	ck_assert_int_eq(v.vs.cursor_y, -1);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_status_hints_come_from_the_keymap)
{
	struct vfx v;

	vfx_setup(&v);
	vfx_draw(&v, 80, 24);
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, 23), "? help"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, 23), ": command"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, 23), "Space resume"));
	v.vs.status = "unknown command 'frob'";
	v.vs.status_error = true;
	vfx_draw(&v, 80, 24);
	ck_assert_int_ge(find_col(&v.c, 23, "unknown command"), 0);
	ck_assert_int_eq(canvas_cell(&v.c, 23, find_col(&v.c, 23, "unknown"))->style, TS_ALERT);
	vfx_teardown(&v);
}
END_TEST

/* ---- the connection table ---- */

/* Events that put connection i of host A in state i (as a stack would
 * report them: the state event names the TCB by host and id). */
static void feed_states(struct vfx *v)
{
	for (int s = 0; s < TCB_STATE_COUNT; s++) {
		struct tv_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.type = TV_EV_STATE;
		ev.time = TV_SEC(1) + (tv_time)s;
		ev.host = v->f.a->id;
		ev.conn = 100 + (uint32_t)s;
		ev.tuple = (struct tv_tuple){OFX_ADDR_A, s == TCB_LISTEN ? 0 : OFX_ADDR_B,
					     (uint16_t)(1000 + s), s == TCB_LISTEN ? 0 : 80};
		ev.u.state.old_state = s == TCB_CLOSED ? TCB_LAST_ACK : TCB_CLOSED;
		ev.u.state.new_state = (uint8_t)s;
		model_event(v->m, &ev);
	}
}

START_TEST(test_table_writes_every_state)
{
	struct vfx v;
	char local[32];

	vfx_setup(&v);
	feed_states(&v);
	vfx_draw(&v, 200, 60);
	for (int s = 0; s < TCB_STATE_COUNT; s++) {
		int y, x;
		snprintf(local, sizeof(local), "A 10.0.0.1:%d", 1000 + s);
		y = find_row(&v.c, local);
		ck_assert_msg(y > 0, "no row for %s", tcb_state_name(s));
		x = find_col(&v.c, y, tcb_state_name(s));
		ck_assert_msg(x > 0, "row %s lacks its state", local);
		ck_assert_int_eq(canvas_cell(&v.c, y, x)->style, view_state_style(s));
	}
	ck_assert_int_eq(find_row(&v.c, "A 10.0.0.1:1001"), find_row(&v.c, "LISTEN"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, find_row(&v.c, "LISTEN")), " * "));
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_table_drops_columns_by_width)
{
	struct vfx v;
	int head;

	vfx_setup(&v);
	feed_states(&v);
	vfx_draw(&v, 80, 24);
	head = find_row(&v.c, "Local");
	ck_assert_int_eq(head, 2);
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, head), "State"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, head), "Timers"));
	ck_assert_ptr_null(strstr(row_text(&v.c, head), "SND.WND"));
	ck_assert_ptr_null(strstr(row_text(&v.c, head), "cwnd"));
	vfx_draw(&v, 200, 60);
	head = find_row(&v.c, "Local");
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, head), "SND.UNA"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, head), "SND.WND"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, head), "RCV.WND"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, head), "cwnd"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, head), "RTO"));
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_table_selected_row_scrolls_into_view)
{
	struct vfx v;
	int y;

	vfx_setup(&v);
	feed_states(&v);
	for (unsigned i = 0; i < v.m->nconns; i++)
		if (v.m->conns[i].state == TCB_TIME_WAIT)
			v.vs.sel_conn = v.m->conns[i].key;
	vfx_draw(&v, 80, 24);
	ck_assert_int_gt(v.vs.conn_top, 0);
	ck_assert_int_ge(find_row(&v.c, "of 11"), 0);
	y = find_row(&v.c, "TIME-WAIT");
	ck_assert_int_gt(y, 0);
	ck_assert_int_lt(y, 7);
	ck_assert_int_eq(canvas_cell(&v.c, y, 1)->style, TS_SELECTED);
	ck_assert(canvas_cell(&v.c, y, find_col(&v.c, y, "TIME-WAIT"))->attr & TA_REVERSE);
	vfx_teardown(&v);
}
END_TEST

/* The row of the table for host A's connection (the first one). */
static int conn_row(struct vfx *v, const char *state)
{
	int y = find_row(&v->c, state);

	ck_assert_msg(y > 0, "no %s row", state);
	return y;
}

START_TEST(test_table_2msl_bar_shrinks_as_time_passes)
{
	struct vfx v;
	int y, full0, full1;

	vfx_setup(&v);
	ofx_start(&v.f);
	ck_assert_int_eq(sim_run_until_quiet(v.f.sim, TV_SEC(10)), 0);
	vfx_snapshot(&v);
	vfx_draw(&v, 120, 40);
	y = conn_row(&v, "TIME-WAIT");
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, y), "2MSL"));
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, y), "4:00"));
	full0 = count_cells(&v.c, y, 0x2588);
	ck_assert_int_ge(full0, 10);
	vfx_draw_at(&v, 120, 40, TV_SEC(120));
	y = conn_row(&v, "TIME-WAIT");
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, y), "2:00"));
	full1 = count_cells(&v.c, y, 0x2588);
	ck_assert_int_lt(full1, full0);
	ck_assert_int_ge(full1, full0 / 2 - 1);
	ck_assert_int_le(full1, full0 / 2 + 1);
	vfx_draw_at(&v, 120, 40, TV_SEC(239));
	y = conn_row(&v, "TIME-WAIT");
	ck_assert_int_eq(count_cells(&v.c, y, 0x2588), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_table_rexmit_count_and_next_rto)
{
	struct vfx v;
	int y;

	vfx_setup(&v);
	ofx_drop_next(&v.f, v.f.b, v.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_drop_next(&v.f, v.f.b, v.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_start(&v.f);
	sim_run_for(v.f.sim, TV_MSEC(1500));
	vfx_snapshot(&v);
	v.vs.sel_conn = conn_of_host(v.m, v.f.a->id);
	vfx_draw(&v, 120, 40);
	y = conn_row(&v, "SYN-SENT");
	ck_assert_msg(strstr(row_text(&v.c, y), "RTO #1 in") != NULL, "%s", row_text(&v.c, y));
	vfx_teardown(&v);
}
END_TEST

static void noop_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	(void)ctx, (void)s, (void)ev, (void)err;
}

START_TEST(test_table_keepalive_idle_then_probe_k_of_n)
{
	struct vfx v;
	struct tv_sock *sk;
	tv_time t0;
	int y;

	vfx_setup(&v);
	ck_assert_int_eq(sock_connect(v.f.a, OFX_ADDR_B, app_port(APP_ECHO), 0, noop_cb, NULL,
				      &sk, sim_now(v.f.sim)),
			 0);
	ck_assert_int_eq(sim_run_until_quiet(v.f.sim, TV_SEC(10)), 0);
	t0 = sim_now(v.f.sim);
	ck_assert_int_eq(sock_setopt(sk, TV_SO_KEEPALIVE, 1), 0);
	sim_run_for(v.f.sim, TV_SEC(600));
	vfx_snapshot(&v);
	vfx_draw(&v, 120, 40);
	y = find_row(&v.c, "idle 10:00");
	ck_assert_msg(y > 0, "%s", row_text(&v.c, 3));
	/* B goes silent: A's probes are held at B's gate, unanswered. */
	gate_set_mode(sim_gate(v.f.sim, v.f.b), GATE_HOLD);
	sim_run_for(v.f.sim, t0 + TV_SEC(7300) - sim_now(v.f.sim));
	vfx_snapshot(&v);
	vfx_draw(&v, 120, 40);
	ck_assert_int_ge(find_row(&v.c, "probe 2/10"), 0);
	vfx_teardown(&v);
}
END_TEST

/* ---- the ladder ---- */

static void run_handshake_and_close(struct vfx *v)
{
	ofx_start(&v->f);
	ck_assert_int_eq(sim_run_until_quiet(v->f.sim, TV_SEC(10)), 0);
	vfx_snapshot(v);
	v->vs.sel_conn = conn_of_host(v->m, v->f.a->id);
	ck_assert_uint_ne(v->vs.sel_conn, 0);
}

/* A's gate holds what A sends; the ARP request goes through by hand,
 * then A's SYN waits in the gate. */
static void hold_until_syn(struct vfx *v)
{
	struct gate *g = sim_gate(v->f.sim, v->f.a);

	gate_set_dir_mode(g, TV_DIR_OUT, GATE_HOLD);
	ofx_start(&v->f);
	sim_run_until_quiet(v->f.sim, TV_SEC(10));
	while (v->m->nheld > 0 && !v->m->held[0].has_seg) {
		ck_assert_uint_eq(gate_step(g, sim_now(v->f.sim)), 1);
		sim_run_until_quiet(v->f.sim, TV_SEC(10));
		vfx_snapshot(v);
	}
	vfx_snapshot(v);
}

static void ladder_from_top(struct vfx *v)
{
	v->vs.ladder_follow = false;
	v->vs.ladder_top = 0;
}

START_TEST(test_ladder_arrows_slant_to_their_arrival_row)
{
	struct vfx v;
	int y, lane_r, turn;

	vfx_setup(&v);
	run_handshake_and_close(&v);
	ladder_from_top(&v);
	vfx_draw(&v, 100, 40);
	y = find_row(&v.c, "SYN seq=0");
	ck_assert_int_gt(y, 0);
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, y), "SYN-SENT"));
	ck_assert_int_ge(find_cell(&v.c, y, 0x251c), 0);     /* ├ leaves lane A */
	turn = find_cell(&v.c, y, 0x256e);                   /* ╮ turns down */
	ck_assert_int_gt(turn, 0);
	ck_assert_uint_eq(canvas_cell(&v.c, y + 1, turn)->ch, 0x2570); /* ╰ next row */
	lane_r = find_cell(&v.c, y + 1, 0x25b6);             /* ▶ at B */
	ck_assert_int_gt(lane_r, turn);
	ck_assert_uint_eq(canvas_cell(&v.c, y + 1, lane_r + 1)->ch, 0x2502);
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, y + 1), "SYN-RECEIVED"));
	y = find_row(&v.c, "SYN,ACK seq=0 ack=1");
	ck_assert_int_gt(y, 0);
	ck_assert_int_ge(find_cell(&v.c, y, 0x2524), 0);     /* ┤ leaves lane B */
	ck_assert_int_ge(find_cell(&v.c, y + 1, 0x25c0), 0); /* ◀ at A */
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, y + 1), "ESTABLISHED"));
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_ladder_states_annotated_on_their_lane)
{
	struct vfx v;
	int y, lane_a, lane_b;

	vfx_setup(&v);
	run_handshake_and_close(&v);
	ladder_from_top(&v);
	vfx_draw(&v, 100, 40);
	y = find_row(&v.c, "SYN seq=0");
	lane_a = find_cell(&v.c, y, 0x251c);
	lane_b = find_cell(&v.c, y + 1, 0x25b6) + 1;
	ck_assert_int_lt(find_col(&v.c, y, "SYN-SENT"), lane_a);
	ck_assert_int_gt(find_col(&v.c, y + 1, "SYN-RECEIVED"), lane_b);
	/* The head line names each lane's host above its lane. */
	ck_assert_int_ge(find_row(&v.c, "A 10.0.0.1:"), 0);
	ck_assert_int_ge(find_row(&v.c, "B 10.0.0.2:7"), 0);
	ck_assert_int_ge(find_row(&v.c, "FIN-WAIT-1"), 0);
	ck_assert_int_ge(find_row(&v.c, "LAST-ACK"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_ladder_dropped_arrow_stops_short)
{
	struct vfx v;
	int y, x, lane_a;

	vfx_setup(&v);
	ofx_drop_next(&v.f, v.f.b, v.f.a, TV_TH_SYN | TV_TH_ACK);
	run_handshake_and_close(&v);
	sim_run_for(v.f.sim, TV_MSEC(1100));
	sim_run_until_quiet(v.f.sim, TV_SEC(10));
	ladder_from_top(&v);
	vfx_draw(&v, 100, 40);
	y = find_row(&v.c, "SYN,ACK seq=0 ack=1");
	ck_assert_int_gt(y, 0);
	x = find_cell(&v.c, y, 0x2717);
	ck_assert_int_gt(x, 0);
	ck_assert_ptr_nonnull(strstr(row_text(&v.c, y), "dropped"));
	ck_assert_int_lt(find_cell(&v.c, y, 0x25c0), 0);
	ck_assert_int_lt(find_cell(&v.c, y + 1, 0x25c0), 0);
	lane_a = find_cell(&v.c, y - 1, 0x2502);
	ck_assert_int_gt(x, lane_a + 5);
	ck_assert_int_eq(canvas_cell(&v.c, y, x)->style, TS_DROPPED);
	/* A's SYN is sent again when its RTO fires: marked on A's lane. */
	ck_assert_int_ge(find_row(&v.c, "RTO expired"), 0);
	ck_assert_int_ge(find_row(&v.c, "↻ SYN seq=0"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_ladder_held_segment_drawn_in_flight)
{
	struct vfx v;
	char badge[32];
	int y, x;

	vfx_setup(&v);
	hold_until_syn(&v);
	ck_assert_uint_eq(v.m->nheld, 1);
	vfx_draw(&v, 100, 40);
	snprintf(badge, sizeof(badge), " held #%llu ", (unsigned long long)v.m->held[0].id);
	y = find_row(&v.c, "SYN seq=0");
	ck_assert_int_gt(y, 0);
	x = find_col(&v.c, y, badge);
	ck_assert_msg(x > 0, "%s", row_text(&v.c, y));
	ck_assert_int_eq(canvas_cell(&v.c, y, x + 1)->style, TS_HELD);
	ck_assert(canvas_cell(&v.c, y, x + 1)->attr & TA_REVERSE);
	ck_assert_int_ge(find_cell(&v.c, y, 0x2504), 0);      /* dashed */
	ck_assert_int_lt(find_cell(&v.c, y + 1, 0x25b6), 0);  /* no head */
	/* Mid-lane: the badge is between a third and two thirds across. */
	ck_assert_int_gt(x, 100 / 3);
	ck_assert_int_lt(x, 100 * 2 / 3);
	/* The wire queue lists it. */
	ck_assert_int_ge(find_row(&v.c, "A out"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_ladder_follows_newest_until_scrolled)
{
	struct vfx v;
	struct layout lo;
	long rows;

	vfx_setup(&v);
	run_handshake_and_close(&v);
	vfx_draw(&v, 80, 24);
	rows = (long)v.vs.cache->ladder->nrows;
	view_layout(80, 24, &v.vs, &lo);
	ck_assert_int_gt(rows, lo.ladder.h - 2);
	ck_assert_int_eq(v.vs.ladder_top, rows - (lo.ladder.h - 2));
	ck_assert_int_lt(find_row(&v.c, "SYN seq=0"), 0);
	v.vs.ladder_follow = false;
	v.vs.ladder_top = 0;
	vfx_draw(&v, 80, 24);
	ck_assert_int_ge(find_row(&v.c, "SYN seq=0"), 0);
	ck_assert_int_ge(find_row(&v.c, "scrolled"), 0);
	/* 2MSL passes: new rows arrive, the scrolled view stays put. */
	sim_run_until_idle(v.f.sim, TV_SEC(600));
	vfx_draw(&v, 80, 24);
	ck_assert_int_eq(v.vs.ladder_top, 0);
	ck_assert_int_ge(find_row(&v.c, "SYN seq=0"), 0);
	v.vs.ladder_follow = true;
	vfx_draw(&v, 80, 24);
	ck_assert_int_ge(find_row(&v.c, "2MSL expired"), 0);
	ck_assert_int_ge(find_row(&v.c, "later)"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_ladder_relative_or_absolute_numbers)
{
	struct vfx v;
	const struct tm_flow *f;
	char label[64];

	vfx_setup(&v);
	run_handshake_and_close(&v);
	ladder_from_top(&v);
	f = model_flow(v.m, model_conn(v.m, v.vs.sel_conn)->flow);
	ck_assert_ptr_nonnull(f);
	ck_assert(f->isn_known[0]);
	v.vs.relative = false;
	vfx_draw(&v, 100, 40);
	snprintf(label, sizeof(label), "SYN seq=%u", (unsigned)f->isn[0]);
	ck_assert_int_ge(find_row(&v.c, label), 0);
	ck_assert_int_lt(find_row(&v.c, "SYN seq=0 "), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_ladder_layout_cached_until_the_flow_changes)
{
	struct vfx v;
	uint64_t n;

	vfx_setup(&v);
	run_handshake_and_close(&v);
	vfx_draw(&v, 80, 24);
	n = v.vs.cache->ladder->relayouts;
	vfx_draw(&v, 80, 24);
	vfx_draw(&v, 200, 60);
	ck_assert_uint_eq(v.vs.cache->ladder->relayouts, n);
	sim_run_until_idle(v.f.sim, TV_SEC(600));
	vfx_draw(&v, 80, 24);
	ck_assert_uint_eq(v.vs.cache->ladder->relayouts, n + 1);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_ladder_ascii_draws_no_unicode)
{
	struct vfx v;

	vfx_setup(&v);
	ofx_drop_next(&v.f, v.f.b, v.f.a, TV_TH_SYN | TV_TH_ACK);
	run_handshake_and_close(&v);
	ladder_from_top(&v);
	v.c.ascii = true;
	vfx_draw(&v, 200, 60);
	for (int y = 0; y < v.c.h; y++)
		for (int x = 0; x < v.c.w; x++)
			ck_assert_msg(canvas_cell(&v.c, y, x)->ch < 0x80, "U+%04X at %d,%d",
				      canvas_cell(&v.c, y, x)->ch, y, x);
	ck_assert_int_ge(find_row(&v.c, "dropped x--"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_narration_in_ladder_and_explanation)
{
	struct vfx v;
	struct tv_event ev;
	struct layout lo;

	vfx_setup(&v);
	ofx_start(&v.f);
	for (int i = 0; i < 100 && conn_state(&v) != TCB_ESTABLISHED; i++)
		ck_assert(sim_step(v.f.sim));
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_NOTE;
	ev.time = sim_now(v.f.sim);
	snprintf(ev.u.note.text, sizeof(ev.u.note.text), "%s", "Now the client sends a line.");
	model_event(v.m, &ev);
	v.vs.lesson = "handshake";
	vfx_draw(&v, 200, 60);
	view_layout(200, 60, &v.vs, &lo);
	ck_assert_int_ge(find_row_from(&v.c, lo.ladder.y, "» Now the client sends a line."), 0);
	ck_assert_int_ge(find_row_from(&v.c, lo.explain.y, "Now the client sends a line."), 0);
	ck_assert_int_ge(find_col(&v.c, 0, "lesson: handshake"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_header_wall_clock)
{
	struct vfx v;

	vfx_setup(&v);
	setenv("TZ", "UTC", 1);
	tzset();
	v.vs.wall_clock = 13 * 3600 + 14 * 60 + 15;
	vfx_draw(&v, 80, 24);
	ck_assert_int_eq(find_col(&v.c, 0, "13:14:15"), 80 - 8);
	vfx_teardown(&v);
}
END_TEST

/* ---- the state diagram, the queue, the explanation, the log ---- */

START_TEST(test_diagram_marks_state_and_last_transition)
{
	struct vfx v;
	struct layout lo;
	int y, x = -1;

	vfx_setup(&v);
	ofx_start(&v.f);
	for (int i = 0; i < 100 && conn_state(&v) != TCB_ESTABLISHED; i++)
		ck_assert(sim_step(v.f.sim));
	v.vs.sel_conn = conn_of_host(v.m, v.f.a->id);
	ck_assert_int_eq(model_conn(v.m, v.vs.sel_conn)->state, TCB_ESTABLISHED);
	vfx_draw(&v, 200, 60);
	view_layout(200, 60, &v.vs, &lo);
	y = find_row_from(&v.c, lo.diagram.y, "last: SYN-SENT → ESTABLISHED");
	ck_assert_int_gt(y, 0);
	for (y = lo.diagram.y; y < lo.diagram.y + lo.diagram.h; y++) {
		x = find_col(&v.c, y, "ESTABLISHED");
		if (x >= lo.diagram.x)
			break;
	}
	ck_assert_int_lt(y, lo.diagram.y + lo.diagram.h);
	ck_assert(canvas_cell(&v.c, y, x)->attr & TA_REVERSE);
	ck_assert_int_eq(canvas_cell(&v.c, y, x)->style, TS_ST_ESTAB);
	/* The line from SYN-SENT ends in an alert-styled head at ESTABLISHED. */
	ck_assert_uint_eq(canvas_cell(&v.c, y, x + 11)->ch, 0x25c0);
	ck_assert_int_eq(canvas_cell(&v.c, y, x + 11)->style, TS_ALERT);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_queue_selected_held_segment_highlighted)
{
	struct vfx v;
	int y;

	vfx_setup(&v);
	gate_set_mode(sim_gate(v.f.sim, v.f.a), GATE_HOLD);
	gate_set_mode(sim_gate(v.f.sim, v.f.b), GATE_HOLD);
	ofx_start(&v.f);
	sim_run_until_quiet(v.f.sim, TV_SEC(10));
	vfx_snapshot(&v);
	v.vs.sel_held = 5; /* out of range: clamped */
	vfx_draw(&v, 80, 24);
	ck_assert_uint_eq(v.vs.sel_held, 0);
	y = find_row(&v.c, "A out");
	ck_assert_int_gt(y, 0);
	ck_assert_int_eq(canvas_cell(&v.c, y, 2)->style, TS_SELECTED);
	ck_assert_int_ge(find_row(&v.c, "gate A: holds both ways"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_explain_panel_says_what_and_why)
{
	struct vfx v;
	struct layout lo;

	vfx_setup(&v);
	ofx_start(&v.f);
	for (int i = 0; i < 100 && conn_state(&v) != TCB_ESTABLISHED; i++)
		ck_assert(sim_step(v.f.sim));
	vfx_draw(&v, 200, 60);
	view_layout(200, 60, &v.vs, &lo);
	ck_assert(v.m->has_last_rule);
	ck_assert_int_ge(find_row_from(&v.c, lo.explain.y, tv_rule_ref(v.m->last_rule.rule)), 0);
	v.vs.card = EXPLAIN_CARD_TIME_WAIT;
	vfx_draw(&v, 200, 60);
	ck_assert_int_ge(find_row_from(&v.c, lo.explain.y, "card 5 of"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_log_filters_by_type_host_and_text)
{
	struct vfx v;
	struct layout lo;
	int lines = 0;

	vfx_setup(&v);
	run_handshake_and_close(&v);
	view_layout(200, 60, &v.vs, &lo);
	v.vs.filter.types = 1u << TV_EV_STATE;
	vfx_draw(&v, 200, 60);
	for (int y = lo.log.y + 1; y < lo.log.y + lo.log.h; y++) {
		const char *t = region_text(&v.c, y, lo.log.x + 1, lo.log.w - 1);
		if (strspn(t, " ") == strlen(t))
			continue;
		ck_assert_msg(strstr(t, "→") != NULL, "not a state line: %s", t);
		lines++;
	}
	ck_assert_int_ge(lines, 8);
	v.vs.filter.types = 0;
	snprintf(v.vs.filter.text, sizeof(v.vs.filter.text), "syn-received");
	vfx_draw(&v, 200, 60);
	ck_assert_int_ge(find_row_from(&v.c, lo.log.y, "filter: 2 of"), 0);
	v.vs.filter.text[0] = '\0';
	v.vs.filter.host = v.f.b->id;
	vfx_draw(&v, 200, 60);
	for (int y = lo.log.y + 1; y < lo.log.y + lo.log.h; y++) {
		const char *t = region_text(&v.c, y, lo.log.x + 1, lo.log.w - 1);
		if (strspn(t, " ") != strlen(t))
			ck_assert_msg(strstr(t, " B ") != NULL, "not B's: %s", t);
	}
	vfx_teardown(&v);
}
END_TEST

/* ---- help and keys ---- */

START_TEST(test_help_lists_every_binding)
{
	struct vfx v;
	size_t n;
	const struct key_binding *t = keymap_table(&n);
	static char seen[256][4096];
	int rows = 0;

	vfx_setup(&v);
	v.vs.help = true;
	/* 80x24: scroll through it all, keeping every row seen. */
	for (int top = 0; top < 100; top += 5) {
		v.vs.help_top = top;
		vfx_draw(&v, 80, 24);
		for (int y = 1; y < 23 && rows < 256; y++)
			snprintf(seen[rows++], sizeof(seen[0]), "%s", row_text(&v.c, y));
		if (v.vs.help_top < top)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		bool name = false, help = t[i].help == NULL;
		for (int r = 0; r < rows; r++) {
			name = name || strstr(seen[r], t[i].name) != NULL;
			help = help || strstr(seen[r], t[i].help) != NULL;
		}
		ck_assert_msg(name && help, "help lacks %s", t[i].name);
	}
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_help_two_columns_when_wide)
{
	struct vfx v;
	int y1, y2;

	vfx_setup(&v);
	v.vs.help = true;
	vfx_draw(&v, 200, 60);
	y1 = find_row(&v.c, "help: this screen");
	y2 = find_row(&v.c, "redraw the screen");
	ck_assert_int_gt(y1, 0);
	ck_assert_int_gt(y2, 0);
	ck_assert_int_lt(find_col(&v.c, y1, "help: this screen"), 40);
	ck_assert_int_gt(find_col(&v.c, y2, "redraw the screen"), 100);
	ck_assert_int_le(y2, y1 + 20);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_keymap_keys_from_the_issue)
{
	ck_assert_int_eq(keymap_lookup('q'), UA_QUIT);
	ck_assert_int_eq(keymap_lookup(TK_F(10)), UA_QUIT);
	ck_assert_int_eq(keymap_lookup(' '), UA_PAUSE);
	ck_assert_int_eq(keymap_lookup('n'), UA_STEP);
	ck_assert_int_eq(keymap_lookup('t'), UA_NEXT_TIMER);
	ck_assert_int_eq(keymap_lookup('+'), UA_FASTER);
	ck_assert_int_eq(keymap_lookup('-'), UA_SLOWER);
	ck_assert_int_eq(keymap_lookup(':'), UA_PROMPT);
	ck_assert_int_eq(keymap_lookup('/'), UA_FILTER);
	ck_assert_int_eq(keymap_lookup(TK_TAB), UA_NEXT_PANE);
	ck_assert_int_eq(keymap_lookup('r'), UA_RELATIVE);
	ck_assert_int_eq(keymap_lookup('e'), UA_EXPLAIN);
	ck_assert_int_eq(keymap_lookup('L'), UA_LANGUAGE);
	ck_assert_int_eq(keymap_lookup('w'), UA_EXPORT);
	ck_assert_int_eq(keymap_lookup('b'), UA_BACK);
	ck_assert_int_eq(keymap_lookup(TK_ENTER), UA_DELIVER);
	ck_assert_int_eq(keymap_lookup('d'), UA_DROP);
	ck_assert_int_eq(keymap_lookup('D'), UA_DUP);
	ck_assert_int_eq(keymap_lookup('y'), UA_DELAY);
	ck_assert_int_eq(keymap_lookup('R'), UA_RULES);
	ck_assert_int_eq(keymap_lookup('c'), UA_CONNECT);
	ck_assert_int_eq(keymap_lookup('x'), UA_CLOSE);
	ck_assert_int_eq(keymap_lookup('k'), UA_CARD);
	ck_assert_int_eq(keymap_lookup('h'), UA_HOLD);
	ck_assert_int_eq(keymap_lookup('T'), UA_THEME);
	ck_assert_int_eq(keymap_lookup('G'), UA_LIVE);
	ck_assert_int_eq(keymap_lookup('?'), UA_HELP);
	ck_assert_int_eq(keymap_lookup(TK_F(1)), UA_HELP);
	ck_assert_int_eq(keymap_lookup(TK_F(2)), UA_PROMPT);
	ck_assert_int_eq(keymap_lookup(TK_F(5)), UA_PAUSE);
	ck_assert_int_eq(keymap_lookup(TK_F(6)), UA_STEP);
	ck_assert_int_eq(keymap_lookup(TK_F(7)), UA_NEXT_TIMER);
	ck_assert_int_eq(keymap_lookup('L' & 0x1f), UA_REDRAW);
	ck_assert_int_eq(keymap_lookup(TK_UP), UA_UP);
	ck_assert_int_eq(keymap_lookup(TK_PGDN), UA_PGDN);
	ck_assert_int_eq(keymap_lookup(TK_END), UA_BOTTOM);
	ck_assert_int_eq(keymap_lookup('Z'), UA_NONE);
}
END_TEST

START_TEST(test_keymap_every_action_has_a_key_and_keys_are_unique)
{
	size_t n;
	const struct key_binding *t = keymap_table(&n);

	for (int a = UA_NONE + 1; a < UA_COUNT; a++)
		ck_assert_msg(keymap_key_name((enum ui_action)a) != NULL, "action %d unbound", a);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++)
			ck_assert_msg(t[i].key != t[j].key, "%s bound twice", t[i].name);
		ck_assert_int_eq(keymap_lookup(t[i].key), t[i].action);
	}
	/* The first key of every action is not a function key. */
	for (int a = UA_NONE + 1; a < UA_COUNT; a++)
		ck_assert_msg(keymap_key_name((enum ui_action)a)[0] != 'F' ||
				      keymap_key_name((enum ui_action)a)[1] == '\0',
			      "action %d starts with an F-key", a);
}
END_TEST

/* ---- Chinese ---- */

START_TEST(test_chinese_render_aligns_columns)
{
	struct vfx v;
	int head, xs, xr, xt;

	vfx_setup(&v);
	feed_states(&v);
	fake_zh = true;
	vfx_draw(&v, 200, 60);
	head = find_row(&v.c, "本地");
	ck_assert_int_gt(head, 0);
	xr = find_col(&v.c, head, "远端");
	xs = find_col(&v.c, head, "状态");
	xt = find_col(&v.c, head, "计时器");
	ck_assert_int_gt(xr, 0);
	ck_assert_int_gt(xs, xr);
	ck_assert_int_gt(xt, xs);
	for (int s = 0; s < TCB_STATE_COUNT; s++) {
		char label[64];
		int y;
		snprintf(label, sizeof(label), "%s %s", tcb_state_name(s), zh[4 + s][1]);
		y = find_row(&v.c, label);
		ck_assert_msg(y > head, "no row with %s", label);
		ck_assert_int_eq(find_col(&v.c, y, label), xs);
		if (s != TCB_LISTEN)
			ck_assert_int_eq(find_col(&v.c, y, "B 10.0.0.2:80"), xr);
	}
	fake_zh = false;
	vfx_draw(&v, 200, 60);
	ck_assert_int_lt(find_row(&v.c, "时间等待"), 0);
	vfx_teardown(&v);
}
END_TEST

START_TEST(test_state_label_chinese_only_when_it_fits)
{
	char buf[64];

	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	fake_zh = true;
	ck_assert_str_eq(view_state_label(TCB_TIME_WAIT, 30, buf, sizeof(buf)),
			 "TIME-WAIT 时间等待");
	ck_assert_str_eq(view_state_label(TCB_TIME_WAIT, 17, buf, sizeof(buf)), "TIME-WAIT");
	ck_assert_str_eq(view_state_label(TCB_TIME_WAIT, 6, buf, sizeof(buf)), "TIME-…");
	fake_zh = false;
	ck_assert_str_eq(view_state_label(TCB_TIME_WAIT, 30, buf, sizeof(buf)), "TIME-WAIT");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tui_view");
	TCase *lay = tcase_create("layout"), *tab = tcase_create("table");
	TCase *lad = tcase_create("ladder"), *oth = tcase_create("panes");
	TCase *key = tcase_create("keys"), *lang = tcase_create("language");

	tcase_add_test(lay, test_layout_80x24_has_the_core_panes);
	tcase_add_test(lay, test_layout_79x24_is_too_small);
	tcase_add_test(lay, test_layout_200x60_adds_diagram_and_log);
	tcase_add_test(lay, test_layout_tiles_at_many_sizes);
	tcase_add_test(lay, test_layout_explain_off_shows_log);
	tcase_add_test(lay, test_too_small_says_the_size_needed);
	tcase_add_test(lay, test_header_badge_says_paused_or_running);
	tcase_add_test(lay, test_header_says_stepping_when_a_gate_holds);
	tcase_add_test(lay, test_header_wall_clock);
	tcase_add_test(lay, test_status_prompt_places_the_cursor);
	tcase_add_test(lay, test_status_hints_come_from_the_keymap);
	tcase_add_test(tab, test_table_writes_every_state);
	tcase_add_test(tab, test_table_drops_columns_by_width);
	tcase_add_test(tab, test_table_selected_row_scrolls_into_view);
	tcase_add_test(tab, test_table_2msl_bar_shrinks_as_time_passes);
	tcase_add_test(tab, test_table_rexmit_count_and_next_rto);
	tcase_add_test(tab, test_table_keepalive_idle_then_probe_k_of_n);
	tcase_add_test(lad, test_ladder_arrows_slant_to_their_arrival_row);
	tcase_add_test(lad, test_ladder_states_annotated_on_their_lane);
	tcase_add_test(lad, test_ladder_dropped_arrow_stops_short);
	tcase_add_test(lad, test_ladder_held_segment_drawn_in_flight);
	tcase_add_test(lad, test_ladder_follows_newest_until_scrolled);
	tcase_add_test(lad, test_ladder_relative_or_absolute_numbers);
	tcase_add_test(lad, test_ladder_layout_cached_until_the_flow_changes);
	tcase_add_test(lad, test_ladder_ascii_draws_no_unicode);
	tcase_add_test(lad, test_narration_in_ladder_and_explanation);
	tcase_add_test(oth, test_diagram_marks_state_and_last_transition);
	tcase_add_test(oth, test_queue_selected_held_segment_highlighted);
	tcase_add_test(oth, test_explain_panel_says_what_and_why);
	tcase_add_test(oth, test_log_filters_by_type_host_and_text);
	tcase_add_test(key, test_help_lists_every_binding);
	tcase_add_test(key, test_help_two_columns_when_wide);
	tcase_add_test(key, test_keymap_keys_from_the_issue);
	tcase_add_test(key, test_keymap_every_action_has_a_key_and_keys_are_unique);
#ifdef ENABLE_NLS /* without it, _() never calls the fake catalog */
	tcase_add_test(lang, test_chinese_render_aligns_columns);
	tcase_add_test(lang, test_state_label_chinese_only_when_it_fits);
#endif
	suite_add_tcase(s, lay);
	suite_add_tcase(s, tab);
	suite_add_tcase(s, lad);
	suite_add_tcase(s, oth);
	suite_add_tcase(s, key);
	suite_add_tcase(s, lang);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
