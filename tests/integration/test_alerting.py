"""End to end: emulated ASAs -> vpn_exporter -> a real Prometheus with the
rules 'vpn_exporter rules' generates -> a real Alertmanager with the example
routing and inhibitions -> a webhook receiver.

On the model's wall clock (tests/emulators/asa_model.py), at t = 20 s:
  asa-x  (SSH, per-peer Bad SPI counts) rekeys one-sidedly with 203.0.113.9:
         the invalid-SPI page must name that peer;
  asa-y  (SNMP) does the same with 198.51.100.70, and has no per-peer count:
         the page names the tunnel whose inbound packets stopped;
  asa-a  and asa-b, both ends of one tunnel: asa-a rekeys on its own, and
         the SPI-mismatch page names both;
  asa-c  only rekeys, every 15 s, with the few dropped stragglers of a
         routine rekey: nothing about it may page.
Short windows and "for"s in the test's "alerts:" section keep it to about a
minute.
"""

import json
import os
import socket
import subprocess
import sys
import time

from vxtest import (EMULATORS, VX_BIN, Proc, free_port, main, skip_or_die,
                    wait_until)
from asatest import AsaTestBase
from promstack import Alertmanager, Prometheus, Webhook

sys.path.insert(0, EMULATORS)
import asa_model  # noqa: E402

FASTAGENT = os.environ.get("VX_FASTAGENT", "")
EVENT_T = 20

SCENARIO = {
    "seed": 5,
    "devices": {
        "X": {"hostname": "asa-x", "address": "192.0.2.10"},
        "Y": {"hostname": "asa-y", "address": "192.0.2.20"},
        "A": {"hostname": "asa-a", "address": "192.0.2.1"},
        "B": {"hostname": "asa-b", "address": "198.51.100.20"},
        "C": {"hostname": "asa-c", "address": "192.0.2.30",
              "rekey_noise": 3},
    },
    "tunnels": [
        {"device": "X", "peer": "203.0.113.9", "pps_in": 8, "pps_out": 9,
         "rekey": None},
        {"device": "X", "peer": "203.0.113.10", "pps_in": 30, "pps_out": 30,
         "rekey": None},
        {"device": "Y", "peer": "198.51.100.70", "pps_in": 12, "pps_out": 10,
         "rekey": None},
        {"device": "Y", "peer": "198.51.100.71", "pps_in": 40, "pps_out": 35,
         "rekey": None},
        {"device": "A", "peer": "B", "pps_in": 20, "pps_out": 25,
         "rekey": None},
        {"device": "C", "peer": "203.0.113.30", "pps_in": 50, "pps_out": 45,
         "age": 0, "rekey": {"every": 15, "overlap": 5}},
    ],
    "events": [
        {"t": EVENT_T, "type": "one_sided_rekey", "device": "X",
         "peer": "203.0.113.9"},
        {"t": EVENT_T, "type": "one_sided_rekey", "device": "Y",
         "peer": "198.51.100.70"},
        {"t": EVENT_T, "type": "one_sided_rekey", "device": "A",
         "peer": "B"},
    ],
}

ALERTS = """alerts:
  invalid_spi: {warning: 0.5, page: 2, window: 15s, for: 10s}
  spi_mismatch: {for: 5s}
  tunnel_down: {for: 10s}
  tunnel_flapping: {changes: 4, window: 2m}
  sa_expiring: {seconds: 2, for: 10s}
  ipsec_errors: {warning: 1, window: 20s, for: 10s}
  device_unreachable: {for: 10s}
  collector_failing: {for: 10s}
  exporter_down: {for: 10s}
  exporter_job: vpn_exporter
"""


