"""The exporter's ScreenOS collectors against emulated firewalls: the CLI
emulator (tests/emulators/screenos/screenos_emu.py) behind a real OpenSSH
sshd for screenos_ssh, and the nsVpnMonTable of NETSCREEN-VPN-MON-MIB in
vx_fastagent for screenos_snmp, both from the same scenario.

Scenarios: every Sta form (A/- and A/U up, A/D down with monitor "down",
I/I inactive), SPIs of both directions, tunnels named by the VPN names
"get sa id N" gives (asked once per SA id, then kept across polls of one
kept login); a rekey that restarts the per-SA counters does not make the
tunnel's totals fall, over SSH and over SNMP; a device whose "get sa"
answer is malformed gets one log line naming it and the cause, vpn_up 0,
while the other device keeps its pace; SSH and SNMP on one device merge
into one set of series; "vpn_exporter parse --command snmpwalk" reads a
walk of the agent as the collector does.
"""

import os
import subprocess
import time

from vxtest import (VX_BIN, Exporter, TmpDirTest, find, main, parse_metrics,
                    promtool_check, skip_or_die, value, wait_until)
import sshd as sshd_lib
from screenostest import (LAB, Agent, cli_commands, scenario, screenos_sshd,
                          ssh_yaml)

FASTAGENT = os.environ.get("VX_FASTAGENT", "")


