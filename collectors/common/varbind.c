#include "varbind.h"

#include <arpa/inet.h>
#include <string.h>

#include "numparse.h"

bool
vx_oid_parse(const char *s, size_t len, struct vx_oid *out)
{
	size_t i = 0;

	out->len = 0;
	if (len > 0 && s[0] == '.')
		i = 1;
	if (i == len)
		return false;
	while (i < len) {
		size_t		start = i;
		uint64_t	v;

		while (i < len && s[i] != '.')
			i++;
		if (i == start || out->len == VX_OID_MAX ||
		    !vx_parse_u64(s + start, i - start, &v) ||
		    v > UINT32_MAX)
			return false;
		out->sub[out->len++] = (uint32_t)v;
		if (i < len)
			i++;	/* the dot */
		if (i == len && s[len - 1] == '.')
			return false;
	}
	return true;
}

void
vx_oid_columns(struct vx_oid *out, const uint32_t *entry, size_t elen,
    const uint32_t *cols, size_t ncols)
{
	for (size_t i = 0; i < ncols; i++) {
		memcpy(out[i].sub, entry, elen * sizeof(*entry));
		out[i].sub[elen] = cols[i];
		out[i].len = elen + 1;
	}
}

bool
vx_oid_under(const uint32_t *oid, size_t len, const uint32_t *prefix,
    size_t prefix_len, const uint32_t **suffix, size_t *suffix_len)
{
	if (len <= prefix_len ||
	    memcmp(oid, prefix, prefix_len * sizeof(*oid)) != 0)
		return false;
	if (suffix != NULL)
		*suffix = oid + prefix_len;
	if (suffix_len != NULL)
		*suffix_len = len - prefix_len;
	return true;
}

bool
vx_varbind_u64(const struct vx_varbind *vb, uint64_t *out)
{
	switch (vb->type) {
	case VX_VB_INTEGER:
		if (vb->v.i < 0)
			return false;
		*out = (uint64_t)vb->v.i;
		return true;
	case VX_VB_COUNTER32:
	case VX_VB_GAUGE32:
	case VX_VB_TIMETICKS:
	case VX_VB_COUNTER64:
		*out = vb->v.u;
		return true;
	case VX_VB_OCTETS:
	case VX_VB_IPADDR:
	case VX_VB_OBJID:
	case VX_VB_NULL:
		break;
	}
	return false;
}

bool
vx_varbind_i64(const struct vx_varbind *vb, int64_t *out)
{
	uint64_t u;

	if (vb->type == VX_VB_INTEGER) {
		*out = vb->v.i;
		return true;
	}
	if (!vx_varbind_u64(vb, &u) || u > INT64_MAX)
		return false;
	*out = (int64_t)u;
	return true;
}

bool
vx_varbind_inet(const struct vx_varbind *vb, char *buf, size_t len)
{
	if (vb->type != VX_VB_OCTETS && vb->type != VX_VB_IPADDR)
		return false;
	if (vb->v.s.len == 4)
		return inet_ntop(AF_INET, vb->v.s.p, buf, (socklen_t)len) !=
		    NULL;
	if (vb->v.s.len == 16)
		return inet_ntop(AF_INET6, vb->v.s.p, buf, (socklen_t)len) !=
		    NULL;
	return false;
}
