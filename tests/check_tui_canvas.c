/*
 * check_tui_canvas.c - display widths (tui/width.h) and the cell canvas
 * (tui/canvas.h), without a terminal.  Widths of wide characters depend
 * on the locale, so every test runs in C.UTF-8.
 */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui/canvas.h"
#include "tui/width.h"

static void setup(void)
{
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
}

static const char *row(const struct canvas *c, int y)
{
	static char buf[1024];

	canvas_row(c, y, buf, sizeof(buf));
	return buf;
}

/* ---- widths ---- */

START_TEST(test_width_ascii_one_column_each)
{
	ck_assert_int_eq(tw_width(""), 0);
	ck_assert_int_eq(tw_width("SYN-SENT"), 8);
}
END_TEST

START_TEST(test_width_cjk_two_columns_each)
{
	ck_assert_int_eq(tw_width("时间等待"), 8);
	ck_assert_int_eq(tw_width("TIME-WAIT 时间等待"), 18);
	ck_assert_int_eq(tw_cp_width(0x65f6), 2);
}
END_TEST

START_TEST(test_width_box_drawing_one_column)
{
	ck_assert_int_eq(tw_width("─│┼▶…"), 5);
}
END_TEST

START_TEST(test_width_combining_zero)
{
	ck_assert_int_eq(tw_cp_width(0x0301), 0);
	ck_assert_int_eq(tw_width("e\xcc\x81"), 1);
}
END_TEST

START_TEST(test_width_bad_utf8_one_column_per_byte)
{
	ck_assert_int_eq(tw_width("\xff\xfe"), 2);
	ck_assert_int_eq(tw_width("\xc0\xaf"), 2);     /* overlong '/' */
	ck_assert_int_eq(tw_width("\xed\xa0\x80"), 3); /* a surrogate */
	ck_assert_int_eq(tw_width("\xe6\x97"), 2);     /* cut short */
}
END_TEST

START_TEST(test_next_decodes_and_rejects)
{
	const char *s = "a时\xf0\x9f\x98\x80\xff";

	ck_assert_uint_eq(tw_next(&s), 'a');
	ck_assert_uint_eq(tw_next(&s), 0x65f6);
	ck_assert_uint_eq(tw_next(&s), 0x1f600);
	ck_assert_uint_eq(tw_next(&s), '?');
	ck_assert_uint_eq(tw_next(&s), 0);
}
END_TEST

START_TEST(test_encode_round_trip)
{
	uint32_t cps[] = {'A', 0xe9, 0x2502, 0x65f6, 0x1f600};

	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		char b[5];
		const char *p = b;
		size_t n = tw_encode(cps[i], b);
		ck_assert_uint_eq(strlen(b), n);
		ck_assert_uint_eq(tw_next(&p), cps[i]);
		ck_assert_ptr_eq(p, b + n);
	}
}
END_TEST

START_TEST(test_fit_never_splits_a_wide_character)
{
	char out[64];

	ck_assert_int_eq(tw_fit("TIME-WAIT 时间等待", 12, false, false, out, sizeof(out)), 12);
	ck_assert_str_eq(out, "TIME-WAIT 时");
	ck_assert_int_eq(tw_fit("TIME-WAIT 时间等待", 11, false, false, out, sizeof(out)), 10);
	ck_assert_str_eq(out, "TIME-WAIT ");
}
END_TEST

START_TEST(test_fit_ellipsis_unicode_and_ascii)
{
	char out[64];

	ck_assert_int_eq(tw_fit("ESTABLISHED", 6, true, false, out, sizeof(out)), 6);
	ck_assert_str_eq(out, "ESTAB…");
	ck_assert_int_eq(tw_fit("ESTABLISHED", 6, true, true, out, sizeof(out)), 6);
	ck_assert_str_eq(out, "ESTAB~");
	ck_assert_int_eq(tw_fit("ESTABLISHED", 11, true, false, out, sizeof(out)), 11);
	ck_assert_str_eq(out, "ESTABLISHED");
	ck_assert_int_eq(tw_fit("时间等待", 5, true, false, out, sizeof(out)), 5);
	ck_assert_str_eq(out, "时间…");
}
END_TEST

