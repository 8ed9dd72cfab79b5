"""A real OpenSSH sshd on loopback whose forced command is the ASA CLI
emulator (tests/emulators/asa_cli/asa_cli.py).

  sshd = Sshd(workdir, scenario="lab", knobs={"invalid_spi_step": 5})
  ... connect to 127.0.0.1:sshd.port as sshd.user with sshd.client_key,
      checking the host key against sshd.known_hosts ...
  sshd.logins()          successful authentications in sshd's log
  sshd.commands()        what the emulator was asked, [(pid, ctx, cmd)]
  sshd.stop()

With model={"scenario": PATH or dict, "device": "A", "clock": CLOCK}, the
emulator renders its show commands from tests/emulators/asa_model.py
(see the "model" knob of asa_cli.py).  CLOCK is "wall" (t = now - start;
"start": EPOCH in the dict gives t = 0, so that several emulators share
one clock), "file" (a clock file of this sshd, stepped with
sshd.set_time(t)) or {"file": PATH} (a clock file the test owns and
writes with write_clock(PATH, t), e.g. one for both ends of a pair):

  clock = os.path.join(workdir, "clock"); write_clock(clock, 0)
  a = Sshd(workdir, name="asa-a", model={"scenario": pair, "device": "A",
                                         "clock": {"file": clock}})
  b = Sshd(workdir, name="asa-b", model={"scenario": pair, "device": "B",
                                         "clock": {"file": clock}})
  write_clock(clock, 95.0)    # both ends are now at t = 95 s

sshd runs unprivileged: as the current user, or, when the tests run as
root (CI does), as the dedicated user VXTEST_USER ("vxtest", created with a
real shell if missing), since sshd runs a ForceCommand through the user's
shell.  An unprivileged sshd cannot read /etc/shadow, so it refuses every
password: the positive tests log in with a key, and a wrong password is
still refused by sshd itself.  With password="...", sshd runs under
nss_wrapper (Debian's libnss-wrapper, the cwrap project's, which libssh's
own tests use for the same purpose): its passwd, group and shadow lookups
read files of this sshd, whose shadow entry gives its user that password
(a SHA-512 crypt hash made by openssl), so sshd checks a password as
usual, and nothing of the system's changes:

  s = Sshd(workdir, password="s3cret")   # key or password logins
  s.accepted("password"), s.accepted("publickey")  The emulator and its scenario are copied
into the work directory, which that user can read even when the source
tree is not.

A missing sshd or ssh-keygen (or libnss-wrapper or openssl, for
password=) skips the test, or fails it under CI=true.
"""

import getpass
import grp
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

from vxtest import (EMULATORS, FIXTURES, free_port, need_binary, skip_or_die,
                    wait_until)

VXTEST_USER = os.environ.get("VXTEST_USER", "vxtest")
EMULATOR = os.path.join(EMULATORS, "asa_cli", "asa_cli.py")
MODEL_FILES = [os.path.join(EMULATORS, n)
               for n in ("asa_model.py", "asa_render.py")]
SCENARIOS = os.path.join(FIXTURES, "asa_cli")
# The sshd user may not see a virtualenv's interpreter; Debian's it can.
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
    else sys.executable


