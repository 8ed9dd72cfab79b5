"""The man pages stay current and render cleanly: vpn_exporter(1) names
every flag the binary's --help lists (and those of its subcommands),
vpn_exporter.yml(5) every configuration key the loader accepts (top
level, defaults, devices, alerts and their settings, every collector's
options), and man(1) renders both without a warning (as lintian checks)."""

import os
import re
import subprocess
import unittest

from vxtest import TESTS_DIR, VX_BIN, main, need_binary

ROOT = os.path.dirname(TESTS_DIR)
MAN1 = os.path.join(ROOT, "docs", "man", "vpn_exporter.1")
MAN5 = os.path.join(ROOT, "docs", "man", "vpn_exporter.yml.5")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def plain(roff):
    """The words of a roff source: escapes for '-' and zero-width marks
    undone, so that '\\-\\-dry\\-run' reads '--dry-run'."""
    return re.sub(r"\\[&%c]", "", roff.replace("\\-", "-"))


def section(roff, title):
    """The text of '.SH title' or '.SS title', up to the next heading of
    the same or a higher level."""
    m = re.search(rf"^\.(SH|SS) {re.escape(title)}\n", roff, re.M)
    if m is None:
        raise AssertionError(f"no section {title!r}")
    stop = r"^\.SH " if m.group(1) == "SH" else r"^\.S[HS] "
    rest = roff[m.end():]
    n = re.search(stop, rest, re.M)
    return rest[:n.start()] if n else rest


def words(text):
    return set(re.findall(r"[A-Za-z0-9_.-]+", text))


def key_tables(src, *names):
    """Keys of the named 'struct vx_cfg_key' tables in a C file."""
    keys = []
    for name in names:
        m = re.search(rf"vx_cfg_key {name}\[\] = \{{(.*?)\n\}};", src, re.S)
        if m is None:
            raise AssertionError(f"no key table {name}")
        keys += re.findall(r'^\t\{ "(\w+)", VX_CFG_T_', m.group(1), re.M)
    return keys


class ManPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.man1 = plain(read(MAN1))
        cls.man5 = plain(read(MAN5))

    @unittest.skipUnless(VX_BIN and os.path.exists(VX_BIN), "VX_BIN not built")
    def test_every_flag_is_in_vpn_exporter_1(self):
        flags = set()
        for args in ([], ["parse"], ["rules"]):
            r = subprocess.run([VX_BIN, *args, "--help"], capture_output=True,
                               text=True, timeout=10)
            self.assertEqual(r.returncode, 0, r.stderr)
            flags |= set(re.findall(r"(?<![\w-])(--?[a-z][\w.-]*[a-z])",
                                    r.stdout))
        self.assertGreaterEqual(len(flags), 14, flags)
        options = section(self.man1, "OPTIONS") + section(self.man1,
                                                            "COMMANDS")
        missing = sorted(f for f in flags
                         if not re.search(rf"(?<![\w-]){re.escape(f)}(?![\w.-])",
                                          options))
        self.assertEqual(missing, [], "flags missing from vpn_exporter(1)")
        for sub in ("parse", "rules"):
            self.assertIn(sub, words(section(self.man1, "COMMANDS")))
        for sig in ("SIGHUP", "SIGTERM"):
            self.assertIn(sig, section(self.man1, "SIGNALS"))

    def test_every_config_key_is_in_vpn_exporter_yml_5(self):
        config = read(os.path.join(ROOT, "exporter", "config.c"))
        top = key_tables(config, "top_keys")
        defaults = key_tables(config, "defaults_keys")
        device = key_tables(config, "device_keys")
        self.assertIn("devices", top)
        self.assertIn("forget_after", defaults)
        self.assertIn("peer_devices", device)
        self.assertTrue(set(top) <= words(section(self.man5, "DESCRIPTION")))
        missing = [k for k in defaults
                   if k not in words(section(self.man5, "DEFAULTS"))]
        missing += [k for k in device
                    if k not in words(section(self.man5, "DEVICES"))]
        self.assertEqual(missing, [])

        alerts_c = read(os.path.join(ROOT, "exporter", "alerts.c"))
        alerts = re.findall(r'\[VX_AL_\w+\] = \{\s*"(\w+)"', alerts_c)
        settings = set(re.findall(r'\{ "(\w+)", VX_AS_', alerts_c))
        extra = set()
        for body in re.findall(r"extra\[\] = \{([^}]*)\}", alerts_c):
            extra |= set(re.findall(r'"(\w+)"', body))
        self.assertGreaterEqual(len(alerts), 11)
        self.assertIn("overrides", extra)
        text = section(self.man5, "ALERTS")
        missing = [k for k in [*alerts, *sorted(settings), *sorted(extra),
                               "enabled"] if k not in words(text)]
        self.assertEqual(missing, [], "alert keys missing")

        fields = re.findall(r"`(\w+)`", read(os.path.join(ROOT, "README.md"))
                            .split("### Sources", 1)[1].split("\n### ", 1)[0])
        self.assertIn("invalid_spi", fields)
        dev = words(section(self.man5, "DEVICES"))
        self.assertEqual([f for f in fields if f not in dev], [],
                         "source fields missing")

    def test_every_collector_option_is_in_vpn_exporter_yml_5(self):
        found = 0
        cdir = os.path.join(ROOT, "collectors")
        for vendor in sorted(os.listdir(cdir)):
            vdir = os.path.join(cdir, vendor)
            if not os.path.isdir(vdir):
                continue
            for name in sorted(os.listdir(vdir)):
                if not name.endswith(".c"):
                    continue
                src = read(os.path.join(vdir, name))
                coll = re.search(r'\.name\s*=\s*"(\w+)"', src)
                keys = re.findall(r'^\t\{ "(\w+)", VX_CFG_T_', src, re.M)
                if coll is None or not keys:
                    continue
                found += 1
                text = words(section(self.man5, coll.group(1)))
                missing = [k for k in keys if k not in text]
                self.assertEqual(missing, [], coll.group(1))
        self.assertGreaterEqual(found, 2)

    def test_pages_render_without_warnings(self):
        """What lintian runs (manpage-has-errors-from-man), and the whatis
        entry it checks."""
        man = need_binary("man")
        lexgrog = need_binary("lexgrog")
        env = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="",
                   MANWIDTH="80")
        for page, name in ((MAN1, "vpn_exporter"),
                           (MAN5, "vpn_exporter.yml")):
            r = subprocess.run([man, "--warnings", "-E", "UTF-8", "-l",
                                "-Tutf8", "-Z", page], capture_output=True,
                               text=True, env=env, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr, "", page)
            self.assertGreater(len(r.stdout), 2000)
            r = subprocess.run([lexgrog, page], capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(f'"{name} - ', r.stdout)


if __name__ == "__main__":
    main()
