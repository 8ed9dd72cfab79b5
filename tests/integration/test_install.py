"""cmake --install: the FHS tree (binary, man pages, example
configuration, generated rules, MIBs, dashboards, systemd unit with its
sysusers and tmpfiles snippets), a unit that systemd-analyze verify
accepts and systemd-analyze security rates 2.0 or lower, and an installed
binary that runs on the installed configuration.

Everything is installed into a scratch root with DESTDIR; nothing
touches the machine's own /usr or /etc."""

import os
import re
import shutil
import subprocess

from vxtest import TmpDirTest, main, need_binary

BUILD = os.environ.get("VX_BUILD_DIR", "")
SOURCE = os.environ.get("VX_SOURCE_DIR", "")
CMAKE = os.environ.get("VX_CMAKE") or shutil.which("cmake") or "cmake"
UNIT = "usr/lib/systemd/system/vpn_exporter.service"

# The demands on the unit, as (key, value) pairs it must hold.
HARDENING = [
    ("User", "vpn_exporter"),
    ("NoNewPrivileges", "yes"),
    ("CapabilityBoundingSet", ""),
    ("AmbientCapabilities", ""),
    ("ProtectSystem", "strict"),
    ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
    ("StateDirectory", "vpn_exporter"),
    ("ExecReload", "/bin/kill -HUP $MAINPID"),
]


