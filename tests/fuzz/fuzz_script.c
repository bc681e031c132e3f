/*
 * fuzz_script.c - the command language (issue 6, target c): the lexer
 * and parser on arbitrary text, then, when the input asks, the parsed
 * commands run on a small sim.
 *
 * Input:
 *   u8 how     bit 0: execute the lines that parse (else parse only)
 *              bit 1: start from an empty sim (else hosts A and B)
 *   ...        text, split into lines at '\n'
 *
 * Every line goes through script_parse_line (each error must format
 * into a `file:line:col: message` that names this file), and the whole
 * text through script_prog_parse and script_lesson_summary.  Executing
 * starts from a sim with hosts A (10.0.0.1) and B (10.0.0.2), so most
 * commands find something to act on, or from an empty one (for whole
 * scripts such as the conformance tests, which make their own).  Time is
 * bounded: every wait the script does goes through fzs_run_until, which
 * caps it at one virtual hour and stops after STEPS_MAX sim steps in all
 * (a `run 100d` with a chargen running would otherwise take real hours).  Every host's
 * invariants (tests/invariant.h) are checked before each sim step and
 * after each command; a violation aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "fuzz.h"
#include "script/script.h"

#define STEPS_MAX 20000
#define LINES_MAX 64

struct fzs {
	struct sim *sim;
	struct inv_track tr[SIM_HOSTS_MAX];
	unsigned ntr;
	sim_cond_fn cond;
	void *cond_ctx;
};

/* Track hosts the script added since the last call, check them all. */
static void fzs_check(struct fzs *f, const char *where)
{
	while (f->ntr < sim_host_count(f->sim) && f->ntr < SIM_HOSTS_MAX) {
		inv_track_init(&f->tr[f->ntr], sim_host_at(f->sim, f->ntr));
		f->ntr++;
	}
	fz_check(f->tr, f->ntr, where);
}

static bool fzs_cond(void *ctx, struct sim *s)
{
	struct fzs *f = ctx;

	fzs_check(f, "before a sim step");
	return sim_steps(s) >= STEPS_MAX || f->cond(f->cond_ctx, s);
}

static int fzs_run_until(void *run_ctx, struct sim *sim, bool (*cond)(void *, struct sim *),
			 void *cond_ctx, tv_time limit)
{
	struct fzs *f = run_ctx;

	f->cond = cond;
	f->cond_ctx = cond_ctx;
	if (limit > TV_SEC(3600))
		limit = TV_SEC(3600);
	return sim_run_until(sim, fzs_cond, f, limit);
}

static void fzs_line(struct script *sc, const char *text, size_t len, unsigned line, bool run)
{
	struct script_cmd cmd;
	struct script_error err;
	struct script_result res;
	char buf[1024];

	if (script_parse_line("fuzz.tvs", line, text, len, &cmd, &err) != 0) {
		script_error_format(&err, buf, sizeof(buf));
		if (strncmp(buf, "fuzz.tvs:", 9) != 0 || err.line != line) {
			fprintf(stderr, "parse error without its location: %s\n", buf);
			abort();
		}
		return;
	}
	if (run && sc != NULL)
		script_exec(sc, &cmd, &res);
	script_cmd_free(&cmd);
}

static void fzs_whole(const char *text, size_t len)
{
	struct script_prog prog;
	char buf[SCRIPT_MSG_MAX];

	script_prog_parse("fuzz.tvs", text, len, &prog);
	script_prog_free(&prog);
	script_lesson_summary(text, len, buf, sizeof(buf));
}

static struct script *fzs_setup(struct fzs *f, bool bare)
{
	struct script_config cfg = {.seed = 1, .seed_fixed = true};

	memset(f, 0, sizeof(*f));
	if ((f->sim = sim_new(1)) == NULL)
		return NULL;
	if (!bare) {
		sim_add_host(f->sim, "A", 0x0a000001, NULL);
		sim_add_host(f->sim, "B", 0x0a000002, NULL);
	}
	cfg.run_until = fzs_run_until;
	cfg.run_ctx = f;
	cfg.run_limit = TV_SEC(600);
	return script_new(f->sim, &cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = {data, size};
	struct fzs f;
	uint8_t how = fz_u8(&in);
	bool run = how & 1;
	struct script *sc = NULL;
	const char *text = (const char *)in.p, *end = text + in.n;
	unsigned line = 0;

	if (in.n > SCRIPT_LINE_MAX)
		return 0;
	fzs_whole(text, in.n);
	if (run)
		sc = fzs_setup(&f, how & 2);
	while (text < end && line < LINES_MAX) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);
		/* An exact-size copy: a sanitizer then sees a read past the line. */
		char *copy = malloc(len ? len : 1);
		if (copy == NULL)
			abort();
		memcpy(copy, text, len);
		fzs_line(sc, copy, len, ++line, run);
		free(copy);
		if (sc != NULL)
			fzs_check(&f, "after a command");
		text += len + 1;
	}
	if (sc != NULL)
		script_free(sc);
	if (run && f.sim != NULL)
		sim_free(f.sim);
	return 0;
}
