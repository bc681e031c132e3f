/*
 * check_ipv4.c - IPv4 input validation and output (ipv4.c).
 *
 * Host 1 is under test; host 2's MAC is a static ARP entry, so an ICMP
 * echo request from host 2 is answered at once and a reply in the capture
 * proves that a packet was accepted.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/ipv4.h"
#include "l3_fixture.h"

#define T FX_T0

static struct fx_cap cap;
static struct fx_events ev;
static struct host *h;
static const uint8_t data16[16] = "0123456789abcdef";

static void setup(void)
{
	memset(&cap, 0, sizeof(cap));
	fx_events_init(&ev);
	h = fx_host(1, &cap, &ev.bus);
	uint8_t m2[6];
	fx_mac(m2, 2);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(2), m2, true, T), 0);
	ev.n = 0;
}

static void teardown(void)
{
	host_free(h);
	fx_cap_free(&cap);
	fx_events_fini(&ev);
}

/* An echo request from host 2 to us with 16 data bytes: 58 bytes. */
static size_t echo(uint8_t *f)
{
	return fx_build_echo(f, 2, 1, 8, 0x77, 1, data16, sizeof(data16));
}

/* Feed f and check that exactly `want` dropped it (besides the rx
 * counters) and nothing was sent. */
static void expect_drop(const uint8_t *f, size_t len, enum tv_counter want)
{
	uint64_t snap[TV_CNT_COUNT];
	size_t sent = cap.n;
	fx_snap(h, snap);
	fx_feed(h, f, len, T);
	const enum tv_counter ok[] = {TV_CNT_ETH_RX, TV_CNT_IP_RX, want, TV_CNT_COUNT};
	ck_assert_uint_eq(h->counters[want], snap[want] + 1);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_RX], snap[TV_CNT_IP_RX] + 1);
	ck_assert_uint_eq(fx_other_rises(h, snap, ok), 0);
	ck_assert_uint_eq(cap.n, sent);
}

static void expect_answer(const uint8_t *f, size_t len)
{
	size_t sent = cap.n;
	fx_feed(h, f, len, T);
	ck_assert_uint_eq(cap.n, sent + 1);
	ck_assert(fx_is_ipv4(&cap.f[sent]));
}

START_TEST(test_ipv4_valid_echo_request_answered)
{
	uint8_t f[128];
	expect_answer(f, echo(f));
	ck_assert_uint_eq(h->counters[TV_CNT_IP_RX], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_TX], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_ECHO], 1);
}
END_TEST

START_TEST(test_ipv4_truncated_at_every_length_dropped_and_counted)
{
	uint8_t f[128];
	size_t full = echo(f);
	for (size_t len = 14; len < full; len++)
		expect_drop(f, len, TV_CNT_IP_BAD_LEN);
	expect_answer(f, full);
}
END_TEST

START_TEST(test_ipv4_version_other_than_4_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = echo(f);
	for (unsigned v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		f[14] = (uint8_t)(v << 4 | 5);
		fx_ipv4_fix_csum(f);
		expect_drop(f, n, TV_CNT_IP_BAD_HDR);
	}
}
END_TEST

START_TEST(test_ipv4_ihl_below_5_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = echo(f);
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		f[14] = (uint8_t)(0x40 | ihl);
		expect_drop(f, n, TV_CNT_IP_BAD_HDR);
	}
}
END_TEST

START_TEST(test_ipv4_ihl_beyond_packet_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = echo(f); /* 44 IP bytes: an IHL of 15 (60 bytes) overruns */
	f[14] = 0x4f;
	expect_drop(f, n, TV_CNT_IP_BAD_LEN);
}
END_TEST

START_TEST(test_ipv4_total_length_below_header_dropped_and_counted)
{
	static const uint16_t tots[] = {0, 1, 19};
	uint8_t f[128];
	size_t n = echo(f);
	for (size_t i = 0; i < TV_ARRAY_LEN(tots); i++) {
		tv_put_be16(f + 16, tots[i]);
		fx_ipv4_fix_csum(f);
		expect_drop(f, n, TV_CNT_IP_BAD_LEN);
	}
	/* With options the header is 24 bytes: a total of 22 is too short. */
	f[14] = 0x46;
	tv_put_be16(f + 16, 22);
	fx_ipv4_fix_csum(f);
	expect_drop(f, n, TV_CNT_IP_BAD_LEN);
}
END_TEST

