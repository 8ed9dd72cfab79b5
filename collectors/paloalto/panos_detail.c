/*
 * Per-tunnel counters: "show vpn flow tunnel-id N", one request per
 * tunnel.  A management plane answers op commands one at a time and a
 * few a second, so a poll asks for at most max_tunnel_details of them:
 * the active tunnels refreshed longest ago first.  Every active tunnel
 * reports the counters its last detail gave; with N active tunnels each
 * is refreshed every ceil(N / max_tunnel_details) polls.  A tunnel that
 * is not active has no SA and reports none (the core carries what it
 * counted), and its cached counters are dropped.
 *
 * The detail's SPIs and lifetime are not used here: "show vpn ipsec-sa"
 * gives them for every tunnel in one request, and always fresh.
 */
#include "panos_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

#include "banned.h"

struct detail {
	uint64_t	gen;			/* inbound SPI */
	uint64_t	ctr[VX_TC__COUNT];
	uint32_t	set;
	uint64_t	fetched;		/* poll number */
	uint64_t	seen;			/* last poll it was active */
};

static bool
drop_detail(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
	return true;
}

void
panos_details_free(struct panos_state *st)
{
	vx_strmap_filter(&st->details, drop_detail, NULL);
	vx_strmap_release(&st->details);
	free(st->active);
	st->active = NULL;
	st->nactive = st->active_cap = 0;
}

static bool
digits(const char *s)
{
	if (s[0] == '\0' || strlen(s) > 10)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

void
panos_note_tunnel(void *arg, const struct vx_tunnel *t, const char *id)
{
	struct panos_state	*st = arg;
	struct panos_active	*a;

	if (!t->up || !digits(id))
		return;
	if (st->nactive == st->active_cap) {
		void *p = vx_grow(st->active, &st->active_cap,
		    sizeof(*st->active), 64);

		if (p == NULL)
			return;		/* its counters are absent this time */
		st->active = p;
	}
	a = &st->active[st->nactive++];
	a->name = t->name;
	a->peer = t->peer;
	snprintf(a->id, sizeof(a->id), "%s", id);
}

static struct detail *
detail_of(struct panos_state *st, const char *name)
{
	return vx_strmap_get(&st->details, name, strlen(name));
}

/* Active tunnels in refresh order: never fetched, then oldest first. */
static int
by_age(const void *a, const void *b)
{
	const struct panos_active *x = a, *y = b;

	if (x->fetched != y->fetched)
		return x->fetched < y->fetched ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static void
sort_active(struct panos_state *st)
{
	for (size_t i = 0; i < st->nactive; i++) {
		const struct detail *d = detail_of(st, st->active[i].name);

		st->active[i].fetched = d != NULL ? d->fetched : 0;
		st->active[i].rank = i;
	}
	if (st->nactive > 1)
		qsort(st->active, st->nactive, sizeof(*st->active), by_age);
}

/* Keeps what one detail reply says of its tunnel. */
static int
keep_detail(struct panos_state *st, const struct panos_active *a,
    const struct panos_op *op, struct vx_err *err)
{
	struct vx_snapshot	*sub = vx_snapshot_new("detail");
	const struct vx_tunnel	*t;
	const struct vx_part	*p;
	struct detail		*d = detail_of(st, a->name);
	int			 rc;

	if (sub == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	rc = panos_parse_flow(op->req.body.buf, op->req.body.len, sub, err);
	if (rc != 0) {
		vx_err_prefix(err, "'%s'", op->cmd);
		goto out;
	}
	t = vx_snapshot_find_tunnel(sub, a->name, a->peer);
	p = t != NULL && t->up ?
	    vx_tunnel_find_part(t, vx_part_key_text(t->name, NULL)) : NULL;
	if (p == NULL) {
		/* Down since "show vpn flow", or no counters: none kept. */
		if (d != NULL)
			d->set = 0;
		goto out;
	}
	if (d == NULL) {
		d = calloc(1, sizeof(*d));
		if (d == NULL || !vx_strmap_put(&st->details, a->name,
		    strlen(a->name), d)) {
			free(d);
			rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
			goto out;
		}
	}
	d->gen = p->gen;
	d->set = p->ctr_set;
	memcpy(d->ctr, p->ctr, sizeof(d->ctr));
	d->fetched = st->poll;
out:
	vx_snapshot_unref(sub);
	return rc;
}

/* Adds the tunnel's last counters to snap. */
static int
report(struct vx_snapshot *snap, const struct panos_active *a,
    const struct detail *d, struct vx_err *err)
{
	struct vx_tunnel	*t = vx_snapshot_find_tunnel(snap, a->name,
				    a->peer);
	uint64_t		 key = vx_part_key_text(a->name, NULL);
	struct vx_part		*p;

	if (t == NULL || d->set == 0)
		return 0;
	for (int c = 0; c < VX_TC__COUNT; c++) {
		if ((d->set & (1u << c)) && vx_tunnel_count(snap, t, key,
		    (enum vx_tun_ctr)c, d->ctr[c], 0) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	if ((p = vx_tunnel_find_part(t, key)) != NULL)
		p->gen = d->gen;
	return 0;
}

static bool
stale_detail(void *arg, const char *key, void *value)
{
	const struct panos_state	*st = arg;
	const struct detail		*d = value;

	(void)key;
	if (d->seen == st->poll)
		return false;
	free(value);
	return true;
}

int
panos_details(struct panos_state *st, struct vx_snapshot *snap,
    int64_t min_left_ms, struct vx_deadline deadline, struct vx_err *err)
{
	size_t			 n = st->nactive;
	struct panos_op		*ops;
	int			 rc = 0;

	if ((uint64_t)st->cfg.max_tunnel_details < n)
		n = (size_t)st->cfg.max_tunnel_details;
	sort_active(st);
	st->detail_requests = 0;
	ops = calloc(n > 0 ? n : 1, sizeof(*ops));
	if (ops == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char xml[96], cmd[48];

		snprintf(xml, sizeof(xml), "<show><vpn><flow><tunnel-id>%s"
		    "</tunnel-id></flow></vpn></show>", st->active[i].id);
		snprintf(cmd, sizeof(cmd), PANOS_CMD_FLOW " tunnel-id %s",
		    st->active[i].id);
		panos_op_init(&ops[i], cmd, xml);
	}
	if (n > 0)
		rc = panos_run_ops(st, ops, n, min_left_ms, deadline, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!ops[i].req.started)
			continue;
		st->detail_requests++;
		rc = keep_detail(st, &st->active[i], &ops[i], err);
	}
	panos_ops_release(ops, n);
	free(ops);
	for (size_t i = 0; rc == 0 && i < st->nactive; i++) {
		struct detail *d = detail_of(st, st->active[i].name);

		if (d == NULL)
			continue;
		d->seen = st->poll;
		rc = report(snap, &st->active[i], d, err);
	}
	if (rc == 0)
		vx_strmap_filter(&st->details, stale_detail, st);
	return rc;
}
