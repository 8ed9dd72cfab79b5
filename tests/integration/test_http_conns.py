"""The HTTP server under connection pressure, against the real exporter:
keep-alive clients beyond the connection limit, slowloris clients, silent
connections with TLS on, and more than 1,024 open descriptors.

The connection limit is half the descriptor limit, so several tests start
the exporter under prlimit(1) with 256 descriptors: 128 connections.  The
time limits are generous (the machine is shared) but far below what the
old thread-per-connection server took: 60 to 120 s, or never."""

import http.client
import os
import re
import resource
import shutil
import socket
import ssl
import subprocess
import threading
import time

from vxtest import (Exporter, FastAgent, TmpDirTest, find, gen_asa, main,
                    make_ca, make_cert, parse_metrics, skip_or_die, value,
                    wait_until)


def prlimit(nofile):
    """A wrapper running the exporter with NOFILE descriptors at most."""
    tool = shutil.which("prlimit")
    if tool is None:
        skip_or_die("prlimit (util-linux) is not installed")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < nofile and os.geteuid() != 0:
        skip_or_die(f"the descriptor limit ({hard}) is below {nofile}")
    return [tool, f"--nofile={nofile}:{nofile}", "--"]


def devices_yaml(n, port, background=False, prefix="od", tunnels_opts=""):
    out = []
    for i in range(n):
        out.append(f"""  - name: {prefix}-{i}
    vendor: cisco_asa
    address: 127.0.0.1
    background: {'true' if background else 'false'}
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public{tunnels_opts}}}
""")
    return "".join(out)


def timed_get(port, path, timeout=30, context=None, source=None):
    """One request on a fresh connection: (status, seconds, body)."""
    t0 = time.monotonic()
    if context is not None:
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout,
                                        context=context)
    else:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                       source_address=source)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        return r.status, time.monotonic() - t0, body
    finally:
        c.close()


def server_fd(pid, client_port):
    """The exporter's descriptor for the connection from client_port, from
    ss(8); None without ss."""
    ss = shutil.which("ss")
    if ss is None:
        return None
    out = subprocess.run([ss, "-tnpH", "state", "established",
                          f"( dport = :{client_port} )"],
                         capture_output=True, text=True).stdout
    m = re.search(rf"pid={pid},fd=(\d+)", out)
    if m is None:
        raise AssertionError(f"no socket of {pid} in ss output: {out!r}")
    return int(m.group(1))


def keepalive_clients(port, paths, timeout=40):
    """Each path on its own keep-alive connection, all at once, as
    Prometheus scrapes many targets; every connection stays open until
    all have their answer.  Returns [(status or error, seconds)]."""
    results = [None] * len(paths)
    done = threading.Barrier(len(paths) + 1)
    go = threading.Event()

    def client(i, path):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        go.wait()
        t0 = time.monotonic()
        try:
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            results[i] = (r.status, time.monotonic() - t0)
        except OSError as e:
            results[i] = (repr(e), time.monotonic() - t0)
        try:
            done.wait(timeout + 10)
        except threading.BrokenBarrierError:
            pass
        c.close()

    threads = [threading.Thread(target=client, args=(i, p), daemon=True)
               for i, p in enumerate(paths)]
    for t in threads:
        t.start()
    go.set()
    done.wait(timeout + 10)
    for t in threads:
        t.join(5)
    return results


