#ifndef VX_SCREENOS_H
#define VX_SCREENOS_H

/*
 * Juniper/NetScreen ScreenOS (SSG, ISG, NS): the collectors' ops, the
 * command line's dialect, and the pure parsers (text or varbinds in,
 * model out; no I/O, no logging) for the collectors, the tests, the
 * fuzzers and "vpn_exporter parse --vendor screenos".  ScreenOS has no
 * API: its VPN state comes from the CLI ("get sa", "get sa stat", "get sa
 * id N") or from NETSCREEN-VPN-MON-MIB.
 *
 * The CLI's tables are read word by word, never by column (padding
 * differs between releases), with the columns found by their header
 * ("HEX ID Gateway Port Algorithm SPI Life:sec kb Sta PID vsys") when it
 * is there.  A row is "<8 hex digits><direction> <gateway> ...", the
 * direction '<' inbound and '>' outbound; the hex id is the SA id (the
 * tunnel id of "get sa id N" and nsVpnMonSaId).  The prompt line
 * ("ssg5-> get sa") and a bare prompt may be part of the text.
 *
 * A tunnel is one SA id: named by its VPN name where the output gives it
 * ("get sa id N", nsVpnMonVpnName) or the collector looked it up, else by
 * the SA id in decimal; its peer is the gateway.  "Sta" is <SA
 * state>/<VPN monitor>: A/- active, monitor off; A/U active, monitor up;
 * A/D active but the VPN monitor fails (the tunnel is down, monitor
 * "down"); I/I inactive (down).  An SPI of 00000000 is no SA.
 *
 * Errors (negative vx_errcode, err names the line):
 *   -VX_E_PARSE     not the command's output, or a value that cannot be
 *                   read ("line N: ...", or "empty output");
 *   -VX_E_NOMEM.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_dialect.h"
#include "collector.h"
#include "syslog_event.h"
#include "varbind.h"

extern const struct vx_collector_ops screenos_ssh_ops;
extern const struct vx_collector_ops screenos_snmp_ops;

/* The offline parsers, terminated by a NULL vendor (screenos_parsers.c). */
extern const struct vx_parser screenos_parsers[];

/*
 * The bad-SPI (system-alert-00026) and replay (system-critical-00042)
 * events of the event log, with the sender's address and the SPI
 * (vx_syslog_parse_fn): ScreenOS reports invalid SPIs nowhere else.
 */
enum vx_syslog_kind	screenos_syslog_parse(const struct vx_syslog_msg *m,
			    struct vx_event *ev);

/* The ScreenOS command line, for the SSH CLI layer. */
extern const struct vx_cli_dialect screenos_cli_dialect;

#define SCREENOS_VENDOR		"screenos"
#define SCREENOS_CMD_SA		"get sa"
#define SCREENOS_CMD_SA_ACTIVE	"get sa active"
#define SCREENOS_CMD_SA_STAT	"get sa stat"
#define SCREENOS_CMD_SA_ID	"get sa id"

#define SCREENOS_GW_MAX		48
#define SCREENOS_NAME_MAX	64

/* One row of "get sa": one direction of one SA id. */
struct screenos_sa_row {
	uint32_t	id;
	char		dir;			/* '<' in, '>' out */
	char		gateway[SCREENOS_GW_MAX];
	unsigned	port;			/* 0: not shown */
	uint32_t	spi;			/* 0: no SA */
	int64_t		life_s;			/* -1: "expir" or not shown */
	int64_t		life_kb;		/* -1: "unlim" or not shown */
	char		sa_state;		/* 'A' active, 'I' inactive */
	char		mon;			/* '-' off, 'U' up, 'D' down, 'I' */
	int		line;
};

/* One row of "get sa stat". */
struct screenos_stat_row {
	uint32_t	id;
	char		dir;
	char		gateway[SCREENOS_GW_MAX];
	uint64_t	fragment, auth_fail, other, bytes;
	bool		has_fragment, has_auth_fail, has_other, has_bytes;
	int		line;
};

