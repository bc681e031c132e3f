/*
 * check_tui_explain.c - tests for the explanation panel's words
 * (tui/explain.h): every rule explained, the "why" cards there and saying
 * what the project's notes teach, the card an event calls for, and the
 * sentence for real events of a headless sim (handshake, data, close,
 * TIME-WAIT) in the C locale.
 *
 * Translation is checked live: the test writes a tiny message catalog
 * (a .mo file, the format GNU gettext reads) with a few Chinese entries,
 * binds it, and sees the same calls answer in Chinese, with the
 * arguments reordered by the translation, then in English again after
 * the locale changes back: what the TUI's language switch relies on.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sim.h"
#include "core/sock.h"
#include "core/tcb.h"
#include "core/tcp.h"
#include "i18n.h"
#include "tui/explain.h"
#include "tui/model.h"

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u

/* ---- cards and rules ---- */

START_TEST(test_every_rule_has_a_longer_explanation)
{
	setlocale(LC_ALL, "C");
	ck_assert_str_eq(explain_rule(TV_RULE_NONE), "");
	ck_assert_str_eq(explain_rule(TV_RULE_COUNT), "");
	for (int r = 1; r < TV_RULE_COUNT; r++) {
		const char *x = explain_rule((enum tv_rule)r), *p;
		unsigned sentences = 0;
		ck_assert_msg(x[0] != '\0', "rule %s has no explanation", tv_rule_id(r));
		for (p = x; (p = strpbrk(p, ".:")) != NULL; p++)
			sentences += *p == '.' && (p[1] == ' ' || p[1] == '\0');
		ck_assert_msg(sentences >= 2, "rule %s: %u sentences", tv_rule_id(r), sentences);
		ck_assert_msg(strlen(x) > strlen(tv_rule_text(r)) + 40, "rule %s: too short",
			      tv_rule_id(r));
	}
}
END_TEST

START_TEST(test_cards_have_titles_and_paragraphs)
{
	setlocale(LC_ALL, "C");
	ck_assert_int_eq(explain_card_count(), EXPLAIN_CARD_COUNT);
	ck_assert_int_ge(explain_card_count(), 6);
	for (int i = 0; i < explain_card_count(); i++) {
		const char *b = explain_card_body(i);
		ck_assert(explain_card_title(i)[0] != '\0');
		ck_assert_msg(strstr(b, "\n\n") != NULL, "card %d: one paragraph", i);
		ck_assert_msg(strstr(b, "\n\n\n") == NULL && b[strlen(b) - 1] != '\n', "card %d", i);
		for (const char *p = b; (p = strchr(p, '\n')) != NULL; p += 2)
			ck_assert_msg(p[1] == '\n', "card %d: a lone line break", i);
	}
	ck_assert_str_eq(explain_card_title(-1), "");
	ck_assert_str_eq(explain_card_body(EXPLAIN_CARD_COUNT), "");
}
END_TEST

/* What the cards must teach (the issue and the project's notes). */
START_TEST(test_cards_answer_the_questions_the_notes_ask)
{
	static const struct {
		int card;
		const char *must[4];
	} want[] = {
		{EXPLAIN_CARD_SEQ_CONSUME, {"SYN", "FIN", "bare ACK", "ack=x+1"}},
		{EXPLAIN_CARD_THREE_WAY, {"old duplicate SYN", "RST", "RFC 9293 3.5", "LISTEN"}},
		{EXPLAIN_CARD_HANDSHAKE_CONFIRMS, {"both directions", "SYN,ACK", "three", NULL}},
		{EXPLAIN_CARD_FOUR_WAY, {"half-close", "CLOSE-WAIT", "LAST-ACK", "four"}},
		{EXPLAIN_CARD_TIME_WAIT, {"2MSL", "last ACK may be lost", "old duplicates", "FIN"}},
		{EXPLAIN_CARD_KEEPALIVE, {"2 hours", "75 seconds", "10 unanswered probes", NULL}},
		{EXPLAIN_CARD_RETRANSMIT, {"RTO", "doubles", "Karn", "RFC 6298"}},
		{EXPLAIN_CARD_STATES, {"TIME-WAIT", "CLOSING", "SYN-RECEIVED", NULL}},
	};

	setlocale(LC_ALL, "C");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		for (int k = 0; k < 4 && want[i].must[k]; k++)
			ck_assert_msg(strstr(explain_card_body(want[i].card), want[i].must[k]),
				      "card \"%s\" lacks \"%s\"", explain_card_title(want[i].card),
				      want[i].must[k]);
	ck_assert_ptr_null(strstr(explain_card_body(EXPLAIN_CARD_KEEPALIVE), "75 minutes"));
}
END_TEST

