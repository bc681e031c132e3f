/*
 * check_eth.c - Ethernet II input filtering and output framing (eth.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/ipv4.h"
#include "l3_fixture.h"

static struct fx_cap cap;
static struct host *h;

static void setup(void)
{
	memset(&cap, 0, sizeof(cap));
	h = fx_host(1, &cap, NULL);
}

static void teardown(void)
{
	host_free(h);
	fx_cap_free(&cap);
}

/* An ARP request from host 2 for our address: a frame eth passes up. */
static size_t arp_request_frame(uint8_t *f)
{
	uint8_t m2[6], zero[6] = {0};
	fx_mac(m2, 2);
	return fx_build_arp(f, fx_bcast, 1, m2, FX_ADDR(2), zero, FX_ADDR(1));
}

START_TEST(test_eth_short_frames_dropped_and_counted)
{
	uint8_t f[64];
	arp_request_frame(f);
	for (size_t len = 0; len < 14; len++) {
		uint64_t snap[TV_CNT_COUNT];
		fx_snap(h, snap);
		fx_feed(h, f, len, FX_T0);
		ck_assert_uint_eq(h->counters[TV_CNT_ETH_SHORT], snap[TV_CNT_ETH_SHORT] + 1);
		static const enum tv_counter ok[] = {TV_CNT_ETH_RX, TV_CNT_ETH_SHORT, TV_CNT_COUNT};
		ck_assert_uint_eq(fx_other_rises(h, snap, ok), 0);
	}
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_RX], 14);
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

START_TEST(test_eth_header_only_frame_reaches_upper_layer)
{
	uint8_t f[64];
	arp_request_frame(f);
	fx_feed(h, f, 14, FX_T0);
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_SHORT], 0);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_RX], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_BAD], 1);
}
END_TEST

START_TEST(test_eth_frame_for_other_mac_dropped_and_counted)
{
	uint8_t f[64];
	size_t n = arp_request_frame(f);
	fx_mac(f, 3);
	fx_feed(h, f, n, FX_T0);
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_NOT_US], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_RX], 0);
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

START_TEST(test_eth_multicast_destination_dropped_and_counted)
{
	uint8_t f[64];
	size_t n = arp_request_frame(f);
	const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	memcpy(f, mcast, 6);
	fx_feed(h, f, n, FX_T0);
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_NOT_US], 1);
}
END_TEST

START_TEST(test_eth_broadcast_and_own_mac_accepted)
{
	uint8_t f[64];
	size_t n = arp_request_frame(f);
	fx_feed(h, f, n, FX_T0);
	fx_mac(f, 1);
	fx_feed(h, f, n, FX_T0);
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_NOT_US], 0);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_RX], 2);
}
END_TEST

START_TEST(test_eth_unknown_ethertype_dropped_and_counted)
{
	static const uint16_t types[] = {0x86dd, 0x8100, 0x0000, 0x05dc, 0x0801, 0x0805, 0xffff};
	uint8_t f[64];
	size_t n = arp_request_frame(f);
	for (size_t i = 0; i < TV_ARRAY_LEN(types); i++) {
		tv_put_be16(f + 12, types[i]);
		fx_feed(h, f, n, FX_T0);
		ck_assert_uint_eq(h->counters[TV_CNT_ETH_BAD_TYPE], i + 1);
	}
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_RX], 0);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_RX], 0);
}
END_TEST

START_TEST(test_eth_ipv4_ethertype_goes_to_ip)
{
	uint8_t f[64];
	size_t n = arp_request_frame(f);
	tv_put_be16(f + 12, TV_ETHERTYPE_IPV4);
	fx_feed(h, f, n, FX_T0);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_RX], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_RX], 0);
}
END_TEST

START_TEST(test_eth_frame_below_60_bytes_accepted)
{
	uint8_t f[64];
	size_t n = arp_request_frame(f);
	ck_assert_uint_lt(n, 60);
	fx_feed(h, f, n, FX_T0);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_RX], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_BAD], 0);
	ck_assert_uint_eq(cap.n, 1); /* the ARP reply */
}
END_TEST

