/*
 * status_bench: how long /status takes for a large fleet, through the
 * same code as the HTTP handler (gather from the runtime, correlate the
 * SPIs of every pair, filter, sort, write), minus the socket.
 *
 *   status_bench [-d DEVICES] [-t TUNNELS_PER_DEVICE] [-n RUNS]
 *
 * Then the same pages through the exporter's real HTTP server on a
 * loopback port (time to the last byte of the answer).
 *
 * Synthetic snapshots (1,000 devices of 10 tunnels unless told
 * otherwise): devices 2k and 2k+1 are the two ends of their first tunnel,
 * every tenth pair with a one-sided rekey (a mismatch), each device with
 * a full invalid-SPI history.  Prints one line per case:
 *   case=NAME devices=N tunnels=N bytes=N best_ms=N mean_ms=N
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "runtime.h"
#include "status.h"

#include "banned.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
noop(void *state)
{
	(void)state;
}

static const struct vx_collector_ops bench_ops = {
	.name = "cisco_asa_snmp",
	.vendor = "cisco_asa",
	.reset = noop,
	.free = noop,
};

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL) {
		perror("strdup");
		exit(1);
	}
	return p;
}

/* The local address of device i's tunnels. */
static void
local_of(unsigned i, char *buf, size_t len)
{
	snprintf(buf, len, "10.%u.%u.1", i / 256, i % 256);
}

static struct vx_snapshot *
make_snapshot(const char *name, unsigned i, unsigned ntun, int64_t wall)
{
	struct vx_snapshot	*s = vx_snapshot_new(name);
	unsigned		 mate = i ^ 1u;
	char			 local[32], peer[32];

	if (s == NULL)
		exit(1);
	s->up = s->complete = true;
	s->collected_ms = wall;
	s->runs = vx_arena_alloc(&s->arena, sizeof(*s->runs));
	s->runs[0] = (struct vx_collector_run){ "cisco_asa_snmp", 150,
	    VX_E_OK };
	s->nruns = 1;
	vx_snapshot_add_threshold(s, "invalid_spi", "warning", 0.2);
	vx_snapshot_add_threshold(s, "sa_expiring", "warning", 120);
	vx_snapshot_set_dev(s, VX_DV_INVALID_SPI, 1000, VX_PRIO_NORMAL);
	local_of(i, local, sizeof(local));
	for (unsigned k = 0; k < ntun; k++) {
		struct vx_tunnel	*t;
		struct vx_sa		 sa = { 0, 0, true, true, VX_SA_ACTIVE,
					    NULL, NULL };
		/* Tunnel 0 goes to the mate; the others to 172.16.x.y. */
		uint32_t		 lo = i < mate ? i : mate;

		if (k == 0)
			local_of(mate, peer, sizeof(peer));
		else
			snprintf(peer, sizeof(peer), "172.%u.%u.%u",
			    16 + i / 4096, i / 16 % 256, k);
		t = vx_snapshot_tunnel(s, NULL, peer);
		vx_tunnel_set_attr(s, t, VX_TA_LOCAL_ADDR, local);
		if (k == 0) {
			/* Mates mirror each other's SPIs. */
			sa.spi_in = 0x10000000u + lo * 2 + (i == lo);
			sa.spi_out = 0x10000000u + lo * 2 + (i != lo);
			if (lo % 20 == 0 && i != lo)
				sa.spi_out = 0x7fff0000u + lo;
		} else {
			sa.spi_in = 0x20000000u + i * 64 + k;
			sa.spi_out = 0x40000000u + i * 64 + k;
		}
		vx_tunnel_add_sa(s, t, &sa);
		vx_tunnel_note_life_s(t, 100 + (int64_t)((i * 7 + k * 13) %
		    28800));
		vx_tunnel_count(s, t, VX_PART_WHOLE, VX_TC_PKTS_IN, 1000 + k,
		    0);
	}
	return s;
}

static struct vx_devtable *
make_table(unsigned ndev, unsigned ntun)
{
	struct vx_devtable	*t = calloc(1, sizeof(*t));
	int64_t			 wall = vx_now_wall_ms();

	t->devs = calloc(ndev, sizeof(*t->devs));
	atomic_init(&t->refs, 1);
	for (unsigned i = 0; i < ndev; i++) {
		struct vx_device_cfg	 c;
		struct vx_device	*d;
		char			 name[32];

		memset(&c, 0, sizeof(c));
		snprintf(name, sizeof(name), "asa-%04u", i);
		c.name = xstrdup(name);
		c.vendor = xstrdup("cisco_asa");
		c.address = xstrdup("127.0.0.1");
		c.interval_ms = 60000;
		c.timeout_ms = 10000;
		c.background = true;
		c.spi_mismatch_grace_ms = 1000;
		c.collectors = calloc(1, sizeof(*c.collectors));
		c.collectors[0].ops = &bench_ops;
		c.ncollectors = 1;
		d = vx_device_new(&c);
		if (d == NULL)
			exit(1);
		d->latest = make_snapshot(name, i, ntun, wall - 1500);
		d->latest_mono_ms = vx_now_mono_ms();
		for (unsigned k = 0; k < VX_DEVICE_SPI_HISTORY; k++)
			d->spi_hist[k] = (struct vx_counter_sample){
				wall - 60000 * (VX_DEVICE_SPI_HISTORY - k),
				1000 + (i % 5) * k * 60 };
		d->spi_hist_n = VX_DEVICE_SPI_HISTORY;
		t->devs[t->n++] = d;
		vx_strmap_put(&t->byname, d->cfg.name, strlen(d->cfg.name), d);
	}
	return t;
}

