"""Helpers for the Juniper SRX tests: emulated SRXs behind a real sshd
(NETCONF subsystem and CLI, tests/emulators/srx/srx_emu.py), scenarios
(tests/emulators/srx/srx_model.py), and the collector's configuration.

  s = srx_sshd(workdir, TUNNELS_UP, name="srx-a")
  ... juniper_srx_netconf: {port: s.port, ...}  (netconf_yaml(s))
  s.commands()  what the emulator was asked: [(pid, kind, what)]
"""

import copy
import json
import os
import re
import ssl
import sys
import urllib.request

from vxtest import EMULATORS, Proc, wait_until

from sshd import Sshd

SRX_DIR = os.path.join(EMULATORS, "srx")
SRX_EMU = os.path.join(SRX_DIR, "srx_emu.py")
HELPERS = [os.path.join(SRX_DIR, "srx_model.py"),
           os.path.join(EMULATORS, "asa_cli", "asa_cli.py")]
sys.path.insert(0, SRX_DIR)

import srx_model  # noqa: E402

# Two tunnels up (one through NAT-T), a legacy-free release.
TUNNELS_UP = {
    "hostname": "srx-a",
    "tunnels": [
        {"name": "vpn-fra1", "index": 131073, "peer": "192.0.2.11",
         "local": "198.51.100.1", "mon": "U", "port": 500,
         "iface": "st0.1",
         "sas": [{"in": "4ef526a8", "out": "cb151b04", "life": 2473}]},
        {"name": "vpn-ams1", "index": 131074, "peer": "192.0.2.12",
         "local": "198.51.100.1", "mon": "-", "port": 4500,
         "iface": "st0.2",
         "sas": [{"in": "00f61780", "out": "93be8146", "life": 3100,
                  "kb": 51200}]},
    ],
    "stats": {"enc_bytes": 327747467040, "dec_bytes": 655494065968,
              "enc_pkts": 5852633340, "dec_pkts": 5852625589, "auth": 3,
              "decrypt": 4, "replay": 12, "bad_headers": 5,
              "bad_trailers": 6, "invalid_spi": 1789},
}


def scenario(base=TUNNELS_UP, **changes):
    """A deep copy of base with top-level keys changed."""
    sc = copy.deepcopy(base)
    sc.update(changes)
    return sc


def srx_sshd(workdir, sc, name=None, **kw):
    """An sshd whose forced command is the SRX emulator, with the NETCONF
    subsystem, playing scenario sc (kw: more Sshd arguments)."""
    return Sshd(workdir, scenario=sc, name=name, emulator=SRX_EMU,
                helpers=HELPERS, netconf=True, **kw)


def netconf_yaml(sshd, indent=8, extra=None):
    """The juniper_srx_netconf options that reach sshd (key login)."""
    opts = {"port": sshd.port, "username": sshd.user,
            "private_key_file": sshd.client_key,
            "known_hosts_file": sshd.known_hosts}
    opts.update(extra or {})
    pad = " " * indent
    return "".join(f"{pad}{k}: {v}\n" for k, v in opts.items())


def commands(sshd, kind=None):
    """[(pid, kind, what)] the SRX emulator logged."""
    return [c for c in sshd.commands() if kind is None or c[1] == kind]


REST_EMU = os.path.join(SRX_DIR, "srx_rest.py")
REST_USER, REST_PASSWORD = "monitor", "srx-Rest-Secret-9"


class SrxRest:
    """The REST emulator on a free loopback port, with the certificates
    of make_pki (tests/lib/panos_emu.py)."""

    def __init__(self, workdir, pki, sc, name="srx-rest"):
        self.workdir = workdir
        self.pki = pki
        self.name = name
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.scenario = os.path.join(self.dir, "scenario.json")
        self.set_scenario(sc)
        self.password_file = os.path.join(self.dir, "password")
        with open(self.password_file, "w") as f:
            f.write(REST_PASSWORD + "\n")
        os.chmod(self.password_file, 0o600)
        self.proc = Proc([sys.executable, REST_EMU, "--cert", pki["cert"],
                          "--key", pki["key"], "--scenario", self.scenario,
                          "--user", REST_USER, "--password-file",
                          self.password_file], name, workdir)
        m = wait_until(self._listening, timeout=20, what=f"{name} up")
        self.port = int(m.group(1))

    def _listening(self):
        if not self.proc.alive():
            raise AssertionError(f"{self.name} exited:\n" + self.proc.log())
        return re.search(r"listening on https://127\.0\.0\.1:(\d+)",
                         self.proc.log())

    def set_scenario(self, sc):
        tmp = self.scenario + ".tmp"
        with open(tmp, "w") as f:
            json.dump(sc, f)
        os.replace(tmp, self.scenario)

    def stats(self):
        ctx = ssl.create_default_context(cafile=self.pki["ca"])
        with urllib.request.urlopen(
                f"https://127.0.0.1:{self.port}/_emu/stats", context=ctx,
                timeout=10) as r:
            return json.loads(r.read())

    def collector_yaml(self, ca=None, password_file=None, indent=8,
                       extra=None):
        opts = {"port": self.port, "username": REST_USER,
                "password_file": password_file or self.password_file,
                "ca_file": ca or self.pki["ca"]}
        opts.update(extra or {})
        pad = " " * indent
        return "".join(f"{pad}{k}: {v}\n" for k, v in opts.items())

    def stop(self):
        return self.proc.stop()
