/*
 * rt.c - the live runtime (see rt.h): a libuv loop driving a sim in
 * scaled, pausable wall time, with TAP devices as stations on its wire.
 *
 * The clock: virtual time = virt0 + (uv_hrtime() - wall0) * speed, or
 * virt0 while paused; every change of speed or pause rebases (virt0,
 * wall0) so virtual time never jumps or runs backwards.
 *
 * Stepping: everything that moves the sim goes through rt_advance(),
 * which steps through what is due up to the current virtual time.  When a
 * command waits (rt_run_until), its condition is checked before every
 * step, as sim_run_until does, and once it holds nothing more is stepped
 * until the command has returned, so the script sees the world at the
 * moment its condition came true.  One uv timer is armed at the sim's
 * next deadline (or the waiting command's end) mapped to wall time; frames
 * from a TAP device step the sim once per batch read.
 *
 * Stopping: rt_shutdown() closes every connection (FIN or RST) and lets
 * the loop run until they are closed and the wire is quiet, or the linger
 * time is up; a second signal stops at once.
 */
#define _GNU_SOURCE
#include "config.h"

#include <math.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "core/apps.h"
#include "core/sim.h"
#include "core/sock.h"
#include "host/rt.h"
#include "host/tap.h"
#include "i18n.h"

/* A command waiting for time (rt_run_until); they nest. */
struct rt_wait {
	sim_cond_fn cond;
	void *ctx;
	tv_time end;
	bool held;
	struct rt_wait *outer;
};

/* A queued command (rt_submit). */
struct rt_job {
	struct rt_job *next;
	struct script *sc;
	const struct script_cmd *cmd;
	rt_done_fn done;
	void *ctx;
};

struct rt {
	uv_loop_t loop;
	uv_timer_t timer;         /* the sim's next deadline */
	uv_timer_t linger;        /* end of the shutdown's grace time */
	uv_async_t sigwake;       /* woken by SIGINT/SIGTERM (rt_sig_handler) */
	unsigned nsig;            /* 1 while we hold the signals */
	struct sim *sim;
	struct rt_opts o;
	/* the clock */
	uint64_t wall0;           /* uv_hrtime() at the last rebase, ns */
	uint64_t lagged;          /* times the stack fell behind the clock */
	bool behind;              /* catching up: go on from the idle handle */
	uv_idle_t idle;
	tv_time virt0;
	double speed;
	bool paused;
	/* waits and commands */
	struct rt_wait *wait;     /* innermost waiting command */
	struct rt_job *head, *tail;
	void *running_ctx;        /* ctx of the outermost running command */
	bool running_cancelled;
	bool in_batch;            /* between a TAP batch's first frame and its end */
	/* devices */
	struct tap *taps[RT_TAPS_MAX];
	struct apps *apps[RT_TAPS_MAX];
	unsigned ntaps, taps_open;
	tv_frame_tap_fn ftap;
	void *ftap_ctx;
	/* stopping */
	bool stop, shutting, linger_over;
	int signum;
};

void rt_opts_default(struct rt_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->speed = 1.0;
	o->close_mode = RT_CLOSE_FIN;
	o->linger = TV_SEC(2);
}

/* ---- the clock ---- */

static tv_time clock_read(const struct rt *rt)
{
	if (rt->paused)
		return rt->virt0;
	double us = (double)(uv_hrtime() - rt->wall0) / 1000.0 * rt->speed;
	return rt->virt0 + (tv_time)us;
}

tv_time rt_now(const struct rt *rt)
{
	tv_time v = clock_read(rt), s = sim_now(rt->sim);

	/* Someone stepped the sim directly: the clock never runs behind it. */
	return v > s ? v : s;
}

static void clock_rebase(struct rt *rt)
{
	rt->virt0 = rt_now(rt);
	rt->wall0 = uv_hrtime();
}

