"""The SSH transport (collectors/transport/ssh.c) against a real OpenSSH
sshd on loopback whose forced command is the ASA CLI emulator, driven
through tests/emulators/asa_cli/ssh_driver.c.  No daemon involved.
"""

import os
import re
import shutil
import socket
import subprocess
import threading
import time

from vxtest import FIXTURES, TmpDirTest, main, skip_or_die
from sshd import Sshd, fingerprint, host_key_line, keygen
from sshd import require as sshd_require

DRIVER = os.environ.get("VX_SSH_DRIVER", "")
LAB = os.path.join(FIXTURES, "asa_cli", "lab")
NTC = os.path.join(FIXTURES, "asa_cli", "ntc")
ENABLE = "s3cret-enable"
POLL = ["show asp drop", "show crypto ipsec sa", "show crypto ikev1 sa",
        "show crypto ikev2 sa"]


def fixture(scenario_dir, cmd):
    with open(os.path.join(scenario_dir, cmd.replace(" ", "_") + ".txt"),
              encoding="utf-8") as f:
        return f.read()


def same_text(a, b):
    """Equal but for line ends and blank lines at the very end."""
    return a.replace("\r\n", "\n").rstrip("\n") == \
        b.replace("\r\n", "\n").rstrip("\n")


class Result:
    """Parsed ssh_driver output."""

    RX = re.compile(r"^# logins=(\d+) commands=(\d+) errors=(\d+) "
                    r"elapsed_ms=(\d+)$", re.M)

    def __init__(self, proc, stdout, elapsed):
        self.rc = proc.returncode
        self.stdout = stdout
        self.elapsed = elapsed
        self.runs = []  # (cmd, output, "ok" or (reason, msg))
        cur = None
        out = []
        for line in stdout.splitlines(keepends=True):
            if line.startswith(">>> "):
                cur = line[4:].rstrip("\n")
                out = []
            elif line.startswith("<<< ") and cur is not None:
                st = line[4:].rstrip("\n")
                if st != "ok":
                    m = re.match(r"error reason=(\S+) msg=(.*)$", st)
                    st = (m.group(1), m.group(2))
                self.runs.append((cur, "".join(out), st))
                cur = None
            elif cur is not None:
                out.append(line)
        m = self.RX.search(stdout)
        if not m:
            raise AssertionError(f"no summary line in driver output:\n"
                                 f"{stdout}")
        self.logins, self.commands, self.errors, self.elapsed_ms = map(
            int, m.groups())

    def ok(self, i):
        return self.runs[i][2] == "ok"

    def error(self, i):
        st = self.runs[i][2]
        if st == "ok":
            raise AssertionError(f"command {self.runs[i][0]!r} succeeded")
        return st


