/*
 * app.c - the TUI's command line and life cycle (see app.h).
 *
 * cmd_tui parses the options, opens the engine (in process) or connects
 * to the daemon while the terminal is still an ordinary one, so errors
 * print as errors; then it takes the terminal and runs the loop: the
 * engine's own loop (rt_run) in process, a loop of our own attached.  On
 * that loop: the keys (a uv_poll on stdin), SIGWINCH, a 100 ms tick and
 * a one-shot redraw timer, and the connection(s) to the engine.
 *
 * Redraws are coalesced: a change asks for a frame at most 1/30 s after
 * the last one; the tick draws when the model or the view state changed,
 * when the clock runs (countdowns move), or once a second for the wall
 * clock.  The engine never waits for the screen: it writes to a socket.
 *
 * The step back leaves the loop (engine_stop), frees the engine, builds
 * it again paused and replays the recorded commands (send.c), then comes
 * back into the loop with a fresh connection and an empty model that the
 * engine's event history fills again.
 */
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <langinfo.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/tv.h"
#include "daemon/client.h"
#include "host/rt.h"
#include "i18n.h"
#include "live.h"
#include "tui/app.h"
#include "tui/conn.h"
#include "tui/model.h"
#include "tui/play.h"

#define TICK_MS 100
#define FRAME_US 33333u          /* at most 30 frames a second */

/* ---- status, language, small helpers ---- */

