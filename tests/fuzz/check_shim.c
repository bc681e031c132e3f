/*
 * check_shim.c - the two functions Check's assertion macros call, for
 * programs that use the test fixtures (tests/tcp_fixture.c) outside a
 * Check runner: the fuzz targets and their replay programs link this
 * instead of libcheck.  Check's own versions report through the runner's
 * pipe, which does not exist here (they exit on every passing assertion).
 * A failing fixture assertion is a harness bug: say where and abort, so
 * libFuzzer keeps the input.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void _mark_point(const char *file, int line)
{
	(void)file;
	(void)line;
}

void _ck_assert_failed(const char *file, int line, const char *expr, const char *msg, ...)
{
	fprintf(stderr, "%s:%d: fixture assertion failed: %s\n", file, line, expr);
	if (msg != NULL) {
		va_list ap;
		va_start(ap, msg);
		vfprintf(stderr, msg, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	abort();
}
