/*
 * run.h - the `tcpviz run` and `tcpviz lessons` subcommands (run.c).
 * Each takes the subcommand's own argv (argv[0] is the subcommand) and
 * returns the process exit status.
 */
#ifndef TV_RUN_H
#define TV_RUN_H

int cmd_run(int argc, char **argv);
int cmd_lessons(int argc, char **argv);

#include <stdbool.h>
#include <stddef.h>

/* For the TUI's player: a script file as given, or a lesson by name,
 * found as `tcpviz run` finds it (true, with its path); and the whole
 * text of a file, NUL-terminated (*len bytes before the NUL), or NULL
 * with errno set. */
bool run_find_script(const char *arg, char *path, size_t size);
char *run_load_script(const char *path, size_t *len);

#endif