START_TEST(test_card_for_event_follows_rule_state_and_segment)
{
	struct tv_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_STATE;
	ev.u.state.old_state = TCB_FIN_WAIT_2;
	ev.u.state.new_state = TCB_TIME_WAIT;
	ev.rule = TV_RULE_FIN_RECEIVED;
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_TIME_WAIT);
	ev.u.state.old_state = TCB_ESTABLISHED;
	ev.u.state.new_state = TCB_CLOSE_WAIT;
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_FOUR_WAY);
	ev.u.state.old_state = TCB_SYN_RECEIVED;
	ev.u.state.new_state = TCB_LISTEN;
	ev.rule = TV_RULE_SYN_RCVD_RST_PASSIVE; /* the old duplicate SYN turned down */
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_THREE_WAY);
	ev.rule = TV_RULE_NONE;
	ev.type = TV_EV_SEG_OUT;
	ev.u.seg.flags = TV_TH_FIN | TV_TH_ACK;
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_SEQ_CONSUME);
	ev.u.seg.flags = TV_TH_RST;
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_RST);
	ev.type = TV_EV_TIMER_FIRE;
	ev.u.timer.kind = TV_TIMER_KEEPALIVE;
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_KEEPALIVE);
	ev.type = TV_EV_RETRANSMIT;
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_RETRANSMIT);
	ev.type = TV_EV_SOCK;
	ck_assert_int_eq(explain_card_for_event(&ev), -1);
	ev.rule = TV_RULE_TIME_WAIT_FIN;
	ck_assert_int_eq(explain_card_for_event(&ev), EXPLAIN_CARD_TIME_WAIT);
}
END_TEST

/* ---- sentences for a real run ---- */

struct run {
	struct sim *sim;
	struct host *a, *b;
	struct model *m;
	struct tv_sock *lst, *srv, *cli;
	struct tv_event ev[512];
	size_t nev;
};

static void on_conn(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	char buf[256];

	while (sock_recv(s, buf, sizeof(buf), sock_host(s)->now) > 0)
		;
}

static void on_listen(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct run *r = ctx;

	if (ev == TV_SOCK_ACCEPTABLE && r->srv == NULL)
		sock_accept(s, on_conn, r, &r->srv, sock_host(s)->now);
}

static void sink(void *ctx, const struct tv_event *ev)
{
	struct run *r = ctx;

	model_event(r->m, ev);
	if (r->nev < sizeof(r->ev) / sizeof(r->ev[0]))
		r->ev[r->nev++] = *ev;
}

/* A, B on a 10 ms wire: handshake, "hello", A closes, B closes, 2MSL. */
static struct run *run_new(void)
{
	struct run *r = calloc(1, sizeof(*r));
	struct wire_impair im;
	json_t *g = json_pack("{s:i, s:[{s:i, s:s, s:s}, {s:i, s:s, s:s}]}", "tcpviz", 1, "hosts",
			      "id", 1, "name", "A", "addr", "10.0.0.1", "id", 2, "name", "B",
			      "addr", "10.0.0.2");

	r->sim = sim_new(1);
	ck_assert_int_eq(sim_add_host(r->sim, "A", ADDR_A, &r->a), 0);
	ck_assert_int_eq(sim_add_host(r->sim, "B", ADDR_B, &r->b), 0);
	wire_impair_none(&im);
	im.delay = TV_MSEC(10);
	wire_set_default(sim_wire(r->sim), &im);
	r->m = model_new();
	ck_assert_int_eq(model_greeting(r->m, g, 0), 0);
	json_decref(g);
	tv_bus_add(sim_bus(r->sim), sink, r);
	ck_assert_int_eq(sock_listen(r->b, 80, 8, on_listen, r, &r->lst, 0), 0);
	ck_assert_int_eq(sock_connect(r->a, ADDR_B, 80, 0, on_conn, r, &r->cli, 0), 0);
	sim_run_for(r->sim, TV_MSEC(100));
	ck_assert_int_eq(sock_send(r->cli, "hello", 5, sim_now(r->sim)), 5);
	sim_run_for(r->sim, TV_MSEC(500));
	sock_close(r->cli, sim_now(r->sim));
	sim_run_for(r->sim, TV_MSEC(100));
	sock_close(r->srv, sim_now(r->sim));
	ck_assert_int_eq(sim_run_until_idle(r->sim, TV_SEC(600)), 0);
	return r;
}

static void run_free(struct run *r)
{
	sock_close(r->lst, sim_now(r->sim));
	sim_free(r->sim);
	model_free(r->m);
	free(r);
}

/* The sentence for the n-th (from 0) event matching, "" if none. */
static const char *said(const struct run *r, unsigned n, bool (*match)(const struct tv_event *),
			char *buf, size_t size)
{
	for (size_t i = 0; i < r->nev; i++)
		if (match(&r->ev[i]) && n-- == 0) {
			explain_event(r->m, &r->ev[i], buf, size);
			return buf;
		}
	return "";
}

