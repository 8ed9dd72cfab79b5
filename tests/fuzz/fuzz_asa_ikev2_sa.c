/*
 * libFuzzer: "show crypto ikev2 sa" text -> asa_parse_ikev2_sa() ->
 * rendered text; a failure must name its line.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "asa_cli.h"
#include "render.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_snapshot	*s = vx_snapshot_new("fuzz");
	struct vx_err		 err;

	if (s == NULL)
		return 0;
	vx_err_clear(&err);
	if (asa_parse_ikev2_sa((const char *)data, size, s, &err) == 0) {
		struct vx_strbuf out;

		/* Whatever the parser produced must render. */
		vx_strbuf_init(&out, 1024);
		vx_render(&out, VX_FMT_OPENMETRICS, &s, 1, NULL);
		vx_strbuf_release(&out);
	} else if (strncmp(err.msg, "line ", 5) != 0 &&
	    strncmp(err.msg, "empty output", 12) != 0 &&
	    strncmp(err.msg, "out of memory", 13) != 0) {
		/* Every failure names its line. */
		__builtin_trap();
	}
	vx_snapshot_unref(s);
	return 0;
}
