#ifndef VX_MODEL_H
#define VX_MODEL_H

/*
 * The normalized model: what every collector fills and the renderer reads.
 * It knows nothing of metric names (render.c maps fields to metrics) nor of
 * any vendor.  One snapshot holds one device's state at one moment.
 *
 * Ownership: a snapshot owns everything in it through its arena; strings
 * passed in are copied (and cut at VX_MODEL_STR_MAX bytes, since device
 * text is untrusted).  Once published (vx_snapshot_publish) a snapshot never
 * changes and is shared by reference count.
 *
 * Absent is not zero: every number has a "set" bit, and the renderer leaves
 * out what no collector reported.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"

#define VX_MODEL_STR_MAX	255

/* Per-tunnel counters (monotonic; reset by the device at will). */
enum vx_tun_ctr {
	VX_TC_PKTS_IN,		/* decapsulated / decrypted packets */
	VX_TC_PKTS_OUT,		/* encapsulated / encrypted packets */
	VX_TC_BYTES_IN,
	VX_TC_BYTES_OUT,
	VX_TC_ERR_DECRYPT,	/* inbound decryption failures */
	VX_TC_ERR_ENCRYPT,	/* outbound encryption failures */
	VX_TC_ERR_AUTH,		/* inbound integrity/authentication failures */
	VX_TC_ERR_AUTH_OUT,	/* outbound authentication failures */
	VX_TC_ERR_REPLAY,	/* anti-replay drops */
	VX_TC_ERR_SEND,		/* ASA "#send errors" */
	VX_TC_ERR_RECV,		/* ASA "#recv errors" */
	VX_TC_ERR_DROP_IN,	/* other inbound drops */
	VX_TC_ERR_DROP_OUT,	/* other outbound drops */
	VX_TC_ERR_INVALID_SPI,	/* per-tunnel bad-SPI packets */
	VX_TC_ERR_BAD_HEADER,	/* inbound packets with a bad ESP/AH header */
	VX_TC_ERR_BAD_TRAILER,	/* inbound packets with a bad ESP trailer */
	VX_TC__COUNT
};

/* Per-tunnel descriptive attributes (rendered as one _info series). */
enum vx_tun_attr {
	VX_TA_LOCAL_ADDR,	/* local tunnel endpoint */
	VX_TA_IKE_VERSION,	/* "1" or "2" */
	VX_TA_NAT_T,		/* "true" / "false" */
	VX_TA_INTERFACE,	/* outside interface name */
	VX_TA_CRYPTO_MAP,	/* ASA crypto map tag and sequence */
	VX_TA_MODE,		/* "tunnel" / "transport" */
	VX_TA_MONITOR,		/* tunnel monitor: "up" / "down" / "off" */
	VX_TA__COUNT
};

/* Per-IKE-SA descriptive attributes. */
enum vx_ike_attr {
	VX_IA_VERSION,		/* "1" or "2" */
	VX_IA_ROLE,		/* "initiator" / "responder" */
	VX_IA_LOCAL_ADDR,
	VX_IA__COUNT
};

/*
 * The normalized state of an IKE SA: vendors' words (ASA "MM_ACTIVE",
 * "READY", SRX "UP") are mapped by the collectors.  Rendered as a state
 * set, one series per state.
 */
enum vx_ike_state {
	VX_IKE_UNKNOWN = 0,	/* the device did not say: no state series */
	VX_IKE_ESTABLISHED,
	VX_IKE_NEGOTIATING,	/* phase 1 in progress (or stuck in it) */
	VX_IKE_DELETING,
	VX_IKE_DOWN,		/* expected, or seen before, and now absent */
	VX_IKE__COUNT
};

/*
 * The normalized state of a tunnel, for devices that say more than "an
 * SA is there or not" (PAN-OS "show vpn flow": active, init, inactive).
 * Rendered as a state set; a tunnel whose collector did not say is
 * active when up and down otherwise (vx_tunnel_state_of).
 */
