/*
 * util.h - small helpers shared by the writers in src/out: TCP flags as
 * words, times as seconds, and text measured and cut by display width
 * (wcswidth, so CJK text lines up; without a UTF-8 locale every
 * character counts one column).
 */
#ifndef TV_OUT_UTIL_H
#define TV_OUT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/tv.h"

/* "SYN,ACK": SYN FIN RST PSH ACK URG ECE CWR, joined by commas; "" for
 * none.  buf needs OUT_FLAGS_MAX bytes. */
#define OUT_FLAGS_MAX 40
const char *out_flags_words(uint8_t flags, char buf[OUT_FLAGS_MAX]);

/* "12.000300": seconds and microseconds.  buf needs OUT_TIME_MAX bytes. */
#define OUT_TIME_MAX 32
const char *out_time_str(tv_time t, char buf[OUT_TIME_MAX]);

/* A duration for people: "250 ms", "1.5 s", "240 s".  Same size rule. */
const char *out_duration_str(tv_time d, char buf[OUT_TIME_MAX]);

/* Display width of a UTF-8 string (columns). */
size_t out_width(const char *s);

/* Copy s into buf (size bytes), cut so it is at most maxw columns wide;
 * a cut string ends with `more` (e.g. "…"), counted in the width.
 * Returns the width of what was copied. */
size_t out_fit(const char *s, size_t maxw, const char *more, char *buf, size_t size);

#endif
