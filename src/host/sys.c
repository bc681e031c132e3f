/*
 * sys.c - the system calls around a TAP device (see tap.h): open
 * /dev/net/tun and attach to or create the device, read its index and
 * MAC, check addresses against the other interfaces of this network
 * namespace (getifaddrs), give the kernel side its address and bring the
 * link up over rtnetlink (RTM_NEWADDR, RTM_NEWLINK: no shelling out to
 * ip(8)), and drop root afterwards.
 *
 * Every failure comes back as a TV_E* code plus a translated message
 * saying what failed, on which device, and what to do about it.
 */
#define _GNU_SOURCE /* getifaddrs, initgroups, struct ifreq under -std=c11 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <ifaddrs.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/tv.h"
#include "host/tap.h"
#include "i18n.h"

static int say(char *msg, size_t size, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *msg, size_t size, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return err;
}

static const char *user_name(void)
{
	const char *u = getenv("SUDO_USER");
	struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "$USER";
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || name[i] <= ' ' || name[i] == 0x7f)
			return false;
	return true;
}

/* /dev/net/tun without read and write for others: then even a device
 * made for the user cannot be opened. */
static bool tun_node_closed(unsigned *mode)
{
	struct stat st;

	if (stat("/dev/net/tun", &st) != 0)
		return false;
	*mode = (unsigned)(st.st_mode & 07777);
	return (st.st_mode & 0006) != 0006;
}

static int tun_open_failed(const char *name, int e, char *msg, size_t size)
{
	unsigned mode = 0;

	if (e == ENOENT || e == ENODEV || e == ENXIO)
		return say(msg, size, TV_ENOENT,
			   _("cannot open /dev/net/tun: %s. The TUN/TAP driver is missing: load it "
			     "(modprobe tun), or in a container give it the device "
			     "(docker run --device /dev/net/tun --cap-add NET_ADMIN)."),
			   strerror(e));
	if ((e == EACCES || e == EPERM) && tun_node_closed(&mode))
		return say(msg, size, TV_EINVAL,
			   _("cannot open /dev/net/tun: %s. It is closed to other users here (mode "
			     "%04o; the usual mode is 0666, the kernel checks the rest): run as root, "
			     "or have an administrator run 'chmod 0666 /dev/net/tun' and create the "
			     "device for you once: sudo ip tuntap add %s mode tap user %s"),
			   strerror(e), mode, name, user_name());
	if (e == EACCES || e == EPERM)
		return say(msg, size, TV_EINVAL,
			   _("cannot open /dev/net/tun: %s. Run as root, or have an administrator "
			     "create the device for you once: sudo ip tuntap add %s mode tap user %s"),
			   strerror(e), name, user_name());
	return say(msg, size, TV_EINVAL, _("cannot open /dev/net/tun: %s"), strerror(e));
}

static int tun_attach_failed(const char *name, int e, char *msg, size_t size)
{
	switch (e) {
	case EPERM:
	case EACCES:
		return say(msg, size, TV_EINVAL,
			   _("no permission to create or use TAP device %s: run as root (sudo), or "
			     "have an administrator create it for you once: sudo ip tuntap add %s "
			     "mode tap user %s"),
			   name, name, user_name());
	case EBUSY:
		return say(msg, size, TV_EEXIST,
			   _("TAP device %s is in use by another program: stop it, or choose "
			     "another name with --tap"),
			   name);
	case EINVAL:
		return say(msg, size, TV_EEXIST,
			   _("%s exists and is not a TAP device (or the name is not allowed): "
			     "choose another name with --tap"),
			   name);
	default:
		return say(msg, size, TV_EINVAL, _("cannot attach to TAP device %s: %s"), name,
			   strerror(e));
	}
}

