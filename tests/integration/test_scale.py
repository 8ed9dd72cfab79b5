#!/usr/bin/env python3
"""integration.scale: big fleets and broken agents.

* 2,000 SNMP devices on one simulated agent (vx_fastagent), polled in the
  background: /metrics and /-/healthy answer throughout, every device is
  up, and the exporter holds no socket per device between polls.  Twice,
  since the bug this replaces crashed one run in ten (and under ASan in
  the sanitizer build).
* 500 devices started at once, three times: no device fails its first
  round (net-snmp is initialised before any worker), and net-snmp never
  writes raw text to stderr.
* The descriptor limit: raised from the soft to the hard limit, the need
  logged once, and a configuration that cannot fit refused at start, in
  --dry-run and on reload.
* A looping agent (answers a walk with the OID asked for) is an error,
  not an empty table; a poll that runs past its timeout is a timeout,
  with none of its data served; requests in flight are capped.
"""

import os
import re
import select
import signal
import socket
import subprocess
import threading
import time

from vxtest import (VX_BIN, Exporter, FastAgent, TmpDirTest, find, gen_asa,
                    http_get, main, parse_metrics, value, wait_until)

HEADER = """\
defaults:
  interval: {interval}
  timeout: {timeout}
  retries: 0
devices:
"""

DEVICE = """\
  - name: {name}
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {port}, community: public{extra}}}
"""

LOGFMT = re.compile(r'^ts=\S+ level=(debug|info|warn|error) ')


def fleet_config(port, n, interval="10s", timeout="5s", extra="",
                 prefix="asa"):
    return HEADER.format(interval=interval, timeout=timeout) + "".join(
        DEVICE.format(name=f"{prefix}-{i:04d}", port=port, extra=extra)
        for i in range(n))


def count(text, name, val=None):
    """Samples named name (with value val) in a text exposition."""
    n = 0
    for line in text.splitlines():
        if line.startswith(name + "{") and (
                val is None or line.endswith("} " + val)):
            n += 1
    return n


