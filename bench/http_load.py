#!/usr/bin/env python3
"""Benchmark: the HTTP server under concurrent /probe and /metrics load.

For each agent delay (0 and 2 ms per response PDU) this script starts
vpn_exporter with --devices on-demand devices (background: false) of
--tunnels tunnels each, spread over vx_fastagent processes
(--devices-per-agent each: the agent is single-threaded, and one agent
for 1,000 devices would measure the agent), then for each concurrency C
(1, 50, 200, 1000):

  opens C keep-alive connections at once, as Prometheus does, and sends
  --rounds bursts of C /probe requests over them (target dev-i on
  connection i, Accept-Encoding: gzip, X-Prometheus-Scrape-Timeout-Seconds:
  30).  Each answer is checked (200, vpn_up 1, one vpn_tunnel_up per
  tunnel), timed from sending the request to the last byte, and set
  against its own poll: the vpn_collect_duration_seconds it carries.
  Meanwhile a side client times GET /metrics every 100 ms.

Reported per row: p50, p99 and max of the request time, the largest
"request time minus its own poll" (the time the request spent anywhere
but in its poll: queueing, rendering, the HTTP server), errors, /metrics
times under that load, and the exporter's RSS, peak RSS and threads.  The
goal: no request slower than its own poll plus 1 s at 1,000 concurrent,
and no error.

With the 0 ms agents, two baselines follow at the largest concurrency:
/-/healthy (the client and the event loop alone) and /probe of one device
(one poll shared by all, then every answer rendered).

Then, with wrk (Debian package wrk): /metrics of an exporter polling
--metrics-devices background devices of --metrics-tunnels tunnels every
5 s, --wrk-connections keep-alive connections for --wrk-seconds.

Only the Python 3 standard library (asyncio) and wrk.  It stops by
itself.  See bench/README.md.

  python3 bench/http_load.py --vpn-exporter build/exporter/vpn_exporter \\
      --fastagent build/tests/vx_fastagent
"""

import argparse
import asyncio
import gc
import gzip
import http.client
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))

import snmp_poll as sp  # noqa: E402

DURATION = re.compile(rb'^vpn_collect_duration_seconds\{[^}]*\} (\S+)$', re.M)
TUNNEL_UP = re.compile(rb'^vpn_tunnel_up\{', re.M)
UP = re.compile(rb'^vpn_up\{[^}]*\} 1$', re.M)


def status_of(pid):
    """(VmRSS MiB, VmHWM MiB, threads) of a process."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return (int(out["VmRSS"][0]) / 1024, int(out["VmHWM"][0]) / 1024,
            int(out["Threads"][0]))


async def read_response(reader):
    """(status, headers dict, raw body) of one HTTP/1.1 response; the body
    is decoded later, out of the timed path."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k:
            headers[k.strip().lower()] = v.strip()
    body = await reader.readexactly(int(headers.get("content-length", 0)))
    return status, headers, body


def decode(headers, body):
    if headers.get("content-encoding") == "gzip":
        return gzip.decompress(body)
    return body


