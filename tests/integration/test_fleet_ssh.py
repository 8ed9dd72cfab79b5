"""SSH credentials from the fleet configuration against real OpenSSH
sshds on loopback: an emulated ASA (cisco_asa_ssh, the CLI emulator as
forced command), an emulated SRX (juniper_srx_netconf, the "netconf"
subsystem) and an emulated ScreenOS firewall (screenos_ssh, its CLI
emulator as forced command), all accepting a key and a password (sshd
under nss_wrapper, tests/lib/sshd.py).

The devices take their collectors from modules and their credentials
only from "auth: NAME": a key file, a password file and a password in
the environment, all named by relative paths or variables in the auth;
the ASA's enable secret from the auth's cisco_asa_ssh section (which the
SRX's and ScreenOS's collectors, with no such option, must not get).  A
wrong password (for an ASA and a ScreenOS device), a key sshd does not
know and a user sshd does not know each put their device down with one
log line naming it and "reason=auth", while the others keep polling; a
host key not in the auth's known_hosts is refused (reason=hostkey) and
an auth with host_key_policy accept-new records the keys of every server
in its known_hosts.  A reload after the auth's password file is fixed
brings its devices up without new logins for the others.  /probe of an
address with an SSH module and an auth logs in with that auth's
credentials (the ScreenOS one with the password from the environment).
"""

import os
import re
import shutil
import subprocess

from vxtest import (VX_BIN, Exporter, TmpDirTest, find, main, parse_metrics,
                    skip_or_die, value, wait_until)
import sshd as sshd_lib
from sshd import Sshd, fingerprint, host_key_line, keygen
from screenostest import LAB, screenos_sshd
from srxtest import TUNNELS_UP, srx_sshd

PASSWORD = "fleet-Ssh-pw-4711"
STALE = "stale-Ssh-pw-0815"
ENABLE = "s3cret-enable"  # the lab scenario's enable secret
ENV = "VX_TEST_FLEET_SSH_PASSWORD"
ASA_PEERS = ["198.51.100.7", "203.0.113.9", "192.0.2.44"]
ASA_INVALID_SPI = 1873  # tests/fixtures/asa_cli/lab
SRX_INVALID_SPI = TUNNELS_UP["stats"]["invalid_spi"]

GOOD_ASA = ("asa-key", "asa-password", "asa-learn")
GOOD_SRX = ("srx-key", "srx-password", "srx-learn")
GOOD_SSG = ("ssg-key", "ssg-password", "ssg-learn")
BAD = {"asa-badpw": "auth", "asa-badkey": "auth", "asa-baduser": "auth",
       "asa-unlisted": "hostkey", "ssg-badpw": "auth"}