int rt_set_speed(struct rt *rt, double speed)
{
	if (!(speed >= RT_SPEED_MIN && speed <= RT_SPEED_MAX))
		return TV_EINVAL;
	clock_rebase(rt);
	rt->speed = speed;
	rt_kick(rt);
	return 0;
}

double rt_speed(const struct rt *rt)
{
	return rt->speed;
}

void rt_pause(struct rt *rt)
{
	if (rt->paused)
		return;
	clock_rebase(rt);
	rt->paused = true;
	rt_kick(rt);
}

void rt_resume(struct rt *rt)
{
	if (!rt->paused)
		return;
	rt->wall0 = uv_hrtime();
	rt->paused = false;
	rt_kick(rt);
}

bool rt_paused(const struct rt *rt)
{
	return rt->paused;
}

/* ---- stepping ---- */

/* Wall time one step of the loop may spend catching the sim up. */
#define RT_STEP_BUDGET_NS (20u * 1000 * 1000)

/* Frames kept back to be merged go out at the end of every step. */
static void rt_flush_taps(struct rt *rt)
{
	for (unsigned i = 0; i < rt->ntaps; i++)
		tap_flush(rt->taps[i]);
}

/* The stack could not keep up with the clock (chargen at 100x): rather
 * than catch up for seconds with the loop frozen (no keys, no socket),
 * the clock waits for the stack: virtual time runs slower than asked
 * until the work is done.  Counted (rt_lagged).  The rest of the work
 * goes on from an idle handle, once per turn of the loop, after I/O: a
 * timer re-armed at 0 ms would be run again and again within one pass
 * over the timers, and the loop would never poll. */
static void rt_fall_behind(struct rt *rt)
{
	rt->lagged++;
	rt->behind = true;
	if (!rt->paused) {
		rt->virt0 = sim_now(rt->sim);
		rt->wall0 = uv_hrtime();
	}
	rt_flush_taps(rt);
}

uint64_t rt_lagged(const struct rt *rt)
{
	return rt->lagged;
}

/* Step through what is due up to now (or the waiting command's end),
 * checking the waiting command's condition before every step. */
static void rt_advance(struct rt *rt)
{
	struct rt_wait *w = rt->wait;
	tv_time now = rt_now(rt);

	uint64_t t0 = uv_hrtime();
	unsigned k = 0;

	rt->behind = false;
	if (w != NULL && now > w->end)
		now = w->end;
	for (;;) {
		if (w != NULL && (w->held || w->cond(w->ctx, rt->sim))) {
			w->held = true;
			return;
		}
		if (sim_next_deadline(rt->sim) > now)
			break;
		sim_step(rt->sim);
		if (++k % 256 == 0 && uv_hrtime() - t0 > RT_STEP_BUDGET_NS) {
			rt_fall_behind(rt);
			return;
		}
	}
	if (now > sim_now(rt->sim))
		sim_run_for(rt->sim, now - sim_now(rt->sim)); /* nothing is due: sets the clock */
	rt_flush_taps(rt);
}

void rt_sync(struct rt *rt)
{
	rt_advance(rt);
}

int rt_jump(struct rt *rt, tv_time to)
{
	if (rt->wait != NULL)
		return TV_EINVAL;
	rt_advance(rt);
	if (to > sim_now(rt->sim))
		sim_run_for(rt->sim, to - sim_now(rt->sim));
	rt_flush_taps(rt);
	clock_rebase(rt);
	rt_kick(rt);
	return 0;
}

static void rt_on_timer(uv_timer_t *h)
{
	struct rt *rt = h->data;

	rt_advance(rt);
	rt_kick(rt);
}

/* Wall milliseconds until virtual time t (rounded up: never early). */
static uint64_t wall_ms_until(const struct rt *rt, tv_time t)
{
	tv_time now = rt_now(rt);

	if (t <= now)
		return 0;
	return (uint64_t)ceil((double)(t - now) / rt->speed / 1000.0);
}

