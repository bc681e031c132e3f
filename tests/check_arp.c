/*
 * check_arp.c - ARP (arp.c): replies, RFC 826 learning and merging, ageing
 * in virtual time, request retries and give-up, the pending queue bound,
 * eviction, static entries, malformed packets and events.
 *
 * Host 1 (10.0.0.1) is the host under test; other hosts exist only as
 * hand-built frames from MAC 02:00:00:00:00:0n / 10.0.0.n.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/ipv4.h"
#include "l3_fixture.h"

#define T FX_T0
static const uint8_t zero_mac[6];

static struct fx_cap cap;
static struct fx_events ev;
static struct host *h;

static void setup(void)
{
	memset(&cap, 0, sizeof(cap));
	fx_events_init(&ev);
	h = fx_host(1, &cap, &ev.bus);
	ev.n = 0;
}

static void teardown(void)
{
	host_free(h);
	fx_cap_free(&cap);
	fx_events_fini(&ev);
}

/* Host 1 again with a modified config (call after setup). */
static void remake(void (*tweak)(struct host_config *))
{
	struct host_config cfg;
	host_free(h);
	fx_config(&cfg, 1, &cap, &ev.bus);
	tweak(&cfg);
	h = host_new(&cfg, 1, T);
	ck_assert_ptr_nonnull(h);
	fx_cap_clear(&cap);
	ev.n = 0;
}

/* An ARP packet from host n (its MAC in sha) with the given fields. */
static void feed_arp(uint16_t op, unsigned n, const uint8_t *sha, uint32_t spa, uint32_t tpa,
		     const uint8_t *eth_dst, tv_time now)
{
	uint8_t f[64], mac[6];
	fx_mac(mac, n);
	fx_build_arp(f, eth_dst ? eth_dst : fx_bcast, op, sha ? sha : mac, spa,
		     op == 2 ? h->cfg.mac : zero_mac, tpa);
	fx_feed(h, f, 42, now);
}

/* Host n asks for our address: we learn it (RFC 826) and reply. */
static void learn(unsigned n, tv_time now)
{
	feed_arp(1, n, NULL, FX_ADDR(n), FX_ADDR(1), NULL, now);
}

/* Send an IPv4 packet whose first payload byte is marker. */
static int send_ip(uint32_t daddr, uint8_t marker, tv_time now)
{
	uint8_t buf[TV_HDR_ROOM + 16];
	memset(buf, 0, sizeof(buf));
	buf[TV_HDR_ROOM] = marker;
	return ipv4_output(h, buf, 16, daddr, 253, now);
}

static bool known(unsigned n, uint8_t mac[6])
{
	uint8_t m[6];
	return arp_lookup(h, FX_ADDR(n), mac ? mac : m);
}

static size_t count_requests(uint32_t tpa)
{
	size_t k = 0;
	for (size_t i = 0; i < cap.n; i++)
		k += fx_ethertype(&cap.f[i]) == TV_ETHERTYPE_ARP && fx_arp_op(&cap.f[i]) == 1 &&
		     fx_arp_tpa(&cap.f[i]) == tpa;
	return k;
}

/* ---- replies and learning -------------------------------------------- */

START_TEST(test_arp_request_for_us_answered_with_unicast_reply)
{
	uint8_t m2[6];
	fx_mac(m2, 2);
	learn(2, T);
	ck_assert_uint_eq(cap.n, 1);
	const struct fx_frame *r = &cap.f[0];
	ck_assert_uint_eq(r->len, 42);
	ck_assert_mem_eq(r->data, m2, 6);
	ck_assert_mem_eq(r->data + 6, h->cfg.mac, 6);
	ck_assert_uint_eq(fx_ethertype(r), TV_ETHERTYPE_ARP);
	const uint8_t *a = r->data + 14;
	ck_assert_uint_eq(tv_get_be16(a), 1);
	ck_assert_uint_eq(tv_get_be16(a + 2), 0x0800);
	ck_assert_uint_eq(a[4], 6);
	ck_assert_uint_eq(a[5], 4);
	ck_assert_uint_eq(tv_get_be16(a + 6), 2);
	ck_assert_mem_eq(a + 8, h->cfg.mac, 6);
	ck_assert_uint_eq(tv_get_be32(a + 14), FX_ADDR(1));
	ck_assert_mem_eq(a + 18, m2, 6);
	ck_assert_uint_eq(tv_get_be32(a + 24), FX_ADDR(2));
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_RX], 1);
}
END_TEST

