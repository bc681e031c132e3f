/*
 * fuzz_seq.c - a sequence of frames, application calls and virtual-time
 * gaps against two hosts that have listeners and open connections
 * (issue 6, target b; in the manner of lwIP's multi-packet fuzz modes).
 *
 * Setup (tests/tcp_fixture.h pair): B listens on 80 (accepting) and 81
 * (never accepting, backlog 2), A on 82; A has a connection to B:80,
 * established.  B is small on purpose: 4 KiB receive buffer, 1 KiB of
 * out-of-order room, at most 8 TCBs, so the limits are reached; A runs
 * keepalive with a short idle time, so its timers fire too.
 *
 * The input is records, until it runs out:
 *   u8 gap     virtual time to let pass first: (gap & 63) units of
 *              1 ms, 100 ms, 10 s or 10 min (gap >> 6); every timer due
 *              on the way fires in order
 *   u8 op      op & 7: 0 raw frame, 1-2 aimed segment (fuzz.h), 3
 *              deliver queued frames, 4 drop one, 5 duplicate one, 6 an
 *              application call, 7 deliver everything; bit 3 picks the
 *              host (A/B), bits 4-7 a TCB or socket by index
 *   u8 len     bytes of argument that follow
 *   ...        the argument
 *
 * Frames the hosts send wait in the pair's queue until a record delivers,
 * drops or duplicates them (at most QUEUE_MAX wait; older ones are lost,
 * as on a congested link).  Both hosts' invariants are checked after
 * every record and every delivered frame; a violation aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define QUEUE_MAX 128
#define SOCKS_MAX 16
#define TIMER_STEPS_MAX 2000

struct seq {
	struct fx_pair p;
	struct inv_track tr[2];
	struct tv_sock *socks[SOCKS_MAX]; /* open handles, both hosts */
	unsigned nsocks;
};

static void seq_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err);

static void seq_add(struct seq *q, struct tv_sock *s)
{
	if (q->nsocks < SOCKS_MAX)
		q->socks[q->nsocks++] = s;
	else
		sock_abort(s, q->p.now); /* no room to track it: let it go */
}

/* Sockets on port 80 accept at once; the one on 81 never does. */
static void seq_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct seq *q = ctx;
	struct tv_sock *c;

	(void)err;
	if (ev != TV_SOCK_ACCEPTABLE || sock_local_port(s) == 81)
		return;
	while (q->nsocks < SOCKS_MAX && sock_accept(s, seq_cb, q, &c, q->p.now) == TV_OK)
		seq_add(q, c);
}

static void seq_tune(struct host_config *cfg, unsigned side)
{
	if (side == FXT_B) {
		cfg->tcp.rcvbuf = 4096;
		cfg->tcp.ooo_max = 1024;
		cfg->max_conns = 8;
	} else {
		cfg->tcp.keepalive = true;
		cfg->tcp.keepalive_idle = TV_SEC(30);
		cfg->tcp.keepalive_intvl = TV_SEC(5);
		cfg->tcp.keepalive_count = 3;
	}
}

static void seq_setup(struct seq *q)
{
	struct tv_sock *s;

	memset(q, 0, sizeof(*q));
	fx_pair_init(&q->p, seq_tune);
	q->p.record_events = false;
	q->p.log_frames = false;
	if (sock_listen(q->p.h[1], 80, 0, seq_cb, q, &s, q->p.now) == TV_OK)
		seq_add(q, s);
	if (sock_listen(q->p.h[1], 81, 2, seq_cb, q, &s, q->p.now) == TV_OK)
		seq_add(q, s);
	if (sock_listen(q->p.h[0], 82, 0, seq_cb, q, &s, q->p.now) == TV_OK)
		seq_add(q, s);
	if (sock_connect(q->p.h[0], FXT_ADDR(2), 80, 0, seq_cb, q, &s, q->p.now) == TV_OK)
		seq_add(q, s);
	fx_deliver_all(&q->p);
	inv_track_init(&q->tr[0], q->p.h[0]);
	inv_track_init(&q->tr[1], q->p.h[1]);
	fz_check(q->tr, 2, "after the setup");
}

static void seq_time(struct seq *q, uint8_t gap)
{
	static const tv_time unit[4] = {TV_MSEC(1), TV_MSEC(100), TV_SEC(10), TV_SEC(600)};
	tv_time target = q->p.now + (gap & 63) * unit[gap >> 6];

	for (int i = 0; i < TIMER_STEPS_MAX && fx_advance(&q->p, target); i++)
		fz_check(q->tr, 2, "after a timer step");
	fx_set_time(&q->p, target);
	fz_check(q->tr, 2, "after the time gap");
}

