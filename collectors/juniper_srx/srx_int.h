#ifndef VX_SRX_INT_H
#define VX_SRX_INT_H

/*
 * Helpers shared by the Junos parsers: the reply split into one part per
 * cluster node (srx_reply.c), and one tunnel's SAs turned into the model
 * (srx_tunnel.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include "srx.h"
#include "text.h"
#include "xml.h"

#define SRX_NAME_MAX	128

/*
 * One node's share of a reply: its XML payload element, or its text (CLI
 * output, or the <output> of a text RPC), or the note that the feature is
 * not configured there.
 */
struct srx_part {
	const char	*node;		/* "node0"; NULL on a standalone device */
	const xmlNode	*xml;		/* the payload element, or NULL */
	const char	*text;		/* else the text, or NULL */
	size_t		 len;
	int		 line0;		/* text: lines before it in the input */
	bool		 not_configured;
};

typedef int (*srx_part_fn)(void *arg, const struct srx_part *p,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * Splits text[0..len) (text or XML, see srx.h) into its parts and calls
 * fn on each, in order.  payload: the name of the reply's element
 * ("ipsec-security-associations-information").  Device errors other than
 * "not configured" fail with -VX_E_PROTOCOL and the device's message.
 * Returns 0 or the first error.
 */
int	srx_each_part(const char *text, size_t len, const char *payload,
	    srx_part_fn fn, void *arg, struct vx_snapshot *snap,
	    struct vx_err *err);

/* A parser of one payload: its XML form and its text form. */
typedef int (*srx_form_fn)(struct vx_snapshot *snap, const struct srx_part *p,
	    struct vx_err *err);

struct srx_forms {
	const char	*payload;	/* the reply's element */
	srx_form_fn	 xml;
	srx_form_fn	 text;
};

/*
 * srx_each_part with each part handed to its form's parser; a part that
 * is not configured is empty.
 */
int	srx_parse_forms(const char *text, size_t len,
	    const struct srx_forms *forms, struct vx_snapshot *snap,
	    struct vx_err *err);

/*
 * Text lines of a part: trimmed, numbered as in the whole input; blank
 * lines, prompts ("monitor@srx> ..."), "{primary:node0}" banners and the
 * echoed command are skipped.
 */
struct srx_lines {
	const char	*p;
	const char	*end;
	int		 no;
};

void	srx_lines_begin(struct srx_lines *it, const struct srx_part *p);
bool	srx_lines_next(struct srx_lines *it, struct vx_line *l);

/*
 * The value of "key:" in line l (key must start the line or follow a
 * blank or ','): up to the next ',' (or the end), blanks trimmed, into
 * buf.  NULL if the key is absent.
 */
const char *srx_field(const struct vx_line *l, const char *key, char *buf,
	    size_t size);
/*
 * "Expires in 3179 seconds", "3179", "2473/ unlim": the first number in
 * s.  False if there is none.
 */
bool	srx_first_number(const char *s, int64_t *out);
/* "unlim", "Unlimited": no lifesize limit. */
bool	srx_unlimited(const char *s);

/* One SA of a tunnel, as listed. */
struct srx_sa {
	bool		 inbound;
	bool		 has_spi;	/* false: 00000000, none */
	uint32_t	 spi;
	bool		 has_life_s;
	int64_t		 life_s;
	bool		 has_life_kb;	/* false: unlimited or unknown */
	int64_t		 life_kb;
	char		 mon;		/* 'U', 'D', 'V', '-', 0: unknown */
	unsigned	 port;
};

#define SRX_SA_MAX	16

/* One tunnel: a block of SAs with what the output says about it. */
struct srx_tunnel {
	const char	*node;
	char		 name[SRX_NAME_MAX];	/* VPN name, "" if unknown */
	char		 index[24];		/* tunnel index */
	char		 peer[SRX_NAME_MAX];	/* remote gateway */
	char		 local[SRX_NAME_MAX];
	char		 ike_version[8];	/* "1", "2", "" */
	char		 iface[64];
	char		 mode[16];		/* "tunnel", "transport", "" */
	char		 lident[SRX_NAME_MAX];
	char		 rident[SRX_NAME_MAX];
	int		 state;			/* 1 up, 0 down, -1 unknown */
	struct srx_sa	 sas[SRX_SA_MAX];
	size_t		 nsas;
	int		 line;			/* where it starts, for errors */
};

void	srx_tunnel_init(struct srx_tunnel *t, const char *node, int line);
/* The next SA slot of t, or NULL when it has SRX_SA_MAX already. */
struct srx_sa *srx_tunnel_sa(struct srx_tunnel *t);
/*
 * Adds t to snap (see srx_parse_ipsec_sa in srx.h for the rules).
 * Returns 0 or -VX_E_PARSE (no peer) / -VX_E_NOMEM.
 */
int	srx_tunnel_emit(struct vx_snapshot *snap, const struct srx_tunnel *t,
	    struct vx_err *err);

/* "IKEv2" -> "2", "IKEv1", "Main", "Aggressive" -> "1", else "". */
const char *srx_ike_version(const char *s);
/*
 * A Junos SPI: hex, with or without 0x, leading zeros kept ("00f61780");
 * 0 is "no SA" (*has false).  False if it is not an SPI.
 */
bool	srx_spi(const char *s, uint32_t *spi, bool *has);

#endif
