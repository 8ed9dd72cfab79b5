"""The demo lab (tests/emulators/lab.py), started as the README starts it,
plus a few devices the tests add to its configuration:

  hq          a simulated ASA (SNMP) with tunnels to branch-ok and
              branch-bad, both monitored too, so the exporter pairs the
              ends by their addresses (hq's local 192.0.2.201 is the
              branches' peer, and their local addresses are hq's peers);
  branch-ok   its SPIs mirror hq's: the ends agree;
  branch-bad  after a one-sided rekey: it sends with an SPI hq does not
              know, so hq drops its packets as invalid SPI (hq's
              invalid-SPI counter rises, its inbound packets from
              branch-bad stay flat while its outbound ones rise), and
              vpn_spi_mismatch reads 1 after spi_mismatch_grace (1s);
  HOSTILE     two devices whose names hold markup, polled at an SNMP
              community nobody answers (a loopback agent that stays
              silent), so they are down with an error.

  lab = VpnLab(workdir)      # starts everything, waits for the pair
  lab.url, lab.config, lab.truth["hq"]["tunnels"][...]
  lab.stop()
"""

import os
import re
import signal
import sys

from vxtest import (EMULATORS, VX_BIN, Proc, Snmpsim, gen_asa, http_get,
                    wait_until)

LAB = os.path.join(EMULATORS, "lab.py")
SPI_COL = "1.3.6.1.4.1.9.9.171.1.3.4.1.3."      # cipSecSpiValue
TUN_COL = "1.3.6.1.4.1.9.9.171.1.3.2.1."        # cipSecTunnelTable
NO_SA_FAILS = "1.3.6.1.4.1.9.9.171.1.3.1.29.0"
HQ_LOCAL = "192.0.2.201"
BRANCHES = {"branch-ok": "198.51.100.120", "branch-bad": "198.51.100.130"}
HOSTILE = ["<script>alert(1)</script>",
           'a "quoted" & <img src=x onerror="document.body.setAttribute('
           "'data-pwned','1')\"> device"]


def _hex(addr):
    return "".join("%02x" % int(x) for x in addr.split("."))


def _rewrite(path, fn):
    with open(path) as f:
        lines = f.read().splitlines()
    with open(path, "w") as f:
        for line in lines:
            oid, tag, value = line.split("|", 2)
            f.write("|".join(fn(oid, tag, value)) + "\n")


def _relocate(path, local):
    """Moves a generated ASA from 192.0.2.1 to another local address."""
    def fn(oid, tag, value):
        if tag == "4x" and value == _hex("192.0.2.1"):
            value = _hex(local)
        elif tag == "4" and value == "192.0.2.1":
            value = local
        return oid, tag, value
    _rewrite(path, fn)


def _set_spis(path, spis):
    """Replaces SPI values: {old: new}."""
    def fn(oid, tag, value):
        if oid.startswith(SPI_COL) and int(value) in spis:
            value = str(spis[int(value)])
        return oid, tag, value
    _rewrite(path, fn)


def _rising(path, columns, tun, per_second):
    """Makes counter columns of tunnel row tun grow by per_second every
    second (snmpsim's numeric variation: initial + rate x time since the
    agent started; "cumulative" would add that at every request)."""
    def fn(oid, tag, value):
        for col in columns:
            if oid == f"{TUN_COL}{col}.{tun}":
                return (oid, f"{tag}:numeric",
                        f"rate={per_second},initial={value}")
        if oid == NO_SA_FAILS and tun == "global":
            return (oid, f"{tag}:numeric",
                    f"rate={per_second},initial={value}")
        return oid, tag, value
    _rewrite(path, fn)


