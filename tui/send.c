/*
 * send.c - the TUI's requests to the engine (see app.h): two queues, the
 * keys' and the lesson player's, each sent on its own connection in
 * order; their replies on the status line.
 *
 * One waiting command at a time.  A command that lets time pass (step,
 * run, run until, next timer, packet lines) holds the wait token from
 * the moment it is sent until its reply; a waiting command of the other
 * queue waits in its queue meanwhile (the runtime would run them one
 * after the other anyway).  That makes the engine's note of when a wait
 * started (engine_wait_arm/engine_wait_started) belong to exactly that
 * command, so the step back can replay it at the same virtual time.
 *
 * The step back.  Every command that changed the world is recorded with
 * the virtual time it ran at -- for a command that does not wait the
 * time in its reply (it runs at one instant), for one that waits the time
 * its wait began -- and with the step (group) it belongs to: one key
 * press, one prompt line, or the stretch of a lesson between two pauses.
 * Going back one step forgets the last step's commands (and everything
 * recorded after its start), rebuilds the engine from scratch and
 * replays the rest instantly (engine_replay), then brings the clock to
 * the moment the forgotten step began.  Attached to a daemon, over TAP
 * (the kernel cannot be replayed) or with other clients on --socket, the
 * step back is not offered.
 *
 * The player.  A lesson's lines go one at a time on the player's own
 * connection, so a long `run until` never holds up the screen's
 * snapshots; at `pause` the play stops (the engine pauses the clock) until
 * n or Space goes on (`resume`).  A line that fails stops the lesson,
 * with the error on the status line.
 */
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/client.h"
#include "host/rt.h"
#include "i18n.h"
#include "script/script.h"
#include "tui/app.h"
#include "tui/conn.h"
#include "tui/model.h"
#include "tui/play.h"

static const char *const control_words[] = {
	"hello", "snapshot", "subscribe", "unsubscribe", "stats", "ping",
	"speed", "resume", "skip", "help", "quit",
};

static bool first_word_is(const char *line, const char *w)
{
	size_t n = strlen(w);

	line += strspn(line, " \t");
	return strncmp(line, w, n) == 0 && (line[n] == '\0' || line[n] == ' ' || line[n] == '\t');
}

static bool is_control(const char *line)
{
	for (size_t i = 0; i < TV_ARRAY_LEN(control_words); i++)
		if (first_word_is(line, control_words[i]))
			return true;
	return false;
}

/* ---- the record (step back) ---- */

static bool steps_enabled(const struct app *a)
{
	return a->eng != NULL && a->o.socket == NULL && a->o.mode != APP_TAP;
}

static void step_add(struct app *a, const char *line, tv_time start, tv_time end,
		     unsigned group)
{
	struct app_step *s;

	if (a->nsteps == a->steps_cap) {
		size_t cap = a->steps_cap ? a->steps_cap * 2 : 64;
		if ((s = realloc(a->steps, cap * sizeof(*s))) == NULL)
			return;
		a->steps = s;
		a->steps_cap = cap;
	}
	s = &a->steps[a->nsteps];
	s->rec.line = line ? strdup(line) : NULL;
	if (line != NULL && s->rec.line == NULL)
		return;
	s->rec.start = start;
	s->rec.end = end;
	s->group = group;
	a->nsteps++;
}

void app_new_group(struct app *a)
{
	struct app_group *g;

	a->group++;
	if (a->ngroups == a->groups_cap) {
		size_t cap = a->groups_cap ? a->groups_cap * 2 : 64;
		if ((g = realloc(a->groups, cap * sizeof(*g))) == NULL)
			return;
		a->groups = g;
		a->groups_cap = cap;
	}
	a->groups[a->ngroups++] = (struct app_group){a->group, a->play ? a->play->next : 0};
}

static const struct app_group *group_find(const struct app *a, unsigned id)
{
	for (size_t i = 0; i < a->ngroups; i++)
		if (a->groups[i].id == id)
			return &a->groups[i];
	return NULL;
}

void app_steps_free(struct app *a)
{
	for (size_t i = 0; i < a->nsteps; i++)
		free(a->steps[i].rec.line);
	free(a->steps);
	free(a->groups);
	a->steps = NULL;
	a->groups = NULL;
	a->nsteps = a->steps_cap = a->ngroups = a->groups_cap = 0;
}

/* ---- connection names ---- */

const char *app_conn_name(const struct app *a, uint32_t host, uint32_t id)
{
	for (unsigned i = 0; i < a->nnames; i++)
		if (a->names[i].host == host && a->names[i].id == id)
			return a->names[i].name;
	return NULL;
}

