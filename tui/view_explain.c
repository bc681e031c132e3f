/*
 * view_explain.c - the explanation panel: what just happened and why.
 *
 * With a card pinned (vs->card >= 0) it shows that "why" card.
 * Otherwise, top to bottom: the lesson's narration when one plays, the
 * last event in one sentence, the last event a protocol rule explains,
 * with the rule's reference and its longer explanation, and a pointer to
 * the card about it.  The words come from tui/explain.h, translated at
 * draw time; text is wrapped by display width (CJK lines break between
 * characters).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/rule.h"
#include "i18n.h"
#include "tui/explain.h"
#include "tui/keymap.h"
#include "tui/view_internal.h"
#include "tui/width.h"

/* Text wrapped into what is left of the pane; returns the next row. */
static int para(struct vctx *x, const struct rect *in, int y, const char *text, int style)
{
	struct rect rest = {y, in->x + 1, in->y + in->h - y, in->w - 2};

	if (rest.h <= 0 || text == NULL || *text == '\0')
		return y;
	return y + view_wrap(x->c, &rest, y, 0, text, style);
}

static void draw_card(struct vctx *x, const struct rect *in, int card)
{
	int y = in->y;

	y = para(x, in, y, explain_card_title(card), TS_BOLD);
	para(x, in, y, explain_card_body(card), TS_NORMAL);
}

static bool same_event(const struct tv_event *a, const struct tv_event *b)
{
	return a->type == b->type && a->time == b->time && a->host == b->host &&
	       a->conn == b->conn && a->rule == b->rule;
}

static int draw_rule(struct vctx *x, const struct rect *in, int y)
{
	const struct model *m = x->m;
	enum tv_rule r = m->last_rule.rule;
	char line[512];

	if (!m->has_last_rule)
		return y;
	if (!m->has_last || !same_event(&m->last, &m->last_rule)) {
		explain_event(m, &m->last_rule, line, sizeof(line));
		y = para(x, in, y, line, TS_NORMAL);
	}
	if (r == TV_RULE_NONE)
		return y;
	/* TRANSLATORS: the reference of the rule that applied ("RFC 9293 3.10.7.3"). */
	snprintf(line, sizeof(line), _("Rule: %s"), tv_rule_ref(r));
	y = para(x, in, y, line, TS_TITLE);
	return para(x, in, y, explain_rule(r), TS_NORMAL);
}

/* "Why? k: the card about it", on the pane's last row (it takes the
 * row from the text above, which is cut first). */
static bool draw_card_hint(struct vctx *x, const struct rect *in)
{
	const struct model *m = x->m;
	int card = -1;
	char line[256];

	if (m->has_last_rule)
		card = explain_card_for_event(&m->last_rule);
	if (card < 0 && m->has_last)
		card = explain_card_for_event(&m->last);
	if (card < 0 || in->h < 2)
		return false;
	/* TRANSLATORS: a pointer to a "why" card: the key, then the card's title. */
	snprintf(line, sizeof(line), _("Why? %s: %s"), keymap_key_name(UA_CARD),
		 explain_card_title(card));
	canvas_put(x->c, in->y + in->h - 1, in->x + 1, in->w - 2, line, TS_KEY);
	return true;
}

static void draw_now(struct vctx *x, const struct rect *r)
{
	const struct model *m = x->m;
	struct rect in = *r;
	char line[512];
	int y = in.y;

	if (draw_card_hint(x, &in))
		in.h--;
	if (m->narration[0] != '\0')
		y = para(x, &in, y, m->narration, TS_NARRATION);
	if (m->has_last) {
		explain_event(m, &m->last, line, sizeof(line));
		y = para(x, &in, y, line, TS_BOLD);
	}
	y = draw_rule(x, &in, y);
	if (y == in.y)
		para(x, &in, y, _("Nothing has happened yet. Each event will be explained here."),
		     TS_DIM);
}

void view_draw_explain(struct vctx *x, const struct rect *r)
{
	int card = x->vs->card;
	char title[160];
	struct rect in;

	if (card >= explain_card_count())
		card = -1;
	if (card >= 0)
		/* TRANSLATORS: the explanation panel showing card i of n. */
		snprintf(title, sizeof(title), _("Why? card %d of %d"), card + 1,
			 explain_card_count());
	else
		snprintf(title, sizeof(title), "%s", _("What happened and why"));
	in = view_pane_title(x, r, title, false);
	canvas_vline(x->c, in.y, r->x, in.h, TS_BORDER);
	if (in.h <= 0)
		return;
	if (card >= 0)
		draw_card(x, &in, card);
	else
		draw_now(x, &in);
}
