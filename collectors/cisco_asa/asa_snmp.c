/*
 * The cisco_asa_snmp collector: walks CISCO-IPSEC-FLOW-MONITOR-MIB and
 * CISCO-REMOTE-ACCESS-MONITOR-MIB and hands the varbinds to the pure
 * mapping in asa_snmp_map.c.  Only the columns the model needs are walked,
 * several per GETBULK, which is what makes a poll cheap on a real ASA where
 * each request costs milliseconds.
 */
#include "asa.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snmp.h"

#define IPSEC_MIB	1, 3, 6, 1, 4, 1, 9, 9, 171, 1
#define RAS_ACT		1, 3, 6, 1, 4, 1, 9, 9, 392, 1, 3

struct asa_snmp_cfg {
	int64_t			port;
	int			version;	/* index into versions[] */
	struct vx_secret	community;
	char			*username;
	int			seclevel;
	int			auth;
	struct vx_secret	auth_password;
	int			priv;
	struct vx_secret	priv_password;
	char			*context;
	int64_t			max_repetitions;
	int64_t			max_in_flight;
};

/*
 * No session is kept between polls: each poll opens one socket and
 * closes it, so that a fleet holds no idle descriptors.  For SNMPv3 the
 * agent's engine ID is kept instead, so the next poll skips discovery.
 */
struct asa_snmp_state {
	struct asa_snmp_cfg	 cfg;
	struct vx_snmp_engine	 engine;
};

static const char *const versions[] = { "2c", "3", NULL };
static const char *const seclevels[] = {
	"noAuthNoPriv", "authNoPriv", "authPriv", NULL,
};
static const char *const auths[] = {
	"MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512", NULL,
};
static const char *const privs[] = { "DES", "AES", "AES192", "AES256", NULL };

