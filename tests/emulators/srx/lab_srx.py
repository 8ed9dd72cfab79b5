"""The demo lab's Juniper SRX (tests/emulators/lab.py):

  srx-sto1  a Juniper SRX chassis cluster over NETCONF: a real OpenSSH
            sshd on loopback with the "netconf" subsystem, whose forced
            command is the SRX emulator (tests/emulators/srx/srx_emu.py,
            base:1.1 framing).  node0 holds two tunnels (one through NAT-T
            whose VPN monitor says the path is down), node1 one, so every
            series carries its node; the Invalid SPI counter of node0
            rises by 30 per poll (2 packets/s at the lab's 15 s interval).

  procs, yaml = start(workdir)   # the sshd; the device's config entry
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                "lib"))

from srxtest import netconf_yaml, srx_sshd  # noqa: E402

DEVICE = "srx-sto1"

SCENARIO = {
    "hostname": DEVICE,
    "nodes": ["node0", "node1"],
    "tunnels": [
        {"name": "to-fra1", "index": 131073, "peer": "198.51.100.7",
         "local": "192.0.2.60", "mon": "U", "iface": "st0.1",
         "node": "node0",
         "sas": [{"in": "4ef526a8", "out": "cb151b04", "life": 2473}]},
        {"name": "to-hel1", "index": 131074, "peer": "203.0.113.40",
         "local": "192.0.2.60", "mon": "D", "port": 4500, "iface": "st0.2",
         "node": "node0",
         "sas": [{"in": "00f61780", "out": "93be8146", "life": 1800,
                  "kb": 51200}]},
        {"name": "to-osl1", "index": 131075, "peer": "203.0.113.41",
         "local": "192.0.2.61", "mon": "-", "iface": "st0.3",
         "node": "node1",
         "sas": [{"in": "1a2b3c4d", "out": "5e6f7081", "life": 3000}]},
    ],
    "stats": {
        "node0": {"enc_bytes": 880000000, "dec_bytes": 910000000,
                  "enc_pkts": 1200000, "dec_pkts": 1300000, "replay": 3,
                  "invalid_spi": 120},
        "node1": {"enc_bytes": 4000, "dec_bytes": 5000, "enc_pkts": 40,
                  "dec_pkts": 50, "invalid_spi": 0},
    },
    "invalid_spi_step": 30,
}


def start(workdir):
    """Starts the SRX; returns ([processes to stop], its YAML entry under
    devices:)."""
    s = srx_sshd(workdir, SCENARIO, name=DEVICE)
    yaml = (f"  - name: {DEVICE}\n    vendor: juniper_srx\n"
            f"    address: 127.0.0.1\n    labels: {{site: sto1}}\n"
            f"    collectors:\n      juniper_srx_netconf:\n"
            + netconf_yaml(s))
    return [s], yaml
