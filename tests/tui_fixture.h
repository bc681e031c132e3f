/*
 * tui_fixture.h - a big TUI model, built fast and the way the TUI builds
 * its own: a greeting, a snapshot reply (JSON, in the schema of
 * src/daemon/snapshot.c) and events, for the model's tests and the TUI
 * benchmark (bench/).  No sim behind it: the snapshot is synthetic, so
 * 10,000 connections take milliseconds, and deterministic.
 *
 *   struct model *m = tui_fixture_model(10000);
 *   ... view_render(&canvas, m, &vs) ...
 *   model_free(m);
 *
 * Hosts: A 10.0.0.1 (the clients) and B 10.0.0.2 (a listener on port 80
 * and the servers' ends).  `rows` TCB rows in all: B's listener, then
 * connections with both ends (A's client, B's server) in a repeating mix
 * of states (mostly ESTABLISHED; FIN-WAIT-1/ESTABLISHED,
 * FIN-WAIT-2/CLOSE-WAIT, TIME-WAIT/LAST-ACK, SYN-SENT/SYN-RECEIVED) with
 * running timers (retransmission, keepalive, 2MSL, FIN-WAIT-2); an odd
 * row left over is a client alone in SYN-SENT.  Each connection's ladder
 * has its handshake and a data segment with its ACK; A's gate holds
 * outgoing frames and the last three connections have a segment held.
 * The virtual clock stands at TUI_FIXTURE_NOW, paused.
 */
#ifndef TV_TESTS_TUI_FIXTURE_H
#define TV_TESTS_TUI_FIXTURE_H

#include <jansson.h>

#include "core/tv.h"

struct model;

#define TUI_FIXTURE_NOW TV_SEC(100)
#define TUI_FIXTURE_ADDR_A 0x0a000001u
#define TUI_FIXTURE_ADDR_B 0x0a000002u

/* The greeting line's object (a new reference), NULL if out of memory. */
json_t *tui_fixture_greeting(void);
/* A snapshot reply's "snapshot" object with `rows` TCB rows (a new
 * reference), NULL if out of memory. */
json_t *tui_fixture_snapshot(unsigned rows);
/* Greeting, snapshot, then the connections' events, applied to a new
 * model; NULL if out of memory (or rows == 0). */
struct model *tui_fixture_model(unsigned rows);

#endif
