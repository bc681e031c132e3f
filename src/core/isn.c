/*
 * isn.c - initial sequence numbers (RFC 6528) and the SipHash-2-4 keyed
 * hash (Aumasson and Bernstein, 2012) they are built from.
 *
 * ISN = M + F(localip, localport, remoteip, remoteport, secretkey), where
 * M is a clock ticking every 4 microseconds (RFC 9293 3.4.1) taken from
 * `now`, and F is SipHash-2-4 keyed with the host's cfg.isn_key over the
 * 4-tuple, truncated to 32 bits.  Different connections get unrelated
 * starting points, while a new incarnation of the same connection starts
 * later in the sequence space than the old one, as RFC 6528 requires.
 */
#include "tcb.h"

static uint64_t rotl64(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl64(v[2], 32);
}

static void sip_block(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

uint64_t tv_siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
		k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull,
	};
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		sip_block(v, le64(p + i));
	uint64_t last = (uint64_t)len << 56;
	for (size_t j = 0; i + j < len; j++)
		last |= (uint64_t)p[i + j] << (8 * j);
	sip_block(v, last);
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t tcp_isn(const struct host *h, const struct tv_tuple *tuple, tv_time now)
{
	uint8_t m[12];

	put32(m, tuple->laddr);
	m[4] = (uint8_t)(tuple->lport >> 8);
	m[5] = (uint8_t)tuple->lport;
	put32(m + 6, tuple->raddr);
	m[10] = (uint8_t)(tuple->rport >> 8);
	m[11] = (uint8_t)tuple->rport;
	uint32_t f = (uint32_t)tv_siphash24(h->cfg.isn_key, m, sizeof(m));
	return (uint32_t)(now / 4) + f;
}
