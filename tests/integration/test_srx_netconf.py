"""The exporter's juniper_srx_netconf collector against emulated SRXs
behind a real OpenSSH sshd on loopback, whose "netconf" subsystem speaks
both framings (tests/emulators/srx/srx_emu.py).

Scenarios, each one device (or several side by side): tunnels up over
base:1.1 and over base:1.0, the session kept between polls; tunnels down
(the VPN monitor down, a block down, a tunnel that vanishes); a rekey in
progress (two SA pairs); IKE not configured; a two-node chassis cluster;
a release without "Invalid SPI" ("not reported"); a malformed reply; a
stalled reply whose deadline fires while the other devices keep their
pace.
"""

import os
import time

from vxtest import (VX_BIN, Exporter, TmpDirTest, find, main, parse_metrics,
                    promtool_check, skip_or_die, value, wait_until)
import sshd as sshd_lib
from srxtest import TUNNELS_UP, commands, netconf_yaml, scenario, srx_sshd


class SrxNetconf(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")
        sshd_lib.require()

    def srx(self, sc, name):
        return self.track(srx_sshd(self.workdir, sc, name=name))

    def device(self, name, s, expected=(), timeout=None):
        peers = ", ".join(expected)
        return (f"  - name: {name}\n    vendor: juniper_srx\n"
                f"    address: 127.0.0.1\n    expected_peers: [{peers}]\n"
                + (f"    timeout: {timeout}\n" if timeout else "")
                + "    collectors:\n      juniper_srx_netconf:\n"
                + netconf_yaml(s))

    def exporter(self, devices, interval="2s", timeout="2s"):
        return self.track(Exporter(self.workdir, (
            f"defaults:\n  interval: {interval}\n  timeout: {timeout}\n"
            f"  retries: 0\ndevices:\n" + "".join(devices))))

    def polled(self, ex, device, n=1, timeout=30):
        """Samples once device has had n successful polls."""
        def ok():
            smp = parse_metrics(ex.metrics())
            if find(smp, "vpn_up", device=device) != [1]:
                return None
            return smp
        smp = wait_until(ok, timeout=timeout, what=f"{device} up")
        for _ in range(n - 1):
            ts = value(smp, "vpn_collect_timestamp_seconds", device=device)
            smp = wait_until(lambda: (lambda s: s if value(
                s, "vpn_collect_timestamp_seconds", device=device) > ts
                else None)(parse_metrics(ex.metrics())), timeout=timeout,
                what=f"another poll of {device}")
        return smp

    def test_tunnels_up_both_framings(self):
        a = self.srx(TUNNELS_UP, "srx-a")
        b = self.srx(scenario(hostname="srx-b", base11=False), "srx-b")
        ex = self.exporter([self.device("srx-a", a),
                            self.device("srx-b", b)])
        for dev, s, base in (("srx-a", a, "base:1.1"),
                             ("srx-b", b, "base:1.0")):
            smp = self.polled(ex, dev, n=3)
            self.assertEqual(value(smp, "vpn_tunnel_up", device=dev,
                                   tunnel="vpn-fra1", peer="192.0.2.11"), 1)
            self.assertEqual(value(smp, "vpn_ipsec_sa_info", device=dev,
                                   tunnel="vpn-ams1", spi_in="0x00f61780",
                                   spi_out="0x93be8146", state="active"), 1)
            self.assertEqual(value(
                smp, "vpn_ipsec_sa_lifetime_remaining_seconds", device=dev,
                tunnel="vpn-fra1"), 2473)
            self.assertEqual(value(
                smp, "vpn_ipsec_sa_lifetime_remaining_bytes", device=dev,
                tunnel="vpn-ams1"), 51200 * 1024)
            self.assertEqual(find(smp, "vpn_ipsec_sa_lifetime_remaining_bytes",
                                  device=dev, tunnel="vpn-fra1"), [])
            self.assertEqual(value(smp, "vpn_tunnel_info", device=dev,
                                   tunnel="vpn-ams1", nat_t="true",
                                   monitor="off", interface="st0.2",
                                   ike_version="2"), 1)
            self.assertEqual(value(smp, "vpn_ike_sa_state", device=dev,
                                   peer="192.0.2.11",
                                   vpn_ike_sa_state="established"), 1)
            self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                                   device=dev), 1789)
            for t, v in (("auth", 3), ("decrypt", 4), ("replay", 12),
                         ("bad_header", 5), ("bad_trailer", 6)):
                self.assertEqual(value(smp, "vpn_ipsec_errors_total",
                                       device=dev, type=t), v)
            self.assertEqual(value(smp, "vpn_ipsec_bytes_total", device=dev,
                                   direction="out"), 327747467040)
            self.assertEqual(find(smp, "vpn_not_reported", device=dev), [])
            # No node label on a device that is not a cluster.
            self.assertFalse([l for n, l, _ in smp if l.get("device") == dev
                              and "node" in l])
            # Three polls, one login: the session is kept.
            self.assertEqual(len(commands(s, "netconf")
                                 and [c for c in commands(s, "netconf")
                                      if c[2] == "LOGIN"]), 1)
            self.assertIn(base, [c[2] for c in commands(s, "netconf")])
            rpcs = [c[2] for c in commands(s, "netconf")]
            self.assertIn("command show security ipsec statistics", rpcs)
            self.assertIn("get-ike-security-associations-information", rpcs)
        ok, out = promtool_check(ex.metrics())
        self.assertTrue(ok, out)

    def test_tunnels_down(self):
        sc = scenario(tunnels=TUNNELS_UP["tunnels"] + [
            {"name": "vpn-lon1", "index": 131075, "peer": "192.0.2.13",
             "state": "down"},
            {"name": "vpn-par1", "index": 131076, "peer": "192.0.2.14",
             "mon": "D", "sas": [{"in": "11111111", "out": "22222222",
                                  "life": 900}]}])
        s = self.srx(sc, "srx-d")
        ex = self.exporter([self.device("srx-d", s,
                                        expected=["192.0.2.99"])])
        smp = self.polled(ex, "srx-d")
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-d",
                               tunnel="vpn-lon1"), 0)
        self.assertEqual(value(smp, "vpn_tunnel_state", device="srx-d",
                               tunnel="vpn-lon1",
                               vpn_tunnel_state="inactive"), 1)
        # Installed, but the VPN monitor says the path is down.
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-d",
                               tunnel="vpn-par1"), 0)
        self.assertEqual(value(smp, "vpn_tunnel_info", device="srx-d",
                               tunnel="vpn-par1", monitor="down"), 1)
        # An expected peer the SRX does not list at all.
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-d",
                               peer="192.0.2.99"), 0)
        self.assertEqual(value(smp, "vpn_ike_sa_up", device="srx-d",
                               peer="192.0.2.99"), 0)
        # A tunnel that vanishes from the SA list reads down, not absent.
        s.set_scenario(scenario(tunnels=TUNNELS_UP["tunnels"][:1]))
        smp = wait_until(lambda: (lambda m: m if find(
            m, "vpn_tunnel_up", device="srx-d", tunnel="vpn-ams1") == [0]
            else None)(parse_metrics(ex.metrics())), timeout=20,
            what="vpn-ams1 down")
        self.assertEqual(value(smp, "vpn_tunnel_state", device="srx-d",
                               tunnel="vpn-ams1", vpn_tunnel_state="down"), 1)
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-d",
                               tunnel="vpn-fra1"), 1)

    def test_rekey_in_progress(self):
        s = self.srx(TUNNELS_UP, "srx-r")
        ex = self.exporter([self.device("srx-r", s)])
        self.polled(ex, "srx-r")
        rekeyed = scenario()
        rekeyed["tunnels"][0]["sas"] = [
            {"in": "4ef526a8", "out": "cb151b04", "life": 40},
            {"in": "5a5a0001", "out": "6b6b0002", "life": 3590}]
        s.set_scenario(rekeyed)
        smp = wait_until(lambda: (lambda m: m if find(
            m, "vpn_ipsec_sa_info", device="srx-r", spi_in="0x5a5a0001")
            else None)(parse_metrics(ex.metrics())), timeout=20,
            what="the new SA pair")
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", device="srx-r",
                               tunnel="vpn-fra1", spi_in="0x5a5a0001",
                               spi_out="0x6b6b0002", state="active"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", device="srx-r",
                               tunnel="vpn-fra1", spi_in="0x4ef526a8",
                               state="expiring"), 1)
        # The active pair's lifetime, not the dying one's.
        self.assertEqual(value(
            smp, "vpn_ipsec_sa_lifetime_remaining_seconds", device="srx-r",
            tunnel="vpn-fra1"), 3590)
        self.assertEqual(value(smp, "vpn_ipsec_rekeys_total", device="srx-r",
                               tunnel="vpn-fra1"), 1)
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-r",
                               tunnel="vpn-fra1"), 1)

    def test_ike_not_configured(self):
        s = self.srx(scenario(tunnels=[], ike=[], ike_configured=False,
                              ipsec_configured=False), "srx-n")
        ex = self.exporter([self.device("srx-n", s)])
        smp = self.polled(ex, "srx-n", n=2)
        self.assertEqual(find(smp, "vpn_tunnel_up", device="srx-n"), [])
        self.assertEqual(value(smp, "vpn_ike_active_tunnels",
                               device="srx-n"), 0)
        self.assertEqual(value(smp, "vpn_collector_up", device="srx-n",
                               collector="juniper_srx_netconf"), 1)
        self.assertNotIn("level=error", ex.log())

    def test_cluster(self):
        sc = scenario(hostname="srx-ha", nodes=["node0", "node1"],
                      stats={"node0": dict(TUNNELS_UP["stats"]),
                             "node1": {"invalid_spi": 0}})
        sc["tunnels"][1]["node"] = "node1"
        s = self.srx(sc, "srx-ha")
        ex = self.exporter([self.device("srx-ha", s)])
        smp = self.polled(ex, "srx-ha")
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-ha",
                               tunnel="vpn-fra1", node="node0"), 1)
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-ha",
                               tunnel="vpn-ams1", node="node1"), 1)
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="srx-ha", node="node0"), 1789)
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="srx-ha", node="node1"), 0)
        self.assertEqual(value(smp, "vpn_ike_sa_up", device="srx-ha",
                               peer="192.0.2.12", node="node1"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_active_tunnels",
                               device="srx-ha", node="node0"), 1)
        # Every series of the cluster's data names its node: none merged.
        for n, l, _ in smp:
            if l.get("device") == "srx-ha" and n in (
                    "vpn_tunnel_up", "vpn_ike_sa_up",
                    "vpn_invalid_spi_packets_total"):
                self.assertIn(l.get("node"), ("node0", "node1"), (n, l))
        ok, out = promtool_check(ex.metrics())
        self.assertTrue(ok, out)

    def test_legacy_release_not_reported(self):
        st = dict(TUNNELS_UP["stats"], invalid_spi=None)
        s = self.srx(scenario(stats=st), "srx-old")
        ex = self.exporter([self.device("srx-old", s)])
        smp = self.polled(ex, "srx-old")
        self.assertEqual(find(smp, "vpn_invalid_spi_packets_total",
                              device="srx-old"), [])
        self.assertEqual(value(smp, "vpn_not_reported", device="srx-old",
                               metric="vpn_invalid_spi_packets_total"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_errors_total",
                               device="srx-old", type="replay"), 12)

    def test_malformed_and_stalled(self):
        good = self.srx(TUNNELS_UP, "srx-good")
        bad = self.srx(scenario(broken={"ike_sa": "malformed"}), "srx-bad")
        stuck = self.srx(scenario(broken={"ipsec_sa": "stall"},
                                  stall_seconds=30), "srx-stuck")
        ex = self.exporter([self.device("srx-good", good),
                            self.device("srx-bad", bad),
                            self.device("srx-stuck", stuck,
                                        timeout="1500ms")],
                           interval="2s", timeout="1500ms")
        ex.wait_log(r"device=srx-bad collector=juniper_srx_netconf "
                    r"reason=parse .*'show security ike "
                    r"security-associations detail'")
        ex.wait_log(r"device=srx-stuck collector=juniper_srx_netconf "
                    r"reason=timeout .*no complete reply to "
                    r"<get-security-associations-information>")
        # The healthy device keeps its pace meanwhile.
        t0 = time.monotonic()
        smp = self.polled(ex, "srx-good", n=3)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(value(smp, "vpn_up", device="srx-bad"), 0)
        self.assertEqual(value(smp, "vpn_up", device="srx-stuck"), 0)
        self.assertGreaterEqual(value(
            smp, "vpn_exporter_collect_errors_total", device="srx-stuck",
            reason="timeout"), 1)
        self.assertTrue(ex.proc.alive())


if __name__ == "__main__":
    main()
