"""The exporter's paloalto_api collector against the PAN-OS XML API
emulator (tests/emulators/panos/panos_api.py) over real HTTPS on loopback,
with a CA and a server certificate made by the test (openssl CLI).

Scenarios: a normal poll (keygen from files, every command mapped, the
key never in a URL or a log), tunnels moving through inactive, init and
active with a rekey, an expired key (403, keygen, retry), the per-poll cap
on detail requests and the concurrency limit, and one device per failure
(an error reply, an HTML page, 401, 403, truncated XML, a stall, a
certificate that does not verify, a wrong password) next to a healthy one.
"""

import os
import re
import shutil
import subprocess
import unittest

from vxtest import (FIXTURES, VX_BIN, Exporter, TmpDirTest, find, main,
                    parse_metrics, promtool_check, skip_or_die, value,
                    wait_until)
from panos_emu import Panos, make_pki

USER, PASSWORD = "monitor", "pa-Secret-123"

TUNNELS = [
    {"name": "to-fra1", "peer": "198.51.100.7", "state": "active",
     "mon": "up", "remain": 2711,
     "counters": {"pkt-decap": 2210045, "pkt-encap": 1849302,
                  "byte-decap": 2688120554, "byte-encap": 1931844012,
                  "dec-err": 3, "auth-err": 2, "pkt-replay": 1}},
    {"name": "to-ams1", "peer": "203.0.113.9", "state": "init"},
    {"name": "to-lon1", "peer": "192.0.2.44", "state": "inactive",
     "mon": "down"},
]
GLOBAL = [
    {"name": "flow_dos_pbp_block_host", "value": 14, "category": "flow"},
    {"name": "ipsec_esp_spi_unknown", "value": 1873, "category": "ipsec"},
    {"name": "session_deny", "value": 77, "category": "session"},
    {"name": "pkt_recv", "value": 498397976, "severity": "info",
     "category": "packet"},
]
STATES = ("active", "init", "inactive", "down")


def scenario(**kw):
    s = {"user": USER, "password": PASSWORD, "tunnels": TUNNELS,
         "global_counters": GLOBAL}
    s.update(kw)
    return s


