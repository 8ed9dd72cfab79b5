"""The paloalto_api collector under valgrind: keygen, polls with tunnel
details, a key that expires, an error reply, a certificate that does not
verify, a stalled reply, a reload, then SIGTERM.  Any memory error or leak
(libcurl, libxml2 and our own) fails the test."""

import os
import shutil

import vgrun
from vxtest import (Exporter, TmpDirTest, find, main, parse_metrics,
                    skip_or_die, wait_until)
from panos_emu import Panos, make_pki

SCENARIO = {
    "user": "monitor", "password": "vg-secret",
    "tunnels": [
        {"name": "to-a", "peer": "192.0.2.1", "state": "active",
         "counters": {"pkt-decap": 5}},
        {"name": "to-b", "peer": "192.0.2.2", "state": "init"},
    ],
    "global_counters": [{"name": "ipsec_esp_spi_unknown", "value": 3,
                         "category": "ipsec"}],
}


class PanosValgrind(TmpDirTest):
    def test_collector_has_no_memory_errors_or_leaks(self):
        if shutil.which("valgrind") is None:
            skip_or_die("valgrind is not installed")
        pki = make_pki(self.workdir)
        secrets = os.path.join(self.workdir, "secrets")
        good = self.track(Panos(self.workdir, pki, SCENARIO, name="good"))
        bad = self.track(Panos(self.workdir, pki, SCENARIO, name="bad"))
        bad.control({"fault": {"cmd": "show vpn ike-sa",
                               "mode": "error17"}})
        stall = self.track(Panos(self.workdir, pki, SCENARIO, name="stall"))
        stall.control({"fault": {"cmd": "show counter global",
                                 "mode": "stall"}})

        def device(name, fw, ca=None):
            return (f"  - name: {name}\n    vendor: paloalto\n"
                    f"    address: 127.0.0.1\n    collectors:\n"
                    f"      paloalto_api:\n"
                    + fw.collector_yaml(secrets, ca=ca))
        config = ("defaults:\n  interval: 2s\n  timeout: 1500ms\n"
                  "devices:\n" + device("pa-good", good)
                  + device("pa-bad", bad) + device("pa-stall", stall)
                  + device("pa-cert", good, ca=pki["other_ca"]))
        vg_log = os.path.join(self.workdir, "valgrind.log")
        ex = self.track(Exporter(
            self.workdir, config,
            wrapper=vgrun.wrapper(vg_log),
            ready_timeout=60))

        def polled():
            s = parse_metrics(ex.metrics())
            return (find(s, "vpn_up", device="pa-good") == [1] and
                    all(find(s, "vpn_up", device=d) == [0]
                        for d in ("pa-bad", "pa-stall", "pa-cert")))
        wait_until(polled, timeout=90, what="every device polled")
        keygens = good.stats()["stats"]["keygens"]
        good.control({"expire_keys": True})
        wait_until(lambda: good.stats()["stats"]["keygens"] > keygens,
                   timeout=60, what="a new key")
        # A reload that changes the good device: its collector is freed.
        ex.write_config(config.replace("interval: 2s", "interval: 3s"))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"",
                                timeout=60)[0], 200)
        wait_until(lambda: find(parse_metrics(ex.metrics()), "vpn_up",
                                device="pa-good") == [1], timeout=60)
        vgrun.stop_and_check(self, ex, vg_log)


if __name__ == "__main__":
    main()