enum vx_tunnel_state {
	VX_TUN_UNKNOWN = 0,	/* the collector did not say */
	VX_TUN_ACTIVE,		/* an IPsec SA is installed */
	VX_TUN_INIT,		/* configured, no IPsec SA yet (on demand) */
	VX_TUN_INACTIVE,	/* configured, not negotiating */
	VX_TUN_DOWN,		/* expected, or seen before, and now absent */
	VX_TUN__COUNT
};

/* Device-wide values. */
enum vx_dev_val {
	VX_DV_INVALID_SPI,		/* counter: packets dropped for invalid SPI */
	VX_DV_NO_SA_FAILS,		/* counter: "no SA" failures (SNMP) */
	VX_DV_IKE_ACTIVE_TUNNELS,	/* gauge */
	VX_DV_IPSEC_ACTIVE_TUNNELS,	/* gauge */
	VX_DV_L2L_SESSIONS,		/* gauge: active LAN-to-LAN sessions */
	VX_DV_L2L_SESSIONS_TOTAL,	/* counter: L2L sessions since boot */
	VX_DV_DROPS_CLEARED_TS,		/* gauge: unix time drop counters were cleared */
	/*
	 * Device-wide IPsec counters, for devices that count them for all
	 * tunnels together (Junos "show security ipsec statistics").
	 */
	VX_DV_PKTS_IN,			/* counter: decrypted packets */
	VX_DV_PKTS_OUT,			/* counter: encrypted packets */
	VX_DV_BYTES_IN,			/* counter */
	VX_DV_BYTES_OUT,		/* counter */
	VX_DV_ERR_AUTH,			/* counter: ESP authentication failures */
	VX_DV_ERR_DECRYPT,		/* counter: ESP decryption failures */
	VX_DV_ERR_REPLAY,		/* counter: anti-replay drops */
	VX_DV_ERR_BAD_HEADER,		/* counter */
	VX_DV_ERR_BAD_TRAILER,		/* counter */
	VX_DV__COUNT
};

/* Whether a device value is a counter (monotonic until a device reset). */
bool		 vx_dev_val_is_counter(enum vx_dev_val v);
/* Model names of fields, for configuration ("sources:") and messages. */
const char	*vx_dev_val_name(enum vx_dev_val v);
const char	*vx_tun_ctr_name(enum vx_tun_ctr c);
/* The name of the drop table as a field ("drops"). */
#define VX_FIELD_DROPS	"drops"

/*
 * Which fields one collector run may contribute to a device's snapshot
 * (the core gives each field one source per device), or which fields a
 * collector can report at all and how authoritatively (0 = never; higher
 * wins when the configuration does not choose).
 */
struct vx_fields {
	unsigned char	dev[VX_DV__COUNT];
	unsigned char	tun[VX_TC__COUNT];
	unsigned char	drops;
};

/*
 * Merge priority of a device value: when two collectors of one device
 * report the same field, the higher priority wins (the SSH CLI's
 * np-sp-invalid-spi beats SNMP's cipSecGlobalNoSaFails).
 */
enum vx_prio {
	VX_PRIO_FALLBACK = 1,
	VX_PRIO_NORMAL = 5,
	VX_PRIO_AUTHORITATIVE = 9,
};

enum vx_sa_state {
	VX_SA_UNKNOWN = 0,
	VX_SA_ACTIVE,
	VX_SA_EXPIRING,		/* replaced by a newer SA during rekey */
};

/*
 * One contribution to a tunnel's counters, identified by a key that is
 * stable while it lives: an SA (by its inbound SPI), a phase-2 row of an
 * SNMP table, a session.  A device forgets a contribution's counters when
 * it ends (a rekey deletes the SA and its counters); the core carries them
 * over (core/history.c) so that the tunnel's total never falls.
 */
struct vx_part {
	uint64_t	key;
	uint64_t	ctr[VX_TC__COUNT];
	uint32_t	ctr_set;
	uint32_t	ctr_32bit;	/* counters 32 bits wide on the device */
	/*
	 * Optional signs that the device started the part anew under the
	 * same key (a reused row index, a block whose SA was replaced):
	 * gen (0 = none) changed, or age_s (-1 = none) went backwards.  A
	 * counter that fell then restarted with the new SA and is carried;
	 * one that fell in the same generation was reset by the device.
	 */
	uint64_t	gen;
	int64_t		age_s;
};

