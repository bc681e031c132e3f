/*
 * live.h - the live side of `tcpviz run` (live.c): a script run against
 * the kernel across a TAP device in real time.  run.c owns the command
 * line and the observers; these calls swap the headless sim for the
 * runtime's and let the script's waits take wall time.
 */
#ifndef TV_LIVE_H
#define TV_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "script/script.h"

/* getopt codes of the live options (long options only). */
enum {
	LIVE_OPT_TAP = 512,
	LIVE_OPT_ADDR,
	LIVE_OPT_HOST_ADDR,
	LIVE_OPT_NAME,
	LIVE_OPT_USER,
	LIVE_OPT_SPEED,
	LIVE_OPT_RESET,
};

#define LIVE_LONG_OPTS                                                          \
	{"tap", required_argument, NULL, LIVE_OPT_TAP},                         \
	{"addr", required_argument, NULL, LIVE_OPT_ADDR},                       \
	{"host-addr", required_argument, NULL, LIVE_OPT_HOST_ADDR},             \
	{"name", required_argument, NULL, LIVE_OPT_NAME},                       \
	{"user", required_argument, NULL, LIVE_OPT_USER},                       \
	{"speed", required_argument, NULL, LIVE_OPT_SPEED},                     \
	{"reset", no_argument, NULL, LIVE_OPT_RESET}

struct live_opts {
	const char *tap;          /* NULL: not live */
	uint32_t addr, host_addr;
	uint8_t addr_len, host_len;
	const char *name;         /* the stack host's name */
	const char *user;         /* drop root to */
	double speed;             /* 0: 1.0 */
	bool reset;               /* close with RST at the end */
};

struct live;

/* "10.1.2.2/24": 0 or TV_EINVAL. */
int live_parse_cidr(const char *s, uint32_t *addr, uint8_t *len);
/* Take getopt code c: 0, -1 (not a live option), or 2 (bad value,
 * reported). */
int live_opt(struct live_opts *o, int c, const char *arg);
/* After parsing: -1 fine, else the exit status (reported). */
int live_check(const struct live_opts *o, int nfiles);

/* Open the device and the runtime (errors are printed): NULL on
 * failure. */
struct live *live_open(const struct live_opts *o, uint64_t seed);
struct sim *live_sim(struct live *l);
void live_script_config(struct live *l, struct script_config *cfg);
/* Name the kernel and the stack host to the printers. */
void live_endpoints(struct live *l, void (*fn)(void *ctx, uint32_t id, const char *name,
					       uint32_t addr),
		    void *ctx);
void live_set_frame_tap(struct live *l, tv_frame_tap_fn fn, void *ctx);
enum script_status live_exec(struct live *l, struct script *sc, const struct script_cmd *cmd,
			     struct script_result *res);
/* The signal that interrupted the run, 0 if none. */
int live_signal(const struct live *l);
/* Close every connection and let the closing finish (before the script
 * is freed). */
void live_finish(struct live *l);
/* Free it all (after the script). */
void live_close(struct live *l);

#endif
