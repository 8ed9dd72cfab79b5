"""A ScreenOS firewall (SSG/ISG/NS) as the emulator, the SNMP generator
and the benchmark see it: a JSON scenario in, the CLI text of "get sa",
"get sa active", "get sa stat", "get sa id N" and the nsVpnMonTable of
NETSCREEN-VPN-MON-MIB out, so that every transport tells the same story.

Scenario (every key optional):

  hostname        "ssg5-lab" (the prompt is "ssg5-lab-> ")
  tunnels         [{"name": "vpn-fra1", "id": 1, "peer": "192.0.2.11",
                    "local": "198.51.100.1", "port": 500,
                    "alg": "esp:a128/sha1", "sta": "A/-" | "A/U" | "A/D"
                    | "I/I", "in": "80041ca4", "out": "8cdd274a",
                    "life": 3385, "kb": null (unlim) | N,
                    "p1": true, "p1_life": 28000,
                    "counters": {"bytes_in": .., "bytes_out": ..,
                                 "pkts_in": .., "pkts_out": ..,
                                 "auth_fail": .., "other": ..,
                                 "fragment": ..}}]
                  "I/I": no SA (SPIs 00000000, life "expir"), no SNMP
                  row; counters default to values derived from the id
  generate        {"tunnels": N}: N more tunnels, A/-, ids from 1000,
                  peers 10.x.y.z (for benchmarks)
  pad             "aws" | "zscaler": the column padding of the two public
                  samples (releases differ; the collector splits words)
  broken          {"get sa" | "get sa stat" | "get sa id": "malformed" |
                   "stall"}: that command answers a row that is no row,
                  or prints half and stalls for "stall_seconds"
  pager_lines     20 (0: no pager even before "set console page 0")
  grow            {"start": EPOCH, "bytes_per_s": N}: every counter of an
                  active SA grows by N per second since start (the demo
                  lab), on top of its value

Python 3 standard library only.
"""

import json
import os
import time

COUNTER_KEYS = ("bytes_in", "bytes_out", "pkts_in", "pkts_out",
                "auth_fail", "other", "fragment")
MON = "1.3.6.1.4.1.3224.4.1.1.1"
SYS_NAME = "1.3.6.1.2.1.1.5.0"


def load(path):
    with open(path) as f:
        return json.load(f)


def counters(t):
    i = int(t["id"])
    base = {"bytes_in": 1000 * i + 123456, "bytes_out": 900 * i + 65432,
            "pkts_in": 10 * i + 4242, "pkts_out": 9 * i + 4141,
            "auth_fail": i % 5, "other": i % 3, "fragment": i % 2}
    base.update(t.get("counters") or {})
    return base


def tunnels(sc):
    out = [dict(t) for t in sc.get("tunnels", [])]
    n = int((sc.get("generate") or {}).get("tunnels", 0))
    for k in range(n):
        i = 1000 + k
        out.append({"name": f"vpn-gen{k}", "id": i,
                    "peer": f"10.{(k >> 16) & 255}.{(k >> 8) & 255}."
                            f"{k & 255}",
                    "local": "198.51.100.1", "sta": "A/-",
                    "in": f"{(0x10000000 + k * 2654435761) % 2**32:08x}",
                    "out": f"{(0x80000000 + k * 2246822519) % 2**32:08x}",
                    "life": 600 + k % 3000})
    for t in out:
        t.setdefault("port", 500)
        t.setdefault("alg", "esp:a128/sha1")
        t.setdefault("sta", "A/-")
        t.setdefault("local", "198.51.100.1")
        t.setdefault("in", f"{0x00c00000 + int(t['id']):08x}")
        t.setdefault("out", f"{0x00d00000 + int(t['id']):08x}")
        if t["sta"].startswith("I"):
            t["in"] = t["out"] = "00000000"
    return out


