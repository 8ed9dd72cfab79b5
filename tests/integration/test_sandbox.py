"""The service's sandbox admits what the exporter does.  systemd is not
PID 1 where the tests run, so the unit cannot be started; instead the
exporter runs under strace through the work the service does (polls over
SNMP and over SSH, with an SSH host key learned into the state directory,
a scrape, a reload), and every system call, socket family and file it
opens for writing is checked against the unit's SystemCallFilter=,
RestrictAddressFamilies= and ProtectSystem=strict (only the state
directory is writable)."""

import os
import re
import signal
import subprocess
import time

from vxtest import (TESTS_DIR, Exporter, Snmpsim, TmpDirTest, find, gen_asa,
                    main, need_binary, parse_metrics, wait_until)
from sshd import Sshd

ROOT = os.environ.get("VX_SOURCE_DIR") or os.path.dirname(TESTS_DIR)
UNIT = os.path.join(ROOT, "packaging", "systemd", "vpn_exporter.service.in")


def unit_values(key):
    with open(UNIT, encoding="utf-8") as f:
        return re.findall(rf"^{key}=(.*)$", f.read(), re.M)


def syscall_groups(analyze):
    """systemd-analyze syscall-filter: group -> members (names, @groups)."""
    out = subprocess.run([analyze, "syscall-filter", "--no-pager"],
                         capture_output=True, text=True, check=True,
                         timeout=60).stdout
    groups, cur = {}, None
    for line in out.splitlines():
        if re.match(r"^@[\w-]+$", line):
            cur = groups.setdefault(line, [])
        elif cur is not None and line.startswith("    "):
            item = line.strip()
            if item and not item.startswith("#"):
                cur.append(item)
    return groups


def allowed_syscalls(analyze):
    """The unit's SystemCallFilter= lines, applied as systemd does: the
    first allow-list starts the set, '~' lines take away."""
    groups = syscall_groups(analyze)

    def expand(items):
        out = set()
        for i in items:
            out |= expand(groups[i]) if i.startswith("@") else {i}
        return out

    allowed = None
    for line in unit_values("SystemCallFilter"):
        deny = line.startswith("~")
        names = expand(line.lstrip("~").split())
        if deny:
            allowed -= names
        else:
            allowed = names if allowed is None else allowed | names
    return allowed


class Sandbox(TmpDirTest):
    def test_traced_exporter_fits_the_unit(self):
        strace = need_binary("strace")
        analyze = need_binary("systemd-analyze")
        allowed = allowed_syscalls(analyze)
        self.assertIn("read", allowed)
        self.assertNotIn("setuid", allowed)
        families = set(unit_values("RestrictAddressFamilies")[0].split())
        self.assertEqual(unit_values("ProtectSystem"), ["strict"])

        sshd = self.track(Sshd(self.workdir, knobs={"login_mode": "priv"}))
        rec, _ = gen_asa(self.workdir, "asa-s", "--tunnels", "3")
        sim = self.track(Snmpsim(self.workdir, {"public": rec}))
        state = os.path.join(self.workdir, "state")     # StateDirectory=
        os.mkdir(state)
        known_hosts = os.path.join(state, "known_hosts")
        cfg = f"""defaults: {{interval: 1s, timeout: 900ms}}
devices:
  - name: asa-snmp
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {sim.port}, community: public}}
  - name: asa-ssh
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_ssh:
        port: {sshd.port}
        username: {sshd.user}
        private_key_file: {sshd.client_key}
        known_hosts_file: {known_hosts}
        host_key_policy: accept-new
"""
        trace = os.path.join(self.workdir, "trace")
        ex = self.track(Exporter(self.workdir, cfg, wrapper=(
            strace, "-f", "-qq", "-s", "256", "-o", trace),
            ready_timeout=60))

        def both_up():
            s = parse_metrics(ex.metrics())
            return all(find(s, "vpn_up", device=d) == [1]
                       for d in ("asa-snmp", "asa-ssh"))

        wait_until(both_up, timeout=30, what="both devices up")
        # systemctl reload: SIGHUP to the exporter, strace's child.
        pid = ex.proc.p.pid
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            os.kill(int(f.read().split()[0]), signal.SIGHUP)
        ex.wait_log(r"SIGHUP.*\n.*configuration loaded: 2 devices")
        time.sleep(1.5)                  # a poll on the kept sessions
        self.assertTrue(both_up())
        self.assertEqual(ex.stop(), 0)
        self.assertTrue(os.path.getsize(known_hosts) > 0)

        calls, fams, writes = set(), set(), set()
        with open(trace, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.match(r"\d+\s+(\w+)\(", line)
                if m is None:
                    continue
                calls.add(m[1])
                m = re.search(r"\bsocket\((AF_\w+)", line)
                if m:
                    fams.add(m[1])
                m = re.search(r'\bopenat\(\w+, "([^"]*)", ([A-Z_|]+)', line)
                if m and re.search(r"O_WRONLY|O_RDWR|O_CREAT", m[2]):
                    writes.add(m[1])
        self.assertGreater(len(calls), 20)
        print(f"{len(calls)} system calls, families {sorted(fams)}, "
              f"written {sorted(writes)}")
        self.assertEqual(sorted(calls - allowed), [],
                         "system calls SystemCallFilter= refuses")
        self.assertIn("AF_INET", fams)
        self.assertEqual(sorted(fams - families), [],
                         "socket families RestrictAddressFamilies= refuses")
        # /dev/null and the like are PrivateDevices=' own.
        outside = [w for w in writes if not w.startswith(state + "/")
                   and not w.startswith("/dev/")]
        self.assertEqual(outside, [], "writes outside the state directory")
        self.assertIn(known_hosts, writes)


if __name__ == "__main__":
    main()
