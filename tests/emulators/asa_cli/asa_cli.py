#!/usr/bin/env python3
"""A Cisco ASA command line, good enough to test an SSH collector against.

Run as the ForceCommand of a real OpenSSH sshd (tests/lib/sshd.py does
this), it talks to the client over the session's pty the way an ASA does:
it echoes what is typed, ends lines with CR LF, shows a prompt with a
trailing space ("asa-lab> ", "asa-lab# ", "asa-lab/ctx1# "), pages long
output with "<--- More --->" until "terminal pager 0", asks for the enable
secret, and rejects unknown commands with a caret line and
"ERROR: % Invalid input detected at '^' marker.".

Command outputs are replayed from a scenario directory: the output of
"show crypto ipsec sa" is the file show_crypto_ipsec_sa.txt (blanks become
underscores); contexts/NAME/ holds a context's own files (it falls back to
the top directory).  Commands may be abbreviated as on a real ASA
("sh cry ipsec sa").

scenario.json in the scenario directory (every key optional):
  hostname           "asa-lab"
  enable_secret      the enable password (null: an empty one is accepted)
  login_mode         "user" (lands at "host>") or "priv" (at "host#")
  banner             text printed before the first prompt
  pager_lines        24 (the ASA default); 0 disables paging
  pager_stuck        true: "terminal pager 0" is accepted but ignored
  contexts           ["ctx1", ...] (also any directory under contexts/)
  invalid_spi_step   N: every "show asp drop" shows the np-sp-invalid-spi
                     counter N higher than the one before (the count of
                     calls is kept in the state directory, so it rises
                     across sessions too)
  rekey_every        N: every N-th "show crypto ipsec sa" is a rekey: from
                     then on every SPI of the scenario's ipsec sa output
                     reads 0x01010101 higher (mod 2^32) in all outputs,
                     as if both ends had negotiated new SAs (the count of
                     calls is kept in the state directory)
  close_after_shows  K: the session ends right after the prompt that
                     follows the K-th "show" command, as if it were killed
                     between two polls
  hang               {"command": "show crypto ipsec sa", "after_lines": 10,
                      "seconds": 600}: print that many lines, then stall
  garbage            {"command": "show asp drop", "mode": "garbage" |
                      "truncate"}: junk bytes, or the output cut in the
                     middle of a line
  endless            "show crypto ipsec sa": that command's output never
                     ends (its lines repeat, as fast as the client reads)
  banner_flood       true: the banner never ends, so no prompt ever comes
  replies            {"show asp drop": "TEXT"}: the command answers TEXT
                     instead ("\n" separates lines)
  fail_every         {"command": "show asp drop", "every": 5}: every 5th
                     time that command is entered (counted across
                     sessions) it answers junk (as "garbage" does), so
                     one poll in five fails
  exit_on_command    "show crypto ikev2 sa": the session ends, without a
                     word, when that command is entered
  model              {"scenario": "model.json", "device": "A",
                      "clock": "wall" | {"file": "/path/to/clock"},
                      "start": EPOCH}: the show commands the model renders
                     (show asp drop, show crypto ipsec sa, show crypto
                     ikev1|isakmp|ikev2 sa, show vpn-sessiondb detail l2l,
                     show asp table vpn-context detail, show version) come
                     from tests/emulators/asa_model.py, for that device of
                     that scenario (a path relative to the scenario
                     directory), at time t: with the wall clock t = now -
                     start, start being "start" or else the epoch written to
                     STATE/model_start by the first command of any session;
                     with a clock file, t is the number in that file (a
                     test writes it between polls).  The prompt shows the
                     model's hostname; other commands come from files;
                     invalid_spi_step and rekey_every do not apply.

The state directory (default: SCENARIO/state) receives commands.log (one
line per command: pid, context, command; secrets are never written) and
pids/PID while a session runs.

Python 3 standard library only.
"""

import argparse
import fcntl
import json
import os
import re
import signal
import sys
import time

