/*
 * engine.c - the TUI's in-process engine (see engine.h): a runtime, a
 * script and a server that listens on no socket (unless asked), set up
 * the way `tcpviz daemon` sets itself up: the demo wire is written in the
 * command language and run like any client's request.
 *
 * The script's waits go through engine_wait(), which notes when a watched
 * wait starts (for the step back's record) and, while the engine is
 * replaying, jumps the clock (sim_run_until) instead of letting wall time
 * pass (rt_run_until).
 *
 * Frames: a frame tap on the sim (and on the raw peers) copies every
 * IPv4/TCP frame into a store bounded in bytes, oldest out first, for the
 * pcap export of one connection.
 */
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/apps.h"
#include "core/ipv4.h"
#include "daemon/server.h"
#include "host/rt.h"
#include "i18n.h"
#include "out/pcap.h"
#include "script/script.h"
#include "tui/engine.h"

#define FRAMES_MAX_BYTES (32u << 20)
#define RING_EVENTS 16384         /* events kept for a late (or rebuilt) TUI */
#define CLIENT_OUT_MAX (64u << 20)/* a burst the TUI has not read yet */
#define DEMO_A "10.0.0.1"
#define DEMO_B "10.0.0.2"
/* A wire of 10 ms each way: the round trip shows in the ladder, and bulk
 * data (chargen) runs at a rate the screen can follow at speed 1. */
#define DEMO_DELAY "10ms"

struct frame {
	struct frame *next;
	struct tv_frame_info fi;
	size_t len;
	uint8_t bytes[];
};

struct engine {
	struct engine_opts o;
	struct rt *rt;
	struct script *sc;
	struct server *srv;
	char link[32];
	bool instant;             /* replaying: waits jump the clock */
	bool armed, started;      /* watching for the start of a wait */
	tv_time start;
	struct frame *fhead, *ftail;
	size_t fbytes;
};

/* ---- frames ---- */

/* The addresses and ports of an Ethernet/IPv4/TCP frame; false if it is
 * not one. */
static bool frame_tcp(const uint8_t *f, size_t len, uint32_t *sa, uint16_t *sp, uint32_t *da,
		      uint16_t *dp)
{
	size_t ihl;

	if (len < 14 + 20 || tv_get_be16(f + 12) != 0x0800 || (f[14] >> 4) != 4 || f[23] != 6)
		return false;
	ihl = (size_t)(f[14] & 0x0f) * 4;
	if (ihl < 20 || len < 14 + ihl + 4)
		return false;
	*sa = tv_get_be32(f + 26);
	*da = tv_get_be32(f + 30);
	*sp = tv_get_be16(f + 14 + ihl);
	*dp = tv_get_be16(f + 16 + ihl);
	return true;
}

static void frames_trim(struct engine *e)
{
	while (e->fbytes > FRAMES_MAX_BYTES && e->fhead != NULL) {
		struct frame *f = e->fhead;
		e->fhead = f->next;
		if (e->fhead == NULL)
			e->ftail = NULL;
		e->fbytes -= sizeof(*f) + f->len;
		free(f);
	}
}

static void engine_ftap(void *ctx, const uint8_t *bytes, size_t len,
			const struct tv_frame_info *fi)
{
	struct engine *e = ctx;
	uint32_t sa, da;
	uint16_t sp, dp;
	struct frame *f;

	if (!frame_tcp(bytes, len, &sa, &sp, &da, &dp) ||
	    (f = malloc(sizeof(*f) + len)) == NULL)
		return;
	f->next = NULL;
	f->fi = *fi;
	f->len = len;
	memcpy(f->bytes, bytes, len);
	if (e->ftail != NULL)
		e->ftail->next = f;
	else
		e->fhead = f;
	e->ftail = f;
	e->fbytes += sizeof(*f) + len;
	frames_trim(e);
}

static bool frame_matches(const struct frame *f, uint32_t a, uint16_t ap, uint32_t b,
			  uint16_t bp)
{
	uint32_t sa, da;
	uint16_t sp, dp;

	if (!frame_tcp(f->bytes, f->len, &sa, &sp, &da, &dp))
		return false;
	return (sa == a && sp == ap && da == b && dp == bp) ||
	       (sa == b && sp == bp && da == a && dp == ap);
}

