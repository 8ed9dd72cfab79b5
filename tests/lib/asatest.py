"""A base for tests of the cisco_asa collectors against emulated ASAs:
real sshds whose forced command is the ASA CLI emulator
(tests/emulators/asa_cli), the exporter as its own process, and helpers to
read its metrics.  Used by test_asa_ssh.py and test_counters.py.
"""

import os
import subprocess

from vxtest import (VX_BIN, Exporter, TmpDirTest, find, parse_metrics,
                    skip_or_die, wait_until)
from sshd import Sshd
from sshd import require as sshd_require

ENABLE = "s3cret-enable"


def config(devices, interval="2s", timeout="1500ms", background=True,
           top="", defaults=""):
    """A configuration of the given device entries; top is YAML added at
    the top level (an "alerts:" section, say), defaults lines added to
    "defaults:" (indented by two)."""
    return f"""defaults:
  interval: {interval}
  timeout: {timeout}
  retries: 0
  background: {"true" if background else "false"}
{defaults}{top}devices:
{''.join(devices)}"""


class AsaTestBase(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")
        sshd_require()
        # The collector must be registered (collectors/registry.c).
        probe = os.path.join("/tmp", f"vx-asa-ssh-probe-{os.getpid()}.yml")
        with open(probe, "w") as f:
            f.write("devices:\n  - name: x\n    vendor: cisco_asa\n"
                    "    address: 127.0.0.1\n    collectors:\n"
                    "      cisco_asa_ssh: {}\n")
        r = subprocess.run([VX_BIN, f"--config.file={probe}", "--dry-run"],
                           capture_output=True, text=True)
        os.unlink(probe)
        if "unknown collector" in r.stdout + r.stderr:
            skip_or_die("cisco_asa_ssh is not in collectors/registry.c")

    def setUp(self):
        super().setUp()
        self.enable_file = self.write("enable", ENABLE + "\n", 0o600)

    def write(self, name, text, mode=0o644):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def sshd(self, **kw):
        return self.track(Sshd(self.workdir, **kw))

    def device(self, name, sshd, expected=(), extra="", auth=None,
               known_hosts=None):
        auth = auth or f"private_key_file: {sshd.client_key}"
        peers = ", ".join(expected)
        return f"""
  - name: {name}
    vendor: cisco_asa
    address: 127.0.0.1
    expected_peers: [{peers}]
    collectors:
      cisco_asa_ssh:
        port: {sshd.port}
        username: {sshd.user}
        {auth}
        known_hosts_file: {known_hosts or sshd.known_hosts}
        enable_password_file: {self.enable_file}
{extra}"""

    def exporter(self, devices, **kw):
        return self.track(Exporter(self.workdir, config(devices, **kw)))

    def samples(self, ex):
        return parse_metrics(ex.metrics())

    def wait_up(self, ex, device, want=1, timeout=20):
        def ok():
            s = self.samples(ex)
            return s if find(s, "vpn_up", device=device) == [want] else None
        return wait_until(ok, timeout=timeout,
                          what=f"vpn_up{{device={device}}} == {want}")

    def polls(self, sshd):
        return sum(1 for _, _, c in sshd.commands() if c == "show asp drop")