#define F(m)	offsetof(struct asa_snmp_cfg, m)
static const struct vx_cfg_key asa_snmp_keys[] = {
	{ "port", VX_CFG_T_INT, F(port), false, 1, 65535, NULL },
	{ "version", VX_CFG_T_ENUM, F(version), false, 0, 0, versions },
	{ "community", VX_CFG_T_SECRET, F(community), false, 0, 0, NULL },
	{ "username", VX_CFG_T_STRING, F(username), false, 0, 0, NULL },
	{ "security_level", VX_CFG_T_ENUM, F(seclevel), false, 0, 0,
	    seclevels },
	{ "auth_protocol", VX_CFG_T_ENUM, F(auth), false, 0, 0, auths },
	{ "auth_password", VX_CFG_T_SECRET, F(auth_password), false, 0, 0,
	    NULL },
	{ "priv_protocol", VX_CFG_T_ENUM, F(priv), false, 0, 0, privs },
	{ "priv_password", VX_CFG_T_SECRET, F(priv_password), false, 0, 0,
	    NULL },
	{ "context_name", VX_CFG_T_STRING, F(context), false, 0, 0, NULL },
	{ "max_repetitions", VX_CFG_T_INT, F(max_repetitions), false, 1, 1000,
	    NULL },
	{ "max_in_flight", VX_CFG_T_INT, F(max_in_flight), false, 1, 32,
	    NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

/* Indexes into asa_snmp_keys, for the "seen" bits of vx_cfg_apply. */
enum { K_COMMUNITY = 2, K_AUTH_PASSWORD = 6, K_PRIV_PASSWORD = 8 };
#define KEY_BIT(k)	(UINT64_C(1) << (k))

static void
asa_snmp_free(void *arg)
{
	struct asa_snmp_state *st = arg;

	if (st == NULL)
		return;
	vx_cfg_free_fields(asa_snmp_keys, &st->cfg);
	free(st);
}

static int
asa_snmp_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	struct asa_snmp_state	*st;
	struct asa_snmp_cfg	*c;
	char			 where[300];
	size_t			 nerr;
	uint64_t		 seen = 0;

	snprintf(where, sizeof(where), "cisco_asa_snmp of device '%s'",
	    target->device);
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -1;
	c = &st->cfg;
	c->port = 161;
	c->version = 0;
	c->seclevel = 2;	/* authPriv */
	c->auth = 1;		/* SHA */
	c->priv = 1;		/* AES */
	c->max_repetitions = 25;
	/*
	 * Requests outstanding at once: round trips, not CPU, bound a remote
	 * device, but its agent is a shared and fragile resource.
	 */
	c->max_in_flight = 4;
	if (opts == NULL) {
		vx_cfg_error(errs, key, "%s: needs options (community for "
		    "v2c, or username and passwords for v3)", where);
		asa_snmp_free(st);
		return -1;
	}
	nerr = vx_cfg_apply(errs, doc, asa_snmp_keys, opts, c, where, &seen);
	/* A key given but unusable (unset variable...) is already reported. */
	if (c->version == 0 && c->community.value == NULL &&
	    !(seen & KEY_BIT(K_COMMUNITY))) {
		vx_cfg_error(errs, opts, "%s: SNMP v2c needs 'community' (or "
		    "community_file / community_env)", where);
		nerr++;
	}
	if (c->version == 1) {
		if (c->username == NULL) {
			vx_cfg_error(errs, opts, "%s: SNMP v3 needs 'username'",
			    where);
			nerr++;
		}
		if (c->seclevel >= 1 && c->auth_password.value == NULL &&
		    !(seen & KEY_BIT(K_AUTH_PASSWORD))) {
			vx_cfg_error(errs, opts, "%s: security_level %s needs "
			    "'auth_password' (or auth_password_file / "
			    "auth_password_env)", where, seclevels[c->seclevel]);
			nerr++;
		}
		if (c->seclevel == 2 && c->priv_password.value == NULL &&
		    !(seen & KEY_BIT(K_PRIV_PASSWORD))) {
			vx_cfg_error(errs, opts, "%s: security_level authPriv "
			    "needs 'priv_password' (or priv_password_file / "
			    "priv_password_env)", where);
			nerr++;
		}
		if (c->auth_password.value != NULL &&
		    strlen(c->auth_password.value) < 8) {
			vx_cfg_error(errs, opts, "%s: auth_password must be at "
			    "least 8 characters (RFC 3414)", where);
			nerr++;
		}
		if (c->priv_password.value != NULL &&
		    strlen(c->priv_password.value) < 8) {
			vx_cfg_error(errs, opts, "%s: priv_password must be at "
			    "least 8 characters (RFC 3414)", where);
			nerr++;
		}
	}
	if (nerr > 0) {
		asa_snmp_free(st);
		return -1;
	}
	if (c->version == 1)
		vx_snmp_global_init_v3();
	*state = st;
	return 0;
}

/* After a failure the agent may have a new engine: discover it again. */
static void
asa_snmp_reset(void *arg)
{
	struct asa_snmp_state *st = arg;

	memset(&st->engine, 0, sizeof(st->engine));
}

static void
oid_set(struct vx_oid *o, const uint32_t *base, size_t n, uint32_t last)
{
	memcpy(o->sub, base, n * sizeof(*base));
	o->sub[n] = last;
	o->len = n + 1;
}

static void
columns(struct vx_oid *oids, const uint32_t *entry, size_t elen,
    const uint32_t *cols, size_t ncols)
{
	for (size_t i = 0; i < ncols; i++)
		oid_set(&oids[i], entry, elen, cols[i]);
}

#define LEN(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Two rounds of concurrent requests.  First the scalars, the tunnel
 * table and the IKE table; then the tables indexed by tunnel row: the
 * SPI table (two to four rows per tunnel row, the longest walk) and, for
 * agents without Counter64, the 32-bit octet columns, each split into
 * ranges of tunnel rows that are walked at the same time.
 */
static int
poll_device(struct asa_snmp_state *st, struct vx_snmp *sess,
    struct asa_snmp_map *m, struct vx_deadline deadline, struct vx_err *err)
{
	static const uint32_t cike_entry[] = { IPSEC_MIB, 2, 3, 1 };
	static const uint32_t tun_entry[] = { IPSEC_MIB, 3, 2, 1 };
	static const uint32_t spi_entry[] = { IPSEC_MIB, 3, 4, 1 };
	static const uint32_t cike_cols[] = { 4, 7, 8, 15, 16 };
	static const uint32_t tun_cols[] = {
		4, 5, 8, 9, 10, 27, 32, 33, 34, 36, 38, 40, 45, 46, 48, 50,
	};
	static const uint32_t tun_cols32[] = { 26, 28, 39, 41 };
	static const uint32_t spi_cols[] = { 2, 3, 4, 5 };
	/*
	 * cikeGlobalActiveTunnels, cipSecGlobalActiveTunnels,
	 * cipSecGlobalNoSaFails, crasL2LNumSessions, crasL2LCumulateSessions.
	 */
	static const uint32_t scalar_oids[][15] = {
		{ IPSEC_MIB, 2, 1, 1, 0 },
		{ IPSEC_MIB, 3, 1, 1, 0 },
		{ IPSEC_MIB, 3, 1, 29, 0 },
		{ RAS_ACT, 29, 0 },
		{ RAS_ACT, 30, 0 },
	};
	static const size_t scalar_len[] = { 14, 14, 14, 13, 13 };
	struct vx_oid		scalars[5], tun[LEN(tun_cols)];
	struct vx_oid		cike[LEN(cike_cols)], spi[LEN(spi_cols)];
	struct vx_oid		tun32[LEN(tun_cols32)];
	struct vx_snmp_walk	walks[2 * ASA_SNMP_RANGES_MAX];
	uint32_t		bounds[ASA_SNMP_RANGES_MAX];
	int			reps = (int)st->cfg.max_repetitions, rc;
	size_t			nw = 0, nb;

	for (size_t i = 0; i < LEN(scalars); i++) {
		memcpy(scalars[i].sub, scalar_oids[i],
		    scalar_len[i] * sizeof(uint32_t));
		scalars[i].len = scalar_len[i];
	}
	columns(tun, tun_entry, LEN(tun_entry), tun_cols, LEN(tun_cols));
	columns(cike, cike_entry, LEN(cike_entry), cike_cols, LEN(cike_cols));
	columns(spi, spi_entry, LEN(spi_entry), spi_cols, LEN(spi_cols));
	columns(tun32, tun_entry, LEN(tun_entry), tun_cols32,
	    LEN(tun_cols32));
	walks[nw++] = (struct vx_snmp_walk){ tun, LEN(tun), false, 0, 0 };
	walks[nw++] = (struct vx_snmp_walk){ cike, LEN(cike), false, 0, 0 };
	rc = vx_snmp_run(sess, scalars, LEN(scalars), walks, nw, reps,
	    asa_snmp_map_add, m, deadline, err);
	if (rc != 0)
		return rc;

	/*
	 * As many ranges as requests may be in flight, but no range smaller
	 * than one request's worth of tunnel rows: a small table is walked
	 * whole.
	 */
	nb = asa_snmp_map_tunnel_bounds(m, asa_snmp_map_tunnel_rows(m) /
	    (size_t)reps < (size_t)st->cfg.max_in_flight ?
	    asa_snmp_map_tunnel_rows(m) / (size_t)reps :
	    (size_t)st->cfg.max_in_flight, bounds, LEN(bounds));
	nw = 0;
	for (size_t r = 0; r <= nb; r++) {
		uint32_t lo = r == 0 ? 0 : bounds[r - 1];
		uint32_t hi = r == nb ? 0 : bounds[r];

		walks[nw++] = (struct vx_snmp_walk){ spi, LEN(spi), nb > 0, lo,
		    hi };
		/* Counter64 columns need v2c or v3; else 32-bit + wraps. */
		if (!asa_snmp_map_has_hc(m) &&
		    asa_snmp_map_tunnel_rows(m) > 0)
			walks[nw++] = (struct vx_snmp_walk){ tun32,
			    LEN(tun32), nb > 0, lo, hi };
	}
	return vx_snmp_run(sess, NULL, 0, walks, nw, reps, asa_snmp_map_add,
	    m, deadline, err);
}

static int
asa_snmp_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct asa_snmp_state	*st = arg;
	struct asa_snmp_cfg	*c = &st->cfg;
	struct vx_snmp_params	 p = {
		.address = target->address,
		.port = (unsigned)c->port,
		.version = c->version == 0 ? VX_SNMP_V2C : VX_SNMP_V3,
		.community = c->community.value,
		.username = c->username,
		.seclevel = (enum vx_snmp_seclevel)c->seclevel,
		.auth = (enum vx_snmp_auth)c->auth,
		.auth_password = c->auth_password.value,
		.priv = (enum vx_snmp_priv)c->priv,
		.priv_password = c->priv_password.value,
		.context = c->context,
		.retries = target->retries,
		.max_in_flight = (int)c->max_in_flight,
		.engine = &st->engine,
	};
	struct vx_snmp		*sess = NULL;
	struct asa_snmp_map	*m;
	int			 rc;

	rc = vx_snmp_open(&p, deadline, &sess, err);
	if (rc != 0)
		return rc;
	m = asa_snmp_map_new();
	if (m == NULL)
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	else
		rc = poll_device(st, sess, m, deadline, err);
	snap->requests = vx_snmp_requests(sess);
	vx_snmp_close(sess);
	if (rc == 0)
		rc = asa_snmp_map_finish(m, snap, err);
	asa_snmp_map_free(m);
	return rc;
}

