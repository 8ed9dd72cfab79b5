"""The version (cmake/version.cmake): "git describe" in a checkout,
PROJECT_VERSION in a tarball, the same string in --version and in
vpn_exporter_build_info, and a Debian version that sorts a development
build before its release and a later commit after it.

cmake/version.cmake runs here against scratch git repositories (no tag,
a tag, a commit after it, uncommitted changes, no .git at all), so the
project's own history needs no tag."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from vxtest import (TESTS_DIR, VX_BIN, Exporter, TmpDirTest, main,
                    need_binary, parse_metrics)

ROOT = os.environ.get("VX_SOURCE_DIR") or os.path.dirname(TESTS_DIR)
VERSION_CMAKE = os.path.join(ROOT, "cmake", "version.cmake")
VERSION_RX = re.compile(r"^vpn_exporter, version (\S+) \(revision: (\S+)\)$",
                        re.M)


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(vpn_exporter VERSION (\S+)", f.read())[1]


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", "-c", "commit.gpgsign=false", *args],
                          cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


class VersionScript(unittest.TestCase):
    """cmake/version.cmake on its own, in script mode."""

    def setUp(self):
        self.cmake = need_binary("cmake")
        need_binary("git")
        self.dir = tempfile.mkdtemp(prefix="vxver-")
        self.wrapper = os.path.join(self.dir, "print.cmake")
        with open(self.wrapper, "w") as f:
            f.write(f'include("{VERSION_CMAKE}")\n'
                    'message("V=${VX_VERSION}")\n'
                    'message("R=${VX_REVISION}")\n'
                    'message("D=${VX_DEB_VERSION}")\n')
        self.src = os.path.join(self.dir, "src")
        os.mkdir(self.src)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_script(self):
        # In script mode CMAKE_SOURCE_DIR is the working directory.
        r = subprocess.run([self.cmake, "-DPROJECT_VERSION=0.3.0", "-P",
                            self.wrapper], cwd=self.src, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return dict(re.findall(r"^([VRD])=(.*)$", r.stderr, re.M))

    def test_describe_cases(self):
        self.assertEqual(self.run_script(),
                         {"V": "0.3.0", "R": "unknown", "D": "0.3.0"},
                         "a tarball (no .git) is PROJECT_VERSION")
        git(self.src, "init", "-q")
        git(self.src, "commit", "-q", "--allow-empty", "-m", "one")
        h = git(self.src, "rev-parse", "--short=12", "HEAD")
        self.assertEqual(self.run_script(),
                         {"V": f"0.3.0-dev+g{h}", "R": h,
                          "D": f"0.3.0~dev+g{h}"})
        git(self.src, "tag", "v0.3.0")
        self.assertEqual(self.run_script(),
                         {"V": "0.3.0", "R": h, "D": "0.3.0"})
        git(self.src, "commit", "-q", "--allow-empty", "-m", "two")
        h2 = git(self.src, "rev-parse", "--short=12", "HEAD")
        self.assertEqual(self.run_script()["V"], f"0.3.0+1.g{h2}")
        with open(os.path.join(self.src, "f"), "w") as f:
            f.write("x\n")
        git(self.src, "add", "f")
        self.assertEqual(self.run_script()["V"], f"0.3.0+1.g{h2}.dirty")
        git(self.src, "commit", "-q", "-m", "three")
        git(self.src, "tag", "v0.4.0-rc.1")
        self.assertEqual(self.run_script(),
                         {"V": "0.4.0-rc.1",
                          "R": git(self.src, "rev-parse", "--short=12",
                                   "HEAD"),
                          "D": "0.4.0~rc.1"})

    def test_debian_order(self):
        """dev build < release < later commit, as dpkg compares them."""
        dpkg = need_binary("dpkg")
        for a, b in (("0.3.0~dev+g0123456789ab", "0.3.0"),
                     ("0.3.0", "0.3.0+1.g0123456789ab"),
                     ("0.4.0~rc.1", "0.4.0")):
            r = subprocess.run([dpkg, "--compare-versions", a, "lt", b])
            self.assertEqual(r.returncode, 0, f"{a} < {b}")


@unittest.skipUnless(VX_BIN and os.path.exists(VX_BIN), "VX_BIN not built")
class BuiltVersion(TmpDirTest):
    def test_version_and_build_info_agree(self):
        r = subprocess.run([VX_BIN, "--version"], capture_output=True,
                           text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = VERSION_RX.search(r.stdout)
        self.assertIsNotNone(m, r.stdout)
        version, revision = m.groups()
        if os.path.exists(os.path.join(ROOT, ".git")) and shutil.which("git"):
            # The build configures again after a commit (the reflog of
            # HEAD is a configure dependency), so this is current.
            self.assertEqual(revision, git(ROOT, "rev-parse", "--short=12",
                                           "HEAD"))
            desc = git(ROOT, "describe", "--tags", "--always",
                       "--abbrev=12", "--match", "v[0-9]*")
            m = re.match(r"^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)"
                         r"(?:-(\d+)-g([0-9a-f]+))?$", desc)
            if m is None:
                want = f"{project_version()}-dev+g{desc}"
            else:
                want = m[1] + (f"+{m[2]}.g{m[3]}" if m[2] else "")
            # Uncommitted changes made after configuring do not show.
            self.assertEqual(re.sub(r"[.+]dirty$", "", version), want)
        else:
            self.assertEqual(version, project_version())

        ex = self.track(Exporter(self.workdir, "devices: []\n"))
        info = [(lab, v) for n, lab, v in parse_metrics(ex.metrics())
                if n == "vpn_exporter_build_info"]
        self.assertEqual(len(info), 1, info)
        self.assertEqual(info[0][0]["version"], version)
        self.assertEqual(info[0][0]["revision"], revision)
        self.assertEqual(info[0][1], 1)


if __name__ == "__main__":
    main()
