"""vpn_exporter parse: recorded device output in, metrics out, no device.

Each command the registry lists is fed a recorded output from
tests/fixtures, and the metrics are checked against what the recorded text
itself says (read here with a regular expression, independently of the C
parsers), then with promtool.  Bad input must give one clear error and a
non-zero exit.
"""

import os
import re
import shutil
import subprocess

from vxtest import (VX_BIN, TESTS_DIR, TmpDirTest, find, main, parse_metrics,
                    promtool_check, skip_or_die, value)

FIX = os.path.join(TESTS_DIR, "fixtures", "cisco_asa")


def fixture(name):
    with open(os.path.join(FIX, name), encoding="utf-8",
              errors="replace") as f:
        return f.read()


class ParseCmd(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")

    def parse(self, command, path=None, stdin=None, vendor="cisco_asa",
              ok=True):
        argv = [VX_BIN, "parse", "--vendor", vendor, "--command", command]
        if path is not None:
            argv.append(path)
        r = subprocess.run(argv, input=stdin, capture_output=True,
                           text=True, timeout=30)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr, "")
            if shutil.which("promtool"):
                good, out = promtool_check(r.stdout)
                self.assertTrue(good, f"{command}: {out}")
            return parse_metrics(r.stdout)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertEqual(r.stdout, "")
        return r.stderr

    def test_every_command_is_listed(self):
        r = subprocess.run([VX_BIN, "parse", "--help"], capture_output=True,
                           text=True, timeout=30)
        for cmd in ("snmpwalk", "show asp drop", "show crypto ipsec sa",
                    "show crypto ipsec sa detail", "show crypto ikev1 sa",
                    "show crypto isakmp sa", "show crypto ikev2 sa",
                    "show vpn-sessiondb detail l2l",
                    "show asp table vpn-context detail"):
            self.assertIn(f"--command '{cmd}'", r.stdout + r.stderr)

    def test_show_asp_drop(self):
        name = "show_asp_drop_invalid_spi_derived.txt"
        want = int(re.search(r"\(np-sp-invalid-spi\)\s+(\d+)",
                             fixture(name)).group(1))
        smp = self.parse("show asp drop", os.path.join(FIX, name))
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="offline"), want)
        # Every "(keyword) count" line of the Frame section is a series.
        frame = fixture(name).split("Flow drop:")[0]
        for kw, n in re.findall(r"\(([a-z0-9-]+)\)\s+(\d+)\s*$", frame,
                                re.M):
            self.assertEqual(value(smp, "vpn_dropped_packets_total",
                                   section="frame", reason=kw), int(n), kw)

    def test_show_asp_drop_without_the_line_reads_zero(self):
        name = "show_asp_drop_genie.txt"
        self.assertNotIn("np-sp-invalid-spi", fixture(name))
        smp = self.parse("show asp drop", os.path.join(FIX, name))
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total"), 0)

    def test_show_crypto_ipsec_sa(self):
        name = "show_crypto_ipsec_sa_ntc_multi.txt"
        text = fixture(name)
        smp = self.parse("show crypto ipsec sa", os.path.join(FIX, name))
        peers = set(re.findall(r"current_peer: (\S+)", text))
        got = {l["peer"] for n, l, _ in smp if n == "vpn_tunnel_up"}
        self.assertEqual(got, peers)
        spis_in = {"0x%08x" % int(x, 16) for x in
                   re.findall(r"current inbound spi\s*:\s*(?:0x)?([0-9A-Fa-f]+)",
                              text)}
        got_in = {l.get("spi_in") for n, l, _ in smp
                  if n == "vpn_ipsec_sa_info"}
        self.assertTrue(spis_in <= got_in, (spis_in, got_in))
        # Every bundle's traffic selectors label its SAs.
        idents = set(zip(
            re.findall(r"local ident \(addr/mask/prot/port\): \((\S+)\)",
                       text),
            re.findall(r"remote ident \(addr/mask/prot/port\): \((\S+)\)",
                       text)))
        got_idents = {(l.get("local_ident"), l.get("remote_ident"))
                      for n, l, _ in smp if n == "vpn_ipsec_sa_info"}
        self.assertTrue(idents)
        self.assertEqual(got_idents, idents)
        # Both forms of "remaining key lifetime": (kB/sec) and (sec).
        secs = find(smp, "vpn_ipsec_sa_lifetime_remaining_seconds")
        self.assertEqual(len(secs), len(peers))

    def test_show_crypto_ikev2_sa(self):
        name = "show_crypto_ikev2_sa_genie1.txt"
        life, active = map(int, re.search(
            r"Life/Active Time: (\d+)/(\d+) sec", fixture(name)).groups())
        smp = self.parse("show crypto ikev2 sa", os.path.join(FIX, name))
        self.assertEqual(find(smp, "vpn_ike_sa_lifetime_remaining_seconds"),
                         [life - active])
        self.assertEqual(find(smp, "vpn_ike_sa_up"), [1])

    def test_no_ikev2_sas(self):
        smp = self.parse("show crypto ikev2 sa", os.path.join(
            FIX, "show_crypto_ikev2_sa_genie_empty.txt"))
        self.assertEqual(find(smp, "vpn_ike_sa_up"), [])

    def test_ikev1_states(self):
        name = "show_crypto_ikev1_sa_block_derived.txt"
        smp = self.parse("show crypto isakmp sa", os.path.join(FIX, name))
        # A peer stuck in MM_WAIT_MSG3 is down; MM_ACTIVE ones are up.
        self.assertIn(0.0, find(smp, "vpn_ike_sa_up"))
        self.assertIn(1.0, find(smp, "vpn_ike_sa_up"))
        self.assertEqual(
            len(find(smp, "vpn_ike_sa_up")),
            len(set(re.findall(r"IKE Peer:\s*(\S+)", fixture(name)))))

    def test_other_commands_and_stdin(self):
        for cmd, name in (
                ("snmpwalk", "snmpwalk_On_librenms12393.txt"),
                ("show crypto ikev1 sa detail",
                 "show_crypto_ikev1_sa_detail_ntc.txt"),
                ("show vpn-sessiondb detail l2l",
                 "show_vpn-sessiondb_detail_l2l_ntc2.txt"),
                ("show asp table vpn-context detail",
                 "show_asp_table_vpn-context_detail_ntc.txt")):
            smp = self.parse(cmd, stdin=fixture(name))
            self.assertTrue(smp, cmd)
            self.assertEqual(smp, self.parse(cmd, "-", stdin=fixture(name)))

    def test_juniper_srx(self):
        srx = os.path.join(TESTS_DIR, "fixtures", "juniper_srx")
        stats = "show security ipsec statistics"
        # Text and a NETCONF reply of the same command.
        smp = self.parse(stats, os.path.join(
            srx, "show_security_ipsec_statistics_srx4700_25.2R1_bidir.txt"),
            vendor="juniper_srx")
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total"), 0)
        smp = self.parse(stats, os.path.join(
            srx, "netconf_command_show_security_ipsec_statistics_derived."
            "xml"), vendor="juniper_srx")
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total"), 1789)
        # A release without the line: not reported, not 0.
        smp = self.parse(stats, os.path.join(
            srx, "show_security_ipsec_statistics_legacy_derived.txt"),
            vendor="juniper_srx")
        self.assertEqual(find(smp, "vpn_invalid_spi_packets_total"), [])
        self.assertEqual(value(smp, "vpn_not_reported",
                               metric="vpn_invalid_spi_packets_total"), 1)
        for cmd, f in (
                ("show security ipsec security-associations detail",
                 "show_security_ipsec_sa_detail_srx4700_25.2R1.txt"),
                ("show security ipsec security-associations",
                 "netconf_get-security-associations-information_cluster_"
                 "derived.xml"),
                ("show security ike security-associations detail",
                 "netconf_get-ike-security-associations-information_detail_"
                 "up_vsrx.xml")):
            smp = self.parse(cmd, os.path.join(srx, f),
                             vendor="juniper_srx")
            self.assertTrue(smp, cmd)
        self.assertEqual(value(self.parse(
            "show security ipsec security-associations", os.path.join(
                srx, "netconf_get-security-associations-information_"
                "cluster_derived.xml"), vendor="juniper_srx"),
            "vpn_tunnel_up", node="node0"), 1)
        err = self.parse("show security ipsec security-associations",
                         os.path.join(srx, "netconf_rpc_error_permission_"
                                      "derived.xml"),
                         vendor="juniper_srx", ok=False)
        self.assertIn("permission denied", err)

    def test_screenos(self):
        d = os.path.join(TESTS_DIR, "fixtures", "screenos")
        smp = self.parse("get sa", os.path.join(
            d, "get_sa_ssg5_two_tunnels_active_aws_doc.txt"),
            vendor="screenos")
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", tunnel="2",
                               spi_in="0x80041ca4", spi_out="0x8cdd274a"), 1)
        smp = self.parse("get sa active", os.path.join(
            d, "get_sa_active_ssg5.txt"), vendor="screenos")
        self.assertEqual(value(smp, "vpn_tunnel_info", tunnel="21",
                               monitor="up"), 1)
        smp = self.parse("get sa stat", os.path.join(
            d, "get_sa_stat_ssg5.txt"), vendor="screenos")
        self.assertEqual(value(smp, "vpn_ipsec_bytes_total", tunnel="21",
                               direction="in"), 345976469)
        for cmd in ("get sa id 21", "get sa id 0x15"):
            smp = self.parse(cmd, os.path.join(
                d, "get_sa_id_21_active_ssg5.txt"), vendor="screenos")
            self.assertEqual(value(smp, "vpn_tunnel_up", tunnel="vpn-81",
                                   peer="10.10.104.235"), 1)
        smp = self.parse("snmpwalk", os.path.join(
            d, "snmpwalk_On_nsVpnMonTable_derived.txt"), vendor="screenos")
        self.assertEqual(value(smp, "vpn_tunnel_up", tunnel="vpn-par1"), 0)
        err = self.parse("get sa", stdin="ssg-> get sa\nhello\n",
                         vendor="screenos", ok=False)
        self.assertIn("line 2: not a 'get sa' row", err)

    def test_bad_input(self):
        err = self.parse("show asp drop", stdin="garbage line\nmore\n",
                         ok=False)
        self.assertRegex(err, r"^vpn_exporter parse: stdin: parse: line 1: "
                              r"not 'show asp drop' output")
        self.assertEqual(len(err.splitlines()), 1)
        err = self.parse("show crypto ipsec sa", stdin=(
            "show crypto ipsec sa\n       ^\nERROR: % Invalid input "
            "detected at '^' marker.\n"), ok=False)
        self.assertIn("Invalid input detected", err)
        err = self.parse("show asp drop", stdin="Frame drop:\n"
                         "  No route to host (no-route) 12\n<--- More --->",
                         ok=False)
        self.assertIn("pager", err.lower())
        err = self.parse("show foo", "/dev/null", ok=False)
        self.assertIn("no parser for vendor 'cisco_asa' and command "
                      "'show foo'", err)
        err = self.parse("show asp drop", "/nonexistent/x", ok=False)
        self.assertIn("/nonexistent/x: No such file or directory", err)


if __name__ == "__main__":
    main()
