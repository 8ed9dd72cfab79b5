"""Configured secrets never leave the exporter, whatever a device sends.

Each collector gets a device that plants its own secret in its output: an
ASA CLI that echoes the enable secret in an error, an SNMP agent with the
community string in an IKE peer's name.  The secret must appear nowhere
the exporter writes (its log, the landing page, /metrics, /probe), while
the rest of the device's text does, masked.
"""

import os
import re
import socket

from vxtest import (Proc, find, gen_asa, main, parse_metrics, skip_or_die,
                    wait_until)
from asatest import ENABLE, AsaTestBase

FASTAGENT = os.environ.get("VX_FASTAGENT", "")
COMMUNITY = "c0mmunity-Xq7"
CIKE_REMOTE = "1.3.6.1.4.1.9.9.171.1.2.3.1."


class Secrets(AsaTestBase):
    def everything(self, ex):
        """All the exporter wrote: log, landing page, metrics, probes."""
        text = ex.log()
        for path in ("/", "/metrics"):
            status, _, body = ex.get(path)
            text += body.decode("utf-8", "replace")
        return text

    def test_ssh_echoes_the_enable_secret(self):
        s = self.sshd(name="echo", knobs={"replies": {
            "show asp drop": f"ERROR: % Invalid input detected: {ENABLE} "
                             "is not a command"}})
        ex = self.exporter([self.device("asa-echo", s)])
        ex.wait_log(r"level=error device=asa-echo .*is not a command")
        all_text = self.everything(ex)
        self.assertNotIn(ENABLE, all_text)
        self.assertIn("*" * len(ENABLE) + " is not a command", all_text)

    def test_snmp_name_carries_the_community(self):
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            skip_or_die("VX_FASTAGENT is not set or missing")
        path, truth = gen_asa(self.workdir, "s", "--tunnels", "2")
        ike = truth["peers"][0]["ike_index"]
        with open(path) as f:
            lines = f.read().splitlines()
        out = []
        for line in lines:
            oid = line.split("|", 1)[0]
            if oid == f"{CIKE_REMOTE}8.{ike}":
                continue		# no RemoteAddr: the name is the peer
            if oid == f"{CIKE_REMOTE}7.{ike}":
                line = f"{oid}|4|peer-{COMMUNITY}"
            out.append(line)
        with open(path, "w") as f:
            f.write("\n".join(out) + "\n")
        port = wait_until(lambda: self._agent(path), what="fastagent")
        ex = self.exporter([f"""
  - name: asa-snmp
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {port}, community: {COMMUNITY}}}
"""])
        smp = wait_until(lambda: self._up(ex), what="asa-snmp polled")
        masked = "peer-" + "*" * len(COMMUNITY)
        self.assertEqual(find(smp, "vpn_ike_sa_up", peer=masked), [1])
        status, _, body = ex.get("/probe?target=asa-snmp")
        self.assertNotIn(COMMUNITY, body.decode())
        self.assertNotIn(COMMUNITY, self.everything(ex))

    def _agent(self, path):
        if not hasattr(self, "agent"):
            port = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            port.bind(("127.0.0.1", 0))
            self.port = port.getsockname()[1]
            port.close()
            self.agent = self.track(Proc(
                [FASTAGENT, "--listen", f"127.0.0.1:{self.port}", "--data",
                 path, "--community", COMMUNITY], "fastagent",
                self.workdir))
        return self.port if re.search(r"listening on udp",
                                      self.agent.log()) else None

    def _up(self, ex):
        smp = parse_metrics(ex.metrics())
        return smp if find(smp, "vpn_up", device="asa-snmp") == [1] \
            else None


if __name__ == "__main__":
    main()
