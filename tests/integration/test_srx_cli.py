"""The SSH kit's CLI layer with the Junos dialect, and its exec channel,
against the SRX emulator's command line behind a real OpenSSH sshd
(tests/emulators/srx/srx_emu.py), driven through ssh_driver -D
juniper_srx: the "monitor@srx> " prompt with no privilege command, the
"set cli screen-length 0" pager-off command, the "---(more N%)---" pager
paged through when it stays on, "syntax error" as a refusal that keeps
the session, a cluster's "{primary:node0}" lines, and one command on an
exec channel of the same login.
"""

import os
import subprocess

from vxtest import TmpDirTest, main, skip_or_die
import sshd as sshd_lib
from srxtest import TUNNELS_UP, commands, scenario, srx_sshd

DRIVER = os.environ.get("VX_SSH_DRIVER", "")
STATS = "show security ipsec statistics"
SA = "show security ipsec security-associations"


class SrxCli(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not DRIVER or not os.path.exists(DRIVER):
            skip_or_die("VX_SSH_DRIVER (ssh_driver) is not built")
        sshd_lib.require()

    def drive(self, s, *args):
        argv = [DRIVER, "-D", "juniper_srx", "-p", str(s.port), "-u",
                s.user, "-k", s.client_key, "-K", s.known_hosts,
                "-t", "8000", *args]
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=60)

    def test_prompt_pager_off_and_refusal(self):
        s = self.track(srx_sshd(self.workdir, TUNNELS_UP, name="srx-cli"))
        p = self.drive(s, STATS, "show security foo", SA)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(">>> " + STATS + "\n", p.stdout)
        self.assertIn("  Invalid SPI: 1789, TS check fail: 0\n", p.stdout)
        self.assertIn("error reason=protocol msg='show security foo' "
                      "rejected by 127.0.0.1:", p.stdout)
        self.assertIn("syntax error, expecting <command>.", p.stdout)
        # The refusal kept the session: one login for all three.
        self.assertIn("# logins=1 commands=3 errors=1", p.stdout)
        self.assertIn("<131074 ESP:aes-gcm-256/None 00f61780", p.stdout)
        self.assertNotIn("monitor@srx-a>", p.stdout)
        cli = [c[2] for c in commands(s, "cli")]
        self.assertEqual(cli[:3], ["LOGIN", "set cli screen-length 0",
                                   "set cli screen-width 0"])
        self.assertNotIn("enable", cli)

    def test_pager_left_on(self):
        sc = scenario(generate={"tunnels": 30})
        s = self.track(srx_sshd(self.workdir, sc, name="srx-pager"))
        p = self.drive(s, "-n", SA)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        out = p.stdout.split(">>> " + SA + "\n", 1)[1].split("<<< ok")[0]
        self.assertNotIn("---(more", out)
        # Every row made it through the pages, in order.
        rows = [l for l in out.splitlines() if l.startswith("  <2") or
                l.startswith("  >2")]
        self.assertEqual(len(rows), 60)
        self.assertTrue(rows[-1].startswith("  >200029 "), rows[-1])

    def test_cluster_banner_and_exec(self):
        sc = scenario(nodes=["node0", "node1"])
        s = self.track(srx_sshd(self.workdir, sc, name="srx-ha"))
        p = self.drive(s, STATS)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("node1:\n", p.stdout)
        p = self.drive(s, "-x", STATS, "show security foo")
        self.assertIn("<<< ok\n", p.stdout)
        self.assertIn("node0:\n---", p.stdout)
        self.assertIn("# exit status 1", p.stdout)
        self.assertEqual([c[2] for c in commands(s, "exec")],
                         [STATS, "show security foo"])
        # Both exec commands on one login, and no shell.
        self.assertIn("# logins=1 commands=2", p.stdout)


if __name__ == "__main__":
    main()
