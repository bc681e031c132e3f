/*
 * rt.h - the live runtime: the stack running in real (scaled) time inside
 * one libuv loop, optionally joined to the host's kernel by a TAP device.
 *
 * A struct rt owns a uv loop and a struct sim (hosts, wire, gates, event
 * bus).  Virtual time is wall time (uv_hrtime) scaled by a speed of 0.1x
 * to 100x, and can be paused: the stack's timers follow it.  One uv timer
 * is armed at sim_next_deadline() mapped to wall time; when it fires, or a
 * frame arrives from a TAP device, the sim is stepped up to the current
 * virtual time.  A TAP device is one more station on the sim's wire (the
 * kernel), so the gate in front of a stack host works on the kernel's
 * frames exactly as on the in-memory wire, and so do the transcript, the
 * ladder and the pcap tap.
 *
 *   struct rt_opts o;
 *   rt_opts_default(&o);
 *   struct rt *rt = rt_new(&o, &err);
 *   rt_add_tap(rt, &tap_opts, msg, sizeof(msg));     (optional)
 *   rt_drop_privileges(rt, NULL, msg, sizeof(msg));   (after the devices)
 *   tv_bus_add(rt_bus(rt), my_sink, ctx);
 *   ...
 *   rt_run(rt);         until rt_stop(), or a signal's clean shutdown
 *   rt_free(rt);
 *
 * Touching the sim from outside the runtime's own callbacks (a socket
 * call, a gate operation, apps_start...): call rt_sync() first (so the
 * sim's clock is the current virtual time) and rt_kick() after (so the
 * timer follows any new deadline).  rt_exec() does both around a script
 * command.
 *
 * Commands of the command language: a command that lets time pass (run,
 * run until, next timer, step, raw-peer packet lines) runs the loop while
 * it waits, so it must not be executed from inside a libuv callback
 * (uv_run is not reentrant).  From a callback (the control socket), use
 * rt_submit(): the command runs from the top of rt_run(), in order, and
 * its result goes to a callback.  Commands that do not wait are also run
 * while an earlier command waits, so `release 3` can free the segment a
 * `run until` is waiting for.
 *
 * Only src/host (and src/daemon) include uv.h; this header does not.
 */
#ifndef TV_HOST_RT_H
#define TV_HOST_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sim.h"
#include "script/script.h"

struct rt;
struct uv_loop_s;

#define RT_SPEED_MIN 0.1
#define RT_SPEED_MAX 100.0
#define RT_TAPS_MAX 4
#define RT_TAP_ID_BASE 64          /* wire host id of TAP port i: BASE + i */
#define RT_HOST_NAME_DEFAULT "tcpviz"

/* How connections end at shutdown. */
enum rt_close_mode {
	RT_CLOSE_FIN,              /* orderly close (default) */
	RT_CLOSE_RST,              /* reset every connection */
};

struct rt_opts {
	uint64_t seed;             /* the sim's seed (ISNs, gate chances): 1 */
	double speed;              /* virtual seconds per wall second: 1.0 */
	bool paused;               /* start with the clock stopped */
	enum rt_close_mode close_mode; /* what SIGINT/SIGTERM do: FIN */
	tv_time linger;            /* wall time given to closing handshakes at
				      shutdown before the loop stops: 2 s */
	bool no_signals;           /* leave SIGINT/SIGTERM alone */
	/* Told when SIGINT/SIGTERM arrives (before the shutdown starts), e.g.
	 * to log it; may be NULL.  A second signal stops at once. */
	void (*on_signal)(void *ctx, int signum);
	void *signal_ctx;
};

void rt_opts_default(struct rt_opts *o);

/* NULL with *err (may be NULL) set: TV_ENOMEM, TV_EINVAL (bad options, or
 * libuv could not start). */
struct rt *rt_new(const struct rt_opts *o, int *err);
/* Closes the TAP devices and every handle, frees the sim.  Not from
 * inside rt_run(). */
