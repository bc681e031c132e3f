/*
 * replay.c - run a fuzz target without libFuzzer: feed every file under
 * the directories (or the files) named on the command line to
 * LLVMFuzzerTestOneInput, in name order.  Built with the normal compiler
 * as a `make check` test, so every committed seed and every regression
 * input runs in every check (and under the sanitizers in CI).  A crash or
 * a violated invariant aborts, which fails the test; the file being run
 * is printed first so the failure names it.
 *
 *   tests/fuzz/replay_frame [DIR... | FILE...]
 *
 * With no arguments (as `make check` runs it) the directories are
 * $srcdir/tests/fuzz/corpus/TARGET and $srcdir/tests/fuzz/regress/TARGET,
 * TARGET being the FUZZ_TARGET the program was built for.
 */
#define _POSIX_C_SOURCE 200809L /* dirent, stat under -std=c11 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (nb == NULL) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
	/* An exact-size copy, so a sanitizer sees reads past the end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir (not recursive), sorted; count in *nrun. */
static int replay_dir(const char *dir, unsigned *nrun)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (d == NULL)
		return 0; /* no regressions yet for this target */
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (nn == NULL)
				abort();
			names = nn;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if ((names[n] = malloc(len)) == NULL)
			abort();
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc = replay_file(names[i]);
			++*nrun;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned nrun = 0;
	const char *srcdir = getenv("srcdir");
	char corpus[4096], regress[4096];
	char *dflt[] = {argv[0], corpus, regress};

	if (argc < 2) {
		if (srcdir == NULL)
			srcdir = ".";
		snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s", srcdir, FUZZ_TARGET);
		snprintf(regress, sizeof(regress), "%s/tests/fuzz/regress/%s", srcdir, FUZZ_TARGET);
		argc = 3;
		argv = dflt;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int rc;
		if (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc = replay_file(argv[i]);
			nrun++;
		} else {
			rc = replay_dir(argv[i], &nrun);
		}
		if (rc != 0)
			return 1;
	}
	printf("%u inputs replayed\n", nrun);
	return nrun > 0 ? 0 : 1;
}
