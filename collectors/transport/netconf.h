#ifndef VX_TRANSPORT_NETCONF_H
#define VX_TRANSPORT_NETCONF_H

/*
 * A NETCONF client (RFC 6241, RFC 6242) over the "netconf" subsystem of
 * an SSH session (ssh_session.h).  One struct vx_netconf is one device:
 * its session is kept between polls, so that a poll costs no login.
 *
 *   open:  SSH login -> subsystem "netconf" -> both hellos: ours offers
 *          base:1.0 and base:1.1; when the server's offers base:1.1 too,
 *          every message after the hellos uses the chunked framing
 *          ("\n#<len>\n...\n##\n"), else the end-of-message marker
 *          "]]>]]>" (base:1.0).  Comments before the server's hello (Junos
 *          greets with "<!-- No zombies were killed ... -->") are fine.
 *   rpc:   <rpc message-id="N" xmlns="urn:ietf:...:base:1.0">BODY</rpc>
 *          -> the whole <rpc-reply> document, as the server sent it.
 *
 * No parsing of replies happens here: <rpc-error> and the vendor's
 * errors are the caller's to read (they are part of the data: "IKE is
 * not configured").  The server's hello is read, since its capabilities
 * decide the framing.
 *
 * Errors (negative vx_errcode, details in err->msg) are the session
 * layer's, and:
 *   VX_E_PROTOCOL  no "netconf" subsystem, a hello that is not one, a
 *                  framing error, a reply larger than max_reply, the
 *                  session ended
 *   VX_E_TIMEOUT   no complete reply before the deadline
 * After any error the session is closed (a half-read reply cannot be
 * resynchronised) and the next rpc logs in again.
 *
 * Thread safety: one struct vx_netconf is used by one thread at a time.
 */

#include <stdbool.h>
#include <stddef.h>

#include "clock.h"
#include "err.h"
#include "ssh_session.h"
#include "strbuf.h"

#define VX_NETCONF_MAX_REPLY_DEFAULT	((size_t)64 * 1024 * 1024)

struct vx_netconf_params {
	/* The SSH session; port 830 is NETCONF's own, 22 works on Junos. */
	struct vx_ssh_sess_params	 ssh;
	/* The largest reply accepted, in bytes; 0: the default. */
	size_t				 max_reply;
};

struct vx_netconf;

/* A new, unconnected client (the strings are not copied); NULL on OOM. */
struct vx_netconf	*vx_netconf_new(const struct vx_netconf_params *p);
/* Closes and frees; nc may be NULL. */
void			 vx_netconf_free(struct vx_netconf *nc);

/*
 * Logs in, opens the subsystem and exchanges hellos, unless open already.
 * Returns 0 or a negative vx_errcode.
 */
int	vx_netconf_open(struct vx_netconf *nc, struct vx_deadline deadline,
	    struct vx_err *err);
/*
 * Sends one RPC whose content is body (an XML fragment:
 * "<get-ike-security-associations-information><detail/>...") and puts the
 * reply document into reply (reset first).  Opens the session first when
 * needed; a session found dead, or that dies before any byte of the
 * reply, is opened again and the RPC sent once more (the RPCs we send
 * only read).  Returns 0 or a negative vx_errcode.
 */
int	vx_netconf_rpc(struct vx_netconf *nc, const char *body,
	    struct vx_strbuf *reply, struct vx_deadline deadline,
	    struct vx_err *err);
/* Ends the session (<close-session/>, briefly) and disconnects. */
void	vx_netconf_close(struct vx_netconf *nc);

bool		vx_netconf_connected(const struct vx_netconf *nc);
/* The framing in use: 10 (base:1.0), 11 (base:1.1), 0 when closed. */
int		vx_netconf_base(const struct vx_netconf *nc);
/* Logins and RPCs so far, for tests and benchmarks. */
unsigned long	vx_netconf_logins(const struct vx_netconf *nc);
unsigned long	vx_netconf_rpcs(const struct vx_netconf *nc);

/*
 * Pure helpers behind the client, exported for unit tests and fuzzers.
 */

/*
 * The server's <hello>: whether it offers base:1.0 and base:1.1.  Returns
 * 0, or -VX_E_PROTOCOL (not a hello, or neither base) / -VX_E_NOMEM.
 */
int	vx_netconf_hello(const char *text, size_t len, bool *base10,
	    bool *base11, struct vx_err *err);

/*
 * The end of a base:1.0 message: the offset of "]]>]]>" in buf at or
 * after *from, or -1; *from is set to where the next search may start.
 */
long	vx_netconf_eom(const char *buf, size_t len, size_t *from);

/* The state of a chunked (base:1.1) message being decoded. */
struct vx_netconf_chunks {
	size_t	pos;		/* bytes of the input consumed */
	size_t	left;		/* bytes of the current chunk still to come */
	bool	done;		/* the end-of-chunks marker was read */
};

/*
 * Decodes what it can of a chunked message from buf[st->pos..len),
 * appending the data to out (at most max bytes in all).  Returns 1 when
 * the message is complete (st->pos is then just past "\n##\n"), 0 when
 * more input is needed, -VX_E_PROTOCOL on a framing error (err says
 * which) or a message larger than max, -VX_E_NOMEM.
 */
int	vx_netconf_dechunk(struct vx_netconf_chunks *st, const char *buf,
	    size_t len, struct vx_strbuf *out, size_t max, struct vx_err *err);

#endif
