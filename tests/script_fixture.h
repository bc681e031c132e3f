/*
 * script_fixture.h - run a script from text on a fresh sim, for the Check
 * tests of the command language (check_script, check_limits): parse it
 * (a parse error aborts the test), execute the commands in order, stop at
 * the first that does not succeed and keep its rendered message.
 */
#ifndef TV_SCRIPT_FIXTURE_H
#define TV_SCRIPT_FIXTURE_H

#include <stddef.h>

#include "core/sim.h"
#include "script/script.h"

struct run {
	struct sim *sim;
	struct script *sc;
	struct script_prog prog;
	struct script_result res;
	char msg[1024];           /* the failing command's message */
	size_t line_failed;       /* and its line */
};

/* Parse and run text (seed 1); the status of the first command that did
 * not succeed, or SCRIPT_OK. */
enum script_status run_text(struct run *r, const char *text);
/* Run a script that must succeed (else the test fails with why). */
void run_ok(struct run *r, const char *text);
void run_free(struct run *r);

#endif
