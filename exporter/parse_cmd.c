/*
 * "vpn_exporter parse": runs one of the pure parsers on device output
 * pasted into a file or stdin and prints the metrics it yields, so users
 * can check what the exporter makes of their device without a device.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "render.h"
#include "strbuf.h"

static const char parse_usage[] =
"usage: vpn_exporter parse --vendor VENDOR --command 'COMMAND'\n"
"                          [--device NAME] [--format text|openmetrics]\n"
"                          [FILE|-]\n"
"\n"
"Reads device output (stdin if FILE is '-' or absent) and prints the\n"
"metrics it yields.  For SNMP, give 'snmpwalk -On' output with\n"
"--command snmpwalk.\n";

static void
list_parsers(FILE *f)
{
	fprintf(f, "known vendor / command pairs:\n");
	for (size_t t = 0; vx_parser_tables[t] != NULL; t++) {
		const struct vx_parser *p = vx_parser_tables[t];

		for (size_t i = 0; p[i].vendor != NULL; i++)
			fprintf(f, "  --vendor %s --command '%s'\n",
			    p[i].vendor, p[i].command);
	}
}

static int
read_all(FILE *f, struct vx_strbuf *sb)
{
	char	buf[65536];
	size_t	n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		vx_strbuf_add(sb, buf, n);
	return ferror(f) || sb->failed ? -1 : 0;
}

int
vx_cli_parse_cmd(int argc, char **argv)
{
	const char		*vendor = NULL, *command = NULL, *file = NULL;
	const char		*device = "offline";
	enum vx_format		 fmt = VX_FMT_TEXT;
	const struct vx_parser	*p;
	struct vx_strbuf	 in, out;
	struct vx_snapshot	*snap;
	struct vx_err		 err;
	FILE			*f = stdin;
	int			 rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(parse_usage, stdout);
			list_parsers(stdout);
			return 0;
		}
		if ((strcmp(a, "--vendor") == 0 || strcmp(a, "--command") == 0 ||
		    strcmp(a, "--device") == 0 || strcmp(a, "--format") == 0) &&
		    i + 1 < argc) {
			const char *v = argv[++i];

			if (a[2] == 'v')
				vendor = v;
			else if (a[2] == 'c')
				command = v;
			else if (a[2] == 'd')
				device = v;
			else if (strcmp(v, "openmetrics") == 0)
				fmt = VX_FMT_OPENMETRICS;
			else if (strcmp(v, "text") != 0) {
				fprintf(stderr, "vpn_exporter parse: unknown "
				    "--format '%s' (text, openmetrics)\n", v);
				return 2;
			}
		} else if (strncmp(a, "--vendor=", 9) == 0) {
			vendor = a + 9;
		} else if (strncmp(a, "--command=", 10) == 0) {
			command = a + 10;
		} else if (strncmp(a, "--device=", 9) == 0) {
			device = a + 9;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "vpn_exporter parse: unknown flag '%s'\n"
			    "%s", a, parse_usage);
			return 2;
		} else if (file == NULL) {
			file = a;
		} else {
			fprintf(stderr, "vpn_exporter parse: one input file at "
			    "most\n");
			return 2;
		}
	}
	if (vendor == NULL || command == NULL) {
		fprintf(stderr, "vpn_exporter parse: --vendor and --command are "
		    "required\n%s", parse_usage);
		list_parsers(stderr);
		return 2;
	}
	p = vx_parser_find(vendor, command);
	if (p == NULL) {
		fprintf(stderr, "vpn_exporter parse: no parser for vendor '%s' "
		    "and command '%s'\n", vendor, command);
		list_parsers(stderr);
		return 2;
	}
	if (file != NULL && strcmp(file, "-") == 0)
		file = NULL;
	if (file != NULL) {
		f = fopen(file, "rb");
		if (f == NULL) {
			fprintf(stderr, "vpn_exporter parse: %s: %s\n", file,
			    strerror(errno));
			return 1;
		}
	}
	vx_strbuf_init(&in, 65536);
	rc = read_all(f, &in);
	if (f != stdin)
		fclose(f);
	if (rc != 0) {
		fprintf(stderr, "vpn_exporter parse: cannot read %s\n",
		    file != NULL ? file : "stdin");
		vx_strbuf_release(&in);
		return 1;
	}
	snap = vx_snapshot_new(device);
	if (snap == NULL) {
		vx_strbuf_release(&in);
		return 1;
	}
	vx_err_clear(&err);
	rc = p->parse(in.buf, in.len, snap, &err);
	vx_strbuf_release(&in);
	if (rc != 0) {
		fprintf(stderr, "vpn_exporter parse: %s: %s: %s\n",
		    file != NULL ? file : "stdin", vx_errcode_reason(err.code),
		    err.msg);
		vx_snapshot_unref(snap);
		return 1;
	}
	snap->up = true;
	vx_strbuf_init(&out, 65536);
	vx_render(&out, fmt, &snap, 1, NULL);
	vx_snapshot_unref(snap);
	fwrite(out.buf, 1, out.len, stdout);
	rc = out.failed ? 1 : 0;
	vx_strbuf_release(&out);
	return rc;
}
