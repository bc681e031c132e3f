/*
 * server.h - the daemon's control socket: a Unix socket on the runtime's
 * libuv loop where clients (`tcpviz ctl`, the TUI, scripts) drive the
 * live stack with the command language and follow its events.  proto.h
 * describes the framing and the kinds of lines; this is the server side.
 *
 *   struct server_config cfg;
 *   server_config_default(&cfg);
 *   cfg.path = "/run/user/1000/tcpviz.sock";       (NULL: the default)
 *   struct server *srv = server_new(rt, script, &cfg, msg, sizeof(msg));
 *   rt_run(rt);                   clients come and go inside the loop
 *   server_free(srv);             after rt_run returns, before rt_free
 *
 * The socket is created mode 0600 in a directory that must be 0700 and
 * ours (created when missing); a stale socket left by a dead daemon is
 * replaced, a live one is refused.  A peer must run as the daemon's user
 * or as root (SO_PEERCRED); anyone else gets a "bye" line and is closed.
 *
 * Requests (one per line; words are case-sensitive, lower case):
 *
 *   hello VERSION [readonly]  say which protocol the client speaks (1);
 *                             readonly: from now on refuse every request
 *                             that changes the stack (for students'
 *                             screens).  Reply: "proto", "readonly".
 *   snapshot                  the whole state now.  Reply: "snapshot":
 *                             {"time", "speed", "paused", "lagged" (times
 *                             the stack fell behind the clock), "server":
 *                             stats, "endpoints": [...], "links": [TAP
 *                             devices: "name", "offload", "rx"/"tx"
 *                             traffic], "hosts": [{"id",
 *                             "name", "addr", "mac", "mtu", "counters":
 *                             {name: n}, "limits": {each bound and its
 *                             use: "conns_max", "conns", "backlog",
 *                             "ooo_max", "rcvbuf", "sndbuf", "arp_cache",
 *                             "arp_entries", "arp_pending"}, "gate": {"in",
 *                             "out" (hold or pass), "stats", "hold_max",
 *                             "held": [frames], "rules": [rules]}, "tcbs": [every TCB, every field,
 *                             timers with "deadline" and "remaining"]}]}
 *   subscribe [json] [nohistory] [only TYPE,...]
 *                             start the event stream: the reply
 *                             ("history": K, "lost": events the ring no
 *                             longer holds), then the K most recent events
 *                             from the ring (unless nohistory), then every
 *                             new event as it happens; with only, just
 *                             the events of those types (json.h names:
 *                             state,seg_out,...).  JSON is the only
 *                             format (the word is accepted for clarity).
 *                             Subscribing again changes the types.
 *   unsubscribe               stop it.
 *   stats                     the server's counters, and its bounds under
 *                             "limits" ("clients_max", "errors_max",
 *                             "ring", "out_max").  Reply: "stats".
 *   ping                      Reply: "time" (virtual µs).
 *   speed [X]                 set the clock's speed (0.1 to 100); without
 *                             X just report.  Reply: "speed", "paused".
 *   resume                    restart a paused clock (`pause`, a command
 *                             of the language, stops it).
 *   skip                      jump the clock to the next timer's deadline
 *                             at once (the timers due fire).  Reply:
 *                             "time", "skipped" (µs); refused while a
 *                             command waits.
 *   help                      Reply: "requests": their spellings.
 *   quit                      the reply, then the server closes.
 *   anything else             one line of the command language, run
 *                             against the live stack (commands that let
 *                             time pass -- run, run until, next timer,
 *                             step -- wait in real time, and the client's
 *                             later requests wait with them; other
 *                             clients go on).  Reply: "time"; on failure
 *                             "status", "error" ("request:N:COL: msg"),
 *                             and for a failed expectation "expected",
 *                             "actual" and "tcbs" (both ends' TCBs).
 *
 * A read-only client may use hello, snapshot, subscribe, unsubscribe,
 * stats, ping, speed (no argument), help, quit, and `expect` (it only
 * looks).  Not the waits (run, run until, next timer): the runtime runs
 * one wait at a time, so a student's wait would hold up the teacher's
 * `step`.
 *
 * Bad input never stops the server: a line that is not UTF-8, cannot be
 * parsed or names nothing gets an error reply; a line longer than
 * TVD_LINE_MAX gets an error and the connection is closed; after
 * errors_max bad lines in a row, too.  A client whose unsent output
 * passes out_max bytes (it stopped reading) is closed; while its output
 * is above half that, the server stops reading its requests, so a flood
 * of requests slows only the client that sends it; and if it then reads
 * nothing for stall_ms, it is closed too (it floods and never reads).  A half line left at
 * end of input is discarded (never run: it may be cut short).  Each case
 * is counted (server_stats) and logged.
 */
