#!/usr/bin/env python3
"""A PAN-OS firewall's XML API over HTTPS, on loopback, for the tests, the
demo lab and the benchmark (Python stdlib only: http.server + ssl).

  panos_api.py --cert server.pem --key server.key --scenario s.json
               [--port 0] [--fixtures DIR]

It prints "listening on https://127.0.0.1:PORT" once it serves.

The device is a small model (the scenario, JSON):

  {"user": "monitor", "password": "s3cret",
   "tunnels": [{"name": "to-fra1", "peer": "198.51.100.7",
                "state": "active", "mon": "up",
                "counters": {"pkt-decap": 10, ...}}, ...],
   "generate": {"tunnels": 500, "active": 400},   # more, made up
   "global_counters": [{"name": "ipsec_esp_spi_unknown", "value": 1873,
                        "severity": "drop", "category": "ipsec"}],
   "replies": {"show vpn ike-sa": "paloalto/xmlapi_...xml"},  # verbatim
   "latency_ms": 0}

A tunnel's "rates" and a global counter's "rate" (per second) make the
counters grow with the wall clock from the emulator's start (the demo
lab); without them they hold still.

and every op command's reply is made from it in the shapes of the real
replies (tests/fixtures/paloalto): "show vpn flow" (and "show running
tunnel flow all") lists every tunnel, "show vpn flow tunnel-id N" the
detail of one, "show vpn ipsec-sa" the SAs of active tunnels with decimal
SPIs, "show vpn ike-sa" a gateway per active or init tunnel, "show
counter global" the counters.  A command listed in "replies" gets that
fixture file instead.

Keys: POST /api/ with type=keygen&user=..&password=.. in the body makes a
key; a request without a valid X-PAN-KEY header gets HTTP 403.  A keygen
or a key in the query string works too (as on a real device) but is
recorded as a violation: the exporter must never send one.

Control (same server, for the tests): POST /_emu/control with JSON
  {"tunnels": {"to-fra1": {"state": "init", "counters": {...}}},
   "expire_keys": true, "latency_ms": 50,
   "fault": {"cmd": "show vpn ipsec-sa" | "*", "mode": "error17" | "html"
             | "http401" | "http403" | "stall" | "truncate" | null}}
GET /_emu/stats gives what was asked: requests per command, keygens,
the most requests in flight at once, violations.
"""

import argparse
import http.server
import json
import os
import random
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

COUNTER_NAMES = ("pkt-decap", "pkt-encap", "byte-decap", "byte-encap",
                 "dec-err", "auth-err", "pkt-replay")


