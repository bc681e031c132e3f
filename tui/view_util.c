/*
 * view_util.c - helpers shared by the panes (see view_internal.h): pane
 * titles, state names and styles, the selection, and the formatters of
 * times, durations, flags, endpoints and segment labels.  Everything is
 * formatted at draw time, translated at draw time, and measured in
 * display columns (width.h).
 *
 * State names: the RFC spelling is never translated (tcb_state_name); a
 * language may give each state a name of its own through the msgids
 * "state|CLOSED"..., which view_state_label writes beside the RFC name
 * when there is room.  A msgid that comes back untranslated (English)
 * adds nothing.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/tcp.h"
#include "i18n.h"
#include "out/util.h"
#include "tui/view_internal.h"
#include "tui/width.h"

static const char *const state_local[TCB_STATE_COUNT] = {
	N_("state|CLOSED"),      N_("state|LISTEN"),     N_("state|SYN-SENT"),
	N_("state|SYN-RECEIVED"), N_("state|ESTABLISHED"), N_("state|FIN-WAIT-1"),
	N_("state|FIN-WAIT-2"),  N_("state|CLOSE-WAIT"), N_("state|CLOSING"),
	N_("state|LAST-ACK"),    N_("state|TIME-WAIT"),
};

/* The state's name in the language in use, NULL when it has none. */
static const char *state_local_name(int state)
{
	const char *t;

	if (state < 0 || state >= TCB_STATE_COUNT)
		return NULL;
	t = _(state_local[state]);
	return t == state_local[state] || strchr(t, '|') != NULL || *t == '\0' ? NULL : t;
}

const char *view_state_label(int state, int maxw, char *buf, size_t size)
{
	const char *rfc = tcb_state_name((enum tcb_state)state);
	const char *local = state_local_name(state);
	char full[96];

	if (local != NULL && tw_width(rfc) + 1 + tw_width(local) <= maxw) {
		snprintf(full, sizeof(full), "%s %s", rfc, local);
		tw_fit(full, maxw, false, false, buf, size);
	} else {
		tw_fit(rfc, maxw, true, false, buf, size);
	}
	return buf;
}

int view_state_style(int state)
{
	switch (state) {
	case TCB_CLOSED:
		return TS_ST_CLOSED;
	case TCB_LISTEN:
		return TS_ST_LISTEN;
	case TCB_SYN_SENT:
	case TCB_SYN_RECEIVED:
		return TS_ST_OPENING;
	case TCB_ESTABLISHED:
		return TS_ST_ESTAB;
	case TCB_TIME_WAIT:
		return TS_ST_TIMEWAIT;
	default:
		return TS_ST_CLOSING;
	}
}

struct rect view_pane_title(struct vctx *x, const struct rect *r, const char *title,
			    bool focused)
{
	int style = focused ? TS_FOCUS : TS_BORDER;
	char fit[256];

	if (r->h <= 0)
		return *r;
	canvas_hline(x->c, r->y, r->x, r->w, style);
	if (title != NULL && r->w > 6) {
		int w = tw_fit(title, r->w - 4, true, x->ascii, fit, sizeof(fit));
		canvas_put(x->c, r->y, r->x + 1, 1, " ", style);
		canvas_put_attr(x->c, r->y, r->x + 2, w, fit, focused ? TS_FOCUS : TS_TITLE,
				TA_BOLD);
		canvas_put(x->c, r->y, r->x + 2 + w, 1, " ", style);
	}
	return (struct rect){r->y + 1, r->x, r->h - 1, r->w};
}

const struct tm_conn *view_sel_conn(const struct model *m, const struct view_state *vs)
{
	return vs->sel_conn ? model_conn(m, vs->sel_conn) : NULL;
}

const struct tm_flow *view_sel_flow(const struct model *m, const struct view_state *vs)
{
	const struct tm_conn *c = view_sel_conn(m, vs);

	if (c != NULL)
		return c->flow ? model_flow(m, c->flow) : NULL;
	return m->nflows ? m->flows[m->nflows - 1] : NULL;
}

long view_sel_index(const struct model *m, const struct view_state *vs)
{
	/* model_conn finds it by key (no scan of the table each frame) and
	 * returns a pointer into m->conns. */
	const struct tm_conn *c = view_sel_conn(m, vs);

	return c != NULL ? (long)(c - m->conns) : -1;
}

const char *vf_time(tv_time t, char buf[VF_MAX])
{
	snprintf(buf, VF_MAX, "%" PRIu64 ".%03" PRIu64, t / 1000000, t / 1000 % 1000);
	return buf;
}

const char *vf_time_us(tv_time t, char buf[VF_MAX])
{
	/* The transcript's spelling (VF_MAX >= OUT_TIME_MAX). */
	return out_time_str(t, buf);
}

