/* /status and /status.json: query arguments in, rendered page out. */
#include "status_http.h"

#include <string.h>

#include "status.h"

#include "banned.h"

bool
vx_status_path(const char *url)
{
	return strcmp(url, "/status") == 0 ||
	    strcmp(url, "/status.json") == 0;
}

static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	(void)kind;
	vx_status_query_arg(cls, key, value);
	return MHD_YES;
}

unsigned
vx_status_serve(struct vx_runtime *rt, struct MHD_Connection *c,
    const char *url, struct vx_strbuf *out, const char **ctype)
{
	struct vx_status_view	v;
	struct vx_status_query	q;
	bool			json = strcmp(url, "/status.json") == 0;

	vx_status_query_init(&q);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, &q);
	/* Scripts get every tunnel unless they ask for fewer. */
	if (json && q.limit < 0)
		q.limit = 0;
	*ctype = "text/plain; charset=utf-8";
	if (vx_status_gather(&v, rt) != 0 || vx_status_select(&v, &q) != 0) {
		vx_status_release(&v);
		vx_strbuf_addstr(out, "out of memory rendering the status\n");
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (json) {
		vx_status_json(out, &v);
		*ctype = "application/json";
	} else {
		vx_status_html(out, &v, &q);
		*ctype = "text/html; charset=utf-8";
	}
	vx_status_release(&v);
	if (out->failed) {
		vx_strbuf_reset(out);
		out->failed = false;
		*ctype = "text/plain; charset=utf-8";
		vx_strbuf_addstr(out, "out of memory rendering the status\n");
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return MHD_HTTP_OK;
}
