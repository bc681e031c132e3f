/*
 * width.c - text measured in terminal columns (see width.h).
 *
 * The decoder is strict (no overlong forms, no surrogates, nothing above
 * U+10FFFF) because whatever it accepts ends up in a terminal cell: a bad
 * byte becomes one '?' and decoding carries on at the next byte.  Widths
 * come from wcwidth(), which on glibc takes Unicode code points
 * (__STDC_ISO_10646__) and follows the locale's LC_CTYPE: outside a UTF-8
 * locale every non-ASCII character is "unprintable" and counts one column,
 * so a mis-set locale gives a narrow but never a broken layout.
 */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <string.h>
#include <wchar.h>

#include "tui/width.h"

/* Length of a UTF-8 sequence from its lead byte, 0 for a bad lead. */
static int utf8_len(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;
}

/* The smallest code point that needs n bytes (to refuse overlong forms). */
static uint32_t utf8_min(int n)
{
	return n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
}

uint32_t tw_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	int n = utf8_len(p[0]);
	uint32_t cp;

	if (p[0] == 0)
		return 0;
	if (n <= 1) {
		(*s)++;
		return n == 1 ? p[0] : '?';
	}
	cp = p[0] & (0x7f >> n);
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			(*s)++;
			return '?';
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < utf8_min(n) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		(*s)++;
		return '?';
	}
	*s += n;
	return cp;
}

int tw_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x20 || cp == 0x7f)
		return 1;
	if (cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w > 2 ? 2 : w;
}

int tw_width(const char *s)
{
	int w = 0;
	uint32_t cp;

	while ((cp = tw_next(&s)) != 0)
		w += tw_cp_width(cp);
	return w;
}

size_t tw_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = '\0';
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		out[2] = '\0';
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		out[3] = '\0';
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	out[4] = '\0';
	return 4;
}

/* What a code point is shown as: unprintable ones as '?'. */
static uint32_t tw_shown(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return '?';
	if (cp >= 0x80 && wcwidth((wchar_t)cp) < 0)
		return '?';
	return cp;
}

/* Append cp to out (pos bytes used of size); false when it does not fit. */
static bool tw_append(char *out, size_t size, size_t *pos, uint32_t cp)
{
	char b[5];
	size_t n = tw_encode(cp, b);

	if (*pos + n + 1 > size)
		return false;
	memcpy(out + *pos, b, n + 1);
	*pos += n;
	return true;
}

int tw_fit(const char *s, int cols, bool ellipsis, bool ascii, char *out, size_t size)
{
	uint32_t more = ascii ? '~' : 0x2026;
	int total = tw_width(s), limit = cols, w = 0;
	size_t pos = 0;
	uint32_t cp;

	if (size == 0)
		return 0;
	out[0] = '\0';
	if (cols <= 0)
		return 0;
	if (total > cols && ellipsis)
		limit = cols - 1;
	while ((cp = tw_next(&s)) != 0) {
		int cw = tw_cp_width(cp);
		if (w + cw > limit || !tw_append(out, size, &pos, tw_shown(cp)))
			break;
		w += cw;
	}
	if (total > cols && ellipsis && tw_append(out, size, &pos, more))
		w++;
	return w;
}