void rt_free(struct rt *rt);

struct sim *rt_sim(struct rt *rt);
struct tv_bus *rt_bus(struct rt *rt);
/* The loop, for the daemon's own handles (control socket). */
struct uv_loop_s *rt_loop(struct rt *rt);

/* ---- the clock ---- */

/* Virtual time now, read from the clock (the sim may lag it until the
 * next rt_sync). */
tv_time rt_now(const struct rt *rt);
/* TV_EINVAL outside [RT_SPEED_MIN, RT_SPEED_MAX]. */
int rt_set_speed(struct rt *rt, double speed);
double rt_speed(const struct rt *rt);
void rt_pause(struct rt *rt);
void rt_resume(struct rt *rt);
bool rt_paused(const struct rt *rt);

/* Move virtual time forward to `to` at once, firing every timer due on
 * the way (the TUI's "skip to the next timer", the step back's replay).
 * Frames from TAP devices keep arriving in real time.  0, or TV_EINVAL
 * while a command waits (rt_run_until). */
int rt_jump(struct rt *rt, tv_time to);

/* Times the stack could not keep up with the clock: each time, catching
 * up stopped after 20 ms of work so the loop stayed responsive, and the
 * clock was set back to where the stack had got (virtual time then runs
 * slower than the speed asked). */
uint64_t rt_lagged(const struct rt *rt);

/* Step the sim through everything due up to the current virtual time,
 * then set its clock to it. */
void rt_sync(struct rt *rt);
/* Re-arm the timer at the sim's next deadline, and hand on frames the sim
 * has ready now. */
void rt_kick(struct rt *rt);

/* ---- TAP devices ---- */

struct rt_tap_opts {
	const char *name;          /* device name; created if missing */
	uint32_t addr;             /* the stack host's address, 0: add none */
	uint8_t addr_len;          /* its prefix length */
	const char *host_name;     /* its sim name: RT_HOST_NAME_DEFAULT */
	uint32_t host_addr;        /* the kernel side's address, 0: leave the
				      device's addresses alone */
	uint8_t host_len;          /* its prefix length */
	unsigned services;         /* APP_BIT mask started on the stack host */
	bool no_offload;           /* no IFF_VNET_HDR offloads (also when the
				      environment has TCPVIZ_TAP_OFFLOAD=0) */
};

/* Open (or create) the device, read the kernel side's MAC, give the
 * kernel its address and bring the link up (when host_addr is set),
 * attach it to the wire and create the stack host (when addr is set).
 * 0, or a TV_E* code with a translated message in msg (what failed, on
 * which device, and what to do). */
int rt_add_tap(struct rt *rt, const struct rt_tap_opts *o, char *msg, size_t size);

/* What a TAP device is. */
struct rt_tap_info {
	char name[16];
	int ifindex;
	uint8_t mac[6];            /* the kernel side's MAC */
	uint32_t host_addr;        /* the kernel side's address (0: unknown) */
	uint8_t host_len;
	uint32_t port_id;          /* its id on the wire (in wire events) */
	struct host *host;         /* the stack host made for it, or NULL */
	bool offload;              /* IFF_VNET_HDR: checksum and TSO offloads */
	char kernel_name[16];      /* what views call its kernel side: "kernel",
				      "kernel2"... */
};

struct rt_tap_stats {
	uint64_t rx_frames, rx_bytes;   /* read from the device (kernel -> us) */
	uint64_t rx_wakeups;            /* poll wakeups that read frames */
	uint64_t rx_errors;             /* read errors, truncated frames */
	uint64_t tx_frames, tx_bytes;   /* written (us -> kernel) */
	uint64_t tx_dropped;            /* writes the device refused (queue full...) */
	/* With offloads: reads, and how many were super-frames cut into
	 * segments (rx_frames counts the segments); writes, super-frames
	 * written, segments merged into them, bare ACKs superseded. */
	uint64_t rx_reads, rx_super;
	uint64_t tx_writes, tx_super, tx_merged, tx_acks_skipped;
};