static void rt_on_idle(uv_idle_t *h)
{
	struct rt *rt = h->data;

	rt_advance(rt);
	rt_kick(rt);
}

void rt_kick(struct rt *rt)
{
	tv_time t = sim_next_deadline(rt->sim);

	rt_flush_taps(rt);
	if (rt->behind) {
		uv_timer_stop(&rt->timer);
		uv_idle_start(&rt->idle, rt_on_idle);
		return;
	}
	uv_idle_stop(&rt->idle);
	if (rt->wait != NULL && rt->wait->end < t)
		t = rt->wait->end;
	/* The waiting command returns first: nothing to time until then. */
	if (rt->wait != NULL && (rt->wait->held || sim_now(rt->sim) >= rt->wait->end))
		t = TV_NEVER;
	if (t == TV_NEVER || (rt->paused && t > sim_now(rt->sim))) {
		uv_timer_stop(&rt->timer);
		return;
	}
	uv_update_time(&rt->loop);
	uv_timer_start(&rt->timer, rt_on_timer, wall_ms_until(rt, t), 0);
}

/* ---- life cycle ---- */

/*
 * Signals: our own handler, not uv_signal.  libuv's restarts interrupted
 * system calls, so a loop blocked writing a transcript into a full pipe
 * (`tcpviz run ... | less`, paused) would never see SIGTERM.  Ours
 * interrupts the write (no SA_RESTART) and wakes the loop through an
 * async handle (uv_async_send is async-signal-safe).  A transcript going
 * into a pipe nobody reads would block the next write again, so the pipe
 * is made non-blocking: what cannot be written then is lost, not waited
 * for (never a terminal, whose mode the shell shares).  The first signal
 * starts the clean shutdown, the second stops the loop, the third exits
 * at once, whatever the loop is doing.
 */
static uv_async_t *sig_async;           /* the runtime that takes signals */
static volatile sig_atomic_t sig_count, sig_last;

static void rt_sig_handler(int signum)
{
	struct stat st;
	int fl;

	if (sig_count >= 2)
		_exit(128 + signum);
	sig_count++;
	sig_last = signum;
	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    (fl = fcntl(STDOUT_FILENO, F_GETFL)) >= 0)
		(void)fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
	if (sig_async != NULL)
		uv_async_send(sig_async);
}

static void rt_on_signal(uv_async_t *h)
{
	struct rt *rt = h->data;
	int signum = sig_last;

	if (sig_count == 0)
		return;
	if (sig_count >= 2 || rt->shutting || rt->stop) {
		rt_stop(rt);
		return;
	}
	rt->signum = signum;
	if (rt->o.on_signal != NULL)
		rt->o.on_signal(rt->o.signal_ctx, signum);
	rt_shutdown(rt, rt->o.close_mode);
}

static int rt_signals_start(struct rt *rt)
{
	static const int sigs[2] = {SIGINT, SIGTERM};
	struct sigaction sa;

	/* With two runtimes (the TUI's step back builds the next before it
	 * frees the last), the newest takes the signals. */
	if (uv_async_init(&rt->loop, &rt->sigwake, rt_on_signal) != 0)
		return TV_EINVAL;
	rt->sigwake.data = rt;
	rt->nsig = 1;
	sig_count = 0;
	sig_async = &rt->sigwake;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rt_sig_handler;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < 2; i++)
		if (sigaction(sigs[i], &sa, NULL) != 0)
			return TV_EINVAL;
	return 0;
}

static void rt_signals_stop(struct rt *rt)
{
	if (rt->nsig == 0)
		return;
	if (sig_async == &rt->sigwake) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sig_async = NULL;
	}
	uv_close((uv_handle_t *)&rt->sigwake, NULL);
	rt->nsig = 0;
}