class FleetSsh(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not VX_BIN or not os.path.exists(VX_BIN):
            skip_or_die("VX_BIN (vpn_exporter) is not built")
        sshd_lib.require()
        sshd_lib.nss_wrapper()

    def write(self, name, text, mode=0o600):
        path = os.path.join(self.workdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def setUp(self):
        super().setUp()
        self.asa = self.track(Sshd(self.workdir, name="asa",
                                   password=PASSWORD))
        self.srx = self.track(srx_sshd(self.workdir, TUNNELS_UP, name="srx",
                                       password=PASSWORD))
        self.ssg = self.track(screenos_sshd(self.workdir, LAB, name="ssg",
                                            password=PASSWORD))
        # One key for the fleet: the ASA's client key, which the SRX and
        # the ScreenOS firewall accept too; another key that none knows.
        os.makedirs(os.path.join(self.workdir, "keys"))
        self.key = os.path.join(self.workdir, "keys", "monitor_ed25519")
        shutil.copy(self.asa.client_key, self.key)
        shutil.copy(self.asa.client_key + ".pub", self.key + ".pub")
        os.chmod(self.key, 0o600)
        for srv in (self.srx, self.ssg):
            with open(srv.authorized_keys, "a") as f, \
                    open(self.key + ".pub") as pub:
                f.write(pub.read())
        self.other_key = keygen(os.path.join(self.workdir, "keys",
                                             "other_ed25519"))
        self.write("secrets/ssh.password", PASSWORD + "\n")
        self.write("secrets/stale.password", STALE + "\n")
        self.write("secrets/enable", ENABLE + "\n")
        # The fleet's known_hosts lists every server; another lists the
        # SRX only.
        asa_kh = host_key_line(self.asa.port, self.asa.host_key + ".pub")
        srx_kh = host_key_line(self.srx.port, self.srx.host_key + ".pub")
        ssg_kh = host_key_line(self.ssg.port, self.ssg.host_key + ".pub")
        self.write("known_hosts", asa_kh + srx_kh + ssg_kh, 0o644)
        self.write("srx_known_hosts", srx_kh, 0o644)
        self.learned = os.path.join(self.workdir, "learned_known_hosts")

    def config(self):
        u = self.asa.user
        kh = "known_hosts_file: known_hosts"
        enable = "    cisco_asa_ssh: {enable_password_file: secrets/enable}\n"
        # Paths are relative to the configuration file (the work
        # directory): the auths name no absolute path.
        return f"""defaults:
  interval: 3s
  timeout: 2500ms
  retries: 0
auths:
  ssh_key:
    ssh: {{username: {u}, private_key_file: keys/monitor_ed25519, {kh}}}
{enable}  ssh_password:
    ssh: {{username: {u}, password_file: secrets/ssh.password, {kh}}}
{enable}  ssh_password_env:
    ssh: {{username: {u}, password_env: {ENV}, {kh}}}
  ssh_stale:
    ssh: {{username: {u}, password_file: secrets/stale.password, {kh}}}
{enable}  ssh_other_key:
    ssh: {{username: {u}, private_key_file: keys/other_ed25519, {kh}}}
  ssh_other_user:
    ssh:
      username: monitor-nobody
      private_key_file: keys/monitor_ed25519
      {kh}
  ssh_learn:
    ssh:
      username: {u}
      private_key_file: keys/monitor_ed25519
      known_hosts_file: learned_known_hosts
      host_key_policy: accept-new
{enable}  ssh_unlisted:
    ssh:
      username: {u}
      private_key_file: keys/monitor_ed25519
      known_hosts_file: srx_known_hosts
modules:
  asa_ssh:
    vendor: cisco_asa
    auth: ssh_key
    labels: {{tier: edge}}
    collectors:
      cisco_asa_ssh: {{port: {self.asa.port}}}
  srx_netconf:
    vendor: juniper_srx
    auth: ssh_key
    collectors:
      juniper_srx_netconf: {{port: {self.srx.port}}}
  ssg_ssh:
    vendor: screenos
    auth: ssh_key
    labels: {{tier: branch}}
    collectors:
      screenos_ssh: {{port: {self.ssg.port}}}
probe_targets:
  allowed_targets: [127.0.0.1/32]
  max_devices: 4
devices:
  - {{name: asa-key, address: 127.0.0.1, module: asa_ssh}}
  - {{name: asa-password, address: 127.0.0.1, module: asa_ssh, auth: ssh_password}}
  - {{name: asa-learn, address: 127.0.0.1, module: asa_ssh, auth: ssh_learn}}
  - {{name: asa-badpw, address: 127.0.0.1, module: asa_ssh, auth: ssh_stale}}
  - {{name: asa-badkey, address: 127.0.0.1, module: asa_ssh, auth: ssh_other_key}}
  - {{name: asa-baduser, address: 127.0.0.1, module: asa_ssh, auth: ssh_other_user}}
  - {{name: asa-unlisted, address: 127.0.0.1, module: asa_ssh, auth: ssh_unlisted}}
  - {{name: srx-key, address: 127.0.0.1, module: srx_netconf}}
  - {{name: srx-password, address: 127.0.0.1, module: srx_netconf, auth: ssh_password_env}}
  - {{name: srx-learn, address: 127.0.0.1, module: srx_netconf, auth: ssh_learn}}
  - {{name: ssg-key, address: 127.0.0.1, module: ssg_ssh}}
  - {{name: ssg-password, address: 127.0.0.1, module: ssg_ssh, auth: ssh_password}}
  - {{name: ssg-learn, address: 127.0.0.1, module: ssg_ssh, auth: ssh_learn}}
  - {{name: ssg-badpw, address: 127.0.0.1, module: ssg_ssh, auth: ssh_stale}}
"""

    def exporter(self):
        return self.track(Exporter(self.workdir, self.config(),
                                   env={ENV: PASSWORD}))

    def all_up(self, ex, want, timeout=30):
        """Samples once every device in want has its vpn_up value."""
        def ok():
            s = parse_metrics(ex.metrics())
            for dev, v in want.items():
                if find(s, "vpn_up", device=dev) != [v]:
                    return None
            return s
        return wait_until(ok, timeout=timeout, what=f"vpn_up of {want}")

    def error_lines(self, ex, device):
        return [l for l in ex.log().splitlines()
                if "level=error" in l and f"device={device} " in l]

    def assert_asa(self, s, device):
        d = {"device": device}
        for p in ASA_PEERS:
            self.assertEqual(value(s, "vpn_tunnel_up", **d, peer=p), 1)
        self.assertEqual(value(s, "vpn_invalid_spi_packets_total", **d),
                         ASA_INVALID_SPI)
        self.assertEqual(value(s, "vpn_collector_up", **d,
                               collector="cisco_asa_ssh"), 1)

    def assert_srx(self, s, device):
        d = {"device": device}
        self.assertEqual(value(s, "vpn_tunnel_up", **d, tunnel="vpn-fra1",
                               peer="192.0.2.11"), 1)
        self.assertEqual(value(s, "vpn_ipsec_sa_info", **d,
                               tunnel="vpn-ams1", spi_in="0x00f61780",
                               spi_out="0x93be8146", state="active"), 1)
        self.assertEqual(value(s, "vpn_invalid_spi_packets_total", **d),
                         SRX_INVALID_SPI)

    def assert_ssg(self, s, device):
        """The LAB scenario of tests/lib/screenostest.py, through the VPN
        names of "get sa id N" (so more than the first command ran)."""
        d = {"device": device}
        for tunnel, peer, up in (("vpn-fra1", "192.0.2.11", 1),
                                 ("vpn-ams1", "192.0.2.12", 1),
                                 ("vpn-par1", "192.0.2.13", 0),
                                 ("vpn-lon1", "192.0.2.14", 0)):
            self.assertEqual(value(s, "vpn_tunnel_up", **d, tunnel=tunnel,
                                   peer=peer), up, f"{device} {tunnel}")
        self.assertEqual(value(s, "vpn_ipsec_sa_info", **d,
                               tunnel="vpn-fra1", spi_in="0x80041ca4",
                               spi_out="0x8cdd274a", state="active"), 1)
        self.assertEqual(value(s, "vpn_ipsec_bytes_total", **d,
                               tunnel="vpn-fra1", direction="in"), 345976469)
        self.assertEqual(value(s, "vpn_ipsec_active_tunnels", **d), 3)
        self.assertEqual(value(s, "vpn_collector_up", **d,
                               collector="screenos_ssh"), 1)

    def test_auth_profiles_against_sshd(self):
        ex = self.exporter()
        want = {d: 1 for d in GOOD_ASA + GOOD_SRX + GOOD_SSG}
        want.update({d: 0 for d in BAD})
        s = self.all_up(ex, want)
        for dev in GOOD_ASA:
            self.assert_asa(s, dev)
            # The module's labels come along with the auth's credentials.
            self.assertEqual(find(s, "vpn_up", device=dev, tier="edge"), [1])
        for dev in GOOD_SRX:
            self.assert_srx(s, dev)
        for dev in GOOD_SSG:
            self.assert_ssg(s, dev)
            self.assertEqual(find(s, "vpn_up", device=dev, tier="branch"),
                             [1])

        # Each bad device: one error line, naming it and the cause, and
        # the same line however often it fails.
        key_fp = fingerprint(self.key + ".pub")
        other_fp = fingerprint(self.other_key + ".pub")
        wait_until(lambda: self.asa.failed_passwords() >= 2 and
                   len(re.findall(r"^Invalid user monitor-nobody ",
                                  self.asa.log(), re.M)) >= 2 and
                   self.asa.log().count(other_fp) >= 2 and
                   self.ssg.failed_passwords() >= 2, timeout=30,
                   what="two refused logins of each bad auth")
        u, port = re.escape(self.asa.user), self.asa.port
        for dev, reason, msg in (
                ("asa-badpw", "auth", rf"authentication failed for user "
                 rf"'{u}' on 127\.0\.0\.1:{port} \(tried password; server "
                 r"allows publickey,password\)"),
                ("asa-badkey", "auth", rf"authentication failed for user "
                 rf"'{u}' on 127\.0\.0\.1:{port} \(tried publickey '"
                 + re.escape(self.other_key) + r"'; server allows "
                 r"publickey,password\)"),
                ("asa-baduser", "auth", r"authentication failed for user "
                 r"'monitor-nobody' on 127\.0\.0\.1:"),
                ("asa-unlisted", "hostkey", rf"host key of 127\.0\.0\.1:"
                 rf"{port} is not in known_hosts '"
                 + re.escape(os.path.join(self.workdir, "srx_known_hosts"))
                 + r"' \(server offered ssh-ed25519 "
                 + re.escape(self.asa.host_fingerprint)),
                ("ssg-badpw", "auth", rf"authentication "
                 rf"failed for user '{u}' on 127\.0\.0\.1:{self.ssg.port} "
                 r"\(tried password; server allows publickey,password\)")):
            collector = "screenos_ssh" if dev.startswith("ssg-") else \
                "cisco_asa_ssh"
            lines = self.error_lines(ex, dev)
            self.assertEqual(len(lines), 1, "\n".join(lines))
            self.assertRegex(lines[0], rf"level=error device={dev} "
                             rf"collector={collector} reason={reason} "
                             rf'msg="{msg}')
            self.assertGreaterEqual(sum(find(
                parse_metrics(ex.metrics()),
                "vpn_exporter_collect_errors_total", device=dev,
                reason=reason)), 1)
        for dev in GOOD_ASA + GOOD_SRX + GOOD_SSG:
            self.assertEqual(self.error_lines(ex, dev), [])
        log = ex.log()
        for secret in (PASSWORD, STALE, ENABLE):
            self.assertNotIn(secret, log)

        # What sshd saw: the auths' user, key and password, one login per
        # device (the sessions are kept), and the refused ones.
        user = self.asa.user
        self.assertEqual(sorted(self.asa.accepted()), [
            ("password", user, None), ("publickey", user, key_fp),
            ("publickey", user, key_fp)], self.asa.log())
        self.assertEqual(sorted(self.srx.accepted()), [
            ("password", user, None), ("publickey", user, key_fp),
            ("publickey", user, key_fp)], self.srx.log())
        self.assertEqual(sorted(self.ssg.accepted()), [
            ("password", user, None), ("publickey", user, key_fp),
            ("publickey", user, key_fp)], self.ssg.log())
        self.assertRegex(self.ssg.log(), rf"(?m)^Failed password for {u} ")
        self.assertRegex(self.asa.log(), rf"(?m)^Failed publickey for {u} "
                         rf"from 127\.0\.0\.1 port \d+ ssh2: ED25519 "
                         + re.escape(other_fp))
        self.assertRegex(self.asa.log(), rf"(?m)^Failed password for {u} ")

        # accept-new in the auth: the key of each server it reached was
        # recorded in the auth's known_hosts, under its address and port.
        for srv in (self.asa, self.srx, self.ssg):
            r = subprocess.run([sshd_lib.need_binary("ssh-keygen"), "-F",
                                f"[127.0.0.1]:{srv.port}", "-f",
                                self.learned], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, f"{srv.name}: {r.stderr}")
            with open(srv.host_key + ".pub") as f:
                self.assertIn(f.read().split()[1], r.stdout)

        # The stale password file is fixed: a reload brings its devices
        # up with one new login each; the others keep their sessions,
        # those of the auth whose known_hosts grew by three keys too.
        self.write("secrets/stale.password", PASSWORD + "\n")
        status, _, body = ex.get("/-/reload", method="POST", data=b"")
        self.assertEqual(status, 200, body)
        ex.wait_log(r"configuration loaded: 14 devices \(12 unchanged\)")
        s = self.all_up(ex, {"asa-badpw": 1, "asa-password": 1,
                             "ssg-badpw": 1, "ssg-password": 1})
        self.assert_asa(s, "asa-badpw")
        self.assert_ssg(s, "ssg-badpw")
        for srv, pw in ((self.asa, 2), (self.srx, 1), (self.ssg, 2)):
            self.assertEqual(len(srv.accepted("password")), pw)
            self.assertEqual(len(srv.accepted("publickey")), 2)

        # /probe of an address with an SSH module: the auth given logs in
        # with its password, the module's own auth with its key.
        path = "/probe?target=127.0.0.1&module=asa_ssh&auth=ssh_password"
        s = parse_metrics(ex.metrics(path))
        self.assertEqual(value(s, "vpn_up", device="127.0.0.1",
                               tier="edge"), 1)
        self.assert_asa(s, "127.0.0.1")
        self.assertEqual(len(self.asa.accepted("password")), 3)
        s = parse_metrics(ex.metrics("/probe?target=127.0.0.1&module="
                                     "srx_netconf"))
        self.assertEqual(value(s, "vpn_up", device="127.0.0.1"), 1)
        self.assert_srx(s, "127.0.0.1")
        self.assertEqual(len(self.srx.accepted("publickey")), 3)
        # The ScreenOS module with the auth whose password is in the
        # environment: the emulator's tunnels, one more password login.
        s = parse_metrics(ex.metrics("/probe?target=127.0.0.1&module="
                                     "ssg_ssh&auth=ssh_password_env"))
        self.assertEqual(value(s, "vpn_up", device="127.0.0.1",
                               tier="branch"), 1)
        self.assert_ssg(s, "127.0.0.1")
        self.assertEqual(len(self.ssg.accepted("password")), 3)
        self.assertEqual(len(self.ssg.accepted("publickey")), 2)
        # An auth whose user sshd does not know: down, and said so.
        s = parse_metrics(ex.metrics("/probe?target=127.0.0.1&module="
                                     "asa_ssh&auth=ssh_other_user"))
        self.assertEqual(value(s, "vpn_up", device="127.0.0.1"), 0)
        ex.wait_log(r"level=error device=127\.0\.0\.1 "
                    r"collector=cisco_asa_ssh reason=auth msg="
                    r"\"authentication failed for user 'monitor-nobody'")
        self.assertEqual(find(parse_metrics(ex.metrics()), "vpn_up",
                              device="127.0.0.1"), [],
                         "a probed address is not in /metrics")
        ex.stop_clean()


if __name__ == "__main__":
    main()
