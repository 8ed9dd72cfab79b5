"""Helpers for the ScreenOS tests: emulated ScreenOS firewalls behind a
real sshd (tests/emulators/screenos/screenos_emu.py), their nsVpnMonTable
served by vx_fastagent (gen_screenos_snmprec.py), scenarios
(screenos_model.py), and the collectors' configuration.

  s = screenos_sshd(workdir, LAB, name="ssg-a")
  ... screenos_ssh: {port: s.port, ...}  (ssh_yaml(s))
  s.commands()  what the emulator was asked: [(pid, "cli", what)]
"""

import copy
import json
import os
import re
import signal
import subprocess
import sys

from vxtest import EMULATORS, Proc, wait_until

from sshd import Sshd

SCREENOS_DIR = os.path.join(EMULATORS, "screenos")
EMU = os.path.join(SCREENOS_DIR, "screenos_emu.py")
GEN = os.path.join(SCREENOS_DIR, "gen_screenos_snmprec.py")
HELPERS = [os.path.join(SCREENOS_DIR, "screenos_model.py"),
           os.path.join(EMULATORS, "asa_cli", "asa_cli.py")]

# Four VPNs: one up with the VPN monitor off, one up with it up (through
# NAT-T), one whose SA is active but whose VPN monitor fails (A/D), one
# inactive (I/I).  An SPI of 0x80000000 or more on purpose: signed in SNMP.
LAB = {
    "hostname": "ssg5-lab",
    "tunnels": [
        {"name": "vpn-fra1", "id": 1, "peer": "192.0.2.11", "sta": "A/-",
         "in": "80041ca4", "out": "8cdd274a", "life": 3385,
         "counters": {"bytes_in": 345976469, "bytes_out": 32472216,
                      "auth_fail": 2, "other": 1}},
        {"name": "vpn-ams1", "id": 2, "peer": "192.0.2.12", "sta": "A/U",
         "port": 4500, "in": "33511797", "out": "008a8a67", "life": 2048,
         "kb": 4096},
        {"name": "vpn-par1", "id": 21, "peer": "192.0.2.13", "sta": "A/D",
         "in": "ecf0bec7", "out": "14bf7894", "life": 900},
        {"name": "vpn-lon1", "id": 22, "peer": "192.0.2.14", "sta": "I/I"},
    ],
}


def scenario(base=LAB, **changes):
    """A deep copy of base with top-level keys changed."""
    sc = copy.deepcopy(base)
    sc.update(changes)
    return sc


def screenos_sshd(workdir, sc, name=None, **kw):
    """An sshd whose forced command is the ScreenOS emulator (kw: more
    Sshd arguments, e.g. password=)."""
    return Sshd(workdir, scenario=sc, name=name, emulator=EMU,
                helpers=HELPERS, **kw)


def ssh_yaml(sshd, indent=8, extra=None):
    """The screenos_ssh options that reach sshd (key login)."""
    opts = {"port": sshd.port, "username": sshd.user,
            "private_key_file": sshd.client_key,
            "known_hosts_file": sshd.known_hosts}
    opts.update(extra or {})
    pad = " " * indent
    return "".join(f"{pad}{k}: {str(v).lower() if isinstance(v, bool) else v}"
                   "\n" for k, v in opts.items())


def cli_commands(sshd):
    return [c[2] for c in sshd.commands() if c[1] == "cli"]


class Agent:
    """vx_fastagent serving the scenario's nsVpnMonTable."""

    def __init__(self, fastagent, workdir, sc, name="screenos-agent"):
        self.workdir = workdir
        self.data = os.path.join(workdir, f"{name}.snmprec")
        self.write(sc)
        self.proc = Proc([fastagent, "--listen", "127.0.0.1:0", "--data",
                          self.data], name, workdir)
        self.port = int(wait_until(lambda: re.search(
            r"listening on udp/127\.0\.0\.1:(\d+)", self.proc.log()),
            what=name).group(1))

    def write(self, sc, bump=0):
        path = self.data + ".json"
        with open(path, "w") as f:
            json.dump(sc, f)
        subprocess.run([sys.executable, GEN, "--scenario", path, "--bump",
                        str(bump), "-o", self.data], check=True)

    def reload(self, sc, bump=0):
        before = self.proc.log().count("reloaded")
        self.write(sc, bump)
        self.proc.send(signal.SIGHUP)
        wait_until(lambda: self.proc.log().count("reloaded") > before,
                   what="fastagent reload")

    def stop(self):
        return self.proc.stop()
