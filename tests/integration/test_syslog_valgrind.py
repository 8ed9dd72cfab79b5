"""The syslog listener under valgrind: messages over UDP and TCP (split
across reads, oversize, unknown senders, a device over its peer limit),
a reload that changes the device (its store passes on), one that rebinds
the listener and removes the device, then SIGTERM with a TCP connection
still open.  Any memory error or leak fails the test."""

import os
import shutil
import signal
import socket
import time

from vxtest import (Exporter, TmpDirTest, find, free_port, main,
                    parse_metrics, skip_or_die, wait_until)
from syslogsend import asa_invalid_spi, frame, octet, send_tcp, send_udp

CONFIG = """defaults: {{interval: 1s, timeout: 900ms}}
syslog:
  udp: ["127.0.0.1:{udp}"]
  tcp: ["127.0.0.1:{tcp}"]
  max_message_size: 600
  max_connections: 2
devices:
{devices}"""

ASA = """  - name: asa-1
    vendor: cisco_asa
    address: 127.0.0.1
{extra}    collectors:
      syslog: {{max_peers: 3}}
"""
SSG = """  - name: ssg-1
    vendor: screenos
    address: ssg.example.net
    collectors:
      syslog: {hostnames: [ssg5]}
"""


class SyslogValgrind(TmpDirTest):
    def test_no_memory_errors_or_leaks(self):
        if shutil.which("valgrind") is None:
            skip_or_die("valgrind is not installed")
        udp, tcp = free_port(socket.SOCK_DGRAM), free_port()
        vg_log = os.path.join(self.workdir, "valgrind.log")
        ex = self.track(Exporter(
            self.workdir, CONFIG.format(udp=udp, tcp=tcp, devices=ASA.format(
                extra="") + SSG),
            wrapper=["valgrind", "--leak-check=full",
                     "--errors-for-leak-kinds=definite,indirect",
                     "--error-exitcode=99", f"--log-file={vg_log}"],
            ready_timeout=60))
        send_udp(f"127.0.0.1:{udp}", frame(asa_invalid_spi("10.0.0.1", 1)))
        send_udp(f"127.0.0.1:{udp}", b"<13>" + b"x" * 1000)
        # Named by its host name as the ScreenOS box's (whose parser sees
        # no event in it).
        send_udp(f"127.0.0.1:{udp}", frame(asa_invalid_spi("10.0.0.2", 2),
                                           host="ssg5"), src="127.0.0.3")
        stream = b"".join(octet(frame(asa_invalid_spi(f"10.0.1.{i}", i)))
                          for i in range(8)) + b"<13>no newline yet"
        held = socket.create_connection(("127.0.0.1", tcp))
        self.addCleanup(held.close)
        held.sendall(stream[:50])
        time.sleep(0.2)
        held.sendall(stream[50:])
        send_tcp(f"127.0.0.1:{tcp}", b"12x broken\n" + b"<13>" + b"y" * 900 +
                 b"\n" + octet(frame(asa_invalid_spi("10.0.0.9", 9))))

        def counted():
            s = parse_metrics(ex.metrics())
            return find(s, "vpn_syslog_events_dropped_total",
                        device="asa-1") and find(
                            s, "vpn_syslog_events_dropped_total",
                            device="asa-1")[0] >= 6
        wait_until(counted, timeout=60, what="the messages counted")
        ex.get("/metrics", headers={"Accept": "application/openmetrics-text",
                                    "Accept-Encoding": "gzip"})
        # The device changes: a new one that inherits the store.
        ex.write_config(CONFIG.format(udp=udp, tcp=tcp, devices=ASA.format(
            extra="    labels: {site: x}\n") + SSG))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"",
                                timeout=60)[0], 200)
        send_udp(f"127.0.0.1:{udp}", frame(asa_invalid_spi("10.0.0.1", 3)))
        wait_until(lambda: find(parse_metrics(ex.metrics()),
                                "vpn_invalid_spi_events_total",
                                device="asa-1", peer="10.0.0.1") == [2],
                   timeout=60, what="the count going on")
        # Another port, and the ASA gone.
        udp2 = free_port(socket.SOCK_DGRAM)
        ex.write_config(CONFIG.format(udp=udp2, tcp=tcp, devices=SSG))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"",
                                timeout=60)[0], 200)
        send_udp(f"127.0.0.1:{udp2}", frame(asa_invalid_spi("10.0.0.5", 5)))
        wait_until(lambda: find(parse_metrics(ex.metrics()),
                                "vpn_syslog_messages_total",
                                result="unknown_sender") == [1],
                   timeout=60, what="the ASA's message unknown")
        ex.proc.send(signal.SIGTERM)
        rc = ex.proc.p.wait(timeout=120)
        with open(vg_log) as f:
            report = f.read()
        self.assertEqual(rc, 0, report[-4000:])
        self.assertRegex(report, r"ERROR SUMMARY: 0 errors")
        self.assertNotRegex(report, r"definitely lost: [1-9]")
        self.assertNotRegex(report, r"indirectly lost: [1-9]")


if __name__ == "__main__":
    main()
