"""The demo lab's ScreenOS firewall (tests/emulators/lab.py):

  ssg-hel1  a Juniper SSG (ScreenOS) over SSH: a real OpenSSH sshd on
            loopback whose forced command is the ScreenOS CLI emulator
            (tests/emulators/screenos/screenos_emu.py).  Four VPNs: two
            up whose bytes grow at 40 kB/s, one whose SA is active but
            whose VPN monitor finds the path down (A/D: down, monitor
            "down"), one inactive (I/I).  Tunnels carry the VPN names the
            collector asks "get sa id N" for.

  procs, yaml = start(workdir)   # the sshd; the device's config entry
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                "lib"))

from screenostest import screenos_sshd, ssh_yaml  # noqa: E402

DEVICE = "ssg-hel1"


def scenario():
    return {
        "hostname": DEVICE,
        "grow": {"start": time.time(), "bytes_per_s": 40000},
        "tunnels": [
            {"name": "to-fra1", "id": 1, "peer": "198.51.100.7",
             "local": "192.0.2.70", "sta": "A/U", "in": "80041ca4",
             "out": "8cdd274a", "life": 3385},
            {"name": "to-sto1", "id": 2, "peer": "192.0.2.60",
             "local": "192.0.2.70", "sta": "A/-", "port": 4500,
             "in": "2a1b3c4d", "out": "5e6f7a8b", "life": 1200,
             "kb": 250000},
            {"name": "to-tll1", "id": 21, "peer": "203.0.113.50",
             "local": "192.0.2.70", "sta": "A/D", "in": "ecf0bec7",
             "out": "14bf7894", "life": 900},
            {"name": "to-rix1", "id": 22, "peer": "203.0.113.51",
             "local": "192.0.2.70", "sta": "I/I"},
        ],
    }


def start(workdir):
    """Starts the firewall; returns ([processes to stop], its YAML entry
    under devices:)."""
    s = screenos_sshd(workdir, scenario(), name=DEVICE)
    yaml = (f"  - name: {DEVICE}\n    vendor: screenos\n"
            f"    address: 127.0.0.1\n    labels: {{site: hel1}}\n"
            f"    collectors:\n      screenos_ssh:\n" + ssh_yaml(s))
    return [s], yaml