START_TEST(test_arp_request_for_us_learns_sender)
{
	uint8_t m2[6], got[6];
	fx_mac(m2, 2);
	learn(2, T);
	ck_assert(known(2, got));
	ck_assert_mem_eq(got, m2, 6);
	ck_assert_uint_eq(arp_cache_size(h), 1);
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_LEARNED), 1);
}
END_TEST

START_TEST(test_arp_request_for_other_address_ignored_and_not_learned)
{
	feed_arp(1, 2, NULL, FX_ADDR(2), FX_ADDR(3), NULL, T);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_NOT_US], 1);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(arp_cache_size(h), 0);
	ck_assert(!known(2, NULL));
}
END_TEST

START_TEST(test_arp_reply_for_other_address_not_learned)
{
	feed_arp(2, 2, NULL, FX_ADDR(2), FX_ADDR(3), NULL, T);
	ck_assert_uint_eq(arp_cache_size(h), 0);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_NOT_US], 0);
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

START_TEST(test_arp_packet_for_other_address_merges_known_sender)
{
	uint8_t m5[6], got[6];
	fx_mac(m5, 5);
	learn(2, T);
	ev.n = 0;
	fx_cap_clear(&cap);
	/* 10.0.0.2 moved to a new MAC and asks someone else: RFC 826 merge. */
	feed_arp(1, 5, m5, FX_ADDR(2), FX_ADDR(3), NULL, T + 1);
	ck_assert(known(2, got));
	ck_assert_mem_eq(got, m5, 6);
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_CHANGED), 1);
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

START_TEST(test_arp_unsolicited_reply_for_us_learned)
{
	feed_arp(2, 2, NULL, FX_ADDR(2), FX_ADDR(1), h->cfg.mac, T);
	ck_assert(known(2, NULL));
	ck_assert_uint_eq(cap.n, 0); /* replies are not answered */
}
END_TEST

START_TEST(test_arp_gratuitous_announce_updates_only_known_entries)
{
	uint8_t m5[6], got[6];
	fx_mac(m5, 5);
	learn(2, T);
	feed_arp(1, 5, m5, FX_ADDR(2), FX_ADDR(2), NULL, T + 1);
	feed_arp(1, 3, NULL, FX_ADDR(3), FX_ADDR(3), NULL, T + 1);
	ck_assert(known(2, got));
	ck_assert_mem_eq(got, m5, 6);
	ck_assert(!known(3, NULL));
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_NOT_US], 2);
}
END_TEST

START_TEST(test_arp_claim_of_our_address_counted_as_conflict)
{
	feed_arp(1, 2, NULL, FX_ADDR(1), FX_ADDR(1), NULL, T);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_CONFLICT], 1);
	ck_assert_uint_eq(arp_cache_size(h), 0);
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

/* RFC 5227 2.1.1: a probe has sender address 0; answer, learn nothing. */
START_TEST(test_arp_probe_with_zero_sender_answered_not_learned)
{
	uint8_t m2[6];
	fx_mac(m2, 2);
	feed_arp(1, 2, NULL, 0, FX_ADDR(1), NULL, T);
	ck_assert_uint_eq(arp_cache_size(h), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_mem_eq(cap.f[0].data, m2, 6);
	ck_assert_uint_eq(fx_arp_op(&cap.f[0]), 2);
	ck_assert_uint_eq(fx_arp_tpa(&cap.f[0]), 0);
}
END_TEST

/* ---- resolution, retries and give-up --------------------------------- */

START_TEST(test_arp_send_to_unknown_address_broadcasts_request)
{
	ck_assert_int_eq(send_ip(FX_ADDR(2), 1, T), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_mem_eq(cap.f[0].data, fx_bcast, 6);
	ck_assert_uint_eq(fx_arp_op(&cap.f[0]), 1);
	ck_assert_uint_eq(fx_arp_tpa(&cap.f[0]), FX_ADDR(2));
	ck_assert_mem_eq(cap.f[0].data + 14 + 18, zero_mac, 6);
	ck_assert_uint_eq(arp_cache_size(h), 1);
	ck_assert(!known(2, NULL));
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_INCOMPLETE), 1);
}
END_TEST

