#include "snmpwalk_text.h"

#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "strbuf.h"

struct line {
	const char	*p;
	size_t		 len;
	unsigned	 no;
};

static bool
starts_with(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(p, prefix, n) == 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim(const char **p, size_t *len)
{
	while (*len > 0 && is_space((*p)[0])) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && is_space((*p)[*len - 1]))
		(*len)--;
}

/* A line that starts a new varbind: ".1.3..." or "1.3..." then " = ". */
static bool
is_varbind_start(const char *p, size_t len)
{
	size_t i = 0;

	if (i < len && p[i] == '.')
		i++;
	if (i >= len || p[i] < '0' || p[i] > '9')
		return false;
	while (i < len && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'))
		i++;
	return i + 3 <= len && memcmp(p + i, " = ", 3) == 0;
}

/* "D4 5A CA 22" (with any whitespace/newlines) -> bytes. */
static bool
decode_hex(const char *p, size_t len, struct vx_strbuf *out)
{
	size_t i = 0;

	while (i < len) {
		int hi, lo;

		if (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' ||
		    p[i] == '\t') {
			i++;
			continue;
		}
		if (i + 1 >= len || (hi = vx_hex_digit(p[i])) < 0 ||
		    (lo = vx_hex_digit(p[i + 1])) < 0)
			return false;
		vx_strbuf_addch(out, (char)(hi << 4 | lo));
		i += 2;
	}
	return !out->failed;
}

/* STRING: "..." with \" and \\ escapes; the quotes may be absent. */
static bool
decode_string(const char *p, size_t len, struct vx_strbuf *out)
{
	if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
		p++;
		len -= 2;
	}
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 1 < len &&
		    (p[i + 1] == '"' || p[i + 1] == '\\'))
			i++;
		vx_strbuf_addch(out, p[i]);
	}
	return !out->failed;
}

/* The number of an enum value "active(1)", or of a plain "1". */
static bool
parse_int_value(const char *p, size_t len, int64_t *out)
{
	const char *open = memchr(p, '(', len);

	if (open != NULL && len > 0 && p[len - 1] == ')') {
		size_t off = (size_t)(open - p) + 1;

		return vx_parse_i64(p + off, len - off - 1, out);
	}
	return vx_parse_i64(p, len, out);
}

static int
emit(const struct vx_oid *oid, const char *tv, size_t tvlen, unsigned lineno,
    struct vx_strbuf *bytes, vx_varbind_fn fn, void *arg, struct vx_err *err)
{
	static const struct {
		const char	*prefix;
		enum vx_vb_type	 type;
	} types[] = {
		{ "INTEGER: ", VX_VB_INTEGER },
		{ "Counter32: ", VX_VB_COUNTER32 },
		{ "Gauge32: ", VX_VB_GAUGE32 },
		{ "Unsigned32: ", VX_VB_GAUGE32 },
		{ "Timeticks: ", VX_VB_TIMETICKS },
		{ "Counter64: ", VX_VB_COUNTER64 },
		{ "STRING: ", VX_VB_OCTETS },
		{ "Hex-STRING: ", VX_VB_OCTETS },
		{ "IpAddress: ", VX_VB_IPADDR },
		{ "OID: ", VX_VB_OBJID },
		{ "Network Address: ", VX_VB_IPADDR },
	};
	struct vx_varbind	vb;
	const char		*v = tv;
	size_t			vlen = tvlen;
	size_t			t;

	trim(&v, &vlen);
	tv = v;
	tvlen = vlen;
	memset(&vb, 0, sizeof(vb));
	vb.oid = oid->sub;
	vb.oid_len = oid->len;
	vx_strbuf_reset(bytes);

	if (starts_with(tv, tvlen, "No Such") ||
	    starts_with(tv, tvlen, "No more variables"))
		return 0;
	if (tvlen == 2 && memcmp(tv, "\"\"", 2) == 0) {
		vb.type = VX_VB_OCTETS;
		vb.v.s.p = (const uint8_t *)"";
		return fn(arg, &vb, err);
	}
	if (starts_with(tv, tvlen, "NULL")) {
		vb.type = VX_VB_NULL;
		return fn(arg, &vb, err);
	}
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		if (starts_with(tv, tvlen, types[t].prefix))
			break;
	}
	if (t == sizeof(types) / sizeof(types[0]))
		return vx_err_set(err, VX_E_PARSE, "line %u: unknown value "
		    "type in '%.40s'", lineno, tv);
	v += strlen(types[t].prefix);
	vlen -= strlen(types[t].prefix);
	vb.type = types[t].type;

	switch (vb.type) {
	case VX_VB_INTEGER:
		trim(&v, &vlen);
		if (!parse_int_value(v, vlen, &vb.v.i))
			goto bad;
		break;
	case VX_VB_TIMETICKS: {
		/* "(123456) 0:20:34.56" */
		const char *close = memchr(v, ')', vlen);

		if (vlen < 2 || v[0] != '(' || close == NULL ||
		    !vx_parse_u64(v + 1, (size_t)(close - v) - 1, &vb.v.u))
			goto bad;
		break;
	}
	case VX_VB_COUNTER32:
	case VX_VB_GAUGE32:
	case VX_VB_COUNTER64:
		trim(&v, &vlen);
		if (!vx_parse_u64(v, vlen, &vb.v.u))
			goto bad;
		if (vb.type != VX_VB_COUNTER64 && vb.v.u > UINT32_MAX)
			goto bad;
		break;
	case VX_VB_OCTETS:
		if (types[t].prefix[0] == 'H') {
			if (!decode_hex(v, vlen, bytes))
				goto bad;
		} else if (!decode_string(v, vlen, bytes)) {
			goto bad;
		}
		vb.v.s.p = (const uint8_t *)bytes->buf;
		vb.v.s.len = bytes->len;
		break;
	case VX_VB_IPADDR: {
		uint64_t	part;
		size_t		i = 0;

		trim(&v, &vlen);
		for (int k = 0; k < 4; k++) {
			size_t start = i;

			while (i < vlen && v[i] != '.')
				i++;
			if (!vx_parse_u64(v + start, i - start, &part) ||
			    part > 255 || (k < 3 && i >= vlen))
				goto bad;
			vx_strbuf_addch(bytes, (char)part);
			i++;
		}
		if (i <= vlen)
			goto bad;
		vb.v.s.p = (const uint8_t *)bytes->buf;
		vb.v.s.len = 4;
		break;
	}
	case VX_VB_OBJID:
		trim(&v, &vlen);
		vx_strbuf_add(bytes, v, vlen);
		vb.v.s.p = (const uint8_t *)bytes->buf;
		vb.v.s.len = vlen;
		break;
	case VX_VB_NULL:
		break;
	}
	return fn(arg, &vb, err);
