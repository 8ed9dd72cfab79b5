"""Counters Prometheus can trust, against emulated ASAs whose SAs rekey.

An ASA of 3 tunnels x 2 phase-2 children, each child rekeying at random
(tests/emulators/asa_model.py), polled 200 times through /probe while the
test steps the model's clock: over SSH (the CLI emulator behind a real
sshd) and over SNMP (vx_fastagent serving the model's tables).  No counter
may ever fall, none may jump by more than the traffic of its step, and
each total stays within the documented undercount of the truth (the
traffic between an SA's last poll and its end).

Then an ASA read over SNMP and SSH whose SSH collector fails every 5th
poll: vpn_invalid_spi_packets_total is absent on those polls, never
SNMP's cipSecGlobalNoSaFails (which keeps its own series).
"""

import json
import os
import re
import signal
import sys

from vxtest import (EMULATORS, Proc, find, main, parse_metrics, skip_or_die,
                    wait_until)
from sshd import write_clock
from asatest import AsaTestBase

sys.path.insert(0, EMULATORS)
import asa_model  # noqa: E402

FASTAGENT = os.environ.get("VX_FASTAGENT", "")
STEP = 10
POLLS = 200
PEERS = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
PPS = {"198.51.100.1": (40, 30), "198.51.100.2": (25, 50),
       "198.51.100.3": (7, 9)}

# 3 tunnels x 2 children, each child rekeying after 40 to 120 s, the old
# pair listed as expiring for 15 s.
SCENARIO = {
    "seed": 77,
    "devices": {"A": {"hostname": "asa-a", "address": "192.0.2.1"}},
    "tunnels": [{"device": "A", "peer": p, "ike": 1, "children": 2,
                 "pps_in": PPS[p][0], "pps_out": PPS[p][1],
                 "bytes_per_packet": 700, "lifetime_s": 3600,
                 "rekey": {"random": [40, 120], "overlap": 15, "seed": i}}
                for i, p in enumerate(PEERS)],
    "events": [],
}

COUNTERS = (("vpn_ipsec_packets_total", "pkts"),
            ("vpn_ipsec_bytes_total", "bytes"))


