/*
 * ctl.c - `tcpviz ctl`: talk to a running daemon (client.h).
 *
 *   tcpviz ctl [--socket PATH] COMMAND...      one request: the words are
 *                                              joined into one line; the
 *                                              reply is printed, exit 0 if
 *                                              it is ok, 1 if not
 *   tcpviz ctl --follow [--json]               the event stream, until
 *                                              interrupted
 *
 * Followed events print as the transcript (src/out/text.h): each JSON
 * line is turned back into an event (evjson.h) and handed to the same
 * writer `tcpviz run` uses, in this process's language.  --json prints
 * the lines as they came.  A follower says `hello 1 readonly`: watching
 * never changes anything.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/client.h"
#include "daemon/cmd.h"
#include "daemon/evjson.h"
#include "i18n.h"
#include "out/text.h"

struct copts {
	const char *socket;
	bool follow, json, no_history, verbose, absolute, pretty, readonly;
};

static void usage(FILE *out)
{
	fprintf(out, _("Usage: %s ctl [OPTION]... COMMAND...\n"
		       "  or:  %s ctl [OPTION]... --follow [--json]\n"),
		PACKAGE, PACKAGE);
	fputs(_("Send one request to a running 'tcpviz daemon' and print its reply (exit 0\n"
		"if it is ok, 1 if not), or follow its events.  A request is a command of\n"
		"the command language (see tcpviz-script(5)) or one of: snapshot, stats,\n"
		"ping, speed [X], resume, help.\n\n"), out);
	fputs(_("  -S, --socket=PATH  the daemon's socket (default $XDG_RUNTIME_DIR/tcpviz.sock,\n"
		"                     else /tmp/tcpviz-UID/tcpviz.sock)\n"), out);
	fputs(_("  -p, --pretty       indent the JSON reply\n"), out);
	fputs(_("  -r, --readonly     connect read-only (the daemon refuses changes)\n"), out);
	fputs(_("  -f, --follow       print the daemon's events until interrupted\n"), out);
	fputs(_("  -j, --json         with --follow: the JSON lines as they come\n"), out);
	fputs(_("  -n, --no-history   with --follow: skip the recent events the daemon kept\n"),
	      out);
	fputs(_("  -v, --verbose      with --follow: every event, not only the usual ones\n"),
	      out);
	fputs(_("  -a, --absolute     with --follow: absolute sequence numbers\n"), out);
	fputs(_("  -h, --help         show this help and exit\n"), out);
}

static int parse_opts(int argc, char **argv, struct copts *o)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 'S'}, {"pretty", no_argument, NULL, 'p'},
		{"readonly", no_argument, NULL, 'r'},	  {"follow", no_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},	  {"no-history", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},	  {"absolute", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	int c;

	/* '+': stop at the command, whose words may look like options. */
	while ((c = getopt_long(argc, argv, "+S:prfjnvah", opts, NULL)) != -1) {
		switch (c) {
		case 'S': o->socket = optarg; break;
		case 'p': o->pretty = true; break;
		case 'r': o->readonly = true; break;
		case 'f': o->follow = true; break;
		case 'j': o->json = true; break;
		case 'n': o->no_history = true; break;
		case 'v': o->verbose = true; break;
		case 'a': o->absolute = true; break;
		case 'h': usage(stdout); return -1;
		default: return 2;
		}
	}
	if (o->follow == (optind < argc)) {
		fprintf(stderr, o->follow ? _("%s: --follow takes no command\n")
					  : _("%s: no command given; try '%s ctl --help'\n"),
			PACKAGE, PACKAGE);
		return 2;
	}
	return 0;
}

/* The words of argv as one request line. */
static char *join_words(int argc, char **argv)
{
	size_t len = 1;
	char *line;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((line = malloc(len)) == NULL)
		return NULL;
	line[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	return line;
}

static void print_json(const json_t *o, bool pretty)
{
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT));

	if (s != NULL)
		printf("%s\n", s);
	free(s);
	fflush(stdout);
}

static void print_failure(const struct tvc_msg *m)
{
	const char *exp = json_string_value(json_object_get(m->obj, "expected"));
	const char *act = json_string_value(json_object_get(m->obj, "actual"));

	fprintf(stderr, "%s: %s\n", PACKAGE, m->error ? m->error : _("request failed"));
	if (exp != NULL && exp[0] != '\0')
		fprintf(stderr, _("  expected: %s\n  actual:   %s\n"), exp, act ? act : "");
}

static struct tvc *ctl_connect(const struct copts *o, bool readonly)
{
	struct tvc *c = tvc_new();
	struct tvc_msg m;
	char msg[512];

	if (c == NULL || tvc_connect(c, o->socket, -1, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, c ? msg : _("out of memory"));
		tvc_free(c);
		return NULL;
	}
	if (!readonly)
		return c;
	if (tvc_call(c, "hello 1 readonly", &m, NULL, NULL, -1) != 0 || !m.ok) {
		fprintf(stderr, "%s: %s\n", PACKAGE, _("the daemon refused a read-only hello"));
		tvc_msg_clear(&m);
		tvc_free(c);
		return NULL;
	}
	tvc_msg_clear(&m);
	return c;
}