def _ensure_user(name):
    """The unprivileged account sshd runs as when we are root."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    subprocess.run([useradd, "--system", "--create-home", "--shell",
                    "/bin/bash", name], check=True, capture_output=True)
    return pwd.getpwnam(name)


def require():
    """Skips the test file (or fails it under CI=true) when an sshd cannot
    be run here.  Call it from setUpClass."""
    need_binary("sshd")
    need_binary("ssh-keygen")
    if os.geteuid() != 0 and not _can_own_ptys():
        skip_or_die("an unprivileged sshd cannot hand out ptys here "
                    "(/dev/pts lacks gid=5 and this user is not in group "
                    f"tty); run as root, which uses the user {VXTEST_USER}")


def _can_own_ptys():
    """Whether sshd, running as us, can give a new pty to group tty."""
    try:
        tty = grp.getgrnam("tty").gr_gid
    except KeyError:
        return True  # sshd then keeps the user's own group
    if tty in os.getgroups():
        return True
    try:
        with open("/proc/mounts") as f:
            for line in f:
                fields = line.split()
                if len(fields) > 3 and fields[2] == "devpts" and \
                        fields[1] == "/dev/pts":
                    return f"gid={tty}" in fields[3].split(",")
    except OSError:
        pass
    return True


def write_clock(path, t):
    """Sets a model clock file to t seconds (atomically, world-readable)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(f"{float(t)!r}\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def keygen(path, kind="ed25519"):
    """A key pair without passphrase at path / path.pub."""
    subprocess.run([need_binary("ssh-keygen"), "-q", "-t", kind, "-N", "",
                    "-C", "vxtest", "-f", path], check=True)
    return path


def host_key_line(port, pubkey_path, host="127.0.0.1"):
    """A known_hosts line for host:port with the key in pubkey_path."""
    with open(pubkey_path) as f:
        kind, b64 = f.read().split()[:2]
    name = host if port == 22 else f"[{host}]:{port}"
    return f"{name} {kind} {b64}\n"


def nss_wrapper():
    """The path of libnss_wrapper.so (skips, or fails under CI=true,
    when it is not installed)."""
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
              "/usr/lib64", "/usr/lib", "/usr/local/lib"):
        path = os.path.join(d, "libnss_wrapper.so")
        if os.path.exists(path):
            return path
    return skip_or_die("libnss_wrapper.so is not installed (Debian "
                       "package libnss-wrapper; scripts/deps.sh)")


def crypt_sha512(password):
    """A SHA-512 crypt(3) hash of password, as in /etc/shadow."""
    r = subprocess.run([need_binary("openssl"), "passwd", "-6", "-stdin"],
                       input=password + "\n", capture_output=True,
                       text=True, check=True)
    return r.stdout.strip()


def fingerprint(pubkey_path):
    """'SHA256:...' of a public key file."""
    r = subprocess.run([need_binary("ssh-keygen"), "-l", "-E", "sha256",
                        "-f", pubkey_path], capture_output=True, text=True,
                       check=True)
    return r.stdout.split()[1]


