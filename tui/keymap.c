/*
 * keymap.c - the key table (see keymap.h).
 *
 * One row per key.  Every action has a letter (or a punctuation key) first
 * so that it works on any terminal, then its aliases: function keys,
 * arrows, paging keys.  The help screen lists the rows in this order and
 * joins the keys of one action ("q  F10  quit"), so the table is also the
 * documentation; the help texts are N_() and translated when shown.
 * Lookups are linear: about sixty rows, one key press at a time.
 */
#include "config.h"

#include "i18n.h"
#include "tui/keymap.h"

#define CTRL(c) ((c) & 0x1f)

static const struct key_binding key_table[] = {
	{'?', "?", UA_HELP, N_("help: this screen (any key closes it)")},
	{TK_F(1), "F1", UA_HELP, NULL},
	{'q', "q", UA_QUIT, N_("quit")},
	{TK_F(10), "F10", UA_QUIT, NULL},
	{' ', "Space", UA_PAUSE, N_("pause or resume the clock")},
	{TK_F(5), "F5", UA_PAUSE, NULL},
	{'n', "n", UA_STEP, N_("step: deliver the next held segment")},
	{TK_F(6), "F6", UA_STEP, NULL},
	{'t', "t", UA_NEXT_TIMER, N_("skip to the next timer")},
	{TK_F(7), "F7", UA_NEXT_TIMER, NULL},
	{'b', "b", UA_BACK, N_("step back: replay to the previous step")},
	{TK_F(8), "F8", UA_BACK, NULL},
	{'+', "+", UA_FASTER, N_("run faster")},
	{'=', "=", UA_FASTER, NULL},
	{'-', "-", UA_SLOWER, N_("run slower")},
	{':', ":", UA_PROMPT, N_("command prompt (the command language)")},
	{TK_F(2), "F2", UA_PROMPT, NULL},
	{'/', "/", UA_FILTER, N_("filter the event log")},
	{TK_F(3), "F3", UA_FILTER, NULL},
	{TK_TAB, "Tab", UA_NEXT_PANE, N_("next pane")},
	{TK_BTAB, "Shift-Tab", UA_PREV_PANE, N_("previous pane")},
	{'i', "i", UA_UP, N_("move up / scroll up")},
	{TK_UP, "Up", UA_UP, NULL},
	{'j', "j", UA_DOWN, N_("move down / scroll down")},
	{TK_DOWN, "Down", UA_DOWN, NULL},
	{'u', "u", UA_PGUP, N_("page up")},
	{TK_PGUP, "PgUp", UA_PGUP, NULL},
	{'f', "f", UA_PGDN, N_("page down")},
	{TK_PGDN, "PgDn", UA_PGDN, NULL},
	{'g', "g", UA_TOP, N_("go to the top (oldest)")},
	{TK_HOME, "Home", UA_TOP, NULL},
	{'G', "G", UA_LIVE, N_("go live: follow the newest again")},
	{TK_END, "End", UA_BOTTOM, N_("go to the bottom (newest)")},
	{'r', "r", UA_RELATIVE, N_("relative or absolute sequence numbers")},
	{'e', "e", UA_EXPLAIN, N_("explanations on or off")},
	{'k', "k", UA_CARD, N_("cycle the pinned \"why\" cards")},
	{TK_F(4), "F4", UA_CARD, NULL},
	{'L', "L", UA_LANGUAGE, N_("switch language (English / 中文)")},
	{TK_F(9), "F9", UA_LANGUAGE, NULL},
	{TK_ENTER, "Enter", UA_DELIVER, N_("deliver the selected held segment")},
	{'d', "d", UA_DROP, N_("drop the selected held segment")},
	{'D', "D", UA_DUP, N_("duplicate the selected held segment")},
	{'y', "y", UA_DELAY, N_("delay the selected held segment")},
	{'h', "h", UA_HOLD, N_("hold or pass: the gates hold segments, or let them through")},
	{'R', "R", UA_RULES, N_("rules menu (\"drop the next FIN from B\")")},
	{'c', "c", UA_CONNECT, N_("connect: open a connection (demo: A to B's echo)")},
	{'x', "x", UA_CLOSE, N_("close the selected connection")},
	{'w', "w", UA_EXPORT, N_("export: pcap and text ladder of the selected connection")},
	{'T', "T", UA_THEME, N_("theme: colour, high contrast, monochrome")},
	{CTRL('l'), "Ctrl-L", UA_REDRAW, N_("redraw the screen")},
	{TK_F(12), "F12", UA_REDRAW, NULL},
};

const struct key_binding *keymap_table(size_t *n)
{
	*n = sizeof(key_table) / sizeof(key_table[0]);
	return key_table;
}

enum ui_action keymap_lookup(int key)
{
	size_t n;
	const struct key_binding *t = keymap_table(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].key == key)
			return t[i].action;
	return UA_NONE;
}

const char *keymap_key_name(enum ui_action a)
{
	size_t n;
	const struct key_binding *t = keymap_table(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].action == a)
			return t[i].name;
	return NULL;
}
