/*
 * main.c - the tcpviz command: parses the global options and dispatches to
 * a subcommand.  Each subcommand lives in its own function (or file) and
 * returns the process exit status.
 *
 * `tcpviz demo` runs the two-host demo headless: A (10.0.0.1) connects to
 * the echo service on B (10.0.0.2), sends a line, reads it back and
 * closes; B closes in turn; A waits out TIME-WAIT.  Every segment, state
 * change and timer is printed as it happens, in virtual time.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apps.h"
#include "core/sim.h"
#include "core/sock.h"
#include "daemon/cmd.h"
#include "i18n.h"
#include "out/text.h"
#include "run.h"
#include "tui/tui.h"

static void usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]... COMMAND [ARG]...\n"), PACKAGE);
	fprintf(out, _("  or:  %s [TUI OPTION]...      the demo in the terminal UI\n"), PACKAGE);
	fputs(_("See TCP work: a userspace TCP/IP stack you can watch and step.\n\n"), out);
	fputs(_("Commands:\n"), out);
	fputs(_("  (none)       the TUI on the built-in demo; with --tap NAME --addr A/N,\n"
		"               the TUI against the kernel (TUI options below)\n"), out);
	fputs(_("  attach       the TUI on a running daemon ([--socket PATH] [--read-only])\n"),
	      out);
	fputs(_("  play         play a lesson or script in the TUI, stopping at its pauses\n"),
	      out);
	fputs(_("  demo         run the built-in two-host demo headless and print every\n"
		"               segment and state change\n"), out);
	fprintf(out, _("  run          run command scripts or lessons headless: transcript,\n"
		       "               ladder diagrams, expectations (see '%s run --help')\n"),
		PACKAGE);
	fputs(_("  lessons      list the built-in lessons\n"), out);
	fprintf(out, _("  daemon       run the stack live without a UI, driven through a control\n"
		       "               socket (see '%s daemon --help')\n"),
		PACKAGE);
	fprintf(out, _("  ctl          send a command to a running daemon, or follow its events\n"
		       "               (see '%s ctl --help')\n"),
		PACKAGE);
	fputs(_("\nOptions:\n"), out);
	fputs(_("  -h, --help     show this help and exit\n"), out);
	fputs(_("  -V, --version  show the version and exit\n"), out);
	fputs(_("\nTUI options (no command, attach, play):\n"), out);
	tui_usage_options(out);
	fputs(_("\nDemo options:\n"), out);
	fputs(_("  -s, --seed=N   seed the run (same seed, same transcript); default 1\n"), out);
	fputs(_("  -a, --absolute print absolute sequence numbers\n"), out);
	fputs(_("  -v, --verbose  print every event (segments received, sockets, ARP...)\n"),
	      out);
	fprintf(out, _("\nReport bugs to <%s>.\n"), PACKAGE_BUGREPORT);
}

/* ---- the demo ---- */

#define DEMO_LINE "Hello, TCP!\r\n"
#define DEMO_LIMIT TV_SEC(3600)
#define DEMO_DELAY TV_USEC(100)   /* one way, so the timeline shows the RTT */

struct demo {
	struct sim *sim;
	struct host *a, *b;
	struct tv_sock *sk;     /* A's connection, until A closes it */
	char got[64];
	size_t got_len;
	bool echoed;
	int err;
};

/* Narration goes through the bus so it lands in order with the events. */
static void demo_note(struct demo *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void demo_note(struct demo *d, const char *fmt, ...)
{
	struct tv_event ev;
	va_list ap;

	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_NOTE;
	ev.time = sim_now(d->sim);
	va_start(ap, fmt);
	vsnprintf(ev.u.note.text, sizeof(ev.u.note.text), fmt, ap);
	va_end(ap);
	tv_bus_emit(sim_bus(d->sim), &ev);
}

static void demo_close(struct demo *d, tv_time now)
{
	if (d->sk == NULL)
		return;
	demo_note(d, "%s", _("A closes its end (active close: A will go through TIME-WAIT)"));
	sock_close(d->sk, now);
	d->sk = NULL;
}

static void demo_read(struct demo *d, struct tv_sock *s, tv_time now)
{
	long n = TV_EAGAIN;

	while (d->got_len < sizeof(d->got) - 1 &&
	       (n = sock_recv(s, d->got + d->got_len, sizeof(d->got) - 1 - d->got_len, now)) > 0)
		d->got_len += (size_t)n;
	d->got[d->got_len] = '\0';
	if (!d->echoed && d->got_len >= strlen(DEMO_LINE)) {
		d->echoed = strcmp(d->got, DEMO_LINE) == 0;
		demo_note(d, _("A read back %zu bytes from the echo service%s"), d->got_len,
			  d->echoed ? "" : _(" (not what it sent!)"));
		demo_close(d, now);
	} else if (n == 0 || (n < 0 && n != TV_EAGAIN)) {
		d->err = n < 0 ? (int)n : TV_ECLOSING;
		demo_close(d, now);
	}
}

static void demo_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct demo *d = ctx;
	tv_time now = sim_now(d->sim);

	switch (ev) {
	case TV_SOCK_CONNECTED:
		demo_note(d, _("A is connected and sends %zu bytes"), strlen(DEMO_LINE));
		if (sock_send(s, DEMO_LINE, strlen(DEMO_LINE), now) < 0)
			d->err = TV_EABORTED;
		break;
	case TV_SOCK_READABLE:
	case TV_SOCK_PEER_CLOSED:
		demo_read(d, s, now);
		break;
	case TV_SOCK_ERROR:
	case TV_SOCK_CLOSED:
		d->err = err ? err : TV_ENOTCONN;
		demo_close(d, now);
		break;
	default:
		break;
	}
}

