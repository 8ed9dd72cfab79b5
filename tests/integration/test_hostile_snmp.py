#!/usr/bin/env python3
"""Hostile SNMP agents, all at once beside a healthy one.

A blackhole (a bound UDP port that never answers), a closed port (v2c,
and SNMPv3 whose engine discovery meets it), an agent that answers with
random bytes, one whose answers name other request-ids, one whose tables
never end, and a wrong community: each
reads vpn_up 0 with one clear log line naming it and the cause, and its
reason on vpn_exporter_collect_errors_total.  An agent that answers out
of order, twice and late is not broken: its device is up with every
tunnel.  Meanwhile the healthy device polls every interval, /metrics
answers fast, the configured community never shows, the process lives
and (in a plain build) its memory stays bounded.

The agents are vx_fastagent with --fault (tests/emulators/fastagent).
The looping agent ("OID not increasing") is in test_scale.py, wrong
SNMPv3 credentials against a real snmpd in test_snmp.py.
"""

import os
import re
import socket
import time

from vxtest import (Exporter, FastAgent, TmpDirTest, find, free_port,
                    gen_asa, main, parse_metrics, value)

SANITIZED = os.environ.get("VX_SANITIZE") == "1"
INTERVAL = 2
SECRET = "hostile-community-7f3a"
V3_SECRET = "hostile-v3-password-91c2"

HEADER = f"""\
defaults:
  interval: {INTERVAL}s
  timeout: 1500ms
devices:
"""

DEVICE = """\
  - name: {name}
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {port}, community: {community}}}
"""

# SNMPv3 to a closed port: engine discovery, which net-snmp runs
# synchronously, must end at the deadline like any request.
V3_DEVICE = """\
  - name: v3closed
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp:
        port: {port}
        version: "3"
        username: monitor
        security_level: authPriv
        auth_password_file: {pw}
        priv_password_file: {pw}
"""


def proc_status(pid):
    """VmRSS and VmHWM of pid, in MiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024
    return out


class Blackhole:
    """A bound UDP port that reads nothing and answers nothing."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def stop(self):
        self.sock.close()


class HostileSnmp(TmpDirTest):
    def test_snmp_faults_beside_a_healthy_device(self):
        data, summary = gen_asa(self.workdir, "asa", "--tunnels", "6",
                                "--seed", "3")
        tunnels = sum(len(p["tunnels"]) for p in summary["peers"]
                      if p["up"])
        agents = {"ok": self.track(FastAgent(self.workdir, data,
                                             "--community", SECRET,
                                             name="ok"))}
        for fault in ("garbage", "reqid", "endless", "scramble"):
            agents[fault] = self.track(FastAgent(
                self.workdir, data, "--community", SECRET, "--fault", fault,
                name=fault))
        ports = {name: a.port for name, a in agents.items()}
        ports["blackhole"] = self.track(Blackhole()).port
        ports["closed"] = free_port(socket.SOCK_DGRAM)
        ports["community"] = agents["ok"].port
        devices = "".join(DEVICE.format(
            name=name, port=port,
            community="wrong-community" if name == "community" else SECRET)
            for name, port in ports.items())
        pw = os.path.join(self.workdir, "v3-password")
        with open(pw, "w") as f:
            f.write(V3_SECRET + "\n")
        os.chmod(pw, 0o600)
        devices += V3_DEVICE.format(port=free_port(socket.SOCK_DGRAM), pw=pw)
        # The endless walk gets time enough to reach the row cap.
        devices = devices.replace(
            "  - name: endless\n",
            "  - name: endless\n    interval: 20s\n    timeout: 15s\n")
        ex = self.track(Exporter(self.workdir, HEADER + devices))
        pid = ex.proc.p.pid

        # Several rounds of everything, watching the healthy device and
        # the endpoint meanwhile.
        slowest, stamps = 0.0, []
        end = time.monotonic() + 5 * INTERVAL + 1
        while time.monotonic() < end:
            t0 = time.monotonic()
            text = ex.metrics()
            slowest = max(slowest, time.monotonic() - t0)
            smp = parse_metrics(text)
            stamps += find(smp, "vpn_collect_timestamp_seconds",
                           device="ok")
            time.sleep(0.25)
        self.assertLess(slowest, 1.0)
        # The healthy device polled every interval: at least four
        # distinct polls in five intervals, none more than an interval
        # and a half after the one before.
        polls = sorted(set(stamps))
        self.assertGreaterEqual(len(polls), 4, polls)
        gaps = [b - a for a, b in zip(polls, polls[1:])]
        self.assertLess(max(gaps), INTERVAL * 1.5, gaps)

        # The endless walk ends at the row cap (later under ASan).
        ex.wait_log(r"level=error device=endless ", timeout=30)
        text = ex.metrics()
        smp = parse_metrics(text)
        for name in ("ok", "scramble"):
            self.assertEqual(value(smp, "vpn_up", device=name), 1, name)
            self.assertEqual(len(find(smp, "vpn_tunnel_up", device=name)),
                             tunnels, name)
        log = ex.log()
        causes = {
            "blackhole": ("timeout", r"no response from udp:127\.0\.0\.1"),
            "closed": ("connect", r"port unreachable"),
            "garbage": ("protocol", r"none of them an SNMP message"),
            "reqid": ("protocol", r"none of them an answer to a request"),
            "endless": ("protocol", r"more than 250000 rows in column "
                                    r"1\.3\.6\.1\.4\.1\.9\.9\.171\.1\."),
            "community": ("timeout", r"wrong community"),
            "v3closed": ("timeout", r"no response from udp:127\.0\.0\.1"),
        }
        if SANITIZED:
            # Under ASan the walk may reach the deadline before the cap.
            m = re.search(r"level=error device=endless .*reason=(\w+)", log)
            if m and m.group(1) == "timeout":
                causes["endless"] = ("timeout", r"deadline passed")
        for name, (reason, msg) in causes.items():
            self.assertEqual(value(smp, "vpn_up", device=name), 0, name)
            self.assertGreaterEqual(value(
                smp, "vpn_exporter_collect_errors_total", device=name,
                reason=reason), 1, name)
            self.assertEqual(find(smp, "vpn_tunnel_up", device=name), [])
            lines = [ln for ln in log.splitlines()
                     if "level=error" in ln and f"device={name} " in ln]
            self.assertEqual(len(lines), 1, (name, lines))
            self.assertRegex(lines[0], f"reason={reason} .*{msg}")
        for name in ("ok", "scramble"):
            self.assertNotIn(f"device={name} ", "\n".join(
                ln for ln in log.splitlines() if "level=error" in ln))
        for secret in (SECRET, V3_SECRET):
            self.assertNotIn(secret, log)
            self.assertNotIn(secret, text)
        self.assertTrue(ex.proc.alive())
        mem = proc_status(pid)
        print(f"exporter memory: {mem} MiB", flush=True)
        if not SANITIZED:
            # The row cap bounds the endless walk (about 120 MiB at its
            # peak); the memory goes back afterwards.
            self.assertLess(mem["VmHWM"], 160, mem)
            self.assertLess(mem["VmRSS"], 48, mem)
        ex.stop_clean()


if __name__ == "__main__":
    main()
