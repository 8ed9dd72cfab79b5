/* libFuzzer: "snmpwalk -On" text -> ASA SNMP mapping -> rendered text. */
#include <stddef.h>
#include <stdint.h>

#include "asa.h"
#include "render.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_snapshot	*s = vx_snapshot_new("fuzz");
	struct vx_err		 err;

	if (s == NULL)
		return 0;
	if (asa_parse_snmpwalk((const char *)data, size, s, &err) == 0) {
		struct vx_strbuf out;

		/* Whatever the mapping produced must render. */
		vx_strbuf_init(&out, 1024);
		vx_render(&out, VX_FMT_OPENMETRICS, &s, 1, NULL);
		vx_strbuf_release(&out);
	}
	vx_snapshot_unref(s);
	return 0;
}
