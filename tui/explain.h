/*
 * explain.h - the words of the explanation panel: one sentence for an
 * event ("B received SYN from A: LISTEN → SYN-RECEIVED"), a longer
 * explanation for every protocol rule (rule.h: what it says and why it
 * exists), and the pinned "why" cards (why three segments to open, why
 * TIME-WAIT waits 2MSL...).
 *
 * Every text is translated when it is asked for (gettext), so a view
 * that calls these at draw time redraws in the new language after a
 * language switch.  Returned strings are static (or the catalog's) and
 * stay valid until the next call that changes the language; explain_event
 * writes into the caller's buffer.  No curses, no I/O.
 *
 *   char line[256];
 *   explain_event(model, &model->last, line, sizeof(line));
 *   const char *why = explain_rule(model->last_rule.rule);
 *   int card = explain_card_for_event(&model->last);   (-1: none)
 *   if (card >= 0) title = explain_card_title(card), body = explain_card_body(card);
 */
#ifndef TV_TUI_EXPLAIN_H
#define TV_TUI_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "core/rule.h"

struct model;

/* The "why" cards, in a fixed order (the card numbers are stable within
 * a build; use the enum to name one). */
enum explain_card {
	EXPLAIN_CARD_SEQ_CONSUME,   /* why SYN and FIN consume a sequence number */
	EXPLAIN_CARD_THREE_WAY,     /* why three segments to open, not two */
	EXPLAIN_CARD_HANDSHAKE_CONFIRMS, /* what each handshake step proves */
	EXPLAIN_CARD_FOUR_WAY,      /* why four segments to close (half-close) */
	EXPLAIN_CARD_TIME_WAIT,     /* why TIME-WAIT waits 2MSL */
	EXPLAIN_CARD_KEEPALIVE,     /* what keepalive does */
	EXPLAIN_CARD_RETRANSMIT,    /* RTO, backoff, Karn */
	EXPLAIN_CARD_STATES,        /* the states a connection goes through */
	EXPLAIN_CARD_RST,           /* what a reset is for */
	EXPLAIN_CARD_WINDOW,        /* flow control: the window, zero window */
	EXPLAIN_CARD_CONGESTION,    /* cwnd: slow start, congestion avoidance */
	EXPLAIN_CARD_COUNT
};

/* How many cards (EXPLAIN_CARD_COUNT); title and body of card i,
 * translated ("" for an i out of range).  Bodies are paragraphs with
 * "\n\n" between them and no other line breaks: the view wraps them. */
int explain_card_count(void);
const char *explain_card_title(int i);
const char *explain_card_body(int i);

/* The card most relevant to an event (a SYN sent: THREE_WAY; a change to
 * TIME-WAIT: TIME_WAIT; a keepalive timer: KEEPALIVE...), -1 when none. */
int explain_card_for_event(const struct tv_event *ev);

/* The long explanation of a rule: what it says and why it exists, 2-4
 * sentences, translated ("" for TV_RULE_NONE or out of range). */
const char *explain_rule(enum tv_rule r);

/* One sentence describing ev, translated, with host names from the model
 * (m may be NULL: hosts are then "#ID"), e.g.
 *   "B received SYN from A: LISTEN → SYN-RECEIVED"
 *   "A sent FIN (seq 1001): the application closed"
 * Sequence numbers are relative when the model knows the flow's ISNs.
 * Writes at most size bytes (always NUL-terminated when size > 0, cut at
 * a character boundary) and returns the length written. */
size_t explain_event(const struct model *m, const struct tv_event *ev, char *buf, size_t size);
/* The same with relative (true) or absolute (false) sequence numbers, as
 * the user chose for the ladder. */
size_t explain_event_rel(const struct model *m, const struct tv_event *ev, bool relative,
			 char *buf, size_t size);

#endif
