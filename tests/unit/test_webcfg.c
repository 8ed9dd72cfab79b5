/*
 * --web.config.file: loading (every error with its file:line:col),
 * libmicrohttpd options, bcrypt checks with hashes made by real tools
 * (see tests/fixtures/webcfg/README.md), the unknown-user path doing the
 * same bcrypt work, and vx_webcfg_precheck() and vx_webcfg_verify() on a
 * real MHD daemon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "strbuf.h"
#include "webcfg.h"
#include "webcfg_int.h"

#define FIX		VX_FIXTURE_DIR "/webcfg"

/* cost 4; passwords in tests/fixtures/webcfg/README.md */
#define H_ALICE		"$2y$04$U2Vp5TQbz5UGSRoLYz6MiePMDui3/Hh750xPRoUsGKik7UICRh8ey"
#define H_BOB		"$2b$04$w2vYfbqUW4//IdgRT88vh.UFqm7ocdGhdD.gYqiPwe0TcusGvMGKG"
#define H_CAROL		"$2a$04$R864d6Yc92JujdlCbFQm3elnS3AsOJHxbxFdNJCRP.jnswRaSyvwW"
#define H_DAVE		"$2b$04$6O.o/i1...yV37GylpDVWOgD8uPDBRYwSO/AV4KBGZtjwGy/oK4qe"
/* cost 6 */
#define H_ERIN		"$2b$06$Xe5pOODAnnsLpS6VCNbVnOLR/w2XCANEmVstcN7jGpkK4chzVlJJK"

#define USERS_YAML \
	"basic_auth_users:\n" \
	"  alice: " H_ALICE "\n" \
	"  bob: " H_BOB "\n" \
	"  carol: " H_CAROL "\n" \
	"  dave: " H_DAVE "\n"

static char	tmpdir[64];
static char	webyml[128];

/* Replaces @W@ (the web config file), @D@ (its directory), @F@ (fixtures). */
static void
expand(const char *in, struct vx_strbuf *out)
{
	vx_strbuf_init(out, 256);
	while (*in != '\0') {
		if (strncmp(in, "@W@", 3) == 0) {
			vx_strbuf_addstr(out, webyml);
			in += 3;
		} else if (strncmp(in, "@D@", 3) == 0) {
			vx_strbuf_addstr(out, tmpdir);
			in += 3;
		} else if (strncmp(in, "@F@", 3) == 0) {
			vx_strbuf_addstr(out, FIX);
			in += 3;
		} else {
			vx_strbuf_addch(out, *in++);
		}
	}
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static struct vx_webcfg *
load_yaml(const char *yaml, struct vx_cfg_errors *errs)
{
	struct vx_strbuf sb;

	expand(yaml, &sb);
	write_file(webyml, sb.buf);
	vx_strbuf_release(&sb);
	memset(errs, 0, sizeof(*errs));
	return vx_webcfg_load(webyml, errs);
}

static struct vx_webcfg *
load_ok(const char *yaml)
{
	struct vx_cfg_errors	 errs;
	struct vx_webcfg	*w = load_yaml(yaml, &errs);

	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "unexpected: %s\n", errs.msgs[i]);
	assert_int_equal(errs.n, 0);
	assert_non_null(w);
	vx_cfg_errors_release(&errs);
	return w;
}

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vx-webcfg-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(webyml, sizeof(webyml), "%s/web.yml", tmpdir);
	return 0;
}

