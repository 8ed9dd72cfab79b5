/* The SSH login options shared by the SSH collectors (ssh_opts.h). */
#include "ssh_opts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

/* Indexes of VX_SSH_OPTS_KEYS, for the "seen" bits of vx_cfg_apply. */
enum { K_PASSWORD = 2, K_PRIVATE_KEY = 3 };
#define KEY_BIT(k)	(UINT64_C(1) << (k))

const char *const vx_ssh_host_key_policies[] = {
	"strict", "accept-new", NULL,
};

void
vx_ssh_opts_init(struct vx_ssh_opts *o, int64_t port, int64_t max_output)
{
	memset(o, 0, sizeof(*o));
	o->port = port;
	o->max_output = max_output;
}

bool
vx_ssh_opts_start(struct vx_cfg_errors *errs, const struct vx_cfg_node *key,
    const struct vx_cfg_node *opts, const char *where)
{
	char lib[256];

	if (opts == NULL) {
		vx_cfg_error(errs, key, "%s: needs options (username, "
		    "private_key_file or password, known_hosts_file)", where);
		return false;
	}
	if (!vx_ssh_lib_available(lib, sizeof(lib))) {
		vx_cfg_error(errs, key, "%s: %s", where, lib);
		return false;
	}
	return true;
}

size_t
vx_ssh_opts_apply(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_key *keys, const struct vx_cfg_node *opts, void *obj,
    struct vx_ssh_opts *o, const char *where)
{
	uint64_t	seen = 0;
	size_t		nerr;

	nerr = vx_cfg_apply(errs, doc, keys, opts, obj, where, &seen);
	return nerr + vx_ssh_opts_check(errs, doc, opts, o, where, seen);
}

bool
vx_has_line_break(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

/* A malloc'd vx_cfg_path(): relative paths are taken from the config's. */
static char *
resolve_path(const struct vx_cfg_doc *doc, const char *path)
{
	char full[4096];

	vx_cfg_path(doc, path, full, sizeof(full));
	return strdup(full);
}

size_t
vx_ssh_opts_check(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *opts, struct vx_ssh_opts *o, const char *where,
    uint64_t seen)
{
	size_t	nerr = 0;
	char	why[160];

	if (o->password.value == NULL && o->private_key_file == NULL &&
	    !(seen & (KEY_BIT(K_PASSWORD) | KEY_BIT(K_PRIVATE_KEY)))) {
		vx_cfg_error(errs, opts, "%s: needs 'private_key_file' or "
		    "'password' (or password_file / password_env)", where);
		nerr++;
	}
	if (vx_has_line_break(o->password.value)) {
		vx_cfg_error(errs, opts, "%s: a password contains a line "
		    "break", where);
		nerr++;
	}
	/*
	 * libssh reads these files, but they are checked here as every
	 * *_file option is: a regular file of a bounded size, so that a FIFO
	 * or a device cannot wedge a poll (or the reload that hashes them).
	 */
	if (o->private_key_file != NULL) {
		o->key_path = resolve_path(doc, o->private_key_file);
		if (o->key_path == NULL)
			nerr++;
		else if (!vx_cfg_file_check(o->key_path, VX_CFG_FILE_MAX, why,
		    sizeof(why))) {
			vx_cfg_error(errs, vx_cfg_map_get(opts,
			    "private_key_file"), "%s: cannot read "
			    "private_key_file '%s': %s", where, o->key_path,
			    why);
			nerr++;
		}
	}
	if (o->known_hosts_file != NULL) {
		o->known_hosts_path = resolve_path(doc, o->known_hosts_file);
		if (o->known_hosts_path == NULL)
			nerr++;
		else if ((o->host_key_policy == VX_SSH_HOST_KEY_STRICT ||
		    access(o->known_hosts_path, F_OK) == 0) &&
		    !vx_cfg_file_check(o->known_hosts_path, VX_CFG_FILE_MAX,
		    why, sizeof(why))) {
			vx_cfg_error(errs, vx_cfg_map_get(opts,
			    "known_hosts_file"), "%s: cannot read "
			    "known_hosts_file '%s': %s%s", where,
			    o->known_hosts_path, why,
			    o->host_key_policy == VX_SSH_HOST_KEY_STRICT ?
			    " (with host_key_policy strict the device's key "
			    "must be listed there; accept-new records it on "
			    "first use)" : "");
			nerr++;
		}
	}
	return nerr;
}

void
vx_ssh_opts_release(struct vx_ssh_opts *o)
{
	free(o->key_path);
	free(o->known_hosts_path);
	o->key_path = o->known_hosts_path = NULL;
}

void
vx_ssh_opts_params(const struct vx_ssh_opts *o, const char *address,
    struct vx_ssh_sess_params *p)
{
	memset(p, 0, sizeof(*p));
	p->address = address;
	p->port = (unsigned)o->port;
	p->username = o->username;
	p->password = o->password.value;
	p->private_key_file = o->key_path;
	p->known_hosts_file = o->known_hosts_path;
	p->host_key_policy = (enum vx_ssh_host_key_policy)o->host_key_policy;
}
