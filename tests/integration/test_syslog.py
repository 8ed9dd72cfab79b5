"""The syslog listener against the real exporter: util-linux `logger`
sending RFC 3164 and RFC 5424 messages over UDP and over TCP (octet
counting and newline framing); attribution by source address and by host
name (case aside); unknown senders counted, never trusted; a device's peer limit; a
reload that changes a device keeps its counts, one that removes it stops
them; a reload whose address cannot be bound is refused.  And the demo
lab's sender: the ASA model's one-sided rekey logged as a real ASA logs
it, rate-limited, with the SPI the peer sends."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

from vxtest import (EMULATORS, FIXTURES, Exporter, Proc, TmpDirTest, find,
                    free_port, main, need_binary, parse_metrics,
                    promtool_check, value, wait_until)
from syslogsend import (asa_auth, asa_invalid_spi, asa_replay, frame, octet,
                        screenos_bad_spi, send_tcp, send_udp)

PEER = "203.0.113.9"


def config(port, extra="", asa_opts="{}", ssg=True, asa=True,
           udp_port=None):
    udp = udp_port or port
    text = f"""defaults: {{interval: 1s, timeout: 500ms}}
syslog:
  udp: ["127.0.0.1:{udp}", "127.0.0.2:{udp}"]
  tcp: ["127.0.0.1:{port}"]
devices:
"""
    if asa:
        text += f"""  - name: asa-1
    vendor: cisco_asa
    address: 127.0.0.1
{extra}    collectors:
      syslog: {asa_opts}
"""
    if ssg:
        text += f"""  - name: ssg-1
    vendor: screenos
    address: ssg.example.net
    collectors:
      syslog: {{hostnames: [SSG5]}}
