"""The man pages stay current and render cleanly: vpn_exporter(1) names
every flag the binary's --help lists (and those of its subcommands) and
every HTTP endpoint the server routes, vpn_exporter.yml(5) every
configuration key the loader accepts (top level, defaults, devices,
alerts and their settings, the syslog listener, every collector's
options, those its transport shares included), and man(1) renders both
without a warning (as lintian checks)."""

import os
import re
import subprocess
import tempfile
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


ROW = r'\{ "(\w+)", VX_CFG_T_'

# The transports' shared option rows: the macro a collector's key table
# begins with, and the calls that take the SNMP ones without a table of
# the collector's own (snmp_opts.c holds that table).
SHARED = (
    ("ssh_opts.h", "VX_SSH_OPTS_KEYS", (r"\bVX_SSH_OPTS_KEYS\(",)),
    ("https_opts.h", "VX_HTTPS_OPTS_KEYS", (r"\bVX_HTTPS_OPTS_KEYS\(",)),
    ("snmp_opts.h", "VX_SNMP_OPTS_KEYS",
     (r"\bVX_SNMP_OPTS_KEYS\(", r"\bvx_snmp_dev_configure\(",
      r"\bvx_snmp_opts_configure\(")),
)


def macro_keys(header, macro):
    """The keys of the rows a '#define macro(...)' of header expands to."""
    src = read(os.path.join(ROOT, "collectors", "transport", header))
    m = re.search(rf"^#define {macro}\(.*?\n((?:.*\\\n)*.*)", src, re.M)
    if m is None:
        raise AssertionError(f"no macro {macro} in {header}")
    return re.findall(ROW, m.group(1))


def collector_keys(src):
    """A collector's options: the rows of its own key table, and the
    rows of every transport whose shared options it takes."""
    keys = re.findall(r"^\t" + ROW, src, re.M)
    shared = []
    for header, macro, uses in SHARED:
        if any(re.search(u, src) for u in uses):
            shared.append(macro)
            keys = macro_keys(header, macro) + keys
    return keys, shared


def collector_name(src):
    """The name of the collector a C file defines, or None."""
    m = re.search(r"vx_collector_ops \w+ = \{.*?\.name\s*=\s*(\w+|\"\w+\")",
                  src, re.S)
    if m is None:
        return None
    name = m.group(1)
    if name.startswith('"'):
        return name.strip('"')
    d = re.search(rf'^#define {name}\s+"(\w+)"', src, re.M)
    if d is None:
        raise AssertionError(f"no #define {name}")
    return d.group(1)


