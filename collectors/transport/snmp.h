#ifndef VX_TRANSPORT_SNMP_H
#define VX_TRANSPORT_SNMP_H

/*
 * SNMP I/O on net-snmp's single-session API (snmp_sess_*), which is safe
 * to use from several threads with one session per device.  No parsing:
 * varbinds go to a callback as struct vx_varbind.
 */

#include <stddef.h>

#include "clock.h"
#include "err.h"
#include "varbind.h"

enum vx_snmp_version {
	VX_SNMP_V2C,
	VX_SNMP_V3,
};

enum vx_snmp_seclevel {
	VX_SNMP_NOAUTH_NOPRIV,
	VX_SNMP_AUTH_NOPRIV,
	VX_SNMP_AUTH_PRIV,
};

enum vx_snmp_auth {
	VX_SNMP_AUTH_MD5,
	VX_SNMP_AUTH_SHA,
	VX_SNMP_AUTH_SHA224,
	VX_SNMP_AUTH_SHA256,
	VX_SNMP_AUTH_SHA384,
	VX_SNMP_AUTH_SHA512,
};

enum vx_snmp_priv {
	VX_SNMP_PRIV_DES,
	VX_SNMP_PRIV_AES,
	VX_SNMP_PRIV_AES192,
	VX_SNMP_PRIV_AES256,
};

struct vx_snmp_params {
	const char		*address;	/* host name, IPv4 or IPv6 */
	unsigned		 port;
	enum vx_snmp_version	 version;
	const char		*community;	/* v2c */
	const char		*username;	/* v3 */
	enum vx_snmp_seclevel	 seclevel;
	enum vx_snmp_auth	 auth;
	const char		*auth_password;
	enum vx_snmp_priv	 priv;
	const char		*priv_password;
	const char		*context;	/* v3 context name, may be NULL */
	int			 retries;	/* per request */
};

struct vx_snmp;

/* Once per process, before any session: quiet, no MIBs, no state files. */
void	vx_snmp_global_init(void);

/*
 * Opens a session (for v3 this discovers the engine ID, so it talks to
 * the device before the deadline).  Returns 0 and *out, or a negative
 * vx_errcode.  Close with vx_snmp_close().
 */
int	vx_snmp_open(const struct vx_snmp_params *p, struct vx_deadline deadline,
	    struct vx_snmp **out, struct vx_err *err);
void	vx_snmp_close(struct vx_snmp *s);

/* GETs the given OIDs; absent ones (noSuchObject...) are not passed on. */
int	vx_snmp_get(struct vx_snmp *s, const struct vx_oid *oids, size_t n,
	    vx_varbind_fn fn, void *arg, struct vx_deadline deadline,
	    struct vx_err *err);

/*
 * Walks table columns together with GETBULK: each request carries one
 * varbind per unfinished column, so a table of R rows and C columns costs
 * about R / max_reps requests rather than R * C / max_reps.  A column ends
 * when the agent leaves its subtree.  A tooBig answer halves max_reps.
 */
int	vx_snmp_walk_columns(struct vx_snmp *s, const struct vx_oid *cols,
	    size_t ncols, int max_reps, vx_varbind_fn fn, void *arg,
	    struct vx_deadline deadline, struct vx_err *err);

/* Requests sent on this session so far (for tests and debugging). */
unsigned long	vx_snmp_requests(const struct vx_snmp *s);

#endif
