/*
 * event.c - the event bus (event.h) and the names of event kinds and rules.
 *
 * Dispatch is synchronous and re-entrant: a sink may emit further events or
 * remove sinks while it runs.  Removal during dispatch only marks the sink
 * dead; the outermost dispatch compacts the array when it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "event.h"

void tv_bus_init(struct tv_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

void tv_bus_fini(struct tv_bus *bus)
{
	free(bus->sinks);
	memset(bus, 0, sizeof(*bus));
}

int tv_bus_add(struct tv_bus *bus, tv_sink_fn fn, void *ctx)
{
	if (bus->nsinks == bus->cap) {
		unsigned cap = bus->cap ? bus->cap * 2 : 4;
		struct tv_sink *s = realloc(bus->sinks, cap * sizeof(*s));
		if (s == NULL)
			return TV_ENOMEM;
		bus->sinks = s;
		bus->cap = cap;
	}
	bus->sinks[bus->nsinks++] = (struct tv_sink){fn, ctx, false};
	return TV_OK;
}

static void bus_reap(struct tv_bus *bus)
{
	unsigned j = 0;
	for (unsigned i = 0; i < bus->nsinks; i++)
		if (!bus->sinks[i].dead)
			bus->sinks[j++] = bus->sinks[i];
	bus->nsinks = j;
	bus->has_dead = false;
}

void tv_bus_remove(struct tv_bus *bus, tv_sink_fn fn, void *ctx)
{
	for (unsigned i = 0; i < bus->nsinks; i++) {
		struct tv_sink *s = &bus->sinks[i];
		if (s->fn == fn && s->ctx == ctx && !s->dead) {
			s->dead = true;
			bus->has_dead = true;
		}
	}
	if (bus->depth == 0)
		bus_reap(bus);
}

void tv_bus_emit(struct tv_bus *bus, const struct tv_event *ev)
{
	if (bus == NULL)
		return;
	bus->emitted++;
	bus->depth++;
	/* nsinks is re-read each time: sinks added during dispatch also run. */
	for (unsigned i = 0; i < bus->nsinks; i++) {
		struct tv_sink s = bus->sinks[i];
		if (!s.dead)
			s.fn(s.ctx, ev);
	}
	if (--bus->depth == 0 && bus->has_dead)
		bus_reap(bus);
}

static const char *name_of(const char *const *names, size_t n, unsigned i)
{
	return i < n ? names[i] : "?";
}

const char *tv_event_type_name(enum tv_event_type t)
{
	static const char *const names[] = {
		"state", "seg_in", "seg_out", "drop", "timer_arm", "timer_cancel",
		"timer_fire", "retransmit", "cwnd", "sock", "arp", "icmp", "gate",
		"wire", "note",
	};
	_Static_assert(TV_ARRAY_LEN(names) == TV_EV_TYPE_COUNT, "event names");
	return name_of(names, TV_ARRAY_LEN(names), t);
}

const char *tv_timer_kind_name(enum tv_timer_kind k)
{
	static const char *const names[] = {
		"rexmit", "persist", "delack", "keepalive", "2msl", "conn", "arp",
	};
	_Static_assert(TV_ARRAY_LEN(names) == TV_TIMER_KIND_COUNT, "timer names");
	return name_of(names, TV_ARRAY_LEN(names), k);
}

const char *tv_sock_event_name(enum tv_sock_event e)
{
	static const char *const names[] = {
		"connected", "acceptable", "readable", "writable",
		"peer_closed", "error", "closed",
	};
	return name_of(names, TV_ARRAY_LEN(names), e);
}

const char *tv_gate_action_name(enum tv_gate_action a)
{
	static const char *const names[] = {
		"held", "released", "dropped", "duplicated", "delayed", "passed",
	};
	return name_of(names, TV_ARRAY_LEN(names), a);
}

const char *tv_wire_action_name(enum tv_wire_action a)
{
	static const char *const names[] = {
		"lost", "duplicated", "reordered", "delivered",
	};
	return name_of(names, TV_ARRAY_LEN(names), a);
}

const char *tv_frame_fate_name(enum tv_frame_fate f)
{
	static const char *const names[] = {
		"sent", "delivered", "lost", "duplicated", "dropped_by_gate",
	};
	_Static_assert(TV_ARRAY_LEN(names) == TV_FATE_COUNT, "fate names");
	return name_of(names, TV_ARRAY_LEN(names), f);
}

static const char *const rule_ids[] = {
#define TV_RULE_ID(id, ref, text) #id,
	TV_RULES(TV_RULE_ID)
#undef TV_RULE_ID
};

static const char *const rule_refs[] = {
#define TV_RULE_REF(id, ref, text) ref,
	TV_RULES(TV_RULE_REF)
#undef TV_RULE_REF
};

static const char *const rule_texts[] = {
#define TV_RULE_TEXT(id, ref, text) TV_N_(text),
	TV_RULES(TV_RULE_TEXT)
#undef TV_RULE_TEXT
};

const char *tv_rule_id(enum tv_rule r)
{
	return name_of(rule_ids, TV_RULE_COUNT, r);
}

const char *tv_rule_ref(enum tv_rule r)
{
	return name_of(rule_refs, TV_RULE_COUNT, r);
}

const char *tv_rule_text(enum tv_rule r)
{
	return name_of(rule_texts, TV_RULE_COUNT, r);
}