class Device:
    """The model, shared by the handler threads under one lock."""

    def __init__(self, scenario, fixtures):
        self.lock = threading.Lock()
        self.user = scenario.get("user", "monitor")
        self.password = scenario.get("password", "")
        self.replies = scenario.get("replies", {})
        self.fixtures = fixtures
        self.latency = scenario.get("latency_ms", 0) / 1000.0
        self.keys = set()
        self.key_seq = 0
        self.fault = None
        self.rng = random.Random(scenario.get("seed", 1))
        self.t0 = time.monotonic()
        self.tunnels = []
        self.global_counters = list(scenario.get("global_counters", []))
        self.stats = {"requests": {}, "keygens": 0, "refused": 0,
                      "max_inflight": 0, "violations": [], "inflight": 0}
        for i, t in enumerate(scenario.get("tunnels", [])):
            self._add(dict(t), i + 1)
        gen = scenario.get("generate")
        if gen:
            for i in range(gen["tunnels"]):
                n = len(self.tunnels) + 1
                self._add({"name": f"tun-{n:04d}",
                           "peer": f"198.18.{n // 250}.{n % 250 + 1}",
                           "state": "active" if i < gen.get(
                               "active", gen["tunnels"]) else "init",
                           "mon": "off",
                           "counters": {c: self.rng.randrange(10 ** 6)
                                        for c in COUNTER_NAMES}}, n)

    def _add(self, t, tid):
        t.setdefault("id", tid)
        t.setdefault("mon", "off")
        t.setdefault("local", "192.0.2.1")
        t.setdefault("outer_if", "ethernet1/1")
        t.setdefault("remain", 3000)
        t.setdefault("counters", {})
        for c in COUNTER_NAMES:
            t["counters"].setdefault(c, 0)
        if t.get("state") == "active" and "spi_in" not in t:
            self._new_spis(t)
        self.tunnels.append(t)

    def _grown(self, base, rate):
        return int(base + rate * (time.monotonic() - self.t0))

    def _new_spis(self, t):
        t["spi_in"] = self.rng.randrange(0x100, 0xffffffff)
        t["spi_out"] = self.rng.randrange(0x100, 0xffffffff)

    def control(self, c):
        with self.lock:
            for name, ch in c.get("tunnels", {}).items():
                t = next(t for t in self.tunnels if t["name"] == name)
                was = t.get("state")
                t.update({k: v for k, v in ch.items() if k != "counters"})
                t["counters"].update(ch.get("counters", {}))
                if t["state"] == "active" and (was != "active" or
                                               ch.get("rekey")):
                    if "spi_in" not in ch:
                        self._new_spis(t)
                if t["state"] != "active":
                    t.pop("spi_in", None)
                    t.pop("spi_out", None)
            if c.get("expire_keys"):
                self.keys.clear()
            if "latency_ms" in c:
                self.latency = c["latency_ms"] / 1000.0
            if "fault" in c:
                self.fault = c["fault"]
            if "global_counters" in c:
                self.global_counters = c["global_counters"]

    def truth(self):
        with self.lock:
            return {"tunnels": json.loads(json.dumps(self.tunnels)),
                    "stats": dict(self.stats)}

    # Replies, in the shapes of tests/fixtures/paloalto.

    @staticmethod
    def _flow_entry(t):
        return (f"<entry><name>{t['name']}</name><id>{t['id']}</id>"
                f"<gwid>{t['id']}</gwid><inner-if>tunnel.{t['id']}</inner-if>"
                f"<outer-if>{t['outer_if']}</outer-if>"
                f"<localip>{t['local']}</localip><peerip>{t['peer']}</peerip>"
                f"<state>{t['state']}</state><mon>{t['mon']}</mon>"
                f"<owner>1</owner></entry>")

    def flow(self):
        entries = "".join(self._flow_entry(t) for t in self.tunnels)
        return (f"<response status=\"success\"><result><dp>dp0</dp>"
                f"<total>{len(self.tunnels)}</total><num_ipsec>"
                f"{len(self.tunnels)}</num_ipsec><num_sslvpn>0</num_sslvpn>"
                f"<IPSec>{entries}</IPSec><SSL-VPN/>"
                f"<GlobalProtect-Gateway/></result></response>")

    def detail(self, tid):
        t = next((t for t in self.tunnels if str(t["id"]) == tid), None)
        if t is None:
            return None
        active = t["state"] == "active"
        spi_in = f"{t['spi_in']:08X}" if active else "00000000"
        spi_out = f"{t['spi_out']:08X}" if active else "00000000"
        rates = t.get("rates", {})
        ctrs = "".join(
            f"<{c}>{self._grown(t['counters'][c], rates.get(c, 0)) if active else 0}</{c}>"
            for c in COUNTER_NAMES)
        remain = f"<remain>{t['remain']}</remain>" if active else ""
        mon = t["mon"]
        return (f"<response status=\"success\"><result><total>1</total>"
                f"<num_ipsec>1</num_ipsec><IPSec><entry>"
                f"<name>{t['name']}</name><id>{t['id']}</id>"
                f"<gwid>{t['id']}</gwid><type>IPSec</type>"
                f"<state>{t['state']}</state><localip>{t['local']}</localip>"
                f"<peerip>{t['peer']}</peerip>"
                f"<inner-if>tunnel.{t['id']}</inner-if>"
                f"<outer-if>{t['outer_if']}</outer-if>"
                f"<local-spi>{spi_in}</local-spi>"
                f"<remote-spi>{spi_out}</remote-spi>{remain}{ctrs}"
                f"<natt>False</natt><inner-warn>0</inner-warn>"
                f"<monitor><status>{mon == 'up'}</status>"
                f"<on>{mon != 'off'}</on></monitor><proto>ESP</proto>"
                f"</entry></IPSec><dp>dp0</dp></result></response>")

    def ipsec_sa(self):
        act = [t for t in self.tunnels if t["state"] == "active"]
        entries = "".join(
            f"<entry><name>{t['name']}</name><gateway>gw-{t['name']}"
            f"</gateway><gwid>{t['id']}</gwid><tid>{t['id']}</tid>"
            f"<remote>{t['peer']}</remote><proto>ESP</proto><enc>A256</enc>"
            f"<hash>SHA256</hash><i_spi>{t['spi_in']}</i_spi>"
            f"<o_spi>{t['spi_out']}</o_spi><life>3600</life>"
            f"<kb>Unlimited</kb><remain>{t['remain']}</remain></entry>"
            for t in act)
        return (f"<response status=\"success\"><result><ntun>{len(act)}"
                f"</ntun><entries>{entries}</entries></result></response>")

    def ike_sa(self):
        up = [t for t in self.tunnels if t["state"] in ("active", "init")]
        entries = "".join(
            f"<entry><name>gw-{t['name']}</name><gwid>{t['id']}</gwid>"
            f"<remote>{t['peer']}</remote><role>Init</role>"
            f"<ikev>IKEv2</ikev><created>Nov.21 08:02:11</created>"
            f"<state>Established</state></entry>" for t in up)
        return (f"<response status=\"success\"><result>{entries}</result>"
                f"</response>")

    def counters(self):
        entries = "".join(
            f"<entry><name>{c['name']}</name>"
            f"<value>{self._grown(c['value'], c.get('rate', 0))}</value>"
            f"<rate>0</rate><severity>{c.get('severity', 'drop')}</severity>"
            f"<category>{c.get('category', 'flow')}</category>"
            f"<aspect>pktproc</aspect><desc>{c['name']}</desc>"
            f"<id>{i + 1}</id></entry>"
            for i, c in enumerate(self.global_counters))
        return (f"<response status=\"success\"><result><dp>dp0</dp><global>"
                f"<t>1000</t><counters>{entries}</counters></global>"
                f"</result></response>")

    def op(self, cmd_xml):
        """(CLI words, reply XML) for an op command, or an error reply."""
        try:
            root = ET.fromstring(cmd_xml)
        except ET.ParseError:
            return "?", error_reply(18, "malformed command")
        words, node = [], root
        while node is not None:
            words.append(node.tag)
            kids = list(node)
            if not kids and (node.text or "").strip():
                words.append(node.text.strip())
            node = kids[0] if kids else None
        cmd = " ".join(words)
        with self.lock:
            if cmd in self.replies:
                with open(os.path.join(self.fixtures,
                                       self.replies[cmd])) as f:
                    return cmd, f.read()
            if cmd in ("show vpn flow", "show running tunnel flow all"):
                return cmd, self.flow()
            if cmd.startswith("show vpn flow tunnel-id "):
                reply = self.detail(words[-1])
                if reply is None:
                    return cmd, error_reply(
                        7, f"tunnel id {words[-1]} not found")
                return "show vpn flow tunnel-id", reply
            if cmd == "show vpn ipsec-sa":
                return cmd, self.ipsec_sa()
            if cmd == "show vpn ike-sa":
                return cmd, self.ike_sa()
            if cmd == "show counter global":
                return cmd, self.counters()
        return cmd, error_reply(17, f" {words[0]} -> {' '.join(words[1:])}"
                                f"  is unexpected")


