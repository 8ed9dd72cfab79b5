#!/usr/bin/env python3
"""Benchmark: a fleet of devices on one exporter.

For each fleet size (--devices, default 1000,10000) and agent latency
(--delays, default 0,2 ms per PDU) this starts vx_fastagent serving one
simulated ASA (--tunnels per device, default 10) and vpn_exporter with
that many devices polling it in the background every --interval (default
60s), plus one device kept for /probe (background: false).  After the
first round (one interval) it measures for --rounds more intervals:

  * cycle: the polls completed per interval against the devices, and
    the age of each device's latest poll (every device polled within its
    interval means a maximum age below the interval plus a poll);
  * poll time: vpn_collect_duration_seconds over the fleet (median, p99);
  * CPU: the exporter's CPU time as a share of one core;
  * memory: peak RSS, and per device (minus an exporter with no device);
  * descriptors: the most the exporter held (sampled every second);
  * /probe of one device, once a second while the fleet polls (median,
    p99, max), and a /metrics scrape (gzip) at the end: time and size.

  python3 bench/fleet.py --devices 10000 --delays 0 --interval 60s
"""

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))

import snmp_poll as sp  # noqa: E402


def parse_duration(s):
    m = re.fullmatch(r"(\d+)(ms|s|m)", s)
    if not m:
        raise SystemExit(f"bad duration {s!r}")
    return int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(p / 100 * len(v)))]


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def config(port, probe_port, n, interval, timeout):
    dev = """
  - name: {name}
    vendor: cisco_asa
    address: 127.0.0.1{bg}
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public}}
"""
    body = "".join(dev.format(name=f"asa-{i:05d}", port=port, bg="")
                   for i in range(n))
    body += dev.format(name="probe-target", port=probe_port,
                       bg="\n    background: false")
    return (f"defaults:\n  interval: {interval}\n  timeout: {timeout}\n"
            f"  retries: 0\ndevices:{body}")


class Exporter:
    def __init__(self, args, cfg_text, work, tag):
        self.cfg = os.path.join(work, f"{tag}.yml")
        with open(self.cfg, "w") as f:
            f.write(cfg_text)
        self.port = sp.free_tcp_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = sp.Proc([args.vpn_exporter, f"--config.file={self.cfg}",
                             f"--web.listen-address=127.0.0.1:{self.port}",
                             f"--poll.workers={args.workers}",
                             "--log.level=warn"],
                            os.path.join(work, f"{tag}.log"))

        def ready():
            if not self.proc.alive():
                raise sp.BenchError("exporter exited: " +
                                    self.proc.log()[-500:])
            try:
                return sp.http_get(self.url + "/-/ready", timeout=2)[0] == 200
            except OSError:
                return False
        sp.wait_for(ready, 120, "exporter ready")

    def stop(self):
        self.proc.stop()


class Sampler(threading.Thread):
    """Once a second: descriptors, and a /probe of one device."""

    def __init__(self, ex):
        super().__init__(daemon=True)
        self.ex = ex
        self.stop_flag = threading.Event()
        self.fds = []
        self.probe_ms = []		# after measure_from (the first round)
        self.probe_ms_first = []	# during it
        self.probe_errors = 0
        self.measure_from = float("inf")

    def run(self):
        while not self.stop_flag.wait(1.0):
            self.fds.append(open_fds(self.ex.proc.pid))
            t0 = time.monotonic()
            try:
                status, body = sp.http_get(
                    self.ex.url + "/probe?target=probe-target", timeout=30)
                if status != 200 or b"vpn_up{" not in body:
                    self.probe_errors += 1
            except OSError:
                self.probe_errors += 1
            ms = (time.monotonic() - t0) * 1000
            if t0 >= self.measure_from:
                self.probe_ms.append(ms)
            else:
                self.probe_ms_first.append(ms)


def baseline_rss(args, work):
    """Peak RSS of an exporter with one /probe-only device."""
    ex = Exporter(args, "devices:\n  - name: x\n    vendor: cisco_asa\n"
                  "    address: 127.0.0.1\n    background: false\n"
                  "    collectors:\n      cisco_asa_snmp: {community: p}\n",
                  work, "baseline")
    try:
        time.sleep(1)
        return sp.peak_rss_mib(ex.proc.pid)
    finally:
        ex.stop()