static int
teardown_dir(void **state)
{
	char path[256];

	(void)state;
	unlink(webyml);
	snprintf(path, sizeof(path), "%s/unreadable.pem", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

/* ---- loading ---- */

static const char *
option_str(const struct MHD_OptionItem *o, size_t n, enum MHD_OPTION which)
{
	for (size_t i = 0; i < n; i++)
		if (o[i].option == which)
			return o[i].ptr_value;
	return NULL;
}

static void
test_full_fixture(void **state)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	struct vx_webcfg	*w;
	struct MHD_OptionItem	 o[VX_WEBCFG_MHD_OPTIONS_MAX];
	unsigned int		 flags = MHD_USE_ERROR_LOG;
	size_t			 n;

	(void)state;
	w = vx_webcfg_load(FIX "/full.yml", &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "unexpected: %s\n", errs.msgs[i]);
	assert_int_equal(errs.n, 0);
	assert_non_null(w);
	assert_true(vx_webcfg_tls(w));
	n = vx_webcfg_mhd_options(w, &flags, o, VX_WEBCFG_MHD_OPTIONS_MAX);
	assert_int_equal(n, 4);
	assert_int_equal(flags, MHD_USE_ERROR_LOG | MHD_USE_TLS);
	assert_non_null(strstr(option_str(o, n, MHD_OPTION_HTTPS_MEM_CERT),
	    "-----BEGIN CERTIFICATE-----"));
	assert_non_null(strstr(option_str(o, n, MHD_OPTION_HTTPS_MEM_KEY),
	    "PRIVATE KEY-----"));
	assert_non_null(strstr(option_str(o, n, MHD_OPTION_HTTPS_MEM_TRUST),
	    "-----BEGIN CERTIFICATE-----"));
	assert_string_equal(option_str(o, n, MHD_OPTION_HTTPS_PRIORITIES),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
	    ":-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:-KX-ALL:+ECDHE-RSA"
	    ":-MAC-ALL:+AEAD:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1"
	    ":%SERVER_PRECEDENCE");
	assert_int_equal(w->client_auth, WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT);
	assert_int_equal(w->allowed_sans.n, 2);
	assert_string_equal(w->allowed_sans.v[1], "127.0.0.1");
	assert_true(w->http2);
	/* Content-Security-Policy: "" is "unset". */
	assert_int_equal(w->nheaders, 3);
	assert_string_equal(w->headers[0].name, "X-Frame-Options");
	assert_string_equal(w->headers[0].value, "deny");
	assert_string_equal(w->headers[2].name, "Strict-Transport-Security");
	assert_int_equal(w->nusers, 4);
	assert_string_equal(w->users[1].name, "bob");
	assert_int_equal(webcfg_bcrypt_cost(w->dummy_hash), 4);
	assert_true(webcfg_bcrypt_valid(w->dummy_hash,
	    strlen(w->dummy_hash)));

	/* Too little room: TLS on, no options, so MHD refuses to start. */
	flags = 0;
	assert_int_equal(vx_webcfg_mhd_options(w, &flags, o, 3), 0);
	assert_int_equal(flags, MHD_USE_TLS);
	vx_webcfg_free(w);
}

static void
test_no_tls(void **state)
{
	struct vx_webcfg	*w;
	struct MHD_OptionItem	 o[VX_WEBCFG_MHD_OPTIONS_MAX];
	unsigned int		 flags = 7;

	(void)state;
	/* NULL: no web config at all. */
	assert_int_equal(vx_webcfg_mhd_options(NULL, &flags, o, 4), 0);
	assert_int_equal(flags, 7);
	assert_false(vx_webcfg_tls(NULL));
	vx_webcfg_add_headers(NULL, NULL);
	vx_webcfg_free(NULL);

	/* An empty file, and empty sections, mean plain HTTP, no auth. */
	w = load_ok("");
	assert_false(vx_webcfg_tls(w));
	assert_int_equal(vx_webcfg_mhd_options(w, &flags, o, 4), 0);
	assert_int_equal(flags, 7);
	assert_true(vx_webcfg_basic_ok(w, "x", 1, "y", 1));
	vx_webcfg_free(w);
	w = load_ok("tls_server_config:\nhttp_server_config: {}\n"
	    "basic_auth_users: {}\n");
	assert_false(vx_webcfg_tls(w));
	assert_int_equal(w->nusers, 0);
	vx_webcfg_free(w);

	/* Basic auth without TLS; inline PEM is covered below. */
	w = load_ok("http_server_config:\n  http2: false\n" USERS_YAML);
	assert_false(vx_webcfg_tls(w));
	assert_false(w->http2);
	assert_int_equal(w->nusers, 4);
	vx_webcfg_free(w);
}

static void
test_tls_variants(void **state)
{
	static const struct {
		const char	*yaml;
		const char	*prio;
		size_t		 nopts;
	} cases[] = {
		/* 0: defaults: TLS 1.2 and 1.3, server order */
		{ "tls_server_config:\n  cert_file: @F@/server.pem\n"
		  "  key_file: @F@/server.key\n",
		  "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
		  ":%SERVER_PRECEDENCE", 3 },
		/*
		 * 1: relative paths (from the web config's directory, two
		 * levels below /), the old alias, versions, client order
		 */
		{ "tls_server_config:\n"
		  "  cert_file: ../.." FIX "/server.pem\n"
		  "  key_file: ../.." FIX "/server.key\n"
		  "  client_ca_file: ../.." FIX "/ca.pem\n"
		  "  client_auth_type: RequireClientCert\n"
		  "  min_version: TLS10\n  max_version: TLS12\n"
		  "  prefer_server_cipher_suites: false\n",
		  "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0", 4 },
		/* 2: CBC suites for TLS 1.2 only */
		{ "tls_server_config:\n  cert_file: @F@/server.pem\n"
		  "  key_file: @F@/server.key\n  max_version: TLS12\n"
		  "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,\n"
		  "    TLS_RSA_WITH_AES_256_CBC_SHA]\n",
		  "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-CBC"
		  ":-KX-ALL:+ECDHE-RSA:+RSA:-MAC-ALL:+SHA1:%SERVER_PRECEDENCE",
		  3 },
		/* 3: TLS 1.3 only: the 1.2 suite is ignored, as in Go */
		{ "tls_server_config:\n  cert_file: @F@/server.pem\n"
		  "  key_file: @F@/server.key\n  min_version: TLS13\n"
		  "  cipher_suites: [TLS_CHACHA20_POLY1305_SHA256,\n"
		  "    TLS_RSA_WITH_AES_256_CBC_SHA]\n"
		  "  curve_preferences: [CurveP384, CurveP521]\n",
		  "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL"
		  ":+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-GROUP-ALL"
		  ":+GROUP-SECP384R1:+GROUP-SECP521R1:%SERVER_PRECEDENCE", 3 },
		/* 4: ChaCha20 has no RSA key exchange suite to add */
		{ "tls_server_config:\n  cert_file: @F@/server.pem\n"
		  "  key_file: @F@/server.key\n"
		  "  cipher_suites:\n"
		  "    - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\n"
		  "    - TLS_RSA_WITH_AES_128_GCM_SHA256\n"
		  "    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n",
		  "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL"
		  ":+CHACHA20-POLY1305:+AES-128-GCM:-KX-ALL:+ECDHE-RSA:+RSA"
		  ":-MAC-ALL:+AEAD:%SERVER_PRECEDENCE", 3 },
	};
	struct vx_webcfg	*w;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct MHD_OptionItem	o[VX_WEBCFG_MHD_OPTIONS_MAX];
		unsigned int		flags = 0;
		size_t			n;

		fprintf(stderr, "case %zu\n", i);
		w = load_ok(cases[i].yaml);
		n = vx_webcfg_mhd_options(w, &flags, o, 4);
		assert_int_equal(n, cases[i].nopts);
		assert_int_equal(flags, MHD_USE_TLS);
		assert_string_equal(option_str(o, n,
		    MHD_OPTION_HTTPS_PRIORITIES), cases[i].prio);
		vx_webcfg_free(w);
	}

	/* Inline PEM (cert, key, client_ca) as a YAML block scalar. */
	{
		struct vx_strbuf	pem, yaml;
		FILE			*f;
		char			 line[256];
		const char		*files[] = { "server.pem", "server.key",
					    "ca.pem" };
		const char		*keys[] = { "cert", "key", "client_ca" };

		vx_strbuf_init(&yaml, 8192);
		vx_strbuf_addstr(&yaml, "tls_server_config:\n"
		    "  client_auth_type: VerifyClientCertIfGiven\n");
		for (size_t k = 0; k < 3; k++) {
			char path[512];

			snprintf(path, sizeof(path), "%s/%s", FIX, files[k]);
			f = fopen(path, "r");
			assert_non_null(f);
			vx_strbuf_addf(&yaml, "  %s: |\n", keys[k]);
			while (fgets(line, sizeof(line), f) != NULL)
				vx_strbuf_addf(&yaml, "    %s", line);
			fclose(f);
		}
		expand(yaml.buf, &pem);
		vx_strbuf_release(&yaml);
		w = load_ok(pem.buf);
		vx_strbuf_release(&pem);
		assert_true(vx_webcfg_tls(w));
		assert_int_equal(w->client_auth,
		    WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN);
		assert_non_null(w->ca_pem);
		vx_webcfg_free(w);
	}
}

