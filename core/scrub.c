/* Device text scrubbed of the device's configured secrets. */
#include "scrub.h"

#include <string.h>

size_t
vx_scrub_text(char *s, const char *const *secrets, size_t n)
{
	size_t hits = 0;

	if (s == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t	 len = secrets[i] != NULL ? strlen(secrets[i]) : 0;
		char	*p = s;

		if (len < VX_SCRUB_MIN_LEN)
			continue;
		while ((p = strstr(p, secrets[i])) != NULL) {
			memset(p, '*', len);
			p += len;
			hits++;
		}
	}
	return hits;
}

/* The snapshot's strings live in its arena and are writable. */
static size_t
scrub(const char *s, const char *const *secrets, size_t n)
{
	return vx_scrub_text((char *)(uintptr_t)s, secrets, n);
}

size_t
vx_snapshot_scrub(struct vx_snapshot *s, const char *const *secrets,
    size_t n)
{
	size_t hits = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < s->ntunnels; i++) {
		const struct vx_tunnel *t = s->tunnels[i];

		hits += scrub(t->name, secrets, n) + scrub(t->peer, secrets, n) +
		    scrub(t->node, secrets, n);
		for (int a = 0; a < VX_TA__COUNT; a++)
			hits += scrub(t->attr[a], secrets, n);
		for (size_t k = 0; k < t->nsas; k++)
			hits += scrub(t->sas[k].local_ident, secrets, n) +
			    scrub(t->sas[k].remote_ident, secrets, n);
	}
	for (size_t i = 0; i < s->nike; i++) {
		hits += scrub(s->ike[i]->peer, secrets, n) +
		    scrub(s->ike[i]->node, secrets, n);
		for (int a = 0; a < VX_IA__COUNT; a++)
			hits += scrub(s->ike[i]->attr[a], secrets, n);
	}
	for (size_t i = 0; i < s->nnodes; i++)
		hits += scrub(s->nodes[i]->node, secrets, n);
	for (size_t i = 0; i < s->ndrops; i++)
		hits += scrub(s->drops[i].section, secrets, n) +
		    scrub(s->drops[i].reason, secrets, n);
	for (size_t i = 0; i < s->nevents; i++)
		hits += scrub(s->events[i].peer, secrets, n);
	return hits;
}
