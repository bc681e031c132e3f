/*
 * ladder.h - a text ladder (sequence) diagram per connection, the
 * textbook figure of the three-way handshake and four-way close, drawn
 * from a real run (here B's first SYN,ACK was dropped by a gate rule):
 *
 *   Connection 1: A 10.0.0.1:62346 → B 10.0.0.2:7
 *
 *                          A                                 B
 *                   10.0.0.1:62346                      10.0.0.2:7
 *                   CLOSED ┬                                 ┬ LISTEN
 *     0.000100    SYN-SENT ├─────── SYN seq=0 len=0 ────────▶│ SYN-RECEIVED 0.000400
 *                          │ dropped ✗─ SYN,ACK seq=0 ack=1 ─┤              0.000400
 *     1.000100             ├────── ↻ SYN seq=0 len=0 ───────▶│              1.000200
 *     1.000300 ESTABLISHED │◀── ↻ SYN,ACK seq=0 ack=1 len=0 ─┤              1.000200
 *     1.000300             ├──── ACK seq=1 ack=1 len=0 ─────▶│ ESTABLISHED  1.000400
 *     ...
 *                          ┆          (240 s later)          ┆
 *   241.000700      CLOSED │                                 │
 *                          ┴                                 ┴
 *
 * Two lanes, one per host (the side that opened on the left), time going
 * down.  Each segment is an arrow on one row: the sender's lane shows the
 * time it was sent, the receiver's lane the time it arrived, and each
 * lane shows the state its host entered, on the row where that happened.
 * Labels are flags (SYN,ACK), seq, ack and len, relative to each side's
 * initial sequence number (absolute on request).  A segment lost on the
 * wire or dropped by a gate is an arrow that stops short with an x (✗);
 * one the receiving host discarded ends at the lane with another mark
 * (⊘, ascii #); a retransmission
 * is marked (↻, ascii *); a segment still in flight (or held at a gate)
 * when the diagram is printed is dashed; a duplicate arriving again gets
 * an arrow of its own ("dup").  A state a segment caused is written at
 * that segment's head; one the application caused (connect, close) on the
 * row of the segment it sends.  Connections that reuse the same two
 * endpoints are told apart by the hosts' connection ids: each gets a
 * diagram of its own.
 * Long quiet spells (over a second by default) get a row saying how long.
 *
 * Box drawing by default; ascii mode draws with ASCII only.  The
 * diagram is fitted to a width (80 columns by default), measuring text
 * by display width (wcswidth, so CJK annotations align; call setlocale
 * first).  Only text from the run and a few translated words appear: the
 * same run gives the same bytes.
 *
 * Use:
 *   struct ladder *l = ladder_new();
 *   ladder_add_sim_hosts(l, sim);          (after the hosts exist)
 *   tv_bus_add(sim_bus(sim), ladder_sink, l);
 *   ... run ...
 *   ladder_print(l, stdout);               (any time: the diagram so far)
 *   ladder_free(l);
 */
#ifndef TV_OUT_LADDER_H
#define TV_OUT_LADDER_H

#include <stdbool.h>
#include <stdio.h>

#include "core/event.h"

struct sim;
struct ladder;

#define LADDER_WIDTH_DEFAULT 80

/* NULL if out of memory. */
struct ladder *ladder_new(void);
void ladder_free(struct ladder *l);

/* Name a host (id as in events, its IPv4 address); lanes are titled with
 * the name.  TV_ENOBUFS past 64 hosts. */
int ladder_add_host(struct ladder *l, uint32_t id, const char *name, uint32_t addr);
/* ladder_add_host() for every host of the sim. */
int ladder_add_sim_hosts(struct ladder *l, const struct sim *s);

void ladder_set_ascii(struct ladder *l, bool ascii);
void ladder_set_absolute(struct ladder *l, bool absolute);
/* Columns to fit in (below 40 is taken as 40). */
void ladder_set_width(struct ladder *l, unsigned width);
/* A quiet spell longer than this gets a row of its own (TV_NEVER: never). */
void ladder_set_gap(struct ladder *l, tv_time gap);

/* The bus sink: collects what the diagram needs.  Out of memory, it stops
 * collecting (ladder_print then says the diagram is incomplete). */
void ladder_sink(void *ctx, const struct tv_event *ev);

/* Connections seen so far (one diagram each, in order of first sight). */
unsigned ladder_count(const struct ladder *l);
/* Print every diagram collected so far, then a legend of the marks used.
 * Returns 0, or TV_EINVAL when writing to fp failed. */
int ladder_print(const struct ladder *l, FILE *fp);
/* Print the diagram of connection i (0-based), no legend. */
int ladder_print_one(const struct ladder *l, unsigned i, FILE *fp);

/* True when the current locale's character set is UTF-8: callers use
 * ascii mode when it is not. */
bool ladder_locale_utf8(void);

#endif
