/*
 * fuzz_frame.c - one frame into a host whose connection is in a chosen
 * TCP state (issue 6, target a).
 *
 * Input:
 *   u8 state    LISTEN + state % 10: LISTEN .. TIME-WAIT, reached with
 *               real segments by fx_tcb_in_state (tests/tcp_fixture.h)
 *   u8 how      bit 0: aim the frame (fuzz.h, fz_aimed) at that TCB,
 *                      else the rest is a raw Ethernet frame
 *               bit 1: afterwards deliver what both hosts sent, one
 *                      frame at a time
 *               bit 2: then let virtual time run through the timers
 *   ...         the frame
 *
 * The invariants (tests/invariant.h) of both hosts are checked after
 * the setup, after the frame, after each delivered frame and each timer
 * step; a violation aborts.
 */
#include <stdlib.h>

#include "fuzz.h"

#define FRAME_STEPS_MAX 200

/* Deliver what is queued and run timers, checking after each step. */
static void frame_settle(struct fx_pair *p, struct inv_track *tr, uint8_t how)
{
	tv_time limit = p->now + TV_SEC(600);

	for (int i = 0; i < FRAME_STEPS_MAX; i++) {
		if ((how & 2) && p->nq > 0) {
			fx_deliver(p, 0);
			fz_check(tr, 2, "after a delivered frame");
		} else if ((how & 4) && fx_advance(p, limit)) {
			fz_check(tr, 2, "after a timer step");
		} else {
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = {data, size};
	struct fx_pair p;
	struct inv_track tr[2];

	if (size < 2)
		return 0;
	enum tcb_state st = (enum tcb_state)(TCB_LISTEN + fz_u8(&in) % 10);
	uint8_t how = fz_u8(&in);
	fx_pair_init(&p, NULL);
	p.record_events = false;
	p.log_frames = false;
	struct tcb *tcb = fx_tcb_in_state(&p, st);
	unsigned to = st == TCB_LISTEN || st == TCB_SYN_RECEIVED ? FXT_B : FXT_A;
	inv_track_init(&tr[0], p.h[0]);
	inv_track_init(&tr[1], p.h[1]);
	fz_check(tr, 2, "after the setup");
	if (how & 1)
		fz_aimed(&p, to, tcb, &in, 4096);
	else
		fz_host_input(p.h[to], in.p, in.n, p.now);
	fz_check(tr, 2, "after the frame");
	frame_settle(&p, tr, how);
	fx_pair_fini(&p);
	return 0;
}
