/*
 * "show crypto ikev1 sa" / "show crypto isakmp sa" -> IKE SAs.
 *
 * 8.4 and later print a block per SA (the "detail" form adds lines):
 *
 *   IKEv1 SAs:
 *      Active SA: 1
 *       Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
 *   Total IKE SA: 1
 *
 *   1   IKE Peer: 203.0.113.1
 *       Type    : L2L             Role    : initiator
 *       Rekey   : no              State   : MM_ACTIVE
 *       Lifetime Remaining: 86395                      (detail only)
 *
 * Older releases print a one-line table, repeating its header per row:
 *
 *   IKE Peer      Type  Dir   Rky  State      Encrypt Hash  Auth    Lifetime
 *   1 209.165.200.225 User  Resp  No   AM_Active  3des    SHA   preshrd 86400
 *
 * The table's Lifetime column is the negotiated lifetime, not what is
 * left, so it is not used.  "show crypto isakmp sa" may go on with an
 * "IKEv2 SAs:" section: everything from that header on is left to the
 * IKEv2 parser.
 *
 * An SA is up when its state is MM_ACTIVE or AM_ACTIVE (the case varies:
 * "AM_Active"); several SAs of one peer (a rekey) make it up if any is.
 * The state, role and version attributes come from the first SA of the
 * peer, or from its first up SA.
 *
 * Error policy: text before the first recognised line, a block or row
 * with no state (cut short), a row outside a table and bad peers are
 * -VX_E_PARSE naming the line; unknown lines inside a block are skipped.
 */
#include "asa_cli.h"

#include <stdint.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

struct ike1 {
	bool		active;		/* a block is open */
	int		line;		/* its "IKE Peer" line */
	char		peer[VX_MODEL_STR_MAX + 1];
	char		state[VX_MODEL_STR_MAX + 1];
	const char	*role;
	int64_t		life_s;
	bool		life_set;
};

static bool
all_digits(const struct vx_tok *t)
{
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return false;
	}
	return t->len > 0;
}

/* "initiator", "Init" -> "initiator"; "responder", "Resp" -> "responder". */
static const char *
role_name(const struct vx_tok *t)
{
	if (vx_txt_prefix(t->s, t->len, "init"))
		return "initiator";
	if (vx_txt_prefix(t->s, t->len, "resp"))
		return "responder";
	return NULL;
}

/*
 * IKEv1 states: MM_ACTIVE/AM_ACTIVE (any case) established; MM_NO_STATE
 * and the MM_/AM_ exchange states (MM_WAIT_MSG2, AM_INITIAL, ...) are a
 * negotiation in progress or stuck; anything with DEL is deleting.
 */
static enum vx_ike_state
ikev1_state(const char *st)
{
	size_t len = strlen(st);

	if (vx_txt_eq(st, len, "MM_ACTIVE") || vx_txt_eq(st, len, "AM_ACTIVE"))
		return VX_IKE_ESTABLISHED;
	if (vx_txt_find(st, len, "DEL") != NULL)
		return VX_IKE_DELETING;
	return VX_IKE_NEGOTIATING;
}

static int
record(struct ike1 *b, struct vx_snapshot *snap, struct vx_err *err)
{
	struct vx_ike_sa	*ike;
	bool			 up;