class Alerting(AsaTestBase):
    def test_pages(self):
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            skip_or_die("VX_FASTAGENT is not set or missing")
        start = time.time() + 3
        scenario = self.write("scenario.json", json.dumps(SCENARIO))
        ssh = {n: self.sshd(name=f"asa-{n.lower()}", model={
            "scenario": SCENARIO, "device": n, "clock": "wall",
            "start": start}) for n in ("X", "A", "B", "C")}
        # asa-y over SNMP: the model's tables, rewritten every second.
        snmprec = os.path.join(self.workdir, "y.snmprec")
        asa_model.write_atomic(snmprec, asa_model.snmprec(SCENARIO, "Y", 0))
        self.track(Proc([sys.executable, os.path.join(EMULATORS,
                                                      "asa_model.py"),
                         "tick", "--scenario", scenario, "--device", "Y",
                         "--snmprec", snmprec, "--every", "1", "--start",
                         str(start)], "tick", self.workdir))
        port = free_port(socket.SOCK_DGRAM)
        self.track(Proc([FASTAGENT, "--listen", f"127.0.0.1:{port}",
                         "--data", snmprec], "fastagent", self.workdir))

        ctx = "        vpn_context: true\n"
        devices = [self.device("asa-x", ssh["X"], extra=ctx),
                   self.device("asa-a", ssh["A"], extra=ctx),
                   self.device("asa-b", ssh["B"], extra=ctx),
                   self.device("asa-c", ssh["C"], extra=ctx),
                   f"""
  - name: asa-y
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public}}
"""]
        ex = self.exporter(devices, interval="2s", timeout="1500ms",
                           top=ALERTS,
                           defaults="  spi_mismatch_grace: 4s\n")
        # The rules for this configuration, as an operator makes them.
        r = subprocess.run([VX_BIN, "rules",
                            f"--config.file={ex.config_path}"],
                           capture_output=True, text=True, check=True)
        rules = self.write("rules.yml", r.stdout)

        hook = self.track(Webhook())
        am = self.track(Alertmanager(self.workdir, hook.url))
        host = ex.url.split("//", 1)[1]
        prom = self.track(Prometheus(self.workdir, [
            {"job_name": "vpn_exporter",
             "static_configs": [{"targets": [host]}]}], [rules], am.url))

        def paged():
            x = hook.firing(alertname="VpnInvalidSpiDrops", severity="page",
                            device="asa-x")
            y = hook.firing(alertname="VpnInvalidSpiDrops", severity="page",
                            device="asa-y")
            mm = hook.firing(alertname="VpnSpiMismatch", severity="page")
            return (x, y, mm) if x and y and mm else None

        x, y, mm = wait_until(paged, timeout=EVENT_T + 120, interval=1,
                              what="the invalid-SPI and SPI-mismatch pages "
                              "at the webhook")
        took = time.time() - (start + EVENT_T)
        print(f"pages at the webhook {took:.1f} s after the one-sided "
              "rekeys", flush=True)
        self.assertLess(took, 120)
        # The pages name the peer: from asa-x's own per-peer count, from
        # asa-y's tunnel whose inbound packets stopped.
        self.assertEqual({a["labels"]["peer"] for a in x}, {"203.0.113.9"})
        self.assertEqual({a["labels"]["peer"] for a in y}, {"198.51.100.70"})
        self.assertIn("203.0.113.9", x[0]["annotations"]["description"])
        self.assertTrue(x[0]["annotations"]["runbook_url"].endswith(
            "/runbooks/invalid_spi.md"))
        ends = {(a["labels"]["device"], a["labels"]["peer_device"])
                for a in mm}
        self.assertTrue(ends & {("asa-a", "asa-b"), ("asa-b", "asa-a")},
                        ends)
        # Routine rekeys page nothing: after asa-c's fourth rekey (and a
        # window and a "for" past its third), nothing fired for it, and
        # nothing is even pending.
        def rekeyed():
            r = prom.query('vpn_ipsec_rekeys_total{device="asa-c"}')
            return r and float(r[0]["value"][1]) >= 4
        wait_until(rekeyed, timeout=120, interval=1,
                   what="asa-c's fourth routine rekey")
        self.assertEqual([a for a in hook.alerts()
                          if a["labels"].get("device") == "asa-c"], [])
        self.assertEqual([a for a in prom.alerts()
                          if a["labels"].get("device") == "asa-c"], [])
        # No page or warning claims an unknown peer here.
        self.assertEqual([a for a in hook.alerts()
                          if a["labels"].get("peer") == "unknown"], [])
        # Every rule evaluates cleanly against the real series.
        self.assertEqual(prom.rule_health(), [])
        for name in ("asa-x", "asa-y", "asa-a", "asa-b", "asa-c"):
            self.assertEqual(len(prom.query(
                f'vpn_alert_threshold{{device="{name}",alert="invalid_spi",'
                'severity="page"}')), 1, name)


if __name__ == "__main__":
    main()
