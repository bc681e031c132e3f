/*
 * cmd.h - the `tcpviz daemon` and `tcpviz ctl` subcommands (main.c
 * dispatches to them).  Each takes the subcommand's own argv (argv[0] is
 * its name) and returns the process exit status.
 */
#ifndef TV_DAEMON_CMD_H
#define TV_DAEMON_CMD_H

int cmd_daemon(int argc, char **argv);
int cmd_ctl(int argc, char **argv);

#endif