class ScreenOS(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")

    def need_sshd(self):
        sshd_lib.require()

    def need_agent(self):
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            skip_or_die("VX_FASTAGENT is not set or missing")

    def device(self, name, ssh=None, snmp=None, extra=""):
        body = ""
        if ssh is not None:
            body += "      screenos_ssh:\n" + ssh_yaml(ssh)
        if snmp is not None:
            body += (f"      screenos_snmp:\n        port: {snmp.port}\n"
                     "        community: public\n")
        return (f"  - name: {name}\n    vendor: screenos\n"
                f"    address: 127.0.0.1\n{extra}    collectors:\n" + body)

    def exporter(self, devices, interval="30s", timeout="5s",
                 background=False):
        return self.track(Exporter(self.workdir, (
            f"defaults:\n  interval: {interval}\n  timeout: {timeout}\n"
            f"  retries: 0\n  background: {str(background).lower()}\n"
            "devices:\n" + "".join(devices))))

    def probe(self, ex, device):
        status, _, body = ex.get(f"/probe?target={device}")
        self.assertEqual(status, 200, body[:300])
        return parse_metrics(body.decode())

    def check_lab(self, smp):
        self.assertEqual(value(smp, "vpn_up", device="ssg"), 1)
        # A/- and A/U: up; A/D: the SA is there, the VPN monitor says the
        # path is down; I/I: no SA.
        for name, peer, up, state in (
                ("vpn-fra1", "192.0.2.11", 1, "active"),
                ("vpn-ams1", "192.0.2.12", 1, "active"),
                ("vpn-par1", "192.0.2.13", 0, "inactive")):
            self.assertEqual(value(smp, "vpn_tunnel_up", tunnel=name,
                                   peer=peer), up, name)
            self.assertEqual(value(smp, "vpn_tunnel_state", tunnel=name,
                                   vpn_tunnel_state=state), 1, name)
        self.assertEqual(value(smp, "vpn_tunnel_info", tunnel="vpn-par1",
                               monitor="down"), 1)
        self.assertEqual(value(smp, "vpn_tunnel_info", tunnel="vpn-ams1",
                               monitor="up"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", tunnel="vpn-fra1",
                               spi_in="0x80041ca4", spi_out="0x8cdd274a",
                               state="active"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_sa_lifetime_remaining_seconds",
                               tunnel="vpn-ams1"), 2048)
        self.assertEqual(value(smp, "vpn_ipsec_sa_lifetime_remaining_bytes",
                               tunnel="vpn-ams1"), 4096 * 1024)
        self.assertEqual(find(smp, "vpn_ipsec_sa_lifetime_remaining_bytes",
                              tunnel="vpn-fra1"), [])
        self.assertEqual(value(smp, "vpn_ipsec_bytes_total",
                               tunnel="vpn-fra1", direction="in"), 345976469)

    def test_ssh(self):
        self.need_sshd()
        s = self.track(screenos_sshd(self.workdir, LAB, name="ssg"))
        ex = self.exporter([self.device("ssg", ssh=s)])
        smp = self.probe(ex, "ssg")
        self.check_lab(smp)
        self.assertEqual(value(smp, "vpn_tunnel_up", tunnel="vpn-lon1",
                               peer="192.0.2.14"), 0)
        self.assertEqual(value(smp, "vpn_tunnel_state", tunnel="vpn-lon1",
                               vpn_tunnel_state="inactive"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_errors_total",
                               tunnel="vpn-fra1", type="auth"), 2)
        self.assertEqual(value(smp, "vpn_tunnel_info", tunnel="vpn-ams1",
                               nat_t="true"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_active_tunnels",
                               device="ssg"), 3)
        ok, out = promtool_check(ex.metrics())
        self.assertTrue(ok, out)
        cmds = cli_commands(s)
        self.assertEqual(cmds[:3], ["LOGIN", "set console page 0", "get sa"])
        self.assertEqual(sorted(c for c in cmds if c.startswith(
            "get sa id ")), ["get sa id 1", "get sa id 2", "get sa id 21",
                             "get sa id 22"])
        self.assertEqual(cmds[-1], "get sa stat")
        # The second poll: the kept login, the names kept.
        n = len(cmds)
        self.probe(ex, "ssg")
        self.assertEqual(cli_commands(s)[n:], ["get sa", "get sa stat"])
        self.assertEqual(s.logins(), 1)

    def test_ssh_rekey_counters_never_fall(self):
        self.need_sshd()
        sc = scenario()
        s = self.track(screenos_sshd(self.workdir, sc, name="ssg"))
        ex = self.exporter([self.device("ssg", ssh=s)])
        seen = []
        steps = [(None, 345976469), ("11110001", 1000), ("11110001", 5000),
                 ("22220002", 300)]
        for spi, bytes_in in steps:
            if spi is not None:
                t = sc["tunnels"][0]
                t["in"], t["counters"] = spi, dict(t["counters"],
                                                   bytes_in=bytes_in)
                s.set_scenario(sc)
            smp = self.probe(ex, "ssg")
            seen.append(value(smp, "vpn_ipsec_bytes_total",
                              tunnel="vpn-fra1", direction="in"))
        self.assertEqual(seen, [345976469, 345976469 + 1000,
                                345976469 + 5000, 345976469 + 5000 + 300])
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(value(smp, "vpn_ipsec_rekeys_total",
                               tunnel="vpn-fra1"), 2)
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", tunnel="vpn-fra1",
                               spi_in="0x22220002"), 1)

    def test_malformed_reply(self):
        self.need_sshd()
        good = self.track(screenos_sshd(self.workdir, LAB, name="good"))
        bad = self.track(screenos_sshd(self.workdir, scenario(
            broken={"get sa": "malformed"}), name="bad"))
        ex = self.exporter([self.device("ssg-good", ssh=good),
                            self.device("ssg-bad", ssh=bad)],
                           interval="1s", timeout="1s", background=True)
        ex.wait_log(r"device=ssg-bad collector=screenos_ssh reason=parse "
                    r".*'get sa'.*line \d+")
        t0 = time.monotonic()
        wait_until(lambda: len([c for c in cli_commands(good)
                                if c == "get sa"]) >= 4, timeout=20,
                   what="four polls of the healthy device")
        self.assertLess(time.monotonic() - t0, 15)
        smp = parse_metrics(ex.metrics())
        self.assertEqual(value(smp, "vpn_up", device="ssg-bad"), 0)
        self.assertEqual(value(smp, "vpn_up", device="ssg-good"), 1)
        self.assertGreaterEqual(value(
            smp, "vpn_exporter_collect_errors_total", device="ssg-bad",
            reason="parse"), 1)
        lines = [l for l in ex.log().splitlines() if "device=ssg-bad" in l
                 and "level=error" in l or "level=warn" in l and
                 "device=ssg-bad" in l]
        # One line for the failure, however many polls fail alike.
        self.assertEqual(len(lines), 1, "\n".join(lines))
        self.assertNotIn("device=ssg-good", "".join(
            l for l in ex.log().splitlines() if "reason=" in l))
        self.assertTrue(ex.proc.alive())

    def test_snmp_and_both(self):
        self.need_agent()
        ag = self.track(Agent(FASTAGENT, self.workdir, LAB))
        ex = self.exporter([self.device("ssg", snmp=ag)])
        smp = self.probe(ex, "ssg")
        self.check_lab(smp)
        # No SNMP row for an inactive SA.
        self.assertEqual(find(smp, "vpn_tunnel_up", tunnel="vpn-lon1"), [])
        self.assertEqual(value(smp, "vpn_ike_sa_up", peer="192.0.2.11"), 1)
        self.assertEqual(value(smp, "vpn_ipsec_packets_total",
                               tunnel="vpn-fra1", direction="in"), 4252)
        ok, out = promtool_check(ex.metrics())
        self.assertTrue(ok, out)
        before = value(smp, "vpn_ipsec_bytes_total", tunnel="vpn-ams1",
                       direction="in")

        # A rekey restarts the row's counters: carried, never falling.
        sc = scenario()
        sc["tunnels"][1].update(
            {"in": "abcd0001", "out": "abcd0002",
             "counters": {"bytes_in": 700}})
        ag.reload(sc)
        smp = self.probe(ex, "ssg")
        self.assertEqual(value(smp, "vpn_ipsec_bytes_total",
                               tunnel="vpn-ams1", direction="in"),
                         before + 700)
        self.assertEqual(value(smp, "vpn_ipsec_rekeys_total",
                               tunnel="vpn-ams1"), 1)

        # A Counter32 that wraps is unwrapped.
        sc["tunnels"][1]["counters"] = {"bytes_in": 2**32 - 100}
        ag.reload(sc)
        top = value(self.probe(ex, "ssg"), "vpn_ipsec_bytes_total",
                    tunnel="vpn-ams1", direction="in")
        sc["tunnels"][1]["counters"] = {"bytes_in": 2**32 + 50}
        ag.reload(sc)
        self.assertEqual(value(self.probe(ex, "ssg"), "vpn_ipsec_bytes_total",
                               tunnel="vpn-ams1", direction="in"), top + 150)

        # The offline parser reads a walk of the same agent alike.
        walk = subprocess.run(
            ["snmpbulkwalk", "-v2c", "-c", "public", "-On",
             f"127.0.0.1:{ag.port}", "1.3.6.1.4.1.3224.4.1.1"],
            capture_output=True, text=True, check=True).stdout
        p = subprocess.run([VX_BIN, "parse", "--vendor", "screenos",
                            "--command", "snmpwalk", "-"], input=walk,
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        off = parse_metrics(p.stdout)
        self.assertEqual(value(off, "vpn_ipsec_sa_info", tunnel="vpn-ams1",
                               spi_in="0xabcd0001", state="active"), 1)

    def test_ssh_and_snmp_merge(self):
        self.need_sshd()
        self.need_agent()
        ag = self.track(Agent(FASTAGENT, self.workdir, LAB))
        s = self.track(screenos_sshd(self.workdir, LAB, name="ssg"))
        ex = self.exporter([self.device("ssg", ssh=s, snmp=ag)])
        smp = self.probe(ex, "ssg")
        self.check_lab(smp)
        # The VPN names of "get sa id" are SNMP's: one series per tunnel.
        self.assertEqual(len(find(smp, "vpn_tunnel_up", device="ssg")), 4)
        self.assertEqual(len(find(smp, "vpn_ipsec_bytes_total",
                                  tunnel="vpn-fra1", direction="in")), 1)
        # Packets from SNMP (the CLI has none), errors from the CLI.
        self.assertEqual(value(smp, "vpn_ipsec_packets_total",
                               tunnel="vpn-fra1", direction="in"), 4252)
        self.assertEqual(value(smp, "vpn_ipsec_errors_total",
                               tunnel="vpn-fra1", type="auth"), 2)
        self.assertEqual(value(smp, "vpn_collector_up", device="ssg",
                               collector="screenos_snmp"), 1)
        self.assertEqual(value(smp, "vpn_collector_up", device="ssg",
                               collector="screenos_ssh"), 1)


if __name__ == "__main__":
    main()
