#ifndef VX_ARENA_H
#define VX_ARENA_H

#include <stddef.h>

/*
 * A bump allocator: many small allocations, one release.  Every string
 * and array of a snapshot lives in its arena, so vx_arena_release() frees
 * the whole snapshot at once.  Allocation never fails silently: on
 * out-of-memory the functions return NULL and callers report VX_E_NOMEM.
 */
struct vx_arena_chunk;

struct vx_arena {
	struct vx_arena_chunk	*head;
	size_t			 total;		/* bytes handed out */
	size_t			 limit;		/* 0 = unlimited */
};

#define VX_ARENA_INIT { NULL, 0, 0 }

void	 vx_arena_init(struct vx_arena *a);
/* Frees every chunk; the arena can be used again afterwards. */
void	 vx_arena_release(struct vx_arena *a);

/* Zeroed, max-aligned memory, or NULL (out of memory or over the limit). */
void	*vx_arena_alloc(struct vx_arena *a, size_t size);
/* Grows an arena array: copies old contents into a fresh block. */
void	*vx_arena_grow(struct vx_arena *a, void *old, size_t old_size,
	    size_t new_size);
/* NUL-terminated copy of s[0..len). */
char	*vx_arena_strndup(struct vx_arena *a, const char *s, size_t len);
char	*vx_arena_strdup(struct vx_arena *a, const char *s);
char	*vx_arena_printf(struct vx_arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
