#ifndef VX_GROW_H
#define VX_GROW_H

/*
 * Growing an array by doubling.  For an array whose *cap elements of size
 * bytes are all in use: returns it reallocated to twice as many elements
 * (first if *cap is 0) and sets *cap to that; NULL if out of memory or if
 * the size would overflow, and then arr and *cap are as they were (arr
 * still to be freed by the caller).
 *
 *	if (n == cap) {
 *		struct entry *e = vx_grow(v, &cap, sizeof(*e), 16);
 *
 *		if (e == NULL)
 *			return false;
 *		v = e;
 *	}
 *	v[n++] = x;
 */

#include <stdbool.h>
#include <stddef.h>

void	*vx_grow(void *arr, size_t *cap, size_t size, size_t first);

/*
 * The same in place, for code that appends in several places: arrp is the
 * address of the array pointer (a struct row ** for a struct row *), which
 * is grown if n is *cap.  False if out of memory (nothing changed).
 *
 *	if (!vx_room(&rows->v, rows->n, &rows->cap, sizeof(r), 16))
 *		return false;
 *	rows->v[rows->n++] = r;
 */
bool	 vx_room(void *arrp, size_t n, size_t *cap, size_t size,
	    size_t first);

#endif
