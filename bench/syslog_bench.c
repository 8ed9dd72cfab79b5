/*
 * syslog_bench: syslog messages parsed and counted per second on one
 * core, through the listener's own path (vx_syslog_dispatch): header,
 * attribution among many devices, the vendor's parser, the device's
 * event store.  No sockets: what the kernel costs is measured by
 * syslog_bench.py against the running exporter.
 *
 *   syslog_bench [-n MESSAGES] [-d DEVICES] [-p PEERS]
 *
 * The messages cycle through a pool: ASA invalid-SPI events in RFC 3164
 * and RFC 5424, replays, ScreenOS bad-SPI events, other messages and
 * unknown senders.  Time is the thread's CPU time.  Prints one line:
 *   messages=N devices=N peers=N seconds=S per_second=N events=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "registry.h"
#include "syslog_listener.h"

#include "banned.h"

#define POOL	4096

/* This thread's CPU time: the machine may be shared, the core is ours. */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct msg {
	char	src[32];
	char	text[400];
	size_t	len;
};

static void
gen(struct msg *m, unsigned i, unsigned devices, unsigned peers)
{
	unsigned	d = i % devices, p = (i * 2654435761u) % peers;
	char		peer[32];

	snprintf(m->src, sizeof(m->src), "10.255.%u.%u", d / 250, d % 250 + 1);
	snprintf(peer, sizeof(peer), "172.%u.%u.%u", 16 + p / 65536 % 16,
	    p / 256 % 256, p % 256);
	switch (i % 10) {
	case 0: case 1: case 2: case 3:
		m->len = (size_t)snprintf(m->text, sizeof(m->text),
		    "<164>Nov 22 2026 19:14:36 asa-%u : %%ASA-4-402114: IPSEC: "
		    "Received an ESP packet (SPI= 0x%08X, sequence number= "
		    "0x1F) from %s to 192.0.2.1 with an invalid SPI.", d,
		    i * 7919u, peer);
		break;
	case 4: case 5:
		m->len = (size_t)snprintf(m->text, sizeof(m->text),
		    "<164>1 2026-11-22T19:14:36.526Z asa-%u - - - - "
		    "%%ASA-4-402114: IPSEC: Received an ESP packet (SPI= "
		    "0x%08X, sequence number= 0x1F) from %s to 192.0.2.1 with "
		    "an invalid SPI.", d, i * 7919u, peer);
		break;
	case 6:
		m->len = (size_t)snprintf(m->text, sizeof(m->text),
		    "<164>Nov 22 2026 19:14:36: %%ASA-4-402119: IPSEC: Received "
		    "an ESP packet (SPI= 0x%08X, sequence number= 0x5) from %s "
		    "(user= %s) to 192.0.2.1 that failed anti-replay checking.",
		    i, peer, peer);
		break;
	case 7:
		m->len = (size_t)snprintf(m->text, sizeof(m->text),
		    "<166>Nov 22 2026 19:14:36: %%ASA-6-302013: Built inbound "
		    "TCP connection %u for outside:%s/443 (%s/443) to "
		    "inside:10.1.1.1/51000 (10.1.1.1/51000)", i, peer, peer);
		break;
	case 8:
		m->len = (size_t)snprintf(m->text, sizeof(m->text),
		    "<166>Nov 22 2026 19:14:36: %%ASA-6-113019: Group = %s, "
		    "Username = %s, IP = %s, Session disconnected.", peer, peer,
		    peer);
		break;
	default:
		/* Nobody's. */
		snprintf(m->src, sizeof(m->src), "192.0.2.%u", i % 200 + 1);
		m->len = (size_t)snprintf(m->text, sizeof(m->text),
		    "<164>Nov 22 2026 19:14:36 intruder : %%ASA-4-402114: "
		    "IPSEC: Received an ESP packet (SPI= 0x%08X, sequence "
		    "number= 0x1F) from %s to 192.0.2.1 with an invalid SPI.",
		    i, peer);
		break;
	}
}

int
main(int argc, char **argv)
{
	unsigned long			 n = 2000000;
	unsigned			 devices = 100, peers = 2000;
	struct vx_syslog_listener	*l = vx_syslog_listener_new();
	struct vx_event_store		**stores;
	struct msg			*pool;
	struct vx_syslog_stats		 st;
	double				 t0, secs;
	int				 opt;

	while ((opt = getopt(argc, argv, "n:d:p:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			devices = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			peers = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: syslog_bench [-n MESSAGES] "
			    "[-d DEVICES] [-p PEERS]\n");
			return 2;
		}
	}
	if (devices == 0 || devices > 60000 || peers == 0 || l == NULL)
		return 2;
	vx_log_setup(stderr, VX_LOG_ERROR, VX_LOGFMT_LOGFMT);
	stores = calloc(devices, sizeof(*stores));
	pool = calloc(POOL, sizeof(*pool));
	if (stores == NULL || pool == NULL)
		return 1;
	for (unsigned d = 0; d < devices; d++) {
		char		 addr[32];
		const char	*a[] = { addr };

		snprintf(addr, sizeof(addr), "10.255.%u.%u", d / 250,
		    d % 250 + 1);
		stores[d] = vx_event_store_new();
		if (vx_syslog_route_add(l, "bench", a, 1, NULL, 0,
		    vx_syslog_parser_find("cisco_asa")->parse,
		    stores[d]) == NULL)
			return 1;
	}
	for (unsigned i = 0; i < POOL; i++)
		gen(&pool[i], i, devices, peers);
	/* Warm the stores with every peer, then time. */
	for (unsigned i = 0; i < POOL; i++)
		vx_syslog_dispatch(l, pool[i].src, pool[i].text, pool[i].len,
		    1);
	t0 = cpu_s();
	for (unsigned long i = 0; i < n; i++) {
		const struct msg *m = &pool[i % POOL];

		vx_syslog_dispatch(l, m->src, m->text, m->len, 2);
	}
	secs = cpu_s() - t0;
	vx_syslog_listener_stats(l, &st);
	printf("messages=%lu devices=%u peers=%u seconds=%.3f per_second=%.0f "
	    "events=%llu\n", n, devices, peers, secs, (double)n / secs,
	    (unsigned long long)st.messages[VX_SR_EVENT]);
	vx_syslog_listener_free(l);
	for (unsigned d = 0; d < devices; d++)
		vx_event_store_unref(stores[d]);
	free(stores);
	free(pool);
	return 0;
}
