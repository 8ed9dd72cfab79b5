"""The exporter against a real SNMP agent (snmpsim) serving simulated ASAs.

The simulated devices come from tests/emulators/gen_asa_snmprec.py, whose
--summary gives the truth each scrape is compared with: per-peer octets,
SPIs and remaining lifetimes, the invalid-SPI fallback counter.
"""

import gzip
import os
import re
import signal
import socket
import subprocess
import time

from vxtest import (GEN_ASA, Exporter, Snmpd, Snmpsim, TmpDirTest, find,
                    free_port, gen_asa, main, parse_metrics, promtool_check,
                    skip_or_die, value, wait_until)

def device_yaml(name, port, community="public", expected=(), extra=""):
    peers = ", ".join(expected)
    return f"""
  - name: {name}
    vendor: cisco_asa
    address: 127.0.0.1
    labels: {{site: lab}}
    expected_peers: [{peers}]
    {extra}
    collectors:
      cisco_asa_snmp:
        port: {port}
        community: {community}
"""


def config(devices, interval="2s", timeout="1500ms"):
    return f"""defaults:
  interval: {interval}
  timeout: {timeout}
  retries: 0
devices:
{''.join(devices)}"""


def wait_up(exporter, device, want=1, timeout=20, path="/metrics"):
    def ok():
        s = parse_metrics(exporter.metrics(path))
        v = find(s, "vpn_up", device=device)
        return s if v == [want] else None
    return wait_until(ok, timeout=timeout, what=f"vpn_up{{{device}}} == {want}")


