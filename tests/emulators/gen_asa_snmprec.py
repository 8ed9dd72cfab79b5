#!/usr/bin/env python3
"""Generate a simulated Cisco ASA as a snmpsim .snmprec file.

The data set is deterministic for a given --seed and models what an ASA
with N site-to-site peers answers for the objects vpn_exporter's
cisco_asa_snmp collector reads (CISCO-IPSEC-FLOW-MONITOR-MIB and
CISCO-REMOTE-ACCESS-MONITOR-MIB, see /work/shared/reference/devices.md
sections 1.5-1.7).  Lines are "OID|TAG|VALUE" sorted by OID in numeric
order, as snmpsim requires (it binary-searches the file).

Model
-----
* Peer i (1-based) has address 198.18.0.0 + 256 * ((i-1) // 254) +
  ((i-1) % 254 + 1): 254 peers per /24, host octets 1..254 only (never .0
  or .255), continuing into 198.19.x.y; peer 1 = 198.18.0.1, peer 254 =
  198.18.0.254, peer 255 = 198.18.1.1.  At most 130048 peers (198.18/15).
  Local address 192.0.2.1.
* Peer i has IKE (phase-1) tunnel index 1000 + i in cikeTunnelTable.
* Peer i has one phase-2 child, or two when i % 7 == 0.  Children are
  numbered cipSecTunIndex 1, 2, ... in peer order.
* Child t has SPI rows (cipSecSpiTable, index t.SPIIDX): 1 inbound active,
  2 outbound active; when t % 10 == 0 it is in rekey overlap and also has
  3 inbound expiring and 4 outbound expiring.  SPI values are distinct,
  random in 0x100..0xffffffff.
* Child t has one cipSecEndPtTable row t.1: local 10.0.(k-1).0/24 where k
  is the child's number within its peer (1 or 2), remote
  10.(1 + t // 256).(t % 256).0/24; type ipSubnet(3), Addr1 = network,
  Addr2 = mask, protocol 0, port 0.
* The last --dead-peers peers are configured but down: they appear in no
  table (an ASA drops the rows of dead tunnels); the summary lists them
  with "up": false.
* Octet counters: cipSecTunHc{In,Out}Octets (Counter64) are the truth;
  cipSecTun{In,Out}Octets = Hc mod 2^32 and *OctWraps = Hc >> 32.  Some
  children exceed 2^32 (t % 13 == 5 inbound, t % 17 == 3 outbound).
  Decomp/Uncomp octets equal the plain ones (no compression).  Auths and
  Decrypts/Encrypts equal the packet counts.
* Error counters are nonzero for t % 4 == 2 and for about 10% of other
  children.
* --bump K adds K to every counter (Counter32 modulo 2^32, Counter64)
  before the derived *Octets/*OctWraps columns are computed, so a bumped
  file is a consistent later poll.  cipSecGlobalNoSaFails is always
  exactly --no-sa-fails (not bumped).  Gauges, times and indexes do not
  change.
* --no-hc omits every Counter64 object: the four Hc* columns of
  cipSecTunnelTable and the four cipSecGlobalHc* scalars.
* Values of peer i and child t come from random generators seeded with
  (seed, i) and (seed, t), so the first peers of a large file match a
  small file with the same seed (SPI values excepted if they collide).

Usage
-----
  gen_asa_snmprec.py --tunnels 100 -o asa.snmprec
  gen_asa_snmprec.py --tunnels 100 --dead-peers 3 -o asa.snmprec --summary > truth.json
"""

import argparse
import json
import random
import sys

MIB = "1.3.6.1.4.1.9.9.171.1"
CIKE_GLOBAL = MIB + ".2.1"
CIKE_TUN = MIB + ".2.3.1"
CIPSEC_GLOBAL = MIB + ".3.1"
CIPSEC_TUN = MIB + ".3.2.1"
CIPSEC_ENDPT = MIB + ".3.3.1"
CIPSEC_SPI = MIB + ".3.4.1"
CRAS_ACTIVITY = "1.3.6.1.4.1.9.9.392.1.3"

LOCAL_ADDR = "192.0.2.1"
MAX_PEERS = 512 * 254
IKE_LIFETIME = 86400
IPSEC_LIFETIME = 28800
IPSEC_LIFESIZE = 4608000
M32 = 1 << 32
M64 = 1 << 64

