/*
 * fastagent: a small SNMP v1/v2c agent that serves a snmpsim .snmprec
 * file from memory, for benchmarks and integration tests.
 *
 * Why it exists: a benchmark of the exporter must time the exporter, not
 * the simulator.  snmpsim answers about 7k varbinds/s and snmpd with a
 * pass_persist script about 5k/s, so a walk of a large ASA would measure
 * them.  This agent sorts the file once, encodes every VarBind once with
 * net-snmp's own encoder (snmp_build_var_op), and answers a request by
 * copying the encoded VarBinds into the response behind a header that is
 * also built with net-snmp (asn_build_*).  Requests are decoded with
 * net-snmp too (asn_parse_*, snmp_parse_var_op).  No BER is hand-written.
 *
 * It is single-threaded: one socket, requests handled one at a time as
 * they arrive.  --delay-ms holds each response that long after its
 * request came in, without holding up the requests behind it: it models
 * a device (or a network) with that round-trip time, which an exporter
 * with several requests outstanding sees once per round, not once per
 * request; and a fleet of devices on one agent each sees its own delay.
 * --serial makes the delay a service time instead (a sleep before each
 * response, one request at a time), as an agent that can only work on
 * one request at a time.  --loop makes a broken agent that answers
 * GETNEXT and GETBULK with the OIDs it was asked for, so a walk never
 * advances.
 *
 * --fault makes other hostile agents, for tests/integration/
 * test_hostile_snmp.py:
 *  - endless: tables that never end.  GETNEXT and GETBULK answer an OID
 *    with the first entry under it if there is one (a column's first
 *    row), else with the OID whose last arc is one more (a Gauge32), so a
 *    walk moves forward inside its column for ever.
 *  - reqid: every answer carries another request-id than its request's.
 *  - garbage: every answer's bytes after its first four are random.
 *  - scramble: answers come out of order, twice, and late: each answer is
 *    held back until the next one is sent (or 10 ms), then sent twice.
 *
 * Semantics follow RFC 3416 as snmpd implements it:
 *  - GET: the value, or noSuchInstance when some OID exists under the
 *    requested OID's parent (the "object" exists), noSuchObject otherwise.
 *    A flat file has no MIB, so for tables with multi-arc indexes the
 *    object test is approximate; snmpsim always answers noSuchInstance.
 *  - GETNEXT: the lexicographic successor, or endOfMibView.
 *  - GETBULK: non-repeaters as GETNEXT, then max-repetitions rows of the
 *    repeaters (row-major), each column following its own successor
 *    chain; stops early once a whole row is endOfMibView, and truncates to
 *    the VarBinds that fit in --max-msg-size.
 *  - SNMPv1: exceptions become noSuchName with the request's VarBinds
 *    echoed, and Counter64 objects are invisible (skipped by GETNEXT).
 *  - A response to GET/GETNEXT that does not fit is tooBig with an empty
 *    VarBind list; a wrong community or an undecodable packet is dropped
 *    without an answer, as a real agent does; SET is refused (notWritable,
 *    or noSuchName in v1).
 *
 * Reload: when a request arrives and the data file was last looked at
 * 100 ms ago or more, the file is stat()ed; if it is another file (inode,
 * device) or was changed (size, mtime, ctime) it is loaded into a new
 * data set, which replaces the old one between two requests.  SIGHUP
 * reloads at once, changed or not.  A file that fails to load leaves the
 * old data in service; the reason is logged once per version of the file.
 * Writers replace the file with rename() (asa_model.py tick does), so a
 * half-written file is never seen.
 */

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FA_UDP_MAX	65507	/* largest IPv4 UDP payload */
#define FA_HDR_ROOM	512	/* room reserved for message headers */
#define FA_MAX_REQ_VBS	2048	/* VarBinds accepted per request */
#define FA_SEQ		(ASN_SEQUENCE | ASN_CONSTRUCTOR)

/* One object instance: its OID and its VarBind, BER-encoded at load. */
struct fa_entry {
	const uint32_t	*arcs;
	uint32_t	 narcs;
	uint32_t	 vb_len;
	const u_char	*vb;
	unsigned	 c64:1;	/* Counter64: invisible to SNMPv1 */
	unsigned	 line:31;	/* line in the data file */
};

/* The sorted data set. */
struct fa_mib {
	struct fa_entry	*ents;
	size_t		 n;
	uint32_t	*arc_pool;
	u_char		*vb_pool;
};

/* Which version of the data file: what stat() says changes on a write. */
struct fa_file_id {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
	bool		 set;
};

/* One VarBind of a request, decoded. */
struct fa_req_vb {
	oid		 name[MAX_OID_LEN];
	size_t		 name_len;
	const u_char	*raw;		/* the VarBind in the request */
	size_t		 raw_len;
};

struct fa_stats {
	unsigned long long	 requests;
	unsigned long long	 responses;
	unsigned long long	 varbinds;
	unsigned long long	 bad_community;
	unsigned long long	 bad_packets;
	unsigned long long	 too_big;
	unsigned long long	 reloads;
	unsigned long long	 reload_failures;
	unsigned long long	 max_queued;	/* answers waiting at once */
};

/*
 * Where the next GETBULK of a walk starts: the entry after the last one a
 * column returned, found again without a binary search (in a 50,000-
 * tunnel data set, 23 cache misses a column, which a benchmark would
 * charge to the exporter).
 */
#define FA_HINTS	16384

struct fa_hint {
	uint64_t	h;		/* hash of the last entry's OID */
	size_t		next;		/* its index + 1 */
};

/* A response held for --delay-ms. */
struct fa_pending {
	struct timespec		 due;		/* CLOCK_MONOTONIC */
	struct sockaddr_in	 to;
	socklen_t		 tolen;
	size_t			 len;
	u_char			*data;
};

/* --fault: what kind of hostile agent this is. */
enum fa_fault {
	FA_FAULT_NONE,
	FA_FAULT_ENDLESS,
	FA_FAULT_REQID,
	FA_FAULT_GARBAGE,
	FA_FAULT_SCRAMBLE,
};

/* The responses waiting, oldest first (the delay is the same for all). */
struct fa_queue {
	struct fa_pending	*v;
	size_t			 head, n, cap;
};

struct fa_agent {
	struct fa_mib	 mib;
	const char	*path;		/* the data file */
	struct fa_file_id loaded;	/* the version being served */
	struct fa_file_id failed;	/* the last version that did not load */
	struct timespec	 checked;	/* when the file was last stat()ed */
	const char	*community;
	size_t		 community_len;
	size_t		 max_msg;
	struct timespec	 delay;
	bool		 has_delay;
	bool		 serial;	/* --serial: delay = service time */
	bool		 loop;		/* --loop: walks never advance */
	enum fa_fault	 fault;		/* --fault */
	struct fa_pending held;		/* scramble: the answer held back */
	bool		 has_held;
	uint64_t	 rnd;		/* garbage: xorshift state */
	struct fa_queue	 queue;
	struct fa_hint	*hints;		/* FA_HINTS of them */
	int		 fd;
	struct fa_stats	 st;
	struct fa_req_vb *req;		/* FA_MAX_REQ_VBS of them */
	size_t		*cursor;	/* GETBULK: position per repeater */
	u_char		*out;		/* FA_HDR_ROOM + max_msg */
};

