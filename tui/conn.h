/*
 * conn.h - the TUI's side of the control protocol (src/daemon/proto.h)
 * on a libuv loop.  The same code serves the in-process engine (one end
 * of a socketpair, tui/engine.h) and a daemon across its Unix socket.
 *
 *   struct conn_config cfg = {.loop = loop, .model = m, .changed = redraw, .ctx = app};
 *   struct conn *c = conn_new(&cfg, tvc, fd, msg, sizeof(msg));
 *   conn_send(c, "step 1", on_reply, app);        the reply comes to on_reply
 *   ...
 *   conn_free(c);                                  the loop finishes closing it
 *
 * A monitoring connection (cfg.model set) greets the engine with
 * "hello 1 [readonly]", subscribes to events and keeps the model fresh:
 * the greeting goes to model_greeting, events through evjson_decode to
 * model_event, "hosts" notices to model_hosts, and snapshots are asked
 * for after events arrive -- at most about ten a second, never while one
 * is on its way, and less often when they are big (the interval is ten
 * times what the last one took to parse and apply).  A plain connection
 * (cfg.model NULL: the lesson player) only sends requests and takes
 * their replies.
 *
 * Writes never block: what the socket does not take waits in a buffer
 * and goes when the socket is writable.  Replies come back in the order
 * of the requests (proto.h); each goes to the callback given with its
 * request.  When the engine says "bye", closes the socket or sends what
 * is not protocol, closed() is told why and the connection sends nothing
 * more.
 */
#ifndef TV_TUI_CONN_H
#define TV_TUI_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct conn;
struct model;
struct tvc;
struct tvc_msg;
struct uv_loop_s;

/* A reply (m->kind TVC_REPLY), or NULL when the connection closed first. */
typedef void (*conn_reply_fn)(void *ctx, const struct tvc_msg *m);

struct conn_config {
	struct uv_loop_s *loop;
	struct model *model;     /* NULL: a plain request/reply connection */
	bool readonly;           /* say "hello 1 readonly" */
	bool no_history;         /* subscribe without the recent events (the
				    model has them already: a reattach) */
	/* All may be NULL; ctx is passed to each. */
	void (*changed)(void *ctx);                          /* the model changed */
	void (*event)(void *ctx, const struct tv_event *ev); /* after model_event */
	void (*host)(void *ctx, uint32_t id, const char *name, uint32_t addr); /* new host */
	void (*ready)(void *ctx);                            /* greeting handled */
	/* The connection is over: reason is "bye" reasons (proto.h), "eof",
	 * "proto" or "io"; msg is translated. */
	void (*closed)(void *ctx, const char *reason, const char *msg);
	void *ctx;
};

struct conn_stats {
	uint64_t events;         /* event lines decoded */
	uint64_t bad_events;     /* event lines evjson refused */
	uint64_t snapshots;      /* snapshots applied */
	uint64_t snapshot_us;    /* what the last one took to parse and apply */
	uint64_t interval_us;    /* the snapshot interval now */
	uint64_t bytes_in, bytes_out;
};

/* Serve the connection on fd (made non-blocking here).  tvc is the codec
 * (owned from now on; it may already hold the greeting, as after
 * tvc_connect).  NULL with a translated message on failure (fd is then
 * not closed). */
struct conn *conn_new(const struct conn_config *cfg, struct tvc *tvc, int fd, char *msg,
		      size_t size);
/* Stop and close: pending replies are not called.  The memory goes when
 * the loop runs the close callbacks. */
void conn_free(struct conn *c);

/* Send a request line (no newline).  fn (may be NULL) gets its reply.
 * Returns the request's number, 0 when the connection is closed or
 * memory ran out. */
unsigned long conn_send(struct conn *c, const char *line, conn_reply_fn fn, void *ctx);
/* Ask for a snapshot soon (after a command), within the rate limit. */
void conn_want_snapshot(struct conn *c);
bool conn_open(const struct conn *c);
const struct conn_stats *conn_stats(const struct conn *c);

/* A monotonic clock in microseconds (the model's "wall"). */
uint64_t conn_wall_us(void);

#endif
