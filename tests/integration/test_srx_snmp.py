"""The exporter's juniper_srx_snmp collector against JUNIPER-IPSEC-FLOW-
MON-MIB and JUNIPER-JS-IPSEC-VPN-MIB data in the test SNMP agent
(vx_fastagent serving tests/emulators/srx/gen_srx_snmprec.py's file).

Scenarios: tunnels, SA pairs during a rekey, per-tunnel counters and the
VPN monitor's verdict match the scenario; a rekey that restarts the
tunnel's counters is carried (the totals do not fall); the same device
with juniper_srx_netconf too gets its invalid-SPI counter from NETCONF and
its per-tunnel counters from SNMP, one series each; "vpn_exporter parse
--command snmpwalk" reads a walk of the agent as the collector does.
"""

import json
import os
import re
import signal
import subprocess
import sys

from vxtest import (VX_BIN, Exporter, Proc, TmpDirTest, find, main,
                    parse_metrics, promtool_check, skip_or_die, value,
                    wait_until, EMULATORS)
import sshd as sshd_lib
from srxtest import TUNNELS_UP, netconf_yaml, scenario, srx_sshd

FASTAGENT = os.environ.get("VX_FASTAGENT", "")
GEN = os.path.join(EMULATORS, "srx", "gen_srx_snmprec.py")


def rekeyed():
    sc = scenario()
    sc["tunnels"][0]["sas"] = [
        {"in": "4ef526a8", "out": "cb151b04", "life": 40},
        {"in": "5a5a0001", "out": "6b6b0002", "life": 3590}]
    sc["tunnels"].append({
        "name": "vpn-par1", "index": 131076, "peer": "192.0.2.14",
        "local": "198.51.100.1", "mon": "D",
        "sas": [{"in": "11111111", "out": "22222222", "life": 900}]})
    return sc


