/*
 * explain_int.h - the tables of texts explain.c shows (explain_text.c),
 * untranslated: explain.c passes them through gettext when asked.
 */
#ifndef TV_TUI_EXPLAIN_INT_H
#define TV_TUI_EXPLAIN_INT_H

#include "core/rule.h"
#include "tui/explain.h"

struct explain_card_text {
	const char *title, *body;
};

extern const struct explain_card_text explain_cards[EXPLAIN_CARD_COUNT];
extern const char *const explain_rules[TV_RULE_COUNT];

#endif