struct error_case {
	const char	*yaml;
	const char	*want[8];	/* exact messages, NULL-terminated */
};

#define TLS_OK	"tls_server_config:\n  cert_file: @F@/server.pem\n" \
		"  key_file: @F@/server.key\n"

static const struct error_case error_cases[] = {
	/* 0: unknown keys, at every level, with a hint */
	{ "tls_server_confg:\n  cert_file: x\n",
	  { "@W@:1:1: unknown key 'tls_server_confg' in the web "
	    "configuration (did you mean 'tls_server_config'?)" } },
	{ TLS_OK "  cert_fil: x\n",
	  { "@W@:4:3: unknown key 'cert_fil' in tls_server_config (did you "
	    "mean 'cert_file'?)" } },
	{ "http_server_config:\n  http3: true\n",
	  { "@W@:2:3: unknown key 'http3' in http_server_config (did you "
	    "mean 'http2'?)" } },
	/* 3: bad client_auth_type */
	{ TLS_OK "  client_auth_type: RequireCert\n",
	  { "@W@:4:21: invalid value 'RequireCert' for 'client_auth_type' in "
	    "tls_server_config (expected one of: NoClientCert, "
	    "RequestClientCert, RequireAnyClientCert, "
	    "VerifyClientCertIfGiven, RequireAndVerifyClientCert, "
	    "RequireClientCert)" } },
	/* 4: tls_server_config without cert_file / key_file */
	{ "tls_server_config:\n  key_file: @F@/server.key\n",
	  { "@W@:2:3: missing required key 'cert_file' (or 'cert') in "
	    "tls_server_config" } },
	{ "tls_server_config:\n  min_version: TLS13\n",
	  { "@W@:2:3: missing required key 'cert_file' (or 'cert') in "
	    "tls_server_config",
	    "@W@:2:3: missing required key 'key_file' (or 'key') in "
	    "tls_server_config" } },
	/* 6: unreadable / missing / unusable files */
	{ "tls_server_config:\n  cert_file: nope.pem\n"
	  "  key_file: @F@/server.key\n",
	  { "@W@:2:14: cannot read cert_file '@D@/nope.pem': No such file or "
	    "directory" } },
	{ "tls_server_config:\n  cert_file: @F@/garbage.pem\n"
	  "  key_file: @F@/garbage.pem\n",
	  { "@W@:2:14: cert_file '@F@/garbage.pem' holds no usable PEM "
	    "certificate: No certificate was found",
	    "@W@:3:13: key_file '@F@/garbage.pem' holds no usable PEM private "
	    "key (unencrypted PKCS#1, PKCS#8 or SEC1): The requested data "
	    "were not available" } },
	{ "tls_server_config:\n  cert_file: @F@/server.pem\n"
	  "  key_file: @F@/other.key\n",
	  { "@W@:3:13: key_file '@F@/other.key' cannot be used with "
	    "cert_file '@F@/server.pem': The certificate and the given key "
	    "do not match" } },
	{ TLS_OK "  client_auth_type: RequireAndVerifyClientCert\n"
	  "  client_ca_file: @F@/server.key\n",
	  { "@W@:5:19: client_ca_file '@F@/server.key' holds no usable PEM CA "
	    "certificate: none found" } },
	/* 10: both forms of one setting */
	{ TLS_OK "  cert: |\n    -----BEGIN CERTIFICATE-----\n",
	  { "@W@:4:3: 'cert' and 'cert_file' in tls_server_config are both "
	    "set; use one of them" } },
	/* 11: client certificates */
	{ TLS_OK "  client_auth_type: RequireAndVerifyClientCert\n",
	  { "@W@:4:21: client_auth_type RequireAndVerifyClientCert needs "
	    "client_ca_file (or client_ca): libmicrohttpd asks clients for a "
	    "certificate only when it has a CA list" } },
	{ TLS_OK "  client_ca_file: @F@/ca.pem\n",
	  { "@W@:4:3: a client CA is set but client_auth_type is "
	    "NoClientCert (set client_auth_type, e.g. "
	    "RequireAndVerifyClientCert)" } },
	{ TLS_OK "  client_ca_file: @F@/ca.pem\n"
	  "  client_auth_type: VerifyClientCertIfGiven\n"
	  "  client_allowed_sans: [a.example]\n",
	  { "@W@:6:3: client_allowed_sans needs client_auth_type "
	    "RequireAnyClientCert or RequireAndVerifyClientCert" } },
	{ TLS_OK "  client_ca_file: @F@/ca.pem\n"
	  "  client_auth_type: RequireAnyClientCert\n"
	  "  client_allowed_sans: []\n",
	  { "@W@:6:24: client_allowed_sans is empty: no client could "
	    "connect (remove it to accept any SAN)" } },
	/* 15: versions, ciphers, curves */
	{ TLS_OK "  min_version: TLS13\n  max_version: TLS12\n",
	  { "@W@:4:16: min_version TLS13 in tls_server_config is above "
	    "max_version TLS12" } },
	{ TLS_OK "  max_version: SSL3\n",
	  { "@W@:4:16: invalid value 'SSL3' for 'max_version' in "
	    "tls_server_config (expected one of: TLS10, TLS11, TLS12, "
	    "TLS13)" } },
	{ TLS_OK "  cipher_suites:\n"
	  "    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
	  "    - TLS_RSA_WITH_RC4_128_SHA\n"
	  "    - [nested]\n",
	  { "@W@:6:7: unknown or insecure cipher suite "
	    "'TLS_RSA_WITH_RC4_128_SHA' in cipher_suites (use Go's names, e.g. "
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)",
	    "@W@:7:7: items of 'cipher_suites' in tls_server_config must be "
	    "strings, not a list" } },
	{ TLS_OK "  cipher_suites:\n"
	  "    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
	  "    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384\n",
	  { "@W@:5:5: cipher_suites also allows "
	    "'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' (GnuTLS combines every "
	    "listed key exchange with every listed cipher): add it to the "
	    "list",
	    "@W@:5:5: cipher_suites also allows "
	    "'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' (GnuTLS combines "
	    "every listed key exchange with every listed cipher): add it to "
	    "the list" } },
	{ TLS_OK "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
	  { "@W@:4:18: cipher_suites names no suite for TLS 1.2 and below, "
	    "which min_version allows (set min_version: TLS13 for TLS 1.3 "
	    "only)" } },
	{ TLS_OK "  cipher_suites: [TLS_RSA_WITH_AES_128_CBC_SHA]\n",
	  { "@W@:4:18: cipher_suites leaves no cipher for TLS 1.3 (GnuTLS "
	    "has one cipher list for every version): add e.g. "
	    "TLS_AES_128_GCM_SHA256, or set max_version: TLS12" } },
	{ TLS_OK "  cipher_suites: TLS_AES_128_GCM_SHA256\n",
	  { "@W@:4:18: 'cipher_suites' in tls_server_config must be a list, "
	    "not a single value" } },
	{ TLS_OK "  curve_preferences: [X25519, CurveP224]\n",
	  { "@W@:4:31: unknown curve 'CurveP224' in curve_preferences "
	    "(expected one of: CurveP256, CurveP384, CurveP521, X25519)" } },
	/* 23: headers */
	{ "http_server_config:\n  headers:\n    Server: vpn\n"
	  "    x-frame-options: deny\n    X-Frame-Options: allow\n"
	  "    X-Content-Type-Options: [nosniff]\n",
	  { "@W@:3:5: header 'Server' cannot be set in http_server_config "
	    "(allowed: Strict-Transport-Security, X-Content-Type-Options, "
	    "X-Frame-Options, X-XSS-Protection, Content-Security-Policy)",
	    "@W@:4:5: header 'x-frame-options' cannot be set in "
	    "http_server_config (did you mean 'X-Frame-Options'?)",
	    "@W@:5:22: invalid value 'allow' for header 'X-Frame-Options' "
	    "(expected deny or sameorigin)",
	    "@W@:6:29: value of header 'X-Content-Type-Options' must be a "
	    "string, not a list" } },
	{ "http_server_config:\n  headers: [X-Frame-Options]\n",
	  { "@W@:2:12: 'headers' in http_server_config must be a mapping of "
	    "header names to values, not a list" } },
	{ "http_server_config:\n  headers:\n"
	  "    Content-Security-Policy: \"a\\nb\"\n",
	  { "@W@:3:30: value of header 'Content-Security-Policy' contains a "
	    "control character" } },
	/* 26: basic_auth_users */
	{ "basic_auth_users:\n  - alice\n",
	  { "@W@:2:3: basic_auth_users must be a mapping of user names to "
	    "bcrypt hashes, not a list" } },
	{ "basic_auth_users: alice\n",
	  { "@W@:1:19: basic_auth_users must be a mapping of user names to "
	    "bcrypt hashes, not a single value" } },
	{ "basic_auth_users:\n"
	  "  alice: secret\n"
	  "  bob: $1$abcdefgh$0123456789012345678901\n"
	  "  carol: $2x$04$R864d6Yc92JujdlCbFQm3elnS3AsOJHxbxFdNJCRP."
	  "jnswRaSyvwW\n"
	  "  dave: $2b$03$6O.o/i1...yV37GylpDVWOgD8uPDBRYwSO/AV4KBGZtjwGy/"
	  "oK4qe\n"
	  "  erin: $2b$04$6O.o/i1...yV37GylpDVWOgD8uPDBRYwSO/AV4KBGZtjwGy/"
	  "oK4q\n"
	  "  frank: {hash: x}\n"
	  "  \"a:b\": " H_ALICE "\n",
	  { "@W@:2:10: the password of user 'alice' in basic_auth_users is "
	    "not a bcrypt hash (60 characters starting with $2a$, $2b$ or "
	    "$2y$ and a cost of 04 to 31, e.g. from 'htpasswd -nBC 10 \"\"')",
	    NULL } },
	/* 29: not supported */
	{ "rate_limit:\n  interval: 1s\n  burst: 10\n",
	  { "@W@:1:1: 'rate_limit' is not supported by vpn_exporter (use a "
	    "reverse proxy to limit request rates)" } },
	/* 30: wrong kinds of sections */
	{ "tls_server_config: [cert_file]\nhttp_server_config: yes\n",
	  { "@W@:1:20: tls_server_config must be a mapping, not a list",
	    "@W@:2:21: http_server_config must be a mapping, not a single "
	    "value" } },
	{ "- tls_server_config\n",
	  { "@W@:1:1: the web configuration must be a mapping, not a "
	    "list" } },
	/* 32: everything at once, all reported in one run */
	{ "tls_server_config:\n  cert_file: missing.pem\n"
	  "  client_auth_type: Bogus\n"
	  "http_server_config:\n  headers: {Server: x}\n"
	  "basic_auth_users: {alice: nope}\n"
	  "bogus: 1\n",
	  { "@W@:7:1: unknown key 'bogus' in the web configuration",
	    "@W@:3:21: invalid value 'Bogus' for 'client_auth_type' in "
	    "tls_server_config (expected one of: NoClientCert, "
	    "RequestClientCert, RequireAnyClientCert, "
	    "VerifyClientCertIfGiven, RequireAndVerifyClientCert, "
	    "RequireClientCert)",
	    "@W@:2:3: missing required key 'key_file' (or 'key') in "
	    "tls_server_config",
	    "@W@:2:14: cannot read cert_file '@D@/missing.pem': No such file "
	    "or directory",
	    "@W@:5:13: header 'Server' cannot be set in http_server_config "
	    "(allowed: Strict-Transport-Security, X-Content-Type-Options, "
	    "X-Frame-Options, X-XSS-Protection, Content-Security-Policy)",
	    "@W@:6:27: the password of user 'alice' in basic_auth_users is "
	    "not a bcrypt hash (60 characters starting with $2a$, $2b$ or "
	    "$2y$ and a cost of 04 to 31, e.g. from 'htpasswd -nBC 10 \"\"')" } },
};