/* After `connect H ... as NAME` worked: its connection is the newest on
 * H (the SYN's state event came before the reply). */
static void name_learn(struct app *a, const struct app_req *r)
{
	uint32_t host = app_host_id(a, r->conn_host), best = 0;

	if (host == 0 || r->conn_name[0] == '\0' || a->nnames == TV_ARRAY_LEN(a->names))
		return;
	for (unsigned i = 0; i < a->m->nconns; i++) {
		const struct tm_conn *c = &a->m->conns[i];
		if (c->host == host && !c->listener && c->id > best &&
		    app_conn_name(a, host, c->id) == NULL)
			best = c->id;
	}
	if (best == 0)
		return;
	snprintf(a->names[a->nnames].name, sizeof(a->names[0].name), "%s", r->conn_name);
	a->names[a->nnames].host = host;
	a->names[a->nnames].id = best;
	a->names[a->nnames].group = r->group;
	a->nnames++;
}

/* ---- replies ---- */

static json_int_t reply_int(const struct tvc_msg *m, const char *key)
{
	return json_integer_value(json_object_get(m->obj, key));
}

/* Replies that say how the clock runs show at once, before the next
 * snapshot. */
static void reply_clock(struct app *a, const struct tvc_msg *m)
{
	const json_t *sp = json_object_get(m->obj, "speed"), *pa = json_object_get(m->obj, "paused");
	uint64_t wall = conn_wall_us();

	if (json_is_number(sp) && json_is_boolean(pa))
		model_clock(a->m, model_now(a->m, wall), json_number_value(sp), json_is_true(pa),
			    wall);
}

/* `pause` (a command of the language) stopped the clock: its reply does
 * not say so, the next snapshot would. */
static void reply_paused(struct app *a)
{
	uint64_t wall = conn_wall_us();

	model_clock(a->m, model_now(a->m, wall), a->m->speed, true, wall);
}

static void reply_failed(struct app *a, const struct app_req *r, const struct tvc_msg *m)
{
	const char *exp = json_string_value(json_object_get(m->obj, "expected"));
	const char *act = json_string_value(json_object_get(m->obj, "actual"));
	const char *err = m->error ? m->error : _("request failed");

	if (m->status != NULL && strcmp(m->status, "refused") == 0 && a->m->readonly)
		app_status(a, true, _("read-only: %s"), err);
	else if (exp != NULL && exp[0] != '\0')
		app_status(a, true, _("%s -- expected: %s; actual: %s"), err, exp, act ? act : "");
	else
		app_status(a, true, "%s", err);
}

static void reply_record(struct app *a, const struct app_req *r, const struct tvc_msg *m,
			 bool started, tv_time start)
{
	tv_time t = (tv_time)reply_int(m, "time");

	if (!steps_enabled(a))
		return;
	if (r->record)
		step_add(a, r->line, started ? start : t, t, r->group);
	else if (first_word_is(r->line, "skip"))
		step_add(a, NULL, t - (tv_time)reply_int(m, "skipped"), t, r->group);
}

static void reply_handle(struct app *a, struct app_req *r, const struct tvc_msg *m,
			 bool started, tv_time start)
{
	if (!m->ok) {
		reply_failed(a, r, m);
		return;
	}
	reply_record(a, r, m, started, start);
	reply_clock(a, m);
	if (r->pause)
		reply_paused(a);
	if (r->conn_name[0] != '\0')
		name_learn(a, r);
	if (!r->quiet && r->origin == ORIG_UI)
		app_status(a, false, _("done: %s"), r->line);
}

static void req_unlink(struct app *a, struct app_req *r)
{
	for (struct app_req **p = &a->inflight; *p != NULL; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			a->ninflight--;
			return;
		}
}

static void req_free(struct app_req *r)
{
	free(r->line);
	free(r);
}

static void on_reply(void *ctx, const struct tvc_msg *m)
{
	struct app_req *r = ctx;
	struct app *a = r->app;
	tv_time start = 0;
	bool started = false;

	req_unlink(a, r);
	if (r->waits) {
		a->wait_busy = false;
		started = a->eng != NULL && engine_wait_started(a->eng, &start);
	}
	if (m != NULL)
		reply_handle(a, r, m, started, start);
	if (r->done != NULL)
		r->done(a, r, m);
	req_free(r);
	app_pump(a);
	if (m != NULL && a->ui != NULL)
		conn_want_snapshot(a->ui);
	app_touch(a);
}

/* ---- sending ---- */

