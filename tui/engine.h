/*
 * engine.h - the stack the TUI shows when it is not attached to a
 * daemon: a live runtime (src/host/rt.h), the command language's state
 * (src/script/script.h) and a control-socket server without a socket
 * (src/daemon/server.h, cfg.no_listen), so the TUI talks protocol v1 to
 * it exactly as to a daemon, over a socketpair:
 *
 *   struct engine *e = engine_new(&opts, msg, sizeof(msg));   (errors in msg)
 *   int fd = engine_attach(e);       the TUI's end of a socketpair
 *   ... a conn (tui/conn.h) on engine_loop(e), fd ...
 *   engine_run(e);                   until engine_stop() or a signal
 *   engine_free(e);
 *
 * Set-ups: the demo (hosts A 10.0.0.1 and B 10.0.0.2 on the in-memory
 * wire, 100 µs apart, every service on B, every gate holding outbound
 * segments so they wait for a key), a TAP device facing the kernel (as
 * `tcpviz daemon --tap` does: services on the stack host, gates passing),
 * or an empty wire for a lesson the TUI plays line by line.  With
 * opts.socket the server also listens there, so other TUIs and `tcpviz
 * ctl` may attach.
 *
 * Step back: the engine can be built again from scratch and brought to
 * an earlier moment by replaying the commands that led there
 * (engine_replay): each at the virtual time it first ran, with waits
 * jumping the clock instead of taking wall time.  To know when a waiting
 * command started, the engine watches the script's waits: engine_wait_arm()
 * before sending one, engine_wait_started() after its reply (only one
 * waiting command may be on its way at a time for this to be exact).
 *
 * Export: the engine keeps the last frames that crossed the wire (a
 * bounded store), so the TUI can write a pcapng of one connection.
 */
#ifndef TV_TUI_ENGINE_H
#define TV_TUI_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct engine;
struct rt;
struct uv_loop_s;

enum engine_kind { ENGINE_DEMO, ENGINE_TAP, ENGINE_EMPTY };

struct engine_opts {
	enum engine_kind kind;
	uint64_t seed;           /* 0: 1 */
	double speed;            /* 0: 1.0 */
	bool paused;             /* start with the clock stopped */
	const char *socket;      /* also listen here; NULL: no socket */
	/* TAP (kind ENGINE_TAP) */
	const char *tap;
	uint32_t addr, host_addr;
	uint8_t addr_len, host_len;
	const char *user;        /* started as root: continue as this user */
	/* SIGINT/SIGTERM: the engine closes its connections and stops. */
	bool signals;
	/* The server's log lines (translated); NULL: quiet. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
};

/* Build and set up.  NULL with a translated message in msg (a TAP device
 * that cannot be opened says what to do); on success msg holds a warning
 * or is empty. */
struct engine *engine_new(const struct engine_opts *o, char *msg, size_t size);
/* Stop serving and free everything.  Not from inside engine_run(). */
void engine_free(struct engine *e);

struct uv_loop_s *engine_loop(struct engine *e);
struct rt *engine_rt(struct engine *e);
/* "wire" (untranslated: the caller translates it when shown), or the
 * TAP device's name. */
const char *engine_link(const struct engine *e);
/* The socket others may attach to, NULL when none. */
const char *engine_socket(const struct engine *e);

/* A new client of the server: returns the other end of a socketpair for
 * the caller (close it when done), or -1 with errno set. */
int engine_attach(struct engine *e);

/* Run the loop until engine_stop() (or a signal's shutdown).  Returns the
 * signal number that stopped it, 0 otherwise. */
int engine_run(struct engine *e);
/* Leave engine_run at once (graceful false), or after closing every
 * connection (FIN; TAP: the kernel sees them close). */
void engine_stop(struct engine *e, bool graceful);
bool engine_stopping(const struct engine *e);

/* ---- step back ---- */

/* A command to replay: a line of the command language, or (line NULL) a
 * skip of the clock from start to end. */
struct engine_rec {
	char *line;
	tv_time start, end;
};

/* The next wait a script command starts is watched... */
void engine_wait_arm(struct engine *e);
/* ...and when it started (false: no wait started since the arming). */
bool engine_wait_started(struct engine *e, tv_time *start);

/* Replay n commands on a freshly built engine (before anyone attached),
 * then bring the clock to `to`.  0, or -1 with a translated message (a
 * command that failed the second time: the run is not the same). */
int engine_replay(struct engine *e, const struct engine_rec *recs, size_t n, tv_time to,
		  char *msg, size_t size);

/* ---- export ---- */

/* Write the frames kept of the TCP connection between a:ap and b:bp (both
 * directions) as pcapng to path.  0 with *frames set, or a TV_E* code
 * (errno tells about the file). */
int engine_write_pcap(struct engine *e, const char *path, uint32_t a, uint16_t ap, uint32_t b,
		      uint16_t bp, unsigned long *frames);

#endif
