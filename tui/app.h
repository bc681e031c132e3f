/*
 * app.h - the TUI program: `tcpviz` (the demo), `tcpviz --tap ...`,
 * `tcpviz attach` and `tcpviz play`, all through cmd_tui().  The app
 * owns the loop, the terminal (screen.h), the model (model.h), the view
 * state (view.h) and one connection to the engine (conn.h), in process
 * (engine.h) or to a daemon.
 *
 * The files of the app share struct app:
 *   app.c     options, the life cycle (engine, connection, terminal), the
 *             loop, redraws;
 *   keys.c    keys and the actions of keymap.h, the prompts, the menu;
 *   send.c    requests to the engine: queueing, replies, the step back's
 *             record and replay, the lesson player;
 *   export.c  the `w` export (pcapng and text ladder of a connection).
 */
#ifndef TV_TUI_APP_H
#define TV_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/event.h"
#include "tui/canvas.h"
#include "tui/engine.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/tui.h"
#include "tui/view.h"

struct app;
struct conn;
struct ladder;
struct model;
struct play;
struct tvc_msg;

enum app_mode { APP_DEMO, APP_TAP, APP_ATTACH, APP_PLAY };

struct app_opts {
	enum app_mode mode;
	const char *socket;      /* attach: the daemon's; else also listen here */
	bool readonly;
	const char *play;        /* play: the lesson or file */
	struct engine_opts eng;  /* TAP fields, speed, seed */
	int theme;               /* enum screen_theme, -1: by the terminal */
	bool no_color, ascii, mouse;
	const char *lang;        /* NULL: from the environment */
};

/* Where a request comes from: the keys (and the prompt) or the player. */
enum app_origin { ORIG_UI, ORIG_PLAY, ORIG_COUNT };

struct app_req;
typedef void (*app_done_fn)(struct app *a, struct app_req *r, const struct tvc_msg *m);

/* A request on its way: queued, then sent, then answered. */
struct app_req {
	struct app_req *next;
	struct app *app;
	char *line;
	enum app_origin origin;
	bool waits;              /* lets time pass: one at a time (step back) */
	bool record;             /* a command the step back replays */
	bool control;            /* a control request (server.h), not a command */
	bool quiet;              /* no status line when it works */
	bool pause;              /* `pause`: the clock stops */
	unsigned group;          /* the step it belongs to */
	size_t play_line;        /* ORIG_PLAY: index in the play */
	app_done_fn done;        /* after the usual handling; may be NULL */
	char conn_name[32];      /* connect ... as NAME: the name */
	char conn_host[32];      /* and the host */
};

/* A recorded command (step back). */
struct app_step {
	struct engine_rec rec;
	unsigned group;
};

/* A step of the user's (a key, a prompt line, a stretch of the lesson). */
struct app_group {
	unsigned id;
	size_t play_next;        /* where the player was when it began */
};

/* A connection opened here, by name (for `x`): the host's id and its
 * connection id, which a replay gives again (model keys it may not). */
struct app_name {
	char name[32];
	uint32_t host, id;
	unsigned group;
};

enum app_input { IN_NORMAL, IN_PROMPT, IN_FILTER, IN_MENU };

#define APP_MENU_MAX 24
#define APP_ARCHIVE 32768        /* recent events kept for the text export */

struct app_menu_item {
	char label[96];          /* translated at build time */
	char line[96];           /* the command it sends */
	char host[32];           /* a rule at this host's gate going out */
};

struct app {
	struct app_opts o;
	struct engine *eng;      /* in process; NULL when attached */
	struct play *play;
	struct conn *ui;         /* the screen's connection */
	struct conn *pc;         /* the player's connection */
	struct model *m;
	struct view_state vs;
	struct canvas cv;
	struct screen *scr;
	struct ladder *lad;      /* every event, for the text export */
	struct tv_event *archive;/* recent events, a ring (export ladder) */
	size_t arch_n, arch_first;
	/* the loop */
	uv_loop_t own;           /* attached: our own loop */
	bool own_init;
	uv_loop_t *loop;
	uv_poll_t in;
	uv_timer_t tick, redraw, reattach;
	uv_signal_t winch, term[3];
	unsigned handles;
	bool quit, rebuild, disconnected, running;
	bool dirty;              /* the view state changed */
	uint64_t drawn_changes;  /* model->changes at the last frame */
	uint64_t last_frame;     /* wall µs */
	long drawn_second;
	/* input */
	enum app_input input;
	struct prompt cmd, filt;
	struct app_menu_item menu[APP_MENU_MAX];
	int nmenu, menu_sel;
	char status[640];
	bool status_error;
	char link[64];
	char warning[512];       /* from the engine's set-up (TAP) */
	bool zh;                 /* the language is Chinese now */
	bool holding;            /* we last asked the gates to hold */
	unsigned lagged;         /* times our engine dropped us (too slow) */
	bool reattaching;
	uint64_t sel_held_id;    /* the selected held frame, 0 none */
	/* requests */
	struct app_req *queue[ORIG_COUNT], *inflight;
	unsigned ninflight;
	bool wait_busy;          /* a waiting command is on its way */
	bool play_busy;          /* a line of the lesson is on its way */
	unsigned group, play_group;
	/* step back */
	struct app_step *steps;
	size_t nsteps, steps_cap;
	struct app_group *groups;
	size_t ngroups, groups_cap;
	tv_time back_to;         /* the rebuild's target time */
	bool back_paused;
	double back_speed;
	/* names of the connections opened here */
	struct app_name names[64];
	unsigned nnames;
	unsigned next_conn;
};

/* app.c */
/* Switch the language of every text (English or Chinese): false with a
 * message when it cannot be shown. */
bool app_language(struct app *a, bool zh);
void app_status(struct app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void app_touch(struct app *a);           /* redraw soon */
void app_quit(struct app *a);
bool app_reconnect(struct app *a);
uint32_t app_host_id(const struct app *a, const char *name);
/* The n-th host of the stack (not the kernel, not a raw peer), NULL none. */
const char *app_stack_host(const struct app *a, unsigned n);

/* keys.c */
void app_key(struct app *a, int key);
void app_draw_menu(struct app *a);
void app_sync_selection(struct app *a);

/* send.c */
/* Queue a request line; 0, or -1 (read-only, memory).  group: 0 for the
 * current one. */
int app_send(struct app *a, const char *line, enum app_origin origin, app_done_fn done);
void app_pump(struct app *a);
void app_new_group(struct app *a);
void app_requests_drop_queued(struct app *a);
void app_requests_drop(struct app *a);
/* The step back: 0 (a rebuild is on its way) or -1 (said why). */
int app_step_back(struct app *a);
/* After the rebuild, on the new engine before anyone attached. */
int app_replay(struct app *a, char *msg, size_t size);
void app_steps_free(struct app *a);
/* The player: start at the first line, go on from a pause. */
void app_play_start(struct app *a);
void app_play_continue(struct app *a);
void app_play_pump(struct app *a);
/* The name a connection was opened with here, NULL if none. */
const char *app_conn_name(const struct app *a, uint32_t host, uint32_t id);

/* export.c */
void app_export(struct app *a);
void app_archive_event(struct app *a, const struct tv_event *ev);

#endif
