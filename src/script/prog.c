/*
 * prog.c - a whole script file: every line parsed into a command, every
 * parse error collected (so a script with three typos reports three
 * errors at once), the seed the file asks for, and its one-line lesson
 * summary (a `# lesson: ...` comment near the top).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "script/internal.h"

static int prog_add_cmd(struct script_prog *prog, const struct script_cmd *cmd)
{
	if (prog->n == prog->cap) {
		size_t cap = prog->cap ? prog->cap * 2 : 64;
		struct script_cmd *c = realloc(prog->cmds, cap * sizeof(*c));
		if (c == NULL)
			return TV_ENOMEM;
		prog->cmds = c;
		prog->cap = cap;
	}
	prog->cmds[prog->n++] = *cmd;
	return 0;
}

static int prog_add_err(struct script_prog *prog, const struct script_error *err)
{
	if (prog->nerrs == prog->errs_cap) {
		size_t cap = prog->errs_cap ? prog->errs_cap * 2 : 8;
		struct script_error *e = realloc(prog->errs, cap * sizeof(*e));
		if (e == NULL)
			return TV_ENOMEM;
		prog->errs = e;
		prog->errs_cap = cap;
	}
	prog->errs[prog->nerrs++] = *err;
	return 0;
}

static int prog_line(struct script_prog *prog, const char *file, unsigned line, const char *p,
		     size_t len)
{
	struct script_cmd cmd;
	struct script_error err;

	if (script_parse_line(file, line, p, len, &cmd, &err) != 0)
		return prog_add_err(prog, &err);
	if (cmd.kind == SCRIPT_NONE)
		return 0;
	if (cmd.kind == SCRIPT_SEED && !prog->has_seed) {
		prog->has_seed = true;
		prog->seed = cmd.n;
	}
	if (prog_add_cmd(prog, &cmd) != 0) {
		script_cmd_free(&cmd);
		return TV_ENOMEM;
	}
	return 0;
}

int script_prog_parse(const char *file, const char *text, size_t len, struct script_prog *prog)
{
	unsigned line = 0;
	size_t off = 0;

	memset(prog, 0, sizeof(*prog));
	script_lesson_summary(text, len, prog->summary, sizeof(prog->summary));
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		if (prog_line(prog, file, ++line, text + off, n) != 0)
			return TV_ENOMEM;
		off += n + (nl != NULL);
	}
	return 0;
}

void script_prog_free(struct script_prog *prog)
{
	for (size_t i = 0; i < prog->n; i++)
		script_cmd_free(&prog->cmds[i]);
	free(prog->cmds);
	free(prog->errs);
	memset(prog, 0, sizeof(*prog));
}

/* "# lesson: text" (any blanks around '#' and the colon). */
static bool summary_of_line(const char *p, size_t n, char *buf, size_t size)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= n || p[i] != '#')
		return false;
	i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (n - i < 7 || memcmp(p + i, "lesson:", 7) != 0)
		return false;
	i += 7;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	while (n > i && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	size_t k = n - i < size - 1 ? n - i : size - 1;
	memcpy(buf, p + i, k);
	buf[k] = '\0';
	return true;
}

bool script_lesson_summary(const char *text, size_t len, char *buf, size_t size)
{
	size_t off = 0;

	if (size == 0)
		return false;
	buf[0] = '\0';
	for (int line = 0; line < 30 && off < len; line++) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		if (summary_of_line(text + off, n, buf, size))
			return true;
		off += n + 1;
	}
	return false;
}
