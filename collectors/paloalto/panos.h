#ifndef VX_PANOS_H
#define VX_PANOS_H

/*
 * Palo Alto Networks PAN-OS over its XML API: the collector's ops and the
 * pure parsers of the operational commands' replies (XML in, model out;
 * no I/O, no logging), for the collector, the tests, the fuzzers and
 * "vpn_exporter parse --vendor paloalto".
 *
 * Every parser takes the whole API reply, <response status="success">
 * <result>...</result></response>, or the bare <result> element (as
 * pasted from a capture).  A reply with status="error" is -VX_E_PROTOCOL
 * with the device's code and message; an HTML page (a web server's error
 * page) is -VX_E_PROTOCOL naming its title; truncated or invalid XML is
 * -VX_E_PARSE with "line N: reason".  Device words (tunnel states, IKE
 * states) are mapped here and nowhere else.
 */

#include <stddef.h>

#include <libxml/tree.h>

#include "collector.h"
#include "strbuf.h"

extern const struct vx_collector_ops panos_api_ops;
/* The offline parsers, terminated by a NULL vendor (panos_parsers.c). */
extern const struct vx_parser panos_parsers[];

/* The op commands, as the collector sends them and "parse" names them. */
#define PANOS_CMD_FLOW		"show vpn flow"
#define PANOS_CMD_IPSEC_SA	"show vpn ipsec-sa"
#define PANOS_CMD_IKE_SA	"show vpn ike-sa"
#define PANOS_CMD_COUNTERS	"show counter global"

/*
 * "show vpn flow", "show running tunnel flow all" and "show vpn flow
 * tunnel-id N": result/IPSec/entry, one per configured tunnel, named by
 * <name> with <peerip> as its peer.  <state> active / init / inactive is
 * the tunnel's state; the tunnel is up only when active with an IPsec SA
 * (a <local-spi> of 00000000 means none).  <mon> (or the detail's
 * monitor/on and monitor/status) is the tunnel monitor's state.  The
 * per-tunnel detail adds the SA (local-spi inbound, remote-spi outbound,
 * upper-case hex), <remain> seconds and the counters: pkt-decap/encap,
 * byte-decap/encap, dec-err, auth-err, pkt-replay.  The counters of an
 * active tunnel form one part keyed by the tunnel with its inbound SPI as
 * generation (model.h), so that a rekey is carried whether PAN-OS counts
 * per SA or per tunnel; those of a tunnel with no SA are left out (they
 * count nothing that exists, and would read as a reset).
 */
int	panos_parse_flow(const char *text, size_t len, struct vx_snapshot *snap,
	    struct vx_err *err);
/*
 * panos_parse_flow, calling on_tunnel (if not NULL) with each entry's
 * tunnel, once it is filled, and the entry's <id> ("" if none): the
 * collector asks for the detail by id.
 */
typedef void (*panos_tunnel_fn)(void *arg, const struct vx_tunnel *t,
	    const char *id);
int	panos_parse_flow_ex(const char *text, size_t len,
	    struct vx_snapshot *snap, panos_tunnel_fn on_tunnel, void *arg,
	    struct vx_err *err);

/*
 * "show vpn ipsec-sa": result/entries/entry{name, remote, i_spi, o_spi,
 * remain, ...} with the SPIs in DECIMAL.  Each entry is an SA pair of the
 * tunnel <name> with peer <remote>; when a tunnel has several (a rekey
 * overlap), the one with the most time left is active and the others
 * expiring, and the tunnel's remaining lifetime is the active one's.
 */
int	panos_parse_ipsec_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show vpn ike-sa": result/entry (or result/<section>/entry), one IKE SA
 * per gateway, keyed by the peer address (<remote>, <peer>, <peerip>;
 * the gateway <name> when none is given).  <state> Established / Mature
 * is established, Init / Negotiating negotiating, Deleting deleting;
 * without a state, a non-empty <created> means established.  Sets
 * ike_known.
 */
int	panos_parse_ike_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * What "show counter global" is mapped with: drop-severity counters of
 * these categories become drops (section = category, reason = counter
 * name); counters whose name matches one of the fnmatch(3) patterns sum
 * into the invalid-SPI counter.  Absolute values only (<value>), never a
 * rate or a delta.
 */
struct panos_counter_opts {
	const char *const	*drop_categories;	/* NULL-terminated */
	const char *const	*invalid_spi;		/* NULL-terminated */
};

/* Defaults: categories flow and ipsec; IPsec/ESP SPI and no-SA names. */
extern const char *const panos_default_drop_categories[];
extern const char *const panos_default_invalid_spi[];

/*
 * "show counter global" (result/global/counters/entry{name, value,
 * severity, category}) with opts.  The names that matched the invalid-SPI
 * patterns are appended to matched (if not NULL), each followed by a
 * newline.  The invalid-SPI counter is set only when a name matched.
 */
int	panos_map_counters(const char *text, size_t len,
	    const struct panos_counter_opts *opts, struct vx_snapshot *snap,
	    struct vx_strbuf *matched, struct vx_err *err);
/* panos_map_counters with the default options (vx_parse_fn). */
int	panos_parse_counter_global(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * The reply to type=keygen: the key (result/key) into key (size bytes).
 * -VX_E_AUTH when the device refused the credentials, -VX_E_PARSE or
 * -VX_E_PROTOCOL as above otherwise.  The key is never put in err.
 */
int	panos_parse_keygen(const char *text, size_t len, char *key,
	    size_t size, struct vx_err *err);

/*
 * The API envelope (panos_xml.c).  Parses text and returns 0 with *doc
 * (free with xmlFreeDoc) and *result (the <result> element; NULL when a
 * successful reply has none), or fails as described above.
 */
int	panos_open(const char *text, size_t len, xmlDoc **doc,
	    xmlNode **result, struct vx_err *err);

#endif