MORE = b"<--- More --->"
ERASE = b"\r" + b" " * len(MORE) + b"\r"
INVALID = "ERROR: % Invalid input detected at '^' marker."
BUILTINS = ["enable", "disable", "exit", "quit", "logout",
            "terminal pager", "changeto context", "changeto system"]
SPI_LINE_RE = re.compile(r"spi", re.IGNORECASE)
HEX8_RE = re.compile(r"\b(0x)?([0-9A-Fa-f]{8})\b(\s*\((\d+)\))?")
INVALID_SPI_RE = re.compile(
    r"^(\s*Invalid SPI \(np-sp-invalid-spi\)\s*?)(\s*)(\d+)(\s*)$")


class Hangup(Exception):
    """The client went away."""


class Terminal:
    """Byte I/O on the session's pty (or pipes), ASA style."""

    def __init__(self):
        self.pending = bytearray()
        self.saved = None
        self.last_cr = False
        if os.isatty(0):
            import termios
            import tty
            self.saved = termios.tcgetattr(0)
            tty.setraw(0)

    def restore(self):
        if self.saved is not None:
            import termios
            try:
                termios.tcsetattr(0, termios.TCSADRAIN, self.saved)
            except OSError:
                pass

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8", "replace")
        try:
            while data:
                n = os.write(1, data)
                data = data[n:]
        except OSError as e:
            raise Hangup() from e

    def read_byte(self):
        while not self.pending:
            try:
                chunk = os.read(0, 4096)
            except OSError as e:
                raise Hangup() from e
            if not chunk:
                raise Hangup()
            self.pending.extend(chunk)
        b = self.pending[0]
        del self.pending[0]
        return b

    def read_line(self, secret=False):
        """A line as typed, echoed (as '*' if secret)."""
        buf = bytearray()
        while True:
            b = self.read_byte()
            if b == 0x0a and self.last_cr:
                self.last_cr = False
                continue  # the LF of a CR LF
            self.last_cr = b == 0x0d
            if b in (0x0d, 0x0a):
                self.write(b"\r\n")
                return buf.decode("utf-8", "replace")
            if b in (0x7f, 0x08):
                if buf:
                    del buf[-1]
                    self.write(b"\b \b")
                continue
            if b == 0x03:  # ^C drops the line
                buf.clear()
                self.write(b"^C\r\n")
                return ""
            if b < 0x20:
                continue
            buf.append(b)
            self.write(b"*" if secret else bytes([b]))

    def read_key(self):
        b = self.read_byte()
        self.last_cr = b == 0x0d
        return b


