"""The HTTP server's endpoints and settings, against the real exporter:
the web configuration reloaded (SIGHUP, /-/reload, a broken one refused),
several --web.listen-address, sockets from systemd, /probe of background
devices (latest poll, probe_fresh, HEAD never polls), what a request may
carry (/probe targets, Accept q values, nosniff), basic auth under a
flood of wrong passwords, how the worker threads are named and
scheduled (--probe.scheduling), and a burst of /probe polls taking turns
for the CPU (vpn_exporter_probe_cpu_wait_seconds_total)."""

import base64
import http.client
import os
import signal
import socket
import ssl
import sys
import threading
import time

from vxtest import (TESTS_DIR, Exporter, FastAgent, TmpDirTest, find, free_port,
                    gen_asa, http_get, main, make_ca, make_cert,
                    parse_metrics, value, wait_until)

SD_LAUNCH = os.path.join(TESTS_DIR, "lib", "sd_launch.py")
# scraper / scr4per-pw at bcrypt cost 11 (about 0.1 s a check); made
# with Python's crypt module (libxcrypt).
SCRAPER = "$2b$11$g8ZgWIn8ChZ6vwXcjyq.y.nkcaWWTXpBU81vinZTyjZ1IS0t8890m"


def device(name, port, extra=""):
    return f"""  - name: {name}
    vendor: cisco_asa
    address: 127.0.0.1
{extra}    collectors:
      cisco_asa_snmp: {{port: {port}, community: public}}
"""


def peer_cert(port):
    """The DER certificate a new TLS connection to port is served."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with ctx.wrap_socket(s) as t:
            return t.getpeercert(binary_form=True)


def pem_der(path):
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def basic(user, password):
    tok = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {tok}"}


def get_from(port, path, headers, source):
    """(status, seconds) of one request from a given source address."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                   source_address=(source, 0))
    t0 = time.monotonic()
    try:
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        r.read()
        return r.status, time.monotonic() - t0
    finally:
        c.close()


