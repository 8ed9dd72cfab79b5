#ifndef VX_TRANSPORT_SNMP_H
#define VX_TRANSPORT_SNMP_H

/*
 * SNMP I/O on net-snmp's single-session API (snmp_sess_*), one session
 * per device and thread.  No parsing: varbinds go to a callback as struct
 * vx_varbind.
 *
 * A session is meant to live for one poll: its socket is opened by
 * vx_snmp_open and closed by vx_snmp_close, so that a fleet of devices
 * holds no descriptors between polls.  Requests go out asynchronously,
 * several at once (at most max_in_flight per session), and the answers
 * are awaited with poll(2), whatever the socket's number.  Only SNMPv3
 * engine discovery (once per device, see struct vx_snmp_engine) uses
 * net-snmp's synchronous call.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "err.h"
#include "varbind.h"

#define VX_SNMP_ENGINE_ID_MAX	32	/* RFC 3411: 5 to 32 bytes */

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
	/* Cisco's key extension (net-snmp's usmAES*CiscoPrivProtocol). */
	VX_SNMP_PRIV_AES192C,
	VX_SNMP_PRIV_AES256C,
};

/*
 * What an SNMPv3 session learnt of its agent (the engine ID), kept by the
 * caller between polls so that the next session skips engine discovery.
 * Zeroed means unknown.
 */
struct vx_snmp_engine {
	unsigned char	id[VX_SNMP_ENGINE_ID_MAX];
	size_t		len;
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
	int			 max_in_flight;	/* requests outstanding at once */
	struct vx_snmp_engine	*engine;	/* v3: in and out, may be NULL */
	/*
	 * v3: the engine ID in *engine is configured, not learnt: build the
	 * USM user from this session's keys before the first request, as
	 * after a discovery (keys of an earlier configuration never stay).
	 */
	bool			 engine_fixed;
	/*
	 * v3: the device whose keys these are (its kept state, and its
	 * name for messages): see snmp_usm.h.  NULL: not checked.
	 */
	const void		*owner;
	const char		*device;
};

struct vx_snmp;

/*
 * Once per process, before any thread uses SNMP (net-snmp's lazy
 * initialisation is not thread-safe): transports, no MIBs, no
 * configuration or state files, and net-snmp's own log lines routed into
 * ours at debug level instead of raw text on stderr.  Later calls do
 * nothing.
 */
void	vx_snmp_global_init(void);
/*
 * The SNMPv3 part of the initialisation (USM; about 2 MiB that v2c-only
 * configurations do not pay).  Runs once, when the configuration first
 * has an SNMPv3 device; safe while v2c sessions are in use.
 */
void	vx_snmp_global_init_v3(void);

/*
 * Opens a session (for v3 without a known engine ID this discovers it,
 * so it talks to the device before the deadline).  Returns 0 and *out,
 * or a negative vx_errcode.  Close with vx_snmp_close().
 */
int	vx_snmp_open(const struct vx_snmp_params *p, struct vx_deadline deadline,
	    struct vx_snmp **out, struct vx_err *err);
void	vx_snmp_close(struct vx_snmp *s);

/*
 * One walk: columns of one table walked together, each request asking
 * for the next rows of every unfinished column.  With bounded set, only
 * rows whose first index arc lies in [lo, hi) are walked (hi 0: no upper
 * bound), so that one table can be walked as several ranges at once.
 */
struct vx_snmp_walk {
	const struct vx_oid	*cols;
	size_t			 ncols;
	bool			 bounded;
	uint32_t		 lo;
	uint32_t		 hi;
};

/*
 * GETs the OIDs get[0..nget) (absent ones, noSuchObject..., are not
 * passed on) and runs the walks, all concurrently with at most
 * max_in_flight requests outstanding.  The columns of a walk are split
 * into several request chains when that shortens the walk without
 * emptying the requests (about WALK_VARBINDS_MAX / max_reps columns per
 * chain at least).  A tooBig answer halves a chain's repetitions.  A
 * column ends when the agent leaves its subtree (or range); an agent
 * whose answer does not advance ("OID not increasing") is an error.
 * Varbinds reach fn in the order of the answers, each column in order.
 */
int	vx_snmp_run(struct vx_snmp *s, const struct vx_oid *get, size_t nget,
	    const struct vx_snmp_walk *walks, size_t nwalks, int max_reps,
	    vx_varbind_fn fn, void *arg, struct vx_deadline deadline,
	    struct vx_err *err);

/* vx_snmp_run with GETs only. */
int	vx_snmp_get(struct vx_snmp *s, const struct vx_oid *oids, size_t n,
	    vx_varbind_fn fn, void *arg, struct vx_deadline deadline,
	    struct vx_err *err);

/* vx_snmp_run with one unbounded walk of the given columns. */
int	vx_snmp_walk_columns(struct vx_snmp *s, const struct vx_oid *cols,
	    size_t ncols, int max_reps, vx_varbind_fn fn, void *arg,
	    struct vx_deadline deadline, struct vx_err *err);

/* Request PDUs sent on this session so far, retries included. */
unsigned long	vx_snmp_requests(const struct vx_snmp *s);

#endif