def unit_settings(path):
    """[(key, value)] of a unit file, in order."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;[":
                continue
            k, _, v = line.partition("=")
            out.append((k, v))
    return out


def install(root, prefix):
    env = dict(os.environ, DESTDIR=root)
    r = subprocess.run([CMAKE, "--install", BUILD, "--prefix", prefix],
                       capture_output=True, text=True, env=env, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"cmake --install failed:\n{r.stdout}{r.stderr}")


def exposure(analyze, unit):
    """systemd-analyze security --offline=true: (level, rating, output)."""
    r = subprocess.run([analyze, "security", "--offline=true",
                        "--no-pager", unit], capture_output=True, text=True,
                       timeout=60)
    out = r.stdout + r.stderr
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+) (\w+)", out)
    if m is None:
        raise AssertionError(f"no exposure level in:\n{out}")
    return float(m[1]), m[2], out


class Install(TmpDirTest):
    def setUp(self):
        super().setUp()
        if not BUILD or not os.path.isdir(BUILD):
            self.skipTest("VX_BUILD_DIR not set")
        self.root = os.path.join(self.workdir, "root")
        install(self.root, "/usr")

    def path(self, rel):
        return os.path.join(self.root, rel)

    def test_fhs_layout(self):
        files = [
            "usr/bin/vpn_exporter",
            "usr/share/man/man1/vpn_exporter.1.gz",
            "usr/share/man/man5/vpn_exporter.yml.5.gz",
            "usr/share/vpn_exporter/rules/vpn_exporter.yml",
            "usr/share/vpn_exporter/mibs/cisco/"
            "CISCO-IPSEC-FLOW-MONITOR-MIB.my",
            "usr/share/vpn_exporter/mibs/ietf/SNMPv2-SMI.mib",
            "usr/share/doc/vpn-exporter/README.md",
            "usr/share/doc/vpn-exporter/CHANGELOG.md",
            "usr/share/doc/vpn-exporter/copyright",
            "usr/share/doc/vpn-exporter/examples/vpn_exporter.yml",
            "usr/share/doc/vpn-exporter/examples/alerts.yml",
            "usr/share/doc/vpn-exporter/examples/alertmanager.yml",
            "usr/share/doc/vpn-exporter/runbooks/invalid_spi.md",
            UNIT,
            "usr/lib/sysusers.d/vpn_exporter.conf",
            "usr/lib/tmpfiles.d/vpn_exporter.conf",
            "etc/vpn_exporter/vpn_exporter.yml",
            "etc/default/vpn_exporter",
        ]
        missing = [f for f in files if not os.path.isfile(self.path(f))]
        self.assertEqual(missing, [])
        self.assertTrue(os.access(self.path("usr/bin/vpn_exporter"),
                                  os.X_OK))
        # Every MIB of the source tree, and the dashboards once they exist.
        for sub in ("mibs", "dashboards"):
            src = os.path.join(SOURCE, sub)
            if not os.path.isdir(src):
                continue
            want = sorted(os.path.relpath(os.path.join(d, f), src)
                          for d, _, fs in os.walk(src) for f in fs
                          if f.endswith((".my", ".mib", ".json")))
            dst = self.path(f"usr/share/vpn_exporter/{sub}")
            have = sorted(os.path.relpath(os.path.join(d, f), dst)
                          for d, _, fs in os.walk(dst) for f in fs
                          if f.endswith((".my", ".mib", ".json")))
            self.assertEqual(have, want, sub)

        with open(self.path("usr/lib/sysusers.d/vpn_exporter.conf")) as f:
            self.assertRegex(f.read(), r"(?m)^u vpn_exporter - ")
        with open(self.path("usr/lib/tmpfiles.d/vpn_exporter.conf")) as f:
            self.assertRegex(f.read(), r"(?m)^d /etc/vpn_exporter/secrets "
                             r"0750 root vpn_exporter -$")

    def test_sysusers_and_tmpfiles(self):
        """The snippets the package's postinst runs, run against the
        scratch root: a system user with no login, and a secrets directory
        only root and that user's group can enter."""
        sysusers = need_binary("systemd-sysusers")
        tmpfiles = need_binary("systemd-tmpfiles")
        r = subprocess.run([sysusers, f"--root={self.root}",
                            "vpn_exporter.conf"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.path("etc/passwd")) as f:
            users = {l.split(":")[0]: l.rstrip("\n").split(":") for l in f}
        with open(self.path("etc/group")) as f:
            groups = {l.split(":")[0]: l.split(":") for l in f}
        user = users["vpn_exporter"]
        self.assertLess(int(user[2]), 1000)          # a system user
        self.assertEqual(user[3], groups["vpn_exporter"][2])
        self.assertEqual(user[5], "/var/lib/vpn_exporter")
        self.assertIn("nologin", user[6])
        r = subprocess.run([tmpfiles, f"--root={self.root}", "--create",
                            "vpn_exporter.conf"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        st = os.stat(self.path("etc/vpn_exporter/secrets"))
        self.assertEqual(st.st_mode & 0o7777, 0o750)
        self.assertEqual((st.st_uid, st.st_gid),
                         (0, int(groups["vpn_exporter"][2])))

    def test_unit_settings(self):
        s = unit_settings(self.path(UNIT))
        for want in HARDENING:
            self.assertIn(want, s)
        exec_start = dict(s)["ExecStart"].split()
        self.assertEqual(exec_start[:2], [
            "/usr/bin/vpn_exporter",
            "--config.file=/etc/vpn_exporter/vpn_exporter.yml"])

    def test_systemd_analyze_verify(self):
        """verify, with ExecStart pointing at the installed binary and man
        pointed at the installed pages (Documentation=man:...); and the same
        check fails when the binary is missing."""
        analyze = need_binary("systemd-analyze")
        need_binary("man")
        unit = os.path.join(self.workdir, "vpn_exporter.service")

        def verify(binary):
            with open(self.path(UNIT)) as f:
                text = f.read()
            with open(unit, "w") as f:
                f.write(text.replace("ExecStart=/usr/bin/vpn_exporter",
                                     f"ExecStart={binary}"))
            env = dict(os.environ,
                       MANPATH=self.path("usr/share/man"), SYSTEMD_PAGER="")
            return subprocess.run([analyze, "verify", unit],
                                  capture_output=True, text=True, env=env,
                                  timeout=60)

        r = verify(self.path("usr/bin/vpn_exporter"))
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))
        r = verify(self.path("usr/bin/no_such_exporter"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no_such_exporter", r.stderr)

    def test_systemd_analyze_security(self):
        analyze = need_binary("systemd-analyze")
        level, rating, out = exposure(analyze, self.path(UNIT))
        print(f"exposure level {level} {rating}")
        self.assertLessEqual(level, 2.0, out)
        self.assertEqual(rating, "OK", out)
        # Without the sandbox the same unit rates far worse: the rating
        # comes from these settings.
        bare = os.path.join(self.workdir, "bare.service")
        with open(bare, "w") as f:
            f.write("[Service]\nExecStart=/usr/bin/vpn_exporter\n")
        self.assertGreater(exposure(analyze, bare)[0], 8.0)

    def test_installed_binary_runs(self):
        binary = self.path("usr/bin/vpn_exporter")
        conf = self.path("etc/vpn_exporter/vpn_exporter.yml")
        r = subprocess.run([binary, f"--config.file={conf}", "--dry-run"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("configuration OK", r.stdout)
        self.assertIn("(0 devices)", r.stdout)
        # The installed rules are what "vpn_exporter rules" makes of the
        # installed configuration.
        r = subprocess.run([binary, "rules", f"--config.file={conf}"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.path("usr/share/vpn_exporter/rules/"
                            "vpn_exporter.yml")) as f:
            self.assertEqual(f.read(), r.stdout)
        self.assertIn("alert: VpnInvalidSpiDrops", r.stdout)
        self.assertNotIn("device=~", r.stdout)

    def test_config_survives_reinstall(self):
        """An administrator's configuration is never overwritten."""
        conf = self.path("etc/vpn_exporter/vpn_exporter.yml")
        with open(conf, "w") as f:
            f.write("devices: []  # mine\n")
        install(self.root, "/usr")
        with open(conf) as f:
            self.assertEqual(f.read(), "devices: []  # mine\n")

    def test_other_prefix(self):
        """Another prefix: the unit names that prefix's binary and its
        etc/ directory."""
        root = os.path.join(self.workdir, "opt-root")
        install(root, "/opt/vx")
        s = dict(unit_settings(os.path.join(
            root, "opt/vx/lib/systemd/system/vpn_exporter.service")))
        self.assertEqual(s["ExecStart"].split()[:2], [
            "/opt/vx/bin/vpn_exporter",
            "--config.file=/opt/vx/etc/vpn_exporter/vpn_exporter.yml"])
        self.assertTrue(os.path.isfile(os.path.join(
            root, "opt/vx/etc/vpn_exporter/vpn_exporter.yml")))
        self.assertFalse(os.path.exists(os.path.join(root, "etc")))


if __name__ == "__main__":
    main()
