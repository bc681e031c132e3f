/*
 * run.c - `tcpviz run FILE|LESSON...` runs scripts headless and
 * `tcpviz lessons` lists the lesson library.
 *
 * A run parses every script first (all parse errors are printed, exit 2
 * if there was any), then runs each in its own simulation: the
 * transcript is printed as the events happen, then the ladder diagram of
 * every connection.  The first failed expectation stops the run (exit 1)
 * with expected vs actual, both ends' TCBs and the ladder up to that
 * point; a mistake the script makes at run time (an unknown name) exits
 * 2.  The seed is --seed, else the script's `seed` line, else 1, so the
 * same file and seed give the same bytes.
 *
 * Lessons are found by name (without .tvs) in the directories listed in
 * $TCPVIZ_LESSONS (colon-separated), then, when this binary runs
 * uninstalled from the build tree it was built in (in-tree or not), in
 * that source tree's scenarios/, then in the installed library
 * ($(pkgdatadir)/scenarios).
 */
#define _DEFAULT_SOURCE /* readlink, PATH_MAX under -std=c11 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sim.h"
#include "core/tcb.h"
#include "i18n.h"
#include "live.h"
#include "out/json.h"
#include "out/ladder.h"
#include "out/pcap.h"
#include "out/text.h"
#include "run.h"
#include "script/script.h"

#ifndef LESSONDIR
#define LESSONDIR PKGDATADIR "/scenarios"
#endif
/* Set by src/local.mk: where the uninstalled binary is built, and the
 * lessons of the source tree it was built from. */
#ifndef BUILD_BINDIR
#define BUILD_BINDIR ""
#endif
#ifndef SRCDIR_LESSONDIR
#define SRCDIR_LESSONDIR ""
#endif

#define SCRIPT_FILE_LIMIT (16u << 20)
#define LESSON_DIRS_MAX 16

struct run_opts {
	bool absolute, ascii, json, no_ladder, verbose;
	bool has_seed;
	uint64_t seed;
	const char *pcap;
	unsigned events;          /* --events: event types printed, 0: default */
	struct live_opts live;    /* --tap and friends (live.h) */
	struct live *rt;          /* the live run, NULL when headless */
};

/* One script to run: where it came from and what it parsed into. */
struct run_file {
	char path[PATH_MAX];
	struct script_prog prog;
};

/* The observers of one run. */
struct run_out {
	struct text_out *text;
	struct jsonl_out *json;
	struct ladder *ladder;
	struct pcapng_out *pcap;
	struct live *live;        /* frames the kernel receives go to pcap too */
};

/* ---- finding lessons ---- */

/* Is this the binary in the build tree (not an installed copy)?  Its
 * directory and the build tree's src/ are the same directory. */
