/*
 * screenos_bench: how long the ScreenOS readers take on a big firewall:
 * "get sa" and "get sa stat" of N SA ids (5,000 unless told otherwise,
 * two rows each) read and built into the model with the counters, and
 * the "snmpwalk -On" of the same nsVpnMonTable (17 columns a row) read
 * and mapped.  Pure CPU: no device, no transport.
 *
 *   screenos_bench [-n SAS] [-r RUNS]
 *
 * Prints one line per input:
 *   input=NAME sas=N bytes=N runs=N best_ms=N mean_ms=N mb_per_s=N tunnels=N
 * mb_per_s is computed from the best run (MB = 10^6 bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "screenos.h"
#include "strbuf.h"

#include "banned.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
gen_sa(struct vx_strbuf *sa, struct vx_strbuf *stat, unsigned n)
{
	vx_strbuf_addf(sa, "total configured sa: %u\nHEX ID    Gateway    "
	    "     Port Algorithm     SPI      Life:sec kb Sta   PID vsys\n", n);
	vx_strbuf_addf(stat, "total configured sa: %u\nHEX ID Gateway "
	    "Fragment Auth-Fail Other Totalbytes\n", n);
	for (unsigned i = 1; i <= n; i++) {
		unsigned	a = i >> 16 & 255, b = i >> 8 & 255, c = i & 255;
		uint32_t	in = 0x10000000u + i * 2654435761u % 0x0fffffffu;
		uint32_t	out = 0x80000000u + i * 2246822519u % 0x0fffffffu;

		for (int d = 0; d < 2; d++) {
			vx_strbuf_addf(sa, "%08x%c %9s10.%u.%u.%u  500 "
			    "esp:a128/sha1 %08x  %4u unlim A/-    -1 0\n", i,
			    d ? '>' : '<', "", a, b, c, d ? out : in,
			    600 + i % 3000);
			vx_strbuf_addf(stat, "%08x%c 10.%u.%u.%u 0 %u 0 %u\n", i,
			    d ? '>' : '<', a, b, c, i % 5, 1000u * i + 17);
		}
	}
}

static void
gen_walk(struct vx_strbuf *w, unsigned n)
{
	static const char *const pre = ".1.3.6.1.4.1.3224.4.1.1.1";

	for (unsigned col = 0; col < screenos_snmp_ncols; col++) {
		unsigned c = screenos_snmp_cols[col];

		for (unsigned i = 1; i <= n; i++) {
			unsigned a = i >> 16 & 255, b = i >> 8 & 255, d = i & 255;
			int32_t	 in = (int32_t)(0x10000000u + i * 2654435761u %
				    0x0fffffffu);
			int32_t	 out = (int32_t)(0x80000000u + i * 2246822519u %
				    0x0fffffffu);

			vx_strbuf_addf(w, "%s.%u.%u = ", pre, c, i);
			switch (c) {
			case 4:
				vx_strbuf_addf(w, "STRING: \"vpn-%u\"\n", i);
				break;
			case 13:
				vx_strbuf_addf(w, "IpAddress: 10.%u.%u.%u\n", a,
				    b, d);
				break;
			case 15:
				vx_strbuf_addf(w, "IpAddress: 198.51.100.1\n");
				break;
			case 17:
				vx_strbuf_addf(w, "INTEGER: %d\n", out);
				break;
			case 18:
				vx_strbuf_addf(w, "INTEGER: %d\n", in);
				break;
			case 22: case 24:
				vx_strbuf_addf(w, "INTEGER: %u\n", 600 + i % 3000);
				break;
			case 25:
				vx_strbuf_addf(w, "INTEGER: -1\n");
				break;
			case 29:
				vx_strbuf_addf(w, "INTEGER: %u\n", i);
				break;
			case 35: case 36: case 37: case 38:
				vx_strbuf_addf(w, "Counter32: %u\n", 1000u * i + c);
				break;
			default:
				vx_strbuf_addf(w, "INTEGER: 1\n");
				break;
			}
		}
	}
}

typedef size_t (*run_fn)(const struct vx_strbuf *a,
	    const struct vx_strbuf *b);

static size_t
run_cli(const struct vx_strbuf *sa_text, const struct vx_strbuf *stat_text)
{
	struct screenos_sa_rows		 sa;
	struct screenos_stat_rows	 st;
	struct vx_snapshot		*s = vx_snapshot_new("bench");
	struct vx_err			 err;
	size_t				 n;

	if (s == NULL || screenos_read_sa(sa_text->buf, sa_text->len, &sa,
	    &err) != 0 || screenos_read_stat(stat_text->buf, stat_text->len,
	    &st, &err) != 0 || screenos_build(s, &sa, &st, NULL, NULL,
	    &err) != 0) {
		fprintf(stderr, "screenos_bench: %s\n", err.msg);
		exit(1);
	}
	n = s->ntunnels;
	screenos_sa_rows_release(&sa);
	screenos_stat_rows_release(&st);
	vx_snapshot_unref(s);
	return n;
}

static size_t
run_walk(const struct vx_strbuf *walk, const struct vx_strbuf *unused)
{
	struct vx_snapshot	*s = vx_snapshot_new("bench");
	struct vx_err		 err;
	size_t			 n;

	(void)unused;
	if (s == NULL || screenos_parse_snmpwalk(walk->buf, walk->len, s,
	    &err) != 0) {
		fprintf(stderr, "screenos_bench: %s\n", err.msg);
		exit(1);
	}
	n = s->ntunnels;
	vx_snapshot_unref(s);
	return n;
}

static void
measure(const char *name, run_fn fn, const struct vx_strbuf *a,
    const struct vx_strbuf *b, unsigned sas, unsigned runs)
{
	double	best = 1e300, total = 0;
	size_t	tunnels = 0, bytes = a->len + (b != NULL ? b->len : 0);

	for (unsigned r = 0; r < runs; r++) {
		double t0 = now_ms(), dt;

		tunnels = fn(a, b);
		dt = now_ms() - t0;
		total += dt;
		if (dt < best)
			best = dt;
	}
	printf("input=%s sas=%u bytes=%zu runs=%u best_ms=%.2f mean_ms=%.2f "
	    "mb_per_s=%.0f tunnels=%zu\n", name, sas, bytes, runs, best,
	    total / runs, (double)bytes / 1e3 / best, tunnels);
}

int
main(int argc, char **argv)
{
	unsigned		sas = 5000, runs = 10;
	struct vx_strbuf	sa, stat, walk;
	int			c;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		if (c == 'n')
			sas = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 'r')
			runs = (unsigned)strtoul(optarg, NULL, 10);
		else {
			fprintf(stderr, "usage: screenos_bench [-n SAS] "
			    "[-r RUNS]\n");
			return 2;
		}
	}
	if (sas == 0 || sas > 65535 || runs == 0) {
		fprintf(stderr, "screenos_bench: 1..65535 SAs, 1+ runs\n");
		return 2;
	}
	vx_strbuf_init(&sa, 0);
	vx_strbuf_init(&stat, 0);
	vx_strbuf_init(&walk, 0);
	gen_sa(&sa, &stat, sas);
	gen_walk(&walk, sas);
	measure("get_sa+get_sa_stat", run_cli, &sa, &stat, sas, runs);
	measure("snmpwalk", run_walk, &walk, NULL, sas, runs);
	vx_strbuf_release(&sa);
	vx_strbuf_release(&stat);
	vx_strbuf_release(&walk);
	return 0;
}
