#!/usr/bin/env python3
"""Soak: a long run of background polling with /metrics scraped every
second, watching the exporter's memory and threads for a trend.

Starts vx_fastagent and vpn_exporter with --devices background devices
(--tunnels tunnels each) polled every --interval, scrapes /metrics every
--scrape-every seconds on a keep-alive connection with gzip (as
Prometheus does), and every --sample-every seconds prints the exporter's
RSS, peak RSS, threads, open descriptors and CPU, and the scrapes of that
window (count, errors, p99, max).  At the end (--duration, default 30
minutes) it prints the trend after the warm-up (--warmup): the RSS and
thread range and the RSS slope by least squares.  The goal: flat after
warm-up.  It stops by itself.

  python3 bench/soak.py --duration 30m
  python3 bench/soak.py --duration 2m --sample-every 10   # a quick look
"""

import argparse
import gzip
import http.client
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
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)", s)
    if not m:
        raise SystemExit(f"bad duration {s!r} (e.g. 30m, 90s)")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60,
                                "h": 3600}[m.group(2)]


def proc_sample(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return {"rss": int(out["VmRSS"][0]) / 1024,
            "hwm": int(out["VmHWM"][0]) / 1024,
            "threads": int(out["Threads"][0]),
            "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "cpu": sp.cpu_seconds(pid)}


class Scraper(threading.Thread):
    """GET /metrics every period seconds on one keep-alive connection."""

    def __init__(self, port, period):
        super().__init__(daemon=True)
        self.port = port
        self.period = period
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.window = []	# (seconds or None for an error)
        self.last_up = None
        self.total = self.errors = 0

    def run(self):
        conn = None
        next_t = time.monotonic()
        while not self.stopping.is_set():
            t0 = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                      timeout=30)
                conn.request("GET", "/metrics",
                             headers={"Accept-Encoding": "gzip"})
                r = conn.getresponse()
                body = r.read()
                dt = time.monotonic() - t0
                if r.getheader("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                ok = r.status == 200
                if ok:
                    up = len(re.findall(rb"^vpn_up\{.*\} 1$", body, re.M))
            except (OSError, http.client.HTTPException):
                ok = False
                if conn is not None:
                    conn.close()
                conn = None
            with self.lock:
                self.total += 1
                if ok:
                    self.window.append(dt)
                    self.last_up = up
                else:
                    self.window.append(None)
                    self.errors += 1
            next_t += self.period
            self.stopping.wait(max(0, next_t - time.monotonic()))
        if conn is not None:
            conn.close()

    def take(self):
        with self.lock:
            w, self.window = self.window, []
            return w, self.last_up


def slope_per_hour(points):
    """Least-squares slope of (seconds, value) points, per hour."""
    if len(points) < 2:
        return float("nan")
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    if den == 0:
        return float("nan")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 3600


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", default="30m")
    ap.add_argument("--devices", type=int, default=200)
    ap.add_argument("--tunnels", type=int, default=10)
    ap.add_argument("--interval", default="5s")
    ap.add_argument("--timeout", default="4s",
                    help="each poll's timeout (at most the interval)")
    ap.add_argument("--wrapper", default="",
                    help="a command the exporter runs under, e.g. "
                    "'valgrind --leak-check=full --show-leak-kinds=all'")
    ap.add_argument("--scrape-every", type=float, default=1.0)
    ap.add_argument("--sample-every", type=float, default=30.0)
    ap.add_argument("--warmup", default="5m")
    ap.add_argument("--vpn-exporter",
                    default=os.path.join(REPO, "build/exporter/vpn_exporter"))
    ap.add_argument("--fastagent", default=sp.default_fastagent())
    args = ap.parse_args()
    duration = parse_duration(args.duration)
    warmup = min(parse_duration(args.warmup), duration / 3)

    work = tempfile.mkdtemp(prefix="vx-soak-")
    data, _ = sp.generate(work, args.tunnels, "soak")
    agent = sp.Agent(args.fastagent, data, 0, work, "soak")
    cfg = os.path.join(work, "soak.yml")
    with open(cfg, "w") as f:
        f.write(f"defaults:\n  interval: {args.interval}\n"
                f"  timeout: {args.timeout}\n"
                "  retries: 0\ndevices:\n")
        for i in range(args.devices):
            f.write(f"  - name: asa-{i:04d}\n    vendor: cisco_asa\n"
                    f"    address: 127.0.0.1\n    collectors:\n"
                    f"      cisco_asa_snmp: {{port: {agent.port}, "
                    f"community: public}}\n")
    port = sp.free_tcp_port()
    ex = sp.Proc(args.wrapper.split() + [
                  args.vpn_exporter, f"--config.file={cfg}",
                  f"--web.listen-address=127.0.0.1:{port}",
                  "--log.level=warn"], os.path.join(work, "exporter.log"))
    scraper = None
    samples = []
    try:
        def ready():
            if not ex.alive():
                raise SystemExit("vpn_exporter exited:\n" + ex.log())
            try:
                return sp.http_get(f"http://127.0.0.1:{port}/-/ready",
                                   timeout=2)[0] == 200
            except OSError:
                return False
        sp.wait_for(ready, 60, "exporter ready")
        print(f"soak: {args.devices} devices of {args.tunnels} tunnels "
              f"every {args.interval}, /metrics every {args.scrape_every:g}s,"
              f" sampled every {args.sample_every:g}s for {args.duration} "
              f"(warm-up {warmup:.0f}s); work directory {work}", flush=True)
        print("     t |  rss MiB  peak MiB  threads  fds | cpu % | scrapes "
              "errors  p99 ms  max ms  vpn_up=1", flush=True)
        scraper = Scraper(port, args.scrape_every)
        scraper.start()
        t0 = time.monotonic()
        cpu0 = sp.cpu_seconds(ex.pid)
        last_t, last_cpu = t0, cpu0
        while True:
            remaining = duration - (time.monotonic() - t0)
            if remaining <= 0:
                break
            time.sleep(min(args.sample_every, remaining))
            if not ex.alive():
                raise SystemExit("vpn_exporter exited:\n" + ex.log())
            now = time.monotonic()
            s = proc_sample(ex.pid)
            window, up = scraper.take()
            ok = sorted(w for w in window if w is not None)
            p99 = ok[min(len(ok) - 1, int(0.99 * (len(ok) - 1)))] if ok \
                else float("nan")
            s.update(t=now - t0, cpu_pct=100 * (s["cpu"] - last_cpu) /
                     (now - last_t), scrapes=len(window),
                     errors=len(window) - len(ok), p99=p99 * 1000,
                     max=(ok[-1] if ok else float("nan")) * 1000, up=up)
            last_t, last_cpu = now, s["cpu"]
            samples.append(s)
            print(f"{s['t']:6.0f} | {s['rss']:8.1f} {s['hwm']:9.1f} "
                  f"{s['threads']:8d} {s['fds']:4d} | {s['cpu_pct']:5.1f} | "
                  f"{s['scrapes']:7d} {s['errors']:6d} {s['p99']:7.1f} "
                  f"{s['max']:7.1f}  {s['up']}", flush=True)
    finally:
        if scraper is not None:
            scraper.stopping.set()
            scraper.join(35)
        ex.stop()
        agent.stop()
    after = [s for s in samples if s["t"] >= warmup]
    if after:
        rss = [s["rss"] for s in after]
        thr = [s["threads"] for s in after]
        fds = [s["fds"] for s in after]
        print(f"\nafter warm-up ({len(after)} samples from "
              f"{after[0]['t']:.0f}s): rss {min(rss):.1f} to {max(rss):.1f} "
              f"MiB (first {rss[0]:.1f}, last {rss[-1]:.1f}; slope "
              f"{slope_per_hour([(s['t'], s['rss']) for s in after]):+.2f} "
              f"MiB/h), threads {min(thr)} to {max(thr)}, fds {min(fds)} to "
              f"{max(fds)}; scrapes {scraper.total}, errors "
              f"{scraper.errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
