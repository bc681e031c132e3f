/*
 * text.h - the transcript: one line of text per event, tcpdump style.
 *
 *   0.000100 A.40000 > B.7: Flags [S], seq 0, win 65535, options [mss 1460,wscale 7], length 0
 *   0.000150 B 10.0.0.2:7 <- 10.0.0.1:40000 LISTEN -> SYN-RECEIVED (RFC 9293 3.10.7.2: SYN in LISTEN: send SYN,ACK)
 *
 * Times are seconds.microseconds of virtual time.  Addresses of known
 * hosts print as their names.  Sequence numbers are relative to each
 * direction's initial sequence number (learned from the events' iss/irs
 * and from SYNs seen), like tcpdump, unless absolute numbers are asked
 * for.  Rule sentences, counter descriptions and the words around them
 * are translated (gettext).
 *
 * Timers print their deadline when armed ("armed: 0.200000 s, expires at
 * 0.200100"), and the deadline they had when cancelled or fired ("was due
 * at ...").  Gate lines name the action, the frame id and the gate rule;
 * wire lines the two hosts and what the wire did; notes start with "# ".
 * Nothing depends on the wall clock or on addresses in memory, so the
 * same run gives the same bytes.
 *
 * Use it as a bus sink: tv_bus_add(bus, text_sink, t).  It must see every
 * event (not only the printed ones) to learn sequence bases; which kinds
 * get printed is a mask of event types.
 */
#ifndef TV_OUT_TEXT_H
#define TV_OUT_TEXT_H

#include <stdio.h>

#include "core/event.h"

#define TEXT_BIT(type) (1u << (type))
/* Segments sent, state changes, timers, drops, retransmissions, the gate,
 * the wire and notes (not: segments received, socket events, cwnd, ARP,
 * ICMP). */
#define TEXT_MASK_DEFAULT                                                                   \
	(TEXT_BIT(TV_EV_SEG_OUT) | TEXT_BIT(TV_EV_STATE) | TEXT_BIT(TV_EV_DROP) |          \
	 TEXT_BIT(TV_EV_TIMER_ARM) | TEXT_BIT(TV_EV_TIMER_CANCEL) |                        \
	 TEXT_BIT(TV_EV_TIMER_FIRE) | TEXT_BIT(TV_EV_RETRANSMIT) | TEXT_BIT(TV_EV_GATE) |  \
	 TEXT_BIT(TV_EV_WIRE) | TEXT_BIT(TV_EV_NOTE))
#define TEXT_MASK_ALL ((1u << TV_EV_TYPE_COUNT) - 1)
#define TEXT_FLOWS_MAX 65536 /* directions remembered for relative numbers */

struct sim;
struct text_out;

/* Lines go to fp (NULL: only text_format is used).  NULL if out of memory. */
struct text_out *text_new(FILE *fp);
void text_free(struct text_out *t);

/* Name a host: its id (as in events) and address print as name. */
int text_add_host(struct text_out *t, uint32_t id, const char *name, uint32_t addr);
/* text_add_host() for every host of the sim (call after adding them). */
int text_add_sim_hosts(struct text_out *t, const struct sim *s);
void text_set_absolute(struct text_out *t, bool absolute);
void text_set_mask(struct text_out *t, unsigned mask);

/* Learn from ev (sequence bases, who opened a connection). */
void text_learn(struct text_out *t, const struct tv_event *ev);
/* Format ev into buf (no newline); returns the length it needed. */
size_t text_format(const struct text_out *t, const struct tv_event *ev, char *buf, size_t size);
/* The bus sink: learn, and print ev if its type is in the mask. */
void text_sink(void *ctx, const struct tv_event *ev);
/* Lines written so far. */
unsigned long text_lines(const struct text_out *t);
/* Times the flow table passed TEXT_FLOWS_MAX and was forgotten. */
unsigned long text_flows_forgotten(const struct text_out *t);

/* The initial sequence number learned for the direction saddr:sport ->
 * daddr:dport (for writers that number relatively): true and *isn set
 * when known. */
bool text_seq_base(const struct text_out *t, uint32_t saddr, uint16_t sport, uint32_t daddr,
		   uint16_t dport, uint32_t *isn);
/* The name given to a host id, or NULL. */
const char *text_host_name(const struct text_out *t, uint32_t id);

#endif
