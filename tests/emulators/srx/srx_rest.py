#!/usr/bin/env python3
"""The Junos REST API of an emulated SRX over HTTPS, on loopback (Python
stdlib only: http.server + ssl), playing the same scenarios as the
NETCONF emulator (srx_model.py).

  srx_rest.py --cert server.pem --key server.key --scenario sc.json
              --user monitor --password-file pw [--port 0]

It prints "listening on https://127.0.0.1:PORT" once it serves, and
re-reads the scenario file when it changes.

  GET /rpc/get-security-associations-information[?detail=]
  GET /rpc/get-ike-security-associations-information[?detail=]
      the RPC's reply element (application/xml), as Junos' REST API
      sends it: no <rpc-reply> around it; a cluster's
      <multi-routing-engine-results>; <xnm:error> when not configured
  GET /rpc/get-ipsec-statistics-information@format=text
      "show security ipsec statistics" as text/plain

Every request needs HTTP Basic authentication with the user and
password (else 401); an unknown method is 404.  The scenario's "broken"
knob cuts a reply in the middle or stalls it.  GET /_emu/stats (no
authentication) gives the requests seen and whether a credential ever
came in a URL.
"""

import argparse
import base64
import http.server
import json
import os
import socketserver
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import srx_model  # noqa: E402

METHODS = {
    "get-security-associations-information": "ipsec_sa",
    "get-ike-security-associations-information": "ike_sa",
    "get-ipsec-statistics-information": "stats",
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def reply(self, status, body, ctype="application/xml; charset=UTF-8"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="Junos"')
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        srv = self.server
        if self.path == "/_emu/stats":
            with srv.lock:
                self.reply(200, json.dumps(srv.stats), "application/json")
            return
        with srv.lock:
            if srv.user in self.path or srv.password in self.path:
                srv.stats["credentials_in_url"] = True
        want = "Basic " + base64.b64encode(
            f"{srv.user}:{srv.password}".encode()).decode()
        if self.headers.get("Authorization") != want:
            self.reply(401, "<html><body>Unauthorized</body></html>",
                       "text/html")
            return
        path = self.path.split("?", 1)[0]
        if not path.startswith("/rpc/"):
            self.reply(404, "not found", "text/plain")
            return
        method, _, attrs = path[5:].partition("@")
        what = METHODS.get(method)
        if what is None:
            self.reply(404, f"unknown method {method}", "text/plain")
            return
        with srv.lock:
            srv.stats["requests"][method] = \
                srv.stats["requests"].get(method, 0) + 1
            dev = srv.device()
        if what == "stats":
            if attrs != "format=text":
                self.reply(400, "statistics are asked for as text",
                           "text/plain")
                return
            body, ctype = dev.text("stats"), "text/plain"
        else:
            body = ("<?xml version=\"1.0\"?>\n" + dev.xml(what).replace(
                "junos:style", f"xmlns:junos=\"{srx_model.NS_JUNOS}\" "
                "junos:style", 1))
            ctype = "application/xml; charset=UTF-8"
        broken = (dev.sc.get("broken") or {}).get(what)
        data = body.encode()
        if broken == "malformed":
            data = data[:len(data) // 2]
        if broken == "stall":
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            time.sleep(float(dev.sc.get("stall_seconds", 600)))
            return
        self.reply(200, data, ctype)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def device(self):
        mtime = os.stat(self.scenario).st_mtime_ns
        if mtime != self.mtime:
            self.mtime = mtime
            self.dev = srx_model.Srx(srx_model.load(self.scenario),
                                     self.state)
        return self.dev


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--user", default="monitor")
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    with open(a.password_file) as f:
        password = f.read().rstrip("\n")
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.scenario = a.scenario
    srv.state = os.path.join(os.path.dirname(os.path.abspath(a.scenario)),
                             "rest-state")
    os.makedirs(srv.state, exist_ok=True)
    srv.mtime = None
    srv.user, srv.password = a.user, password
    srv.lock = threading.Lock()
    srv.stats = {"requests": {}, "credentials_in_url": False}
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
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
