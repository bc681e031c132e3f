/*
 * check_seq.c - wrap-safe sequence arithmetic (seq.h, RFC 9293 3.4) and
 * the ISN generator (RFC 6528, SipHash-2-4).
 */
#include <check.h>
#include <stdlib.h>

#include "core/seq.h"
#include "core/tcb.h"

/* Every comparison must agree with the "distance < 2^31" definition, for
 * pairs that straddle 0 and 2^31 as well as ordinary ones. */
START_TEST(test_seq_compare_across_wrap)
{
	static const uint32_t base[] = {0, 1, 0x7fffffffu, 0x80000000u, 0x80000001u,
					0xfffffffeu, 0xffffffffu, 12345u};
	static const uint32_t dist[] = {1, 2, 1000, 0x10000u, 0x7ffffffeu, 0x7fffffffu};
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		for (size_t j = 0; j < sizeof(dist) / sizeof(dist[0]); j++) {
			uint32_t a = base[i], b = a + dist[j];
			ck_assert(seq_lt(a, b));
			ck_assert(seq_leq(a, b));
			ck_assert(!seq_gt(a, b));
			ck_assert(!seq_geq(a, b));
			ck_assert(seq_gt(b, a));
			ck_assert(seq_geq(b, a));
			ck_assert(!seq_lt(b, a));
			ck_assert(seq_leq(a, a) && seq_geq(a, a) && !seq_lt(a, a) && !seq_gt(a, a));
			ck_assert_uint_eq(seq_max(a, b), b);
			ck_assert_uint_eq(seq_min(a, b), a);
			ck_assert_int_eq(seq_diff(b, a), (int32_t)dist[j]);
		}
}
END_TEST

START_TEST(test_seq_wrap_examples)
{
	ck_assert(seq_lt(0xfffffff0u, 0x10u));     /* 0x10 is 32 ahead, across 2^32 */
	ck_assert(seq_gt(0x10u, 0xfffffff0u));
	ck_assert(seq_lt(0x7ffffff0u, 0x80000010u)); /* across 2^31 */
	ck_assert_int_eq(seq_diff(5, 0xfffffffbu), 10);
	ck_assert_int_eq(seq_diff(0xfffffffbu, 5), -10);
}
END_TEST

START_TEST(test_seq_in_range_across_wrap)
{
	uint32_t lo = 0xffffff00u, hi = lo + 0x200; /* hi = 0x100 after wrapping */
	ck_assert(seq_in(lo, lo, hi));
	ck_assert(seq_in(0xffffffffu, lo, hi));
	ck_assert(seq_in(0, lo, hi));
	ck_assert(seq_in(0xff, lo, hi));
	ck_assert(!seq_in(0x100, lo, hi)); /* half-open */
	ck_assert(!seq_in(lo - 1, lo, hi));
	ck_assert(!seq_in(5, 5, 5));       /* empty */
	ck_assert(seq_in_oc(0x100, lo, hi));
	ck_assert(!seq_in_oc(lo, lo, hi));
	ck_assert(seq_in_oc(0, 0xffffffffu, 0));
}
END_TEST

/* Walk a window of 64 KiB around the whole circle in steps that hit every
 * 2^32 boundary alignment: the acceptable-ACK test must hold everywhere. */
START_TEST(test_seq_window_walk_full_circle)
{
	for (uint64_t s = 0; s < (1ull << 32); s += 0x00fffff1u) {
		uint32_t una = (uint32_t)s, nxt = una + 65536;
		ck_assert(seq_in_oc(una + 1, una, nxt));
		ck_assert(seq_in_oc(nxt, una, nxt));
		ck_assert(!seq_in_oc(una, una, nxt));
		ck_assert(!seq_in_oc(nxt + 1, una, nxt));
		ck_assert(seq_lt(una, nxt) && seq_gt(nxt, una));
	}
}
END_TEST

/* SipHash-2-4 reference vectors (Aumasson and Bernstein, appendix A):
 * key 00 01 .. 0f, message 00 01 .. (len-1). */
START_TEST(test_siphash_reference_vectors)
{
	uint8_t key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	ck_assert_uint_eq(tv_siphash24(key, msg, 0), 0x726fdb47dd0e0e31ull);
	ck_assert_uint_eq(tv_siphash24(key, msg, 1), 0x74f839c593dc67fdull);
	ck_assert_uint_eq(tv_siphash24(key, msg, 8), 0x93f5f5799a932462ull);
	ck_assert_uint_eq(tv_siphash24(key, msg, 15), 0xa129ca6149be45e5ull);
	ck_assert_uint_eq(tv_siphash24(key, msg, 63), 0x958a324ceb064572ull);
}
END_TEST

static struct host *isn_host(uint8_t k)
{
	static struct host h;
	for (int i = 0; i < 16; i++)
		h.cfg.isn_key[i] = (uint8_t)(k + i);
	return &h;
}

/* RFC 6528: ISN = M + F(tuple, key); M ticks every 4 us. */
START_TEST(test_isn_rfc6528_clock_and_tuple)
{
	struct host *h = isn_host(1);
	struct tv_tuple t = {0x0a000001, 0x0a000002, 40000, 80};
	uint32_t a = tcp_isn(h, &t, 0);
	ck_assert_uint_eq(tcp_isn(h, &t, 4), a + 1);
	ck_assert_uint_eq(tcp_isn(h, &t, 7), a + 1);
	ck_assert_uint_eq(tcp_isn(h, &t, TV_SEC(1)), a + 250000);
	struct tv_tuple u = t;
	u.lport = 40001;
	ck_assert_uint_ne(tcp_isn(h, &u, 0), a);
	h = isn_host(2);
	ck_assert_uint_ne(tcp_isn(h, &t, 0), a);
}
END_TEST

static Suite *seq_suite(void)
{
	Suite *s = suite_create("seq");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_seq_compare_across_wrap);
	tcase_add_test(tc, test_seq_wrap_examples);
	tcase_add_test(tc, test_seq_in_range_across_wrap);
	tcase_add_test(tc, test_seq_window_walk_full_circle);
	tcase_add_test(tc, test_siphash_reference_vectors);
	tcase_add_test(tc, test_isn_rfc6528_clock_and_tuple);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seq_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