int sys_tap_open(const char *name, bool *vnet, char *msg, size_t size)
{
	struct ifreq ifr;
	int fd, e;

	if (!name_ok(name))
		return say(msg, size, TV_EINVAL,
			   _("'%s' is not a usable interface name: 1 to %d characters, no '/', "
			     "':' or spaces"),
			   name, IFNAMSIZ - 1);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return tun_open_failed(name, errno, msg, size);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (*vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		close(fd);
		return tun_attach_failed(name, e, msg, size);
	}
	/* Checksums and TSO4 super-frames from the kernel: vnet.c takes them
	 * apart.  Without, the header stays and carries nothing. */
	if (*vnet && ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4)) < 0)
		(void)ioctl(fd, TUNSETOFFLOAD, 0ul);
	return fd;
}

int sys_tap_info(int fd, const char *name, int *ifindex, uint8_t mac[6], char *msg,
		 size_t size)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = 0;

	(void)fd;
	if (s < 0)
		return say(msg, size, TV_EINVAL, _("cannot open a socket: %s"), strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0)
		r = say(msg, size, TV_EINVAL, _("cannot read the index of %s: %s"), name,
			strerror(errno));
	else
		*ifindex = ifr.ifr_ifindex;
	if (r == 0 && ioctl(s, SIOCGIFHWADDR, &ifr) < 0)
		r = say(msg, size, TV_EINVAL, _("cannot read the MAC address of %s: %s"), name,
			strerror(errno));
	else if (r == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return r;
}

bool sys_tap_is_up(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	if (s < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0)
		up = (ifr.ifr_flags & IFF_UP) != 0;
	close(s);
	return up;
}

/* ---- addresses ---- */

static uint32_t mask_of(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

static int check_one(const char *what, uint32_t a, uint8_t len, char *msg, size_t size)
{
	char s[16];
	uint32_t m = mask_of(len);

	if (len < 8 || len > 30)
		return say(msg, size, TV_EINVAL,
			   _("%s %s/%u: the prefix length must be 8 to 30"), what, tv_ip_str(a, s),
			   (unsigned)len);
	if ((a & ~m) == 0 || (a & ~m) == ~m || (a >> 24) == 0 || (a >> 24) == 127 ||
	    (a >> 24) >= 224)
		return say(msg, size, TV_EINVAL,
			   _("%s %s/%u cannot be an interface's address (network, broadcast, "
			     "loopback or multicast)"),
			   what, tv_ip_str(a, s), (unsigned)len);
	return 0;
}

static int check_pair(uint32_t addr, uint8_t len, uint32_t host, uint8_t hlen, char *msg,
		      size_t size)
{
	char a[16], b[16];

	if (addr == host)
		return say(msg, size, TV_EINVAL,
			   _("--addr and --host-addr are both %s: the stack and the kernel need "
			     "different addresses on one network"),
			   tv_ip_str(addr, a));
	if (len != hlen || (addr & mask_of(len)) != (host & mask_of(hlen)))
		return say(msg, size, TV_EINVAL,
			   _("--addr %s/%u and --host-addr %s/%u are not on the same network: use "
			     "one prefix, e.g. 10.1.2.2/24 and 10.1.2.1/24"),
			   tv_ip_str(addr, a), (unsigned)len, tv_ip_str(host, b), (unsigned)hlen);
	return 0;
}

/* An address of another interface on the stack's network, or one of
 * ours anywhere, would make the kernel route around the TAP device. */
static int check_ifaddr(const char *name, const struct ifaddrs *ifa, uint32_t addr,
			uint8_t len, uint32_t host, char *msg, size_t size)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ifa->ifa_addr;
	const struct sockaddr_in *nm = (const struct sockaddr_in *)ifa->ifa_netmask;
	uint32_t a = ntohl(sin->sin_addr.s_addr);
	uint32_t m = nm ? ntohl(nm->sin_addr.s_addr) : ~0u;
	bool ours = strcmp(ifa->ifa_name, name) == 0;
	char s1[16], s2[16];

	if (addr != 0 && a == addr)
		return say(msg, size, TV_EINVAL,
			   _("%s is already an address of %s in this network namespace: the stack "
			     "needs an address of its own (--addr)"),
			   tv_ip_str(addr, s1), ifa->ifa_name);
	if (ours || a == host)
		return 0;
	if (addr != 0 && ((a & m) == (addr & m) || (a & mask_of(len)) == (addr & mask_of(len))))
		return say(msg, size, TV_EINVAL,
			   _("the network of %s/%u is already on %s (%s): choose another network "
			     "for the TAP link"),
			   tv_ip_str(addr, s1), (unsigned)len, ifa->ifa_name, tv_ip_str(a, s2));
	return 0;
}