START_TEST(test_ipv4_total_length_beyond_frame_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = echo(f);
	tv_put_be16(f + 16, (uint16_t)(n - 14 + 1));
	fx_ipv4_fix_csum(f);
	expect_drop(f, n, TV_CNT_IP_BAD_LEN);
	tv_put_be16(f + 16, 0xffff);
	fx_ipv4_fix_csum(f);
	expect_drop(f, n, TV_CNT_IP_BAD_LEN);
}
END_TEST

START_TEST(test_ipv4_bad_checksum_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = echo(f);
	f[24] ^= 0x01; /* the checksum itself */
	expect_drop(f, n, TV_CNT_IP_BAD_CSUM);
	echo(f);
	f[14 + 15] ^= 0x80; /* the source address, checksum left stale */
	expect_drop(f, n, TV_CNT_IP_BAD_CSUM);
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_DROP), 2);
	ck_assert_int_eq(ev.ev[0].u.drop.counter, TV_CNT_IP_BAD_CSUM);
}
END_TEST

START_TEST(test_ipv4_ttl_zero_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = echo(f);
	f[14 + 8] = 0;
	fx_ipv4_fix_csum(f);
	expect_drop(f, n, TV_CNT_IP_TTL);
}
END_TEST

START_TEST(test_ipv4_ttl_one_accepted)
{
	uint8_t f[128];
	size_t n = echo(f);
	f[14 + 8] = 1;
	fx_ipv4_fix_csum(f);
	expect_answer(f, n);
}
END_TEST

START_TEST(test_ipv4_fragments_dropped_and_counted)
{
	/* MF alone (first fragment), offsets alone (last fragment), both. */
	static const uint16_t frag[] = {0x2000, 0x0001, 0x1fff, 0x2001, 0x4001, 0x3000};
	uint8_t f[128];
	size_t n = echo(f);
	for (size_t i = 0; i < TV_ARRAY_LEN(frag); i++) {
		tv_put_be16(f + 14 + 6, frag[i]);
		fx_ipv4_fix_csum(f);
		expect_drop(f, n, TV_CNT_IP_FRAG);
	}
}
END_TEST

START_TEST(test_ipv4_unfragmented_with_or_without_df_accepted)
{
	static const uint16_t flags[] = {0x0000, 0x4000, 0x8000};
	uint8_t f[128];
	size_t n = echo(f);
	for (size_t i = 0; i < TV_ARRAY_LEN(flags); i++) {
		tv_put_be16(f + 14 + 6, flags[i]);
		fx_ipv4_fix_csum(f);
		expect_answer(f, n);
	}
}
END_TEST

START_TEST(test_ipv4_other_destination_dropped_and_counted)
{
	static const uint32_t dst[] = {FX_ADDR(3), 0xffffffffu, 0x0a0000ffu, 0, 0xe0000001u};
	uint8_t f[128];
	size_t n = echo(f);
	for (size_t i = 0; i < TV_ARRAY_LEN(dst); i++) {
		tv_put_be32(f + 14 + 16, dst[i]);
		fx_ipv4_fix_csum(f);
		expect_drop(f, n, TV_CNT_IP_NOT_US);
	}
}
END_TEST

/* RFC 1122 3.2.1.3: broadcast and multicast are never sources. */
START_TEST(test_ipv4_broadcast_or_multicast_source_dropped_and_counted)
{
	static const uint32_t src[] = {0xffffffffu, 0xe0000001u, 0xefffffffu};
	uint8_t f[128];
	size_t n = echo(f);
	for (size_t i = 0; i < TV_ARRAY_LEN(src); i++) {
		tv_put_be32(f + 14 + 12, src[i]);
		fx_ipv4_fix_csum(f);
		expect_drop(f, n, TV_CNT_IP_BAD_HDR);
	}
}
END_TEST

START_TEST(test_ipv4_unknown_protocol_dropped_and_counted)
{
	static const uint8_t protos[] = {0, 2, 17, 41, 58, 255};
	uint8_t f[128];
	for (size_t i = 0; i < TV_ARRAY_LEN(protos); i++) {
		size_t n = fx_build_ipv4(f, 2, 1, protos[i], data16, sizeof(data16));
		expect_drop(f, n, TV_CNT_IP_BAD_PROTO);
	}
}
END_TEST