START_TEST(test_fit_zero_columns_is_empty)
{
	char out[8] = "x";

	ck_assert_int_eq(tw_fit("abc", 0, true, false, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_fit_small_buffer_keeps_whole_characters)
{
	char out[5];

	tw_fit("时间等待", 8, false, false, out, sizeof(out));
	ck_assert_str_eq(out, "时"); /* "时间" needs 7 bytes */
}
END_TEST

START_TEST(test_fit_shows_bad_bytes_as_question_marks)
{
	char out[16];

	ck_assert_int_eq(tw_fit("a\xff\x01z", 10, false, false, out, sizeof(out)), 4);
	ck_assert_str_eq(out, "a??z");
}
END_TEST

/* ---- canvas ---- */

START_TEST(test_canvas_starts_blank)
{
	struct canvas c;

	ck_assert_int_eq(canvas_init(&c, 10, 3), 0);
	ck_assert_str_eq(row(&c, 1), "          ");
	ck_assert_int_eq(canvas_cell(&c, 2, 9)->style, TS_NORMAL);
	ck_assert_ptr_null(canvas_cell(&c, 3, 0));
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_put_clips_at_maxw_and_edge)
{
	struct canvas c;

	canvas_init(&c, 10, 2);
	ck_assert_int_eq(canvas_put(&c, 0, 2, 3, "abcdef", TS_BOLD), 3);
	ck_assert_str_eq(row(&c, 0), "  abc     ");
	ck_assert_int_eq(canvas_put(&c, 1, 7, 20, "abcdef", TS_BOLD), 3);
	ck_assert_str_eq(row(&c, 1), "       abc");
	ck_assert_int_eq(canvas_cell(&c, 0, 3)->style, TS_BOLD);
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_put_out_of_range_is_ignored)
{
	struct canvas c;

	canvas_init(&c, 4, 2);
	ck_assert_int_eq(canvas_put(&c, 5, 0, 4, "abcd", TS_NORMAL), 0);
	ck_assert_int_eq(canvas_put(&c, -1, 0, 4, "abcd", TS_NORMAL), 0);
	canvas_set(&c, 0, 9, 'x', TS_NORMAL, 0);
	ck_assert_str_eq(row(&c, 0), "    ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_negative_x_clips_left)
{
	struct canvas c;

	canvas_init(&c, 6, 1);
	canvas_put(&c, 0, -2, 8, "abcdef", TS_NORMAL);
	ck_assert_str_eq(row(&c, 0), "cdef  ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_wide_character_takes_two_cells)
{
	struct canvas c;

	canvas_init(&c, 6, 1);
	ck_assert_int_eq(canvas_put(&c, 0, 0, 6, "时间x", TS_NORMAL), 5);
	ck_assert_uint_eq(canvas_cell(&c, 0, 0)->ch, 0x65f6);
	ck_assert_uint_eq(canvas_cell(&c, 0, 1)->ch, 0);
	ck_assert_str_eq(row(&c, 0), "时间x ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_wide_character_at_right_edge_becomes_space)
{
	struct canvas c;

	canvas_init(&c, 5, 1);
	ck_assert_int_eq(canvas_put(&c, 0, 0, 5, "ab时间", TS_NORMAL), 5);
	ck_assert_str_eq(row(&c, 0), "ab时 ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_wide_character_at_maxw_becomes_space)
{
	struct canvas c;

	canvas_init(&c, 8, 1);
	ck_assert_int_eq(canvas_put(&c, 0, 0, 3, "a时间", TS_NORMAL), 3);
	ck_assert_int_eq(canvas_put(&c, 0, 3, 2, "x时", TS_NORMAL), 2);
	ck_assert_str_eq(row(&c, 0), "a时x    ");
	ck_assert_uint_eq(canvas_cell(&c, 0, 4)->ch, ' ');
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_overwriting_half_blanks_other_half)
{
	struct canvas c;

	canvas_init(&c, 6, 2);
	canvas_put(&c, 0, 0, 6, "时间等", TS_NORMAL);
	canvas_set(&c, 0, 1, 'x', TS_NORMAL, 0);  /* right half of 时 */
	canvas_set(&c, 0, 2, 'y', TS_NORMAL, 0);  /* left half of 间 */
	ck_assert_str_eq(row(&c, 0), " xy 等");
	canvas_put(&c, 1, 0, 6, "时间等", TS_NORMAL);
	canvas_put(&c, 1, 1, 2, "等", TS_NORMAL); /* straddles two */
	ck_assert_str_eq(row(&c, 1), " 等 等");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_control_characters_shown_as_question)
{
	struct canvas c;

	canvas_init(&c, 5, 1);
	canvas_put(&c, 0, 0, 5, "a\tb\x7f", TS_NORMAL);
	ck_assert_str_eq(row(&c, 0), "a?b? ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_combining_marks_dropped)
{
	struct canvas c;

	canvas_init(&c, 3, 1);
	ck_assert_int_eq(canvas_put(&c, 0, 0, 3, "e\xcc\x81x", TS_NORMAL), 2);
	ck_assert_str_eq(row(&c, 0), "ex ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_printf_cut_at_maxw)
{
	struct canvas c;

	canvas_init(&c, 12, 1);
	ck_assert_int_eq(canvas_printf(&c, 0, 0, 8, TS_NORMAL, "n=%d %s", 42, "abcdef"), 8);
	ck_assert_str_eq(row(&c, 0), "n=42 abc    ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_box_unicode)
{
	struct canvas c;

	canvas_init(&c, 12, 4);
	canvas_box(&c, &(struct rect){0, 0, 4, 12}, "Conns", TS_BORDER);
	ck_assert_str_eq(row(&c, 0), "┌─ Conns ──┐");
	ck_assert_str_eq(row(&c, 1), "│          │");
	ck_assert_str_eq(row(&c, 3), "└──────────┘");
	ck_assert_int_eq(canvas_cell(&c, 0, 3)->style, TS_TITLE);
	ck_assert_int_eq(canvas_cell(&c, 1, 0)->style, TS_BORDER);
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_box_ascii)
{
	struct canvas c;

	canvas_init(&c, 8, 3);
	c.ascii = true;
	canvas_box(&c, &(struct rect){0, 0, 3, 8}, NULL, TS_FOCUS);
	ck_assert_str_eq(row(&c, 0), "+------+");
	ck_assert_str_eq(row(&c, 1), "|      |");
	ck_assert_str_eq(row(&c, 2), "+------+");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_box_title_cut_with_ellipsis)
{
	struct canvas c;

	canvas_init(&c, 12, 3);
	canvas_box(&c, &(struct rect){0, 0, 3, 12}, "连接表很长的标题", TS_BORDER);
	ck_assert_str_eq(row(&c, 0), "┌─ 连接… ──┐");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_box_clipped_by_canvas)
{
	struct canvas c;

	canvas_init(&c, 5, 2);
	canvas_box(&c, &(struct rect){0, 2, 4, 6}, NULL, TS_BORDER);
	ck_assert_str_eq(row(&c, 0), "  ┌──");
	ck_assert_str_eq(row(&c, 1), "  │  ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_bar_fraction)
{
	struct canvas c;

	canvas_init(&c, 8, 4);
	canvas_bar(&c, 0, 0, 8, 0.5, TS_BAR);
	ck_assert_str_eq(row(&c, 0), "████░░░░");
	ck_assert_int_eq(canvas_cell(&c, 0, 3)->style, TS_BAR);
	ck_assert_int_eq(canvas_cell(&c, 0, 4)->style, TS_DIM);
	canvas_bar(&c, 1, 0, 4, 0.375, TS_BAR); /* one cell and a half */
	ck_assert_str_eq(row(&c, 1), "█▌░░    ");
	canvas_bar(&c, 2, 0, 4, 7.0, TS_BAR);
	ck_assert_str_eq(row(&c, 2), "████    ");
	c.ascii = true;
	canvas_bar(&c, 3, 0, 4, 0.5, TS_BAR);
	ck_assert_str_eq(row(&c, 3), "##..    ");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_lines_ascii_and_unicode)
{
	struct canvas c;

	canvas_init(&c, 4, 3);
	canvas_hline(&c, 0, 0, 4, TS_BORDER);
	canvas_vline(&c, 1, 1, 2, TS_BORDER);
	ck_assert_str_eq(row(&c, 0), "────");
	ck_assert_str_eq(row(&c, 2), " │  ");
	c.ascii = true;
	canvas_hline(&c, 0, 0, 2, TS_BORDER);
	ck_assert_str_eq(row(&c, 0), "--──");
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_paint_keeps_text)
{
	struct canvas c;

	canvas_init(&c, 4, 1);
	canvas_put(&c, 0, 0, 4, "abcd", TS_NORMAL);
	canvas_paint(&c, &(struct rect){0, 1, 1, 2}, TS_SELECTED, TA_REVERSE);
	ck_assert_str_eq(row(&c, 0), "abcd");
	ck_assert_int_eq(canvas_cell(&c, 0, 0)->style, TS_NORMAL);
	ck_assert_int_eq(canvas_cell(&c, 0, 2)->style, TS_SELECTED);
	ck_assert_int_eq(canvas_cell(&c, 0, 2)->attr, TA_REVERSE);
	canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_fill_and_resize_clear)
{
	struct canvas c;

	canvas_init(&c, 3, 2);
	canvas_fill(&c, &(struct rect){0, 0, 2, 3}, '#', TS_ALERT);
	ck_assert_str_eq(row(&c, 1), "###");
	ck_assert_int_eq(canvas_resize(&c, 5, 1), 0);
	ck_assert_int_eq(c.w, 5);
	ck_assert_str_eq(row(&c, 0), "     ");
	canvas_free(&c);
	ck_assert_int_eq(c.w, 0);
}
END_TEST

START_TEST(test_canvas_row_small_buffer)
{
	struct canvas c;
	char b[4];

	canvas_init(&c, 4, 1);
	canvas_put(&c, 0, 0, 4, "时间", TS_NORMAL);
	ck_assert_uint_eq(canvas_row(&c, 0, b, sizeof(b)), 3);
	ck_assert_str_eq(b, "时");
	canvas_free(&c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tui_canvas");
	TCase *w = tcase_create("width"), *c = tcase_create("canvas");

	tcase_add_checked_fixture(w, setup, NULL);
	tcase_add_checked_fixture(c, setup, NULL);
	tcase_add_test(w, test_width_ascii_one_column_each);
	tcase_add_test(w, test_width_cjk_two_columns_each);
	tcase_add_test(w, test_width_box_drawing_one_column);
	tcase_add_test(w, test_width_combining_zero);
	tcase_add_test(w, test_width_bad_utf8_one_column_per_byte);
	tcase_add_test(w, test_next_decodes_and_rejects);
	tcase_add_test(w, test_encode_round_trip);
	tcase_add_test(w, test_fit_never_splits_a_wide_character);
	tcase_add_test(w, test_fit_ellipsis_unicode_and_ascii);
	tcase_add_test(w, test_fit_zero_columns_is_empty);
	tcase_add_test(w, test_fit_small_buffer_keeps_whole_characters);
	tcase_add_test(w, test_fit_shows_bad_bytes_as_question_marks);
	tcase_add_test(c, test_canvas_starts_blank);
	tcase_add_test(c, test_canvas_put_clips_at_maxw_and_edge);
	tcase_add_test(c, test_canvas_put_out_of_range_is_ignored);
	tcase_add_test(c, test_canvas_negative_x_clips_left);
	tcase_add_test(c, test_canvas_wide_character_takes_two_cells);
	tcase_add_test(c, test_canvas_wide_character_at_right_edge_becomes_space);
	tcase_add_test(c, test_canvas_wide_character_at_maxw_becomes_space);
	tcase_add_test(c, test_canvas_overwriting_half_blanks_other_half);
	tcase_add_test(c, test_canvas_control_characters_shown_as_question);
	tcase_add_test(c, test_canvas_combining_marks_dropped);
	tcase_add_test(c, test_canvas_printf_cut_at_maxw);
	tcase_add_test(c, test_canvas_box_unicode);
	tcase_add_test(c, test_canvas_box_ascii);
	tcase_add_test(c, test_canvas_box_title_cut_with_ellipsis);
	tcase_add_test(c, test_canvas_box_clipped_by_canvas);
	tcase_add_test(c, test_canvas_bar_fraction);
	tcase_add_test(c, test_canvas_lines_ascii_and_unicode);
	tcase_add_test(c, test_canvas_paint_keeps_text);
	tcase_add_test(c, test_canvas_fill_and_resize_clear);
	tcase_add_test(c, test_canvas_row_small_buffer);
	suite_add_tcase(s, w);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
