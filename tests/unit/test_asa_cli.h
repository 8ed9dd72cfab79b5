#ifndef VX_TEST_ASA_CLI_H
#define VX_TEST_ASA_CLI_H

/*
 * Helpers shared by the ASA CLI parser tests (test_asa_parse_*.c):
 * run-time variants of a fixture (CRLF, collapsed blanks, tabs, echoed
 * command and prompt), and checks that print the current case before
 * failing, so a table-driven test says which row broke.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "asa_cli.h"
#include "testutil.h"

#define ASAT_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum asat_mangle {
	ASAT_RAW,
	ASAT_CRLF,	/* "\n" -> "\r\n" */
	ASAT_COLLAPSE,	/* blank runs -> one space, no indentation */
	ASAT_TABS,	/* runs of 2+ spaces -> a tab; blanks at line ends */
	ASAT_WRAP,	/* "asa-1# cmd", blank lines, "asa-1/ctx# " */
	ASAT_ALL,	/* bare echo, tabs, CRLF, "asa-1# " prompt */
	ASAT__COUNT
};

static const char *const asat_mangle_name[ASAT__COUNT]
    __attribute__((unused)) = {
	"raw", "crlf", "collapse", "tabs", "wrap", "all",
};

/* What the current case is, printed when a check fails. */
static char asat_ctx[256] __attribute__((unused));

static inline void asat_case(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void
asat_case(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(asat_ctx, sizeof(asat_ctx), fmt, ap);
	va_end(ap);
}

#define ASAT_FAIL(...) do {						\
	print_error("case [%s]: ", asat_ctx);				\
	print_error(__VA_ARGS__);					\
	print_error("\n");						\
	fail();								\
} while (0)

static inline void
asat_blanks(struct vx_strbuf *out, const char *s, size_t n, bool tabs)
{
	if (tabs && n >= 2)
		vx_strbuf_addch(out, '\t');
	else
		vx_strbuf_add(out, s, n);
}

/* Writes the variant 'how' of in[0..len) into out (initialised here). */
static inline void
asat_mangle(const char *in, size_t len, enum asat_mangle how,
    const char *cmd, struct vx_strbuf *out)
{
	bool crlf = how == ASAT_CRLF || how == ASAT_ALL;
	bool tabs = how == ASAT_TABS || how == ASAT_ALL;
	bool bol = true;

	vx_strbuf_init(out, len + 256);
	if (how == ASAT_WRAP)
		vx_strbuf_addf(out, "asa-1# %s\n\n", cmd);
	else if (how == ASAT_ALL)
		vx_strbuf_addf(out, "%s\r\n", cmd);
	for (size_t i = 0; i < len; ) {
		if (in[i] == ' ' || in[i] == '\t') {
			size_t j = i;

			while (j < len && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (how == ASAT_COLLAPSE) {
				if (!bol && j < len && in[j] != '\n')
					vx_strbuf_addch(out, ' ');
			} else {
				asat_blanks(out, in + i, j - i, tabs);
			}
			i = j;
			continue;
		}
		if (in[i] == '\n') {
			if (tabs)
				vx_strbuf_addstr(out, "  \t ");
			vx_strbuf_addstr(out, crlf ? "\r\n" : "\n");
			bol = true;
			i++;
			continue;
		}
		vx_strbuf_addch(out, in[i]);
		bol = false;
		i++;
	}
	if (how == ASAT_WRAP)
		vx_strbuf_addstr(out, "\n\n\nasa-1/ctx# ");
	else if (how == ASAT_ALL)
		vx_strbuf_addstr(out, "\r\nasa-1# ");
	assert_false(out->failed);
}

/* Parses text into a new snapshot; *rc gets the parser's return. */
static inline struct vx_snapshot *
asat_parse(vx_parse_fn fn, const char *text, size_t len, int *rc,
    struct vx_err *err)
{
	struct vx_snapshot *s = vx_snapshot_new("asa-t");

	assert_non_null(s);
	vx_err_clear(err);
	*rc = fn(text, len, s, err);
	return s;
}

static inline void
asat_ok(int rc, const struct vx_err *err)
{
	if (rc != 0)
		ASAT_FAIL("expected success, got %d: %s", rc, err->msg);
}

/*
 * rc must be -code with err->code == code; when line > 0 the message
 * must start with "line <line>:", and when want is set contain it.
 */
static inline void
asat_err(int rc, const struct vx_err *err, enum vx_errcode code, int line,
    const char *want)
{
	char prefix[32];

	if (rc != -(int)code || err->code != code)
		ASAT_FAIL("expected -%s, got %d (err code %d): %s",
		    vx_errcode_reason(code), rc, (int)err->code, err->msg);
	snprintf(prefix, sizeof(prefix), "line %d:", line);
	if (line > 0 && strncmp(err->msg, prefix, strlen(prefix)) != 0)
		ASAT_FAIL("message '%s' does not start with '%s'", err->msg,
		    prefix);
	if (want != NULL && strstr(err->msg, want) == NULL)
		ASAT_FAIL("message '%s' does not contain '%s'", err->msg,
		    want);
}

static inline void
asat_u64(uint64_t got, uint64_t want, const char *what)
{
	if (got != want)
		ASAT_FAIL("%s: got %" PRIu64 ", want %" PRIu64, what, got,
		    want);
}

static inline void
asat_str(const char *got, const char *want, const char *what)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(got, want) != 0)
		ASAT_FAIL("%s: got '%s', want '%s'", what,
		    got != NULL ? got : "(absent)",
		    want != NULL ? want : "(absent)");
}

