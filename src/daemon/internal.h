/*
 * internal.h - what the files of the daemon's server share and nothing
 * else needs: the socket directory check (sockpath.c) and the JSON
 * builders for snapshots and replies (snapshot.c).
 */
#ifndef TV_DAEMON_INTERNAL_H
#define TV_DAEMON_INTERNAL_H

#include <jansson.h>

#include "core/sim.h"
#include "daemon/proto.h"
#include "daemon/server.h"

struct tcb;

/* Make path's directory safe and free the path (see sockpath.c): 0, or
 * -1 with a translated message. */
int sockdir_prepare(const char *path, char *msg, size_t size);

/* A JSON string from text that may not be valid UTF-8 (bad bytes become
 * '?'); NULL only when out of memory. */
json_t *jx_string(const char *s);
json_t *jx_ip(uint32_t addr);

/* An endpoint named in events: a sim host, a raw peer, a TAP device. */
struct endpoint {
	uint32_t id, addr;
	char name[32];
};

/* [{"id","name","addr"}, ...] */
json_t *snap_endpoints(const struct endpoint *ep, unsigned n);
/* One TCB: every field, its timers (remaining time from now). */
json_t *snap_tcb(const struct tcb *t, tv_time now);
/* Every host of the sim with counters, gate and TCBs. */
json_t *snap_hosts(const struct sim *sim, tv_time now);
/* The server's counters. */
json_t *snap_stats(const struct server_stats *st);

#endif
