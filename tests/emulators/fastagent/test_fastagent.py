#!/usr/bin/env python3
"""integration.fastagent: vx_fastagent answers like snmpsim on the same data.

Generates a small ASA with gen_asa_snmprec.py, serves it with both
snmpsim and vx_fastagent, and compares the output of the net-snmp
command-line tools (walks, bulk walks, gets, bulk gets).  Behaviour where
snmpsim is not a reference (SNMPv1 and Counter64, noSuchObject, message
size limits, wrong community, per-PDU delay) is checked against expected
values instead, and so is reloading a data file that changed.

Environment: VX_FASTAGENT (path of the binary, set by ctest), VX_TESTS_DIR,
PYTHONPATH=tests/lib.
"""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "lib"))
import vxtest  # noqa: E402

FastAgent = vxtest.FastAgent
GEN = os.path.join(vxtest.EMULATORS, "gen_asa_snmprec.py")
TUN = "1.3.6.1.4.1.9.9.171.1.3.2.1"


def snmp(tool, target, *args, community="public", version="2c",
         check=True, timeout="2", retries="1"):
    opts = [a for a in args if a.startswith("-")]
    oids = [a for a in args if not a.startswith("-")]
    argv = [tool, f"-v{version}", "-c", community, "-On", "-t", timeout,
            "-r", retries, *opts, target, *oids]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(argv)}: rc {r.returncode}: "
                             f"{r.stderr}")
    return r