/* A growable byte buffer used while loading. */
struct fa_buf {
	u_char		*p;
	size_t		 len;
	size_t		 cap;
};

static volatile sig_atomic_t fa_stop;
static volatile sig_atomic_t fa_hup;

static void
fa_on_signal(int sig)
{
	if (sig == SIGHUP)
		fa_hup = 1;
	else
		fa_stop = 1;
}

static void
fa_die(const char *what)
{
	fprintf(stderr, "fastagent: %s\n", what);
	exit(1);
}

static void *
fa_xrealloc(void *p, size_t n)
{
	void	*q = realloc(p, n ? n : 1);

	if (q == NULL)
		fa_die("out of memory");
	return q;
}

static void
fa_buf_reserve(struct fa_buf *b, size_t more)
{
	size_t	 cap = b->cap ? b->cap : 4096;

	if (more <= b->cap - b->len)
		return;
	while (cap - b->len < more) {
		if (cap > SIZE_MAX / 2)
			fa_die("out of memory");
		cap *= 2;
	}
	b->p = fa_xrealloc(b->p, cap);
	b->cap = cap;
}

static void
fa_buf_append(struct fa_buf *b, const void *data, size_t len)
{
	fa_buf_reserve(b, len);
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

/*
 * Parses a decimal number in [min, max] from s (the whole string).
 * Returns 0, or -1 if s is not such a number.
 */
static int
fa_parse_ull(const char *s, unsigned long long max, int base,
    unsigned long long *out)
{
	char			*end;
	unsigned long long	 v;

	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
fa_parse_ll(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (*s == '\0' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Parses a dotted OID ("1.3.6.1" or ".1.3.6.1") into arcs.
 * Returns the number of arcs, or 0 on a syntax error.
 */
static size_t
fa_parse_oid(const char *s, oid *arcs, size_t max)
{
	size_t		 n = 0;
	char		*end;
	unsigned long	 v;

	if (*s == '.')
		s++;
	for (;;) {
		if (*s < '0' || *s > '9' || n == max)
			return 0;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno != 0 || v > 0xffffffffUL)
			return 0;
		arcs[n++] = v;
		if (*end == '\0')
			break;
		if (*end != '.')
			return 0;
		s = end + 1;
	}
	/* asn_build_objid needs two arcs and a valid first pair. */
	if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40))
		return 0;
	return n;
}

static int
fa_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex string -> bytes in out (at least strlen(s)/2 bytes).  -1 if bad. */
static ssize_t
fa_unhex(const char *s, u_char *out)
{
	size_t	 len = strlen(s), i;
	int	 hi, lo;

	if (len % 2 != 0)
		return -1;
	for (i = 0; i < len; i += 2) {
		hi = fa_hexval((unsigned char)s[i]);
		lo = fa_hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (u_char)(hi << 4 | lo);
	}
	return (ssize_t)(len / 2);
}

/*
 * snmpsim's 'e' values are Python string literals without the quotes
 * (record/snmprec.py evaluateRawString): \\ \' \" \a \b \f \n \r \t \v
 * and \xHH.  Returns the decoded length, or -1.
 */
static ssize_t
fa_unescape(const char *s, u_char *out)
{
	size_t	 n = 0;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			out[n++] = (u_char)*s;
			continue;
		}
		switch (*++s) {
		case '\\': out[n++] = '\\'; break;
		case '\'': out[n++] = '\''; break;
		case '"': out[n++] = '"'; break;
		case 'a': out[n++] = 7; break;
		case 'b': out[n++] = 8; break;
		case 'f': out[n++] = 12; break;
		case 'n': out[n++] = 10; break;
		case 'r': out[n++] = 13; break;
		case 't': out[n++] = 9; break;
		case 'v': out[n++] = 11; break;
		case 'x':
			if (s[1] == '\0' || s[2] == '\0')
				return -1;
			hi = fa_hexval((unsigned char)s[1]);
			lo = fa_hexval((unsigned char)s[2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[n++] = (u_char)(hi << 4 | lo);
			s += 2;
			break;
		default:
			return -1;
		}
	}
	return (ssize_t)n;
}

/*
 * Decodes one snmprec value of BER type 'type' (the snmprec tag is the
 * decimal BER tag) with encoding suffix 'enc' ('\0', 'x' hex, 'e'
 * escaped) and encodes the VarBind {name, value} into vb with
 * snmp_build_var_op.  Returns the VarBind length, or -1 with *why set.
 */
static ssize_t
fa_encode_value(oid *name, size_t name_len, int type, int enc,
    const char *val, u_char *scratch, u_char *vb, size_t vb_size,
    const char **why)
{
	long			 l;
	u_long			 ul;
	struct counter64	 c64;
	oid			 objid[MAX_OID_LEN];
	unsigned long long	 u;
	long long		 sl;
	ssize_t			 slen;
	size_t			 left = vb_size, vlen = 0;
	u_char			*vp = NULL, *end;
	int			 base = enc == 'x' ? 16 : 10;

	*why = "bad value";
	if (enc == 'e' && type != ASN_OCTET_STR && type != ASN_OPAQUE) {
		*why = "'e' encoding is only for strings";
		return -1;
	}
	switch (type) {
	case ASN_INTEGER:
		if (enc == 'x') {
			if (fa_parse_ull(val, 0xffffffffULL, 16, &u) < 0)
				return -1;
			l = (long)(int32_t)(uint32_t)u;
		} else {
			if (fa_parse_ll(val, INT32_MIN, INT32_MAX, &sl) < 0)
				return -1;
			l = (long)sl;
		}
		vp = (u_char *)&l;
		vlen = sizeof(l);
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		if (fa_parse_ull(val, 0xffffffffULL, base, &u) < 0)
			return -1;
		ul = (u_long)u;
		vp = (u_char *)&ul;
		vlen = sizeof(ul);
		break;
	case ASN_COUNTER64:
		if (fa_parse_ull(val, ULLONG_MAX, base, &u) < 0)
			return -1;
		c64.high = (u_long)(u >> 32);
		c64.low = (u_long)(u & 0xffffffffULL);
		vp = (u_char *)&c64;
		vlen = sizeof(c64);
		break;
	case ASN_OCTET_STR:
	case ASN_OPAQUE:
		if (enc == 'x')
			slen = fa_unhex(val, scratch);
		else if (enc == 'e')
			slen = fa_unescape(val, scratch);
		else {
			slen = (ssize_t)strlen(val);
			memcpy(scratch, val, (size_t)slen);
		}
		if (slen < 0)
			return -1;
		vp = scratch;
		vlen = (size_t)slen;
		break;
	case ASN_IPADDRESS:
		if (enc == 'x') {
			if (strlen(val) != 8 || fa_unhex(val, scratch) != 4)
				return -1;
		} else if (inet_pton(AF_INET, val, scratch) != 1)
			return -1;
		vp = scratch;
		vlen = 4;
		break;
	case ASN_OBJECT_ID:
		vlen = fa_parse_oid(val, objid, MAX_OID_LEN);
		if (vlen == 0)
			return -1;
		vp = (u_char *)objid;
		vlen *= sizeof(oid);
		break;
	case ASN_NULL:
	case SNMP_NOSUCHOBJECT:
	case SNMP_NOSUCHINSTANCE:
	case SNMP_ENDOFMIBVIEW:
		break;
	default:
		*why = "unsupported tag";
		return -1;
	}
	end = snmp_build_var_op(vb, name, &name_len, (u_char)type, vlen, vp,
	    &left);
	if (end == NULL) {
		*why = "net-snmp could not encode the value";
		return -1;
	}
	return end - vb;
}

static int
fa_cmp_ents(const void *a, const void *b)
{
	const struct fa_entry	*x = a, *y = b;
	uint32_t		 i, n;

	n = x->narcs < y->narcs ? x->narcs : y->narcs;
	for (i = 0; i < n; i++)
		if (x->arcs[i] != y->arcs[i])
			return x->arcs[i] < y->arcs[i] ? -1 : 1;
	if (x->narcs != y->narcs)
		return x->narcs < y->narcs ? -1 : 1;
	return 0;
}

/* Entry vs request OID: <0, 0, >0 like memcmp, in SNMP order. */
static int
fa_cmp_name(const struct fa_entry *e, const oid *name, size_t len)
{
	size_t	 i, n = e->narcs < len ? e->narcs : len;

	for (i = 0; i < n; i++)
		if (e->arcs[i] != name[i])
			return e->arcs[i] < name[i] ? -1 : 1;
	if (e->narcs != len)
		return e->narcs < len ? -1 : 1;
	return 0;
}

static void
fa_mib_free(struct fa_mib *m)
{
	free(m->ents);
	free(m->arc_pool);
	free(m->vb_pool);
	memset(m, 0, sizeof(*m));
}

static void
fa_file_id_of(const struct stat *st, struct fa_file_id *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
	id->ctime = st->st_ctim;
	id->set = true;
}

static bool
fa_file_id_eq(const struct fa_file_id *a, const struct fa_file_id *b)
{
	return a->set && b->set && a->dev == b->dev && a->ino == b->ino &&
	    a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/*
 * Loads and encodes a .snmprec file into m (empty on entry), and sets id
 * to the version of the file read.  Lines are "OID|TAG|VALUE"; blank
 * lines and lines starting with '#' are skipped.  snmpsim variation
 * modules ("TAG:module") are refused.  Returns 0, or -1 with the file,
 * line and reason in msg (m is then left empty).
 */
static int
fa_load(struct fa_mib *m, const char *path, struct fa_file_id *id,
    char *msg, size_t msgsize)
{
	FILE		*f;
	char		*line = NULL, *tag, *val, *end;
	size_t		 cap = 0, narcs, i, scratch_cap = 0, vb_cap = 0;
	ssize_t		 len, vblen;
	unsigned long	 lineno = 0;
	struct fa_buf	 arcs = { 0 }, vbs = { 0 }, ents = { 0 };
	struct fa_entry	 e;
	oid		 name[MAX_OID_LEN];
	uint32_t	 arcs32[MAX_OID_LEN];
	u_char		*scratch = NULL, *vb = NULL;
	const char	*why;
	int		 type, enc;
	unsigned long	 t;
	struct stat	 st;

	memset(m, 0, sizeof(*m));
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(msg, msgsize, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) < 0) {
		snprintf(msg, msgsize, "cannot stat '%s': %s", path,
		    strerror(errno));
		fclose(f);
		return -1;
	}
	fa_file_id_of(&st, id);
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		why = "expected OID|TAG|VALUE";
		if ((tag = strchr(line, '|')) == NULL)
			goto bad;
		*tag++ = '\0';
		if ((val = strchr(tag, '|')) == NULL)
			goto bad;
		*val++ = '\0';
		why = "bad OID";
		if ((narcs = fa_parse_oid(line, name, MAX_OID_LEN)) == 0)
			goto bad;
		why = "bad tag";
		errno = 0;
		t = strtoul(tag, &end, 10);
		if (end == tag || errno != 0 || t > 255)
			goto bad;
		type = (int)t;
		enc = *end;
		if (enc != '\0' && (end[1] != '\0' || (enc != 'x' &&
		    enc != 'e'))) {
			why = "unsupported tag suffix (variation modules are "
			    "not supported)";
			goto bad;
		}
		if (scratch_cap < (size_t)len + 1) {
			scratch_cap = (size_t)len + 1;
			scratch = fa_xrealloc(scratch, scratch_cap);
		}
		if (vb_cap < (size_t)len * 2 + 1024) {
			vb_cap = (size_t)len * 2 + 1024;
			vb = fa_xrealloc(vb, vb_cap);
		}
		vblen = fa_encode_value(name, narcs, type, enc, val, scratch,
		    vb, vb_cap, &why);
		if (vblen < 0)
			goto bad;
		why = "data file too long";
		if (lineno > 0x7fffffffUL)
			goto bad;
		for (i = 0; i < narcs; i++)
			arcs32[i] = (uint32_t)name[i];
		/* Offsets for now; pointers once the pools stop moving. */
		memset(&e, 0, sizeof(e));
		e.arcs = (const uint32_t *)(uintptr_t)(arcs.len /
		    sizeof(uint32_t));
		e.narcs = (uint32_t)narcs;
		e.vb = (const u_char *)(uintptr_t)vbs.len;
		e.vb_len = (uint32_t)vblen;
		e.c64 = type == ASN_COUNTER64;
		e.line = (unsigned)lineno;
		fa_buf_append(&arcs, arcs32, narcs * sizeof(uint32_t));
		fa_buf_append(&vbs, vb, (size_t)vblen);
		fa_buf_append(&ents, &e, sizeof(e));
	}
	if (ferror(f)) {
		snprintf(msg, msgsize, "cannot read '%s'", path);
		fclose(f);
		free(line);
		free(scratch);
		free(vb);
		free(arcs.p);
		free(vbs.p);
		free(ents.p);
		return -1;
	}
	fclose(f);
	free(line);
	free(scratch);
	free(vb);

	m->arc_pool = (uint32_t *)(void *)arcs.p;
	m->vb_pool = vbs.p;
	m->ents = (struct fa_entry *)(void *)ents.p;
	m->n = ents.len / sizeof(struct fa_entry);
	for (i = 0; i < m->n; i++) {
		m->ents[i].arcs = m->arc_pool + (uintptr_t)m->ents[i].arcs;
		m->ents[i].vb = m->vb_pool + (uintptr_t)m->ents[i].vb;
	}
	qsort(m->ents, m->n, sizeof(*m->ents), fa_cmp_ents);
	for (i = 1; i < m->n; i++) {
		if (fa_cmp_ents(&m->ents[i - 1], &m->ents[i]) == 0) {
			snprintf(msg, msgsize, "%s:%u: duplicate OID "
			    "(first at line %u)", path,
			    m->ents[i - 1].line > m->ents[i].line ?
			    m->ents[i - 1].line : m->ents[i].line,
			    m->ents[i - 1].line < m->ents[i].line ?
			    m->ents[i - 1].line : m->ents[i].line);
			fa_mib_free(m);
			return -1;
		}
	}
	return 0;
bad:
	snprintf(msg, msgsize, "%s:%lu: %s", path, lineno, why);
	fclose(f);
	free(line);
	free(scratch);
	free(vb);
	free(arcs.p);
	free(vbs.p);
	free(ents.p);
	return -1;
}

