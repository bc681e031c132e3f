/*
 * bench_stack.c - how fast the stack moves data and how little an idle
 * connection costs.  Not a test: it measures and prints, and the figures go
 * into bench/RESULTS.md by hand with the machine and commit.
 *
 *   bench_stack [--bytes N] [--conns N] [--only bulk|idle]
 *
 * Bulk: N bytes (default 1 GiB) from A to B on the in-memory wire through
 * the socket API (a fixed pattern, counted but not hashed, so the figures
 * are the stack's; tests/check_integrity.c checks the bytes themselves), with no loss and with 1% loss, once with a sink counting
 * every event ("events on") and once with no observer.  Each run happens
 * in a child process so its peak RSS is its own.  Reports wall seconds,
 * TCP segments per wall second (both directions: data and ACKs), simulated
 * bytes per virtual second, and peak RSS.
 *
 * Idle: N connections (default 10,000) opened and left ESTABLISHED; the
 * heap growth per TCB (two TCBs per connection: one per host) with no data
 * ever sent (buffers excluded), and again after every connection has moved
 * 100 bytes each way and read them (buffers included).
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/sock.h"
#include "core/tcp.h"
#include "../tests/xfer.h"

#define MIB (1024ull * 1024ull)

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void bulk_child(uint64_t bytes, uint32_t loss_ppm, bool events)
{
	struct xfer_opts o = {.bytes = bytes, .seed = 1, .count_events = events,
			      .no_verify = true};
	struct xfer_result r;

	wire_impair_none(&o.impair);
	o.impair.delay = TV_USEC(100);
	o.impair.loss_ppm = loss_ppm;
	double t0 = wall_now();
	int err = xfer_run(&o, &r);
	double wall = wall_now() - t0;
	double vsec = r.virtual_time / 1e6;

	printf("| %-5s | %-6s | %8.2f | %12.0f | %14.0f | %9.1f | %10llu | %s |\n",
	       loss_ppm ? "1%" : "none", events ? "on" : "none", wall, r.segments / wall,
	       vsec > 0 ? r.received / vsec : 0.0, peak_rss_kib() / 1024.0,
	       (unsigned long long)r.events,
	       err == 0 && r.received == bytes ? "ok" : tv_strerror(err));
	fflush(stdout);
}

static void run_bulk(uint64_t bytes)
{
	printf("\nBulk transfer of %llu MiB A -> B, 100 us one-way delay, one core\n\n",
	       (unsigned long long)(bytes / MIB));
	printf("| loss  | events | wall s   | segments/s   | sim bytes/s    | peak MiB  | events     | data |\n");
	printf("|-------|--------|----------|--------------|----------------|-----------|------------|------|\n");
	fflush(stdout);
	const struct {
		uint32_t loss;
		bool events;
	} runs[] = {{0, true}, {0, false}, {10000, true}, {10000, false}};
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		pid_t pid = fork();
		if (pid == 0) {
			bulk_child(bytes, runs[i].loss, runs[i].events);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
}

struct idle {
	struct sim *sim;
	struct tv_sock **client, **server, *listener;
	unsigned n, accepted, connected;
};

static void idle_client_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct idle *st = ctx;
	(void)s, (void)err;
	if (ev == TV_SOCK_CONNECTED)
		st->connected++;
}

static void idle_server_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	(void)ctx, (void)s, (void)ev, (void)err;
}

static void idle_listener_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct idle *st = ctx;
	(void)err;
	while (ev == TV_SOCK_ACCEPTABLE && st->accepted < st->n &&
	       sock_accept(s, idle_server_cb, st, &st->server[st->accepted], sim_now(st->sim)) == 0)
		st->accepted++;
}

static void idle_tune(struct host_config *cfg)
{
	cfg->backlog_default = 65535;
	cfg->max_conns = 100000;
}

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static bool idle_all_open(void *ctx, struct sim *s)
{
	struct idle *st = ctx;
	(void)s;
	return st->connected == st->n && st->accepted == st->n;
}

static void idle_exchange(struct idle *st)
{
	char buf[100] = {0};
	for (unsigned i = 0; i < st->n; i++) {
		sock_send(st->client[i], buf, sizeof(buf), sim_now(st->sim));
		sock_send(st->server[i], buf, sizeof(buf), sim_now(st->sim));
		if (i % 64 == 63)
			sim_run_until_quiet(st->sim, TV_SEC(10));
	}
	sim_run_for(st->sim, TV_SEC(2));
	for (unsigned i = 0; i < st->n; i++) {
		sock_recv(st->client[i], buf, sizeof(buf), sim_now(st->sim));
		sock_recv(st->server[i], buf, sizeof(buf), sim_now(st->sim));
		if (i % 64 == 63)
			sim_run_until_quiet(st->sim, TV_SEC(10));
	}
	sim_run_for(st->sim, TV_SEC(2));
}

static void run_idle(unsigned n)
{
	struct idle st = {.n = n};
	struct host_config cfg;
	struct host *a, *b;

	st.client = calloc(n, sizeof(*st.client));
	st.server = calloc(n, sizeof(*st.server));
	st.sim = sim_new(3);
	sim_host_config(st.sim, &cfg, "A", 0x0a000001);
	idle_tune(&cfg);
	sim_add_host_config(st.sim, &cfg, &a);
	sim_host_config(st.sim, &cfg, "B", 0x0a000002);
	idle_tune(&cfg);
	sim_add_host_config(st.sim, &cfg, &b);
	sock_listen(b, 80, 65535, idle_listener_cb, &st, &st.listener, 0);
	sim_run_for(st.sim, TV_SEC(1));
	size_t before = heap_used();
	/* Open in batches so that frames in flight (and the wire's pool of
	 * frame buffers, which is the simulation's, not the connections')
	 * stay few and do not inflate the per-connection figure. */
	for (unsigned i = 0; i < n; i++) {
		sock_connect(a, 0x0a000002, 80, 0, idle_client_cb, &st, &st.client[i],
			     sim_now(st.sim));
		if (i % 64 == 63)
			sim_run_until_quiet(st.sim, TV_SEC(10));
	}
	sim_run_until(st.sim, idle_all_open, &st, TV_SEC(60));
	sim_run_for(st.sim, TV_SEC(1));
	size_t opened = heap_used();
	idle_exchange(&st);
	size_t used = heap_used();

	printf("\n%u idle ESTABLISHED connections (%u TCBs, %u established)\n\n", n, 2 * n,
	       st.connected + st.accepted);
	printf("| measure                       | bytes per TCB |\n");
	printf("|-------------------------------|---------------|\n");
	printf("| buffers excluded (no data)    | %13.0f |\n", (double)(opened - before) / (2.0 * n));
	printf("| buffers included (100 B each way, read) | %5.0f |\n",
	       (double)(used - before) / (2.0 * n));
	printf("\nsizeof(struct tcb) is part of the first figure; sockets and hash\n"
	       "table slots make up the rest.\n");
	sim_free(st.sim);
	free(st.client);
	free(st.server);
}

int main(int argc, char **argv)
{
	uint64_t bytes = 1024 * MIB;
	unsigned conns = 10000;
	const char *only = NULL;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--bytes") == 0)
			bytes = strtoull(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "--conns") == 0)
			conns = (unsigned)strtoul(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "--only") == 0)
			only = argv[i + 1];
	}
	if (!only || strcmp(only, "bulk") == 0)
		run_bulk(bytes);
	if (!only || strcmp(only, "idle") == 0)
		run_idle(conns);
	return 0;
}