const char *vf_dur(tv_time d, char buf[VF_MAX])
{
	uint64_t ms = d / 1000, s = d / 1000000;

	if (d < TV_SEC(1))
		snprintf(buf, VF_MAX, "%" PRIu64 "ms", ms);
	else if (d < TV_SEC(10))
		snprintf(buf, VF_MAX, "%" PRIu64 ".%" PRIu64 "s", s, ms / 100 % 10);
	else if (d < TV_SEC(100))
		snprintf(buf, VF_MAX, "%" PRIu64 "s", s);
	else if (d < TV_SEC(3600))
		snprintf(buf, VF_MAX, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
	else
		snprintf(buf, VF_MAX, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600,
			 s / 60 % 60, s % 60);
	return buf;
}

const char *vf_flags(uint8_t flags, char buf[VF_MAX])
{
	/* The same words as the transcript and the JSON lines. */
	return out_flags_words(flags, buf);
}

const char *vf_host_by_addr(const struct model *m, uint32_t addr)
{
	for (unsigned i = 0; i < m->nhosts; i++)
		if (m->hosts[i].addr == addr && addr != 0)
			return m->hosts[i].name;
	return NULL;
}

const char *vf_endpoint(const struct model *m, uint32_t addr, uint16_t port, bool full,
			char buf[VF_MAX])
{
	const char *name = vf_host_by_addr(m, addr);
	char ip[16];

	if (addr == 0 && port == 0) {
		snprintf(buf, VF_MAX, "*");
		return buf;
	}
	tv_ip_str(addr, ip);
	if (name != NULL && full)
		snprintf(buf, VF_MAX, "%s %s:%u", name, ip, port);
	else
		snprintf(buf, VF_MAX, "%s:%u", name != NULL ? name : ip, port);
	return buf;
}

size_t vf_seg_label(const struct tv_seg_info *s, bool rel, uint32_t sbase, uint32_t abase,
		    char *buf, size_t size)
{
	char fw[VF_MAX];
	int n;

	if (!rel)
		sbase = abase = 0;
	n = snprintf(buf, size, "%s seq=%" PRIu32, vf_flags(s->flags, fw), s->seq - sbase);
	if ((s->flags & TV_TH_ACK) && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " ack=%" PRIu32, s->ack - abase);
	if (s->len > 0 && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " len=%" PRIu32, s->len);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

const char *vf_timer_name(enum tv_timer_kind k)
{
	static const char *const names[TV_TIMER_KIND_COUNT] = {
		/* TRANSLATORS: short timer names, for narrow columns. */
		N_("RTO"), N_("persist"), N_("delack"), N_("keepalive"), N_("2MSL"),
		N_("conn"), N_("ARP"),
	};

	return (unsigned)k < TV_TIMER_KIND_COUNT ? _(names[k]) : "?";
}

int vf_seg_style(uint8_t flags, uint32_t len)
{
	if (flags & TV_TH_RST)
		return TS_SEG_RST;
	if (flags & TV_TH_SYN)
		return TS_SEG_SYN;
	if (flags & TV_TH_FIN)
		return TS_SEG_FIN;
	return len > 0 ? TS_SEG_DATA : TS_SEG_ACK;
}

void view_put_right(struct canvas *c, int y, int x, int w, const char *s, int style)
{
	int sw = tw_width(s);

	if (sw > w)
		canvas_put(c, y, x, w, s, style);
	else
		canvas_put(c, y, x + w - sw, sw, s, style);
}

/* The end of the next line of s that fits in w columns (a break after a
 * space or after a wide character, else anywhere), and where the line
 * after it starts. */
static const char *wrap_line(const char *s, int w, const char **next)
{
	const char *p = s, *end = NULL, *nx = NULL;
	int col = 0;

	while (*p != '\0' && *p != '\n') {
		const char *q = p;
		uint32_t cp = tw_next(&q);
		int cw = tw_cp_width(cp);
		if (col + cw > w)
			break;
		col += cw;
		if (cp == ' ') {
			end = p;
			nx = q;
		} else if (cw == 2) {
			end = nx = q;
		}
		p = q;
	}
	if (*p == '\0' || *p == '\n' || end == NULL || end == s) {
		if (p == s && *p != '\0' && *p != '\n')
			tw_next(&p); /* a character wider than the line */
		*next = *p == '\n' ? p + 1 : p;
		return p;
	}
	*next = nx;
	return end;
}

int view_wrap(struct canvas *c, const struct rect *r, int y, int skip, const char *text,
	      int style)
{
	const char *s = text, *next;
	char line[1024];
	int n = 0;

	if (r->w <= 0)
		return 0;
	while (*s != '\0') {
		const char *end = wrap_line(s, r->w, &next);
		size_t len = (size_t)(end - s);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, s, len);
		line[len] = '\0';
		if (n >= skip && y + n - skip < r->y + r->h)
			canvas_put(c, y + n - skip, r->x, r->w, line, style);
		n++;
		s = next;
		while (*s == ' ')
			s++;
	}
	return n;
}

uint32_t view_line_glyph(unsigned dirs, bool dashed, bool ascii)
{
	static const uint32_t uni[16] = {
		' ',    0x2500, 0x2500, 0x2500, 0x2502, 0x256f, 0x2570, 0x2534,
		0x2502, 0x256e, 0x256d, 0x252c, 0x2502, 0x2524, 0x251c, 0x253c,
	};
	bool horiz = dirs == M_L || dirs == M_R || dirs == (M_L | M_R);
	bool vert = dirs == M_U || dirs == M_D || dirs == (M_U | M_D);

	dirs &= 15;
	if (ascii)
		return dirs == 0 ? ' ' : horiz ? (dashed ? '.' : '-') : vert ? '|' : '+';
	if (dashed && horiz)
		return 0x2504;
	return uni[dirs];
}