/* Part keys: a namespace in the high bits, an identifier below. */
#define VX_PART_SPI(spi)	((UINT64_C(1) << 56) | (uint64_t)(uint32_t)(spi))
#define VX_PART_INDEX(i)	((UINT64_C(2) << 56) | ((uint64_t)(i) & 0xffffffffffffffu))
#define VX_PART_SESSION(i)	((UINT64_C(3) << 56) | ((uint64_t)(i) & 0xffffffffffffffu))
/* A key from text that names the part (traffic selectors, a row name). */
uint64_t	vx_part_key_text(const char *a, const char *b);
/* The implicit part of counters added without a key (vx_tunnel_add). */
#define VX_PART_WHOLE		UINT64_C(0)

/* Flags of vx_tunnel_count. */
#define VX_CTR_32BIT	0x1u	/* the device counts in 32 bits: it wraps */

/* One IPsec SA pair (inbound and outbound SPI) of a tunnel. */
struct vx_sa {
	uint32_t		spi_in;
	uint32_t		spi_out;
	bool			has_in;
	bool			has_out;
	enum vx_sa_state	state;
	/*
	 * The SA's traffic selectors ("10.1.0.0/255.255.255.0/0/0"), or NULL
	 * if unknown.  vx_tunnel_add_sa copies them into the snapshot.
	 */
	const char		*local_ident;
	const char		*remote_ident;
};

struct vx_tunnel {
	const char	*name;		/* "tunnel" label */
	const char	*peer;		/* "peer" label */
	/*
	 * The cluster node that reports the tunnel ("node0"), or NULL for a
	 * device that is not a cluster: the "node" label.  Part of the
	 * tunnel's identity, so that each node's rows stay its own.
	 */
	const char	*node;
	bool		 up;		/* true only with an installed IPsec SA */
	enum vx_tunnel_state state;	/* UNKNOWN unless the collector says */

	/*
	 * Counter totals: the sum of the parts (plus, once the core has
	 * applied the device's history, what earlier parts carried).
	 */
	uint64_t	 ctr[VX_TC__COUNT];
	uint32_t	 ctr_set;	/* bit (1u << enum vx_tun_ctr) */
	struct vx_part	*parts;
	size_t		 nparts, parts_cap;

	/* Remaining lifetime of the tunnel's current SA (minimum over rows). */
	int64_t		 life_s;
	int64_t		 life_kb;
	bool		 life_s_set;
	bool		 life_kb_set;

	const char	*attr[VX_TA__COUNT];

	struct vx_sa	*sas;
	size_t		 nsas;
	size_t		 sas_cap;

	/* Filled by the core from SPI history, not by collectors. */
	uint64_t	 rekeys;
	bool		 rekeys_set;
};

struct vx_ike_sa {
	const char		*peer;
	const char		*node;		/* as a tunnel's, NULL: none */
	bool			 up;
	enum vx_ike_state	 state;
	int64_t			 life_s;	/* remaining seconds */
	bool			 life_s_set;
	const char		*attr[VX_IA__COUNT];
};

/* One drop reason of a device (ASA "show asp drop"). */
struct vx_drop {
	const char	*section;	/* "frame" / "flow" */
	const char	*reason;	/* keyword, e.g. "np-sp-invalid-spi" */
	uint64_t	 count;
};

struct vx_label {
	const char	*name;
	const char	*value;
};

/* An alert threshold of the device, from its configuration. */
struct vx_threshold {
	const char	*alert;		/* "invalid_spi" */
	const char	*severity;	/* "warning", "page" */
	double		 value;
};

/*
 * The device values of one node of a cluster (the snapshot's own dev
 * fields are those of the device as a whole).
 */
struct vx_node_dev {
	const char	*node;
	uint64_t	 dev[VX_DV__COUNT];
	uint32_t	 dev_set;
	uint32_t	 dev_32bit;
	unsigned char	 dev_prio[VX_DV__COUNT];
};

