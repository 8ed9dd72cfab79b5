#!/usr/bin/env python3
"""A deterministic Cisco ASA state model, driven by a scenario and a clock.

The state of every device is a pure function of (scenario, t), t being
seconds since the scenario's start: each call replays the scenario from
t = 0 (a few milliseconds), so any process (the CLI emulator's sessions,
a snmprec writer, a test) computes the same state without sharing any.
Renderers (asa_render.py) turn that state into the ASA 9.x text of the
show commands the exporter runs and into a .snmprec of the MIB objects it
reads; truth() says what a perfect exporter would report.

Scenario (JSON; every key optional unless marked)
-------------------------------------------------
  {
    "seed": 1,                      SPIs, ages and random rekeys derive from it
    "epoch": 1795000000,            wall time of t = 0 in rendered dates
    "devices": {                    modelled ASAs, by name
      "A": {"hostname": "asa-a", "address": "192.0.2.1",
            "version": "9.16(4)", "uptime": 2700000 (s at t = 0),
            "interface": "outside", "rekey_noise": 3,
            "drops": [["frame", "acl-drop",
                       "Flow is denied by configured rule", 9314, 0.5],
                      ...]}                    [section, keyword,
                                               description, count at
                                               t = 0, per second]
    },
    "tunnels": [
      {"device": "A",               (required) the end whose view the rates
                                    and selectors below take
       "peer": "203.0.113.9",       (required) an address: a peer that is
                                    not modelled; or a device name: a pair
       "ike": 1 | 2, "nat_t": false, "role": "initiator",
       "up": true,                  false: configured but down at t = 0
       "children": 1,               phase-2 children, or a list of dicts
                                    overriding the keys below per child
                                    (plus "local"/"remote" subnets
                                    "10.1.0.0/16" and "age")
       "pps_in": 50, "pps_out": 40, packets per second per child, as seen
                                    by "device" (in = sent by the peer)
       "bytes_per_packet": 800,
       "lifetime_s": 3600, "lifetime_kb": 4608000,
       "rekey": {"every": 300}      fixed period (s); or
                {"random": [120, 600], "seed": 7}
                                    a uniform draw per rekey; with
                "overlap": 30       seconds the old SA pair stays listed
                                    as expiring; null: no routine rekeys;
                                    default {"every": 0.9 * lifetime_s}
       "age": null                  age (s) of the children's SAs at t = 0;
                                    default: random within the period
      }
    ],
    "events": [{"t": 60, "type": TYPE, "device": "A", "peer": "..."}, ...]
  }

A scenario with one device may give "hostname"/"address"/... at the top
level instead of "devices": the device is then named "A".

Events (at time t; "peer" is an address or, for a pair, a device name):
  one_sided_rekey  device, peer[, child (0-based)]: the device installs a
                   new SA pair the peer does not know (the old one is
                   deleted at once).  The device then drops every packet
                   the peer sends: np-sp-invalid-spi and
                   cipSecGlobalNoSaFails rise at the peer's send rate, so
                   does "Bad SPI" in the vpn-context of the device's
                   current inbound SA; the tunnel's inbound counters stop,
                   outbound goes on.  For a pair, the peer (which kept its
                   SAs) drops the device's packets the same way.  Routine
                   rekeys of a child pause while its ends disagree.
  resync           device, peer: both ends negotiate a new, matching SA
                   pair at once (clear crypto ipsec sa peer X).
  clear_counters   device[, peer]: clear crypto ipsec sa counters: per-SA
                   counters to 0, SAs kept.
  clear_asp_drop   device: clear asp drop: drop counters to 0 ("Last
                   clearing" gets the time); cipSecGlobalNoSaFails keeps
                   counting.
  reboot           device: every counter to 0, sysUpTime restarts, every
                   tunnel of the device comes back at once with new SAs
                   (a peer device's SAs for those tunnels too).
  tunnel_down      device, peer: the tunnel's SAs and IKE SA vanish on both
                   ends (the ASA deletes the rows and blocks of a dead
                   tunnel).
  tunnel_up        device, peer: new IKE SA, new matching SA pairs, a new
                   session.

Semantics
---------
* Routine rekey: both ends switch to a new matching SA pair at the same
  instant; new SPIs, the new SA's counters start at 0, the old pair is
  listed as expiring (counters frozen) for "overlap" seconds, then goes
  away; when it goes, each modelled end drops rekey_noise (default 3)
  straggling packets that carried the old SPI (device-level invalid SPI
  only: an unknown SPI names no SA).
* Counters are integers; within one SA's life they never decrease except
  at clear_counters.  Bytes are packets * bytes_per_packet.
* "show crypto ipsec sa" counters are those of the current SA of each
  child; "show vpn-sessiondb" Bytes/Pkts are cumulative since the session
  came up (they survive rekeys and clear_counters).
* SNMP: one cipSecTunnelTable row per child with the current SA's
  counters, a new row index at each new SA (the ASA renumbers
  cipSecTunIndex at rekeys), cipSecSpiTable rows active(1) and, during
  the overlap, expiring(2).
* Times are kept in integer microseconds, so sums are exact.

Truth (truth(t) per device, JSON), per tunnel (keyed by peer address):
  total         packets/bytes in/out since the last reboot or
                clear_counters, summed over every SA that ever existed
                (what a perfect exporter reports; never decreases between
                those events)
  session       what "show vpn-sessiondb" shows (null while down)
  children      per child: each listed SA (spi_in/spi_out "0x%08x",
                state active/expiring, index = cipSecTunIndex, created,
                pkts/bytes in/out, bad_spi, life_s, life_kb_in/out), the
                peer's current SPI pair, spis_match
  invalid_spi   the peer's packets dropped as invalid SPI since boot
                (invalid_spi_since_clear: since clear_asp_drop), bad_spi
                (the sum of "Bad SPI" over the listed contexts)
  up, spis_match, rekeys (SA pairs replaced: routine, one-sided, resync;
                not the new pairs of tunnel_up or reboot), routine_rekeys
and per device: uptime_s, reboots, invalid_spi {asp (np-sp-invalid-spi),
no_sa_fails (cipSecGlobalNoSaFails, not wrapped), asp_last_cleared} and
drops (every "show asp drop" counter by section and keyword).

Usage
-----
  asa_model.py render --scenario S --device A --time 120 --command 'show asp drop' [--epoch E]
  asa_model.py snmprec --scenario S --device A --time 120 -o a.snmprec
  asa_model.py truth --scenario S [--device A] --time 120
  asa_model.py tick --scenario S --device A --snmprec FILE [--every 5] [--start EPOCH]

--device is a device's name or hostname.  --epoch (render) is the wall
time of t = 0 for the dates in the text (default: the scenario's "epoch"),
shown in UTC.  tick rewrites FILE (a temporary file renamed over it) every
--every seconds at t = now - start (default start: when tick starts),
until killed.

Python 3 standard library only.
"""

