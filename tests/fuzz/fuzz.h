/*
 * fuzz.h - what the fuzz targets share: a reader that takes typed values
 * off the fuzzer's input (zeros once it runs out, so every input means
 * something), the invariant check that aborts (libFuzzer then keeps the
 * input), and the "aimed" frame: a TCP segment whose addresses, ports,
 * lengths and checksums are made right so it reaches a TCB, while the
 * fuzzer picks everything a peer could get wrong.
 *
 * Each target defines LLVMFuzzerTestOneInput; the same object runs under
 * libFuzzer (`make fuzz`) and under tests/fuzz/replay.c, a plain main
 * that feeds it the committed corpus and regressions (`make check`).
 */
#ifndef TV_FUZZ_H
#define TV_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/tcb.h"
#include "../invariant.h"
#include "../tcp_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fz_u8(struct fz_in *in);
uint16_t fz_u16(struct fz_in *in);
uint32_t fz_u32(struct fz_in *in);
/* Up to max bytes (fewer if the input ends); *len gets the count. */
const uint8_t *fz_bytes(struct fz_in *in, size_t max, size_t *len);

/* inv_track_check on each tracker; on a violation print it with `where`
 * and abort(). */
void fz_check(struct inv_track *tr, size_t n, const char *where);

/*
 * An aimed segment, read from the input:
 *   u8 mode     bit 0: seq relative to the TCB's RCV.NXT (else absolute)
 *               bit 1: ack relative to its SND.UNA (else absolute)
 *               bit 2: another source port (a new peer for a listener)
 *               bit 3: a bad checksum
 *   u32 seq, u32 ack, u8 flags, u16 window, u8 option length (0..40) and
 *   the options, then the payload (the rest of `in`, up to max_payload).
 * The segment goes from tcb's peer to tcb's host (side `to` of the pair);
 * for a listener, from the other host's address to its port.
 */
void fz_aimed(struct fx_pair *p, unsigned to, const struct tcb *tcb, struct fz_in *in,
	      size_t max_payload);

/* Hand a host a frame in an exact-size heap copy (a sanitizer then sees
 * any read past its end). */
void fz_host_input(struct host *h, const uint8_t *frame, size_t len, tv_time now);

#endif
