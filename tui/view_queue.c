/*
 * view_queue.c - the wire queue: the frames the gates hold, one a row
 * (frame id, the host whose gate holds it and which way, how long it has
 * waited, what it carries), the selected one highlighted for Enter / d /
 * D / y; below them, when there is room, what each gate does (holds or
 * passes, which directions).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "tui/keymap.h"
#include "tui/view_internal.h"
#include "tui/width.h"

static const char *frame_kind_name(enum tv_frame_kind k)
{
	switch (k) {
	case TV_FRAME_ARP:
		return "ARP";
	case TV_FRAME_ICMP:
		return "ICMP";
	case TV_FRAME_IPV4:
		return "IPv4";
	case TV_FRAME_TCP:
		return "TCP";
	default:
		return _("frame");
	}
}

/* What a held frame carries: the segment with relative numbers (the
 * holding host's ISNs: its own for what it sends, its peer's for what it
 * receives), or the kind of frame and its length. */
static void held_summary(const struct vctx *x, const struct tm_held *h, char *buf,
			 size_t size)
{
	uint32_t sb, ab;

	if (!h->has_seg) {
		snprintf(buf, size, "%s %" PRIu32 "B", frame_kind_name(h->kind), h->len);
		return;
	}
	sb = h->dir == TV_DIR_OUT ? h->seg.iss : h->seg.irs;
	ab = h->dir == TV_DIR_OUT ? h->seg.irs : h->seg.iss;
	vf_seg_label(&h->seg, x->vs->relative && h->seg.iss && h->seg.irs, sb, ab, buf, size);
}

static void held_row(struct vctx *x, const struct rect *r, int y, const struct tm_held *h,
		     bool sel)
{
	char name[TM_NAME_MAX + 8], age[VF_MAX], what[160], line[256];
	int style = sel ? TS_SELECTED : TS_NORMAL, lw;

	model_host_name(x->m, h->host, name, sizeof(name));
	vf_dur(x->now > h->since ? x->now - h->since : 0, age);
	held_summary(x, h, what, sizeof(what));
	/* TRANSLATORS: a held frame: id, host, direction (in/out), age. */
	snprintf(line, sizeof(line), _("#%" PRIu64 " %s %s %s"), h->id, name,
		 h->dir == TV_DIR_OUT ? _("out") : _("in"), age);
	if (sel)
		canvas_fill(x->c, &(struct rect){y, r->x, 1, r->w}, ' ', style);
	canvas_put_attr(x->c, y, r->x + 1, r->w - 1, line, sel ? style : TS_HELD, TA_BOLD);
	lw = tw_width(line);
	canvas_put(x->c, y, r->x + 2 + lw, r->w - 3 - lw, what,
		   sel ? style : vf_seg_style(h->seg.flags, h->seg.len));
}

/* Each stack host's gate: holding (which ways) or passing. */
static int gates_lines(struct vctx *x, const struct rect *r, int y)
{
	int used = 0;

	for (unsigned i = 0; i < x->m->nhosts && y + used < r->y + r->h; i++) {
		const struct tm_host *h = &x->m->hosts[i];
		const char *what;
		if (!h->stack)
			continue;
		if (h->hold_in && h->hold_out)
			what = _("holds both ways");
		else if (h->hold_in)
			what = _("holds what comes in");
		else if (h->hold_out)
			what = _("holds what goes out");
		else
			what = _("passes everything");
		canvas_printf(x->c, y + used, r->x + 1, r->w - 1,
			      h->hold_in || h->hold_out ? TS_HELD : TS_DIM, _("gate %s: %s"),
			      h->name, what);
		used++;
	}
	return used;
}

static int queue_scroll(struct vctx *x, int rows)
{
	int n = (int)x->m->nheld, sel, top;

	if (x->vs->sel_held >= (unsigned)n)
		x->vs->sel_held = n > 0 ? (unsigned)n - 1 : 0;
	sel = (int)x->vs->sel_held;
	top = sel - rows + 1 > 0 ? sel - rows + 1 : 0;
	return top;
}

void view_draw_queue(struct vctx *x, const struct rect *r)
{
	char title[96];
	struct rect in;
	int rows, top, y;

	snprintf(title, sizeof(title), _("Wire queue (%u held)"), x->m->nheld);
	in = view_pane_title(x, r, title, x->vs->focus == VP_QUEUE);
	if (in.h <= 0)
		return;
	rows = in.h;
	if (x->m->nheld == 0) {
		canvas_printf(x->c, in.y, in.x + 1, in.w - 1, TS_DIM,
			      _("Nothing held. %s: hold or pass."), keymap_key_name(UA_HOLD));
		gates_lines(x, &(struct rect){in.y + 1, in.x, in.h - 1, in.w}, in.y + 1);
		return;
	}
	top = queue_scroll(x, rows);
	for (y = 0; y < rows && top + y < (int)x->m->nheld; y++)
		held_row(x, &in, in.y + y, &x->m->held[top + y],
			 (unsigned)(top + y) == x->vs->sel_held);
	if (y + 1 < rows)
		gates_lines(x, &(struct rect){in.y + y + 1, in.x, in.h - y - 1, in.w},
			    in.y + y + 1);
}
