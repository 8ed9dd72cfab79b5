"""The exporter's cisco_asa_ssh collector against a real OpenSSH sshd on
loopback whose forced command is the ASA CLI emulator
(tests/emulators/asa_cli), replaying the lab scenario
(tests/fixtures/asa_cli/lab): three L2L peers, one of them (203.0.113.9)
sending with an SPI the ASA no longer knows, so np-sp-invalid-spi counts.
"""

import os
import re
import shutil
import subprocess
import sys

from vxtest import (EMULATORS, VX_BIN, Snmpsim, find, gen_asa, main,
                    parse_metrics, promtool_check, value, wait_until)
from sshd import host_key_line, keygen, write_clock
from asatest import AsaTestBase, config

sys.path.insert(0, EMULATORS)
import asa_model  # noqa: E402

LAB_PEERS = ["198.51.100.7", "203.0.113.9", "192.0.2.44"]
DEAD_PEER = "198.51.100.99"

# What the lab scenario's outputs say (tests/fixtures/asa_cli/lab).
LAB = {
    "invalid_spi": 1873,
    "spis": {"198.51.100.7": ("0x7a1c3f02", "0xc4d2e811"),
             "203.0.113.9": ("0x5e0b77a4", "0x0f3d9a61"),
             "192.0.2.44": ("0x3b9f0c11", "0xe2047d5b")},
    "life_s": {"198.51.100.7": 2711, "203.0.113.9": 18166,
               "192.0.2.44": 977},
    "life_kb": {"198.51.100.7": 4373821, "203.0.113.9": 4601233,
                "192.0.2.44": 3962118},
    "ike_life_s": {"198.51.100.7": 51132, "203.0.113.9": 55166,
                   "192.0.2.44": 81652},
    "pkts": {"198.51.100.7": (2210045, 1849302),
             "203.0.113.9": (0, 55120), "192.0.2.44": (298731, 310442)},
    "bytes": {"198.51.100.7": (2688120554, 1931844012),
              "203.0.113.9": (0, 61894230),
              "192.0.2.44": (287115024, 301129871)},
}


