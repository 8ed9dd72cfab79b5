#!/usr/bin/env python3
"""The demo lab: simulated VPN gateways on loopback and vpn_exporter
scraping them, so a newcomer sees real metrics at once.

The moving devices follow tests/emulators/asa_model.py on the wall clock
(t = 0 when the lab starts), so their counters grow at steady rates, their
SAs rekey (new SPIs, counters from 0) and the failures below start on
time:

  asa-fra1  Cisco ASA, SNMP v2c, served by vx_fastagent from a snmprec
            that 'asa_model.py tick' rewrites every 5 s (scenario
            tests/fixtures/asa_model/fra1.json): 8 L2L peers, 198.18.0.8
            down; at t = 30 s peer 198.18.0.3 is left behind by a
            one-sided rekey: cipSecGlobalNoSaFails rises at a steady
            4 packets/s, that peer's inbound packets stop while its
            outbound rise.  The other tunnels carry traffic and rekey
            every 5 to 15 minutes.
  asa-ams1  Cisco ASA, SNMP v2c (snmpsim), 24 peers, an ASA that leaves
            cikeTunnelTable empty (IKE state unknown, not down).
  asa-lon1  Cisco ASA, SNMP v3 authPriv (SHA/AES) (snmpsim), 4 peers.
  pa-ber1   Palo Alto PAN-OS over its XML API (HTTPS), an idle on-demand
            tunnel (init) next to a broken one (inactive): see
            tests/emulators/panos/lab_panos.py.
  srx-sto1  a Juniper SRX chassis cluster over NETCONF (a real sshd with
            the netconf subsystem), per-node series and a rising Invalid
            SPI counter: see tests/emulators/srx/lab_srx.py.
  ssg-hel1  a Juniper SSG (ScreenOS) over SSH (a real sshd with the
            ScreenOS CLI emulator): a tunnel whose VPN monitor finds the
            path down (A/D) and an inactive one (I/I): see
            tests/emulators/screenos/lab_screenos.py.
  asa-par1  Cisco ASA over SSH: a real OpenSSH sshd on loopback whose
            forced command is the ASA CLI emulator (tests/emulators/
            asa_cli) in model mode (tests/fixtures/asa_model/par.json):
            4 tunnels that rekey every few minutes; at t = 60 s it
            rekeys one-sidedly with 203.0.113.9, which goes on sending
            with the old SPI: np-sp-invalid-spi rises by 6 packets/s and
            "Bad SPI" in show asp table vpn-context on that peer only.
            It also logs those drops by syslog (asa_syslog.py: %ASA-4-
            402114 at most every 5 s per peer, as an ASA does) to the
            exporter's listener: vpn_invalid_spi_events_total names the
            peer and vpn_invalid_spi_last_event_info the SPI it sends.
  asa-par2  Cisco ASA over SSH, the other end of asa-par1's tunnel to
            198.51.100.20 (same scenario), so the SPIs of both ends can
            be compared (vpn_ipsec_sa_info); at t = 90 s asa-par2 rekeys
            that tunnel on its own: from then on each end drops the
            other's packets as invalid SPI.

Usage: lab.py --exporter PATH --fastagent PATH
              [--listen 127.0.0.1:10039|auto] [--dir DIR] [--check]
Stops everything on Ctrl-C.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from vxtest import (FIXTURES, Proc, Snmpsim, free_port, gen_asa,  # noqa: E402
                    http_get, wait_until)
from sshd import Sshd  # noqa: E402
from promstack import Alertmanager, Prometheus, Webhook  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "panos"))
import lab_panos  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "srx"))
import lab_srx  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "screenos"))
import lab_screenos  # noqa: E402

MODEL = os.path.join(HERE, "asa_model.py")
ASA_SYSLOG = os.path.join(HERE, "asa_syslog.py")
PAR1_SYSLOG_SRC = "127.0.0.11"      # the address asa-par1 logs from
SCENARIOS = os.path.join(FIXTURES, "asa_model")
DEVICES = ("asa-fra1", "asa-ams1", "asa-lon1", "asa-par1", "asa-par2",
           lab_panos.DEVICE, lab_srx.DEVICE, lab_screenos.DEVICE)

CONFIG = """# The demo lab's configuration (written by tests/emulators/lab.py).
defaults:
  interval: 15s
  timeout: 5s
  retries: 1
# Short windows, so that the lab's pages come within a few minutes; the
# rules Prometheus runs are "vpn_exporter rules" of this file.
alerts:
  invalid_spi: {{warning: 0.5, page: 2, window: 1m, for: 1m}}
  spi_mismatch: {{for: 30s}}
  tunnel_down: {{for: 1m}}
  exporter_job: vpn_exporter