import argparse
import heapq
import json
import os
import random
import signal
import sys
import time

US = 1000000
DEFAULT_EPOCH = 1795000000      # 2026-11-19, like the fixtures' dates

# "show asp drop" of a quiet ASA: [section, keyword, description, count at
# t = 0, increase per second].  np-sp-invalid-spi is computed.
DEFAULT_DROPS = [
    ["frame", "invalid-encap", "Invalid encapsulation", 12, 0],
    ["frame", "invalid-ip-length", "Invalid IP length", 4, 0],
    ["frame", "ipsec-tun-down", "IPSEC tunnel is down", 58, 0],
    ["frame", "natt-keepalive", "NAT-T keepalive message", 311, 0.05],
    ["frame", "acl-drop", "Flow is denied by configured rule", 9314, 0.5],
    ["frame", "rpf-violated", "Reverse-path verify failed", 27, 0],
    ["frame", "sp-security-failed", "Slowpath security checks failed", 88,
     0],
    ["frame", "flow-expired", "Expired flow", 5, 0],
    ["flow", "vpn-missing-decrypt", "VPN decryption missing", 7, 0],
    ["flow", "acl-drop", "Flow is denied by access rule", 4410, 0.2],
]


class ScenarioError(ValueError):
    pass


def _us(seconds):
    return int(round(float(seconds) * US))


class Acc:
    """A count that grows at a fixed rate while it runs: int(rate * time),
    plus discrete additions."""

    __slots__ = ("rate", "us", "extra")

    def __init__(self, rate, us=0):
        self.rate = float(rate)
        self.us = us
        self.extra = 0

    def value(self):
        return int(self.rate * self.us / US) + self.extra


