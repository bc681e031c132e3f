/*
 * play.h - a scenario script (a lesson or a *.tvs file) for the TUI to
 * play interactively: its lines, each parsed, so the TUI can send them to
 * the engine one at a time as requests and stop at every `pause` until
 * the user says go on.
 *
 *   struct play *p = play_load("handshake", msg, sizeof(msg));
 *   ... p->lines[p->next] ...
 *   play_free(p);
 *
 * Lessons are found as `tcpviz run` finds them (src/run.h).  Every parse
 * error is reported at once, before anything runs.  `seed` lines are not
 * sent: the engine is created with the script's seed.
 */
#ifndef TV_TUI_PLAY_H
#define TV_TUI_PLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script/script.h"

struct play_line {
	char *text;              /* the line as written (comments and all) */
	unsigned line;           /* 1-based */
	enum script_cmd_kind kind;
	bool waits;              /* it lets time pass (step, run...) */
};

enum play_state {
	PLAY_RUNNING,            /* sending lines */
	PLAY_PAUSED,             /* at a `pause`: waiting for the user */
	PLAY_DONE,               /* every line ran */
	PLAY_FAILED,             /* a line failed: the play stopped there */
};

struct play {
	char path[4096];
	char name[256];          /* the lesson's name or the file's base name */
	char summary[SCRIPT_MSG_MAX]; /* "# lesson: ..." text, "" if none */
	uint64_t seed;
	struct play_line *lines; /* only lines with a command */
	size_t n;
	size_t next;             /* the next line to send */
	enum play_state state;
};

/* Find, read and parse.  NULL with a translated message in msg (every
 * parse error, one per line, as much as fits). */
struct play *play_load(const char *arg, char *msg, size_t size);
void play_free(struct play *p);

#endif