static int demo_setup(struct demo *d, struct text_out *t, struct apps **apps)
{
	uint32_t a_addr = 0x0a000001, b_addr = 0x0a000002; /* 10.0.0.1, 10.0.0.2 */
	struct wire_impair im;
	int err;

	wire_impair_none(&im);
	im.delay = DEMO_DELAY;
	wire_set_default(sim_wire(d->sim), &im);

	if ((err = sim_add_host(d->sim, "A", a_addr, &d->a)) != 0 ||
	    (err = sim_add_host(d->sim, "B", b_addr, &d->b)) != 0)
		return err;
	text_add_host(t, d->a->id, "A", a_addr);
	text_add_host(t, d->b->id, "B", b_addr);
	if ((err = tv_bus_add(sim_bus(d->sim), text_sink, t)) != 0)
		return err;
	if ((err = apps_start(d->b, APPS_ALL, sim_now(d->sim), apps)) != 0)
		return err;
	demo_note(d, "%s", _("B runs echo, discard, daytime, chargen and http; "
			     "A connects to B's echo port (7)"));
	return sock_connect(d->a, b_addr, app_port(APP_ECHO), 0, demo_cb, d, &d->sk,
			    sim_now(d->sim));
}

static int demo_run(uint64_t seed, bool absolute, bool verbose)
{
	struct demo d = {0};
	struct apps *apps = NULL;
	struct text_out *t = text_new(stdout);
	int err;

	d.sim = sim_new(seed);
	if (t == NULL || d.sim == NULL) {
		fprintf(stderr, _("%s: out of memory\n"), PACKAGE);
		return 1;
	}
	text_set_absolute(t, absolute);
	text_set_mask(t, verbose ? TEXT_MASK_ALL : TEXT_MASK_DEFAULT);
	err = demo_setup(&d, t, &apps);
	if (err == 0 && sim_run_until_idle(d.sim, DEMO_LIMIT) != 0)
		err = TV_ETIMEDOUT;
	if (err == 0 && !d.echoed)
		err = d.err ? d.err : TV_EAGAIN;
	if (err == 0)
		demo_note(&d, "%s", _("nothing left to do: every connection is closed"));
	else
		fprintf(stderr, _("%s: demo failed: %s\n"), PACKAGE, _(tv_strerror(err)));
	/* Tearing down is not part of the story: stop printing first. */
	tv_bus_remove(sim_bus(d.sim), text_sink, t);
	if (d.sk)
		sock_close(d.sk, sim_now(d.sim));
	apps_stop(apps, sim_now(d.sim));
	sim_free(d.sim);
	text_free(t);
	return err == 0 ? 0 : 1;
}

static bool parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end != '\0' || s[0] == '-')
		return false;
	*out = v;
	return true;
}

static int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"seed", required_argument, NULL, 's'},
		{"absolute", no_argument, NULL, 'a'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t seed = 1;
	bool absolute = false, verbose = false;
	int c;

	while ((c = getopt_long(argc, argv, "s:avh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!parse_seed(optarg, &seed)) {
				fprintf(stderr, _("%s: invalid seed '%s'\n"), PACKAGE, optarg);
				return 2;
			}
			break;
		case 'a':
			absolute = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("%s: unexpected argument '%s'\n"), PACKAGE, argv[optind]);
		return 2;
	}
	return demo_run(seed, absolute, verbose);
}

/* No command, `attach`, `play`, or an option of the TUI's (--tap...). */
static bool is_tui(const char *arg)
{
	if (strcmp(arg, "attach") == 0 || strcmp(arg, "play") == 0)
		return true;
	return arg[0] == '-' && strcmp(arg, "-h") != 0 && strcmp(arg, "--help") != 0 &&
	       strcmp(arg, "-V") != 0 && strcmp(arg, "--version") != 0;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	/* TCPVIZ_LOCALEDIR: the catalogs of an uninstalled build (tests). */
	if (getenv("TCPVIZ_LOCALEDIR") != NULL && getenv("TCPVIZ_LOCALEDIR")[0] != '\0')
		bindtextdomain(PACKAGE, getenv("TCPVIZ_LOCALEDIR"));
	if (argc < 2 || is_tui(argv[1]))
		return cmd_tui(argc, argv);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "demo") == 0)
		return cmd_demo(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "lessons") == 0)
		return cmd_lessons(argc - 1, argv + 1);
	if (strcmp(argv[1], "daemon") == 0)
		return cmd_daemon(argc - 1, argv + 1);
	if (strcmp(argv[1], "ctl") == 0)
		return cmd_ctl(argc - 1, argv + 1);
	fprintf(stderr, _("%s: unknown command '%s'; try '%s --help'\n"), PACKAGE, argv[1],
		PACKAGE);
	return 2;
}