static bool is_state(const struct tv_event *e) { return e->type == TV_EV_STATE; }
static bool is_seg_out(const struct tv_event *e) { return e->type == TV_EV_SEG_OUT; }
static bool is_seg_in(const struct tv_event *e) { return e->type == TV_EV_SEG_IN; }
static bool is_arm(const struct tv_event *e) { return e->type == TV_EV_TIMER_ARM; }
static bool is_fire(const struct tv_event *e) { return e->type == TV_EV_TIMER_FIRE; }
static bool is_sock(const struct tv_event *e) { return e->type == TV_EV_SOCK; }

START_TEST(test_explain_event_says_what_happened_in_a_real_run)
{
	struct run *r;
	char b[512];

	setlocale(LC_ALL, "C");
	r = run_new();
	ck_assert_str_eq(said(r, 0, is_state, b, sizeof(b)),
			 "B: CLOSED → LISTEN (passive OPEN: the application listens)");
	ck_assert_str_eq(said(r, 1, is_state, b, sizeof(b)),
			 "A: CLOSED → SYN-SENT (active OPEN: send SYN)");
	ck_assert_str_eq(said(r, 2, is_state, b, sizeof(b)),
			 "B received SYN from A: LISTEN → SYN-RECEIVED");
	ck_assert_str_eq(said(r, 3, is_state, b, sizeof(b)),
			 "A received SYN,ACK from B: SYN-SENT → ESTABLISHED");
	ck_assert_str_eq(said(r, 4, is_state, b, sizeof(b)),
			 "B received the ACK of its SYN from A: SYN-RECEIVED → ESTABLISHED");
	ck_assert_str_eq(said(r, 0, is_seg_out, b, sizeof(b)),
			 "A sent SYN (seq 0) to B: active OPEN: send SYN");
	ck_assert_str_eq(said(r, 1, is_seg_out, b, sizeof(b)),
			 "B sent SYN,ACK (seq 0, ack 1) to A: SYN in LISTEN: send SYN,ACK");
	ck_assert_str_eq(said(r, 2, is_seg_out, b, sizeof(b)),
			 "A sent ACK (seq 1, ack 1) to B: a bare ACK: it uses no sequence number");
	ck_assert_str_eq(said(r, 3, is_seg_out, b, sizeof(b)), "A sent PSH,ACK (seq 1, ack 1, 5 bytes) to B");
	ck_assert_str_eq(said(r, 3, is_seg_in, b, sizeof(b)),
			 "B received PSH,ACK (seq 1, ack 1, 5 bytes) from A");
	ck_assert_str_eq(said(r, 5, is_seg_out, b, sizeof(b)),
			 "A sent FIN,ACK (seq 6, ack 1) to B: the application closed; the FIN uses "
			 "up one sequence number");
	ck_assert_str_eq(said(r, 6, is_state, b, sizeof(b)),
			 "B received FIN from A: ESTABLISHED → CLOSE-WAIT");
	ck_assert_str_eq(said(r, 7, is_state, b, sizeof(b)),
			 "A received the ACK of its FIN from B: FIN-WAIT-1 → FIN-WAIT-2");
	ck_assert_str_eq(said(r, 0, is_arm, b, sizeof(b)),
			 "A started its retransmission timer: it expires in 1 s");
	ck_assert_str_eq(said(r, 0, is_fire, b, sizeof(b)), "A: 2MSL has elapsed: TIME-WAIT is over");
	ck_assert_str_eq(said(r, 0, is_sock, b, sizeof(b)),
			 "A: the connection is open: connect() completed");
	run_free(r);
}
END_TEST

START_TEST(test_explain_event_numbers_absolute_on_request_and_names_without_a_model)
{
	struct run *r;
	char b[256], want[256];
	const struct tv_event *syn = NULL;

	setlocale(LC_ALL, "C");
	r = run_new();
	for (size_t i = 0; i < r->nev && syn == NULL; i++)
		if (is_seg_out(&r->ev[i]))
			syn = &r->ev[i];
	ck_assert_ptr_nonnull(syn);
	snprintf(want, sizeof(want), "A sent SYN (seq %u) to B: active OPEN: send SYN",
		 (unsigned)syn->u.seg.seq);
	explain_event_rel(r->m, syn, false, b, sizeof(b));
	ck_assert_str_eq(b, want);
	snprintf(want, sizeof(want), "#1 sent SYN (seq %u) to 10.0.0.2: active OPEN: send SYN",
		 (unsigned)syn->u.seg.seq);
	explain_event(NULL, syn, b, sizeof(b));
	ck_assert_str_eq(b, want);
	run_free(r);
}
END_TEST