class Conn:
    """One keep-alive connection; reconnects if the server closed it."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None
        self.reconnects = 0

    async def request(self, path, headers):
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, limit=1 << 20)
                if attempt:
                    self.reconnects += 1
            hdr = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            self.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n"
                              f"{hdr}\r\n".encode())
            try:
                await self.writer.drain()
                return await read_response(self.reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                # An idle connection the server closed: retry once on a
                # new one, as HTTP clients do for idempotent requests.
                self.close()
                if attempt:
                    raise
        raise ConnectionError("unreachable")

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


PROBE_HEADERS = {"Accept-Encoding": "gzip",
                 "X-Prometheus-Scrape-Timeout-Seconds": "30"}


async def probe_burst(conns, raw):
    async def one(i, conn):
        t0 = time.monotonic()
        try:
            status, headers, body = await conn.request(
                f"/probe?target=dev-{i}", PROBE_HEADERS)
        except (OSError, asyncio.IncompleteReadError) as e:
            raw.append((time.monotonic() - t0, None, repr(e), None))
            return
        raw.append((time.monotonic() - t0, status, headers, body))
    await asyncio.gather(*(one(i, c) for i, c in enumerate(conns)))


def check(raw, tunnels):
    """Decoded after the bursts: ("ok"|"error", why, seconds, poll s)."""
    out = []
    for dt, status, headers, body in raw:
        if status is None:
            out.append(("error", headers, dt, 0))
            continue
        body = decode(headers, body)
        polls = [float(v) for v in DURATION.findall(body)]
        if (status != 200 or not UP.search(body)
                or len(TUNNEL_UP.findall(body)) != tunnels):
            out.append(("error", f"status {status}", dt, 0))
            continue
        out.append(("ok", "", dt, sum(polls)))
    return out


def metrics_sampler(port, stop, out):
    """In its own process (not this event loop): /metrics every 100 ms."""
    times = []
    conn = None
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port,
                                                  timeout=60)
            conn.request("GET", "/metrics",
                         headers={"Accept-Encoding": "gzip"})
            r = conn.getresponse()
            r.read()
            times.append(time.monotonic() - t0 if r.status == 200 else None)
        except (OSError, http.client.HTTPException):
            times.append(None)
            conn = None
        stop.wait(0.1)
    out.put(times)


async def baseline(port, conc, path, rounds):
    """The largest time of conc concurrent GET path, per burst."""
    conns = [Conn(port) for _ in range(conc)]
    worst = []
    for _ in range(rounds):
        times = []

        async def one(c):
            t0 = time.monotonic()
            status, _, _ = await c.request(path, PROBE_HEADERS)
            times.append(time.monotonic() - t0 if status == 200 else 1e9)
        await asyncio.gather(*(one(c) for c in conns))
        worst.append(max(times))
    for c in conns:
        c.close()
    return worst


async def run_level(port, conc, rounds, tunnels):
    conns = [Conn(port) for _ in range(conc)]
    raw = []
    stop = multiprocessing.Event()
    out = multiprocessing.Queue()
    sampler = multiprocessing.Process(target=metrics_sampler,
                                      args=(port, stop, out), daemon=True)
    sampler.start()
    t0 = time.monotonic()
    for _ in range(rounds):
        await probe_burst(conns, raw)
    wall = time.monotonic() - t0
    stop.set()
    mtimes = out.get(timeout=120)
    sampler.join(10)
    reconnects = sum(c.reconnects for c in conns)
    for c in conns:
        c.close()
    return check(raw, tunnels), mtimes, wall, reconnects


def _own_session_child(conn, fn, args):
    os.setsid()
    # No collector pauses in the middle of a burst: the client would read
    # answers late and count the wait as the exporter's.
    gc.disable()
    try:
        conn.send(("ok", asyncio.run(fn(*args))))
    except BaseException as e:  # noqa: B902 - reported to the parent
        conn.send(("error", repr(e)))
    conn.close()


def in_own_session(fn, *args):
    """asyncio.run(fn(*args)) in a child process in its own session.

    The client must not be what is measured.  Linux shares the CPU between
    sessions first (autogroup); in the session of the 100 simulated
    devices, busy answering the exporter's polls, the client read answers
    up to 1.4 s after the exporter had written them in full (seen by
    comparing the exporter's own timestamps with the client's).  In its
    own session it is a party of its own, as a Prometheus server is."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_own_session_child, args=(child, fn, args))
    p.start()
    child.close()
    try:
        if not parent.poll(900):
            raise sp.BenchError("the client took more than 900 s")
        status, value = parent.recv()
    finally:
        p.join(60)
        if p.is_alive():
            p.kill()
    if status != "ok":
        raise sp.BenchError("the client failed: " + value)
    return value


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def device_yaml(i, port):
    return (f"  - name: dev-{i}\n    vendor: cisco_asa\n"
            f"    address: 127.0.0.1\n    collectors:\n"
            f"      cisco_asa_snmp: {{port: {port}, community: public}}\n")


