/*
 * A NETCONF client over the "netconf" SSH subsystem: hellos, both
 * framings, one RPC at a time.  See netconf.h.
 */
#include "netconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtrim.h"
#include "xml.h"

#include "banned.h"

#define EOM		"]]>]]>"
#define EOM_LEN		6
#define NS_BASE		"urn:ietf:params:xml:ns:netconf:base:1.0"
#define CAP_BASE10	"urn:ietf:params:netconf:base:1.0"
#define CAP_BASE11	"urn:ietf:params:netconf:base:1.1"
/* Budget for a polite <close-session/>. */
#define CLOSE_MS	300
/* A chunk-size has at most 10 digits (4294967295). */
#define CHUNK_DIGITS	10

struct vx_netconf {
	struct vx_netconf_params p;
	struct vx_ssh_sess	*sess;
	struct vx_ssh_chan	*chan;
	int			 base;		/* 10, 11; 0: not open */
	unsigned long		 msgid;
	unsigned long		 rpcs;
	struct vx_strbuf	 raw;		/* bytes received, undecoded */
};

static const char client_hello[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<hello xmlns=\"" NS_BASE "\"><capabilities>"
    "<capability>" CAP_BASE10 "</capability>"
    "<capability>" CAP_BASE11 "</capability>"
    "</capabilities></hello>\n" EOM;

/* Pure helpers. */

int
vx_netconf_hello(const char *text, size_t len, bool *base10, bool *base11,
    struct vx_err *err)
{
	xmlDoc		*doc;
	xmlNode		*root, *caps;
	struct vx_err	 inner;
	int		 rc;

	*base10 = *base11 = false;
	vx_err_clear(&inner);
	rc = vx_xml_parse(text, len, &doc, &inner);
	if (rc == -VX_E_NOMEM)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (rc != 0)
		return vx_err_set(err, VX_E_PROTOCOL, "the server's NETCONF "
		    "hello is not XML (%s)", inner.msg);
	root = xmlDocGetRootElement(doc);
	if (!vx_xml_is(root, "hello")) {
		rc = vx_err_set(err, VX_E_PROTOCOL, "the server greeted with "
		    "<%.40s>, not a NETCONF <hello>", (const char *)root->name);
		goto out;
	}
	caps = vx_xml_child(root, "capabilities");
	for (xmlNode *c = vx_xml_child(caps, "capability"); c != NULL;
	    c = vx_xml_next(c, "capability")) {
		char buf[256];

		vx_xml_text(c, buf, sizeof(buf));
		if (strcmp(buf, CAP_BASE10) == 0)
			*base10 = true;
		else if (strcmp(buf, CAP_BASE11) == 0)
			*base11 = true;
	}
	if (!*base10 && !*base11)
		rc = vx_err_set(err, VX_E_PROTOCOL, "the server's NETCONF "
		    "hello offers neither base:1.0 nor base:1.1");
out:
	xmlFreeDoc(doc);
	return rc;
}

long
vx_netconf_eom(const char *buf, size_t len, size_t *from)
{
	size_t i = *from;

	for (; i + EOM_LEN <= len; i++) {
		if (buf[i] == ']' && memcmp(buf + i, EOM, EOM_LEN) == 0) {
			*from = i;
			return (long)i;
		}
	}
	/* The marker may straddle the end: search its last bytes again. */
	*from = len >= EOM_LEN ? len - EOM_LEN + 1 : 0;
	if (*from < i && i <= len)
		*from = i;
	return -1;
}

int
vx_netconf_dechunk(struct vx_netconf_chunks *st, const char *buf, size_t len,
    struct vx_strbuf *out, size_t max, struct vx_err *err)
{
	while (!st->done && st->pos < len) {
		const char	*p = buf + st->pos;
		size_t		 avail = len - st->pos, i;
		uint64_t	 size = 0;

		if (st->left > 0) {
			size_t n = avail < st->left ? avail : st->left;

			if (out->len + n > max)
				return vx_err_set(err, VX_E_PROTOCOL, "a "
				    "NETCONF reply larger than %zu bytes", max);
			vx_strbuf_add(out, p, n);
			if (out->failed)
				return vx_err_set(err, VX_E_NOMEM,
				    "out of memory");
			st->left -= n;
			st->pos += n;
			continue;
		}
		/*
		 * A chunk header "\n#123\n" or the end "\n##\n".  Blanks
		 * before it are skipped: servers end their hello with
		 * "]]>]]>\n", and that LF is not the header's.
		 */
		if (avail >= 2 && (p[0] == '\n' || p[0] == ' ' ||
		    p[0] == '\r' || p[0] == '\t') && p[1] != '#') {
			st->pos++;
			continue;
		}
		if (avail < 2)
			return 0;
		if (p[0] != '\n' || p[1] != '#')
			return vx_err_set(err, VX_E_PROTOCOL, "NETCONF chunked "
			    "framing: expected a chunk header at byte %zu",
			    st->pos);
		if (avail < 3)
			return 0;
		if (p[2] == '#') {
			if (avail < 4)
				return 0;
			if (p[3] != '\n')
				return vx_err_set(err, VX_E_PROTOCOL, "NETCONF "
				    "chunked framing: bad end of chunks at "
				    "byte %zu", st->pos);
			st->pos += 4;
			st->done = true;
			break;
		}
		for (i = 2; i < avail && i < 2 + CHUNK_DIGITS + 1 &&
		    p[i] >= '0' && p[i] <= '9'; i++)
			size = size * 10 + (uint64_t)(p[i] - '0');
		if (i == avail && i < 2 + CHUNK_DIGITS + 1)
			return 0;
		if (i == 2 || p[2] == '0' || i > 2 + CHUNK_DIGITS ||
		    p[i] != '\n' || size > UINT32_MAX)
			return vx_err_set(err, VX_E_PROTOCOL, "NETCONF chunked "
			    "framing: bad chunk size at byte %zu", st->pos);
		st->left = (size_t)size;
		st->pos += i + 1;
	}
	return st->done ? 1 : 0;
}

/* The client. */

struct vx_netconf *
vx_netconf_new(const struct vx_netconf_params *p)
{
	struct vx_netconf *nc = calloc(1, sizeof(*nc));

	if (nc == NULL)
		return NULL;
	nc->p = *p;
	if (nc->p.max_reply == 0)
		nc->p.max_reply = VX_NETCONF_MAX_REPLY_DEFAULT;
	nc->sess = vx_ssh_sess_new(&p->ssh);
	if (nc->sess == NULL) {
		free(nc);
		return NULL;
	}
	vx_strbuf_init(&nc->raw, 4096);
	return nc;
}

/* Drops the session without a word. */
static void
drop(struct vx_netconf *nc)
{
	vx_ssh_chan_free(nc->chan);
	nc->chan = NULL;
	vx_ssh_sess_close(nc->sess);
	nc->base = 0;
	vx_strbuf_reset(&nc->raw);
	vx_shrink_buffer(&nc->raw, 4096);
}

/* Frames msg for the session's base and sends it. */
static int
send_msg(struct vx_netconf *nc, const char *msg, size_t len,
    struct vx_deadline d, struct vx_err *err)
{
	char	hdr[32];
	int	rc;

	if (nc->base != 11) {
		rc = vx_ssh_chan_write(nc->chan, msg, len, d, err);
		if (rc == 0)
			rc = vx_ssh_chan_write(nc->chan, EOM "\n", EOM_LEN + 1,
			    d, err);
		return rc;
	}
	snprintf(hdr, sizeof(hdr), "\n#%zu\n", len);
	rc = vx_ssh_chan_write(nc->chan, hdr, strlen(hdr), d, err);
	if (rc == 0)
		rc = vx_ssh_chan_write(nc->chan, msg, len, d, err);
	if (rc == 0)
		rc = vx_ssh_chan_write(nc->chan, "\n##\n", 4, d, err);
	return rc;
}

/*
 * Reads one message into out with the given framing (11: chunked, else
 * "]]>]]>"); what names it for messages.  *got_any tells whether any
 * byte of it came.  Bytes after the message stay in nc->raw.
 */
static int
read_msg(struct vx_netconf *nc, int base, const char *what,
    struct vx_strbuf *out, struct vx_deadline d, bool *got_any,
    struct vx_err *err)
{
	const char			*hp = vx_ssh_sess_hostport(nc->sess);
	struct vx_netconf_chunks	 st = { 0, 0, false };
	size_t				 from = 0;
	size_t				 max = nc->p.max_reply;
	bool				 got;
	int				 rc;

	*got_any = nc->raw.len > 0;
	for (;;) {
		if (base == 11) {
			rc = vx_netconf_dechunk(&st, nc->raw.buf, nc->raw.len,
			    out, max, err);
			if (rc < 0) {
				vx_err_prefix(err, "%s from %s", what, hp);
				return rc;
			}
			if (rc == 1) {
				vx_strbuf_consume(&nc->raw, st.pos);
				return 0;
			}
		} else {
			long at = vx_netconf_eom(nc->raw.buf, nc->raw.len,
			    &from);

			if (at >= 0) {
				vx_strbuf_add(out, nc->raw.buf, (size_t)at);
				vx_strbuf_consume(&nc->raw,
				    (size_t)at + EOM_LEN);
				return out->failed ? vx_err_set(err,
				    VX_E_NOMEM, "out of memory") : 0;
			}
		}
		/* Room for what is undecoded and what was decoded. */
		rc = vx_ssh_chan_read(nc->chan, &nc->raw, max + max / 8 + 64,
		    "in one NETCONF message", false, d, &got, err);
		if (rc != 0) {
			vx_err_prefix(err, "waiting for %s", what);
			return rc;
		}
		*got_any = *got_any || got;
		if (!got && vx_deadline_passed(d))
			return vx_err_set(err, VX_E_TIMEOUT, "no complete %s "
			    "from %s before the deadline (%zu bytes received)",
			    what, hp, nc->raw.len + out->len);
	}
}

static int
hello(struct vx_netconf *nc, struct vx_deadline d, struct vx_err *err)
{
	struct vx_strbuf	msg;
	bool			b10, b11, got;
	int			rc;

	rc = vx_ssh_chan_write(nc->chan, client_hello, sizeof(client_hello) - 1,
	    d, err);
	vx_strbuf_init(&msg, 4096);
	if (rc == 0)
		rc = read_msg(nc, 10, "NETCONF hello", &msg, d, &got, err);
	if (rc == 0)
		rc = vx_netconf_hello(msg.buf, msg.len, &b10, &b11, err);
	if (rc == 0)
		nc->base = b11 ? 11 : 10;
	if (rc != 0)
		vx_err_prefix(err, "%s", vx_ssh_sess_hostport(nc->sess));
	vx_strbuf_release(&msg);
	return rc;
}

int
vx_netconf_open(struct vx_netconf *nc, struct vx_deadline d,
    struct vx_err *err)
{
	int rc;

	if (nc->chan != NULL)
		return 0;
	drop(nc);
	rc = vx_ssh_sess_open(nc->sess, d, err);
	if (rc == 0)
		rc = vx_ssh_chan_open(nc->sess, VX_SSH_CHAN_SUBSYSTEM, "netconf",
		    0, &nc->chan, d, err);
	if (rc == 0)
		rc = hello(nc, d, err);
	if (rc != 0)
		drop(nc);
	return rc;
}

void
vx_netconf_close(struct vx_netconf *nc)
{
	static const char bye[] = "<rpc message-id=\"close\" xmlns=\""
	    NS_BASE "\"><close-session/></rpc>";
	struct vx_err err;

	if (nc == NULL)
		return;
	if (nc->chan != NULL && !vx_ssh_chan_died(nc->chan))
		(void)send_msg(nc, bye, sizeof(bye) - 1,
		    vx_deadline_in(CLOSE_MS), &err);
	drop(nc);
}

void
vx_netconf_free(struct vx_netconf *nc)
{
	if (nc == NULL)
		return;
	vx_netconf_close(nc);
	vx_ssh_sess_free(nc->sess);
	vx_strbuf_release(&nc->raw);
	free(nc);
}

bool
vx_netconf_connected(const struct vx_netconf *nc)
{
	return nc != NULL && nc->chan != NULL;
}

int
vx_netconf_base(const struct vx_netconf *nc)
{
	return nc->base;
}

unsigned long
vx_netconf_logins(const struct vx_netconf *nc)
{
	return vx_ssh_sess_logins(nc->sess);
}

unsigned long
vx_netconf_rpcs(const struct vx_netconf *nc)
{
	return nc->rpcs;
}

/* The RPC's first element name, for messages: "<get-foo>". */
static void
rpc_name(const char *body, char *buf, size_t size)
{
	size_t n = 0;

	while (*body == ' ' || *body == '\n' || *body == '<')
		body++;
	while (body[n] != '\0' && body[n] != '>' && body[n] != '/' &&
	    body[n] != ' ' && n + 3 < size)
		n++;
	snprintf(buf, size, "<%.*s>", (int)n, body);
}

static int
rpc_once(struct vx_netconf *nc, const struct vx_strbuf *msg, const char *what,
    struct vx_strbuf *reply, struct vx_deadline d, bool *got,
    struct vx_err *err)
{
	int rc;

	*got = false;
	vx_strbuf_reset(reply);
	rc = send_msg(nc, msg->buf, msg->len, d, err);
	if (rc == 0)
		rc = read_msg(nc, nc->base, what, reply, d, got, err);
	if (rc == 0)
		nc->rpcs++;
	return rc;
}

int
vx_netconf_rpc(struct vx_netconf *nc, const char *body,
    struct vx_strbuf *reply, struct vx_deadline d, struct vx_err *err)
{
	struct vx_strbuf	msg;
	char			name[80], what[120];
	bool			fresh = false, got;
	int			rc;

	vx_strbuf_reset(reply);
	rpc_name(body, name, sizeof(name));
	snprintf(what, sizeof(what), "reply to %s", name);
	if (nc->chan != NULL && !vx_ssh_chan_alive(nc->chan))
		drop(nc);
	if (nc->chan == NULL) {
		if ((rc = vx_netconf_open(nc, d, err)) != 0)
			return rc;
		fresh = true;
	}
	vx_strbuf_init(&msg, strlen(body) + 128);
	vx_strbuf_addf(&msg, "<rpc message-id=\"%lu\" xmlns=\"" NS_BASE
	    "\">%s</rpc>", ++nc->msgid, body);
	if (msg.failed) {
		vx_strbuf_release(&msg);
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	rc = rpc_once(nc, &msg, what, reply, d, &got, err);
	if (rc != 0 && !fresh && !got && vx_ssh_chan_died(nc->chan)) {
		/* It died while idle and we only noticed now: once more. */
		drop(nc);
		rc = vx_netconf_open(nc, d, err);
		if (rc == 0)
			rc = rpc_once(nc, &msg, what, reply, d, &got, err);
	}
	vx_strbuf_release(&msg);
	if (rc != 0)
		drop(nc);
	vx_shrink_buffer(&nc->raw, 4096);
	return rc;
}
