/*
 * view_help.c - the help screen, generated from the keymap (keymap.h):
 * one line per action, its keys (the letter first, then the aliases)
 * and what it does, in the table's order.  Two columns when the screen
 * is wide; scrolled by help_top when it does not fit.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "tui/keymap.h"
#include "tui/view_internal.h"
#include "tui/width.h"

#define HELP_MAX 64
#define KEYS_W_MAX 20
#define TWO_COLS_W 100

struct help_item {
	char keys[64];
	const char *help;        /* untranslated */
};

/* The actions with a help text, each with all its keys. */
static int help_items(struct help_item *it, int max)
{
	size_t n;
	const struct key_binding *t = keymap_table(&n);
	int k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		size_t len = 0;
		if (t[i].help == NULL)
			continue;
		it[k].help = t[i].help;
		it[k].keys[0] = '\0';
		for (size_t j = 0; j < n; j++)
			if (t[j].action == t[i].action && len < sizeof(it[k].keys))
				len += (size_t)snprintf(it[k].keys + len, sizeof(it[k].keys) - len,
							"%s%s", len ? " " : "", t[j].name);
		k++;
	}
	return k;
}

static void help_line(struct vctx *x, int y, int col, int w, int kw,
		      const struct help_item *it)
{
	char fit[256];

	canvas_put_attr(x->c, y, col, kw, it->keys, TS_KEY, TA_BOLD);
	tw_fit(_(it->help), w - kw - 2, true, x->ascii, fit, sizeof(fit));
	canvas_put(x->c, y, col + kw + 2, w - kw - 2, fit, TS_NORMAL);
}

/* Two columns when the screen is wide enough for every line whole. */
static int help_columns(const struct help_item *it, int n, int kw, int w)
{
	int hw = 0;

	for (int i = 0; i < n; i++)
		if (tw_width(_(it[i].help)) > hw)
			hw = tw_width(_(it[i].help));
	return w >= TWO_COLS_W && (w - 2) / 2 >= kw + 2 + hw + 2 ? 2 : 1;
}

void view_draw_help(struct vctx *x, const struct rect *r)
{
	struct help_item it[HELP_MAX];
	int n = help_items(it, HELP_MAX), kw = 0, cols, rows, vis, top;
	struct rect in;

	in = view_pane_title(x, r, _("Help: keys (any key closes this screen)"), true);
	for (int i = 0; i < n; i++)
		if (tw_width(it[i].keys) > kw)
			kw = tw_width(it[i].keys);
	if (kw > KEYS_W_MAX)
		kw = KEYS_W_MAX;
	cols = help_columns(it, n, kw, in.w);
	rows = (n + cols - 1) / cols;
	vis = in.h;
	if (x->vs->help_top > rows - vis)
		x->vs->help_top = rows - vis;
	if (x->vs->help_top < 0)
		x->vs->help_top = 0;
	top = x->vs->help_top;
	for (int row = 0; row < vis && top + row < rows; row++) {
		for (int c = 0; c < cols; c++) {
			int i = c * rows + top + row, cw = (in.w - 2) / cols;
			if (i < n)
				help_line(x, in.y + row, in.x + 2 + c * cw, cw - 1, kw, &it[i]);
		}
	}
}
