"""Hostile devices, all at once beside a healthy one.

SSH: a device whose command output never ends, one whose login banner
never ends, a tarpit that accepts TCP and never speaks, a closed port, a
host key that changed, a wrong password.  Each must read vpn_up 0 with one
clear log line naming it and the cause, while the healthy device keeps
its interval, /metrics answers fast, no secret leaks, and (in a plain
build) the memory a flood took is bounded and given back.
"""

import os
import re
import socket
import threading
import time

from vxtest import find, main, parse_metrics
from sshd import host_key_line, keygen
from asatest import ENABLE, AsaTestBase

SANITIZED = os.environ.get("VX_SANITIZE") == "1"
INTERVAL = 2


def proc_status(pid):
    """VmRSS and VmHWM of pid, in MiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024
    return out


class Tarpit:
    """Accepts TCP connections and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stopped = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)

    def stop(self):
        self.stopped = True
        self.sock.close()
        for c in self.conns:
            c.close()


class Hostile(AsaTestBase):
    def test_ssh_faults_beside_a_healthy_device(self):
        healthy = self.sshd(name="ok")
        endless = self.sshd(name="endless",
                            knobs={"endless": "show crypto ipsec sa"})
        banner = self.sshd(name="banner", knobs={"banner_flood": True})
        changed = self.sshd(name="changed")
        tarpit = self.track(Tarpit())
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
        closed.close()
        # A known_hosts file that lists another key for the device.
        other = keygen(os.path.join(self.workdir, "other_host_key"))
        known = self.write("changed_known_hosts",
                           host_key_line(changed.port, other + ".pub"))
        pw = self.write("pw", "not-the-password-42\n", 0o600)
        # The floods get time enough to reach the 32 MiB cap.
        slow = "    address: 127.0.0.1\n    interval: 10s\n    timeout: 8s\n"
        devices = [
            self.device("ok", healthy),
            self.device("endless", endless).replace(
                "    address: 127.0.0.1\n", slow),
            self.device("banner", banner).replace(
                "    address: 127.0.0.1\n", slow),
            self.device("changed", changed, known_hosts=known),
            self.device("wrongpw", healthy,
                        auth=f"password_file: {pw}"),
            self.device("tarpit", healthy).replace(
                f"port: {healthy.port}", f"port: {tarpit.port}"),
            self.device("closed", healthy).replace(
                f"port: {healthy.port}", f"port: {closed_port}"),
        ]
        ex = self.exporter(devices, interval=f"{INTERVAL}s", timeout="1500ms")
        pid = ex.proc.p.pid
        # Several polls of everything, watching the healthy device and the
        # endpoint meanwhile.
        slowest = 0.0
        ages = []
        end = time.monotonic() + 14
        while time.monotonic() < end:
            t0 = time.monotonic()
            smp = parse_metrics(ex.metrics())
            slowest = max(slowest, time.monotonic() - t0)
            ts = find(smp, "vpn_collect_timestamp_seconds", device="ok")
            if ts:
                ages.append(time.time() - ts[0])
            time.sleep(0.3)
        smp = parse_metrics(ex.metrics())
        self.assertEqual(find(smp, "vpn_up", device="ok"), [1])
        # The healthy device kept its interval (plus its poll's time).
        self.assertLess(max(ages[5:]), INTERVAL + 2.5, ages)
        self.assertLess(slowest, 1.0)
        log = ex.log()
        causes = {
            "endless": r"reason=protocol .*more than max_output "
                       r"\(33554432 bytes\)",
            "banner": r"reason=protocol .*more than max_output",
            "changed": r"reason=hostkey",
            "wrongpw": r"reason=auth",
            "tarpit": r"reason=timeout",
            "closed": r"reason=connect",
        }
        for name, cause in causes.items():
            self.assertEqual(find(smp, "vpn_up", device=name), [0], name)
            lines = [ln for ln in log.splitlines()
                     if "level=error" in ln and f"device={name} " in ln]
            # One line per failing device and cause, however many polls
            # failed (a flood may hit the cap once and the deadline once).
            self.assertIn(len(lines), (1, 2), (name, lines))
            self.assertRegex(lines[0], cause)
        for secret in ("not-the-password-42", ENABLE):
            self.assertNotIn(secret, log)
            self.assertNotIn(secret, ex.metrics())
        mem = proc_status(pid)
        print(f"exporter memory after the floods: {mem} MiB", flush=True)
        if not SANITIZED:
            # Two floods of 32 MiB a poll: the peak stays under 128 MiB
            # and the memory goes back afterwards.
            self.assertLess(mem["VmHWM"], 128, mem)
            self.assertLess(mem["VmRSS"], 48, mem)
        # The endless device really sent that much (the cap was hit, not
        # a timeout).
        self.assertTrue(re.search(r"device=endless .*max_output", log))
        # Alive, and (under ASan) nothing leaked or overflowed.
        self.assertTrue(ex.proc.alive())
        ex.stop_clean()


if __name__ == "__main__":
    main()