static void
test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]);
	    i++) {
		const struct error_case	*c = &error_cases[i];
		struct vx_cfg_errors	 errs;
		struct vx_webcfg	*w;
		size_t			 nwant = 0;

		fprintf(stderr, "case %zu\n", i);
		w = load_yaml(c->yaml, &errs);
		assert_null(w);
		while (nwant < 8 && c->want[nwant] != NULL)
			nwant++;
		for (size_t j = 0; j < errs.n; j++)
			fprintf(stderr, "  got: %s\n", errs.msgs[j]);
		assert_int_equal(errs.n, i == 28 ? 7 : nwant);
		for (size_t j = 0; j < nwant; j++) {
			struct vx_strbuf want;

			expand(c->want[j], &want);
			assert_string_equal(errs.msgs[j], want.buf);
			vx_strbuf_release(&want);
		}
		vx_cfg_errors_release(&errs);
	}
}

/* Case 28 in detail: every bad hash is reported, none is quoted. */
static void
test_bad_hashes(void **state)
{
	struct vx_cfg_errors	 errs;
	static const char	*where[] = {
		"@W@:2:10: the password of user 'alice'",
		"@W@:3:8: the password of user 'bob'",
		"@W@:4:10: the password of user 'carol'",
		"@W@:5:9: the password of user 'dave'",
		"@W@:6:9: the password of user 'erin'",
		"@W@:7:10: the password of user 'frank'",
		("@W@:8:3: user name 'a:b' in basic_auth_users cannot log in "
		    "with basic auth (it is empty or contains ':')"),
	};

	(void)state;
	assert_null(load_yaml(error_cases[28].yaml, &errs));
	assert_int_equal(errs.n, 7);
	for (size_t i = 0; i < errs.n; i++) {
		struct vx_strbuf want;

		expand(where[i], &want);
		assert_memory_equal(errs.msgs[i], want.buf, want.len);
		vx_strbuf_release(&want);
		assert_null(strstr(errs.msgs[i], "secret"));
		assert_null(strstr(errs.msgs[i], "0123456789"));
		assert_null(strstr(errs.msgs[i], "R864d6Yc92"));
		assert_null(strstr(errs.msgs[i], "6O.o/i1"));
	}
	vx_cfg_errors_release(&errs);
}