class Model:
    """The "model" knob: show commands rendered by asa_model.py."""

    def __init__(self, scenario, state, conf):
        here = os.path.dirname(os.path.abspath(__file__))
        # Next to us (sshd.py copies it there) or in the source tree.
        for d in (here, os.path.dirname(here)):
            if os.path.exists(os.path.join(d, "asa_model.py")):
                sys.path.insert(0, d)
                break
        import asa_model
        import asa_render
        self.asa_model, self.asa_render = asa_model, asa_render
        path = conf["scenario"]
        if not os.path.isabs(path):
            path = os.path.join(scenario, path)
        self.sc = asa_model.load(path)
        self.device = conf.get("device", "A")
        self.clock = conf.get("clock", "wall")
        self.start = conf.get("start")
        self.state = state
        self.hostname = asa_model.world(self.sc, 0).device(
            self.device).hostname
        self.commands = set(asa_render.COMMANDS)

    def start_epoch(self):
        """Wall time of t = 0, shared by every session of this emulator."""
        if self.start is not None:
            return float(self.start)
        path = os.path.join(self.state, "model_start")
        with open(path, "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            text = f.read().strip()
            if not text:
                text = repr(time.time())
                f.write(text + "\n")
        return float(text)

    def now(self):
        if isinstance(self.clock, dict):
            try:
                with open(self.clock["file"]) as f:
                    return float(f.read().strip() or 0)
            except (OSError, ValueError):
                return 0.0
        return time.time() - self.start_epoch()

    def render(self, cmd):
        w = self.asa_model.world(self.sc, self.now())
        epoch = None if isinstance(self.clock, dict) else self.start_epoch()
        return self.asa_render.render(w, w.device(self.device), cmd, epoch)


class Asa:
    def __init__(self, scenario, state):
        self.dir = scenario
        self.state = state
        conf_path = os.path.join(scenario, "scenario.json")
        self.conf = {}
        if os.path.exists(conf_path):
            with open(conf_path) as f:
                self.conf = json.load(f)
        self.hostname = self.conf.get("hostname", "asa-lab")
        self.priv = self.conf.get("login_mode", "user") == "priv"
        self.pager = int(self.conf.get("pager_lines", 24))
        self.context = None
        self.shows = 0
        self.term = Terminal()
        os.makedirs(os.path.join(state, "pids"), exist_ok=True)
        self.model = None
        if self.conf.get("model"):
            self.model = Model(scenario, state, self.conf["model"])
            self.hostname = self.model.hostname

    # Helpers.

    def prompt(self):
        ctx = f"/{self.context}" if self.context else ""
        return f"{self.hostname}{ctx}{'#' if self.priv else '>'} "

    def log(self, cmd):
        with open(os.path.join(self.state, "commands.log"), "a") as f:
            f.write(f"{os.getpid()} {self.context or '-'} {cmd}\n")

    def contexts(self):
        names = set(self.conf.get("contexts", []))
        cdir = os.path.join(self.dir, "contexts")
        if os.path.isdir(cdir):
            names.update(os.listdir(cdir))
        return names

    def output_file(self, cmd):
        name = cmd.replace(" ", "_") + ".txt"
        if self.context:
            p = os.path.join(self.dir, "contexts", self.context, name)
            if os.path.exists(p):
                return p
        p = os.path.join(self.dir, name)
        return p if os.path.exists(p) else None

    def show_commands(self):
        cmds = set()
        for d in [self.dir] + ([os.path.join(self.dir, "contexts",
                                             self.context)]
                               if self.context else []):
            if os.path.isdir(d):
                for fn in os.listdir(d):
                    if fn.startswith("show_") and fn.endswith(".txt"):
                        cmds.add(fn[:-4].replace("_", " "))
        if self.model:
            cmds.update(self.model.commands)
        return sorted(cmds)

    def invalid(self, line, bad_col):
        """The ASA's answer to a command it does not know."""
        col = len(self.prompt()) + bad_col
        self.term.write(" " * col + "^\r\n" + INVALID + "\r\n")

    def resolve(self, line, known):
        """Expands abbreviations: (full command, args) or (None, bad_col)."""
        words = line.split()
        cands = [k.split() for k in known]
        col = 0
        pos = 0
        for i, w in enumerate(words):
            col = line.index(w, pos)
            pos = col + len(w)
            nxt = [c for c in cands if len(c) > i
                   and c[i].lower().startswith(w.lower())]
            # An exact word wins over longer ones ("sa" vs "sa-x").
            exact = [c for c in nxt if c[i].lower() == w.lower()]
            if exact:
                nxt = exact
            if not nxt:
                # Builtins take free arguments after their words.
                done = [c for c in cands if len(c) == i]
                if done:
                    return " ".join(done[0]), words[i:]
                return None, col
            cands = nxt
        full = [c for c in cands if len(c) == len(words)]
        if len(full) == 1:
            return " ".join(full[0]), []
        return None, col if words else 0

    # Output.

    def flood(self, text):
        """Writes text over and over until the client goes away."""
        chunk = (text.replace("\r\n", "\n").replace("\n", "\r\n") *
                 max(1, 65536 // max(1, len(text)))).encode()
        while True:
            self.term.write(chunk)

    def emit(self, text, cmd):
        if self.conf.get("endless") == cmd:
            self.flood(text)
        lines = text.replace("\r\n", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        hang = self.conf.get("hang") or {}
        hang_at = (int(hang.get("after_lines", 0))
                   if hang.get("command") == cmd else None)
        page = self.pager - 1 if self.pager > 0 else 0
        shown = 0
        i = 0
        while i < len(lines):
            if hang_at is not None and i == hang_at:
                time.sleep(float(hang.get("seconds", 600)))
                hang_at = None
            if page > 0 and shown >= page:
                self.term.write(MORE)
                k = self.term.read_key()
                self.term.write(ERASE)
                if k in (ord("q"), ord("Q")):
                    return
                shown = page - 1 if k in (0x0d, 0x0a) else 0
            self.term.write(lines[i] + "\r\n")
            shown += 1
            i += 1

    def garbage(self, text, mode):
        if mode == "truncate":
            lines = text.splitlines()
            half = lines[:max(1, len(lines) // 2)]
            cut = lines[len(half)] if len(lines) > len(half) else ""
            self.term.write("\r\n".join(half) + "\r\n" +
                            cut[:max(1, len(cut) // 2)] + "\r\n")
            return
        junk = bytearray()
        seed = 7
        for n in range(40):
            line = bytearray()
            for _ in range(30 + n % 50):
                seed = (seed * 1103515245 + 12345) & 0x7fffffff
                c = seed >> 16 & 0xff
                line.append(c if c not in (0x0a, 0x0d, 0x25) else 0x2e)
            junk += b"~~ " + bytes(line) + b"\r\n"
        junk += b"\x1b[31mFrame\x1b[0m dr0p: 42 (np-sp-invalid-spi\r\n"
        self.term.write(bytes(junk))

    def count_call(self, name, bump=True):
        """Calls of a command so far (across sessions), then one more."""
        path = os.path.join(self.state, name + ".calls")
        with open(path, "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            calls = int(f.read().strip() or 0)
            if bump:
                f.seek(0)
                f.truncate()
                f.write(f"{calls + 1}\n")
        return calls

    def known_spis(self):
        path = os.path.join(self.dir, "show_crypto_ipsec_sa.txt")
        spis = set()
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if SPI_LINE_RE.search(line):
                        spis.update(int(m.group(2), 16)
                                    for m in HEX8_RE.finditer(line))
        return spis

    def rekey(self, text, cmd):
        every = int(self.conf.get("rekey_every", 0))
        if every <= 0:
            return text
        calls = self.count_call("ipsec_sa",
                                bump=cmd == "show crypto ipsec sa")
        gen = (calls + (0 if cmd == "show crypto ipsec sa" else -1)) // every
        if gen <= 0:
            return text
        known = self.known_spis()

        def shift(m):
            v = int(m.group(2), 16)
            if v not in known:
                return m.group(0)
            n = (v + gen * 0x01010101) & 0xffffffff
            h = f"{n:08X}" if m.group(2).isupper() or \
                m.group(2).isdigit() else f"{n:08x}"
            out = (m.group(1) or "") + h
            if m.group(3):
                out += m.group(3).replace(m.group(4), str(n))
            return out

        return "\n".join(HEX8_RE.sub(shift, line)
                         if SPI_LINE_RE.search(line) else line
                         for line in text.split("\n"))

    def asp_drop(self, text):
        step = int(self.conf.get("invalid_spi_step", 0))
        if step == 0:
            return text
        calls = self.count_call("asp_drop")
        out = []
        for line in text.split("\n"):
            m = INVALID_SPI_RE.match(line)
            if m:
                v = str(int(m.group(3)) + step * calls)
                width = len(line.rstrip())
                line = m.group(1).rstrip().ljust(width - len(v)) + v
            out.append(line)
        return "\n".join(out)

    def show(self, cmd):
        replies = self.conf.get("replies") or {}
        if cmd in replies:
            self.emit(replies[cmd], cmd)
            return
        if self.model and cmd in self.model.commands:
            text = self.model.render(cmd)
        else:
            text = self.static_show(cmd)
        g = self.conf.get("garbage") or {}
        fail = self.conf.get("fail_every") or {}
        if fail.get("command") == cmd and \
                (self.count_call("fail_every") + 1) % int(fail["every"]) == 0:
            g = {"command": cmd, "mode": "garbage"}
        if g.get("command") == cmd:
            self.garbage(text, g.get("mode", "garbage"))
        else:
            self.emit(text, cmd)

    def static_show(self, cmd):
        path = self.output_file(cmd)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if cmd == "show asp drop":
            text = self.asp_drop(text)
        else:
            text = self.rekey(text, cmd)
        return text

    # Commands.

    def enable(self):
        if self.priv:
            return
        self.term.write("Password: ")
        pw = self.term.read_line(secret=True)
        want = self.conf.get("enable_secret")
        if pw == (want or ""):
            self.priv = True
        else:
            self.term.write("Invalid password\r\n")

    def run(self, line):
        """One command; False ends the session."""
        if not line.strip():
            return True
        known = list(BUILTINS)
        if self.priv:
            known += self.show_commands()
        else:
            known += [c for c in self.show_commands()
                      if c == "show version"]
        cmd, rest = self.resolve(line, known)
        self.log(line if cmd is None else " ".join([cmd] + list(rest)))
        if cmd is not None and self.conf.get("exit_on_command") == cmd:
            return False
        if cmd is None:
            self.invalid(line, rest)
            return True
        if cmd in ("exit", "quit", "logout"):
            self.term.write("\r\nLogoff\r\n\r\n")
            return False
        if cmd == "enable":
            self.enable()
        elif cmd == "disable":
            self.priv = False
        elif cmd == "terminal pager":
            args = [a for a in rest if a != "lines"]
            if len(args) != 1 or not args[0].isdigit():
                self.invalid(line, len(line))
            elif not self.conf.get("pager_stuck"):
                self.pager = int(args[0])
        elif cmd == "changeto context":
            if not self.priv or len(rest) != 1:
                self.invalid(line, len(line.rstrip()))
            elif rest[0] not in self.contexts():
                self.term.write(f"ERROR: Context '{rest[0]}' does not "
                                "exist\r\n")
            else:
                self.context = rest[0]
        elif cmd == "changeto system":
            self.context = None
        elif cmd.startswith("show "):
            if rest:
                self.invalid(line, line.index(rest[0]))
                return True
            self.show(cmd)
            self.shows += 1
        return True

    def session(self):
        pidfile = os.path.join(self.state, "pids", str(os.getpid()))
        with open(pidfile, "w") as f:
            f.write(f"{os.getpid()}\n")
        self.log("LOGIN")
        try:
            banner = self.conf.get(
                "banner", "Type help or '?' for a list of available "
                "commands.")
            if self.conf.get("banner_flood"):
                self.flood("*** Authorized use only. Everything is logged. "
                           "***\n")
            if banner:
                self.term.write(banner.replace("\n", "\r\n") + "\r\n")
            limit = int(self.conf.get("close_after_shows", 0))
            while True:
                self.term.write(self.prompt())
                if limit and self.shows >= limit:
                    self.log("CLOSE")
                    return
                if not self.run(self.term.read_line()):
                    return
        except Hangup:
            pass
        finally:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            self.term.restore()
            try:
                os.unlink(pidfile)
            except OSError:
                pass

    def one_command(self, cmd):
        """ssh host 'show asp drop': the output, no pager, no prompt."""
        self.priv = True
        self.pager = 0
        self.run(cmd)


def _hangup(*_):
    """The pty went away (or we were told to stop): unwind and clean up,
    even from the middle of a stalled output."""
    raise Hangup()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--state")
    a = ap.parse_args()
    signal.signal(signal.SIGHUP, _hangup)
    signal.signal(signal.SIGTERM, _hangup)
    state = a.state or os.path.join(a.scenario, "state")
    asa = Asa(a.scenario, state)
    orig = os.environ.get("SSH_ORIGINAL_COMMAND", "")
    try:
        if orig:
            asa.one_command(orig)
        else:
            asa.session()
    except Hangup:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
