/*
 * width.h - text measured in terminal columns, not bytes: UTF-8 in,
 * display width out (wcwidth), so Chinese (two columns a character) and
 * box-drawing text line up.  No curses; the locale's LC_CTYPE must be a
 * UTF-8 one for wide characters to measure 2 (the TUI sets it).
 *
 *   int w = tw_width("时间等待");                       8
 *   tw_fit("TIME-WAIT 时间等待", 12, buf, sizeof(buf));  "TIME-WAIT 时"
 *
 * Bytes that are not valid UTF-8 count as one column each and are shown
 * as '?'; control characters likewise.
 */
#ifndef TV_TUI_WIDTH_H
#define TV_TUI_WIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the code point at *s and advance *s past it (one byte for a
 * bad sequence, which decodes to '?').  0 at the end of the string. */
uint32_t tw_next(const char **s);
/* Columns of one code point: 0 (combining), 1 or 2; control and
 * unprintable characters 1 (they are shown as '?'). */
int tw_cp_width(uint32_t cp);
/* Columns of a UTF-8 string. */
int tw_width(const char *s);
/* Copy the longest prefix of s that fits in cols columns into out
 * (always NUL-terminated, never a split character); with ellipsis, a cut
 * string ends in "…" (or "~" when ascii).  Returns its width. */
int tw_fit(const char *s, int cols, bool ellipsis, bool ascii, char *out, size_t size);
/* Encode cp as UTF-8 into out (at least 5 bytes); returns the length. */
size_t tw_encode(uint32_t cp, char *out);

#endif