static void
test_unreadable_file(void **state)
{
	struct vx_cfg_errors	 errs;
	char			 path[256];
	struct vx_strbuf	 want;

	(void)state;
	if (geteuid() == 0) {
		/* root reads anything: a directory stands in */
		snprintf(path, sizeof(path), "%s/unreadable.pem", tmpdir);
		assert_int_equal(mkdir(path, 0700), 0);
		assert_null(load_yaml("tls_server_config:\n"
		    "  cert_file: unreadable.pem\n"
		    "  key_file: @F@/server.key\n", &errs));
		rmdir(path);
		expand("@W@:2:14: cannot read cert_file '@D@/unreadable.pem': "
		    "a directory, not a regular file", &want);
	} else {
		snprintf(path, sizeof(path), "%s/unreadable.pem", tmpdir);
		write_file(path, "x");
		assert_int_equal(chmod(path, 0), 0);
		assert_null(load_yaml("tls_server_config:\n"
		    "  cert_file: unreadable.pem\n"
		    "  key_file: @F@/server.key\n", &errs));
		expand("@W@:2:14: cannot read cert_file '@D@/unreadable.pem': "
		    "Permission denied", &want);
	}
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0], want.buf);
	vx_strbuf_release(&want);
	vx_cfg_errors_release(&errs);
}

