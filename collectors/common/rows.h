#ifndef VX_ROWS_H
#define VX_ROWS_H

/*
 * The rows of an SNMP table as a walk meets them, column by column: a
 * growable array of fixed-size rows with a hash from the row's index (a
 * 64-bit key) to its slot.  For the SNMP mappers.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vx_rows {
	void		*v;		/* n rows of size bytes */
	size_t		 n, cap, size;
	uint64_t	*keys;		/* key + 1; 0 = empty */
	uint32_t	*slots;
	size_t		 hcap;
	/*
	 * A GETBULK answer gives every column of one row before the next
	 * row, so the last row found is remembered: most varbinds need no
	 * hash probe (which, in the tables of a 50,000-tunnel device, misses
	 * the cache).
	 */
	uint64_t	 last_key;	/* key + 1 of the last row found */
	size_t		 last_slot;
};

/* An empty table of rows of size bytes. */
#define VX_ROWS_INIT(bytes)	((struct vx_rows){ .size = (bytes) })

/*
 * The row with key; with create, made (zeroed) if new (*created set, if
 * not NULL).  NULL if absent, or on out-of-memory.
 */
void	*vx_rows_get(struct vx_rows *r, uint64_t key, bool create,
	    bool *created);
void	 vx_rows_release(struct vx_rows *r);

#endif
