/*
 * /status.json: the rows of the status page for scripts, with the model's
 * field names (name, peer, up, life_s, spi_in, collected_ms, ...).  An
 * absent value is null, never 0.
 */
#include "status.h"

#include <inttypes.h>
#include <math.h>

#include "escape.h"

#include "banned.h"

static const char *
sa_state_name(enum vx_sa_state st)
{
	switch (st) {
	case VX_SA_ACTIVE:
		return "active";
	case VX_SA_EXPIRING:
		return "expiring";
	case VX_SA_UNKNOWN:
		break;
	}
	return "unknown";
}

static void
key(struct vx_strbuf *out, const char *k)
{
	vx_strbuf_addch(out, '"');
	vx_strbuf_addstr(out, k);
	vx_strbuf_addstr(out, "\":");
}

static void
add_spi(struct vx_strbuf *out, bool has, uint32_t spi)
{
	char buf[11];

	if (!has) {
		vx_strbuf_addstr(out, "null");
		return;
	}
	vx_spi_format(spi, buf);
	vx_strbuf_addf(out, "\"%s\"", buf);
}

static void
add_sas(struct vx_strbuf *out, const struct vx_tunnel *t)
{
	vx_strbuf_addch(out, '[');
	for (size_t i = 0; i < t->nsas; i++) {
		const struct vx_sa *sa = &t->sas[i];

		vx_strbuf_addstr(out, i > 0 ? ",{" : "{");
		key(out, "spi_in");
		add_spi(out, sa->has_in, sa->spi_in);
		vx_strbuf_addch(out, ',');
		key(out, "spi_out");
		add_spi(out, sa->has_out, sa->spi_out);
		vx_strbuf_addch(out, ',');
		key(out, "state");
		vx_strbuf_addf(out, "\"%s\"}", sa_state_name(sa->state));
	}
	vx_strbuf_addch(out, ']');
}

static void
add_i64_or_null(struct vx_strbuf *out, bool set, int64_t v)
{
	if (set)
		vx_strbuf_addf(out, "%" PRId64, v);
	else
		vx_strbuf_addstr(out, "null");
}

static void
add_double(struct vx_strbuf *out, bool set, double v)
{
	if (set && isfinite(v))
		vx_strbuf_addf(out, "%.6g", v);
	else
		vx_strbuf_addstr(out, "null");
}

static void
device_json(struct vx_strbuf *out, const struct vx_status_dev *d)
{
	const struct vx_snapshot *s = d->snap;

	vx_strbuf_addch(out, '{');
	key(out, "name");
	vx_json_str(out, d->name);
	vx_strbuf_addch(out, ',');
	key(out, "vendor");
	vx_json_str(out, d->vendor);
	vx_strbuf_addch(out, ',');
	key(out, "address");
	vx_json_str(out, d->address);
	vx_strbuf_addch(out, ',');
	key(out, "state");
	vx_strbuf_addf(out, "\"%s\",", vx_status_state_name(d->state));
	key(out, "background");
	vx_strbuf_addstr(out, d->background ? "true," : "false,");
	key(out, "collected_ms");
	add_i64_or_null(out, s != NULL && s->collected_ms > 0,
	    s != NULL ? s->collected_ms : 0);
	vx_strbuf_addch(out, ',');
	key(out, "collectors");
	vx_strbuf_addch(out, '[');
	for (size_t i = 0; i < d->ncollectors; i++) {
		if (i > 0)
			vx_strbuf_addch(out, ',');
		vx_json_str(out, d->collectors[i]);
	}
	vx_strbuf_addstr(out, "],");
	key(out, "runs");
	vx_strbuf_addch(out, '[');
	for (size_t i = 0; s != NULL && i < s->nruns; i++) {
		vx_strbuf_addstr(out, i > 0 ? ",{" : "{");
		key(out, "collector");
		vx_json_str(out, s->runs[i].collector);
		vx_strbuf_addch(out, ',');
		key(out, "duration_ms");
		vx_strbuf_addf(out, "%" PRId64 ",", s->runs[i].duration_ms);
		key(out, "reason");
		vx_strbuf_addf(out, "\"%s\"}",
		    vx_errcode_reason(s->runs[i].code));
	}
	vx_strbuf_addstr(out, "],");
	key(out, "last_error");
	vx_json_str(out, d->last_error);
	vx_strbuf_addch(out, ',');
	key(out, "tunnels_up");
	vx_strbuf_addf(out, "%zu,", d->tunnels_up);
	key(out, "tunnels");
	vx_strbuf_addf(out, "%zu,", d->tunnels);
	key(out, "mismatches");
	vx_strbuf_addf(out, "%zu,", d->mismatches);
	key(out, "invalid_spi");
	vx_strbuf_addch(out, '{');
	key(out, "per_s");
	add_double(out, d->spi_rate_set, d->spi_rate);
	vx_strbuf_addch(out, ',');
	key(out, "samples");
	vx_strbuf_addch(out, '[');
	for (size_t i = 0; i < d->nspi; i++)
		vx_strbuf_addf(out, "%s{\"ms\":%" PRId64 ",\"value\":%" PRIu64
		    "}", i > 0 ? "," : "", d->spi[i].ms, d->spi[i].value);
	vx_strbuf_addstr(out, "]}}");
}

