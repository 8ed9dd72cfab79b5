#ifndef VX_EXPORTER_CIDR_H
#define VX_EXPORTER_CIDR_H

/*
 * IP addresses and CIDR prefixes, for "allowed_targets:" of /probe.  Only
 * literal addresses: a host name is not resolved (what it resolves to can
 * change between the check and the poll).  An IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1) is its IPv4 address, so it cannot slip past an IPv4
 * prefix.
 */

#include <stdbool.h>
#include <stddef.h>

struct vx_ipaddr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	a[16];		/* network order; 4 bytes for IPv4 */
};

struct vx_cidr {
	struct vx_ipaddr	addr;	/* host bits cleared */
	unsigned		bits;
};

/* A literal address; false if s is not one (a name, a prefix...). */
bool	vx_ip_parse(const char *s, struct vx_ipaddr *out);
/* Its canonical text (inet_ntop): "192.0.2.1", "2001:db8::1". */
void	vx_ip_format(const struct vx_ipaddr *ip, char *buf, size_t len);
/* "192.0.2.0/24", "2001:db8::/32", or an address alone (all its bits). */
bool	vx_cidr_parse(const char *s, struct vx_cidr *out);
bool	vx_cidr_contains(const struct vx_cidr *c, const struct vx_ipaddr *ip);

#endif
