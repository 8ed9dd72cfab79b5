#ifndef VX_SYSLOG_MSG_H
#define VX_SYSLOG_MSG_H

/*
 * Syslog, vendor-neutral and pure (no I/O, no logging): the header of one
 * message, RFC 5424 or RFC 3164 (BSD), and the framing of a TCP stream
 * into messages (RFC 6587: octet counting, or a newline after each).
 * The vendors' parsers (collectors/<vendor>/, e.g. asa_syslog.c) read
 * the message this header leaves them.
 */

#include <stdbool.h>
#include <stddef.h>

#define VX_SYSLOG_HOST_MAX	255	/* RFC 5424 HOSTNAME */

/*
 * One parsed message.  Every pointer points into the buffer given to
 * vx_syslog_parse; a length of 0 means absent ("-" in RFC 5424).
 */
struct vx_syslog_msg {
	int		 pri;		/* facility * 8 + severity */
	int		 version;	/* 1: RFC 5424; 0: RFC 3164 */
	const char	*host;		/* HOSTNAME */
	size_t		 host_len;
	const char	*app;		/* APP-NAME; RFC 3164: TAG */
	size_t		 app_len;
	const char	*msgid;		/* RFC 5424 MSGID */
	size_t		 msgid_len;
	/*
	 * The rest: RFC 5424 MSG (after the structured data, without a
	 * BOM); RFC 3164 everything after the host name (TAG included, as
	 * devices put their message ids there: "%ASA-4-402114: ...").
	 */
	const char	*text;
	size_t		 text_len;
};

/*
 * Parses one message buf[0..len) (trailing CR, LF and NUL are ignored).
 * An RFC 3164 header is read leniently, as devices write it: the
 * timestamp may be missing, carry a year ("Nov 22 2026 19:14:36", ASA),
 * fractions or be RFC 3339; a host name is taken only after a
 * timestamp.  Returns 0, or -1 if buf is not a syslog message (no valid
 * <PRI>, or a broken RFC 5424 header).
 */
int	vx_syslog_parse(const char *buf, size_t len,
	    struct vx_syslog_msg *out);

/* How the deframer ended a message. */
enum vx_syslog_frame {
	VX_FRAME_OK,
	VX_FRAME_OVERSIZE,	/* longer than the maximum: discarded */
	VX_FRAME_MALFORMED,	/* a broken octet count: skipped to LF */
};

/*
 * Called for every message of a stream: msg[0..len) for VX_FRAME_OK (valid
 * only during the call), NULL and 0 for the others.
 */
typedef void (*vx_syslog_msg_fn)(void *arg, const char *msg, size_t len,
	    enum vx_syslog_frame how);

/*
 * Splits a TCP stream into messages.  Each message is framed on its own
 * (RFC 6587 3.4): one starting with a digit is octet-counted ("LEN SP
 * MSG"), any other ends at the next LF (or NUL).  Memory: at most max
 * bytes, for a message split across reads.
 */
struct vx_syslog_deframer {
	size_t	 max;
	char	*buf;
	size_t	 len;
	int	 state;
	size_t	 count;		/* octets: being read, or to come */
	int	 digits;
};

void	vx_syslog_deframer_init(struct vx_syslog_deframer *f, size_t max);
void	vx_syslog_deframer_release(struct vx_syslog_deframer *f);
/*
 * Feeds data[0..n) and calls fn for each message it completes.  Returns 0,
 * or -1 out of memory (the stream cannot go on).
 */
int	vx_syslog_deframe(struct vx_syslog_deframer *f, const char *data,
	    size_t n, vx_syslog_msg_fn fn, void *arg);
/*
 * The end of the stream: a last message without its LF is delivered, an
 * octet-counted one cut short is not.
 */
void	vx_syslog_deframer_finish(struct vx_syslog_deframer *f,
	    vx_syslog_msg_fn fn, void *arg);
/* True if the deframer holds part of a message. */
bool	vx_syslog_deframer_pending(const struct vx_syslog_deframer *f);

#endif
