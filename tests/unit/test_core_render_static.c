/*
 * render.c's static helpers, reached by compiling render.c into this test
 * (the vx_core copy of render.o is then never linked in).  HELP escaping
 * differs between the formats (OpenMetrics also escapes '"'), but no
 * shipped HELP text has a quote, backslash or newline to show it; and the
 * metric table must keep the suffixes the OpenMetrics names are cut from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "render.c"

struct help_case {
	const char	*in;
	const char	*text;	/* 0.0.4: \ and newline escaped */
	const char	*om;	/* OpenMetrics: also " */
};

static void
test_help_escaping(void **state)
{
	static const struct help_case cases[] = {
		{ "plain text.", "plain text.", "plain text." },
		{ "a \"quoted\" word", "a \"quoted\" word",
		    "a \\\"quoted\\\" word" },
		{ "back\\slash", "back\\\\slash", "back\\\\slash" },
		{ "two\nlines", "two\\nlines", "two\\nlines" },
		{ "\\\"\n", "\\\\\"\\n", "\\\\\\\"\\n" },
		{ "", "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_strbuf t, o;

		vx_strbuf_init(&t, 0);
		vx_strbuf_init(&o, 0);
		add_help_escaped(&t, cases[i].in, VX_FMT_TEXT);
		add_help_escaped(&o, cases[i].in, VX_FMT_OPENMETRICS);
		if (strcmp(t.buf, cases[i].text) != 0)
			fail_msg("case %zu text: got '%s', want '%s'", i, t.buf,
			    cases[i].text);
		if (strcmp(o.buf, cases[i].om) != 0)
			fail_msg("case %zu om: got '%s', want '%s'", i, o.buf,
			    cases[i].om);
		vx_strbuf_release(&t);
		vx_strbuf_release(&o);
	}
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls > lx && strcmp(s + ls - lx, suffix) == 0;
}

/*
 * Counters end in _total and info metrics in _info (the OpenMetrics family
 * name is cut from them); gauges end in neither.  Names are valid and
 * unique, and HELP texts are non-empty single lines.
 */
static void
test_metric_table(void **state)
{
	(void)state;
	for (int id = 0; id < M__COUNT; id++) {
		const char *name = metrics[id].name;

		if (metrics[id].type == T_COUNTER && !ends_with(name, "_total"))
			fail_msg("counter %s lacks _total", name);
		if (metrics[id].type == T_INFO && !ends_with(name, "_info"))
			fail_msg("info %s lacks _info", name);
		if (metrics[id].type == T_GAUGE && (ends_with(name, "_total") ||
		    ends_with(name, "_info")))
			fail_msg("gauge %s has a counter/info suffix", name);
		for (const char *p = name; *p; p++) {
			if (!((*p >= 'a' && *p <= 'z') || *p == '_' ||
			    (p != name && *p >= '0' && *p <= '9')))
				fail_msg("metric name %s", name);
		}
		if (metrics[id].help[0] == '\0' ||
		    strchr(metrics[id].help, '\n') != NULL)
			fail_msg("help of %s", name);
		for (int o = id + 1; o < M__COUNT; o++) {
			if (strcmp(name, metrics[o].name) == 0)
				fail_msg("%s twice", name);
		}
	}
}

/* Family names per format, for every metric. */
static void
test_family_names(void **state)
{
	(void)state;
	for (int id = 0; id < M__COUNT; id++) {
		struct vx_strbuf	t, o;
		const char		*name = metrics[id].name;
		size_t			 cut = 0;

		if (metrics[id].type == T_COUNTER)
			cut = strlen("_total");
		else if (metrics[id].type == T_INFO)
			cut = strlen("_info");
		vx_strbuf_init(&t, 0);
		vx_strbuf_init(&o, 0);
		add_family_name(&t, (enum metric_id)id, VX_FMT_TEXT);
		add_family_name(&o, (enum metric_id)id, VX_FMT_OPENMETRICS);
		if (strcmp(t.buf, name) != 0)
			fail_msg("%s: text family '%s'", name, t.buf);
		if (o.len != strlen(name) - cut ||
		    strncmp(o.buf, name, o.len) != 0)
			fail_msg("%s: OpenMetrics family '%s'", name, o.buf);
		vx_strbuf_release(&t);
		vx_strbuf_release(&o);
	}
}

/* Label names: the exporter's own are reserved, and valid as names. */
static void
test_label_names(void **state)
{
	static const struct {
		const char	*name;
		bool		 valid;
		bool		 reserved;
	} cases[] = {
		{ "site", true, false }, { "Site_2", true, false },
		{ "_x", true, false }, { "a", true, false },
		{ "__name__", false, false }, { "__x", false, false },
		{ "", false, false }, { "2site", false, false },
		{ "si-te", false, false }, { "si te", false, false },
		{ "s\xc3\xa9", false, false }, { "a.b", false, false },
		{ "device", true, true }, { "tunnel", true, true },
		{ "peer", true, true }, { "collector", true, true },
		{ "reason", true, true }, { "section", true, true },
		{ "direction", true, true }, { "type", true, true },
		{ "spi_in", true, true }, { "spi_out", true, true },
		{ "state", true, true }, { "version", true, true },
		{ "role", true, true }, { "local_address", true, true },
		{ "ike_version", true, true }, { "nat_t", true, true },
		{ "interface", true, true }, { "crypto_map", true, true },
		{ "mode", true, true }, { "instance", true, true },
		{ "job", true, true }, { "Device", true, false },
		{ "local_ident", true, true }, { "remote_ident", true, true },
		{ "alert", true, true }, { "severity", true, true },
		{ "peer_device", true, true },
		{ "vpn_ike_sa_state", true, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (vx_label_name_valid(cases[i].name) != cases[i].valid)
			fail_msg("case %zu '%s': valid %d", i, cases[i].name,
			    !cases[i].valid);
		if (vx_label_name_reserved(cases[i].name) != cases[i].reserved)
			fail_msg("case %zu '%s': reserved %d", i,
			    cases[i].name, !cases[i].reserved);
	}
	/* Every label the renderer writes is reserved. */
	for (int a = 0; a < VX_TA__COUNT; a++)
		assert_true(vx_label_name_reserved(
		    label_names[tun_attr_label[a]]));
	for (int a = 0; a < VX_IA__COUNT; a++)
		assert_true(vx_label_name_reserved(
		    label_names[ike_attr_label[a]]));
	for (int c = 0; c < VX_TC__COUNT; c++)
		assert_true(vx_label_name_reserved(
		    label_names[tun_ctr_map[c].label]));
	for (int d = 0; d < VX_DV__COUNT; d++) {
		if (dev_val_map[d].label != L_NONE)
			assert_true(vx_label_name_reserved(
			    label_names[dev_val_map[d].label]));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_escaping),
		cmocka_unit_test(test_metric_table),
		cmocka_unit_test(test_family_names),
		cmocka_unit_test(test_label_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
