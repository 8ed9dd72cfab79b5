#!/usr/bin/env python3
"""Benchmark of the PAN-OS XML API collector (paloalto_api): poll time,
API requests per poll and exporter CPU for a firewall with 500 tunnels.

The firewall is the HTTPS emulator (tests/emulators/panos/panos_api.py)
with N generated tunnels, all active, answering each op command at once
or after a delay that stands for a management plane's (--latency-ms).
For each collector setting the exporter is started fresh with one device
(background: false) and polled through /probe; the first poll (TLS
handshake, keygen) is left out of the figures.

Usage: panos_bench.py [--vpn-exporter build/exporter/vpn_exporter]
                      [--tunnels 500] [--latency-ms 0,20] [--polls 5]
Needs python3 and the openssl CLI.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "lib"))

from vxtest import Exporter, http_get, parse_metrics, value  # noqa: E402
from panos_emu import Panos, make_pki  # noqa: E402

# (label, collector options)
SETTINGS = [
    ("defaults (50 details, 1 at a time)", {}),
    ("every tunnel, 1 at a time",
     {"max_tunnel_details": 100000}),
    ("every tunnel, 4 at a time",
     {"max_tunnel_details": 100000, "max_concurrent_requests": 4}),
]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests(fw):
    return sum(fw.stats()["stats"]["requests"].values())


def run(workdir, fw, opts, polls):
    cfg = ("defaults:\n  interval: 300s\n  timeout: 120s\n  retries: 0\n"
           "  background: false\ndevices:\n  - name: pa-bench\n"
           "    vendor: paloalto\n    address: 127.0.0.1\n"
           "    collectors:\n      paloalto_api:\n"
           + fw.collector_yaml(os.path.join(workdir, "secrets"),
                               extra=opts))
    ex = Exporter(workdir, cfg, extra_args=["--log.level=info"])
    hdr = {"X-Prometheus-Scrape-Timeout-Seconds": "200"}
    try:
        status, _, body = ex.get("/probe?target=pa-bench", headers=hdr)
        if status != 200:
            sys.exit(f"probe: {status}: {body[:300]!r}")
        walls, durs, reqs, cpus = [], [], [], []
        for _ in range(polls):
            r0, c0, t0 = requests(fw), cpu_seconds(ex.proc.p.pid), \
                time.monotonic()
            status, _, body = ex.get("/probe?target=pa-bench", headers=hdr)
            walls.append(time.monotonic() - t0)
            cpus.append(cpu_seconds(ex.proc.p.pid) - c0)
            reqs.append(requests(fw) - r0)
            smp = parse_metrics(body.decode())
            if value(smp, "vpn_up", device="pa-bench") != 1:
                sys.exit("the poll failed:\n" + ex.log()[-2000:])
            durs.append(value(smp, "vpn_collect_duration_seconds",
                              device="pa-bench", collector="paloalto_api"))
            counted = len([1 for n, l, _ in smp
                           if n == "vpn_ipsec_packets_total" and
                           l.get("direction") == "in"])
        return {"poll_s": statistics.median(durs),
                "wall_s": statistics.median(walls),
                "requests": statistics.median(reqs),
                "cpu_ms": 1000 * statistics.median(cpus),
                "with_counters": counted}
    finally:
        ex.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vpn-exporter", default=os.path.join(
        os.path.dirname(HERE), "build", "exporter", "vpn_exporter"))
    ap.add_argument("--tunnels", type=int, default=500)
    ap.add_argument("--latency-ms", default="0,20")
    ap.add_argument("--polls", type=int, default=5)
    args = ap.parse_args()
    os.environ["VX_BIN"] = os.path.abspath(args.vpn_exporter)
    import vxtest
    vxtest.VX_BIN = os.environ["VX_BIN"]
    print(f"paloalto_api, {args.tunnels} active tunnels, median of "
          f"{args.polls} polls after the first")
    print(f"{'latency':>8} {'setting':<38} {'poll s':>7} {'requests':>9} "
          f"{'cpu ms':>7} {'tunnels w/ counters':>20}")
    with tempfile.TemporaryDirectory(prefix="panos-bench-") as d:
        pki = make_pki(d)
        for lat in (int(x) for x in args.latency_ms.split(",")):
            for label, opts in SETTINGS:
                wd = os.path.join(d, f"{lat}-{len(opts)}")
                os.makedirs(wd)
                fw = Panos(wd, pki, {
                    "user": "bench", "password": "bench-pw",
                    "generate": {"tunnels": args.tunnels},
                    "latency_ms": lat})
                try:
                    r = run(wd, fw, opts, args.polls)
                finally:
                    fw.stop()
                print(f"{lat:>6}ms {label:<38} {r['poll_s']:>7.3f} "
                      f"{r['requests']:>9.0f} {r['cpu_ms']:>7.1f} "
                      f"{r['with_counters']:>20}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