def threads_of(pid):
    """{tid: (name, nice, policy)} of a process, from /proc."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except FileNotFoundError:
            continue            # the thread ended meanwhile
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2:].split()
        # Fields 19 (nice) and 41 (policy) of proc(5); rest starts at 3.
        out[int(tid)] = (name, int(rest[19 - 3]), int(rest[41 - 3]))
    return out


class HttpServer(TmpDirTest):
    def setUp(self):
        super().setUp()
        self.data, _ = gen_asa(self.workdir, "asa", "--tunnels", "4",
                               "--seed", "http")

    def agent(self, name="fastagent"):
        return self.track(FastAgent(self.workdir, self.data, name=name))

    def write(self, name, text):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    # -- web configuration reload --

    def test_web_config_reload(self):
        d = self.workdir
        make_ca(d, "ca")
        for name in ("one", "two", "three"):
            make_cert(d, name, "ca", "DNS:localhost,IP:127.0.0.1",
                      "serverAuth")

        def tls(name, extra=""):
            return (f"tls_server_config:\n  cert_file: {name}.pem\n"
                    f"  key_file: {name}.key\n{extra}")
        web = self.write("web.yml", tls("one"))
        ex = self.track(Exporter(d, "devices: []\n", extra_args=[
            f"--web.config.file={web}"], wait_ready=False))
        ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
        https = f"https://127.0.0.1:{ex.port}"

        def serves(name):
            try:
                return peer_cert(ex.port) == pem_der(
                    os.path.join(d, f"{name}.pem"))
            except OSError:
                return False
        wait_until(lambda: serves("one"), timeout=20, what="certificate one")

        # A renewed certificate, SIGHUP: served to new connections.
        kept = http.client.HTTPSConnection("127.0.0.1", ex.port, context=ctx,
                                           timeout=10)
        kept.request("GET", "/-/healthy")
        self.assertEqual(kept.getresponse().read(), b"Healthy\n")
        self.write("web.yml", tls("two"))
        ex.proc.send(signal.SIGHUP)
        wait_until(lambda: serves("two"), timeout=10, what="certificate two")
        ex.wait_log(r"web configuration reloaded \(new TLS settings")

        # /-/reload, with basic auth added: it applies at once.
        self.write("web.yml", tls("three") + f"basic_auth_users:\n"
                   f"  scraper: {SCRAPER}\n")
        status, _, body = http_get(https + "/-/reload", method="POST",
                                   data=b"", context=ctx)
        self.assertEqual(status, 200, body)
        self.assertTrue(serves("three"))
        self.assertEqual(http_get(https + "/metrics", context=ctx)[0], 401)
        status, _, body = http_get(https + "/metrics", context=ctx,
                                   headers=basic("scraper", "scr4per-pw"))
        self.assertEqual(status, 200)
        samples = parse_metrics(body.decode())
        self.assertEqual(value(samples, "vpn_exporter_config_last_reload_"
                               "successful"), 1)

        # A broken web configuration is refused; the running one stays.
        self.write("web.yml", tls("three") + "  cipher_suites: [NOPE]\n")
        status, _, body = http_get(https + "/-/reload", method="POST",
                                   data=b"", context=ctx,
                                   headers=basic("scraper", "scr4per-pw"))
        self.assertEqual(status, 500)
        self.assertIn(b"web.yml:", body)
        self.assertIn(b"NOPE", body)
        self.assertIn(b"web configuration not reloaded", body)
        self.assertTrue(serves("three"))
        status, _, body = http_get(https + "/metrics", context=ctx,
                                   headers=basic("scraper", "scr4per-pw"))
        self.assertEqual(status, 200)
        self.assertEqual(value(parse_metrics(body.decode()),
                               "vpn_exporter_config_last_reload_successful"),
                         0)
        ex.wait_log(r"level=error .*web configuration not reloaded; the "
                    r"running one stays")
        # A missing file too, by SIGHUP.
        os.unlink(web)
        ex.proc.send(signal.SIGHUP)
        ex.wait_log(r"web.yml: cannot open")
        self.assertTrue(serves("three"))
        self.assertTrue(ex.proc.alive())
        kept.close()
        ex.stop_clean()

    # -- listening --

    def test_listen_addresses_and_systemd_socket(self):
        second = free_port()
        ex = self.track(Exporter(self.workdir, "devices: []\n", extra_args=[
            f"--web.listen-address=127.0.0.2:{second}"]))
        self.assertEqual(http_get(ex.url + "/-/healthy")[0], 200)
        self.assertEqual(http_get(f"http://127.0.0.2:{second}/-/healthy")[0],
                         200)
        ex.stop_clean()

        # Two sockets from "systemd"; the listen addresses are not used.
        ports = [free_port(), free_port()]
        ex = self.track(Exporter(
            self.workdir, "devices: []\n", name="sd",
            extra_args=["--web.systemd-socket"], wait_ready=False,
            wrapper=[sys.executable, SD_LAUNCH, f"127.0.0.1:{ports[0]}",
                     f"127.0.0.1:{ports[1]}", "--"]))
        ex.url = f"http://127.0.0.1:{ports[0]}"
        wait_until(ex.ready, timeout=20, what="exporter on systemd socket")
        self.assertEqual(http_get(f"http://127.0.0.1:{ports[1]}/-/ready")[0],
                         200)
        # The sockets answer as soon as the server runs, which may be
        # before these lines are written.
        ex.wait_log(r"listening on systemd socket \(fd 3\)")
        ex.wait_log(r"listening on systemd socket \(fd 4\)")
        with self.assertRaises(OSError):
            http_get(f"http://127.0.0.1:{ex.port}/-/ready", timeout=2)
        ex.stop_clean()

        # Without systemd: a clear error at startup.
        ex = self.track(Exporter(self.workdir, "devices: []\n", name="nosd",
                                 extra_args=["--web.systemd-socket"],
                                 wait_ready=False))
        self.assertEqual(ex.proc.p.wait(10), 1)
        self.assertIn("LISTEN_PID and LISTEN_FDS are not set", ex.log())

    # -- /probe --

    def test_probe_of_background_devices(self):
        bg = self.agent("bg")
        od = self.agent("od")
        ex = self.track(Exporter(self.workdir, (
            "defaults: {interval: 60s, timeout: 5s}\ndevices:\n"
            + device("bg", bg.port)
            + device("bgfresh", bg.port, "    probe_fresh: true\n")
            + device("od", od.port, "    background: false\n"))))

        def polled():
            s = parse_metrics(ex.metrics())
            ts = {n: find(s, "vpn_collect_timestamp_seconds", device=n)
                  for n in ("bg", "bgfresh")}
            return all(ts.values()) and {n: v[0] for n, v in ts.items()}
        ts = wait_until(polled, timeout=20, what="background polls")

        # The latest background poll, not a new one; HEAD likewise.
        for _ in range(3):
            status, _, body = ex.get("/probe?target=bg")
            self.assertEqual(status, 200)
            probe = parse_metrics(body.decode())
            self.assertEqual(value(probe, "vpn_collect_timestamp_seconds",
                                   device="bg"), ts["bg"])
            self.assertEqual(value(probe, "vpn_up", device="bg"), 1)
        status, hdrs, body = ex.get("/probe?target=bg", method="HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertTrue(hdrs["content-type"].startswith("text/plain"))

        # probe_fresh: true polls at each GET, and never for HEAD.
        time.sleep(0.01)
        status, _, body = ex.get("/probe?target=bgfresh")
        self.assertEqual(status, 200)
        fresh = value(parse_metrics(body.decode()),
                      "vpn_collect_timestamp_seconds", device="bgfresh")
        self.assertGreater(fresh, ts["bgfresh"])
        self.assertEqual(ex.get("/probe?target=bgfresh", method="HEAD")[0],
                         200)
        self.assertEqual(value(parse_metrics(ex.metrics()),
                               "vpn_collect_timestamp_seconds",
                               device="bgfresh"), fresh)

        # An on-demand device: HEAD answers without asking the device.
        for _ in range(3):
            self.assertEqual(ex.get("/probe?target=od", method="HEAD")[0],
                             200)
        self.assertEqual(od.requests(), 0)
        self.assertGreater(bg.requests(), 0)
        ex.stop_clean()

    # -- polls take turns for the CPU --

    def test_probe_polls_take_turns(self):
        """A burst of concurrent /probe polls, more than twice as many as
        there are cores, computes a few at a time: some wait for a turn,
        and vpn_exporter_probe_cpu_wait_seconds_total counts the time
        (0 before).  Every answer is complete."""
        data, _ = gen_asa(self.workdir, "big", "--tunnels", "100",
                          "--seed", "turns")
        agent = self.track(FastAgent(self.workdir, data, name="big"))
        n = 16 * (os.cpu_count() or 2)
        ex = self.track(Exporter(self.workdir, (
            "defaults: {timeout: 20s, retries: 0, background: false}\n"
            "devices:\n" + "".join(device(f"d{i}", agent.port)
                                  for i in range(n)))))
        metric = "vpn_exporter_probe_cpu_wait_seconds_total"
        self.assertEqual(value(parse_metrics(ex.metrics()), metric), 0)
        waited = 0
        for burst in range(5):
            results = [None] * n
            go = threading.Barrier(n)

            def probe(i):
                go.wait()
                results[i] = ex.get(f"/probe?target=d{i}", timeout=60)
            clients = [threading.Thread(target=probe, args=(i,))
                       for i in range(n)]
            for c in clients:
                c.start()
            for c in clients:
                c.join(90)
            for i, (status, _, body) in enumerate(results):
                self.assertEqual(status, 200, body[:300])
                m = parse_metrics(body.decode())
                self.assertEqual(value(m, "vpn_up", device=f"d{i}"), 1)
                self.assertEqual(len(find(m, "vpn_tunnel_up",
                                          device=f"d{i}")), 100)
            waited = value(parse_metrics(ex.metrics()), metric)
            print(f"burst {burst + 1} of {n} polls: {metric} {waited}",
                  file=sys.stderr)
            if waited > 0:
                break
        self.assertGreater(waited, 0)
        ex.stop_clean()

    # -- worker threads --

    def test_probe_threads_scheduling(self):
        """/probe polls run in threads named vx-probe, SCHED_IDLE by
        default and at nice 10 with --probe.scheduling=nice; answers are
        rendered in vx-render threads at the process's priority.  The
        device is a loopback UDP port that never answers, so that the
        polls are still running when the threads are looked at."""
        agent = self.agent()
        dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        dead.bind(("127.0.0.1", 0))
        self.addCleanup(dead.close)
        config = ("defaults: {timeout: 4s, retries: 0, background: false}\n"
                  "devices:\n" + device("dead", dead.getsockname()[1])
                  + device("ok", agent.port))
        for flag, policy, nice in ((None, os.SCHED_IDLE, 0),
                                   ("nice", os.SCHED_OTHER, 10)):
            with self.subTest(scheduling=flag):
                extra = [f"--probe.scheduling={flag}"] if flag else []
                ex = self.track(Exporter(self.workdir, config,
                                         extra_args=extra))
                ex.wait_log(r"/probe polls at once \((at nice 10|on the "
                            r"CPU time the rest of the exporter leaves)\)")
                self.assertEqual(ex.get("/probe?target=ok")[0], 200)
                results = []
                client = threading.Thread(target=lambda: results.append(
                    ex.get("/probe?target=dead", timeout=30)))
                client.start()

                def probing():
                    t = threads_of(ex.proc.p.pid)
                    return [v for v in t.values() if v[0] == "vx-probe"] \
                        or None
                probe = wait_until(probing, timeout=10,
                                   what="a vx-probe thread")
                threads = threads_of(ex.proc.p.pid)
                client.join(30)
                status, _, body = results[0]
                self.assertEqual(status, 200)
                self.assertEqual(value(parse_metrics(body.decode()),
                                       "vpn_up", device="dead"), 0)
                for name, n, pol in probe:
                    self.assertEqual((pol, n), (policy, nice), name)
                render = [v for v in threads.values() if v[0] == "vx-render"]
                self.assertTrue(render, threads)
                for name, n, pol in render:
                    self.assertEqual((pol, n), (os.SCHED_OTHER, 0), name)
                # The event loops keep the process's priority (workers
                # used to carry the name of the loop that started them).
                loops = [v for v in threads.values()
                         if v[0].startswith("MHD")]
                self.assertTrue(loops, threads)
                for name, n, pol in loops:
                    self.assertEqual((pol, n), (os.SCHED_OTHER, 0), name)
                ex.stop_clean()

    # -- what a request may carry --

    def test_request_checks(self):
        agent = self.agent()
        ex = self.track(Exporter(self.workdir, "devices:\n" + device(
            "asa-probe", agent.port, "    background: false\n")))

        # An unknown target is named quoted, in a fixed message.
        status, hdrs, body = ex.get("/probe?target=no%ff%22such")
        self.assertEqual(status, 400)
        self.assertEqual(body, b'unknown target "no\\xff\\x22such": not a '
                         b'device in the configuration\n')
        self.assertEqual(hdrs["x-content-type-options"], "nosniff")
        status, _, body = ex.get("/probe?target=" + "x" * 200)
        self.assertEqual(body, b'unknown target "' + b"x" * 64 + b'"...: not '
                         b'a device in the configuration\n')
        # Control characters, NUL among them, are refused.
        for target in ("asa-probe%00x", "asa-probe%0d%0aX-Injected:%20yes",
                       "asa%09probe", "%7f"):
            status, hdrs, body = ex.get("/probe?target=" + target)
            self.assertEqual(status, 400, target)
            self.assertEqual(body, b"the 'target' parameter has a control "
                             b"character\n")
            self.assertNotIn("x-injected", hdrs)
        self.assertEqual(ex.get("/probe?target=asa-probe")[0], 200)

        # Accept: the higher q wins.
        for accept, om in (
                ("text/plain;q=1, application/openmetrics-text;q=0.5", False),
                ("text/plain;q=0.5, application/openmetrics-text", True),
                ("application/openmetrics-text;version=1.0.0,text/plain;"
                 "version=0.0.4;q=0.5,*/*;q=0.1", True)):
            for path in ("/metrics", "/probe?target=asa-probe"):
                status, hdrs, _ = ex.get(path, headers={"Accept": accept})
                self.assertEqual(status, 200)
                self.assertEqual(hdrs["content-type"].startswith(
                    "application/openmetrics-text"), om, (accept, path))

        # nosniff on every answer.
        for method, path, want in (
                ("GET", "/", 200), ("GET", "/metrics", 200),
                ("HEAD", "/metrics", 200), ("GET", "/-/healthy", 200),
                ("GET", "/-/ready", 200), ("GET", "/probe", 400),
                ("GET", "/nope", 404), ("POST", "/metrics", 405),
                ("GET", "/-/reload", 405)):
            status, hdrs, _ = ex.get(path, method=method,
                                     data=b"" if method == "POST" else None)
            self.assertEqual(status, want, path)
            self.assertEqual(hdrs.get("x-content-type-options"), "nosniff",
                             (method, path))

        # What libmicrohttpd answers itself has no nosniff (no hook for it,
        # README "Endpoints"), but nothing of the request either.
        mark = b"<script>alert(1)</script>"
        for req, want in (
                (b"GET /" + mark + b"a" * 70000 + b" HTTP/1.1\r\n"
                 b"Host: a\r\n\r\n", b"414"),
                (b"GET /metrics HTTP/1.1\r\nHost: a\r\nX-A: " + mark +
                 b"a" * 70000 + b"\r\n\r\n", b"431"),
                (b"GET /" + mark + b" HTTP/9.9\r\nHost: a\r\n\r\n", b"505")):
            with socket.create_connection(("127.0.0.1", ex.port),
                                          timeout=10) as c:
                c.sendall(req)
                answer = b""
                while chunk := c.recv(65536):
                    answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.1 " + want), head)
            self.assertNotIn(b"script", body.lower())
            self.assertNotIn(b"x-content-type-options", head.lower(),
                             "libmicrohttpd adds nosniff now: update README")
        ex.stop_clean()

    # -- basic auth under a flood of wrong passwords --

    def test_wrong_passwords_do_not_starve_a_scraper(self):
        web = self.write("web.yml", f"basic_auth_users:\n  scraper: {SCRAPER}\n")
        ex = self.track(Exporter(self.workdir, "devices: []\n", extra_args=[
            f"--web.config.file={web}"], wait_ready=False))
        wait_until(lambda: ex.proc.alive() and self._listening(ex.port),
                   timeout=20, what="exporter listening")
        stop = threading.Event()
        flood_status = set()

        def flood(i):
            while not stop.is_set():
                st, _ = get_from(ex.port, "/metrics",
                                 basic("scraper", f"guess-{i}-{time.time()}"),
                                 "127.0.0.2")
                flood_status.add(st)
        threads = [threading.Thread(target=flood, args=(i,), daemon=True)
                   for i in range(40)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.5)   # the bcrypt queue fills up
            # A first login (not cached yet), then a cached one.
            times = []
            for _ in range(2):
                st, dt = get_from(ex.port, "/metrics",
                                  basic("scraper", "scr4per-pw"), "127.0.0.1")
                self.assertEqual(st, 200)
                times.append(dt)
            st, dt = get_from(ex.port, "/metrics",
                              basic("scraper", "wrong"), "127.0.0.1")
            self.assertEqual(st, 401)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        print(f"40 clients with wrong passwords: first login {times[0]:.2f}s,"
              f" cached {times[1]:.3f}s, a wrong one {dt:.2f}s")
        self.assertEqual(flood_status, {401})
        self.assertLess(times[0], 1.5)
        self.assertLess(times[1], 0.5)
        ex.stop_clean()

    @staticmethod
    def _listening(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False


if __name__ == "__main__":
    main()
