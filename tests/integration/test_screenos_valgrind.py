"""The ScreenOS collectors under valgrind: screenos_ssh with its kept
login and the VPN names it keeps, a malformed "get sa", a stalled "get sa
stat", screenos_snmp, both on one device, a reload that frees the
collectors, then SIGTERM.  Any memory error or leak (libssh, net-snmp and
our own) fails the test."""

import os
import shutil

import vgrun
import sshd as sshd_lib
from vxtest import (Exporter, TmpDirTest, find, main, parse_metrics,
                    skip_or_die, wait_until)
from screenostest import LAB, Agent, scenario, screenos_sshd, ssh_yaml
from test_screenos import FASTAGENT


class ScreenOSValgrind(TmpDirTest):
    def test_collectors_have_no_memory_errors_or_leaks(self):
        if shutil.which("valgrind") is None:
            skip_or_die("valgrind is not installed")
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            skip_or_die("VX_FASTAGENT is not set or missing")
        sshd_lib.require()
        ok = self.track(screenos_sshd(self.workdir, LAB, name="ok"))
        bad = self.track(screenos_sshd(self.workdir, scenario(
            broken={"get sa": "malformed"}), name="bad"))
        stall = self.track(screenos_sshd(self.workdir, scenario(
            broken={"get sa stat": "stall"}, stall_seconds=20),
            name="stall"))
        ag = self.track(Agent(FASTAGENT, self.workdir, scenario(
            generate={"tunnels": 20})))

        def dev(name, body):
            return (f"  - name: {name}\n    vendor: screenos\n"
                    f"    address: 127.0.0.1\n    collectors:\n" + body)
        snmp = (f"      screenos_snmp:\n        port: {ag.port}\n"
                "        community: public\n")
        config = (
            "defaults:\n  interval: 2s\n  timeout: 1500ms\n  retries: 0\n"
            "devices:\n"
            + dev("ssg-ok", "      screenos_ssh:\n" + ssh_yaml(ok) + snmp)
            + dev("ssg-ids", "      screenos_ssh:\n" + ssh_yaml(
                ok, extra={"vpn_names": False, "sa_stat": False}))
            + dev("ssg-bad", "      screenos_ssh:\n" + ssh_yaml(bad))
            + dev("ssg-stall", "      screenos_ssh:\n" + ssh_yaml(stall)))
        vg_log = os.path.join(self.workdir, "valgrind.log")
        ex = self.track(Exporter(self.workdir, config,
                                 wrapper=vgrun.wrapper(vg_log),
                                 ready_timeout=60))

        def polled():
            s = parse_metrics(ex.metrics())
            return (all(find(s, "vpn_up", device=d) == [1]
                        for d in ("ssg-ok", "ssg-ids")) and
                    all(find(s, "vpn_up", device=d) == [0]
                        for d in ("ssg-bad", "ssg-stall")))
        wait_until(polled, timeout=120, what="every device polled")
        s = parse_metrics(ex.metrics())
        self.assertEqual(len(find(s, "vpn_tunnel_up", device="ssg-ok",
                                  tunnel="vpn-gen3")), 1)
        self.assertEqual(len(find(s, "vpn_tunnel_up", device="ssg-ids",
                                  tunnel="21")), 1)
        ex.write_config(config.replace("interval: 2s", "interval: 3s"))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"",
                                timeout=60)[0], 200)
        wait_until(lambda: find(parse_metrics(ex.metrics()), "vpn_up",
                                device="ssg-ok") == [1], timeout=60)
        vgrun.stop_and_check(self, ex, vg_log)


if __name__ == "__main__":
    main()