int engine_write_pcap(struct engine *e, const char *path, uint32_t a, uint16_t ap, uint32_t b,
		      uint16_t bp, unsigned long *frames)
{
	int err = 0;
	struct pcapng_out *p = pcapng_open(path, &err);

	*frames = 0;
	if (p == NULL)
		return err ? err : TV_EINVAL;
	for (const struct frame *f = e->fhead; f != NULL; f = f->next)
		if (frame_matches(f, a, ap, b, bp))
			pcapng_tap(p, f->bytes, f->len, &f->fi);
	*frames = pcapng_frames(p);
	return pcapng_close(p);
}

/* ---- waits ---- */

static int engine_wait(void *ctx, struct sim *sim, bool (*cond)(void *, struct sim *),
		       void *cond_ctx, tv_time limit)
{
	struct engine *e = ctx;

	if (e->armed && !e->started) {
		e->start = sim_now(sim);
		e->started = true;
	}
	if (e->instant)
		return sim_run_until(sim, cond, cond_ctx, limit);
	return rt_run_until(e->rt, cond, cond_ctx, limit);
}

void engine_wait_arm(struct engine *e)
{
	e->armed = true;
	e->started = false;
}

bool engine_wait_started(struct engine *e, tv_time *start)
{
	bool r = e->armed && e->started;

	if (r)
		*start = e->start;
	e->armed = e->started = false;
	return r;
}

/* ---- setting up ---- */

/* Parse and run one line of the command language as the engine's own:
 * 0, -1 when it does not parse, -2 when it fails (the error in msg). */
static int engine_exec(struct engine *e, const char *file, unsigned lineno, const char *line,
		       char *msg, size_t size)
{
	struct script_cmd cmd;
	struct script_error err;
	struct script_result res;

	if (script_parse_line(file, lineno, line, strlen(line), &cmd, &err) != 0) {
		script_error_format(&err, msg, size);
		return -1;
	}
	rt_exec(e->rt, e->sc, &cmd, &res);
	script_cmd_free(&cmd);
	if (res.status != SCRIPT_OK) {
		script_error_format(&res.err, msg, size);
		return -2;
	}
	return 0;
}

static int setup_demo(struct engine *e, char *msg, size_t size)
{
	static const char *const lines[] = {
		"host A " DEMO_A, "host B " DEMO_B, "wire delay " DEMO_DELAY, "start B all",
		"hold all",
	};

	for (size_t i = 0; i < TV_ARRAY_LEN(lines); i++)
		if (engine_exec(e, "setup", 1, lines[i], msg, size) != 0)
			return -1;
	return 0;
}

static int setup_tap(struct engine *e, char *msg, size_t size)
{
	const struct engine_opts *o = &e->o;
	struct rt_tap_opts t = {.name = o->tap, .addr = o->addr, .addr_len = o->addr_len,
				.host_addr = o->host_addr, .host_len = o->host_len,
				.services = APPS_ALL};

	if (rt_add_tap(e->rt, &t, msg, size) != 0 ||
	    rt_drop_privileges(e->rt, o->user, msg, size) != 0)
		return -1;
	snprintf(e->link, sizeof(e->link), "%s", o->tap);
	return 0;
}

static void on_endpoint(void *ctx, uint32_t id, const char *name, uint32_t addr)
{
	struct engine *e = ctx;

	if (e->srv != NULL)
		server_add_endpoint(e->srv, id, name, addr);
}

static int engine_start(struct engine *e, char *msg, size_t size)
{
	struct rt_opts ro;
	struct script_config sc = {.seed = e->o.seed, .on_endpoint = on_endpoint, .ctx = e};
	int err = 0;

	rt_opts_default(&ro);
	ro.seed = e->o.seed;
	ro.speed = e->o.speed;
	ro.paused = e->o.paused;
	ro.no_signals = !e->o.signals;
	if ((e->rt = rt_new(&ro, &err)) == NULL) {
		snprintf(msg, size, _("cannot start the runtime: %s"), _(tv_strerror(err)));
		return -1;
	}
	if (e->o.kind == ENGINE_TAP && setup_tap(e, msg, size) != 0)
		return -1;
	sc.run_until = engine_wait;
	sc.run_ctx = e;
	if ((e->sc = script_new(rt_sim(e->rt), &sc)) == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return -1;
	}
	rt_set_frame_tap(e->rt, engine_ftap, e);
	script_set_frame_tap(e->sc, engine_ftap, e);
	return 0;
}

