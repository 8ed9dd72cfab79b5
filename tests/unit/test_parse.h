#ifndef VX_TEST_PARSE_H
#define VX_TEST_PARSE_H

/*
 * Helpers for the parser tests (PAN-OS, Junos): parse a fixture, find a
 * tunnel by name, check what it holds, and run every truncated prefix of
 * a reply.
 * Each check fails with the fixture (or case) named.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "collector.h"
#include "testutil.h"

#define PT_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char pt_ctx[256] __attribute__((unused));

#define PT_FAIL(...) do {						\
	print_error("case [%s]: ", pt_ctx);				\
	print_error(__VA_ARGS__);					\
	print_error("\n");						\
	fail();								\
} while (0)

static inline void
pt_case(const char *s)
{
	snprintf(pt_ctx, sizeof(pt_ctx), "%s", s);
}

/* fn on the fixture rel; rc and err are the parser's. */
static inline struct vx_snapshot *
pt_parse_fixture(vx_parse_fn fn, const char *rel, int *rc,
    struct vx_err *err)
{
	struct vx_strbuf	 in;
	struct vx_snapshot	*s = vx_snapshot_new("pa-t");

	assert_non_null(s);
	pt_case(rel);
	vxt_read_fixture(rel, &in);
	vx_err_clear(err);
	*rc = fn(in.buf, in.len, s, err);
	vx_strbuf_release(&in);
	return s;
}

/* fn on the fixture rel, which must succeed. */
static inline struct vx_snapshot *
pt_ok(vx_parse_fn fn, const char *rel)
{
	struct vx_err		 err;
	int			 rc;
	struct vx_snapshot	*s = pt_parse_fixture(fn, rel, &rc, &err);

	if (rc != 0)
		PT_FAIL("expected success, got %d: %s", rc, err.msg);
	return s;
}

/* fn on text must fail with code, its message containing want. */
static inline void
pt_err_text(vx_parse_fn fn, const char *name, const char *text, size_t len,
    enum vx_errcode code, const char *want)
{
	struct vx_snapshot	*s = vx_snapshot_new("pa-t");
	struct vx_err		 err;
	int			 rc;

	pt_case(name);
	vx_err_clear(&err);
	rc = fn(text, len, s, &err);
	if (rc != -(int)code || err.code != code)
		PT_FAIL("expected -%s, got %d (%s): %s",
		    vx_errcode_reason(code), rc, vx_errcode_reason(err.code),
		    err.msg);
	if (want != NULL && strstr(err.msg, want) == NULL)
		PT_FAIL("message '%s' does not contain '%s'", err.msg, want);
	vx_snapshot_unref(s);
}

/* pt_err_text on a string literal. */
#define PT_ERR_STR(fn, name, lit, code, msg) \
	pt_err_text(fn, name, lit, sizeof(lit) - 1, code, msg)

static inline void
pt_err_fixture(vx_parse_fn fn, const char *rel, enum vx_errcode code,
    const char *want)
{
	struct vx_strbuf in;

	vxt_read_fixture(rel, &in);
	pt_err_text(fn, rel, in.buf, in.len, code, want);
	vx_strbuf_release(&in);
}

static inline struct vx_tunnel *
pt_tunnel(const struct vx_snapshot *s, const char *name, const char *peer)
{
	struct vx_tunnel *t = vx_snapshot_find_tunnel(s, name, peer);

	if (t == NULL)
		PT_FAIL("no tunnel '%s' with peer '%s'", name, peer);
	return t;
}

static inline void
pt_u64(uint64_t got, uint64_t want, const char *what)
{
	if (got != want)
		PT_FAIL("%s: got %" PRIu64 ", want %" PRIu64, what, got, want);
}

static inline void
pt_str(const char *got, const char *want, const char *what)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(got, want) != 0)
		PT_FAIL("%s: got '%s', want '%s'", what,
		    got != NULL ? got : "(absent)",
		    want != NULL ? want : "(absent)");
}

/* The tunnel's up, state and remaining seconds (< 0: absent). */
static inline void
pt_state(const struct vx_tunnel *t, bool up, enum vx_tunnel_state st,
    int64_t life_s)
{
	if (t->up != up)
		PT_FAIL("tunnel '%s': up %d, want %d", t->name, t->up, up);
	if (t->state != st)
		PT_FAIL("tunnel '%s': state %d, want %d", t->name,
		    (int)t->state, (int)st);
	if ((life_s >= 0) != t->life_s_set ||
	    (life_s >= 0 && t->life_s != life_s))
		PT_FAIL("tunnel '%s': life_s %s%" PRId64 ", want %" PRId64,
		    t->name, t->life_s_set ? "" : "(absent) ", t->life_s,
		    life_s);
}

/* Counter c of t is want (UINT64_MAX: absent). */
static inline void
pt_ctr(const struct vx_tunnel *t, enum vx_tun_ctr c, uint64_t want)
{
	uint64_t got;
	bool	 set = vx_tunnel_get(t, c, &got);

	if (want == UINT64_MAX) {
		if (set)
			PT_FAIL("tunnel '%s': %s is %" PRIu64 ", want absent",
			    t->name, vx_tun_ctr_name(c), got);
		return;
	}
	if (!set)
		PT_FAIL("tunnel '%s': %s absent, want %" PRIu64, t->name,
		    vx_tun_ctr_name(c), want);
	pt_u64(got, want, vx_tun_ctr_name(c));
}

/* The SA pair (in, out as "0x%08x"; out NULL: absent) is in state. */
static inline void
pt_sa(const struct vx_tunnel *t, const char *in, const char *out,
    enum vx_sa_state state)
{
	for (size_t i = 0; i < t->nsas; i++) {
		char bi[11], bo[11];

		vx_spi_format(t->sas[i].spi_in, bi);
		vx_spi_format(t->sas[i].spi_out, bo);
		if (strcmp(bi, in) != 0 || t->sas[i].has_out != (out != NULL) ||
		    (out != NULL && strcmp(bo, out) != 0))
			continue;
		if (t->sas[i].state != state)
			PT_FAIL("tunnel '%s': SA %s state %d, want %d",
			    t->name, in, (int)t->sas[i].state, (int)state);
		return;
	}
	PT_FAIL("tunnel '%s': no SA %s/%s among %zu", t->name, in,
	    out != NULL ? out : "-", t->nsas);
}

/*
 * Every prefix of the fixture rel parses to 0, or fails as a parse error
 * naming a line (or "empty output"), or as allowed (0: none); never
 * anything else, never a crash.
 */
static inline void
pt_prefixes(vx_parse_fn fn, const char *rel, enum vx_errcode allowed)
{
	struct vx_strbuf in;

	vxt_read_fixture(rel, &in);
	for (size_t n = 0; n <= in.len; n++) {
		struct vx_snapshot	*s = vx_snapshot_new("pa-t");
		struct vx_err		 err;
		int			 rc;

		vx_err_clear(&err);
		rc = fn(in.buf, n, s, &err);
		snprintf(pt_ctx, sizeof(pt_ctx), "%s, prefix of %zu bytes",
		    rel, n);
		if (rc != 0 && !(rc == -VX_E_PARSE &&
		    (strncmp(err.msg, "line ", 5) == 0 ||
		    strcmp(err.msg, "empty output") == 0)) &&
		    !(allowed != VX_E_OK && rc == -(int)allowed))
			PT_FAIL("rc %d (%s): %s", rc,
			    vx_errcode_reason(err.code), err.msg);
		vx_snapshot_unref(s);
	}
	vx_strbuf_release(&in);
}

#endif