static void
test_missing_web_config(void **state)
{
	struct vx_cfg_errors errs = { NULL, 0, 0 };

	(void)state;
	assert_null(vx_webcfg_load("/nonexistent/web.yml", &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0], "/nonexistent/web.yml: cannot "
	    "open: No such file or directory");
	vx_cfg_errors_release(&errs);
}

/* ---- bcrypt ---- */

static bool
basic(const struct vx_webcfg *w, const char *user, const char *pass)
{
	return vx_webcfg_basic_ok(w, user, strlen(user), pass, strlen(pass));
}

static void
test_bcrypt(void **state)
{
	struct vx_webcfg	*w;
	char			 x72[80], x73[80];

	(void)state;
	w = load_ok(USERS_YAML);
	assert_true(basic(w, "alice", "al1ce-pw"));		/* $2y$ */
	assert_true(basic(w, "bob", "b0b:with colon \xc3\xa9"));	/* $2b$ */
	assert_true(basic(w, "carol", "carol-pw"));		/* $2a$ */
	assert_false(basic(w, "alice", "al1ce-pW"));
	assert_false(basic(w, "alice", ""));
	assert_false(basic(w, "alice", "al1ce-pw "));
	assert_false(basic(w, "Alice", "al1ce-pw"));
	assert_false(basic(w, "alic", "al1ce-pw"));
	assert_false(basic(w, "alicee", "al1ce-pw"));
	assert_false(basic(w, "", "al1ce-pw"));
	assert_false(basic(w, "carol", "al1ce-pw"));	/* another's */
	assert_false(basic(w, "mallory", "al1ce-pw"));
	/* A NUL in the password or user name is not cut off. */
	assert_false(vx_webcfg_basic_ok(w, "alice", 5, "al1ce-pw\0x", 10));
	assert_false(vx_webcfg_basic_ok(w, "alice\0x", 7, "al1ce-pw", 8));
	/* bcrypt reads 72 bytes: the 73rd must not be ignored. */
	memset(x72, 'x', 72);
	x72[72] = '\0';
	memcpy(x73, x72, 72);
	x73[72] = 'y';
	x73[73] = '\0';
	assert_true(basic(w, "dave", x72));
	assert_false(basic(w, "dave", x73));
	x72[71] = 'y';
	assert_false(basic(w, "dave", x72));
	vx_webcfg_free(w);
}

