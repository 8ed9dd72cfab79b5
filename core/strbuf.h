#ifndef VX_STRBUF_H
#define VX_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A growable NUL-terminated byte buffer (git strbuf).  buf is never NULL
 * after vx_strbuf_init().  An allocation failure sets 'failed' and makes
 * every later append a no-op, so callers check once at the end.
 */
struct vx_strbuf {
	char	*buf;
	size_t	 len;
	size_t	 alloc;
	bool	 failed;
};

void	 vx_strbuf_init(struct vx_strbuf *sb, size_t hint);
/* Frees the buffer; the strbuf must be initialised again before reuse. */
void	 vx_strbuf_release(struct vx_strbuf *sb);
/* Empties the buffer but keeps its memory. */
void	 vx_strbuf_reset(struct vx_strbuf *sb);
/* Hands over the buffer (caller frees with free()) and re-initialises sb. */
char	*vx_strbuf_detach(struct vx_strbuf *sb, size_t *len);

void	 vx_strbuf_add(struct vx_strbuf *sb, const void *data, size_t len);
void	 vx_strbuf_addstr(struct vx_strbuf *sb, const char *s);
void	 vx_strbuf_addch(struct vx_strbuf *sb, char c);
void	 vx_strbuf_addf(struct vx_strbuf *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 vx_strbuf_add_u64(struct vx_strbuf *sb, unsigned long long v);
/* Makes room for extra more bytes; false (and failed set) if it cannot. */
bool	 vx_strbuf_grow(struct vx_strbuf *sb, size_t extra);
/* Cuts the buffer back to len bytes (len <= sb->len). */
void	 vx_strbuf_truncate(struct vx_strbuf *sb, size_t len);
/* Drops n bytes from the front. */
void	 vx_strbuf_consume(struct vx_strbuf *sb, size_t n);

#endif