"""
    return text


def both_free_port():
    """A port free for UDP and TCP on 127.0.0.1 and 127.0.0.2."""
    for _ in range(50):
        p = free_port()
        try:
            for host in ("127.0.0.1", "127.0.0.2"):
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.bind((host, p))
            return p
        except OSError:
            continue
    raise AssertionError("no free port")


def logger(*args):
    subprocess.run([need_binary("logger"), *args], check=True, timeout=30)


class Syslog(TmpDirTest):
    def start(self, text):
        self.ex = self.track(Exporter(self.workdir, text))
        return self.ex

    def samples(self):
        return parse_metrics(self.ex.metrics())

    def wait_value(self, want, name, **labels):
        def ok():
            v = find(self.samples(), name, **labels)
            return v == [want]
        wait_until(ok, timeout=15, what=f"{name}{labels} == {want}")

    def reload(self):
        before = self.ex.log().count("configuration loaded")
        refused = self.ex.log().count("configuration not loaded")
        self.ex.proc.send(signal.SIGHUP)
        wait_until(lambda: self.ex.log().count("configuration loaded") >
                   before or self.ex.log().count("configuration not loaded")
                   > refused, timeout=10, what="the reload")

    def test_logger_udp_and_tcp(self):
        port = both_free_port()
        self.start(config(port))
        addr = ["-n", "127.0.0.1", "-P", str(port), "-p", "local4.warning"]
        # RFC 3164 over UDP, and RFC 5424 (logger's default).
        logger(*addr, "-d", "--rfc3164", "-t", "%ASA-4-402114",
               asa_invalid_spi(PEER, 0xAAAA).split(": ", 1)[1])
        logger(*addr, "-d", "-t", "%ASA-4-402119",
               asa_replay(PEER, 0xAAAB).split(": ", 1)[1])
        # TCP, octet-counted RFC 5424, then newline-framed RFC 3164.
        logger(*addr, "-T", "--octet-count", "-t", "%ASA-4-402114",
               asa_invalid_spi(PEER, 0xBBBB).split(": ", 1)[1])
        logger(*addr, "-T", "--rfc3164", "-t", "%ASA-4-402120",
               asa_auth("198.51.100.7", 0xBBBC).split(": ", 1)[1])
        logger(*addr, "-T", "--rfc3164", "-t", "%ASA-6-302013",
               "Built inbound TCP connection 1")
        # The ScreenOS box has no address of its own here: the host name
        # in its messages names it (logger always sends from 127.0.0.1,
        # which is the ASA's, so this one comes from another address).
        send_udp(f"127.0.0.2:{port}", frame(screenos_bad_spi(
            "198.51.100.8", 0xCCCC), host="ssg5", pri=129), src="127.0.0.4")
        # Nobody's: another loopback address, another host name.
        send_udp(f"127.0.0.1:{port}", frame(asa_invalid_spi(PEER, 1),
                 host="intruder"), src="127.0.0.3")

        self.wait_value(2, "vpn_invalid_spi_events_total", device="asa-1",
                        peer=PEER)
        self.wait_value(1, "vpn_invalid_spi_events_total", device="ssg-1",
                        peer="198.51.100.8")
        s = self.samples()
        self.assertEqual(value(s, "vpn_ipsec_error_events_total",
                               device="asa-1", peer=PEER, type="replay"), 1)
        self.assertEqual(value(s, "vpn_ipsec_error_events_total",
                               device="asa-1", peer="198.51.100.7",
                               type="auth"), 1)
        self.assertEqual(value(s, "vpn_invalid_spi_events_total",
                               device="asa-1", peer="198.51.100.7"), 0)
        # The last offending SPI, and when.
        self.assertEqual(value(s, "vpn_invalid_spi_last_event_info",
                               device="asa-1", peer=PEER,
                               spi="0x0000bbbb"), 1)
        self.assertEqual(find(s, "vpn_invalid_spi_last_event_info",
                              device="asa-1", spi="0x0000aaaa"), [])
        ts = value(s, "vpn_invalid_spi_last_event_timestamp_seconds",
                   device="asa-1", peer=PEER)
        self.assertLess(abs(ts - time.time()), 60)
        self.assertEqual(value(s, "vpn_invalid_spi_last_event_info",
                               device="ssg-1", peer="198.51.100.8",
                               spi="0x0000cccc"), 1)
        for result, n in (("event", 5), ("other", 1),
                          ("unknown_sender", 1), ("malformed", 0),
                          ("dropped", 0)):
            self.assertEqual(value(s, "vpn_syslog_messages_total",
                                   result=result), n, result)
        self.assertEqual(value(s, "vpn_collector_up", device="asa-1",
                               collector="syslog"), 1)
        self.assertEqual(value(s, "vpn_syslog_events_dropped_total",
                               device="asa-1"), 0)
        # Nothing of the intruder's got in.
        self.assertEqual(find(s, "vpn_invalid_spi_events_total",
                              peer=PEER, device="ssg-1"), [])
        self.ex.wait_log(r"syslog: 1 message from unknown senders \(the "
                         r"last from 127\.0\.0\.3, host name 'intruder'\)")
        ok, out = promtool_check(self.ex.metrics())
        self.assertTrue(ok, out)

    def test_reload_keeps_counts(self):
        port = both_free_port()
        self.start(config(port, ssg=False))
        tcp = f"127.0.0.1:{port}"
        send_tcp(tcp, b"".join(octet(frame(asa_invalid_spi(PEER, i)))
                               for i in range(1, 4)))
        self.wait_value(3, "vpn_invalid_spi_events_total", device="asa-1",
                        peer=PEER)
        # A changed device is a new one that inherits the store.
        self.ex.write_config(config(port, ssg=False,
                                    extra="    labels: {site: x}\n"))
        self.reload()
        self.assertIn("(0 unchanged)", self.ex.log())
        send_tcp(tcp, octet(frame(asa_invalid_spi(PEER, 9))))
        self.wait_value(4, "vpn_invalid_spi_events_total", device="asa-1",
                        peer=PEER, site="x")
        s = self.samples()
        self.assertEqual(value(s, "vpn_invalid_spi_last_event_info",
                               device="asa-1", peer=PEER,
                               spi="0x00000009"), 1)
        # A device removed: its address is nobody's any more.
        self.ex.write_config(config(port, asa=False))
        self.reload()
        send_tcp(tcp, octet(frame(asa_invalid_spi(PEER, 10))))
        self.wait_value(1, "vpn_syslog_messages_total",
                        result="unknown_sender")
        self.assertEqual(find(self.samples(), "vpn_invalid_spi_events_total",
                              device="asa-1"), [])

    def test_peer_limit(self):
        port = both_free_port()
        self.start(config(port, ssg=False, asa_opts="{max_peers: 3}"))
        send_tcp(f"127.0.0.1:{port}", b"".join(
            octet(frame(asa_invalid_spi(f"10.0.0.{i}", i)))
            for i in range(1, 11)))
        self.wait_value(7, "vpn_syslog_events_dropped_total", device="asa-1")
        s = self.samples()
        self.assertEqual(len(find(s, "vpn_invalid_spi_events_total",
                                  device="asa-1")), 3)
        self.assertEqual(value(s, "vpn_syslog_messages_total",
                               result="dropped"), 7)
        self.assertEqual(value(s, "vpn_syslog_messages_total",
                               result="event"), 3)

    def test_rebind(self):
        port = both_free_port()
        self.start(config(port, ssg=False))
        busy = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        busy.bind(("127.0.0.1", 0))
        self.addCleanup(busy.close)
        # A port already in use: the reload is refused, the old one works.
        self.ex.write_config(config(port, ssg=False,
                                    udp_port=busy.getsockname()[1]))
        self.reload()
        self.ex.wait_log(r"syslog: cannot listen on udp 127\.0\.0\.1:\d+")
        self.wait_value(0, "vpn_exporter_config_last_reload_successful")
        send_udp(f"127.0.0.1:{port}", frame(asa_invalid_spi(PEER, 1)))
        self.wait_value(1, "vpn_invalid_spi_events_total", device="asa-1",
                        peer=PEER)
        # A free one: the new port listens, the old one does not.
        new = both_free_port()
        self.ex.write_config(config(port, ssg=False, udp_port=new))
        self.reload()
        self.wait_value(1, "vpn_exporter_config_last_reload_successful")
        send_udp(f"127.0.0.1:{new}", frame(asa_invalid_spi(PEER, 2)))
        self.wait_value(2, "vpn_invalid_spi_events_total", device="asa-1",
                        peer=PEER)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", port))     # free again


    def test_model_asa_logs_its_drops(self):
        sys.path.insert(0, EMULATORS)
        import asa_model
        port = both_free_port()
        self.start(f"""defaults: {{interval: 1s, timeout: 500ms}}