/*
 * Loads the data file again; on success the new data replaces the old.
 * Requests are handled one at a time, so the swap is atomic for them.
 */
static void
fa_reload(struct fa_agent *a, const char *why, const struct fa_file_id *seen)
{
	struct fa_mib		 m;
	struct fa_file_id	 id = { 0 };
	char			 msg[512];

	if (fa_load(&m, a->path, &id, msg, sizeof(msg)) < 0) {
		a->st.reload_failures++;
		fprintf(stderr, "fastagent: reload (%s) failed, still serving "
		    "%zu varbinds: %s\n", why, a->mib.n, msg);
		fflush(stderr);
		/* Not tried again until the file changes (or SIGHUP). */
		if (id.set)
			a->failed = id;
		else if (seen != NULL)
			a->failed = *seen;
		return;
	}
	fa_mib_free(&a->mib);
	a->mib = m;
	memset(a->hints, 0, FA_HINTS * sizeof(*a->hints));
	a->loaded = id;
	memset(&a->failed, 0, sizeof(a->failed));
	a->st.reloads++;
	fprintf(stderr, "fastagent: reloaded %zu varbinds from %s (%s)\n",
	    a->mib.n, a->path, why);
	fflush(stderr);
}

/* Milliseconds from a to b. */
static long long
fa_ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000 +
	    (b->tv_nsec - a->tv_nsec) / 1000000;
}

