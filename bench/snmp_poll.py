#!/usr/bin/env python3
"""Benchmark: poll one simulated Cisco ASA with vpn_exporter and snmp_exporter.

For each tunnel count (10, 100, 1000, 5000) and each agent delay (0 and
2 ms per response PDU) this script

  1. generates the ASA with tests/emulators/gen_asa_snmprec.py,
  2. starts vx_fastagent on it (a fresh agent for each exporter, so the
     agent's request counters belong to one exporter),
  3. starts the exporter fresh, waits until it is ready, then times R
     scrapes (default 3): vpn_exporter's GET /probe?target=asa-bench and
     snmp_exporter's GET /snmp?target=127.0.0.1:PORT&module=cisco_asa,
     reading the exporter's CPU time (utime+stime in /proc/PID/stat)
     around the scrapes and its peak RSS (VmHWM in /proc/PID/status) at
     the end, and checks that the answer is complete,
  4. prints one row per (tunnels, delay) with the median poll time, the
     CPU time per poll, the peak RSS and the ratios snmp_exporter /
     vpn_exporter for time and CPU and vpn_exporter / snmp_exporter for
     RSS.  The target is time and CPU ratios above 1 and an RSS ratio of
     at most 0.5.

If vpn_exporter is missing, does not start, or has no working /probe
yet, the snmp_exporter side is still measured and the reason is printed.

Only the Python 3 standard library is used.  See bench/README.md.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "tests", "emulators", "gen_asa_snmprec.py")
SE_CONFIG = os.path.join(REPO, "bench", "snmp_exporter.yml")
CLK_TCK = os.sysconf("SC_CLK_TCK")
READY_LINE = re.compile(r"fastagent: (\d+) varbinds loaded, listening on "
                        r"udp/127\.0\.0\.1:(\d+)")
STATS_LINE = re.compile(r"fastagent: (\d+) requests, (\d+) responses, "
                        r"(\d+) varbinds")

VX_CONFIG = """\
defaults:
  interval: 1h
  timeout: 300s
  retries: 0
  background: false
devices:
  - name: asa-bench
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp:
        port: {port}
        version: 2c
        community: public