# snmprec tags (the decimal BER tag; an 'x' suffix means a hex value).
INT, STR, HEX, OID, C32, G32, TT, C64 = "2", "4", "4x", "6", "65", "66", "67", "70"

ERROR_FIELDS = ("in_drop_pkts", "in_replay_drop_pkts", "in_auth_fails",
                "in_decrypt_fails", "out_drop_pkts", "out_auth_fails",
                "out_encrypt_fails")


def peer_address(i):
    """Peer i (1-based) -> dotted IPv4 address; see the module docstring."""
    k = i - 1
    n = (198 << 24) | (18 << 16) | ((k // 254) << 8) | (k % 254 + 1)
    return ".".join(str((n >> s) & 255) for s in (24, 16, 8, 0))


def ip_hex(addr):
    return "".join("%02x" % int(x) for x in addr.split("."))


class Gen:
    def __init__(self, args):
        self.a = args
        self.rows = []          # (oid tuple, tag, value)
        self.spis = set()
        self.bump = args.bump

    def add(self, oid, tag, value):
        self.rows.append((tuple(int(x) for x in oid.split(".")), tag,
                          str(value)))

    def c32(self, v):
        """A Counter32 as the device reports it after --bump."""
        return (v + self.bump) % M32

    def c64(self, v):
        return (v + self.bump) % M64

    def rng(self, kind, n):
        return random.Random("%s:%s:%d" % (self.a.seed, kind, n))

    def spi(self, rng):
        while True:
            v = rng.randrange(0x100, M32)
            if v not in self.spis:
                self.spis.add(v)
                return v

    # -- per peer and per child truth ---------------------------------

    def make_peer(self, i):
        r = self.rng("peer", i)
        ike_in_pkts = r.randrange(50, 5000)
        ike_out_pkts = ike_in_pkts + r.randrange(0, 20)
        return {
            "index": i,
            "peer": (self.a.peers[i - 1] if i <= len(self.a.peers)
                     else peer_address(i)),
            "ike_index": 1000 + i,
            "ike_active_time": r.randrange(0, IKE_LIFETIME * 100),
            "ike_refreshes": r.randrange(0, 30),
            "ike": {
                "in_octets": ike_in_pkts * r.randrange(90, 400),
                "in_pkts": ike_in_pkts,
                "in_drop_pkts": r.choice((0, 0, 0, r.randrange(1, 9))),
                "in_notifys": r.randrange(0, 200),
                "in_p2_exchgs": r.randrange(1, 100),
                "in_p2_exchg_invalids": r.choice((0, 0, 1)),
                "in_p2_exchg_rejects": r.choice((0, 0, 1)),
                "in_p2_sa_del_requests": r.randrange(0, 50),
                "out_octets": ike_out_pkts * r.randrange(90, 400),
                "out_pkts": ike_out_pkts,
                "out_drop_pkts": r.choice((0, 0, 0, r.randrange(1, 9))),
                "out_notifys": r.randrange(0, 200),
                "out_p2_exchgs": r.randrange(1, 100),
                "out_p2_exchg_invalids": r.choice((0, 0, 1)),
                "out_p2_exchg_rejects": r.choice((0, 0, 1)),
                "out_p2_sa_del_requests": r.randrange(0, 50),
            },
            "children": [],
        }

    def make_child(self, t, k):
        r = self.rng("child", t)
        if t % 13 == 5:
            hc_in = r.randrange(M32 + 1, 1 << 38)
        else:
            hc_in = r.randrange(100000, 3000000000)
        if t % 17 == 3:
            hc_out = r.randrange(M32 + 1, 1 << 38)
        else:
            hc_out = r.randrange(100000, 3000000000)
        in_pkts = hc_in // r.randrange(120, 1400)
        out_pkts = hc_out // r.randrange(120, 1400)
        errors = {f: 0 for f in ERROR_FIELDS}
        if t % 4 == 2 or r.random() < 0.1:
            errors = {f: r.randrange(0, 50) for f in ERROR_FIELDS}
            errors["in_decrypt_fails"] = r.randrange(1, 50)
        overlap = t % 10 == 0
        spis = {"spi_in_active": self.spi(r), "spi_out_active": self.spi(r),
                "spi_in_expiring": None, "spi_out_expiring": None}
        if overlap:
            spis["spi_in_expiring"] = self.spi(r)
            spis["spi_out_expiring"] = self.spi(r)
        refreshes = r.randrange(0, 40)
        return {
            "tun_index": t,
            "child": k,
            "active_time": r.randrange(0, IPSEC_LIFETIME * 100),
            "refreshes": refreshes,
            "hc_in_octets": hc_in,
            "hc_out_octets": hc_out,
            "in_pkts": in_pkts,
            "out_pkts": out_pkts,
            "errors": errors,
            **spis,
        }

    # -- tables ---------------------------------------------------------

    def system(self, peers_live):
        self.add("1.3.6.1.2.1.1.1.0", STR,
                 "Cisco Adaptive Security Appliance Version 9.16(4)")
        self.add("1.3.6.1.2.1.1.2.0", OID, "1.3.6.1.4.1.9.1.2313")
        self.add("1.3.6.1.2.1.1.3.0", TT,
                 self.rng("sys", 0).randrange(IKE_LIFETIME * 200, 3000000000))
        self.add("1.3.6.1.2.1.1.5.0", STR, self.a.name)

    def ike_row(self, p):
        x = p["ike_index"]
        ike = p["ike"]

        def col(c, tag, v):
            self.add("%s.%d.%d" % (CIKE_TUN, c, x), tag, v)

        col(2, INT, 1)                         # LocalType ipAddrPeer
        col(3, STR, LOCAL_ADDR)                # LocalValue
        col(4, HEX, ip_hex(LOCAL_ADDR))        # LocalAddr
        col(5, STR, "")                        # LocalName
        col(6, INT, 1)                         # RemoteType ipAddrPeer
        col(7, STR, p["peer"])                 # RemoteValue
        col(8, HEX, ip_hex(p["peer"]))         # RemoteAddr
        col(9, STR, "")                        # RemoteName
        col(10, INT, 1)                        # NegoMode main
        col(11, INT, 3)                        # DiffHellmanGrp dhGroup2
        col(12, INT, 3)                        # EncryptAlgo des3
        col(13, INT, 3)                        # HashAlgo sha
        col(14, INT, 2)                        # AuthMethod preSharedKey
        col(15, INT, IKE_LIFETIME)             # LifeTime (s)
        col(16, INT, p["ike_active_time"])     # ActiveTime (1/100 s)
        col(17, INT, IKE_LIFETIME * 9 // 10)   # SaRefreshThreshold (s)
        col(18, C32, self.c32(p["ike_refreshes"]))
        for c, f in enumerate(("in_octets", "in_pkts", "in_drop_pkts",
                               "in_notifys", "in_p2_exchgs",
                               "in_p2_exchg_invalids", "in_p2_exchg_rejects",
                               "in_p2_sa_del_requests", "out_octets",
                               "out_pkts", "out_drop_pkts", "out_notifys",
                               "out_p2_exchgs", "out_p2_exchg_invalids",
                               "out_p2_exchg_rejects",
                               "out_p2_sa_del_requests"), start=19):
            col(c, C32, self.c32(ike[f]))
        col(35, INT, 1)                        # Status active

    def ipsec_row(self, p, ch):
        t = ch["tun_index"]
        hc = not self.a.no_hc
        hin = self.c64(ch["hc_in_octets"])
        hout = self.c64(ch["hc_out_octets"])
        in_pkts = self.c32(ch["in_pkts"])
        out_pkts = self.c32(ch["out_pkts"])
        e = {f: self.c32(v) for f, v in ch["errors"].items()}
        nsa = 4 if ch["spi_in_expiring"] is not None else 2

        def col(c, tag, v):
            self.add("%s.%d.%d" % (CIPSEC_TUN, c, t), tag, v)

        col(2, INT, p["ike_index"])            # IkeTunnelIndex
        col(3, INT, 1)                         # IkeTunnelAlive true
        col(4, HEX, ip_hex(LOCAL_ADDR))        # LocalAddr
        col(5, HEX, ip_hex(p["peer"]))         # RemoteAddr
        col(6, INT, 1)                         # KeyType ike
        col(7, INT, 1)                         # EncapMode tunnel
        col(8, INT, IPSEC_LIFESIZE)            # LifeSize (KB)
        col(9, INT, IPSEC_LIFETIME)            # LifeTime (s)
        col(10, INT, ch["active_time"])        # ActiveTime (1/100 s)
        col(11, INT, IPSEC_LIFESIZE * 9 // 10)  # SaLifeSizeThreshold (KB)
        col(12, INT, IPSEC_LIFETIME * 9 // 10)  # SaLifeTimeThreshold (s)
        col(13, C32, self.c32(ch["refreshes"]))         # TotalRefreshes
        col(14, C32, self.c32(2 * ch["refreshes"]))     # ExpiredSaInstances
        col(15, G32, nsa)                      # CurrentSaInstances
        col(16, INT, 1)                        # InSaDiffHellmanGrp none
        col(17, INT, 3)                        # InSaEncryptAlgo des3
        col(18, INT, 1)                        # InSaAhAuthAlgo none
        col(19, INT, 3)                        # InSaEspAuthAlgo hmacSha
        col(20, INT, 1)                        # InSaDecompAlgo none
        col(21, INT, 1)                        # OutSaDiffHellmanGrp none
        col(22, INT, 3)                        # OutSaEncryptAlgo des3
        col(23, INT, 1)                        # OutSaAhAuthAlgo none
        col(24, INT, 3)                        # OutSaEspAuthAlgo hmacSha
        col(25, INT, 1)                        # OutSaCompAlgo none
        col(26, C32, hin % M32)                # InOctets
        if hc:
            col(27, C64, hin)                  # HcInOctets
        col(28, C32, (hin >> 32) % M32)        # InOctWraps
        col(29, C32, hin % M32)                # InDecompOctets
        if hc:
            col(30, C64, hin)                  # HcInDecompOctets
        col(31, C32, (hin >> 32) % M32)        # InDecompOctWraps
        col(32, C32, in_pkts)                  # InPkts
        col(33, C32, e["in_drop_pkts"])
        col(34, C32, e["in_replay_drop_pkts"])
        col(35, C32, in_pkts)                  # InAuths
        col(36, C32, e["in_auth_fails"])
        col(37, C32, in_pkts)                  # InDecrypts
        col(38, C32, e["in_decrypt_fails"])
        col(39, C32, hout % M32)               # OutOctets
        if hc:
            col(40, C64, hout)                 # HcOutOctets
        col(41, C32, (hout >> 32) % M32)       # OutOctWraps
        col(42, C32, hout % M32)               # OutUncompOctets
        if hc:
            col(43, C64, hout)                 # HcOutUncompOctets
        col(44, C32, (hout >> 32) % M32)       # OutUncompOctWraps
        col(45, C32, out_pkts)                 # OutPkts
        col(46, C32, e["out_drop_pkts"])
        col(47, C32, out_pkts)                 # OutAuths
        col(48, C32, e["out_auth_fails"])
        col(49, C32, out_pkts)                 # OutEncrypts
        col(50, C32, e["out_encrypt_fails"])
        col(51, INT, 1)                        # Status active

    def endpt_row(self, ch):
        t = ch["tun_index"]
        local = "10.0.%d.0" % (ch["child"] - 1)
        remote = "10.%d.%d.0" % (1 + t // 256, t % 256)
        mask = "255.255.255.0"

        def col(c, tag, v):
            self.add("%s.%d.%d.1" % (CIPSEC_ENDPT, c, t), tag, v)

        col(2, STR, "")                        # LocalName
        col(3, INT, 3)                         # LocalType ipSubnet
        col(4, HEX, ip_hex(local))             # LocalAddr1 (network)
        col(5, HEX, ip_hex(mask))              # LocalAddr2 (mask)
        col(6, INT, 0)                         # LocalProtocol
        col(7, INT, 0)                         # LocalPort
        col(8, STR, "")                        # RemoteName
        col(9, INT, 3)                         # RemoteType ipSubnet
        col(10, HEX, ip_hex(remote))           # RemoteAddr1
        col(11, HEX, ip_hex(mask))             # RemoteAddr2
        col(12, INT, 0)                        # RemoteProtocol
        col(13, INT, 0)                        # RemotePort

    def spi_rows(self, ch):
        t = ch["tun_index"]
        rows = [(1, 1, ch["spi_in_active"], 1), (2, 2, ch["spi_out_active"], 1)]
        if ch["spi_in_expiring"] is not None:
            rows += [(3, 1, ch["spi_in_expiring"], 2),
                     (4, 2, ch["spi_out_expiring"], 2)]
        for idx, direction, value, status in rows:
            base = "%s.%%d.%d.%d" % (CIPSEC_SPI, t, idx)
            self.add(base % 2, INT, direction)  # Direction in(1)/out(2)
            self.add(base % 3, G32, value)      # Value (Unsigned32)
            self.add(base % 4, INT, 2)          # Protocol esp
            self.add(base % 5, INT, status)     # Status active/expiring

    def globals(self, peers, children):
        r = self.rng("global", 0)
        live = sum(1 for p in peers if p["up"])

        def prev(lo, hi):
            return r.randrange(lo, hi)

        # IKE globals: the live tunnels plus previous ones.
        ike_sum = {}
        for p in peers:
            if p["up"]:
                for f, v in p["ike"].items():
                    ike_sum[f] = ike_sum.get(f, 0) + v
        g = {}
        g[1] = (G32, live)                                   # ActiveTunnels
        g[2] = (C32, prev(10, 500))                          # PreviousTunnels
        names = ("in_octets", "in_pkts", "in_drop_pkts", "in_notifys",
                 "in_p2_exchgs", "in_p2_exchg_invalids",
                 "in_p2_exchg_rejects", "in_p2_sa_del_requests",
                 "out_octets", "out_pkts", "out_drop_pkts", "out_notifys",
                 "out_p2_exchgs", "out_p2_exchg_invalids",
                 "out_p2_exchg_rejects", "out_p2_sa_del_requests")
        for c, f in enumerate(names, start=3):
            g[c] = (C32, self.c32(ike_sum.get(f, 0) + prev(0, 100000)))
        g[19] = (C32, self.c32(live // 2 + prev(0, 1000)))  # InitTunnels
        g[20] = (C32, self.c32(prev(0, 20)))     # InitTunnelFails
        g[21] = (C32, self.c32(prev(0, 20)))     # RespTunnelFails
        g[22] = (C32, self.c32(prev(0, 3)))      # SysCapFails
        g[23] = (C32, self.c32(prev(0, 10)))     # AuthFails
        g[24] = (C32, self.c32(prev(0, 10)))     # DecryptFails
        g[25] = (C32, self.c32(prev(0, 10)))     # HashValidFails
        g[26] = (C32, self.c32(prev(0, 10)))     # NoSaFails
        for c in sorted(g):
            tag, v = g[c]
            self.add("%s.%d.0" % (CIKE_GLOBAL, c), tag, v)

        # IPsec globals: sums over live children plus previous tunnels.
        hin = sum(ch["hc_in_octets"] for ch in children) + prev(0, 1 << 36)
        hout = sum(ch["hc_out_octets"] for ch in children) + prev(0, 1 << 36)
        inp = sum(ch["in_pkts"] for ch in children) + prev(0, 1 << 24)
        outp = sum(ch["out_pkts"] for ch in children) + prev(0, 1 << 24)
        err = {f: sum(ch["errors"][f] for ch in children) + prev(0, 100)
               for f in ERROR_FIELDS}
        hin, hout = self.c64(hin), self.c64(hout)
        s = {}
        s[1] = (G32, len(children))                          # ActiveTunnels
        s[2] = (C32, self.c32(prev(10, 2000)))               # PreviousTunnels
        s[3] = (C32, hin % M32)                              # InOctets
        s[4] = (C64, hin)                                    # HcInOctets
        s[5] = (C32, (hin >> 32) % M32)                      # InOctWraps
        s[6] = (C32, hin % M32)                              # InDecompOctets
        s[7] = (C64, hin)                                    # HcInDecompOctets
        s[8] = (C32, (hin >> 32) % M32)                      # InDecompOctWraps
        s[9] = (C32, self.c32(inp))                          # InPkts
        s[10] = (C32, self.c32(err["in_drop_pkts"]))         # InDrops
        s[11] = (C32, self.c32(err["in_replay_drop_pkts"]))  # InReplayDrops
        s[12] = (C32, self.c32(inp))                         # InAuths
        s[13] = (C32, self.c32(err["in_auth_fails"]))        # InAuthFails
        s[14] = (C32, self.c32(inp))                         # InDecrypts
        s[15] = (C32, self.c32(err["in_decrypt_fails"]))     # InDecryptFails
        s[16] = (C32, hout % M32)                            # OutOctets
        s[17] = (C64, hout)                                  # HcOutOctets
        s[18] = (C32, (hout >> 32) % M32)                    # OutOctWraps
        s[19] = (C32, hout % M32)                            # OutUncompOctets
        s[20] = (C64, hout)                                  # HcOutUncompOctets
        s[21] = (C32, (hout >> 32) % M32)                    # OutUncompOctWraps
        s[22] = (C32, self.c32(outp))                        # OutPkts
        s[23] = (C32, self.c32(err["out_drop_pkts"]))        # OutDrops
        s[24] = (C32, self.c32(outp))                        # OutAuths
        s[25] = (C32, self.c32(err["out_auth_fails"]))       # OutAuthFails
        s[26] = (C32, self.c32(outp))                        # OutEncrypts
        s[27] = (C32, self.c32(err["out_encrypt_fails"]))    # OutEncryptFails
        s[28] = (C32, self.c32(prev(0, 5)))                  # ProtocolUseFails
        s[29] = (C32, self.a.no_sa_fails % M32)              # NoSaFails
        s[30] = (C32, self.c32(prev(0, 3)))                  # SysCapFails
        for c in sorted(s):
            tag, v = s[c]
            if tag == C64 and self.a.no_hc:
                continue
            self.add("%s.%d.0" % (CIPSEC_GLOBAL, c), tag, v)

        # CISCO-REMOTE-ACCESS-MONITOR-MIB crasActivity scalars.
        total = len(peers)
        l2l_cum = self.c32(total + prev(0, 5000))
        ras = {
            1: (G32, live),                          # crasNumSessions
            2: (C32, self.c32(prev(0, 5000))),       # crasNumPrevSessions
            3: (G32, live),                          # crasNumUsers
            4: (G32, 1 if live else 0),              # crasNumGroups
            26: (G32, 0),                            # crasIPSecNumSessions
            27: (C32, self.c32(prev(0, 100))),       # crasIPSecCumulateSessions
            28: (G32, 0),                            # crasIPSecPeakConcurrentSessions
            29: (G32, live),                         # crasL2LNumSessions
            30: (C32, l2l_cum),                      # crasL2LCumulateSessions
            31: (G32, total),                        # crasL2LPeakConcurrentSessions
        }
        for c in sorted(ras):
            tag, v = ras[c]
            self.add("%s.%d.0" % (CRAS_ACTIVITY, c), tag, v)

        return {
            "ike_active_tunnels": live,
            "ipsec_active_tunnels": len(children),
            "hc_in_octets": hin,
            "hc_out_octets": hout,
            "in_pkts": self.c32(inp),
            "out_pkts": self.c32(outp),
            "no_sa_fails": self.a.no_sa_fails % M32,
            "l2l_num_sessions": live,
            "l2l_cumulate_sessions": l2l_cum,
            "l2l_peak_concurrent_sessions": total,
        }

    # -- driver ---------------------------------------------------------

    def run(self):
        a = self.a
        n, dead = a.tunnels, a.dead_peers
        peers, children = [], []
        t = 0
        for i in range(1, n + 1):
            p = self.make_peer(i)
            p["up"] = i <= n - dead
            if p["up"]:
                for k in range(1, (2 if i % 7 == 0 else 1) + 1):
                    t += 1
                    ch = self.make_child(t, k)
                    p["children"].append(ch)
                    children.append(ch)
            peers.append(p)

        self.system(sum(1 for p in peers if p["up"]))
        for p in peers:
            if not p["up"]:
                continue
            if not a.no_ike_table:
                self.ike_row(p)
            for ch in p["children"]:
                self.ipsec_row(p, ch)
                self.endpt_row(ch)
                self.spi_rows(ch)
        glob = self.globals(peers, children)
        self.rows.sort(key=lambda r: r[0])
        return peers, glob

    def write_snmprec(self, out):
        for oid, tag, value in self.rows:
            out.write("%s|%s|%s\n" % (".".join(map(str, oid)), tag, value))

    def summary(self, peers, glob):
        """The truth a test compares the exporter's output with."""
        out = []
        for p in peers:
            e = {"index": p["index"], "peer": p["peer"], "up": p["up"],
                 "ike_index": p["ike_index"], "tunnels": []}
            if p["up"]:
                e["ike_table"] = not self.a.no_ike_table
                e["ike_lifetime_remaining_s"] = (
                    IKE_LIFETIME - p["ike_active_time"] // 100)
                e["ike_active_time"] = p["ike_active_time"]
            sums = {"hc_in_octets": 0, "hc_out_octets": 0, "in_pkts": 0,
                    "out_pkts": 0}
            errs = {f: 0 for f in ERROR_FIELDS}
            for ch in p["children"]:
                c = {
                    "tun_index": ch["tun_index"],
                    "spi_in_active": ch["spi_in_active"],
                    "spi_out_active": ch["spi_out_active"],
                    "spi_in_expiring": ch["spi_in_expiring"],
                    "spi_out_expiring": ch["spi_out_expiring"],
                    "active_time": ch["active_time"],
                    "lifetime_s": IPSEC_LIFETIME,
                    "lifetime_remaining_s":
                        IPSEC_LIFETIME - ch["active_time"] // 100,
                    "hc_in_octets": self.c64(ch["hc_in_octets"]),
                    "hc_out_octets": self.c64(ch["hc_out_octets"]),
                    "in_pkts": self.c32(ch["in_pkts"]),
                    "out_pkts": self.c32(ch["out_pkts"]),
                    "errors": {f: self.c32(v)
                               for f, v in ch["errors"].items()},
                }
                for f in sums:
                    sums[f] += c[f]
                for f in ERROR_FIELDS:
                    errs[f] += c["errors"][f]
                e["tunnels"].append(c)
            e["tun_indexes"] = [c["tun_index"] for c in e["tunnels"]]
            e.update(sums)
            e["errors"] = errs
            out.append(e)
        return {
            "device": self.a.name,
            "seed": self.a.seed,
            "tunnels": self.a.tunnels,
            "dead_peers": self.a.dead_peers,
            "bump": self.a.bump,
            "ike_table": not self.a.no_ike_table,
            "hc": not self.a.no_hc,
            "local_address": LOCAL_ADDR,
            "varbinds": len(self.rows),
            "globals": glob,
            "peers": out,
        }


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Generate a simulated Cisco ASA (.snmprec).",
        epilog="See the module docstring for the data model.")
    ap.add_argument("--tunnels", type=int, default=10,
                    help="number of configured L2L peers (default 10)")
    ap.add_argument("--seed", default="1",
                    help="random seed (default 1)")
    ap.add_argument("--name", default="asa-sim", help="sysName.0")
    ap.add_argument("--dead-peers", type=int, default=0, metavar="K",
                    help="the last K peers are down (in no table)")
    ap.add_argument("--no-ike-table", action="store_true",
                    help="omit cikeTunnelTable (empty on some ASAs)")
    ap.add_argument("--no-hc", action="store_true",
                    help="omit all Counter64 (Hc*) objects")
    ap.add_argument("--no-sa-fails", type=int, default=42, metavar="V",
                    help="cipSecGlobalNoSaFails.0 (default 42)")
    ap.add_argument("--bump", type=int, default=0, metavar="K",
                    help="add K to every counter (a later poll)")
    ap.add_argument("--peers", default="", metavar="A,B,...",
                    help="IPv4 addresses of the first peers (the rest "
                    "are numbered from 198.18.0.1)")
    ap.add_argument("-o", "--output", metavar="FILE",
                    help="write the .snmprec here (default stdout, "
                    "unless --summary)")
    ap.add_argument("--summary", action="store_true",
                    help="write the ground truth as JSON to stdout")
    a = ap.parse_args(argv)
    a.peers = [p for p in a.peers.split(",") if p]
    for p in a.peers:
        parts = p.split(".")
        if len(parts) != 4 or not all(x.isdigit() and int(x) < 256
                                      for x in parts):
            ap.error("--peers: '%s' is not an IPv4 address" % p)
    if not 0 <= a.tunnels <= MAX_PEERS:
        ap.error("--tunnels must be 0..%d" % MAX_PEERS)
    if not 0 <= a.dead_peers <= a.tunnels:
        ap.error("--dead-peers must be 0..--tunnels")
    if a.bump < 0 or a.no_sa_fails < 0:
        ap.error("--bump and --no-sa-fails must not be negative")
    return a


def main(argv=None):
    a = parse_args(argv)
    g = Gen(a)
    peers, glob = g.run()
    if a.output:
        with open(a.output, "w") as f:
            g.write_snmprec(f)
    elif not a.summary:
        g.write_snmprec(sys.stdout)
    if a.summary:
        json.dump(g.summary(peers, glob), sys.stdout, indent=1,
                  sort_keys=True)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
