/*
 * check_json.c - JSON lines from a real run: every line parses back with
 * jansson and carries the common fields; state, segment, timer, gate and
 * note lines carry their own, with the names json.h documents.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "out/json.h"
#include "out_fixture.h"

#define LINES_MAX 4096

struct jrun {
	struct ofx f;
	struct jsonl_out *j;
	struct ofx_capture cap;
	json_t *lines[LINES_MAX];
	size_t n;
};

static void jrun_setup(struct jrun *r)
{
	memset(r, 0, sizeof(*r));
	ofx_setup(&r->f, 1);
	ofx_capture_open(&r->cap);
	r->j = jsonl_new(r->cap.fp);
	ck_assert_ptr_nonnull(r->j);
	ck_assert_int_eq(jsonl_add_sim_hosts(r->j, r->f.sim), 0);
	ck_assert_int_eq(tv_bus_add(sim_bus(r->f.sim), jsonl_sink, r->j), 0);
}

/* Parse every line; each must be one JSON object. */
static void jrun_parse(struct jrun *r)
{
	char *text = strdup(ofx_capture_text(&r->cap)), *save = NULL;

	ck_assert_ptr_nonnull(text);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		json_t *o = json_loads(l, 0, &e);
		ck_assert_msg(o != NULL, "line %zu: %s: %s", r->n + 1, e.text, l);
		ck_assert(json_is_object(o));
		ck_assert_uint_lt(r->n, LINES_MAX);
		r->lines[r->n++] = o;
	}
	free(text);
	ck_assert_uint_eq(r->n, jsonl_lines(r->j));
	ck_assert_uint_eq(jsonl_errors(r->j), 0);
}

static void jrun_teardown(struct jrun *r)
{
	tv_bus_remove(sim_bus(r->f.sim), jsonl_sink, r->j);
	for (size_t i = 0; i < r->n; i++)
		json_decref(r->lines[i]);
	jsonl_free(r->j);
	ofx_capture_close(&r->cap);
	ofx_teardown(&r->f);
}

static const char *str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The first line of `type` whose `key` is the string `value` (any when
 * key is NULL); NULL if none. */
static json_t *find(struct jrun *r, const char *type, const char *key, const char *value)
{
	for (size_t i = 0; i < r->n; i++) {
		json_t *o = r->lines[i];
		const char *v = key ? str_of(o, key) : NULL;
		if (strcmp(str_of(o, "type"), type) == 0 && (key == NULL || (v && strcmp(v, value) == 0)))
			return o;
	}
	return NULL;
}

/* The first segment line of `type` whose seg.flags is `flags`. */
static json_t *find_seg(struct jrun *r, const char *type, const char *flags)
{
	for (size_t i = 0; i < r->n; i++) {
		json_t *o = r->lines[i], *seg = json_object_get(o, "seg");
		if (strcmp(str_of(o, "type"), type) == 0 && seg &&
		    strcmp(str_of(seg, "flags"), flags) == 0)
			return o;
	}
	return NULL;
}

START_TEST(test_every_line_parses_with_type_time_and_host)
{
	struct jrun r;
	json_int_t last = 0;

	jrun_setup(&r);
	ofx_run(&r.f);
	jrun_parse(&r);
	ck_assert_uint_gt(r.n, 30);
	for (size_t i = 0; i < r.n; i++) {
		json_t *o = r.lines[i], *t = json_object_get(o, "t");
		ck_assert_ptr_nonnull(str_of(o, "type"));
		ck_assert(json_is_integer(t));
		ck_assert_int_ge(json_integer_value(t), last);
		last = json_integer_value(t);
		if (json_object_get(o, "conn")) {
			json_t *u = json_object_get(o, "tuple");
			ck_assert(json_is_integer(json_object_get(u, "lport")));
			ck_assert_ptr_nonnull(str_of(u, "laddr"));
			ck_assert_ptr_nonnull(str_of(o, "host"));
		}
	}
	jrun_teardown(&r);
}
END_TEST

START_TEST(test_state_line_has_old_new_rule_and_ref)
{
	struct jrun r;
	json_t *o;

	jrun_setup(&r);
	ofx_run(&r.f);
	jrun_parse(&r);
	o = find(&r, "state", "new", "SYN-RECEIVED");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str_of(o, "old"), "LISTEN");
	ck_assert_str_eq(str_of(o, "host"), "B");
	ck_assert_str_eq(str_of(o, "rule"), "LISTEN_SYN");
	ck_assert_str_eq(str_of(o, "ref"), "RFC 9293 3.10.7.2");
	ck_assert_str_eq(str_of(o, "why"), "SYN in LISTEN: send SYN,ACK");
	ck_assert_str_eq(str_of(json_object_get(o, "tuple"), "laddr"), "10.0.0.2");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(o, "tuple"), "lport")),
			 7);
	o = find(&r, "state", "new", "TIME-WAIT");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str_of(o, "host"), "A");
	jrun_teardown(&r);
}
END_TEST