def key_tables(src, *names):
    """Keys of the named 'struct vx_cfg_key' tables in a C file."""
    keys = []
    for name in names:
        m = re.search(rf"vx_cfg_key {name}\[\] = \{{(.*?)\n\}};", src, re.S)
        if m is None:
            raise AssertionError(f"no key table {name}")
        keys += re.findall(r"^\t" + ROW, m.group(1), re.M)
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
        """Each collector the registry lists has its '.SS name' section
        naming every option it takes, its transport's shared ones too."""
        found = {}
        cdir = os.path.join(ROOT, "collectors")
        for vendor in sorted(os.listdir(cdir)):
            vdir = os.path.join(cdir, vendor)
            if not os.path.isdir(vdir) or vendor == "transport":
                continue
            for name in sorted(os.listdir(vdir)):
                if not name.endswith(".c"):
                    continue
                src = read(os.path.join(vdir, name))
                coll = collector_name(src)
                if coll is None:
                    continue
                keys, shared = collector_keys(src)
                self.assertTrue(keys, coll)
                found[coll] = (keys, shared)
                text = words(section(self.man5, coll))
                missing = [k for k in keys if k not in text]
                self.assertEqual(missing, [], coll)
        registry = read(os.path.join(cdir, "registry.c"))
        ops = re.search(r"vx_collectors\[\] = \{(.*?)\};", registry, re.S)
        self.assertEqual(len(found), len(re.findall(r"&\w+_ops", ops.group(1))),
                         sorted(found))
        # The shared rows were found where they are taken.
        for coll, macro, key in (
                ("cisco_asa_snmp", "VX_SNMP_OPTS_KEYS", "max_in_flight"),
                ("juniper_srx_snmp", "VX_SNMP_OPTS_KEYS", "auth_protocol"),
                ("screenos_snmp", "VX_SNMP_OPTS_KEYS", "community"),
                ("cisco_asa_ssh", "VX_SSH_OPTS_KEYS", "known_hosts_file"),
                ("juniper_srx_netconf", "VX_SSH_OPTS_KEYS", "max_output"),
                ("screenos_ssh", "VX_SSH_OPTS_KEYS", "host_key_policy"),
                ("paloalto_api", "VX_HTTPS_OPTS_KEYS", "ca_file"),
                ("juniper_srx_rest", "VX_HTTPS_OPTS_KEYS",
                 "insecure_skip_verify")):
            self.assertIn(coll, found)
            self.assertIn(macro, found[coll][1], coll)
            self.assertIn(key, found[coll][0], coll)
        self.assertEqual(found["syslog"][1], [])

    def test_every_syslog_listener_key_is_in_vpn_exporter_yml_5(self):
        """The top-level 'syslog:' section: its keys in SYSLOG."""
        keys = key_tables(read(os.path.join(ROOT, "exporter",
                                            "config_syslog.c")),
                          "syslog_section_keys")
        self.assertIn("receive_buffer", keys)
        text = words(section(self.man5, "SYSLOG"))
        self.assertEqual([k for k in keys if k not in text], [])

    def test_every_endpoint_is_in_vpn_exporter_1(self):
        """Every path the HTTP server routes, and the /status arguments."""
        paths = set()
        edir = os.path.join(ROOT, "exporter")
        for name in os.listdir(edir):
            if name.startswith(("http", "status")) and name.endswith(".c"):
                paths |= set(re.findall(r'strcmp\(url, "(/[^"]*)"\)',
                                        read(os.path.join(edir, name))))
        self.assertTrue({"/", "/probe", "/-/reload", "/status.json"} <= paths,
                        paths)
        text = section(self.man1, "HTTP ENDPOINTS")
        missing = sorted(p for p in paths
                         if not re.search(rf"^\.\w+ .*{re.escape(p)}(?![\w./-])",
                                          text, re.M))
        self.assertEqual(missing, [], "endpoints missing from vpn_exporter(1)")
        view = read(os.path.join(edir, "status_view.c"))
        args = set(re.findall(r'strcmp\(key, "(\w+)"\)', view))
        self.assertGreaterEqual(len(args), 6, args)
        self.assertEqual(sorted(a for a in args if a not in words(text)), [])

    @unittest.skipUnless(VX_BIN and os.path.exists(VX_BIN), "VX_BIN not built")
    def test_example_loads(self):
        """The EXAMPLE of vpn_exporter.yml(5) is a configuration the
        exporter accepts (its secret and key files stood in for)."""
        text = section(self.man5, "EXAMPLE")
        m = re.search(r"^\.EX\n(.*?)^\.EE$", text, re.S | re.M)
        self.assertIsNotNone(m)
        example = m.group(1)
        self.assertIn("devices:", example)
        with tempfile.TemporaryDirectory() as d:
            for name in re.findall(r"^\s+\w+_file: (\S+)", example, re.M):
                if os.path.isabs(name):
                    continue
                f = os.path.join(d, name)
                os.makedirs(os.path.dirname(f), exist_ok=True)
                with open(f, "w") as out:
                    out.write("example-secret-1234\n")
            path = os.path.join(d, "vpn_exporter.yml")
            with open(path, "w") as out:
                out.write(example)
            r = subprocess.run([VX_BIN, f"--config.file={path}", "--dry-run"],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("configuration OK", r.stdout)

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