class SnmpCollector(TmpDirTest):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(GEN_ASA):
            skip_or_die("the simulated ASA generator is missing")

    def start_agent(self, **kw):
        self.data_a, self.sum_a = gen_asa(self.workdir, "public",
                                          "--tunnels", "12", "--seed", "1",
                                          "--dead-peers", "2")
        self.data_b, self.sum_b = gen_asa(self.workdir, "asab",
                                          "--tunnels", "5", "--seed", "2",
                                          "--no-ike-table",
                                          "--no-sa-fails", "7")
        return self.track(Snmpsim(self.workdir, {"public": self.data_a,
                                                 "asab": self.data_b}, **kw))

    def dead_peers(self, summary):
        return [p["peer"] for p in summary["peers"] if not p["up"]]

    def live_peers(self, summary):
        return [p for p in summary["peers"] if p["up"]]

    ERROR_TYPES = {"in_auth_fails": "auth", "in_decrypt_fails": "decrypt",
                   "in_drop_pkts": "drop_in", "in_replay_drop_pkts": "replay",
                   "out_auth_fails": "auth_out", "out_drop_pkts": "drop_out",
                   "out_encrypt_fails": "encrypt"}

    def check_device(self, samples, device, summary):
        self.assertEqual(value(samples, "vpn_up", device=device), 1)
        live = self.live_peers(summary)
        dead = self.dead_peers(summary)
        up = find(samples, "vpn_tunnel_up", device=device)
        self.assertEqual(len(up), len(live) + len(dead))
        for p in live:
            peer = p["peer"]
            self.assertEqual(value(samples, "vpn_tunnel_up", device=device,
                                   peer=peer, tunnel=peer), 1)
            for direction, key in (("in", "hc_in_octets"),
                                   ("out", "hc_out_octets")):
                self.assertEqual(value(samples, "vpn_ipsec_bytes_total",
                                       device=device, peer=peer,
                                       direction=direction), p[key])
            for direction, key in (("in", "in_pkts"), ("out", "out_pkts")):
                self.assertEqual(value(samples, "vpn_ipsec_packets_total",
                                       device=device, peer=peer,
                                       direction=direction), p[key])
            for key, etype in self.ERROR_TYPES.items():
                self.assertEqual(value(samples, "vpn_ipsec_errors_total",
                                       device=device, peer=peer, type=etype),
                                 p["errors"][key], f"{peer} {etype}")
            self.assertEqual(
                value(samples, "vpn_ipsec_sa_lifetime_remaining_seconds",
                      device=device, peer=peer),
                min(t["lifetime_remaining_s"] for t in p["tunnels"]))
            want = set()
            for t in p["tunnels"]:
                want.add((f"0x{t['spi_in_active']:08x}",
                          f"0x{t['spi_out_active']:08x}"))
                if t["spi_in_expiring"] is not None:
                    want.add((f"0x{t['spi_in_expiring']:08x}",
                              f"0x{t['spi_out_expiring']:08x}"))
            got = {(l["spi_in"], l["spi_out"]) for n, l, v in samples
                   if n == "vpn_ipsec_sa_info" and l["device"] == device
                   and l["peer"] == peer}
            self.assertEqual(got, want, f"SPIs of {peer}")
            self.assertEqual(value(samples, "vpn_ipsec_rekeys_total",
                                   device=device, peer=peer), 0)
            if summary["ike_table"]:
                self.assertEqual(value(
                    samples, "vpn_ike_sa_lifetime_remaining_seconds",
                    device=device, peer=peer), p["ike_lifetime_remaining_s"])
        for peer in dead:
            self.assertEqual(value(samples, "vpn_tunnel_up", device=device,
                                   peer=peer), 0)
            self.assertEqual(find(samples, "vpn_ipsec_bytes_total",
                                  device=device, peer=peer), [])

    def test_metrics_probe_and_formats(self):
        agent = self.start_agent()
        ex = self.track(Exporter(self.workdir, config([
            device_yaml("asa-a", agent.port, "public",
                        [p["peer"] for p in self.sum_a["peers"]]),
            device_yaml("asa-b", agent.port, "asab",
                        [p["peer"] for p in self.sum_b["peers"]]),
            device_yaml("asa-probe", agent.port, "public", (),
                        "background: false"),
        ])))
        wait_up(ex, "asa-a")
        samples = wait_up(ex, "asa-b")
        self.check_device(samples, "asa-a", self.sum_a)
        self.check_device(samples, "asa-b", self.sum_b)
        # IKE: known on A (table present), unknown on B (table empty).
        for p in self.live_peers(self.sum_a):
            self.assertEqual(value(samples, "vpn_ike_sa_up", device="asa-a",
                                   peer=p["peer"]), 1)
        for peer in self.dead_peers(self.sum_a):
            self.assertEqual(value(samples, "vpn_ike_sa_up", device="asa-a",
                                   peer=peer), 0)
        self.assertEqual(find(samples, "vpn_ike_sa_up", device="asa-b"), [])
        # The SNMP fallback source of the headline counter.
        self.assertEqual(value(samples, "vpn_invalid_spi_packets_total",
                               device="asa-a"),
                         self.sum_a["globals"]["no_sa_fails"])
        self.assertEqual(value(samples, "vpn_invalid_spi_packets_total",
                               device="asa-b"), 7)
        self.assertEqual(value(samples, "vpn_sessions", device="asa-a",
                               type="l2l"), len(self.live_peers(self.sum_a)))
        # Probe-only devices stay out of /metrics.
        self.assertEqual(find(samples, "vpn_up", device="asa-probe"), [])
        self.assertEqual(value(samples, "vpn_exporter_devices"), 3)
        self.assertEqual(
            value(samples, "vpn_exporter_config_last_reload_successful"), 1)
        for name in ("process_cpu_seconds_total",
                     "process_resident_memory_bytes", "process_open_fds",
                     "process_start_time_seconds"):
            self.assertEqual(len(find(samples, name)), 1, name)

        text = ex.metrics()
        ok, out = promtool_check(text)
        self.assertTrue(ok, out)

        # /probe polls now, within the scrape timeout Prometheus announces.
        status, hdrs, body = ex.get(
            "/probe?target=asa-probe",
            headers={"X-Prometheus-Scrape-Timeout-Seconds": "5"})
        self.assertEqual(status, 200, body)
        probe = parse_metrics(body.decode())
        self.assertEqual(value(probe, "vpn_up", device="asa-probe"), 1)
        self.assertEqual(len(find(probe, "vpn_tunnel_up",
                                  device="asa-probe")),
                         len(self.live_peers(self.sum_a)))
        self.assertEqual({l["device"] for _, l, _ in probe if "device" in l},
                         {"asa-probe"})
        ok, out = promtool_check(body.decode())
        self.assertTrue(ok, out)
        status, _, body = ex.get("/probe?target=nosuch")
        self.assertEqual(status, 400)
        self.assertIn(b'unknown target "nosuch"', body)
        status, _, _ = ex.get("/probe")
        self.assertEqual(status, 400)

        # OpenMetrics when asked, parsed by the reference client library.
        try:
            from prometheus_client.openmetrics import parser as om
        except ImportError:
            skip_or_die("python3-prometheus-client is not installed")
        status, hdrs, body = ex.get("/metrics", headers={
            "Accept": "application/openmetrics-text;version=1.0.0,"
                      "text/plain;version=0.0.4;q=0.5"})
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["content-type"].startswith(
            "application/openmetrics-text; version=1.0.0"))
        fams = {f.name: f for f in om.text_string_to_metric_families(
            body.decode())}
        self.assertEqual(fams["vpn_invalid_spi_packets"].type, "counter")
        self.assertEqual(fams["vpn_ipsec_sa"].type, "info")
        self.assertTrue(body.endswith(b"# EOF\n"))

        # gzip when accepted, identical once decompressed.
        status, hdrs, body = ex.get("/metrics",
                                    headers={"Accept-Encoding": "gzip"})
        self.assertEqual(hdrs.get("content-encoding"), "gzip")
        plain = parse_metrics(gzip.decompress(body).decode())
        self.assertEqual(value(plain, "vpn_up", device="asa-a"), 1)
        # /probe too (compressed as it is rendered): the same lines as
        # the plain answer but for the values of a fresh poll, in both
        # formats.
        def shape(text):
            return [l if l.startswith("#") else l.rsplit(" ", 1)[0]
                    for l in text.splitlines()]
        for accept in ({}, {"Accept": "application/openmetrics-text;"
                                      "version=1.0.0"}):
            _, hdrs, body = ex.get("/probe?target=asa-probe",
                                   headers=accept)
            self.assertNotIn("content-encoding", hdrs)
            text = body.decode()
            _, hdrs, body = ex.get("/probe?target=asa-probe", headers={
                **accept, "Accept-Encoding": "gzip"})
            self.assertEqual(hdrs.get("content-encoding"), "gzip")
            unzipped = gzip.decompress(body).decode()
            self.assertEqual(shape(unzipped), shape(text))
            self.assertGreater(len(shape(text)), 50)

        # Landing page and health endpoints.
        status, hdrs, body = ex.get("/")
        self.assertEqual(status, 200)
        self.assertIn("text/html", hdrs["content-type"])
        self.assertIn(b"asa-a", body)
        self.assertIn(b"probe?target=asa-probe", body)
        self.assertEqual(ex.get("/-/healthy")[0], 200)
        self.assertEqual(ex.get("/-/ready")[0], 200)
        self.assertEqual(ex.get("/nope")[0], 404)
        self.assertEqual(ex.get("/metrics", method="POST", data=b"")[0], 405)

    def test_agent_stops_mid_run(self):
        agent = self.start_agent()
        # A second agent for device B alone, stopped while A keeps going.
        other = self.track(Snmpsim(self.workdir, {"asab": self.data_b}))
        ex = self.track(Exporter(self.workdir, config([
            device_yaml("asa-a", agent.port, "public"),
            device_yaml("asa-b", other.port, "asab"),
        ])))
        wait_up(ex, "asa-a")
        wait_up(ex, "asa-b")
        other.stop()
        samples = wait_up(ex, "asa-b", want=0, timeout=15)
        self.assertEqual(value(samples, "vpn_up", device="asa-a"), 1)
        # No stale tunnels served for the dead device.
        self.assertEqual(find(samples, "vpn_tunnel_up", device="asa-b"), [])
        self.assertEqual(find(samples, "vpn_ipsec_sa_info", device="asa-b"),
                         [])
        # Nothing listens on its port any more: the ICMP port unreachable
        # makes it a connect error at once, not a timeout.
        self.assertGreaterEqual(value(
            samples, "vpn_exporter_collect_errors_total", device="asa-b",
            reason="connect"), 1)
        self.assertEqual(len(find(samples, "vpn_tunnel_up", device="asa-a")),
                         len(self.live_peers(self.sum_a)))
        # Logged once with device, collector and reason; not every poll.
        line = ex.wait_log(r"level=error device=asa-b "
                           r"collector=cisco_asa_snmp reason=connect")
        time.sleep(5)
        errors = re.findall(r"level=error device=asa-b", ex.log())
        self.assertEqual(len(errors), 1, ex.log())
        self.assertIn("port unreachable (ICMP)", line.string)
        # Back again: up, and the recovery logged once.
        other.start()
        wait_up(ex, "asa-b", want=1, timeout=15)
        ex.wait_log(r"level=info device=asa-b collector=cisco_asa_snmp "
                    r"msg=\"collection recovered\"")

    def test_wrong_community(self):
        agent = self.start_agent()
        ex = self.track(Exporter(self.workdir, config([
            device_yaml("asa-a", agent.port, "public"),
            device_yaml("asa-bad", agent.port, "not-the-community"),
        ])))
        samples = wait_up(ex, "asa-bad", want=0)
        self.assertEqual(value(samples, "vpn_up", device="asa-a"), 1)
        m = ex.wait_log(r"level=error device=asa-bad "
                        r"collector=cisco_asa_snmp reason=timeout "
                        r"msg=\"([^\"]*)\"")
        self.assertIn("wrong community", m.group(1))

    def test_reload(self):
        agent = self.start_agent()
        ex = self.track(Exporter(self.workdir, config([
            device_yaml("asa-a", agent.port, "public"),
        ])))
        wait_up(ex, "asa-a")
        # A good reload over HTTP adds a device and keeps the first.
        ex.write_config(config([
            device_yaml("asa-a", agent.port, "public"),
            device_yaml("asa-b", agent.port, "asab"),
        ]))
        status, _, body = ex.get("/-/reload", method="POST", data=b"")
        self.assertEqual(status, 200, body)
        samples = wait_up(ex, "asa-b")
        self.assertEqual(value(samples, "vpn_up", device="asa-a"), 1)
        self.assertIn("(1 unchanged)", ex.log())
        # A bad one is refused with file:line:col; the old one runs on.
        ex.write_config(config([
            device_yaml("asa-a", agent.port, "public"),
        ]) + "    comunity: x\n")
        status, _, body = ex.get("/-/reload", method="POST", data=b"")
        self.assertEqual(status, 500)
        self.assertRegex(body.decode(), re.escape(ex.config_path) +
                         r":\d+:\d+: unknown key 'comunity'")
        samples = parse_metrics(ex.metrics())
        self.assertEqual(
            value(samples, "vpn_exporter_config_last_reload_successful"), 0)
        self.assertEqual(value(samples, "vpn_up", device="asa-b"), 1)
        self.assertEqual(value(samples, "vpn_exporter_devices"), 2)
        ex.wait_log(r"level=error msg=\"" + re.escape(ex.config_path) +
                    r":\d+:\d+: unknown key 'comunity'")
        # SIGHUP with a good file again: back to one device, reload ok.
        ex.write_config(config([
            device_yaml("asa-b", agent.port, "asab"),
        ]))
        ex.proc.send(signal.SIGHUP)

        def reloaded():
            s = parse_metrics(ex.metrics())
            return (find(s, "vpn_exporter_config_last_reload_successful")
                    == [1] and find(s, "vpn_up", device="asa-a") == [])
        wait_until(reloaded, what="SIGHUP reload")
        wait_up(ex, "asa-b")

    def write_secrets(self):
        secrets = os.path.join(self.workdir, "secrets")
        os.makedirs(secrets)
        for name, text in (("auth", "auth-secret-1\n"),
                           ("priv", "priv-secret-1\n"),
                           ("wrong", "not-the-password\n")):
            with open(os.path.join(secrets, name), "w") as f:
                f.write(text)

    @staticmethod
    def v3_device(name, port, auth, priv="priv", context="public"):
        # snmpsim picks its data file by the v3 context name.
        ctx = f"context_name: {context}" if context else ""
        return f"""
  - name: {name}
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp:
        port: {port}
        version: "3"
        username: monitor
        security_level: authPriv
        auth_protocol: SHA
        auth_password_file: secrets/{auth}
        priv_protocol: AES
        priv_password_file: secrets/{priv}
        {ctx}
"""

    def test_snmpv3(self):
        agent = self.start_agent(v3_user="monitor",
                                 v3_auth_key="auth-secret-1",
                                 v3_priv_key="priv-secret-1")
        # A real snmpd answers wrong credentials with a Report PDU.  Two
        # of them, each with its own engine ID: two devices with other
        # passwords for the same engine ID and user clash (the test below).
        snmpd = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                                 "priv-secret-1"))
        snmpd2 = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                                  "priv-secret-1"))
        self.write_secrets()
        ex = self.track(Exporter(self.workdir, config([
            self.v3_device("asa-v3", agent.port, "auth"),
            self.v3_device("snmpd-badauth", snmpd.port, "wrong",
                           context=None),
            self.v3_device("snmpd-badpriv", snmpd2.port, "auth",
                           priv="wrong", context=None),
        ])))
        samples = wait_up(ex, "asa-v3")
        self.assertEqual(len(find(samples, "vpn_tunnel_up", device="asa-v3")),
                         len(self.live_peers(self.sum_a)))
        self.assertEqual(value(samples, "vpn_invalid_spi_packets_total",
                               device="asa-v3"),
                         self.sum_a["globals"]["no_sa_fails"])
        wait_up(ex, "snmpd-badauth", want=0)
        m = ex.wait_log(r"level=error device=snmpd-badauth "
                        r"collector=cisco_asa_snmp reason=auth "
                        r"msg=\"([^\"]*)\"")
        self.assertIn("SNMPv3 authentication failed", m.group(1))
        # snmpd drops what it cannot decrypt: no Report, so a wrong privacy
        # password looks like silence, and the message says so.
        wait_up(ex, "snmpd-badpriv", want=0)
        m = ex.wait_log(r"level=error device=snmpd-badpriv "
                        r"collector=cisco_asa_snmp reason=(auth|timeout) "
                        r"msg=\"([^\"]*)\"")
        self.assertRegex(m.group(2), r"privacy password|v3 credentials")
        samples = parse_metrics(ex.metrics())
        self.assertGreaterEqual(value(
            samples, "vpn_exporter_collect_errors_total",
            device="snmpd-badauth", reason="auth"), 1)
        # Secrets never reach the log or the metrics.
        for secret in ("auth-secret-1", "priv-secret-1", "not-the-password"):
            self.assertNotIn(secret, ex.log())
            self.assertNotIn(secret, ex.metrics())

    def test_snmpv3_password_change_on_reload(self):
        """net-snmp keeps one USM user per engine and name for the whole
        process; a reload that changes a password must not keep the old
        keys (in either direction)."""
        snmpd = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                                 "priv-secret-1"))
        self.write_secrets()
        # The system group answers; the ASA tables are absent, which is an
        # empty but successful collection.
        ex = self.track(Exporter(self.workdir, config([
            self.v3_device("dev", snmpd.port, "auth", context=None),
        ])))
        wait_up(ex, "dev", want=1)
        ex.write_config(config([
            self.v3_device("dev", snmpd.port, "wrong", context=None),
        ]))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"")[0],
                         200)
        wait_up(ex, "dev", want=0)
        ex.wait_log(r"level=error device=dev collector=cisco_asa_snmp "
                    r"reason=auth")
        ex.write_config(config([
            self.v3_device("dev", snmpd.port, "auth", context=None),
        ]))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"")[0],
                         200)
        wait_up(ex, "dev", want=1)

    def test_snmpv3_cloned_engine_id_other_credentials(self):
        """net-snmp holds one set of keys per engine ID and user: of two
        agents with one engine ID (cloned) and other passwords for the same
        user, the device polled first keeps working and the other fails
        naming it, instead of each overwriting the other's keys."""
        one = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                               "priv-secret-1", engine_id="vx-clone"))
        two = self.track(Snmpd(self.workdir, "monitor", "auth-secret-2",
                               "priv-secret-2", engine_id="vx-clone"))
        self.write_secrets()
        for name in ("auth2", "priv2"):
            with open(os.path.join(self.workdir, "secrets", name), "w") as f:
                f.write(name[:-1] + "-secret-2\n")
        devices = {
            "clone-1": self.v3_device("clone-1", one.port, "auth",
                                      context=None),
            "clone-2": self.v3_device("clone-2", two.port, "auth2",
                                      priv="priv2", context=None),
        }
        ex = self.track(Exporter(self.workdir, config(list(
            devices.values()))))
        m = ex.wait_log(r"level=error device=(clone-[12]) "
                        r"collector=cisco_asa_snmp reason=config "
                        r"msg=\"([^\"]*)\"")
        loser = m.group(1)
        winner = "clone-2" if loser == "clone-1" else "clone-1"
        self.assertRegex(m.group(2), r"^SNMPv3 engine ID 0x[0-9a-f]+, user "
                         f"'monitor': device '{winner}' has them with other "
                         r"credentials")
        wait_up(ex, loser, want=0)
        # The first keeps its own keys poll after poll (2 s interval): its
        # polls would fail authentication if the other's had replaced them.
        seen = set()

        def three_more_polls():
            s = parse_metrics(ex.metrics())
            self.assertEqual(value(s, "vpn_up", device=winner), 1)
            self.assertEqual(value(s, "vpn_up", device=loser), 0)
            seen.add(value(s, "vpn_collect_timestamp_seconds",
                           device=winner))
            return len(seen) >= 4
        wait_until(three_more_polls, timeout=20,
                   what="three more polls of the first device")
        self.assertNotRegex(ex.log(), f"device={winner} .*reason=")
        # Once the first is gone, the other builds its keys and comes up.
        ex.write_config(config([devices[loser]]))
        self.assertEqual(ex.get("/-/reload", method="POST", data=b"")[0],
                         200)
        wait_up(ex, loser, want=1)


