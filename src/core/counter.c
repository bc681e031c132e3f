/*
 * counter.c - names and descriptions of the per-host counters (counter.h).
 */
#include <string.h>

#include "counter.h"
#include "tv.h"

static const char *const counter_names[] = {
#define TV_COUNTER_NAME(id, name, desc) name,
	TV_COUNTERS(TV_COUNTER_NAME)
#undef TV_COUNTER_NAME
};

static const char *const counter_descs[] = {
#define TV_COUNTER_DESC(id, name, desc) TV_N_(desc),
	TV_COUNTERS(TV_COUNTER_DESC)
#undef TV_COUNTER_DESC
};

const char *tv_counter_name(enum tv_counter c)
{
	return (unsigned)c < TV_CNT_COUNT ? counter_names[c] : "?";
}

const char *tv_counter_desc(enum tv_counter c)
{
	return (unsigned)c < TV_CNT_COUNT ? counter_descs[c] : "?";
}

int tv_counter_find(const char *name)
{
	for (int i = 0; i < TV_CNT_COUNT; i++)
		if (strcmp(counter_names[i], name) == 0)
			return i;
	return -1;
}
