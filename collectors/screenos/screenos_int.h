#ifndef VX_SCREENOS_INT_H
#define VX_SCREENOS_INT_H

/*
 * What the ScreenOS table readers share (screenos_text.c): the prompt
 * lines, the "<hex id><direction>" start of a row, the columns named by
 * a header, the counts above the tables.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* "ssg5-> get sa", "ssg5(vsys1)->": the prompt, with or without a command. */
bool	screenos_prompt_line(const struct vx_tok *t, size_t n);

/*
 * The SA id and direction a row starts with: "00000015<" (one token) or
 * "00000015 <" (two).  Returns the tokens it took (1 or 2), or 0 if the
 * row does not start so.
 */
size_t	screenos_row_id(const struct vx_tok *t, size_t n, uint32_t *id,
	    char *dir);

/*
 * A header "HEX ID <name> <name> ...": for each of names (NULL-
 * terminated) its place among the words of a row that follow the id (so
 * that "Gateway" is 0), or -1 if the header lacks it.  False if the
 * tokens are not a header.
 */
bool	screenos_header(const struct vx_tok *t, size_t n,
	    const char *const *names, int *pos);

/*
 * "total configured sa: N" (which 'c') or "Total active sa: N" ('a'):
 * true and *v set if the line is one.
 */
bool	screenos_total(const struct vx_tok *t, size_t n, char *which,
	    int64_t *v);

/* A gateway address (or name) of a row, copied; false if not a word. */
bool	screenos_gateway(const struct vx_tok *t, char *buf, size_t size);

#endif
