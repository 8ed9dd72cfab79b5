#!/usr/bin/env python3
"""Benchmark of the Cisco ASA SSH path (issue #3).

  1. Parser throughput: asa_parse_bench times asa_parse_ipsec_sa() on a
     synthetic "show crypto ipsec sa" with 10,000 L2L peers (MB/s).
  2. Poll time: ssh_driver runs the collector's four commands ("show asp
     drop", "show crypto ipsec sa", "show crypto ikev1 sa", "show crypto
     ikev2 sa") N times over one reused session, then N times with a fresh
     login each, against a real sshd + the ASA CLI emulator on loopback.
  3. Transport throughput: the 10,000-peer output replayed by the emulator
     and read through the SSH transport (prompt detection, cleanup).

Usage: asa_ssh_bench.py --build-dir BUILD [--polls 50] [--peers 10000]
Needs sshd and ssh-keygen (tests/lib/sshd.py; as root it runs sshd as the
unprivileged user vxtest, created if missing).  Build first:
  cmake --build BUILD --target asa_parse_bench vx_ssh_driver
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "lib"))

from sshd import Sshd  # noqa: E402

POLL = ["show asp drop", "show crypto ipsec sa", "show crypto ikev1 sa",
        "show crypto ikev2 sa"]
SUMMARY = re.compile(r"# logins=(\d+) commands=(\d+) errors=(\d+) "
                     r"elapsed_ms=(\d+)")


def find_binary(build, name):
    for root, _, files in os.walk(build):
        if name in files:
            return os.path.join(root, name)
    sys.exit(f"{name} not found under {build}; build it first")


def drive(driver, sshd, enable, cmds, *extra):
    argv = [driver, "-p", str(sshd.port), "-u", sshd.user, "-k",
            sshd.client_key, "-K", sshd.known_hosts, "-E", enable, "-q",
            "-t", "60000", *extra, *cmds]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    m = SUMMARY.search(r.stdout)
    if r.returncode != 0 or not m:
        sys.exit(f"ssh_driver failed:\n{r.stdout}\n{r.stderr}")
    logins, commands, errors, ms = map(int, m.groups())
    return logins, commands, ms


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--polls", type=int, default=50)
    ap.add_argument("--peers", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    parse_bench = find_binary(a.build_dir, "asa_parse_bench")
    driver = find_binary(a.build_dir, "vx_ssh_driver")
    work = tempfile.mkdtemp(prefix="vx-asa-bench-")
    os.chmod(work, 0o755)
    servers = []
    try:
        big = os.path.join(work, "ipsec_sa_big.txt")
        r = subprocess.run([parse_bench, "-p", str(a.peers), "-n",
                            str(a.runs), "-o", big], capture_output=True,
                           text=True, check=True)
        print(f"parser   asa_parse_ipsec_sa  {r.stdout.strip()}")

        enable = os.path.join(work, "enable")
        with open(enable, "w") as f:
            f.write("s3cret-enable\n")
        sshd = Sshd(work, name="lab")
        servers.append(sshd)
        logins, n, ms = drive(driver, sshd, enable, POLL, "-r",
                              str(a.polls))
        reused = ms / a.polls
        print(f"poll     reused session      polls={a.polls} "
              f"commands={n} logins={logins} total_ms={ms} "
              f"per_poll_ms={reused:.1f}")
        logins, n, ms = drive(driver, sshd, enable, POLL, "-r",
                              str(a.polls), "-f")
        fresh = ms / a.polls
        print(f"poll     fresh login each    polls={a.polls} "
              f"commands={n} logins={logins} total_ms={ms} "
              f"per_poll_ms={fresh:.1f}")
        print(f"poll     fresh/reused        ratio={fresh / reused:.1f}x "
              f"login_cost_ms={fresh - reused:.1f}")

        big_sshd = Sshd(work, name="big")
        servers.append(big_sshd)
        shutil.copy(big, os.path.join(big_sshd.scenario,
                                      "show_crypto_ipsec_sa.txt"))
        size = os.path.getsize(big)
        logins, n, ms = drive(driver, big_sshd, enable,
                              ["show crypto ipsec sa"], "-r", "3")
        per = ms / 3
        print(f"ssh      {a.peers}-peer output   bytes={size} "
              f"per_command_ms={per:.0f} "
              f"mb_per_s={size / 1e6 / (per / 1000):.1f} (emulator-bound)")
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