static inline struct vx_tunnel *
asat_tunnel(const struct vx_snapshot *s, const char *peer)
{
	struct vx_tunnel *t = vx_snapshot_find_tunnel(s, NULL, peer);

	if (t == NULL)
		ASAT_FAIL("no tunnel for peer '%s'", peer);
	return t;
}

static const char *const asat_ctr_name[VX_TC__COUNT]
    __attribute__((unused)) = {
	"pkts_in", "pkts_out", "bytes_in", "bytes_out", "err_decrypt",
	"err_encrypt", "err_auth", "err_auth_out", "err_replay", "err_send",
	"err_recv", "err_drop_in", "err_drop_out", "err_invalid_spi",
};

/* Counter c of t is set to want. */
static inline void
asat_ctr(const struct vx_tunnel *t, enum vx_tun_ctr c, uint64_t want)
{
	uint64_t got;

	if (!vx_tunnel_get(t, c, &got))
		ASAT_FAIL("tunnel '%s': %s absent, want %" PRIu64, t->peer,
		    asat_ctr_name[c], want);
	asat_u64(got, want, asat_ctr_name[c]);
}

static inline void
asat_ctr_absent(const struct vx_tunnel *t, enum vx_tun_ctr c)
{
	uint64_t got;

	if (vx_tunnel_get(t, c, &got))
		ASAT_FAIL("tunnel '%s': %s is %" PRIu64 ", want absent",
		    t->peer, asat_ctr_name[c], got);
}

/* want < 0: absent. */
static inline void
asat_life(const struct vx_tunnel *t, int64_t want_s, int64_t want_kb)
{
	if ((want_s >= 0) != t->life_s_set ||
	    (want_s >= 0 && t->life_s != want_s))
		ASAT_FAIL("tunnel '%s': life_s %s%" PRId64 ", want %" PRId64,
		    t->peer, t->life_s_set ? "" : "(absent) ", t->life_s,
		    want_s);
	if ((want_kb >= 0) != t->life_kb_set ||
	    (want_kb >= 0 && t->life_kb != want_kb))
		ASAT_FAIL("tunnel '%s': life_kb %s%" PRId64 ", want %" PRId64,
		    t->peer, t->life_kb_set ? "" : "(absent) ", t->life_kb,
		    want_kb);
}

/*
 * t has the SA pair (in, out) in state; NULL means that side is absent.
 * SPIs are compared as vx_spi_format() prints them.
 */
static inline void
asat_sa(const struct vx_tunnel *t, const char *in, const char *out,
    enum vx_sa_state state)
{
	for (size_t i = 0; i < t->nsas; i++) {
		const struct vx_sa	*sa = &t->sas[i];
		char			 bi[11], bo[11];

		vx_spi_format(sa->spi_in, bi);
		vx_spi_format(sa->spi_out, bo);
		if (sa->has_in != (in != NULL) || sa->has_out != (out != NULL))
			continue;
		if ((in != NULL && strcmp(bi, in) != 0) ||
		    (out != NULL && strcmp(bo, out) != 0))
			continue;
		if (sa->state != state)
			ASAT_FAIL("tunnel '%s': SA %s/%s state %d, want %d",
			    t->peer, in ? in : "-", out ? out : "-",
			    (int)sa->state, (int)state);
		return;
	}
	ASAT_FAIL("tunnel '%s': no SA %s/%s among %zu", t->peer,
	    in ? in : "-", out ? out : "-", t->nsas);
}

