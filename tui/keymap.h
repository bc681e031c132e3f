/*
 * keymap.h - every action of the TUI on a key: a letter first, F-keys
 * and arrows as aliases.  The help screen is generated from this table,
 * so it cannot drift from what the keys do.  No curses here: keys are
 * TK_* codes (printable characters are themselves); the screen layer
 * translates curses' KEY_* to them.
 */
#ifndef TV_TUI_KEYMAP_H
#define TV_TUI_KEYMAP_H

#include <stddef.h>

/* Keys that are not characters. */
enum {
	TK_BASE = 0x110000,      /* above every code point */
	TK_UP, TK_DOWN, TK_LEFT, TK_RIGHT, TK_PGUP, TK_PGDN, TK_HOME, TK_END,
	TK_ENTER, TK_ESC, TK_TAB, TK_BTAB, TK_BACKSPACE, TK_DELETE, TK_RESIZE,
	TK_MOUSE,
	TK_F0 = TK_BASE + 0x100, /* TK_F(n): function key n */
};
#define TK_F(n) (TK_F0 + (n))

enum ui_action {
	UA_NONE,
	UA_QUIT,
	UA_HELP,             /* ? F1 */
	UA_PAUSE,            /* space: pause/resume the clock */
	UA_STEP,             /* n: deliver the next held segment */
	UA_NEXT_TIMER,       /* t: skip to the next timer */
	UA_FASTER,           /* + */
	UA_SLOWER,           /* - */
	UA_PROMPT,           /* : the command prompt */
	UA_FILTER,           /* / filter the event log */
	UA_NEXT_PANE,        /* Tab */
	UA_PREV_PANE,        /* Shift-Tab */
	UA_RELATIVE,         /* r relative/absolute sequence numbers */
	UA_EXPLAIN,          /* e explanations on/off */
	UA_LANGUAGE,         /* L English / 中文 */
	UA_EXPORT,           /* w pcap + text ladder of the selected connection */
	UA_BACK,             /* b step back (demo and scripts) */
	UA_UP, UA_DOWN, UA_PGUP, UA_PGDN, UA_TOP, UA_BOTTOM,
	UA_LIVE,             /* G follow the newest again */
	UA_DELIVER,          /* Enter: release the selected held segment */
	UA_DROP,             /* d drop the selected held segment */
	UA_DUP,              /* D duplicate it */
	UA_DELAY,            /* y delay it */
	UA_RULES,            /* R rule menu ("drop the next FIN from B") */
	UA_CONNECT,          /* c open a connection (demo: A to B's echo) */
	UA_CLOSE,            /* x close the selected connection */
	UA_CARD,             /* ? cards: k cycles the pinned "why" card */
	UA_HOLD,             /* h hold/pass the gates */
	UA_THEME,            /* T colour / high contrast / monochrome */
	UA_REDRAW,           /* Ctrl-L */
	UA_COUNT
};

struct key_binding {
	int key;             /* a character or a TK_* code */
	const char *name;    /* as shown: "q", "Space", "F1" (untranslated) */
	enum ui_action action;
	const char *help;    /* N_() text: what it does */
};

/* The table, in the order the help screen shows it; *n its length. */
const struct key_binding *keymap_table(size_t *n);
/* The action of a key, UA_NONE if unbound. */
enum ui_action keymap_lookup(int key);
/* The first key bound to an action (its name), NULL if none: for hints
 * ("press n to step"). */
const char *keymap_key_name(enum ui_action a);

#endif