/* Rows of one command's output; release with screenos_*_rows_release. */
struct screenos_sa_rows {
	struct screenos_sa_row	*v;
	size_t			 n, cap;
	/* "Total active sa: N" / "total configured sa: N"; -1: absent. */
	int64_t			 total_active, total_configured;
};

struct screenos_stat_rows {
	struct screenos_stat_row	*v;
	size_t				 n, cap;
};

/* What "get sa id N" says of one SA id. */
struct screenos_sa_detail {
	uint32_t	id;
	bool		has_id;
	char		name[SCREENOS_NAME_MAX];
	char		gateway[SCREENOS_GW_MAX];
	uint32_t	spi_in, spi_out;
	bool		has_in, has_out;
	bool		in_active, out_active;
	int64_t		life_in_s, life_out_s;		/* -1: absent */
	int64_t		bytes_in_left, bytes_out_left;	/* -1: no limit */
	int		mon;		/* "monitor<N>": 1 on, 0 off, -1 absent */
};

/*
 * "get sa" or "get sa active" -> rows (rows zeroed first).  Returns 0 or
 * a negative vx_errcode.
 */
int	screenos_read_sa(const char *text, size_t len,
	    struct screenos_sa_rows *rows, struct vx_err *err);
void	screenos_sa_rows_release(struct screenos_sa_rows *rows);

/* "get sa stat" -> rows. */
int	screenos_read_stat(const char *text, size_t len,
	    struct screenos_stat_rows *rows, struct vx_err *err);
void	screenos_stat_rows_release(struct screenos_stat_rows *rows);

/* "get sa id N" -> detail. */
int	screenos_read_sa_id(const char *text, size_t len,
	    struct screenos_sa_detail *d, struct vx_err *err);

/*
 * The VPN name of SA id (with that gateway), or NULL when unknown (the
 * tunnel is then named by the id in decimal).
 */
typedef const char *(*screenos_name_fn)(void *arg, uint32_t id,
	    const char *gateway);

/*
 * Rows -> the model: one tunnel per SA id of sa (its state, SA pairs,
 * lifetime, monitor, NAT-T), with the counters of the stat rows of the
 * same id (one part per SA id, its inbound SPI as generation, 32 bits
 * wide).  sa or stat may be NULL; with sa, stat rows of ids missing from
 * it are ignored (an SA that came or went between the two commands).
 * names may be NULL.  Sets VX_DV_IPSEC_ACTIVE_TUNNELS from sa.  Returns
 * 0 or -VX_E_NOMEM.
 */
int	screenos_build(struct vx_snapshot *snap,
	    const struct screenos_sa_rows *sa,
	    const struct screenos_stat_rows *stat, screenos_name_fn names,
	    void *arg, struct vx_err *err);

/* The vx_parse_fn forms, for "parse" and the fuzzers. */
int	screenos_parse_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);
int	screenos_parse_stat(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);
/*
 * "get sa id N": one tunnel named by its VPN name, its SA pair, state
 * ("IN active, OUT active" with SPIs: up) and remaining lifetime.
 */
int	screenos_parse_sa_id(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/* The nsVpnMonTable columns the mapping reads (for the collector). */
extern const uint32_t screenos_snmp_entry[];
extern const size_t screenos_snmp_entry_len;
extern const uint32_t screenos_snmp_cols[];
extern const size_t screenos_snmp_ncols;

/*
 * The NETSCREEN-VPN-MON-MIB nsVpnMonTable mapping, fed one varbind at a
 * time (from a live walk or recorded "snmpwalk -On" text) through
 * screenos_snmp_mapper (varbind.h: create, add each varbind, finish,
 * free).  Pure.
 */
extern const struct vx_snmp_mapper screenos_snmp_mapper;
int	screenos_snmp_map_add(void *m, const struct vx_varbind *vb,
	    struct vx_err *err);

/* "snmpwalk -On" text -> model (vx_parse_fn). */
int	screenos_parse_snmpwalk(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

#endif
