/*
 * run.h - the `tcpviz run` and `tcpviz lessons` subcommands (run.c).
 * Each takes the subcommand's own argv (argv[0] is the subcommand) and
 * returns the process exit status.
 */
#ifndef TV_RUN_H
#define TV_RUN_H

int cmd_run(int argc, char **argv);
int cmd_lessons(int argc, char **argv);

#endif
