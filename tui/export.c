/*
 * export.c - `w`: the selected connection written to two files in the
 * current directory, tcpviz-YYYYmmdd-HHMMSS.txt (its text ladder, as
 * `tcpviz run` prints it: src/out/ladder.h) and tcpviz-YYYYmmdd-HHMMSS.pcapng
 * (its frames, for Wireshark: src/out/pcap.h).
 *
 * Where they come from.  The ladder is drawn from events, which the TUI
 * receives in process and attached alike: the app keeps the most recent
 * APP_ARCHIVE of them and feeds them to a fresh ladder at export time (a
 * connection older than that is cut at the start).  A pcap needs the
 * frames' bytes, which only the engine has: in process the engine keeps
 * the recent frames (engine_write_pcap); attached to a daemon, whose
 * protocol carries events and not frames, only the ladder is written and
 * the status line says so (`tcpviz run --pcap` records a scenario's
 * frames).
 */
#ifndef _DEFAULT_SOURCE /* NCURSES_CFLAGS may define it */
#define _DEFAULT_SOURCE
#endif
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/host.h"
#include "i18n.h"
#include "out/ladder.h"
#include "tui/app.h"
#include "tui/model.h"

void app_archive_event(struct app *a, const struct tv_event *ev)
{
	if (a->archive == NULL)
		return;
	a->archive[(a->arch_first + a->arch_n) % APP_ARCHIVE] = *ev;
	if (a->arch_n < APP_ARCHIVE)
		a->arch_n++;
	else
		a->arch_first = (a->arch_first + 1) % APP_ARCHIVE;
}

/* The connection to export: the selected one, else the newest. */
static const struct tm_conn *export_conn(const struct app *a)
{
	const struct tm_conn *c = model_conn(a->m, a->vs.sel_conn);

	for (unsigned i = a->m->nconns; c == NULL && i-- > 0;)
		if (!a->m->conns[i].listener)
			c = &a->m->conns[i];
	return c;
}

/* Does the line name the endpoint "addr:port" (and not a longer port)? */
static bool names_endpoint(const char *line, const char *ep)
{
	size_t n = strlen(ep);

	for (const char *p = strstr(line, ep); p != NULL; p = strstr(p + 1, ep))
		if (!isdigit((unsigned char)p[n]))
			return true;
	return false;
}

/* The diagram of the connection between the two endpoints (the last one
 * if they were reused), -1 if none. */
static long ladder_find(const struct ladder *l, const char *e1, const char *e2)
{
	long found = -1;

	for (unsigned i = 0; i < ladder_count(l); i++) {
		char *buf = NULL, *nl;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		if (fp == NULL)
			return found;
		ladder_print_one(l, i, fp);
		fclose(fp);
		/* The first non-blank line is the diagram's title. */
		char *t = buf ? buf + strspn(buf, "\n") : NULL;
		if (t != NULL && (nl = strchr(t, '\n')) != NULL)
			*nl = '\0';
		if (t != NULL && names_endpoint(t, e1) && names_endpoint(t, e2))
			found = (long)i;
		free(buf);
	}
	return found;
}

static struct ladder *export_ladder(const struct app *a)
{
	struct ladder *l = ladder_new();

	if (l == NULL)
		return NULL;
	for (unsigned i = 0; i < a->m->nhosts; i++)
		ladder_add_host(l, a->m->hosts[i].id, a->m->hosts[i].name, a->m->hosts[i].addr);
	ladder_set_ascii(l, a->cv.ascii);
	ladder_set_absolute(l, !a->vs.relative);
	ladder_set_width(l, 100);
	for (size_t i = 0; i < a->arch_n; i++)
		ladder_sink(l, &a->archive[(a->arch_first + i) % APP_ARCHIVE]);
	return l;
}

/* 0, or -1 with the reason in msg. */
static int export_text(const struct app *a, const struct tm_conn *c, const char *path,
		       char *msg, size_t size)
{
	struct ladder *l = export_ladder(a);
	char e1[32], e2[32], ip[16];
	long i;
	FILE *fp;
	int r;

	if (l == NULL) {
		snprintf(msg, size, "%s", _("out of memory"));
		return -1;
	}
	snprintf(e1, sizeof(e1), "%s:%u", tv_ip_str(c->tuple.laddr, ip), c->tuple.lport);
	snprintf(e2, sizeof(e2), "%s:%u", tv_ip_str(c->tuple.raddr, ip), c->tuple.rport);
	if ((i = ladder_find(l, e1, e2)) < 0) {
		snprintf(msg, size, _("no segments of %s - %s among the recent events"), e1, e2);
		ladder_free(l);
		return -1;
	}
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(msg, size, _("cannot write %s: %s"), path, strerror(errno));
		ladder_free(l);
		return -1;
	}
	r = ladder_print_one(l, (unsigned)i, fp);
	if (fclose(fp) != 0 || r != 0) {
		snprintf(msg, size, _("cannot write %s: %s"), path, strerror(errno));
		r = -1;
	}
	ladder_free(l);
	return r;
}

void app_export(struct app *a)
{
	const struct tm_conn *c = export_conn(a);
	char base[64], txt[80], pcap[80], msg[256];
	time_t now = time(NULL);
	unsigned long frames = 0;
	int err;

	if (c == NULL) {
		app_status(a, true, "%s", _("no connection to export yet"));
		return;
	}
	strftime(base, sizeof(base), "tcpviz-%Y%m%d-%H%M%S", localtime(&now));
	snprintf(txt, sizeof(txt), "%s.txt", base);
	snprintf(pcap, sizeof(pcap), "%s.pcapng", base);
	if (export_text(a, c, txt, msg, sizeof(msg)) != 0) {
		app_status(a, true, "%s", msg);
		return;
	}
	if (a->eng == NULL) {
		app_status(a, false, _("wrote %s (no pcap: a daemon sends events, not frames)"), txt);
		return;
	}
	err = engine_write_pcap(a->eng, pcap, c->tuple.laddr, c->tuple.lport, c->tuple.raddr,
				c->tuple.rport, &frames);
	if (err != 0)
		app_status(a, true, _("wrote %s; %s: %s"), txt, pcap,
			   errno ? strerror(errno) : _(tv_strerror(err)));
	else
		app_status(a, false, _("wrote %s and %s (%lu frames)"), txt, pcap, frames);
}