class PanosApi(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")

    def setUp(self):
        super().setUp()
        self.pki = make_pki(self.workdir)
        self.secrets = os.path.join(self.workdir, "secrets")

    def firewall(self, name="panos", **kw):
        return self.track(Panos(self.workdir, self.pki, scenario(**kw),
                                name=name))

    def device(self, name, fw, expected=(), ca=None, extra=None):
        peers = ", ".join(expected)
        return (f"  - name: {name}\n    vendor: paloalto\n"
                f"    address: 127.0.0.1\n    expected_peers: [{peers}]\n"
                f"    collectors:\n      paloalto_api:\n"
                + fw.collector_yaml(self.secrets, ca=ca, extra=extra))

    def exporter(self, devices, interval="1s", timeout="800ms"):
        return self.track(Exporter(self.workdir, (
            f"defaults:\n  interval: {interval}\n  timeout: {timeout}\n"
            f"  retries: 0\ndevices:\n" + "".join(devices))))

    def wait_metric(self, ex, name, want, what=None, timeout=20, **labels):
        def ok():
            s = parse_metrics(ex.metrics())
            return s if find(s, name, **labels) == [want] else None
        return wait_until(ok, timeout=timeout,
                          what=what or f"{name}{labels} == {want}")

    def state_is(self, ex, device, tunnel, state):
        def ok():
            s = parse_metrics(ex.metrics())
            got = {st: find(s, "vpn_tunnel_state", device=device,
                            tunnel=tunnel, vpn_tunnel_state=st)
                   for st in STATES}
            return s if all(got[st] == [1.0 if st == state else 0.0]
                            for st in STATES) else None
        return wait_until(ok, what=f"{tunnel} in state {state}")

    def error_lines(self, ex, device):
        return [line for line in ex.log().splitlines()
                if "level=error" in line and f"device={device} " in line]

    def polls(self, fw):
        return fw.stats()["stats"]["requests"].get("show vpn flow", 0)

    # Scenarios.

    def test_normal_poll(self):
        fw = self.firewall()
        ex = self.exporter([self.device(
            "pa-fra", fw, expected=["198.51.100.7", "198.51.100.99"])])
        self.wait_metric(ex, "vpn_up", 1, device="pa-fra")
        wait_until(lambda: self.polls(fw) >= 3, what="three polls")
        text = ex.metrics()
        smp = parse_metrics(text)
        truth = {t["name"]: t for t in fw.stats()["tunnels"]}
        d = {"device": "pa-fra"}
        fra = dict(d, tunnel="to-fra1", peer="198.51.100.7")
        self.assertEqual(value(smp, "vpn_tunnel_up", **fra), 1)
        for st in STATES:
            self.assertEqual(value(smp, "vpn_tunnel_state", **fra,
                                   vpn_tunnel_state=st),
                             1 if st == "active" else 0)
        spi_in = "0x%08x" % truth["to-fra1"]["spi_in"]
        spi_out = "0x%08x" % truth["to-fra1"]["spi_out"]
        c = TUNNELS[0]["counters"]
        want = [
            # Configured tunnels are always there; without an SA: 0.
            ("vpn_tunnel_up", dict(tunnel="to-ams1", peer="203.0.113.9"), 0),
            ("vpn_tunnel_state", dict(tunnel="to-ams1",
                                      vpn_tunnel_state="init"), 1),
            ("vpn_tunnel_state", dict(tunnel="to-lon1",
                                      vpn_tunnel_state="inactive"), 1),
            # An expected peer with no tunnel at all: down.
            ("vpn_tunnel_state", dict(peer="198.51.100.99",
                                      vpn_tunnel_state="down"), 1),
            ("vpn_ipsec_sa_info", dict(fra, spi_in=spi_in, spi_out=spi_out,
                                       state="active"), 1),
            ("vpn_ipsec_sa_lifetime_remaining_seconds", fra, 2711),
            ("vpn_ipsec_packets_total", dict(fra, direction="in"),
             c["pkt-decap"]),
            ("vpn_ipsec_packets_total", dict(fra, direction="out"),
             c["pkt-encap"]),
            ("vpn_ipsec_bytes_total", dict(fra, direction="in"),
             c["byte-decap"]),
            ("vpn_ipsec_bytes_total", dict(fra, direction="out"),
             c["byte-encap"]),
            ("vpn_ipsec_errors_total", dict(fra, type="decrypt"),
             c["dec-err"]),
            ("vpn_ipsec_errors_total", dict(fra, type="auth"), c["auth-err"]),
            ("vpn_ipsec_errors_total", dict(fra, type="replay"),
             c["pkt-replay"]),
            ("vpn_tunnel_info", dict(fra, monitor="up",
                                     local_address="192.0.2.1",
                                     interface="ethernet1/1"), 1),
            ("vpn_ike_sa_state", dict(peer="198.51.100.7",
                                      vpn_ike_sa_state="established"), 1),
            ("vpn_ike_sa_up", dict(peer="198.51.100.99"), 0),
            ("vpn_dropped_packets_total", dict(
                section="flow", reason="flow_dos_pbp_block_host"), 14),
            ("vpn_dropped_packets_total", dict(
                section="ipsec", reason="ipsec_esp_spi_unknown"), 1873),
            ("vpn_invalid_spi_packets_total", {}, 1873),
        ]
        for name, labels, v in want:
            self.assertEqual(value(smp, name, **dict(d, **labels)), v,
                             (name, labels))
        self.assertEqual(len(find(smp, "vpn_ipsec_sa_info", **d)), 1)
        self.assertEqual(find(smp, "vpn_dropped_packets_total", **d,
                              reason="session_deny"), [])
        ex.wait_log(r"level=info device=pa-fra collector=paloalto_api "
                    r"msg=\"vpn_invalid_spi_packets_total is the sum of the "
                    r"global counters ipsec_esp_spi_unknown ")
        # Gentle: one request at a time, one key for all the polls, no
        # credential in a URL, in the log or in the metrics.
        st = fw.stats()["stats"]
        self.assertEqual(st["max_inflight"], 1)
        self.assertEqual(st["keygens"], 1)
        self.assertEqual(st["violations"], [])
        # One detail per poll for the one active tunnel (a poll may be
        # half done as we look).
        self.assertIn(st["requests"]["show vpn flow"] -
                      st["requests"]["show vpn flow tunnel-id"], (0, 1))
        for secret in (PASSWORD, "LUFRPT"):
            self.assertNotIn(secret, ex.log())
            self.assertNotIn(secret, text)
        self.assertEqual(self.error_lines(ex, "pa-fra"), [])
        if shutil.which("promtool"):
            ok, out = promtool_check(text)
            self.assertTrue(ok, out)

    def test_tunnel_moves_through_states(self):
        fw = self.firewall(tunnels=[{"name": "to-par1",
                                     "peer": "192.0.2.99",
                                     "state": "inactive"}])
        ex = self.exporter([self.device("pa-par", fw)])
        t = {"device": "pa-par", "tunnel": "to-par1"}
        smp = self.state_is(ex, "pa-par", "to-par1", "inactive")
        self.assertEqual(value(smp, "vpn_tunnel_up", **t), 0)
        fw.control({"tunnels": {"to-par1": {"state": "init"}}})
        smp = self.state_is(ex, "pa-par", "to-par1", "init")
        self.assertEqual(value(smp, "vpn_tunnel_up", **t), 0)
        self.assertEqual(find(smp, "vpn_ipsec_sa_info", **t), [])
        fw.control({"tunnels": {"to-par1": {
            "state": "active", "counters": {"pkt-decap": 1000}}}})
        smp = self.state_is(ex, "pa-par", "to-par1", "active")
        self.assertEqual(value(smp, "vpn_tunnel_up", **t), 1)
        self.assertEqual(len(find(smp, "vpn_ipsec_sa_info", **t)), 1)
        self.wait_metric(ex, "vpn_ipsec_packets_total", 1000, **t,
                         direction="in")
        # A rekey: new SPIs, the device counts from 0 again; the total
        # goes on from what the old SA had counted.
        fw.control({"tunnels": {"to-par1": {
            "rekey": True, "counters": {"pkt-decap": 5}}}})
        smp = self.wait_metric(ex, "vpn_ipsec_packets_total", 1005, **t,
                               direction="in")
        self.assertEqual(value(smp, "vpn_ipsec_rekeys_total", **t), 1)
        truth = fw.stats()["tunnels"][0]
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", **t,
                               spi_in="0x%08x" % truth["spi_in"]), 1)
        # Back to init: no SA, the counters stay where they were.
        fw.control({"tunnels": {"to-par1": {"state": "init"}}})
        smp = self.state_is(ex, "pa-par", "to-par1", "init")
        self.assertEqual(value(smp, "vpn_ipsec_packets_total", **t,
                               direction="in"), 1005)
        self.assertEqual(self.error_lines(ex, "pa-par"), [])

    def test_key_expiry(self):
        fw = self.firewall()
        ex = self.exporter([self.device("pa-key", fw)])
        self.wait_metric(ex, "vpn_up", 1, device="pa-key")
        self.assertEqual(fw.stats()["stats"]["keygens"], 1)
        fw.control({"expire_keys": True})
        wait_until(lambda: fw.stats()["stats"]["keygens"] == 2,
                   what="a second keygen")
        n = self.polls(fw)
        wait_until(lambda: self.polls(fw) >= n + 2, what="two more polls")
        st = fw.stats()["stats"]
        # The four commands of one poll refused, a new key, the commands
        # again: never down.
        self.assertEqual(st["refused"], 4)
        self.assertEqual(st["keygens"], 2)
        smp = parse_metrics(ex.metrics())
        self.assertEqual(value(smp, "vpn_up", device="pa-key"), 1)
        self.assertEqual(sum(find(smp, "vpn_exporter_collect_errors_total",
                                  device="pa-key")), 0)
        self.assertEqual(self.error_lines(ex, "pa-key"), [])

    def test_detail_cap_and_concurrency(self):
        # 20 ms a request, so that requests in flight overlap even on a
        # loaded machine (under ASan, beside other tests).
        fw = self.firewall(tunnels=[], generate={"tunnels": 30,
                                                 "active": 24},
                           latency_ms=20)
        ex = self.exporter([self.device("pa-big", fw, extra={
            "max_tunnel_details": 10, "max_concurrent_requests": 3})],
            interval="1s", timeout="900ms")
        wait_until(lambda: self.polls(fw) >= 4, what="four polls")
        smp = parse_metrics(ex.metrics())
        # Every active tunnel has its counters after three polls of ten.
        self.assertEqual(len(find(smp, "vpn_ipsec_packets_total",
                                  device="pa-big", direction="in")), 24)
        self.assertEqual(sum(find(smp, "vpn_tunnel_up", device="pa-big")),
                         24)
        st = fw.stats()["stats"]["requests"]
        self.assertLessEqual(st["show vpn flow tunnel-id"],
                             10 * st["show vpn flow"])
        inflight = fw.stats()["stats"]["max_inflight"]
        self.assertLessEqual(inflight, 3)
        self.assertGreater(inflight, 1)

    def test_failures(self):
        ok = self.firewall("ok")
        cases = [
            # device, fault or setup, reason, message
            ("pa-err17", {"mode": "error17", "cmd": "show vpn ike-sa"},
             "protocol", r"'show vpn ike-sa': the device answered error "
             r"code 17: show -> redistribution is unexpected"),
            ("pa-html", {"mode": "html", "cmd": "*"}, "protocol",
             r"HTTP 503: the device answered with an HTML page \('503 "
             r"Service Unavailable'\)"),
            ("pa-401", {"mode": "http401", "cmd": "show counter global"},
             "auth", r"'show counter global': HTTP 401"),
            ("pa-403", {"mode": "http403", "cmd": "*"}, "auth",
             r"HTTP 403: the device refused the credentials"),
            ("pa-trunc", {"mode": "truncate", "cmd": "show vpn flow"},
             "parse", r"'show vpn flow': line 1: "),
            ("pa-stall", {"mode": "stall", "cmd": "show vpn ipsec-sa"},
             "timeout", r"'show vpn ipsec-sa': no complete reply from "
             r"127\.0\.0\.1:\d+ before the deadline"),
            ("pa-cert", "other-ca", "hostkey",
             r"the TLS certificate of 127\.0\.0\.1:\d+ did not verify"),
            ("pa-pw", "wrong-password", "auth",
             r"making an API key \(keygen\): HTTP 403: the device refused "
             r"the username and password"),
            ("pa-large", "large-reply", "protocol",
             r"'show vpn flow': the reply from 127\.0\.0\.1:\d+ is larger "
             r"than 4096 bytes"),
        ]
        devices = [self.device("pa-ok", ok)]
        fws = {}
        for name, fault, _, _ in cases:
            fw = self.firewall(name, generate={"tunnels": 40})
            fws[name] = fw
            ca, extra = None, None
            if fault == "large-reply":
                extra = {"max_response_bytes": 4096}
            elif fault == "other-ca":
                ca = self.pki["other_ca"]
            elif fault == "wrong-password":
                fw.scenario["password"] = "not-the-password"
            else:
                fw.control({"fault": fault})
            devices.append(self.device(name, fw, ca=ca, extra=extra))
        # Verification off: works, with a warning at start.
        insecure = self.firewall("pa-insecure")
        devices.append(self.device("pa-insecure", insecure,
                                   ca=self.pki["other_ca"],
                                   extra={"insecure_skip_verify": True}))
        ex = self.exporter(devices, interval="1s", timeout="800ms")
        self.wait_metric(ex, "vpn_up", 1, device="pa-ok")
        self.wait_metric(ex, "vpn_up", 1, device="pa-insecure")
        ex.wait_log(r"level=warn device=pa-insecure collector=paloalto_api "
                    r"msg=\"insecure_skip_verify: ")
        for name, _, reason, msg in cases:
            self.wait_metric(ex, "vpn_up", 0, device=name)
            line = ex.wait_log(rf"level=error device={name} "
                               rf"collector=paloalto_api reason={reason} "
                               rf"msg=\"[^\n]*{msg}")
            self.assertTrue(line, name)
        # A second failure each (failing devices back off: 2 intervals):
        # still one line each, the healthy ones still up.
        def failed_twice():
            smp = parse_metrics(ex.metrics())
            return smp if all(value(
                smp, "vpn_exporter_collect_errors_total", device=name,
                reason=reason) >= 2 for name, _, reason, _ in cases) \
                else None
        smp = wait_until(failed_twice, timeout=20, what="second failures")
        self.assertEqual(value(smp, "vpn_up", device="pa-ok"), 1)
        self.assertEqual(value(smp, "vpn_up", device="pa-insecure"), 1)
        for name, _, reason, _ in cases:
            self.assertEqual(len(self.error_lines(ex, name)), 1,
                             self.error_lines(ex, name))
            self.assertGreaterEqual(value(
                smp, "vpn_exporter_collect_errors_total", device=name,
                reason=reason), 2)
            self.assertEqual(find(smp, "vpn_tunnel_up", device=name), [])
        # The wrong password and the keys never show.
        log = ex.log()
        for secret in ("not-the-password", PASSWORD, "LUFRPT"):
            self.assertNotIn(secret, log)
        self.assertEqual(fws["pa-pw"].stats()["stats"]["keygens"], 0)
        for fw in fws.values():
            self.assertEqual(fw.stats()["stats"]["violations"], [])
        self.assertTrue(ex.proc.alive())
        self.assertIsNone(re.search(r"level=error device=pa-ok ", log))