static int check_host_elsewhere(const char *name, const struct ifaddrs *ifa, uint32_t host,
				char *msg, size_t size)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ifa->ifa_addr;
	char s[16];

	if (host == 0 || strcmp(ifa->ifa_name, name) == 0 || ntohl(sin->sin_addr.s_addr) != host)
		return 0;
	return say(msg, size, TV_EINVAL,
		   _("%s (--host-addr) is already on %s: choose another address"),
		   tv_ip_str(host, s), ifa->ifa_name);
}

int sys_check_addrs(const char *name, uint32_t addr, uint8_t len, uint32_t host,
		    uint8_t hlen, char *msg, size_t size)
{
	struct ifaddrs *list, *ifa;
	int r = 0;

	if (addr != 0 && (r = check_one("--addr", addr, len, msg, size)) != 0)
		return r;
	if (host != 0 && (r = check_one("--host-addr", host, hlen, msg, size)) != 0)
		return r;
	if (addr != 0 && host != 0 && (r = check_pair(addr, len, host, hlen, msg, size)) != 0)
		return r;
	if (getifaddrs(&list) != 0)
		return 0; /* cannot tell: the kernel will complain if it must */
	for (ifa = list; ifa != NULL && r == 0; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET)
			continue;
		r = check_host_elsewhere(name, ifa, host, msg, size);
		if (r == 0)
			r = check_ifaddr(name, ifa, addr, len, host, msg, size);
	}
	freeifaddrs(list);
	return r;
}

/* ---- rtnetlink ---- */

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifaddrmsg ifa;
		struct ifinfomsg ifi;
	} u;
	char attrs[64];
};

static void nl_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)&r->nh + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send one request and wait for its ACK: 0 or -errno. */
static int nl_talk(struct nl_req *r)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char buf[4096];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int res = -EIO;

	if (s < 0)
		return -errno;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (sendto(s, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		res = -errno;
		close(s);
		return res;
	}
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			res = -errno;
			break;
		}
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == NLMSG_ERROR) {
			res = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			break;
		}
	}
	close(s);
	return res;
}

static int nl_addr_add(int ifindex, uint32_t host, uint8_t hlen)
{
	struct nl_req r;
	uint32_t a = htonl(host), bcast = htonl(host | ~mask_of(hlen));

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = RTM_NEWADDR;
	r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.u.ifa.ifa_family = AF_INET;
	r.u.ifa.ifa_prefixlen = hlen;
	r.u.ifa.ifa_index = (unsigned)ifindex;
	nl_attr(&r, IFA_LOCAL, &a, 4);
	nl_attr(&r, IFA_ADDRESS, &a, 4);
	nl_attr(&r, IFA_BROADCAST, &bcast, 4);
	return nl_talk(&r);
}

static int nl_link_up(int ifindex)
{
	struct nl_req r;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = ifindex;
	r.u.ifi.ifi_flags = IFF_UP;
	r.u.ifi.ifi_change = IFF_UP;
	return nl_talk(&r);
}

