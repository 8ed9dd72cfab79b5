#ifndef VX_TRANSPORT_SSH_OPTS_H
#define VX_TRANSPORT_SSH_OPTS_H

/*
 * The SSH login options every SSH collector takes (cisco_asa_ssh,
 * juniper_srx_netconf, screenos_ssh): their rows of the collector's
 * option table, their defaults and checks, and the session parameters
 * they make.  One place, so that the options read and fail alike
 * everywhere.
 *
 * A collector embeds struct vx_ssh_opts in its configuration struct and
 * puts VX_SSH_OPTS_KEYS first in its key table (the checks read the
 * "seen" bits of these first rows):
 *
 *   struct my_cfg { struct vx_ssh_opts ssh; bool extra; };
 *   #define F(m) offsetof(struct my_cfg, m)
 *   static const struct vx_cfg_key keys[] = {
 *           VX_SSH_OPTS_KEYS(F, ssh),
 *           (the collector's own rows),
 *           ...
 */

#include <stdint.h>

#include "cfg.h"
#include "ssh_session.h"

struct vx_ssh_opts {
	int64_t			 port;
	char			*username;
	struct vx_secret	 password;
	char			*private_key_file;
	char			*known_hosts_file;
	int			 host_key_policy;
	int64_t			 max_output;
	/* Filled by vx_ssh_opts_check: paths relative to the config file. */
	char			*key_path;
	char			*known_hosts_path;
};

extern const char *const vx_ssh_host_key_policies[];

#define VX_SSH_OPTS_KEYS(F, m)						\
	{ "port", VX_CFG_T_INT, F(m.port), false, 1, 65535, NULL },	\
	{ "username", VX_CFG_T_STRING, F(m.username), true, 0, 0, NULL }, \
	{ "password", VX_CFG_T_SECRET, F(m.password), false, 0, 0, NULL }, \
	{ "private_key_file", VX_CFG_T_STRING, F(m.private_key_file),	\
	    false, 0, 0, NULL },					\
	{ "known_hosts_file", VX_CFG_T_STRING, F(m.known_hosts_file),	\
	    true, 0, 0, NULL },						\
	{ "host_key_policy", VX_CFG_T_ENUM, F(m.host_key_policy), false, \
	    0, 0, vx_ssh_host_key_policies },				\
	{ "max_output", VX_CFG_T_SIZE, F(m.max_output), false, 65536,	\
	    INT64_C(1) << 30, NULL }
/* How many rows VX_SSH_OPTS_KEYS has (the "seen" bits they take). */
#define VX_SSH_OPTS_NKEYS	7

/* The defaults, with the collector's port. */
void	vx_ssh_opts_init(struct vx_ssh_opts *o, int64_t port,
	    int64_t max_output);
/*
 * The first checks of a collector's configure step: options are given
 * (else an error at key naming the ones needed) and libssh can be loaded
 * (ssh_lib.h), so that a configuration is refused early rather than
 * every poll failing.  False when an error was recorded.
 */
bool	vx_ssh_opts_start(struct vx_cfg_errors *errs,
	    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
	    const char *where);
/*
 * Reads opts into obj (vx_cfg_apply with keys, which start with
 * VX_SSH_OPTS_KEYS for o, embedded in obj), then checks o
 * (vx_ssh_opts_check).  Returns the number of errors recorded.
 */
size_t	vx_ssh_opts_apply(struct vx_cfg_errors *errs,
	    const struct vx_cfg_doc *doc, const struct vx_cfg_key *keys,
	    const struct vx_cfg_node *opts, void *obj, struct vx_ssh_opts *o,
	    const char *where);
/*
 * Checks the options once vx_cfg_apply has read them (seen: its bits):
 * a password or a private key, no line break in a secret, readable files
 * (the key; known_hosts unless accept-new may create it).  Resolves the
 * paths relative to the configuration file.  Returns the number of
 * errors recorded.
 */
size_t	vx_ssh_opts_check(struct vx_cfg_errors *errs,
	    const struct vx_cfg_doc *doc, const struct vx_cfg_node *opts,
	    struct vx_ssh_opts *o, const char *where, uint64_t seen);
/* Frees the resolved paths (vx_cfg_free_fields frees the rest). */
void	vx_ssh_opts_release(struct vx_ssh_opts *o);
/* The session parameters for address (the strings stay o's). */
void	vx_ssh_opts_params(const struct vx_ssh_opts *o, const char *address,
	    struct vx_ssh_sess_params *p);
/* Whether s holds a CR or an LF (a secret that would end a CLI line). */
bool	vx_has_line_break(const char *s);

#endif
