/*
 * prompt.h - the line editor of the TUI's ':' command prompt and '/'
 * filter: UTF-8 text with a cursor, a history browsed with up and down,
 * and completion of the word before the cursor from a list of words.  No
 * curses: the app feeds it keys, the view draws prompt_text() with the
 * cursor at prompt_cursor_col().
 *
 *   struct prompt p;
 *   prompt_init(&p);
 *   prompt_insert(&p, 'h'); ... prompt_left(&p); prompt_backspace(&p);
 *   prompt_complete(&p, words, n, list, sizeof(list));   Tab
 *   prompt_history_add(&p, prompt_text(&p));             Enter
 *   prompt_clear(&p);
 *   prompt_free(&p);
 */
#ifndef TV_TUI_PROMPT_H
#define TV_TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROMPT_MAX 1024          /* bytes of text, NUL included */
#define PROMPT_HISTORY_MAX 200

struct prompt {
	char buf[PROMPT_MAX];
	size_t len;              /* bytes */
	size_t cur;              /* the cursor, in bytes, on a character boundary */
	char **hist;             /* oldest first */
	size_t nhist;
	size_t hpos;             /* nhist: not browsing */
	char saved[PROMPT_MAX];  /* the line being edited before browsing */
};

void prompt_init(struct prompt *p);
void prompt_free(struct prompt *p);
/* Empty the line (the history stays). */
void prompt_clear(struct prompt *p);
/* Replace the line, cursor at the end. */
void prompt_set(struct prompt *p, const char *s);
const char *prompt_text(const struct prompt *p);
/* Columns from the start of the line to the cursor (display width). */
int prompt_cursor_col(const struct prompt *p);

/* Insert a code point at the cursor (control characters are refused);
 * false when it does not fit. */
bool prompt_insert(struct prompt *p, uint32_t cp);
void prompt_backspace(struct prompt *p);
void prompt_delete(struct prompt *p);
void prompt_left(struct prompt *p);
void prompt_right(struct prompt *p);
void prompt_home(struct prompt *p);
void prompt_end(struct prompt *p);
/* Delete the word before the cursor (Ctrl-W). */
void prompt_kill_word(struct prompt *p);

/* Remember a line (not a blank one, not the same as the last). */
void prompt_history_add(struct prompt *p, const char *line);
/* Older / newer line; past the newest, the line that was being edited. */
void prompt_history_prev(struct prompt *p);
void prompt_history_next(struct prompt *p);

/* Which word the cursor is in: 0 the first. */
int prompt_word_index(const struct prompt *p);
/* Complete the word before the cursor from words (n of them; words that
 * start with it, compared without case for ASCII letters).  One match: the
 * word is completed and a space added.  Several: the word grows to their
 * longest common prefix and list gets them, space-separated (cut to
 * size).  Returns the number of matches. */
size_t prompt_complete(struct prompt *p, const char *const *words, size_t n, char *list,
		       size_t size);

/* The command language's command words and the control requests, for
 * completing the first word. */
const char *const *prompt_command_words(size_t *n);
/* Other words of the language (to, as, until, states, services...). */
const char *const *prompt_keywords(size_t *n);

#endif
