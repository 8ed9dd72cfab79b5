#!/usr/bin/env python3
"""Generate a simulated Juniper SRX as a snmpsim .snmprec file (for
vx_fastagent or snmpsim): JUNIPER-IPSEC-FLOW-MON-MIB (IKE tunnel, IPsec
tunnel and SA tables, the two tunnel counts) and the tunnel state of
JUNIPER-JS-IPSEC-VPN-MIB, from the same scenario the NETCONF and REST
emulators play (srx_model.py), so that every transport tells the same
story.  Lines are "OID|TAG|VALUE" sorted by OID in numeric order.

Mapping of the scenario (devices.md §2.4):
* Tables are indexed by the remote gateway as an InetAddress
  (1.4.a.b.c.d) and the tunnel index; the SA table adds the SA index
  (1, 2, ... per pair).  Down tunnels ("state": "down") have no rows, as
  on the device.
* jnxIpSecTunMonVpnName is the tunnel's name; the counters are the
  tunnel's "counters" ({"bytes_in", "bytes_out", "pkts_in", "pkts_out",
  "replay", "auth", "decrypt", "bad_headers", "bad_trailers", "dropped"}),
  by default derived from the tunnel index, plus --bump.
* SA pairs: the one with the most "life" left is active(1), the others
  expiring(2); LifeTime 3600 s and ActiveTime (3600 - life) * 100.
* jnxJsIpSecTunState: up(1) for monitor U, down(2) for D,
  vpnMonitoringDisabled(3) otherwise.
* IKE rows: one per IKE SA of the scenario, index 1000 + its position.

Usage:
  gen_srx_snmprec.py --scenario sc.json -o srx.snmprec
  gen_srx_snmprec.py --tunnels 2000 -o srx.snmprec
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import srx_model  # noqa: E402

FLOW = "1.3.6.1.4.1.2636.3.52.1"
JS = "1.3.6.1.4.1.2636.3.39.1.5.1.2.1.1"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
COUNTER_COLS = [  # (column, counters key)
    (10, "bytes_out"), (11, "pkts_out"), (12, "bytes_in"), (13, "pkts_in"),
    (18, "replay"), (20, "auth"), (21, "decrypt"), (22, "bad_headers"),
    (23, "bad_trailers"), (26, "dropped")]


def inet(addr):
    parts = addr.split(".")
    return f"1.4.{'.'.join(parts)}"


def counters(t, bump):
    i = int(t["index"]) % 100003
    base = {"bytes_in": 1000 * i + 123456789, "bytes_out": 900 * i + 987654,
            "pkts_in": 10 * i + 4242, "pkts_out": 9 * i + 4141,
            "replay": i % 3, "auth": i % 5, "decrypt": i % 7,
            "bad_headers": 0, "bad_trailers": 0, "dropped": i % 11}
    base.update(t.get("counters") or {})
    return {k: v + bump for k, v in base.items()}


def rows(sc, bump=0):
    m = srx_model.Srx(sc)
    out = [(SYS_NAME, 4, m.hostname())]
    up = [t for t in m.tunnels if t.get("state", "up") == "up"]
    ike_up = [k for k in m.ike if k.get("state", "UP") == "UP"]
    out.append((f"{FLOW}.1.1.0", 2, len(ike_up)))
    out.append((f"{FLOW}.2.1.0", 2, len(up)))
    for n, k in enumerate(m.ike):
        idx = f"{inet(k['peer'])}.{1000 + n}"
        life = 28800
        out += [
            (f"{FLOW}.1.2.1.4.{idx}", "4x", ip_hex(k.get("local") or
                                                   "0.0.0.0")),
            (f"{FLOW}.1.2.1.5.{idx}", 2, 1),
            (f"{FLOW}.1.2.1.6.{idx}", 2, 1 if k.get("state", "UP") == "UP"
             else 2),
            (f"{FLOW}.1.2.1.9.{idx}", 2, 1 if k.get("role", "initiator") ==
             "initiator" else 2),
            (f"{FLOW}.1.2.1.15.{idx}", 2, 3 if k.get("version", "IKEv2") ==
             "IKEv2" else 1),
            (f"{FLOW}.1.2.1.20.{idx}", 2, life),
            (f"{FLOW}.1.2.1.21.{idx}", 2,
             (life - int(k.get("life", 27000))) * 100)]
    for t in up:
        idx = f"{inet(t['peer'])}.{t['index']}"
        c = counters(t, bump)
        out += [(f"{FLOW}.2.2.1.4.{idx}", 2, 1),
                (f"{FLOW}.2.2.1.5.{idx}", "4x", ip_hex(t.get("local") or
                                                       "0.0.0.0")),
                (f"{FLOW}.2.2.1.27.{idx}", 4, t["name"])]
        for col, key in COUNTER_COLS:
            out.append((f"{FLOW}.2.2.1.{col}.{idx}", 70, c[key]))
        mon = t.get("mon", "-")
        out.append((f"{JS}.4.{idx}", 2, 1 if mon == "U" else 2 if mon == "D"
                    else 3))
        sas = t.get("sas", [])
        best = max(range(len(sas)), key=lambda j: sas[j].get("life", 0)) \
            if sas else -1
        for j, sa in enumerate(sas):
            sidx = f"{idx}.{j + 1}"
            life = int(sa.get("life", 0))
            out += [(f"{FLOW}.2.3.1.2.{sidx}", 2, 2),
                    (f"{FLOW}.2.3.1.3.{sidx}", 66, int(sa["in"], 16)),
                    (f"{FLOW}.2.3.1.4.{sidx}", 66, int(sa["out"], 16)),
                    (f"{FLOW}.2.3.1.5.{sidx}", 2, 2),
                    (f"{FLOW}.2.3.1.6.{sidx}", 2, 1),
                    (f"{FLOW}.2.3.1.8.{sidx}", 2, 3600),
                    (f"{FLOW}.2.3.1.9.{sidx}", 2, (3600 - life) * 100),
                    (f"{FLOW}.2.3.1.14.{sidx}", 2, 1 if j == best else 2)]
    return out


def ip_hex(addr):
    return "".join(f"{int(p):02x}" for p in addr.split("."))


def oid_key(oid):
    return tuple(int(p) for p in oid.split("."))


def write(rws, f):
    for oid, tag, val in sorted(rws, key=lambda r: oid_key(r[0])):
        f.write(f"{oid}|{tag}|{val}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", help="a scenario JSON (srx_model.py)")
    ap.add_argument("--tunnels", type=int, default=0,
                    help="generate this many more tunnels")
    ap.add_argument("--bump", type=int, default=0,
                    help="add this to every counter (a later poll)")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    sc = srx_model.load(a.scenario) if a.scenario else {}
    if a.tunnels:
        sc["generate"] = {"tunnels": a.tunnels}
    tmp = a.output + ".tmp"
    with open(tmp, "w") as f:
        write(rows(sc, a.bump), f)
    os.replace(tmp, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
