/* Literal IP addresses and CIDR prefixes (cidr.h). */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "banned.h"

bool
vx_ip_parse(const char *s, struct vx_ipaddr *out)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->a) != 1)
		return false;
	out->family = AF_INET6;
	if (memcmp(out->a, mapped, sizeof(mapped)) == 0) {
		memmove(out->a, out->a + 12, 4);
		memset(out->a + 4, 0, 12);
		out->family = AF_INET;
	}
	return true;
}

void
vx_ip_format(const struct vx_ipaddr *ip, char *buf, size_t len)
{
	if (inet_ntop(ip->family, ip->a, buf, (socklen_t)len) == NULL &&
	    len > 0)
		buf[0] = '\0';
}

bool
vx_cidr_parse(const char *s, struct vx_cidr *out)
{
	char		 addr[64];
	const char	*slash = strchr(s, '/');
	size_t		 alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	unsigned	 max;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(addr))
		return false;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	/* Parsed as written: a mapped address keeps IPv6 bits here. */
	if (inet_pton(AF_INET, addr, out->addr.a) == 1)
		out->addr.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr.a) == 1)
		out->addr.family = AF_INET6;
	else
		return false;
	max = out->addr.family == AF_INET ? 32 : 128;
	out->bits = max;
	if (slash != NULL) {
		char		*end;
		unsigned long	 b;

		if (slash[1] < '0' || slash[1] > '9')
			return false;
		b = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || b > max || end - (slash + 1) > 3)
			return false;
		out->bits = (unsigned)b;
	}
	for (unsigned i = out->bits; i < max; i++)
		out->addr.a[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	/* ::ffff:0:0/96 and longer: the IPv4 prefix they stand for. */
	if (out->addr.family == AF_INET6 && out->bits >= 96) {
		struct vx_ipaddr probe;
		char txt[64];

		if (inet_ntop(AF_INET6, out->addr.a, txt, sizeof(txt)) != NULL &&
		    vx_ip_parse(txt, &probe) && probe.family == AF_INET) {
			out->addr = probe;
			out->bits -= 96;
		}
	}
	return true;
}

bool
vx_cidr_contains(const struct vx_cidr *c, const struct vx_ipaddr *ip)
{
	unsigned full = c->bits / 8, rest = c->bits % 8;

	if (c->addr.family != ip->family)
		return false;
	if (memcmp(c->addr.a, ip->a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((c->addr.a[full] ^ ip->a[full]) & (0xffu << (8 - rest))) == 0;
}
