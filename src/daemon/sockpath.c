/*
 * sockpath.c - where the control socket lives, and making its directory
 * safe before the server binds there.
 *
 * tvd_default_path() is shared with clients.  sockdir_prepare() is the
 * server's: the directory holding the socket must belong to us and allow
 * no one else in (mode 0700), because the socket's own mode is not a
 * reliable guard everywhere and a directory someone else controls could
 * swap the socket for theirs.  A missing directory is created 0700 (its
 * parent must exist).  A socket file already there is a dead daemon's when
 * connecting to it is refused (it is removed), or a live daemon's (we
 * refuse to steal it).
 */
#define _DEFAULT_SOURCE /* lstat, mkdir under -std=c11 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/internal.h"
#include "i18n.h"

int tvd_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, size, "%s/%s", xdg, TVD_SOCK_NAME);
	else
		n = snprintf(buf, size, "/tmp/tcpviz-%lu/%s", (unsigned long)geteuid(),
			     TVD_SOCK_NAME);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A daemon started with sudo drops to the user before it makes its
 * socket, but sudo has cleared XDG_RUNTIME_DIR, so the socket is in
 * /tmp/tcpviz-UID while the user's shell looks in XDG_RUNTIME_DIR.  A
 * client therefore falls back to the /tmp place when the first is not
 * there. */
int tvd_client_path(char *buf, size_t size)
{
	struct stat st;
	char alt[256];
	int n;

	if (tvd_default_path(buf, size) != 0)
		return -1;
	if (lstat(buf, &st) == 0)
		return 0;
	n = snprintf(alt, sizeof(alt), "/tmp/tcpviz-%lu/%s", (unsigned long)geteuid(),
		     TVD_SOCK_NAME);
	if (n < 0 || (size_t)n >= sizeof(alt) || (size_t)n >= size || lstat(alt, &st) != 0)
		return 0;
	memcpy(buf, alt, (size_t)n + 1);
	return 0;
}

static int fail(char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* The directory part of path into dir ("." when there is none). */
static int path_dir(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);

	if (slash == NULL)
		return snprintf(dir, size, ".") >= (int)size ? -1 : 0;
	if (n >= size)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

static int dir_check(const char *dir, char *msg, size_t size)
{
	struct stat st;

	if (lstat(dir, &st) != 0 && errno == ENOENT && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return fail(msg, size, _("cannot create the socket directory %s: %s"), dir,
			    strerror(errno));
	if (lstat(dir, &st) != 0)
		return fail(msg, size, _("cannot use the socket directory %s: %s"), dir,
			    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(msg, size, _("%s is not a directory (a symbolic link is not accepted)"),
			    dir);
	if (st.st_uid != geteuid())
		return fail(msg, size,
			    _("the socket directory %s belongs to uid %lu, not to us (uid %lu): "
			      "refusing to put the socket there"),
			    dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
	if ((st.st_mode & 07777) != 0700)
		return fail(msg, size,
			    _("the socket directory %s has mode %04o; it must be 0700 "
			      "(run: chmod 700 %s)"),
			    dir, (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

/* 1: something accepts connections at path; 0: nobody. */
static int socket_alive(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return r;
}

static int stale_check(const char *path, char *msg, size_t size)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0
				       : fail(msg, size, _("cannot use %s: %s"), path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return fail(msg, size, _("%s exists and is not a socket: not touching it"), path);
	if (socket_alive(path))
		return fail(msg, size, _("a daemon is already listening on %s"), path);
	if (unlink(path) != 0)
		return fail(msg, size, _("cannot remove the stale socket %s: %s"), path,
			    strerror(errno));
	return 0;
}

int sockdir_prepare(const char *path, char *msg, size_t size)
{
	struct sockaddr_un sa;
	char dir[sizeof(sa.sun_path)];

	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(msg, size, _("socket path too long (at most %zu bytes): %s"),
			    sizeof(sa.sun_path) - 1, path);
	if (path[0] == '\0' || path[strlen(path) - 1] == '/' || path_dir(path, dir, sizeof(dir)))
		return fail(msg, size, _("not a usable socket path: '%s'"), path);
	if (dir_check(dir, msg, size) != 0)
		return -1;
	return stale_check(path, msg, size);
}