static bool run_uninstalled(void)
{
	char exe[PATH_MAX], here[PATH_MAX], built[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (len <= 0 || BUILD_BINDIR[0] == '\0')
		return false;
	exe[len] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return false;
	*slash = '\0';
	return realpath(exe, here) != NULL && realpath(BUILD_BINDIR, built) != NULL &&
	       strcmp(here, built) == 0;
}

static unsigned lesson_dirs(char dirs[][PATH_MAX], unsigned max)
{
	const char *env = getenv("TCPVIZ_LESSONS");
	unsigned n = 0;

	while (env != NULL && *env != '\0' && n < max) {
		size_t k = strcspn(env, ":");
		if (k > 0 && k < PATH_MAX)
			snprintf(dirs[n++], PATH_MAX, "%.*s", (int)k, env);
		env += k + (env[k] == ':');
	}
	/* Uninstalled, the lessons it was built with come before whatever
	 * version may be installed. */
	if (n < max && SRCDIR_LESSONDIR[0] != '\0' && run_uninstalled())
		snprintf(dirs[n++], PATH_MAX, "%s", SRCDIR_LESSONDIR);
	if (n < max)
		snprintf(dirs[n++], PATH_MAX, "%s", LESSONDIR);
	return n;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A path as given, or a lesson by name. */
static bool run_resolve(const char *arg, char *path, size_t size)
{
	char dirs[LESSON_DIRS_MAX][PATH_MAX];
	unsigned n;

	if (is_file(arg) || strchr(arg, '/') != NULL) {
		snprintf(path, size, "%s", arg);
		return is_file(arg);
	}
	n = lesson_dirs(dirs, LESSON_DIRS_MAX);
	for (unsigned i = 0; i < n; i++) {
		if ((size_t)snprintf(path, size, "%s/%s.tvs", dirs[i], arg) < size && is_file(path))
			return true;
	}
	return false;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *b = ncap > SCRIPT_FILE_LIMIT ? NULL : realloc(buf, ncap);
			if (b == NULL) {
				free(buf);
				fclose(fp);
				errno = EFBIG;
				return NULL;
			}
			buf = b;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

bool run_find_script(const char *arg, char *path, size_t size)
{
	return run_resolve(arg, path, size);
}

char *run_load_script(const char *path, size_t *len)
{
	char *text = read_file(path, len), *t;

	if (text == NULL)
		return NULL;
	if ((t = realloc(text, *len + 1)) == NULL) {
		free(text);
		errno = ENOMEM;
		return NULL;
	}
	t[*len] = '\0';
	return t;
}

/* ---- parsing ---- */

static void print_error(const struct script_error *e)
{
	char buf[SCRIPT_FILE_MAX + SCRIPT_MSG_MAX + 32];

	script_error_format(e, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

/* Parse every file; returns the number of errors (files that cannot be
 * read count as errors), or -1 if out of memory. */
static int run_parse_all(struct run_file *files, int n, char **args)
{
	int errors = 0;

	for (int i = 0; i < n; i++) {
		size_t len = 0;
		char *text;
		if (!run_resolve(args[i], files[i].path, sizeof(files[i].path))) {
			fprintf(stderr, _("%s: no script file or lesson named '%s' (see '%s lessons')\n"),
				PACKAGE, args[i], PACKAGE);
			errors++;
			continue;
		}
		if ((text = read_file(files[i].path, &len)) == NULL) {
			fprintf(stderr, _("%s: cannot read %s: %s\n"), PACKAGE, files[i].path,
				strerror(errno));
			errors++;
			continue;
		}
		int r = script_prog_parse(files[i].path, text, len, &files[i].prog);
		free(text);
		if (r != 0)
			return -1;
		for (size_t k = 0; k < files[i].prog.nerrs; k++)
			print_error(&files[i].prog.errs[k]);
		errors += (int)files[i].prog.nerrs;
	}
	return errors;
}

/* ---- running one script ---- */

static void run_endpoint(void *ctx, uint32_t id, const char *name, uint32_t addr)
{
	struct run_out *o = ctx;

	if (o->text)
		text_add_host(o->text, id, name, addr);
	if (o->json)
		jsonl_add_host(o->json, id, name, addr);
	if (o->ladder)
		ladder_add_host(o->ladder, id, name, addr);
}

static int run_out_pcap(struct run_out *o, const struct run_opts *opt, struct sim *sim)
{
	int err = 0;

	if (opt->pcap == NULL)
		return 0;
	if ((o->pcap = pcapng_open(opt->pcap, &err)) == NULL)
		return err ? err : TV_EINVAL;
	sim_set_frame_tap(sim, pcapng_tap, o->pcap);
	if ((o->live = opt->rt) != NULL)
		live_set_frame_tap(o->live, pcapng_tap, o->pcap);
	return 0;
}

static int run_out_open(struct run_out *o, const struct run_opts *opt, struct sim *sim)
{
	struct tv_bus *bus = sim_bus(sim);

	memset(o, 0, sizeof(*o));
	if (opt->json) {
		if ((o->json = jsonl_new(stdout)) == NULL || tv_bus_add(bus, jsonl_sink, o->json) != 0)
			return TV_ENOMEM;
		if (opt->events != 0)
			jsonl_set_mask(o->json, opt->events);
	} else {
		if ((o->text = text_new(stdout)) == NULL || tv_bus_add(bus, text_sink, o->text) != 0)
			return TV_ENOMEM;
		text_set_absolute(o->text, opt->absolute);
		text_set_mask(o->text, opt->events ? opt->events
						   : opt->verbose ? TEXT_MASK_ALL : TEXT_MASK_DEFAULT);
	}
	/* A live run may go on for hours: keep no ladder unless asked. */
	if (opt->rt != NULL && opt->no_ladder)
		return run_out_pcap(o, opt, sim);
	if ((o->ladder = ladder_new()) == NULL || tv_bus_add(bus, ladder_sink, o->ladder) != 0)
		return TV_ENOMEM;
	ladder_set_ascii(o->ladder, opt->ascii || !ladder_locale_utf8());
	ladder_set_absolute(o->ladder, opt->absolute);
	return run_out_pcap(o, opt, sim);
}

static void run_out_detach(struct run_out *o, struct sim *sim)
{
	struct tv_bus *bus = sim_bus(sim);

	if (o->text)
		tv_bus_remove(bus, text_sink, o->text);
	if (o->json)
		tv_bus_remove(bus, jsonl_sink, o->json);
	if (o->ladder)
		tv_bus_remove(bus, ladder_sink, o->ladder);
	if (o->pcap)
		sim_set_frame_tap(sim, NULL, NULL);
	if (o->pcap && o->live)
		live_set_frame_tap(o->live, NULL, NULL);
}

/* Detach (again: harmless) and close the pcap file: its first error. */
static int run_out_close(struct run_out *o, struct sim *sim)
{
	int err = 0;

	run_out_detach(o, sim);
	if (o->pcap) {
		err = pcapng_close(o->pcap);
		o->pcap = NULL;
	}
	return err;
}

static void run_out_free(struct run_out *o)
{
	text_free(o->text);
	jsonl_free(o->json);
	ladder_free(o->ladder);
}

static void print_tcb(FILE *fp, struct script *sc, struct sim *sim, const struct script_tcb_ref *r)
{
	const char *host = script_endpoint_name(sc, r->host);
	struct tcb *t = script_tcb_find(sc, r);
	char buf[4096];

	if (r->name[0] != '\0')
		fprintf(fp, _("TCB of %s (host %s, connection %u):\n"), r->name, host ? host : "?",
			r->conn);
	else
		fprintf(fp, _("TCB of host %s, connection %u:\n"), host ? host : "?", r->conn);
	if (t == NULL) {
		fprintf(fp, "%s", _("  (gone: the connection is CLOSED)\n"));
		return;
	}
	script_tcb_format(t, sim_now(sim), buf, sizeof(buf));
	fputs(buf, fp);
}

static void run_report(const struct script_result *res, struct script *sc, struct sim *sim,
		       const struct run_out *o, const struct run_opts *opt)
{
	FILE *fp = opt->json ? stderr : stdout;

	fflush(stdout);
	print_error(&res->err);
	if (res->status != SCRIPT_FAILED)
		return;
	fprintf(fp, "\n%s\n", _("Expectation failed:"));
	if (res->expected[0] != '\0' || res->actual[0] != '\0')
		fprintf(fp, _("  expected: %s\n  actual:   %s\n"), res->expected, res->actual);
	for (unsigned i = 0; i < res->ntcbs; i++)
		print_tcb(fp, sc, sim, &res->tcbs[i]);
	if (!opt->no_ladder && o->ladder != NULL && ladder_count(o->ladder) > 0) {
		fprintf(fp, "\n%s\n", _("The ladder up to the failure:"));
		ladder_print(o->ladder, fp);
	}
}

static int run_cmds(struct script *sc, struct sim *sim, const struct script_prog *prog,
		    const struct run_out *o, const struct run_opts *opt)
{
	struct script_result res;

	for (size_t i = 0; i < prog->n; i++) {
		enum script_status st = opt->rt ? live_exec(opt->rt, sc, &prog->cmds[i], &res)
						: script_exec(sc, &prog->cmds[i], &res);
		if (opt->rt && live_signal(opt->rt) != 0) {
			fflush(stdout);
			fprintf(stderr, _("%s:%u: interrupted\n"), prog->cmds[i].file,
				prog->cmds[i].line);
			return 128 + live_signal(opt->rt);
		}
		if (st == SCRIPT_OK)
			continue;
		run_report(&res, sc, sim, o, opt);
		return res.status == SCRIPT_FAILED ? 1 : 2;
	}
	return 0;
}

/* The script of one run, its observers attached; the exit status. */
static int run_script(struct sim *sim, struct run_out *o, const struct run_file *f,
		      const struct run_opts *opt, uint64_t seed)
{
	struct script_config cfg = {0};
	struct script *sc;
	int rc;

	cfg.seed = seed;
	cfg.seed_fixed = opt->has_seed;
	cfg.on_endpoint = run_endpoint;
	cfg.ctx = o;
	if (opt->rt) {
		live_script_config(opt->rt, &cfg);
		live_endpoints(opt->rt, run_endpoint, o);
	}
	if ((sc = script_new(sim, &cfg)) == NULL) {
		fprintf(stderr, _("%s: out of memory\n"), PACKAGE);
		return 2;
	}
	if (o->pcap)
		script_set_frame_tap(sc, pcapng_tap, o->pcap);
	rc = run_cmds(sc, sim, &f->prog, o, opt);
	if (rc == 0 && !opt->no_ladder && !opt->json && ladder_count(o->ladder) > 0) {
		fflush(stdout);
		putchar('\n');
		ladder_print(o->ladder, stdout);
	}
	fflush(stdout);
	/* Live, closing is real traffic the kernel sees (FIN, or RST): it is
	 * reported too. */
	if (opt->rt)
		live_finish(opt->rt);
	script_set_frame_tap(sc, NULL, NULL);
	/* Stop observing before the teardown, which is not part of the
	 * story; the services closing would otherwise be reported. */
	run_out_detach(o, sim);
	script_free(sc);
	return rc;
}

static int run_one(const struct run_file *f, const struct run_opts *opts)
{
	struct run_out o;
	struct run_opts live_opts = *opts, *opt = &live_opts;
	uint64_t seed = opt->has_seed ? opt->seed : f->prog.has_seed ? f->prog.seed : 1;
	struct sim *sim;
	int rc, err;

	if (opt->live.tap != NULL) {
		if ((opt->rt = live_open(&opt->live, seed)) == NULL)
			return 2;
		sim = live_sim(opt->rt);
	} else {
		sim = sim_new(seed);
	}

	memset(&o, 0, sizeof(o));
	if (sim == NULL || (err = run_out_open(&o, opt, sim)) != 0) {
		fprintf(stderr, _("%s: cannot start the run: %s\n"), PACKAGE,
			opt->pcap && sim ? strerror(errno) : _(tv_strerror(TV_ENOMEM)));
		rc = 2;
	} else {
		rc = run_script(sim, &o, f, opt, seed);
	}
	err = sim ? run_out_close(&o, sim) : 0;
	if (opt->rt)
		live_close(opt->rt);
	else
		sim_free(sim);
	run_out_free(&o);
	if (err != 0 && rc == 0) {
		fprintf(stderr, _("%s: writing %s failed: %s\n"), PACKAGE, opt->pcap,
			_(tv_strerror(err)));
		rc = 2;
	}
	return rc;
}

/* ---- options ---- */

static void run_usage(FILE *out)
{
	fprintf(out, _("Usage: %s run [OPTION]... FILE|LESSON...\n"), PACKAGE);
	fputs(_("Run command scripts (*.tvs) or built-in lessons headless: print the\n"
		"transcript of every event, then a ladder diagram of each connection.\n\n"), out);
	fputs(_("  -a, --absolute   print absolute sequence numbers\n"), out);
	fputs(_("      --ascii      draw the ladder with ASCII characters only\n"), out);
	fputs(_("  -j, --json       write every event as a JSON line instead of the\n"
		"                   transcript (no ladder)\n"), out);
	fputs(_("  -p, --pcap=FILE  write every frame that crossed the wire to FILE\n"
		"                   (pcapng; dropped frames carry a comment)\n"), out);
	fputs(_("  -s, --seed=N     seed the run (overrides the script's 'seed' line);\n"
		"                   the same script and seed give the same output\n"), out);
	fputs(_("      --no-ladder  do not print ladder diagrams\n"), out);
	fputs(_("  -v, --verbose    print every event (segments received, sockets, ARP...)\n"),
	      out);
	fputs(_("      --events=LIST  print only these event types (comma-separated JSON\n"
		"                   names: state, seg_in, seg_out, retransmit, gate...)\n"),
	      out);
	fputs(_("  -h, --help       show this help and exit\n\n"), out);
	fputs(_("Against the kernel, in real time, across a TAP device:\n"
		"      --tap=NAME   open (or create) the TAP device NAME; the script's\n"
		"                   waits (run, run until, step) then take wall time\n"
		"      --addr=A/N   the stack's own address: a host with that address\n"
		"                   (named by --name) joins the wire with the kernel\n"
		"      --host-addr=H/N  give the kernel's side of NAME that address and\n"
		"                   bring it up; scripts reach the kernel at H\n"
		"      --name=HOST  the stack host's name in the script (tcpviz)\n"
		"      --speed=X    run the clock X times as fast (0.1 to 100; 1)\n"
		"      --user=USER  started as root: continue as USER once the device is\n"
		"                   open (default: $SUDO_UID, else stay root)\n"
		"      --reset      at the end close connections with RST, not FIN\n\n"), out);
	fputs(_("A LESSON is a name from 'tcpviz lessons'.  The language is described\n"
		"in tcpviz-script(5).\n\n"), out);
	fputs(_("Exit status: 0 if every expectation held, 1 at the first failed\n"
		"expectation, 2 for an error in a script (all parse errors are shown).\n"), out);
}

static bool run_parse_seed(const char *s, uint64_t *out)
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

enum { OPT_ASCII = 256, OPT_NO_LADDER, OPT_EVENTS };

/* "state,retransmit,gate": a mask of event types (their JSON names). */
static bool run_parse_events(const char *s, unsigned *mask)
{
	*mask = 0;
	while (*s != '\0') {
		size_t n = strcspn(s, ",");
		int t;
		for (t = 0; t < TV_EV_TYPE_COUNT; t++)
			if (strlen(tv_event_type_name((enum tv_event_type)t)) == n &&
			    strncmp(s, tv_event_type_name((enum tv_event_type)t), n) == 0)
				break;
		if (t == TV_EV_TYPE_COUNT)
			return false;
		*mask |= 1u << t;
		s += n + (s[n] == ',');
	}
	return *mask != 0;
}

static int run_getopt(int argc, char **argv, struct run_opts *opt)
{
	static const struct option opts[] = {
		{"absolute", no_argument, NULL, 'a'}, {"ascii", no_argument, NULL, OPT_ASCII},
		{"json", no_argument, NULL, 'j'}, {"pcap", required_argument, NULL, 'p'},
		{"seed", required_argument, NULL, 's'},
		{"no-ladder", no_argument, NULL, OPT_NO_LADDER},
		{"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
		{"events", required_argument, NULL, OPT_EVENTS},
		LIVE_LONG_OPTS,
		{NULL, 0, NULL, 0},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "ajp:s:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'a': opt->absolute = true; break;
		case OPT_ASCII: opt->ascii = true; break;
		case 'j': opt->json = true; break;
		case 'p': opt->pcap = optarg; break;
		case OPT_NO_LADDER: opt->no_ladder = true; break;
		case 'v': opt->verbose = true; break;
		case 's':
			if (!run_parse_seed(optarg, &opt->seed)) {
				fprintf(stderr, _("%s: invalid seed '%s'\n"), PACKAGE, optarg);
				return 2;
			}
			opt->has_seed = true;
			break;
		case OPT_EVENTS:
			if (!run_parse_events(optarg, &opt->events)) {
				fprintf(stderr, _("%s: invalid --events '%s': a comma-separated list of "
						  "state, seg_in, seg_out, drop, timer_arm, timer_cancel, "
						  "timer_fire, retransmit, cwnd, sock, arp, icmp, gate, "
						  "wire, note\n"),
					PACKAGE, optarg);
				return 2;
			}
			break;
		case 'h': run_usage(stdout); return 0;
		default:
			if ((r = live_opt(&opt->live, c, optarg)) != 0)
				return 2;
			break;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, _("%s run: give a script file or a lesson name (try '%s run --help')\n"),
			PACKAGE, PACKAGE);
		return 2;
	}
	return live_check(&opt->live, argc - optind);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts opt = {0};
	struct run_file *files;
	int n, rc = 0, errors;

	if ((rc = run_getopt(argc, argv, &opt)) >= 0)
		return rc;
	n = argc - optind;
	if ((files = calloc((size_t)n, sizeof(*files))) == NULL) {
		fprintf(stderr, _("%s: out of memory\n"), PACKAGE);
		return 2;
	}
	errors = run_parse_all(files, n, argv + optind);
	if (errors < 0)
		fprintf(stderr, _("%s: out of memory\n"), PACKAGE);
	rc = errors != 0 ? 2 : 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		if (n > 1)
			printf("%s== %s ==\n", i > 0 ? "\n" : "", files[i].path);
		rc = run_one(&files[i], &opt);
	}
	for (int i = 0; i < n; i++)
		script_prog_free(&files[i].prog);
	free(files);
	return rc;
}

/* ---- lessons ---- */

struct lesson {
	char name[256];
	char summary[SCRIPT_MSG_MAX];
};

static int lesson_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lesson *)a)->name, ((const struct lesson *)b)->name);
}

