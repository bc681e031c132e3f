/*
 * script_fixture.c - see script_fixture.h.
 */
#include <check.h>
#include <string.h>

#include "script_fixture.h"

enum script_status run_text(struct run *r, const char *text)
{
	struct script_config cfg = {.seed = 1, .run_limit = TV_SEC(3600)};

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(script_prog_parse("t.tvs", text, strlen(text), &r->prog), 0);
	if (r->prog.nerrs > 0) {
		script_error_format(&r->prog.errs[0], r->msg, sizeof(r->msg));
		ck_abort_msg("script did not parse: %s", r->msg);
	}
	r->sim = sim_new(1);
	r->sc = script_new(r->sim, &cfg);
	ck_assert_ptr_nonnull(r->sc);
	for (size_t i = 0; i < r->prog.n; i++) {
		if (script_exec(r->sc, &r->prog.cmds[i], &r->res) == SCRIPT_OK)
			continue;
		script_error_format(&r->res.err, r->msg, sizeof(r->msg));
		r->line_failed = r->prog.cmds[i].line;
		return r->res.status;
	}
	return SCRIPT_OK;
}

void run_ok(struct run *r, const char *text)
{
	if (run_text(r, text) != SCRIPT_OK)
		ck_abort_msg("script failed (%s): %s\n  expected: %s\n  actual: %s",
			     r->res.status == SCRIPT_FAILED ? "failure" : "error", r->msg,
			     r->res.expected, r->res.actual);
}

void run_free(struct run *r)
{
	script_free(r->sc);
	sim_free(r->sim);
	script_prog_free(&r->prog);
	memset(r, 0, sizeof(*r));
}
