/*
 * out_fixture.h - a real run for the output writers' tests: hosts A
 * (10.0.0.1) and B (10.0.0.2) on the in-memory wire, 100 µs apart; B runs
 * the echo service; A connects to it, sends a line, reads it back and
 * closes; B's echo closes in turn; A waits out TIME-WAIT.  The test adds
 * its sinks, taps and gate rules between ofx_setup() and ofx_run().
 */
#ifndef TV_TESTS_OUT_FIXTURE_H
#define TV_TESTS_OUT_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/apps.h"
#include "core/sim.h"
#include "core/sock.h"

#define OFX_ADDR_A 0x0a000001u
#define OFX_ADDR_B 0x0a000002u
#define OFX_LINE "hello, ladder\r\n"

struct ofx {
	struct sim *sim;
	struct host *a, *b;
	struct apps *apps;
	struct tv_sock *sk;
	uint16_t a_port;        /* A's (ephemeral) port */
	char got[64];
	size_t got_len;
	bool echoed;
};

/* The sim, both hosts and the echo service; nothing runs yet. */
void ofx_setup(struct ofx *f, uint64_t seed);
/* Drop the next frame from `from` to `to` whose TCP flags are exactly
 * `flags`, with a gate rule; returns the rule id. */
uint32_t ofx_drop_next(struct ofx *f, struct host *from, struct host *to, uint8_t flags);
/* A connects (nothing runs yet). */
void ofx_start(struct ofx *f);
/* ofx_start, and the whole exchange runs until the sim is idle. */
void ofx_run(struct ofx *f);
/* Read everything fp (an open_memstream) wrote: buf is NUL-terminated. */
struct ofx_capture {
	FILE *fp;
	char *buf;
	size_t len;
};
void ofx_capture_open(struct ofx_capture *c);
/* Flush and return the text so far (owned by c). */
const char *ofx_capture_text(struct ofx_capture *c);
void ofx_capture_close(struct ofx_capture *c);
void ofx_teardown(struct ofx *f);

#endif