def sample(text, name):
    """The value of an unlabelled sample, or None."""
    m = re.search(r"^" + re.escape(name) + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


class Watcher(threading.Thread):
    """Asks /-/healthy and /metrics (gzip) every 0.5 s; notes failures."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.stop_flag = threading.Event()
        self.failures = []
        self.requests = 0

    def run(self):
        while not self.stop_flag.is_set():
            for path, hdrs in (("/-/healthy", None),
                               ("/metrics", {"Accept-Encoding": "gzip"})):
                try:
                    status = http_get(self.url + path, headers=hdrs,
                                      timeout=20)[0]
                    if status != 200:
                        self.failures.append(f"{path}: HTTP {status}")
                except OSError as e:
                    self.failures.append(f"{path}: {e}")
                self.requests += 1
            self.stop_flag.wait(0.5)

    def finish(self):
        self.stop_flag.set()
        self.join(60)


class Fleet(TmpDirTest):
    def setUp(self):
        super().setUp()
        self.data, _ = gen_asa(self.workdir, "fleet", "--tunnels", "3")
        self.agent = self.track(FastAgent(self.workdir, self.data))

    def check_clean_log(self, ex):
        log = ex.log()
        # Every line is ours (no raw net-snmp text), and none an error.
        for line in log.splitlines():
            self.assertRegex(line, LOGFMT)
        self.assertNotIn("level=error", log)
        self.assertNotIn("transport domain", log)
        self.assertNotIn("Unknown host", log)

    def test_2000_devices(self):
        n = 2000
        for run in range(2):
            ex = self.track(Exporter(self.workdir, fleet_config(
                self.agent.port, n), extra_args=["--log.level=info"],
                name=f"fleet-{run}", ready_timeout=60))
            watcher = Watcher(ex.url)
            watcher.start()

            def all_up():
                text = ex.metrics()
                return text if count(text, "vpn_up", "1") == n else None

            try:
                text = wait_until(all_up, timeout=120, interval=1,
                                  what=f"all {n} devices up")
            finally:
                watcher.finish()
            self.assertEqual(watcher.failures, [])
            self.assertGreater(watcher.requests, 4)
            self.assertEqual(count(text, "vpn_tunnel_up", "1"), 3 * n)
            # No device keeps a socket between polls: the exporter holds
            # a few dozen descriptors, not one per device.
            self.assertLess(sample(text, "process_open_fds"), 200)
            self.assertEqual(count(text, "vpn_collect_requests"), n)
            errors = sum(float(v) for v in re.findall(
                r'^vpn_exporter_collect_errors_total\{[^}]*\} (\S+)$', text,
                re.M))
            self.assertEqual(errors, 0)
            self.check_clean_log(ex)
            # A clean exit (and, under ASan, no leak and no error).
            self.assertEqual(ex.stop(), 0, ex.log()[-3000:])

    def test_first_round_500_at_once(self):
        """First polls are spread over the interval, here 2 s: 500 devices
        start within two seconds, and the first round never sees a
        transport or host error (a slow, loaded machine may see a poll
        time out, which is not what this is about)."""
        n = 500
        for run in range(3):
            ex = self.track(Exporter(self.workdir, fleet_config(
                self.agent.port, n, interval="2s", timeout="2s"),
                extra_args=["--log.level=info"], name=f"first-{run}",
                ready_timeout=60))

            def all_polled():
                text = ex.metrics()
                return text if count(text, "vpn_collect_timestamp_seconds") \
                    == n else None

            text = wait_until(all_polled, timeout=60, interval=0.5,
                              what=f"all {n} devices polled")
            errors = re.findall(r'^vpn_exporter_collect_errors_total\{'
                                r'device="([^"]*)",reason="([^"]*)"\} (\S+)$',
                                text, re.M)
            failed = {d for d, reason, v in errors if float(v) > 0}
            self.assertEqual({reason for d, reason, v in errors
                              if float(v) > 0} - {"timeout"}, set())
            self.assertLess(len(failed), n // 10)
            up = set(re.findall(r'^vpn_up\{device="([^"]*)"\} 1$', text,
                                re.M))
            self.assertEqual({f"asa-{i:04d}" for i in range(n)} - failed
                             - up, set())
            log = ex.log()
            for line in log.splitlines():
                self.assertRegex(line, LOGFMT)
            self.assertNotIn("transport domain", log)
            self.assertNotIn("Unknown host", log)
            self.assertNotIn("reason=connect", log)
            self.assertEqual(ex.stop(), 0, ex.log()[-3000:])


class Limits(TmpDirTest):
    def setUp(self):
        super().setUp()
        self.data, _ = gen_asa(self.workdir, "lim", "--tunnels", "2")
        self.agent = self.track(FastAgent(self.workdir, self.data))
        with open(os.path.join(self.workdir, "known_hosts"), "w"):
            pass

    def ssh_devices(self, n):
        return "".join(f"""\
  - name: ssh-{i:04d}
    vendor: cisco_asa
    address: 127.0.0.1
    background: false
    collectors:
      cisco_asa_ssh: {{username: monitor, password: x,
                      known_hosts_file: known_hosts}}
""" for i in range(n))

    def test_raised_and_logged(self):
        ex = self.track(Exporter(self.workdir, fleet_config(
            self.agent.port, 3), extra_args=["--log.level=info"],
            wrapper=("prlimit", "--nofile=256:4096", "--")))
        ex.wait_log(r"file descriptor limit raised from 256 to 4096")
        # 3 SNMP devices keep nothing; 3 polls (of 64 workers) open a
        # socket each; the 16 HTTP connections the server needs at least
        # may each run a /probe; and 32 for the exporter itself.
        ex.wait_log(r"file descriptors: the configuration needs about 67 "
                    r"\(0 kept by devices, 3 for polls, 32 for HTTP\) of "
                    r"the limit of 4096")
        self.assertEqual(len(re.findall("the configuration needs",
                                        ex.log())), 1)
        text = ex.metrics()
        self.assertEqual(sample(text, "process_max_fds"), 4096)

    def test_refused_when_it_cannot_fit(self):
        cfg = fleet_config(self.agent.port, 1) + self.ssh_devices(400)
        path = os.path.join(self.workdir, "big.yml")
        with open(path, "w") as f:
            f.write(cfg)
        # --dry-run checks against the hard limit, which the exporter
        # would raise its own to.
        r = subprocess.run(["prlimit", "--nofile=300:400", "--", VX_BIN,
                            f"--config.file={path}", "--dry-run"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"big\.yml: the configuration needs "
                         r"\d+ file descriptors \(400 kept by 401 devices.*"
                         r"more than its limit of 400 \(RLIMIT_NOFILE\)")
        # At start: refused, with the same message.
        ex = Exporter(self.workdir, cfg, name="refused", wait_ready=False,
                      wrapper=("prlimit", "--nofile=300:400", "--"))
        wait_until(lambda: not ex.proc.alive(), timeout=30,
                   what="the exporter to exit")
        self.assertEqual(ex.stop(), 1)
        self.assertIn("more than its limit of 400", ex.log())

        # On reload: refused, the running configuration kept.
        ex = self.track(Exporter(self.workdir, fleet_config(
            self.agent.port, 1), name="reload",
            wrapper=("prlimit", "--nofile=300:400", "--")))
        wait_until(lambda: find(parse_metrics(ex.metrics()), "vpn_up",
                                device="asa-0000") == [1], timeout=30,
                   what="asa-0000 up")
        ex.write_config(cfg)
        status, _, body = ex.get("/-/reload", method="POST", data=b"")
        self.assertEqual(status, 500)
        self.assertIn(b"more than its limit of 400", body)
        samples = parse_metrics(ex.metrics())
        self.assertEqual(value(samples,
                               "vpn_exporter_config_last_reload_successful"),
                         0)
        self.assertEqual(value(samples, "vpn_exporter_devices"), 1)

    def test_probe_targets_counted(self):
        """Devices made for /probe?target= keep their SSH sessions too:
        max_devices of them, of the module that keeps the most."""
        cfg = fleet_config(self.agent.port, 1) + """modules:
  asa_snmp:
    vendor: cisco_asa
    collectors:
      cisco_asa_snmp: {community: public}
  asa_ssh:
    vendor: cisco_asa
    collectors:
      cisco_asa_ssh: {username: monitor, password: x,
                      known_hosts_file: known_hosts}
probe_targets:
  allowed_targets: [127.0.0.0/8]
  max_devices: %d
"""
        path = os.path.join(self.workdir, "probe.yml")
        for max_devices, code in ((300, 0), (400, 1)):
            with open(path, "w") as f:
                f.write(cfg % max_devices)
            r = subprocess.run(["prlimit", "--nofile=300:400", "--", VX_BIN,
                                f"--config.file={path}", "--dry-run"],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"probe\.yml: the configuration needs "
                         r"\d+ file descriptors \(400 kept by 1 devices and "
                         r"/probe targets between polls.*more than its "
                         r"limit of 400.*probe_targets\.max_devices")


class BrokenAgents(TmpDirTest):
    def test_looping_agent(self):
        """An agent that answers a walk with the OID it was asked for is
        broken, not empty: the device is down with the reason."""
        data, _ = gen_asa(self.workdir, "loop", "--tunnels", "3")
        agent = self.track(FastAgent(self.workdir, data, "--loop"))
        ex = self.track(Exporter(self.workdir, fleet_config(
            agent.port, 1, interval="2s", timeout="2s")))
        m = ex.wait_log(r'level=error device=asa-0000 collector=cisco_asa_snmp'
                        r' reason=protocol msg="([^"]*)"')
        self.assertIn("OID not increasing", m.group(1))
        samples = parse_metrics(ex.metrics())
        self.assertEqual(value(samples, "vpn_up", device="asa-0000"), 0)
        self.assertGreaterEqual(value(
            samples, "vpn_exporter_collect_errors_total", device="asa-0000",
            reason="protocol"), 1)
        self.assertEqual(find(samples, "vpn_tunnel_up"), [])

    def test_poll_past_timeout(self):
        """A poll that cannot finish within its timeout fails as a
        timeout, serves none of its data, and ends at the deadline."""
        data, _ = gen_asa(self.workdir, "slow", "--tunnels", "300")
        # Every answer takes 150 ms; the walk needs several rounds.
        agent = self.track(FastAgent(self.workdir, data, "--delay-ms",
                                     "150"))
        ex = self.track(Exporter(self.workdir, fleet_config(
            agent.port, 1, interval="5s", timeout="500ms")))
        ex.wait_log(r"level=error device=asa-0000 collector=cisco_asa_snmp "
                    r"reason=timeout")
        samples = parse_metrics(ex.metrics())
        self.assertEqual(value(samples, "vpn_up", device="asa-0000"), 0)
        self.assertGreaterEqual(value(
            samples, "vpn_exporter_collect_errors_total", device="asa-0000",
            reason="timeout"), 1)
        self.assertEqual(find(samples, "vpn_tunnel_up"), [])
        # The deadline bounds the poll: it ends at 500 ms, not when the
        # walk would have.
        self.assertLess(value(samples, "vpn_collect_duration_seconds",
                              device="asa-0000"), 0.9)

    def test_requests_in_flight_capped(self):
        """max_in_flight caps what the agent has outstanding at once, and
        vpn_collect_requests counts what a poll sent."""
        data, _ = gen_asa(self.workdir, "cap", "--tunnels", "400")
        for cap in (1, 3):
            agent = FastAgent(self.workdir, data, "--delay-ms", "20",
                              name=f"agent-{cap}")
            ex = Exporter(self.workdir, fleet_config(
                agent.port, 1, interval="1h", timeout="60s",
                extra=f", max_in_flight: {cap}"), name=f"cap-{cap}")
            try:
                samples = parse_metrics(ex.metrics(
                    "/probe?target=asa-0000"))
                self.assertEqual(value(samples, "vpn_up",
                                       device="asa-0000"), 1)
                self.assertEqual(len(find(samples, "vpn_tunnel_up")), 400)
                sent = value(samples, "vpn_collect_requests",
                             device="asa-0000", collector="cisco_asa_snmp")
            finally:
                ex.stop()
                agent.stop()
            answered, waiting = agent.stats()
            self.assertEqual(sent, answered)
            self.assertEqual(waiting, cap)


class Shutdown(TmpDirTest):
    def test_sigterm_cancels_polls_in_progress(self):
        """A device that never answers holds a poll for its whole timeout;
        SIGTERM cancels it instead of waiting for it (or for the 5 s
        watchdog), and the cancelled poll is not logged as the device's
        failure."""
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        try:
            ex = self.track(Exporter(self.workdir, fleet_config(
                silent.getsockname()[1], 3, interval="60s",
                timeout="60s")))
            # The polls start within a few seconds and then wait.
            wait_until(lambda: silent.recv(65536, socket.MSG_DONTWAIT)
                       if select.select([silent], [], [], 0)[0] else None,
                       timeout=20, what="a request to the silent device")
            time.sleep(0.5)
            t0 = time.monotonic()
            ex.proc.send(signal.SIGTERM)
            ex.proc.p.wait(timeout=10)
            self.assertLess(time.monotonic() - t0, 2)
            self.assertEqual(ex.proc.p.returncode, 0, ex.log()[-2000:])
            self.assertNotIn("level=error", ex.log())
        finally:
            silent.close()


    def test_sigterm_right_after_sighup(self):
        """Reloads run in their own thread: SIGTERM is handled at once."""
        data, _ = gen_asa(self.workdir, "term", "--tunnels", "2")
        agent = self.track(FastAgent(self.workdir, data))
        ex = self.track(Exporter(self.workdir, fleet_config(agent.port, 200)))
        ex.proc.send(signal.SIGHUP)
        t0 = time.monotonic()
        ex.proc.send(signal.SIGTERM)
        ex.proc.p.wait(timeout=10)
        self.assertLess(time.monotonic() - t0, 6)
        self.assertEqual(ex.proc.p.returncode, 0, ex.log()[-2000:])


if __name__ == "__main__":
    main()