static void req_classify(struct app_req *r)
{
	struct script_cmd cmd;
	struct script_error err;

	if ((r->control = is_control(r->line)))
		return;
	if (script_parse_line("request", 1, r->line, strlen(r->line), &cmd, &err) != 0)
		return; /* the engine will say what is wrong */
	r->waits = rt_cmd_waits(&cmd);
	r->pause = cmd.kind == SCRIPT_PAUSE;
	r->record = cmd.kind != SCRIPT_NONE && cmd.kind != SCRIPT_EXPECT &&
		    cmd.kind != SCRIPT_PAUSE;
	if (cmd.kind == SCRIPT_CONNECT) {
		snprintf(r->conn_name, sizeof(r->conn_name), "%s", cmd.a.name);
		snprintf(r->conn_host, sizeof(r->conn_host), "%s", cmd.b.name);
	}
	script_cmd_free(&cmd);
}

static struct app_req *req_new(struct app *a, const char *line, enum app_origin origin,
			       app_done_fn done)
{
	struct app_req *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->line = strdup(line)) == NULL) {
		free(r);
		return NULL;
	}
	r->app = a;
	r->origin = origin;
	r->done = done;
	r->group = origin == ORIG_PLAY ? a->play_group : a->group;
	r->play_line = a->play ? a->play->next : 0;
	req_classify(r);
	return r;
}

static void queue_push(struct app *a, struct app_req *r)
{
	struct app_req **p = &a->queue[r->origin];

	while (*p != NULL)
		p = &(*p)->next;
	*p = r;
}

int app_send(struct app *a, const char *line, enum app_origin origin, app_done_fn done)
{
	struct app_req *r = req_new(a, line, origin, done);

	if (r == NULL) {
		app_status(a, true, "%s", _("out of memory"));
		return -1;
	}
	r->quiet = done != NULL;
	queue_push(a, r);
	app_pump(a);
	return 0;
}

static struct conn *origin_conn(struct app *a, enum app_origin o)
{
	return o == ORIG_UI ? a->ui : a->pc;
}

static bool pump_one(struct app *a, enum app_origin o)
{
	struct app_req *r = a->queue[o];
	struct conn *c = origin_conn(a, o);

	if (r == NULL || !conn_open(c) || (r->waits && a->wait_busy))
		return false;
	a->queue[o] = r->next;
	r->next = a->inflight;
	a->inflight = r;
	a->ninflight++;
	if (r->waits) {
		a->wait_busy = true;
		if (a->eng != NULL)
			engine_wait_arm(a->eng);
	}
	if (conn_send(c, r->line, on_reply, r) == 0) {
		req_unlink(a, r);
		if (r->waits)
			a->wait_busy = false;
		app_status(a, true, _("cannot send '%s' to the engine"), r->line);
		req_free(r);
	}
	return true;
}

void app_pump(struct app *a)
{
	bool more = true;

	while (more) {
		more = false;
		for (int o = 0; o < ORIG_COUNT; o++)
			more |= pump_one(a, (enum app_origin)o);
	}
}

/* Forget the requests not sent yet (the connection went). */
void app_requests_drop_queued(struct app *a)
{
	for (int o = 0; o < ORIG_COUNT; o++)
		while (a->queue[o] != NULL) {
			struct app_req *r = a->queue[o];
			a->queue[o] = r->next;
			req_free(r);
		}
}

/* Forget every request: only once the connections are freed (they no
 * longer call back with them). */
void app_requests_drop(struct app *a)
{
	app_requests_drop_queued(a);
	while (a->inflight != NULL) {
		struct app_req *r = a->inflight;
		a->inflight = r->next;
		req_free(r);
	}
	a->ninflight = 0;
	a->wait_busy = false;
	a->play_busy = false;
}

/* ---- the step back ---- */

static bool step_back_allowed(struct app *a)
{
	const char *why = NULL;

	if (a->eng == NULL)
		why = _("step back: only with the TUI's own engine, not attached to a daemon");
	else if (a->o.mode == APP_TAP)
		why = _("step back: not over TAP (the kernel cannot be run again)");
	else if (a->o.socket != NULL)
		why = _("step back: not while other clients may change the engine (--socket)");
	else if (a->ninflight > 0 || a->queue[ORIG_UI] || a->queue[ORIG_PLAY])
		why = _("step back: wait until the command on its way has finished");
	else if (a->nsteps == 0)
		why = _("step back: nothing to go back to");
	if (why != NULL)
		app_status(a, true, "%s", why);
	return why == NULL;
}

/* Forget the steps from `from` on, and the names they gave; the player
 * goes back to where the earliest forgotten stretch began. */