static int rt_init(struct rt *rt)
{
	if ((rt->sim = sim_new(rt->o.seed)) == NULL)
		return TV_ENOMEM;
	if (uv_loop_init(&rt->loop) != 0)
		return TV_EINVAL;
	rt->loop.data = rt; /* marks the loop initialised, for rt_free */
	uv_timer_init(&rt->loop, &rt->timer);
	uv_timer_init(&rt->loop, &rt->linger);
	uv_idle_init(&rt->loop, &rt->idle);
	rt->timer.data = rt->linger.data = rt->idle.data = rt;
	rt->wall0 = uv_hrtime();
	return rt->o.no_signals ? 0 : rt_signals_start(rt);
}

struct rt *rt_new(const struct rt_opts *o, int *err)
{
	struct rt *rt = calloc(1, sizeof(*rt));
	int r;

	if (rt == NULL) {
		if (err)
			*err = TV_ENOMEM;
		return NULL;
	}
	rt_opts_default(&rt->o);
	if (o != NULL)
		rt->o = *o;
	rt->speed = rt->o.speed == 0 ? 1.0 : rt->o.speed;
	rt->paused = rt->o.paused;
	if (rt->o.linger == 0)
		rt->o.linger = TV_SEC(2);
	if (!(rt->speed >= RT_SPEED_MIN && rt->speed <= RT_SPEED_MAX))
		r = TV_EINVAL;
	else
		r = rt_init(rt);
	if (r != 0) {
		rt_free(rt);
		rt = NULL;
	}
	if (err)
		*err = r;
	return rt;
}

static void rt_tap_closed(struct tap *t)
{
	free(t->tx);
	free(t);
}

static void rt_close_handles(struct rt *rt)
{
	uv_close((uv_handle_t *)&rt->timer, NULL);
	uv_close((uv_handle_t *)&rt->idle, NULL);
	uv_close((uv_handle_t *)&rt->linger, NULL);
	rt_signals_stop(rt);
	for (unsigned i = 0; i < rt->ntaps; i++) {
		if (rt->taps[i]->port != NULL)
			wire_detach(rt->taps[i]->port);
		tap_close(rt->taps[i], rt_tap_closed);
	}
	/* A uv_stop() made outside uv_run would make this run return at
	 * once, before the close callbacks. */
	rt->loop.stop_flag = 0;
	uv_run(&rt->loop, UV_RUN_DEFAULT);
}