	if (!b->active)
		return 0;
	if (b->state[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: IKE SA of '%s' "
		    "has no state (output cut short?)", b->line, b->peer);
	ike = vx_snapshot_ike_sa(snap, b->peer);
	if (ike == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	up = vx_txt_eq(b->state, strlen(b->state), "MM_ACTIVE") ||
	    vx_txt_eq(b->state, strlen(b->state), "AM_ACTIVE");
	if (ike->state == VX_IKE_UNKNOWN || (up && !ike->up)) {
		ike->state = ikev1_state(b->state);
		vx_ike_sa_set_attr(snap, ike, VX_IA_VERSION, "1");
		vx_ike_sa_set_attr(snap, ike, VX_IA_ROLE, b->role);
		if (ike->attr[VX_IA_VERSION] == NULL ||
		    (b->role != NULL && ike->attr[VX_IA_ROLE] == NULL))
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	ike->up = ike->up || up;
	if (b->life_set && (!ike->life_s_set || b->life_s < ike->life_s)) {
		ike->life_s = b->life_s;
		ike->life_s_set = true;
	}
	memset(b, 0, sizeof(*b));
	return 0;
}

/* "Type : L2L  Role : initiator", "Rekey : no  State : MM_ACTIVE", ... */
static int
block_line(struct ike1 *b, const struct vx_line *l, const struct vx_tok *t,
    size_t n, struct vx_err *err)
{
	int		v;
	uint64_t	life;

	if ((v = vx_txt_kv(t, n, "State")) >= 0) {
		if ((size_t)v >= n || !vx_txt_copy_word(b->state,
		    sizeof(b->state), t[v].s, t[v].len))
			return vx_txt_err(err, VX_E_PARSE, l, "bad state");
	}
	if ((v = vx_txt_kv(t, n, "Role")) >= 0 && (size_t)v < n)
		b->role = role_name(&t[v]);
	if ((v = vx_txt_kv(t, n, "Lifetime Remaining")) >= 0) {
		if ((size_t)v >= n || !vx_parse_u64(t[v].s, t[v].len, &life) ||
		    life > INT64_MAX)
			return vx_txt_err(err, VX_E_PARSE, l,
			    "bad remaining lifetime");
		b->life_s = (int64_t)life;
		b->life_set = true;
	}
	return 0;
}

int
asa_parse_ikev1_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct asa_lines	 it;
	struct vx_line		 l;
	struct ike1		 b;
	bool			 started = false, table = false;
	int			 rc;

	memset(&b, 0, sizeof(b));
	if ((rc = asa_lines_begin(&it, text, len, err)) != 0)
		return rc;
	while (asa_lines_next(&it, &l)) {
		struct vx_tok	t[VX_TOK_MAX];
		size_t		n;

		n = vx_txt_split_kv(l.s, l.len, t, VX_TOK_MAX);
		if (vx_txt_eq_ws(l.s, l.len, "IKEv2 SAs:") ||
		    vx_txt_eq_ws(l.s, l.len, "There are no IKEv2 SAs"))
			break;
		if (vx_txt_eq_ws(l.s, l.len, "IKEv1 SAs:") ||
		    vx_txt_eq_ws(l.s, l.len, "There are no IKEv1 SAs") ||
		    vx_txt_eq_ws(l.s, l.len, "There are no isakmp sas") ||
		    vx_txt_kv(t, n, "Active SA") == 3 ||
		    vx_txt_kv(t, n, "Rekey SA") == 3 ||
		    vx_txt_kv(t, n, "Total IKE SA") == 4) {
			if ((rc = record(&b, snap, err)) != 0)
				return rc;
			started = true;
			continue;
		}
		/* "1   IKE Peer: 203.0.113.1" */
		if (n >= 4 && all_digits(&t[0]) && vx_txt_kv(t, n,
		    "IKE Peer") == 4) {
			if ((rc = record(&b, snap, err)) != 0)
				return rc;
			if (n < 5 || !vx_txt_copy_word(b.peer, sizeof(b.peer),
			    t[4].s, t[4].len))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad IKE peer");
			b.active = true;
			b.line = l.no;
			started = true;
			table = false;
			continue;
		}
		/* "IKE Peer  Type  Dir  Rky  State ..." */
		if (n >= 5 && vx_txt_eq(t[0].s, t[0].len, "IKE") &&
		    vx_txt_eq(t[1].s, t[1].len, "Peer") &&
		    vx_txt_eq(t[2].s, t[2].len, "Type")) {
			if ((rc = record(&b, snap, err)) != 0)
				return rc;
			started = table = true;
			continue;
		}
		/* "1 209.165.200.225 User Resp No AM_Active 3des SHA ..." */
		if (n >= 1 && all_digits(&t[0]) && !b.active) {
			if (!table)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "IKE SA row without a table header");
			if (n < 6)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "IKE SA row cut short");
			if (!vx_txt_copy_word(b.peer, sizeof(b.peer), t[1].s,
			    t[1].len) || !vx_txt_copy_word(b.state,
			    sizeof(b.state), t[5].s, t[5].len))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad IKE SA row");
			b.role = role_name(&t[3]);
			b.active = true;
			b.line = l.no;
			if ((rc = record(&b, snap, err)) != 0)
				return rc;
			continue;
		}
		if (!started)
			return vx_txt_err(err, VX_E_PARSE, &l, "not 'show "
			    "crypto ikev1 sa' output");
		if (b.active && (rc = block_line(&b, &l, t, n, err)) != 0)
			return rc;
	}
	if (!started)
		return vx_err_set(err, VX_E_PARSE, "empty output (no IKEv1 SA "
		    "list and no 'There are no IKEv1 SAs')");
	if ((rc = record(&b, snap, err)) != 0)
		return rc;
	snap->ike_known = true;
	return 0;
}
