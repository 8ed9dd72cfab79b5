/*
 * Content negotiation: the exposition format from Accept, and gzip from
 * Accept-Encoding.  Pure functions of the header text.
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OM_TYPE		"application/openmetrics-text"

/* One element of a comma-separated header: [p, end). */
struct span {
	const char	*p;
	size_t		 len;
};

static struct span
trim(const char *p, size_t len)
{
	struct span s;

	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	s.p = p;
	s.len = len;
	return s;
}

static bool
span_is(struct span s, const char *word)
{
	return s.len == strlen(word) && strncasecmp(s.p, word, s.len) == 0;
}

/*
 * Parses "q" (a qvalue: 0 to 1, at most three decimals as RFC 9110 has
 * it, though more are accepted) and "version" out of the parameters of
 * one media range.  False if q is not a number in [0, 1].
 */
static bool
range_params(const char *p, const char *end, double *q, struct span *version)
{
	*q = 1.0;
	version->p = NULL;
	version->len = 0;
	while (p < end) {
		const char	*semi = memchr(p, ';', (size_t)(end - p));
		const char	*lim = semi != NULL ? semi : end;
		const char	*eq = memchr(p, '=', (size_t)(lim - p));

		if (eq != NULL) {
			struct span k = trim(p, (size_t)(eq - p));
			struct span v = trim(eq + 1, (size_t)(lim - eq - 1));

			if (v.len >= 2 && v.p[0] == '"' &&
			    v.p[v.len - 1] == '"') {
				v.p++;
				v.len -= 2;
			}
			if (span_is(k, "q")) {
				char	buf[16], *stop;

				if (v.len == 0 || v.len >= sizeof(buf))
					return false;
				memcpy(buf, v.p, v.len);
				buf[v.len] = '\0';
				*q = strtod(buf, &stop);
				if (*stop != '\0' || !(*q >= 0 && *q <= 1))
					return false;
			} else if (span_is(k, "version")) {
				*version = v;
			}
		}
		p = semi != NULL ? semi + 1 : end;
	}
	return true;
}

enum vx_format
vx_http_negotiate(const char *accept)
{
	enum vx_format	best = VX_FMT_TEXT;
	double		best_q = -1;
	bool		best_specific = false;
	const char	*p = accept;

	while (p != NULL && *p != '\0') {
		const char	*comma = strchr(p, ',');
		const char	*end = comma != NULL ? comma : p + strlen(p);
		const char	*semi = memchr(p, ';', (size_t)(end - p));
		struct span	 type = trim(p, (size_t)((semi != NULL ? semi :
				    end) - p));
		struct span	 version;
		enum vx_format	 fmt;
		bool		 specific = true;
		double		 q;

		p = comma != NULL ? comma + 1 : NULL;
		if (!range_params(semi != NULL ? semi + 1 : end, end, &q,
		    &version) || q <= 0)
			continue;
		if (span_is(type, OM_TYPE)) {
			if (version.p != NULL && !span_is(version, "1.0.0") &&
			    !span_is(version, "0.0.1"))
				continue;
			fmt = VX_FMT_OPENMETRICS;
		} else if (span_is(type, "text/plain")) {
			if (version.p != NULL && !span_is(version, "0.0.4"))
				continue;
			fmt = VX_FMT_TEXT;
		} else if (span_is(type, "*/*") || span_is(type, "text/*")) {
			/* Any format; the text one is the default. */
			fmt = VX_FMT_TEXT;
			specific = false;
		} else {
			continue;
		}
		/*
		 * client_golang sorts by q, a specific type before a
		 * wildcard of the same q, otherwise in header order, and
		 * takes the first it can serve.
		 */
		if (q > best_q || (q == best_q && specific && !best_specific)) {
			best = fmt;
			best_q = q;
			best_specific = specific;
		}
	}
	return best;
}

/*
 * Finds token (case-insensitive) as a member of a comma-separated header
 * list and returns its q value (1 if absent), or -1 if it is not there.
 */
static double
list_q(const char *header, const char *token)
{
	const char *p = header;

	while (p != NULL && *p != '\0') {
		const char	*comma = strchr(p, ',');
		const char	*end = comma != NULL ? comma : p + strlen(p);
		const char	*semi = memchr(p, ';', (size_t)(end - p));
		struct span	 name = trim(p, (size_t)((semi != NULL ? semi :
				    end) - p));
		struct span	 version;
		double		 q;

		p = comma != NULL ? comma + 1 : NULL;
		if (!span_is(name, token))
			continue;
		if (!range_params(semi != NULL ? semi + 1 : end, end, &q,
		    &version))
			return 0;
		return q;
	}
	return -1.0;
}

bool
vx_http_accepts_gzip(const char *accept_encoding)
{
	double q;

	if (accept_encoding == NULL)
		return false;
	q = list_q(accept_encoding, "gzip");
	if (q < 0)
		q = list_q(accept_encoding, "*");
	return q > 0;
}