static void rt_close_any(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void rt_free(struct rt *rt)
{
	if (rt == NULL)
		return;
	while (rt->head != NULL) {
		struct rt_job *j = rt->head;
		rt->head = j->next;
		free(j);
	}
	if (rt->sim != NULL) {
		for (unsigned i = 0; i < rt->ntaps; i++)
			if (rt->apps[i] != NULL)
				apps_stop(rt->apps[i], sim_now(rt->sim));
		if (rt->loop.data == rt) /* initialised */
			rt_close_handles(rt);
	}
	/* Handles someone else left open (they should have closed them). */
	if (rt->loop.data == rt && uv_loop_close(&rt->loop) == UV_EBUSY) {
		uv_walk(&rt->loop, rt_close_any, NULL);
		uv_run(&rt->loop, UV_RUN_DEFAULT);
		uv_loop_close(&rt->loop);
	}
	sim_free(rt->sim);
	free(rt);
}

struct sim *rt_sim(struct rt *rt)
{
	return rt->sim;
}

struct tv_bus *rt_bus(struct rt *rt)
{
	return sim_bus(rt->sim);
}

struct uv_loop_s *rt_loop(struct rt *rt)
{
	return &rt->loop;
}

/* ---- TAP devices ---- */

/* The calendar time (µs since 1970) at virtual time 0, for the daytime
 * service a real kernel asks: at speed 1 it tells the real time. */
static tv_time rt_epoch(const struct rt *rt)
{
	uv_timeval64_t tv;
	tv_time now = rt_now(rt), wall;

	if (uv_gettimeofday(&tv) != 0)
		return 0;
	wall = (tv_time)tv.tv_sec * TV_SEC(1) + (tv_time)tv.tv_usec;
	return wall > now ? wall - now : 0;
}

static void rt_tap_rx(void *ctx, struct tap *t, const uint8_t *frame, size_t len)
{
	struct rt *rt = ctx;

	/* Stamp the batch with the time it arrived. */
	if (!rt->in_batch) {
		rt->in_batch = true;
		rt_advance(rt);
	}
	if (wire_send(t->port, frame, len, sim_now(rt->sim)) != 0)
		t->st.rx_errors++;
}

static void rt_tap_rx_done(void *ctx, struct tap *t)
{
	struct rt *rt = ctx;

	(void)t;
	rt->in_batch = false;
	rt_advance(rt);
	rt_kick(rt);
}

static int rt_tap_host(struct rt *rt, struct tap *t, const struct rt_tap_opts *o, char *msg,
		       size_t size)
{
	struct host_config hc;
	const char *name = o->host_name ? o->host_name : RT_HOST_NAME_DEFAULT;
	int r;

	sim_host_config(rt->sim, &hc, name, o->addr);
	hc.prefix_len = o->addr_len;
	/* A real link can bring a SYN flood: recycle the oldest half-open
	 * connection rather than lock everyone out (RFC 4987 3.4). */
	hc.backlog_evict = true;
	r = sim_add_host_config(rt->sim, &hc, &t->host);
	if (r == TV_EEXIST) {
		snprintf(msg, size, _("cannot add host '%s': its name or MAC address is taken"),
			 name);
		return r;
	}
	if (r != 0) {
		snprintf(msg, size, _("cannot add host '%s': %s"), name, _(tv_strerror(r)));
		return r;
	}
	if (o->services != 0 &&
	    (r = apps_start(t->host, o->services, sim_now(rt->sim), &rt->apps[rt->ntaps])) != 0) {
		snprintf(msg, size, _("cannot start the services on '%s': %s"), name,
			 _(tv_strerror(r)));
		return r;
	}
	if (rt->apps[rt->ntaps] != NULL)
		apps_set_epoch(rt->apps[rt->ntaps], rt_epoch(rt));
	return 0;
}

/* TCPVIZ_TAP_OFFLOAD=0 turns the offloads off (for comparing). */
static bool rt_offload_wanted(void)
{
	const char *v = getenv("TCPVIZ_TAP_OFFLOAD");

	return v == NULL || strcmp(v, "0") != 0;
}

/* Open and configure the device; the fd or a TV_E* code. */
static int rt_tap_open(const struct rt_tap_opts *o, int *ifindex, uint8_t mac[6], bool *vnet,
		       char *msg, size_t size)
{
	int r, fd;

	r = sys_check_addrs(o->name, o->addr, o->addr_len, o->host_addr, o->host_len, msg, size);
	if (r != 0)
		return r;
	if ((fd = sys_tap_open(o->name, vnet, msg, size)) < 0)
		return fd;
	r = sys_tap_info(fd, o->name, ifindex, mac, msg, size);
	if (r == 0 && o->host_addr != 0)
		r = sys_tap_configure(o->name, *ifindex, o->host_addr, o->host_len, msg, size);
	if (r != 0) {
		close(fd);
		return r;
	}
	if (o->host_addr == 0 && !sys_tap_is_up(o->name))
		snprintf(msg, size,
			 _("warning: %s is down, so the kernel sends nothing through it: bring it "
			   "up (ip link set %s up) or give --host-addr"),
			 o->name, o->name);
	return fd;
}

static int rt_tap_attach(struct rt *rt, struct tap *t, char *msg, size_t size)
{
	int r = wire_attach(sim_wire(rt->sim), t->mac, t->port_id, tap_deliver, t, &t->port);

	if (r == TV_EEXIST) {
		snprintf(msg, size, _("the MAC address of %s is already on the wire"), t->name);
		return r;
	}
	if (r != 0) {
		snprintf(msg, size, _("cannot attach %s to the wire: %s"), t->name,
			 _(tv_strerror(r)));
		return r;
	}
	if ((r = tap_start(t, &rt->loop)) != 0) {
		snprintf(msg, size, _("cannot poll %s: %s"), t->name, uv_strerror(r));
		return TV_EINVAL;
	}
	return 0;
}

int rt_add_tap(struct rt *rt, const struct rt_tap_opts *o, char *msg, size_t size)
{
	struct tap *t;
	int fd, r;

	msg[0] = '\0';
	if (rt->ntaps >= RT_TAPS_MAX) {
		snprintf(msg, size, _("at most %d TAP devices"), RT_TAPS_MAX);
		return TV_ENOBUFS;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(msg, size, "%s", _(tv_strerror(TV_ENOMEM)));
		return TV_ENOMEM;
	}
	t->fd = -1;
	t->vnet = !o->no_offload && rt_offload_wanted();
	if (t->vnet && (t->tx = malloc(sizeof(*t->tx))) == NULL) {
		free(t);
		snprintf(msg, size, "%s", _(tv_strerror(TV_ENOMEM)));
		return TV_ENOMEM;
	}
	if (t->tx != NULL)
		vnet_tx_init(t->tx);
	if ((fd = rt_tap_open(o, &t->ifindex, t->mac, &t->vnet, msg, size)) < 0) {
		free(t->tx);
		free(t);
		return fd;
	}
	t->fd = fd;
	snprintf(t->name, sizeof(t->name), "%s", o->name);
	t->host_addr = o->host_addr;
	t->host_len = o->host_len;
	t->port_id = RT_TAP_ID_BASE + rt->ntaps;
	t->rx = rt_tap_rx;
	t->rx_done = rt_tap_rx_done;
	t->ctx = rt;
	t->sim = rt->sim;
	t->ftap = rt->ftap;
	t->ftap_ctx = rt->ftap_ctx;
	rt_sync(rt);
	r = rt_tap_attach(rt, t, msg, size);
	if (r == 0 && o->addr != 0)
		r = rt_tap_host(rt, t, o, msg, size);
	rt->taps[rt->ntaps++] = t; /* closed by rt_free, whatever happened */
	rt_kick(rt);
	return r;
}

unsigned rt_tap_count(const struct rt *rt)
{
	return rt->ntaps;
}

bool rt_tap_info(const struct rt *rt, unsigned i, struct rt_tap_info *out)
{
	const struct tap *t;

	if (i >= rt->ntaps)
		return false;
	t = rt->taps[i];
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", t->name);
	out->ifindex = t->ifindex;
	memcpy(out->mac, t->mac, 6);
	out->host_addr = t->host_addr;
	out->host_len = t->host_len;
	out->port_id = t->port_id;
	out->host = t->host;
	out->offload = t->vnet;
	snprintf(out->kernel_name, sizeof(out->kernel_name), i == 0 ? "kernel" : "kernel%u", i + 1);
	return true;
}

bool rt_tap_stats(const struct rt *rt, unsigned i, struct rt_tap_stats *out)
{
	if (i >= rt->ntaps)
		return false;
	*out = rt->taps[i]->st;
	if (rt->taps[i]->tx != NULL) {
		const struct vnet_tx_stats *v = &rt->taps[i]->tx->st;
		out->tx_writes = v->writes;
		out->tx_super = v->super;
		out->tx_merged = v->merged;
		out->tx_acks_skipped = v->acks_skipped;
	} else {
		out->tx_writes = out->tx_frames;
	}
	return true;
}

int rt_drop_privileges(struct rt *rt, const char *user, char *msg, size_t size)
{
	(void)rt;
	msg[0] = '\0';
	return sys_drop_privileges(user, msg, size);
}

void rt_set_frame_tap(struct rt *rt, tv_frame_tap_fn fn, void *ctx)
{
	rt->ftap = fn;
	rt->ftap_ctx = ctx;
	sim_set_frame_tap(rt->sim, fn, ctx);
	for (unsigned i = 0; i < rt->ntaps; i++) {
		rt->taps[i]->ftap = fn;
		rt->taps[i]->ftap_ctx = ctx;
	}
}

/* ---- stopping ---- */

void rt_stop(struct rt *rt)
{
	rt->stop = true;
	uv_stop(&rt->loop);
}

bool rt_stopping(const struct rt *rt)
{
	return rt->stop || rt->shutting;
}

int rt_signal(const struct rt *rt)
{
	return rt->signum;
}

static void rt_on_linger(uv_timer_t *h)
{
	struct rt *rt = h->data;

	rt->linger_over = true;
}

/* Connections still open on any host (closing them again is harmless:
 * sock_close_all only acts on what is not closing yet). */
static unsigned rt_open_conns(struct rt *rt, bool reset)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sim_host_count(rt->sim); i++)
		n += sock_close_all(sim_host_at(rt->sim, i), reset, sim_now(rt->sim));
	return n;
}

