"""Fleet configuration against real agents: devices that take their
collectors from a module and their credentials from an auth, a reload
that changes only an auth's secret file, /probe of addresses not in the
configuration (allowed and refused), /sd as Prometheus http_sd_config
JSON, and SNMPv3 with Cisco's AES192C/AES256C and a configured engine ID
against a real net-snmp snmpd.
"""

import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

from vxtest import (Exporter, FastAgent, Snmpd, TmpDirTest, find, gen_asa,
                    main, parse_metrics, value, wait_until)


def wait_value(ex, path, name, want, timeout=20, **labels):
    def ok():
        s = parse_metrics(ex.metrics(path))
        return s if find(s, name, **labels) == [want] else None
    return wait_until(ok, timeout=timeout,
                      what=f"{name}{labels} == {want} at {path}")


class Fleet(TmpDirTest):
    def setUp(self):
        super().setUp()
        self.data, self.summary = gen_asa(self.workdir, "asa", "--tunnels",
                                          "3", "--seed", "fleet")
        self.agent = self.track(FastAgent(self.workdir, self.data))
        self.write("community.txt", "wrong-community\n")

    def write(self, name, text):
        with open(os.path.join(self.workdir, name), "w") as f:
            f.write(text)

    def config(self, extra=""):
        return f"""defaults:
  interval: 1s
  timeout: 800ms
  retries: 0
auths:
  asa_ro:
    snmp: {{community_file: community.txt}}
  asa_inline:
    cisco_asa_snmp: {{community: public}}
modules:
  asa_default:
    vendor: cisco_asa
    auth: asa_ro
    labels: {{tier: edge}}
    collectors:
      cisco_asa_snmp: {{port: {self.agent.port}, max_repetitions: 10}}
probe_targets:
  allowed_targets: [127.0.0.1/32, "::1/128"]
  max_devices: 2
devices:
  - name: via-file
    address: 127.0.0.1
    module: asa_default
    labels: {{site: fra1}}
  - name: via-inline
    address: 127.0.0.1
    module: asa_default
    auth: asa_inline
  - name: own
    vendor: cisco_asa
    address: 127.0.0.1
    auth: asa_ro
    collectors:
      cisco_asa_snmp: {{port: {self.agent.port}, community: public}}
{extra}"""

    TWIN = """  - name: twin
    address: 127.0.0.1
    module: asa_default
"""

    def test_modules_auths_reload_sd_probe(self):
        ex = self.track(Exporter(self.workdir, self.config(self.TWIN)))
        # The module's auth has the wrong community; the device's own
        # auth and the device's own option override it.
        s = wait_value(ex, "/metrics", "vpn_up", 1, device="via-inline")
        wait_value(ex, "/metrics", "vpn_up", 1, device="own")
        wait_value(ex, "/metrics", "vpn_up", 0, device="via-file")
        peers = [p["peer"] for p in self.summary["peers"] if p["up"]]
        for p in peers:
            self.assertEqual(value(s, "vpn_tunnel_up", device="via-inline",
                                   peer=p), 1)
        # Labels: the module's and the device's own.
        self.assertEqual(find(s, "vpn_up", device="via-inline",
                              tier="edge"), [1])
        self.assertNotIn("wrong-community", ex.log())

        # /sd: every configured device once, with its settings as meta
        # labels.
        status, headers, body = ex.get("/sd")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        groups = json.loads(body)
        self.assertEqual([g["targets"] for g in groups],
                         [["via-file"], ["via-inline"], ["own"], ["twin"]])
        m = "__meta_vpn_exporter_"
        self.assertEqual(groups[0]["labels"], {
            m + "vendor": "cisco_asa", m + "address": "127.0.0.1",
            m + "module": "asa_default", m + "auth": "asa_ro",
            m + "background": "true", m + "label_tier": "edge",
            m + "label_site": "fra1"})
        self.assertEqual(groups[1]["labels"][m + "auth"], "asa_inline")
        self.assertNotIn(m + "module", groups[2]["labels"])

        # Only the auth's secret file changes: the devices using that
        # auth are reconfigured, the others kept.
        self.write("community.txt", "public\n")
        status, _, body = ex.get("/-/reload", method="POST", data=b"")
        self.assertEqual(status, 200, body)
        # "own" replaces the auth's community_file with its own community.
        ex.wait_log(r"configuration loaded: 4 devices \(2 unchanged\)")
        wait_value(ex, "/metrics", "vpn_up", 1, device="via-file")

        # /probe of an address in allowed_targets: made on demand, named
        # by its address, with the module's labels.
        path = "/probe?target=127.0.0.1&module=asa_default"
        s = parse_metrics(ex.metrics(path))
        self.assertEqual(value(s, "vpn_up", device="127.0.0.1",
                               tier="edge"), 1)
        for p in peers:
            self.assertEqual(value(s, "vpn_tunnel_up", device="127.0.0.1",
                                   peer=p), 1)
        # It is kept between scrapes: its failures add up (a new device
        # per scrape would count one each time).
        bad = "/probe?target=%3A%3A1&module=asa_default"
        for want in (1, 2):
            s = parse_metrics(ex.metrics(bad))
            self.assertEqual(value(s, "vpn_up", device="::1"), 0)
            # (No agent on ::1: "connect" where ICMP says so, else
            # "timeout".)
            self.assertEqual(sum(v for n, l, v in s
                                 if n == "vpn_exporter_collect_errors_total"
                                 and l["device"] == "::1"), want)
        # An IPv4-mapped address is the IPv4 address.
        s = parse_metrics(ex.metrics(
            "/probe?target=%3A%3Affff%3A127.0.0.1&module=asa_default"))
        self.assertEqual(value(s, "vpn_up", device="127.0.0.1"), 1)
        # Two devices made on demand (127.0.0.1 and ::1), counted, and
        # shown after the configured ones on /status and on /.
        self.assertEqual(value(parse_metrics(ex.metrics()),
                               "vpn_exporter_probe_targets"), 2)
        status, _, body = ex.get("/status.json")
        self.assertEqual(status, 200)
        devs = {d["name"]: d for d in json.loads(body)["devices"]}
        self.assertEqual(devs["127.0.0.1"]["state"], "up")
        self.assertEqual(devs["::1"]["state"], "down")
        self.assertIn("via-file", devs)
        status, _, body = ex.get("/")
        page = body.decode()
        self.assertIn("<h2>Probe targets</h2>", page)
        targets = page[page.index("<h2>Probe targets</h2>"):]
        self.assertIn('href="status?device=127.0.0.1"', targets)
        self.assertIn('href="status?device=%3A%3A1"', targets)
        self.assertNotIn("via-file", targets)

        # Refused: outside allowed_targets, a host name, no module, an
        # unknown module or auth, module given for a configured device.
        for query, code, text in (
                ("target=127.0.0.2&module=asa_default", 403,
                 'target "127.0.0.2" is not in '
                 "probe_targets.allowed_targets"),
                ("target=localhost&module=asa_default", 400,
                 "nor an IP address (host names are not resolved)"),
                ("target=127.0.0.1", 400, "needs the 'module' parameter"),
                ("target=127.0.0.1&module=nope", 400,
                 'unknown module "nope"'),
                ("target=127.0.0.1&module=asa_default&auth=nope", 400,
                 'unknown auth "nope"'),
                ("target=own&module=asa_default", 400,
                 "leave out 'module' and 'auth'")):
            status, _, body = ex.get("/probe?" + query)
            self.assertEqual(status, code, query)
            self.assertIn(text, body.decode(), query)
        self.assertEqual(find(parse_metrics(ex.metrics()), "vpn_up",
                              device="127.0.0.1"), [],
                         "a probed address is not in /metrics")

    def test_idle_probe_targets_expire(self):
        # A /probe device not probed for idle_timeout is dropped even when
        # no other /probe comes: the gauge and /status.json say so.
        text = self.config().replace("max_devices: 2",
                                     "max_devices: 2\n  idle_timeout: 1s")
        ex = self.track(Exporter(self.workdir, text))
        s = parse_metrics(ex.metrics("/probe?target=127.0.0.1&"
                                     "module=asa_default&auth=asa_inline"))
        self.assertEqual(value(s, "vpn_up", device="127.0.0.1"), 1)
        self.assertEqual(value(parse_metrics(ex.metrics()),
                               "vpn_exporter_probe_targets"), 1)
        wait_value(ex, "/metrics", "vpn_exporter_probe_targets", 0,
                   timeout=10)
        status, _, body = ex.get("/status.json")
        self.assertEqual(status, 200)
        self.assertNotIn("127.0.0.1", [d["name"] for d in
                                       json.loads(body)["devices"]])

    def test_errors_name_the_module_once(self):
        text = self.config(self.TWIN).replace("max_repetitions: 10",
                                     "max_repetitons: 10")
        path = os.path.join(self.workdir, "bad.yml")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([os.environ["VX_BIN"], "--dry-run",
                            f"--config.file={path}"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 1)
        errs = [l for l in r.stderr.splitlines() if "max_repetitons" in l]
        # Three devices use the module, with two auths: one report for
        # each pair of module and auth (via-file, not twin again).
        self.assertEqual(len(errs), 2, r.stderr)
        self.assertIn("device 'via-file'", errs[0])
        self.assertIn("device 'via-inline'", errs[1])
        self.assertRegex(errs[0], r"^.*bad\.yml:\d+:\d+: unknown key "
                         r"'max_repetitons'")


class SnmpV3Cisco(TmpDirTest):
    """Cisco's AES key extension (AES192C, AES256C) differs from the
    Blumenthal draft's (AES192, AES256): the wrong one cannot decrypt."""

    def engine_id(self, snmpd, priv):
        r = subprocess.run(
            ["snmpget", "-v3", "-l", "authPriv", "-u", "monitor", "-a",
             "SHA", "-A", "auth-secret-1", "-x", priv, "-X",
             "priv-secret-1", "-On", "-Ox", f"127.0.0.1:{snmpd.port}",
             "1.3.6.1.6.3.10.2.1.1.0"], capture_output=True, text=True,
            check=True)
        hexs = r.stdout.split("Hex-STRING:")[1]
        return "".join(hexs.split())

    def test_aes_cisco_and_engine_id(self):
        self.write = lambda n, t: open(os.path.join(self.workdir, n),
                                       "w").write(t)
        # net-snmp keeps one USM user per engine ID and user name in the
        # process, so the device with the wrong protocol gets an agent
        # (an engine) of its own.
        a192 = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                                "priv-secret-1", priv="AES192C"))
        other = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                                 "priv-secret-1", priv="AES192C"))
        a256 = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                                "priv-secret-1", priv="AES256C"))
        eid = self.engine_id(a256, "AES256C")
        wrong = "80001f8880" + "00" * 8

        def dev(name, port, priv, extra=""):
            return f"""
  - name: {name}
    address: 127.0.0.1
    module: v3
    collectors:
      cisco_asa_snmp: {{port: {port}, priv_protocol: {priv}{extra}}}"""
        cfg = f"""defaults: {{interval: 1s, timeout: 900ms, retries: 0}}
auths:
  v3:
    snmp:
      version: "3"
      username: monitor
      auth_password: auth-secret-1
      priv_password: priv-secret-1
modules:
  v3: {{vendor: cisco_asa, auth: v3, collectors: {{cisco_asa_snmp: }}}}
devices:{dev("aes192c", a192.port, "AES192C")}{dev("aes192", other.port, "AES192")}{dev("aes256c", a256.port, "AES256C")}{dev("engine-ok", a256.port, "AES256C", ", engine_id: '" + eid + "'")}{dev("engine-wrong", a256.port, "AES256C", ", engine_id: " + wrong)}
"""
        ex = self.track(Exporter(self.workdir, cfg))
        for name, want in (("aes192c", 1), ("aes256c", 1), ("engine-ok", 1),
                           ("aes192", 0), ("engine-wrong", 0)):
            wait_value(ex, "/metrics", "vpn_up", want, device=name)
        # The configured engine ID is used as is (no discovery): still up
        # after several polls.
        s = wait_value(ex, "/metrics", "vpn_up", 1, device="engine-ok")
        self.assertEqual(value(s, "vpn_up", device="aes256c"), 1)
        self.assertNotIn("priv-secret-1", ex.log())

    def test_concurrent_discovery_of_one_engine(self):
        # Devices that share an engine ID and user discover the engine at
        # the same moment: net-snmp decodes each discovery's answer with
        # the user the process has for the pair, which the first device to
        # finish replaces.  The user replaced must not be freed under the
        # others (a use after free, caught by the ASan build).  Each process
        # replaces the user net-snmp made once, so the exporter is started
        # afresh each round.
        n = 16
        addrs = [f"127.0.0.{i + 1}" for i in range(n)]
        agent = self.track(Snmpd(self.workdir, "monitor", "auth-secret-1",
                                 "priv-secret-1", addresses=addrs))
        devs = "".join(f"""
  - {{name: d{i}, address: {a}, module: v3, background: false}}"""
                       for i, a in enumerate(addrs))
        cfg = f"""defaults: {{interval: 10s, timeout: 5s, retries: 1}}
auths:
  v3:
    snmp: {{version: "3", username: monitor, auth_password: auth-secret-1,
           priv_password: priv-secret-1}}
modules:
  v3:
    vendor: cisco_asa
    auth: v3
    collectors: {{cisco_asa_snmp: {{port: {agent.port}}}}}
devices:{devs}
"""
        for r in range(8):
            ex = self.track(Exporter(self.workdir, cfg,
                                     name=f"vpn_exporter-{r}"))
            with ThreadPoolExecutor(n) as pool:
                pages = list(pool.map(
                    lambda i: ex.metrics(f"/probe?target=d{i}"), range(n)))
            for i, page in enumerate(pages):
                self.assertEqual(value(parse_metrics(page), "vpn_up",
                                       device=f"d{i}"), 1, page)
            ex.stop_clean()


if __name__ == "__main__":
    main()