class Sshd:
    """emulator: another forced command than the ASA CLI (with the helper
    modules it imports, copied next to it), scenario then a dict written
    as its scenario.json; netconf: sshd also offers the "netconf"
    subsystem, which reaches the forced command with SSH_ORIGINAL_COMMAND
    "vx-netconf-subsystem" (tests/emulators/srx/srx_emu.py); password:
    sshd accepts it for its user (see the top of this file)."""

    def __init__(self, workdir, scenario="lab", knobs=None, port=None,
                 name=None, host_key_kind="ed25519", model=None,
                 emulator=EMULATOR, helpers=(), netconf=False,
                 password=None):
        self.sshd_bin = need_binary("sshd")
        need_binary("ssh-keygen")
        self.password = password
        self.nss_wrapper = nss_wrapper() if password is not None else None
        if not os.path.exists(emulator):
            raise RuntimeError(f"missing {emulator}")
        self.port = port or free_port()
        self.name = name or f"sshd-{self.port}"
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            pw = _ensure_user(VXTEST_USER)
            self.user, self.uid, self.gid = pw.pw_name, pw.pw_uid, pw.pw_gid
        else:
            self.user = getpass.getuser()
            self.uid, self.gid = os.getuid(), os.getgid()

        # The emulator and its scenario, readable by the sshd user.
        self.emulator = os.path.join(self.dir, os.path.basename(emulator))
        shutil.copy(emulator, self.emulator)
        for h in helpers:
            shutil.copy(h, self.dir)
        self.scenario = os.path.join(self.dir, "scenario")
        if isinstance(scenario, dict):
            os.makedirs(self.scenario)
            with open(os.path.join(self.scenario, "scenario.json"),
                      "w") as f:
                json.dump(scenario, f, indent=1)
        else:
            src = scenario if os.path.isabs(scenario) else os.path.join(
                SCENARIOS, scenario)
            shutil.copytree(src, self.scenario)
        self.state = os.path.join(self.scenario, "state")
        os.makedirs(self.state, exist_ok=True)
        self.clock_file = None
        knobs = dict(knobs or {})
        if model is not None:
            knobs["model"] = self._model_knob(model)
        self.set_knobs(knobs)

        # Keys: the server's own host key, and one client key.
        self.host_key = keygen(os.path.join(self.dir, "host_key"),
                               host_key_kind)
        self.client_key = keygen(os.path.join(self.dir, "id_ed25519"))
        self.authorized_keys = os.path.join(self.dir, "authorized_keys")
        shutil.copy(self.client_key + ".pub", self.authorized_keys)
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        with open(self.known_hosts, "w") as f:
            f.write(host_key_line(self.port, self.host_key + ".pub"))
        self.host_fingerprint = fingerprint(self.host_key + ".pub")

        self.run_dir = os.path.join(self.dir, "run")
        os.makedirs(self.run_dir)
        self.config = os.path.join(self.dir, "sshd_config")
        with open(self.config, "w") as f:
            f.write(f"""# Written by tests/lib/sshd.py
ListenAddress 127.0.0.1:{self.port}
HostKey {self.host_key}
PidFile {self.run_dir}/sshd.pid
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitEmptyPasswords no
AuthorizedKeysFile {self.authorized_keys}
StrictModes no
AllowUsers {self.user}
MaxAuthTries 6
LogLevel VERBOSE
PrintMotd no
PrintLastLog no
UseDNS no
ClientAliveInterval 0
Subsystem sftp internal-sftp
{"Subsystem netconf vx-netconf-subsystem" if netconf else ""}
ForceCommand {PYTHON} {self.emulator} --scenario {self.scenario}
""")
        # Everything the sshd user writes or must own.
        for p in (self.host_key, self.host_key + ".pub", self.run_dir,
                  self.state):
            os.chown(p, self.uid, self.gid)
        for root, dirs, files in os.walk(self.scenario):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        for root, dirs, files in os.walk(self.state):
            os.chown(root, self.uid, self.gid)
        self.nss_env = {}
        if password is not None:
            self._nss_files(password)
        self.proc = None
        self.start()

    def _nss_files(self, password):
        """passwd, group and shadow for nss_wrapper: the system's
        accounts, with this sshd's user given password."""
        pw = pwd.getpwuid(self.uid)
        files = {}
        with open("/etc/passwd") as f:
            lines = [l for l in f if not l.startswith(self.user + ":")]
        lines.append(f"{self.user}:x:{self.uid}:{self.gid}:{pw.pw_gecos}:"
                     f"{pw.pw_dir}:{pw.pw_shell}\n")
        files["passwd"] = "".join(lines)
        with open("/etc/group") as f:
            groups = f.read()
        if not re.search(rf"^[^:]*:[^:]*:{self.gid}:", groups, re.M):
            groups += f"{self.user}:x:{self.gid}:\n"
        files["group"] = groups
        # Changed today, never expires: sshd asks for no new password.
        files["shadow"] = (f"{self.user}:{crypt_sha512(password)}:"
                           f"{int(time.time() // 86400)}:0:99999:7:::\n")
        for name, text in files.items():
            path = os.path.join(self.dir, f"nss_{name}")
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o644)
            self.nss_env[f"NSS_WRAPPER_{name.upper()}"] = path
        self.nss_env["LD_PRELOAD"] = self.nss_wrapper

    def _model_knob(self, model):
        """Copies the model and its scenario in; the "model" knob."""
        for src in MODEL_FILES:
            shutil.copy(src, self.dir)
        sc = model["scenario"]
        dst = os.path.join(self.scenario, "model.json")
        if isinstance(sc, dict):
            with open(dst, "w") as f:
                json.dump(sc, f, indent=1)
        else:
            shutil.copy(sc, dst)
        os.chmod(dst, 0o644)
        knob = {"scenario": "model.json", "device": model.get("device", "A")}
        clock = model.get("clock", "wall")
        if clock == "file":
            self.clock_file = os.path.join(self.dir, "clock")
            write_clock(self.clock_file, 0)
            clock = {"file": self.clock_file}
        elif isinstance(clock, dict):
            self.clock_file = clock["file"]
        elif clock != "wall":
            raise ValueError(f"model clock {clock!r}: 'wall', 'file' or "
                             "{'file': PATH}")
        knob["clock"] = clock
        if model.get("start") is not None:
            knob["start"] = model["start"]
        return knob

    def set_time(self, t):
        """Steps the model clock (clock "file" or {"file": ...})."""
        write_clock(self.clock_file, t)

    def set_scenario(self, scenario):
        """Replaces scenario.json (a dict) as a whole."""
        path = os.path.join(self.scenario, "scenario.json")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(scenario, f, indent=1)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)

    def set_knobs(self, knobs):
        """Rewrites scenario.json with these keys changed (None deletes)."""
        path = os.path.join(self.scenario, "scenario.json")
        conf = {}
        if os.path.exists(path):
            with open(path) as f:
                conf = json.load(f)
        for k, v in knobs.items():
            if v is None:
                conf.pop(k, None)
            else:
                conf[k] = v
        with open(path, "w") as f:
            json.dump(conf, f, indent=2)
        os.chmod(path, 0o644)

    def collector_yaml(self, enable_password_file=None, indent=8,
                       extra=None):
        """The cisco_asa_ssh options that reach this server (key login),
        for a device's "collectors:" mapping, e.g. in the demo lab."""
        opts = {"port": self.port, "username": self.user,
                "private_key_file": self.client_key,
                "known_hosts_file": self.known_hosts}
        if enable_password_file:
            opts["enable_password_file"] = enable_password_file
        opts.update(extra or {})
        pad = " " * indent
        return "".join(
            f"{pad}{k}: {str(v).lower() if isinstance(v, bool) else v}\n"
            for k, v in opts.items())

    def _demote(self):
        if os.geteuid() == 0:
            # sshd gives each pty to group tty; where devpts is mounted
            # without gid=5 (containers), only a member may do that.
            try:
                os.setgroups([grp.getgrnam("tty").gr_gid])
            except KeyError:
                os.setgroups([])
            os.setgid(self.gid)
            os.setuid(self.uid)

    def start(self):
        argv = [self.sshd_bin, "-D", "-e", "-f", self.config]
        self.log_path = os.path.join(self.dir, "sshd.log")
        self._log = open(self.log_path, "ab")
        env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C",
               **self.nss_env}
        self.proc = subprocess.Popen(argv, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True,
                                     preexec_fn=self._demote)
        wait_until(self._listening, timeout=20,
                   what=f"sshd on 127.0.0.1:{self.port}")

    def _listening(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"sshd exited with {self.proc.returncode}:"
                                 f"\n{self.log()}")
        if "Server listening" not in self.log():
            return False
        with socket.socket() as s:
            s.settimeout(1)
            try:
                s.connect(("127.0.0.1", self.port))
                return True
            except OSError:
                return False

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def logins(self):
        """Successful authentications so far."""
        return len(re.findall(r"^Accepted \S+ for ", self.log(), re.M))

    def accepted(self, method=None):
        """[(method, user, key fingerprint or None)] of the successful
        authentications so far, of one method ("password", "publickey")
        or all."""
        return [(m.group(1), m.group(2), m.group(3)) for m in re.finditer(
            r"^Accepted (\S+) for (\S+) from \S+ port \d+ ssh2"
            r"(?:: \S+ (SHA256:\S+))?", self.log(), re.M)
            if method is None or m.group(1) == method]

    def failed_passwords(self):
        return len(re.findall(r"^Failed password for ", self.log(), re.M))

    def commands(self):
        """[(pid, context or '-', command)] the emulator received."""
        path = os.path.join(self.state, "commands.log")
        if not os.path.exists(path):
            return []
        out = []
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 2)
                if len(parts) == 3:
                    out.append((int(parts[0]), parts[1], parts[2]))
        return out

    def session_pids(self):
        """Emulator processes running right now."""
        d = os.path.join(self.state, "pids")
        return [int(p) for p in os.listdir(d)] if os.path.isdir(d) else []

    def kill_sessions(self, sig=signal.SIGKILL):
        """Kills the running emulator sessions (a session dropped by the
        device, from the client's point of view)."""
        pids = self.session_pids()
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
            try:
                os.unlink(os.path.join(self.state, "pids", str(pid)))
            except OSError:
                pass
        return pids

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        # Sessions live in their own process groups (one per pty).
        self.kill_sessions(signal.SIGTERM)
        if hasattr(self, "_log"):
            self._log.close()