START_TEST(test_segment_lines_have_flags_numbers_and_options)
{
	struct jrun r;
	json_t *o, *seg, *opt;

	jrun_setup(&r);
	ofx_run(&r.f);
	jrun_parse(&r);
	o = find_seg(&r, "seg_out", "SYN");
	ck_assert_ptr_nonnull(o);
	seg = json_object_get(o, "seg");
	ck_assert_str_eq(str_of(seg, "src"), "10.0.0.1");
	ck_assert_str_eq(str_of(seg, "dst"), "10.0.0.2");
	ck_assert_int_eq(json_integer_value(json_object_get(seg, "dport")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(seg, "rseq")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(seg, "len")), 0);
	ck_assert(json_is_integer(json_object_get(seg, "seq")));
	ck_assert(json_is_integer(json_object_get(seg, "win")));
	opt = json_object_get(seg, "options");
	ck_assert_int_eq(json_integer_value(json_object_get(opt, "mss")), 1460);
	/* B's SYN,ACK acknowledges A's SYN: relative ack 1. */
	o = find_seg(&r, "seg_out", "SYN,ACK");
	ck_assert_ptr_nonnull(o);
	seg = json_object_get(o, "seg");
	ck_assert_int_eq(json_integer_value(json_object_get(seg, "rack")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(seg, "rseq")), 0);
	/* The line itself: 15 bytes of data pushed. */
	o = find_seg(&r, "seg_in", "PSH,ACK");
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(o, "seg"), "len")),
			 15);
	jrun_teardown(&r);
}
END_TEST

START_TEST(test_timer_lines_have_kind_and_deadline)
{
	struct jrun r;
	json_t *o;

	jrun_setup(&r);
	ofx_run(&r.f);
	jrun_parse(&r);
	o = find(&r, "timer_arm", "timer", "2msl");
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "deadline")) -
				 json_integer_value(json_object_get(o, "t")),
			 240000000);
	ck_assert_str_eq(str_of(o, "host"), "A");
	o = find(&r, "timer_fire", "timer", "2msl");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str_of(o, "rule"), "TIME_WAIT_EXPIRED");
	jrun_teardown(&r);
}
END_TEST

START_TEST(test_gate_drop_line_names_the_rule_and_segment)
{
	struct jrun r;
	json_t *o;
	uint32_t id;

	jrun_setup(&r);
	id = ofx_drop_next(&r.f, r.f.b, r.f.a, TV_TH_SYN | TV_TH_ACK);
	ofx_run(&r.f);
	jrun_parse(&r);
	o = find(&r, "gate", "action", "dropped");
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "gate_rule")), id);
	ck_assert_str_eq(str_of(o, "dir"), "out");
	ck_assert_str_eq(str_of(o, "kind"), "tcp");
	ck_assert_str_eq(str_of(json_object_get(o, "seg"), "flags"), "SYN,ACK");
	ck_assert(json_is_false(json_object_get(o, "overflow")));
	o = find(&r, "retransmit", NULL, NULL);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str_of(o, "host"), "A"); /* A's SYN times out first */
	ck_assert_str_eq(str_of(o, "flags"), "SYN");
	jrun_teardown(&r);
}
END_TEST

START_TEST(test_note_line_carries_the_text)
{
	struct jrun r;
	struct tv_event ev;
	json_t *o;

	jrun_setup(&r);
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_NOTE;
	ev.time = 42;
	snprintf(ev.u.note.text, sizeof(ev.u.note.text), "%s", "三次握手 \"quoted\"");
	tv_bus_emit(sim_bus(r.f.sim), &ev);
	jrun_parse(&r);
	ck_assert_uint_eq(r.n, 1);
	o = r.lines[0];
	ck_assert_str_eq(str_of(o, "type"), "note");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "t")), 42);
	ck_assert_str_eq(str_of(o, "text"), "三次握手 \"quoted\"");
	ck_assert_ptr_null(json_object_get(o, "host"));
	jrun_teardown(&r);
}
END_TEST

START_TEST(test_same_run_writes_the_same_bytes)
{
	struct jrun r1, r2;

	jrun_setup(&r1);
	ofx_run(&r1.f);
	jrun_setup(&r2);
	ofx_run(&r2.f);
	ck_assert_str_eq(ofx_capture_text(&r1.cap), ofx_capture_text(&r2.cap));
	jrun_teardown(&r1);
	jrun_teardown(&r2);
}
END_TEST

START_TEST(test_mask_limits_the_types_written)
{
	struct jrun r;

	jrun_setup(&r);
	jsonl_set_mask(r.j, 1u << TV_EV_STATE);
	ofx_run(&r.f);
	jrun_parse(&r);
	ck_assert_uint_gt(r.n, 5);
	for (size_t i = 0; i < r.n; i++)
		ck_assert_str_eq(str_of(r.lines[i], "type"), "state");
	jrun_teardown(&r);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *c = tcase_create("json");

	tcase_add_test(c, test_every_line_parses_with_type_time_and_host);
	tcase_add_test(c, test_state_line_has_old_new_rule_and_ref);
	tcase_add_test(c, test_segment_lines_have_flags_numbers_and_options);
	tcase_add_test(c, test_timer_lines_have_kind_and_deadline);
	tcase_add_test(c, test_gate_drop_line_names_the_rule_and_segment);
	tcase_add_test(c, test_note_line_carries_the_text);
	tcase_add_test(c, test_same_run_writes_the_same_bytes);
	tcase_add_test(c, test_mask_limits_the_types_written);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
