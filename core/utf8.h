#ifndef VX_UTF8_H
#define VX_UTF8_H

#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes, n > 0), or 0
 * if it is not valid UTF-8: a stray continuation byte, a truncated
 * sequence, an overlong form, a surrogate or a value past U+10FFFF.
 * Writers of device text (label values, HTML, JSON) replace such bytes
 * with U+FFFD.
 */
size_t	vx_utf8_seq_len(const unsigned char *p, size_t n);

/* U+FFFD REPLACEMENT CHARACTER, encoded. */
#define VX_UTF8_REPLACEMENT	"\xef\xbf\xbd"

#endif
