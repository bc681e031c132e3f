/*
 * tv.h - the few things every part of the tcpviz core shares: virtual time,
 * error codes and the marker for strings that front ends translate.
 *
 * The core never translates text and never prints.  It returns negative
 * TV_E* codes; tv_strerror() gives the untranslated English message, which
 * a front end passes through gettext (the strings are marked with TV_N_ so
 * xgettext collects them).
 */
#ifndef TV_TV_H
#define TV_TV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Monotonic time in microseconds.  Every core entry point takes `now`. */
typedef uint64_t tv_time;

#define TV_NEVER UINT64_MAX
#define TV_USEC(x) ((tv_time)(x))
#define TV_MSEC(x) ((tv_time)(x) * 1000u)
#define TV_SEC(x) ((tv_time)(x) * 1000000u)

/* Marks a string for translation without translating it (xgettext -kTV_N_). */
#define TV_N_(s) s

#define TV_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum tv_err {
	TV_OK = 0,
	TV_ENOMEM = -1,       /* out of memory */
	TV_EINVAL = -2,       /* invalid argument */
	TV_EREFUSED = -3,     /* connection refused (RST in SYN-SENT) */
	TV_ERESET = -4,       /* connection reset by peer */
	TV_ETIMEDOUT = -5,    /* retransmissions or keepalive gave up */
	TV_ENOTCONN = -6,     /* connection does not exist */
	TV_EADDRINUSE = -7,   /* local address/port already in use */
	TV_EAGAIN = -8,       /* nothing to read / no room to write yet */
	TV_ECLOSING = -9,     /* connection closing: no more sends */
	TV_EEXIST = -10,      /* already exists */
	TV_ENOENT = -11,      /* no such thing */
	TV_ENOBUFS = -12,     /* a bounded queue or table is full */
	TV_EUNREACH = -13,    /* no ARP answer: host unreachable */
	TV_ESTATE = -14,      /* not allowed in the connection's state */
	TV_EMSGSIZE = -15,    /* frame or field too large */
	TV_EABORTED = -16,    /* connection aborted locally */
	TV_ESTALLED = -17,    /* events without end at one instant: time cannot pass */
};

/* Untranslated English message for a TV_E* code (translate with gettext). */
const char *tv_strerror(int err);

/* Deterministic pseudo-random generator (xoshiro256**), seeded explicitly. */
struct tv_rng {
	uint64_t s[4];
};

void tv_rng_seed(struct tv_rng *rng, uint64_t seed);
uint64_t tv_rng_next(struct tv_rng *rng);
/* Uniform in [0, bound); bound 0 gives 0. */
uint64_t tv_rng_below(struct tv_rng *rng, uint64_t bound);
/* True with probability ppm / 1,000,000. */
bool tv_rng_chance(struct tv_rng *rng, uint32_t ppm);

#endif