void rt_shutdown(struct rt *rt, enum rt_close_mode mode)
{
	if (rt->shutting)
		return;
	rt->shutting = true;
	rt->o.close_mode = mode;
	/* Bring the sim up to now whatever a command waits for: it will be
	 * told the runtime is stopping. */
	tv_time now = rt_now(rt);
	if (now > sim_now(rt->sim))
		sim_run_for(rt->sim, now - sim_now(rt->sim));
	rt_open_conns(rt, mode == RT_CLOSE_RST);
	uv_update_time(&rt->loop);
	uv_timer_start(&rt->linger, rt_on_linger, (rt->o.linger + 999) / 1000, 0);
	rt_kick(rt);
}

/* The shutdown is over: everything closed and sent, or time is up. */
static bool rt_shutdown_done(struct rt *rt)
{
	if (rt->linger_over)
		return true;
	rt_advance(rt);
	return rt_open_conns(rt, rt->o.close_mode == RT_CLOSE_RST) == 0 && sim_quiet(rt->sim);
}

/* ---- commands ---- */

bool rt_cmd_waits(const struct script_cmd *cmd)
{
	switch (cmd->kind) {
	case SCRIPT_RUN:
	case SCRIPT_RUN_UNTIL:
	case SCRIPT_NEXT_TIMER:
	case SCRIPT_STEP:
	case SCRIPT_PKT:
		return true;
	default:
		return false;
	}
}