struct bench_case {
	const char	*name;
	bool		 json;
	const char	*args[4];	/* key, value, ... */
};

static void
run_case(struct vx_runtime *rt, const struct bench_case *bc, int runs,
    unsigned ndev, unsigned ntun)
{
	double	best = 1e18, sum = 0;
	size_t	bytes = 0;

	for (int r = 0; r < runs; r++) {
		struct vx_status_query	q;
		struct vx_status_view	v;
		struct vx_strbuf	sb;
		double			t0 = now_ms(), dt;

		vx_status_query_init(&q);
		for (int a = 0; a < 4 && bc->args[a] != NULL; a += 2)
			vx_status_query_arg(&q, bc->args[a], bc->args[a + 1]);
		vx_strbuf_init(&sb, 64 * 1024);
		if (vx_status_gather(&v, rt) != 0 ||
		    vx_status_select(&v, &q) != 0) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		if (bc->json)
			vx_status_json(&sb, &v);
		else
			vx_status_html(&sb, &v, &q);
		vx_status_release(&v);
		dt = now_ms() - t0;
		bytes = sb.len;
		vx_strbuf_release(&sb);
		if (dt < best)
			best = dt;
		sum += dt;
	}
	printf("case=%s devices=%u tunnels=%u bytes=%zu best_ms=%.1f "
	    "mean_ms=%.1f\n", bc->name, ndev, ndev * ntun, bytes, best,
	    sum / runs);
}

/* A free loopback TCP port (bound, read, released). */
static int
free_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof(sa);
	int			fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("free_port");
		exit(1);
	}
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* GET path over HTTP/1.0; returns the bytes received. */
static size_t
http_get(int port, const char *path)
{
	struct sockaddr_in	sa;
	char			req[256], buf[65536];
	size_t			total = 0;
	ssize_t			n;
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("connect");
		exit(1);
	}
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
	if (write(fd, req, (size_t)n) != n) {
		perror("write");
		exit(1);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	close(fd);
	if (total < 12 || n < 0) {
		fprintf(stderr, "GET %s: short answer\n", path);
		exit(1);
	}
	return total;
}

static void
run_http(struct vx_runtime *rt, int runs, unsigned ndev, unsigned ntun)
{
	static const char *const paths[][2] = {
		{ "http_html_all", "/status?limit=0" },
		{ "http_html_default", "/status" },
		{ "http_html_device", "/status?device=asa-0042" },
		{ "http_json_all", "/status.json" },
	};
	struct vx_http_opts	 o;
	struct vx_http		*h;
	struct vx_err		 err;
	char			 listen[32];
	const char		*listens[1] = { listen };
	int			 port = free_port();

	memset(&o, 0, sizeof(o));
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	o.listen = listens;
	o.nlisten = 1;
	o.probe_workers = 4;
	o.metrics_path = "/metrics";
	o.version = "bench";
	o.revision = "bench";
	vx_err_clear(&err);
	h = vx_http_start(&o, rt, &err);
	if (h == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		double	best = 1e18, sum = 0;
		size_t	bytes = 0;

		for (int r = 0; r < runs; r++) {
			double t0 = now_ms(), dt;

			bytes = http_get(port, paths[i][1]);
			dt = now_ms() - t0;
			if (dt < best)
				best = dt;
			sum += dt;
		}
		printf("case=%s devices=%u tunnels=%u bytes=%zu best_ms=%.1f "
		    "mean_ms=%.1f\n", paths[i][0], ndev, ndev * ntun, bytes,
		    best, sum / runs);
	}
	vx_http_stop(h);
}

int
main(int argc, char **argv)
{
	static const struct bench_case cases[] = {
		{ "html_all", false, { "limit", "0" } },
		{ "html_default", false, { NULL } },
		{ "html_device", false, { "device", "asa-0042" } },
		{ "html_problems", false, { "problems", "1", "sort", "spi" } },
		{ "json_all", true, { "limit", "0" } },
	};
	unsigned		 ndev = 1000, ntun = 10;
	int			 runs = 10, ch;
	struct vx_runtime	 rt;

	while ((ch = getopt(argc, argv, "d:t:n:")) != -1) {
		switch (ch) {
		case 'd':
			ndev = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 't':
			ntun = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			runs = (int)strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: status_bench [-d DEVICES] "
			    "[-t TUNNELS] [-n RUNS]\n");
			return 2;
		}
	}
	if (ndev < 2 || ntun < 1 || runs < 1)
		return 2;
	vx_runtime_init(&rt, "status_bench", NULL);
	rt.table = make_table(ndev, ntun);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&rt, &cases[i], runs, ndev, ntun);
	run_http(&rt, runs, ndev, ntun);
	vx_runtime_release(&rt);
	return 0;
}