static bool lesson_known(const struct lesson *ls, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ls[i].name, name) == 0)
			return true;
	return false;
}

/* Add dir's *.tvs not already listed (earlier directories win). */
static int lessons_scan(const char *dir, struct lesson **ls, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char path[PATH_MAX], *text;
		if (len <= 4 || len - 4 >= sizeof((*ls)->name) || strcmp(e->d_name + len - 4, ".tvs") != 0)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 4), e->d_name);
		if (lesson_known(*ls, *n, name))
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 32;
			struct lesson *l = realloc(*ls, nc * sizeof(*l));
			if (l == NULL) {
				closedir(d);
				return TV_ENOMEM;
			}
			*ls = l;
			*cap = nc;
		}
		struct lesson *l = &(*ls)[(*n)++];
		snprintf(l->name, sizeof(l->name), "%s", name);
		l->summary[0] = '\0';
		size_t tl;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path) &&
		    (text = read_file(path, &tl)) != NULL) {
			script_lesson_summary(text, tl, l->summary, sizeof(l->summary));
			free(text);
		}
	}
	closedir(d);
	return 0;
}

static void lessons_usage(FILE *out)
{
	fprintf(out, _("Usage: %s lessons\n"), PACKAGE);
	fputs(_("List the built-in lessons, one line each; run one with\n"
		"'tcpviz run NAME'.  Lessons are looked up in $TCPVIZ_LESSONS (a\n"
		"colon-separated list of directories), then in the installed library.\n"),
	      out);
}