void app_status(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
	/* One line: the status line is one row. */
	for (char *p = a->status; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	a->status_error = error;
	app_touch(a);
}

static bool locale_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* gettext ignores LANGUAGE under the C locale: give messages a real one. */
static void messages_locale(void)
{
	const char *cur = setlocale(LC_MESSAGES, NULL);

	if (cur == NULL || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
		if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
			setlocale(LC_MESSAGES, "C.utf8");
}

/* Whether the messages are Chinese now (LANGUAGE first, as gettext). */
static bool lang_is_zh(void)
{
	const char *l = getenv("LANGUAGE");

	if (l == NULL || *l == '\0')
		l = setlocale(LC_MESSAGES, NULL);
	return l != NULL && strncmp(l, "zh", 2) == 0;
}

static void language_set(bool zh)
{
	/* Chinese needs UTF-8 characters; asked for in a C locale, the
	 * terminal is taken to be a UTF-8 one. */
	if (zh && !locale_utf8() && setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "C.utf8");
	setenv("LANGUAGE", zh ? "zh_CN" : "en", 1);
	messages_locale();
	/* Changing LANGUAGE alone does not empty gettext's cache. */
	textdomain(PACKAGE);
}

bool app_language(struct app *a, bool zh)
{
	if (zh && a->scr != NULL && !screen_utf8(a->scr)) {
		app_status(a, true, "%s",
			   _("Chinese needs a UTF-8 terminal (LANG=zh_CN.UTF-8 or C.UTF-8)"));
		return false;
	}
	language_set(zh);
	a->zh = zh;
	if (a->scr != NULL)
		screen_invalidate(a->scr);
	a->dirty = true;
	return true;
}

uint32_t app_host_id(const struct app *a, const char *name)
{
	for (unsigned i = 0; i < a->m->nhosts; i++)
		if (strcmp(a->m->hosts[i].name, name) == 0)
			return a->m->hosts[i].id;
	return 0;
}

const char *app_stack_host(const struct app *a, unsigned n)
{
	for (unsigned i = 0; i < a->m->nhosts; i++)
		if (a->m->hosts[i].stack && n-- == 0)
			return a->m->hosts[i].name;
	return NULL;
}

/* ---- drawing ---- */

static void app_fill_view(struct app *a)
{
	static char prompt[PROMPT_MAX + 2];
	struct view_state *vs = &a->vs;

	vs->wall = conn_wall_us();
	vs->wall_clock = (long)time(NULL);
	vs->link = a->eng != NULL && a->o.mode != APP_TAP ? _("wire") : a->link;
	vs->status = a->status[0] ? a->status : NULL;
	vs->status_error = a->status_error;
	vs->lesson = a->play ? a->play->name : NULL;
	vs->monochrome = screen_get_theme(a->scr) == THEME_MONO;
	vs->prompt = NULL;
	if (a->input == IN_PROMPT || a->input == IN_FILTER) {
		const struct prompt *p = a->input == IN_PROMPT ? &a->cmd : &a->filt;
		snprintf(prompt, sizeof(prompt), "%c%s", a->input == IN_PROMPT ? ':' : '/',
			 prompt_text(p));
		vs->prompt = prompt;
		vs->prompt_cursor = 1 + prompt_cursor_col(p);
	}
}

static void app_draw(struct app *a)
{
	int w, h;

	screen_size(a->scr, &w, &h);
	if ((a->cv.w != w || a->cv.h != h) && canvas_resize(&a->cv, w, h) != 0)
		return;
	a->cv.ascii = a->o.ascii || !screen_utf8(a->scr);
	app_fill_view(a);
	view_render(&a->cv, a->m, &a->vs);
	if (a->input == IN_MENU)
		app_draw_menu(a);
	screen_draw(a->scr, &a->cv, a->vs.cursor_y, a->vs.cursor_x);
	a->drawn_changes = a->m->changes;
	a->dirty = false;
	a->last_frame = conn_wall_us();
	a->drawn_second = (long)time(NULL);
}

static void on_redraw(uv_timer_t *t)
{
	app_draw(t->data);
}

void app_touch(struct app *a)
{
	uint64_t now = conn_wall_us(), since = now - a->last_frame;

	a->dirty = true;
	if (!a->running || uv_is_active((uv_handle_t *)&a->redraw))
		return;
	uv_timer_start(&a->redraw, on_redraw, since >= FRAME_US ? 0 : (FRAME_US - since) / 1000 + 1,
		       0);
}

/* Something on screen moves by itself: the clock runs, so countdowns
 * and the time frames have waited in a gate move. */
static bool app_moving(const struct app *a)
{
	/* The header's virtual clock is one of them. */
	return !a->m->paused && a->m->connected && !a->disconnected;
}

static void on_tick(uv_timer_t *t)
{
	struct app *a = t->data;

	if (screen_check_size(a->scr))
		a->dirty = true;
	if (a->dirty || a->m->changes != a->drawn_changes || app_moving(a) ||
	    (long)time(NULL) != a->drawn_second)
		app_draw(a);
}

/* ---- input and signals ---- */

static void on_input(uv_poll_t *h, int status, int events)
{
	struct app *a = h->data;
	int k;

	(void)events;
	if (status < 0) {
		app_quit(a);
		return;
	}
	while (a->running && (k = screen_key(a->scr)) >= 0)
		app_key(a, k);
}

static void on_winch(uv_signal_t *h, int signum)
{
	struct app *a = h->data;

	(void)signum;
	screen_resized(a->scr);
	a->dirty = true;
	app_draw(a);
}

static void on_term(uv_signal_t *h, int signum)
{
	(void)signum;
	app_quit(h->data);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct app *a = h->data;

	a->handles--;
}

static void app_handles_start(struct app *a)
{
	a->in.data = a->tick.data = a->redraw.data = a->winch.data = a->reattach.data = a;
	uv_poll_init(a->loop, &a->in, screen_fd(a->scr));
	uv_poll_start(&a->in, UV_READABLE, on_input);
	uv_timer_init(a->loop, &a->tick);
	uv_timer_start(&a->tick, on_tick, TICK_MS, TICK_MS);
	uv_timer_init(a->loop, &a->redraw);
	uv_timer_init(a->loop, &a->reattach);
	uv_signal_init(a->loop, &a->winch);
	uv_signal_start(&a->winch, on_winch, SIGWINCH);
	a->handles = 5;
	/* In process the engine takes SIGINT/SIGTERM (it closes its
	 * connections first); attached, they end the TUI cleanly. */
	for (int i = 0; i < 3 && a->eng == NULL; i++) {
		static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
		a->term[i].data = a;
		uv_signal_init(a->loop, &a->term[i]);
		uv_signal_start(&a->term[i], on_term, sigs[i]);
		a->handles++;
	}
	a->running = true;
}

static void app_handles_stop(struct app *a)
{
	a->running = false;
	uv_close((uv_handle_t *)&a->in, on_handle_closed);
	uv_close((uv_handle_t *)&a->tick, on_handle_closed);
	uv_close((uv_handle_t *)&a->redraw, on_handle_closed);
	uv_close((uv_handle_t *)&a->reattach, on_handle_closed);
	uv_close((uv_handle_t *)&a->winch, on_handle_closed);
	for (int i = 0; i < 3 && a->eng == NULL; i++)
		uv_close((uv_handle_t *)&a->term[i], on_handle_closed);
	conn_free(a->ui);
	conn_free(a->pc);
	a->ui = a->pc = NULL;
	app_requests_drop(a);
	/* The close callbacks (ours and the connections') run in the loop. */
	for (int i = 0; i < 64 && a->handles > 0; i++)
		uv_run(a->loop, UV_RUN_NOWAIT);
	uv_run(a->loop, UV_RUN_NOWAIT);
}

void app_quit(struct app *a)
{
	a->quit = true;
	if (a->eng != NULL)
		engine_stop(a->eng, a->o.mode == APP_TAP && !engine_stopping(a->eng));
	else
		uv_stop(a->loop);
}

/* ---- the connections ---- */

static void ui_changed(void *ctx)
{
	struct app *a = ctx;

	app_sync_selection(a);
	app_touch(a);
}

static void ui_event(void *ctx, const struct tv_event *ev)
{
	app_archive_event(ctx, ev);
}

static void ui_ready(void *ctx)
{
	struct app *a = ctx;

	app_pump(a);
	app_play_start(a);
}

static struct conn *app_attach_engine(struct app *a, bool ui, char *msg, size_t size);

static void on_reattach(uv_timer_t *t)
{
	struct app *a = t->data;
	char msg[256];

	conn_free(a->ui);
	a->ui = NULL;
	app_requests_drop(a);
	a->reattaching = true;
	a->ui = app_attach_engine(a, true, msg, sizeof(msg));
	a->reattaching = false;
	if (a->ui == NULL) {
		app_status(a, true, _("the engine stopped: %s"), msg);
		app_quit(a);
		return;
	}
	a->disconnected = false;
	app_status(a, true, _("events came faster than the screen could take them: some "
			      "were skipped (%u times); slow down with -"), a->lagged);
}

static void ui_closed(void *ctx, const char *reason, const char *msg)
{
	struct app *a = ctx;

	(void)reason;
	a->disconnected = true;
	app_requests_drop_queued(a);
	if (a->eng != NULL && !engine_stopping(a->eng) && !a->rebuild && !a->quit) {
		/* Our own engine dropped us: its events came faster than the
		 * screen read them (bulk data at full speed).  Come back
		 * without the history, a little later. */
		a->lagged++;
		uv_timer_start(&a->reattach, on_reattach, 200, 0);
		return;
	}
	if (a->eng != NULL) {
		/* The engine itself is going (a signal): so are we. */
		app_status(a, true, _("the engine stopped: %s"), msg);
		if (!a->rebuild && !a->quit)
			app_quit(a);
		return;
	}
	app_status(a, true, _("disconnected: %s -- press Enter to reconnect, q to quit"), msg);
}

static void pc_closed(void *ctx, const char *reason, const char *msg)
{
	struct app *a = ctx;

	(void)reason;
	if (!a->quit && !a->rebuild)
		app_status(a, true, _("the lesson's connection closed: %s"), msg);
}

static struct conn *conn_open_fd(struct app *a, struct tvc *tvc, int fd, bool ui, char *msg,
				 size_t size)
{
	struct conn_config cfg = {.loop = a->loop, .ctx = a};

	if (ui) {
		cfg.model = a->m;
		cfg.readonly = a->o.readonly;
		cfg.no_history = a->reattaching;
		cfg.changed = ui_changed;
		cfg.event = ui_event;
		cfg.ready = ui_ready;
		cfg.closed = ui_closed;
	} else {
		cfg.closed = pc_closed;
	}
	return conn_new(&cfg, tvc, fd, msg, size);
}

/* Our end of a new socketpair to the engine, with its connection. */
static struct conn *app_attach_engine(struct app *a, bool ui, char *msg, size_t size)
{
	struct tvc *tvc = tvc_new();
	int fd = tvc ? engine_attach(a->eng) : -1;
	struct conn *c;

	if (fd < 0) {
		snprintf(msg, size, _("cannot talk to the engine: %s"), strerror(errno));
		tvc_free(tvc);
		return NULL;
	}
	if ((c = conn_open_fd(a, tvc, fd, ui, msg, size)) == NULL) {
		close(fd);
		tvc_free(tvc);
	}
	return c;
}

/* Connect to the daemon (blocking: a Unix socket answers at once or not
 * at all). */
static struct conn *app_attach_daemon(struct app *a, char *msg, size_t size)
{
	struct tvc *tvc = tvc_new();
	struct conn *c;

	if (tvc == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return NULL;
	}
	if (tvc_connect(tvc, a->o.socket, 5000, msg, size) != 0) {
		tvc_free(tvc);
		return NULL;
	}
	if ((c = conn_open_fd(a, tvc, tvc_fd(tvc), true, msg, size)) == NULL)
		tvc_free(tvc);
	return c;
}

static int app_open_conns(struct app *a, char *msg, size_t size)
{
	if (a->eng == NULL) {
		if (a->ui == NULL)
			a->ui = app_attach_daemon(a, msg, size);
		return a->ui ? 0 : -1;
	}
	if ((a->ui = app_attach_engine(a, true, msg, size)) == NULL)
		return -1;
	if (a->play != NULL && (a->pc = app_attach_engine(a, false, msg, size)) == NULL)
		return -1;
	return 0;
}

bool app_reconnect(struct app *a)
{
	char msg[512];

	if (a->eng != NULL)
		return false;
	conn_free(a->ui);
	a->ui = NULL;
	model_reset(a->m);
	a->arch_n = a->arch_first = 0;
	if ((a->ui = app_attach_daemon(a, msg, sizeof(msg))) == NULL) {
		app_status(a, true, _("cannot reconnect: %s"), msg);
		return false;
	}
	a->disconnected = false;
	app_status(a, false, a->o.readonly ? _("attached to %s, read-only") : _("attached to %s"),
		   a->link);
	return true;
}

/* ---- the engine ---- */

static void engine_log(void *ctx, const char *line)
{
	struct app *a = ctx;

	if (a->scr != NULL && a->running)
		app_status(a, false, "%s", line);
}

static struct engine *app_engine_new(struct app *a, bool paused, char *msg, size_t size)
{
	struct engine_opts o = a->o.eng;

	/* The demo starts with the clock stopped: nothing happens (no
	 * retransmission piles up in the gate) until a key says so. */
	o.paused = paused || a->o.mode == APP_DEMO;
	o.socket = a->o.socket;
	o.signals = true;
	o.log = a->o.socket ? engine_log : NULL;
	o.log_ctx = a;
	if (a->o.mode == APP_DEMO)
		o.kind = ENGINE_DEMO;
	else if (a->o.mode == APP_TAP)
		o.kind = ENGINE_TAP;
	else
		o.kind = ENGINE_EMPTY;
	if (a->play != NULL)
		o.seed = a->play->seed;
	return engine_new(&o, msg, size);
}

/* The step back: a new engine, paused, brought to the target by the
 * replay; then the clock as it was. */
static void app_rebuild(struct app *a)
{
	char msg[640];

	engine_free(a->eng);
	a->o.eng.speed = a->back_speed;
	if ((a->eng = app_engine_new(a, true, msg, sizeof(msg))) == NULL) {
		a->quit = true;
		app_status(a, true, "%s", msg);
		return;
	}
	model_reset(a->m);
	a->arch_n = a->arch_first = 0;
	if (app_replay(a, msg, sizeof(msg)) != 0)
		app_status(a, true, "%s", msg);
	if (!a->back_paused)
		rt_resume(engine_rt(a->eng));
}

/* ---- the loop ---- */

static void app_first_status(struct app *a)
{
	if (a->o.mode == APP_DEMO)
		app_status(a, false, "%s",
			   _("press n to start a handshake (A connects to B's echo service); "
			     "Space runs the clock; ? for help"));
	else if (a->o.mode == APP_TAP && a->warning[0] != '\0')
		app_status(a, true, "%s", a->warning);
	else if (a->o.mode == APP_TAP)
		app_status(a, false, _("TAP %s: the gates let segments through (h holds them); "
				       "? for help"), a->link);
	else if (a->o.mode == APP_ATTACH)
		app_status(a, false, a->o.readonly ? _("attached to %s, read-only")
						   : _("attached to %s"), a->link);
}

static int app_loop(struct app *a)
{
	char msg[640];
	int sig = 0;

	for (;;) {
		a->loop = a->eng ? engine_loop(a->eng) : &a->own;
		app_handles_start(a);
		if (app_open_conns(a, msg, sizeof(msg)) != 0)
			app_status(a, true, "%s", msg);
		app_draw(a);
		if (a->eng != NULL)
			sig = engine_run(a->eng);
		else if (a->ui != NULL)
			uv_run(a->loop, UV_RUN_DEFAULT);
		app_handles_stop(a);
		if (!a->rebuild || a->quit || sig != 0)
			break;
		a->rebuild = false;
		app_rebuild(a);
		if (a->quit)
			break;
	}
	return sig;
}

/* ---- options ---- */

void tui_usage_options(FILE *out)
{
	fputs(_("      --tap=NAME       TAP device NAME (created if missing), facing the kernel\n"
		"      --addr=A/N       the stack's address on it (e.g. 10.9.0.2/24)\n"
		"      --host-addr=H/N  give the kernel's side this address and bring it up\n"
		"      --user=USER      started as root: continue as USER once the device is open\n"),
	      out);
	fputs(_("  -S, --socket=PATH    attach: the daemon's socket; otherwise also serve this\n"
		"                       socket so others may attach (tcpviz attach, tcpviz ctl)\n"
		"      --read-only      attach: only watch (the daemon refuses changes)\n"), out);
	fputs(_("      --speed=X        clock speed, 0.1 to 100 (default 1)\n"
		"  -s, --seed=N         seed of the demo (default 1)\n"
		"      --theme=THEME    color, contrast (for projectors) or mono\n"
		"      --no-color       no colours (also when NO_COLOR is set)\n"
		"      --ascii          draw with ASCII only (for terminals without Unicode)\n"
		"      --lang=LANG      en or zh_CN (default: from the environment)\n"
		"      --no-mouse       do not take mouse clicks\n"), out);
}

static void tui_usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]...                 the demo in the TUI\n"
		       "  or:  %s --tap NAME --addr A/N [OPTION]...\n"
		       "  or:  %s attach [--socket PATH] [--read-only] [OPTION]...\n"
		       "  or:  %s play LESSON|FILE [OPTION]...\n"),
		PACKAGE, PACKAGE, PACKAGE, PACKAGE);
	fputs(_("Watch and step TCP in the terminal: the built-in demo (hosts A and B), the\n"
		"kernel across a TAP device, a running daemon, or a lesson played step by\n"
		"step.  Press ? in the TUI for every key.\n\n"), out);
	tui_usage_options(out);
	fputs(_("  -h, --help           show this help and exit\n"), out);
}

