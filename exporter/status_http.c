/* /status and /status.json: query arguments in, rendered page out. */
#include "status_http.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "strbuf.h"

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

bool
vx_status_path_json(const char *url)
{
	return strcmp(url, "/status.json") == 0;
}

void
vx_status_http_query(struct MHD_Connection *c, bool json,
    struct vx_status_query *q)
{
	vx_status_query_init(q);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, q);
	/* Scripts get every tunnel unless they ask for fewer. */
	if (json && q->limit < 0)
		q->limit = 0;
}

unsigned
vx_status_http_render(struct vx_runtime *rt, bool json,
    const struct vx_status_query *q, struct vx_strbuf *out,
    const char **ctype)
{
	struct vx_status_view v;

	if (vx_status_gather(&v, rt) == 0 && vx_status_select(&v, q) == 0) {
		if (json)
			vx_status_json(out, &v);
		else
			vx_status_html(out, &v, q);
	} else {
		out->failed = true;
	}
	vx_status_release(&v);
	if (out->failed) {
		vx_strbuf_release(out);
		vx_strbuf_init(out, 64);
		vx_strbuf_addstr(out, "out of memory rendering the status\n");
		*ctype = "text/plain; charset=utf-8";
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	*ctype = json ? "application/json" : "text/html; charset=utf-8";
	return MHD_HTTP_OK;
}