static int nl_failed(const char *name, bool addr_step, int e, uint32_t host, uint8_t hlen,
		     char *msg, size_t size)
{
	char s[16];

	tv_ip_str(host, s);
	if (e == EPERM || e == EACCES)
		return say(msg, size, TV_EINVAL,
			   _("no permission to configure %s (it needs CAP_NET_ADMIN): run as root, or "
			     "have an administrator do it once: sudo ip addr add %s/%u dev %s && sudo "
			     "ip link set %s up; then leave out --host-addr"),
			   name, s, (unsigned)hlen, name, name);
	if (addr_step)
		return say(msg, size, TV_EINVAL, _("cannot give %s the address %s/%u: %s"), name, s,
			   (unsigned)hlen, strerror(e));
	return say(msg, size, TV_EINVAL, _("cannot bring up %s: %s"), name, strerror(e));
}

/* Does the device already have host/hlen? */
static bool has_addr(const char *name, uint32_t host, uint8_t hlen)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list) != 0)
		return false;
	for (ifa = list; ifa != NULL && !found; ifa = ifa->ifa_next) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ifa->ifa_addr;
		const struct sockaddr_in *m = (const struct sockaddr_in *)ifa->ifa_netmask;
		found = a != NULL && a->sin_family == AF_INET && m != NULL &&
			strcmp(ifa->ifa_name, name) == 0 && ntohl(a->sin_addr.s_addr) == host &&
			ntohl(m->sin_addr.s_addr) == mask_of(hlen);
	}
	freeifaddrs(list);
	return found;
}

int sys_tap_configure(const char *name, int ifindex, uint32_t host, uint8_t hlen, char *msg,
		      size_t size)
{
	int r;

	/* Configured already (by an administrator, for a user without
	 * CAP_NET_ADMIN): nothing to do. */
	if (has_addr(name, host, hlen) && sys_tap_is_up(name))
		return 0;
	r = nl_addr_add(ifindex, host, hlen);

	/* Already there (a device kept from an earlier run): fine. */
	if (r < 0 && r != -EEXIST)
		return nl_failed(name, true, -r, host, hlen, msg, size);
	r = nl_link_up(ifindex);
	if (r < 0)
		return nl_failed(name, false, -r, host, hlen, msg, size);
	return 0;
}

/* ---- privileges ---- */

static bool parse_id(const char *s, unsigned long *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *v < 0xffffffffUL;
}

static int target_ids(const char *user, uid_t *uid, gid_t *gid, const char **name, char *msg,
		      size_t size)
{
	unsigned long u, g;
	struct passwd *pw;

	if (user != NULL) {
		pw = parse_id(user, &u) ? getpwuid((uid_t)u) : getpwnam(user);
		if (pw == NULL && !parse_id(user, &u))
			return say(msg, size, TV_EINVAL, _("no such user '%s' (--user)"), user);
		*uid = pw ? pw->pw_uid : (uid_t)u;
		*gid = pw ? pw->pw_gid : (gid_t)u;
		*name = pw ? pw->pw_name : NULL;
		return 1;
	}
	if (!parse_id(getenv("SUDO_UID"), &u))
		return 0;
	*uid = (uid_t)u;
	*gid = parse_id(getenv("SUDO_GID"), &g) ? (gid_t)g : (gid_t)u;
	pw = getpwuid(*uid);
	*name = pw ? pw->pw_name : NULL;
	return 1;
}

int sys_drop_privileges(const char *user, char *msg, size_t size)
{
	uid_t uid = 0;
	gid_t gid = 0;
	const char *name = NULL;
	int r;

	if (geteuid() != 0)
		return 0;
	r = target_ids(user, &uid, &gid, &name, msg, size);
	if (r <= 0)
		return r;
	if (uid == 0)
		return 0;
	if ((name != NULL ? initgroups(name, gid) : setgroups(0, NULL)) != 0 ||
	    setgid(gid) != 0 || setuid(uid) != 0)
		return say(msg, size, TV_EINVAL, _("cannot switch to user %lu: %s"),
			   (unsigned long)uid, strerror(errno));
	if (setuid(0) == 0)
		return say(msg, size, TV_EINVAL, "%s", _("dropping root failed: still root"));
	return 0;
}