enum { O_NO_COLOR = 600, O_ASCII, O_THEME, O_LANG, O_SPEED, O_READONLY, O_NO_MOUSE };

static int opt_speed(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno == 0 && end != s && *end == '\0' && isfinite(*v) && *v >= RT_SPEED_MIN &&
	    *v <= RT_SPEED_MAX)
		return 0;
	fprintf(stderr, _("%s: --speed must be from %g to %g\n"), PACKAGE, RT_SPEED_MIN,
		RT_SPEED_MAX);
	return 2;
}

static int opt_cidr(const char *s, uint32_t *addr, uint8_t *len)
{
	if (live_parse_cidr(s, addr, len) == 0)
		return 0;
	fprintf(stderr, _("%s: addresses are written A.B.C.D/N (e.g. 10.9.0.2/24), not '%s'\n"),
		PACKAGE, s);
	return 2;
}

static int opt_seed(const char *s, uint64_t *seed)
{
	char *end;

	errno = 0;
	*seed = strtoull(s, &end, 0);
	if (errno == 0 && end != s && *end == '\0' && s[0] != '-')
		return 0;
	fprintf(stderr, _("%s: invalid seed '%s'\n"), PACKAGE, s);
	return 2;
}

static int opt_one(struct app_opts *o, int c)
{
	switch (c) {
	case 'S': o->socket = optarg; return 0;
	case 's': return opt_seed(optarg, &o->eng.seed);
	case O_READONLY: o->readonly = true; return 0;
	case O_NO_COLOR: o->no_color = true; return 0;
	case O_ASCII: o->ascii = true; return 0;
	case O_NO_MOUSE: o->mouse = false; return 0;
	case O_SPEED: return opt_speed(optarg, &o->eng.speed);
	case O_LANG:
		if (strcmp(optarg, "en") == 0 || strncmp(optarg, "zh", 2) == 0) {
			o->lang = optarg;
			return 0;
		}
		fprintf(stderr, _("%s: --lang is en or zh_CN\n"), PACKAGE);
		return 2;
	case O_THEME:
		if ((o->theme = screen_theme_parse(optarg)) >= 0)
			return 0;
		fprintf(stderr, _("%s: --theme is color, contrast or mono\n"), PACKAGE);
		return 2;
	case LIVE_OPT_TAP: o->eng.tap = optarg; return 0;
	case LIVE_OPT_ADDR: return opt_cidr(optarg, &o->eng.addr, &o->eng.addr_len);
	case LIVE_OPT_HOST_ADDR: return opt_cidr(optarg, &o->eng.host_addr, &o->eng.host_len);
	case LIVE_OPT_USER: o->eng.user = optarg; return 0;
	case 'h': tui_usage(stdout); return -1;
	default: return 2;
	}
}