class Sa:
    """One SA pair (inbound + outbound) on one end of one child."""

    __slots__ = ("spi_in", "spi_out", "created", "idx", "conn", "inn",
                 "out", "bad", "base_in", "base_out", "expires")

    def __init__(self, spi_in, spi_out, created, rate_in, rate_out):
        self.spi_in, self.spi_out = spi_in, spi_out
        self.created = created
        self.idx = 0            # cipSecTunIndex on a modelled device
        self.conn = 0           # conn_id in "show crypto ipsec sa"
        self.inn = Acc(rate_in)
        self.out = Acc(rate_out)
        self.bad = Acc(rate_in)  # "Bad SPI" of the inbound context
        self.base_in = self.base_out = 0
        self.expires = None     # while listed as expiring

    def pkts_in(self):
        return self.inn.value() - self.base_in

    def pkts_out(self):
        return self.out.value() - self.base_out


class Side:
    """One end of one child: its current SA and the expiring ones."""

    __slots__ = ("cur", "old")

    def __init__(self):
        self.cur = None
        self.old = []

    def sas(self):
        """Listed SAs, the expiring (older) first."""
        return self.old + ([self.cur] if self.cur else [])

    def find_in(self, spi):
        for sa in ([self.cur] if self.cur else []) + self.old:
            if sa.spi_in == spi:
                return sa
        return None


class Child:
    """A phase-2 child of a tunnel: its settings and rekey schedule."""

    def __init__(self, spec, i, tunnel, seed):
        self.i = i
        # Packets per second sent by end 0 ("device") and by end 1.
        self.pps = (float(spec["pps_out"]), float(spec["pps_in"]))
        self.bpp = int(spec["bytes_per_packet"])
        self.life_s = int(spec["lifetime_s"])
        self.life_kb = int(spec["lifetime_kb"])
        self.local = spec["local"]
        self.remote = spec["remote"]
        rk = spec["rekey"]
        self.rekey = rk
        self.overlap = _us(rk.get("overlap", 0)) if rk else 0
        self.rng = random.Random("%s:rekey:%d:%d:%s" % (
            seed, tunnel.i, i, rk.get("seed", "") if rk else ""))
        age = spec.get("age")
        if age is None:
            span = self.interval_s() if rk else self.life_s * 0.5
            age = self.rng.uniform(0, span * 0.9)
        self.age0 = _us(age)
        self.token = 0

    def interval_s(self):
        rk = self.rekey
        if "random" in rk:
            lo, hi = rk["random"]
            return self.rng.uniform(float(lo), float(hi))
        return float(rk["every"])


class End:
    """One end of a tunnel: a modelled device's view, or the peer that is
    not modelled (device None, never rendered)."""

    def __init__(self, tunnel, device, addr, peer_addr, k):
        self.tunnel = tunnel
        self.device = device
        self.k = k                      # 0: the "device" end, 1: the peer
        self.addr = addr
        self.peer_addr = peer_addr
        self.sides = [Side() for _ in tunnel.children]
        self.reset_counts()
        self.rekeys = 0                 # SA pair changes since t = 0
        self.routine_rekeys = 0

    def reset_counts(self):
        """After a reboot of this end's device."""
        n = len(self.tunnel.children)
        self.drops = [Acc(self.rate_in(c)) for c in range(n)]
        self.noise = 0
        self.asp_base = 0
        self.retired = dict.fromkeys(TOTAL_KEYS, 0)
        self.new_session()
        self.sess_start = None
        self.sess_idx = 0
        self.ike_start = None
        self.ike_idx = 0

    def rate_in(self, c):
        """Packets per second the other end sends on child c."""
        return self.tunnel.children[c].pps[1 - self.k]

    def rate_out(self, c):
        return self.tunnel.children[c].pps[self.k]

    def new_session(self):
        """Per child, what the session's SAs that are gone carried."""
        self.sess = [dict.fromkeys(TOTAL_KEYS, 0) for _ in self.sides]

    def child_totals(self, ci):
        """What child ci carried since the session came up ("show
        vpn-sessiondb"): not reset by rekeys or clear_counters."""
        out = dict(self.sess[ci])
        bpp = self.tunnel.children[ci].bpp
        for sa in self.sides[ci].sas():
            ri, ro = sa.inn.value(), sa.out.value()
            out["pkts_in"] += ri
            out["pkts_out"] += ro
            out["bytes_in"] += ri * bpp
            out["bytes_out"] += ro * bpp
        return out

    def raw_drops(self):
        return sum(a.value() for a in self.drops) + self.noise

    def other(self):
        return self.tunnel.ends[1 - self.k]


TOTAL_KEYS = ("pkts_in", "pkts_out", "bytes_in", "bytes_out")