static int engine_serve(struct engine *e, char *msg, size_t size)
{
	struct server_config cfg;

	server_config_default(&cfg);
	cfg.path = e->o.socket;
	cfg.no_listen = e->o.socket == NULL;
	cfg.ring = RING_EVENTS;
	/* The TUI reads between frames; a burst of events (chargen at 100x)
	 * must not get its own screen dropped. */
	cfg.out_max = CLIENT_OUT_MAX;
	cfg.log = e->o.log;
	cfg.log_ctx = e->o.log_ctx;
	/* server_new names the TAP devices' kernel sides itself. */
	e->srv = server_new(e->rt, e->sc, &cfg, msg, size);
	return e->srv != NULL ? 0 : -1;
}

struct engine *engine_new(const struct engine_opts *o, char *msg, size_t size)
{
	struct engine *e = calloc(1, sizeof(*e));

	msg[0] = '\0';
	if (e == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return NULL;
	}
	e->o = *o;
	if (e->o.seed == 0)
		e->o.seed = 1;
	if (e->o.speed == 0)
		e->o.speed = 1.0;
	snprintf(e->link, sizeof(e->link), "%s", "wire"); /* translated when shown */
	/* The server comes before the set-up, so its ring holds the set-up's
	 * events (the services starting to listen) for the TUI. */
	if (engine_start(e, msg, size) != 0 || engine_serve(e, msg, size) != 0 ||
	    (e->o.kind == ENGINE_DEMO && setup_demo(e, msg, size) != 0)) {
		engine_free(e);
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	server_free(e->srv);
	if (e->rt != NULL)
		rt_set_frame_tap(e->rt, NULL, NULL);
	if (e->sc != NULL)
		script_set_frame_tap(e->sc, NULL, NULL);
	script_free(e->sc);
	rt_free(e->rt);
	while (e->fhead != NULL) {
		struct frame *f = e->fhead;
		e->fhead = f->next;
		free(f);
	}
	free(e);
}

/* ---- running ---- */

struct uv_loop_s *engine_loop(struct engine *e)
{
	return rt_loop(e->rt);
}

struct rt *engine_rt(struct engine *e)
{
	return e->rt;
}

const char *engine_link(const struct engine *e)
{
	return e->link;
}

const char *engine_socket(const struct engine *e)
{
	return e->o.socket ? server_path(e->srv) : NULL;
}

int engine_attach(struct engine *e)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if (server_attach_fd(e->srv, sv[0]) != 0) {
		close(sv[1]);
		errno = ENOMEM;
		return -1;
	}
	return sv[1];
}

int engine_run(struct engine *e)
{
	return rt_run(e->rt);
}

void engine_stop(struct engine *e, bool graceful)
{
	if (graceful && !rt_stopping(e->rt))
		rt_shutdown(e->rt, RT_CLOSE_FIN);
	else
		rt_stop(e->rt);
}

bool engine_stopping(const struct engine *e)
{
	return rt_stopping(e->rt);
}

/* ---- replay ---- */

static int replay_one(struct engine *e, const struct engine_rec *r, size_t i, char *msg,
		      size_t size)
{
	char where[SCRIPT_FILE_MAX + SCRIPT_MSG_MAX + 32];
	int rc;

	rt_jump(e->rt, r->start);
	if (r->line == NULL)
		return rt_jump(e->rt, r->end);
	rc = engine_exec(e, "replay", (unsigned)i + 1, r->line, where, sizeof(where));
	if (rc == -1)
		snprintf(msg, size, _("step back: %s"), where);
	else if (rc != 0)
		snprintf(msg, size, _("step back: '%s' did not run the same way again: %s"),
			 r->line, where);
	return rc == 0 ? 0 : -1;
}

int engine_replay(struct engine *e, const struct engine_rec *recs, size_t n, tv_time to,
		  char *msg, size_t size)
{
	int r = 0;

	msg[0] = '\0';
	e->instant = true;
	for (size_t i = 0; i < n && r == 0; i++)
		r = replay_one(e, &recs[i], i, msg, size);
	if (r == 0)
		rt_jump(e->rt, to);
	e->instant = false;
	return r == 0 ? 0 : -1;
}