class StartupErrors(TmpDirTest):
    def test_bad_config_refused_with_position(self):
        path = os.path.join(self.workdir, "bad.yml")
        with open(path, "w") as f:
            f.write("defaults:\n  interval: 10x\ndevices:\n"
                    "  - name: a\n    vendor: cisco_asa\n"
                    "    address: 127.0.0.1\n    colectors: {}\n")
        r = subprocess.run([os.environ["VX_BIN"], f"--config.file={path}",
                            "--dry-run"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:2:13: invalid duration '10x'", r.stderr)
        self.assertIn(f"{path}:7:5: unknown key 'colectors' in device 'a' "
                      "(did you mean 'collectors'?)", r.stderr)
        self.assertIn("configuration has 3 errors", r.stderr)
        port = free_port()
        r = subprocess.run([os.environ["VX_BIN"], f"--config.file={path}",
                            f"--web.listen-address=127.0.0.1:{port}"],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("configuration not loaded (3 errors)", r.stderr)

    def test_dry_run_ok(self):
        path = os.path.join(self.workdir, "ok.yml")
        with open(path, "w") as f:
            f.write(config([device_yaml("a", 161)]))
        r = subprocess.run([os.environ["VX_BIN"], f"--config.file={path}",
                            "--dry-run"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, f"configuration OK: {path} (1 device)\n")


if __name__ == "__main__":
    main()