class Tunnel:
    def __init__(self, i, spec, seed):
        self.i = i
        self.ike = int(spec.get("ike", 1))
        self.nat_t = bool(spec.get("nat_t", False))
        self.role = spec.get("role", "initiator")
        self.seq = int(spec.get("seq", 10 * (i + 1)))
        self.up = bool(spec.get("up", True))
        self.children = [Child(c, ci, self, seed)
                         for ci, c in enumerate(spec["_children"])]
        self.ends = []

    def consistent(self, ci):
        a, b = (e.sides[ci].cur for e in self.ends)
        return (a is not None and b is not None and a.spi_in == b.spi_out
                and a.spi_out == b.spi_in)


class Device:
    def __init__(self, name, spec, i):
        self.name = name
        self.i = i
        self.hostname = spec.get("hostname", "asa-%s" % name.lower())
        self.address = spec.get("address", "192.0.2.%d" % (i + 1))
        self.version = spec.get("version", "9.16(4)")
        self.interface = spec.get("interface", "outside")
        self.uptime0 = _us(spec.get("uptime", 31 * 86400 + 4 * 3600 + 17))
        self.rekey_noise = int(spec.get("rekey_noise", 3))
        self.drop_spec = spec.get("drops", DEFAULT_DROPS)
        self.ends = []
        self.boot = None                # time of the last reboot, or None
        self.reboots = 0
        self.next_idx = 1
        self.next_conn = 1
        self.next_sess = 300
        self.sessions = 0               # L2L sessions started since boot
        self.asp_cleared = None
        self.reason_base = {}

    def uptime_us(self, now):
        return now - self.boot if self.boot is not None \
            else self.uptime0 + now

    def reason_raw(self, now):
        """Other drop reasons since boot: {(section, keyword): count}."""
        out = {}
        for sec, kw, _desc, base, rate in self.drop_spec:
            if self.boot is None:
                n = int(base) + int(float(rate) * now / US)
            else:
                n = int(float(rate) * (now - self.boot) / US)
            out[(sec, kw)] = n
        return out

    def end_for(self, peer):
        for e in self.ends:
            if peer in (e.peer_addr, e.other().device and
                        e.other().device.name):
                return e
        raise ScenarioError("device %s has no tunnel to %r"
                            % (self.name, peer))


# -- loading ------------------------------------------------------------------


def load(path_or_dict):
    """A scenario (path or dict) -> the normalised dict the model reads."""
    if isinstance(path_or_dict, dict):
        sc = json.loads(json.dumps(path_or_dict))
    else:
        with open(path_or_dict) as f:
            sc = json.load(f)
    if "devices" not in sc:
        sc["devices"] = {"A": {k: sc[k] for k in
                               ("hostname", "address", "version", "uptime",
                                "interface", "rekey_noise", "drops")
                               if k in sc}}
    if not sc["devices"]:
        raise ScenarioError("no devices")
    for i, t in enumerate(sc.get("tunnels", [])):
        for k in ("device", "peer"):
            if k not in t:
                raise ScenarioError("tunnels[%d]: no %r" % (i, k))
        if t["device"] not in sc["devices"]:
            raise ScenarioError("tunnels[%d]: unknown device %r"
                                % (i, t["device"]))
        kids = t.get("children", 1)
        if isinstance(kids, int):
            kids = [{} for _ in range(kids)]
        out = []
        for ci, c in enumerate(kids):
            d = {"pps_in": 50, "pps_out": 40, "bytes_per_packet": 800,
                 "lifetime_s": 3600, "lifetime_kb": 4608000}
            for k in list(d) + ["rekey", "age"]:
                if k in t:
                    d[k] = t[k]
            d.update(c)
            if "rekey" not in d:
                d["rekey"] = {"every": 0.9 * d["lifetime_s"]}
            rk = d["rekey"]
            if rk is not None and not ("every" in rk or "random" in rk):
                raise ScenarioError("tunnels[%d]: rekey needs 'every' or "
                                    "'random'" % i)
            if rk is not None and "every" in rk and float(rk["every"]) <= 0:
                d["rekey"] = None
            d.setdefault("local", "10.%d.%d.0/24" % (1 + i, ci))
            d.setdefault("remote", "172.%d.%d.0/24" % (16 + i % 16, ci))
            out.append(d)
        t["_children"] = out
    for i, e in enumerate(sc.get("events", [])):
        if e.get("type") not in EVENT_TYPES:
            raise ScenarioError("events[%d]: unknown type %r"
                                % (i, e.get("type")))
        if e.get("device") not in sc["devices"]:
            raise ScenarioError("events[%d]: unknown device %r"
                                % (i, e.get("device")))
        if "t" not in e:
            raise ScenarioError("events[%d]: no 't'" % i)
    return sc


