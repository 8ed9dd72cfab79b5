/*
 * libFuzzer: the NETCONF client's pure parts on untrusted bytes -- the
 * server's hello, the base:1.0 end-of-message search and the base:1.1
 * chunk decoder, fed whole and in two pieces.  Whatever the decoder says
 * complete must not have read past its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char			*text = (const char *)data;
	struct vx_netconf_chunks	 st = { 0, 0, false };
	struct vx_strbuf		 out;
	struct vx_err			 err;
	size_t				 from = 0, half = size / 2;
	bool				 b10, b11;
	long				 at;
	int				 rc;

	(void)vx_netconf_hello(text, size, &b10, &b11, &err);
	at = vx_netconf_eom(text, size, &from);
	if (at >= 0 && ((size_t)at + 6 > size ||
	    memcmp(text + at, "]]>]]>", 6) != 0))
		__builtin_trap();
	vx_strbuf_init(&out, 0);
	rc = vx_netconf_dechunk(&st, text, half, &out, 1 << 20, &err);
	if (rc == 0)
		rc = vx_netconf_dechunk(&st, text, size, &out, 1 << 20, &err);
	if ((rc == 1 && st.pos > size) || out.len > size ||
	    (rc < 0 && err.msg[0] == '\0'))
		__builtin_trap();
	vx_strbuf_release(&out);
	return 0;
}