START_TEST(test_arp_reply_flushes_pending_frames_in_order)
{
	uint8_t m2[6];
	fx_mac(m2, 2);
	for (uint8_t i = 1; i <= 3; i++)
		ck_assert_int_eq(send_ip(FX_ADDR(2), i, T), 0);
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 1); /* one request, not three */
	feed_arp(2, 2, NULL, FX_ADDR(2), FX_ADDR(1), h->cfg.mac, T + TV_MSEC(5));
	ck_assert_uint_eq(cap.n, 4);
	for (size_t i = 1; i <= 3; i++) {
		ck_assert(fx_is_ipv4(&cap.f[i]));
		ck_assert_mem_eq(cap.f[i].data, m2, 6);
		ck_assert_uint_eq(cap.f[i].data[TV_HDR_ROOM], i);
		ck_assert_uint_eq(cap.f[i].when, T + TV_MSEC(5));
	}
	ck_assert_uint_eq(arp_next_deadline(h), T + TV_MSEC(5) + TV_SEC(60));
}
END_TEST

START_TEST(test_arp_resolved_address_sent_directly)
{
	uint8_t m2[6];
	fx_mac(m2, 2);
	learn(2, T);
	fx_cap_clear(&cap);
	ck_assert_int_eq(send_ip(FX_ADDR(2), 9, T + 1), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert(fx_is_ipv4(&cap.f[0]));
	ck_assert_mem_eq(cap.f[0].data, m2, 6);
}
END_TEST

START_TEST(test_arp_request_resent_at_each_retry_interval)
{
	send_ip(FX_ADDR(2), 1, T);
	ck_assert_uint_eq(arp_next_deadline(h), T + TV_SEC(1));
	host_poll(h, T + TV_SEC(1) - 1);
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 1);
	host_poll(h, T + TV_SEC(1));
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 2);
	ck_assert_uint_eq(cap.f[1].when, T + TV_SEC(1));
	ck_assert_uint_eq(arp_next_deadline(h), T + TV_SEC(2));
	host_poll(h, T + TV_SEC(2));
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 3);
	ck_assert_uint_eq(cap.f[2].when, T + TV_SEC(2));
	ck_assert_uint_eq(arp_next_deadline(h), T + TV_SEC(3));
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_TIMEOUT], 0);
}
END_TEST

START_TEST(test_arp_gives_up_after_retries_and_drops_pending)
{
	for (uint8_t i = 0; i < 5; i++)
		send_ip(FX_ADDR(2), i, T);
	for (tv_time t = T + TV_SEC(1); t < T + TV_SEC(3); t += TV_SEC(1))
		host_poll(h, t);
	host_poll(h, T + TV_SEC(3) - 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_TIMEOUT], 0);
	host_poll(h, T + TV_SEC(3));
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_TIMEOUT], 5);
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 3); /* cfg.arp_retries */
	ck_assert_uint_eq(arp_cache_size(h), 0);
	ck_assert_uint_eq(arp_next_deadline(h), TV_NEVER);
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_FAILED), 1);
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_DROP), 5);
	/* Only ARP frames ever left the host. */
	for (size_t i = 0; i < cap.n; i++)
		ck_assert_uint_eq(fx_ethertype(&cap.f[i]), TV_ETHERTYPE_ARP);
	host_poll(h, T + TV_SEC(100));
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 3);
}
END_TEST

static void cfg_fast_retry(struct host_config *c)
{
	c->arp_retry = TV_MSEC(250);
	c->arp_retries = 5;
}

START_TEST(test_arp_retry_schedule_follows_config)
{
	remake(cfg_fast_retry);
	send_ip(FX_ADDR(2), 1, T);
	tv_time t;
	while ((t = host_next_deadline(h)) != TV_NEVER)
		host_poll(h, t);
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_uint_eq(cap.f[i].when, T + i * TV_MSEC(250));
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_TIMEOUT], 1);
	ck_assert_uint_eq(h->now, T + 5 * TV_MSEC(250));
}
END_TEST

