"""Helpers for vpn_exporter integration tests.

Every test starts the real servers it needs on loopback (snmpsim, sshd,
an HTTPS server) and the exporter as its own process, then talks to them
over the network.  Nothing here mocks anything.

A server binary that is missing skips the test (exit 77) on a developer
machine, but fails it when CI=true (git's test_skip_or_die).
"""

import gzip
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

VX_BIN = os.environ.get("VX_BIN", "")
TESTS_DIR = os.environ.get(
    "VX_TESTS_DIR", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(TESTS_DIR, "fixtures")
EMULATORS = os.path.join(TESTS_DIR, "emulators")
SKIP = 77


def skip_or_die(why):
    """Skip the whole test file, or fail it under CI."""
    if os.environ.get("CI") == "true":
        print(f"FAIL (CI=true, cannot skip): {why}", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {why}", file=sys.stderr)
    sys.exit(SKIP)


def need_binary(name):
    path = shutil.which(name) or (
        f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if path is None:
        skip_or_die(f"{name} is not installed")
    return path


_PORTS = random.Random()


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 that is free right now (TCP or UDP), for a
    server the caller starts next.  It is picked at random below the
    kernel's ephemeral range: a port from bind(0) is one the kernel hands
    out again to the next client socket (of this test, of the exporter, of
    tests running beside it), which could take it before the server binds
    it ("Address already in use")."""
    high = _ephemeral_low() - 1
    low = max(1024, high - 12000)
    for _ in range(200):
        port = _PORTS.randint(low, high)
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GEN_ASA = os.path.join(EMULATORS, "gen_asa_snmprec.py")


def gen_asa(workdir, name, *args):
    """A simulated ASA (tests/emulators/gen_asa_snmprec.py) written to
    WORKDIR/NAME.snmprec, sysName NAME: (path, ground truth as a dict)."""
    path = os.path.join(workdir, f"{name}.snmprec")
    r = subprocess.run([sys.executable, GEN_ASA, "--name", name, "-o", path,
                        "--summary", *args], capture_output=True, text=True,
                       check=True)
    return path, json.loads(r.stdout)


def wait_until(cond, timeout=10.0, interval=0.05, what="condition"):
    """Polls cond() until it returns a true value; returns that value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = cond()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Proc:
    """A child process with its output in a log file; killed on stop()."""

    def __init__(self, argv, name, workdir, env=None, cwd=None):
        self.name = name
        self.log_path = os.path.join(workdir, f"{name}.log")
        self._log = open(self.log_path, "wb")
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        self.p = subprocess.Popen(argv, stdout=self._log,
                                  stderr=subprocess.STDOUT, env=full_env,
                                  cwd=cwd, start_new_session=True)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.p.poll() is None

    def send(self, sig):
        if self.alive():
            self.p.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.alive():
            try:
                os.killpg(self.p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self._log.close()
        return self.p.returncode


def udp_snmp_answers(port, community="public"):
    """True if an SNMP agent on 127.0.0.1:port answers a GETNEXT."""
    r = subprocess.run(["snmpgetnext", "-v2c", "-c", community, "-t", "0.3",
                        "-r", "0", f"127.0.0.1:{port}", "1.3.6"],
                       capture_output=True, text=True)
    return r.returncode == 0


class Snmpsim:
    """snmpsim serving *.snmprec files from data_dir (community = file name)."""

    def __init__(self, workdir, data_files, port=None, v3_user=None,
                 v3_auth_key=None, v3_priv_key=None, v3_auth_proto="SHA",
                 v3_priv_proto="AES"):
        need_binary("snmpsimd")
        need_binary("snmpgetnext")
        self.port = port or free_port(socket.SOCK_DGRAM)
        self.workdir = workdir
        self.data_dir = os.path.join(workdir, f"snmpsim-{self.port}")
        os.makedirs(self.data_dir, exist_ok=True)
        for community, src in data_files.items():
            shutil.copy(src, os.path.join(self.data_dir,
                                          f"{community}.snmprec"))
        cache = os.path.join(self.data_dir, "cache")
        os.makedirs(cache, exist_ok=True)
        for d in (self.data_dir, cache):
            os.chmod(d, 0o777)
        self.argv = ["snmpsimd", f"--data-dir={self.data_dir}",
                     f"--agent-udpv4-endpoint=127.0.0.1:{self.port}",
                     f"--cache-dir={cache}", "--logging-method=stderr"]
        if os.geteuid() == 0:
            self.argv += ["--process-user=nobody", "--process-group=nogroup"]
        if v3_user:
            self.argv += [f"--v3-user={v3_user}",
                          f"--v3-auth-key={v3_auth_key}",
                          f"--v3-auth-proto={v3_auth_proto}",
                          f"--v3-priv-key={v3_priv_key}",
                          f"--v3-priv-proto={v3_priv_proto}"]
        self.community = next(iter(data_files))
        self.proc = None
        self.start()

    def start(self):
        self.proc = Proc(self.argv, f"snmpsim-{self.port}", self.workdir)
        wait_until(lambda: udp_snmp_answers(self.port, self.community),
                   timeout=30, what=f"snmpsim on udp/{self.port}")

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None


class Snmpd:
    """A real net-snmp snmpd on a loopback port with one SNMPv3 user.

    It serves only its own MIBs, which is enough to see how a real agent
    answers wrong credentials (a Report PDU, not silence as snmpsim)."""

    def __init__(self, workdir, user, auth_key, priv_key, auth="SHA",
                 priv="AES", port=None, engine_id=None,
                 addresses=("127.0.0.1",)):
        snmpd = need_binary("snmpd")
        self.port = port or free_port(socket.SOCK_DGRAM)
        self.dir = os.path.join(workdir, f"snmpd-{self.port}")
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o777)
        conf = os.path.join(self.dir, "snmpd.conf")
        with open(conf, "w") as f:
            f.write("agentAddress " + ",".join(
                        f"udp:{a}:{self.port}" for a in addresses) + "\n"
                    f'createUser {user} {auth} "{auth_key}" {priv} '
                    f'"{priv_key}"\n'
                    f"rouser {user} priv\n")
            # Agents given the same text answer with the same engine ID,
            # as cloned images do.
            if engine_id:
                f.write(f"engineID {engine_id}\n")
        argv = [snmpd, "-f", "-Lo", "-C", "-c", conf,
                "-p", os.path.join(self.dir, "snmpd.pid")]
        if os.geteuid() == 0:
            argv += ["-u", "nobody", "-g", "nogroup"]
        self.proc = Proc(argv, f"snmpd-{self.port}", workdir,
                         env={"SNMP_PERSISTENT_DIR": self.dir,
                              "MIBS": ""})
        args = ["snmpget", "-v3", "-l", "authPriv", "-u", user, "-a", auth,
                "-A", auth_key, "-x", priv, "-X", priv_key, "-t", "0.3",
                "-r", "0", f"127.0.0.1:{self.port}", "1.3.6.1.2.1.1.3.0"]
        wait_until(lambda: subprocess.run(args, capture_output=True)
                   .returncode == 0, timeout=20,
                   what=f"snmpd on udp/{self.port}")

    def stop(self):
        self.proc.stop()


FASTAGENT = os.environ.get("VX_FASTAGENT", "")
_FA_READY = re.compile(r"fastagent: (\d+) varbinds loaded, listening on "
                       r"udp/127\.0\.0\.1:(\d+)")
_FA_STATS = re.compile(r"fastagent: (\d+) requests, (\d+) responses")
FASTAGENT_READY = _FA_READY


def fastagent_binary():
    """The vx_fastagent this build made (VX_FASTAGENT, or in VX_BUILD_DIR)."""
    path = os.environ.get("VX_FASTAGENT") or os.path.join(
        os.environ.get("VX_BUILD_DIR", ""), "tests", "vx_fastagent")
    if not os.access(path, os.X_OK):
        skip_or_die(f"vx_fastagent is not built ({path})")
    return path


class FastAgent:
    """vx_fastagent (tests/emulators/fastagent) serving one .snmprec file
    on an ephemeral port, read back from its ready line."""

    def __init__(self, workdir, data, *args, name="fastagent"):
        self.proc = Proc([fastagent_binary(), "--listen", "127.0.0.1:0",
                          "--data", data, *args], name, workdir)
        m = wait_until(self._ready, timeout=20, what="fastagent ready line")
        self.nvarbinds, self.port = int(m.group(1)), int(m.group(2))
        self.target = f"127.0.0.1:{self.port}"

    def _ready(self):
        if not self.proc.alive():
            raise AssertionError("fastagent exited:\n" + self.proc.log())
        return _FA_READY.search(self.proc.log())

    def stop(self):
        return self.proc.stop()

    def requests(self):
        """Stops the agent; the number of requests it answered or dropped."""
        self.stop()
        m = _FA_STATS.search(self.proc.log())
        if not m:
            raise AssertionError("no statistics line from fastagent:\n"
                                 + self.proc.log())
        return int(m.group(1))

    def stats(self):
        """After stop(): (requests answered, most answers waiting)."""
        log = self.proc.log()
        req = re.search(r"fastagent: (\d+) requests", log)
        waiting = re.search(r"(\d+) answers waiting at most", log)
        return (int(req.group(1)) if req else None,
                int(waiting.group(1)) if waiting else None)


def openssl(*args, cwd):
    subprocess.run([need_binary("openssl"), *args], cwd=cwd, check=True,
                   capture_output=True)


def make_ca(d, name):
    """A self-signed CA: D/NAME.pem and D/NAME.key."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
            "-subj", f"/CN=vpn_exporter test {name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)


def make_cert(d, name, ca, san, eku):
    """A certificate signed by CA: D/NAME.pem and D/NAME.key."""
    ext = os.path.join(d, f"{name}.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName={san}\nextendedKeyUsage={eku}\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
            "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem",
            "-CAkey", f"{ca}.key", "-CAcreateserial", "-out", f"{name}.pem",
            "-days", "2", "-extfile", ext, cwd=d)


def http_get(url, headers=None, method="GET", data=None, timeout=30,
             context=None):
    """Returns (status, headers dict with lower-case names, body bytes)."""
    req = urllib.request.Request(url, headers=headers or {}, method=method,
                                 data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout,
                                    context=context) as r:
            body = r.read()
            return r.status, {k.lower(): v for k, v in r.headers.items()}, body
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


class Exporter:
    """vpn_exporter as its own process, on a free loopback port."""

    def __init__(self, workdir, config_text, extra_args=(), env=None,
                 wait_ready=True, name="vpn_exporter", wrapper=(),
                 ready_timeout=20):
        if not VX_BIN:
            raise RuntimeError("VX_BIN is not set")
        self.workdir = workdir
        self.config_path = os.path.join(workdir, f"{name}.yml")
        self.write_config(config_text)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.argv = [*wrapper, VX_BIN, f"--config.file={self.config_path}",
                     f"--web.listen-address=127.0.0.1:{self.port}",
                     "--log.level=debug", *extra_args]
        self.proc = Proc(self.argv, name, workdir, env=env)
        if wait_ready:
            wait_until(self.ready, timeout=ready_timeout,
                       what="exporter ready")

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def ready(self):
        if not self.proc.alive():
            raise AssertionError(
                f"exporter exited with {self.proc.p.returncode}:\n"
                + self.proc.log())
        try:
            status, _, _ = http_get(self.url + "/-/ready", timeout=2)
            return status == 200
        except OSError:
            return False

    def get(self, path, headers=None, **kw):
        return http_get(self.url + path, headers=headers, **kw)

    def metrics(self, path="/metrics", headers=None):
        status, hdrs, body = self.get(path, headers=headers)
        if hdrs.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        if status != 200:
            raise AssertionError(f"GET {path}: {status}: {body[:500]!r}")
        return body.decode("utf-8")

    def log(self):
        return self.proc.log()

    def wait_log(self, pattern, timeout=20):
        rx = re.compile(pattern)
        return wait_until(lambda: rx.search(self.log()), timeout=timeout,
                          what=f"log line matching {pattern!r}")

    def stop(self):
        return self.proc.stop()

    def stop_clean(self):
        """Stops with SIGTERM and checks that the exporter exited 0 with
        nothing from a sanitizer (LeakSanitizer reports at exit)."""
        rc = self.proc.stop()
        log = self.log()
        if rc != 0 or re.search(r"Sanitizer|runtime error:", log):
            raise AssertionError(f"exporter exited with {rc}:\n{log[-4000:]}")


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Text exposition -> list of (name, labels dict, float value)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise AssertionError(f"unparsable sample line: {line!r}")
        labels = {k: v.encode().decode("unicode_escape")
                  for k, v in _LABEL.findall(m.group(3) or "")}
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def find(samples, name, **labels):
    """Values of samples named name whose labels include the given ones."""
    return [v for n, l, v in samples
            if n == name and all(l.get(k) == str(x) for k, x in labels.items())]


def value(samples, name, **labels):
    """The one value matching; fails if there is not exactly one."""
    vals = find(samples, name, **labels)
    if len(vals) != 1:
        raise AssertionError(
            f"expected one {name}{labels}, found {len(vals)}: {vals}")
    return vals[0]


def promtool_check(text):
    """Runs 'promtool check metrics' on text; returns (ok, output)."""
    promtool = need_binary("promtool")
    r = subprocess.run([promtool, "check", "metrics"], input=text,
                       capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr)


class TmpDirTest(unittest.TestCase):
    """A TestCase with a fresh work directory, kept on failure."""

    def _failed(self):
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        if result is not None and any(
                t is self for t, _ in result.failures + result.errors):
            return True
        return any(e for _, e in getattr(outcome, "errors", []) or [])

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="vxtest-")
        # Servers that drop privileges (snmpsim, sshd) must reach inside.
        os.chmod(self.workdir, 0o755)
        self._cleanups_procs = []

    def track(self, obj):
        self._cleanups_procs.append(obj)
        return obj

    def tearDown(self):
        for obj in reversed(self._cleanups_procs):
            try:
                obj.stop()
            except Exception:  # noqa: BLE001 - keep tearing down
                pass
        if os.environ.get("VX_KEEP_TMP") or self._failed():
            print(f"work directory kept: {self.workdir}", file=sys.stderr)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def main():
    unittest.main(verbosity=2)