bad:
	return vx_err_set(err, VX_E_PARSE, "line %u: bad %.*s value", lineno,
	    (int)(strlen(types[t].prefix) - 2), types[t].prefix);
}

static int
not_snmpwalk(const char *p, size_t n, unsigned lineno, struct vx_err *err)
{
	if (starts_with(p, n, "Timeout") || starts_with(p, n, "Error") ||
	    starts_with(p, n, "snmpwalk:") || starts_with(p, n, "snmpbulkwalk:"))
		return vx_err_set(err, VX_E_PROTOCOL, "line %u: snmpwalk "
		    "reported: %.*s", lineno, (int)(n > 120 ? 120 : n), p);
	return vx_err_set(err, VX_E_PARSE, "line %u: not 'snmpwalk -On' output "
	    "(expected '.OID = TYPE: value')", lineno);
}

int
vx_snmpwalk_parse(const char *text, size_t len, vx_varbind_fn fn, void *arg,
    struct vx_err *err)
{
	struct vx_strbuf	value, bytes;
	struct vx_oid		oid;
	unsigned		lineno = 0, start_line = 0;
	size_t			pos = 0, count = 0;
	bool			pending = false;
	int			rc = 0;

	vx_strbuf_init(&value, 256);
	vx_strbuf_init(&bytes, 256);
	while (pos < len && rc == 0) {
		const char	*nl = memchr(text + pos, '\n', len - pos);
		size_t		 end = nl != NULL ? (size_t)(nl - text) : len;
		const char	*p = text + pos;
		size_t		 n = end - pos;

		lineno++;
		pos = end + 1;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (is_varbind_start(p, n)) {
			const char	*eq = memchr(p, '=', n);
			size_t		 oidlen = (size_t)(eq - p) - 1;

			if (pending) {
				rc = emit(&oid, value.buf, value.len,
				    start_line, &bytes, fn, arg, err);
				count++;
				if (rc != 0)
					break;
			}
			if (!vx_oid_parse(p, oidlen, &oid)) {
				rc = vx_err_set(err, VX_E_PARSE,
				    "line %u: bad OID", lineno);
				break;
			}
			vx_strbuf_reset(&value);
			vx_strbuf_add(&value, eq + 2, n - oidlen - 3);
			pending = true;
			start_line = lineno;
		} else if (pending && (starts_with(value.buf, value.len,
		    "STRING:") || starts_with(value.buf, value.len,
		    "Hex-STRING:"))) {
			/* Only strings span lines in snmpwalk output. */
			vx_strbuf_addch(&value, '\n');
			vx_strbuf_add(&value, p, n);
		} else {
			const char	*q = p;
			size_t		 m = n;

			trim(&q, &m);
			if (m > 0)
				rc = not_snmpwalk(q, m, lineno, err);
		}
	}
	if (rc == 0 && pending) {
		rc = emit(&oid, value.buf, value.len, start_line, &bytes, fn,
		    arg, err);
		count++;
	}
	if (rc == 0 && count == 0)
		rc = vx_err_set(err, VX_E_PARSE, "no varbinds in the input "
		    "(expected 'snmpwalk -On' output)");
	if (rc == 0 && (value.failed || bytes.failed))
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	vx_strbuf_release(&value);
	vx_strbuf_release(&bytes);
	return rc;
}

int
vx_snmpwalk_map(const char *text, size_t len, const struct vx_snmp_mapper *mp,
    struct vx_snapshot *snap, struct vx_err *err)
{
	void	*m = mp->create();
	int	 rc;

	if (m == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	rc = vx_snmpwalk_parse(text, len, mp->add, m, err);
	if (rc == 0)
		rc = mp->finish(m, snap, err);
	mp->free(m);
	return rc;
}
