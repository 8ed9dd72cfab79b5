"""The demo lab's PAN-OS firewall (tests/emulators/lab.py):

  pa-ber1  Palo Alto PAN-OS over the XML API (HTTPS, a CA made by the lab),
           the emulator tests/emulators/panos/panos_api.py: four tunnels,
           two active and carrying traffic, one on-demand tunnel idle in
           "init" (vpn_tunnel_up 0, vpn_tunnel_state "init": not broken),
           one "inactive"; the global counter ipsec_esp_spi_unknown (a
           made-up name, matched by the default invalid_spi_counters)
           rises by 2 packets/s.  The API key is made from a username and
           password in files.

  procs, yaml = start(workdir)   # the emulator; the device's config entry
"""

import os

from panos_emu import Panos, make_pki

DEVICE = "pa-ber1"

SCENARIO = {
    "user": "monitor", "password": "lab-panos-secret",
    "tunnels": [
        {"name": "to-fra1", "peer": "198.51.100.7", "state": "active",
         "mon": "up", "remain": 2400,
         "counters": {"pkt-decap": 120000, "pkt-encap": 98000,
                      "byte-decap": 150000000, "byte-encap": 99000000},
         "rates": {"pkt-decap": 40, "pkt-encap": 35, "byte-decap": 48000,
                   "byte-encap": 30000}},
        {"name": "to-ams1", "peer": "203.0.113.9", "state": "active",
         "mon": "off", "remain": 900,
         "counters": {"pkt-decap": 5000, "pkt-encap": 5200},
         "rates": {"pkt-decap": 2, "pkt-encap": 2, "auth-err": 0.1}},
        {"name": "to-branch7", "peer": "192.0.2.77", "state": "init"},
        {"name": "to-old-dc", "peer": "192.0.2.200", "state": "inactive",
         "mon": "down"},
    ],
    "global_counters": [
        {"name": "flow_dos_pbp_block_host", "value": 14,
         "category": "flow"},
        {"name": "ipsec_esp_spi_unknown", "value": 300, "rate": 2,
         "category": "ipsec"},
    ],
}


def start(workdir):
    """Starts the firewall; returns ([processes to stop], its YAML entry
    under devices:)."""
    pki = make_pki(workdir, "panos-pki")
    fw = Panos(workdir, pki, SCENARIO, name=DEVICE)
    yaml = (f"  - name: {DEVICE}\n    vendor: paloalto\n"
            f"    address: 127.0.0.1\n    labels: {{site: ber1}}\n"
            f"    collectors:\n      paloalto_api:\n"
            + fw.collector_yaml(os.path.join(workdir, "secrets")))
    return [fw], yaml
