/*
 * HTTP content negotiation (exporter/http_negotiate.c): which exposition
 * format an Accept header asks for, and whether Accept-Encoding allows
 * gzip.  The headers are the ones Prometheus and common clients send,
 * plus q values (the higher wins; among equals, a specific type before a
 * wildcard, then the first listed, as client_golang decides), q=0, case,
 * whitespace and look-alike tokens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http.h"

struct neg_case {
	const char	*header;
	bool		 want;
};

#define OM	"application/openmetrics-text"

static bool
vx_http_wants_openmetrics(const char *accept)
{
	return vx_http_negotiate(accept) == VX_FMT_OPENMETRICS;
}

static void
test_wants_openmetrics(void **state)
{
	static const struct neg_case cases[] = {
		/* 0: Prometheus 2.x scrape (OpenMetrics preferred). */
		{ OM ";version=1.0.0," OM ";version=0.0.1;q=0.75,"
		  "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", true },
		/* 1: Prometheus 2.x with only 0.0.1 OpenMetrics. */
		{ OM "; version=0.0.1,text/plain;version=0.0.4;q=0.5,"
		  "*/*;q=0.1", true },
		/* 2: Prometheus with OpenMetrics disabled / older. */
		{ "text/plain;version=0.0.4;q=1,*/*;q=0.1", false },
		/* 3: curl, browsers. */
		{ "*/*", false },
		{ "text/html,application/xhtml+xml,application/xml;q=0.9,"
		  "*/*;q=0.8", false },
		{ "text/plain", false },
		{ "", false },
		/* 7: q=0 means "not acceptable". */
		{ OM ";q=0", false },
		{ OM "; q=0.0", false },
		{ OM ";version=1.0.0;q=0,text/plain", false },
		{ OM ";version=1.0.0;q=0.001", true },
		{ OM ";q=1", true },
		{ OM ";q=0.5;version=1.0.0", true },
		/* 13: case-insensitive media type; whitespace around it. */
		{ "Application/OpenMetrics-Text", true },
		{ "APPLICATION/OPENMETRICS-TEXT;version=1.0.0", true },
		{ "  " OM "  ;  q=0.5 ", true },
		{ "  " OM " ; q=0 ", false },
		/* 17: a tie goes to the first listed. */
		{ "text/plain , " OM, false },
		{ "text/plain,\t" OM, false },
		/* 19: look-alikes are other media types. */
		{ OM "al", false },
		{ "application/openmetrics", false },
		{ "x" OM, false },
		{ "application/openmetrics-text2;q=1", false },
		{ "text/plain;profile=" OM, false },
		/* 24: the higher q wins, whichever comes first. */
		{ "text/plain;q=1," OM ";q=0.5", false },
		{ OM ";q=0.5,text/plain;q=1", false },
		{ "text/plain;q=0.5," OM, true },
		{ "text/plain;version=0.0.4;q=0.3," OM ";q=0.31", true },
		{ "application/json," OM ";q=0.2", true },
		/* 29: wildcards stand for text, after a specific type. */
		{ "*/*," OM, true },
		{ "*/*;q=1," OM ";q=0.5", false },
		{ "text/*;q=0.9," OM ";q=0.8", false },
		{ OM ";q=0.8,*/*;q=0.9", false },
		/* 33: versions the exporter cannot write are not acceptable. */
		{ OM ";version=2.0.0,text/plain;q=0.1", false },
		{ OM ";version=0.0.1", true },
		{ OM ";version=\"1.0.0\"", true },
		{ "text/plain;version=9.9," OM ";q=0.1", true },
		/* 37: a q that is no qvalue makes the range unusable. */
		{ OM ";q=abc", false },
		{ OM ";q=1.5", false },
		{ OM ";q=", false },
		{ OM ";q=-0", false },
		/* 41: Prometheus 3 with escaping parameters. */
		{ OM ";version=1.0.0;escaping=allow-utf-8;q=0.6," OM
		  ";version=0.0.1;q=0.5,text/plain;version=1.0.0;"
		  "escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,"
		  "*/*;q=0.2", true },
		/* 42: nothing acceptable: text. */
		{ "text/plain;q=0," OM ";q=0", false },
		{ "image/png", false },
		{ ",,;,", false },
	};

	(void)state;
	assert_false(vx_http_wants_openmetrics(NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = vx_http_wants_openmetrics(cases[i].header);

		if (got != cases[i].want)
			fail_msg("case %zu: Accept '%s': %d, want %d", i,
			    cases[i].header, got, cases[i].want);
	}
}

static void
test_accepts_gzip(void **state)
{
	static const struct neg_case cases[] = {
		{ "gzip", true },
		{ "GZIP", true },
		{ "Gzip", true },
		{ " gzip ", true },
		{ "gzip, deflate, br", true },
		{ "deflate, gzip;q=0.5", true },
		{ "br;q=1.0, gzip;q=0.8, *;q=0.1", true },
		{ "gzip;q=1.0", true },
		{ "gzip;q=0.001", true },
		/* 9: refused */
		{ "gzip;q=0", false },
		{ "gzip; q=0.000", false },
		{ "gzip;level=1;q=0", false },
		{ "deflate, gzip;q=0", false },
		/* 13: the wildcard */
		{ "*", true },
		{ "*;q=0.1", true },
		{ "*;q=0", false },
		{ "identity, *;q=0", false },
		/* An explicit gzip entry overrides the wildcard, both ways. */
		{ "gzip;q=0, *", false },
		{ "*;q=0, gzip", true },
		/* 19: no gzip */
		{ "identity", false },
		{ "deflate", false },
		{ "br, deflate", false },
		{ "gzipx", false },
		{ "x-gzip2", false },
		{ "", false },
		{ ",", false },
		{ ";q=1", false },
	};

	(void)state;
	assert_false(vx_http_accepts_gzip(NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = vx_http_accepts_gzip(cases[i].header);

		if (got != cases[i].want)
			fail_msg("case %zu: Accept-Encoding '%s': %d, want %d",
			    i, cases[i].header, got, cases[i].want);
	}
}

/*
 * Parameters after ';' may be preceded by a tab (OWS is spaces and tabs,
 * RFC 9110 §5.6.3), and the "q" parameter name is case-insensitive
 * (RFC 9110 §12.4.2).  A refusal written either way must be honoured.
 */
static void
test_weight_syntax_variants(void **state)
{
	static const struct neg_case accept[] = {
		{ OM ";\tq=0", false },
		{ OM ";Q=0", false },
		{ OM "; \tq=0", false },
	};
	static const struct neg_case encoding[] = {
		{ "gzip;\tq=0", false },
		{ "gzip;Q=0", false },
		{ "*;\tq=0", false },
	};
	size_t failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(accept) / sizeof(accept[0]); i++) {
		if (vx_http_wants_openmetrics(accept[i].header) !=
		    accept[i].want) {
			fprintf(stderr, "Accept '%s': not refused\n",
			    accept[i].header);
			failed++;
		}
	}
	for (size_t i = 0; i < sizeof(encoding) / sizeof(encoding[0]); i++) {
		if (vx_http_accepts_gzip(encoding[i].header) !=
		    encoding[i].want) {
			fprintf(stderr, "Accept-Encoding '%s': not refused\n",
			    encoding[i].header);
			failed++;
		}
	}
	if (failed > 0)
		fail_msg("%zu refusals ignored (listed above)", failed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wants_openmetrics),
		cmocka_unit_test(test_accepts_gzip),
		cmocka_unit_test(test_weight_syntax_variants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
