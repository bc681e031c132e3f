/*
 * checksum.c - RFC 1071 Internet checksum.
 *
 * Sums 32-bit words into a 64-bit accumulator and folds the carries once
 * at the end, which is what makes 1460-byte segments cheap; byte order does not matter
 * to a one's-complement sum as long as the halves are folded at the end
 * (RFC 1071 2(B)), so the result is in network order in memory.
 */
#include <string.h>

#include "checksum.h"

uint32_t tv_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	/* 32-bit words into a 64-bit accumulator cannot overflow for any
	 * frame we handle (2^32 words), so the loop needs no carry tests and
	 * the compiler can unroll and vectorize it. */
	for (; len >= 16; p += 16, len -= 16) {
		uint32_t w[4];
		memcpy(w, p, 16);
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
	}
	for (; len >= 4; p += 4, len -= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high byte of a big-endian word: in memory
		 * order that is the first byte of a 16-bit pair padded with 0. */
		uint8_t pad[2] = {p[0], 0};
		uint16_t w;
		memcpy(&w, pad, 2);
		acc += w;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t tv_csum_finish(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t tv_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t len)
{
	uint8_t ph[12] = {
		(uint8_t)(saddr >> 24), (uint8_t)(saddr >> 16), (uint8_t)(saddr >> 8), (uint8_t)saddr,
		(uint8_t)(daddr >> 24), (uint8_t)(daddr >> 16), (uint8_t)(daddr >> 8), (uint8_t)daddr,
		0, proto, (uint8_t)(len >> 8), (uint8_t)len,
	};
	return tv_csum_add(0, ph, sizeof(ph));
}
