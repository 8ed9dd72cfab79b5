#ifndef VX_EVENTS_H
#define VX_EVENTS_H

/*
 * Events a device pushes (syslog) and the exporter counts, per device and
 * peer.  A device that only logs an event (ScreenOS has no invalid-SPI
 * counter at all) is counted here instead of polled.
 *
 * One store per device.  The syslog listener's thread adds to it, a poll
 * copies it into the device's snapshot (vx_event_store_fill); a reload
 * that changes the device's configuration hands the store to its
 * successor, so the counts only ever grow while the process runs (they
 * start from zero at a restart).
 *
 * Bounded: a store holds at most max_peers peers (an event from one more
 * peer is dropped and counted as such), and a peer not heard from for
 * expire_ms is forgotten, so a flood of forged messages cannot grow it
 * without bound.  Thread-safe.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Room for a canonical IPv4 or IPv6 address (INET6_ADDRSTRLEN). */
#define VX_EVENT_ADDR_MAX	46

#define VX_EVENT_DEFAULT_MAX_PEERS	1000
#define VX_EVENT_DEFAULT_EXPIRE_MS	(24 * 3600 * 1000)

/* What one message reported (a vendor's syslog parser fills it). */
struct vx_event {
	enum vx_event_type	type;
	/* The remote address, canonical; "" if the message names none. */
	char			peer[VX_EVENT_ADDR_MAX];
	uint32_t		spi;
	bool			has_spi;
};

struct vx_event_store;

/* A new empty store with one reference and the default limits, or NULL. */
struct vx_event_store	*vx_event_store_new(void);
void			 vx_event_store_ref(struct vx_event_store *st);
/* Drops a reference; frees the store at zero.  st may be NULL. */
void			 vx_event_store_unref(struct vx_event_store *st);

/*
 * Sets the limits (max_peers >= 1, expire_ms >= 1).  Peers over a new,
 * lower limit are kept until they expire; new ones wait for room.
 */
void	vx_event_store_set_limits(struct vx_event_store *st,
	    size_t max_peers, int64_t expire_ms);

/*
 * Counts ev at now_ms (wall clock).  Returns true if it was counted, false
 * if it was dropped: its peer is new and the store is full (counted in
 * the store's dropped events), or out of memory.
 */
bool	vx_event_store_add(struct vx_event_store *st,
	    const struct vx_event *ev, int64_t now_ms);

/*
 * Forgets the peers silent for expire_ms, then copies every peer's counts
 * (sorted by peer) and the dropped events into snap.  Returns 0 or
 * -VX_E_NOMEM.
 */
int	vx_event_store_fill(struct vx_event_store *st,
	    struct vx_snapshot *snap, int64_t now_ms);

/* Peers held now. */
size_t	vx_event_store_peers(struct vx_event_store *st);

/* The outcome of one received syslog message. */
enum vx_syslog_result {
	VX_SR_EVENT,		/* from a device, counted as an event */
	VX_SR_OTHER,		/* from a device, not an event we count */
	VX_SR_UNKNOWN_SENDER,	/* from no configured device: ignored */
	VX_SR_MALFORMED,	/* not a syslog message, or an event unread */
	VX_SR_OVERSIZE,		/* over max_message_size: discarded */
	VX_SR_DROPPED,		/* an event over the device's max_peers */
	VX_SR__COUNT
};

/* "event", "other", ...: the result label. */
const char	*vx_syslog_result_name(enum vx_syslog_result r);

/* The syslog listener's figures, for the exporter's self-metrics. */
struct vx_syslog_stats {
	bool		enabled;	/* a listener is configured */
	uint64_t	messages[VX_SR__COUNT];
	uint64_t	tcp_connections;	/* open now */
};

#endif
