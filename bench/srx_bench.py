#!/usr/bin/env python3
"""Benchmark of the Juniper SRX collectors: poll time, requests per poll
and exporter CPU for an SRX with N tunnels (default 2,000), all up.

  NETCONF  juniper_srx_netconf against the SRX emulator behind a real
           sshd (tests/emulators/srx/srx_emu.py, base:1.1 framing) on a
           kept session: three RPCs a poll (the SAs and the IKE SAs in
           detail form, the statistics as text).  The first poll (login,
           hellos) is left out.
  SNMP     juniper_srx_snmp against vx_fastagent serving the same SRX
           (tests/emulators/srx/gen_srx_snmprec.py), beside snmp_exporter
           walking the same columns (module juniper_srx of
           bench/snmp_exporter.yml) on the same agent, at 0 and 2 ms per
           response PDU (--delay-ms).

CPU is the exporter process' utime + stime around the timed polls
(/proc/PID/stat), per poll; requests are RPCs (NETCONF, from the
emulator's log) or SNMP PDUs (from the agent's own count).

Usage: srx_bench.py [--vpn-exporter build/exporter/vpn_exporter]
                    [--fastagent build/tests/vx_fastagent]
                    [--snmp-exporter prometheus-snmp-exporter]
                    [--tunnels 2000] [--polls 5] [--delays 0,2]
The NETCONF part needs an sshd (and root, as the tests do, or a user who
may hand out ptys); see tests/lib/sshd.py.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))

import snmp_poll  # noqa: E402
from snmp_poll import Agent, BenchError, Proc, cpu_seconds  # noqa: E402

GEN = os.path.join(REPO, "tests", "emulators", "srx", "gen_srx_snmprec.py")
HDR = {"X-Prometheus-Scrape-Timeout-Seconds": "300"}

VX_CONFIG = """\
defaults:
  interval: 1h
  timeout: 300s
  retries: 0
  background: false
devices:
  - name: srx-bench
    vendor: juniper_srx
    address: 127.0.0.1
    collectors:
"""


def start_exporter(args, workdir, tag, collectors):
    cfg = os.path.join(workdir, f"vpn_exporter-{tag}.yml")
    with open(cfg, "w") as f:
        f.write(VX_CONFIG + collectors)
    port = snmp_poll.free_tcp_port()
    proc = Proc([args.vpn_exporter, f"--config.file={cfg}",
                 f"--web.listen-address=127.0.0.1:{port}"],
                os.path.join(workdir, f"vpn_exporter-{tag}.log"))
    base = f"http://127.0.0.1:{port}"

    def ready():
        if not proc.alive():
            raise BenchError("vpn_exporter exited: " + proc.log()[-500:])
        try:
            return snmp_poll.http_get(base + "/-/ready", timeout=2)[0] == 200
        except OSError:
            return False
    snmp_poll.wait_for(ready, 30, "vpn_exporter")
    return proc, base + "/probe?target=srx-bench"


def check_vx(tunnels):
    def check(text):
        if "vpn_up{device=\"srx-bench\"} 1" not in text:
            return "no vpn_up 1"
        n = sum(1 for ln in text.splitlines()
                if ln.startswith("vpn_tunnel_up{"))
        return None if n == tunnels else f"{n} tunnels, expected {tunnels}"
    return check


def netconf(args, workdir):
    import srxtest
    s = srxtest.srx_sshd(workdir, {"hostname": "srx-bench",
                                   "generate": {"tunnels": args.tunnels}},
                         name="srx-bench")
    try:
        proc, url = start_exporter(
            args, workdir, "netconf", "      juniper_srx_netconf:\n" +
            srxtest.netconf_yaml(s))
        try:
            status, body = snmp_poll.http_get(url, HDR)   # login, hellos
            if status != 200:
                raise BenchError(f"probe: {status}")
            rpcs0 = len(srxtest.commands(s, "netconf"))
            times, c0 = [], cpu_seconds(proc.pid)
            for _ in range(args.polls):
                t0 = time.monotonic()
                status, body = snmp_poll.http_get(url, HDR)
                times.append(time.monotonic() - t0)
            cpu = (cpu_seconds(proc.pid) - c0) / args.polls
            problem = check_vx(args.tunnels)(body.decode())
            if problem:
                raise BenchError(problem)
            rpcs = (len(srxtest.commands(s, "netconf")) - rpcs0) / \
                args.polls
            logins = len([c for c in srxtest.commands(s, "netconf")
                          if c[2] == "LOGIN"])
            return {"poll_s": statistics.median(times), "requests": rpcs,
                    "cpu_s": cpu, "bytes": len(body), "logins": logins,
                    "rss": snmp_poll.peak_rss_mib(proc.pid)}
        finally:
            proc.stop()
    finally:
        s.stop()


def snmp_side(args, data, delay, workdir, vx):
    tag = f"{'vx' if vx else 'se'}-{delay}"
    agent = Agent(args.fastagent, data, delay, workdir, tag)
    try:
        if vx:
            proc, url = start_exporter(
                args, workdir, tag, "      juniper_srx_snmp:\n"
                f"        port: {agent.port}\n        community: public\n")
            check = check_vx(args.tunnels)
        else:
            port = snmp_poll.free_tcp_port()
            proc = Proc([args.snmp_exporter,
                         f"--config.file={args.snmp_config}",
                         f"--web.listen-address=127.0.0.1:{port}"],
                        os.path.join(workdir, f"snmp_exporter-{tag}.log"))
            base = f"http://127.0.0.1:{port}"
            snmp_poll.wait_for(lambda: _up(base), 30, "snmp_exporter")
            url = (f"{base}/snmp?target=127.0.0.1:{agent.port}"
                   "&module=juniper_srx")

            def check(text):
                n = sum(1 for ln in text.splitlines()
                        if ln.startswith("jnxIpSecSaMonInSpi{"))
                return None if n == args.tunnels else \
                    f"{n} SA rows, expected {args.tunnels}"
        try:
            r = snmp_poll.measure(proc, url, HDR, args, check)
        finally:
            proc.stop()
    finally:
        pdus, varbinds = agent.stop()
    if r["check"] != "ok":
        raise BenchError(r["check"])
    r["requests"] = pdus / r["polls"] if pdus else float("nan")
    return r


def _up(base):
    try:
        return snmp_poll.http_get(base + "/", timeout=2)[0] == 200
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vpn-exporter", default=os.path.join(
        REPO, "build", "exporter", "vpn_exporter"))
    ap.add_argument("--fastagent", default=os.path.join(
        REPO, "build", "tests", "vx_fastagent"))
    ap.add_argument("--snmp-exporter", default="prometheus-snmp-exporter")
    ap.add_argument("--snmp-config", default=os.path.join(
        HERE, "snmp_exporter.yml"))
    ap.add_argument("--tunnels", type=int, default=2000)
    ap.add_argument("--polls", type=int, default=5)
    ap.add_argument("--delays", default="0,2")
    args = ap.parse_args()
    args.repeat, args.min_time = args.polls, 0
    args.vpn_exporter = os.path.abspath(args.vpn_exporter)
    with tempfile.TemporaryDirectory(prefix="srx-bench-") as d:
        os.chmod(d, 0o755)
        print(f"Juniper SRX, {args.tunnels} tunnels up, median of "
              f"{args.polls} polls")
        try:
            r = netconf(args, d)
            print(f"NETCONF juniper_srx_netconf: poll {r['poll_s']:.3f} s, "
                  f"{r['requests']:.0f} RPCs, CPU {1000 * r['cpu_s']:.1f} ms,"
                  f" {r['bytes'] / 1e6:.1f} MB of metrics, "
                  f"{r['logins']} login(s), peak RSS {r['rss']:.1f} MiB",
                  flush=True)
        except (BenchError, OSError) as e:
            print(f"NETCONF: not measured: {e}")
        data = os.path.join(d, "srx.snmprec")
        import subprocess
        subprocess.run([sys.executable, GEN, "--tunnels",
                        str(args.tunnels), "-o", data], check=True)
        print(f"{'SNMP':<8} {'delay':>6} | {'vpn_exporter: poll s':>20} "
              f"{'PDUs':>6} {'cpu ms':>7} | {'snmp_exporter: poll s':>21} "
              f"{'PDUs':>6} {'cpu ms':>7}")
        for delay in (int(x) for x in args.delays.split(",")):
            row = []
            for vx in (True, False):
                try:
                    r = snmp_side(args, data, delay, d, vx)
                    row.append(f"{r['poll_s']:>{20 if vx else 21}.3f} "
                               f"{r['requests']:>6.0f} "
                               f"{1000 * r['cpu_s']:>7.1f}")
                except (BenchError, OSError) as e:
                    row.append(f"not measured: {e}")
            print(f"{'':<8} {delay:>4}ms | {row[0]} | {row[1]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