/* The idx-th TCB of host side (wrapping), or NULL if it has none. */
static struct tcb *seq_tcb(struct seq *q, unsigned side, unsigned idx)
{
	struct tcp_host *t = q->p.h[side]->tcp;
	struct tcb *c;

	if (t->ntcbs == 0)
		return NULL;
	idx %= t->ntcbs;
	for (c = t->all; idx > 0; idx--)
		c = c->anext;
	return c;
}

static void seq_deliver(struct seq *q, unsigned n)
{
	for (unsigned i = 0; i < n && q->p.nq > 0; i++) {
		fx_deliver(&q->p, 0);
		fz_check(q->tr, 2, "after a delivered frame");
	}
}

static void seq_dup(struct seq *q, unsigned i)
{
	if (q->p.nq == 0)
		return;
	struct fx_frame *f = fx_q_at(&q->p, i % q->p.nq);
	fz_host_input(q->p.h[1 - f->from], f->data, f->len, q->p.now);
}

static void seq_forget(struct seq *q, unsigned i)
{
	memmove(q->socks + i, q->socks + i + 1, (q->nsocks - i - 1) * sizeof(*q->socks));
	q->nsocks--;
}

/* An application call on socket idx: what it does comes from arg. */
static void seq_app(struct seq *q, unsigned side, unsigned idx, struct fz_in *arg)
{
	static uint8_t buf[8192];
	tv_time now = q->p.now;
	uint8_t what = fz_u8(arg);
	size_t len;

	if (what % 8 == 7) {
		struct tv_sock *s;
		uint16_t port = (uint16_t)(80 + fz_u8(arg) % 3);
		if (sock_connect(q->p.h[side], FXT_ADDR(2 - side), port, 0, seq_cb, q, &s, now) ==
		    TV_OK)
			seq_add(q, s);
		return;
	}
	if (q->nsocks == 0)
		return;
	idx %= q->nsocks;
	struct tv_sock *s = q->socks[idx];
	switch (what % 8) {
	case 0:
	case 1: {
		const uint8_t *d = fz_bytes(arg, sizeof(buf), &len);
		size_t n = what & 8 ? (size_t)fz_u16(arg) * 4 : len;
		memcpy(buf, d, len);
		sock_send(s, buf, n < sizeof(buf) ? n : sizeof(buf), now);
		break;
	}
	case 2:
		sock_recv(s, buf, 1 + fz_u16(arg) % sizeof(buf), now);
		break;
	case 3:
		sock_shutdown(s, now);
		break;
	case 4:
		sock_close(s, now);
		seq_forget(q, idx);
		break;
	case 5:
		sock_abort(s, now);
		seq_forget(q, idx);
		break;
	default:
		sock_setopt(s, (enum tv_sockopt)(fz_u8(arg) % 10), fz_u32(arg));
		break;
	}
}

static void seq_record(struct seq *q, struct fz_in *in)
{
	seq_time(q, fz_u8(in));
	uint8_t op = fz_u8(in);
	struct fz_in arg = {in->p, 0};
	fz_bytes(in, fz_u8(in), &arg.n);
	unsigned side = (op >> 3) & 1, idx = op >> 4;
	struct tcb *tcb;

	switch (op & 7) {
	case 0:
		fz_host_input(q->p.h[side], arg.p, arg.n, q->p.now);
		break;
	case 1:
	case 2:
		if ((tcb = seq_tcb(q, side, idx)) != NULL)
			fz_aimed(&q->p, side, tcb, &arg, 2048);
		break;
	case 3:
		seq_deliver(q, 1 + idx);
		break;
	case 4:
		if (q->p.nq > 0)
			fx_drop(&q->p, idx % q->p.nq);
		break;
	case 5:
		seq_dup(q, idx);
		break;
	case 6:
		seq_app(q, side, idx, &arg);
		break;
	default:
		seq_deliver(q, QUEUE_MAX * 4);
		break;
	}
	fz_check(q->tr, 2, "after a record");
	while (q->p.nq > QUEUE_MAX)
		fx_drop(&q->p, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = {data, size};
	static struct seq q;

	seq_setup(&q);
	while (in.n >= 3)
		seq_record(&q, &in);
	fx_pair_fini(&q.p);
	return 0;
}
