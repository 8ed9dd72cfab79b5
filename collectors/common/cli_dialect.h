#ifndef VX_CLI_DIALECT_H
#define VX_CLI_DIALECT_H

/*
 * How one vendor's interactive command line behaves, for the SSH CLI
 * layer (collectors/transport/ssh.h): what its prompts end in, how a
 * login reaches the mode the show commands need, how its pager is turned
 * off and recognised, and how it says that it refused a command.  Each
 * vendor defines its own (collectors/<vendor>/); the transport knows no
 * vendor's words.  Pure data, no I/O.
 */

#include <stdbool.h>

/*
 * A pager prompt: the text start, or (when end is not NULL) start,
 * anything, then end: "---(more 45%)---" is { "---(more", ")---" }.
 */
struct vx_cli_pager {
	const char	*start;
	const char	*end;
};

struct vx_cli_dialect {
	const char	*name;		/* "cisco_asa", for messages */
	/* The characters a prompt may end in ("#>"). */
	const char	*prompt_ends;
	/*
	 * A login whose prompt ends in user_end ('>') is in user mode and
	 * needs privilege_cmd ("enable", then the enable secret) to reach a
	 * prompt ending in priv_end ('#').  privilege_cmd NULL: the login
	 * prompt is good as it is, whatever it ends in.
	 */
	char		 user_end;
	char		 priv_end;
	const char	*privilege_cmd;
	/*
	 * Commands sent after each login that turn the pager off (or the
	 * line wrapping); the device refusing one is not an error, since a
	 * pager left on is still paged through.  NULL-terminated.
	 */
	const char *const		*pager_off;
	/* The pager prompts, terminated by a NULL start. */
	const struct vx_cli_pager	*pagers;
	/*
	 * The beginnings of a refused command's first line ("%", "ERROR:",
	 * "syntax error"), after an optional caret line.  NULL-terminated.
	 */
	const char *const		*error_prefixes;
	/* Terminal width asked for, so that nothing is wrapped. */
	unsigned			 columns;
};

#endif
