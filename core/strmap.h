#ifndef VX_STRMAP_H
#define VX_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A string-keyed hash map (open addressing).  Keys are copied; values are
 * the caller's.  Not thread-safe.
 */
struct vx_strmap_slot {
	char	*key;
	void	*value;
};

struct vx_strmap {
	struct vx_strmap_slot	*slots;
	size_t			 cap;
	size_t			 n;
};

#define VX_STRMAP_INIT { NULL, 0, 0 }

/* The value for key (len bytes), or NULL. */
void	*vx_strmap_get(const struct vx_strmap *m, const char *key, size_t len);
/* Sets key to value; returns false on out-of-memory. */
bool	 vx_strmap_put(struct vx_strmap *m, const char *key, size_t len,
	    void *value);
/* Calls fn for each entry; fn returns true to delete the entry. */
void	 vx_strmap_filter(struct vx_strmap *m,
	    bool (*fn)(void *arg, const char *key, void *value), void *arg);
/* Frees the keys and the table (not the values). */
void	 vx_strmap_release(struct vx_strmap *m);

#endif
