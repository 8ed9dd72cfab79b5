#!/usr/bin/env python3
"""A ScreenOS firewall's command line behind OpenSSH, good enough to test
the screenos_ssh collector and the ScreenOS CLI dialect against.

Run as the ForceCommand of a real sshd (tests/lib/screenostest.py sets it
up), it talks over the session's pty as ScreenOS does: the prompt
"ssg5-lab-> ", echo, CR LF, the pager "--- more --- " every pager_lines
lines until "set console page 0", and for a command it does not know the
caret line that carries the message ("        ^-------unknown keyword
foo").  It answers "get sa", "get sa active", "get sa stat" and "get sa id
N" (N decimal or 0x hex) from screenos_model.py and the scenario
(SCENARIO/scenario.json, re-read when it changes, so a test can change
the device between two polls of one kept session); "exit" leaves.

The state directory (SCENARIO/state) receives commands.log (one line per
login or command: "PID cli WHAT") and pids/PID while a session runs.

Python 3 standard library only.
"""

import argparse
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
for d in (HERE, os.path.join(os.path.dirname(HERE), "asa_cli")):
    if d not in sys.path:
        sys.path.insert(0, d)

from asa_cli import Hangup, Terminal  # noqa: E402
import screenos_model  # noqa: E402


class Emu:
    def __init__(self, scenario, state):
        self.scenario = scenario
        self.state = state
        os.makedirs(os.path.join(state, "pids"), exist_ok=True)
        self.mtime = None
        self.refresh()

    def refresh(self):
        path = os.path.join(self.scenario, "scenario.json")
        mtime = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
        if mtime == self.mtime:
            return
        self.mtime = mtime
        self.conf = screenos_model.load(path) if mtime else {}
        self.fw = screenos_model.ScreenOS(self.conf)

    def log(self, what):
        with open(os.path.join(self.state, "commands.log"), "a") as f:
            f.write(f"{os.getpid()} cli {what}\n")

    def output(self, cmd):
        """The text of one command, or None (not a command)."""
        self.refresh()
        out = self.fw.text(cmd)
        if out is None:
            return None
        w = cmd.split()
        key = " ".join(w[:3]) if w[:3] == ["get", "sa", "id"] else \
            " ".join(w)
        b = (self.conf.get("broken") or {}).get(key)
        if b == "malformed":
            lines = out.split("\n")
            lines.insert(len(lines) // 2 + 1,
                         "0000000g< 192.0.2.99 500 junk junk junk")
            out = "\n".join(lines)
        elif b == "stall":
            return ("stall", out[:len(out) // 2])
        return out

    def cli(self):
        term = Terminal()
        prompt = f"{self.fw.hostname()}-> "
        length = int(self.conf.get("pager_lines", 20))
        self.log("LOGIN")
        pidfile = os.path.join(self.state, "pids", str(os.getpid()))
        with open(pidfile, "w"):
            pass
        try:
            term.write("Remote Management Console\r\n")
            while True:
                term.write(prompt)
                line = term.read_line()
                cmd = " ".join(line.split())
                if not cmd:
                    continue
                self.log(cmd)
                if cmd in ("exit", "quit"):
                    return
                if cmd.startswith("set console page "):
                    try:
                        length = int(cmd.split()[3])
                    except ValueError:
                        pass
                    continue
                out = self.output(cmd)
                if out is None:
                    word = cmd.split()[-1]
                    term.write(" " * (len(prompt) + len(cmd) -
                                      len(word)) +
                               f"^-------unknown keyword {word}\r\n")
                    continue
                if isinstance(out, tuple):
                    self.page(term, out[1], 0)
                    time.sleep(float(self.conf.get("stall_seconds", 600)))
                    return
                self.page(term, out, length)
        except Hangup:
            pass
        finally:
            term.restore()
            try:
                os.unlink(pidfile)
            except OSError:
                pass

    def page(self, term, text, length):
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        shown = 0
        for line in lines:
            if length > 0 and shown >= length:
                more = "--- more --- "
                term.write(more)
                k = term.read_key()
                term.write("\r" + " " * len(more) + "\r")
                if k in (ord("q"), ord("Q")):
                    return
                shown = 0
            term.write(line + "\r\n")
            shown += 1


def _hangup(*_):
    raise Hangup()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--state")
    a = ap.parse_args()
    signal.signal(signal.SIGHUP, _hangup)
    signal.signal(signal.SIGTERM, _hangup)
    emu = Emu(a.scenario, a.state or os.path.join(a.scenario, "state"))
    if os.environ.get("SSH_ORIGINAL_COMMAND"):
        sys.stdout.write("exec channels are not supported\n")
        return 1
    try:
        emu.cli()
    except Hangup:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