# -- the simulation -----------------------------------------------------------


class World:
    """Every device of a scenario at one time."""

    def __init__(self, sc, t):
        self.sc = sc
        self.seed = sc.get("seed", 1)
        self.epoch = float(sc.get("epoch", DEFAULT_EPOCH))
        self.spi_rng = random.Random("%s:spi" % self.seed)
        self.spis = set()
        self.devices = {}
        for i, (name, spec) in enumerate(sc["devices"].items()):
            self.devices[name] = Device(name, spec, i)
        self.tunnels = []
        for i, spec in enumerate(sc.get("tunnels", [])):
            tun = Tunnel(i, spec, self.seed)
            dev = self.devices[spec["device"]]
            peer = self.devices.get(spec["peer"])
            paddr = peer.address if peer else spec["peer"]
            tun.ends = [End(tun, dev, dev.address, paddr, 0),
                        End(tun, peer, paddr, dev.address, 1)]
            for e in tun.ends:
                if e.device:
                    e.device.ends.append(e)
            self.tunnels.append(tun)
        self.queue = []
        self.seq = 0
        self.now = 0
        self.start()
        for i, e in enumerate(sc.get("events", [])):
            self.push(_us(e["t"]), 1, ("event", i))
        self.run(_us(max(0.0, float(t))))

    # Queue: (time, priority, sequence, what); expiries first, then
    # scenario events, then rekeys.

    def push(self, when, prio, what):
        self.seq += 1
        heapq.heappush(self.queue, (when, prio, self.seq, what))

    def run(self, until):
        while self.queue and self.queue[0][0] <= until:
            when, _, _, what = heapq.heappop(self.queue)
            self.advance(when)
            getattr(self, "on_" + what[0])(*what[1:])
        self.advance(until)
        self.now = until

    def advance(self, to):
        dt = to - self.now
        if dt <= 0:
            return
        for tun in self.tunnels:
            if not tun.up:
                continue
            for ci in range(len(tun.children)):
                for k in (0, 1):
                    snd, rcv = tun.ends[k], tun.ends[1 - k]
                    sa = snd.sides[ci].cur
                    if sa is None:
                        continue
                    sa.out.us += dt
                    got = rcv.sides[ci].find_in(sa.spi_out)
                    if got is not None:
                        got.inn.us += dt
                    else:
                        rcv.drops[ci].us += dt
                        if rcv.sides[ci].cur is not None:
                            rcv.sides[ci].cur.bad.us += dt
        self.now = to

    # SAs.

    def new_spi(self):
        while True:
            v = self.spi_rng.randrange(0x01000000, 1 << 32)
            if v not in self.spis:
                self.spis.add(v)
                return v

    def make_sa(self, end, ci, spi_in, spi_out):
        sa = Sa(spi_in, spi_out, self.now, end.rate_in(ci), end.rate_out(ci))
        if end.device is not None:
            sa.idx = end.device.next_idx
            end.device.next_idx += 1
            sa.conn = 4096 * end.device.next_conn
            end.device.next_conn += 1
        return sa

    def retire(self, end, ci, sa):
        """An SA goes away: its counts join the tunnel's totals."""
        bpp = end.tunnel.children[ci].bpp
        pi, po = sa.pkts_in(), sa.pkts_out()
        end.retired["pkts_in"] += pi
        end.retired["pkts_out"] += po
        end.retired["bytes_in"] += pi * bpp
        end.retired["bytes_out"] += po * bpp
        ri, ro = sa.inn.value(), sa.out.value()
        sess = end.sess[ci]
        sess["pkts_in"] += ri
        sess["pkts_out"] += ro
        sess["bytes_in"] += ri * bpp
        sess["bytes_out"] += ro * bpp

    def drop_all(self, end, ci):
        side = end.sides[ci]
        for sa in side.sas():
            self.retire(end, ci, sa)
        side.cur, side.old = None, []

    def install(self, end, ci, sa, overlap=0, routine=False):
        """sa becomes the current SA of end's child ci; the one it replaces
        expires after overlap, or goes at once."""
        side = end.sides[ci]
        old = side.cur
        if old is not None:
            end.rekeys += 1
            if overlap > 0:
                old.expires = self.now + overlap
                side.old.append(old)
                self.push(old.expires, 0, ("expire", end, ci, old))
            else:
                self.retire(end, ci, old)
                if routine:
                    self.stragglers(end)
        side.cur = sa

    def stragglers(self, end):
        """A routine rekey's old inbound SA goes: a few packets the peer
        had in flight with its SPI are dropped as invalid SPI."""
        if end.device is not None:
            end.noise += end.device.rekey_noise

    def new_pair(self, tun, ci, overlap=0, routine=False):
        x, y = self.new_spi(), self.new_spi()
        a, b = tun.ends
        for end, sin, sout in ((a, x, y), (b, y, x)):
            sa = self.make_sa(end, ci, sin, sout)
            self.install(end, ci, sa, overlap, routine)
            if routine:
                end.routine_rekeys += 1

    def schedule(self, tun, ci):
        ch = tun.children[ci]
        ch.token += 1
        if ch.rekey is not None:
            self.push(self.now + _us(ch.interval_s()), 2,
                      ("rekey", tun, ci, ch.token))

    def session_start(self, end, age=0):
        end.new_session()
        end.sess_start = self.now - age
        end.ike_start = self.now - age
        if end.device is not None:
            end.sess_idx = end.device.next_sess
            end.device.sessions += 1
            end.device.next_sess += 1 + end.tunnel.i % 3
            end.ike_idx = 1000 + end.sess_idx

    def bring_up(self, tun):
        tun.up = True
        for e in tun.ends:
            self.session_start(e)
        for ci in range(len(tun.children)):
            for e in tun.ends:
                self.drop_all(e, ci)
            self.new_pair(tun, ci)
            self.schedule(tun, ci)

    def take_down(self, tun):
        tun.up = False
        for ci, ch in enumerate(tun.children):
            ch.token += 1
            for e in tun.ends:
                self.drop_all(e, ci)
        for e in tun.ends:
            e.sess_start = e.ike_start = None

    def start(self):
        """t = 0: every tunnel that is up has SAs of some age already."""
        for tun in self.tunnels:
            if not tun.up:
                continue
            sess_age = max(ch.age0 for ch in tun.children) + \
                _us(3600 * (1 + tun.i % 5) + 60 * tun.i)
            for e in tun.ends:
                self.session_start(e, sess_age)
            for ci, ch in enumerate(tun.children):
                self.new_pair(tun, ci)
                for e in tun.ends:
                    sa = e.sides[ci].cur
                    sa.created = -ch.age0
                    sa.inn.us = sa.out.us = ch.age0
                    # What the session carried before this SA.
                    pre = sess_age - ch.age0
                    for key, rate in (("in", e.rate_in(ci)),
                                      ("out", e.rate_out(ci))):
                        n = int(rate * pre / US)
                        e.sess[ci]["pkts_" + key] += n
                        e.sess[ci]["bytes_" + key] += n * ch.bpp
                if ch.rekey is not None:
                    ch.token += 1
                    first = max(0, _us(ch.interval_s()) - ch.age0)
                    self.push(first, 2, ("rekey", tun, ci, ch.token))
        for e in (e for t in self.tunnels for e in t.ends):
            e.rekeys = e.routine_rekeys = 0

    # Events.

    def on_expire(self, end, ci, sa):
        side = end.sides[ci]
        if sa not in side.old:
            return
        side.old.remove(sa)
        self.retire(end, ci, sa)
        self.stragglers(end)

    def on_rekey(self, tun, ci, token):
        ch = tun.children[ci]
        if token != ch.token or not tun.up:
            return
        if tun.consistent(ci):
            self.new_pair(tun, ci, ch.overlap, routine=True)
        self.schedule(tun, ci)

    def on_event(self, i):
        ev = self.sc["events"][i]
        dev = self.devices[ev["device"]]
        kind = ev["type"]
        if kind in ("clear_asp_drop", "reboot") or (
                kind == "clear_counters" and "peer" not in ev):
            getattr(self, "ev_" + kind)(dev, ev)
            return
        if "peer" not in ev:
            raise ScenarioError("events[%d]: %s needs 'peer'" % (i, kind))
        getattr(self, "ev_" + kind)(dev, ev, dev.end_for(ev["peer"]))

    def ev_one_sided_rekey(self, dev, ev, end):
        if not end.tunnel.up:
            return
        kids = range(len(end.sides))
        if ev.get("child") is not None:
            kids = [int(ev["child"])]
        for ci in kids:
            sa = self.make_sa(end, ci, self.new_spi(), self.new_spi())
            for old in end.sides[ci].old:
                self.retire(end, ci, old)
            end.sides[ci].old = []
            self.install(end, ci, sa)

    def ev_resync(self, dev, ev, end):
        tun = end.tunnel
        if not tun.up:
            return
        for ci in range(len(tun.children)):
            for e in tun.ends:
                for old in e.sides[ci].old:
                    self.retire(e, ci, old)
                e.sides[ci].old = []
            self.new_pair(tun, ci)
            self.schedule(tun, ci)

    def ev_clear_counters(self, dev, ev, end=None):
        for e in [end] if end else dev.ends:
            for side in e.sides:
                for sa in side.sas():
                    sa.base_in, sa.base_out = sa.inn.value(), sa.out.value()
            e.retired = dict.fromkeys(TOTAL_KEYS, 0)

    def ev_clear_asp_drop(self, dev, ev):
        for e in dev.ends:
            e.asp_base = e.raw_drops()
        dev.reason_base = dev.reason_raw(self.now)
        dev.asp_cleared = self.now

    def ev_reboot(self, dev, ev):
        dev.boot = self.now
        dev.reboots += 1
        dev.next_idx = dev.next_conn = 1
        dev.sessions = 0
        dev.asp_cleared = None
        dev.reason_base = {}
        for e in dev.ends:
            tun = e.tunnel
            was_up = tun.up
            if was_up:
                self.take_down(tun)
            e.reset_counts()
            if was_up:
                self.bring_up(tun)

    def ev_tunnel_down(self, dev, ev, end):
        if end.tunnel.up:
            self.take_down(end.tunnel)

    def ev_tunnel_up(self, dev, ev, end):
        if not end.tunnel.up:
            self.bring_up(end.tunnel)

    # Views.

    def device(self, name):
        if name in self.devices:
            return self.devices[name]
        for d in self.devices.values():
            if name == d.hostname:
                return d
        raise ScenarioError("no device %r (devices: %s)" % (
            name, ", ".join(self.devices)))

    def truth(self, name):
        return device_truth(self, self.device(name))


