#!/usr/bin/env python3
"""The demo lab: simulated VPN gateways on loopback and vpn_exporter
scraping them, so a newcomer sees real metrics at once.

  asa-fra1  Cisco ASA, SNMP v2c, 8 L2L peers, one of them down; its
            invalid-SPI counter (cipSecGlobalNoSaFails) keeps rising, as
            after a one-sided rekey.
  asa-ams1  Cisco ASA, SNMP v2c, 24 peers, an ASA that leaves
            cikeTunnelTable empty (IKE state unknown, not down).
  asa-lon1  Cisco ASA, SNMP v3 authPriv (SHA/AES), 4 peers.
  asa-par1  Cisco ASA over SSH: a real OpenSSH sshd on loopback whose
            forced command is the ASA CLI emulator (tests/emulators/
            asa_cli).  Peer 203.0.113.9 sends with an SPI the ASA no
            longer knows: np-sp-invalid-spi rises at every poll, its
            inbound packets stay at 0.  Every tunnel rekeys every 20th
            poll (new SPIs on both sides).

Usage: lab.py --exporter PATH [--listen 127.0.0.1:10039|auto] [--dir DIR]
              [--check]
Stops everything on Ctrl-C.
"""

import argparse
import os
import re
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from vxtest import (Proc, Snmpsim, free_port, gen_asa, http_get,  # noqa: E402
                    wait_until)
from sshd import Sshd  # noqa: E402

NO_SA_FAILS_OID = "1.3.6.1.4.1.9.9.171.1.3.1.29.0"


def rising_invalid_spi(path, per_second=4):
    """Makes cipSecGlobalNoSaFails grow with time (snmpsim's numeric
    variation module), so the invalid-SPI alert has something to see."""
    with open(path) as f:
        lines = f.read().splitlines()
    with open(path, "w") as f:
        for line in lines:
            if line.startswith(NO_SA_FAILS_OID + "|"):
                line = (f"{NO_SA_FAILS_OID}|65:numeric|"
                        f"rate={per_second},initial=1200,cumulative=1")
            f.write(line + "\n")


CONFIG = """# The demo lab's configuration (written by tests/emulators/lab.py).
defaults:
  interval: 15s
  timeout: 5s
  retries: 1
devices:
  - name: asa-fra1
    vendor: cisco_asa
    address: 127.0.0.1
    labels: {{site: fra1}}
    expected_peers: [{fra1_peers}]
    collectors:
      cisco_asa_snmp:
        port: {port}
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
    expected_peers: [198.51.100.7, 203.0.113.9, 192.0.2.44]
    collectors:
      cisco_asa_ssh:
{par1_ssh}"""


def peers(n):
    """The first n peer addresses of gen_asa_snmprec.py."""
    out = []
    for i in range(1, n + 1):
        base = (198 << 24) | (18 << 16)
        a = base + 256 * ((i - 1) // 254) + ((i - 1) % 254 + 1)
        out.append(".".join(str((a >> s) & 255) for s in (24, 16, 8, 0)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exporter", required=True)
    ap.add_argument("--listen", default="127.0.0.1:10039")
    ap.add_argument("--dir")
    ap.add_argument("--check", action="store_true",
                    help="start, check every device is polled, stop")
    args = ap.parse_args()

    if args.listen == "auto":
        args.listen = f"127.0.0.1:{free_port()}"
    workdir = args.dir or tempfile.mkdtemp(prefix="vpn_exporter-lab-")
    os.makedirs(os.path.join(workdir, "secrets"), exist_ok=True)
    os.chmod(workdir, 0o755)
    fra1 = gen_asa(workdir, "fra1", "--tunnels", "8", "--dead-peers", "1",
                   "--seed", "11")[0]
    rising_invalid_spi(fra1)
    ams1 = gen_asa(workdir, "ams1", "--tunnels", "24", "--seed", "12",
                   "--no-ike-table", "--no-sa-fails", "3")[0]
    lon1 = gen_asa(workdir, "lon1", "--tunnels", "4", "--seed", "13")[0]
    for name, secret in (("ams1.community", "ams1"),
                         ("lon1.auth", "lab-auth-secret"),
                         ("lon1.priv", "lab-priv-secret")):
        with open(os.path.join(workdir, "secrets", name), "w") as f:
            f.write(secret + "\n")

    procs = []
    try:
        agent = Snmpsim(workdir, {"fra1": fra1, "ams1": ams1, "lon1": lon1},
                        v3_user="monitor", v3_auth_key="lab-auth-secret",
                        v3_priv_key="lab-priv-secret")
        procs.append(agent)
        par1 = Sshd(workdir, scenario="lab", name="asa-par1",
                    knobs={"invalid_spi_step": 4, "rekey_every": 20})
        procs.append(par1)
        enable = os.path.join(workdir, "secrets", "par1.enable")
        with open(enable, "w") as f:
            f.write("s3cret-enable\n")
        config = os.path.join(workdir, "lab.yml")
        with open(config, "w") as f:
            f.write(CONFIG.format(
                port=agent.port, fra1_peers=", ".join(peers(8)),
                par1_ssh=par1.collector_yaml(
                    enable, extra={"sessiondb": True,
                                   "vpn_context": True})))
        exporter = Proc([args.exporter, f"--config.file={config}",
                         f"--web.listen-address={args.listen}"],
                        "vpn_exporter", workdir)
        procs.append(exporter)
        url = "http://" + args.listen.replace("0.0.0.0", "127.0.0.1")
        if url.startswith("http://:"):
            url = "http://127.0.0.1" + url[len("http://"):]

        def polled():
            if not exporter.alive():
                raise SystemExit("vpn_exporter exited:\n" + exporter.log())
            try:
                _, _, body = http_get(url + "/metrics", timeout=2)
            except OSError:
                return False
            text = body.decode()
            return all(re.search(rf'^vpn_up{{device="{d}"[^}}]*}} 1$', text,
                                 re.M)
                       for d in ("asa-fra1", "asa-ams1", "asa-lon1",
                                 "asa-par1"))
        wait_until(polled, timeout=60, what="the lab's first polls")
        print(f"""
vpn_exporter demo lab is running (work directory {workdir}).

  Status page:  {url}/
  Metrics:      {url}/metrics
  Probe:        {url}/probe?target=asa-fra1  (its latest background poll)
  Prometheus:   one job scraping {url}/metrics; every lab device is
                polled in the background, so a /probe job on top would
                store each series (and fire each alert) twice.
  Config:       {config}
  Log:          {exporter.log_path}

Try:
  curl -s {url}/metrics | grep -E 'vpn_(up|tunnel_up|invalid_spi)'
  kill -HUP {exporter.p.pid}     # reload {config}
""", flush=True)
        if args.check:
            return 0
        print("Press Ctrl-C to stop.", flush=True)
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        for p in reversed(procs):
            p.stop()
    return 0


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sys.exit(main())
