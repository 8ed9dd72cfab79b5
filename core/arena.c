#include "arena.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The first chunk is small (a fleet keeps one small snapshot per device);
 * later ones double with the arena, so a big snapshot needs few, up to a
 * megabyte: bigger ones would come from mmap, fresh pages that a 50,000-
 * tunnel device would fault in anew at every poll, where chunks of this
 * size are the ones the last poll's snapshot gave back to malloc.
 */
#define ARENA_CHUNK_MIN	(4 * 1024)
#define ARENA_CHUNK_MAX	(1024 * 1024)
#define ARENA_ALIGN	(_Alignof(max_align_t))

struct vx_arena_chunk {
	struct vx_arena_chunk	*next;
	size_t			 size;
	size_t			 used;
	_Alignas(max_align_t) unsigned char data[];
};

void
vx_arena_init(struct vx_arena *a)
{
	a->head = NULL;
	a->total = 0;
	a->limit = 0;
}

void
vx_arena_release(struct vx_arena *a)
{
	struct vx_arena_chunk *c = a->head;

	while (c != NULL) {
		struct vx_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
}

void *
vx_arena_alloc(struct vx_arena *a, size_t size)
{
	struct vx_arena_chunk	*c = a->head;
	size_t			 need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

	/* No object is larger than PTRDIFF_MAX (malloc refuses them too). */
	if (need < size || need > PTRDIFF_MAX - sizeof(*c))
		return NULL;
	if (a->limit != 0 && a->total + need > a->limit)
		return NULL;
	if (c == NULL || c->size - c->used < need) {
		size_t csize = need > ARENA_CHUNK_MIN ? need : ARENA_CHUNK_MIN;

		/* Chunks double with the arena so big snapshots need few. */
		if (a->total > csize && a->total < SIZE_MAX / 2)
			csize = a->total < ARENA_CHUNK_MAX ? a->total :
			    (need > ARENA_CHUNK_MAX ? need : ARENA_CHUNK_MAX);
		c = malloc(sizeof(*c) + csize);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	memset(p, 0, size);
	return p;
}

void *
vx_arena_grow(struct vx_arena *a, void *old, size_t old_size, size_t new_size)
{
	void *p = vx_arena_alloc(a, new_size);

	if (p != NULL && old != NULL)
		memcpy(p, old, old_size < new_size ? old_size : new_size);
	return p;
}

char *
vx_arena_strndup(struct vx_arena *a, const char *s, size_t len)
{
	char *p = vx_arena_alloc(a, len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
vx_arena_strdup(struct vx_arena *a, const char *s)
{
	return vx_arena_strndup(a, s, strlen(s));
}

char *
vx_arena_printf(struct vx_arena *a, const char *fmt, ...)
{
	va_list	ap;
	int	n;
	char	*p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = vx_arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
