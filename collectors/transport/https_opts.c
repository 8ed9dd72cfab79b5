/* The HTTPS options shared by the HTTPS collectors (https_opts.h). */
#include "https_opts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#include "banned.h"

void
vx_https_opts_init(struct vx_https_opts *o, int64_t port)
{
	memset(o, 0, sizeof(*o));
	o->port = port;
	o->max_response_bytes = VX_HTTPS_MAX_RESPONSE;
}

bool
vx_https_opts_start(struct vx_cfg_errors *errs, const struct vx_cfg_node *key,
    const struct vx_cfg_node *opts, const char *where, const char *needs)
{
	char msg[256];

	if (opts == NULL) {
		vx_cfg_error(errs, key, "%s: needs options (%s)", where, needs);
		return false;
	}
	if (!vx_https_global_init(msg, sizeof(msg))) {
		vx_cfg_error(errs, key, "%s: %s", where, msg);
		return false;
	}
	return true;
}

size_t
vx_https_opts_check(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *opts, struct vx_https_opts *o,
    const char *where)
{
	char full[4096];

	if (o->ca_file == NULL)
		return 0;
	vx_cfg_path(doc, o->ca_file, full, sizeof(full));
	o->ca_path = strdup(full);
	if (o->ca_path == NULL)
		return 1;
	if (access(o->ca_path, R_OK) != 0) {
		vx_cfg_error(errs, vx_cfg_map_get(opts, "ca_file"), "%s: "
		    "cannot read ca_file '%s'", where, o->ca_path);
		return 1;
	}
	return 0;
}

void
vx_https_opts_release(struct vx_https_opts *o)
{
	free(o->ca_path);
	o->ca_path = NULL;
}

void
vx_https_opts_warn(const struct vx_https_opts *o, const char *device,
    const char *collector, const char *what)
{
	if (o->insecure_skip_verify)
		vx_log_kv(VX_LOG_WARN, (const char *[]){ "device", device,
		    "collector", collector, NULL }, "insecure_skip_verify: the "
		    "device's TLS certificate is not verified; anyone on the "
		    "path can read %s and forge the replies", what);
}

void
vx_https_opts_params(const struct vx_https_opts *o, const char *address,
    struct vx_https_params *p)
{
	memset(p, 0, sizeof(*p));
	p->address = address;
	p->port = (unsigned)o->port;
	p->ca_file = o->ca_path;
	p->insecure = o->insecure_skip_verify;
	p->max_response = (size_t)o->max_response_bytes;
}
