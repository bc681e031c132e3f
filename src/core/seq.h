/*
 * seq.h - wrap-safe TCP sequence number arithmetic (RFC 9293 3.4).
 *
 * Sequence numbers live in a 2^32 circle.  a < b means b lies less than
 * 2^31 ahead of a; the comparison is the sign of the 32-bit difference,
 * which is the only comparison that stays right when the numbers wrap.
 * Everything in TCP that compares sequence or acknowledgment numbers uses
 * these helpers: a plain `<` between two of them is a bug.
 */
#ifndef TV_SEQ_H
#define TV_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}

static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) <= 0;
}

static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) > 0;
}

static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) >= 0;
}

/* lo <= x < hi: x lies in the half-open range starting at lo. */
static inline bool seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x - lo < hi - lo;
}

/* lo < x <= hi: the test RFC 9293 uses for acceptable ACKs. */
static inline bool seq_in_oc(uint32_t x, uint32_t lo, uint32_t hi)
{
	return seq_gt(x, lo) && seq_leq(x, hi);
}

static inline uint32_t seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

static inline uint32_t seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

#endif
