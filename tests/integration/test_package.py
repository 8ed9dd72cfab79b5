"""The .deb: cpack builds it from this build directory, its dependencies
come from dpkg-shlibdeps, lintian reports no error, and the binary it
installs runs: --version, and --dry-run on the packaged example
configuration and on the packaged /etc configuration.

The package is extracted into a scratch root (dpkg-deb -x), not
installed on the machine."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from vxtest import VX_BIN, TmpDirTest, main, need_binary

BUILD = os.environ.get("VX_BUILD_DIR", "")
CPACK = os.environ.get("VX_CPACK") or shutil.which("cpack") or "cpack"
DOC = "usr/share/doc/vpn-exporter"


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                       **kw)
    if r.returncode != 0:
        raise AssertionError(f"{argv[0]} failed ({r.returncode}):\n"
                             f"{r.stdout}{r.stderr}")
    return r.stdout


class Package(TmpDirTest):
    """One package for all checks: cpack takes seconds."""

    deb = None

    @classmethod
    def setUpClass(cls):
        if not BUILD or not os.path.isdir(BUILD):
            raise unittest.SkipTest("VX_BUILD_DIR not set")
        need_binary("dpkg-deb")
        need_binary("dpkg-shlibdeps")
        need_binary("file")   # CPack needs it to find the ELF files
        cls.pkgdir = tempfile.mkdtemp(prefix="vxdeb-")
        out = run([CPACK, "-G", "DEB", "--config",
                   os.path.join(BUILD, "CPackConfig.cmake"), "-B",
                   cls.pkgdir])
        debs = [f for f in os.listdir(cls.pkgdir) if f.endswith(".deb")]
        if len(debs) != 1:
            raise AssertionError(f"cpack made {debs}:\n{out}")
        cls.deb = os.path.join(cls.pkgdir, debs[0])
        print(f"package: {debs[0]}, {os.path.getsize(cls.deb)} bytes")

    @classmethod
    def tearDownClass(cls):
        if cls.deb is not None:
            shutil.rmtree(cls.pkgdir, ignore_errors=True)

    def field(self, name):
        return run(["dpkg-deb", "-f", self.deb, name]).strip()

    def extract(self):
        root = os.path.join(self.workdir, "root")
        run(["dpkg-deb", "-x", self.deb, root])
        return root

    def test_control(self):
        self.assertEqual(self.field("Package"), "vpn-exporter")
        # The version is the binary's, with "~" for "-" (dpkg order).
        r = run([VX_BIN, "--version"])
        version = re.search(r"version (\S+)", r)[1]
        self.assertEqual(self.field("Version"), version.replace("-", "~"))
        # dpkg-shlibdeps found the linked libraries, with versions.
        depends = self.field("Depends")
        for lib in ("libc6 (>=", "libsnmp", "libmicrohttpd", "libyaml",
                    "libgnutls30", "zlib1g", "init-system-helpers"):
            self.assertIn(lib, depends)
        # libssh is loaded by soname at run time, not linked.
        self.assertNotIn("libssh", depends)
        self.assertIn("libssh-4", self.field("Recommends"))
        conffiles = run(["dpkg-deb", "-I", self.deb, "conffiles"]).split()
        self.assertEqual(sorted(conffiles), [
            "/etc/default/vpn_exporter",
            "/etc/vpn_exporter/vpn_exporter.yml"])

    def test_lintian(self):
        lintian = need_binary("lintian")
        r = subprocess.run([lintian, "--pedantic", "--display-info",
                            self.deb],
                           capture_output=True, text=True, timeout=300)
        tags = [l for l in r.stdout.splitlines() if re.match(r"[EWIPX]: ", l)]
        print("lintian:\n" + "\n".join(tags or ["(no tags)"]))
        errors = [l for l in tags if l.startswith("E: ")]
        self.assertEqual(errors, [], r.stdout + r.stderr)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_packaged_binary_runs(self):
        root = self.extract()
        binary = os.path.join(root, "usr/bin/vpn_exporter")
        out = run([binary, "--version"])
        self.assertEqual(out.splitlines()[0],
                         run([VX_BIN, "--version"]).splitlines()[0])
        ldd = run(["ldd", binary])
        self.assertNotIn("not found", ldd)

        # The packaged example configuration, with the secrets and keys
        # it names put next to it.
        example = os.path.join(root, DOC, "examples", "vpn_exporter.yml")
        with open(example) as f:
            text = f.read()
        for name in re.findall(r"^\s+\w+_file: (\S+)", text, re.M):
            path = os.path.join(os.path.dirname(example), name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write("example-secret-1234\n")
        env = dict(os.environ)
        for var in re.findall(r"^\s+\w+_env: (\w+)", text, re.M):
            env[var] = "example-secret-1234"
        out = run([binary, f"--config.file={example}", "--dry-run"], env=env)
        self.assertIn("configuration OK", out)
        # Every device of the example ("  - name: " at the list's indent).
        ndev = len(re.findall(r"^  - name: ", text, re.M))
        self.assertGreaterEqual(ndev, 5)
        self.assertIn(f"({ndev} devices)", out)

        conf = os.path.join(root, "etc/vpn_exporter/vpn_exporter.yml")
        out = run([binary, f"--config.file={conf}", "--dry-run"])
        self.assertIn("(0 devices)", out)

    def test_contents(self):
        root = self.extract()
        for rel in ("usr/share/man/man1/vpn_exporter.1.gz",
                    "usr/share/man/man5/vpn_exporter.yml.5.gz",
                    "usr/lib/systemd/system/vpn_exporter.service",
                    "usr/lib/sysusers.d/vpn_exporter.conf",
                    "usr/share/vpn_exporter/rules/vpn_exporter.yml",
                    f"{DOC}/copyright", f"{DOC}/changelog.gz"):
            self.assertTrue(os.path.isfile(os.path.join(root, rel)), rel)
        unit = os.path.join(root, "usr/lib/systemd/system/"
                            "vpn_exporter.service")
        with open(unit) as f:
            self.assertRegex(f.read(), r"(?m)^ExecStart=/usr/bin/vpn_exporter "
                             r"--config.file=/etc/vpn_exporter/"
                             r"vpn_exporter.yml ")
        # Stripped: no debug sections in the packaged binary.
        out = run(["file", os.path.join(root, "usr/bin/vpn_exporter")])
        self.assertIn("stripped", out)
        self.assertNotIn("not stripped", out)
        # The maintainer scripts are valid sh.
        ctrl = os.path.join(self.workdir, "control")
        run(["dpkg-deb", "-e", self.deb, ctrl])
        for script in ("postinst", "prerm", "postrm"):
            run(["sh", "-n", os.path.join(ctrl, script)])


if __name__ == "__main__":
    main()