# asa-par1 logs its invalid-SPI drops here (tests/emulators/asa_syslog.py).
syslog:
  udp: ["127.0.0.1:{syslog_port}"]
devices:
  - name: asa-fra1
    vendor: cisco_asa
    address: 127.0.0.1
    labels: {{site: fra1}}
    expected_peers: [{fra1_peers}]
    collectors:
      cisco_asa_snmp:
        port: {fra1_port}
        community: fra1
  - name: asa-ams1
    vendor: cisco_asa
    address: 127.0.0.1
    labels: {{site: ams1}}
    collectors:
      cisco_asa_snmp:
        port: {port}
        community_file: secrets/ams1.community
  - name: asa-lon1
    vendor: cisco_asa
    address: 127.0.0.1
    labels: {{site: lon1}}
    collectors:
      cisco_asa_snmp:
        port: {port}
        version: "3"
        username: monitor
        auth_protocol: SHA
        auth_password_file: secrets/lon1.auth
        priv_protocol: AES
        priv_password_file: secrets/lon1.priv
        context_name: lon1
  - name: asa-par1
    vendor: cisco_asa
    address: 127.0.0.1
    labels: {{site: par1}}
    expected_peers: [198.51.100.7, 203.0.113.9, 192.0.2.44, 198.51.100.20]
    # The lab's SNMP devices also say 192.0.2.1: name the other end.
    peer_devices: {{198.51.100.20: asa-par2}}
    collectors:
      cisco_asa_ssh:
{par1_ssh}      syslog: {{sources: [{par1_syslog_src}]}}
  - name: asa-par2
    vendor: cisco_asa
    address: 127.0.0.1
    labels: {{site: par2}}
    expected_peers: [192.0.2.1, 203.0.113.50]
    peer_devices: {{192.0.2.1: asa-par1}}
    collectors:
      cisco_asa_ssh:
{par2_ssh}"""


def fra1_peers():
    return ["198.18.0.%d" % i for i in range(1, 9)]


class FastAgent(Proc):
    """vx_fastagent on a free port, serving (and reloading) one file."""

    def __init__(self, binary, data, community, workdir):
        super().__init__([binary, "--listen", "127.0.0.1:0", "--data", data,
                          "--community", community], "fastagent", workdir)
        m = wait_until(self._ready, timeout=20, what="vx_fastagent")
        self.port = int(m.group(1))

    def _ready(self):
        if not self.alive():
            raise SystemExit("vx_fastagent exited:\n" + self.log())
        return re.search(r"listening on udp/127\.0\.0\.1:(\d+)", self.log())


class Lab:
    """The lab's processes, started in order and stopped in reverse."""

    def __init__(self, args, workdir):
        self.args = args
        self.dir = workdir
        self.procs = []
        self.start = time.time()        # t = 0 of every model scenario
        self.secrets = os.path.join(workdir, "secrets")
        os.makedirs(self.secrets, exist_ok=True)

    def run(self, proc):
        self.procs.append(proc)
        return proc

    def stop(self):
        for p in reversed(self.procs):
            p.stop()

    def secret(self, name, value):
        path = os.path.join(self.secrets, name)
        with open(path, "w") as f:
            f.write(value + "\n")
        return path

    # Devices.

    def snmpsim_devices(self):
        """asa-ams1 and asa-lon1: static generated files on snmpsim."""
        ams1 = gen_asa(self.dir, "ams1", "--tunnels", "24", "--seed", "12",
                       "--no-ike-table", "--no-sa-fails", "3")[0]
        lon1 = gen_asa(self.dir, "lon1", "--tunnels", "4", "--seed", "13")[0]
        self.secret("ams1.community", "ams1")
        self.secret("lon1.auth", "lab-auth-secret")
        self.secret("lon1.priv", "lab-priv-secret")
        return self.run(Snmpsim(self.dir, {"ams1": ams1, "lon1": lon1},
                                v3_user="monitor",
                                v3_auth_key="lab-auth-secret",
                                v3_priv_key="lab-priv-secret"))

    def fra1(self):
        """asa-fra1: the model's snmprec, rewritten by 'tick', served by
        vx_fastagent, which reloads it when it changes."""
        scenario = os.path.join(SCENARIOS, "fra1.json")
        data = os.path.join(self.dir, "fra1.snmprec")
        model = [sys.executable, MODEL]
        subprocess.run(model + ["snmprec", "--scenario", scenario,
                                "--device", "FRA1", "--time",
                                str(time.time() - self.start), "-o", data],
                       check=True)
        self.run(Proc(model + ["tick", "--scenario", scenario, "--device",
                               "FRA1", "--snmprec", data, "--every", "5",
                               "--start", repr(self.start)],
                      "fra1-tick", self.dir))
        return self.run(FastAgent(self.args.fastagent, data, "fra1",
                                  self.dir))

    def par(self, device, name):
        """asa-par1 / asa-par2: sshd + the CLI emulator in model mode."""
        return self.run(Sshd(self.dir, scenario="lab", name=name, model={
            "scenario": os.path.join(SCENARIOS, "par.json"),
            "device": device, "clock": "wall", "start": self.start}))

    def panos(self):
        """pa-ber1, srx-sto1 and ssg-hel1: their emulators; their config
        entries."""
        yaml = ""
        for mod in (lab_panos, lab_srx, lab_screenos):
            procs, y = mod.start(self.dir)
            for p in procs:
                self.run(p)
            yaml += y
        return yaml

    def par1_syslog(self):
        """asa-par1's invalid-SPI drops, logged by syslog to the exporter
        (the port the configuration gives its listener)."""
        self.syslog_port = free_port(socket.SOCK_DGRAM)
        return self.run(Proc([
            sys.executable, ASA_SYSLOG, "--scenario",
            os.path.join(SCENARIOS, "par.json"), "--device", "PAR1",
            "--to", f"127.0.0.1:{self.syslog_port}", "--start",
            repr(self.start), "--source", PAR1_SYSLOG_SRC],
            "par1-syslog", self.dir))

    def config(self, agent, fra1, par1, par2, panos_yaml):
        enable = self.secret("par.enable", "s3cret-enable")
        extra = {"sessiondb": True, "vpn_context": True}
        path = os.path.join(self.dir, "lab.yml")
        with open(path, "w") as f:
            f.write(CONFIG.format(
                port=agent.port, fra1_port=fra1.port,
                fra1_peers=", ".join(fra1_peers()),
                par1_ssh=par1.collector_yaml(enable, extra=extra),
                par2_ssh=par2.collector_yaml(enable, extra=extra),
                syslog_port=self.syslog_port,
                par1_syslog_src=PAR1_SYSLOG_SRC) +
                panos_yaml)
        return path

    # The exporter.

    def exporter(self, config):
        return self.run(Proc([self.args.exporter, f"--config.file={config}",
                              f"--web.listen-address={self.args.listen}"],
                             "vpn_exporter", self.dir))

    # Prometheus with the generated rules, and Alertmanager.

    def prometheus(self, config, url):
        """Prometheus scraping the exporter every 5 s with the rules
        'vpn_exporter rules' makes of the lab's configuration, sending
        alerts to Alertmanager, whose notifications the lab prints."""
        rules = os.path.join(self.dir, "rules.yml")
        with open(rules, "w") as f:
            subprocess.run([self.args.exporter, "rules",
                            f"--config.file={config}"], stdout=f,
                           check=True)
        hook = self.run(Webhook(on_alert=print_alert))
        am = self.run(Alertmanager(self.dir, hook.url, port=9093))
        target = url.split("//", 1)[1]
        prom = self.run(Prometheus(self.dir, [
            {"job_name": "vpn_exporter", "scrape_interval": "5s",
             "static_configs": [{"targets": [target]}]}], [rules],
            am.url, interval="5s", port=9090))
        return prom, am

    def wait_polled(self, exporter, url):
        def polled():
            if not exporter.alive():
                raise SystemExit("vpn_exporter exited:\n" + exporter.log())
            try:
                _, _, body = http_get(url + "/metrics", timeout=2)
            except OSError:
                return False
            text = body.decode()
            return all(re.search(rf'^vpn_up{{device="{d}"[^}}]*}} 1$', text,
                                 re.M) for d in DEVICES)
        wait_until(polled, timeout=60, what="the lab's first polls")