/* The SA with these SPIs carries these traffic selectors (NULL: none). */
static inline void
asat_sa_idents(const struct vx_tunnel *t, const char *in, const char *out,
    const char *lident, const char *rident)
{
	for (size_t i = 0; i < t->nsas; i++) {
		const struct vx_sa	*sa = &t->sas[i];
		char			 bi[11], bo[11];

		vx_spi_format(sa->spi_in, bi);
		vx_spi_format(sa->spi_out, bo);
		if (sa->has_in != (in != NULL) || sa->has_out != (out != NULL) ||
		    (in != NULL && strcmp(bi, in) != 0) ||
		    (out != NULL && strcmp(bo, out) != 0))
			continue;
		if ((lident == NULL) != (sa->local_ident == NULL) ||
		    (lident != NULL && strcmp(lident, sa->local_ident) != 0) ||
		    (rident == NULL) != (sa->remote_ident == NULL) ||
		    (rident != NULL && strcmp(rident, sa->remote_ident) != 0))
			ASAT_FAIL("tunnel '%s': SA %s/%s idents %s / %s, want "
			    "%s / %s", t->peer, in ? in : "-", out ? out : "-",
			    sa->local_ident ? sa->local_ident : "(none)",
			    sa->remote_ident ? sa->remote_ident : "(none)",
			    lident ? lident : "(none)",
			    rident ? rident : "(none)");
		return;
	}
	ASAT_FAIL("tunnel '%s': no SA %s/%s among %zu", t->peer,
	    in ? in : "-", out ? out : "-", t->nsas);
}

static inline void
asat_dev(const struct vx_snapshot *s, enum vx_dev_val v, uint64_t want)
{
	uint64_t got;

	if (!vx_snapshot_get_dev(s, v, &got))
		ASAT_FAIL("device value %d absent, want %" PRIu64, (int)v,
		    want);
	asat_u64(got, want, "device value");
}

static inline void
asat_dev_absent(const struct vx_snapshot *s, enum vx_dev_val v)
{
	uint64_t got;

	if (vx_snapshot_get_dev(s, v, &got))
		ASAT_FAIL("device value %d is %" PRIu64 ", want absent",
		    (int)v, got);
}

/*
 * The IKE SA of peer: up, state/role/version attributes (NULL: absent)
 * and remaining lifetime (< 0: absent).
 */
static inline void
asat_ike(const struct vx_snapshot *s, const char *peer, bool up,
    const char *state, const char *role, const char *version, int64_t life)
{
	const struct vx_ike_sa *ike = vx_snapshot_find_ike_sa(s, peer);

	if (ike == NULL)
		ASAT_FAIL("no IKE SA for '%s'", peer);
	if (ike->up != up)
		ASAT_FAIL("IKE SA '%s': up %d, want %d", peer, ike->up, up);
	/* state: the normalized state's name, or NULL for "any". */
	if (state != NULL && (vx_ike_state_name(ike->state) == NULL ||
	    strcmp(vx_ike_state_name(ike->state), state) != 0))
		ASAT_FAIL("IKE SA '%s': state %s, want %s", peer,
		    vx_ike_state_name(ike->state) ? vx_ike_state_name(
		    ike->state) : "(unknown)", state);
	asat_str(ike->attr[VX_IA_ROLE], role, "IKE role");
	asat_str(ike->attr[VX_IA_VERSION], version, "IKE version");
	if ((life >= 0) != ike->life_s_set ||
	    (life >= 0 && ike->life_s != life))
		ASAT_FAIL("IKE SA '%s': life %s%" PRId64 ", want %" PRId64,
		    peer, ike->life_s_set ? "" : "(absent) ", ike->life_s,
		    life);
}

/*
 * Every prefix of text must parse to 0 or to -VX_E_PARSE with a message
 * naming a line or an empty output; check(), if given, looks at each
 * successful result.
 */