class FastAgentTest(vxtest.TmpDirTest):

    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.workdir, "asa.snmprec")
        subprocess.run([sys.executable, GEN, "--tunnels", "24",
                        "--dead-peers", "2", "--seed", "fastagent",
                        "-o", self.data], check=True)
        with open(self.data) as f:
            self.lines = [ln.rstrip("\n") for ln in f]
        self.oids = ["." + ln.split("|", 1)[0] for ln in self.lines]

    def both(self):
        sim = self.track(vxtest.Snmpsim(self.workdir,
                                        {"public": self.data}))
        fa = self.track(FastAgent(self.workdir, self.data))
        self.assertEqual(fa.nvarbinds, len(self.lines))
        return f"127.0.0.1:{sim.port}", fa.target

    def assert_same(self, sim, fa, tool, *args):
        a = snmp(tool, sim, *args).stdout
        b = snmp(tool, fa, *args).stdout
        end = "No more variables left in this MIB View"
        if tool == "snmpbulkwalk" and end in a:
            # Walking off the end of the MIB: snmpsim pads its last
            # GETBULK response with rows of endOfMibView, which
            # snmpbulkwalk prints; fastagent (like snmpd) stops after the
            # first such row.  Compare the values, and the first end.
            a_vals = [ln for ln in a.splitlines() if end not in ln]
            b_vals = [ln for ln in b.splitlines() if end not in ln]
            self.assertEqual(a_vals, b_vals, f"{tool} {args}: differ")
            self.assertIn(end, b.splitlines()[-1])
            self.assertEqual(sum(end in ln for ln in b.splitlines()), 1)
            return b
        self.assertTrue(a.strip(), f"{tool} {args}: snmpsim said nothing")
        self.assertEqual(a, b, f"{tool} {args}: outputs differ")
        return b

    def test_same_as_snmpsim(self):
        sim, fa = self.both()
        out = self.assert_same(sim, fa, "snmpwalk", ".1")
        # Every record plus the endOfMibView line snmpwalk prints for .1.
        self.assertEqual(len(out.splitlines()), len(self.lines) + 1)
        for r in ("50", "7", "1"):
            self.assert_same(sim, fa, "snmpbulkwalk", f"-Cr{r}", ".1")
        for sub in (TUN, TUN + ".27", "1.3.6.1.4.1.9.9.171.1.3.4",
                    "1.3.6.1.4.1.9.9.392.1.3", "1.3.6.1.2.1.1"):
            self.assert_same(sim, fa, "snmpbulkwalk", "-Cr25", sub)
        # Present objects, several per PDU, every type the generator uses.
        sample = self.oids[::37][:40]
        self.assert_same(sim, fa, "snmpget", *sample)
        # GETBULK: non-repeaters plus interleaved repeaters (row-major),
        # kept under snmpsim's 64-varbind cap and away from the end.
        self.assert_same(sim, fa, "snmpbulkget", "-Cn2", "-Cr10",
                         "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5",
                         TUN + ".2", TUN + ".27", TUN + ".45.5",
                         "1.3.6.1.4.1.9.9.171.1.3.4.1.3")

    def test_exceptions_and_limits(self):
        fa = self.track(FastAgent(self.workdir, self.data)).target
        out = snmp("snmpget", fa, "1.3.6.1.2.1.1.5.0", TUN + ".27.9999",
                   "1.3.6.1.2.1.1.99.0", "1.3.6.1.4.1.9.9.392.1.3.29.0"
                   ).stdout.splitlines()
        self.assertRegex(out[0], r'^\.1\.3\.6\.1\.2\.1\.1\.5\.0 = '
                         r'STRING: "asa-sim"$')
        self.assertIn("No Such Instance", out[1])
        self.assertIn("No Such Object", out[2])
        self.assertEqual(out[3], ".1.3.6.1.4.1.9.9.392.1.3.29.0 = "
                         "Gauge32: 22")

        # endOfMibView after the last OID: GETBULK with two columns.
        last = self.oids[-1]
        out = snmp("snmpbulkget", fa, "-Cr3", last, self.oids[-2]
                   ).stdout.splitlines()
        self.assertEqual(len(out), 4, out)     # stops after a row of ends
        self.assertIn("No more variables", out[0])
        self.assertTrue(out[1].startswith(last + " = "), out)
        self.assertIn("No more variables", out[2])
        self.assertIn("No more variables", out[3])

        # SNMPv1: Counter64 objects are invisible; the walk ends cleanly.
        v2 = snmp("snmpwalk", fa, ".1").stdout.splitlines()
        v1 = [ln for ln in snmp("snmpwalk", fa, ".1", version="1"
                                ).stdout.splitlines() if ln != "End of MIB"]
        expect = [ln for ln in v2 if "Counter64" not in ln
                  and "No more variables" not in ln]
        self.assertEqual(v1, expect)
        self.assertLess(len(v1), len(v2) - 1)
        r = snmp("snmpget", fa, "1.3.6.1.2.1.1.99.0", version="1",
                 check=False)
        self.assertIn("noSuchName", r.stderr)

        # Wrong community: no answer at all.
        t0 = time.monotonic()
        r = snmp("snmpget", fa, "1.3.6.1.2.1.1.5.0", community="wrong",
                 check=False, timeout="0.5", retries="0")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Timeout", r.stderr)
        self.assertGreater(time.monotonic() - t0, 0.4)

    def test_max_msg_size(self):
        fa = self.track(FastAgent(self.workdir, self.data,
                                  "--max-msg-size", "484")).target
        # GETBULK is truncated to what fits...
        out = snmp("snmpbulkget", fa, "-Cr100", TUN).stdout.splitlines()
        self.assertTrue(5 < len(out) < 100, len(out))
        self.assertEqual([ln.split(" = ")[0] for ln in out],
                         [o for o in self.oids if o.startswith("." + TUN)]
                         [:len(out)])
        # ...and a GET that does not fit is tooBig.
        r = snmp("snmpget", fa, *self.oids[100:160], check=False)
        self.assertIn("tooBig", r.stderr + r.stdout)
        # A bulk walk still works, in small PDUs.
        out = snmp("snmpbulkwalk", fa, "-Cr50", ".1").stdout.splitlines()
        self.assertEqual(len(out), len(self.lines) + 1)

    def test_delay_per_pdu(self):
        fa = self.track(FastAgent(self.workdir, self.data,
                                  "--delay-ms", "20")).target
        t0 = time.monotonic()
        out = snmp("snmpbulkwalk", fa, "-Cr10", TUN + ".27").stdout
        elapsed = time.monotonic() - t0
        rows = len(out.splitlines())
        pdus = rows // 10 + 1
        self.assertGreaterEqual(elapsed, pdus * 0.020)

    def waiting_at_most(self, fa):
        fa.stop()
        m = re.search(r"(\d+) answers waiting at most", fa.proc.log())
        self.assertIsNotNone(m, fa.proc.log())
        return int(m.group(1))

    def test_delay_does_not_serialise(self):
        """Requests that arrive together are all answered --delay-ms
        after they came in: the agent holds four answers at once.  With
        --serial the delay is a service time: one request at a time."""
        for serial, want in ((False, 4), (True, 0)):
            args = ["--delay-ms", "500"] + (["--serial"] if serial else [])
            fa = self.track(FastAgent(self.workdir, self.data, *args,
                                      name=f"fastagent-{serial}"))
            procs = [subprocess.Popen(
                ["snmpget", "-v2c", "-c", "public", "-On", "-t", "5",
                 "-r", "0", fa.target, "1.3.6.1.2.1.1.5.0"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(4)]
            for p in procs:
                out, err = p.communicate(timeout=30)
                self.assertEqual(p.returncode, 0, err)
                self.assertIn("asa-sim", out)
            self.assertEqual(self.waiting_at_most(fa), want)

    def test_loop(self):
        """--loop answers GETNEXT and GETBULK with the OIDs asked for:
        net-snmp's own tools see a walk that does not advance."""
        fa = self.track(FastAgent(self.workdir, self.data, "--loop"))
        for tool in ("snmpwalk", "snmpbulkwalk"):
            r = snmp(tool, fa.target, TUN + ".5", check=False)
            self.assertIn("OID not increasing", r.stderr, tool)
        out = snmp("snmpget", fa.target, "1.3.6.1.2.1.1.5.0").stdout
        self.assertIn("asa-sim", out)

    def test_reload(self):
        fa = self.track(FastAgent(self.workdir, self.data))
        name = "1.3.6.1.2.1.1.5.0"

        def sysname():
            out = snmp("snmpget", fa.target, name).stdout.strip()
            return out.split("STRING: ", 1)[-1].strip('"')

        def replace(lines):
            tmp = self.data + ".tmp"
            with open(tmp, "w") as f:
                f.write("".join(ln + "\n" for ln in lines))
            os.replace(tmp, self.data)

        self.assertEqual(sysname(), "asa-sim")
        # A new file renamed over the old one is served from the next
        # request on (the file is looked at every 100 ms at most), with
        # the rows it adds and without the ones it drops.
        extra = "1.3.6.1.2.1.1.6.0|4|rack 7"
        gone = self.oids[-1]
        lines = [ln.replace("|4|asa-sim", "|4|asa-reloaded") if
                 ln.startswith(name + "|") else ln for ln in self.lines]
        replace(sorted(lines[:-1] + [extra]))
        vxtest.wait_until(lambda: sysname() == "asa-reloaded", timeout=5,
                          what="the new sysName")
        self.assertIn(f"reloaded {len(self.lines)} varbinds", fa.proc.log())
        out = snmp("snmpget", fa.target, "1.3.6.1.2.1.1.6.0", gone).stdout
        self.assertIn('STRING: "rack 7"', out)
        self.assertRegex(out, gone + " = No Such (Instance|Object)")

        # A file that does not load: the old data stays, the reason is
        # logged once, and that version is not tried again.
        replace(lines[:5] + ["1.3.6.1.2.1.1.7.0|4x|zz"] + lines[5:])
        fail = re.compile(r"reload \(file changed\) failed, still serving "
                          rf"{len(self.lines)} varbinds: \S+:6: bad value")
        vxtest.wait_until(lambda: sysname() and fail.search(fa.proc.log()),
                          timeout=5, what="the failed reload logged")
        for _ in range(3):
            time.sleep(0.12)
            self.assertEqual(sysname(), "asa-reloaded")
        self.assertEqual(len(fail.findall(fa.proc.log())), 1)

        # SIGHUP reloads at once, with no request to notice a change.
        replace(self.lines)
        fa.proc.send(signal.SIGHUP)
        vxtest.wait_until(lambda: re.search(
            rf"reloaded {len(self.lines)} varbinds from \S+ \(SIGHUP\)",
            fa.proc.log()), timeout=5, what="the SIGHUP reload")
        self.assertTrue(fa.proc.alive())
        self.assertEqual(sysname(), "asa-sim")


if __name__ == "__main__":
    # Before unittest runs: it would turn skip_or_die's exit into an error.
    if not vxtest.FASTAGENT or not os.path.exists(vxtest.FASTAGENT):
        vxtest.skip_or_die("VX_FASTAGENT is not set or missing")
    for tool in ("snmpsimd", "snmpwalk", "snmpbulkwalk", "snmpget",
                 "snmpbulkget"):
        vxtest.need_binary(tool)
    vxtest.main()