class SrxSnmp(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            skip_or_die("VX_FASTAGENT is not set or missing")

    def agent(self, sc, bump=0):
        self.data = os.path.join(self.workdir, "srx.snmprec")
        self.write(sc, bump)
        fa = self.track(Proc([FASTAGENT, "--listen", "127.0.0.1:0",
                              "--data", self.data], "fastagent",
                             self.workdir))
        port = wait_until(lambda: re.search(
            r"listening on udp/127\.0\.0\.1:(\d+)", fa.log()),
            what="fastagent").group(1)
        return fa, int(port)

    def write(self, sc, bump=0):
        path = os.path.join(self.workdir, "sc.json")
        with open(path, "w") as f:
            json.dump(sc, f)
        subprocess.run([sys.executable, GEN, "--scenario", path, "--bump",
                        str(bump), "-o", self.data], check=True)

    def reload(self, fa, sc, bump):
        before = fa.log().count("reloaded")
        self.write(sc, bump)
        fa.send(signal.SIGHUP)
        wait_until(lambda: fa.log().count("reloaded") > before,
                   what="fastagent reload")

    def device(self, port, extra=""):
        return (f"  - name: srx-s\n    vendor: juniper_srx\n"
                f"    address: 127.0.0.1\n    background: false\n"
                f"    collectors:\n      juniper_srx_snmp:\n"
                f"        port: {port}\n        community: public\n" + extra)

    def exporter(self, devices):
        return self.track(Exporter(self.workdir, (
            "defaults:\n  interval: 30s\n  timeout: 5s\n  retries: 0\n"
            "devices:\n" + devices)))

    def probe(self, ex):
        status, _, body = ex.get("/probe?target=srx-s")
        self.assertEqual(status, 200, body[:300])
        return parse_metrics(body.decode())

    def test_tables_and_rekey(self):
        sc = rekeyed()
        fa, port = self.agent(sc)
        ex = self.exporter(self.device(port))
        smp = self.probe(ex)
        self.assertEqual(value(smp, "vpn_up", device="srx-s"), 1)
        self.assertEqual(value(smp, "vpn_tunnel_up", tunnel="vpn-fra1",
                               peer="192.0.2.11"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", tunnel="vpn-fra1",
                               spi_in="0x5a5a0001", state="active"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", tunnel="vpn-fra1",
                               spi_in="0x4ef526a8", state="expiring"), 1)
        self.assertEqual(value(
            smp, "vpn_ipsec_sa_lifetime_remaining_seconds",
            tunnel="vpn-fra1"), 3590)
        self.assertEqual(value(smp, "vpn_tunnel_up", tunnel="vpn-par1"), 0)
        self.assertEqual(value(smp, "vpn_tunnel_info", tunnel="vpn-par1",
                               monitor="down"), 1)
        # Counters from the generator's formula (index 131073).
        i = 131073 % 100003
        self.assertEqual(value(smp, "vpn_ipsec_packets_total",
                               tunnel="vpn-fra1", direction="in"),
                         10 * i + 4242)
        self.assertEqual(value(smp, "vpn_ipsec_errors_total",
                               tunnel="vpn-fra1", type="decrypt"), i % 7)
        self.assertEqual(value(smp, "vpn_ipsec_active_tunnels",
                               device="srx-s"), 3)
        self.assertEqual(find(smp, "vpn_invalid_spi_packets_total"), [])
        ok, out = promtool_check(ex.metrics())
        self.assertTrue(ok, out)
        bytes0 = value(smp, "vpn_ipsec_bytes_total", tunnel="vpn-ams1",
                       direction="in")

        # A rekey of vpn-ams1 restarts its counters (a new SA, the row's
        # generation changes): the total goes on from where it was.
        sc["tunnels"][1]["sas"] = [{"in": "abcd0001", "out": "abcd0002",
                                    "life": 3599}]
        sc["tunnels"][1]["counters"] = {"bytes_in": 1000}
        self.reload(fa, sc, 0)
        smp = self.probe(ex)
        self.assertEqual(value(smp, "vpn_ipsec_bytes_total",
                               tunnel="vpn-ams1", direction="in"),
                         bytes0 + 1000)
        self.assertEqual(value(smp, "vpn_ipsec_rekeys_total",
                               tunnel="vpn-ams1"), 1)

        # The offline parser reads a walk of the same agent alike.
        walk = subprocess.run(
            ["snmpbulkwalk", "-v2c", "-c", "public", "-On",
             f"127.0.0.1:{port}", "1.3.6.1.4.1.2636.3"],
            capture_output=True, text=True, check=True).stdout
        p = subprocess.run([VX_BIN, "parse", "--vendor", "juniper_srx",
                            "--command", "snmpwalk", "-"], input=walk,
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        off = parse_metrics(p.stdout)
        self.assertEqual(value(off, "vpn_ipsec_sa_info", tunnel="vpn-ams1",
                               spi_in="0xabcd0001", state="active"), 1)

    def test_with_netconf(self):
        sshd_lib.require()
        sc = rekeyed()
        fa, port = self.agent(sc)
        s = self.track(srx_sshd(self.workdir, sc, name="srx-s"))
        ex = self.exporter(self.device(
            port, "      juniper_srx_netconf:\n" + netconf_yaml(s)))
        smp = self.probe(ex)
        self.assertEqual(value(smp, "vpn_up", device="srx-s"), 1)
        # NETCONF's device-wide counters, SNMP's per-tunnel ones: one
        # series each, no tunnel listed twice.
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="srx-s"), 1789)
        self.assertEqual(len(find(smp, "vpn_ipsec_packets_total",
                                  tunnel="vpn-fra1", direction="in")), 1)
        self.assertEqual([v for n, l, v in smp
                          if n == "vpn_ipsec_errors_total" and
                          l.get("type") == "replay" and "tunnel" not in l],
                         [12])
        self.assertEqual(len(find(smp, "vpn_tunnel_up", device="srx-s")), 3)
        self.assertEqual(value(smp, "vpn_tunnel_info", tunnel="vpn-fra1",
                               interface="st0.1", monitor="up"), 1)


if __name__ == "__main__":
    main()