int cmd_lessons(int argc, char **argv)
{
	char dirs[LESSON_DIRS_MAX][PATH_MAX];
	struct lesson *ls = NULL;
	size_t n = 0, cap = 0, width = 0;
	unsigned nd;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		lessons_usage(stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, _("%s: unexpected argument '%s'\n"), PACKAGE, argv[1]);
		return 2;
	}
	nd = lesson_dirs(dirs, LESSON_DIRS_MAX);
	for (unsigned i = 0; i < nd; i++)
		if (lessons_scan(dirs[i], &ls, &n, &cap) != 0) {
			fprintf(stderr, _("%s: out of memory\n"), PACKAGE);
			free(ls);
			return 2;
		}
	if (n == 0) {
		fprintf(stderr, _("%s: no lessons found (set TCPVIZ_LESSONS to a directory of *.tvs files)\n"),
			PACKAGE);
		return 1;
	}
	qsort(ls, n, sizeof(*ls), lesson_cmp);
	for (size_t i = 0; i < n; i++)
		if (strlen(ls[i].name) > width)
			width = strlen(ls[i].name);
	for (size_t i = 0; i < n; i++) {
		if (ls[i].summary[0] == '\0')
			printf("%s\n", ls[i].name);
		else /* summaries are msgids: lessons are translated */
			printf("%-*s  %s\n", (int)width, ls[i].name, _(ls[i].summary));
	}
	free(ls);
	return 0;
}