syslog:
  udp: ["127.0.0.1:{port}"]
devices:
  - name: asa-par1
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      syslog: {{sources: [127.0.0.11]}}
""")
        scenario = os.path.join(FIXTURES, "asa_model", "par.json")
        counts = os.path.join(self.workdir, "sent.json")
        # t = 57 s now: asa-par1 rekeys one-sidedly with 203.0.113.9 at 60.
        start = time.time() - 57
        sender = self.track(Proc(
            [sys.executable, os.path.join(EMULATORS, "asa_syslog.py"),
             "--scenario", scenario, "--device", "PAR1",
             "--to", f"127.0.0.1:{port}", "--start", repr(start),
             "--source", "127.0.0.11", "--every", "0.5",
             "--count-file", counts], "asa-syslog", self.workdir))
        labels = {"device": "asa-par1", "peer": "203.0.113.9"}
        wait_until(lambda: find(self.samples(), "vpn_invalid_spi_events_total",
                                **labels) in ([2], [3]),
                   timeout=30, what="two invalid-SPI messages")
        sender.stop()
        elapsed = time.time() - start - 60
        with open(counts) as f:
            sent = json.load(f)
        truth = asa_model.truth(scenario, "PAR1", time.time() - start)
        peer_spi = truth["tunnels"]["203.0.113.9"]["children"][0][
            "peer_spis"]["spi_out"]
        s = self.samples()
        got = value(s, "vpn_invalid_spi_events_total", **labels)
        # Every message counted, at most one every 5 s, with the SPI the
        # peer sends while the ends disagree.
        self.assertEqual(got, sent["203.0.113.9"])
        self.assertLessEqual(got, elapsed / 5 + 1)
        self.assertEqual(value(s, "vpn_invalid_spi_last_event_info",
                               spi=peer_spi, **labels), 1)
        self.assertFalse(truth["tunnels"]["203.0.113.9"]["spis_match"])


    def test_offline_parse(self):
        """vpn_exporter parse --command syslog: a log, as received or as
        written to a file, counted as the listener would."""
        from vxtest import VX_BIN
        log = os.path.join(FIXTURES, "syslog", "cisco_asa_rfc3164.txt")
        r = subprocess.run([VX_BIN, "parse", "--vendor", "cisco_asa",
                            "--command", "syslog", log],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = parse_metrics(r.stdout)
        self.assertEqual(value(s, "vpn_invalid_spi_events_total",
                               peer=PEER), 1)
        self.assertEqual(value(s, "vpn_invalid_spi_events_total",
                               peer="unknown"), 1)
        self.assertEqual(value(s, "vpn_ipsec_error_events_total",
                               peer="198.51.100.7", type="auth"), 1)
        ok, out = promtool_check(r.stdout)
        self.assertTrue(ok, out)
        # A file written by a syslog daemon: no <PRI>.
        text = ("Dec  6 11:32:35 ssg5 ssg5: NetScreen device_id=ssg5  "
                "[Root]system-alert-00026: IPSec tunnel on interface "
                "ethernet0/2 with tunnel ID 0x9a received a packet with a "
                "bad SPI. 203.0.113.9->192.0.2.1/96, ESP, SPI 0x0000abcd, "
                "SEQ 0x1.\n") * 3
        r = subprocess.run([VX_BIN, "parse", "--vendor", "screenos",
                            "--command", "syslog", "-"], input=text,
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = parse_metrics(r.stdout)
        self.assertEqual(value(s, "vpn_invalid_spi_events_total",
                               peer=PEER), 3)
        self.assertEqual(value(s, "vpn_invalid_spi_last_event_info",
                               peer=PEER, spi="0x0000abcd"), 1)
        r = subprocess.run([VX_BIN, "parse", "--vendor", "cisco_ios",
                            "--command", "syslog", "-"], input="",
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no syslog message", r.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
