/*
 * tv.c - error messages and the seeded random generator.
 *
 * The generator is xoshiro256** (Blackman and Vigna), seeded through
 * splitmix64 so that any 64-bit seed, 0 included, gives a good state.
 * Everything random in the core (ISN clock jitter, wire loss) draws from a
 * tv_rng owned by a host or a wire, so a run is repeatable from its seed.
 */
#include "tv.h"

static const struct {
	int code;
	const char *msg;
} tv_errors[] = {
	{TV_OK, TV_N_("success")},
	{TV_ENOMEM, TV_N_("out of memory")},
	{TV_EINVAL, TV_N_("invalid argument")},
	{TV_EREFUSED, TV_N_("connection refused")},
	{TV_ERESET, TV_N_("connection reset by peer")},
	{TV_ETIMEDOUT, TV_N_("timed out")},
	{TV_ENOTCONN, TV_N_("connection does not exist")},
	{TV_EADDRINUSE, TV_N_("address already in use")},
	{TV_EAGAIN, TV_N_("try again")},
	{TV_ECLOSING, TV_N_("connection closing")},
	{TV_EEXIST, TV_N_("already exists")},
	{TV_ENOENT, TV_N_("no such object")},
	{TV_ENOBUFS, TV_N_("queue or table full")},
	{TV_EUNREACH, TV_N_("host unreachable")},
	{TV_ESTATE, TV_N_("not allowed in this connection state")},
	{TV_EMSGSIZE, TV_N_("too large")},
	{TV_EABORTED, TV_N_("connection aborted")},
	{TV_ESTALLED, TV_N_("time stands still: events without end at one instant")},
};

const char *tv_strerror(int err)
{
	for (size_t i = 0; i < TV_ARRAY_LEN(tv_errors); i++)
		if (tv_errors[i].code == err)
			return tv_errors[i].msg;
	return TV_N_("unknown error");
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void tv_rng_seed(struct tv_rng *rng, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t tv_rng_next(struct tv_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t tv_rng_below(struct tv_rng *rng, uint64_t bound)
{
	if (bound == 0)
		return 0;
	/* Rejection sampling keeps the result unbiased. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t x;
	do
		x = tv_rng_next(rng);
	while (x >= limit);
	return x % bound;
}

bool tv_rng_chance(struct tv_rng *rng, uint32_t ppm)
{
	if (ppm == 0)
		return false;
	return tv_rng_below(rng, 1000000) < ppm;
}
