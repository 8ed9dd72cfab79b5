#!/usr/bin/env python3
"""A Juniper SRX behind OpenSSH, good enough to test the NETCONF client
and the Junos CLI dialect against.

Run as the ForceCommand of a real sshd (tests/lib/srx_emu.py sets it up
with "Subsystem netconf vx-netconf-subsystem"), it serves, according to
SSH_ORIGINAL_COMMAND:

  vx-netconf-subsystem  the NETCONF server: greets with Junos' comments
                        and a <hello> offering base:1.0 and (unless the
                        scenario says "base11": false) base:1.1; uses the
                        chunked framing (in 4 KiB chunks) when both sides
                        offer base:1.1, else "]]>]]>"; answers
                        <get-security-associations-information>,
                        <get-ike-security-associations-information>,
                        <command format="text">show security ipsec
                        statistics</command> and <close-session/>, and
                        anything else with an <rpc-error>
  (any other command)   that CLI command, once (an exec channel)
  (none)                the CLI on the pty: "monitor@srx-lab> ", echo,
                        CR LF, the pager "---(more N%)---" until "set cli
                        screen-length 0", "syntax error, expecting
                        <command>." for what it does not know, and
                        "{primary:node0}" before each prompt of a cluster

The replies come from srx_model.py and the scenario (scenario.json in the
scenario directory; its "broken" knob makes a reply malformed or stall).
The state directory (SCENARIO/state) receives commands.log: one line per
login, RPC or command ("PID netconf|cli|exec WHAT").

Python 3 standard library only.
"""

import argparse
import os
import re
import signal
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
for d in (HERE, os.path.join(os.path.dirname(HERE), "asa_cli")):
    if d not in sys.path:
        sys.path.insert(0, d)

from asa_cli import Hangup, Terminal  # noqa: E402
import srx_model  # noqa: E402

SUBSYSTEM = "vx-netconf-subsystem"
EOM = b"]]>]]>"
CHUNK = 4096
COMMANDS = {
    "show security ipsec security-associations": ("ipsec_sa", False),
    "show security ipsec security-associations detail": ("ipsec_sa", True),
    "show security ike security-associations": ("ike_sa", False),
    "show security ike security-associations detail": ("ike_sa", True),
    "show security ipsec statistics": ("stats", False),
}
RPCS = {
    "get-security-associations-information": "ipsec_sa",
    "get-ike-security-associations-information": "ike_sa",
}