def start_exporter(args, work, tag, agents, ndev, background, interval="1h",
                   timeout="30s"):
    per = args.devices_per_agent
    cfg = os.path.join(work, f"{tag}.yml")
    with open(cfg, "w") as f:
        f.write(f"defaults:\n  interval: {interval}\n  timeout: {timeout}\n"
                f"  retries: 0\n  background: {str(background).lower()}\n"
                "devices:\n")
        for i in range(ndev):
            f.write(device_yaml(i, agents[i // per % len(agents)].port))
    port = sp.free_tcp_port()
    ex = sp.Proc([args.vpn_exporter, f"--config.file={cfg}",
                  f"--web.listen-address=127.0.0.1:{port}",
                  f"--probe.workers={args.probe_workers}",
                  f"--probe.scheduling={args.probe_scheduling}",
                  "--log.level=warn"], os.path.join(work, f"{tag}.log"))

    def ready():
        if not ex.alive():
            raise sp.BenchError("vpn_exporter exited: " + ex.log())
        try:
            return sp.http_get(f"http://127.0.0.1:{port}/-/ready",
                               timeout=2)[0] == 200
        except OSError:
            return False
    sp.wait_for(ready, 60, "vpn_exporter ready")
    return ex, port


def lower_agents(agents, nice):
    """The simulated devices stand for devices on other hosts: --agents-nice
    gives them a lower share of this one, as processes and, when this
    script leads its own session (run it with setsid), as that session's
    scheduling group (autogroup), which they share with it alone."""
    for a in agents:
        os.setpriority(os.PRIO_PROCESS, a.proc.p.pid, nice)
    if os.getsid(0) != os.getpid():
        print("note: not a session leader (run with setsid): the agents' "
              "scheduling group keeps its share", file=sys.stderr)
        return
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError as e:
        print(f"note: autogroup nice not set: {e}", file=sys.stderr)


def probe_rows(args, work, data, delay):
    nagents = -(-max(args.concurrency) // args.devices_per_agent)
    # The agents stay in our session: to the scheduler, the simulated
    # devices are one party, the exporter another, and the client (in
    # its own session, see in_own_session) a third.
    agents = [sp.Agent(args.fastagent, data, delay, work, f"{delay}-{i}",
                       own_session=False) for i in range(nagents)]
    if args.agents_nice:
        lower_agents(agents, args.agents_nice)
    rows = []
    ex = None
    try:
        ex, port = start_exporter(args, work, f"probe-{delay}", agents,
                                  max(args.concurrency), False)
        for conc in args.concurrency:
            cpu0 = sp.cpu_seconds(ex.pid)
            results, mtimes, wall, reconn = in_own_session(
                run_level, port, conc, args.rounds, args.tunnels)
            cpu = sp.cpu_seconds(ex.pid) - cpu0
            ok = [r for r in results if r[0] == "ok"]
            errors = [r for r in results if r[0] != "ok"]
            times = [r[2] for r in ok]
            over = [r[2] - r[3] for r in ok]
            rss, hwm, threads = status_of(ex.pid)
            mt = [t for t in mtimes if t is not None]
            rows.append({
                "delay": delay, "conc": conc, "requests": len(results),
                "p50": pct(times, 50), "p99": pct(times, 99),
                "max": max(times) if times else float("nan"),
                "poll_max": max((r[3] for r in ok), default=float("nan")),
                "over_max": max(over) if over else float("nan"),
                "errors": len(errors),
                "error_sample": errors[0][1] if errors else "",
                "reconnects": reconn,
                "metrics_n": len(mtimes),
                "metrics_max": max(mt) if mt else float("nan"),
                "metrics_err": len(mtimes) - len(mt),
                "rss": rss, "hwm": hwm, "threads": threads, "wall": wall,
                "cpu_ms": 1000 * cpu / max(1, len(results))})
            print_row(rows[-1], flush=True)
        if args.settle > 0:
            time.sleep(args.settle)
            rss, hwm, threads = status_of(ex.pid)
            print(f"      after {args.settle:g}s idle: rss {rss:.1f} MiB, "
                  f"{threads} threads", flush=True)
        if delay == 0:
            # The floors: the server and client alone, and rendering alone.
            conc = max(args.concurrency)
            for what, path in (("/-/healthy", "/-/healthy"),
                               ("/probe of one device (one shared poll)",
                                "/probe?target=dev-0")):
                worst = in_own_session(baseline, port, conc, path,
                                       args.rounds)
                print(f"      baseline: {conc} x {what}: slowest per burst "
                      + ", ".join(f"{w:.3f}s" for w in worst), flush=True)
    finally:
        if ex is not None:
            ex.stop()
        for a in agents:
            a.stop()
    return rows


HEADER = ("delay  conc  reqs |   p50 s   p99 s   max s | poll max  over max |"
          " errors | /metrics n  max s err | cpu ms/req | rss MiB  peak  "
          "threads")


def print_row(r, flush=False):
    print(f"{r['delay']:3d}ms {r['conc']:5d} {r['requests']:5d} | "
          f"{r['p50']:7.3f} {r['p99']:7.3f} {r['max']:7.3f} | "
          f"{r['poll_max']:8.3f} {r['over_max']:9.3f} | {r['errors']:6d} | "
          f"{r['metrics_n']:10d} {r['metrics_max']:6.3f} {r['metrics_err']:3d} | "
          f"{r['cpu_ms']:10.1f} | {r['rss']:7.1f} {r['hwm']:5.1f} {r['threads']:8d}"
          + (f"  ({r['error_sample']})" if r['error_sample'] else ""),
          flush=flush)


def wrk_metrics(args, work, data):
    if args.wrk_seconds <= 0:
        return
    wrk = shutil.which("wrk")
    if wrk is None:
        print("note: wrk is not installed (apt-get install wrk): /metrics "
              "under wrk skipped")
        return
    n = args.metrics_devices
    agents = [sp.Agent(args.fastagent, data, 0, work, f"wrk-{i}",
                       own_session=False)
              for i in range(-(-n // args.devices_per_agent))]
    ex = None
    try:
        ex, port = start_exporter(args, work, "wrk", agents, n, True, "5s",
                                  "5s")
        url = f"http://127.0.0.1:{port}/metrics"

        def polled():
            body = sp.http_get(url)[1].decode()
            return len(re.findall(r"^vpn_up\{.*\} 1$", body, re.M)) == n
        sp.wait_for(polled, 60, f"{n} devices polled")
        size = len(sp.http_get(url)[1])
        r = subprocess.run([wrk, "-t2", f"-c{args.wrk_connections}",
                            f"-d{args.wrk_seconds}s", "--latency",
                            "--timeout", "30s",
                            "-H", "Accept-Encoding: gzip", url],
                           capture_output=True, text=True,
                           timeout=args.wrk_seconds + 60)
        rss, hwm, threads = status_of(ex.pid)
        print(f"\n/metrics with wrk: {n} background devices of "
              f"{args.metrics_tunnels} tunnels every 5s ({size // 1024} KiB "
              f"uncompressed), {args.wrk_connections} keep-alive "
              f"connections, {args.wrk_seconds}s, gzip")
        print(r.stdout.rstrip())
        print(f"exporter: rss {rss:.1f} MiB, peak {hwm:.1f} MiB, "
              f"{threads} threads")
    finally:
        if ex is not None:
            ex.stop()
        for a in agents:
            a.stop()


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vpn-exporter",
                    default=os.path.join(REPO, "build/exporter/vpn_exporter"))
    ap.add_argument("--fastagent", default=sp.default_fastagent())
    ap.add_argument("--tunnels", type=int, default=100)
    ap.add_argument("--concurrency", default="1,50,200,1000")
    ap.add_argument("--delays", default="0,2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--devices-per-agent", type=int, default=10)
    ap.add_argument("--probe-workers", type=int, default=1024,
                    help="--probe.workers of the exporter (its default)")
    ap.add_argument("--probe-scheduling", default="idle",
                    choices=("idle", "nice"),
                    help="--probe.scheduling of the exporter (its default)")
    ap.add_argument("--agents-nice", type=int, default=0,
                    help="nice value (and autogroup nice) of the simulated "
                    "devices, which stand for other hosts (default 0)")
    ap.add_argument("--settle", type=float, default=0,
                    help="after the rows, wait this many seconds and report "
                    "the exporter's RSS and threads (what a burst leaves)")
    ap.add_argument("--metrics-devices", type=int, default=200)
    ap.add_argument("--metrics-tunnels", type=int, default=10)
    ap.add_argument("--wrk-connections", type=int, default=10)
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument("--workdir")
    args = ap.parse_args(argv)
    args.concurrency = [int(x) for x in args.concurrency.split(",")]
    args.delays = [int(x) for x in args.delays.split(",")]
    return args


def main(argv=None):
    args = parse_args(argv)
    work = args.workdir or tempfile.mkdtemp(prefix="vx-http-load-")
    os.makedirs(work, exist_ok=True)
    data, _ = sp.generate(work, args.tunnels, "http-load")
    print(f"{args.tunnels} tunnels per device, {args.devices_per_agent} "
          f"devices per vx_fastagent, {args.rounds} rounds per row on "
          f"keep-alive connections, --probe.workers={args.probe_workers}, "
          f"--probe.scheduling={args.probe_scheduling}, agents at nice "
          f"{args.agents_nice}")
    print(HEADER)
    rows = []
    for delay in args.delays:
        rows += probe_rows(args, work, data, delay)
    worst = max((r["over_max"] for r in rows if r["conc"] == 1000),
                default=None)
    errs = sum(r["errors"] for r in rows)
    if worst is not None:
        print(f"\ngoal at 1,000 concurrent: request <= its poll + 1s: "
              f"worst {worst:.3f}s over -> "
              f"{'met' if worst <= 1 and errs == 0 else 'MISSED'}; "
              f"errors in all rows: {errs}")
    mdata, _ = sp.generate(work, args.metrics_tunnels, "http-load-metrics")
    wrk_metrics(args, work, mdata)
    print(f"work directory: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
