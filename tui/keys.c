/*
 * keys.c - what the keys do (see keymap.h for the table and app.h for
 * the app): the actions, the ':' and '/' prompts, the rules menu and the
 * mouse.
 *
 * Every action that changes the engine is a line of the command language
 * (or a control request) sent through send.c; a read-only screen says so
 * on the status line instead.  Each key press that sends is one step for
 * the step back (app_new_group).
 *
 * `n` steps one held segment (`step 1`).  `step` lets time pass until
 * the wire is quiet, which a paused clock never lets happen: paused, `n`
 * resumes the clock for just that step (`resume`, `step 1`, `pause`), so
 * a teacher who stopped the clock to talk can still go segment by
 * segment.  In the demo, `n` with nothing held and no connection yet
 * starts the handshake, as `c` does.  Playing a lesson, `n` and Space at
 * a pause go on with the lesson.
 */
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/client.h"
#include "i18n.h"
#include "tui/app.h"
#include "tui/conn.h"
#include "tui/keymap.h"
#include "tui/model.h"
#include "tui/play.h"
#include "tui/width.h"

#define CTRL_KEY(c) ((c) & 0x1f)

static const double speeds[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};

/* ---- helpers ---- */

/* May this screen change the engine?  Says why not. */
static bool may_change(struct app *a)
{
	if (a->disconnected || !conn_open(a->ui)) {
		app_status(a, true, "%s", _("not connected to an engine"));
		return false;
	}
	if (a->m->readonly) {
		app_status(a, true, "%s", _("read-only: this screen only watches"));
		return false;
	}
	return true;
}