static void rt_run_jobs(struct rt *rt, bool nested);

static tv_time time_after(tv_time now, tv_time d)
{
	return d >= TV_NEVER - now ? TV_NEVER : now + d;
}

int rt_run_until(struct rt *rt, sim_cond_fn cond, void *ctx, tv_time limit)
{
	struct rt_wait w = {cond, ctx, time_after(rt_now(rt), limit), false, rt->wait};
	int r;

	rt->wait = &w;
	for (;;) {
		/* Stopping, or the client whose command this is went away. */
		if (rt->stop || rt->shutting || rt->running_cancelled) {
			r = TV_EABORTED;
			break;
		}
		rt_advance(rt);
		if (w.held) {
			r = 0;
			break;
		}
		if (sim_now(rt->sim) >= w.end) {
			r = TV_ETIMEDOUT;
			break;
		}
		rt_run_jobs(rt, true);
		rt_kick(rt);
		/* The jobs may have moved time and met the condition: then
		 * rt_kick() armed no timer, and blocking in the loop would
		 * wait for I/O that may never come. */
		if (w.held || sim_now(rt->sim) >= w.end)
			continue;
		if (uv_run(&rt->loop, UV_RUN_ONCE) == 0 && sim_next_deadline(rt->sim) == TV_NEVER &&
		    w.end == TV_NEVER) {
			r = TV_ETIMEDOUT; /* nothing can ever change */
			break;
		}
	}
	rt->wait = w.outer;
	rt_kick(rt);
	return r;
}

