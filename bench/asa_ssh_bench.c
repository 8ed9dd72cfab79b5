/*
 * asa_parse_bench: throughput of asa_parse_ipsec_sa() on a synthetic
 * "show crypto ipsec sa" of an ASA with many L2L peers (10,000 unless
 * told otherwise), in the 9.x format of the lab scenario
 * (tests/fixtures/asa_cli/lab/show_crypto_ipsec_sa.txt).
 *
 *   asa_parse_bench [-p PEERS] [-n RUNS] [-o FILE]
 *
 * -o also writes the generated text to FILE (the SSH part of the
 * benchmark replays it through the emulator).  Prints one line:
 *   peers=N bytes=N runs=N best_ms=N mean_ms=N mb_per_s=N tunnels=N
 * mb_per_s is computed from the best run (MB = 10^6 bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asa_cli.h"
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
gen_peer(struct vx_strbuf *sb, unsigned i)
{
	unsigned	a = 10 + i / 65536, b = (i / 256) % 256, c = i % 256;
	uint32_t	spi_in = 0x10000000u + i * 2654435761u % 0x0fffffffu;
	uint32_t	spi_out = 0x80000000u + i * 2246822519u % 0x0fffffffu;
	unsigned	seq = i + 1;
	unsigned long	enc = 100000ul + i * 37ul, dec = 90000ul + i * 41ul;

	vx_strbuf_addf(sb,
	    "    Crypto map tag: outside_map, seq num: %u, local addr: "
	    "192.0.2.1\n\n"
	    "      access-list outside_cryptomap_%u extended permit ip "
	    "10.0.0.0 255.0.0.0 172.%u.%u.0 255.255.255.0\n"
	    "      local ident (addr/mask/prot/port): "
	    "(10.0.0.0/255.0.0.0/0/0)\n"
	    "      remote ident (addr/mask/prot/port): "
	    "(172.%u.%u.0/255.255.255.0/0/0)\n"
	    "      current_peer: %u.%u.%u.7\n\n\n",
	    seq, seq, b, c, b, c, a, b, c);
	vx_strbuf_addf(sb,
	    "      #pkts encaps: %lu, #pkts encrypt: %lu, #pkts digest: %lu\n"
	    "      #pkts decaps: %lu, #pkts decrypt: %lu, #pkts verify: %lu\n"
	    "      #pkts compressed: 0, #pkts decompressed: 0\n"
	    "      #pkts not compressed: %lu, #pkts comp failed: 0, "
	    "#pkts decomp failed: 0\n"
	    "      #pre-frag successes: 0, #pre-frag failures: 0, "
	    "#fragments created: 0\n"
	    "      #PMTUs sent: 0, #PMTUs rcvd: 0, #decapsulated frgs "
	    "needing reassembly: 0\n"
	    "      #TFC rcvd: 0, #TFC sent: 0\n"
	    "      #Valid ICMP Errors rcvd: 0, #Invalid ICMP Errors rcvd: 0\n"
	    "      #send errors: 0, #recv errors: %u\n\n",
	    enc, enc, enc, dec, dec, dec, enc, i % 3);
	vx_strbuf_addf(sb,
	    "      local crypto endpt.: 192.0.2.1/500, remote crypto endpt.: "
	    "%u.%u.%u.7/500\n"
	    "      path mtu 1500, ipsec overhead 74(44), media mtu 1500\n"
	    "      PMTU time remaining (sec): 0, DF policy: copy-df\n"
	    "      ICMP error validation: disabled, TFC packets: disabled\n"
	    "      current outbound spi: %08X\n"
	    "      current inbound spi : %08X\n\n",
	    a, b, c, spi_out, spi_in);
	for (int dir = 0; dir < 2; dir++) {
		uint32_t spi = dir == 0 ? spi_in : spi_out;

		vx_strbuf_addf(sb,
		    "    %s esp sas:\n"
		    "      spi: 0x%08X (%u)\n"
		    "         SA State: active\n"
		    "         transform: esp-aes-256 esp-sha-hmac no "
		    "compression\n"
		    "         in use settings ={L2L, Tunnel, IKEv1, }\n"
		    "         slot: 0, conn_id: %u, crypto-map: outside_map\n"
		    "         sa timing: remaining key lifetime (kB/sec): "
		    "(%u/%u)\n"
		    "         IV size: 16 bytes\n"
		    "         replay detection support: Y\n"
		    "         Anti replay bitmap: \n"
		    "          0xFFFFFFFF 0xFFFFFFFF\n",
		    dir == 0 ? "inbound" : "outbound", spi, spi, 4096 * seq,
		    4608000 - i % 1000, 3600 - i % 3600);
	}
	vx_strbuf_addch(sb, '\n');
}

int
main(int argc, char **argv)
{
	struct vx_strbuf	 sb;
	long			 peers = 10000, runs = 5;
	const char		*dump = NULL;
	double			 best = -1, total = 0;
	size_t			 tunnels = 0;
	int			 c;

	while ((c = getopt(argc, argv, "p:n:o:")) != -1) {
		switch (c) {
		case 'p':
			peers = strtol(optarg, NULL, 10);
			break;
		case 'n':
			runs = strtol(optarg, NULL, 10);
			break;
		case 'o':
			dump = optarg;
			break;
		default:
			fprintf(stderr, "usage: asa_parse_bench [-p PEERS] "
			    "[-n RUNS] [-o FILE]\n");
			return 2;
		}
	}
	if (peers < 1 || runs < 1)
		return 2;
	vx_strbuf_init(&sb, (size_t)peers * 2600);
	vx_strbuf_addstr(&sb, "interface: outside\n");
	for (long i = 0; i < peers; i++)
		gen_peer(&sb, (unsigned)i);
	if (sb.failed) {
		fprintf(stderr, "asa_parse_bench: out of memory\n");
		return 1;
	}
	if (dump != NULL) {
		FILE *f = fopen(dump, "w");

		if (f == NULL || fwrite(sb.buf, 1, sb.len, f) != sb.len) {
			perror(dump);
			return 1;
		}
		fclose(f);
	}
	for (long r = 0; r < runs; r++) {
		struct vx_snapshot	*snap = vx_snapshot_new("bench");
		struct vx_err		 err;
		double			 t0, dt;
		int			 rc;

		if (snap == NULL)
			return 1;
		vx_err_clear(&err);
		t0 = now_ms();
		rc = asa_parse_ipsec_sa(sb.buf, sb.len, snap, &err);
		dt = now_ms() - t0;
		if (rc != 0) {
			fprintf(stderr, "asa_parse_bench: parse failed: %s\n",
			    err.msg);
			return 1;
		}
		tunnels = snap->ntunnels;
		vx_snapshot_unref(snap);
		total += dt;
		if (best < 0 || dt < best)
			best = dt;
	}
	printf("peers=%ld bytes=%zu runs=%ld best_ms=%.1f mean_ms=%.1f "
	    "mb_per_s=%.1f tunnels=%zu\n", peers, sb.len, runs, best,
	    total / (double)runs,
	    best > 0 ? (double)sb.len / 1e6 / (best / 1000.0) : 0.0,
	    tunnels);
	vx_strbuf_release(&sb);
	return 0;
}