/*
 * Before a request: reload on SIGHUP, or when the file changed (looked at
 * once per 100 ms at most).  A version that failed is not tried again.
 */
static void
fa_check_reload(struct fa_agent *a)
{
	struct timespec		 now;
	struct stat		 st;
	struct fa_file_id	 id;

	if (fa_hup) {
		fa_hup = 0;
		clock_gettime(CLOCK_MONOTONIC, &a->checked);
		fa_reload(a, "SIGHUP", NULL);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (fa_ms_between(&a->checked, &now) < 100)
		return;
	a->checked = now;
	if (stat(a->path, &st) < 0)
		return;		/* being replaced, or gone: keep serving */
	fa_file_id_of(&st, &id);
	if (fa_file_id_eq(&id, &a->loaded) || fa_file_id_eq(&id, &a->failed))
		return;
	fa_reload(a, "file changed", &id);
}

static uint64_t
fa_hash_step(uint64_t h, uint64_t arc)
{
	return (h ^ arc) * 1099511628211ULL;
}

static uint64_t
fa_hash_name(const oid *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = fa_hash_step(h, (uint64_t)name[i]);
	return h;
}

static uint64_t
fa_hash_entry(const struct fa_entry *e)
{
	uint64_t h = 1469598103934665603ULL;

	for (uint32_t i = 0; i < e->narcs; i++)
		h = fa_hash_step(h, (uint64_t)e->arcs[i]);
	return h;
}

/* Index of the first entry >= name, or > name if after. */
static size_t
fa_search(const struct fa_mib *m, const oid *name, size_t len, bool after)
{
	size_t	 lo = 0, hi = m->n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = fa_cmp_name(&m->ents[mid], name, len);
		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first entry > name: from a hint if name ended a column's answer. */
static size_t
fa_successor(struct fa_agent *a, const oid *name, size_t len)
{
	uint64_t	 h = fa_hash_name(name, len);
	struct fa_hint	*t = &a->hints[h % FA_HINTS];

	if (t->h == h && t->next > 0 && t->next <= a->mib.n &&
	    fa_cmp_name(&a->mib.ents[t->next - 1], name, len) == 0)
		return t->next;
	return fa_search(&a->mib, name, len, true);
}

/* Remembers that a column's answer ended at entry next - 1. */
static void
fa_remember(struct fa_agent *a, size_t next)
{
	uint64_t h = fa_hash_entry(&a->mib.ents[next - 1]);

	a->hints[h % FA_HINTS] = (struct fa_hint){ h, next };
}

/* True if some entry lies under the parent of name (the object exists). */
static bool
fa_object_exists(const struct fa_mib *m, const oid *name, size_t len)
{
	size_t			 i, plen;
	const struct fa_entry	*e;

	if (len < 2)
		return false;
	plen = len - 1;
	i = fa_search(m, name, plen, false);
	if (i == m->n)
		return false;
	e = &m->ents[i];
	if (e->narcs < plen)
		return false;
	for (i = 0; i < plen; i++)
		if (e->arcs[i] != name[i])
			return false;
	return true;
}

/* Next visible entry at or after i (v1 cannot see Counter64). */
static size_t
fa_visible(const struct fa_mib *m, size_t i, bool v1)
{
	while (v1 && i < m->n && m->ents[i].c64)
		i++;
	return i;
}

/*
 * The response under construction: VarBinds are appended at w, behind
 * FA_HDR_ROOM bytes where the header goes once the list is complete.
 */
struct fa_rsp {
	u_char		*w;
	u_char		*limit;
	size_t		 nvb;
};

static bool
fa_put_entry(struct fa_rsp *r, const struct fa_entry *e)
{
	if ((size_t)(r->limit - r->w) < e->vb_len)
		return false;
	memcpy(r->w, e->vb, e->vb_len);
	r->w += e->vb_len;
	r->nvb++;
	return true;
}

/* Appends {name, exception} (noSuchObject, ..., endOfMibView). */
static bool
fa_put_exception(struct fa_rsp *r, const oid *name, size_t len, u_char type)
{
	oid	 tmp[MAX_OID_LEN];
	size_t	 left = (size_t)(r->limit - r->w), n = len;
	u_char	*end;

	memcpy(tmp, name, len * sizeof(oid));
	end = snmp_build_var_op(r->w, tmp, &n, type, 0, NULL, &left);
	if (end == NULL)
		return false;
	r->w = end;
	r->nvb++;
	return true;
}

static bool
fa_put_exception_at(struct fa_rsp *r, const struct fa_entry *e, u_char type)
{
	oid	 tmp[MAX_OID_LEN];
	uint32_t i;

	for (i = 0; i < e->narcs; i++)
		tmp[i] = e->arcs[i];
	return fa_put_exception(r, tmp, e->narcs, type);
}

static bool
fa_put_raw(struct fa_rsp *r, const struct fa_req_vb *vb)
{
	if ((size_t)(r->limit - r->w) < vb->raw_len)
		return false;
	memcpy(r->w, vb->raw, vb->raw_len);
	r->w += vb->raw_len;
	r->nvb++;
	return true;
}

/*
 * --fault endless: moves name (len arcs, at most MAX_OID_LEN) to the next
 * OID of a table that never ends and appends its VarBind.
 */
static bool
fa_put_endless(struct fa_agent *a, struct fa_rsp *r, oid *name, size_t *len)
{
	const struct fa_entry	*e;
	size_t			 idx, left, n;
	u_char			*end;
	u_long			 val;

	idx = fa_successor(a, name, *len);
	if (idx < a->mib.n && (e = &a->mib.ents[idx])->narcs > *len &&
	    fa_cmp_name(e, name, *len) > 0) {
		bool under = true;

		for (size_t i = 0; i < *len && under; i++)
			under = e->arcs[i] == name[i];
		if (under) {
			for (uint32_t i = 0; i < e->narcs; i++)
				name[i] = e->arcs[i];
			*len = e->narcs;
			return fa_put_entry(r, e);
		}
	}
	if (*len == 0)
		return fa_put_exception(r, name, 0, SNMP_ENDOFMIBVIEW);
	name[*len - 1]++;
	val = (u_long)name[*len - 1];
	left = (size_t)(r->limit - r->w);
	n = *len;
	end = snmp_build_var_op(r->w, name, &n, ASN_GAUGE, sizeof(val),
	    (u_char *)&val, &left);
	if (end == NULL)
		return false;
	r->w = end;
	r->nvb++;
	return true;
}

/*
 * Builds the message header for a response whose VarBind list is
 * vbl_len bytes long, ending exactly at 'end'.  Returns the start of the
 * message, or NULL.
 */
static u_char *
fa_build_header(struct fa_agent *a, u_char *end, long version, long reqid,
    long errstat, long erridx, size_t vbl_len)
{
	u_char	 mid[FA_HDR_ROOM], tail[64], *p, *q;
	size_t	 left, mid_len, tail_len, body_len, hdr_len;

	/* request-id, error-status, error-index, VarBind list header */
	p = tail;
	left = sizeof(tail);
	p = asn_build_int(p, &left, ASN_INTEGER, &reqid, sizeof(reqid));
	if (p != NULL)
		p = asn_build_int(p, &left, ASN_INTEGER, &errstat,
		    sizeof(errstat));
	if (p != NULL)
		p = asn_build_int(p, &left, ASN_INTEGER, &erridx,
		    sizeof(erridx));
	if (p != NULL)
		p = asn_build_sequence(p, &left, FA_SEQ, vbl_len);
	if (p == NULL)
		return NULL;
	tail_len = (size_t)(p - tail);
	body_len = tail_len + vbl_len;

	/* version, community */
	q = mid;
	left = sizeof(mid);
	q = asn_build_int(q, &left, ASN_INTEGER, &version, sizeof(version));
	if (q != NULL)
		q = asn_build_string(q, &left, ASN_OCTET_STR,
		    (const u_char *)a->community, a->community_len);
	if (q == NULL)
		return NULL;
	mid_len = (size_t)(q - mid);

	/* Message and PDU headers are 4 bytes each (asn_build_sequence). */
	hdr_len = 4 + mid_len + 4 + tail_len;
	if (hdr_len > FA_HDR_ROOM || body_len + mid_len + 4 > 0xffff)
		return NULL;
	p = end - vbl_len - hdr_len;
	q = p;
	left = hdr_len;
	q = asn_build_sequence(q, &left, FA_SEQ, mid_len + 4 + body_len);
	if (q == NULL)
		return NULL;
	memcpy(q, mid, mid_len);
	q += mid_len;
	left -= mid_len;
	q = asn_build_sequence(q, &left, SNMP_MSG_RESPONSE, body_len);
	if (q == NULL)
		return NULL;
	memcpy(q, tail, tail_len);
	return p;
}

/*
 * Decodes a request, and builds the response in a->out.  Returns the
 * response length and sets *msg, or returns 0 to drop the packet.
 */
static size_t
fa_handle(struct fa_agent *a, u_char *pkt, size_t len, u_char **msg)
{
	struct fa_mib		*m = &a->mib;
	struct fa_rsp		 r;
	u_char			*p, *list_start, *vval;
	u_char			 type, pdu_type, vtype, community[256];
	size_t			 left, clen = sizeof(community), pdu_left;
	size_t			 nvb = 0, vlen, i, j, idx, nonrep, nrep;
	size_t			 ends, budget, list_len;
	long			 version, reqid, f1, f2;
	long			 errstat = 0, erridx = 0;
	bool			 v1, full = false;
	struct fa_req_vb	*vb;
	const struct fa_entry	*e;
	long			 rep, maxrep;

	left = len;
	p = asn_parse_sequence(pkt, &left, &type, FA_SEQ, "message");
	if (p == NULL)
		goto bad;
	p = asn_parse_int(p, &left, &type, &version, sizeof(version));
	if (p == NULL || type != ASN_INTEGER)
		goto bad;
	if (version != SNMP_VERSION_1 && version != SNMP_VERSION_2c)
		goto bad;
	v1 = version == SNMP_VERSION_1;
	p = asn_parse_string(p, &left, &type, community, &clen);
	if (p == NULL || type != ASN_OCTET_STR)
		goto bad;
	if (clen != a->community_len ||
	    memcmp(community, a->community, clen) != 0) {
		a->st.bad_community++;
		return 0;
	}
	pdu_left = left;
	p = asn_parse_header(p, &pdu_left, &pdu_type);
	if (p == NULL)
		goto bad;
	switch (pdu_type) {
	case SNMP_MSG_GET:
	case SNMP_MSG_GETNEXT:
	case SNMP_MSG_SET:
		break;
	case SNMP_MSG_GETBULK:
		if (!v1)
			break;
		/* FALLTHROUGH */
	default:
		goto bad;
	}
	p = asn_parse_int(p, &pdu_left, &type, &reqid, sizeof(reqid));
	if (p != NULL)
		p = asn_parse_int(p, &pdu_left, &type, &f1, sizeof(f1));
	if (p != NULL)
		p = asn_parse_int(p, &pdu_left, &type, &f2, sizeof(f2));
	if (p == NULL)
		goto bad;
	left = pdu_left;
	p = asn_parse_sequence(p, &left, &type, FA_SEQ, "varbinds");
	if (p == NULL)
		goto bad;
	while (left > 0) {
		if (nvb == FA_MAX_REQ_VBS)
			goto bad;
		vb = &a->req[nvb];
		vb->raw = p;
		vb->name_len = MAX_OID_LEN;
		p = snmp_parse_var_op(p, vb->name, &vb->name_len, &vtype,
		    &vlen, &vval, &left);
		if (p == NULL)
			goto bad;
		vb->raw_len = (size_t)(p - vb->raw);
		nvb++;
	}
	a->st.requests++;

	/*
	 * Leave room for the largest header fa_build_header can make:
	 * message 4, version 3, community 3 + n, PDU 4, request-id up to
	 * 10, error-status 3, error-index 4, VarBind list 4.
	 */
	list_start = a->out + FA_HDR_ROOM;
	budget = a->max_msg - (35 + a->community_len);
	r.w = list_start;
	r.limit = list_start + budget;
	r.nvb = 0;

	switch (pdu_type) {
	case SNMP_MSG_SET:
		errstat = v1 ? SNMP_ERR_NOSUCHNAME : SNMP_ERR_NOTWRITABLE;
		erridx = nvb > 0 ? 1 : 0;
		for (i = 0; i < nvb && !full; i++)
			full = !fa_put_raw(&r, &a->req[i]);
		break;
	case SNMP_MSG_GET:
		for (i = 0; i < nvb && !full && errstat == 0; i++) {
			vb = &a->req[i];
			idx = fa_search(m, vb->name, vb->name_len, false);
			if (idx < m->n && fa_cmp_name(&m->ents[idx], vb->name,
			    vb->name_len) == 0 && !(v1 && m->ents[idx].c64))
				full = !fa_put_entry(&r, &m->ents[idx]);
			else if (v1) {
				errstat = SNMP_ERR_NOSUCHNAME;
				erridx = (long)i + 1;
			} else
				full = !fa_put_exception(&r, vb->name,
				    vb->name_len, fa_object_exists(m, vb->name,
				    vb->name_len) ? SNMP_NOSUCHINSTANCE :
				    SNMP_NOSUCHOBJECT);
		}
		break;
	case SNMP_MSG_GETNEXT:
		if (a->loop) {
			for (i = 0; i < nvb && !full; i++)
				full = !fa_put_raw(&r, &a->req[i]);
			break;
		}
		if (a->fault == FA_FAULT_ENDLESS) {
			for (i = 0; i < nvb && !full; i++)
				full = !fa_put_endless(a, &r, a->req[i].name,
				    &a->req[i].name_len);
			break;
		}
		for (i = 0; i < nvb && !full && errstat == 0; i++) {
			vb = &a->req[i];
			idx = fa_visible(m, fa_search(m, vb->name,
			    vb->name_len, true), v1);
			if (idx < m->n)
				full = !fa_put_entry(&r, &m->ents[idx]);
			else if (v1) {
				errstat = SNMP_ERR_NOSUCHNAME;
				erridx = (long)i + 1;
			} else
				full = !fa_put_exception(&r, vb->name,
				    vb->name_len, SNMP_ENDOFMIBVIEW);
		}
		break;
	case SNMP_MSG_GETBULK:
		if (a->loop) {
			for (i = 0; i < nvb && !full; i++)
				full = !fa_put_raw(&r, &a->req[i]);
			break;
		}
		/* RFC 3416 4.2.3: negative values count as zero. */
		nonrep = f1 < 0 ? 0 : (size_t)f1 > nvb ? nvb : (size_t)f1;
		maxrep = f2 < 0 ? 0 : f2;
		nrep = nvb - nonrep;
		for (i = 0; i < nonrep && !full; i++) {
			vb = &a->req[i];
			idx = fa_search(m, vb->name, vb->name_len, true);
			if (idx < m->n)
				full = !fa_put_entry(&r, &m->ents[idx]);
			else
				full = !fa_put_exception(&r, vb->name,
				    vb->name_len, SNMP_ENDOFMIBVIEW);
		}
		if (full)
			break;
		if (a->fault == FA_FAULT_ENDLESS) {
			/* Row-major, each repeater its own cursor. */
			for (rep = 0; rep < maxrep; rep++)
				for (j = 0; j < nrep; j++)
					if (!fa_put_endless(a, &r,
					    a->req[nonrep + j].name,
					    &a->req[nonrep + j].name_len))
						goto bulk_full;
			break;
		}
		/*
		 * cursor[j] is the next entry column j returns.  m->n means
		 * the column ran off the end after returning the last entry
		 * (endOfMibView then names that entry); m->n + 1 means it
		 * had nothing to return at all (it names the request OID).
		 */
		for (rep = 0; rep < maxrep && nrep > 0; rep++) {
			ends = 0;
			for (j = 0; j < nrep; j++) {
				vb = &a->req[nonrep + j];
				if (rep == 0) {
					idx = fa_successor(a, vb->name,
					    vb->name_len);
					a->cursor[j] = idx < m->n ? idx :
					    m->n + 1;
				}
				idx = a->cursor[j];
				if (idx < m->n) {
					e = &m->ents[idx];
					if (!fa_put_entry(&r, e))
						goto bulk_full;
					a->cursor[j] = idx + 1;
					continue;
				}
				ends++;
				if (idx == m->n) {
					if (!fa_put_exception_at(&r,
					    &m->ents[m->n - 1],
					    SNMP_ENDOFMIBVIEW))
						goto bulk_full;
				} else if (!fa_put_exception(&r, vb->name,
				    vb->name_len, SNMP_ENDOFMIBVIEW))
					goto bulk_full;
			}
			/* Every column is at the end: more rows add nothing. */
			if (ends == nrep)
				break;
		}
		for (j = 0; j < nrep && maxrep > 0; j++) {
			if (a->cursor[j] > 0 && a->cursor[j] <= m->n)
				fa_remember(a, a->cursor[j]);
		}
		break;
bulk_full:
		/* A truncated GETBULK is a normal answer, unless empty. */
		if (r.nvb < nonrep || r.nvb == 0)
			full = true;
		/* Hints are checked when used: a stale cursor does no harm. */
		for (j = 0; j < nrep && !full; j++) {
			if (a->cursor[j] > 0 && a->cursor[j] <= m->n)
				fa_remember(a, a->cursor[j]);
		}
		break;
	default:
		goto bad;
	}

	if (full) {
		/* tooBig: same request-id, empty VarBind list. */
		a->st.too_big++;
		errstat = SNMP_ERR_TOOBIG;
		erridx = 0;
		r.w = list_start;
		r.nvb = 0;
	} else if (errstat == SNMP_ERR_NOSUCHNAME) {
		/* v1 error: the request's VarBinds come back unchanged. */
		r.w = list_start;
		r.nvb = 0;
		for (i = 0; i < nvb; i++)
			if (!fa_put_raw(&r, &a->req[i])) {
				errstat = SNMP_ERR_TOOBIG;
				erridx = 0;
				r.w = list_start;
				r.nvb = 0;
				break;
			}
	}
	list_len = (size_t)(r.w - list_start);
	if (a->fault == FA_FAULT_REQID)
		reqid ^= 0x2a5a5a5;	/* no request of this client's */
	*msg = fa_build_header(a, r.w, version, reqid, errstat, erridx,
	    list_len);
	if (*msg == NULL)
		goto bad;
	a->st.varbinds += r.nvb;
	if (a->fault == FA_FAULT_GARBAGE) {
		for (u_char *b = *msg + 4; b < r.w; b++) {
			a->rnd ^= a->rnd << 13;
			a->rnd ^= a->rnd >> 7;
			a->rnd ^= a->rnd << 17;
			*b = (u_char)a->rnd;
		}
	}
	return (size_t)(r.w - *msg);
bad:
	a->st.bad_packets++;
	return 0;
}

static void
fa_sleep(const struct timespec *d)
{
	struct timespec	 req = *d, rem;

	while (nanosleep(&req, &rem) == -1 && errno == EINTR && !fa_stop)
		req = rem;
}

static void
fa_timespec_add(struct timespec *t, const struct timespec *d)
{
	t->tv_sec += d->tv_sec;
	t->tv_nsec += d->tv_nsec;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static void
fa_send(struct fa_agent *a, const u_char *msg, size_t len,
    const struct sockaddr_in *to, socklen_t tolen)
{
	if (sendto(a->fd, msg, len, 0, (const struct sockaddr *)to,
	    tolen) < 0)
		perror("fastagent: sendto");
	else
		a->st.responses++;
}

/* --fault scramble: sends the held answer (twice) if due or forced. */
static void
fa_release_held(struct fa_agent *a, bool force, struct timespec *wait,
    bool *waiting)
{
	struct fa_pending	*h = &a->held;
	struct timespec		 now;
	long long		 ns;

	if (!a->has_held)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(h->due.tv_sec - now.tv_sec) * 1000000000LL +
	    (h->due.tv_nsec - now.tv_nsec);
	if (!force && ns > 0) {
		if (!*waiting || ns < (long long)wait->tv_sec * 1000000000LL +
		    wait->tv_nsec) {
			wait->tv_sec = (time_t)(ns / 1000000000LL);
			wait->tv_nsec = (long)(ns % 1000000000LL);
		}
		*waiting = true;
		return;
	}
	fa_send(a, h->data, h->len, &h->to, h->tolen);
	fa_send(a, h->data, h->len, &h->to, h->tolen);
	free(h->data);
	a->has_held = false;
}

/* --fault scramble: this answer first, then the one held back, twice. */
static void
fa_scramble(struct fa_agent *a, const u_char *msg, size_t len,
    const struct sockaddr_in *to, socklen_t tolen)
{
	struct timespec		 wait;
	struct fa_pending	*h = &a->held;
	bool			 waiting = false;

	if (a->has_held) {
		fa_send(a, msg, len, to, tolen);
		fa_release_held(a, true, &wait, &waiting);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &h->due);
	h->due.tv_nsec += 10 * 1000000L;
	if (h->due.tv_nsec >= 1000000000L) {
		h->due.tv_sec++;
		h->due.tv_nsec -= 1000000000L;
	}
	h->to = *to;
	h->tolen = tolen;
	h->len = len;
	h->data = fa_xrealloc(NULL, len);
	memcpy(h->data, msg, len);
	a->has_held = true;
}

/* Holds a response until its request is --delay-ms old. */
static void
fa_enqueue(struct fa_agent *a, const u_char *msg, size_t len,
    const struct sockaddr_in *to, socklen_t tolen,
    const struct timespec *arrived)
{
	struct fa_queue		*q = &a->queue;
	struct fa_pending	*p;

	if (q->n == q->cap) {
		size_t			 ncap = q->cap ? q->cap * 2 : 64;
		struct fa_pending	*v = fa_xrealloc(NULL,
					    ncap * sizeof(*v));

		for (size_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % (q->cap ? q->cap : 1)];
		free(q->v);
		q->v = v;
		q->cap = ncap;
		q->head = 0;
	}
	p = &q->v[(q->head + q->n) % q->cap];
	p->due = *arrived;
	fa_timespec_add(&p->due, &a->delay);
	p->to = *to;
	p->tolen = tolen;
	p->len = len;
	p->data = fa_xrealloc(NULL, len);
	memcpy(p->data, msg, len);
	q->n++;
	if (q->n > a->st.max_queued)
		a->st.max_queued = q->n;
}

/*
 * Sends what is due; sets *wait to the time until the next one is and
 * returns true, or returns false if nothing waits.
 */
static bool
fa_flush(struct fa_agent *a, struct timespec *wait)
{
	struct fa_queue	*q = &a->queue;
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	while (q->n > 0) {
		struct fa_pending	*p = &q->v[q->head];
		long long		 ns = (long long)(p->due.tv_sec -
					    now.tv_sec) * 1000000000LL +
					    (p->due.tv_nsec - now.tv_nsec);

		if (ns > 0) {
			wait->tv_sec = (time_t)(ns / 1000000000LL);
			wait->tv_nsec = (long)(ns % 1000000000LL);
			return true;
		}
		fa_send(a, p->data, p->len, &p->to, p->tolen);
		free(p->data);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	return false;
}

static void
fa_serve(struct fa_agent *a)
{
	u_char			*in;
	u_char			*msg;
	struct sockaddr_in	 from;
	socklen_t		 fromlen;
	ssize_t			 n;
	size_t			 rlen;
	struct pollfd		 pfd;
	struct timespec		 arrived, wait;
	bool			 waiting;
	sigset_t		 sigs, waitmask;

	/*
	 * The signals are blocked but while ppoll() waits: one that came
	 * between the check of fa_hup and the wait would otherwise leave the
	 * agent asleep until the next request, its reload not done.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, &waitmask);
	sigdelset(&waitmask, SIGHUP);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	in = fa_xrealloc(NULL, FA_UDP_MAX + 1);
	while (!fa_stop) {
		/* ppoll: a delay of 2 ms must not become 3 by rounding. */
		waiting = fa_flush(a, &wait);
		fa_release_held(a, false, &wait, &waiting);
		pfd.fd = a->fd;
		pfd.events = POLLIN;
		if (ppoll(&pfd, 1, waiting ? &wait : NULL, &waitmask) <= 0) {
			if (fa_hup && !fa_stop)
				fa_check_reload(a);
			continue;
		}
		fromlen = sizeof(from);
		n = recvfrom(a->fd, in, FA_UDP_MAX + 1, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK) {
				if (fa_hup && !fa_stop)
					fa_check_reload(a);
				continue;
			}
			perror("fastagent: recvfrom");
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &arrived);
		fa_check_reload(a);
		rlen = fa_handle(a, in, (size_t)n, &msg);
		if (rlen == 0)
			continue;
		if (a->fault == FA_FAULT_SCRAMBLE) {
			fa_scramble(a, msg, rlen, &from, fromlen);
			continue;
		}
		if (a->has_delay && !a->serial) {
			fa_enqueue(a, msg, rlen, &from, fromlen, &arrived);
			continue;
		}
		if (a->has_delay)
			fa_sleep(&a->delay);
		fa_send(a, msg, rlen, &from, fromlen);
	}
	while (a->queue.n > 0) {
		free(a->queue.v[a->queue.head].data);
		a->queue.head = (a->queue.head + 1) % a->queue.cap;
		a->queue.n--;
	}
	free(a->queue.v);
	if (a->has_held)
		free(a->held.data);
	free(in);
}

static int
fa_parse_listen(const char *s, struct sockaddr_in *sin)
{
	char			 host[64];
	const char		*colon;
	unsigned long long	 port;

	if (strncmp(s, "udp:", 4) == 0)
		s += 4;
	colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (fa_parse_ull(colon + 1, 65535, 10, &port) < 0)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	return 0;
}

static void
fa_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: vx_fastagent --data FILE.snmprec [--listen ADDR:PORT]\n"
	    "           [--community NAME] [--delay-ms MS] [--serial] "
	    "[--loop]\n"
	    "           [--fault KIND] [--max-msg-size BYTES] [--pidfile FILE]\n"
	    "\n"
	    "  --listen ADDR:PORT     UDP endpoint (default 127.0.0.1:1161;"
	    " port 0 = any)\n"
	    "  --data FILE            snmpsim .snmprec file to serve\n"
	    "  --community NAME       v1/v2c community (default public)\n"
	    "  --delay-ms MS          answer each request MS after it came "
	    "in, without\n"
	    "                         holding up the others (default 0; may "
	    "be fractional)\n"
	    "  --serial               one request at a time: the delay is "
	    "slept before\n"
	    "                         each response, as a service time\n"
	    "  --loop                 answer GETNEXT and GETBULK with the "
	    "OIDs asked for\n"
	    "                         (a broken agent whose walks never "
	    "advance)\n"
	    "  --fault KIND           a hostile agent: endless (tables never "
	    "end), reqid\n"
	    "                         (answers name other request-ids), "
	    "garbage (random\n"
	    "                         bytes), scramble (answers reordered, "
	    "duplicated)\n"
	    "  --max-msg-size BYTES   largest response (default 65000, "
	    "484..65507)\n"
	    "  --pidfile FILE         write the process id to FILE\n"
	    "\n"
	    "The data file is loaded again when it changes (checked at most\n"
	    "every 100 ms, when a request arrives) and on SIGHUP; a file that\n"
	    "does not load leaves the old data in service.\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen",		required_argument, NULL, 'l' },
		{ "data",		required_argument, NULL, 'd' },
		{ "community",		required_argument, NULL, 'c' },
		{ "delay-ms",		required_argument, NULL, 'D' },
		{ "max-msg-size",	required_argument, NULL, 'm' },
		{ "pidfile",		required_argument, NULL, 'p' },
		{ "serial",		no_argument,	   NULL, 'S' },
		{ "loop",		no_argument,	   NULL, 'L' },
		{ "fault",		required_argument, NULL, 'F' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL,			0,		   NULL, 0 },
	};
	struct fa_agent		 a;
	struct sockaddr_in	 sin;
	socklen_t		 slen;
	struct sigaction	 sa;
	const char		*listen_addr = "127.0.0.1:1161", *data = NULL;
	const char		*pidfile = NULL;
	char			*end, addr[INET_ADDRSTRLEN];
	double			 delay_ms = 0;
	unsigned long long	 u;
	FILE			*fp;
	int			 ch, one = 1, bufsize = 4 << 20;

	memset(&a, 0, sizeof(a));
	a.community = "public";
	a.max_msg = 65000;
	a.rnd = 0x9e3779b97f4a7c15ULL;
	while ((ch = getopt_long(argc, argv, "l:d:c:D:m:p:SLF:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen_addr = optarg;
			break;
		case 'd':
			data = optarg;
			break;
		case 'c':
			a.community = optarg;
			break;
		case 'D':
			errno = 0;
			delay_ms = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !(delay_ms >= 0 && delay_ms <= 60000))
				fa_die("--delay-ms: expected 0..60000");
			break;
		case 'm':
			if (fa_parse_ull(optarg, FA_UDP_MAX, 10, &u) < 0 ||
			    u < 484)
				fa_die("--max-msg-size: expected 484..65507");
			a.max_msg = (size_t)u;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'S':
			a.serial = true;
			break;
		case 'L':
			a.loop = true;
			break;
		case 'F':
			if (strcmp(optarg, "endless") == 0)
				a.fault = FA_FAULT_ENDLESS;
			else if (strcmp(optarg, "reqid") == 0)
				a.fault = FA_FAULT_REQID;
			else if (strcmp(optarg, "garbage") == 0)
				a.fault = FA_FAULT_GARBAGE;
			else if (strcmp(optarg, "scramble") == 0)
				a.fault = FA_FAULT_SCRAMBLE;
			else
				fa_die("--fault: expected endless, reqid, "
				    "garbage or scramble");
			break;
		case 'h':
			fa_usage(stdout);
			return 0;
		default:
			fa_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || data == NULL) {
		fa_usage(stderr);
		return 2;
	}
	a.community_len = strlen(a.community);
	if (a.community_len > 255)
		fa_die("--community: at most 255 bytes");
	if (fa_parse_listen(listen_addr, &sin) < 0)
		fa_die("--listen: expected IPV4ADDR:PORT");
	if (delay_ms > 0) {
		a.has_delay = true;
		a.delay.tv_sec = (time_t)(delay_ms / 1000);
		a.delay.tv_nsec = (long)llround(fmod(delay_ms, 1000) * 1e6);
		if (a.delay.tv_nsec >= 1000000000L) {
			a.delay.tv_sec++;
			a.delay.tv_nsec -= 1000000000L;
		}
	}

	{
		char	msg[512];

		a.path = data;
		if (fa_load(&a.mib, data, &a.loaded, msg, sizeof(msg)) < 0)
			fa_die(msg);
		clock_gettime(CLOCK_MONOTONIC, &a.checked);
	}
	a.req = fa_xrealloc(NULL, FA_MAX_REQ_VBS * sizeof(*a.req));
	a.cursor = fa_xrealloc(NULL, FA_MAX_REQ_VBS * sizeof(*a.cursor));
	a.hints = calloc(FA_HINTS, sizeof(*a.hints));
	if (a.hints == NULL)
		fa_die("out of memory");
	a.out = fa_xrealloc(NULL, FA_HDR_ROOM + a.max_msg);

	if ((a.fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		fa_die("cannot create a UDP socket");
	setsockopt(a.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(a.fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	setsockopt(a.fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	if (bind(a.fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("fastagent: bind");
		return 1;
	}
	slen = sizeof(sin);
	if (getsockname(a.fd, (struct sockaddr *)&sin, &slen) < 0) {
		perror("fastagent: getsockname");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fa_on_signal;	/* no SA_RESTART: wake recvfrom */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A parent that waits in sigwait() (lab.py) passes its mask on. */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL);

	if (pidfile != NULL) {
		if ((fp = fopen(pidfile, "w")) == NULL) {
			perror("fastagent: pidfile");
			return 1;
		}
		fprintf(fp, "%ld\n", (long)getpid());
		fclose(fp);
	}
	inet_ntop(AF_INET, &sin.sin_addr, addr, sizeof(addr));
	fprintf(stderr, "fastagent: %zu varbinds loaded, listening on "
	    "udp/%s:%u\n", a.mib.n, addr, (unsigned)ntohs(sin.sin_port));
	fflush(stderr);

	fa_serve(&a);

	fprintf(stderr, "fastagent: %llu requests, %llu responses, %llu "
	    "varbinds, %llu tooBig, %llu wrong community, %llu bad packets, "
	    "%llu reloads, %llu failed reloads, %llu answers waiting at most\n",
	    a.st.requests, a.st.responses, a.st.varbinds, a.st.too_big,
	    a.st.bad_community, a.st.bad_packets, a.st.reloads,
	    a.st.reload_failures, a.st.max_queued);
	if (pidfile != NULL)
		unlink(pidfile);
	close(a.fd);
	free(a.out);
	free(a.cursor);
	free(a.hints);
	free(a.req);
	fa_mib_free(&a.mib);
	return 0;
}