class SshTransport(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not DRIVER or not os.path.exists(DRIVER):
            skip_or_die("VX_SSH_DRIVER (the ssh_driver binary) is not set")
        sshd_require()

    def setUp(self):
        super().setUp()
        self.enable_file = self.secret("enable", ENABLE)

    def secret(self, name, value):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as f:
            f.write(value + "\n")
        os.chmod(path, 0o600)
        return path

    def sshd(self, **kw):
        return self.track(Sshd(self.workdir, **kw))

    def drive(self, sshd, cmds, key=True, known_hosts=None, enable=True,
              extra=(), timeout=60, wrapper=(), stdin=None, interact=None):
        argv = [*wrapper, DRIVER, "-p", str(sshd.port), "-u", sshd.user,
                "-K", known_hosts or sshd.known_hosts]
        if key:
            argv += ["-k", key if isinstance(key, str) else sshd.client_key]
        if enable:
            argv += ["-E", self.enable_file]
        argv += [*extra, *cmds]
        t0 = time.monotonic()
        if interact is None:
            p = subprocess.run(argv, capture_output=True, timeout=timeout,
                               input=stdin, encoding="utf-8",
                               errors="replace")
            out = p.stdout
            self.last_stderr = p.stderr
        else:
            # -w: the driver prints READY between commands and waits.
            p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, encoding="utf-8",
                                 errors="replace")
            out = ""
            n = 0
            while True:
                line = p.stdout.readline()
                if not line:
                    break
                if line == "READY\n":
                    interact(n)
                    n += 1
                    p.stdin.write("\n")
                    p.stdin.flush()
                    continue
                out += line
            p.wait(timeout)
        return Result(p, out, time.monotonic() - t0)

    # A normal session.

    def test_session_is_reused_across_commands(self):
        s = self.sshd()
        r = self.drive(s, POLL, extra=["-r", "3"])
        self.assertEqual(r.rc, 0, r.stdout)
        self.assertEqual(len(r.runs), 12)
        for cmd, out, st in r.runs:
            self.assertEqual(st, "ok")
            self.assertTrue(same_text(out, fixture(LAB, cmd)),
                            f"{cmd}: output differs:\n{out}")
        # One login for twelve commands, in our count and in sshd's log.
        self.assertEqual(r.logins, 1)
        self.assertEqual(s.logins(), 1, s.log())
        cmds = [c for _, _, c in s.commands()]
        self.assertEqual(cmds[:3], ["LOGIN", "enable", "terminal pager 0"])
        self.assertEqual(cmds.count("LOGIN"), 1)

    def test_priv_login_needs_no_enable(self):
        s = self.sshd(scenario="ntc")
        cmds = POLL + ["show vpn-sessiondb detail l2l",
                       "show asp table vpn-context detail"]
        r = self.drive(s, cmds, enable=False)
        self.assertEqual(r.rc, 0, r.stdout)
        for cmd, out, st in r.runs:
            self.assertTrue(same_text(out, fixture(NTC, cmd)),
                            f"{cmd}: output differs:\n{out!r}")
        self.assertNotIn("enable", [c for _, _, c in s.commands()])

    def test_fresh_login_each_time(self):
        s = self.sshd()
        r = self.drive(s, ["show asp drop"], extra=["-r", "3", "-f"])
        self.assertEqual(r.rc, 0, r.stdout)
        self.assertEqual(r.logins, 3)
        self.assertEqual(s.logins(), 3)

    # Authentication.

    def test_wrong_password_is_refused_by_sshd(self):
        s = self.sshd()
        pw = self.secret("password", "not-the-password-42")
        r = self.drive(s, ["show asp drop"], key=False,
                       extra=["-P", pw])
        self.assertEqual(r.rc, 1)
        reason, msg = r.error(0)
        self.assertEqual(reason, "auth")
        self.assertIn(f"authentication failed for user '{s.user}' on "
                      f"127.0.0.1:{s.port}", msg)
        self.assertIn("tried password", msg)
        self.assertIn("server allows publickey,password", msg)
        self.assertNotIn("not-the-password-42", r.stdout)
        self.assertNotIn("not-the-password-42", self.last_stderr)
        self.assertIn(f"Failed password for {s.user}", s.log())
        self.assertEqual(s.logins(), 0)
        # Refused once per attempt: no retry storm in the AAA log.
        self.assertEqual(s.failed_passwords(), 1)

    def test_unknown_key_is_refused(self):
        s = self.sshd()
        other = keygen(os.path.join(self.workdir, "other_key"))
        r = self.drive(s, ["show asp drop"], key=other)
        reason, msg = r.error(0)
        self.assertEqual(reason, "auth")
        self.assertIn(f"tried publickey '{other}'", msg)

    def test_unreadable_key_is_a_config_error(self):
        s = self.sshd()
        r = self.drive(s, ["show asp drop"],
                       key=os.path.join(self.workdir, "missing"))
        reason, msg = r.error(0)
        self.assertEqual(reason, "config")
        self.assertIn("cannot read private key", msg)

    # Host keys.

    def test_host_key_mismatch_is_refused(self):
        s = self.sshd()
        impostor = keygen(os.path.join(self.workdir, "impostor"))
        kh = os.path.join(self.workdir, "known_hosts_bad")
        with open(kh, "w") as f:
            f.write(host_key_line(s.port, impostor + ".pub"))
        r = self.drive(s, ["show asp drop"], known_hosts=kh)
        reason, msg = r.error(0)
        self.assertEqual(reason, "hostkey")
        self.assertIn(f"host key mismatch for 127.0.0.1:{s.port}: server "
                      f"offered ssh-ed25519 {s.host_fingerprint}", msg)
        self.assertIn(f"known_hosts '{kh}' has ssh-ed25519 "
                      f"{fingerprint(impostor + '.pub')}", msg)
        # Refused before authentication: no credentials were sent.
        self.assertEqual(s.logins(), 0)
        self.assertNotIn("Postponed publickey", s.log())
        # accept-new does not accept a changed key either.
        r = self.drive(s, ["show asp drop"], known_hosts=kh, extra=["-a"])
        self.assertEqual(r.error(0)[0], "hostkey")
        with open(kh) as f:
            self.assertEqual(f.read().count("\n"), 1)

    def test_unknown_host_strict(self):
        s = self.sshd()
        kh = os.path.join(self.workdir, "known_hosts_empty")
        open(kh, "w").close()
        r = self.drive(s, ["show asp drop"], known_hosts=kh)
        reason, msg = r.error(0)
        self.assertEqual(reason, "hostkey")
        self.assertIn(f"host key of 127.0.0.1:{s.port} is not in "
                      f"known_hosts '{kh}' (server offered ssh-ed25519 "
                      f"{s.host_fingerprint}); add it, or set "
                      "host_key_policy: accept-new", msg)
        self.assertEqual(s.logins(), 0)

    def test_accept_new_records_the_key(self):
        s = self.sshd()
        kh = os.path.join(self.workdir, "new", "known_hosts")
        r = self.drive(s, ["show asp drop"], known_hosts=kh, extra=["-a"])
        self.assertEqual(r.rc, 0, r.stdout)
        with open(kh) as f:
            recorded = f.read()
        with open(s.host_key + ".pub") as f:
            b64 = f.read().split()[1]
        self.assertEqual(recorded,
                         f"[127.0.0.1]:{s.port} ssh-ed25519 {b64}\n")
        # Next time the key is known: strict works, nothing appended.
        r = self.drive(s, ["show asp drop"], known_hosts=kh)
        self.assertEqual(r.rc, 0, r.stdout)
        with open(kh) as f:
            self.assertEqual(f.read(), recorded)

    # Enable mode.

    def test_wrong_enable_secret(self):
        s = self.sshd()
        self.enable_file = self.secret("enable_bad", "guess")
        r = self.drive(s, ["show asp drop"])
        reason, msg = r.error(0)
        self.assertEqual(reason, "auth")
        self.assertEqual(msg, f"enable secret refused by 127.0.0.1:"
                         f"{s.port} (still at 'asa-lab>')")
        self.assertNotIn("guess", r.stdout)
        self.assertNotIn("guess", open(os.path.join(
            s.state, "commands.log")).read())

    def test_user_mode_without_enable_secret(self):
        s = self.sshd()
        r = self.drive(s, ["show asp drop"], enable=False)
        reason, msg = r.error(0)
        self.assertEqual(reason, "auth")
        self.assertIn("landed in user mode ('asa-lab>') and no "
                      "enable_password is configured", msg)

    # The pager.

    def test_pager_left_on_is_paged_through(self):
        s = self.sshd()
        cmd = "show crypto ipsec sa"
        self.assertGreater(fixture(LAB, cmd).count("\n"), 60)
        r = self.drive(s, [cmd, "show asp drop"], extra=["-n"])
        self.assertEqual(r.rc, 0, r.stdout)
        for c, out, _ in r.runs:
            self.assertTrue(same_text(out, fixture(LAB, c)),
                            f"{c}: output differs:\n{out!r}")
            self.assertNotIn("More", out)
        self.assertNotIn("terminal pager 0",
                         [c for _, _, c in s.commands()])

    def test_pager_that_cannot_be_switched_off(self):
        s = self.sshd(knobs={"pager_stuck": True, "pager_lines": 10})
        r = self.drive(s, POLL)
        self.assertEqual(r.rc, 0, r.stdout)
        for c, out, _ in r.runs:
            self.assertTrue(same_text(out, fixture(LAB, c)),
                            f"{c}: output differs:\n{out!r}")

    # Sessions that die or hang.

    def test_session_killed_between_commands(self):
        s = self.sshd()
        killed = []

        def kill(n):
            if n == 1:
                killed.extend(s.kill_sessions())
                time.sleep(0.3)
        r = self.drive(s, ["show asp drop", "show crypto ikev1 sa",
                           "show crypto ikev2 sa"], extra=["-w"],
                       interact=kill)
        self.assertEqual(len(killed), 1)
        self.assertEqual(r.rc, 0, r.stdout)
        self.assertEqual(len(r.runs), 3)
        self.assertEqual(r.logins, 2)
        self.assertEqual(s.logins(), 2)

    def test_device_closes_session_after_commands(self):
        s = self.sshd(knobs={"close_after_shows": 2})
        r = self.drive(s, POLL)
        self.assertEqual(r.rc, 0, r.stdout)
        self.assertEqual(r.logins, 2)
        self.assertEqual(s.logins(), 2)

    def test_session_dies_during_command(self):
        s = self.sshd(knobs={"exit_on_command": "show crypto ikev2 sa"})
        r = self.drive(s, ["show asp drop", "show crypto ikev2 sa",
                           "show crypto ikev1 sa"])
        self.assertTrue(r.ok(0))
        reason, msg = r.error(1)
        self.assertEqual(reason, "protocol")
        self.assertIn(f"session closed by 127.0.0.1:{s.port}", msg)
        # The next command logs in again.
        self.assertTrue(r.ok(2))

    def test_hang_mid_output_hits_the_deadline(self):
        s = self.sshd(knobs={"hang": {"command": "show crypto ipsec sa",
                                      "after_lines": 12, "seconds": 60}})
        t0 = time.monotonic()
        r = self.drive(s, ["show crypto ipsec sa", "show asp drop"],
                       extra=["-t", "1500"])
        self.assertTrue(r.ok(1), r.stdout)
        reason, msg = r.error(0)
        self.assertEqual(reason, "timeout")
        self.assertRegex(msg, r"^no prompt from 127\.0\.0\.1:\d+ after "
                         r"'show crypto ipsec sa' before the deadline "
                         r"\(\d+ bytes received, last line '.*'\)$")
        # The deadline held: 1.5 s, plus the second command's login.
        self.assertLess(time.monotonic() - t0, 6)
        self.assertEqual(r.logins, 2)

    def test_silent_server_times_out(self):
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(4)
        port = lsock.getsockname()[1]
        conns = []
        stop = threading.Event()

        def accept():
            lsock.settimeout(0.2)
            while not stop.is_set():
                try:
                    conns.append(lsock.accept()[0])
                except OSError:
                    pass
        th = threading.Thread(target=accept)
        th.start()
        try:
            kh = os.path.join(self.workdir, "kh")
            open(kh, "w").close()
            t0 = time.monotonic()
            p = subprocess.run([DRIVER, "-p", str(port), "-u", "x", "-K",
                                kh, "-t", "1000", "show asp drop"],
                               capture_output=True, text=True, timeout=30)
            took = time.monotonic() - t0
        finally:
            stop.set()
            th.join()
            for c in conns:
                c.close()
            lsock.close()
        self.assertIn("error reason=timeout msg=connecting to 127.0.0.1:",
                      p.stdout)
        self.assertLess(took, 4)

    def test_connection_refused(self):
        with socket.socket() as tmp:
            tmp.bind(("127.0.0.1", 0))
            port = tmp.getsockname()[1]
        kh = os.path.join(self.workdir, "kh")
        open(kh, "w").close()
        p = subprocess.run([DRIVER, "-p", str(port), "-u", "x", "-K", kh,
                            "show asp drop"], capture_output=True, text=True,
                           timeout=30)
        self.assertRegex(p.stdout, r"error reason=connect msg=cannot connect "
                         rf"to 127\.0\.0\.1:{port}: .*[Rr]efused")

    # What the device says.

    def test_invalid_input_keeps_the_session(self):
        s = self.sshd()
        r = self.drive(s, ["show crypto ipsec sa peer", "show asp drop"])
        reason, msg = r.error(0)
        self.assertEqual(reason, "protocol")
        self.assertEqual(msg, f"'show crypto ipsec sa peer' rejected by "
                         f"127.0.0.1:{s.port}: ERROR: % Invalid input "
                         "detected at '^' marker.")
        self.assertTrue(r.ok(1))
        self.assertEqual(r.logins, 1)

    def test_garbage_is_passed_on_untouched(self):
        s = self.sshd(knobs={"garbage": {"command": "show asp drop"}})
        r = self.drive(s, ["show asp drop", "show crypto ikev1 sa"])
        self.assertEqual(r.rc, 0, r.stdout)
        self.assertIn("~~ ", r.runs[0][1])
        self.assertNotIn("\x1b", r.runs[0][1])
        self.assertTrue(same_text(r.runs[1][1],
                                  fixture(LAB, "show crypto ikev1 sa")))

    def test_context(self):
        s = self.sshd()
        r = self.drive(s, ["show asp drop", "show crypto ikev1 sa"],
                       extra=["-c", "cust-a"])
        self.assertEqual(r.rc, 0, r.stdout)
        self.assertTrue(same_text(r.runs[0][1], fixture(
            os.path.join(LAB, "contexts", "cust-a"), "show asp drop")))
        cmds = [(ctx, c) for _, ctx, c in s.commands()]
        self.assertIn(("-", "changeto context cust-a"), cmds)
        self.assertIn(("cust-a", "show asp drop"), cmds)
        r = self.drive(s, ["show asp drop"], extra=["-c", "nope"])
        reason, msg = r.error(0)
        self.assertEqual(reason, "protocol")
        self.assertIn("'changeto context nope' rejected by", msg)
        self.assertIn("ERROR: Context 'nope' does not exist", msg)

    def test_invalid_spi_counter_rises_across_sessions(self):
        s = self.sshd(knobs={"invalid_spi_step": 5})
        r = self.drive(s, ["show asp drop"], extra=["-r", "3", "-f"])
        vals = [int(re.search(r"\(np-sp-invalid-spi\)\s+(\d+)", out)
                    .group(1)) for _, out, _ in r.runs]
        self.assertEqual(vals, [1873, 1878, 1883])

    # Memory.

    def test_valgrind(self):
        valgrind = shutil.which("valgrind")
        if valgrind is None:
            self.skipTest("valgrind is not installed")
        with open(DRIVER, "rb") as f:
            if b"__asan_init" in f.read():
                self.skipTest("the driver is built with AddressSanitizer")
        s = self.sshd(knobs={"close_after_shows": 3,
                             "hang": {"command": "show crypto ikev2 sa",
                                      "after_lines": 3, "seconds": 60}})
        logf = os.path.join(self.workdir, "valgrind.log")
        r = self.drive(s, POLL + ["show foo", "show asp drop"],
                       extra=["-t", "4000", "-r", "2"], timeout=300,
                       wrapper=[valgrind, "--leak-check=full",
                                "--errors-for-leak-kinds=definite,indirect",
                                "--error-exitcode=99", f"--log-file={logf}"])
        with open(logf) as f:
            vlog = f.read()
        self.assertNotEqual(r.rc, 99, vlog)
        self.assertIn("ERROR SUMMARY: 0 errors", vlog)
        self.assertGreaterEqual(r.logins, 3)


if __name__ == "__main__":
    main()