/* What one collector run did, for vpn_collect_duration_seconds. */
struct vx_collector_run {
	const char	*collector;
	int64_t		 duration_ms;
	enum vx_errcode	 code;
	uint64_t	 requests;
	bool		 requests_set;
};

struct vx_render_cache;

/* A local address of a snapshot's tunnels, with the one tunnel that has it. */
struct vx_local_addr {
	const char		*addr;
	const struct vx_tunnel	*tunnel;	/* NULL: several have it */
};

struct vx_snapshot {
	struct vx_arena		 arena;
	atomic_int		 refs;
	/*
	 * The snapshot's samples rendered and compressed once, before it is
	 * published (core/render.h): one malloc'd block, freed with the
	 * snapshot; NULL: none.
	 */
	const struct vx_render_cache *render_cache;

	const char		*device;
	struct vx_label		*labels;	/* extra labels from config */
	size_t			 nlabels;
	struct vx_threshold	*thresholds;	/* from config */
	size_t			 nthresholds;

	/*
	 * Filled by a collector: requests it sent to the device (SNMP PDUs),
	 * when it counts them; 0 otherwise.
	 */
	uint64_t		 requests;

	/* Filled by the core. */
	bool			 up;
	bool			 stale;
	int64_t			 collected_ms;	/* wall clock */
	struct vx_collector_run	*runs;
	size_t			 nruns;
	uint64_t		 errors_total[VX_E__COUNT];

	uint64_t		 dev[VX_DV__COUNT];
	uint32_t		 dev_set;
	uint32_t		 dev_32bit;	/* values 32 bits wide: they wrap */
	unsigned char		 dev_prio[VX_DV__COUNT];
	/*
	 * Device values the device said it cannot supply (a release whose
	 * output lacks the counter): absent, and rendered as "not reported"
	 * rather than left to look like a failure or a 0.
	 */
	uint32_t		 dev_unsupported;
	/* Per-node device values of a cluster. */
	struct vx_node_dev	**nodes;
	size_t			 nnodes, nodes_cap;
	/*
	 * Filled by the core: every collector succeeded, so a tunnel missing
	 * from the snapshot is gone; and the tunnel counters whose source
	 * collector succeeded, so a part missing from a tunnel has ended.
	 */
	bool			 complete;
	uint32_t		 tun_ctr_known;

	struct vx_drop		*drops;
	size_t			 ndrops, drops_cap;

	struct vx_tunnel	**tunnels;
	size_t			 ntunnels, tunnels_cap;
	uint32_t		*tun_index;	/* open addressing, 0 = empty */
	size_t			 tun_index_cap;

	/*
	 * The distinct local addresses of the tunnels, set by
	 * vx_snapshot_index_locals before the snapshot is published: the
	 * ends of a tunnel are matched across devices by these, without
	 * going through every tunnel of every device at each scrape.
	 */
	struct vx_local_addr	*locals;
	size_t			 nlocals;
	bool			 locals_set;

	struct vx_ike_sa	**ike;
	size_t			 nike, ike_cap;
	uint32_t		*ike_index;	/* open addressing, 0 = empty */
	size_t			 ike_index_cap;
	/*
	 * A collector read the device's IKE SA list (even an empty one), so
	 * an expected peer missing from it is down rather than unknown.
	 */
	bool			 ike_known;
};

/* A new empty snapshot with one reference, or NULL on out-of-memory. */
struct vx_snapshot	*vx_snapshot_new(const char *device);
void			 vx_snapshot_ref(struct vx_snapshot *s);
/* Drops a reference; frees the snapshot and all its memory at zero. */
void			 vx_snapshot_unref(struct vx_snapshot *s);

/* Copies a string into the snapshot (cut at VX_MODEL_STR_MAX). */
const char	*vx_snapshot_str(struct vx_snapshot *s, const char *str,
		    size_t len);

int	vx_snapshot_add_label(struct vx_snapshot *s, const char *name,
	    const char *value);

