/*
 * check_pcap.c - the pcapng writer, fed by the frame tap of a real run:
 * the file parses back block by block (types, lengths at both ends,
 * 32-bit alignment, the interface's link type and microsecond
 * resolution), every frame delivered is there once, stamped with its
 * arrival, and dropped, lost and duplicate frames carry their comment.
 * When tshark is on the PATH it must read the file cleanly and see the
 * comment; without it that test says so and checks nothing more.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out/pcap.h"
#include "out_fixture.h"

#define EPB_MAX 1024

struct epb {
	uint64_t ts;
	uint32_t caplen, origlen;
	const uint8_t *data;
	char comment[128];
	bool has_comment;
};

struct parsed {
	uint8_t *file;
	size_t len;
	unsigned shb, idb, other;
	uint16_t linktype;
	int tsresol;               /* -1: option absent */
	struct epb epb[EPB_MAX];
	size_t nepb;
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Walk options [p, end): each code, length, value padded to 4; the list
 * must end with opt_endofopt exactly at end. */
static void parse_options(const uint8_t *p, const uint8_t *end, struct parsed *f, struct epb *e)
{
	while (p < end) {
		ck_assert(end - p >= 4);
		uint16_t code = le16(p), len = le16(p + 2);
		size_t padded = (size_t)(len + 3) / 4 * 4;
		ck_assert(p + 4 + padded <= end);
		if (code == 0) {
			ck_assert_uint_eq(len, 0);
			ck_assert(p + 4 == end);
			return;
		}
		if (e && code == 1) {
			ck_assert_uint_lt(len, sizeof(e->comment));
			memcpy(e->comment, p + 4, len);
			e->comment[len] = '\0';
			e->has_comment = true;
		}
		if (!e && code == 9 && len == 1)
			f->tsresol = p[4];
		p += 4 + padded;
	}
	ck_abort_msg("options without opt_endofopt");
}

static void parse_epb(const uint8_t *b, uint32_t total, struct parsed *f)
{
	struct epb *e = &f->epb[f->nepb++];
	size_t padded;

	ck_assert_uint_lt(f->nepb, EPB_MAX);
	ck_assert_uint_ge(total, 32);
	ck_assert_uint_eq(le32(b + 8), 0); /* interface 0 */
	e->ts = (uint64_t)le32(b + 12) << 32 | le32(b + 16);
	e->caplen = le32(b + 20);
	e->origlen = le32(b + 24);
	ck_assert_uint_eq(e->caplen, e->origlen);
	padded = (e->caplen + 3) / 4 * 4;
	ck_assert_uint_le(28 + padded + 4, total);
	e->data = b + 28;
	if (28 + padded + 4 < total)
		parse_options(b + 28 + padded, b + total - 4, f, e);
}

