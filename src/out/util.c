/*
 * util.c - helpers shared by the writers (see util.h).
 *
 * Display width: the UTF-8 text is decoded here (it is our own output, so
 * the decoder only has to be safe, not clever) into wide characters, which
 * on glibc are Unicode code points (__STDC_ISO_10646__), and measured
 * with wcswidth().  Outside a UTF-8 locale wcswidth() knows nothing wide
 * and says -1; then each character counts as one column.
 */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "core/event.h"
#include "out/util.h"

const char *out_flags_words(uint8_t flags, char buf[OUT_FLAGS_MAX])
{
	static const struct {
		uint8_t bit;
		const char *word;
	} tab[] = {{TV_TH_SYN, "SYN"}, {TV_TH_FIN, "FIN"}, {TV_TH_RST, "RST"},
		   {TV_TH_PSH, "PSH"}, {TV_TH_ACK, "ACK"}, {TV_TH_URG, "URG"},
		   {TV_TH_ECE, "ECE"}, {TV_TH_CWR, "CWR"}};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < TV_ARRAY_LEN(tab); i++) {
		if (!(flags & tab[i].bit))
			continue;
		n += (size_t)snprintf(buf + n, OUT_FLAGS_MAX - n, "%s%s", n ? "," : "",
				      tab[i].word);
	}
	return buf;
}

const char *out_time_str(tv_time t, char buf[OUT_TIME_MAX])
{
	snprintf(buf, OUT_TIME_MAX, "%" PRIu64 ".%06" PRIu64, t / 1000000, t % 1000000);
	return buf;
}

const char *out_duration_str(tv_time d, char buf[OUT_TIME_MAX])
{
	uint64_t ms = (d + 500) / 1000; /* seconds: to the nearest millisecond */
	unsigned frac = (unsigned)(ms % 1000), digits = 3;

	if (d < TV_MSEC(1))
		snprintf(buf, OUT_TIME_MAX, "%" PRIu64 " us", d);
	else if (d < TV_SEC(1) && d % 1000 == 0)
		snprintf(buf, OUT_TIME_MAX, "%" PRIu64 " ms", d / 1000);
	else if (d < TV_SEC(1))
		snprintf(buf, OUT_TIME_MAX, "%" PRIu64 ".%03" PRIu64 " ms", d / 1000, d % 1000);
	else if (frac == 0)
		snprintf(buf, OUT_TIME_MAX, "%" PRIu64 " s", ms / 1000);
	else {
		/* Trailing zeros trimmed: 1.5 s, 1.25 s. */
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		snprintf(buf, OUT_TIME_MAX, "%" PRIu64 ".%0*u s", ms / 1000, (int)digits, frac);
	}
	return buf;
}

/* Decode one UTF-8 character at s (n > 0 bytes left); returns its length
 * (1 for a malformed byte, decoded as U+FFFD). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	uint32_t c;

	if (len == 0 || len > n) {
		*cp = 0xfffd;
		return 1;
	}
	c = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/* Width of one character: wcswidth, or one column where it has no idea. */
static size_t char_width(uint32_t cp)
{
	wchar_t wc = (wchar_t)cp;
	int w = wcswidth(&wc, 1);

	if (w >= 0)
		return (size_t)w;
	return cp < 0x20 || cp == 0x7f ? 0 : 1;
}

size_t out_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;
	uint32_t cp;

	while (n > 0) {
		size_t len = utf8_next(p, n, &cp);
		w += char_width(cp);
		p += len;
		n -= len;
	}
	return w;
}

size_t out_fit(const char *s, size_t maxw, const char *more, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0, out = 0, mw = out_width(more);
	uint32_t cp;

	if (size == 0)
		return 0;
	if (out_width(s) <= maxw && n < size) {
		memcpy(buf, s, n + 1);
		return out_width(s);
	}
	while (n > 0) {
		size_t len = utf8_next(p, n, &cp), cw = char_width(cp);
		if (w + cw + mw > maxw || out + len + strlen(more) >= size)
			break;
		memcpy(buf + out, p, len);
		out += len;
		w += cw;
		p += len;
		n -= len;
	}
	if (w + mw <= maxw && out + strlen(more) < size) {
		memcpy(buf + out, more, strlen(more));
		out += strlen(more);
		w += mw;
	}
	buf[out] = '\0';
	return w;
}
