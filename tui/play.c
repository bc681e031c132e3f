/*
 * play.c - load a scenario script for the TUI's player (see play.h):
 * find it as `tcpviz run` does, parse every line with the command
 * language's parser (so errors are the same, file:line:col), and keep the
 * text of each line that holds a command, to be sent as a request.
 */
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/rt.h"
#include "i18n.h"
#include "run.h"
#include "tui/play.h"

void play_free(struct play *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->lines[i].text);
	free(p->lines);
	free(p);
}

static int play_add(struct play *p, size_t *cap, const char *text, size_t len, unsigned line,
		    const struct script_cmd *cmd)
{
	struct play_line *l;

	if (p->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		if ((l = realloc(p->lines, nc * sizeof(*l))) == NULL)
			return -1;
		p->lines = l;
		*cap = nc;
	}
	l = &p->lines[p->n];
	if ((l->text = strndup(text, len)) == NULL)
		return -1;
	l->line = line;
	l->kind = cmd->kind;
	l->waits = rt_cmd_waits(cmd);
	p->n++;
	return 0;
}

/* Append one error line to msg (as much as fits). */
static void error_add(char *msg, size_t size, const struct script_error *e)
{
	size_t used = strlen(msg);
	char line[SCRIPT_FILE_MAX + SCRIPT_MSG_MAX + 32];

	script_error_format(e, line, sizeof(line));
	if (used + 2 < size)
		snprintf(msg + used, size - used, "%s%s", used ? "\n" : "", line);
}

/* One line: a command to keep, a blank/comment to skip, or an error. */
static int play_line(struct play *p, size_t *cap, const char *text, size_t len, unsigned no,
		     char *msg, size_t size, unsigned *errors)
{
	struct script_cmd cmd;
	struct script_error err;
	int r = 0;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (script_parse_line(p->path, no, text, len, &cmd, &err) != 0) {
		error_add(msg, size, &err);
		(*errors)++;
		return 0;
	}
	if (cmd.kind == SCRIPT_SEED && p->seed == 0)
		p->seed = cmd.n;
	if (cmd.kind != SCRIPT_NONE && cmd.kind != SCRIPT_SEED)
		r = play_add(p, cap, text, len, no, &cmd);
	script_cmd_free(&cmd);
	return r;
}

static int play_parse(struct play *p, const char *text, size_t len, char *msg, size_t size)
{
	size_t off = 0, cap = 0;
	unsigned no = 0, errors = 0;

	msg[0] = '\0';
	script_lesson_summary(text, len, p->summary, sizeof(p->summary));
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		if (play_line(p, &cap, text + off, n, ++no, msg, size, &errors) != 0) {
			snprintf(msg, size, "%s", _("out of memory"));
			return -1;
		}
		off += n + (nl != NULL);
	}
	return errors ? -1 : 0;
}

static void play_name(struct play *p, const char *arg)
{
	const char *base = strrchr(arg, '/');
	size_t n;

	snprintf(p->name, sizeof(p->name), "%s", base ? base + 1 : arg);
	n = strlen(p->name);
	if (n > 4 && strcmp(p->name + n - 4, ".tvs") == 0)
		p->name[n - 4] = '\0';
}

struct play *play_load(const char *arg, char *msg, size_t size)
{
	struct play *p = calloc(1, sizeof(*p));
	size_t len;
	char *text;

	if (p == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return NULL;
	}
	if (!run_find_script(arg, p->path, sizeof(p->path))) {
		snprintf(msg, size, _("no script file or lesson named '%s' (see '%s lessons')"), arg,
			 PACKAGE);
		play_free(p);
		return NULL;
	}
	if ((text = run_load_script(p->path, &len)) == NULL) {
		snprintf(msg, size, _("cannot read %s: %s"), p->path, strerror(errno));
		play_free(p);
		return NULL;
	}
	play_name(p, arg);
	if (play_parse(p, text, len, msg, size) != 0) {
		free(text);
		play_free(p);
		return NULL;
	}
	free(text);
	if (p->seed == 0)
		p->seed = 1;
	return p;
}