def run(args, n, delay, data, work, base_rss):
    interval = parse_duration(args.interval)
    agent = sp.Agent(args.fastagent, data, delay, work, f"{n}-{delay}")
    # The probed device is another device: it has an agent of its own.
    probe_agent = sp.Agent(args.fastagent, data, delay, work,
                           f"probe-{n}-{delay}")
    try:
        ex = Exporter(args, config(agent.port, probe_agent.port, n,
                                   args.interval, args.timeout), work,
                      f"fleet-{n}-{delay}")
    except sp.BenchError:
        agent.stop()
        probe_agent.stop()
        raise
    sampler = Sampler(ex)
    sampler.start()
    try:
        # The first round: every device's first poll, spread over it.
        time.sleep(interval)
        cpu0 = sp.cpu_seconds(ex.proc.pid)
        t0 = time.monotonic()
        sampler.measure_from = t0
        text0 = gzip.decompress(sp.http_get(
            ex.url + "/metrics", {"Accept-Encoding": "gzip"})[1]).decode()
        polls0 = {m.group(1): float(m.group(2)) for m in re.finditer(
            r'^vpn_collect_timestamp_seconds\{device="([^"]*)"\} (\S+)$',
            text0, re.M)}
        time.sleep(args.rounds * interval)
        cpu = sp.cpu_seconds(ex.proc.pid) - cpu0
        wall = time.monotonic() - t0
        s0 = time.monotonic()
        status, body = sp.http_get(ex.url + "/metrics",
                                   {"Accept-Encoding": "gzip"})[:2]
        scrape_ms = (time.monotonic() - s0) * 1000
        text = gzip.decompress(body).decode()
        now = time.time()
    finally:
        sampler.stop_flag.set()
        sampler.join(60)
        peak = sp.peak_rss_mib(ex.proc.pid)
        rss_now = rss_mib(ex.proc.pid)
        ex.stop()
        requests, _ = agent.stop()
        probe_agent.stop()
    stamps = {m.group(1): float(m.group(2)) for m in re.finditer(
        r'^vpn_collect_timestamp_seconds\{device="([^"]*)"\} (\S+)$', text,
        re.M)}
    durations = [float(v) for v in re.findall(
        r'^vpn_collect_duration_seconds\{device="asa-[^"]*",'
        r'collector="[^"]*"\} (\S+)$', text, re.M)]
    ups = len(re.findall(r'^vpn_up\{device="asa-[^"]*"\} 1$', text, re.M))
    ages = [now - v for k, v in stamps.items() if k.startswith("asa-")]
    # Polls per device over the measured rounds, from the timestamps.
    fresh = sum(1 for k, v in stamps.items()
                if k.startswith("asa-") and v > polls0.get(k, 0))
    return {
        "devices": n, "delay_ms": delay, "rounds": args.rounds,
        "interval_s": interval, "wall_s": wall,
        "polled_last_round": fresh, "up": ups,
        "age_max_s": max(ages) if ages else float("nan"),
        "poll_ms_p50": pct(durations, 50) * 1000,
        "poll_ms_p99": pct(durations, 99) * 1000,
        "cpu_share": cpu / wall,
        "rss_peak_mib": peak, "rss_end_mib": rss_now,
        "rss_per_device_kib": (rss_now - base_rss) * 1024 / n,
        "fds_max": max(sampler.fds) if sampler.fds else 0,
        "probe_ms_p50": pct(sampler.probe_ms, 50),
        "probe_ms_p99": pct(sampler.probe_ms, 99),
        "probe_ms_max": max(sampler.probe_ms) if sampler.probe_ms else 0,
        "probes": len(sampler.probe_ms), "probe_errors": sampler.probe_errors,
        "probe_first_ms_p50": pct(sampler.probe_ms_first, 50),
        "probe_first_ms_max": max(sampler.probe_ms_first)
        if sampler.probe_ms_first else 0,
        "metrics_ms": scrape_ms, "metrics_status": status,
        "metrics_gzip_kib": len(body) / 1024, "metrics_kib": len(text) / 1024,
        "agent_requests_per_s": requests / wall if requests else None,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", default="1000,10000")
    ap.add_argument("--delays", default="0,2")
    ap.add_argument("--tunnels", type=int, default=10)
    ap.add_argument("--interval", default="60s")
    ap.add_argument("--timeout", default="10s")
    ap.add_argument("--rounds", type=int, default=1,
                    help="intervals measured after the first one")
    ap.add_argument("--workers", type=int, default=64)
    ap.add_argument("--vpn-exporter",
                    default=os.path.join(REPO, "build/exporter/vpn_exporter"))
    ap.add_argument("--fastagent", default=sp.default_fastagent())
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="vx-fleet-")
    data, _ = sp.generate(work, args.tunnels, "fleet")
    base = baseline_rss(args, work)
    print(f"baseline RSS (exporter, no polled device): {base:.1f} MiB")
    for n in (int(x) for x in args.devices.split(",")):
        for delay in (float(x) for x in args.delays.split(",")):
            try:
                r = run(args, n, delay, data, work, base)
            except sp.BenchError as e:
                print(f"devices {n}, delay {delay:g} ms: {e}")
                continue
            print(f"devices {n} x {args.tunnels} tunnels, agent delay "
                  f"{delay:g} ms, interval {args.interval}, "
                  f"{args.rounds} round(s) measured ({r['wall_s']:.0f} s)")
            print(f"  cycle: {r['polled_last_round']}/{n} devices polled "
                  f"again, vpn_up 1: {r['up']}, latest poll at most "
                  f"{r['age_max_s']:.1f} s old")
            print(f"  poll: p50 {r['poll_ms_p50']:.1f} ms, p99 "
                  f"{r['poll_ms_p99']:.1f} ms")
            print(f"  CPU: {100 * r['cpu_share']:.1f}% of one core")
            print(f"  RSS: peak {r['rss_peak_mib']:.1f} MiB, "
                  f"{r['rss_per_device_kib']:.1f} KiB per device")
            print(f"  descriptors: at most {r['fds_max']}")
            print(f"  /probe while polling: p50 {r['probe_ms_p50']:.1f} ms, "
                  f"p99 {r['probe_ms_p99']:.1f} ms, max "
                  f"{r['probe_ms_max']:.1f} ms ({r['probes']} probes, "
                  f"{r['probe_errors']} failed in all); during the first "
                  f"round: p50 {r['probe_first_ms_p50']:.1f} ms, max "
                  f"{r['probe_first_ms_max']:.1f} ms")
            print(f"  /metrics (gzip): {r['metrics_ms']:.0f} ms, "
                  f"{r['metrics_gzip_kib']:.0f} KiB "
                  f"({r['metrics_kib']:.0f} KiB of text)")
            if r["agent_requests_per_s"]:
                print(f"  agent: {r['agent_requests_per_s']:.0f} requests/s")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