START_TEST(test_ipv4_tcp_passed_up_not_counted_as_ip_drop)
{
	uint8_t f[128], seg[20] = {0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02};
	size_t n = fx_build_ipv4(f, 2, 1, TV_IPPROTO_TCP, seg, sizeof(seg));
	fx_feed(h, f, n, T);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_RX], 1);
	for (int c = TV_CNT_IP_BAD_HDR; c <= TV_CNT_IP_NO_ROUTE; c++)
		ck_assert_uint_eq(h->counters[c], 0);
}
END_TEST

/* Insert optlen bytes of IP options (NOPs, then EOL) after the header. */
static size_t add_options(uint8_t *f, size_t n, size_t optlen)
{
	uint8_t *ip = f + 14;
	memmove(ip + 20 + optlen, ip + 20, n - 34);
	memset(ip + 20, 1, optlen);
	ip[20 + optlen - 1] = 0;
	ip[0] = (uint8_t)(0x45 + optlen / 4);
	tv_put_be16(ip + 2, (uint16_t)(tv_get_be16(ip + 2) + optlen));
	fx_ipv4_fix_csum(f);
	return n + optlen;
}

START_TEST(test_ipv4_options_skipped_and_payload_found)
{
	for (size_t optlen = 4; optlen <= 40; optlen += 36) {
		uint8_t f[128];
		size_t n = add_options(f, echo(f), optlen);
		expect_answer(f, n);
		const struct fx_frame *r = &cap.f[cap.n - 1];
		ck_assert_uint_eq(r->len, 14 + 20 + 8 + 16); /* we send no options */
		ck_assert_uint_eq(r->data[14], 0x45);
		ck_assert_mem_eq(r->data + 34 + 8, data16, 16);
	}
}
END_TEST

START_TEST(test_ipv4_ethernet_padding_ignored)
{
	uint8_t f[128];
	size_t n = fx_build_echo(f, 2, 1, 8, 5, 6, NULL, 0); /* 42 bytes */
	memset(f + n, 0xaa, 60 - n);
	expect_answer(f, 60);
	const struct fx_frame *r = &cap.f[cap.n - 1];
	ck_assert_uint_eq(r->len, 42);
	ck_assert_uint_eq(tv_get_be16(r->data + 16), 28);
	ck_assert(fx_csum_ok(r->data + 34, 8));
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_BAD], 0);
}
END_TEST

START_TEST(test_ipv4_output_writes_20_byte_header_with_df)
{
	uint8_t buf[TV_HDR_ROOM + 16];
	memcpy(buf + TV_HDR_ROOM, data16, 16);
	uint16_t id = (uint16_t)h->ip_id;
	ck_assert_int_eq(ipv4_output(h, buf, 16, FX_ADDR(2), 200, T), 0);
	ck_assert_int_eq(ipv4_output(h, buf, 16, FX_ADDR(2), 200, T), 0);
	ck_assert_uint_eq(cap.n, 2);
	const uint8_t *ip = cap.f[0].data + 14;
	ck_assert_uint_eq(cap.f[0].len, TV_HDR_ROOM + 16);
	ck_assert_uint_eq(ip[0], 0x45);
	ck_assert_uint_eq(ip[1], 0);
	ck_assert_uint_eq(tv_get_be16(ip + 2), 36);
	ck_assert_uint_eq(tv_get_be16(ip + 4), id);
	ck_assert_uint_eq(tv_get_be16(cap.f[1].data + 14 + 4), (uint16_t)(id + 1));
	ck_assert_uint_eq(tv_get_be16(ip + 6), 0x4000);
	ck_assert_uint_eq(ip[8], 64);
	ck_assert_uint_eq(ip[9], 200);
	ck_assert(fx_csum_ok(ip, 20));
	ck_assert_uint_eq(tv_get_be32(ip + 12), FX_ADDR(1));
	ck_assert_uint_eq(tv_get_be32(ip + 16), FX_ADDR(2));
	ck_assert_mem_eq(ip + 20, data16, 16);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_TX], 2);
}
END_TEST

START_TEST(test_ipv4_output_uses_configured_ttl)
{
	h->cfg.ttl = 7;
	uint8_t buf[TV_HDR_ROOM + 4] = {0};
	ipv4_output(h, buf, 4, FX_ADDR(2), 200, T);
	ck_assert_uint_eq(cap.f[0].data[14 + 8], 7);
}
END_TEST