static int opt_check(struct app_opts *o, int argc, char **argv)
{
	if (o->mode == APP_PLAY) {
		if (optind + 1 != argc) {
			fprintf(stderr, _("%s play: give one lesson name or script file (see '%s lessons')\n"),
				PACKAGE, PACKAGE);
			return 2;
		}
		o->play = argv[optind++];
	}
	if (optind < argc) {
		fprintf(stderr, _("%s: unexpected argument '%s'; try '%s --help'\n"), PACKAGE,
			argv[optind], PACKAGE);
		return 2;
	}
	if (o->eng.tap != NULL && o->mode != APP_DEMO) {
		fprintf(stderr, _("%s: --tap is for the TUI's own engine, not attach or play\n"),
			PACKAGE);
		return 2;
	}
	if (o->eng.tap == NULL && (o->eng.addr || o->eng.host_addr || o->eng.user)) {
		fprintf(stderr, _("%s: --addr, --host-addr and --user go with --tap\n"), PACKAGE);
		return 2;
	}
	if (o->eng.tap != NULL && o->eng.addr == 0) {
		fprintf(stderr, _("%s: --tap needs --addr (the stack's address, e.g. 10.9.0.2/24)\n"),
			PACKAGE);
		return 2;
	}
	if (o->readonly && o->mode != APP_ATTACH) {
		fprintf(stderr, _("%s: --read-only goes with attach\n"), PACKAGE);
		return 2;
	}
	if (o->eng.tap != NULL)
		o->mode = APP_TAP;
	return 0;
}