/*
 * Everything the MIBs have, at normal authority; the invalid-SPI value
 * (cipSecGlobalNoSaFails) only as a fallback, since the CLI's
 * np-sp-invalid-spi is the real count.
 */
static void
asa_snmp_fields(const void *state, struct vx_fields *out)
{
	static const enum vx_tun_ctr tun[] = {
		VX_TC_PKTS_IN, VX_TC_PKTS_OUT, VX_TC_BYTES_IN, VX_TC_BYTES_OUT,
		VX_TC_ERR_DECRYPT, VX_TC_ERR_ENCRYPT, VX_TC_ERR_AUTH,
		VX_TC_ERR_AUTH_OUT, VX_TC_ERR_REPLAY, VX_TC_ERR_DROP_IN,
		VX_TC_ERR_DROP_OUT,
	};

	(void)state;
	memset(out, 0, sizeof(*out));
	out->dev[VX_DV_INVALID_SPI] = VX_PRIO_FALLBACK;
	out->dev[VX_DV_NO_SA_FAILS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_IKE_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_IPSEC_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_L2L_SESSIONS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_L2L_SESSIONS_TOTAL] = VX_PRIO_NORMAL;
	for (size_t i = 0; i < sizeof(tun) / sizeof(tun[0]); i++)
		out->tun[tun[i]] = VX_PRIO_NORMAL;
}

const struct vx_collector_ops asa_snmp_ops = {
	.name = "cisco_asa_snmp",
	.vendor = "cisco_asa",
	.transport = VX_TRANSPORT_SNMP,
	.priority = VX_PRIO_NORMAL,
	.fds_kept = 0,
	.fds_polling = 1,	/* the poll's UDP socket */
	.configure = asa_snmp_configure,
	.collect = asa_snmp_collect,
	.fields = asa_snmp_fields,
	.reset = asa_snmp_reset,
	.free = asa_snmp_free,
};
