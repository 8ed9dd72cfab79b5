#ifndef VX_TRANSPORT_SNMP_OPTS_H
#define VX_TRANSPORT_SNMP_OPTS_H

/*
 * The SNMP v2c/v3 options every SNMP collector takes (cisco_asa_snmp,
 * juniper_srx_snmp): their rows of the collector's option table, their
 * defaults and checks, and the session parameters they make (snmp.h).
 *
 * A collector embeds struct vx_snmp_opts in its configuration struct and
 * puts VX_SNMP_OPTS_KEYS first in its key table (the checks read the
 * "seen" bits of these first rows):
 *
 *   struct my_cfg { struct vx_snmp_opts snmp; ... };
 *   #define F(m) offsetof(struct my_cfg, m)
 *   static const struct vx_cfg_key keys[] = {
 *           VX_SNMP_OPTS_KEYS(F, snmp),
 *           ...
 */

#include <stdint.h>

#include "cfg.h"
#include "snmp.h"

struct vx_snmp_opts {
	int64_t			port;
	int			version;	/* index into vx_snmp_versions */
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
	char			*engine_id;	/* hex, as configured */
	/* engine_id parsed by vx_snmp_opts_check. */
	unsigned char		engine[VX_SNMP_ENGINE_ID_MAX];
	size_t			engine_len;
};

extern const char *const vx_snmp_versions[];
extern const char *const vx_snmp_seclevels[];
extern const char *const vx_snmp_auths[];
extern const char *const vx_snmp_privs[];

#define VX_SNMP_OPTS_KEYS(F, m)						\
	{ "port", VX_CFG_T_INT, F(m.port), false, 1, 65535, NULL },	\
	{ "version", VX_CFG_T_ENUM, F(m.version), false, 0, 0,		\
	    vx_snmp_versions },						\
	{ "community", VX_CFG_T_SECRET, F(m.community), false, 0, 0,	\
	    NULL },							\
	{ "username", VX_CFG_T_STRING, F(m.username), false, 0, 0, NULL }, \
	{ "security_level", VX_CFG_T_ENUM, F(m.seclevel), false, 0, 0,	\
	    vx_snmp_seclevels },					\
	{ "auth_protocol", VX_CFG_T_ENUM, F(m.auth), false, 0, 0,	\
	    vx_snmp_auths },						\
	{ "auth_password", VX_CFG_T_SECRET, F(m.auth_password), false,	\
	    0, 0, NULL },						\
	{ "priv_protocol", VX_CFG_T_ENUM, F(m.priv), false, 0, 0,	\
	    vx_snmp_privs },						\
	{ "priv_password", VX_CFG_T_SECRET, F(m.priv_password), false,	\
	    0, 0, NULL },						\
	{ "context_name", VX_CFG_T_STRING, F(m.context), false, 0, 0,	\
	    NULL },							\
	{ "max_repetitions", VX_CFG_T_INT, F(m.max_repetitions), false,	\
	    1, 1000, NULL },						\
	{ "max_in_flight", VX_CFG_T_INT, F(m.max_in_flight), false,	\
	    1, 32, NULL },						\
	{ "engine_id", VX_CFG_T_STRING, F(m.engine_id), false, 0, 0, NULL }

/*
 * The defaults: port 161, v2c, authPriv with SHA and AES, 25 repetitions,
 * 4 requests in flight.
 */
void	vx_snmp_opts_init(struct vx_snmp_opts *o);
/*
 * Checks the options once vx_cfg_apply has read them (seen: its bits):
 * a community for v2c; a username, and the passwords the security level
 * needs (8 characters at least) for v3; engine_id (v3 only) as hex, 5 to
 * 32 bytes ("80001f8880e9630000d61ff449", "0x...", colons allowed).  Returns the number of errors
 * recorded.
 */
size_t	vx_snmp_opts_check(struct vx_cfg_errors *errs,
	    const struct vx_cfg_node *opts, struct vx_snmp_opts *o,
	    const char *where, uint64_t seen);
/*
 * The configure step of a collector whose options are these only: o
 * initialised and read from opts (NULL: an error naming key), checked.
 * Returns the number of errors recorded; release o with
 * vx_snmp_opts_release either way.
 */
size_t	vx_snmp_opts_configure(struct vx_cfg_errors *errs,
	    const struct vx_cfg_doc *doc, const struct vx_cfg_node *key,
	    const struct vx_cfg_node *opts, const char *where,
	    struct vx_snmp_opts *o);
/* Frees what vx_snmp_opts_configure read. */
void	vx_snmp_opts_release(struct vx_snmp_opts *o);

struct vx_snmp_poller;

/*
 * What an SNMP collector keeps per device: its options and, for SNMPv3,
 * the agent's engine ID.  No session is kept between polls: each poll
 * opens one socket and closes it, so that a fleet holds no idle
 * descriptors, and the kept engine ID spares the next poll the
 * discovery.  Its state can be this struct alone.
 */
struct vx_snmp_dev {
	struct vx_snmp_opts		 opts;
	struct vx_snmp_engine		 engine;
	/* engine_id configured: the USM user is built at the next open. */
	bool				 user_built;
	/* The collector's requests and mapping (snmp_collect.h). */
	const struct vx_snmp_poller	*poller;
};

struct vx_target;

/*
 * vx_snmp_opts_configure into a new struct vx_snmp_dev (*out) polled by
 * poller (vx_snmp_dev_collect); collector names the collector in
 * messages.  Returns 0, or -1 with the errors recorded.
 */
int	vx_snmp_dev_configure(struct vx_cfg_errors *errs,
	    const struct vx_cfg_doc *doc, const struct vx_cfg_node *key,
	    const struct vx_cfg_node *opts, const char *collector,
	    const struct vx_snmp_poller *poller,
	    const struct vx_target *target, struct vx_snmp_dev **out);
/*
 * Opens this poll's session to target (*sess; close it with
 * vx_snmp_close at the end of the poll).  0 or a negative vx_errcode.
 */
int	vx_snmp_dev_open(struct vx_snmp_dev *d, const struct vx_target *target,
	    struct vx_deadline deadline, struct vx_snmp **sess,
	    struct vx_err *err);
/* Forgets the engine ID: the agent may have a new one (a collector's reset). */
void	vx_snmp_dev_reset(void *d);
/* Frees (a collector's free); d may be NULL. */
void	vx_snmp_dev_free(void *d);

/* The session parameters for address (the strings stay o's). */
void	vx_snmp_opts_params(const struct vx_snmp_opts *o, const char *address,
	    int retries, struct vx_snmp_params *p);

#endif
