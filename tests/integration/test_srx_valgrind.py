"""The Juniper SRX collectors under valgrind: NETCONF over both framings
(a kept session, a cluster, a malformed reply, a stall), SNMP and REST
(a wrong password), a reload that frees the collectors, then SIGTERM.
Any memory error or leak (libssh, libxml2, libcurl, net-snmp and our own)
fails the test."""

import os
import re
import shutil

import vgrun
import sshd as sshd_lib
from vxtest import (Exporter, Proc, TmpDirTest, find, main, parse_metrics,
                    skip_or_die, wait_until)
from panos_emu import make_pki
from srxtest import (TUNNELS_UP, SrxRest, netconf_yaml, scenario,
                     srx_sshd)
from test_srx_snmp import FASTAGENT, GEN


class SrxValgrind(TmpDirTest):
    def test_collectors_have_no_memory_errors_or_leaks(self):
        if shutil.which("valgrind") is None:
            skip_or_die("valgrind is not installed")
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            skip_or_die("VX_FASTAGENT is not set or missing")
        sshd_lib.require()
        pki = make_pki(self.workdir)
        nc = self.track(srx_sshd(self.workdir, TUNNELS_UP, name="nc"))
        ha = self.track(srx_sshd(self.workdir, scenario(
            nodes=["node0", "node1"], base11=False), name="ha"))
        bad = self.track(srx_sshd(self.workdir, scenario(
            broken={"ike_sa": "malformed"}), name="bad"))
        stall = self.track(srx_sshd(self.workdir, scenario(
            broken={"stats": "stall"}, stall_seconds=20), name="stall"))
        rest = self.track(SrxRest(self.workdir, pki, TUNNELS_UP))
        data = os.path.join(self.workdir, "srx.snmprec")
        import subprocess
        import sys
        subprocess.run([sys.executable, GEN, "--tunnels", "20", "-o", data],
                       check=True)
        fa = self.track(Proc([FASTAGENT, "--listen", "127.0.0.1:0",
                              "--data", data], "fastagent", self.workdir))
        port = wait_until(lambda: re.search(
            r"listening on udp/127\.0\.0\.1:(\d+)", fa.log()),
            what="fastagent").group(1)
        wrong = os.path.join(self.workdir, "wrong")
        with open(wrong, "w") as f:
            f.write("wrong-password\n")

        def dev(name, body):
            return (f"  - name: {name}\n    vendor: juniper_srx\n"
                    f"    address: 127.0.0.1\n    collectors:\n" + body)
        config = (
            "defaults:\n  interval: 2s\n  timeout: 1500ms\n  retries: 0\n"
            "devices:\n"
            + dev("srx-nc", "      juniper_srx_netconf:\n" + netconf_yaml(nc)
                  + f"      juniper_srx_snmp:\n        port: {port}\n"
                  "        community: public\n")
            + dev("srx-ha", "      juniper_srx_netconf:\n" + netconf_yaml(ha))
            + dev("srx-bad", "      juniper_srx_netconf:\n"
                  + netconf_yaml(bad))
            + dev("srx-stall", "      juniper_srx_netconf:\n"
                  + netconf_yaml(stall))
            + dev("srx-rest", "      juniper_srx_rest:\n"
                  + rest.collector_yaml())
            + dev("srx-pw", "      juniper_srx_rest:\n"
                  + rest.collector_yaml(password_file=wrong)))
        vg_log = os.path.join(self.workdir, "valgrind.log")
        ex = self.track(Exporter(self.workdir, config,
                                 wrapper=vgrun.wrapper(vg_log),
                                 ready_timeout=60))

        def polled():
            s = parse_metrics(ex.metrics())
            return (all(find(s, "vpn_up", device=d) == [1]
                        for d in ("srx-nc", "srx-ha", "srx-rest")) and
                    all(find(s, "vpn_up", device=d) == [0]
                        for d in ("srx-bad", "srx-stall", "srx-pw")))
        wait_until(polled, timeout=120, what="every device polled")
        ex.write_config(config.replace("interval: 2s", "interval: 3s"))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"",
                                timeout=60)[0], 200)
        wait_until(lambda: find(parse_metrics(ex.metrics()), "vpn_up",
                                device="srx-nc") == [1], timeout=60)
        vgrun.stop_and_check(self, ex, vg_log)


if __name__ == "__main__":
    main()