static void steps_cut(struct app *a, tv_time from, unsigned group)
{
	size_t keep = 0, play_next = SIZE_MAX;

	for (size_t i = 0; i < a->nsteps; i++) {
		struct app_step *s = &a->steps[i];
		const struct app_group *g;
		if (s->group != group && s->rec.start < from) {
			a->steps[keep++] = *s;
			continue;
		}
		if ((g = group_find(a, s->group)) != NULL && g->play_next < play_next)
			play_next = g->play_next;
		for (unsigned k = 0; k < a->nnames; k++)
			if (a->names[k].group == s->group)
				a->names[k--] = a->names[--a->nnames];
		free(s->rec.line);
	}
	a->nsteps = keep;
	if (a->play != NULL && play_next != SIZE_MAX && play_next <= a->play->next) {
		a->play->next = play_next;
		a->play->state = PLAY_PAUSED;
	}
}

int app_step_back(struct app *a)
{
	unsigned group;
	tv_time from = TV_NEVER;

	if (!step_back_allowed(a))
		return -1;
	group = a->steps[a->nsteps - 1].group;
	for (size_t i = 0; i < a->nsteps; i++)
		if (a->steps[i].group == group && a->steps[i].rec.start < from)
			from = a->steps[i].rec.start;
	steps_cut(a, from, group);
	a->back_to = from;
	a->back_paused = a->m->paused || (a->play != NULL && a->play->state == PLAY_PAUSED);
	a->back_speed = a->m->speed > 0 ? a->m->speed : 1.0;
	a->rebuild = true;
	engine_stop(a->eng, false);
	return 0;
}

int app_replay(struct app *a, char *msg, size_t size)
{
	struct engine_rec *recs = calloc(a->nsteps + 1, sizeof(*recs));
	char t[32];
	int r;

	if (recs == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return -1;
	}
	for (size_t i = 0; i < a->nsteps; i++)
		recs[i] = a->steps[i].rec;
	r = engine_replay(a->eng, recs, a->nsteps, a->back_to, msg, size);
	free(recs);
	if (r == 0) {
		snprintf(t, sizeof(t), "%.6f", (double)a->back_to / 1e6);
		app_status(a, false, a->play && a->play->state == PLAY_PAUSED
				     ? _("stepped back to %s s: press n to go on, or choose differently")
				     : _("stepped back to %s s: make a different choice"), t);
	}
	return r;
}

/* ---- the player ---- */

static void play_line_done(struct app *a, struct app_req *r, const struct tvc_msg *m)
{
	struct play *p = a->play;

	a->play_busy = false;
	if (p == NULL || m == NULL)
		return;
	if (!m->ok) {
		p->state = PLAY_FAILED;
		app_status(a, true, _("the lesson stopped at line %u: %s"),
			   p->lines[r->play_line].line, m->error ? m->error : _("request failed"));
		return;
	}
	if (p->lines[r->play_line].kind == SCRIPT_PAUSE) {
		p->state = PLAY_PAUSED;
		app_status(a, false, _("%s: paused (line %u) -- press n to continue"), p->name,
			   p->lines[r->play_line].line);
		return;
	}
	app_play_pump(a);
}

void app_play_pump(struct app *a)
{
	struct play *p = a->play;

	if (p == NULL || p->state != PLAY_RUNNING || a->play_busy)
		return;
	if (p->next >= p->n) {
		p->state = PLAY_DONE;
		app_status(a, false, _("%s: the lesson is over -- keep exploring, or q to quit"),
			   p->name);
		return;
	}
	a->play_busy = true;
	app_send(a, p->lines[p->next].text, ORIG_PLAY, play_line_done);
	p->next++;
}

void app_play_start(struct app *a)
{
	if (a->play == NULL || a->play->state != PLAY_RUNNING || a->play->next != 0 ||
	    a->play_busy)
		return;
	app_new_group(a);
	a->play_group = a->group;
	app_status(a, false, _("%s: playing"), a->play->name);
	app_play_pump(a);
}

void app_play_continue(struct app *a)
{
	struct play *p = a->play;

	if (p == NULL || p->state != PLAY_PAUSED)
		return;
	app_new_group(a);
	a->play_group = a->group;
	p->state = PLAY_RUNNING;
	/* The lesson's `pause` stopped the clock. */
	app_send(a, "resume", ORIG_PLAY, NULL);
	app_status(a, false, _("%s: playing (line %u)"), p->name,
		   p->next < p->n ? p->lines[p->next].line : 0);
	app_play_pump(a);
}
