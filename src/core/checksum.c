/*
 * checksum.c - RFC 1071 Internet checksum.
 *
 * Sums 64 bits at a time into a 64-bit accumulator with end-around carry,
 * which is what makes 1460-byte segments cheap; byte order does not matter
 * to a one's-complement sum as long as the halves are folded at the end
 * (RFC 1071 2(B)), so the result is in network order in memory.
 */
#include <string.h>

#include "checksum.h"

static uint64_t add64(uint64_t a, uint64_t b)
{
	uint64_t s = a + b;
	return s + (s < a);
}

uint32_t tv_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		acc = add64(acc, w);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc = add64(acc, w);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc = add64(acc, w);
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high byte of a big-endian word: in memory
		 * order that is the first byte of a 16-bit pair padded with 0. */
		uint8_t pad[2] = {p[0], 0};
		uint16_t w;
		memcpy(&w, pad, 2);
		acc = add64(acc, w);
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