static void
test_unknown_user_same_work(void **state)
{
	struct vx_webcfg	*w;
	struct vx_webcfg_stats	 st;

	(void)state;
	w = load_ok(USERS_YAML);
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 0);

	/* A known user with a wrong password: one bcrypt at cost 4. */
	assert_false(basic(w, "alice", "wrong"));
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 1);
	assert_int_equal(st.last_cost, 4);
	/* An unknown user: the same, on the dummy hash. */
	assert_false(basic(w, "mallory", "wrong"));
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 2);
	assert_int_equal(st.last_cost, 4);
	/* Even with a configured user's password. */
	assert_false(basic(w, "mallory", "al1ce-pw"));
	/* And with a password too long for bcrypt. */
	assert_false(basic(w, "mallory", "0123456789012345678901234567890123"
	    "456789012345678901234567890123456789012345678901234567890"));
	assert_false(basic(w, "dave", "0123456789012345678901234567890123"
	    "456789012345678901234567890123456789012345678901234567890"));
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 5);
	assert_int_equal(st.cache_hits, 0);
	/* bcrypt really ran on the dummy hash rather than failing fast. */
	assert_int_equal(st.bcrypt_errors, 0);
	vx_webcfg_free(w);

	/* Mixed costs: an unknown user costs the dearest (6). */
	w = load_ok("basic_auth_users:\n  alice: " H_ALICE "\n"
	    "  erin: " H_ERIN "\n");
	assert_int_equal(webcfg_bcrypt_cost(w->dummy_hash), 6);
	assert_true(basic(w, "erin", "erin-pw"));
	assert_false(basic(w, "nobody", "erin-pw"));
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 2);
	assert_int_equal(st.bcrypt_errors, 0);
	assert_int_equal(st.last_cost, 6);
	vx_webcfg_free(w);
}

static void
test_cache(void **state)
{
	struct vx_webcfg	*w;
	struct vx_webcfg_stats	 st;

	(void)state;
	w = load_ok(USERS_YAML);
	assert_true(basic(w, "alice", "al1ce-pw"));
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 1);
	assert_int_equal(st.cache_hits, 0);
	/* The next scrape pays no bcrypt. */
	for (int i = 0; i < 5; i++)
		assert_true(basic(w, "alice", "al1ce-pw"));
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 1);
	assert_int_equal(st.cache_hits, 5);
	/* Failures are never cached: each one pays bcrypt, known or not. */
	for (int i = 0; i < 3; i++) {
		assert_false(basic(w, "alice", "al1ce-pw2"));
		assert_false(basic(w, "nobody", "al1ce-pw"));
	}
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 7);
	assert_int_equal(st.cache_hits, 5);
	/* A success for alice is not one for carol. */
	assert_false(basic(w, "carol", "al1ce-pw"));
	/* More users than slots: old entries are replaced, still correct. */
	for (int i = 0; i < WEBCFG_CACHE_SLOTS + 2; i++)
		assert_true(basic(w, i % 2 ? "carol" : "bob", i % 2 ?
		    "carol-pw" : "b0b:with colon \xc3\xa9"));
	assert_true(basic(w, "alice", "al1ce-pw"));
	vx_webcfg_free(w);
}

/* ---- precheck and verify on a real libmicrohttpd daemon ---- */

struct served {
	const struct vx_webcfg	*w;
	int			 verified;	/* vx_webcfg_verify() calls */
};

static enum MHD_Result
answer(const struct vx_webcfg *w, struct MHD_Connection *c,
    unsigned int status, const char *body)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(strlen(body),
	    (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Basic realm=\"vpn_exporter\"");
	vx_webcfg_add_headers(w, r);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* What the exporter's event loop and auth worker do, in one thread. */
static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	static int		 first;
	struct served		*s = cls;
	struct vx_webcfg_creds	 cr;
	bool			 ok = false;

	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	if (*con_cls == NULL) {
		*con_cls = &first;
		return MHD_YES;
	}
	switch (vx_webcfg_precheck(s->w, c, &cr)) {
	case VX_WEBCFG_ALLOW:
		ok = true;
		break;
	case VX_WEBCFG_FORBIDDEN:
		return answer(s->w, c, MHD_HTTP_FORBIDDEN, "forbidden\n");
	case VX_WEBCFG_UNAUTHORIZED:
		break;
	case VX_WEBCFG_VERIFY:
		s->verified++;
		ok = vx_webcfg_verify(s->w, &cr);
		vx_webcfg_creds_clear(&cr);
		break;
	}
	if (!ok)
		return answer(s->w, c, MHD_HTTP_UNAUTHORIZED, "unauthorized\n");
	return answer(s->w, c, MHD_HTTP_OK, "ok\n");
}

/* One HTTP/1.0 request; returns the whole response. */
static void
request(uint16_t port, const char *auth, struct vx_strbuf *out)
{
	struct sockaddr_in	sin;
	char			buf[4096];
	ssize_t			n;
	int			fd;

	vx_strbuf_init(out, 1024);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	n = snprintf(buf, sizeof(buf), "GET /metrics HTTP/1.0\r\n%s%s%s\r\n",
	    auth != NULL ? "Authorization: " : "", auth != NULL ? auth : "",
	    auth != NULL ? "\r\n" : "");
	assert_int_equal(write(fd, buf, (size_t)n), n);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		vx_strbuf_add(out, buf, (size_t)n);
	close(fd);
}

