#ifndef VX_PANOS_API_H
#define VX_PANOS_API_H

/*
 * The paloalto_api collector's insides, split by job:
 *   panos_api.c     configuration, the poll, the ops
 *   panos_req.c     API requests: the key (X-PAN-KEY, keygen once on a
 *                   401/403), HTTP statuses, the reply's envelope
 *   panos_detail.c  per-tunnel detail requests, capped per poll, and the
 *                   counters they last gave
 */

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "https.h"
#include "https_opts.h"
#include "panos.h"
#include "strmap.h"

#define PANOS_KEY_MAX	512

struct panos_cfg {
	struct vx_https_opts	 https;		/* https_opts.h */
	struct vx_secret	 api_key;
	struct vx_secret	 username;
	struct vx_secret	 password;
	int64_t			 max_concurrent_requests;
	int64_t			 max_tunnel_details;
	struct vx_strlist	 drop_categories;
	struct vx_strlist	 invalid_spi_counters;
};

/* A tunnel "show vpn flow" listed as active, with its id. */
struct panos_active {
	const char	*name;		/* in the poll's snapshot */
	const char	*peer;
	char		 id[16];
	uint64_t	 fetched;	/* poll of its last detail; 0: never */
	size_t		 rank;		/* order in "show vpn flow" */
};

struct panos_state {
	struct panos_cfg	 cfg;
	char			*device;	/* for the two log lines */
	char			**drop_v;	/* NULL-terminated */
	char			**spi_v;
	struct panos_counter_opts copts;
	struct vx_https		*https;

	char			 key[PANOS_KEY_MAX];
	char			 header[PANOS_KEY_MAX + 16];
	bool			 have_key;
	unsigned long		 keygens;
	uint64_t		 keygen_poll;	/* poll of the last keygen */

	/* panos_detail.c */
	struct vx_strmap	 details;	/* tunnel name -> detail */
	struct panos_active	*active;
	size_t			 nactive, active_cap;
	uint64_t		 poll;
	unsigned		 detail_requests;	/* last poll */

	/* Invalid-SPI counter names: what was logged last. */
	char			*matched;
	bool			 matched_ever;
	bool			 told_none;
};

/* One op command and its outcome. */
struct panos_op {
	char			 cmd[64];	/* the CLI words, for messages */
	char			 xml[128];	/* the cmd= XML */
	struct vx_strbuf	 path;
	struct vx_https_req	 req;
};

/*
 * Runs the op commands ops[0..n) (panos_req.c): makes the API key first
 * if there is none, and once more when the device refuses it (401/403)
 * if a username and password are configured.  Returns 0 when every
 * started command got a 200 reply (its body in op->req.body), else a
 * negative vx_errcode with err naming the command.  Commands not started
 * for want of time (min_left_ms, see vx_https_run) are not errors.
 */
int	panos_run_ops(struct panos_state *st, struct panos_op *ops, size_t n,
	    int64_t min_left_ms, struct vx_deadline deadline,
	    struct vx_err *err);
/*
 * Fills op for the CLI words cmd and their XML form xml (both copied).
 */
void	panos_op_init(struct panos_op *op, const char *cmd, const char *xml);
/* Releases what panos_run_ops allocated in ops. */
void	panos_ops_release(struct panos_op *ops, size_t n);

/* Forgets the API key (a new one is made or read at the next poll). */
void	panos_forget_key(struct panos_state *st);

/*
 * The tunnel detail step (panos_detail.c): asks for the detail of at most
 * max_tunnel_details of the active tunnels noted in st->active (those
 * refreshed longest ago first), keeps their counters, and adds to snap
 * the last counters of every active tunnel.  Returns 0 or a negative
 * vx_errcode.
 */
int	panos_details(struct panos_state *st, struct vx_snapshot *snap,
	    int64_t min_left_ms, struct vx_deadline deadline,
	    struct vx_err *err);
/* Notes an active tunnel of this poll (a panos_tunnel_fn). */
void	panos_note_tunnel(void *arg, const struct vx_tunnel *t,
	    const char *id);
/* Frees the detail cache. */
void	panos_details_free(struct panos_state *st);

#endif