static void cfg_no_retries(struct host_config *c)
{
	c->arp_retries = 0;
}

START_TEST(test_arp_zero_retries_still_sends_one_request)
{
	remake(cfg_no_retries);
	send_ip(FX_ADDR(2), 1, T);
	host_poll(h, T + TV_SEC(1));
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_TIMEOUT], 1);
}
END_TEST

/* ---- the pending queue ------------------------------------------------ */

START_TEST(test_arp_pending_queue_bounded_drops_newest)
{
	for (uint8_t i = 0; i < 10; i++)
		ck_assert_int_eq(send_ip(FX_ADDR(2), i, T), i < 8 ? 0 : TV_ENOBUFS);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_QUEUE_FULL], 2);
	feed_arp(2, 2, NULL, FX_ADDR(2), FX_ADDR(1), h->cfg.mac, T + 1);
	ck_assert_uint_eq(cap.n, 1 + 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_uint_eq(cap.f[1 + i].data[TV_HDR_ROOM], i); /* the oldest 8 */
}
END_TEST

static void cfg_no_queue(struct host_config *c)
{
	c->arp_pending_max = 0;
}

START_TEST(test_arp_zero_pending_max_drops_frame_but_resolves)
{
	remake(cfg_no_queue);
	ck_assert_int_eq(send_ip(FX_ADDR(2), 1, T), TV_ENOBUFS);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_QUEUE_FULL], 1);
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 1);
	feed_arp(2, 2, NULL, FX_ADDR(2), FX_ADDR(1), h->cfg.mac, T + 1);
	ck_assert(known(2, NULL));
	ck_assert_uint_eq(cap.n, 1);
}
END_TEST

START_TEST(test_arp_queues_are_per_address)
{
	for (uint8_t i = 0; i < 8; i++) {
		ck_assert_int_eq(send_ip(FX_ADDR(2), i, T), 0);
		ck_assert_int_eq(send_ip(FX_ADDR(3), i, T), 0);
	}
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_QUEUE_FULL], 0);
	feed_arp(2, 3, NULL, FX_ADDR(3), FX_ADDR(1), h->cfg.mac, T + 1);
	ck_assert_uint_eq(cap.n, 2 + 8);
	tv_time t;
	while ((t = arp_next_deadline(h)) <= T + TV_SEC(10))
		host_poll(h, t);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_TIMEOUT], 8);
	ck_assert(known(3, NULL));
}
END_TEST

/* ---- ageing ----------------------------------------------------------- */

START_TEST(test_arp_entry_ages_out_at_exactly_ttl)
{
	learn(2, T);
	ck_assert_uint_eq(arp_next_deadline(h), T + TV_SEC(60));
	host_poll(h, T + TV_SEC(60) - 1);
	ck_assert(known(2, NULL));
	host_poll(h, T + TV_SEC(60));
	ck_assert(!known(2, NULL));
	ck_assert_uint_eq(arp_cache_size(h), 0);
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_EXPIRED), 1);
	ck_assert_uint_eq(arp_next_deadline(h), TV_NEVER);
}
END_TEST

START_TEST(test_arp_lookup_fails_at_ttl_even_before_poll)
{
	learn(2, T);
	h->now = T + TV_SEC(60);
	ck_assert(!known(2, NULL));
}
END_TEST

START_TEST(test_arp_send_after_ttl_requests_again)
{
	learn(2, T);
	fx_cap_clear(&cap);
	ck_assert_int_eq(send_ip(FX_ADDR(2), 1, T + TV_SEC(60)), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_uint_eq(count_requests(FX_ADDR(2)), 1);
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_EXPIRED), 1);
}
END_TEST

START_TEST(test_arp_packet_from_known_sender_restarts_ttl)
{
	learn(2, T);
	learn(2, T + TV_SEC(30));
	host_poll(h, T + TV_SEC(60));
	ck_assert(known(2, NULL));
	ck_assert_uint_eq(arp_next_deadline(h), T + TV_SEC(90));
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_LEARNED), 1); /* no event for a refresh */
}
END_TEST