#ifndef TV_DAEMON_SERVER_H
#define TV_DAEMON_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/proto.h"

struct rt;
struct script;
struct server;

struct server_config {
	const char *path;          /* socket path; NULL: tvd_default_path() */
	bool no_listen;            /* no socket: clients come by server_attach_fd */
	size_t out_max;            /* unsent bytes before a client is dropped: 4 MiB */
	unsigned ring;             /* recent events kept for subscribers: 4096 */
	unsigned clients_max;      /* clients at once: 64 */
	unsigned errors_max;       /* bad requests in a row before a drop: 64 */
	unsigned stall_ms;         /* throttled and reading nothing this long: dropped (10 s) */
	/* One line per notable thing (translated, no newline); NULL: quiet. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
};

struct server_stats {
	uint64_t accepted;         /* connections accepted (and allowed) */
	uint64_t refused_peer;     /* SO_PEERCRED: another user */
	uint64_t refused_full;     /* over clients_max */
	uint64_t requests;         /* request lines received */
	uint64_t bad_requests;     /* error replies (parse, UTF-8, unknown...) */
	uint64_t refused_readonly; /* mutating requests from read-only clients */
	uint64_t overlong;         /* lines over TVD_LINE_MAX (client closed) */
	uint64_t half_lines;       /* partial lines discarded at end of input */
	uint64_t dropped_slow;     /* clients closed: output over out_max */
	uint64_t dropped_stalled;  /* clients closed: throttled, read nothing for stall_ms */
	uint64_t dropped_errors;   /* clients closed: errors_max bad lines */
	uint64_t events;           /* events seen on the bus */
	uint64_t event_lines;      /* event lines queued to subscribers */
	uint64_t events_skipped;   /* event lines not sent: over the stream's
				      budget (counted once per subscriber) */
	unsigned clients;          /* connected now */
	unsigned subscribers;      /* of which subscribed */
	uint64_t ring_lost;        /* events the ring let go (the oldest): a
				      late subscriber's history lacks them */
	/* The limits in force (server_config after its floors), so that
	 * `stats` shows each counter next to its bound. */
	unsigned clients_max, errors_max, ring, stall_ms;
	uint64_t out_max;
};

void server_config_default(struct server_config *cfg);

/* Listen on the socket.  NULL with a translated message in msg when the
 * directory or the socket cannot be used, or memory runs out. */
struct server *server_new(struct rt *rt, struct script *sc, const struct server_config *cfg,
			  char *msg, size_t size);
/* Say "bye" to every client and close them and the socket (the file is
 * removed).  Call from inside the loop (a signal hook) so the closing
 * finishes while it runs; server_free does it too. */
void server_shutdown(struct server *s);
/* Shut down if not yet done, let the loop finish closing, free. */
void server_free(struct server *s);

/* Name an endpoint that is not a sim host (a raw peer) in events and in
 * the "hosts" lists; sim hosts are found by themselves, and so are the
 * kernel sides of the runtime's TAP devices (rt_tap_info's kernel_name)
 * when the server starts.  Subscribers get a "hosts" notice when the list
 * grows. */
void server_add_endpoint(struct server *s, uint32_t id, const char *name, uint32_t addr);

/* Serve a client on fd, an already connected stream socket (one end of a
 * socketpair: the in-process TUI talks to its own engine this way).  The
 * server owns fd from now on, even on failure.  0, or -1. */
int server_attach_fd(struct server *s, int fd);

const char *server_path(const struct server *s);
const struct server_stats *server_stats(const struct server *s);

#endif
