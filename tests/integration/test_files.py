#!/usr/bin/env python3
"""integration.files: files named by the configuration cannot wedge it.

Every *_file option (secrets, private_key_file, known_hosts_file) must
name a regular file of at most 64 KiB, opened without blocking.  A device
that never ends (/dev/zero), a FIFO nobody writes to and a 1 GiB sparse
file are each refused with file:line:col at once: in --dry-run, at start,
and on reload (SIGHUP and POST /-/reload), which keeps the running
configuration; SIGTERM then stops the exporter at once.  A configuration
nested 200 KB deep is refused as fast, and so is a configuration file
that is itself a FIFO.
"""

import os
import re
import signal
import subprocess
import time

from vxtest import (VX_BIN, Exporter, FastAgent, TmpDirTest, find, gen_asa,
                    main, parse_metrics, value, wait_until)

GOOD = """\
defaults: {{interval: 2s, timeout: 2s, retries: 0}}
devices:
  - name: asa-good
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public}}
"""

# (option, device entry); {path} is the file under test.  The option's
# value is on line 8, column 23 (see BAD).
OPTIONS = {
    "community_file": """\
  - name: asa-bad
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp:
        port: 161
        community_file: {path}
""",
    "known_hosts_file": """\
  - name: asa-bad
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_ssh:
        username: monitor
        known_hosts_file: {path}
        password: not-used
""",
    "private_key_file": """\
  - name: asa-bad
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_ssh:
        username: monitor
        private_key_file: {path}
        known_hosts_file: known_hosts
""",
}

KINDS = {
    "zero": "a character device, not a regular file",
    "fifo": "a FIFO, not a regular file",
    "sparse": "1073741824 bytes, more than the 65536 allowed",
}


class Files(TmpDirTest):
    def setUp(self):
        super().setUp()
        self.paths = {"zero": "/dev/zero",
                      "fifo": os.path.join(self.workdir, "fifo"),
                      "sparse": os.path.join(self.workdir, "sparse")}
        os.mkfifo(self.paths["fifo"])
        with open(self.paths["sparse"], "wb") as f:
            f.truncate(1 << 30)
        with open(os.path.join(self.workdir, "known_hosts"), "w"):
            pass

    def config(self, port, option, kind):
        return GOOD.format(port=port) + OPTIONS[option].format(
            path=self.paths[kind])

    def want(self, cfg_path, option, kind):
        """The one error: position of the value, option, file, cause."""
        col = 9 + len(option) + 2
        return (f"{cfg_path}:14:{col}: " if option == "community_file" else
                f"{cfg_path}:14:{col}: cisco_asa_ssh of device 'asa-bad': "
                ) + (f"cannot read {option} '{self.paths[kind]}': "
                     f"{KINDS[kind]}")

    def dry_run(self, path):
        t0 = time.monotonic()
        r = subprocess.run([VX_BIN, f"--config.file={path}", "--dry-run"],
                           capture_output=True, text=True, timeout=30)
        return r, time.monotonic() - t0

    def test_dry_run(self):
        for option in OPTIONS:
            for kind in KINDS:
                path = os.path.join(self.workdir, f"{option}-{kind}.yml")
                with open(path, "w") as f:
                    f.write(self.config(161, option, kind))
                r, took = self.dry_run(path)
                what = f"{option} = {kind}"
                self.assertEqual(r.returncode, 1, what)
                self.assertIn(self.want(path, option, kind), r.stderr, what)
                self.assertIn("has 1 error", r.stderr, what)
                # At once, not after reading a gigabyte (or for ever).
                self.assertLess(took, 3, what)

    def test_start_refused(self):
        for kind in KINDS:
            ex = Exporter(self.workdir, self.config(161, "community_file",
                                                    kind),
                          name=f"start-{kind}", wait_ready=False)
            wait_until(lambda: not ex.proc.alive(), timeout=10,
                       what="the exporter to exit")
            self.assertEqual(ex.stop(), 1)
            self.assertIn(self.want(ex.config_path, "community_file", kind),
                          ex.log())

    def test_reload_refused_keeps_running(self):
        data, _ = gen_asa(self.workdir, "good", "--tunnels", "2")
        agent = self.track(FastAgent(self.workdir, data))
        ex = self.track(Exporter(self.workdir, GOOD.format(port=agent.port)))

        def up():
            return find(parse_metrics(ex.metrics()), "vpn_up",
                        device="asa-good") == [1]

        wait_until(up, timeout=20, what="asa-good up")
        for option in OPTIONS:
            for kind in KINDS:
                ex.write_config(self.config(agent.port, option, kind))
                t0 = time.monotonic()
                status, _, body = ex.get("/-/reload", method="POST",
                                         data=b"", timeout=10)
                self.assertLess(time.monotonic() - t0, 3)
                self.assertEqual(status, 500)
                self.assertIn(self.want(ex.config_path, option, kind),
                              body.decode())
        # SIGHUP too: the error with its position, the old configuration
        # kept and still polling.
        ex.write_config(self.config(agent.port, "community_file", "fifo"))
        ex.proc.send(signal.SIGHUP)
        ex.wait_log(re.escape(self.want(ex.config_path, "community_file",
                                        "fifo")) + "\"")
        ex.wait_log(r"configuration not loaded \(1 error\); keeping the "
                    r"running configuration")
        samples = parse_metrics(ex.metrics())
        self.assertEqual(value(
            samples, "vpn_exporter_config_last_reload_successful"), 0)
        self.assertEqual(value(samples, "vpn_exporter_devices"), 1)
        self.assertTrue(up())
        t0 = time.monotonic()
        self.assertEqual(ex.stop(), 0)
        self.assertLess(time.monotonic() - t0, 6)

    def test_deep_nesting(self):
        """200 KB of '[': refused at the 65th level, in well under a
        second (the whole tree used to be built first, for 23 s)."""
        path = os.path.join(self.workdir, "deep.yml")
        with open(path, "w") as f:
            f.write("devices: " + "[" * 200000 + "\n")
        r, took = self.dry_run(path)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:1:74: nesting deeper than 64 levels",
                      r.stderr)
        self.assertLess(took, 3)

    def test_config_file_is_a_fifo(self):
        r, took = self.dry_run(self.paths["fifo"])
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{self.paths['fifo']}: cannot open: a FIFO, not a "
                      "regular file", r.stderr)
        self.assertLess(took, 3)


if __name__ == "__main__":
    main()