START_TEST(test_arp_inserted_dynamic_entry_ages)
{
	uint8_t m9[6];
	fx_mac(m9, 9);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(9), m9, false, T), 0);
	ck_assert(known(9, NULL));
	host_poll(h, T + TV_SEC(60));
	ck_assert(!known(9, NULL));
}
END_TEST

/* ---- static entries --------------------------------------------------- */

START_TEST(test_arp_static_entry_never_ages)
{
	uint8_t m9[6], got[6];
	fx_mac(m9, 9);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(9), m9, true, T), 0);
	ck_assert_uint_eq(arp_next_deadline(h), TV_NEVER);
	host_poll(h, T + 1000 * TV_SEC(60));
	ck_assert(known(9, got));
	ck_assert_mem_eq(got, m9, 6);
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_STATIC), 1);
	ck_assert_int_eq(send_ip(FX_ADDR(9), 1, T + 1000 * TV_SEC(60)), 0);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_mem_eq(cap.f[0].data, m9, 6);
}
END_TEST

START_TEST(test_arp_static_entry_not_overwritten_by_packets)
{
	uint8_t m9[6], got[6];
	fx_mac(m9, 9);
	arp_insert(h, FX_ADDR(2), m9, true, T);
	learn(2, T + 1);
	feed_arp(2, 2, NULL, FX_ADDR(2), FX_ADDR(1), h->cfg.mac, T + 2);
	ck_assert(known(2, got));
	ck_assert_mem_eq(got, m9, 6);
	ck_assert_uint_eq(arp_next_deadline(h), TV_NEVER);
}
END_TEST

START_TEST(test_arp_static_insert_resolves_pending_frames)
{
	uint8_t m9[6];
	fx_mac(m9, 9);
	send_ip(FX_ADDR(2), 7, T);
	arp_insert(h, FX_ADDR(2), m9, true, T + 1);
	ck_assert_uint_eq(cap.n, 2);
	ck_assert_mem_eq(cap.f[1].data, m9, 6);
	ck_assert_uint_eq(cap.f[1].data[TV_HDR_ROOM], 7);
	ck_assert_uint_eq(arp_next_deadline(h), TV_NEVER);
}
END_TEST

START_TEST(test_arp_insert_rejects_zero_address_and_group_macs)
{
	uint8_t m[6];
	fx_mac(m, 2);
	ck_assert_int_eq(arp_insert(h, 0, m, true, T), TV_EINVAL);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(2), fx_bcast, true, T), TV_EINVAL);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(2), zero_mac, false, T), TV_EINVAL);
	m[0] = 0x01;
	ck_assert_int_eq(arp_insert(h, FX_ADDR(2), m, false, T), TV_EINVAL);
	ck_assert_uint_eq(arp_cache_size(h), 0);
}
END_TEST

/* ---- a full cache ----------------------------------------------------- */

static void cfg_cache4(struct host_config *c)
{
	c->arp_cache_max = 4;
}

START_TEST(test_arp_cache_full_evicts_oldest_entry)
{
	remake(cfg_cache4);
	for (unsigned n = 2; n <= 5; n++)
		learn(n, T + n);
	learn(3, T + 10); /* 10.0.0.3 is confirmed again: 10.0.0.2 is oldest */
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_CACHE_FULL], 0);
	learn(6, T + 11);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_CACHE_FULL], 1);
	ck_assert_uint_eq(arp_cache_size(h), 4);
	ck_assert(!known(2, NULL));
	for (unsigned n = 3; n <= 6; n++)
		ck_assert(known(n, NULL));
	ck_assert_uint_eq(fx_events_arp_changes(&ev, TV_ARP_EVICTED), 1);
}
END_TEST

static void cfg_cache2(struct host_config *c)
{
	c->arp_cache_max = 2;
}

START_TEST(test_arp_eviction_prefers_resolved_to_incomplete)
{
	remake(cfg_cache2);
	send_ip(FX_ADDR(7), 1, T);
	learn(2, T + 1);
	learn(3, T + 2);
	ck_assert(!known(2, NULL));
	ck_assert(known(3, NULL));
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_EVICT_DROP], 0);
	feed_arp(2, 7, NULL, FX_ADDR(7), FX_ADDR(1), h->cfg.mac, T + 3);
	ck_assert(known(7, NULL));
	ck_assert(fx_is_ipv4(&cap.f[cap.n - 1])); /* the queued frame went out */
}
END_TEST

