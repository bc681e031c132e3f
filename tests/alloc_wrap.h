/*
 * alloc_wrap.h - a counting, failing allocator for tests.
 *
 * A test program linked with
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup
 * and tests/alloc_wrap.c sends every allocation of its own code and of
 * the static libraries it links (the core) through these wrappers.  They
 * keep the number of live blocks, so a test can check that freeing
 * everything brings it back to where it started, and when armed they fail
 * either every nth allocation or only the kth one, counting from the
 * moment they were armed.  Memory allocated inside shared libraries (libc,
 * Check) is not seen, and must not be freed by the test's own code.
 */
#ifndef TV_TESTS_ALLOC_WRAP_H
#define TV_TESTS_ALLOC_WRAP_H

#include <stdbool.h>

struct alloc_wrap {
	long live;               /* blocks allocated and not yet freed */
	unsigned long calls;     /* allocations since armed */
	unsigned long failed;    /* allocations failed since armed */
	unsigned long every;     /* fail every nth (0: no) */
	unsigned long only;      /* fail only the kth (0: no) */
	bool armed;
	bool trace;              /* backtrace of each failure to stderr */
};

extern struct alloc_wrap alloc_wrap;

/* Start failing: every nth allocation from now on (n > 0), or only the
 * kth (k > 0); counts restart. */
void alloc_wrap_every(unsigned long n);
void alloc_wrap_only(unsigned long k);
/* Count allocations from now on, fail none. */
void alloc_wrap_count(void);
/* Stop failing (live counting goes on). */
void alloc_wrap_disarm(void);

#endif