class Counters(AsaTestBase):
    def probe(self, ex, device):
        status, _, body = ex.get(f"/probe?target={device}")
        self.assertEqual(status, 200, body[:300])
        return parse_metrics(body.decode())

    def fastagent(self, path):
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            skip_or_die("VX_FASTAGENT is not set or missing")
        fa = self.track(Proc([FASTAGENT, "--listen", "127.0.0.1:0", "--data",
                              path], "fastagent", self.workdir))
        port = wait_until(lambda: re.search(
            r"listening on udp/127\.0\.0\.1:(\d+)", fa.log()),
            what="fastagent").group(1)
        return fa, int(port)

    def set_snmp(self, fa, path, t, scenario=SCENARIO):
        """The agent serves the model at t (reloaded on SIGHUP)."""
        asa_model.write_atomic(path, asa_model.snmprec(scenario, "A", t))
        before = fa.log().count("reloaded")
        fa.send(signal.SIGHUP)
        wait_until(lambda: fa.log().count("reloaded") > before,
                   what="fastagent reload")

    def check_run(self, step_to):
        """Polls POLLS times; step_to(t) moves the device to t first."""
        last = {}
        first = {}
        undercount = {}
        for k in range(POLLS):
            t = 30 + k * STEP
            step_to(t)
            smp = self.probe(self.ex, "asa-a")
            tr = asa_model.world(SCENARIO, t).truth("A")
            for p in PEERS:
                tun = tr["tunnels"][p]
                for metric, field in COUNTERS:
                    for d in ("in", "out"):
                        got = find(smp, metric, peer=p, direction=d)
                        self.assertEqual(len(got), 1, (t, p, metric, d))
                        got = got[0]
                        want = tun["total"][f"{field}_{d}"]
                        key = (p, metric, d)
                        if key in last:
                            lt, lgot, lwant = last[key]
                            # Never falls; never jumps past the truth.
                            self.assertGreaterEqual(got, lgot, (t, key))
                            self.assertLessEqual(got - lgot, want - lwant,
                                                 (t, key))
                        # What the device counted before the first poll
                        # is not the exporter's; after it, the exporter
                        # misses only the traffic between an SA's last
                        # poll and its end: at most a step's worth per
                        # rekey since the first poll.
                        pps = PPS[p][0 if d == "in" else 1]
                        per = STEP * pps * (700 if field == "bytes" else 1)
                        if key not in first:
                            first[key] = (want - got, tun["rekeys"])
                        base, rekeys0 = first[key]
                        missed = want - got - base
                        self.assertGreaterEqual(missed, 0, (t, key))
                        self.assertLessEqual(
                            missed, (tun["rekeys"] - rekeys0) * per,
                            (t, key))
                        undercount[key] = missed
                        last[key] = (t, got, want)
        # Rekeys happened: the test saw what it is about.
        tr = asa_model.world(SCENARIO, 30 + (POLLS - 1) * STEP).truth("A")
        self.assertGreater(min(tr["tunnels"][p]["rekeys"] for p in PEERS), 10)
        return undercount

    def test_ssh_rekeys_never_fall(self):
        clock = self.write("clock", "")
        write_clock(clock, 30)
        s = self.sshd(name="asa-a", model={"scenario": SCENARIO,
                                            "device": "A",
                                            "clock": {"file": clock}})
        self.ex = self.exporter([self.device(
            "asa-a", s, extra="        sessiondb: true\n"
            "        vpn_context: true\n")], interval="1h", timeout="10s",
            background=False)
        self.check_run(lambda t: write_clock(clock, t))
        self.assertEqual(s.logins(), 1)

    def test_snmp_rekeys_never_fall(self):
        path = os.path.join(self.workdir, "a.snmprec")
        asa_model.write_atomic(path, asa_model.snmprec(SCENARIO, "A", 30))
        fa, port = self.fastagent(path)
        self.ex = self.exporter([f"""
  - name: asa-a
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public}}
"""], interval="1h", timeout="10s", background=False)
        self.check_run(lambda t: self.set_snmp(fa, path, t))

    def test_ssh_source_failing(self):
        # Invalid-SPI drops from t = 1, asp drop counters cleared at t = 5:
        # np-sp-invalid-spi and cipSecGlobalNoSaFails differ.
        sc = json.loads(json.dumps(SCENARIO))
        sc["events"] = [{"t": 1, "type": "one_sided_rekey", "device": "A",
                         "peer": PEERS[0]},
                        {"t": 5, "type": "clear_asp_drop", "device": "A"}]
        clock = self.write("clock", "")
        write_clock(clock, 30)
        s = self.sshd(name="asa-a", model={"scenario": sc, "device": "A",
                                            "clock": {"file": clock}},
                      knobs={"fail_every": {"command": "show asp drop",
                                            "every": 5}})
        path = os.path.join(self.workdir, "a.snmprec")
        asa_model.write_atomic(path, asa_model.snmprec(sc, "A", 30))
        fa, port = self.fastagent(path)
        dev = self.device("asa-a", s, extra=f"""\
      cisco_asa_snmp: {{port: {port}, community: public}}
""")
        self.ex = self.exporter([dev], interval="1h", timeout="10s",
                                background=False)
        absent = 0
        for k in range(25):
            t = 30 + k * 3
            write_clock(clock, t)
            self.set_snmp(fa, path, t, sc)
            smp = self.probe(self.ex, "asa-a")
            tr = asa_model.world(sc, t).truth("A")
            inv = find(smp, "vpn_invalid_spi_packets_total")
            nosa = find(smp, "vpn_ipsec_no_sa_failures_total")
            up = find(smp, "vpn_collector_up", collector="cisco_asa_ssh")
            self.assertEqual(nosa, [tr["invalid_spi"]["no_sa_fails"]], t)
            self.assertNotEqual(tr["invalid_spi"]["no_sa_fails"],
                                tr["invalid_spi"]["asp"])
            if up == [0]:
                absent += 1
                self.assertEqual(inv, [], t)
            else:
                self.assertEqual(inv, [tr["invalid_spi"]["asp"]], t)
        self.assertEqual(absent, 5)

    def test_down_stays_down(self):
        # The tunnel to PEERS[2] goes down at t = 50: the ASA deletes its
        # blocks, and no expected_peers names it.  It must read down, with
        # its counters where they were, until forget_after; a reload with
        # bad alert thresholds keeps the running configuration.
        sc = json.loads(json.dumps(SCENARIO))
        sc["events"] = [{"t": 50, "type": "tunnel_down", "device": "A",
                         "peer": PEERS[2]}]
        clock = self.write("clock", "")
        write_clock(clock, 30)
        s = self.sshd(name="asa-a", model={"scenario": sc, "device": "A",
                                            "clock": {"file": clock}})
        self.ex = self.exporter([self.device("asa-a", s)], interval="1h",
                                timeout="10s", background=False,
                                defaults="  forget_after: 3s\n")
        smp = self.probe(self.ex, "asa-a")
        self.assertEqual(find(smp, "vpn_tunnel_up", peer=PEERS[2]), [1])
        before = find(smp, "vpn_ipsec_packets_total", peer=PEERS[2],
                      direction="out")[0]
        write_clock(clock, 60)
        smp = self.probe(self.ex, "asa-a")
        self.assertEqual(find(smp, "vpn_tunnel_up", peer=PEERS[2]), [0])
        self.assertEqual(find(smp, "vpn_tunnel_up", peer=PEERS[0]), [1])
        frozen = find(smp, "vpn_ipsec_packets_total", peer=PEERS[2],
                      direction="out")
        self.assertEqual(len(frozen), 1)
        self.assertGreaterEqual(frozen[0], before)
        self.assertEqual(find(smp, "vpn_ipsec_sa_info", peer=PEERS[2]), [])
        # A refused reload changes nothing.
        text = open(self.ex.config_path).read()
        self.ex.write_config(text.replace(
            "devices:", "alerts:\n  invalid_spi: {warning: 9, page: 1}\n"
            "devices:", 1))
        status, _, body = self.ex.get("/-/reload", method="POST")
        self.assertEqual(status, 500)
        self.assertIn(b"warning threshold (9) is above the page threshold",
                      body)
        smp = self.probe(self.ex, "asa-a")
        self.assertEqual(find(smp, "vpn_tunnel_up", peer=PEERS[2]), [0])
        self.assertEqual(find(smp, "vpn_alert_threshold", alert="invalid_spi",
                              severity="page"), [1])
        # Past forget_after, it is gone.
        wait_until(lambda: find(self.probe(self.ex, "asa-a"),
                                "vpn_tunnel_up", peer=PEERS[2]) == [],
                   timeout=10, what="the down tunnel forgotten")


if __name__ == "__main__":
    main()