static void cfg_cache1(struct host_config *c)
{
	c->arp_cache_max = 1;
}

START_TEST(test_arp_evicting_incomplete_entry_drops_its_frames)
{
	remake(cfg_cache1);
	send_ip(FX_ADDR(7), 1, T);
	send_ip(FX_ADDR(7), 2, T);
	ck_assert_int_eq(send_ip(FX_ADDR(8), 3, T + 1), 0);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_CACHE_FULL], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_EVICT_DROP], 2);
	ck_assert_uint_eq(arp_cache_size(h), 1);
	ck_assert_uint_eq(count_requests(FX_ADDR(8)), 1);
}
END_TEST

START_TEST(test_arp_static_entries_never_evicted)
{
	uint8_t m8[6], m9[6];
	fx_mac(m8, 8);
	fx_mac(m9, 9);
	remake(cfg_cache2);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(8), m8, true, T), 0);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(9), m9, true, T), 0);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(7), m9, true, T), TV_ENOBUFS);
	learn(2, T + 1);
	ck_assert_uint_eq(cap.n, 1); /* still answered */
	ck_assert(!known(2, NULL));
	ck_assert_int_eq(send_ip(FX_ADDR(3), 1, T + 2), TV_ENOBUFS);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_QUEUE_FULL], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_CACHE_FULL], 0);
	ck_assert(known(8, NULL));
	ck_assert(known(9, NULL));
}
END_TEST

/* ---- malformed packets ------------------------------------------------ */

START_TEST(test_arp_truncated_at_every_length_dropped_and_counted)
{
	uint8_t f[64], m2[6];
	fx_mac(m2, 2);
	size_t full = fx_build_arp(f, fx_bcast, 1, m2, FX_ADDR(2), zero_mac, FX_ADDR(1));
	for (size_t len = 0; len < full; len++) {
		uint64_t snap[TV_CNT_COUNT];
		fx_snap(h, snap);
		fx_feed(h, f, len, T);
		static const enum tv_counter eth[] = {TV_CNT_ETH_RX, TV_CNT_ETH_SHORT, TV_CNT_COUNT};
		static const enum tv_counter arp[] = {TV_CNT_ETH_RX, TV_CNT_ARP_RX, TV_CNT_ARP_BAD,
						      TV_CNT_COUNT};
		enum tv_counter want = len < 14 ? TV_CNT_ETH_SHORT : TV_CNT_ARP_BAD;
		ck_assert_uint_eq(h->counters[want], snap[want] + 1);
		ck_assert_uint_eq(fx_other_rises(h, snap, len < 14 ? eth : arp), 0);
	}
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(arp_cache_size(h), 0);
	fx_feed(h, f, full, T);
	ck_assert_uint_eq(cap.n, 1);
}
END_TEST

START_TEST(test_arp_link_padding_accepted)
{
	uint8_t f[60], m2[6];
	fx_mac(m2, 2);
	memset(f, 0xee, sizeof(f));
	fx_build_arp(f, fx_bcast, 1, m2, FX_ADDR(2), zero_mac, FX_ADDR(1));
	fx_feed(h, f, sizeof(f), T);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_BAD], 0);
	ck_assert_uint_eq(cap.n, 1);
}
END_TEST