static void parse_file(const char *path, struct parsed *f)
{
	FILE *fp = fopen(path, "rb");
	long n;

	memset(f, 0, sizeof(*f));
	f->tsresol = -1;
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	f->file = malloc((size_t)n);
	ck_assert_ptr_nonnull(f->file);
	ck_assert_uint_eq(fread(f->file, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	f->len = (size_t)n;
	for (size_t off = 0; off < f->len;) {
		const uint8_t *b = f->file + off;
		ck_assert_uint_ge(f->len - off, 12);
		uint32_t type = le32(b), total = le32(b + 4);
		ck_assert_uint_eq(total % 4, 0);
		ck_assert_uint_le(total, f->len - off);
		ck_assert_uint_eq(le32(b + total - 4), total);
		if (type == 0x0A0D0D0A) {
			ck_assert_uint_eq(off, 0);
			ck_assert_uint_eq(le32(b + 8), 0x1A2B3C4D);
			ck_assert_uint_eq(le16(b + 12), 1);
			parse_options(b + 24, b + total - 4, f, NULL);
			f->shb++;
		} else if (type == 1) {
			ck_assert_uint_eq(f->nepb, 0);
			f->linktype = le16(b + 8);
			parse_options(b + 16, b + total - 4, f, NULL);
			f->idb++;
		} else if (type == 6) {
			parse_epb(b, total, f);
		} else {
			f->other++;
		}
		off += total;
	}
}

/* A pcapng file for a run, from its own temporary path. */
struct prun {
	struct ofx f;
	struct pcapng_out *p;
	char path[64];
	struct parsed parsed;
	unsigned long taps[TV_FATE_COUNT];
	uint64_t delivered0;        /* the wire's deliveries before the tap */
};

/* Count what the tap sees, then hand it to the writer. */
static void count_tap(void *ctx, const uint8_t *frame, size_t len, const struct tv_frame_info *fi)
{
	struct prun *r = ctx;

	r->taps[fi->fate]++;
	pcapng_tap(r->p, frame, len, fi);
}

static void prun_setup(struct prun *r)
{
	int fd, err = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "/tmp/check_pcap_XXXXXX");
	fd = mkstemp(r->path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ofx_setup(&r->f, 1);
	r->p = pcapng_open(r->path, &err);
	ck_assert_ptr_nonnull(r->p);
	ck_assert_int_eq(err, 0);
	sim_set_frame_tap(r->f.sim, count_tap, r);
	r->delivered0 = wire_stats(sim_wire(r->f.sim))->delivered;
}

/* Close the writer and parse the file back. */
static void prun_finish(struct prun *r, unsigned long *frames, unsigned long *comments)
{
	sim_set_frame_tap(r->f.sim, NULL, NULL);
	*frames = pcapng_frames(r->p);
	*comments = pcapng_comments(r->p);
	ck_assert_int_eq(pcapng_close(r->p), 0);
	r->p = NULL;
	parse_file(r->path, &r->parsed);
	ck_assert_uint_eq(r->parsed.shb, 1);
	ck_assert_uint_eq(r->parsed.idb, 1);
	ck_assert_uint_eq(r->parsed.other, 0);
	ck_assert_uint_eq(r->parsed.linktype, 1);
	ck_assert_int_eq(r->parsed.tsresol, 6);
	ck_assert_uint_eq(r->parsed.nepb, *frames);
}

static void prun_teardown(struct prun *r)
{
	ofx_teardown(&r->f);
	free(r->parsed.file);
	unlink(r->path);
}

/* TCP flags of an Ethernet/IPv4/TCP frame, or -1. */
static int tcp_flags(const struct epb *e)
{
	size_t ihl;

	if (e->caplen < 34 || e->data[12] != 0x08 || e->data[13] != 0x00 || e->data[23] != 6)
		return -1;
	ihl = (size_t)(e->data[14] & 0x0f) * 4;
	return e->caplen >= 14 + ihl + 14 ? e->data[14 + ihl + 13] : -1;
}

START_TEST(test_file_parses_back_with_every_delivered_frame_once)
{
	struct prun r;
	unsigned long frames, comments;
	uint64_t last = 0;

	prun_setup(&r);
	ofx_run(&r.f);
	prun_finish(&r, &frames, &comments);
	ck_assert_uint_eq(comments, 0);
	ck_assert_uint_gt(frames, 10);
	/* Nothing was lost: one record per delivery, each sent once. */
	ck_assert_uint_eq(frames, r.taps[TV_FATE_DELIVERED]);
	ck_assert_uint_eq(frames, wire_stats(sim_wire(r.f.sim))->delivered - r.delivered0);
	ck_assert_uint_eq(r.taps[TV_FATE_SENT], r.taps[TV_FATE_DELIVERED]);
	for (size_t i = 0; i < r.parsed.nepb; i++) {
		ck_assert(!r.parsed.epb[i].has_comment);
		ck_assert_uint_ge(r.parsed.epb[i].ts, last);
		last = r.parsed.epb[i].ts;
	}
	prun_teardown(&r);
}
END_TEST

START_TEST(test_delivered_frame_is_stamped_at_its_arrival)
{
	struct prun r;
	unsigned long frames, comments;
	const struct epb *syn = NULL, *synack = NULL;

	prun_setup(&r);
	ofx_run(&r.f);
	prun_finish(&r, &frames, &comments);
	for (size_t i = 0; i < r.parsed.nepb; i++) {
		if (!syn && tcp_flags(&r.parsed.epb[i]) == 0x02)
			syn = &r.parsed.epb[i];
		if (!synack && tcp_flags(&r.parsed.epb[i]) == 0x12)
			synack = &r.parsed.epb[i];
	}
	ck_assert_ptr_nonnull(syn);
	ck_assert_ptr_nonnull(synack);
	/* B answers at once, and the wire takes 100 µs each way. */
	ck_assert_uint_eq(synack->ts - syn->ts, 100);
	prun_teardown(&r);
}
END_TEST

START_TEST(test_dropped_frame_is_recorded_with_a_comment)
{
	struct prun r;
	unsigned long frames, comments;
	char want[64];
	uint32_t id;
	int found = 0;

	prun_setup(&r);
	id = ofx_drop_next(&r.f, r.f.b, r.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r.f);
	prun_finish(&r, &frames, &comments);
	ck_assert_uint_eq(comments, 1);
	ck_assert_uint_eq(r.taps[TV_FATE_DROPPED_BY_GATE], 1);
	ck_assert_uint_eq(frames, r.taps[TV_FATE_DELIVERED] + 1);
	snprintf(want, sizeof(want), "dropped by the gate (rule %u)", (unsigned)id);
	for (size_t i = 0; i < r.parsed.nepb; i++) {
		const struct epb *e = &r.parsed.epb[i];
		if (!e->has_comment)
			continue;
		found++;
		ck_assert_str_eq(e->comment, want);
		ck_assert_int_eq(tcp_flags(e), 0x12);
	}
	ck_assert_int_eq(found, 1);
	prun_teardown(&r);
}
END_TEST

START_TEST(test_duplicate_is_marked_at_its_second_arrival)
{
	struct prun r;
	unsigned long frames, comments;
	struct gate_rule rule;
	int dups = 0, syns = 0;

	prun_setup(&r);
	memset(&rule, 0, sizeof(rule));
	rule.proto = GATE_PROTO_TCP;
	rule.flags_mask = 0xff;
	rule.flags_value = TV_TH_SYN;
	rule.count = GATE_NEXT;
	rule.action = GATE_ACT_DUP;
	ck_assert_int_eq(sim_rule(r.f.sim, r.f.a, r.f.b, &rule, NULL), 0);
	ofx_run(&r.f);
	prun_finish(&r, &frames, &comments);
	ck_assert_uint_eq(r.taps[TV_FATE_DUPLICATED], 1);
	for (size_t i = 0; i < r.parsed.nepb; i++) {
		const struct epb *e = &r.parsed.epb[i];
		if (tcp_flags(e) != 0x02)
			continue;
		syns++;
		/* The first arrival is the original, the second the copy. */
		ck_assert_int_eq(e->has_comment, syns == 2);
		if (e->has_comment) {
			ck_assert_str_eq(e->comment, "duplicate (made by the gate)");
			dups++;
		}
	}
	ck_assert_int_eq(syns, 2);
	ck_assert_int_eq(dups, 1);
	ck_assert_uint_eq(comments, 1);
	prun_teardown(&r);
}
END_TEST

START_TEST(test_lost_frame_is_stamped_at_its_send_time)
{
	struct prun r;
	unsigned long frames, comments;
	static const uint8_t frame[60] = {0x02, 0, 10, 0, 0, 2, 0x02, 0, 10, 0, 0, 1, 0x08, 0x06};
	struct tv_frame_info lost = {.time = 1234567, .fate = TV_FATE_LOST, .from = 1, .to = 2};
	struct tv_frame_info sent = {.time = 1234567, .fate = TV_FATE_SENT, .from = 1, .to = 2};

	prun_setup(&r);
	sim_set_frame_tap(r.f.sim, NULL, NULL);
	count_tap(&r, frame, sizeof(frame), &sent);
	count_tap(&r, frame, sizeof(frame), &lost);
	prun_finish(&r, &frames, &comments);
	ck_assert_uint_eq(frames, 1); /* SENT alone is not recorded */
	ck_assert_uint_eq(comments, 1);
	ck_assert_str_eq(r.parsed.epb[0].comment, "lost on the wire");
	ck_assert_uint_eq(r.parsed.epb[0].ts, 1234567);
	ck_assert_uint_eq(r.parsed.epb[0].caplen, sizeof(frame));
	ck_assert_int_eq(memcmp(r.parsed.epb[0].data, frame, sizeof(frame)), 0);
	prun_teardown(&r);
}
END_TEST

START_TEST(test_wire_loss_reaches_the_tap_as_lost)
{
	struct prun r;
	unsigned long frames, comments;
	struct wire_impair im;
	unsigned lost = 0;

	prun_setup(&r);
	/* Lose about a third of A's frames: TCP recovers every time. */
	wire_impair_none(&im);
	im.delay = TV_USEC(100);
	im.loss_ppm = 300000;
	ck_assert_int_eq(wire_set_impair(sim_wire(r.f.sim), sim_port(r.f.sim, r.f.a),
					 sim_port(r.f.sim, r.f.b), &im),
			 0);
	ofx_run(&r.f);
	prun_finish(&r, &frames, &comments);
	ck_assert_uint_eq(r.taps[TV_FATE_LOST], wire_stats(sim_wire(r.f.sim))->lost);
	ck_assert_uint_gt(r.taps[TV_FATE_LOST], 0);
	for (size_t i = 0; i < r.parsed.nepb; i++)
		if (r.parsed.epb[i].has_comment) {
			ck_assert_str_eq(r.parsed.epb[i].comment, "lost on the wire");
			lost++;
		}
	ck_assert_uint_eq(lost, r.taps[TV_FATE_LOST]);
	ck_assert_uint_eq(comments, lost);
	prun_teardown(&r);
}
END_TEST

/* Is `name` an executable file in a PATH directory? */
static bool on_path(const char *name)
{
	const char *path = getenv("PATH");
	char dir[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(dir, sizeof(dir), "%.*s/%s", (int)n, path, name);
		if (n > 0 && access(dir, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

START_TEST(test_tshark_reads_the_file_and_sees_the_comment)
{
	struct prun r;
	unsigned long frames, comments;
	char cmd[256], line[512];
	unsigned rows = 0, commented = 0, synack_commented = 0;
	FILE *out;

	if (!on_path("tshark")) {
		printf("check_pcap: tshark is not on the PATH: skipping the tshark test\n");
		return;
	}
	prun_setup(&r);
	ofx_drop_next(&r.f, r.f.b, r.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r.f);
	prun_finish(&r, &frames, &comments);
	snprintf(cmd, sizeof(cmd),
		 "tshark -r '%s' -T fields -e frame.comment -e tcp.flags 2>/dev/null", r.path);
	out = popen(cmd, "r");
	ck_assert_ptr_nonnull(out);
	while (fgets(line, sizeof(line), out)) {
		rows++;
		if (strncmp(line, "dropped by the gate (rule ", 26) == 0) {
			commented++;
			synack_commented += strstr(line, "\t0x0012") != NULL;
		}
	}
	ck_assert_int_eq(pclose(out), 0);
	ck_assert_uint_eq(rows, frames);
	ck_assert_uint_eq(commented, 1);
	ck_assert_uint_eq(synack_commented, 1);
	prun_teardown(&r);
}
END_TEST

static Suite *pcap_suite(void)
{
	Suite *s = suite_create("pcap");
	TCase *c = tcase_create("pcap");

	tcase_add_test(c, test_file_parses_back_with_every_delivered_frame_once);
	tcase_add_test(c, test_delivered_frame_is_stamped_at_its_arrival);
	tcase_add_test(c, test_dropped_frame_is_recorded_with_a_comment);
	tcase_add_test(c, test_duplicate_is_marked_at_its_second_arrival);
	tcase_add_test(c, test_lost_frame_is_stamped_at_its_send_time);
	tcase_add_test(c, test_wire_loss_reaches_the_tap_as_lost);
	tcase_add_test(c, test_tshark_reads_the_file_and_sees_the_comment);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pcap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