class ScreenOS:
    def __init__(self, sc):
        self.sc = sc
        self.tunnels = tunnels(sc)
        self.pad = sc.get("pad", "aws")

    def counters(self, t):
        c = counters(t)
        g = self.sc.get("grow")
        if g and t["sta"].startswith("A"):
            n = int((time.time() - float(g["start"])) *
                    float(g["bytes_per_s"]))
            for k in ("bytes_in", "bytes_out"):
                c[k] += n
            for k in ("pkts_in", "pkts_out"):
                c[k] += n // 500
        return c

    def hostname(self):
        return self.sc.get("hostname", "ssg5-lab")

    def by_id(self, i):
        for t in self.tunnels:
            if int(t["id"]) == i:
                return t
        return None

    def _row(self, t, d):
        spi = t["in"] if d == "<" else t["out"]
        inactive = t["sta"].startswith("I")
        life = "expir" if inactive else str(t.get("life", 3600))
        kb = "unlim" if t.get("kb") is None else str(t["kb"])
        if self.pad == "zscaler":
            return (f"{int(t['id']):08x}{d} {t['peer']} {t['port']}  "
                    f"{t['alg']} {spi} {life} {kb}  {t['sta']} -1 0")
        return (f"{int(t['id']):08x}{d} {t['peer']:>15} {t['port']:>4} "
                f"{t['alg']:<13} {spi} {life:>5} {kb} {t['sta']:<5} "
                f"{-1:>3} 0")

    def get_sa(self, active=False):
        rows = [t for t in self.tunnels
                if not active or t["sta"].startswith("A")]
        lines = []
        if active:
            lines.append(f"Total active sa: {len(rows)}")
        lines.append(f"total configured sa: {len(self.tunnels)}")
        lines.append("HEX ID    Gateway         Port Algorithm     SPI      "
                     "Life:sec kb Sta   PID vsys")
        for t in sorted(rows, key=lambda t: -int(t["id"])):
            lines += [self._row(t, "<"), self._row(t, ">")]
        return "\n".join(lines) + "\n"

    def get_sa_stat(self):
        lines = [f"total configured sa: {len(self.tunnels)}",
                 "HEX ID Gateway Fragment Auth-Fail Other Totalbytes"]
        for t in sorted(self.tunnels, key=lambda t: int(t["id"])):
            c = self.counters(t)
            for d, k in (("<", "in"), (">", "out")):
                b = c[f"bytes_{k}"] % 2**32
                a = c["auth_fail"] if d == "<" else 0
                o = c["other"] if d == "<" else 0
                f = c["fragment"] if d == "<" else 0
                lines.append(f"{int(t['id']):08x}{d} {t['peer']} {f} {a} "
                             f"{o} {b}")
        return "\n".join(lines) + "\n"

    def get_sa_id(self, i):
        t = self.by_id(i)
        if t is None:
            return None
        inactive = t["sta"].startswith("I")
        life = int(t.get("life", 3600))
        kb = t.get("kb")
        lifeline = (f"life 3600 sec, {0 if inactive else life} remain, "
                    f"{kb or 0} kb, {(kb or 0) * 1024} bytes remain")
        st = "inactive" if inactive else "active"
        mon = 1 if t["sta"][2] in "UD" else 0
        return (f"index {i}, name {t['name']}, peer gateway ip {t['peer']}. "
                "vsys<Root>\n"
                "auto key. tunnel if binding node, tunnel mode, policy id "
                "in:<-1> out:<-1> vpngrp:<-1>. sa_list_nxt:<0xffffffff>.\n"
                f"tunnel id {i}, peer id 1, NSRP Local. site-to-site. Local "
                f"interface is ethernet0/0 <{t['local']}>.\n"
                "esp, group 2, aes128 encryption, sha1 authentication\n"
                f"autokey, IN {st}, OUT {st}\n"
                f"monitor<{mon}>, latency: 1, availability: 100\n"
                "DF bit: clear\n"
                "app_sa_flags: 0x4000a7\n"
                "proxy id: local 0.0.0.0/0.0.0.0, remote 0.0.0.0/0.0.0.0, "
                "proto 0, port 0\n"
                "ike activity timestamp: 1732254\n"
                "nat-traversal map not available\n"
                f"incoming: SPI {t['in']}, flag 00004000, tunnel info "
                f"4000{i:04x}, pipeline\n{lifeline}\n"
                "anti-replay on, last 0x1724, window 0xffffffff, idle "
                "timeout value <0>, idled 0 seconds\n"
                "next pak sequence number: 0x0\n"
                f"outgoing: SPI {t['out']}, flag 00000000, tunnel info "
                f"4000{i:04x}, pipeline\n{lifeline}\n"
                "anti-replay on, last 0x0, window 0x0, idle timeout value "
                "<0>, idled 0 seconds\n"
                "next pak sequence number: 0xc52\n")

    def text(self, cmd):
        """The output of one CLI command (blanks normalised), or None."""
        w = cmd.split()
        if w == ["get", "sa"]:
            return self.get_sa()
        if w == ["get", "sa", "active"]:
            return self.get_sa(active=True)
        if w == ["get", "sa", "stat"]:
            return self.get_sa_stat()
        if len(w) == 4 and w[:3] == ["get", "sa", "id"]:
            try:
                i = int(w[3], 0)
            except ValueError:
                return None
            return self.get_sa_id(i)
        return None

    def snmprec(self, bump=0):
        """(oid, tag, value) rows of nsVpnMonTable: one per active SA."""
        out = [(SYS_NAME, 4, self.hostname())]
        rows = [t for t in self.tunnels if t["sta"].startswith("A")]
        for n, t in enumerate(sorted(rows, key=lambda t: int(t["id"]))):
            idx = int(t.get("snmp_index", n + 1))
            c = self.counters(t)
            kb = t.get("kb")
            mon = t["sta"][2]
            vals = [
                (4, 4, t["name"]), (5, 4, "Root"), (6, 2, 3), (10, 2, 1),
                (12, 2, 2), (13, 64, t["peer"]), (15, 64, t["local"]),
                (17, 2, signed(t["out"])), (18, 2, signed(t["in"])),
                (19, 2, 1 if mon in "UD" else 0),
                (20, 2, 0 if mon == "D" else 1),
                (21, 2, 1 if t.get("p1", True) else 0),
                (22, 2, int(t.get("p1_life", 28000))),
                (23, 2, 1), (24, 2, int(t.get("life", 3600))),
                (25, 2, -1 if kb is None else int(kb) * 1024),
                (29, 2, int(t["id"])),
                (35, 65, (c["bytes_in"] + bump) % 2**32),
                (36, 65, (c["bytes_out"] + bump) % 2**32),
                (37, 65, (c["pkts_in"] + bump) % 2**32),
                (38, 65, (c["pkts_out"] + bump) % 2**32)]
            out += [(f"{MON}.{col}.{idx}", tag, v) for col, tag, v in vals]
        return out


def signed(hexspi):
    v = int(hexspi, 16)
    return v - 2**32 if v >= 2**31 else v


def oid_key(oid):
    return tuple(int(p) for p in oid.split("."))


def write_snmprec(rows, path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for oid, tag, val in sorted(rows, key=lambda r: oid_key(r[0])):
            f.write(f"{oid}|{tag}|{val}\n")
    os.replace(tmp, path)
