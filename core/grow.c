/* Growing an array by doubling. */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *
vx_grow(void *arr, size_t *cap, size_t size, size_t first)
{
	size_t	 ncap;
	void	*p;

	if (*cap == 0)
		ncap = first;
	else if (*cap > SIZE_MAX / 2)
		return NULL;
	else
		ncap = *cap * 2;
	if (ncap == 0 || size == 0 || ncap > SIZE_MAX / size)
		return NULL;
	if ((p = realloc(arr, ncap * size)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

bool
vx_room(void *arrp, size_t n, size_t *cap, size_t size, size_t first)
{
	void *arr, *p;

	if (n < *cap)
		return true;
	/* Copied, not cast: arrp points to a pointer of another type. */
	memcpy(&arr, arrp, sizeof(arr));
	if ((p = vx_grow(arr, cap, size, first)) == NULL)
		return false;
	memcpy(arrp, &p, sizeof(p));
	return true;
}