/*
 * Sets a device value.  A value already set with a higher priority is
 * kept; with the same priority the new value replaces it.
 */
void	vx_snapshot_set_dev(struct vx_snapshot *s, enum vx_dev_val v,
	    uint64_t value, enum vx_prio prio);
bool	vx_snapshot_get_dev(const struct vx_snapshot *s, enum vx_dev_val v,
	    uint64_t *out);
/* Marks a device counter as 32 bits wide on the device (it wraps). */
void	vx_snapshot_dev_32bit(struct vx_snapshot *s, enum vx_dev_val v);
/*
 * Notes that the device cannot supply v (its output lacks the counter):
 * the value stays absent and is rendered as not reported.
 */
void	vx_snapshot_dev_unsupported(struct vx_snapshot *s, enum vx_dev_val v);
/*
 * Sets (gets) a device value of one cluster node; node NULL is the
 * device as a whole (vx_snapshot_set_dev).  Set returns 0 or -VX_E_NOMEM.
 */
int	vx_snapshot_set_node_dev(struct vx_snapshot *s, const char *node,
	    enum vx_dev_val v, uint64_t value, enum vx_prio prio);
bool	vx_snapshot_get_node_dev(const struct vx_snapshot *s,
	    const char *node, enum vx_dev_val v, uint64_t *out);
/* The values of node, or NULL if it has none. */
struct vx_node_dev *vx_snapshot_find_node(const struct vx_snapshot *s,
	    const char *node);

int	vx_snapshot_add_threshold(struct vx_snapshot *s, const char *alert,
	    const char *severity, double value);

/*
 * Keeps only the fields allow names (non-zero entries): other device
 * values, tunnel counters (and their parts) and drops are removed.
 * Tunnels, SAs, lifetimes, attributes and IKE SAs are kept.
 */
void	vx_snapshot_restrict(struct vx_snapshot *s,
	    const struct vx_fields *allow);

/* Adds count to the (section, reason) drop counter, creating it at 0. */
int	vx_snapshot_add_drop(struct vx_snapshot *s, const char *section,
	    const char *reason, uint64_t count);
const struct vx_drop *vx_snapshot_find_drop(const struct vx_snapshot *s,
	    const char *section, const char *reason);

/*
 * The tunnel (name, peer), created up with nothing set if new.  NULL only
 * on out-of-memory.  name NULL means "same as peer".
 */
struct vx_tunnel *vx_snapshot_tunnel(struct vx_snapshot *s, const char *name,
	    const char *peer);
struct vx_tunnel *vx_snapshot_find_tunnel(const struct vx_snapshot *s,
	    const char *name, const char *peer);
/* The same for the tunnel of a cluster node (node NULL: none). */
struct vx_tunnel *vx_snapshot_node_tunnel(struct vx_snapshot *s,
	    const char *node, const char *name, const char *peer);
struct vx_tunnel *vx_snapshot_find_node_tunnel(const struct vx_snapshot *s,
	    const char *node, const char *name, const char *peer);
/*
 * Adds v to counter c of the tunnel's part key (created if new) and to
 * the tunnel's total, and marks c set.  flags: VX_CTR_32BIT.  Returns 0 or
 * -VX_E_NOMEM.
 */
int	vx_tunnel_count(struct vx_snapshot *s, struct vx_tunnel *t,
	    uint64_t key, enum vx_tun_ctr c, uint64_t v, unsigned flags);
/* The part with key, or NULL. */
struct vx_part *vx_tunnel_find_part(const struct vx_tunnel *t, uint64_t key);
/* The part with key, created (nothing set, no gen, no age) if new. */
struct vx_part *vx_tunnel_part(struct vx_snapshot *s, struct vx_tunnel *t,
	    uint64_t key);
/*
 * Adds v to a counter of the tunnel as a whole (no part of its own: the
 * total minus what the parts hold forms the VX_PART_WHOLE contribution).
 */
void	vx_tunnel_add(struct vx_tunnel *t, enum vx_tun_ctr c, uint64_t v);
bool	vx_tunnel_get(const struct vx_tunnel *t, enum vx_tun_ctr c,
	    uint64_t *out);
