/*
 * ScreenOS: the offline parsers ("vpn_exporter parse --vendor screenos")
 * and the ScreenOS command line's dialect.
 */
#include "screenos.h"

#include "banned.h"

#define V	SCREENOS_VENDOR

int
screenos_parse_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct screenos_sa_rows	rows;
	int			rc = screenos_read_sa(text, len, &rows, err);

	if (rc == 0)
		rc = screenos_build(snap, &rows, NULL, NULL, NULL, err);
	screenos_sa_rows_release(&rows);
	return rc;
}

int
screenos_parse_stat(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct screenos_stat_rows	rows;
	int				rc = screenos_read_stat(text, len, &rows,
					    err);

	if (rc == 0)
		rc = screenos_build(snap, NULL, &rows, NULL, NULL, err);
	screenos_stat_rows_release(&rows);
	return rc;
}

int
screenos_parse_sa_id(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct screenos_sa_detail	 d;
	struct vx_tunnel		*t;
	struct vx_sa			 sa;
	int				 rc = screenos_read_sa_id(text, len, &d,
					    err);

	if (rc != 0)
		return rc;
	if ((t = vx_snapshot_tunnel(snap, d.name, d.gateway)) == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	sa = (struct vx_sa){
		.spi_in = d.spi_in, .spi_out = d.spi_out,
		.has_in = d.has_in && d.spi_in != 0,
		.has_out = d.has_out && d.spi_out != 0,
		.state = d.in_active && d.out_active ? VX_SA_ACTIVE :
		    VX_SA_UNKNOWN,
	};
	t->up = sa.has_in && sa.has_out && d.in_active && d.out_active;
	t->state = t->up ? VX_TUN_ACTIVE : VX_TUN_INACTIVE;
	if ((sa.has_in || sa.has_out) && vx_tunnel_add_sa(snap, t, &sa) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (t->up) {
		if (d.life_in_s >= 0)
			vx_tunnel_note_life_s(t, d.life_in_s);
		if (d.life_out_s >= 0)
			vx_tunnel_note_life_s(t, d.life_out_s);
		if (d.bytes_in_left >= 0)
			vx_tunnel_note_life_kb(t, d.bytes_in_left / 1024);
		if (d.bytes_out_left >= 0)
			vx_tunnel_note_life_kb(t, d.bytes_out_left / 1024);
	}
	return 0;
}

const struct vx_parser screenos_parsers[] = {
	{ V, SCREENOS_CMD_SA, screenos_parse_sa },
	{ V, SCREENOS_CMD_SA_ACTIVE, screenos_parse_sa },
	{ V, SCREENOS_CMD_SA_STAT, screenos_parse_stat },
	{ V, SCREENOS_CMD_SA_ID " <id>", screenos_parse_sa_id },
	{ V, "snmpwalk", screenos_parse_snmpwalk },
	{ NULL, NULL, NULL },
};

static const struct vx_cli_pager screenos_pagers[] = {
	{ "--- more ---", NULL },
	{ NULL, NULL },
};

/*
 * "ssg5-serial-> " (a vsys: "ssg5(vsys1)-> ").  No privilege command:
 * the admin's role decides what a login may run; "set console page 0"
 * turns the pager off.  A refused command is answered by a caret line
 * that carries the message: "       ^------unknown keyword foo".
 */
const struct vx_cli_dialect screenos_cli_dialect = {
	.name = SCREENOS_VENDOR,
	.prompt_ends = ">",
	.user_end = '\0',
	.priv_end = '\0',
	.privilege_cmd = NULL,
	.pager_off = (const char *const[]){ "set console page 0", NULL },
	.pagers = screenos_pagers,
	.error_prefixes = (const char *const[]){ "^-", "unknown keyword",
	    "command not completed", NULL },
	.columns = 511,
};
