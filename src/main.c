/*
 * main.c - the tcpviz command: parses the global options and dispatches to
 * a subcommand.  Each subcommand lives in its own function (or file) and
 * returns the process exit status.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

static void usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]... COMMAND [ARG]...\n"), PACKAGE);
	fputs(_("See TCP work: a userspace TCP/IP stack you can watch and step.\n\n"), out);
	fputs(_("Commands:\n"), out);
	fputs(_("  demo         run the built-in two-host demo headless and print every\n"
		"               segment and state change\n"), out);
	fputs(_("\nOptions:\n"), out);
	fputs(_("  -h, --help     show this help and exit\n"), out);
	fputs(_("  -V, --version  show the version and exit\n"), out);
	fprintf(out, _("\nReport bugs to <%s>.\n"), PACKAGE_BUGREPORT);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, _("%s: unknown command '%s'; try '%s --help'\n"), PACKAGE, argv[1],
		PACKAGE);
	return 2;
}