/* Notes a remaining lifetime; the tunnel keeps the smallest one seen. */
void	vx_tunnel_note_life_s(struct vx_tunnel *t, int64_t seconds);
void	vx_tunnel_note_life_kb(struct vx_tunnel *t, int64_t kilobytes);
void	vx_tunnel_set_attr(struct vx_snapshot *s, struct vx_tunnel *t,
	    enum vx_tun_attr a, const char *value);
/*
 * Records an SA pair.  A pair whose SPIs equal an existing one is merged
 * into it (the known state wins).  Returns 0 or -VX_E_NOMEM.
 */
int	vx_tunnel_add_sa(struct vx_snapshot *s, struct vx_tunnel *t,
	    const struct vx_sa *sa);

/* The IKE SA of peer, created (down, nothing set) if new. */
struct vx_ike_sa *vx_snapshot_ike_sa(struct vx_snapshot *s, const char *peer);
struct vx_ike_sa *vx_snapshot_find_ike_sa(const struct vx_snapshot *s,
	    const char *peer);
/* The same for the IKE SA of a cluster node (node NULL: none). */
struct vx_ike_sa *vx_snapshot_node_ike_sa(struct vx_snapshot *s,
	    const char *node, const char *peer);
struct vx_ike_sa *vx_snapshot_find_node_ike_sa(const struct vx_snapshot *s,
	    const char *node, const char *peer);
void	vx_ike_sa_set_attr(struct vx_snapshot *s, struct vx_ike_sa *ike,
	    enum vx_ike_attr a, const char *value);

/*
 * Expected peers: a peer listed in the device's configuration with no
 * tunnel in the snapshot (on any node) gets a down tunnel named after it,
 * since devices drop the rows of dead tunnels; when ike_known, a peer
 * with no IKE SA (on any node) gets a down IKE SA too.  Returns 0 or
 * -VX_E_NOMEM.
 */
int	vx_snapshot_expect_peer(struct vx_snapshot *s, const char *peer);
/* The same for n peers at once, in time linear in tunnels + peers. */
int	vx_snapshot_expect_peers(struct vx_snapshot *s,
	    const char *const *peers, size_t n);

/*
 * Fills s->locals from the tunnels' local addresses (VX_TA_LOCAL_ADDR).
 * Call when the tunnels are final, before publishing.  Returns 0 or
 * -VX_E_NOMEM (s->locals_set stays false).
 */
int	vx_snapshot_index_locals(struct vx_snapshot *s);

/*
 * Merges src into dst: what dst already has is kept, what only src has is
 * copied; device values (the device's and each node's) follow their
 * priorities; a tunnel is up if either side saw it up, and its state is
 * the better known one (a known state beats UNKNOWN, ACTIVE beats the
 * others).  Tunnels and IKE SAs are matched with their node: those of
 * different nodes stay apart.  Returns 0 or -VX_E_NOMEM.
 */
int	vx_snapshot_merge(struct vx_snapshot *dst,
	    const struct vx_snapshot *src);

/*
 * Rebuilds the snapshot's lookup indexes after its names were changed in
 * place (core/scrub.c).  Returns 0 or -VX_E_NOMEM.
 */
int	vx_snapshot_reindex(struct vx_snapshot *s);

/* "established", ...: the state set's value names; NULL for UNKNOWN. */
const char	*vx_ike_state_name(enum vx_ike_state st);
/* "active", "init", "inactive", "down"; NULL for UNKNOWN. */
const char	*vx_tunnel_state_name(enum vx_tunnel_state st);
/*
 * The state to report for t: its own, or when the collector did not say,
 * ACTIVE if it is up (it has an SA) and DOWN otherwise.
 */
enum vx_tunnel_state vx_tunnel_state_of(const struct vx_tunnel *t);

/* Formats an SPI the one way we print them: "0x%08x". buf >= 11 bytes. */
void	vx_spi_format(uint32_t spi, char buf[11]);

#endif