START_TEST(test_explain_event_cuts_long_text_at_a_character_boundary)
{
	struct tv_event ev;
	char b[8];
	size_t n;

	setlocale(LC_ALL, "C");
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_NOTE;
	snprintf(ev.u.note.text, sizeof(ev.u.note.text), "%s", "时间等待");
	n = explain_event(NULL, &ev, b, sizeof(b));
	ck_assert_uint_eq(n, 6); /* two characters of three bytes: the third does not fit */
	ck_assert_str_eq(b, "时间");
	ck_assert_uint_eq(explain_event(NULL, &ev, b, 0), 0);
	n = explain_event(NULL, &ev, b, 1);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(b, "");
}
END_TEST

/* ---- translated at call time ---- */

#ifdef ENABLE_NLS
struct mo_entry {
	const char *id, *str;
};

static int mo_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mo_entry *)a)->id, ((const struct mo_entry *)b)->id);
}

/* A GNU .mo file: header, the sorted originals' and the translations'
 * (length, offset) tables, then the strings, NUL-terminated. */
static void mo_write(const char *path, struct mo_entry *e, uint32_t n)
{
	FILE *f = fopen(path, "wb");
	uint32_t head[7] = {0x950412deu, 0, n, 28, 28 + 8 * n, 0, 28 + 16 * n};
	uint32_t off = 28 + 16 * n;

	ck_assert_ptr_nonnull(f);
	qsort(e, n, sizeof(*e), mo_cmp);
	fwrite(head, sizeof(head), 1, f);
	for (int t = 0; t < 2; t++)
		for (uint32_t i = 0; i < n; i++) {
			uint32_t len = (uint32_t)strlen(t ? e[i].str : e[i].id), pair[2] = {len, off};
			fwrite(pair, sizeof(pair), 1, f);
			off += len + 1;
		}
	for (int t = 0; t < 2; t++)
		for (uint32_t i = 0; i < n; i++)
			fwrite(t ? e[i].str : e[i].id, strlen(t ? e[i].str : e[i].id) + 1, 1, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_texts_follow_a_language_switch_at_once)
{
	char dir[] = "/tmp/tvexplainXXXXXX", path[256], b[256];
	struct mo_entry e[] = {
		{"", "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"},
		{"Why TIME-WAIT waits 2MSL", "为什么 TIME-WAIT 要等待 2MSL"},
		{"%1$s received %2$s from %3$s: %4$s → %5$s", "%1$s 收到 %3$s 发来的 %2$s：%4$s → %5$s"},
	};
	struct run *r;

	if (setlocale(LC_ALL, "zh_CN.UTF-8") == NULL && setlocale(LC_ALL, "zh_CN.utf8") == NULL)
		return; /* no Chinese locale on this machine: nothing to switch to */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zh_CN", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/zh_CN/LC_MESSAGES", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/zh_CN/LC_MESSAGES/tvtest.mo", dir);
	mo_write(path, e, 3);
	bindtextdomain("tvtest", dir);
	bind_textdomain_codeset("tvtest", "UTF-8");
	textdomain("tvtest");
	ck_assert_str_eq(explain_card_title(EXPLAIN_CARD_TIME_WAIT), "为什么 TIME-WAIT 要等待 2MSL");
	r = run_new();
	ck_assert_str_eq(said(r, 2, is_state, b, sizeof(b)), "B 收到 A 发来的 SYN：LISTEN → SYN-RECEIVED");
	setlocale(LC_ALL, "C");
	ck_assert_str_eq(explain_card_title(EXPLAIN_CARD_TIME_WAIT), "Why TIME-WAIT waits 2MSL");
	ck_assert_str_eq(said(r, 2, is_state, b, sizeof(b)),
			 "B received SYN from A: LISTEN → SYN-RECEIVED");
	run_free(r);
	unlink(path);
	snprintf(path, sizeof(path), "%s/zh_CN/LC_MESSAGES", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/zh_CN", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST
#endif

static Suite *explain_suite(void)
{
	Suite *s = suite_create("tui_explain");
	TCase *t = tcase_create("texts");

	tcase_add_test(t, test_every_rule_has_a_longer_explanation);
	tcase_add_test(t, test_cards_have_titles_and_paragraphs);
	tcase_add_test(t, test_cards_answer_the_questions_the_notes_ask);
	tcase_add_test(t, test_card_for_event_follows_rule_state_and_segment);
	suite_add_tcase(s, t);
	t = tcase_create("events");
	tcase_add_test(t, test_explain_event_says_what_happened_in_a_real_run);
	tcase_add_test(t, test_explain_event_numbers_absolute_on_request_and_names_without_a_model);
	tcase_add_test(t, test_explain_event_cuts_long_text_at_a_character_boundary);
#ifdef ENABLE_NLS
	tcase_add_test(t, test_texts_follow_a_language_switch_at_once);
#endif
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(explain_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