/* Each case corrupts one field of a valid request for our address. */
START_TEST(test_arp_bad_fields_dropped_and_counted)
{
	static const struct {
		size_t off;
		uint8_t val;
	} bad[] = {
		{0, 0x01}, {1, 0x06},   /* htype 0x0101, 6 (IEEE 802) */
		{2, 0x86}, {3, 0x01},   /* ptype 0x86dd-ish, 0x0801 */
		{4, 8},    {4, 0},      /* hlen */
		{5, 16},   {5, 0},      /* plen */
		{7, 0},    {7, 3},      /* op 0, op 3 (RARP) */
		{6, 1},                 /* op 0x0101 */
		{8, 0x01},              /* sender MAC multicast */
		{8, 0xff},              /* sender MAC group bit set */
	};
	uint8_t f[64], m2[6];
	fx_mac(m2, 2);
	for (size_t i = 0; i < TV_ARRAY_LEN(bad); i++) {
		fx_build_arp(f, fx_bcast, 1, m2, FX_ADDR(2), zero_mac, FX_ADDR(1));
		f[14 + bad[i].off] = bad[i].val;
		fx_feed(h, f, 42, T);
		ck_assert_msg(h->counters[TV_CNT_ARP_BAD] == i + 1, "case %zu accepted", i);
	}
	/* An all-zero sender MAC is no station either. */
	fx_build_arp(f, fx_bcast, 1, zero_mac, FX_ADDR(2), zero_mac, FX_ADDR(1));
	fx_feed(h, f, 42, T);
	ck_assert_uint_eq(h->counters[TV_CNT_ARP_BAD], TV_ARRAY_LEN(bad) + 1);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(arp_cache_size(h), 0);
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_DROP), TV_ARRAY_LEN(bad) + 1);
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_ARP), 0);
}
END_TEST

/* ---- events ----------------------------------------------------------- */

START_TEST(test_arp_events_for_request_learning_and_reply)
{
	uint8_t m2[6];
	fx_mac(m2, 2);
	learn(2, T + 4);
	ck_assert_uint_eq(ev.n, 3);
	const struct tv_event *in = &ev.ev[0], *chg = &ev.ev[1], *out = &ev.ev[2];
	ck_assert_int_eq(in->type, TV_EV_ARP);
	ck_assert_uint_eq(in->u.arp.op, 1);
	ck_assert(!in->u.arp.out);
	ck_assert_uint_eq(in->u.arp.spa, FX_ADDR(2));
	ck_assert_uint_eq(in->u.arp.tpa, FX_ADDR(1));
	ck_assert_mem_eq(in->u.arp.sha, m2, 6);
	ck_assert_uint_eq(in->time, T + 4);
	ck_assert_uint_eq(in->host, 1);
	ck_assert_uint_eq(chg->u.arp.op, 0);
	ck_assert_uint_eq(chg->u.arp.change, TV_ARP_LEARNED);
	ck_assert_uint_eq(chg->u.arp.spa, FX_ADDR(2));
	ck_assert_mem_eq(chg->u.arp.sha, m2, 6);
	ck_assert_uint_eq(out->u.arp.op, 2);
	ck_assert(out->u.arp.out);
	ck_assert_uint_eq(out->u.arp.spa, FX_ADDR(1));
	ck_assert_mem_eq(out->u.arp.tha, m2, 6);
}
END_TEST

START_TEST(test_arp_no_events_without_sink)
{
	struct tv_bus bus;
	tv_bus_init(&bus);
	struct host_config cfg;
	fx_config(&cfg, 1, &cap, &bus);
	struct host *q = host_new(&cfg, 1, T);
	uint8_t f[64], m2[6];
	fx_mac(m2, 2);
	fx_build_arp(f, fx_bcast, 1, m2, FX_ADDR(2), zero_mac, FX_ADDR(1));
	fx_feed(q, f, 42, T);
	ck_assert_uint_eq(bus.emitted, 0);
	ck_assert(arp_lookup(q, FX_ADDR(2), m2));
	host_free(q);
	tv_bus_fini(&bus);
}
END_TEST

START_TEST(test_arp_change_names_are_stable)
{
	ck_assert_str_eq(tv_arp_change_name(TV_ARP_INCOMPLETE), "incomplete");
	ck_assert_str_eq(tv_arp_change_name(TV_ARP_LEARNED), "learned");
	ck_assert_str_eq(tv_arp_change_name(TV_ARP_FAILED), "failed");
	ck_assert_str_eq(tv_arp_change_name(TV_ARP_CHANGE_COUNT), "?");
}
END_TEST

/* ---- two real hosts --------------------------------------------------- */

