#!/usr/bin/env python3
"""Generate a simulated ScreenOS firewall as a snmpsim .snmprec file (for
vx_fastagent or snmpsim): the nsVpnMonTable of NETSCREEN-VPN-MON-MIB,
from the same scenario the CLI emulator plays (screenos_model.py).

One row per active SA (Sta A/...), index 1, 2, ... in SA id order (or the
tunnel's "snmp_index"); SPIs as signed Integer32 (an SPI of 0x80000000 or
more is negative, as on the device); lifetimes -1 when unlimited; byte
and packet counters Counter32 (mod 2^32), plus --bump.

Usage:
  gen_screenos_snmprec.py --scenario sc.json -o ssg.snmprec
  gen_screenos_snmprec.py --tunnels 5000 -o ssg.snmprec
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import screenos_model  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", help="a scenario JSON (screenos_model.py)")
    ap.add_argument("--tunnels", type=int, default=0,
                    help="generate this many more tunnels")
    ap.add_argument("--bump", type=int, default=0,
                    help="add this to every counter (a later poll)")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    sc = screenos_model.load(a.scenario) if a.scenario else {}
    if a.tunnels:
        sc["generate"] = {"tunnels": a.tunnels}
    m = screenos_model.ScreenOS(sc)
    screenos_model.write_snmprec(m.snmprec(a.bump), a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
