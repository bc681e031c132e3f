/*
 * wire.h - an in-memory Ethernet segment joining two or more hosts in one
 * process, with impairments (delay, jitter, loss, duplication,
 * reordering) per direction.
 *
 * Each host (usually through its gate) attaches as a port with its MAC
 * address and a delivery callback, and sends with wire_send() or the
 * tv_tx_fn adaptor wire_port_tx() (ctx = the port).  Sending only copies
 * the frame into the wire's queue: nothing is ever delivered from inside
 * a send, which would re-enter the sender's stack.  The owner calls
 *
 *   wire_poll(w, now)          deliver every frame due at or before now
 *   wire_next_deadline(w)      when wire_poll must next run
 *
 * A frame goes to the port whose MAC is its destination, or to every
 * other port when the destination is a broadcast/multicast address.  All
 * random choices come from the wire's seeded generator, and frames due at
 * the same time are delivered in the order they were sent, so a run is
 * repeatable from its seed.
 */
#ifndef TV_WIRE_H
#define TV_WIRE_H

#include "event.h"
#include "host.h"

#define WIRE_PORTS_MAX 16
#define WIRE_LIMIT_DEFAULT 65536        /* frames in flight */
#define WIRE_REORDER_WAIT_DEFAULT TV_MSEC(50)

/* Impairments of one direction (from one port to another). */
struct wire_impair {
	tv_time delay;          /* fixed one-way delay */
	tv_time jitter;         /* plus a uniform extra in [0, jitter]; jitter
				   alone never reorders a direction's frames */
	uint32_t loss_ppm;      /* chance a frame is lost, per million */
	uint32_t dup_ppm;       /* chance a frame arrives twice */
	uint32_t reorder_ppm;   /* chance a frame is held back until the next
				   frame in its direction has overtaken it */
	tv_time reorder_wait;   /* longest a held-back frame waits for one;
				   0: WIRE_REORDER_WAIT_DEFAULT */
};

struct wire_stats {
	uint64_t sent;          /* frames handed to the wire */
	uint64_t delivered;     /* copies handed to a port */
	uint64_t lost, duplicated, reordered;
	uint64_t unknown_dst;   /* unicast to a MAC no port has */
	uint64_t overflow;      /* dropped: WIRE limit of frames in flight */
	uint64_t nomem;         /* dropped: no memory for a copy */
	uint64_t bad_len;       /* refused: shorter than a MAC or too long */
};

struct wire;
struct wire_port;

/* NULL if out of memory.  bus may be NULL (no events). */
struct wire *wire_new(uint64_t seed, struct tv_bus *bus);
/* Frames still in flight are freed, not delivered. */
void wire_free(struct wire *w);

/* Attach a port.  deliver(ctx, frame, len, now) receives its frames;
 * host_id is what events call it.  TV_ENOBUFS past WIRE_PORTS_MAX,
 * TV_EEXIST if another port has that MAC. */
int wire_attach(struct wire *w, const uint8_t mac[TV_ETH_ALEN], uint32_t host_id,
		tv_tx_fn deliver, void *ctx, struct wire_port **out);
/* The port stops sending and receiving; frames in flight to it are lost. */
void wire_detach(struct wire_port *p);

/* Queue a frame from port p.  Returns 0 (a frame the impairments lose is
 * still "sent"), TV_EINVAL for a detached port, TV_EMSGSIZE for a frame
 * shorter than a MAC address or longer than TV_FRAME_MAX. */
int wire_send(struct wire_port *p, const uint8_t *frame, size_t len, tv_time now);
/* tv_tx_fn adaptor: ctx is the struct wire_port. */
int wire_port_tx(void *port, const uint8_t *frame, size_t len, tv_time now);

/* Deliver frames due at or before now that were queued before this call
 * (frames the deliveries cause wait for the next call, even if due now). */
void wire_poll(struct wire *w, tv_time now);
tv_time wire_next_deadline(const struct wire *w);
/* Frames queued or held back, not yet delivered. */
size_t wire_in_flight(const struct wire *w);

/* A zeroed impairment: a perfect link. */
void wire_impair_none(struct wire_impair *im);
/* The impairments of every direction without its own.  TV_EINVAL for a
 * chance above one million. */
int wire_set_default(struct wire *w, const struct wire_impair *im);
/* Impairments of the direction from -> to; im NULL: back to the default. */
int wire_set_impair(struct wire *w, const struct wire_port *from, const struct wire_port *to,
		    const struct wire_impair *im);
const struct wire_impair *wire_impair_of(const struct wire *w, const struct wire_port *from,
					 const struct wire_port *to);

/* Report frames the wire loses (TV_FATE_LOST) or duplicates
 * (TV_FATE_DUPLICATED) to a frame tap (event.h); fn NULL: none. */
void wire_set_frame_tap(struct wire *w, tv_frame_tap_fn fn, void *ctx);

/* Also emit TV_WIRE_DELIVERED for every delivery (off by default). */
void wire_set_verbose(struct wire *w, bool verbose);
void wire_set_limit(struct wire *w, size_t max_frames);
const struct wire_stats *wire_stats(const struct wire *w);

uint32_t wire_port_host(const struct wire_port *p);

#endif