def build_pair(workdir):
    """The snmprec files of hq and the branches, and their ground truth."""
    hq, truth_hq = gen_asa(workdir, "hq", "--tunnels", "2", "--seed", "21",
                           "--peers", ",".join(BRANCHES.values()))
    _relocate(hq, HQ_LOCAL)
    files, truth = {"hq": hq}, {"hq": truth_hq}
    hq_sa = {p["peer"]: p["tunnels"][0] for p in truth_hq["peers"]}
    for n, (name, local) in enumerate(BRANCHES.items()):
        path, t = gen_asa(workdir, name, "--tunnels", "1", "--seed",
                          str(22 + n), "--peers", HQ_LOCAL)
        _relocate(path, local)
        mine, theirs = t["peers"][0]["tunnels"][0], hq_sa[local]
        spis = {mine["spi_in_active"]: theirs["spi_out_active"]}
        if name == "branch-ok":
            spis[mine["spi_out_active"]] = theirs["spi_in_active"]
        _set_spis(path, spis)
        files[name], truth[name] = path, t
    # hq: traffic to both branches; from branch-bad nothing gets in, and
    # every packet it sends is an invalid-SPI drop.
    _rising(hq, (32, 35, 37, 45, 47, 49), "1", 50)
    _rising(hq, (27, 40), "1", 60000)
    _rising(hq, (45, 47, 49), "2", 30)
    _rising(hq, (40,), "2", 40000)
    _rising(hq, (), "global", 30)
    return files, truth


def _yaml(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class VpnLab:
    def __init__(self, workdir, exporter=None):
        self.workdir = workdir
        self.dir = os.path.join(workdir, "lab")
        os.makedirs(self.dir, exist_ok=True)
        self.procs = []
        self.proc = Proc([sys.executable, LAB, "--exporter",
                          exporter or VX_BIN, "--listen", "auto", "--dir",
                          self.dir], "lab", workdir)
        self.procs.append(self.proc)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _banner(self):
        if not self.proc.alive():
            raise AssertionError("lab.py exited:\n" + self.proc.log())
        return "Press Ctrl-C to stop." in self.proc.log()

    def _start(self):
        wait_until(self._banner, timeout=120, what="the demo lab")
        log = self.proc.log()
        self.url = re.search(r"Status page:\s+(\S+)/", log).group(1)
        self.config = re.search(r"Config:\s+(\S+)", log).group(1)
        files, self.truth = build_pair(self.workdir)
        self.agent = Snmpsim(self.workdir, files)
        self.procs.append(self.agent)
        self.devices = list(files) + HOSTILE
        with open(self.config, "a") as f:
            f.write("# Added by tests/lib/vpnlab.py\n")
            for name in files:
                # snmpsim is slow on a busy machine: a timeout would
                # make the pair's agreement unknown for a poll.
                f.write(f"  - name: {name}\n    vendor: cisco_asa\n"
                        "    address: 127.0.0.1\n    interval: 3s\n"
                        "    timeout: 3s\n    spi_mismatch_grace: 1s\n"
                        "    collectors:\n      cisco_asa_snmp:\n"
                        f"        port: {self.agent.port}\n"
                        f"        community: {name}\n")
            for name in HOSTILE:
                f.write(f"  - name: {_yaml(name)}\n    vendor: cisco_asa\n"
                        "    address: 127.0.0.1\n    interval: 2s\n"
                        "    timeout: 1s\n    retries: 0\n"
                        "    collectors:\n      cisco_asa_snmp:\n"
                        f"        port: {self.agent.port}\n"
                        "        community: nobody-answers\n")
        status, _, body = http_get(self.url + "/-/reload", method="POST",
                                   data=b"")
        if status != 200:
            raise AssertionError(f"reload of {self.config}: {status} "
                                 f"{body.decode()}")

    def get(self, path, **kw):
        return http_get(self.url + path, **kw)

    def exporter_log(self):
        with open(os.path.join(self.dir, "vpn_exporter.log"),
                  errors="replace") as f:
            return f.read()

    def stop(self):
        for p in reversed(self.procs):
            try:
                if p is self.proc:
                    p.stop(signal.SIGTERM, timeout=30)
                else:
                    p.stop()
            except Exception:  # noqa: BLE001 - keep stopping
                pass
        self.procs = []
