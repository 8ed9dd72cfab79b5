#ifndef VX_TRANSPORT_HTTPS_OPTS_H
#define VX_TRANSPORT_HTTPS_OPTS_H

/*
 * The HTTPS options every HTTPS collector takes (paloalto_api,
 * juniper_srx_rest): the port, the CA, the escape hatch from verification
 * and the reply cap -- their rows of the collector's option table, their
 * defaults and checks, and the transport parameters they make (https.h).
 * A collector embeds struct vx_https_opts and puts VX_HTTPS_OPTS_KEYS
 * first in its key table, as with ssh_opts.h.
 */

#include <stdint.h>

#include "cfg.h"
#include "https.h"

struct vx_https_opts {
	int64_t		 port;
	char		*ca_file;
	bool		 insecure_skip_verify;
	int64_t		 max_response_bytes;
	char		*ca_path;	/* resolved by vx_https_opts_check */
};

#define VX_HTTPS_OPTS_KEYS(F, m)					\
	{ "port", VX_CFG_T_INT, F(m.port), false, 1, 65535, NULL },	\
	{ "ca_file", VX_CFG_T_STRING, F(m.ca_file), false, 0, 0, NULL },	\
	{ "insecure_skip_verify", VX_CFG_T_BOOL, F(m.insecure_skip_verify), \
	    false, 0, 0, NULL },					\
	{ "max_response_bytes", VX_CFG_T_INT, F(m.max_response_bytes),	\
	    false, 4096, 1024 * 1024 * 1024, NULL }
/* How many rows VX_HTTPS_OPTS_KEYS has. */
#define VX_HTTPS_OPTS_NKEYS	4

void	vx_https_opts_init(struct vx_https_opts *o, int64_t port);
/*
 * The first checks of a collector's configure step: options are given
 * (else an error at key saying what is needed: needs) and libcurl can do
 * TLS.  False when an error was recorded.
 */
bool	vx_https_opts_start(struct vx_cfg_errors *errs,
	    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
	    const char *where, const char *needs);
/*
 * Resolves ca_file relative to the configuration file and checks that it
 * can be read.  Returns the number of errors recorded.
 */
size_t	vx_https_opts_check(struct vx_cfg_errors *errs,
	    const struct vx_cfg_doc *doc, const struct vx_cfg_node *opts,
	    struct vx_https_opts *o, const char *where);
/* Frees the resolved path (vx_cfg_free_fields frees the rest). */
void	vx_https_opts_release(struct vx_https_opts *o);
/* Logs the warning that verification is off, if it is. */
void	vx_https_opts_warn(const struct vx_https_opts *o, const char *device,
	    const char *collector, const char *what);
/* The transport parameters for address (the strings stay o's). */
void	vx_https_opts_params(const struct vx_https_opts *o,
	    const char *address, struct vx_https_params *p);

#endif