class Emu:
    def __init__(self, scenario, state):
        self.scenario = scenario
        self.state = state
        os.makedirs(state, exist_ok=True)
        self.mtime = None
        self.refresh()

    def refresh(self):
        """(Re)reads scenario.json when it changed: a test changes the
        device between the polls of one kept session."""
        path = os.path.join(self.scenario, "scenario.json")
        mtime = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
        if mtime == self.mtime:
            return
        self.mtime = mtime
        self.conf = srx_model.load(path) if mtime else {}
        self.srx = srx_model.Srx(self.conf, self.state)

    def log(self, kind, what):
        with open(os.path.join(self.state, "commands.log"), "a") as f:
            f.write(f"{os.getpid()} {kind} {what}\n")

    def broken(self, what):
        return (self.conf.get("broken") or {}).get(what)

    # NETCONF.

    def nc_write(self, data):
        try:
            while data:
                n = os.write(1, data)
                data = data[n:]
        except OSError as e:
            raise Hangup() from e

    def nc_read(self, buf):
        chunk = os.read(0, 65536)
        if not chunk:
            raise Hangup()
        buf.extend(chunk)

    def read_eom(self, buf):
        while EOM not in buf:
            self.nc_read(buf)
        i = buf.index(EOM)
        msg = bytes(buf[:i])
        del buf[:i + len(EOM)]
        return msg

    def read_chunked(self, buf):
        out = bytearray()
        while True:
            while len(buf) < 4 or b"\n" not in buf[2:]:
                self.nc_read(buf)
            if buf[:4] == b"\n##\n":
                del buf[:4]
                return bytes(out)
            m = re.match(rb"\n#([1-9][0-9]{0,9})\n", bytes(buf[:16]))
            if not m:
                raise Hangup()
            size = int(m.group(1))
            while len(buf) < m.end() + size:
                self.nc_read(buf)
            out += buf[m.end():m.end() + size]
            del buf[:m.end() + size]

    def send(self, data, chunked, stall_at=None):
        if not chunked:
            if stall_at is not None:
                self.nc_write(data[:stall_at])
                self.stall()
            self.nc_write(data + EOM + b"\n")
            return
        if stall_at is not None:
            self.nc_write(b"\n#%d\n" % stall_at + data[:stall_at])
            self.stall()
        for i in range(0, len(data), CHUNK):
            part = data[i:i + CHUNK]
            self.nc_write(b"\n#%d\n" % len(part) + part)
        self.nc_write(b"\n##\n")

    def stall(self):
        time.sleep(float(self.conf.get("stall_seconds", 600)))
        raise Hangup()

    def netconf(self):
        self.log("netconf", "LOGIN")
        caps = ["urn:ietf:params:netconf:base:1.0"]
        if self.conf.get("base11", True):
            caps.append("urn:ietf:params:netconf:base:1.1")
        caps.append("http://xml.juniper.net/netconf/junos/1.0")
        hello = ("<!-- No zombies were killed during the creation of this "
                 "user interface -->\n<!-- user vxtest, class "
                 "j-read-only -->\n"
                 f"<hello xmlns=\"{srx_model.NS_BASE}\">\n  <capabilities>\n"
                 + "".join(f"    <capability>{c}</capability>\n"
                           for c in caps)
                 + "  </capabilities>\n  <session-id>4711</session-id>\n"
                 "</hello>\n")
        self.nc_write(hello.encode() + EOM + b"\n")
        buf = bytearray()
        client = self.read_eom(buf).decode("utf-8", "replace")
        chunked = (self.conf.get("base11", True) and
                   "urn:ietf:params:netconf:base:1.1" in client)
        self.log("netconf", "base:1.1" if chunked else "base:1.0")
        while True:
            msg = self.read_chunked(buf) if chunked else self.read_eom(buf)
            if not self.rpc(msg, chunked):
                return

    def rpc(self, msg, chunked):
        self.refresh()
        root = ET.fromstring(msg.decode("utf-8", "replace").strip())
        mid = root.get("message-id", "")
        op = root[0] if len(root) else None
        name = op.tag.split("}")[-1] if op is not None else ""
        head = (f"<rpc-reply xmlns=\"{srx_model.NS_BASE}\" xmlns:junos="
                f"\"{srx_model.NS_JUNOS}\" message-id=\"{mid}\">\n")
        if name == "close-session":
            self.log("netconf", name)
            self.send((head + "<ok/>\n</rpc-reply>\n").encode(), chunked)
            return False
        what = RPCS.get(name)
        if name == "command" and (op.text or "").strip() == \
                "show security ipsec statistics" and \
                op.get("format") == "text":
            what = "stats"
        self.log("netconf", name if name != "command" else
                 f"command {(op.text or '').strip()}")
        if what is None:
            body = ("<rpc-error>\n<error-type>protocol</error-type>\n"
                    "<error-tag>operation-failed</error-tag>\n"
                    "<error-severity>error</error-severity>\n"
                    f"<error-message>\nsyntax error: {name}\n"
                    "</error-message>\n</rpc-error>\n")
        else:
            body = self.srx.xml(what)
        data = (head + body + "</rpc-reply>\n").encode()
        b = self.broken(what)
        if b == "malformed":
            data = data[:len(data) // 2]
        self.send(data, chunked,
                  stall_at=len(data) // 2 if b == "stall" else None)
        return True

    # The CLI.

    def cli_output(self, line):
        """The text of one command, or None (not a command)."""
        cmd = " ".join(line.split())
        self.refresh()
        if cmd not in COMMANDS:
            return None
        what, detail = COMMANDS[cmd]
        return self.srx.text(what, detail)

    def exec_one(self, cmd):
        self.log("exec", cmd)
        out = self.cli_output(cmd)
        if out is None:
            sys.stdout.write("syntax error, expecting <command>.\n")
            sys.stdout.flush()
            return 1
        sys.stdout.write(out)
        sys.stdout.flush()
        return 0

    def cli(self):
        term = Terminal()
        user = self.conf.get("user", "monitor")
        prompt = f"{user}@{self.srx.hostname()}> "
        banner = "{primary:node0}\r\n" if self.srx.nodes else ""
        length = 24
        self.log("cli", "LOGIN")
        try:
            term.write("--- JUNOS 24.2R1.17 Kernel 64-bit  JNPR-15.0\r\n")
            while True:
                term.write("\r\n" + banner + prompt)
                line = term.read_line()
                cmd = " ".join(line.split())
                if not cmd:
                    continue
                self.log("cli", cmd)
                if cmd in ("exit", "quit"):
                    return
                m = re.fullmatch(r"set cli screen-(length|width) (\d+)", cmd)
                if m:
                    if m.group(1) == "length":
                        length = int(m.group(2))
                    term.write(f"Screen {m.group(1)} set to {m.group(2)}"
                               "\r\n")
                    continue
                out = self.cli_output(cmd)
                if out is None:
                    term.write(" " * len(prompt) + "^\r\n"
                               "syntax error, expecting <command>.\r\n")
                    continue
                self.page(term, out, length)
        except Hangup:
            pass
        finally:
            term.restore()

    def page(self, term, text, length):
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        shown = 0
        for i, line in enumerate(lines):
            if length > 0 and shown >= length - 1:
                more = f"---(more {100 * i // len(lines)}%)---"
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
    orig = os.environ.get("SSH_ORIGINAL_COMMAND", "")
    try:
        if orig == SUBSYSTEM:
            emu.netconf()
        elif orig:
            return emu.exec_one(orig)
        else:
            emu.cli()
    except Hangup:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