unsigned rt_tap_count(const struct rt *rt);
/* false past the end. */
bool rt_tap_info(const struct rt *rt, unsigned i, struct rt_tap_info *out);
bool rt_tap_stats(const struct rt *rt, unsigned i, struct rt_tap_stats *out);

/* When running as root: switch to user (a name or a numeric uid), else
 * to $SUDO_UID/$SUDO_GID; with neither, keep running as root.  Call after
 * the devices are open: they stay usable.  0, or TV_EINVAL with a
 * translated message. */
int rt_drop_privileges(struct rt *rt, const char *user, char *msg, size_t size);

/* Report frames the kernel receives across a TAP device as DELIVERED (the
 * sim reports its own hosts' frames) and install fn on the sim
 * (sim_set_frame_tap).  fn NULL: none. */
void rt_set_frame_tap(struct rt *rt, tv_frame_tap_fn fn, void *ctx);

/* ---- running ---- */

/* Run the loop until rt_stop() or until a shutdown has finished.  Returns
 * 0, or the signal number that caused the shutdown. */
int rt_run(struct rt *rt);
/* Stop the loop at the next iteration; no closing handshakes. */
void rt_stop(struct rt *rt);
/* Close every connection of every host (FIN after queued data, or RST),
 * close the listeners, let the closing handshakes run for up to the
 * linger time (or until no connection is left but TIME-WAIT), then stop.
 * Commands waiting for time are interrupted (TV_EABORTED). */
void rt_shutdown(struct rt *rt, enum rt_close_mode mode);
/* A shutdown or stop was asked for. */
bool rt_stopping(const struct rt *rt);
/* The signal that started the shutdown, 0 if none. */
int rt_signal(const struct rt *rt);

/* ---- commands ---- */

/* Let time pass (wall time, scaled) running the loop, until cond(ctx,
 * sim) holds (checked before every step of the sim, as sim_run_until
 * does) or `limit` of virtual time has passed.  0, TV_ETIMEDOUT, or
 * TV_EABORTED when the runtime is stopping.  Not from a libuv callback.
 * This is the script's run_until hook (rt_script_config). */
int rt_run_until(struct rt *rt, sim_cond_fn cond, void *ctx, tv_time limit);

/* Point a script_config's time hook at this runtime, so the script's
 * run/run until/step wait in real time. */
void rt_script_config(struct rt *rt, struct script_config *cfg);

/* Run one command now: rt_sync, script_exec, rt_kick.  Not from a libuv
 * callback when the command may wait (see rt_cmd_waits). */
enum script_status rt_exec(struct rt *rt, struct script *sc, const struct script_cmd *cmd,
			   struct script_result *res);
/* Whether the command lets time pass. */
bool rt_cmd_waits(const struct script_cmd *cmd);

typedef void (*rt_done_fn)(void *ctx, const struct script_cmd *cmd,
			   const struct script_result *res);
/* Queue a command (from anywhere, callbacks included): it runs from the
 * top of rt_run() in the order queued (a command that does not wait also
 * runs while an earlier one waits), then done(ctx, cmd, res) is called
 * there (not from a libuv callback, so it may call rt_exec).  cmd must
 * stay valid until then.  0, TV_ENOMEM, or TV_EABORTED when stopping
 * (done is not called). */
int rt_submit(struct rt *rt, struct script *sc, const struct script_cmd *cmd, rt_done_fn done,
	      void *ctx);
/* Forget queued commands of this ctx (a client that went away): their
 * done is not called.  A command of this ctx already running is cut short
 * if it waits (run, run until...: the wait ends with TV_EABORTED, so a
 * client that leaves mid-wait does not hold up everyone else's), and its
 * done is not called either. */
void rt_cancel(struct rt *rt, void *ctx);

#endif