class Slowloris:
    """N connections that send request headers a byte at a time, and
    reconnect when the server closes them, as the slowloris tool does."""

    HEAD = b"GET / HTTP/1.1\r\nHost: x\r\n"

    def __init__(self, port, n, interval=0.3):
        self.port = port
        self.n = n
        self.interval = interval
        self.stopping = threading.Event()
        self.reconnects = 0
        self.socks = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def connect(self):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        return [s, 0]

    def run(self):
        self.socks = [self.connect() for _ in range(self.n)]
        while not self.stopping.wait(self.interval):
            for entry in self.socks:
                s, k = entry
                data = self.HEAD + b"X-a: b\r\n" * (k // 8 + 1)
                try:
                    s.send(data[k:k + 1])
                    entry[1] = k + 1
                except BlockingIOError:
                    pass
                except OSError:
                    s.close()
                    entry[:] = self.connect()
                    self.reconnects += 1

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        for s, _ in self.socks:
            s.close()


class HttpConns(TmpDirTest):
    def setUp(self):
        super().setUp()
        data, _ = gen_asa(self.workdir, "asa", "--tunnels", "10", "--seed",
                          "http")
        self.agent = self.track(FastAgent(self.workdir, data))

    def exporter(self, ndev=25, nofile=None, extra=(), web=None):
        args = list(extra)
        if web is not None:
            path = os.path.join(self.workdir, "web.yml")
            with open(path, "w") as f:
                f.write(web)
            args.append(f"--web.config.file={path}")
        return self.track(Exporter(
            self.workdir, "defaults: {timeout: 5s}\ndevices:\n"
            + devices_yaml(ndev, self.agent.port),
            extra_args=args, wrapper=prlimit(nofile) if nofile else (),
            wait_ready=web is None))

    def self_metrics(self, ex):
        return parse_metrics(ex.metrics())

    def test_keepalive_clients_beyond_the_limit(self):
        """250 keep-alive /probe clients, 128 connections at most: the
        ones queued beyond the limit get in as the idle ones are closed,
        not after a keep-alive timeout."""
        ex = self.exporter(nofile=256)
        self.assertEqual(value(self.self_metrics(ex),
                               "vpn_exporter_http_max_connections"), 128)
        paths = [f"/probe?target=od-{i % 25}" for i in range(250)]
        results = keepalive_clients(ex.port, paths)
        bad = [r for r in results if r is None or r[0] != 200]
        self.assertEqual(bad, [])
        slowest = max(t for _, t in results)
        print(f"250 keep-alive /probe clients, limit 128: slowest "
              f"{slowest:.2f}s")
        self.assertLess(slowest, 15)
        samples = self.self_metrics(ex)
        self.assertGreater(value(samples,
                                 "vpn_exporter_http_connections_dropped_total",
                                 reason="evicted"), 0)
        ex.wait_log(r"level=warn .*connections dropped: \d+ closed while "
                    r"idle or slow to make room")
        ex.stop_clean()

    def test_slowloris(self):
        """300 connections trickling headers: a normal client's /metrics
        and /probe still answer at once, with room to spare and at the
        limit of 128 connections."""
        for nofile in (None, 256):
            with self.subTest(nofile=nofile):
                ex = self.exporter(nofile=nofile)
                slow = Slowloris(ex.port, 300)
                try:
                    wait_until(lambda: value(
                        self.self_metrics(ex),
                        "vpn_exporter_http_connections") >= 100,
                        timeout=15, what="slow clients connected")
                    worst = 0
                    for i in range(5):
                        for path in ("/metrics", f"/probe?target=od-{i}"):
                            status, dt, _ = timed_get(ex.port, path)
                            self.assertEqual(status, 200, path)
                            worst = max(worst, dt)
                    print(f"300 slowloris clients, descriptor limit "
                          f"{nofile or 'default'}: slowest answer "
                          f"{worst:.2f}s, {slow.reconnects} reconnects")
                    self.assertLess(worst, 2 if nofile is None else 5)
                finally:
                    slow.stop()
                ex.stop_clean()

    def test_silent_connections_with_tls(self):
        """200 TCP connections that never start the TLS handshake, at a
        limit of 128: a valid TLS client is served at once, and the silent
        ones time out after 10 s, counted and logged."""
        d = self.workdir
        make_ca(d, "ca")
        make_cert(d, "server", "ca", "DNS:localhost,IP:127.0.0.1",
                  "serverAuth")
        ex = self.exporter(nofile=256, web="tls_server_config:\n"
                           "  cert_file: server.pem\n  key_file: server.key\n")
        ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))

        def ready():
            try:
                return timed_get(ex.port, "/-/ready", context=ctx)[0] == 200
            except OSError:
                return False
        wait_until(ready, timeout=20, what="exporter ready over TLS")
        silent = []
        try:
            for _ in range(200):
                s = socket.socket()
                s.setblocking(False)
                try:
                    s.connect(("127.0.0.1", ex.port))
                except BlockingIOError:
                    pass
                silent.append(s)
            time.sleep(0.5)
            worst = 0
            for path in ("/-/healthy", "/metrics", "/probe?target=od-1"):
                status, dt, _ = timed_get(ex.port, path, context=ctx)
                self.assertEqual(status, 200, path)
                worst = max(worst, dt)
            print(f"200 silent connections, TLS, limit 128: slowest valid "
                  f"client {worst:.2f}s")
            self.assertLess(worst, 4)

            def timed_out():
                _, _, body = timed_get(ex.port, "/metrics", context=ctx)
                s = parse_metrics(body.decode())
                return value(s, "vpn_exporter_http_connections_dropped_total",
                             reason="timeout") > 0 and value(
                    s, "vpn_exporter_http_connections") < 10
            t0 = time.monotonic()
            wait_until(timed_out, timeout=30, interval=0.5,
                       what="silent connections timed out")
            print(f"the silent connections were all closed after "
                  f"{time.monotonic() - t0:.1f}s")
            # Logged at once, then summed up once a minute.
            ex.wait_log(r"level=warn .*connections dropped: \d+ closed "
                        r"while idle or slow")
        finally:
            for s in silent:
                s.close()
        ex.stop_clean()

    def test_more_than_1024_descriptors(self):
        """1,100 descriptors in use (idle clients; SNMP polls keep no
        socket): the server's new connections get descriptors above
        1,024, where a select() server turns every client away."""
        ex = self.track(Exporter(
            self.workdir, "defaults: {interval: 60s, timeout: 5s}\n"
            "devices:\n" + devices_yaml(100, self.agent.port,
                                        background=True),
            wrapper=prlimit(4096), ready_timeout=60))

        def all_polled():
            s = parse_metrics(ex.metrics())
            return len(find(s, "vpn_up")) == 100 and s
        wait_until(all_polled, timeout=60, what="100 polls")
        # Idle clients take the descriptors up to 1,110, so that the
        # lowest free descriptor is above 1,024.
        pid = ex.proc.p.pid
        idle = []
        while len(os.listdir(f"/proc/{pid}/fd")) < 1110:
            idle.append(socket.create_connection(("127.0.0.1", ex.port)))
            if len(idle) % 50 == 0:
                time.sleep(0.05)
        for path in ("/-/healthy", "/metrics", "/probe?target=od-7"):
            status, dt, _ = timed_get(ex.port, path)
            self.assertEqual(status, 200, path)
            self.assertLess(dt, 10, path)
        # The server's side of a client's connection, as ss(8) sees it.
        c = http.client.HTTPConnection("127.0.0.1", ex.port, timeout=10)
        c.request("GET", "/-/healthy")
        self.assertEqual(c.getresponse().read(), b"Healthy\n")
        fd = server_fd(ex.proc.p.pid, c.sock.getsockname()[1])
        c.close()
        for i in idle:
            i.close()
        if fd is not None:
            print(f"the server answered on descriptor {fd} ({len(idle)} "
                  f"idle clients)")
            self.assertGreater(fd, 1024)
        self.assertNotRegex(ex.log(), r'FD_SETSIZE|level=(warn|error) '
                            r'msg="http')
        ex.stop_clean()


if __name__ == "__main__":
    main()
