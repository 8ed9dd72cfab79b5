#!/usr/bin/env python3
"""Syslog benchmark: messages parsed and counted per second on one core,
and the exporter's memory after a flood.

1. In process: build/tests/syslog_bench runs the listener's own path
   (header, attribution among 100 devices, vendor parser, event store)
   on one thread, without sockets, timed by the thread's CPU time.
2. End to end: vpn_exporter with a syslog listener and one device; a flood
   of --count messages (tests/lib/syslogsend.py: invalid-SPI events from
   5,000 peers to a device that keeps 1,000, replays, other, malformed
   and unknown-sender messages), once over TCP (octet counting, nothing
   lost) and once over UDP.  The listener is one thread ("vx-syslog");
   its CPU time (/proc/PID/task/TID/stat) against the messages it counted
   gives the rate per core, kernel receive included.  RSS after each.

Usage: bench/syslog_bench.py --build-dir BUILD [--count N]
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from syslogsend import Flood  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def thread_cpu(pid, name):
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            if f.read().strip() != name:
                continue
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    return 0.0


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def counted(url):
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("vpn_syslog_messages_total{"))


def settle(url):
    last, t = -1, time.monotonic()
    while True:
        n = counted(url)
        if n == last:
            return n, time.monotonic()
        last, t = n, time.monotonic()
        time.sleep(0.3)


def end_to_end(exporter, count, workdir):
    port, web = free_port(), free_port()
    cfg = os.path.join(workdir, "bench.yml")
    with open(cfg, "w") as f:
        f.write(f"""defaults: {{interval: 5s, timeout: 1s}}
syslog:
  udp: ["127.0.0.1:{port}"]
  tcp: ["127.0.0.1:{port}"]
  receive_buffer: 16777216
devices:
  - name: asa-bench
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      syslog: {{max_peers: 1000}}
""")
    log = open(os.path.join(workdir, "exporter.log"), "w")
    p = subprocess.Popen([exporter, f"--config.file={cfg}",
                          f"--web.listen-address=127.0.0.1:{web}"],
                         stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{web}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/-/ready", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        rows = []
        for proto in ("tcp", "udp"):
            n0, cpu0 = counted(url), thread_cpu(p.pid, "vx-syslog")
            t0 = time.monotonic()
            sent = Flood(udp=f"127.0.0.1:{port}" if proto == "udp" else
                         None, tcp=f"127.0.0.1:{port}" if proto == "tcp"
                         else None, count=count).run()
            n1, t1 = settle(url)
            cpu = thread_cpu(p.pid, "vx-syslog") - cpu0
            got = n1 - n0
            rows.append((proto, sent["udp"] + sent["tcp"], got, t1 - t0,
                         cpu, status(p.pid, "VmRSS"),
                         status(p.pid, "VmHWM")))
        return rows
    finally:
        p.terminate()
        p.wait(10)
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--count", type=int, default=1000000)
    a = ap.parse_args()
    bench = os.path.join(a.build_dir, "tests", "syslog_bench")
    exporter = os.path.join(a.build_dir, "exporter", "vpn_exporter")
    print("In process, one thread, per CPU second (build/tests/syslog_bench):")
    for args in (["-d", "100", "-p", "2000"], ["-d", "1000", "-p", "20000"]):
        out = subprocess.run([bench, *args], capture_output=True, text=True,
                             check=True).stdout.strip()
        kv = dict(x.split("=") for x in out.split())
        print(f"  {kv['devices']:>5} devices, {kv['peers']:>6} peers: "
              f"{float(kv['per_second']):>12,.0f} messages/s")
    print(f"\nEnd to end, {a.count:,} messages per run (listener thread "
          "CPU, kernel receive included):")
    print(f"  {'proto':5} {'sent':>9} {'counted':>9} {'wall s':>7} "
          f"{'cpu s':>6} {'msg/s/core':>11} {'msg/s wall':>11} "
          f"{'RSS MiB':>8} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as d:
        for proto, sent, got, wall, cpu, rss, hwm in end_to_end(
                exporter, a.count, d):
            print(f"  {proto:5} {sent:>9,} {int(got):>9,} {wall:>7.1f} "
                  f"{cpu:>6.2f} {got / cpu if cpu else 0:>11,.0f} "
                  f"{got / wall:>11,.0f} {rss / 1048576:>8.1f} "
                  f"{hwm / 1048576:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
