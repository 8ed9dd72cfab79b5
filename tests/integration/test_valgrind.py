"""The daemon under valgrind: poll, scrape, probe, reload (good and bad),
a dead device, then SIGTERM.  Any memory error or leak fails the test."""

import os
import re
import shutil

import vgrun
from vxtest import (FIXTURES, Exporter, Snmpsim, TmpDirTest, find, main,
                    parse_metrics, skip_or_die, wait_until)

CONFIG = """defaults:
  interval: 2s
  timeout: 1500ms
  retries: 0
devices:
  - name: asa-a
    vendor: cisco_asa
    address: 127.0.0.1
    expected_peers: [62.28.72.57, 198.51.100.9]
    labels: {{site: "lab \\"1\\""}}
    collectors:
      cisco_asa_snmp:
        port: {port}
        community: public
  - name: asa-dead
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp:
        port: 9
        community: public
  - name: asa-probe
    vendor: cisco_asa
    address: 127.0.0.1
    background: false
    collectors:
      cisco_asa_snmp:
        port: {port}
        community: public
"""


class Valgrind(TmpDirTest):
    def test_daemon_has_no_memory_errors_or_leaks(self):
        if shutil.which("valgrind") is None:
            skip_or_die("valgrind is not installed")
        agent = self.track(Snmpsim(self.workdir, {"public": os.path.join(
            FIXTURES, "cisco_asa",
            "cipSecTunnelTable_partial_librenms12393.snmprec")}))
        vg_log = os.path.join(self.workdir, "valgrind.log")
        ex = self.track(Exporter(
            self.workdir, CONFIG.format(port=agent.port),
            wrapper=vgrun.wrapper(vg_log),
            ready_timeout=60))

        def both_polled():
            s = parse_metrics(ex.metrics())
            return (find(s, "vpn_up", device="asa-a") == [1] and
                    find(s, "vpn_up", device="asa-dead") == [0])
        wait_until(both_polled, timeout=60, what="both devices polled")
        for path in ("/", "/metrics", "/probe?target=asa-probe",
                     "/probe?target=nope", "/-/healthy"):
            ex.get(path, timeout=60)
        ex.get("/metrics", headers={"Accept-Encoding": "gzip",
                                    "Accept": "application/openmetrics-text"})
        # A bad reload, then a good one that drops a device.
        with open(ex.config_path, "a") as f:
            f.write("    bogus: 1\n")
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"",
                                timeout=60)[0], 500)
        ex.write_config(CONFIG.format(port=agent.port).split(
            "  - name: asa-probe")[0])
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"",
                                timeout=60)[0], 200)
        ex.wait_log(r"configuration loaded: 2 devices \(2 unchanged\)")
        wait_until(lambda: find(parse_metrics(ex.metrics()), "vpn_up",
                                device="asa-a") == [1], timeout=30)
        vgrun.stop_and_check(self, ex, vg_log)


if __name__ == "__main__":
    main()
