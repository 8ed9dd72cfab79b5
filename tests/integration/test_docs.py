"""The README stays current: every metric the renderer knows
(core/metrics.def), every collector and every collector option is
documented there."""

import os
import re
import unittest

from vxtest import TESTS_DIR, main

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
        for src, section in (("asa_snmp.c", "cisco_asa_snmp"),
                             ("asa_ssh.c", "cisco_asa_ssh")):
            text = read("collectors", "cisco_asa", src)
            keys = re.findall(r'^\t\{ "(\w+)", VX_CFG_T_', text, re.M)
            self.assertTrue(keys, src)
            part = self.readme.split(f"### `{section}`", 1)
            self.assertEqual(len(part), 2, f"no README section {section}")
            body = part[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
            missing = [k for k in keys if f"`{k}`" not in body]
            self.assertEqual(missing, [], section)


if __name__ == "__main__":
    main()