static void
test_check_over_http(void **state)
{
	static const struct {
		const char	*auth;
		int		 status;
	} cases[] = {
		{ NULL, 401 },
		{ "Basic YWxpY2U6YWwxY2UtcHc=", 200 },		/* alice:al1ce-pw */
		{ "basic   YWxpY2U6YWwxY2UtcHc=  ", 200 },
		{ "Basic YWxpY2U6d3Jvbmc=", 401 },		/* alice:wrong */
		{ "Basic bWFsbG9yeTphbDFjZS1wdw==", 401 },	/* mallory:al1ce-pw */
		{ "Basic YWxpY2VhbDFjZS1wdw==", 401 },		/* no colon */
		{ "Basic !!!!", 401 },
		{ "Basic ", 401 },
		{ "Bearer YWxpY2U6YWwxY2UtcHc=", 401 },
		{ "BasicYWxpY2U6YWwxY2UtcHc=", 401 },
		/* bob:b0b:with colon é: the password has a colon */
		{ "Basic Ym9iOmIwYjp3aXRoIGNvbG9uIMOp", 200 },
	};
	struct served		 s;
	struct MHD_Daemon	*d;
	const union MHD_DaemonInfo *di;
	struct sockaddr_in	 sin;
	struct vx_webcfg	*w;
	struct vx_webcfg_stats	 st;

	(void)state;
	w = load_ok("http_server_config:\n  headers:\n"
	    "    X-Frame-Options: sameorigin\n"
	    "    X-Content-Type-Options: nosniff\n" USERS_YAML);
	s.w = w;
	s.verified = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, &s,
	    MHD_OPTION_SOCK_ADDR, &sin, MHD_OPTION_END);
	assert_non_null(d);
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(di);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_strbuf	resp;
		char			line[64];
		const char		*p;

		fprintf(stderr, "case %zu\n", i);
		request(di->port, cases[i].auth, &resp);
		/* "HTTP/1.x 401 Unauthorized" */
		snprintf(line, sizeof(line), " %d ", cases[i].status);
		assert_true(resp.len > 13);
		assert_memory_equal(resp.buf + 8, line, strlen(line));
		assert_non_null(strstr(resp.buf,
		    "\r\nX-Frame-Options: sameorigin\r\n"));
		/* Sent once, though both the server and the file set it. */
		p = strstr(resp.buf, "\r\nX-Content-Type-Options: nosniff\r\n");
		assert_non_null(p);
		assert_null(strstr(p + 3, "X-Content-Type-Options"));
		if (cases[i].status == 401) {
			assert_non_null(strstr(resp.buf, "\r\nWWW-Authenticate: "
			    "Basic realm=\"vpn_exporter\"\r\n"));
			assert_non_null(strstr(resp.buf, "\r\n\r\nunauthorized\n"));
		} else {
			assert_null(strstr(resp.buf, "WWW-Authenticate"));
			assert_non_null(strstr(resp.buf, "\r\n\r\nok\n"));
		}
		vx_strbuf_release(&resp);
	}
	MHD_stop_daemon(d);
	/*
	 * Requests with bad syntax never reached bcrypt, and alice's second
	 * login came from the cache without going to vx_webcfg_verify().
	 */
	vx_webcfg_get_stats(w, &st);
	assert_int_equal(st.bcrypt_runs, 4);
	assert_int_equal(s.verified, 4);
	assert_int_equal(st.cache_hits, 1);
	vx_webcfg_free(w);
}

/* Every answer says nosniff, with or without a web config. */
static void
test_nosniff_always(void **state)
{
	struct MHD_Response	*r;
	const char		*v;

	(void)state;
	r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	assert_non_null(r);
	vx_webcfg_add_headers(NULL, r);
	v = MHD_get_response_header(r, "X-Content-Type-Options");
	assert_non_null(v);
	assert_string_equal(v, "nosniff");
	MHD_destroy_response(r);
}

/* Which changes need new TLS sessions (new daemons) on reload. */
static void
test_tls_same(void **state)
{
	static const char tls[] = "tls_server_config:\n"
	    "  cert_file: @F@/server.pem\n  key_file: @F@/server.key\n";
	struct vx_webcfg *a, *b, *users;

	(void)state;
	a = load_ok(tls);
	b = load_ok("http_server_config:\n  headers:\n"
	    "    X-Frame-Options: deny\n" "tls_server_config:\n"
	    "  cert_file: @F@/server.pem\n  key_file: @F@/server.key\n");
	users = load_ok(USERS_YAML);
	assert_true(vx_webcfg_tls_same(NULL, NULL));
	assert_true(vx_webcfg_tls_same(NULL, users));
	assert_true(vx_webcfg_tls_same(a, b));		/* headers only */
	assert_false(vx_webcfg_tls_same(a, NULL));
	assert_false(vx_webcfg_tls_same(users, b));
	vx_webcfg_free(a);
	a = load_ok("tls_server_config:\n"
	    "  cert_file: @F@/server.pem\n  key_file: @F@/server.key\n"
	    "  min_version: TLS13\n");
	assert_false(vx_webcfg_tls_same(a, b));		/* priorities */
	vx_webcfg_free(a);
	vx_webcfg_free(b);
	vx_webcfg_free(users);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_fixture),
		cmocka_unit_test(test_no_tls),
		cmocka_unit_test(test_tls_variants),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bad_hashes),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_missing_web_config),
		cmocka_unit_test(test_bcrypt),
		cmocka_unit_test(test_unknown_user_same_work),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_check_over_http),
		cmocka_unit_test(test_nosniff_always),
		cmocka_unit_test(test_tls_same),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