static int sendf(struct app *a, app_done_fn done, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int sendf(struct app *a, app_done_fn done, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return app_send(a, line, ORIG_UI, done);
}

static const struct tm_held *sel_held(struct app *a)
{
	if (a->m->nheld == 0) {
		app_status(a, true, "%s", _("nothing is held at any gate"));
		return NULL;
	}
	if (a->vs.sel_held >= a->m->nheld)
		a->vs.sel_held = a->m->nheld - 1;
	return &a->m->held[a->vs.sel_held];
}

/* Keep the selection on the same held frame as the queue changes. */
void app_sync_selection(struct app *a)
{
	for (unsigned i = 0; a->sel_held_id != 0 && i < a->m->nheld; i++)
		if (a->m->held[i].id == a->sel_held_id) {
			a->vs.sel_held = i;
			return;
		}
	if (a->m->nheld > 0 && a->vs.sel_held >= a->m->nheld)
		a->vs.sel_held = a->m->nheld - 1;
	a->sel_held_id = a->m->nheld > 0 ? a->m->held[a->vs.sel_held].id : 0;
}

static bool conn_is_open(const struct tm_conn *c)
{
	return !c->closed && !c->listener;
}

static bool any_open_conn(const struct app *a)
{
	for (unsigned i = 0; i < a->m->nconns; i++)
		if (conn_is_open(&a->m->conns[i]))
			return true;
	return false;
}

/* Done callbacks: a short word on the status line. */
static void done_status(struct app *a, const struct tvc_msg *m, const char *ok)
{
	if (m != NULL && m->ok)
		app_status(a, false, "%s", ok);
	else if (m != NULL)
		app_status(a, true, "%s", m->error ? m->error : _("request failed"));
}

/* ---- the clock ---- */

static void done_paused(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	uint64_t wall = conn_wall_us();

	(void)r;
	if (m != NULL && m->ok)
		model_clock(a->m, model_now(a->m, wall), a->m->speed, true, wall);
	done_status(a, m, _("paused: Space resumes, n steps one segment"));
}

static void done_resumed(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	(void)r;
	done_status(a, m, _("running"));
}

static void done_quiet_pause(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	uint64_t wall = conn_wall_us();

	(void)r;
	if (m != NULL && m->ok)
		model_clock(a->m, model_now(a->m, wall), a->m->speed, true, wall);
}

static void done_none(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	(void)a;
	(void)r;
	(void)m;
}

static void act_pause(struct app *a)
{
	if (a->play != NULL && a->play->state == PLAY_PAUSED) {
		app_play_continue(a);
		return;
	}
	if (!may_change(a))
		return;
	if (a->m->paused)
		app_send(a, "resume", ORIG_UI, done_resumed);
	else
		app_send(a, "pause", ORIG_UI, done_paused);
}

static void done_step(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	(void)r;
	done_status(a, m, _("delivered the oldest held segment"));
}

static void act_connect(struct app *a);

static bool gates_hold(const struct app *a)
{
	for (unsigned i = 0; i < a->m->nhosts; i++)
		if (a->m->hosts[i].stack && (a->m->hosts[i].hold_in || a->m->hosts[i].hold_out))
			return true;
	return a->holding;
}

/* `step 1`, with the clock running just for it when it is paused. */
static void send_step(struct app *a)
{
	if (!a->m->paused) {
		app_send(a, "step 1", ORIG_UI, done_step);
		return;
	}
	app_send(a, "resume", ORIG_UI, done_none);
	app_send(a, "step 1", ORIG_UI, done_step);
	app_send(a, "pause", ORIG_UI, done_quiet_pause);
}

/* After letting the wire settle: step what got held, if anything. */
static void done_settle(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	(void)r;
	if (m != NULL && a->m->nheld > 0)
		send_step(a);
	else if (m != NULL)
		app_status(a, true, "%s", _("nothing is held at any gate (c connects, h holds)"));
}

static void done_settle_paused(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	done_quiet_pause(a, r, m);
	done_settle(a, r, m);
}

static void act_step(struct app *a)
{
	if (a->play != NULL && a->play->state == PLAY_PAUSED) {
		app_play_continue(a);
		return;
	}
	if (!may_change(a))
		return;
	if (a->m->nheld == 0 && a->o.mode == APP_DEMO && !any_open_conn(a)) {
		act_connect(a);
		return;
	}
	if (a->m->nheld == 0 && !gates_hold(a)) {
		app_status(a, true, "%s", _("the gates let segments through: nothing to step "
					    "(h holds them)"));
		return;
	}
	app_new_group(a);
	if (a->m->nheld > 0) {
		send_step(a);
		return;
	}
	/* Nothing held yet (a SYN waits for ARP): let the wire settle
	 * first, never for long: a bare `step` would wait for ever when
	 * nothing is coming. */
	if (!a->m->paused) {
		app_send(a, "run until quiet within 2s", ORIG_UI, done_settle);
		return;
	}
	app_send(a, "resume", ORIG_UI, done_none);
	app_send(a, "run until quiet within 2s", ORIG_UI, done_none);
	app_send(a, "pause", ORIG_UI, done_settle_paused);
}

static void done_skip(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	char t[32];

	(void)r;
	if (m == NULL || !m->ok) {
		done_status(a, m, "");
		return;
	}
	snprintf(t, sizeof(t), "%.3f",
		 (double)json_integer_value(json_object_get(m->obj, "skipped")) / 1e6);
	app_status(a, false, _("skipped %s s to the next timer"), t);
}

static void act_skip(struct app *a)
{
	if (!may_change(a))
		return;
	app_new_group(a);
	app_send(a, "skip", ORIG_UI, done_skip);
}

static void done_speed(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	char t[32];

	(void)r;
	if (m == NULL || !m->ok) {
		done_status(a, m, "");
		return;
	}
	snprintf(t, sizeof(t), "%g", json_number_value(json_object_get(m->obj, "speed")));
	app_status(a, false, _("speed %s x"), t);
}

static void act_speed(struct app *a, bool faster)
{
	double now = a->m->speed > 0 ? a->m->speed : 1, next = now;
	size_t n = TV_ARRAY_LEN(speeds);

	if (!may_change(a))
		return;
	for (size_t i = 0; i < n; i++) {
		size_t k = faster ? i : n - 1 - i;
		if ((faster && speeds[k] > now * 1.001) || (!faster && speeds[k] < now * 0.999)) {
			next = speeds[k];
			break;
		}
	}
	sendf(a, done_speed, "speed %g", next);
}

/* ---- held frames ---- */

static void done_held(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	if (m != NULL && m->ok)
		app_status(a, false, _("done: %s"), r->line);
	else
		done_status(a, m, "");
}

static void act_held(struct app *a, const char *verb, const char *extra)
{
	const struct tm_held *h;

	if (!may_change(a) || (h = sel_held(a)) == NULL)
		return;
	app_new_group(a);
	sendf(a, done_held, "%s %" PRIu64 "%s", verb, h->id, extra);
}

static void act_hold(struct app *a)
{
	bool holding = false;

	if (!may_change(a))
		return;
	for (unsigned i = 0; i < a->m->nhosts; i++)
		holding |= a->m->hosts[i].stack && (a->m->hosts[i].hold_in || a->m->hosts[i].hold_out);
	/* `hold all` holds with a rule, which a snapshot may not show as the
	 * gate's mode: what we last asked for counts too. */
	holding |= a->holding;
	a->holding = !holding;
	app_new_group(a);
	app_send(a, holding ? "pass all" : "hold all", ORIG_UI, done_held);
}

/* ---- connections ---- */

static void done_connect(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	if (m != NULL && m->ok)
		app_status(a, false, _("%s: %s is in SYN-SENT; n steps the segments one by one"),
			   r->line, r->conn_host);
	else
		done_status(a, m, "");
}

/* The kernel across TAP (a host without a stack), for `c`. */
static const struct tm_host *other_endpoint(const struct app *a)
{
	for (unsigned i = 0; i < a->m->nhosts; i++)
		if (!a->m->hosts[i].stack && a->m->hosts[i].addr != 0)
			return &a->m->hosts[i];
	return NULL;
}

static bool name_taken(const struct app *a, const char *name)
{
	for (unsigned i = 0; i < a->nnames; i++)
		if (strcmp(a->names[i].name, name) == 0)
			return true;
	return app_host_id(a, name) != 0;
}

static void open_prompt(struct app *a, const char *text)
{
	a->input = IN_PROMPT;
	prompt_clear(&a->cmd);
	prompt_set(&a->cmd, text);
	app_touch(a);
}

static void act_connect(struct app *a)
{
	const char *h0 = app_stack_host(a, 0), *h1 = app_stack_host(a, 1);
	const struct tm_host *k = other_endpoint(a);
	char name[16], line[128], ip[16];

	if (!may_change(a))
		return;
	if (h0 == NULL || (h1 == NULL && k == NULL)) {
		open_prompt(a, "connect ");
		return;
	}
	if (h1 == NULL) { /* TAP: the kernel's port is the user's to say */
		snprintf(line, sizeof(line), "connect %s to %s:", h0, tv_ip_str(k->addr, ip));
		open_prompt(a, line);
		return;
	}
	do
		snprintf(name, sizeof(name), "c%u", ++a->next_conn);
	while (name_taken(a, name));
	app_new_group(a);
	sendf(a, done_connect, "connect %s to %s:7 as %s", h0, h1, name);
}

static void act_close(struct app *a)
{
	const struct tm_conn *c = model_conn(a->m, a->vs.sel_conn);
	const char *name;

	if (!may_change(a))
		return;
	if (c == NULL) {
		app_status(a, true, "%s", _("select a connection first (Tab to the table, then up/down)"));
		return;
	}
	if ((name = app_conn_name(a, c->host, c->id)) == NULL) {
		app_status(a, true, "%s",
			   _("this end was not opened here (a service's, or a lesson's): close the "
			     "other end, or use ':close NAME'"));
		return;
	}
	app_new_group(a);
	sendf(a, done_held, "close %s", name);
}

/* ---- the view ---- */

static void act_focus(struct app *a, int d)
{
	a->vs.focus = (enum view_pane)(((int)a->vs.focus + d + VP_COUNT) % VP_COUNT);
	a->dirty = true;
}

/* Move the selection in the connection table by d rows. */
static void move_conn(struct app *a, long d)
{
	long i = -1, n = (long)a->m->nconns;

	for (long k = 0; k < n; k++)
		if (a->m->conns[k].key == a->vs.sel_conn)
			i = k;
	if (n == 0)
		return;
	i = i < 0 ? (d > 0 ? 0 : n - 1) : i + d;
	i = i < 0 ? 0 : i >= n ? n - 1 : i;
	a->vs.sel_conn = a->m->conns[i].key;
	a->vs.ladder_follow = true;
}

static void move_held(struct app *a, long d)
{
	long i = (long)a->vs.sel_held + d, n = (long)a->m->nheld;

	if (n == 0)
		return;
	i = i < 0 ? 0 : i >= n ? n - 1 : i;
	a->vs.sel_held = (unsigned)i;
	a->sel_held_id = a->m->held[i].id;
}

static int page_rows(struct app *a)
{
	struct layout lo;
	int h;

	view_layout(a->cv.w, a->cv.h, &a->vs, &lo);
	h = a->vs.focus == VP_LADDER ? lo.ladder.h : a->vs.focus == VP_LOG ? lo.log.h
		: a->vs.focus == VP_QUEUE ? lo.queue.h : lo.conns.h;
	return h > 3 ? h - 2 : 1;
}

static void act_move(struct app *a, long d)
{
	switch (a->vs.focus) {
	case VP_CONNS:
		move_conn(a, d);
		break;
	case VP_QUEUE:
		move_held(a, d);
		break;
	case VP_LADDER:
		a->vs.ladder_follow = false;
		a->vs.ladder_top = a->vs.ladder_top + d < 0 ? 0 : a->vs.ladder_top + d;
		break;
	default:
		a->vs.log_follow = false;
		a->vs.log_top = a->vs.log_top + d < 0 ? 0 : a->vs.log_top + d;
		break;
	}
	a->dirty = true;
}

static void act_top(struct app *a)
{
	if (a->vs.focus == VP_LADDER) {
		a->vs.ladder_follow = false;
		a->vs.ladder_top = 0;
	} else if (a->vs.focus == VP_LOG) {
		a->vs.log_follow = false;
		a->vs.log_top = 0;
	} else {
		act_move(a, -(long)(a->m->nconns + a->m->nheld));
	}
	a->dirty = true;
}

static void act_live(struct app *a)
{
	a->vs.ladder_follow = a->vs.log_follow = true;
	app_status(a, false, "%s", _("live: following the newest events"));
}

static void act_theme(struct app *a)
{
	enum screen_theme t = screen_get_theme(a->scr);

	if (!screen_has_colors(a->scr)) {
		app_status(a, true, "%s", _("this terminal has no colours: monochrome it is"));
		return;
	}
	t = (enum screen_theme)((t + 1) % THEME_COUNT);
	screen_set_theme(a->scr, t);
	app_status(a, false, t == THEME_COLOR ? _("theme: colour")
			     : t == THEME_CONTRAST ? _("theme: high contrast (for projectors)")
			     : _("theme: monochrome"));
}

static void act_language(struct app *a)
{
	if (app_language(a, !a->zh))
		/* Said in the new language. */
		app_status(a, false, "%s", a->zh ? _("Switched to Chinese") : _("Switched to English"));
}

static void act_card(struct app *a)
{
	int n = view_card_count();

	a->vs.card = a->vs.card + 1 >= n ? -1 : a->vs.card + 1;
	if (a->vs.card < 0)
		app_status(a, false, "%s", _("why cards: following the events again"));
	else
		app_status(a, false, _("why card %d of %d: %s"), a->vs.card + 1, n,
			   view_card_title(a->vs.card));
}

static void act_back(struct app *a)
{
	if (!may_change(a))
		return;
	if (app_step_back(a) == 0)
		app_status(a, false, "%s", _("stepping back..."));
}

/* ---- the rules menu ---- */

static void menu_add(struct app *a, const char *label, const char *line)
{
	if (a->nmenu >= APP_MENU_MAX)
		return;
	a->menu[a->nmenu].host[0] = '\0';
	snprintf(a->menu[a->nmenu].label, sizeof(a->menu[0].label), "%s", label);
	snprintf(a->menu[a->nmenu].line, sizeof(a->menu[0].line), "%s", line);
	a->nmenu++;
}

/* Rules for the segments one host sends (a stack host: "from H", at its
 * gate going out). */
static void menu_host(struct app *a, const char *h)
{
	static const struct {
		const char *label, *rule;
	} rules[] = {
		{N_("drop the next SYN from %s"), "rule from %s flags S/S drop next"},
		{N_("drop the next FIN from %s"), "rule from %s flags F/F drop next"},
		{N_("drop the next bare ACK from %s"), "rule from %s flags . drop next"},
		{N_("duplicate the next segment from %s"), "rule from %s tcp dup next"},
		{N_("delay the next segment from %s by 500 ms"), "rule from %s tcp delay 500ms next"},
	};
	char label[96], line[96];

	for (size_t i = 0; i < TV_ARRAY_LEN(rules); i++) {
		snprintf(label, sizeof(label), _(rules[i].label), h);
		snprintf(line, sizeof(line), rules[i].rule, h);
		menu_add(a, label, line);
		snprintf(a->menu[a->nmenu - 1].host, sizeof(a->menu[0].host), "%s", h);
	}
}

static void act_rules(struct app *a)
{
	const char *h;

	if (!may_change(a))
		return;
	a->nmenu = 0;
	for (unsigned i = 0; (h = app_stack_host(a, i)) != NULL && i < 2; i++)
		menu_host(a, h);
	/* xgettext:no-c-format */
	menu_add(a, _("lose 10% of the frames on the wire"), "wire loss 10%");
	menu_add(a, _("a perfect wire again (no loss, no delay)"), "wire none");
	menu_add(a, _("remove every rule"), "rule clear");
	a->menu_sel = 0;
	a->input = IN_MENU;
	app_touch(a);
}

/* Frames held at host h's gate going out. */
static unsigned held_out_at(const struct app *a, const char *h)
{
	uint32_t id = app_host_id(a, h);
	unsigned n = 0;

	for (unsigned i = 0; i < a->m->nheld; i++)
		n += a->m->held[i].host == id && a->m->held[i].dir == TV_DIR_OUT;
	return n;
}

/* A gate tries its rules in order and `hold` is one of them: while the
 * gates hold, a rule set after it would never see a segment (the hold
 * takes each one first).  So the hold at that gate is set again behind
 * the new rule (`pass H out`, `hold H out`) -- when nothing waits there,
 * since `pass` releases what does. */
static void menu_pick(struct app *a, int i)
{
	const char *h;

	a->input = IN_NORMAL;
	if (i < 0 || i >= a->nmenu)
		return;
	h = a->menu[i].host;
	app_new_group(a);
	app_send(a, a->menu[i].line, ORIG_UI, done_held);
	if (h[0] == '\0' || !gates_hold(a))
		return;
	if (held_out_at(a, h) > 0) {
		app_status(a, true, _("%s's gate holds segments, and holding comes first: the rule "
				      "acts once they are gone (n, d)"), h);
		return;
	}
	sendf(a, done_none, "pass %s out", h);
	sendf(a, done_none, "hold %s out", h);
}

static void menu_key(struct app *a, int key)
{
	if (key == TK_UP || key == 'i' || key == 'k')
		a->menu_sel = a->menu_sel > 0 ? a->menu_sel - 1 : a->nmenu - 1;
	else if (key == TK_DOWN || key == 'j')
		a->menu_sel = a->menu_sel + 1 < a->nmenu ? a->menu_sel + 1 : 0;
	else if (key == TK_ENTER)
		menu_pick(a, a->menu_sel);
	else if (key >= '1' && key <= '9')
		menu_pick(a, key - '1');
	else if (key >= 'a' && key < 'a' + APP_MENU_MAX - 9 && key != 'i' && key != 'j')
		menu_pick(a, key - 'a' + 9);
	else if (key == TK_ESC || key == 'q' || key == 'R')
		a->input = IN_NORMAL;
	app_touch(a);
}

static char menu_key_name(int i)
{
	return i < 9 ? (char)('1' + i) : (char)('a' + i - 9);
}

void app_draw_menu(struct app *a)
{
	struct canvas *c = &a->cv;
	const char *title = _("Rules: Enter or a number sets one, Esc closes");
	int w = tw_width(title) + 6, h = a->nmenu + 4, y0, x0;
	char line[160];

	for (int i = 0; i < a->nmenu; i++) {
		int lw = tw_width(a->menu[i].label) + 6;
		w = lw > w ? lw : w;
	}
	w = w < 50 ? 50 : w > c->w - 2 ? c->w - 2 : w;
	y0 = (c->h - h) / 2 > 0 ? (c->h - h) / 2 : 0;
	x0 = (c->w - w) / 2 > 0 ? (c->w - w) / 2 : 0;
	canvas_fill(c, &(struct rect){y0, x0, h, w}, ' ', TS_NORMAL);
	canvas_box(c, &(struct rect){y0, x0, h, w}, title, TS_FOCUS);
	for (int i = 0; i < a->nmenu; i++) {
		bool sel = i == a->menu_sel;
		snprintf(line, sizeof(line), " %c  %s", menu_key_name(i), a->menu[i].label);
		if (sel)
			canvas_fill(c, &(struct rect){y0 + 1 + i, x0 + 1, 1, w - 2}, ' ', TS_SELECTED);
		canvas_put(c, y0 + 1 + i, x0 + 1, w - 2, line, sel ? TS_SELECTED : TS_NORMAL);
	}
	snprintf(line, sizeof(line), ":%s", a->menu_sel < a->nmenu ? a->menu[a->menu_sel].line : "");
	canvas_put(c, y0 + h - 2, x0 + 2, w - 4, line, TS_DIM);
}

/* ---- the prompts ---- */

static void filter_apply(struct app *a, const char *text)
{
	struct view_filter *f = &a->vs.filter;
	char buf[PROMPT_MAX], *save = NULL, *w;
	size_t tl = 0;

	memset(f, 0, sizeof(*f));
	snprintf(buf, sizeof(buf), "%s", text);
	for (w = strtok_r(buf, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		int t;
		for (t = 0; t < TV_EV_TYPE_COUNT; t++)
			if (strcmp(w, tv_event_type_name((enum tv_event_type)t)) == 0)
				break;
		if (t < TV_EV_TYPE_COUNT)
			f->types |= 1u << t;
		else if (app_host_id(a, w) != 0)
			f->host = app_host_id(a, w);
		else if (strcmp(w, "this") == 0 && model_conn(a->m, a->vs.sel_conn) != NULL)
			f->flow = model_conn(a->m, a->vs.sel_conn)->flow;
		else if (strcmp(w, "all") != 0 && tl + strlen(w) + 2 < sizeof(f->text))
			tl += (size_t)snprintf(f->text + tl, sizeof(f->text) - tl, "%s%s",
					       tl ? " " : "", w);
	}
	a->vs.log_follow = true;
	if (text[0] == '\0' || strcmp(text, "all") == 0)
		app_status(a, false, "%s", _("log filter cleared"));
	else
		app_status(a, false, _("log filter: %s"), text);
}

static void prompt_submit(struct app *a, bool cmd)
{
	struct prompt *p = cmd ? &a->cmd : &a->filt;
	char line[PROMPT_MAX];

	snprintf(line, sizeof(line), "%s", prompt_text(p));
	a->input = IN_NORMAL;
	prompt_history_add(p, line);
	prompt_clear(p);
	if (!cmd) {
		filter_apply(a, line);
		return;
	}
	if (line[strspn(line, " ")] == '\0')
		return;
	if (strcmp(line, "q") == 0 || strcmp(line, "quit") == 0 || strcmp(line, "exit") == 0) {
		app_quit(a);
		return;
	}
	if (strcmp(line, "help") == 0) {
		a->vs.help = true;
		return;
	}
	app_new_group(a);
	app_send(a, line, ORIG_UI, NULL);
}

/* Tab: command words first, then names and the language's words. */
static void prompt_tab(struct app *a)
{
	const char *words[TM_HOSTS_MAX + 64 + 128];
	const char *const *kw;
	size_t n = 0, k;
	char list[400];

	if (prompt_word_index(&a->cmd) == 0) {
		kw = prompt_command_words(&k);
		prompt_complete(&a->cmd, kw, k, list, sizeof(list));
	} else {
		for (unsigned i = 0; i < a->m->nhosts; i++)
			words[n++] = a->m->hosts[i].name;
		for (unsigned i = 0; i < a->nnames; i++)
			words[n++] = a->names[i].name;
		kw = prompt_keywords(&k);
		for (size_t i = 0; i < k && n < TV_ARRAY_LEN(words); i++)
			words[n++] = kw[i];
		if (prompt_complete(&a->cmd, words, n, list, sizeof(list)) <= 1)
			list[0] = '\0';
	}
	if (strchr(list, ' ') != NULL)
		app_status(a, false, "%s", list);
}

static bool prompt_edit(struct prompt *p, int key)
{
	switch (key) {
	case TK_BACKSPACE: prompt_backspace(p); return true;
	case TK_DELETE: prompt_delete(p); return true;
	case TK_LEFT: prompt_left(p); return true;
	case TK_RIGHT: prompt_right(p); return true;
	case TK_HOME: case CTRL_KEY('a'): prompt_home(p); return true;
	case TK_END: case CTRL_KEY('e'): prompt_end(p); return true;
	case CTRL_KEY('w'): prompt_kill_word(p); return true;
	case CTRL_KEY('u'): prompt_clear(p); return true;
	case TK_UP: prompt_history_prev(p); return true;
	case TK_DOWN: prompt_history_next(p); return true;
	default: return key >= ' ' && key < TK_BASE && prompt_insert(p, (uint32_t)key);
	}
}

static void prompt_key(struct app *a, int key, bool cmd)
{
	struct prompt *p = cmd ? &a->cmd : &a->filt;

	if (key == TK_ENTER)
		prompt_submit(a, cmd);
	else if (key == TK_ESC || (key == TK_BACKSPACE && p->len == 0))
		a->input = IN_NORMAL;
	else if (key == TK_TAB && cmd)
		prompt_tab(a);
	else
		prompt_edit(p, key);
	app_touch(a);
}

/* ---- the mouse ---- */

static void mouse_click(struct app *a)
{
	struct layout lo;
	int y, x;

	screen_mouse_pos(a->scr, &y, &x);
	view_layout(a->cv.w, a->cv.h, &a->vs, &lo);
	if (y > lo.queue.y && y < lo.queue.y + lo.queue.h && x >= lo.queue.x &&
	    x < lo.queue.x + lo.queue.w) {
		int rows = lo.queue.h - 1, sel = (int)a->vs.sel_held;
		int top = sel - rows + 1 > 0 ? sel - rows + 1 : 0, i = top + y - lo.queue.y - 1;
		a->vs.focus = VP_QUEUE;
		if (i >= 0 && i < (int)a->m->nheld) {
			a->vs.sel_held = (unsigned)i;
			a->sel_held_id = a->m->held[i].id;
		}
	} else if (y >= lo.conns.y + 2 && y < lo.conns.y + lo.conns.h) {
		int i = a->vs.conn_top + y - lo.conns.y - 2;
		a->vs.focus = VP_CONNS;
		if (i >= 0 && i < (int)a->m->nconns)
			a->vs.sel_conn = a->m->conns[i].key;
	}
	a->dirty = true;
	app_touch(a);
}

/* ---- dispatch ---- */

static void act_view(struct app *a, enum ui_action act)
{
	switch (act) {
	case UA_HELP: a->vs.help = true; a->vs.help_top = 0; break;
	case UA_PROMPT: a->input = IN_PROMPT; prompt_clear(&a->cmd); break;
	case UA_FILTER: a->input = IN_FILTER; prompt_clear(&a->filt); break;
	case UA_NEXT_PANE: act_focus(a, 1); break;
	case UA_PREV_PANE: act_focus(a, -1); break;
	case UA_RELATIVE:
		a->vs.relative = !a->vs.relative;
		app_status(a, false, "%s", a->vs.relative ? _("relative sequence numbers")
							  : _("absolute sequence numbers"));
		break;
	case UA_EXPLAIN: a->vs.explain = !a->vs.explain; break;
	case UA_UP: act_move(a, -1); break;
	case UA_DOWN: act_move(a, 1); break;
	case UA_PGUP: act_move(a, -page_rows(a)); break;
	case UA_PGDN: act_move(a, page_rows(a)); break;
	case UA_TOP: act_top(a); break;
	case UA_BOTTOM: case UA_LIVE: act_live(a); break;
	case UA_THEME: act_theme(a); break;
	case UA_LANGUAGE: act_language(a); break;
	case UA_CARD: act_card(a); break;
	case UA_EXPORT: app_export(a); break;
	case UA_REDRAW: screen_invalidate(a->scr); break;
	case UA_QUIT: app_quit(a); break;
	default: break;
	}
}

static void act_engine(struct app *a, enum ui_action act)
{
	switch (act) {
	case UA_PAUSE: act_pause(a); break;
	case UA_STEP: act_step(a); break;
	case UA_NEXT_TIMER: act_skip(a); break;
	case UA_FASTER: act_speed(a, true); break;
	case UA_SLOWER: act_speed(a, false); break;
	case UA_BACK: act_back(a); break;
	case UA_DELIVER: act_held(a, "release", ""); break;
	case UA_DROP: act_held(a, "drop", ""); break;
	case UA_DUP: act_held(a, "dup", ""); break;
	case UA_DELAY: act_held(a, "delay", " 100ms"); break;
	case UA_HOLD: act_hold(a); break;
	case UA_RULES: act_rules(a); break;
	case UA_CONNECT: act_connect(a); break;
	case UA_CLOSE: act_close(a); break;
	default: act_view(a, act); break;
	}
}

static void help_key(struct app *a, int key)
{
	enum ui_action act = keymap_lookup(key);

	if (act == UA_UP || act == UA_DOWN || act == UA_PGUP || act == UA_PGDN) {
		int d = act == UA_UP ? -1 : act == UA_DOWN ? 1 : act == UA_PGUP ? -10 : 10;
		a->vs.help_top = a->vs.help_top + d < 0 ? 0 : a->vs.help_top + d;
	} else {
		a->vs.help = false;
	}
	a->dirty = true;
}

void app_key(struct app *a, int key)
{
	if (key == TK_RESIZE) {
		screen_resized(a->scr);
	} else if (key == CTRL_KEY('c')) {
		app_quit(a);
	} else if (a->input == IN_PROMPT || a->input == IN_FILTER) {
		prompt_key(a, key, a->input == IN_PROMPT);
	} else if (a->input == IN_MENU) {
		menu_key(a, key);
	} else if (a->disconnected && a->eng == NULL) {
		if (key == 'q' || key == TK_F(10))
			app_quit(a);
		else if (key == TK_ENTER)
			app_reconnect(a);
	} else if (a->vs.help) {
		help_key(a, key);
	} else if (key == TK_MOUSE) {
		mouse_click(a);
	} else {
		act_engine(a, keymap_lookup(key));
	}
	a->dirty = true;
	app_touch(a);
}