static int rt_script_hook(void *run_ctx, struct sim *sim, bool (*cond)(void *, struct sim *),
			  void *cond_ctx, tv_time limit)
{
	(void)sim;
	return rt_run_until(run_ctx, cond, cond_ctx, limit);
}

void rt_script_config(struct rt *rt, struct script_config *cfg)
{
	cfg->run_until = rt_script_hook;
	cfg->run_ctx = rt;
	if (rt->ntaps > 0)
		cfg->epoch = rt_epoch(rt);
}

enum script_status rt_exec(struct rt *rt, struct script *sc, const struct script_cmd *cmd,
			   struct script_result *res)
{
	enum script_status st;

	rt_advance(rt);
	st = script_exec(sc, cmd, res);
	rt_kick(rt);
	return st;
}

int rt_submit(struct rt *rt, struct script *sc, const struct script_cmd *cmd, rt_done_fn done,
	      void *ctx)
{
	struct rt_job *j;

	if (rt->stop || rt->shutting)
		return TV_EABORTED;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return TV_ENOMEM;
	j->sc = sc;
	j->cmd = cmd;
	j->done = done;
	j->ctx = ctx;
	if (rt->tail != NULL)
		rt->tail->next = j;
	else
		rt->head = j;
	rt->tail = j;
	return 0;
}

void rt_cancel(struct rt *rt, void *ctx)
{
	struct rt_job **p = &rt->head;

	rt->tail = NULL;
	while (*p != NULL) {
		struct rt_job *j = *p;
		if (j->ctx == ctx) {
			*p = j->next;
			free(j);
		} else {
			rt->tail = j;
			p = &j->next;
		}
	}
	if (rt->running_ctx == ctx)
		rt->running_cancelled = true;
}

/* Take job j (whose link is at *p) off the queue. */
static void rt_job_unlink(struct rt *rt, struct rt_job **p, struct rt_job *prev)
{
	struct rt_job *j = *p;

	*p = j->next;
	if (rt->tail == j)
		rt->tail = prev;
}

static void rt_job_run(struct rt *rt, struct rt_job *j, bool nested)
{
	struct script_result res;

	if (!nested) {
		rt->running_ctx = j->ctx;
		rt->running_cancelled = false;
	}
	rt_exec(rt, j->sc, j->cmd, &res);
	if (!nested) {
		rt->running_ctx = NULL;
		if (rt->running_cancelled) {
			free(j);
			return;
		}
	}
	if (j->done != NULL)
		j->done(j->ctx, j->cmd, &res);
	free(j);
}

/* Top level: the first queued command.  Nested (a command is waiting):
 * every queued command that does not wait, oldest first. */
static void rt_run_jobs(struct rt *rt, bool nested)
{
	struct rt_job **p = &rt->head, *prev = NULL;

	while (*p != NULL && !rt->stop && !rt->shutting) {
		struct rt_job *j = *p;
		if (nested && rt_cmd_waits(j->cmd)) {
			prev = j;
			p = &j->next;
			continue;
		}
		rt_job_unlink(rt, p, prev);
		rt_job_run(rt, j, nested);
		if (!nested)
			return;
		/* The queue may have changed meanwhile: start over. */
		p = &rt->head;
		prev = NULL;
	}
}

int rt_run(struct rt *rt)
{
	for (;;) {
		if (rt->stop)
			break;
		if (rt->shutting && rt_shutdown_done(rt))
			break;
		if (rt->head != NULL && !rt->shutting) {
			rt_run_jobs(rt, false);
			continue;
		}
		rt_kick(rt);
		if (uv_run(&rt->loop, UV_RUN_ONCE) == 0 && rt->head == NULL &&
		    sim_next_deadline(rt->sim) == TV_NEVER)
			break; /* nothing can ever happen */
	}
	uv_timer_stop(&rt->timer);
	uv_timer_stop(&rt->linger);
	return rt->signum;
}