START_TEST(test_eth_output_fills_header_and_does_not_pad)
{
	uint8_t f[20];
	uint8_t dst[6];
	fx_mac(dst, 9);
	memset(f, 0x77, sizeof(f));
	uint64_t tx = h->counters[TV_CNT_ETH_TX];
	ck_assert_int_eq(eth_output(h, f, sizeof(f), dst, 0x1234, FX_T0), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_uint_eq(cap.f[0].len, 20);
	ck_assert_mem_eq(cap.f[0].data, dst, 6);
	ck_assert_mem_eq(cap.f[0].data + 6, h->cfg.mac, 6);
	ck_assert_uint_eq(fx_ethertype(&cap.f[0]), 0x1234);
	ck_assert_uint_eq(cap.f[0].data[14], 0x77);
	ck_assert_uint_eq(cap.f[0].when, FX_T0);
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_TX], tx + 1);
}
END_TEST

START_TEST(test_eth_output_larger_than_mtu_rejected)
{
	static uint8_t f[14 + 1501];
	uint8_t dst[6];
	fx_mac(dst, 2);
	ck_assert_int_eq(eth_output(h, f, sizeof(f), dst, TV_ETHERTYPE_IPV4, FX_T0),
			 TV_EMSGSIZE);
	ck_assert_int_eq(eth_output(h, f, 13, dst, TV_ETHERTYPE_IPV4, FX_T0), TV_EINVAL);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_int_eq(eth_output(h, f, sizeof(f) - 1, dst, TV_ETHERTYPE_IPV4, FX_T0), 0);
	ck_assert_uint_eq(cap.n, 1);
}
END_TEST

START_TEST(test_eth_tx_error_counted_and_returned)
{
	uint8_t f[20] = {0};
	uint8_t dst[6];
	fx_mac(dst, 2);
	cap.fail = TV_ENOBUFS;
	ck_assert_int_eq(eth_output(h, f, sizeof(f), dst, TV_ETHERTYPE_IPV4, FX_T0), TV_ENOBUFS);
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_TX_ERR], 1);
}
END_TEST

START_TEST(test_eth_without_link_discards_output)
{
	struct host *n = fx_host(2, NULL, NULL);
	uint8_t f[20] = {0};
	ck_assert_int_eq(eth_output(n, f, sizeof(f), fx_bcast, TV_ETHERTYPE_ARP, FX_T0), 0);
	ck_assert_uint_eq(n->counters[TV_CNT_ETH_TX_ERR], 0);
	host_free(n);
}
END_TEST

START_TEST(test_eth_drop_emits_drop_event_with_counter)
{
	struct fx_events ev;
	fx_events_init(&ev);
	struct host *b = fx_host(2, NULL, &ev.bus);
	ev.n = 0;
	uint8_t f[8] = {0};
	fx_feed(b, f, sizeof(f), FX_T0 + 3);
	ck_assert_uint_eq(ev.n, 1);
	ck_assert_int_eq(ev.ev[0].type, TV_EV_DROP);
	ck_assert_int_eq(ev.ev[0].u.drop.counter, TV_CNT_ETH_SHORT);
	ck_assert_uint_eq(ev.ev[0].time, FX_T0 + 3);
	ck_assert_uint_eq(ev.ev[0].host, 2);
	host_free(b);
	fx_events_fini(&ev);
}
END_TEST

static Suite *eth_suite(void)
{
	Suite *s = suite_create("eth");
	TCase *tc = tcase_create("eth");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_eth_short_frames_dropped_and_counted);
	tcase_add_test(tc, test_eth_header_only_frame_reaches_upper_layer);
	tcase_add_test(tc, test_eth_frame_for_other_mac_dropped_and_counted);
	tcase_add_test(tc, test_eth_multicast_destination_dropped_and_counted);
	tcase_add_test(tc, test_eth_broadcast_and_own_mac_accepted);
	tcase_add_test(tc, test_eth_unknown_ethertype_dropped_and_counted);
	tcase_add_test(tc, test_eth_ipv4_ethertype_goes_to_ip);
	tcase_add_test(tc, test_eth_frame_below_60_bytes_accepted);
	tcase_add_test(tc, test_eth_output_fills_header_and_does_not_pad);
	tcase_add_test(tc, test_eth_output_larger_than_mtu_rejected);
	tcase_add_test(tc, test_eth_tx_error_counted_and_returned);
	tcase_add_test(tc, test_eth_without_link_discards_output);
	tcase_add_test(tc, test_eth_drop_emits_drop_event_with_counter);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(eth_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
