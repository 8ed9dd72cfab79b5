#!/usr/bin/env python3
"""Benchmark: one big device (a head-end with tens of thousands of tunnels).

For each (tunnels, delay) row (default: 5,000, 25,000 and 50,000 tunnels
at 0 ms, and 5,000 at 2 ms per PDU) this generates the simulated ASA
(tests/emulators/gen_asa_snmprec.py; kept in --workdir between runs),
starts vx_fastagent on it and vpn_exporter with the one device polled in
the background (interval 1h), waits for its first poll, and then

  * scrapes /metrics with gzip (the device's samples are cached, compressed,
    when it is polled) and without (rendered at scrape time): time, size,
    series;
  * polls it --repeat times through /probe: the collection's own time
    (vpn_collect_duration_seconds: walk, mapping, merge), the whole
    /probe request, PDUs per poll (vpn_collect_requests), CPU per poll;
  * reads the exporter's peak RSS.

It prints one row per size, and the ratio of the poll time at the largest
size to the one at the smallest 0 ms size (the target: at most 12 for 10
times the tunnels).

  python3 bench/bigdevice.py --workdir /var/tmp/vx-big
"""

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))

import snmp_poll as sp  # noqa: E402

# asa-big is polled through /probe (its poll time), asa-scraped in the
# background for /metrics: the same agent and data.
CONFIG = """\
defaults:
  interval: 1h
  timeout: 300s
  retries: 0
devices:
  - name: asa-big
    vendor: cisco_asa
    address: 127.0.0.1
    background: false
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public{extra}}}
  - name: asa-scraped
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public{extra}}}
"""


