/*
 * evjson.h - the way back from a JSON event line (src/out/json.h's
 * schema) to a struct tv_event, so a client of the daemon can hand the
 * events it receives to the same writers an in-process run uses (the
 * transcript of `tcpviz ctl --follow`, the TUI's model).
 *
 *   struct evjson *d = evjson_new();
 *   evjson_add_hosts(d, json_object_get(greeting, "hosts"));
 *   if (evjson_decode(d, obj, &ev) == 0)
 *           text_sink(t, &ev);
 *   evjson_free(d);
 *
 * JSON names hosts, the event carries ids: the decoder keeps the table of
 * hosts (id, name, address) the daemon announced in its greeting and in
 * "hosts" notices.  What the JSON does not carry is rebuilt where it can
 * be: a segment's iss/irs from its relative numbers (rseq/rack).  Fields
 * the JSON lacks are zero.  No I/O, no printing.
 */
#ifndef TV_DAEMON_EVJSON_H
#define TV_DAEMON_EVJSON_H

#include <jansson.h>
#include <stdbool.h>

#include "core/event.h"

#define EVJSON_HOSTS_MAX 64

struct evjson_host {
	uint32_t id, addr;
	char name[16];
};

struct evjson;

/* NULL if out of memory. */
struct evjson *evjson_new(void);
void evjson_free(struct evjson *d);

/* Learn the hosts in a JSON array of {"id":N,"name":S,"addr":"A.B.C.D"}.
 * Hosts already known (same id) are kept.  For each host new to the
 * table, added(ctx, host) is called (may be NULL): a client names it in
 * its writers.  Returns how many were new, or -1 for a malformed array
 * (the well-formed entries before the bad one are kept). */
int evjson_add_hosts(struct evjson *d, const json_t *hosts,
		     void (*added)(void *ctx, const struct evjson_host *h), void *ctx);
/* The host with that name, NULL if unknown. */
const struct evjson_host *evjson_host_by_name(const struct evjson *d, const char *name);

/* o[key], a name in a table of n names given by fn: its index in *v.
 * 0 (also when the key is absent: *v unchanged), or 1 when the value is
 * not a string or not in the table.  The TUI's snapshot reader uses it
 * too. */
int evjson_get_name(const json_t *o, const char *key, const char *(*fn)(int), int n, int *v);

/* Decode one event object.  0, or -1 when o is not an event (no known
 * "type") or a field has the wrong kind of value. */
int evjson_decode(const struct evjson *d, const json_t *o, struct tv_event *ev);

#endif
