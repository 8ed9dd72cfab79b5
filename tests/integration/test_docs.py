"""The documentation stays current: every metric the renderer knows
(core/metrics.def), every collector and every collector option is
documented in the README, and the example configuration loads."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from vxtest import TESTS_DIR, VX_BIN, main

ROOT = os.path.dirname(TESTS_DIR)


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
        return f.read()


class Docs(unittest.TestCase):
    def setUp(self):
        self.readme = read("README.md")

    def test_every_metric_is_listed(self):
        names = re.findall(r'VX_METRIC\(\w+,\s*"(\w+)"',
                           read("core", "metrics.def"))
        self.assertGreater(len(names), 20)
        missing = [n for n in names if f"`{n}`" not in self.readme]
        self.assertEqual(missing, [])

    def test_every_collector_option_is_listed(self):
        # A collector's own option table, and the transport's shared rows
        # it begins with.
        ssh, snmp, https = ("transport/ssh_opts.h", "transport/snmp_opts.h",
                            "transport/https_opts.h")
        for srcs, section in (
                (("cisco_asa/asa_snmp.c", snmp), "cisco_asa_snmp"),
                (("cisco_asa/asa_ssh.c", ssh), "cisco_asa_ssh"),
                (("paloalto/panos_api.c", https), "paloalto_api"),
                (("juniper_srx/srx_netconf.c", ssh), "juniper_srx_netconf"),
                (("juniper_srx/srx_snmp.c", snmp), "juniper_srx_snmp"),
                (("juniper_srx/srx_rest.c", https), "juniper_srx_rest"),
                (("screenos/screenos_ssh.c", ssh), "screenos_ssh"),
                (("screenos/screenos_snmp.c", snmp), "screenos_snmp"),
                (("syslog/syslog_collector.c",), "syslog"),
                (("../exporter/config_syslog.c",), "syslog")):
            keys = []
            for src in srcs:
                text = read("collectors", *src.split("/"))
                keys += re.findall(r'\{ "(\w+)", VX_CFG_T_', text)
            self.assertGreater(len(keys), 3, srcs)
            part = self.readme.split(f"### `{section}`", 1)
            self.assertEqual(len(part), 2, f"no README section {section}")
            body = part[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
            missing = [k for k in keys if f"`{k}`" not in body]
            self.assertEqual(missing, [], section)

    def _example(self, d):
        """The example configuration in d, with its secrets; its env."""
        text = read("examples", "vpn_exporter.yml")
        path = os.path.join(d, "vpn_exporter.yml")
        shutil.copy(os.path.join(ROOT, "examples", "vpn_exporter.yml"), path)
        for name in re.findall(r"^\s+\w+_file: (\S+)", text, re.M):
            f = os.path.join(d, name)
            os.makedirs(os.path.dirname(f), exist_ok=True)
            with open(f, "w") as out:
                out.write("example-secret-1234\n")
        env = dict(os.environ)
        for var in re.findall(r"^\s+\w+_env: (\w+)", text, re.M):
            env[var] = "example-secret-1234"
        return path, env

    @unittest.skipUnless(VX_BIN and os.path.exists(VX_BIN), "VX_BIN not built")
    def test_example_rules_are_generated(self):
        """examples/alerts.yml is exactly what 'vpn_exporter rules' makes of
        the example configuration."""
        with tempfile.TemporaryDirectory() as d:
            path, env = self._example(d)
            r = subprocess.run([VX_BIN, "rules", f"--config.file={path}"],
                               capture_output=True, text=True, env=env,
                               timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, read("examples", "alerts.yml"),
                             "examples/alerts.yml is stale: regenerate it "
                             "with vpn_exporter rules")

    def test_every_alert_has_a_runbook(self):
        rules = read("examples", "alerts.yml")
        urls = set(re.findall(r"runbook_url: \S+/runbooks/(\w+)\.md", rules))
        self.assertGreaterEqual(len(urls), 11)
        for name in urls:
            self.assertTrue(os.path.exists(os.path.join(
                ROOT, "docs", "runbooks", name + ".md")), name)

    @unittest.skipUnless(VX_BIN and os.path.exists(VX_BIN), "VX_BIN not built")
    def test_example_config_loads(self):
        with tempfile.TemporaryDirectory() as d:
            path, env = self._example(d)
            r = subprocess.run([VX_BIN, f"--config.file={path}",
                                "--dry-run"], capture_output=True, text=True,
                               env=env, timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("configuration OK", r.stdout)
            self.assertIn("(5 devices)", r.stdout)

if __name__ == "__main__":
    main()