static int opt_parse(struct app_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 'S'},
		{"seed", required_argument, NULL, 's'},
		{"read-only", no_argument, NULL, O_READONLY},
		{"readonly", no_argument, NULL, O_READONLY},
		{"no-color", no_argument, NULL, O_NO_COLOR},
		{"no-colour", no_argument, NULL, O_NO_COLOR},
		{"ascii", no_argument, NULL, O_ASCII},
		{"theme", required_argument, NULL, O_THEME},
		{"lang", required_argument, NULL, O_LANG},
		{"speed", required_argument, NULL, O_SPEED},
		{"no-mouse", no_argument, NULL, O_NO_MOUSE},
		{"tap", required_argument, NULL, LIVE_OPT_TAP},
		{"addr", required_argument, NULL, LIVE_OPT_ADDR},
		{"host-addr", required_argument, NULL, LIVE_OPT_HOST_ADDR},
		{"user", required_argument, NULL, LIVE_OPT_USER},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "S:s:h", opts, NULL)) != -1)
		if ((r = opt_one(o, c)) != 0)
			return r;
	return opt_check(o, argc, argv);
}

/* ---- start and end ---- */

static int app_check_terminal(void)
{
	if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO))
		return 0;
	fprintf(stderr, _("%s: the TUI needs a terminal, and %s is not one.\n"
			  "Try '%s demo' for the demo as text, or '%s run LESSON' for a lesson.\n"),
		PACKAGE, isatty(STDOUT_FILENO) ? _("standard input") : _("standard output"),
		PACKAGE, PACKAGE);
	return 2;
}

