#!/usr/bin/env python3
"""Benchmark: many devices on one exporter, the design target of 1,000
devices on 2 cores.

Starts vx_fastagent serving one simulated ASA (--tunnels per device) and
vpn_exporter with N devices that all poll it in the background every
--interval, for --duration seconds.  Reports the exporter's CPU use (as a
share of one core), peak RSS, threads, how many polls completed against
the number due, how late the newest poll of each device is, and how long
a /metrics scrape of everything takes.

  python3 bench/scale.py --devices 1000 --interval 10s --duration 60
"""

import argparse
import os
import re
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))

import snmp_poll as sp  # noqa: E402


def parse_duration(s):
    m = re.fullmatch(r"(\d+)(ms|s|m)", s)
    if not m:
        raise SystemExit(f"bad duration {s!r}")
    return int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--tunnels", type=int, default=10)
    ap.add_argument("--interval", default="10s")
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--workers", type=int, default=64)
    ap.add_argument("--vpn-exporter",
                    default=os.path.join(REPO, "build/exporter/vpn_exporter"))
    ap.add_argument("--fastagent", default=sp.default_fastagent())
    args = ap.parse_args()
    interval = parse_duration(args.interval)

    work = tempfile.mkdtemp(prefix="vx-scale-")
    data, _ = sp.generate(work, args.tunnels, "scale")
    agent = sp.Agent(args.fastagent, data, 0, work, "scale")
    devices = "".join(f"""
  - name: asa-{i:04d}
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {agent.port}, community: public}}
""" for i in range(args.devices))
    cfg = os.path.join(work, "scale.yml")
    with open(cfg, "w") as f:
        f.write(f"defaults:\n  interval: {args.interval}\n  timeout: 5s\n"
                f"  retries: 0\ndevices:{devices}")
    port = sp.free_tcp_port()
    ex = sp.Proc([args.vpn_exporter, f"--config.file={cfg}",
                  f"--web.listen-address=127.0.0.1:{port}",
                  f"--poll.workers={args.workers}", "--log.level=warn"],
                 os.path.join(work, "exporter.log"))
    url = f"http://127.0.0.1:{port}"
    try:
        def ready():
            try:
                return sp.http_get(url + "/-/ready", timeout=2)[0] == 200
            except OSError:
                return False
        sp.wait_for(ready, 30, "exporter ready")
        cpu0 = sp.cpu_seconds(ex.p.pid)
        t0 = time.monotonic()
        time.sleep(args.duration)
        cpu = sp.cpu_seconds(ex.p.pid) - cpu0
        wall = time.monotonic() - t0
        s0 = time.monotonic()
        status, body = sp.http_get(url + "/metrics")[:2]
        scrape = time.monotonic() - s0
        text = body.decode()
        now = time.time()
        stamps = [float(v) for v in re.findall(
            r'^vpn_collect_timestamp_seconds\{[^}]*\} (\S+)$', text, re.M)]
        ups = re.findall(r'^vpn_up\{[^}]*\} (\S+)$', text, re.M)
        errors = sum(float(v) for v in re.findall(
            r'^vpn_exporter_collect_errors_total\{[^}]*\} (\S+)$', text,
            re.M))
        with open(f"/proc/{ex.p.pid}/status") as f:
            st = f.read()
        threads = re.search(r"Threads:\s+(\d+)", st).group(1)
        age = [now - s for s in stamps]
        print(f"devices {args.devices}, {args.tunnels} tunnels each, "
              f"interval {args.interval}, {wall:.0f}s measured, "
              f"{args.workers} workers max")
        print(f"  CPU: {cpu:.2f}s = {100 * cpu / wall:.1f}% of one core")
        print(f"  peak RSS: {sp.peak_rss_mib(ex.p.pid):.1f} MiB, "
              f"threads: {threads}")
        print(f"  devices polled: {len(stamps)}/{args.devices}, "
              f"vpn_up 1: {ups.count('1')}, collect errors: {errors:.0f}")
        if age:
            print(f"  age of the latest poll: max {max(age):.1f}s "
                  f"(interval {interval:.0f}s)")
        print(f"  /metrics: {len(body) / 1024:.0f} KiB in {scrape * 1000:.0f} ms"
              f" (status {status})")
    finally:
        ex.stop()
        requests, _ = agent.stop()
    if requests is not None:
        print(f"  agent requests: {requests} ({requests / wall:.0f}/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