def print_alert(alert):
    """One line per notification the lab's Alertmanager sends."""
    lb = alert.get("labels", {})
    print(f"ALERT {alert.get('status', '?')}: {lb.get('alertname')} "
          f"severity={lb.get('severity')} device={lb.get('device')} "
          f"peer={lb.get('peer', '-')}: "
          f"{alert.get('annotations', {}).get('summary', '')}", flush=True)


def check_prometheus(prom):
    """--check: Prometheus scrapes the exporter and every rule evaluates."""
    def ok():
        up = prom.query('up{job="vpn_exporter"}')
        ruled = prom.query("vpn_alert_threshold")
        return up and up[0]["value"][1] == "1" and ruled
    wait_until(ok, timeout=60, what="Prometheus scraping the exporter")
    bad = prom.rule_health()
    if bad:
        raise SystemExit(f"rules failing in Prometheus: {bad}")


def find_fastagent(args):
    """--fastagent, or vx_fastagent in the exporter's build tree."""
    build = os.path.dirname(os.path.dirname(os.path.abspath(args.exporter)))
    for p in ([args.fastagent] if args.fastagent else
              [os.path.join(build, "tests", "vx_fastagent"),
               os.path.join(build, "vx_fastagent")]):
        if os.access(p, os.X_OK):
            return p
    raise SystemExit("lab.py: vx_fastagent not found: build it (cmake "
                     "--build BUILD --target vx_fastagent; with "
                     "-DVX_TESTS=OFF add -DVX_LAB=ON) and pass --fastagent")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exporter", required=True)
    ap.add_argument("--fastagent",
                    help="vx_fastagent (default: the exporter's build tree)")
    ap.add_argument("--listen", default="127.0.0.1:10039")
    ap.add_argument("--dir")
    ap.add_argument("--check", action="store_true",
                    help="start, check every device is polled, stop")
    args = ap.parse_args()
    args.fastagent = find_fastagent(args)

    if args.listen == "auto":
        args.listen = f"127.0.0.1:{free_port()}"
    workdir = args.dir or tempfile.mkdtemp(prefix="vpn_exporter-lab-")
    os.makedirs(workdir, exist_ok=True)
    os.chmod(workdir, 0o755)
    url = "http://" + args.listen.replace("0.0.0.0", "127.0.0.1")
    if url.startswith("http://:"):
        url = "http://127.0.0.1" + url[len("http://"):]

    lab = Lab(args, workdir)
    try:
        # 1. The devices.
        agent = lab.snmpsim_devices()
        fra1 = lab.fra1()
        par1 = lab.par("PAR1", "asa-par1")
        par2 = lab.par("PAR2", "asa-par2")
        lab.par1_syslog()
        # 2. The exporter, polling them.
        config = lab.config(agent, fra1, par1, par2, lab.panos())
        exporter = lab.exporter(config)
        lab.wait_polled(exporter, url)
        # 3. Prometheus with the generated rules, and Alertmanager.
        prom, am = lab.prometheus(config, url)
        links = [("Status page", f"{url}/"),
                 ("Metrics", f"{url}/metrics"),
                 ("Probe", f"{url}/probe?target=asa-fra1 (its latest background poll)"),
                 ("Prometheus alerts", f"{prom.url}/alerts"),
                 ("Alertmanager", am.url),
                 ("Config", config),
                 ("Rules", os.path.join(workdir, "rules.yml")),
                 ("Log", exporter.log_path)]
        width = max(len(k) for k, _ in links) + 2
        print(f"""
vpn_exporter demo lab is running (work directory {workdir}).

{chr(10).join(f"  {k + ':':<{width}}{v}" for k, v in links)}

One-sided rekeys, counted from the lab's start: asa-fra1 with 198.18.0.3
at 30 s, asa-par1 with 203.0.113.9 at 60 s, asa-par2 with asa-par1 at 90 s.
Their pages (VpnInvalidSpiDrops naming the peer, VpnSpiMismatch naming both
ends) show in Prometheus' alerts page within a few minutes, and are
printed here as Alertmanager sends them.

Try:
  curl -s {url}/metrics | grep -E 'vpn_(up|tunnel_up|invalid_spi)'
  curl -s {url}/metrics | grep -E 'vpn_ipsec_sa_info.*asa-par'
  curl -s {url}/metrics | grep -E 'vpn_invalid_spi_(events_total|last)'
  kill -HUP {exporter.p.pid}     # reload {config}
""", flush=True)
        if args.check:
            check_prometheus(prom)
            return 0
        print("Press Ctrl-C to stop.", flush=True)
        stop = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop)
        signal.sigwait(stop)
    finally:
        # A second signal must not cut the stopping short and leave the
        # rest running: timeout(1) sends one to lab.py and one to its
        # process group, and Ctrl-C may be pressed twice.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        lab.stop()
    return 0


def _interrupted(*_):
    raise KeyboardInterrupt


if __name__ == "__main__":
    # Until main() waits for them, SIGINT and SIGTERM unwind it, which stops
    # what was started.  (They are not blocked here: the children would
    # inherit the mask and ignore the SIGTERM that stops them.)
    signal.signal(signal.SIGTERM, _interrupted)
    sys.exit(main())
