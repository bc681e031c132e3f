/*
 * view.h - the TUI's screen as a function of the model and the view
 * state: view_render() draws a whole frame into a canvas (canvas.h), and
 * screen.c copies it to the terminal.  No curses, no libuv: views are
 * tested and benchmarked without a terminal.  Every text is translated at
 * draw time (gettext), so a language switch is a redraw.
 *
 * Layout (view_layout) adapts to the size: at 80x24 the header, the
 * connection table, the ladder and the status line, with the wire queue,
 * the explanation and the log sharing the rest; wider and taller screens
 * add the state diagram and give the ladder and the log more room.
 * Under 80x24 the frame is one centred message saying the size needed.
 */
#ifndef TV_TUI_VIEW_H
#define TV_TUI_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/canvas.h"
#include "tui/model.h"

#define VIEW_MIN_W 80
#define VIEW_MIN_H 24

enum view_pane { VP_CONNS, VP_LADDER, VP_QUEUE, VP_LOG, VP_COUNT };

/* Which events the log shows. */
struct view_filter {
	unsigned types;          /* 1u << TV_EV_* shown; 0 = all */
	uint32_t host;           /* 0 = every host */
	unsigned flow;           /* 0 = every connection */
	char text[64];           /* substring of the formatted line, "" none */
};

/* What the user is looking at: owned by the app, read (and scroll
 * positions clamped) by the views. */
struct view_state {
	enum view_pane focus;
	unsigned sel_conn;       /* tm_conn key of the selected row, 0 none */
	unsigned sel_held;       /* index into model->held */
	int conn_top;            /* first table row shown */
	long ladder_top;         /* first ladder row shown; follow: newest */
	bool ladder_follow;
	long log_top;
	bool log_follow;
	bool relative;           /* relative sequence numbers */
	bool explain;            /* explanation panel shown */
	bool help;               /* the help screen covers everything */
	int help_top;
	int card;                /* pinned "why" card, -1 none */
	bool monochrome;         /* no colour: states also by text */
	struct view_filter filter;
	const char *link;        /* "wire" or the TAP device's name */
	const char *prompt;      /* the prompt line being edited, NULL none */
	int prompt_cursor;       /* its cursor, in columns */
	const char *status;      /* the last reply or error, NULL none */
	bool status_error;
	const char *lesson;      /* playing: the lesson's name, NULL none */
	uint64_t wall;           /* monotonic µs now (for the clock) */
	long wall_clock;         /* time(NULL), for the header's clock */
	int cursor_y, cursor_x;  /* out: where the terminal cursor goes
				    (-1: hidden) */
	struct view_cache *cache; /* the views' own (the ladder's row layout,
				    the log filter's matches); freed by
				    view_state_fini */
};

void view_state_init(struct view_state *vs);
/* Free what the views cached in vs (call once, when done with it). */
void view_state_fini(struct view_state *vs);

struct layout {
	bool too_small;
	struct rect header, conns, ladder, diagram, queue, explain, log, status;
	/* A pane of zero height is not shown. */
};

void view_layout(int w, int h, const struct view_state *vs, struct layout *out);
/* Draw the whole frame for c's size. */
void view_render(struct canvas *c, const struct model *m, struct view_state *vs);

/* The "why" cards: their number, and the title of card i (translated). */
int view_card_count(void);
const char *view_card_title(int i);

/* The RFC state name with its Chinese name beside it when the language
 * is Chinese and width allows ("TIME-WAIT 时间等待"), into buf. */
const char *view_state_label(int state, int maxw, char *buf, size_t size);

#endif