START_TEST(test_arp_two_hosts_learn_each_other_from_one_exchange)
{
	struct fx_net net;
	fx_net_init(&net, T);
	struct host *a = fx_net_add(&net, 1, NULL), *b = fx_net_add(&net, 2, NULL);
	fx_net_deliver(&net); /* the two announcements */
	uint8_t buf[TV_HDR_ROOM + 4] = {0};
	ck_assert_int_eq(ipv4_output(a, buf, 4, FX_ADDR(2), 253, net.now), 0);
	fx_net_run(&net, net.now + TV_SEC(1));
	uint8_t m[6];
	ck_assert(arp_lookup(a, FX_ADDR(2), m));
	ck_assert_mem_eq(m, b->cfg.mac, 6);
	ck_assert(arp_lookup(b, FX_ADDR(1), m));
	ck_assert_mem_eq(m, a->cfg.mac, 6);
	ck_assert_uint_eq(b->counters[TV_CNT_IP_RX], 1);
	ck_assert_uint_eq(b->counters[TV_CNT_IP_BAD_PROTO], 1);
	ck_assert_uint_eq(a->counters[TV_CNT_ARP_TIMEOUT], 0);
	fx_net_fini(&net);
}
END_TEST

static Suite *arp_suite(void)
{
	Suite *s = suite_create("arp");
	TCase *tc = tcase_create("arp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_arp_request_for_us_answered_with_unicast_reply);
	tcase_add_test(tc, test_arp_request_for_us_learns_sender);
	tcase_add_test(tc, test_arp_request_for_other_address_ignored_and_not_learned);
	tcase_add_test(tc, test_arp_reply_for_other_address_not_learned);
	tcase_add_test(tc, test_arp_packet_for_other_address_merges_known_sender);
	tcase_add_test(tc, test_arp_unsolicited_reply_for_us_learned);
	tcase_add_test(tc, test_arp_gratuitous_announce_updates_only_known_entries);
	tcase_add_test(tc, test_arp_claim_of_our_address_counted_as_conflict);
	tcase_add_test(tc, test_arp_probe_with_zero_sender_answered_not_learned);
	tcase_add_test(tc, test_arp_send_to_unknown_address_broadcasts_request);
	tcase_add_test(tc, test_arp_reply_flushes_pending_frames_in_order);
	tcase_add_test(tc, test_arp_resolved_address_sent_directly);
	tcase_add_test(tc, test_arp_request_resent_at_each_retry_interval);
	tcase_add_test(tc, test_arp_gives_up_after_retries_and_drops_pending);
	tcase_add_test(tc, test_arp_retry_schedule_follows_config);
	tcase_add_test(tc, test_arp_zero_retries_still_sends_one_request);
	tcase_add_test(tc, test_arp_pending_queue_bounded_drops_newest);
	tcase_add_test(tc, test_arp_zero_pending_max_drops_frame_but_resolves);
	tcase_add_test(tc, test_arp_queues_are_per_address);
	tcase_add_test(tc, test_arp_entry_ages_out_at_exactly_ttl);
	tcase_add_test(tc, test_arp_lookup_fails_at_ttl_even_before_poll);
	tcase_add_test(tc, test_arp_send_after_ttl_requests_again);
	tcase_add_test(tc, test_arp_packet_from_known_sender_restarts_ttl);
	tcase_add_test(tc, test_arp_inserted_dynamic_entry_ages);
	tcase_add_test(tc, test_arp_static_entry_never_ages);
	tcase_add_test(tc, test_arp_static_entry_not_overwritten_by_packets);
	tcase_add_test(tc, test_arp_static_insert_resolves_pending_frames);
	tcase_add_test(tc, test_arp_insert_rejects_zero_address_and_group_macs);
	tcase_add_test(tc, test_arp_cache_full_evicts_oldest_entry);
	tcase_add_test(tc, test_arp_eviction_prefers_resolved_to_incomplete);
	tcase_add_test(tc, test_arp_evicting_incomplete_entry_drops_its_frames);
	tcase_add_test(tc, test_arp_static_entries_never_evicted);
	tcase_add_test(tc, test_arp_truncated_at_every_length_dropped_and_counted);
	tcase_add_test(tc, test_arp_link_padding_accepted);
	tcase_add_test(tc, test_arp_bad_fields_dropped_and_counted);
	tcase_add_test(tc, test_arp_events_for_request_learning_and_reply);
	tcase_add_test(tc, test_arp_no_events_without_sink);
	tcase_add_test(tc, test_arp_change_names_are_stable);
	tcase_add_test(tc, test_arp_two_hosts_learn_each_other_from_one_exchange);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(arp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