def error_reply(code, msg):
    return (f"<response status=\"error\" code=\"{code}\"><msg><line>"
            f"<![CDATA[{msg}]]></line></msg></response>")


HTML = ("<!DOCTYPE html>\n<html><head><title>503 Service Unavailable"
        "</title></head><body><h1>Service Unavailable</h1></body></html>\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PanEmu"
    # Headers and body go out in two writes: without this, Nagle holds
    # the body until the client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet
        pass

    def reply(self, status, body, ctype="application/xml; charset=UTF-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body_params(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode() if n else ""
        return urllib.parse.parse_qs(raw), raw

    def do_GET(self):
        self.handle_api({}, "")

    def do_POST(self):
        params, raw = self.body_params()
        self.handle_api(params, raw)

    def handle_api(self, body, raw):
        dev = self.server.device
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/_emu/stats":
            return self.reply(200, json.dumps(dev.truth()),
                              "application/json")
        if url.path == "/_emu/control":
            dev.control(json.loads(raw or "{}"))
            return self.reply(200, "{}", "application/json")
        if url.path != "/api/":
            return self.reply(404, error_reply(404, "not found"))
        params = {**{k: v[0] for k, v in query.items()},
                  **{k: v[0] for k, v in body.items()}}
        with dev.lock:
            st = dev.stats
            st["inflight"] += 1
            st["max_inflight"] = max(st["max_inflight"], st["inflight"])
            for secret in ("key", "password", "user"):
                if secret in query:
                    st["violations"].append(f"'{secret}' in the URL")
        try:
            self.api(dev, params)
        finally:
            with dev.lock:
                dev.stats["inflight"] -= 1

    def api(self, dev, params):
        if params.get("type") == "keygen":
            with dev.lock:
                ok = (params.get("user") == dev.user and
                      params.get("password") == dev.password)
                if ok:
                    dev.key_seq += 1
                    key = f"LUFRPT{dev.key_seq:04d}{dev.rng.randrange(1 << 60):x}="
                    dev.keys.add(key)
                    dev.stats["keygens"] += 1
            if not ok:
                return self.reply(403, "<response status=\"error\" "
                                  "code=\"403\"><result><msg>Invalid "
                                  "Credential</msg></result></response>")
            return self.reply(200, f"<response status=\"success\"><result>"
                              f"<key>{key}</key></result></response>")
        key = self.headers.get("X-PAN-KEY") or params.get("key")
        with dev.lock:
            known = key in dev.keys
            if not known:
                dev.stats["refused"] += 1
        if not known:
            return self.reply(403, "<response status=\"error\" "
                              "code=\"403\"><result><msg>Invalid "
                              "credentials.</msg></result></response>")
        if params.get("type") != "op":
            return self.reply(200, error_reply(400, "bad request"))
        cmd, body = dev.op(params.get("cmd", ""))
        with dev.lock:
            reqs = dev.stats["requests"]
            reqs[cmd] = reqs.get(cmd, 0) + 1
            fault = dev.fault
            latency = dev.latency
        if latency:
            time.sleep(latency)
        if fault and fault.get("mode") and fault.get("cmd") in ("*", cmd):
            return self.faulty(fault["mode"], body)
        return self.reply(200, body)

    def faulty(self, mode, body):
        if mode == "error17":
            return self.reply(200, error_reply(
                17, " show -> redistribution  is unexpected"))
        if mode == "html":
            return self.reply(503, HTML, "text/html")
        if mode == "http401":
            return self.reply(401, "Unauthorized\n", "text/plain")
        if mode == "http403":
            return self.reply(403, "<response status=\"error\" code=\"403\">"
                              "<result><msg>Invalid credentials.</msg>"
                              "</result></response>")
        if mode == "truncate":
            return self.reply(200, body[:len(body) // 2])
        if mode == "stall":
            # Headers, then nothing: the deadline must fire.
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:20].encode())
            self.wfile.flush()
            time.sleep(3600)
        return self.reply(500, error_reply(1, f"unknown fault {mode}"))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--fixtures", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "fixtures"))
    args = ap.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.device = Device(scenario, args.fixtures)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                 do_handshake_on_connect=False)
    print(f"listening on https://127.0.0.1:{srv.server_address[1]}",
          flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