static inline void
asat_prefixes(vx_parse_fn fn, const char *text, size_t len,
    void (*check)(const struct vx_snapshot *, const char *, size_t))
{
	for (size_t n = 0; n <= len; n++) {
		struct vx_err		 err;
		int			 rc;
		struct vx_snapshot	*s;

		s = asat_parse(fn, text, n, &rc, &err);

		asat_case("prefix of %zu bytes", n);
		if (rc != 0 && rc != -VX_E_PARSE)
			ASAT_FAIL("rc %d: %s", rc, err.msg);
		if (rc != 0 && strncmp(err.msg, "line ", 5) != 0 &&
		    strncmp(err.msg, "empty output", 12) != 0)
			ASAT_FAIL("message names no line: %s", err.msg);
		if (rc == 0 && check != NULL)
			check(s, text, n);
		vx_snapshot_unref(s);
	}
}

/* A parse that must succeed; the caller unrefs the snapshot. */
static inline struct vx_snapshot *
asat_parse_ok(vx_parse_fn fn, const char *text, size_t len)
{
	struct vx_err		 err;
	struct vx_snapshot	*s;
	int			 rc;

	s = asat_parse(fn, text, len, &rc, &err);
	asat_ok(rc, &err);
	return s;
}

/* A parse that must fail as asat_err() says. */
static inline void
asat_parse_err(vx_parse_fn fn, const char *text, size_t len,
    enum vx_errcode code, int line, const char *want)
{
	struct vx_err		 err;
	struct vx_snapshot	*s;
	int			 rc;

	s = asat_parse(fn, text, len, &rc, &err);
	asat_err(rc, &err, code, line, want);
	vx_snapshot_unref(s);
}

/* Row i of a table of outputs that must parse, named "i: name". */
static inline struct vx_snapshot *
asat_row_ok(vx_parse_fn fn, size_t i, const char *name, const char *text)
{
	asat_case("%zu: %s", i, name);
	return asat_parse_ok(fn, text, strlen(text));
}

/*
 * Every variant of text (cmd is the echoed command) must parse, and
 * check() then looks at the result; the case is named "name, variant",
 * so a failure says which input and which variant broke.
 */
static inline void
asat_text_variants(vx_parse_fn fn, const char *name, const char *text,
    size_t len, const char *cmd, void (*check)(const struct vx_snapshot *))
{
	for (int how = 0; how < ASAT__COUNT; how++) {
		struct vx_strbuf	 m;
		struct vx_snapshot	*s;

		asat_case("%s, %s", name, asat_mangle_name[how]);
		asat_mangle(text, len, (enum asat_mangle)how, cmd, &m);
		s = asat_parse_ok(fn, m.buf, m.len);
		vx_strbuf_release(&m);
		check(s);
		vx_snapshot_unref(s);
	}
}

/* asat_text_variants() over the fixture rel. */
static inline void
asat_variants(vx_parse_fn fn, const char *rel, const char *cmd,
    void (*check)(const struct vx_snapshot *))
{
	struct vx_strbuf in;

	vxt_read_fixture(rel, &in);
	asat_text_variants(fn, rel, in.buf, in.len, cmd, check);
	vx_strbuf_release(&in);
}

/* Error paths, one row a case; len 0 means strlen(text). */
struct asat_error_case {
	const char	*name;
	const char	*text;
	enum vx_errcode	 code;
	int		 line;
	const char	*msg;
	size_t		 len;
};

/*
 * Every row must fail as it says; check(), if given, looks at what the
 * failed parse left in the snapshot.
 */
static inline void
asat_error_cases(vx_parse_fn fn, const struct asat_error_case *c, size_t n,
    void (*check)(const struct vx_snapshot *))
{
	for (size_t i = 0; i < n; i++) {
		struct vx_snapshot	*s;
		struct vx_err		 err;
		int			 rc;
		size_t			 len = c[i].len;

		if (len == 0)
			len = strlen(c[i].text);
		s = asat_parse(fn, c[i].text, len, &rc, &err);
		asat_case("%zu: %s", i, c[i].name);
		asat_err(rc, &err, c[i].code, c[i].line, c[i].msg);
		if (check != NULL)
			check(s);
		vx_snapshot_unref(s);
	}
}

/* A failed parse must not claim it knows the IKE SAs. */
static inline void
asat_no_ike(const struct vx_snapshot *s)
{
	if (s->ike_known)
		ASAT_FAIL("ike_known set on failure");
}

/* asat_prefixes() over the fixture rel. */
static inline void
asat_prefixes_fixture(vx_parse_fn fn, const char *rel,
    void (*check)(const struct vx_snapshot *, const char *, size_t))
{
	struct vx_strbuf in;

	vxt_read_fixture(rel, &in);
	asat_prefixes(fn, in.buf, in.len, check);
	vx_strbuf_release(&in);
}

#endif
