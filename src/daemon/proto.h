/*
 * proto.h - the control socket's protocol, version 1: what the daemon
 * (server.c) and its clients (client.c: `tcpviz ctl`, the TUI) agree on,
 * and where the socket lives.
 *
 * The socket is a Unix stream socket carrying lines of UTF-8 text, each
 * ended by "\n" (a "\r" before it is ignored), at most TVD_LINE_MAX bytes.
 *
 * Server to client: every line is one JSON object, told apart by its
 * first key:
 *
 *   {"tcpviz":1,"version":"0.1.0","pid":..,"readonly":false,"time":T,
 *    "hosts":[{"id":1,"name":"A","addr":"10.0.0.1"},...]}
 *        the greeting, sent once on connect; "tcpviz" is the protocol
 *        version (TVD_PROTO), "version" the program's;
 *   {"reply":N,"ok":true,...} / {"reply":N,"ok":false,"status":S,
 *    "error":"ctl:N:COL: message",...}
 *        the answer to the client's Nth request line (counting every line
 *        the client sent, blank ones too, from 1): exactly one per line,
 *        in the order of the requests; status is "error" (a mistake in the
 *        request: unknown command, bad syntax, unknown name), "failed" (the
 *        stack disagreed: an expectation, a refused socket call) or
 *        "refused" (not allowed: read-only client, not available in the
 *        daemon);
 *   {"type":"state","t":T,...}
 *        an event, exactly as `tcpviz run --json` writes it (src/out/json.h
 *        documents the schema), only to subscribed clients;
 *   {"notice":"hosts","hosts":[...]}
 *        the set of hosts changed (sent to subscribers);
 *   {"notice":"skipped","events":N}
 *        N events were left out of the stream before the next line:
 *        formatting them would have taken more than the stream's share
 *        of the time (a bulk transfer).  State changes, drops, gate
 *        actions, retransmissions, timer expiries and notes are never
 *        left out; segments, timer arming, socket events and the like
 *        may be;
 *   {"bye":"reason","message":"..."}
 *        the server is closing this connection (line too long, output
 *        backlog too large, shutting down, permission denied...).
 *
 * Client to server: a request per line.  Control requests (TVD_REQ_*
 * words below) first; anything else is a line of the command language
 * (doc/tcpviz-script.5), parsed by script_parse_line and run by
 * script_exec against the live stack.  server.h lists the requests and
 * their replies.
 */
#ifndef TV_DAEMON_PROTO_H
#define TV_DAEMON_PROTO_H

#include <stddef.h>

#define TVD_PROTO 1                /* protocol version in the greeting */
#define TVD_LINE_MAX 65536         /* longest request line, without "\n" */
#define TVD_SOCK_NAME "tcpviz.sock"

/* Where the socket is by default: $XDG_RUNTIME_DIR/tcpviz.sock when that
 * variable names an absolute directory, else /tmp/tcpviz-UID/tcpviz.sock.
 * Writes the path into buf; returns 0, or -1 when it does not fit. */
int tvd_default_path(char *buf, size_t size);
/* Where a client looks: the default path, or /tmp/tcpviz-UID/tcpviz.sock
 * when only that one exists (a daemon started with sudo puts it there). */
int tvd_client_path(char *buf, size_t size);

#endif