"""


class BenchError(Exception):
    """One side of one row could not be measured; the text says why."""


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, headers=None, timeout=600):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads, dead ones too)."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


class Proc:
    """A child process in its own process group (and by default its own
    session), output to a log file.

    Linux schedules each session as a group (autogroup): the CPU is shared
    between sessions first.  own_session=False keeps the child in ours,
    so that many of them (simulated devices) weigh as one."""

    def __init__(self, argv, log_path, own_session=True):
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, "wb")
        group = {"start_new_session": True} if own_session else \
            {"process_group": 0}
        self.p = subprocess.Popen(argv, stdout=self._log,
                                  stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, **group)
        self.pid = self.p.pid

    def alive(self):
        return self.p.poll() is None

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, timeout=10):
        if self.alive():
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.p.wait()
        self._log.close()
        return self.p.returncode


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise BenchError(f"timed out after {timeout:.0f}s waiting for {what}")


class Agent:
    """vx_fastagent serving one data file; stopped after one exporter."""

    def __init__(self, binary, data, delay_ms, workdir, tag,
                 own_session=True):
        self.proc = Proc([binary, "--listen", "127.0.0.1:0", "--data", data,
                          "--delay-ms", str(delay_ms)],
                         os.path.join(workdir, f"fastagent-{tag}.log"),
                         own_session)

        def ready():
            if not self.proc.alive():
                raise BenchError("fastagent exited: " + self.proc.log())
            return READY_LINE.search(self.proc.log())

        m = wait_for(ready, 60, "fastagent")
        self.varbinds, self.port = int(m.group(1)), int(m.group(2))

    def stop(self):
        """Stops the agent; returns (requests, varbinds) it served."""
        self.proc.stop()
        m = STATS_LINE.search(self.proc.log())
        if not m:
            return None, None
        return int(m.group(1)), int(m.group(3))


def measure(proc, url, headers, args, check):
    """
    Times scrapes of url on a ready exporter process: at least
    args.repeat, and more (up to 1000) until args.min_time seconds have
    passed, because /proc CPU times tick in 10 ms steps and a small poll
    takes less than that.  CPU per poll is the total over all polls
    divided by their number.
    """
    times, last = [], b""
    c0 = cpu_seconds(proc.pid)
    while (len(times) < args.repeat or
           (sum(times) < args.min_time and len(times) < 1000)):
        t0 = time.monotonic()
        status, body = http_get(url, headers)
        t1 = time.monotonic()
        if status != 200:
            raise BenchError(f"GET {url}: HTTP {status}: "
                             f"{body[:300].decode('utf-8', 'replace')}")
        times.append(t1 - t0)
        last = body
    cpu = cpu_seconds(proc.pid) - c0
    text = last.decode("utf-8", "replace")
    problem = check(text)
    return {
        "polls": len(times),
        "poll_s": statistics.median(times),
        "poll_s_min": min(times),
        "poll_s_max": max(times),
        "cpu_s": cpu / len(times),
        "cpu_s_total": cpu,
        "peak_rss_mib": peak_rss_mib(proc.pid),
        "samples": sum(1 for ln in text.splitlines()
                       if ln and not ln.startswith("#")),
        "bytes": len(last),
        "check": problem or "ok",
    }


def run_vpn_exporter(args, agent, workdir, tag, tunnels):
    cfg = os.path.join(workdir, f"vpn_exporter-{tag}.yml")
    with open(cfg, "w") as f:
        f.write(VX_CONFIG.format(port=agent.port))
    port = free_tcp_port()
    base = f"http://127.0.0.1:{port}"
    proc = Proc([args.vpn_exporter, f"--config.file={cfg}",
                 f"--web.listen-address=127.0.0.1:{port}"],
                os.path.join(workdir, f"vpn_exporter-{tag}.log"))
    try:
        def ready():
            if not proc.alive():
                raise BenchError("vpn_exporter exited with "
                                 f"{proc.p.returncode}: {proc.log()[-500:]}")
            try:
                return http_get(base + "/-/ready", timeout=2)[0] == 200
            except OSError:
                return False

        wait_for(ready, 30, "vpn_exporter /-/ready")

        def check(text):
            if not re.search(r'^vpn_up\{[^}]*\} 1$', text, re.M):
                return "no 'vpn_up{...} 1' in the answer"
            n = sum(1 for ln in text.splitlines()
                    if ln.startswith("vpn_tunnel_up{"))
            if n != tunnels:
                return f"{n} vpn_tunnel_up series, expected {tunnels}"
            return None

        return measure(proc, base + "/probe?target=asa-bench",
                       {"X-Prometheus-Scrape-Timeout-Seconds": "300"},
                       args, check)
    finally:
        proc.stop()


def run_snmp_exporter(args, agent, workdir, tag, tunnels, children):
    port = free_tcp_port()
    base = f"http://127.0.0.1:{port}"
    proc = Proc([args.snmp_exporter, f"--config.file={args.snmp_config}",
                 f"--web.listen-address=127.0.0.1:{port}"],
                os.path.join(workdir, f"snmp_exporter-{tag}.log"))
    try:
        def ready():
            if not proc.alive():
                raise BenchError("snmp_exporter exited: " + proc.log()[-500:])
            try:
                return http_get(base + "/", timeout=2)[0] == 200
            except OSError:
                return False

        wait_for(ready, 30, "snmp_exporter")

        def check(text):
            # ActiveTime columns are in both modules of snmp_exporter.yml.
            n_ike = sum(1 for ln in text.splitlines()
                        if ln.startswith("cikeTunActiveTime{"))
            n_tun = sum(1 for ln in text.splitlines()
                        if ln.startswith("cipSecTunActiveTime{"))
            if n_ike != tunnels or n_tun != children:
                return (f"{n_ike} cikeTunActiveTime / {n_tun} "
                        f"cipSecTunActiveTime series, expected {tunnels} / "
                        f"{children}")
            return None

        return measure(proc, f"{base}/snmp?target=127.0.0.1:{agent.port}"
                       f"&module={args.snmp_module}",
                       {"X-Prometheus-Scrape-Timeout-Seconds": "300"},
                       args, check)
    finally:
        proc.stop()


def generate(workdir, tunnels, seed):
    path = os.path.join(workdir, f"asa-{tunnels}.snmprec")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, "--tunnels", str(tunnels),
                        "--seed", seed, "-o", path], check=True)
    # Phase-2 children: one per peer, two for every 7th (see the generator).
    return path, tunnels + tunnels // 7


def side(fn, args, data, delay, workdir, tag, *extra):
    """Runs one exporter against a fresh agent; returns a result dict."""
    try:
        agent = Agent(args.fastagent, data, delay, workdir,
                      f"{fn.__name__[len('run_'):]}-{tag}")
    except BenchError as e:
        return {"error": f"agent: {e}"}
    try:
        res = fn(args, agent, workdir, tag, *extra)
    except (BenchError, OSError) as e:
        res = {"error": str(e)}
    finally:
        reqs, vbs = agent.stop()
    # Per poll, as the agent saw them.
    n = res.get("polls")
    res["agent_requests"] = reqs / n if n and reqs is not None else None
    res["agent_varbinds"] = vbs / n if n and vbs is not None else None
    return res


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(rows, out=sys.stdout):
    hdr = ("tunnels delay |   vpn_exporter: poll s   cpu s  rss MiB  PDUs |"
           "  snmp_exporter: poll s   cpu s  rss MiB  PDUs |"
           " se/vx time   cpu  vx/se rss | target")
    # PDUs = request PDUs the agent answered per poll; cpu s = per poll.
    print(hdr, file=out)
    print("-" * len(hdr), file=out)
    for r in rows:
        vx, se = r["vpn_exporter"], r["snmp_exporter"]

        def cols(s):
            if "error" in s or "skipped" in s:
                what = "(error)" if "error" in s else "(skipped)"
                return f"{what:>22} {'':7} {'':8} {'':5}"
            return (f"{s['poll_s']:22.4f} {s['cpu_s']:7.4f} "
                    f"{s['peak_rss_mib']:8.1f} {fmt(s.get('agent_requests'), '5.0f')}")

        rt, rc, rr = r["ratio_time"], r["ratio_cpu"], r["ratio_rss"]
        target = "-"
        if rt is not None and rr is not None:
            target = "met" if rt > 1 and rr <= 0.5 else "MISSED"
        print(f"{r['tunnels']:7d} {r['delay_ms']:3g}ms | {cols(vx)} |"
              f"  {cols(se)} | {fmt(rt, '10.2f')} {fmt(rc, '5.2f')} "
              f"{fmt(rr, '10.2f')} | {target}", file=out)
    notes = []
    for r in rows:
        for name in ("vpn_exporter", "snmp_exporter"):
            s = r[name]
            msg = s.get("error") or s.get("skipped")
            if not msg and s.get("check") not in (None, "ok"):
                msg = "answer check failed: " + s["check"]
            if msg:
                notes.append(f"{r['tunnels']} tunnels, {r['delay_ms']:g} ms: "
                             f"{name}: {msg}")
    if notes:
        print("", file=out)
        for n in notes:
            print("note: " + n, file=out)


def default_fastagent():
    for d in ("build", "build-agent"):
        p = os.path.join(REPO, d, "tests", "vx_fastagent")
        if os.path.exists(p):
            return p
    return os.path.join(REPO, "build", "tests", "vx_fastagent")


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Benchmark vpn_exporter against snmp_exporter on a "
        "simulated Cisco ASA (see bench/README.md).")
    ap.add_argument("--vpn-exporter",
                    default=os.path.join(REPO, "build", "exporter",
                                         "vpn_exporter"),
                    help="vpn_exporter binary (default build/exporter/"
                    "vpn_exporter)")
    ap.add_argument("--snmp-exporter",
                    default=shutil.which("prometheus-snmp-exporter") or
                    "/usr/bin/prometheus-snmp-exporter",
                    help="snmp_exporter binary")
    ap.add_argument("--snmp-config", default=SE_CONFIG,
                    help="snmp_exporter config (default bench/"
                    "snmp_exporter.yml)")
    ap.add_argument("--snmp-module", default="cisco_asa",
                    help="module of the snmp_exporter config: cisco_asa "
                    "(whole tables, default) or cisco_asa_columns (only "
                    "the columns vpn_exporter reads)")
    ap.add_argument("--fastagent", default=default_fastagent(),
                    help="vx_fastagent binary (default build/tests/"
                    "vx_fastagent, then build-agent/tests/vx_fastagent)")
    ap.add_argument("--tunnels", default="10,100,1000,5000",
                    help="comma-separated tunnel counts")
    ap.add_argument("--delays", default="0,2",
                    help="comma-separated agent delays in ms per PDU")
    ap.add_argument("--repeat", type=int, default=3,
                    help="scrapes per exporter and row (median reported)")
    ap.add_argument("--min-time", type=float, default=1.0,
                    help="keep scraping until this many seconds have "
                    "passed, for CPU resolution (default 1)")
    ap.add_argument("--quick", action="store_true",
                    help="10 and 100 tunnels only")
    ap.add_argument("--seed", default="bench", help="generator seed")
    ap.add_argument("--only", choices=("vpn_exporter", "snmp_exporter"),
                    help="measure one exporter only")
    ap.add_argument("--json", action="store_true",
                    help="print the results as JSON instead of a table")
    ap.add_argument("--workdir",
                    help="keep data files and logs here (default: a "
                    "temporary directory, removed at the end)")
    a = ap.parse_args(argv)
    a.tunnel_list = [10, 100] if a.quick else [
        int(x) for x in a.tunnels.split(",") if x]
    a.delay_list = [float(x) for x in a.delays.split(",") if x]
    if a.repeat < 1:
        ap.error("--repeat must be at least 1")
    return a


def main(argv=None):
    args = parse_args(argv)
    log = sys.stderr
    if not os.access(args.fastagent, os.X_OK):
        print(f"snmp_poll: vx_fastagent not found at {args.fastagent}; "
              "build it with: cmake --build build --target vx_fastagent",
              file=log)
        return 2
    vx_missing = None
    if args.only == "snmp_exporter":
        vx_missing = "not measured (--only snmp_exporter)"
    elif not os.access(args.vpn_exporter, os.X_OK):
        vx_missing = (f"not found at {args.vpn_exporter}; measuring "
                      "snmp_exporter only")
        print(f"snmp_poll: vpn_exporter {vx_missing}", file=log)
    se_missing = None
    if args.only == "vpn_exporter":
        se_missing = "not measured (--only vpn_exporter)"
    elif not os.access(args.snmp_exporter, os.X_OK):
        se_missing = f"not found at {args.snmp_exporter}"
        print(f"snmp_poll: snmp_exporter {se_missing}", file=log)

    own_tmp = args.workdir is None
    workdir = args.workdir or tempfile.mkdtemp(prefix="vx-bench-")
    os.makedirs(workdir, exist_ok=True)
    rows = []
    try:
        for tunnels in args.tunnel_list:
            data, children = generate(workdir, tunnels, args.seed)
            for delay in args.delay_list:
                print(f"snmp_poll: {tunnels} tunnels, {delay:g} ms delay ...",
                      file=log, flush=True)
                row = {"tunnels": tunnels, "children": children,
                       "delay_ms": delay, "repeat": args.repeat}
                if vx_missing:
                    row["vpn_exporter"] = {"skipped": vx_missing}
                else:
                    row["vpn_exporter"] = side(run_vpn_exporter, args, data,
                                               delay, workdir,
                                               f"{tunnels}-{delay:g}ms",
                                               tunnels)
                if se_missing:
                    row["snmp_exporter"] = {"skipped": se_missing}
                else:
                    row["snmp_exporter"] = side(run_snmp_exporter, args,
                                                data, delay, workdir,
                                                f"{tunnels}-{delay:g}ms",
                                                tunnels, children)
                vx, se = row["vpn_exporter"], row["snmp_exporter"]
                row["ratio_time"] = ratio(se.get("poll_s"), vx.get("poll_s"))
                row["ratio_cpu"] = ratio(se.get("cpu_s"), vx.get("cpu_s"))
                row["ratio_rss"] = ratio(vx.get("peak_rss_mib"),
                                         se.get("peak_rss_mib"))
                rows.append(row)
    finally:
        if own_tmp:
            shutil.rmtree(workdir, ignore_errors=True)

    if args.json:
        json.dump({"rows": rows, "vpn_exporter": args.vpn_exporter,
                   "snmp_exporter": args.snmp_exporter,
                   "snmp_module": args.snmp_module,
                   "fastagent": args.fastagent}, sys.stdout, indent=1)
        print()
    else:
        print(f"snmp_exporter module: {args.snmp_module}")
        print_table(rows)
        if vx_missing:
            print(f"\nvpn_exporter {vx_missing}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
