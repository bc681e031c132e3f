/*
 * check_tui_prompt.c - the ':' prompt's line editor (tui/prompt.h): UTF-8
 * editing by characters, the cursor measured in columns, the history
 * and word completion.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/prompt.h"

static void type(struct prompt *p, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		ck_assert(prompt_insert(p, *c));
}

START_TEST(test_prompt_insert_at_cursor_in_the_middle)
{
	struct prompt p;

	prompt_init(&p);
	type(&p, "conect");
	prompt_left(&p);
	prompt_left(&p);
	prompt_left(&p);
	prompt_left(&p);
	ck_assert(prompt_insert(&p, 'n'));
	ck_assert_str_eq(prompt_text(&p), "connect");
	ck_assert_int_eq(prompt_cursor_col(&p), 3);
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_wide_characters_move_cursor_two_columns)
{
	struct prompt p;

	prompt_init(&p);
	ck_assert(prompt_insert(&p, 0x4e2d)); /* 中 */
	ck_assert(prompt_insert(&p, 0x6587)); /* 文 */
	ck_assert_str_eq(prompt_text(&p), "中文");
	ck_assert_int_eq(prompt_cursor_col(&p), 4);
	prompt_left(&p);
	ck_assert_int_eq(prompt_cursor_col(&p), 2);
	prompt_backspace(&p);
	ck_assert_str_eq(prompt_text(&p), "文");
	ck_assert_int_eq(prompt_cursor_col(&p), 0);
	prompt_delete(&p);
	ck_assert_str_eq(prompt_text(&p), "");
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_refuses_control_characters_and_overflow)
{
	struct prompt p;

	prompt_init(&p);
	ck_assert(!prompt_insert(&p, '\n'));
	ck_assert(!prompt_insert(&p, 0x7f));
	ck_assert(!prompt_insert(&p, 0xd800));
	for (int i = 0; i < PROMPT_MAX - 1; i++)
		ck_assert(prompt_insert(&p, 'x'));
	ck_assert(!prompt_insert(&p, 'y'));
	ck_assert(!prompt_insert(&p, 0x4e2d));
	ck_assert_uint_eq(strlen(prompt_text(&p)), PROMPT_MAX - 1);
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_set_never_cuts_a_character)
{
	struct prompt p;
	char big[PROMPT_MAX + 8];

	prompt_init(&p);
	memset(big, 'a', sizeof(big));
	/* A three-byte character straddling the end of the buffer. */
	memcpy(big + PROMPT_MAX - 3, "中", 3);
	big[PROMPT_MAX] = '\0';
	prompt_set(&p, big);
	ck_assert_uint_eq(strlen(prompt_text(&p)), PROMPT_MAX - 3);
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_kill_word_deletes_the_word_before_the_cursor)
{
	struct prompt p;

	prompt_init(&p);
	type(&p, "close c1  ");
	prompt_kill_word(&p);
	ck_assert_str_eq(prompt_text(&p), "close ");
	prompt_kill_word(&p);
	ck_assert_str_eq(prompt_text(&p), "");
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_history_browses_and_restores_the_edited_line)
{
	struct prompt p;

	prompt_init(&p);
	prompt_history_add(&p, "step");
	prompt_history_add(&p, "close c1");
	prompt_history_add(&p, "close c1"); /* the same as the last: once */
	prompt_history_add(&p, "   ");      /* blank: not kept */
	type(&p, "dr");
	prompt_history_prev(&p);
	ck_assert_str_eq(prompt_text(&p), "close c1");
	prompt_history_prev(&p);
	ck_assert_str_eq(prompt_text(&p), "step");
	prompt_history_prev(&p);
	ck_assert_str_eq(prompt_text(&p), "step");
	prompt_history_next(&p);
	ck_assert_str_eq(prompt_text(&p), "close c1");
	prompt_history_next(&p);
	ck_assert_str_eq(prompt_text(&p), "dr");
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_history_is_bounded)
{
	struct prompt p;
	char line[32];

	prompt_init(&p);
	for (int i = 0; i < PROMPT_HISTORY_MAX + 10; i++) {
		snprintf(line, sizeof(line), "run %dms", i);
		prompt_history_add(&p, line);
	}
	ck_assert_uint_eq(p.nhist, PROMPT_HISTORY_MAX);
	ck_assert_str_eq(p.hist[0], "run 10ms");
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_complete_unique_word_adds_a_space)
{
	struct prompt p;
	size_t n;
	const char *const *w = prompt_command_words(&n);
	char list[256];

	prompt_init(&p);
	type(&p, "conn");
	ck_assert_uint_eq(prompt_complete(&p, w, n, list, sizeof(list)), 1);
	ck_assert_str_eq(prompt_text(&p), "connect ");
	ck_assert_int_eq(prompt_word_index(&p), 1);
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_complete_several_extends_the_common_prefix)
{
	struct prompt p;
	const char *words[] = {"release", "recv", "rule", "resume"};
	char list[256];

	prompt_init(&p);
	type(&p, "r");
	ck_assert_uint_eq(prompt_complete(&p, words, 4, list, sizeof(list)), 4);
	ck_assert_str_eq(prompt_text(&p), "r");
	ck_assert_str_eq(list, "release recv rule resume");
	type(&p, "es");
	ck_assert_uint_eq(prompt_complete(&p, words, 4, list, sizeof(list)), 1);
	ck_assert_str_eq(prompt_text(&p), "resume ");
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_complete_second_word_keeps_the_first)
{
	struct prompt p;
	const char *words[] = {"A", "B", "ESTABLISHED"};
	char list[64];

	prompt_init(&p);
	type(&p, "connect a");
	ck_assert_int_eq(prompt_word_index(&p), 1);
	/* Letters compare without case: "a" finds the host A. */
	ck_assert_uint_eq(prompt_complete(&p, words, 3, list, sizeof(list)), 1);
	ck_assert_str_eq(prompt_text(&p), "connect A ");
	prompt_free(&p);
}
END_TEST

START_TEST(test_prompt_complete_nothing_changes_nothing)
{
	struct prompt p;
	const char *words[] = {"step"};
	char list[16];

	prompt_init(&p);
	type(&p, "zz");
	ck_assert_uint_eq(prompt_complete(&p, words, 1, list, sizeof(list)), 0);
	ck_assert_str_eq(prompt_text(&p), "zz");
	ck_assert_str_eq(list, "");
	prompt_free(&p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tui_prompt");
	TCase *e = tcase_create("edit"), *h = tcase_create("history"),
	      *c = tcase_create("complete");

	tcase_add_test(e, test_prompt_insert_at_cursor_in_the_middle);
	tcase_add_test(e, test_prompt_wide_characters_move_cursor_two_columns);
	tcase_add_test(e, test_prompt_refuses_control_characters_and_overflow);
	tcase_add_test(e, test_prompt_set_never_cuts_a_character);
	tcase_add_test(e, test_prompt_kill_word_deletes_the_word_before_the_cursor);
	tcase_add_test(h, test_prompt_history_browses_and_restores_the_edited_line);
	tcase_add_test(h, test_prompt_history_is_bounded);
	tcase_add_test(c, test_prompt_complete_unique_word_adds_a_space);
	tcase_add_test(c, test_prompt_complete_several_extends_the_common_prefix);
	tcase_add_test(c, test_prompt_complete_second_word_keeps_the_first);
	tcase_add_test(c, test_prompt_complete_nothing_changes_nothing);
	suite_add_tcase(s, e);
	suite_add_tcase(s, h);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	/* Wide characters measure two columns only in a UTF-8 locale. */
	setlocale(LC_ALL, "C.UTF-8");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