static int app_theme(const struct app_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	if (o->no_color || (nc != NULL && nc[0] != '\0'))
		return THEME_MONO;
	return o->theme >= 0 ? o->theme : THEME_COLOR;
}

/* The lesson's mistakes are the user's to see first, terminal or not. */
static int app_load_play(struct app *a)
{
	char msg[4096];

	if (a->o.mode != APP_PLAY)
		return 0;
	if ((a->play = play_load(a->o.play, msg, sizeof(msg))) != NULL)
		return 0;
	fprintf(stderr, "%s: %s\n", PACKAGE, msg);
	return 2;
}

/* Everything that can fail with a plain message, before the terminal
 * is taken. */
static int app_prepare(struct app *a)
{
	char msg[4096];

	if ((a->m = model_new()) == NULL || (a->archive = calloc(APP_ARCHIVE,
							       sizeof(*a->archive))) == NULL) {
		fprintf(stderr, _("%s: out of memory\n"), PACKAGE);
		return 1;
	}
	if (a->o.mode == APP_ATTACH) {
		if (uv_loop_init(&a->own) != 0) {
			fprintf(stderr, _("%s: cannot start the event loop\n"), PACKAGE);
			return 1;
		}
		a->own_init = true;
		a->loop = &a->own;
		if ((a->ui = app_attach_daemon(a, msg, sizeof(msg))) == NULL) {
			fprintf(stderr, "%s: %s\n", PACKAGE, msg);
			return 1;
		}
		snprintf(a->link, sizeof(a->link), "%s", a->o.socket ? a->o.socket : "daemon");
		return 0;
	}
	if ((a->eng = app_engine_new(a, false, msg, sizeof(msg))) == NULL) {
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return 1;
	}
	snprintf(a->link, sizeof(a->link), "%s", engine_link(a->eng));
	/* A warning (a TAP device that is down): kept for the status line,
	 * which the terminal shows once taken. */
	snprintf(a->warning, sizeof(a->warning), "%.500s", msg);
	return 0;
}