/* A tunnel's "name", "peer" and "up" members, and a comma. */
static void
tunnel_ends(struct vx_strbuf *out, const struct vx_tunnel *t)
{
	key(out, "name");
	vx_json_str(out, t->name);
	vx_strbuf_addch(out, ',');
	key(out, "peer");
	vx_json_str(out, t->peer);
	vx_strbuf_addch(out, ',');
	key(out, "up");
	vx_strbuf_addstr(out, t->up ? "true," : "false,");
}

static void
tunnel_json(struct vx_strbuf *out, const struct vx_status_tun *st)
{
	const struct vx_tunnel		*t = st->t;
	const struct vx_spi_check	*c = st->check;
	const struct vx_tunnel		*o = c != NULL ? c->peer_tun : NULL;
	const char			*local = t->attr[VX_TA_LOCAL_ADDR];

	vx_strbuf_addch(out, '{');
	key(out, "device");
	vx_json_str(out, st->dev->name);
	vx_strbuf_addch(out, ',');
	tunnel_ends(out, t);
	key(out, "local_address");
	if (local != NULL)
		vx_json_str(out, local);
	else
		vx_strbuf_addstr(out, "null");
	vx_strbuf_addch(out, ',');
	key(out, "life_s");
	add_i64_or_null(out, t->life_s_set, t->life_s);
	vx_strbuf_addch(out, ',');
	key(out, "life_kb");
	add_i64_or_null(out, t->life_kb_set, t->life_kb);
	vx_strbuf_addch(out, ',');
	key(out, "sas");
	add_sas(out, t);
	vx_strbuf_addch(out, ',');
	key(out, "spi");
	vx_strbuf_addf(out, "\"%s\",", vx_status_spi_name(st->spi));
	key(out, "mismatch");
	vx_strbuf_addstr(out, c == NULL || !c->known ? "null," :
	    c->mismatch ? "true," : "false,");
	key(out, "differ_since_ms");
	add_i64_or_null(out, c != NULL && c->differ, c != NULL ?
	    c->differ_since_ms : 0);
	vx_strbuf_addch(out, ',');
	key(out, "other_end");
	if (c == NULL) {
		vx_strbuf_addstr(out, "null}");
		return;
	}
	vx_strbuf_addch(out, '{');
	key(out, "device");
	vx_json_str(out, c->peer_device);
	if (o != NULL) {
		vx_strbuf_addch(out, ',');
		tunnel_ends(out, o);
		key(out, "sas");
		add_sas(out, o);
	}
	vx_strbuf_addstr(out, "}}");
}

void
vx_status_json(struct vx_strbuf *out, const struct vx_status_view *v)
{
	vx_strbuf_addch(out, '{');
	key(out, "now_ms");
	vx_strbuf_addf(out, "%" PRId64 ",", v->now_ms);
	key(out, "devices");
	vx_strbuf_addstr(out, "[\n");
	for (size_t i = 0; i < v->ndorder; i++) {
		if (i > 0)
			vx_strbuf_addstr(out, ",\n");
		device_json(out, &v->devs[v->dorder[i]]);
	}
	vx_strbuf_addstr(out, "],\n");
	key(out, "tunnels_matched");
	vx_strbuf_addf(out, "%zu,\n", v->tmatched);
	key(out, "tunnels");
	vx_strbuf_addstr(out, "[\n");
	for (size_t i = 0; i < v->ntorder; i++) {
		if (i > 0)
			vx_strbuf_addstr(out, ",\n");
		tunnel_json(out, &v->tuns[v->torder[i]]);
	}
	vx_strbuf_addstr(out, "]}\n");
}
