/*
 * sim.h - the headless driver: hosts on an in-memory wire, each behind its
 * own gate, all sharing one event bus and one virtual clock.
 *
 *   struct sim *s = sim_new(seed);
 *   sim_add_host(s, "A", addr_a, NULL);
 *   sim_add_host(s, "B", addr_b, NULL);
 *   tv_bus_add(sim_bus(s), my_sink, ctx);
 *   ... sock_connect(sim_host(s, "A"), addr_b, 7, 0, cb, ctx, &sk, sim_now(s));
 *   sim_run_until_idle(s, TV_SEC(600));
 *   sim_free(s);
 *
 * A frame a host sends goes host -> its gate (TV_DIR_OUT) -> wire -> the
 * receiver's gate (TV_DIR_IN) -> host_input.  The clock never runs by
 * itself: sim_step() jumps straight to the next deadline (the earliest of
 * every host's timers, the wire's frames in flight and the gates'
 * released or delayed frames) and does everything due then, so a 4-minute
 * TIME-WAIT takes microseconds and a run is repeatable: the wire, every
 * host (ISN key included) and every gate are seeded from the sim's seed,
 * in the order they are created.
 *
 * Pure core: no stdio, no clock; the caller prints events from the bus.
 */
#ifndef TV_SIM_H
#define TV_SIM_H

#include "event.h"
#include "gate.h"
#include "host.h"
#include "wire.h"

#define SIM_HOSTS_MAX WIRE_PORTS_MAX

struct sim;

/* NULL if out of memory.  The clock starts at 0. */
struct sim *sim_new(uint64_t seed);
/* Frees the hosts (and so their sockets' connections), gates and wire.
 * Sockets the caller still holds must not be used afterwards. */
void sim_free(struct sim *s);

/* Defaults for a host of this sim: host_config_default(), the name, the
 * address, a MAC derived from it (02:00:a:b:c:d), and an ISN key and
 * seed drawn from the sim's generator.  Adjust cfg, then add it. */
void sim_host_config(struct sim *s, struct host_config *cfg, const char *name, uint32_t addr);
/* Create a host from cfg (its tx and bus are set here), attach it to the
 * wire behind a new gate in pass mode; it announces itself with a
 * gratuitous ARP.  TV_EEXIST for a name or MAC already there, TV_ENOBUFS
 * past SIM_HOSTS_MAX, TV_EINVAL for an empty name or a config host_new
 * refuses, TV_ENOMEM.  out may be NULL. */
int sim_add_host_config(struct sim *s, const struct host_config *cfg, struct host **out);
/* sim_host_config() + sim_add_host_config(). */
int sim_add_host(struct sim *s, const char *name, uint32_t addr, struct host **out);

/* Look up by name, address or index (insertion order); NULL if none. */
struct host *sim_host(const struct sim *s, const char *name);
struct host *sim_host_by_addr(const struct sim *s, uint32_t addr);
struct host *sim_host_at(const struct sim *s, unsigned i);
unsigned sim_host_count(const struct sim *s);
/* The gate in front of a host (NULL if the host is not this sim's). */
struct gate *sim_gate(const struct sim *s, const struct host *h);
/* The gate holding frame id (ids are unique across a sim's gates). */
struct gate *sim_gate_holding(const struct sim *s, uint32_t id);
struct wire *sim_wire(const struct sim *s);
struct wire_port *sim_port(const struct sim *s, const struct host *h);
struct tv_bus *sim_bus(struct sim *s);

/* Install a gate rule on frames from host `from` to host `to` (either may
 * be NULL for "any"): on from's gate, outbound, with daddr = to's address
 * (or on to's gate, inbound, when from is NULL).  TV_EINVAL when both are
 * NULL.  The rule's own dirs/saddr/daddr are overwritten. */
int sim_rule(struct sim *s, const struct host *from, const struct host *to,
	     const struct gate_rule *r, uint32_t *id);

tv_time sim_now(const struct sim *s);
/* Earliest deadline of any host, the wire or any gate; TV_NEVER if none. */
tv_time sim_next_deadline(const struct sim *s);

/* Advance the clock to the next deadline (never backwards) and do one
 * round of what is due then: deliver due wire frames, hand on due gate
 * frames, run due host timers.  What that round causes at the same
 * instant is done by the next step.  Returns false (clock unchanged)
 * when nothing at all is pending. */
bool sim_step(struct sim *s);
/* Steps at one instant before a run gives up with TV_ESTALLED: a wire
 * with no delay carries data in no time, so a sender that never stops
 * (chargen) keeps the clock still for ever.  About 6 GiB of transfer. */
#define SIM_INSTANT_STEPS_MAX 50000u
/* Step through everything due up to now + d, then set the clock to
 * exactly now + d: 0.  TV_ESTALLED (clock where it stood) when time could
 * not pass (see SIM_INSTANT_STEPS_MAX). */
int sim_run_for(struct sim *s, tv_time d);

typedef bool (*sim_cond_fn)(void *ctx, struct sim *s);
/* Step until cond(ctx, s) holds (checked before each step): 0.  When it
 * has not held by now + limit, or can no longer change (nothing pending),
 * the clock is set to now + limit and the result is TV_ETIMEDOUT (with
 * limit TV_NEVER and nothing pending, the clock stays); TV_ESTALLED as
 * for sim_run_for. */
int sim_run_until(struct sim *s, sim_cond_fn cond, void *ctx, tv_time limit);

/* Idle: nothing pending anywhere, i.e. sim_next_deadline() is TV_NEVER:
 * no frame in flight on the wire, none released or delayed in a gate, no
 * timer armed on any host (TIME-WAIT, retransmission, keepalive, ARP
 * retry or ageing...).  Frames a gate holds for a person do not count:
 * they never move by themselves. */
bool sim_idle(const struct sim *s);
/* Quiet: nothing in transit right now, i.e. no frame in flight on the
 * wire, none released or delayed in a gate, and no host timer due at or
 * before now.  Timers due later (a retransmission after a loss, 2MSL) do
 * not count: traffic has settled for the moment. */
bool sim_quiet(const struct sim *s);
/* sim_run_until() with those conditions. */
int sim_run_until_idle(struct sim *s, tv_time limit);
int sim_run_until_quiet(struct sim *s, tv_time limit);

/* Install the frame tap (event.h) on the whole sim: the sim reports SENT
 * and DELIVERED, the wire LOST and DUPLICATED, the gates DROPPED_BY_GATE
 * and DUPLICATED; hosts added later get it too.  fn NULL removes it. */
void sim_set_frame_tap(struct sim *s, tv_frame_tap_fn fn, void *ctx);

/* Steps taken so far (for tests and benchmarks). */
uint64_t sim_steps(const struct sim *s);

#endif
