"""Syslog messages as devices send them, and a flood of them.

Used by the syslog integration tests, the benchmark (bench/syslog_bench.py)
and the demo lab's ASA sender.  Python 3 standard library only.

  asa_invalid_spi(peer, spi, local)      the ASA's %ASA-4-402114 text
  frame(msg, fmt="3164", host=None)      the message with a syslog header
  octet(msg)                             RFC 6587 octet counting
  send_udp(addr, msg, src="127.0.0.1")   one datagram from a loopback source
  Flood(...).run()                       a flood that stops by itself

As a script: syslogsend.py flood --udp HOST:PORT --tcp HOST:PORT
--count N [--peers N] prints what it sent as JSON.
"""

import argparse
import json
import random
import socket
import sys
import time

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def asa_invalid_spi(peer, spi, local="192.0.2.1", seq=1):
    return (f"%ASA-4-402114: IPSEC: Received an ESP packet (SPI= 0x{spi:08X}, "
            f"sequence number= 0x{seq:X}) from {peer} to {local} with an "
            f"invalid SPI.")


def asa_replay(peer, spi, local="192.0.2.1", seq=1):
    return (f"%ASA-4-402119: IPSEC: Received an ESP packet (SPI= 0x{spi:08X}, "
            f"sequence number= 0x{seq:X}) from {peer} (user= {peer}) to "
            f"{local} that failed anti-replay checking.")


def asa_auth(peer, spi, local="192.0.2.1", seq=1):
    return (f"%ASA-4-402120: IPSEC: Received an ESP packet (SPI= 0x{spi:08X}, "
            f"sequence number= 0x{seq:X}) from {peer} (user= {peer}) to "
            f"{local} that failed authentication.")


def screenos_bad_spi(peer, spi, local="192.0.2.1", host="ssg5"):
    return (f"{host}: NetScreen device_id={host}  [Root]system-alert-00026: "
            f"IPSec tunnel on interface ethernet0/0 with tunnel ID 0x15 "
            f"received a packet with a bad SPI. {peer}->{local}/96, ESP, "
            f"SPI 0x{spi:08x}, SEQ 0x1.")


def frame(msg, fmt="3164", host=None, pri=164, when=None):
    """msg with an RFC 3164 header as an ASA writes it ("Nov 22 2026
    19:14:36[ host] : msg") or an RFC 5424 one."""
    t = time.gmtime(when if when is not None else time.time())
    if fmt == "5424":
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", t)
        return f"<{pri}>1 {ts} {host or '-'} - - - - {msg}"
    ts = f"{MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_year} " \
         f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    return f"<{pri}>{ts} {host} : {msg}" if host else f"<{pri}>{ts}: {msg}"


def octet(msg):
    b = msg.encode() if isinstance(msg, str) else msg
    return str(len(b)).encode() + b" " + b


def split_addr(addr):
    host, port = addr.rsplit(":", 1)
    return host.strip("[]") or "127.0.0.1", int(port)


def send_udp(addr, msg, src="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((src, 0))
        s.sendto(msg.encode() if isinstance(msg, str) else msg,
                 split_addr(addr))


def send_tcp(addr, data, src="127.0.0.1"):
    with socket.create_connection(split_addr(addr), timeout=30,
                                  source_address=(src, 0)) as s:
        s.sendall(data)


class Flood:
    """count messages, half over UDP and half over TCP (octet-counted;
    all over the one given if only one is),
    to one device whose source address is device_src: mostly invalid-SPI
    events from `peers` distinct peers (more than a device may keep),
    some replay, other and malformed messages, and a share from an
    unknown source (unknown_src) forging the device's host name.  Every
    UDP datagram is sent (the kernel may drop some on the way in); TCP
    delivers them all.  Stops by itself; run() returns what was sent."""

    def __init__(self, udp=None, tcp=None, count=1000000, peers=5000,
                 device_src="127.0.0.1", unknown_src="127.0.0.3",
                 host="asa-flood", seed=1, tcp_conns=4):
        self.udp, self.tcp = udp, tcp
        self.count = count
        self.peers = [f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
                      for i in range(peers)]
        self.device_src, self.unknown_src = device_src, unknown_src
        self.host = host
        self.rng = random.Random(seed)
        self.tcp_conns = tcp_conns

    def messages(self, n):
        """n (kind, bytes) of the mix; kind: event, other, malformed,
        unknown."""
        out = []
        r = self.rng
        for i in range(n):
            k = i % 20
            peer = self.peers[r.randrange(len(self.peers))]
            spi = r.getrandbits(32)
            if k < 14:
                body = frame(asa_invalid_spi(peer, spi), host=self.host,
                             when=0)
                out.append(("event", body.encode()))
            elif k == 14:
                out.append(("event", frame(asa_replay(peer, spi),
                                           "5424", self.host).encode()))
            elif k in (15, 16):
                out.append(("other", frame(
                    "%ASA-6-302013: Built inbound TCP connection", when=0)
                    .encode()))
            elif k == 17:
                out.append(("malformed", b"not syslog at all " +
                            str(i).encode()))
            else:
                out.append(("unknown", frame(asa_invalid_spi(peer, spi),
                                             host=self.host, when=0)
                            .encode()))
        return out

    def run(self):
        sent = {"udp": 0, "tcp": 0, "unknown_udp": 0, "kinds": {},
                "tcp_kinds": {}}
        n_udp = (self.count // 2 if self.tcp else self.count) \
            if self.udp else 0
        n_tcp = self.count - n_udp if self.tcp else 0
        t0 = time.monotonic()
        if n_udp:
            dev = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            dev.bind((self.device_src, 0))
            unk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            unk.bind((self.unknown_src, 0))
            dst = split_addr(self.udp)
            batch = self.messages(10000)
            done = 0
            while done < n_udp:
                for kind, data in batch[:n_udp - done]:
                    s = unk if kind == "unknown" else dev
                    try:
                        s.sendto(data, dst)
                    except BlockingIOError:
                        pass
                    sent["kinds"][kind] = sent["kinds"].get(kind, 0) + 1
                    if kind == "unknown":
                        sent["unknown_udp"] += 1
                done += min(len(batch), n_udp - done)
            sent["udp"] = done
            dev.close()
            unk.close()
        if n_tcp:
            # Unknown senders over TCP come from their own address.
            per = n_tcp // self.tcp_conns
            socks = [socket.create_connection(
                split_addr(self.tcp), timeout=60,
                source_address=(self.device_src, 0))
                for _ in range(self.tcp_conns)]
            batch = [(k, d) for k, d in self.messages(10000)
                     if k != "unknown"]
            chunk = b"".join(octet(d) for _, d in batch)
            tk = sent["tcp_kinds"]
            for s in socks:
                left = per
                while left >= len(batch):
                    s.sendall(chunk)
                    left -= len(batch)
                    for k, _ in batch:
                        tk[k] = tk.get(k, 0) + 1
                for k, d in batch[:left]:
                    s.sendall(octet(d))
                    tk[k] = tk.get(k, 0) + 1
                sent["tcp"] += per
                s.close()
        sent["seconds"] = time.monotonic() - t0
        return sent


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("flood")
    f.add_argument("--udp")
    f.add_argument("--tcp")
    f.add_argument("--count", type=int, default=1000000)
    f.add_argument("--peers", type=int, default=5000)
    f.add_argument("--device-src", default="127.0.0.1")
    f.add_argument("--unknown-src", default="127.0.0.3")
    a = ap.parse_args(argv)
    sent = Flood(a.udp, a.tcp, a.count, a.peers, a.device_src,
                 a.unknown_src).run()
    json.dump(sent, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