EVENT_TYPES = ("one_sided_rekey", "resync", "clear_counters",
               "clear_asp_drop", "reboot", "tunnel_down", "tunnel_up")


# -- truth --------------------------------------------------------------------


def _hex(v):
    return "0x%08x" % v


def sa_truth(world, end, ci, sa):
    ch = end.tunnel.children[ci]
    pi, po = sa.pkts_in(), sa.pkts_out()
    age = world.now - sa.created
    return {
        "spi_in": _hex(sa.spi_in), "spi_out": _hex(sa.spi_out),
        "state": "active" if sa is end.sides[ci].cur else "expiring",
        "created": sa.created / US, "index": sa.idx,
        "pkts_in": pi, "pkts_out": po,
        "bytes_in": pi * ch.bpp, "bytes_out": po * ch.bpp,
        "bad_spi": sa.bad.value(),
        "life_s": max(0, ch.life_s - age // US),
        "life_kb_in": max(0, ch.life_kb - sa.inn.value() * ch.bpp // 1024),
        "life_kb_out": max(0, ch.life_kb - sa.out.value() * ch.bpp // 1024),
    }


def end_totals(end):
    """(cumulative counts since the last reboot or clear_counters over every
    SA, counts since the session came up)."""
    tot = dict(end.retired)
    sess = dict.fromkeys(TOTAL_KEYS, 0)
    for ci, side in enumerate(end.sides):
        bpp = end.tunnel.children[ci].bpp
        for sa in side.sas():
            pi, po = sa.pkts_in(), sa.pkts_out()
            tot["pkts_in"] += pi
            tot["pkts_out"] += po
            tot["bytes_in"] += pi * bpp
            tot["bytes_out"] += po * bpp
        for k, v in end.child_totals(ci).items():
            sess[k] += v
    return tot, sess


def device_truth(world, dev):
    now = world.now
    tunnels = {}
    nosa = 0
    asp = 0
    for e in dev.ends:
        tun = e.tunnel
        tot, sess = end_totals(e)
        raw = e.raw_drops()
        nosa += raw
        asp += raw - e.asp_base
        other = e.other()
        kids = []
        for ci, side in enumerate(e.sides):
            ocur = other.sides[ci].cur
            kids.append({
                "local": tun.children[ci].local if e.k == 0
                else tun.children[ci].remote,
                "remote": tun.children[ci].remote if e.k == 0
                else tun.children[ci].local,
                "sas": [sa_truth(world, e, ci, sa) for sa in side.sas()],
                "peer_spis": None if ocur is None else
                {"spi_in": _hex(ocur.spi_in), "spi_out": _hex(ocur.spi_out)},
                "spis_match": tun.consistent(ci),
            })
        tunnels[e.peer_addr] = {
            "up": tun.up,
            "peer_device": other.device.name if other.device else None,
            "ike_version": tun.ike, "nat_t": tun.nat_t,
            "rekeys": e.rekeys, "routine_rekeys": e.routine_rekeys,
            "total": tot,
            "session": sess if tun.up else None,
            "invalid_spi": raw,
            "invalid_spi_since_clear": raw - e.asp_base,
            "bad_spi": sum(sa.bad.value() for s in e.sides
                           for sa in s.sas()),
            "spis_match": tun.up and all(tun.consistent(ci) for ci in
                                         range(len(tun.children))),
            "children": kids,
        }
    return {
        "device": dev.name, "hostname": dev.hostname,
        "address": dev.address, "t": now / US,
        "uptime_s": dev.uptime_us(now) // US, "reboots": dev.reboots,
        "invalid_spi": {
            "asp": asp, "no_sa_fails": nosa,
            "asp_last_cleared": None if dev.asp_cleared is None
            else world.epoch + dev.asp_cleared / US},
        "drops": asp_reasons(dev, now, asp),
        "tunnels": tunnels,
    }


def asp_reasons(dev, now, invalid_spi):
    """{"frame": {kw: n}, "flow": {...}} as "show asp drop" shows them."""
    raw = dev.reason_raw(now)
    out = {"frame": {}, "flow": {}}
    for (sec, kw), n in raw.items():
        out[sec][kw] = n - dev.reason_base.get((sec, kw), 0)
    out["frame"]["np-sp-invalid-spi"] = invalid_spi
    return out


# -- entry points -------------------------------------------------------------


def world(scenario, t):
    """The state of every device of scenario (path, dict or loaded) at t."""
    sc = scenario if isinstance(scenario, dict) and "_loaded" in scenario \
        else load(scenario)
    sc["_loaded"] = True
    return World(sc, t)


def render(scenario, device, t, command, epoch=None):
    import asa_render
    w = world(scenario, t)
    return asa_render.render(w, w.device(device), command, epoch)


def snmprec(scenario, device, t):
    import asa_render
    w = world(scenario, t)
    return asa_render.snmprec(w, w.device(device))


def truth(scenario, device, t):
    return world(scenario, t).truth(device)


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, ".%s.%d.tmp" % (os.path.basename(path),
                                          os.getpid()))
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _tick(a):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    # A parent that waits in sigwait() (lab.py) passes its mask on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM,
                                                signal.SIGINT})
    start = a.start if a.start is not None else time.time()
    sc = load(a.scenario)
    while not stop:
        t = time.time() - start
        write_atomic(a.snmprec, snmprec(sc, a.device, t))
        nxt = start + (int(t // a.every) + 1) * a.every
        while not stop and time.time() < nxt:
            time.sleep(min(0.2, max(0.0, nxt - time.time())))
    return 0


def main(argv=None):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("render", "snmprec", "truth", "tick"):
        p = sub.add_parser(name)
        p.add_argument("--scenario", required=True)
        p.add_argument("--device", required=name != "truth")
        if name == "tick":
            p.add_argument("--snmprec", required=True)
            p.add_argument("--every", type=float, default=5.0)
            p.add_argument("--start", type=float)
        else:
            p.add_argument("--time", type=float, required=True)
        if name == "render":
            p.add_argument("--command", required=True)
            p.add_argument("--epoch", type=float)
        if name == "snmprec":
            p.add_argument("-o", "--output")
    a = ap.parse_args(argv)
    try:
        if a.cmd == "render":
            sys.stdout.write(render(a.scenario, a.device, a.time, a.command,
                                    a.epoch))
        elif a.cmd == "snmprec":
            text = snmprec(a.scenario, a.device, a.time)
            if a.output:
                write_atomic(a.output, text)
            else:
                sys.stdout.write(text)
        elif a.cmd == "truth":
            w = world(a.scenario, a.time)
            names = [a.device] if a.device else list(w.devices)
            out = {n: w.truth(n) for n in names}
            json.dump(out[a.device] if a.device else out, sys.stdout,
                      indent=1, sort_keys=True)
            sys.stdout.write("\n")
        else:
            return _tick(a)
    except (ScenarioError, OSError, json.JSONDecodeError) as e:
        print("asa_model: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
