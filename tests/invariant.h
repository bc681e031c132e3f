/*
 * invariant.h - structural invariants of a host's TCP state, checked by
 * the fuzz targets (tests/fuzz) after every frame or step and by the soak
 * test, so a run that corrupts state fails at the step that did it, not
 * only when something finally crashes.
 *
 *   char msg[256];
 *   if (inv_check_host(h, msg, sizeof(msg)) != 0)
 *           ... msg says which TCB broke which rule ...
 *
 * Counters are only meaningful over time (they never go down), so a
 * caller that checks repeatedly keeps a struct inv_track per host:
 *
 *   struct inv_track tr;
 *   inv_track_init(&tr, h);
 *   ... after each step: inv_track_check(&tr, msg, sizeof(msg)) ...
 *
 * The checks read the TCBs through src/core/tcb.h (read-only) and never
 * change anything, so they can run between any two core calls.
 */
#ifndef TV_TESTS_INVARIANT_H
#define TV_TESTS_INVARIANT_H

#include <stddef.h>
#include <stdint.h>

#include "core/host.h"

/* 0 when every invariant holds; -1 with the first violation in msg. */
int inv_check_host(const struct host *h, char *msg, size_t size);

struct inv_track {
	const struct host *h;
	uint64_t counters[TV_CNT_COUNT];
};

void inv_track_init(struct inv_track *tr, const struct host *h);
/* inv_check_host, then: no counter went down since the last call (or
 * inv_track_init); the copy is updated.  0 or -1 with msg. */
int inv_track_check(struct inv_track *tr, char *msg, size_t size);

#endif