static void app_free(struct app *a)
{
	engine_free(a->eng);
	if (a->own_init) {
		uv_run(&a->own, UV_RUN_NOWAIT);
		uv_loop_close(&a->own);
	}
	play_free(a->play);
	model_free(a->m);
	view_state_fini(&a->vs);
	canvas_free(&a->cv);
	prompt_free(&a->cmd);
	prompt_free(&a->filt);
	app_requests_drop(a);
	app_steps_free(a);
	free(a->archive);
}

static int app_main(struct app *a)
{
	struct screen_opts so = {.theme = (enum screen_theme)app_theme(&a->o), .mouse = a->o.mouse};
	char msg[512];
	int sig, rc;

	if ((rc = app_prepare(a)) != 0)
		return rc;
	if ((a->scr = screen_open(&so, msg, sizeof(msg))) == NULL) {
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return 1;
	}
	canvas_init(&a->cv, 0, 0);
	view_state_init(&a->vs);
	a->vs.relative = true;
	app_first_status(a);
	sig = app_loop(a);
	screen_close(a->scr);
	a->scr = NULL;
	if (a->disconnected && a->eng == NULL && !a->quit)
		fprintf(stderr, "%s: %s\n", PACKAGE, a->status);
	return sig ? 128 + sig : 0;
}

int cmd_tui(int argc, char **argv)
{
	struct app a;
	int sub = 0, r;

	memset(&a, 0, sizeof(a));
	a.o.theme = -1;
	a.o.mouse = true;
	a.o.mode = APP_DEMO;
	if (argc > 1 && strcmp(argv[1], "attach") == 0)
		a.o.mode = APP_ATTACH, sub = 1;
	else if (argc > 1 && strcmp(argv[1], "play") == 0)
		a.o.mode = APP_PLAY, sub = 1;
	if ((r = opt_parse(&a.o, argc - sub, argv + sub)) != 0)
		return r < 0 ? 0 : r;
	a.holding = a.o.mode == APP_DEMO; /* the demo's set-up holds */
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	if (a.o.lang != NULL)
		language_set(strncmp(a.o.lang, "zh", 2) == 0);
	a.zh = lang_is_zh();
	prompt_init(&a.cmd);
	prompt_init(&a.filt);
	if ((r = app_load_play(&a)) == 0 && (r = app_check_terminal()) == 0)
		r = app_main(&a);
	app_free(&a);
	return r;
}