class ParseOffline(unittest.TestCase):
    """vpn_exporter parse --vendor paloalto on the XML replies: every
    command, the SPIs as the XML says them, and broken replies as one clear
    error and exit 1, never a crash."""

    FIX = os.path.join(FIXTURES, "paloalto")

    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")

    def parse(self, command, name=None, stdin=None):
        argv = [VX_BIN, "parse", "--vendor", "paloalto", "--command",
                command]
        argv.append(os.path.join(self.FIX, name) if name else "-")
        return subprocess.run(argv, input=stdin, capture_output=True,
                              text=True, timeout=30)

    def test_commands(self):
        r = subprocess.run([VX_BIN, "parse", "--help"], capture_output=True,
                           text=True, timeout=30)
        for cmd in ("show vpn flow", "show vpn flow tunnel-id <id>",
                    "show running tunnel flow all", "show vpn ipsec-sa",
                    "show vpn ike-sa", "show counter global"):
            self.assertIn(f"--vendor paloalto --command '{cmd}'", r.stdout)
        cases = [
            ("show vpn flow tunnel-id 1",
             "xmlapi_show_vpn_flow_detail_active.xml",
             "local-spi", "vpn_ipsec_sa_info"),
            ("show running tunnel flow all",
             "xmlapi_show_running_tunnel_flow_all_one_tunnel_init.xml",
             None, "vpn_tunnel_state"),
            ("show vpn flow", "xmlapi_show_vpn_flow_derived.xml", None,
             "vpn_tunnel_state"),
            ("show vpn ipsec-sa",
             "xmlapi_show_vpn_ipsec-sa_pa850_10.1.12_spi_decimal.xml",
             "i_spi", "vpn_ipsec_sa_info"),
            ("show vpn ike-sa", "xmlapi_show_vpn_ike-sa_derived.xml", None,
             "vpn_ike_sa_state"),
            ("show counter global",
             "xmlapi_show_counter_global_ipsec_derived.xml", None,
             "vpn_invalid_spi_packets_total"),
        ]
        for command, name, spi_elem, metric in cases:
            r = self.parse(command, name)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(metric, r.stdout, command)
            if shutil.which("promtool"):
                ok, out = promtool_check(r.stdout)
                self.assertTrue(ok, out)
            if spi_elem is None:
                continue
            # The SPI the XML gives (hex or decimal) is the label's value.
            with open(os.path.join(self.FIX, name)) as f:
                raw = re.search(rf"<{spi_elem}>(\w+)</", f.read()).group(1)
            spi = int(raw, 16) if spi_elem == "local-spi" else int(raw)
            self.assertIn(f'spi_in="0x{spi:08x}"', r.stdout, command)

    def test_broken_replies(self):
        with open(os.path.join(
                self.FIX, "xmlapi_show_vpn_ipsec-sa_rekey_derived.xml")) as f:
            reply = f.read()
        for cut in (0, 40, 200, len(reply) // 2, len(reply) - 12):
            r = self.parse("show vpn ipsec-sa", stdin=reply[:cut])
            self.assertEqual(r.returncode, 1, (cut, r.stdout))
            self.assertEqual(r.stdout, "")
            self.assertRegex(r.stderr, r"^vpn_exporter parse: stdin: parse: "
                             r"(line \d+: |empty output)")
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        r = self.parse("show vpn flow",
                       "xmlapi_error_code17_unexpected_command.xml")
        self.assertEqual(r.returncode, 1)
        self.assertIn("protocol: the device answered error code 17: show -> "
                      "redistribution is unexpected", r.stderr)
        r = self.parse("show vpn ike-sa", "http_error_page_derived.html")
        self.assertEqual(r.returncode, 1)
        self.assertIn("HTML page ('503 Service Unavailable')", r.stderr)
        r = self.parse("show vpn flow tunnel-id")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    main()
