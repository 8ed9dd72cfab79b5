/*
 * One Junos tunnel -- a block of SAs with what the output said about it
 * -- into the model: SA pairs, the active pair during a rekey, up and
 * state from the block state and the VPN monitor, remaining lifetimes,
 * attributes.  The rules are in srx.h (srx_parse_ipsec_sa).
 */
#include "srx_int.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

void
srx_tunnel_init(struct srx_tunnel *t, const char *node, int line)
{
	memset(t, 0, sizeof(*t));
	t->node = node;
	t->state = -1;
	t->line = line;
}

struct srx_sa *
srx_tunnel_sa(struct srx_tunnel *t)
{
	struct srx_sa *sa;

	if (t->nsas == SRX_SA_MAX)
		return NULL;
	sa = &t->sas[t->nsas++];
	memset(sa, 0, sizeof(*sa));
	return sa;
}

/* One SA pair: the i-th inbound and the i-th outbound SA. */
struct pair {
	const struct srx_sa	*in;
	const struct srx_sa	*out;
};

static int64_t
pair_life(const struct pair *p)
{
	const struct srx_sa *sa = p->in != NULL ? p->in : p->out;

	return sa->has_life_s ? sa->life_s : -1;
}

static size_t
pairs_of(const struct srx_tunnel *t, struct pair *pairs)
{
	size_t nin = 0, nout = 0, n = 0;

	for (size_t i = 0; i < t->nsas; i++) {
		const struct srx_sa *sa = &t->sas[i];

		if (!sa->has_spi)
			continue;
		if (sa->inbound) {
			if (nin == n)
				pairs[n++] = (struct pair){ sa, NULL };
			else
				pairs[nin].in = sa;
			nin++;
		} else {
			if (nout == n)
				pairs[n++] = (struct pair){ NULL, sa };
			else
				pairs[nout].out = sa;
			nout++;
		}
	}
	return n;
}

static const char *
monitor_word(char mon)
{
	switch (mon) {
	case 'U':
		return "up";
	case 'D':
		return "down";
	case 'V':
		return "verify";
	case '-':
		return "off";
	default:
		return NULL;
	}
}

static int
set_attrs(struct vx_snapshot *snap, struct vx_tunnel *vt,
    const struct srx_tunnel *t, char mon, unsigned port, struct vx_err *err)
{
	const char *value[VX_TA__COUNT] = {
		[VX_TA_LOCAL_ADDR] = t->local,
		[VX_TA_IKE_VERSION] = t->ike_version,
		[VX_TA_NAT_T] = port == 0 ? NULL : port == 4500 ? "true" :
		    "false",
		[VX_TA_INTERFACE] = t->iface,
		[VX_TA_MODE] = t->mode,
		[VX_TA_MONITOR] = monitor_word(mon),
	};

	for (int a = 0; a < VX_TA__COUNT; a++) {
		if (value[a] == NULL || value[a][0] == '\0')
			continue;
		vx_tunnel_set_attr(snap, vt, (enum vx_tun_attr)a, value[a]);
		if (vt->attr[a] == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	return 0;
}

int
srx_tunnel_emit(struct vx_snapshot *snap, const struct srx_tunnel *t,
    struct vx_err *err)
{
	struct pair		 pairs[SRX_SA_MAX];
	size_t			 n = pairs_of(t, pairs), active = 0;
	const char		*name = t->name[0] != '\0' ? t->name : t->index;
	const char		*peer = t->peer;
	struct vx_tunnel	*vt;
	char			 mon = 0;
	unsigned		 port = 0;
	bool			 up;

	for (size_t i = 0; i < t->nsas; i++) {
		if (t->sas[i].mon != 0 && mon != 'D')
			mon = t->sas[i].mon;
		if (t->sas[i].port != 0 && port == 0)
			port = t->sas[i].port;
	}
	if (peer[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: tunnel '%s' has "
		    "no remote gateway", t->line, name);
	if (name[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: a tunnel to %s "
		    "has neither a VPN name nor a tunnel index", t->line, peer);
	vt = vx_snapshot_node_tunnel(snap, t->node, name, peer);
	if (vt == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	/* The block state, else an SA with an SPI; the monitor may veto. */
	up = t->state == 1 || (t->state == -1 && n > 0);
	if (mon == 'D')
		up = false;
	vt->up = up;
	vt->state = up ? VX_TUN_ACTIVE : VX_TUN_INACTIVE;
	/* During a rekey the newest pair has the most lifetime left. */
	for (size_t i = 1; i < n; i++) {
		if (pair_life(&pairs[i]) > pair_life(&pairs[active]))
			active = i;
	}
	for (size_t i = 0; i < n; i++) {
		struct vx_sa sa = {
			.has_in = pairs[i].in != NULL,
			.has_out = pairs[i].out != NULL,
			.spi_in = pairs[i].in != NULL ? pairs[i].in->spi : 0,
			.spi_out = pairs[i].out != NULL ? pairs[i].out->spi : 0,
			.state = n == 1 ? VX_SA_ACTIVE : i == active ?
			    VX_SA_ACTIVE : VX_SA_EXPIRING,
			.local_ident = t->lident[0] != '\0' ? t->lident : NULL,
			.remote_ident = t->rident[0] != '\0' ? t->rident : NULL,
		};

		if (vx_tunnel_add_sa(snap, vt, &sa) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	if (n > 0) {
		const struct srx_sa *sa = pairs[active].in != NULL ?
		    pairs[active].in : pairs[active].out;

		if (sa->has_life_s)
			vx_tunnel_note_life_s(vt, sa->life_s);
		if (sa->has_life_kb)
			vx_tunnel_note_life_kb(vt, sa->life_kb);
	}
	return set_attrs(snap, vt, t, mon, port, err);
}