def metric(text, name, **labels):
    sel = "".join(f'[^}}]*{k}="{v}"' for k, v in labels.items())
    m = re.search(r"^" + name + r"\{" + sel + r"[^}]*\} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def run_row(args, tunnels, delay, work):
    data, _ = sp.generate(work, tunnels, "bench")
    agent = sp.Agent(args.fastagent, data, delay, work, f"big-{tunnels}-"
                     f"{delay}")
    cfg = os.path.join(work, f"big-{tunnels}-{delay}.yml")
    extra = (f", max_in_flight: {args.max_in_flight}"
             if args.max_in_flight else "")
    with open(cfg, "w") as f:
        f.write(CONFIG.format(port=agent.port, extra=extra))
    port = sp.free_tcp_port()
    url = f"http://127.0.0.1:{port}"
    ex = sp.Proc([args.vpn_exporter, f"--config.file={cfg}",
                  f"--web.listen-address=127.0.0.1:{port}",
                  "--log.level=warn"],
                 os.path.join(work, f"big-{tunnels}-{delay}.log"))
    row = {"tunnels": tunnels, "delay_ms": delay}
    try:
        def polled():
            if not ex.alive():
                raise sp.BenchError("exporter exited: " + ex.log()[-500:])
            try:
                st, body = sp.http_get(url + "/metrics", timeout=600)
            except OSError:
                return None
            return body if st == 200 and b'vpn_up{device="asa-scraped"} 1' \
                in body else None

        sp.wait_for(polled, 900, "the first poll")
        # Polls through /probe.
        polls, probes, reqs = [], [], []
        cpu0 = sp.cpu_seconds(ex.pid)
        for _ in range(args.repeat):
            t0 = time.monotonic()
            st, body = sp.http_get(url + "/probe?target=asa-big",
                                   {"X-Prometheus-Scrape-Timeout-Seconds":
                                    "300"}, timeout=600)
            probes.append(time.monotonic() - t0)
            t = body.decode()
            if st != 200 or metric(t, "vpn_up", device="asa-big") != 1:
                raise sp.BenchError(f"/probe: HTTP {st}, not up")
            polls.append(metric(t, "vpn_collect_duration_seconds",
                                device="asa-big"))
            reqs.append(metric(t, "vpn_collect_requests",
                               device="asa-big"))
        row["cpu_per_poll_s"] = (sp.cpu_seconds(ex.pid) - cpu0) / len(polls)
        row["poll_s"] = statistics.median(polls)
        row["poll_s_min"] = min(polls)
        row["probe_s"] = statistics.median(probes)
        row["pdus"] = statistics.median(reqs)
        # /metrics: the cached, compressed samples; then rendered anew.
        times = []
        for _ in range(args.repeat):
            t0 = time.monotonic()
            st, body = sp.http_get(url + "/metrics",
                                   {"Accept-Encoding": "gzip"})
            times.append(time.monotonic() - t0)
        text = gzip.decompress(body).decode()
        row["metrics_gzip_ms"] = statistics.median(times) * 1000
        row["metrics_gzip_kib"] = len(body) / 1024
        row["metrics_kib"] = len(text) / 1024
        row["series"] = sum(1 for ln in text.splitlines()
                            if ln and not ln.startswith("#"))
        times = []
        for _ in range(args.repeat):
            t0 = time.monotonic()
            sp.http_get(url + "/metrics")
            times.append(time.monotonic() - t0)
        row["metrics_plain_ms"] = statistics.median(times) * 1000
        row["up"] = metric(text, "vpn_up", device="asa-scraped")
        row["rss_peak_mib"] = sp.peak_rss_mib(ex.pid)
    finally:
        ex.stop()
        agent.stop()
    return row


def ratio_run(args, small, big, work):
    """Poll times of two sizes in one exporter, probes alternating, so
    that whatever else the machine does weighs on both alike."""
    agents, devs = {}, ""
    for n in (small, big):
        data, _ = sp.generate(work, n, "bench")
        agents[n] = sp.Agent(args.fastagent, data, 0, work, f"ratio-{n}")
        devs += f"""\
  - name: asa-{n}
    vendor: cisco_asa
    address: 127.0.0.1
    background: false
    collectors:
      cisco_asa_snmp: {{port: {agents[n].port}, community: public}}
"""
    cfg = os.path.join(work, "ratio.yml")
    with open(cfg, "w") as f:
        f.write("defaults: {interval: 1h, timeout: 300s, retries: 0}\n"
                "devices:\n" + devs)
    port = sp.free_tcp_port()
    url = f"http://127.0.0.1:{port}"
    ex = sp.Proc([args.vpn_exporter, f"--config.file={cfg}",
                  f"--web.listen-address=127.0.0.1:{port}",
                  "--log.level=warn"], os.path.join(work, "ratio.log"))
    polls = {small: [], big: []}
    try:
        def ready():
            if not ex.alive():
                raise sp.BenchError("exporter exited: " + ex.log()[-500:])
            try:
                return sp.http_get(url + "/-/ready", timeout=2)[0] == 200
            except OSError:
                return False

        sp.wait_for(ready, 60, "exporter ready")
        for r in range(args.repeat + 1):
            for n in (small, big) if r % 2 == 0 else (big, small):
                st, body = sp.http_get(
                    url + f"/probe?target=asa-{n}",
                    {"X-Prometheus-Scrape-Timeout-Seconds": "300"},
                    timeout=600)
                t = body.decode()
                if st != 200 or metric(t, "vpn_up", device=f"asa-{n}") != 1:
                    raise sp.BenchError(f"/probe asa-{n}: HTTP {st}")
                if r > 0:	# the first round warms up
                    polls[n].append(metric(
                        t, "vpn_collect_duration_seconds",
                        device=f"asa-{n}"))
    finally:
        ex.stop()
        for a in agents.values():
            a.stop()
    return polls


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="5000:0,25000:0,50000:0,5000:2",
                    help="tunnels:delay_ms,...")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--max-in-flight", type=int, default=0,
                    help="collector option (default: the collector's)")
    ap.add_argument("--workdir", help="keep data and logs here")
    ap.add_argument("--vpn-exporter",
                    default=os.path.join(REPO, "build/exporter/vpn_exporter"))
    ap.add_argument("--fastagent", default=sp.default_fastagent())
    args = ap.parse_args()
    work = args.workdir or tempfile.mkdtemp(prefix="vx-big-")
    os.makedirs(work, exist_ok=True)

    rows = []
    print("tunnels delay | poll s  /probe s  cpu s/poll   PDUs  rss MiB |"
          "  series  /metrics gzip ms  KiB | plain ms    KiB")
    for spec in args.rows.split(","):
        tunnels, delay = spec.split(":")
        try:
            r = run_row(args, int(tunnels), float(delay), work)
        except sp.BenchError as e:
            print(f"{tunnels:>7} {delay:>4}ms | {e}")
            continue
        rows.append(r)
        print(f"{r['tunnels']:>7} {r['delay_ms']:>3g}ms | "
              f"{r['poll_s']:6.2f} {r['probe_s']:8.2f} "
              f"{r['cpu_per_poll_s']:10.2f} {r['pdus']:6.0f} "
              f"{r['rss_peak_mib']:8.1f} | {r['series']:>7} "
              f"{r['metrics_gzip_ms']:15.1f} {r['metrics_gzip_kib']:5.0f} | "
              f"{r['metrics_plain_ms']:8.1f} {r['metrics_kib']:6.0f}")
        sys.stdout.flush()
    zero = sorted({r["tunnels"] for r in rows if r["delay_ms"] == 0})
    if len(zero) >= 2:
        small, big = zero[0], zero[-1]
        try:
            polls = ratio_run(args, small, big, work)
        except sp.BenchError as e:
            print(f"ratio: {e}")
            return 1
        ms, mb = (statistics.median(polls[small]),
                  statistics.median(polls[big]))
        print(f"poll time, {big} against {small} tunnels in one exporter, "
              f"{args.repeat} polls each, alternating: {mb:.2f} s / "
              f"{ms:.3f} s = {mb / ms:.1f}x for {big / small:.0f}x the "
              f"tunnels (target: at most 12x for 10x)")
        print(f"  {small}: " + " ".join(f"{v:.3f}" for v in polls[small]))
        print(f"  {big}: " + " ".join(f"{v:.3f}" for v in polls[big]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
