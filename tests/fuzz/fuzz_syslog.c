/*
 * libFuzzer target for syslog input: the bytes are a TCP stream, framed
 * (RFC 6587) with a maximum taken from the first byte; every message it
 * yields, and the whole input as one datagram, go through the header
 * parser (RFC 5424 / 3164) and every vendor's syslog parser.  Whatever
 * they accept must be sane: pointers inside the message, an event's peer
 * a real address or none; the input's events are counted by a store of
 * their own and rendered.  The input is also read as a log file, one
 * message a line, by each vendor (vpn_exporter parse --command syslog).
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "registry.h"
#include "render.h"
#include "syslog_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vx_event_store *store;

static void
check_span(const char *msg, size_t len, const char *p, size_t n)
{
	if (n > 0 && (p < msg || p + n > msg + len))
		__builtin_trap();
}

static void
one_message(const char *msg, size_t len)
{
	struct vx_syslog_msg	m;
	unsigned char		bin[16];

	if (vx_syslog_parse(msg, len, &m) != 0)
		return;
	check_span(msg, len, m.host, m.host_len);
	check_span(msg, len, m.app, m.app_len);
	check_span(msg, len, m.msgid, m.msgid_len);
	check_span(msg, len, m.text, m.text_len);
	if (m.pri < 0 || m.pri > 191)
		__builtin_trap();
	for (size_t i = 0; vx_syslog_parsers[i].vendor != NULL; i++) {
		struct vx_event ev;

		memset(&ev, 0, sizeof(ev));
		if (vx_syslog_parsers[i].parse(&m, &ev) != VX_SYSLOG_EVENT)
			continue;
		if ((unsigned)ev.type >= VX_EV__COUNT ||
		    memchr(ev.peer, '\0', sizeof(ev.peer)) == NULL)
			__builtin_trap();
		if (ev.peer[0] != '\0' &&
		    inet_pton(AF_INET, ev.peer, bin) != 1 &&
		    inet_pton(AF_INET6, ev.peer, bin) != 1)
			__builtin_trap();
		vx_event_store_add(store, &ev, 1);
	}
}

static void
on_frame(void *arg, const char *msg, size_t len, enum vx_syslog_frame how)
{
	size_t max = *(const size_t *)arg;

	if (how != VX_FRAME_OK)
		return;
	if (len > max)
		__builtin_trap();
	one_message(msg, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_syslog_deframer	 f;
	struct vx_snapshot		*s;
	struct vx_strbuf		 out;
	size_t				 max, cut;

	if (size == 0 || (store = vx_event_store_new()) == NULL)
		return 0;
	vx_event_store_set_limits(store, 8, 1000);
	max = 16 + (size_t)data[0] * 8;
	cut = size > 1 ? (size_t)data[size - 1] % size : 0;
	one_message((const char *)data, size);
	vx_syslog_deframer_init(&f, max);
	if (vx_syslog_deframe(&f, (const char *)data, cut, on_frame,
	    &max) == 0)
		vx_syslog_deframe(&f, (const char *)data + cut, size - cut,
		    on_frame, &max);
	vx_syslog_deframer_finish(&f, on_frame, &max);
	vx_syslog_deframer_release(&f);

	/* As a log file, one message a line ("vpn_exporter parse"). */
	for (size_t i = 0; vx_syslog_parsers[i].vendor != NULL; i++) {
		struct vx_err err;

		s = vx_snapshot_new("fuzz");
		if (s != NULL && vx_syslog_parse_log(vx_syslog_parsers[i].parse,
		    (const char *)data, size, s, &err) != 0 &&
		    err.code != VX_E_PARSE && err.code != VX_E_NOMEM)
			__builtin_trap();
		vx_snapshot_unref(s);
	}
	if (vx_event_store_peers(store) > 0) {
		s = vx_snapshot_new("fuzz");
		if (s != NULL && vx_event_store_fill(store, s, 2) == 0) {
			vx_strbuf_init(&out, 1024);
			vx_render(&out, VX_FMT_OPENMETRICS, &s, 1, NULL);
			vx_strbuf_release(&out);
		}
		vx_snapshot_unref(s);
	}
	vx_event_store_unref(store);
	store = NULL;
	return 0;
}
