/*
 * alloc_wrap.c - the counting, failing allocator of alloc_wrap.h.  The
 * linker's --wrap turns every call to malloc in the program's objects
 * into a call to __wrap_malloc, and __real_malloc into the C library's.
 *
 * With alloc_wrap.trace set, every failed allocation prints a backtrace
 * to stderr (names with -rdynamic), so a test can show which allocation
 * a failing run is about.
 */
#include <execinfo.h>
#include <stdlib.h>
#include <string.h>

#include "tests/alloc_wrap.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

struct alloc_wrap alloc_wrap;

static void arm(unsigned long every, unsigned long only)
{
	alloc_wrap.calls = 0;
	alloc_wrap.failed = 0;
	alloc_wrap.every = every;
	alloc_wrap.only = only;
	alloc_wrap.armed = true;
}

void alloc_wrap_every(unsigned long n)
{
	arm(n, 0);
}

void alloc_wrap_only(unsigned long k)
{
	arm(0, k);
}

void alloc_wrap_count(void)
{
	arm(0, 0);
}

void alloc_wrap_disarm(void)
{
	alloc_wrap.armed = false;
}

/* Should this allocation fail? */
static bool alloc_fail(void)
{
	struct alloc_wrap *w = &alloc_wrap;

	if (!w->armed)
		return false;
	w->calls++;
	if ((w->every && w->calls % w->every == 0) || (w->only && w->calls == w->only)) {
		w->failed++;
		if (w->trace) {
			void *frames[16];
			int n = backtrace(frames, 16);
			backtrace_symbols_fd(frames, n, 2);
		}
		return true;
	}
	return false;
}

static void *counted(void *p)
{
	if (p != NULL)
		alloc_wrap.live++;
	return p;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fail() ? NULL : counted(__real_malloc(n));
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fail() ? NULL : counted(__real_calloc(n, size));
}

/* realloc(NULL, n) is an allocation; a failed realloc leaves p alone.
 * Nothing here calls realloc(p, 0). */
void *__wrap_realloc(void *p, size_t n)
{
	if (alloc_fail())
		return NULL;
	void *q = __real_realloc(p, n);
	if (p == NULL)
		counted(q);
	return q;
}

void __wrap_free(void *p)
{
	if (p != NULL)
		alloc_wrap.live--;
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}
