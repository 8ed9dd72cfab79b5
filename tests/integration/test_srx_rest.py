"""The exporter's juniper_srx_rest collector against the Junos REST API
emulator (tests/emulators/srx/srx_rest.py) over real HTTPS on loopback,
with a CA and a server certificate made by the test (openssl CLI).

Scenarios: a normal poll (Basic authentication, TLS verified against the
test CA, the statistics as text, the password never in a URL or a log);
a two-node cluster; IKE and IPsec not configured; and one device per
failure next to a healthy one: a wrong password, a CA that did not sign
the certificate, a malformed reply, a stalled reply.
"""

import os
import time

from vxtest import (VX_BIN, Exporter, TmpDirTest, find, main, parse_metrics,
                    promtool_check, skip_or_die, value, wait_until)
from panos_emu import make_pki
from srxtest import REST_PASSWORD, TUNNELS_UP, SrxRest, scenario


class SrxRestApi(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")

    def setUp(self):
        super().setUp()
        self.pki = make_pki(self.workdir)

    def srx(self, sc, name):
        return self.track(SrxRest(self.workdir, self.pki, sc, name=name))

    def device(self, name, s, timeout=None, **kw):
        return (f"  - name: {name}\n    vendor: juniper_srx\n"
                f"    address: 127.0.0.1\n"
                + (f"    timeout: {timeout}\n" if timeout else "")
                + "    collectors:\n      juniper_srx_rest:\n"
                + s.collector_yaml(**kw))

    def exporter(self, devices, interval="2s", timeout="2s"):
        return self.track(Exporter(self.workdir, (
            f"defaults:\n  interval: {interval}\n  timeout: {timeout}\n"
            f"  retries: 0\ndevices:\n" + "".join(devices))))

    def up(self, ex, device, timeout=20):
        return wait_until(lambda: (lambda m: m if find(
            m, "vpn_up", device=device) == [1] else None)(
            parse_metrics(ex.metrics())), timeout=timeout,
            what=f"{device} up")

    def test_poll(self):
        s = self.srx(TUNNELS_UP, "srx-a")
        ex = self.exporter([self.device("srx-a", s)])
        smp = self.up(ex, "srx-a")
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-a",
                               tunnel="vpn-fra1", peer="192.0.2.11"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", device="srx-a",
                               tunnel="vpn-ams1", spi_in="0x00f61780",
                               state="active"), 1)
        self.assertEqual(value(smp, "vpn_tunnel_info", device="srx-a",
                               tunnel="vpn-ams1", nat_t="true"), 1)
        self.assertEqual(value(smp, "vpn_ike_sa_up", device="srx-a",
                               peer="192.0.2.12"), 1)
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="srx-a"), 1789)
        st = s.stats()
        self.assertFalse(st["credentials_in_url"])
        self.assertEqual(set(st["requests"]), {
            "get-security-associations-information",
            "get-ike-security-associations-information",
            "get-ipsec-statistics-information"})
        self.assertNotIn(REST_PASSWORD, ex.log())
        self.assertNotIn(REST_PASSWORD, ex.metrics())
        ok, out = promtool_check(ex.metrics())
        self.assertTrue(ok, out)

    def test_cluster_and_not_configured(self):
        sc = scenario(hostname="srx-ha", nodes=["node0", "node1"],
                      stats={"node0": {"invalid_spi": 7},
                             "node1": {"invalid_spi": 0}})
        sc["tunnels"][1]["node"] = "node1"
        ha = self.srx(sc, "srx-ha")
        none = self.srx(scenario(tunnels=[], ike=[], ike_configured=False,
                                 ipsec_configured=False), "srx-none")
        ex = self.exporter([self.device("srx-ha", ha),
                            self.device("srx-none", none)])
        smp = self.up(ex, "srx-ha")
        self.assertEqual(value(smp, "vpn_tunnel_up", device="srx-ha",
                               tunnel="vpn-ams1", node="node1"), 1)
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="srx-ha", node="node0"), 7)
        smp = self.up(ex, "srx-none")
        self.assertEqual(find(smp, "vpn_tunnel_up", device="srx-none"), [])

    def test_failures(self):
        good = self.srx(TUNNELS_UP, "srx-good")
        bad_pw = self.srx(TUNNELS_UP, "srx-pw")
        other_ca = self.srx(TUNNELS_UP, "srx-ca")
        broken = self.srx(scenario(broken={"ike_sa": "malformed"}),
                          "srx-broken")
        stuck = self.srx(scenario(broken={"ipsec_sa": "stall"},
                                  stall_seconds=30), "srx-stuck")
        wrong = os.path.join(self.workdir, "wrong")
        with open(wrong, "w") as f:
            f.write("not-the-password\n")
        ex = self.exporter([
            self.device("srx-good", good),
            self.device("srx-pw", bad_pw, password_file=wrong),
            self.device("srx-ca", other_ca, ca=self.pki["other_ca"]),
            self.device("srx-broken", broken),
            self.device("srx-stuck", stuck, timeout="1500ms")],
            interval="2s", timeout="1500ms")
        for pat in (
                r"device=srx-pw collector=juniper_srx_rest reason=auth .*"
                r"HTTP 401: the device refused the username and password",
                r"device=srx-ca collector=juniper_srx_rest reason=hostkey "
                r".*did not verify",
                r"device=srx-broken collector=juniper_srx_rest "
                r"reason=parse .*'show security ike security-associations "
                r"detail': line \d+",
                r"device=srx-stuck collector=juniper_srx_rest "
                r"reason=timeout "):
            ex.wait_log(pat)
        t0 = time.monotonic()
        smp = self.up(ex, "srx-good")
        ts = value(smp, "vpn_collect_timestamp_seconds", device="srx-good")
        wait_until(lambda: value(parse_metrics(ex.metrics()),
                                 "vpn_collect_timestamp_seconds",
                                 device="srx-good") > ts + 3, timeout=15,
                   what="two more polls of srx-good")
        self.assertLess(time.monotonic() - t0, 12)
        smp = parse_metrics(ex.metrics())
        for d in ("srx-pw", "srx-ca", "srx-broken", "srx-stuck"):
            self.assertEqual(value(smp, "vpn_up", device=d), 0, d)
        self.assertNotIn(REST_PASSWORD, ex.log())
        self.assertNotIn("not-the-password", ex.log())


if __name__ == "__main__":
    main()
