/*
 * view_internal.h - what the view_*.c files share: the drawing context of
 * one frame, the pane drawers, and small formatting helpers (times,
 * durations, flags, endpoints, sequence numbers).  Not a contract: only
 * tui/view*.c include it.
 */
#ifndef TV_TUI_VIEW_INTERNAL_H
#define TV_TUI_VIEW_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "tui/canvas.h"
#include "tui/model.h"
#include "tui/view.h"

/* One frame being drawn. */
struct vctx {
	struct canvas *c;
	const struct model *m;
	struct view_state *vs;
	struct view_cache *cache;
	tv_time now;             /* virtual time of this frame */
	bool ascii;
};

/* Per-view caches, owned by the view state: the ladder's row layout
 * (view_ladder.h) and the log lines a filter lets through. */
struct ladder_layout;
struct log_cache {
	bool valid;
	uint64_t events;         /* the model's log and the filter it was for */
	unsigned log_n, log_first;
	struct view_filter filter;
	bool relative, ascii;
	char probe[64];          /* a translated text: the language */
	unsigned *idx;           /* the matching lines (model_log indexes) */
	unsigned n, cap;
};
struct view_cache {
	struct ladder_layout *ladder;
	struct log_cache *log;
};

/* Buffers for the formatters below. */
#define VF_MAX 48

/* ---- panes (view_*.c) ---- */
void view_draw_header(struct vctx *x, const struct rect *r);
void view_draw_status(struct vctx *x, const struct rect *r);
void view_draw_conns(struct vctx *x, const struct rect *r);
void view_draw_ladder(struct vctx *x, const struct rect *r);
void view_draw_diagram(struct vctx *x, const struct rect *r);
void view_draw_queue(struct vctx *x, const struct rect *r);
void view_draw_explain(struct vctx *x, const struct rect *r);
void view_draw_log(struct vctx *x, const struct rect *r);
void view_draw_help(struct vctx *x, const struct rect *r);
void ladder_layout_free(struct ladder_layout *l);
void log_cache_free(struct log_cache *lc);

/* ---- shared helpers (view_util.c) ---- */

/* A pane's title line: "── Title ─────" across r's top row, in the
 * focus style when focused.  Returns the rect below it. */
struct rect view_pane_title(struct vctx *x, const struct rect *r, const char *title,
			    bool focused);
/* The style of a state (TS_ST_*). */
int view_state_style(int state);
/* The connection that is selected (NULL none) and the flow the ladder
 * shows: the selected connection's, else the newest. */
const struct tm_conn *view_sel_conn(const struct model *m, const struct view_state *vs);
const struct tm_flow *view_sel_flow(const struct model *m, const struct view_state *vs);
/* The index of the selected conn in m->conns, -1 none. */
long view_sel_index(const struct model *m, const struct view_state *vs);

/* "12.345" (seconds, milliseconds). */
const char *vf_time(tv_time t, char buf[VF_MAX]);
/* "12.000300" (seconds, microseconds). */
const char *vf_time_us(tv_time t, char buf[VF_MAX]);
/* A duration for a countdown: "250ms", "1.5s", "42s", "3:59", "1:59:59". */
const char *vf_dur(tv_time d, char buf[VF_MAX]);
/* "SYN,ACK" ("" for none). */
const char *vf_flags(uint8_t flags, char buf[VF_MAX]);
/* "A:40000" (host name of addr, or the address), "*" for port 0 with
 * addr 0.  full: "A 10.0.0.1:40000". */
const char *vf_endpoint(const struct model *m, uint32_t addr, uint16_t port, bool full,
			char buf[VF_MAX]);
/* The name of the host that owns addr, NULL if none. */
const char *vf_host_by_addr(const struct model *m, uint32_t addr);
/* The label of a segment: "SYN,ACK seq=0 ack=1 len=5" with relative
 * numbers from bases (seq base, ack base) when rel. */
size_t vf_seg_label(const struct tv_seg_info *s, bool rel, uint32_t sbase, uint32_t abase,
		    char *buf, size_t size);
/* A short name of a timer kind, translated ("RTO", "2MSL"...). */
const char *vf_timer_name(enum tv_timer_kind k);
/* The style of a segment by what it carries. */
int vf_seg_style(uint8_t flags, uint32_t len);
/* Line directions of a cell, and the glyph that joins them (─ │ ╭ ┼ ...;
 * - | + in ASCII); dashed: a line not yet complete (┄). */
enum { M_L = 1, M_R = 2, M_U = 4, M_D = 8, M_DASH = 16 };
uint32_t view_line_glyph(unsigned dirs, bool dashed, bool ascii);
/* Write s right-aligned in w columns at (y, x). */
void view_put_right(struct canvas *c, int y, int x, int w, const char *s, int style);
/* Wrap text (paragraphs separated by "\n") into r from row *y on;
 * returns rows used (skip rows first are not drawn). */
int view_wrap(struct canvas *c, const struct rect *r, int y, int skip, const char *text,
	      int style);

#endif
