/*
 * client.h - the client side of the control socket (proto.h): connect,
 * send request lines, read the daemon's JSON lines back as typed
 * messages.  Used by `tcpviz ctl` and meant for the TUI; no UI code.
 *
 * Two layers.  The codec has no I/O of its own, so a program with its own
 * event loop feeds it the bytes it read and takes messages out:
 *
 *   tvc_feed(c, buf, n);
 *   while (tvc_next(c, &m) > 0) { ... m.kind ... tvc_msg_clear(&m); }
 *
 * and the blocking helpers do the I/O on the connection's socket:
 *
 *   struct tvc *c = tvc_new();
 *   if (tvc_connect(c, NULL, msg, sizeof(msg)) != 0) ... msg says why
 *   tvc_call(c, "snapshot", &reply, NULL, NULL, 5000);
 *   tvc_send(c, "subscribe");  tvc_read(c, &m, -1) ...
 *   tvc_free(c);
 *
 * Request numbers: the daemon answers the Nth line a client sent with
 * {"reply": N}; the codec counts the lines sent through it, so
 * tvc_send's return value is the number to wait for.  A client that
 * writes to the socket itself must count its own lines (tvc_sent()).
 */
#ifndef TV_DAEMON_CLIENT_H
#define TV_DAEMON_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "daemon/proto.h"

enum tvc_kind {
	TVC_GREETING,  /* {"tcpviz": 1, ...}, once, first */
	TVC_REPLY,     /* {"reply": N, "ok": ...} */
	TVC_EVENT,     /* {"type": ..., "t": ...} (src/out/json.h) */
	TVC_NOTICE,    /* {"notice": "hosts", ...} */
	TVC_BYE,       /* {"bye": reason, "message": ...}: closing */
	TVC_OTHER,     /* an object of a kind this client does not know */
};

struct tvc_msg {
	enum tvc_kind kind;
	json_t *obj;            /* the whole line; freed by tvc_msg_clear */
	unsigned long reply;    /* TVC_REPLY: the request's number */
	bool ok;                /* TVC_REPLY */
	const char *status;     /* TVC_REPLY not ok: error, failed, refused */
	const char *error;      /* TVC_REPLY not ok / TVC_BYE: the message */
};

/* Errors of the blocking helpers (negative). */
enum {
	TVC_EOF = -1,           /* the daemon closed the connection */
	TVC_ETIMEDOUT = -2,
	TVC_EPROTO = -3,        /* a line that is not a JSON object, or too long */
	TVC_EIO = -4,           /* a socket error (errno says which) */
	TVC_ENOMEM = -5,
};

/* Longest line accepted from the daemon (a snapshot of many TCBs). */
#define TVC_LINE_MAX (256u << 20)

struct tvc;

/* NULL if out of memory. */
struct tvc *tvc_new(void);
/* Closes the socket, if any. */
void tvc_free(struct tvc *c);

/* Connect to path (NULL: tvd_client_path()) and read the greeting
 * (waiting up to timeout_ms, -1 for ever).  0, or -1 with a translated
 * message (no daemon there, permission, protocol too new, ...). */
int tvc_connect(struct tvc *c, const char *path, int timeout_ms, char *msg, size_t size);
/* The greeting (owned by c), NULL before tvc_connect succeeded. */
const json_t *tvc_greeting(const struct tvc *c);
int tvc_fd(const struct tvc *c);

/* ---- codec ---- */

/* Append bytes read from the daemon.  0, or TVC_ENOMEM / TVC_EPROTO (a
 * line over TVC_LINE_MAX). */
int tvc_feed(struct tvc *c, const void *data, size_t len);
/* Take the next complete message: 1, 0 when more input is needed, or
 * TVC_EPROTO for a line that is not a JSON object (it is consumed). */
int tvc_next(struct tvc *c, struct tvc_msg *m);
void tvc_msg_clear(struct tvc_msg *m);
/* Count a request line the caller sent itself; returns its number. */
unsigned long tvc_count_sent(struct tvc *c);
unsigned long tvc_sent(const struct tvc *c);

/* ---- blocking helpers ---- */

/* Send one request line (no newline in it; it is added).  Returns the
 * request's number (> 0), or 0 on error (errno set; EINVAL for a line
 * with a newline or longer than TVD_LINE_MAX). */
unsigned long tvc_send(struct tvc *c, const char *line);
/* Read the next message, waiting up to timeout_ms (-1: for ever).  0, or
 * a TVC_E* code. */
int tvc_read(struct tvc *c, struct tvc_msg *m, int timeout_ms);
/* Send line and wait for its reply (into *reply, to be cleared); every
 * other message that arrives meanwhile goes to other (NULL: dropped), in
 * order, and is cleared after the call.  0 when the reply arrived (ok or
 * not: see reply->ok), or a TVC_E* code. */
int tvc_call(struct tvc *c, const char *line, struct tvc_msg *reply,
	     void (*other)(void *ctx, const struct tvc_msg *m), void *ctx, int timeout_ms);

/* English message of a TVC_E* code (translate with gettext). */
const char *tvc_strerror(int err);

#endif