START_TEST(test_ipv4_output_off_link_fails_with_no_route)
{
	uint8_t buf[TV_HDR_ROOM + 4] = {0};
	ck_assert_int_eq(ipv4_output(h, buf, 4, 0x0a000102u, 200, T), TV_EUNREACH);
	ck_assert_int_eq(ipv4_output(h, buf, 4, 0x08080808u, 200, T), TV_EUNREACH);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_NO_ROUTE], 2);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_TX], 0);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(arp_cache_size(h), 1); /* only the static entry */
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_DROP), 2);
}
END_TEST

START_TEST(test_ipv4_output_to_self_zero_broadcast_or_multicast_fails)
{
	static const uint32_t dst[] = {FX_ADDR(1), 0, 0xffffffffu, 0xe0000001u};
	uint8_t buf[TV_HDR_ROOM + 4] = {0};
	for (size_t i = 0; i < TV_ARRAY_LEN(dst); i++)
		ck_assert_int_eq(ipv4_output(h, buf, 4, dst[i], 200, T), TV_EUNREACH);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_NO_ROUTE], TV_ARRAY_LEN(dst));
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

START_TEST(test_ipv4_output_on_link_follows_prefix_len)
{
	uint8_t buf[TV_HDR_ROOM + 4] = {0};
	h->cfg.prefix_len = 16;
	ck_assert_int_eq(ipv4_output(h, buf, 4, 0x0a00c807u, 200, T), 0);
	ck_assert_int_eq(ipv4_output(h, buf, 4, 0x0a01c807u, 200, T), TV_EUNREACH);
	h->cfg.prefix_len = 32;
	ck_assert_int_eq(ipv4_output(h, buf, 4, FX_ADDR(2), 200, T), TV_EUNREACH);
	h->cfg.prefix_len = 0;
	ck_assert_int_eq(ipv4_output(h, buf, 4, 0xc0a80101u, 200, T), 0);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_NO_ROUTE], 2);
}
END_TEST

START_TEST(test_ipv4_output_larger_than_mtu_rejected)
{
	static uint8_t buf[TV_HDR_ROOM + 1481];
	ck_assert_int_eq(ipv4_output(h, buf, 1481, FX_ADDR(2), 200, T), TV_EMSGSIZE);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_int_eq(ipv4_output(h, buf, 1480, FX_ADDR(2), 200, T), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_uint_eq(cap.f[0].len, 14 + 1500);
}
END_TEST

START_TEST(test_ipv4_output_to_unresolved_address_queued_for_arp)
{
	uint8_t buf[TV_HDR_ROOM + 4] = {0};
	ck_assert_int_eq(ipv4_output(h, buf, 4, FX_ADDR(3), 200, T), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_uint_eq(fx_ethertype(&cap.f[0]), TV_ETHERTYPE_ARP);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_TX], 1);
}
END_TEST

static Suite *ipv4_suite(void)
{
	Suite *s = suite_create("ipv4");
	TCase *tc = tcase_create("ipv4");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ipv4_valid_echo_request_answered);
	tcase_add_test(tc, test_ipv4_truncated_at_every_length_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_version_other_than_4_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_ihl_below_5_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_ihl_beyond_packet_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_total_length_below_header_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_total_length_beyond_frame_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_bad_checksum_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_ttl_zero_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_ttl_one_accepted);
	tcase_add_test(tc, test_ipv4_fragments_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_unfragmented_with_or_without_df_accepted);
	tcase_add_test(tc, test_ipv4_other_destination_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_broadcast_or_multicast_source_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_unknown_protocol_dropped_and_counted);
	tcase_add_test(tc, test_ipv4_tcp_passed_up_not_counted_as_ip_drop);
	tcase_add_test(tc, test_ipv4_options_skipped_and_payload_found);
	tcase_add_test(tc, test_ipv4_ethernet_padding_ignored);
	tcase_add_test(tc, test_ipv4_output_writes_20_byte_header_with_df);
	tcase_add_test(tc, test_ipv4_output_uses_configured_ttl);
	tcase_add_test(tc, test_ipv4_output_off_link_fails_with_no_route);
	tcase_add_test(tc, test_ipv4_output_to_self_zero_broadcast_or_multicast_fails);
	tcase_add_test(tc, test_ipv4_output_on_link_follows_prefix_len);
	tcase_add_test(tc, test_ipv4_output_larger_than_mtu_rejected);
	tcase_add_test(tc, test_ipv4_output_to_unresolved_address_queued_for_arp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ipv4_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
