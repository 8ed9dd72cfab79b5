/*
 * render_bench: what a /metrics scrape costs the exporter for a given
 * number of series, without the network: the SPI correlation across
 * devices, the rendering of the exposition text and its gzip compression,
 * as exporter/http.c does them for /metrics; then the same in one pass (a
 * /probe answer); then with the render cache.
 *
 * The snapshots look like what cisco_asa_snmp makes of an ASA: per
 * tunnel its up, info, lifetime and rekey series, one or two SA pairs,
 * packet, byte and seven error counters, and per peer an IKE SA with its
 * state set, lifetime and info (about 24 series a tunnel).
 *
 *   render_bench --series 100000 [--devices 1] [--runs 20]
 *
 * Prints one line of figures (median of the runs).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "correlate.h"
#include "gzip.h"
#include "model.h"
#include "render.h"
#include "strbuf.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct vx_snapshot *
make_device(int dev, size_t tunnels)
{
	char			 name[32];
	struct vx_snapshot	*s;
	static const enum vx_tun_ctr ctrs[] = {
		VX_TC_PKTS_IN, VX_TC_PKTS_OUT, VX_TC_BYTES_IN,
		VX_TC_BYTES_OUT, VX_TC_ERR_DECRYPT, VX_TC_ERR_ENCRYPT,
		VX_TC_ERR_AUTH, VX_TC_ERR_AUTH_OUT, VX_TC_ERR_REPLAY,
		VX_TC_ERR_DROP_IN, VX_TC_ERR_DROP_OUT,
	};

	snprintf(name, sizeof(name), "asa-%04d", dev);
	s = vx_snapshot_new(name);
	if (s == NULL)
		return NULL;
	s->up = s->complete = true;
	s->collected_ms = 1765000000000;
	s->runs = vx_arena_alloc(&s->arena, sizeof(*s->runs));
	s->runs[0] = (struct vx_collector_run){ "cisco_asa_snmp", 321,
	    VX_E_OK, 1437, true };
	s->nruns = 1;
	vx_snapshot_add_label(s, "site", "fra1");
	for (int v = 0; v < VX_DV__COUNT; v++)
		vx_snapshot_set_dev(s, (enum vx_dev_val)v, 1000u + (unsigned)v,
		    VX_PRIO_NORMAL);
	s->ike_known = true;
	for (size_t k = 0; k < tunnels; k++) {
		char			 peer[32];
		struct vx_tunnel	*t;
		struct vx_ike_sa	*ike;
		uint32_t		 spi = (uint32_t)(k * 2654435761u);

		snprintf(peer, sizeof(peer), "198.%zu.%zu.%zu", 18 + k / 65536,
		    k / 256 % 256, k % 256);
		t = vx_snapshot_tunnel(s, NULL, peer);
		for (size_t c = 0; c < sizeof(ctrs) / sizeof(ctrs[0]); c++)
			vx_tunnel_add(t, ctrs[c], (uint64_t)k * 1234567 + c);
		vx_tunnel_note_life_s(t, 20000 + (int64_t)k % 8000);
		vx_tunnel_set_attr(s, t, VX_TA_LOCAL_ADDR, "192.0.2.1");
		vx_tunnel_add_sa(s, t, &(struct vx_sa){ spi, spi ^ 0x5a5a5a5a,
		    true, true, VX_SA_ACTIVE, NULL, NULL });
		if (k % 10 == 0)
			vx_tunnel_add_sa(s, t, &(struct vx_sa){ spi + 1,
			    spi ^ 0xa5a5a5a5, true, true, VX_SA_EXPIRING, NULL,
			    NULL });
		t->rekeys = k % 17;
		t->rekeys_set = true;
		ike = vx_snapshot_ike_sa(s, peer);
		ike->up = true;
		ike->state = VX_IKE_ESTABLISHED;
		ike->life_s = 80000;
		ike->life_s_set = true;
		vx_ike_sa_set_attr(s, ike, VX_IA_LOCAL_ADDR, "192.0.2.1");
	}
	return s;
}

static size_t
count_series(const char *text, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || text[i - 1] == '\n') && text[i] != '#')
			n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "series", required_argument, NULL, 's' },
		{ "devices", required_argument, NULL, 'd' },
		{ "runs", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	size_t			 series = 100000, ndev = 1, runs = 20;
	struct vx_snapshot	**snaps;
	struct vx_corr_dev	*cdevs;
	struct vx_correlator	 corr;
	double			*t_corr, *t_render, *t_gzip, *t_total;
	size_t			 bytes = 0, zbytes = 0, nseries = 0;
	int			 ch;

	while ((ch = getopt_long(argc, argv, "s:d:r:", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			series = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			ndev = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			runs = strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: render_bench [--series N] "
			    "[--devices N] [--runs N]\n");
			return 2;
		}
	}
	if (ndev == 0 || runs == 0)
		return 2;
	snaps = calloc(ndev, sizeof(*snaps));
	cdevs = calloc(ndev, sizeof(*cdevs));
	t_corr = calloc(runs, sizeof(double));
	t_render = calloc(runs, sizeof(double));
	t_gzip = calloc(runs, sizeof(double));
	t_total = calloc(runs, sizeof(double));
	if (snaps == NULL || cdevs == NULL || t_corr == NULL ||
	    t_render == NULL || t_gzip == NULL || t_total == NULL)
		return 1;
	for (size_t i = 0; i < ndev; i++) {
		/* About 24 series per tunnel, plus the device's own. */
		snaps[i] = make_device((int)i, series / ndev / 24);
		if (snaps[i] == NULL)
			return 1;
		cdevs[i].name = snaps[i]->device;
		cdevs[i].snap = snaps[i];
		cdevs[i].grace_ms = 120000;
		cdevs[i].wanted = true;
	}
	vx_correlator_init(&corr);
	/* Without the render cache: render everything, then compress it. */
	for (size_t r = 0; r < runs; r++) {
		struct vx_strbuf	 sb;
		struct vx_spi_check	*checks;
		size_t			 nchecks, zlen;
		char			*z;
		double			 t0 = now_ms(), t1, t2, t3;

		checks = vx_correlate(&corr, cdevs, ndev, 1765000000000,
		    &nchecks);
		t1 = now_ms();
		vx_strbuf_init(&sb, 64 * 1024);
		vx_render_ex(&sb, VX_FMT_TEXT, snaps, ndev, checks, nchecks,
		    NULL);
		t2 = now_ms();
		z = vx_gzip(sb.buf, sb.len, &zlen);
		t3 = now_ms();
		if (z == NULL || sb.failed)
			return 1;
		t_corr[r] = t1 - t0;
		t_render[r] = t2 - t1;
		t_gzip[r] = t3 - t2;
		t_total[r] = t3 - t0;
		bytes = sb.len;
		zbytes = zlen;
		if (r == 0)
			nseries = count_series(sb.buf, sb.len);
		free(z);
		free(checks);
		vx_strbuf_release(&sb);
	}
	qsort(t_corr, runs, sizeof(double), cmp_double);
	qsort(t_render, runs, sizeof(double), cmp_double);
	qsort(t_gzip, runs, sizeof(double), cmp_double);
	qsort(t_total, runs, sizeof(double), cmp_double);
	printf("fresh    devices=%zu series=%zu bytes=%zu gzip_bytes=%zu "
	    "runs=%zu correlate_ms=%.1f render_ms=%.1f gzip_ms=%.1f "
	    "total_ms=%.1f (median; best %.1f)\n", ndev, nseries, bytes,
	    zbytes, runs, t_corr[runs / 2], t_render[runs / 2],
	    t_gzip[runs / 2], t_total[runs / 2], t_total[0]);

	/*
	 * Still without it, but rendered and compressed in one pass, as a
	 * /probe answer (a device polled for it has no cache) to a client
	 * that takes gzip, as Prometheus does.
	 */
	for (size_t r = 0; r < runs; r++) {
		struct vx_strbuf	 sb;
		double			 t0 = now_ms();

		vx_strbuf_init(&sb, 64 * 1024);
		vx_render_gzip(&sb, VX_FMT_TEXT, snaps, ndev, NULL, 0, NULL);
		t_total[r] = now_ms() - t0;
		if (sb.failed)
			return 1;
		zbytes = sb.len;
		vx_strbuf_release(&sb);
	}
	qsort(t_total, runs, sizeof(double), cmp_double);
	printf("streamed devices=%zu series=%zu gzip_bytes=%zu runs=%zu "
	    "render_gzip_ms=%.2f (median; best %.2f)\n", ndev, nseries,
	    zbytes, runs, t_total[runs / 2], t_total[0]);

	/*
	 * With it, as /metrics serves background devices: each snapshot's
	 * samples are compressed once when it is published (timed here as
	 * "build"), and a scrape copies them.
	 */
	{
		double t0 = now_ms();

		for (size_t i = 0; i < ndev; i++) {
			if (vx_render_cache_build(snaps[i]) != 0)
				return 1;
		}
		t_render[0] = now_ms() - t0;
	}
	printf("cache    build_ms=%.1f (once per poll, in the poll workers)\n",
	    t_render[0]);
	for (size_t r = 0; r < runs; r++) {
		struct vx_strbuf	 sb;
		struct vx_spi_check	*checks;
		size_t			 nchecks;
		double			 t0 = now_ms(), t1, t2;

		checks = vx_correlate(&corr, cdevs, ndev, 1765000000000,
		    &nchecks);
		t1 = now_ms();
		vx_strbuf_init(&sb, 64 * 1024);
		vx_render_gzip(&sb, VX_FMT_TEXT, snaps, ndev, checks, nchecks,
		    NULL);
		t2 = now_ms();
		if (sb.failed)
			return 1;
		t_corr[r] = t1 - t0;
		t_gzip[r] = t2 - t1;
		t_total[r] = t2 - t0;
		zbytes = sb.len;
		free(checks);
		vx_strbuf_release(&sb);
	}
	qsort(t_corr, runs, sizeof(double), cmp_double);
	qsort(t_gzip, runs, sizeof(double), cmp_double);
	qsort(t_total, runs, sizeof(double), cmp_double);
	printf("cached   devices=%zu series=%zu gzip_bytes=%zu runs=%zu "
	    "correlate_ms=%.1f render_gzip_ms=%.1f total_ms=%.1f (median; "
	    "best %.1f)\n", ndev, nseries, zbytes, runs, t_corr[runs / 2],
	    t_gzip[runs / 2], t_total[runs / 2], t_total[0]);
	vx_correlator_release(&corr);
	for (size_t i = 0; i < ndev; i++)
		vx_snapshot_unref(snaps[i]);
	free(snaps);
	free(cdevs);
	free(t_corr);
	free(t_render);
	free(t_gzip);
	free(t_total);
	return 0;
}
