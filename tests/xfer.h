/*
 * xfer.h - a bulk transfer between two hosts of a sim, used by the data
 * integrity tests and by the benchmark.  Host A connects to a sink on B and
 * sends `bytes` bytes of a seeded pseudo-random stream; B reads everything
 * and both sides hash what they saw, so integrity is checked end to end
 * through the real socket API, TCP, IPv4, ARP, Ethernet and the wire.
 */
#ifndef TV_XFER_H
#define TV_XFER_H

#include "core/sim.h"
#include "core/wire.h"

struct xfer_opts {
	uint64_t bytes;            /* to send from A to B */
	uint64_t seed;             /* sim seed and stream seed */
	struct wire_impair impair; /* applied in both directions */
	bool count_events;         /* attach a counting sink to the bus */
	bool echo_back;            /* B echoes: the stream also flows B -> A */
	bool no_verify;            /* benchmarks: send a fixed pattern, only count
				      bytes (hashes are then meaningless) */
	tv_time limit;             /* virtual time allowed; 0 = 1 day */
	void (*tune)(struct host_config *cfg); /* optional host tweaks */
	tv_sink_fn sink;           /* optional extra sink (debugging) */
	void *sink_ctx;
};

struct xfer_result {
	uint64_t sent, received, echoed;
	uint64_t hash_sent, hash_received, hash_echoed;
	uint64_t segments;         /* TCP segments sent by both hosts */
	uint64_t retransmits;      /* TCP_RETRANSMIT on both hosts */
	uint64_t events;           /* events seen by the counting sink */
	uint64_t steps;            /* sim steps */
	tv_time virtual_time;      /* virtual time the transfer took */
	int err;                   /* 0, or the first socket error seen */
	bool closed;               /* both sides saw the end of stream */
};

/* Runs one transfer; returns 0 when it completed, or a TV_E* code (then r
 * says how far it got). */
int xfer_run(const struct xfer_opts *o, struct xfer_result *r);

#endif
