"""A real Prometheus, a real Alertmanager and a webhook receiver on
loopback, for end-to-end tests of the generated rules and the example
Alertmanager configuration.

  hook = Webhook()                          # collects what Alertmanager sends
  am = Alertmanager(workdir, hook.url)      # examples/alertmanager.yml's
                                            # routes and inhibitions
  prom = Prometheus(workdir, scrape_configs, ["rules.yml"], am.url)
  hook.wait(lambda alerts: ..., timeout=120)

Binaries: Debian's prometheus and prometheus-alertmanager (skip locally,
fail under CI=true when missing).  Everything listens on 127.0.0.1.
"""

import http.server
import json
import os
import threading
import time
import urllib.request

from vxtest import (Proc, free_port, http_get, need_binary, wait_until)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def yaml_str(v):
    """A double-quoted YAML scalar (JSON's escaping is valid YAML)."""
    return json.dumps(v)


class Webhook:
    """An HTTP server that stores every Alertmanager notification."""

    def __init__(self, on_alert=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.notifications = []
        self.lock = threading.Lock()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(n)
                try:
                    msg = json.loads(body)
                except ValueError:
                    msg = {"unparsable": body.decode("utf-8", "replace")}
                with hook.lock:
                    hook.notifications.append((time.monotonic(), msg))
                for a in msg.get("alerts", []) if on_alert else ():
                    on_alert(a)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def alerts(self, status=None):
        """Every alert of every notification so far, oldest first."""
        out = []
        with self.lock:
            for _, msg in self.notifications:
                for a in msg.get("alerts", []):
                    if status is None or a.get("status") == status:
                        out.append(a)
        return out

    def firing(self, **labels):
        """Firing alerts whose labels include the given ones."""
        return [a for a in self.alerts("firing")
                if all(a["labels"].get(k) == v for k, v in labels.items())]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


ALERTMANAGER_CONFIG = """\
# The example routing and inhibitions (examples/alertmanager.yml), with
# both receivers sent to the test's webhook and short timers.
route:
  receiver: tickets
  group_by: [alertname, device]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: [severity="page"]
      receiver: oncall
inhibit_rules:
{inhibit}
receivers:
  - name: oncall
    webhook_configs:
      - url: {url}
        send_resolved: true
  - name: tickets
    webhook_configs:
      - url: {url}
        send_resolved: true
"""


def example_inhibit_rules():
    """The inhibit_rules block of examples/alertmanager.yml, verbatim."""
    with open(os.path.join(ROOT, "examples", "alertmanager.yml")) as f:
        text = f.read()
    block = text.split("\ninhibit_rules:\n", 1)[1].split("\nreceivers:", 1)[0]
    return block.rstrip("\n")


def port_or_free(port):
    """port if nothing listens on it (a demo's well-known one), else a
    free one."""
    import socket
    if port:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                pass
    return free_port()


class Server:
    """A child process serving HTTP, ready when /-/ready says 200."""

    def wait_ready(self, what):
        wait_until(self.ready, timeout=60, what=f"{what} ready")

    def ready(self):
        if not self.proc.alive():
            raise AssertionError(f"{self.proc.name} exited:\n" +
                                 self.proc.log())
        try:
            return http_get(self.url + "/-/ready", timeout=2)[0] == 200
        except OSError:
            return False

    def stop(self):
        self.proc.stop()


class Alertmanager(Server):
    def __init__(self, workdir, webhook_url, port=None):
        binary = need_binary("prometheus-alertmanager")
        self.port = port_or_free(port)
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = os.path.join(workdir, "alertmanager")
        os.makedirs(self.dir, exist_ok=True)
        conf = os.path.join(self.dir, "alertmanager.yml")
        with open(conf, "w") as f:
            f.write(ALERTMANAGER_CONFIG.format(
                inhibit=example_inhibit_rules(), url=yaml_str(webhook_url)))
        self.proc = Proc([binary, f"--config.file={conf}",
                          f"--storage.path={self.dir}",
                          f"--web.listen-address=127.0.0.1:{self.port}",
                          "--cluster.listen-address="],
                         "alertmanager", workdir)
        self.wait_ready("alertmanager")


class Prometheus(Server):
    """Prometheus scraping the given jobs every interval, evaluating rule
    files every interval, sending alerts to Alertmanager."""

    def __init__(self, workdir, scrape_configs, rule_files,
                 alertmanager_url=None, interval="1s", port=None):
        binary = need_binary("prometheus")
        self.port = port_or_free(port)
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = os.path.join(workdir, "prometheus")
        os.makedirs(self.dir, exist_ok=True)
        conf = os.path.join(self.dir, "prometheus.yml")
        lines = ["global:", f"  scrape_interval: {interval}",
                 f"  evaluation_interval: {interval}", "rule_files:"]
        lines += [f"  - {yaml_str(r)}" for r in rule_files]
        if alertmanager_url:
            host = alertmanager_url.split("//", 1)[1]
            lines += ["alerting:", "  alertmanagers:",
                      "    - static_configs:",
                      f"        - targets: [{yaml_str(host)}]"]
        lines += ["scrape_configs:"]
        for job in scrape_configs:
            lines += ["  - " + json.dumps(job)]
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = Proc([binary, f"--config.file={conf}",
                          f"--storage.tsdb.path={self.dir}/data",
                          f"--web.listen-address=127.0.0.1:{self.port}"],
                         "prometheus", workdir)
        self.wait_ready("prometheus")

    def query(self, expr):
        """An instant query: the result list of the API's answer."""
        url = (self.url + "/api/v1/query?query=" +
               urllib.request.quote(expr, safe=""))
        status, _, body = http_get(url, timeout=10)
        data = json.loads(body)
        if status != 200 or data.get("status") != "success":
            raise AssertionError(f"query {expr!r}: {status} {body[:300]!r}")
        return data["data"]["result"]

    def alerts(self):
        status, _, body = http_get(self.url + "/api/v1/alerts", timeout=10)
        return json.loads(body)["data"]["alerts"]

    def rule_health(self):
        """Rules that failed their last evaluation: [(name, error)]."""
        status, _, body = http_get(self.url + "/api/v1/rules", timeout=10)
        bad = []
        for g in json.loads(body)["data"]["groups"]:
            for r in g["rules"]:
                if r.get("health") not in ("ok", "unknown"):
                    bad.append((r["name"], r.get("lastError")))
        return bad
