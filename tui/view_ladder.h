/*
 * view_ladder.h - the ladder's cached row layout, shared by its layout
 * (view_ladder.c) and its drawing (view_ladder_draw.c).  Internal to the
 * views; tests read it to check the layout without parsing glyphs.
 */
#ifndef TV_TUI_VIEW_LADDER_H
#define TV_TUI_VIEW_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/model.h"

struct view_cache;

enum lrow_kind {
	LR_SEND,                 /* an arrow leaves `lane` (entry: the segment) */
	LR_ARRIVE,               /* an arrow reaches `lane` (entry: the segment) */
	LR_STATE,                /* only state changes */
	LR_TIMER,                /* a timer fired on `lane` (entry: the timer) */
	LR_NOTE,                 /* narration across the diagram (entry) */
	LR_GAP,                  /* a quiet spell: t is its length */
};

struct lrow {
	uint8_t kind, lane;
	int8_t state[2];         /* state entered on each lane here, -1 none */
	uint32_t entry;          /* the flow entry (model_entry index) */
	tv_time t;               /* when (LR_GAP: how long) */
};

/* A segment's rows: sent on `start`, arrived on `end` (== start when it
 * did not arrive: in flight, held, dropped, lost); UINT32_MAX: not a
 * segment. */
struct larrow {
	uint32_t start, end;
};

struct ladder_layout {
	bool valid;
	unsigned flow;           /* the flow laid out and its version */
	uint64_t changes, forgotten;
	size_t nentries;
	struct lrow *rows;
	size_t nrows, cap;
	struct larrow *arrows;   /* indexed by entry */
	size_t acap;
	int8_t head[2];          /* each lane's state before its first change */
	uint16_t states_used[2]; /* states written on each lane (bit per state) */
	tv_time tmax;            /* the latest time (for the time column) */
	bool fine;               /* some times are not whole milliseconds:
				    the time column shows microseconds */
	uint64_t relayouts;      /* how many times it was laid out (tests) */
	uint8_t *mask;           /* drawing scratch: line directions per cell */
	size_t mask_cap;
};

/* The layout of f, from the cache when f has not changed; NULL without
 * memory. */
struct ladder_layout *ladder_layout_get(struct view_cache *vc, const struct tm_flow *f);

#endif