class AsaSsh(AsaTestBase):

    def error_lines(self, ex, device):
        return [l for l in ex.log().splitlines()
                if "level=error" in l and f"device={device} " in l]

    # Scenarios.

    def test_normal_poll(self):
        s = self.sshd()
        ex = self.exporter([self.device(
            "asa-lab", s, expected=LAB_PEERS + [DEAD_PEER],
            extra="        sessiondb: true\n        vpn_context: true\n")])
        self.wait_up(ex, "asa-lab")
        # Several polls over one login.
        wait_until(lambda: self.polls(s) >= 3, timeout=20,
                   what="three polls")
        text = ex.metrics()
        smp = parse_metrics(text)
        d = {"device": "asa-lab"}
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total", **d),
                         LAB["invalid_spi"])
        self.assertEqual(value(smp, "vpn_dropped_packets_total", **d,
                               section="frame", reason="np-sp-invalid-spi"),
                         LAB["invalid_spi"])
        self.assertEqual(value(smp, "vpn_dropped_packets_total", **d,
                               section="flow", reason="acl-drop"), 4410)
        self.assertEqual(value(smp, "vpn_dropped_packets_total", **d,
                               section="frame", reason="acl-drop"), 9314)
        for peer in LAB_PEERS:
            p = dict(d, peer=peer)
            self.assertEqual(value(smp, "vpn_tunnel_up", **p), 1)
            self.assertEqual(value(smp, "vpn_ike_sa_up", **p), 1)
            spi_in, spi_out = LAB["spis"][peer]
            self.assertEqual(value(smp, "vpn_ipsec_sa_info", **p,
                                   spi_in=spi_in, spi_out=spi_out), 1)
            self.assertEqual(value(
                smp, "vpn_ipsec_sa_lifetime_remaining_seconds", **p),
                LAB["life_s"][peer])
            self.assertEqual(value(
                smp, "vpn_ipsec_sa_lifetime_remaining_bytes", **p),
                LAB["life_kb"][peer] * 1024)
            self.assertEqual(value(
                smp, "vpn_ike_sa_lifetime_remaining_seconds", **p),
                LAB["ike_life_s"][peer])
            for i, direction in enumerate(("in", "out")):
                self.assertEqual(value(smp, "vpn_ipsec_packets_total", **p,
                                       direction=direction),
                                 LAB["pkts"][peer][i])
                self.assertEqual(value(smp, "vpn_ipsec_bytes_total", **p,
                                       direction=direction),
                                 LAB["bytes"][peer][i])
        # The one-sided tunnel: all its inbound packets die as bad SPI.
        self.assertEqual(value(smp, "vpn_ipsec_errors_total", **d,
                               peer="203.0.113.9", type="invalid_spi"),
                         LAB["invalid_spi"])
        self.assertEqual(value(smp, "vpn_tunnel_up", **d, peer=DEAD_PEER), 0)
        self.assertEqual(value(smp, "vpn_ike_sa_up", **d, peer=DEAD_PEER), 0)
        self.assertEqual(value(smp, "vpn_collector_up", **d,
                               collector="cisco_asa_ssh"), 1)
        # One login for all those polls: no AAA log flood.
        self.assertEqual(s.logins(), 1, s.log())
        self.assertEqual(self.error_lines(ex, "asa-lab"), [])
        if shutil.which("promtool"):
            ok, out = promtool_check(text)
            self.assertTrue(ok, out)
        # /probe collects on demand, over the same session.
        st, _, body = ex.get("/probe?target=asa-lab")
        self.assertEqual(st, 200)
        self.assertEqual(value(parse_metrics(body.decode()),
                               "vpn_invalid_spi_packets_total", **d),
                         LAB["invalid_spi"])
        self.assertEqual(s.logins(), 1)

    def test_wrong_password(self):
        s = self.sshd()
        pw = self.write("password", "wrong-password-123\n", 0o600)
        ok = self.sshd(name="ok")
        ex = self.exporter([
            self.device("asa-pw", s, auth=f"password_file: {pw}"),
            self.device("asa-ok", ok)])
        self.wait_up(ex, "asa-ok", 1)
        self.wait_up(ex, "asa-pw", 0)
        line = ex.wait_log(r"level=error device=asa-pw "
                           r"collector=cisco_asa_ssh reason=auth ")
        self.assertRegex(line.string[line.start():].splitlines()[0],
                         r'msg="authentication failed for user '
                         rf"'{s.user}' on 127\.0\.0\.1:{s.port} \(tried "
                         r"password; server allows publickey,password\)")
        wait_until(lambda: s.failed_passwords() >= 3, timeout=20,
                   what="three refused polls")
        # Logged once, however often it fails; the secret never shows.
        self.assertEqual(len(self.error_lines(ex, "asa-pw")), 1)
        self.assertNotIn("wrong-password-123", ex.log())
        self.assertNotIn("wrong-password-123", ex.metrics())
        smp = self.samples(ex)
        self.assertGreaterEqual(value(
            smp, "vpn_exporter_collect_errors_total", device="asa-pw",
            reason="auth"), 2)

    def test_host_key_mismatch(self):
        s = self.sshd()
        impostor = keygen(os.path.join(self.workdir, "impostor"))
        kh = self.write("known_hosts_bad",
                        host_key_line(s.port, impostor + ".pub"))
        ex = self.exporter([self.device("asa-hk", s, known_hosts=kh)])
        self.wait_up(ex, "asa-hk", 0)
        m = ex.wait_log(r"level=error device=asa-hk collector=cisco_asa_ssh "
                        r"reason=hostkey msg=\"host key mismatch for "
                        rf"127\.0\.0\.1:{s.port}: server offered ssh-ed25519 "
                        + re.escape(s.host_fingerprint))
        self.assertIn("refusing to connect", m.string[m.start():])
        # No credentials went to the impostor.
        self.assertEqual(s.logins(), 0)
        self.assertNotIn("Postponed publickey", s.log())

    def test_session_killed_between_polls(self):
        s = self.sshd()
        ex = self.exporter([self.device("asa-kill", s)])
        self.wait_up(ex, "asa-kill")
        wait_until(lambda: self.polls(s) >= 1, what="a first poll")
        self.assertEqual(len(s.kill_sessions()), 1)
        n = self.polls(s)
        wait_until(lambda: self.polls(s) >= n + 2, timeout=20,
                   what="two polls after the kill")
        # The next poll logged in again and succeeded: never down.
        self.assertEqual(s.logins(), 2)
        self.assertEqual(self.error_lines(ex, "asa-kill"), [])
        smp = self.samples(ex)
        self.assertEqual(value(smp, "vpn_up", device="asa-kill"), 1)
        self.assertEqual(sum(find(smp, "vpn_exporter_collect_errors_total",
                                  device="asa-kill")), 0)

    def test_device_drops_session_after_each_poll(self):
        s = self.sshd(knobs={"close_after_shows": 4})
        ex = self.exporter([self.device("asa-drop", s)])
        self.wait_up(ex, "asa-drop")
        wait_until(lambda: s.logins() >= 3, timeout=20,
                   what="three sessions")
        self.assertEqual(self.error_lines(ex, "asa-drop"), [])

    def test_hang_mid_output(self):
        hang = self.sshd(knobs={"hang": {"command": "show crypto ipsec sa",
                                         "after_lines": 15,
                                         "seconds": 120}})
        ok = self.sshd(name="ok")
        ex = self.exporter([self.device("asa-hang", hang),
                            self.device("asa-ok", ok)])
        self.wait_up(ex, "asa-hang", 0)
        smp = self.wait_up(ex, "asa-ok", 1)
        line = ex.wait_log(r"level=error device=asa-hang "
                           r"collector=cisco_asa_ssh reason=timeout ")
        self.assertIn("no prompt from 127.0.0.1:", line.string[line.start():])
        self.assertIn("after 'show crypto ipsec sa' before the deadline",
                      line.string[line.start():])
        # The deadline held (1.5 s budget).
        self.assertLessEqual(value(smp, "vpn_collect_duration_seconds",
                                   device="asa-hang",
                                   collector="cisco_asa_ssh"), 2.0)
        # The other device keeps being polled while this one hangs.
        n = self.polls(ok)
        wait_until(lambda: self.polls(ok) >= n + 2, timeout=20,
                   what="asa-ok polled on")
        smp = self.samples(ex)
        self.assertEqual(value(smp, "vpn_up", device="asa-ok"), 1)
        self.assertEqual(value(smp, "vpn_up", device="asa-hang"), 0)
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="asa-ok"), LAB["invalid_spi"])

    def test_invalid_spi_rising(self):
        s = self.sshd(knobs={"invalid_spi_step": 7})
        ex = self.exporter([self.device("asa-spi", s)], interval="1s",
                           timeout="900ms")
        self.wait_up(ex, "asa-spi")

        def current():
            return value(self.samples(ex), "vpn_invalid_spi_packets_total",
                         device="asa-spi")
        first = current()
        later = wait_until(lambda: current() >= first + 14 and current(),
                           timeout=20, what="the counter to rise")
        self.assertEqual((first - LAB["invalid_spi"]) % 7, 0)
        self.assertEqual((later - LAB["invalid_spi"]) % 7, 0)
        smp = self.samples(ex)
        self.assertEqual(
            value(smp, "vpn_dropped_packets_total", device="asa-spi",
                  section="frame", reason="np-sp-invalid-spi"),
            value(smp, "vpn_invalid_spi_packets_total", device="asa-spi"))
        self.assertEqual(s.logins(), 1)

    def test_bad_output_and_rejected_commands(self):
        garbage = self.sshd(knobs={"garbage": {"command": "show asp drop"}},
                            name="garbage")
        trunc = self.sshd(knobs={"garbage": {"command": "show asp drop",
                                             "mode": "truncate"}},
                          name="trunc")
        # An ASA without the vpn-context command: "% Invalid input".
        rejected = self.sshd(name="rejected")
        os.unlink(os.path.join(rejected.scenario,
                               "show_asp_table_vpn-context_detail.txt"))
        stuck = self.sshd(knobs={"pager_stuck": True, "pager_lines": 8},
                          name="stuck")
        ex = self.exporter([
            self.device("asa-garbage", garbage),
            self.device("asa-trunc", trunc),
            self.device("asa-rejected", rejected,
                        extra="        vpn_context: true\n"),
            self.device("asa-stuck", stuck)])
        self.wait_up(ex, "asa-garbage", 0)
        self.wait_up(ex, "asa-rejected", 0)
        smp = self.wait_up(ex, "asa-stuck", 1)
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="asa-stuck"), LAB["invalid_spi"])
        self.assertEqual(len(find(smp, "vpn_ipsec_sa_info",
                                  device="asa-stuck")), 3)
        ex.wait_log(r"level=error device=asa-garbage "
                    r"collector=cisco_asa_ssh reason=parse msg=\"'show asp "
                    r"drop': ")
        ex.wait_log(r"level=error device=asa-rejected collector=cisco_asa_ssh"
                    r" reason=protocol msg=\"'show asp table vpn-context "
                    r"detail' rejected by 127\.0\.0\.1:\d+: ERROR: % Invalid "
                    r"input detected at '\^' marker\.")
        # A refused command leaves the session usable: no new login (and
        # no AAA log line) per poll.
        n = self.polls(rejected)
        wait_until(lambda: self.polls(rejected) >= n + 2, timeout=20,
                   what="asa-rejected polled twice more")
        self.assertEqual(rejected.logins(), 1, rejected.log())
        self.assertEqual(len(self.error_lines(ex, "asa-rejected")), 1)
        # A truncated output either parses (what is there) or fails
        # cleanly; the exporter lives on either way.
        wait_until(lambda: find(self.samples(ex), "vpn_up",
                                device="asa-trunc"), what="asa-trunc")
        self.assertTrue(ex.proc.alive())

    def test_rekey(self):
        # Every second "show crypto ipsec sa" is a rekey of every tunnel.
        s = self.sshd(knobs={"rekey_every": 2})
        ex = self.exporter([self.device("asa-rk", s)], interval="1s",
                           timeout="900ms")
        self.wait_up(ex, "asa-rk")

        def rekeyed(n):
            def ok():
                smp = self.samples(ex)
                v = find(smp, "vpn_ipsec_rekeys_total", device="asa-rk",
                         peer=LAB_PEERS[0])
                return smp if v and v[0] >= n else None
            return ok
        smp = wait_until(rekeyed(2), timeout=30, what="two rekeys")
        for peer in LAB_PEERS:
            d = {"device": "asa-rk", "peer": peer}
            gen = value(smp, "vpn_ipsec_rekeys_total", **d)
            self.assertGreaterEqual(gen, 2)
            # The current pair is the gen-th one, and only it is shown.
            spis = [(l["spi_in"], l["spi_out"]) for n, l, _ in smp
                    if n == "vpn_ipsec_sa_info" and l["peer"] == peer]
            want = tuple("0x%08x" % ((int(x, 16) + int(gen) * 0x01010101)
                                     & 0xffffffff)
                         for x in LAB["spis"][peer])
            self.assertEqual(spis, [want], peer)
            self.assertEqual(value(smp, "vpn_tunnel_up", **d), 1)
        # A rekey is not an error, and costs no login.
        self.assertEqual(self.error_lines(ex, "asa-rk"), [])
        self.assertEqual(s.logins(), 1)

    def test_model_pair(self):
        # Two emulated ASAs, the ends of one tunnel, driven by the model
        # (tests/emulators/asa_model.py) on one clock file the test steps.
        pair = {"devices": {"A": {"hostname": "asa-a",
                                  "address": "192.0.2.1"},
                            "B": {"hostname": "asa-b",
                                  "address": "198.51.100.20"}},
                "tunnels": [{"device": "A", "peer": "B", "pps_out": 30,
                             "pps_in": 20, "age": 0,
                             "rekey": {"every": 60, "overlap": 10}}],
                "events": [{"t": 150, "type": "one_sided_rekey",
                            "device": "A", "peer": "B"}]}
        clock = self.write("clock", "")
        write_clock(clock, 100)
        ends = {n: self.sshd(name=f"asa-{n.lower()}", model={
            "scenario": pair, "device": n, "clock": {"file": clock}})
            for n in ("A", "B")}
        peer = {"A": "198.51.100.20", "B": "192.0.2.1"}
        extra = "        vpn_context: true\n"
        ex = self.exporter([self.device(f"asa-{n.lower()}", s,
                                        expected=[peer[n]], extra=extra)
                            for n, s in ends.items()])

        def matches(t):
            """The exporter shows both ends as the model has them at t."""
            w = asa_model.world(pair, t)
            smp = self.samples(ex)
            for n in ends:
                tr = w.truth(n)
                d = {"device": f"asa-{n.lower()}", "peer": peer[n]}
                tun = tr["tunnels"][peer[n]]
                want = {(sa["spi_in"], sa["spi_out"])
                        for ch in tun["children"] for sa in ch["sas"]}
                got = {(lb["spi_in"], lb["spi_out"]) for m, lb, _ in smp
                       if m == "vpn_ipsec_sa_info" and
                       lb["device"] == d["device"]}
                if got != want or find(
                        smp, "vpn_invalid_spi_packets_total",
                        device=d["device"]) != [tr["invalid_spi"]["asp"]] \
                        or find(smp, "vpn_ipsec_errors_total", **d,
                                type="invalid_spi") != [tun["bad_spi"]]:
                    return None
            return smp

        # Healthy: each end's inbound SPI is the other's outbound one.
        smp = wait_until(lambda: matches(100), timeout=20, what="t = 100")
        a = [(lb["spi_in"], lb["spi_out"]) for m, lb, _ in smp
             if m == "vpn_ipsec_sa_info" and lb["device"] == "asa-a"]
        b = [(lb["spi_out"], lb["spi_in"]) for m, lb, _ in smp
             if m == "vpn_ipsec_sa_info" and lb["device"] == "asa-b"]
        self.assertEqual(len(a), 1)
        self.assertEqual(a, b)
        # A rekeyed on its own at 150: the SPIs disagree, and each end
        # counts the other's packets as invalid SPI (A at B's 20/s, B at
        # A's 30/s) on that peer.
        write_clock(clock, 165)
        smp = wait_until(lambda: matches(165), timeout=20, what="t = 165")
        a2 = [(lb["spi_in"], lb["spi_out"]) for m, lb, _ in smp
              if m == "vpn_ipsec_sa_info" and lb["device"] == "asa-a"]
        b2 = [(lb["spi_out"], lb["spi_in"]) for m, lb, _ in smp
              if m == "vpn_ipsec_sa_info" and lb["device"] == "asa-b"]
        self.assertNotEqual(a2, b2)
        # B kept the SAs of the last two-sided rekey (at 120).
        kept = asa_model.world(pair, 149).truth("B")["tunnels"][peer["B"]]
        sa = kept["children"][0]["sas"][-1]
        self.assertEqual(b2, [(sa["spi_out"], sa["spi_in"])])
        self.assertEqual(value(smp, "vpn_ipsec_errors_total", device="asa-a",
                               peer=peer["A"], type="invalid_spi"), 20 * 15)
        self.assertEqual(value(smp, "vpn_ipsec_errors_total", device="asa-b",
                               peer=peer["B"], type="invalid_spi"), 30 * 15)
        for n, s in ends.items():
            self.assertEqual(s.logins(), 1)
            self.assertEqual(self.error_lines(ex, f"asa-{n.lower()}"), [])

    def test_pre_8_4_commands(self):
        # Before 8.4 there is no "ikev1" keyword ("isakmp") and no IKEv2.
        s = self.sshd(name="old")
        os.rename(os.path.join(s.scenario, "show_crypto_ikev1_sa.txt"),
                  os.path.join(s.scenario, "show_crypto_isakmp_sa.txt"))
        os.unlink(os.path.join(s.scenario, "show_crypto_ikev2_sa.txt"))
        ex = self.exporter([self.device("asa-old", s)])
        smp = self.wait_up(ex, "asa-old")
        wait_until(lambda: self.polls(s) >= 2, timeout=20, what="two polls")
        cmds = [c for _, _, c in s.commands()]
        self.assertIn("show crypto isakmp sa", cmds)
        # The IKEv1 peers come from the isakmp output; the IKEv2 peer of
        # the lab is then unknown, not down.
        self.assertEqual(value(smp, "vpn_ike_sa_up", device="asa-old",
                               peer="198.51.100.7"), 1)
        self.assertEqual(find(smp, "vpn_ike_sa_up", device="asa-old",
                              peer="203.0.113.9"), [])
        self.assertEqual(s.logins(), 1)
        self.assertEqual(self.error_lines(ex, "asa-old"), [])

    def test_snmp_and_ssh_merge(self):
        # The same ASA seen over SNMP (two of the lab peers and one more)
        # and over SSH: one model, no duplicate series, the SSH counter.
        data, truth = gen_asa(self.workdir, "public", "--tunnels", "3",
                              "--peers", "198.51.100.7,203.0.113.9",
                              "--no-sa-fails", "42")
        agent = self.track(Snmpsim(self.workdir, {"public": data}))
        s = self.sshd()
        extra = f"""      cisco_asa_snmp:
        port: {agent.port}
        community: public
"""
        ex = self.exporter([self.device("asa-both", s, extra=extra)])
        smp = self.wait_up(ex, "asa-both")
        text = ex.metrics()
        smp = parse_metrics(text)
        d = {"device": "asa-both"}
        for c in ("cisco_asa_snmp", "cisco_asa_ssh"):
            self.assertEqual(value(smp, "vpn_collector_up", **d,
                                   collector=c), 1)
        # SSH's np-sp-invalid-spi wins over SNMP's cipSecGlobalNoSaFails.
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total", **d),
                         LAB["invalid_spi"])
        keys = [(n, tuple(sorted(l.items()))) for n, l, _ in smp]
        dups = {k for k in keys if keys.count(k) > 1}
        self.assertEqual(dups, set())
        snmp_only = truth["peers"][2]["peer"]
        for peer in LAB_PEERS + [snmp_only]:
            self.assertEqual(len(find(smp, "vpn_tunnel_up", **d,
                                      peer=peer)), 1, peer)
        # A peer both report has the SSH SPIs and packet counts.
        p = dict(d, peer="198.51.100.7")
        self.assertEqual(value(smp, "vpn_ipsec_packets_total", **p,
                               direction="in"), LAB["pkts"]["198.51.100.7"][0])
        spi_in, spi_out = LAB["spis"]["198.51.100.7"]
        self.assertEqual(value(smp, "vpn_ipsec_sa_info", **p, spi_in=spi_in,
                               spi_out=spi_out), 1)
        if shutil.which("promtool"):
            ok, out = promtool_check(text)
            self.assertTrue(ok, out)

    def test_context(self):
        s = self.sshd()
        ex = self.exporter([self.device(
            "asa-ctx", s, extra="        context: cust-a\n")])
        smp = self.wait_up(ex, "asa-ctx")
        self.assertEqual(value(smp, "vpn_invalid_spi_packets_total",
                               device="asa-ctx"), 42)
        cmds = [(ctx, c) for _, ctx, c in s.commands()]
        self.assertIn(("-", "changeto context cust-a"), cmds)
        self.assertIn(("cust-a", "show crypto ipsec sa"), cmds)

    def test_config_errors(self):
        s = self.sshd()
        bad = config([f"""
  - name: asa-bad
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_ssh:
        port: {s.port}
        pasword: x
        known_hosts_file: {self.workdir}/missing_known_hosts
        host_key_policy: trust-all
        context: "a b"
"""])
        path = self.write("bad.yml", bad)
        r = subprocess.run([VX_BIN, f"--config.file={path}", "--dry-run"],
                           capture_output=True, text=True, timeout=30)
        out = r.stdout + r.stderr
        self.assertNotEqual(r.returncode, 0, out)
        self.assertRegex(out, r"bad\.yml:\d+:\d+: .*'pasword'")
        self.assertRegex(out, r"bad\.yml:\d+:\d+: .*'username'")
        self.assertRegex(out, r"bad\.yml:\d+:\d+: .*trust-all")
        self.assertRegex(out, r"bad\.yml:\d+:\d+: .*context 'a b' is not")
        self.assertIn("needs 'private_key_file' or 'password'", out)
        # accept-new with a known_hosts file yet to be created is fine.
        good = config([self.device(
            "asa-new", s,
            known_hosts=os.path.join(self.workdir, "kh", "known_hosts"),
            extra="        host_key_policy: accept-new\n")])
        path = self.write("good.yml", good)
        r = subprocess.run([VX_BIN, f"--config.file={path}", "--dry-run"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    main()
