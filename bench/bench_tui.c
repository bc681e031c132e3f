/*
 * bench_tui.c - how long the TUI takes to draw one frame of a big model.
 * Not a test: it measures and prints; the figures go into
 * bench/RESULTS.md by hand with the machine and commit.
 *
 *   bench_tui [--conns N] [--frames N]
 *
 * The model (tests/tui_fixture: N connections, both ends of each a TCB
 * row, so 2N + 1 rows with B's listener) is built from a greeting, a
 * snapshot and events, as the TUI builds it; that build is timed too.
 * Then view_render() draws frames into a 200x60 canvas and an 80x24 one,
 * a connection a quarter down the table selected, in three ways:
 *
 *   steady    nothing changed since the last frame but the clock (the
 *             countdowns move): what a paused or idle screen costs;
 *   changing  the selected connection's flow is full (4096 ladder
 *             entries, the most a flow keeps) and an event reaches it
 *             before every frame, so the ladder's row layout is redone
 *             each time: the worst a busy connection costs;
 *   filtered  as changing, and the event log filtered by a substring:
 *             the log changes every frame, so every line it keeps (4096)
 *             is formatted again to be matched.
 *
 * Each is reported as the median and the worst of --frames frames
 * (default 300), in wall time and in the thread's CPU time (on a shared
 * machine the wall time's worst is mostly other processes); the target
 * is a frame under 16 ms.
 */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/tui_fixture.h"
#include "tui/canvas.h"
#include "tui/model.h"
#include "tui/view.h"

enum mode { STEADY, CHANGING, FILTERED, MODE_COUNT };

static const char *const mode_names[MODE_COUNT] = {"steady", "changing", "filtered"};

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double cpu_now(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A pure ACK from the selected connection: one more arrow in its flow. */
static void poke(struct model *m, const struct tm_conn *c, uint32_t n)
{
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_SEG_OUT;
	ev.time = m->vt;
	ev.host = c->host;
	ev.conn = c->id;
	ev.tuple = c->tuple;
	ev.u.seg.saddr = c->tuple.laddr;
	ev.u.seg.daddr = c->tuple.raddr;
	ev.u.seg.sport = c->tuple.lport;
	ev.u.seg.dport = c->tuple.rport;
	ev.u.seg.seq = c->snd_nxt;
	ev.u.seg.ack = c->rcv_nxt + n;
	ev.u.seg.flags = TV_TH_ACK;
	ev.u.seg.win = 65535;
	model_event(m, &ev);
}

/* Frames of one mode at one size: fills ms[frames] (wall) and
 * cpu[frames]. */
static void run_mode(struct model *m, int w, int h, enum mode mode, int frames, double *ms,
		     double *cpu)
{
	struct canvas c;
	struct view_state vs;
	unsigned sel = m->nconns / 4;
	uint32_t key;

	if (canvas_init(&c, w, h) != 0) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	view_state_init(&vs);
	while (sel + 1 < m->nconns && (m->conns[sel].flow == 0 || m->conns[sel].listener))
		sel++;
	key = m->conns[sel].key;
	vs.sel_conn = key;
	if (mode == FILTERED)
		snprintf(vs.filter.text, sizeof(vs.filter.text), "%s", "FIN-WAIT");
	/* A busy connection: its flow full (the ladder keeps 4096 entries). */
	for (uint32_t i = 0; mode != STEADY && i < TM_FLOW_ENTRIES_MAX; i++)
		poke(m, model_conn(m, key), i);
	view_render(&c, m, &vs); /* warm the caches */
	for (int i = 0; i < frames; i++) {
		double t0, c0;
		if (mode != STEADY)
			poke(m, model_conn(m, key), (uint32_t)i);
		vs.wall = (uint64_t)i * 33333;
		t0 = wall_now();
		c0 = cpu_now();
		view_render(&c, m, &vs);
		cpu[i] = (cpu_now() - c0) * 1e3;
		ms[i] = (wall_now() - t0) * 1e3;
	}
	view_state_fini(&vs);
	canvas_free(&c);
}

static void report(int w, int h, enum mode mode, double *ms, double *cpu, int frames)
{
	qsort(ms, (size_t)frames, sizeof(double), cmp_double);
	qsort(cpu, (size_t)frames, sizeof(double), cmp_double);
	printf("%3dx%-3d %-9s wall median %7.3f worst %7.3f   cpu median %7.3f worst %7.3f ms"
	       "   %s\n",
	       w, h, mode_names[mode], ms[frames / 2], ms[frames - 1], cpu[frames / 2],
	       cpu[frames - 1], cpu[frames - 1] < 16.0 ? "< 16 ms" : "OVER 16 ms");
}

int main(int argc, char **argv)
{
	unsigned conns = 10000;
	int frames = 300;
	static const int sizes[][2] = {{200, 60}, {80, 24}};
	struct model *m;
	double t0, *ms, *cpu;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--conns") == 0)
			conns = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--frames") == 0)
			frames = atoi(argv[i + 1]);
	}
	if (frames < 1 || conns < 1 || (ms = calloc((size_t)frames, sizeof(double))) == NULL ||
	    (cpu = calloc((size_t)frames, sizeof(double))) == NULL)
		return 1;
	setlocale(LC_ALL, "C.UTF-8");
	t0 = wall_now();
	m = tui_fixture_model(2 * conns + 1);
	if (m == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	printf("model: %u connections, %u TCB rows, %u flows, built in %.1f ms\n", conns,
	       m->nconns, m->nflows, (wall_now() - t0) * 1e3);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int mode = 0; mode < MODE_COUNT; mode++) {
			run_mode(m, sizes[s][0], sizes[s][1], (enum mode)mode, frames, ms, cpu);
			report(sizes[s][0], sizes[s][1], (enum mode)mode, ms, cpu, frames);
		}
	}
	model_free(m);
	free(ms);
	free(cpu);
	return 0;
}