/* A "bye" while waiting for the reply: say why the daemon closed. */
static void note_bye(void *ctx, const struct tvc_msg *m)
{
	if (m->kind == TVC_BYE && m->error != NULL)
		snprintf(ctx, 256, "%s", m->error);
}

static int ctl_request(const struct copts *o, int argc, char **argv)
{
	char *line = join_words(argc, argv);
	struct tvc *c = line ? ctl_connect(o, o->readonly) : NULL;
	struct tvc_msg m;
	char bye[256] = "";
	int r, status = 1;

	if (c == NULL) {
		free(line);
		return 1;
	}
	if ((r = tvc_call(c, line, &m, note_bye, bye, -1)) != 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, bye[0] ? bye : _(tvc_strerror(r)));
	} else {
		print_json(m.obj, o->pretty);
		if (!m.ok)
			print_failure(&m);
		status = m.ok ? 0 : 1;
		tvc_msg_clear(&m);
	}
	tvc_free(c);
	free(line);
	return status;
}

/* ---- following ---- */

struct follow {
	const struct copts *o;
	struct evjson *dec;
	struct text_out *text;
};

static void host_named(void *ctx, const struct evjson_host *h)
{
	struct follow *f = ctx;

	text_add_host(f->text, h->id, h->name, h->addr);
}

/* A "skipped" notice: the daemon left events out (its stream was over
 * its time budget); say so where the events go.  True if it was one. */
static bool follow_skipped(struct follow *f, const json_t *o)
{
	const char *what = json_string_value(json_object_get(o, "notice"));

	if (what == NULL || strcmp(what, "skipped") != 0)
		return false;
	if (f->o->json)
		print_json(o, false);
	else
		printf(_("# %lld events skipped: the stack made them faster than the stream may send\n"),
		       (long long)json_integer_value(json_object_get(o, "events")));
	fflush(stdout);
	return true;
}

static void follow_msg(struct follow *f, const struct tvc_msg *m)
{
	struct tv_event ev;

	if (m->kind == TVC_NOTICE && follow_skipped(f, m->obj))
		return;
	if (m->kind == TVC_NOTICE)
		evjson_add_hosts(f->dec, json_object_get(m->obj, "hosts"), host_named, f);
	if (m->kind != TVC_EVENT)
		return;
	if (f->o->json) {
		print_json(m->obj, false);
		return;
	}
	if (evjson_decode(f->dec, m->obj, &ev) == 0) {
		text_sink(f->text, &ev);
		fflush(stdout);
	}
}

static void follow_other(void *ctx, const struct tvc_msg *m)
{
	follow_msg(ctx, m);
}

static int follow_loop(struct follow *f, struct tvc *c)
{
	struct tvc_msg m;
	int r;

	for (;;) {
		if ((r = tvc_read(c, &m, -1)) != 0) {
			fprintf(stderr, "%s: %s\n", PACKAGE, _(tvc_strerror(r)));
			return 1;
		}
		if (m.kind == TVC_BYE) {
			fprintf(stderr, "%s: %s\n", PACKAGE, m.error ? m.error : _("bye"));
			tvc_msg_clear(&m);
			return 0;
		}
		follow_msg(f, &m);
		tvc_msg_clear(&m);
	}
}

static int ctl_follow(const struct copts *o)
{
	struct follow f = {o, evjson_new(), text_new(stdout)};
	struct tvc *c = NULL;
	struct tvc_msg m;
	int r = 1;

	if (f.dec == NULL || f.text == NULL || (c = ctl_connect(o, true)) == NULL)
		goto out;
	text_set_absolute(f.text, o->absolute);
	text_set_mask(f.text, o->verbose ? TEXT_MASK_ALL : TEXT_MASK_DEFAULT);
	evjson_add_hosts(f.dec, json_object_get(tvc_greeting(c), "hosts"), host_named, &f);
	if ((r = tvc_call(c, o->no_history ? "subscribe nohistory" : "subscribe", &m, follow_other,
			  &f, -1)) != 0 || !m.ok) {
		fprintf(stderr, "%s: %s\n", PACKAGE,
			r ? _(tvc_strerror(r)) : m.error ? m.error : _("subscribe refused"));
		if (r == 0)
			tvc_msg_clear(&m);
		r = 1;
		goto out;
	}
	tvc_msg_clear(&m);
	r = follow_loop(&f, c);
out:
	tvc_free(c);
	text_free(f.text);
	evjson_free(f.dec);
	return r;
}

int cmd_ctl(int argc, char **argv)
{
	struct copts o = {0};
	int r = parse_opts(argc, argv, &o);

	if (r != 0)
		return r < 0 ? 0 : r;
	if (o.follow)
		return ctl_follow(&o);
	return ctl_request(&o, argc - optind, argv + optind);
}
