/*
 * prompt.c - the line editor of the ':' and '/' prompts (see prompt.h).
 *
 * The text is UTF-8 in a fixed buffer; the cursor moves by code points
 * (a combining mark counts as one: the prompt is for commands, where
 * they do not occur).  The history is a list of copies, oldest first,
 * bounded; browsing it keeps the line being edited, as shells do.
 */
#ifndef _DEFAULT_SOURCE /* strdup under -std=c11 */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/prompt.h"
#include "tui/width.h"

void prompt_init(struct prompt *p)
{
	memset(p, 0, sizeof(*p));
}

void prompt_free(struct prompt *p)
{
	for (size_t i = 0; i < p->nhist; i++)
		free(p->hist[i]);
	free(p->hist);
	p->hist = NULL;
	p->nhist = p->hpos = 0;
}

void prompt_clear(struct prompt *p)
{
	p->buf[0] = '\0';
	p->len = p->cur = 0;
	p->hpos = p->nhist;
}

void prompt_set(struct prompt *p, const char *s)
{
	size_t n = strlen(s);

	if (n >= PROMPT_MAX)
		n = PROMPT_MAX - 1;
	/* Never cut a character in two. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(p->buf, s, n);
	p->buf[n] = '\0';
	p->len = p->cur = n;
}

const char *prompt_text(const struct prompt *p)
{
	return p->buf;
}

int prompt_cursor_col(const struct prompt *p)
{
	char head[PROMPT_MAX];

	memcpy(head, p->buf, p->cur);
	head[p->cur] = '\0';
	return tw_width(head);
}

/* ---- editing ---- */

bool prompt_insert(struct prompt *p, uint32_t cp)
{
	char b[5];
	size_t n;

	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	n = tw_encode(cp, b);
	if (p->len + n >= PROMPT_MAX)
		return false;
	memmove(p->buf + p->cur + n, p->buf + p->cur, p->len - p->cur + 1);
	memcpy(p->buf + p->cur, b, n);
	p->len += n;
	p->cur += n;
	return true;
}

/* The start of the character before byte offset i. */
static size_t char_before(const struct prompt *p, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)p->buf[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* The start of the character after the one at byte offset i. */
static size_t char_after(const struct prompt *p, size_t i)
{
	if (i >= p->len)
		return p->len;
	i++;
	while (i < p->len && ((unsigned char)p->buf[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* Remove bytes [a, b). */
static void cut(struct prompt *p, size_t a, size_t b)
{
	memmove(p->buf + a, p->buf + b, p->len - b + 1);
	p->len -= b - a;
	if (p->cur > b)
		p->cur -= b - a;
	else if (p->cur > a)
		p->cur = a;
}

void prompt_backspace(struct prompt *p)
{
	if (p->cur > 0)
		cut(p, char_before(p, p->cur), p->cur);
}

void prompt_delete(struct prompt *p)
{
	if (p->cur < p->len)
		cut(p, p->cur, char_after(p, p->cur));
}

void prompt_left(struct prompt *p)
{
	p->cur = char_before(p, p->cur);
}

void prompt_right(struct prompt *p)
{
	p->cur = char_after(p, p->cur);
}

void prompt_home(struct prompt *p)
{
	p->cur = 0;
}

void prompt_end(struct prompt *p)
{
	p->cur = p->len;
}

/* Where the word the cursor is in (or just after) starts. */
static size_t word_start(const struct prompt *p)
{
	size_t i = p->cur;

	while (i > 0 && p->buf[i - 1] != ' ')
		i--;
	return i;
}

void prompt_kill_word(struct prompt *p)
{
	size_t end = p->cur, i = p->cur;

	while (i > 0 && p->buf[i - 1] == ' ')
		i--;
	while (i > 0 && p->buf[i - 1] != ' ')
		i--;
	cut(p, i, end);
}

/* ---- history ---- */

void prompt_history_add(struct prompt *p, const char *line)
{
	char *copy, **h;

	if (strspn(line, " ") == strlen(line) ||
	    (p->nhist > 0 && strcmp(p->hist[p->nhist - 1], line) == 0)) {
		p->hpos = p->nhist;
		return;
	}
	if (p->nhist == PROMPT_HISTORY_MAX) {
		free(p->hist[0]);
		memmove(p->hist, p->hist + 1, --p->nhist * sizeof(*p->hist));
	}
	if ((copy = strdup(line)) == NULL ||
	    (h = realloc(p->hist, (p->nhist + 1) * sizeof(*h))) == NULL) {
		free(copy);
		return;
	}
	p->hist = h;
	p->hist[p->nhist++] = copy;
	p->hpos = p->nhist;
}

void prompt_history_prev(struct prompt *p)
{
	if (p->hpos == 0 || p->nhist == 0)
		return;
	if (p->hpos >= p->nhist) {
		memcpy(p->saved, p->buf, p->len + 1);
		p->hpos = p->nhist;
	}
	p->hpos--;
	prompt_set(p, p->hist[p->hpos]);
}

void prompt_history_next(struct prompt *p)
{
	if (p->hpos >= p->nhist)
		return;
	if (++p->hpos == p->nhist)
		prompt_set(p, p->saved);
	else
		prompt_set(p, p->hist[p->hpos]);
}

/* ---- completion ---- */

int prompt_word_index(const struct prompt *p)
{
	int n = 0;
	size_t i = 0, end = word_start(p);

	while (i < end) {
		while (i < end && p->buf[i] == ' ')
			i++;
		if (i >= end)
			break;
		while (i < end && p->buf[i] != ' ')
			i++;
		n++;
	}
	return n;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool has_prefix(const char *w, const char *pre, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] == '\0' || lower(w[i]) != lower(pre[i]))
			return false;
	return true;
}

/* Replace bytes [a, cur) by s, then the cursor after it. */
static void replace_word(struct prompt *p, size_t a, const char *s, size_t n)
{
	size_t old = p->cur - a;

	if (p->len - old + n >= PROMPT_MAX)
		return;
	memmove(p->buf + a + n, p->buf + p->cur, p->len - p->cur + 1);
	memcpy(p->buf + a, s, n);
	p->len = p->len - old + n;
	p->cur = a + n;
}

static void list_add(char *list, size_t size, size_t *used, const char *w)
{
	size_t n = strlen(w) + (*used > 0);

	if (size == 0 || *used + n + 1 > size)
		return;
	if (*used > 0)
		list[(*used)++] = ' ';
	strcpy(list + *used, w);
	*used += strlen(w);
}

size_t prompt_complete(struct prompt *p, const char *const *words, size_t n, char *list,
		       size_t size)
{
	size_t a = word_start(p), plen = p->cur - a, matches = 0, common = 0, used = 0;
	const char *first = NULL;

	if (size > 0)
		list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!has_prefix(words[i], p->buf + a, plen))
			continue;
		if (first == NULL) {
			first = words[i];
			common = strlen(first);
		}
		while (common > plen && !has_prefix(words[i], first, common))
			common--;
		matches++;
		list_add(list, size, &used, words[i]);
	}
	if (matches == 1) {
		char w[PROMPT_MAX];
		snprintf(w, sizeof(w), "%s ", first);
		replace_word(p, a, w, strlen(w));
	} else if (matches > 1 && common > plen) {
		replace_word(p, a, first, common);
	}
	return matches;
}

static const char *const command_words[] = {
	/* the command language (doc/tcpviz-script.5) */
	"abort", "accept", "close", "connect", "delay", "drop", "dup", "expect", "hold",
	"host", "listen", "next", "pass", "pause", "peer", "recv", "release", "rule", "run",
	"say", "seed", "send", "set", "shutdown", "start", "step", "stop", "wire",
	/* control requests (src/daemon/server.h) */
	"help", "ping", "resume", "skip", "snapshot", "speed", "stats",
};

static const char *const keywords[] = {
	"all", "any", "as", "backlog", "bytes", "chance", "chargen", "counter", "daytime",
	"discard", "dport", "echo", "every", "fires", "flags", "from", "held", "http", "icmp",
	"idle", "in", "is", "jitter", "limit", "loss", "next", "noaccept", "none", "of", "off", "on",
	"out", "quiet", "received", "reorder", "running", "seq", "sport", "stopped", "tcp",
	"timer", "to", "until", "wait", "with", "within", "zeros",
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
	"FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
	"rexmit", "persist", "delack", "keepalive", "2msl", "conn",
};

const char *const *prompt_command_words(size_t *n)
{
	*n = sizeof(command_words) / sizeof(command_words[0]);
	return command_words;
}

const char *const *prompt_keywords(size_t *n)
{
	*n = sizeof(keywords) / sizeof(keywords[0]);
	return keywords;
}
