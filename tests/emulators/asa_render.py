"""Renderers of asa_model.py: a modelled ASA's state as the ASA 9.x text of
the show commands vpn_exporter runs, and as a .snmprec of the
CISCO-IPSEC-FLOW-MONITOR-MIB / CISCO-REMOTE-ACCESS-MONITOR-MIB objects it
reads.

The text follows tests/fixtures/asa_cli/lab (itself modelled on recorded
ASA output, see tests/fixtures/asa_cli/SOURCES.md) line for line: same
keys, same columns, same blank lines.  The snmprec has the OIDs, tags and
row shapes of gen_asa_snmprec.py.

Python 3 standard library only.
"""

import time

from asa_model import US, asp_reasons, device_truth, end_totals

M32 = 1 << 32
M64 = 1 << 64
IKE_LIFETIME = 86400

COMMANDS = ("show asp drop", "show crypto ipsec sa", "show crypto ikev1 sa",
            "show crypto isakmp sa", "show crypto ikev2 sa",
            "show vpn-sessiondb detail l2l",
            "show asp table vpn-context detail", "show version")


def render(world, dev, command, epoch=None):
    """The text dev prints for command (one of COMMANDS), lines ending in
    LF, at the world's time; dates count from epoch (wall time of t = 0)."""
    fn = {
        "show asp drop": asp_drop,
        "show crypto ipsec sa": ipsec_sa,
        "show crypto ikev1 sa": ikev1_sa,
        "show crypto isakmp sa": ikev1_sa,
        "show crypto ikev2 sa": ikev2_sa,
        "show vpn-sessiondb detail l2l": sessiondb,
        "show asp table vpn-context detail": vpn_context,
        "show version": version,
    }.get(" ".join(command.split()))
    if fn is None:
        raise ValueError("no renderer for %r (known: %s)"
                         % (command, ", ".join(COMMANDS)))
    base = world.epoch if epoch is None else float(epoch)
    lines = fn(world, dev, base)
    return "".join(ln + "\n" for ln in lines)


# -- helpers ------------------------------------------------------------------


def up_ends(dev):
    return [e for e in dev.ends if e.tunnel.up]


def selectors(end, ci):
    ch = end.tunnel.children[ci]
    return (ch.local, ch.remote) if end.k == 0 else (ch.remote, ch.local)


def net_mask(cidr):
    net, _, plen = cidr.partition("/")
    n = int(plen or 32)
    m = (M32 - 1) ^ ((1 << (32 - n)) - 1)
    return net, ".".join(str(m >> s & 255) for s in (24, 16, 8, 0))


def net_last(cidr):
    net, _, plen = cidr.partition("/")
    n = int(plen or 32)
    a = 0
    for x in net.split("."):
        a = a << 8 | int(x)
    a |= (1 << (32 - n)) - 1
    return ".".join(str(a >> s & 255) for s in (24, 16, 8, 0))


def role(end):
    r = end.tunnel.role
    if end.k == 1:
        r = "responder" if r == "initiator" else "initiator"
    return r


def secs(world, since_us):
    return max(0, (world.now - since_us) // US)


def ike_active(world, end):
    return secs(world, end.ike_start) % IKE_LIFETIME


def wall(epoch, world, t_us, fmt):
    return time.strftime(fmt, time.gmtime(epoch + t_us / US))


def kv2(k1, v1, k2, v2, indent=""):
    return "%s%-13s: %-24s%-13s: %s" % (indent, k1, v1, k2, v2)


def sa_life(world, end, ci, sa, direction):
    ch = end.tunnel.children[ci]
    age = secs(world, sa.created)
    used = (sa.inn if direction == "in" else sa.out).value() * ch.bpp
    return max(0, ch.life_kb - used // 1024), max(0, ch.life_s - age)


# -- show asp drop ------------------------------------------------------------


def drop_line(desc, kw, n):
    text = "  %s (%s)" % (desc, kw)
    count = str(n)
    return text + " " * max(1, 80 - len(text) - len(count)) + count


def asp_drop(world, dev, epoch):
    tr = device_truth(world, dev)
    counts = asp_reasons(dev, world.now, tr["invalid_spi"]["asp"])
    if dev.asp_cleared is None:
        cleared = "Never"
    else:
        cleared = wall(epoch, world, dev.asp_cleared,
                       "%H:%M:%S UTC %b {d} %Y by enable_15").format(
            d=int(wall(epoch, world, dev.asp_cleared, "%d")))
    out = []
    for sec, title in (("frame", "Frame drop:"), ("flow", "Flow drop:")):
        rows = [(d, kw) for s, kw, d, _b, _r in dev.drop_spec if s == sec]
        if sec == "frame":
            rows.insert(min(2, len(rows)), ("Invalid SPI",
                                            "np-sp-invalid-spi"))
        if out:
            out.append("")
        out.append(title)
        for desc, kw in rows:
            n = counts[sec].get(kw, 0)
            if n > 0:               # the ASA omits zero counters
                out.append(drop_line(desc, kw, n))
        out += ["", "Last clearing: " + cleared]
    return out


# -- show crypto ipsec sa -----------------------------------------------------


def sa_block(world, end, ci, sa, direction):
    tun = end.tunnel
    spi = sa.spi_in if direction == "in" else sa.spi_out
    kb, left = sa_life(world, end, ci, sa, direction)
    natt = " NAT-T-Encaps," if tun.nat_t else ""
    if direction == "in" and sa.inn.value() >= 64:
        bitmap = "0xFFFFFFFF 0xFFFFFFFF"
    else:
        bitmap = "0x00000000 0x00000001"
    return [
        "      spi: 0x%08X (%d)" % (spi, spi),
        "         SA State: active",
        "         transform: esp-aes-256 esp-sha-hmac no compression",
        "         in use settings ={L2L, Tunnel, %s IKEv%d, }"
        % (natt, tun.ike) if natt else
        "         in use settings ={L2L, Tunnel, IKEv%d, }" % tun.ike,
        "         slot: 0, conn_id: %d, crypto-map: outside_map" % sa.conn,
        "         sa timing: remaining key lifetime (kB/sec): (%d/%d)"
        % (kb, left),
        "         IV size: 16 bytes",
        "         replay detection support: Y",
        "         Anti replay bitmap: ",
        "          " + bitmap,
    ]


def ipsec_bundle(world, dev, end, ci):
    tun = end.tunnel
    side = end.sides[ci]
    cur = side.cur
    local, remote = selectors(end, ci)
    ln, lm = net_mask(local)
    rn, rm = net_mask(remote)
    enc, dec = cur.pkts_out(), cur.pkts_in()
    port = 4500 if tun.nat_t else 500
    out = [
        "",
        "      access-list outside_cryptomap_%d extended permit ip %s %s %s %s"
        % (tun.seq, ln, lm, rn, rm),
        "      local ident (addr/mask/prot/port): (%s/%s/0/0)" % (ln, lm),
        "      remote ident (addr/mask/prot/port): (%s/%s/0/0)" % (rn, rm),
        "      current_peer: %s" % end.peer_addr,
        "",
        "",
        "      #pkts encaps: %d, #pkts encrypt: %d, #pkts digest: %d"
        % (enc, enc, enc),
        "      #pkts decaps: %d, #pkts decrypt: %d, #pkts verify: %d"
        % (dec, dec, dec),
        "      #pkts compressed: 0, #pkts decompressed: 0",
        "      #pkts not compressed: %d, #pkts comp failed: 0, "
        "#pkts decomp failed: 0" % enc,
        "      #pre-frag successes: 0, #pre-frag failures: 0, "
        "#fragments created: 0",
        "      #PMTUs sent: 0, #PMTUs rcvd: 0, "
        "#decapsulated frgs needing reassembly: 0",
        "      #TFC rcvd: 0, #TFC sent: 0",
        "      #Valid ICMP Errors rcvd: 0, #Invalid ICMP Errors rcvd: 0",
        "      #send errors: 0, #recv errors: 0",
        "",
        "      local crypto endpt.: %s/%d, remote crypto endpt.: %s/%d"
        % (end.addr, port, end.peer_addr, port),
        "      path mtu 1500, ipsec overhead %s, media mtu 1500"
        % ("82(52)" if tun.nat_t else "74(44)"),
        "      PMTU time remaining (sec): 0, DF policy: copy-df",
        "      ICMP error validation: disabled, TFC packets: disabled",
        "      current outbound spi: %08X" % cur.spi_out,
        "      current inbound spi : %08X" % cur.spi_in,
        "",
        "    inbound esp sas:",
    ]
    for sa in side.sas():
        out += sa_block(world, end, ci, sa, "in")
    out.append("    outbound esp sas:")
    for sa in side.sas():
        out += sa_block(world, end, ci, sa, "out")
    return out


def ipsec_sa(world, dev, epoch):
    ends = up_ends(dev)
    if not ends:
        return ["There are no ipsec sas"]
    out = ["interface: %s" % dev.interface]
    for n, e in enumerate(ends):
        if n:
            out.append("")
        out.append("    Crypto map tag: outside_map, seq num: %d, local addr: "
                   "%s" % (e.tunnel.seq, dev.address))
        for ci in range(len(e.sides)):
            out += ipsec_bundle(world, dev, e, ci)
    return out


# -- IKE ----------------------------------------------------------------------


def ikev1_sa(world, dev, epoch):
    ends = [e for e in up_ends(dev) if e.tunnel.ike == 1]
    if not ends:
        return ["There are no IKEv1 SAs"]
    out = ["IKEv1 SAs:", "",
           "   Active SA: %d" % len(ends),
           "    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA "
           "during rekey)",
           "Total IKE SA: %d" % len(ends), ""]
    for n, e in enumerate(ends, 1):
        out += ["%-4dIKE Peer: %s" % (n, e.peer_addr),
                "    Type    : L2L             Role    : %s" % role(e),
                "    Rekey   : no              State   : MM_ACTIVE"]
    return out


def ikev2_sa(world, dev, epoch):
    ends = [e for e in up_ends(dev) if e.tunnel.ike == 2]
    if not ends:
        return ["There are no IKEv2 SAs"]
    out = ["", "IKEv2 SAs:"]
    for e in ends:
        tun = e.tunnel
        port = 4500 if tun.nat_t else 500
        out += ["",
                "Session-id:%d, Status:UP-ACTIVE, IKE count:1, CHILD count:%d"
                % (e.sess_idx, len(e.sides)), "",
                "Tunnel-id Local%sRemote%sStatus         Role"
                % (" " * 47, " " * 50),
                "%9d %-52s%-57s%-9s%s" % (
                    41970000 + 37 * e.ike_idx, "%s/%d" % (e.addr, port),
                    "%s/%d" % (e.peer_addr, port), "READY",
                    role(e).upper()),
                "      Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, "
                "Auth sign: PSK, Auth verify: PSK",
                "      Life/Active Time: %d/%d sec"
                % (IKE_LIFETIME, ike_active(world, e))]
        for ci, side in enumerate(e.sides):
            local, remote = selectors(e, ci)
            out += ["Child sa: local selector  %s/0 - %s/65535"
                    % (local.split("/")[0], net_last(local)),
                    "          remote selector %s/0 - %s/65535"
                    % (remote.split("/")[0], net_last(remote)),
                    "          ESP spi in/out: 0x%08x/0x%08x"
                    % (side.cur.spi_in, side.cur.spi_out)]
    return out


# -- show vpn-sessiondb detail l2l --------------------------------------------


def duration(s):
    d, s = divmod(int(s), 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return ("%dd " % d if d else "") + "%dh:%02dm:%02ds" % (h, m, s)


def sessiondb(world, dev, epoch):
    ends = up_ends(dev)
    if not ends:
        return ["INFO: There are presently no active sessions"]
    out = ["Session Type: LAN-to-LAN Detailed"]
    for e in ends:
        tun = e.tunnel
        ike = "IKEv%d" % tun.ike
        ips = "IPsecOverNatT" if tun.nat_t else "IPsec"
        proto = "%s IPsec%s" % (ike, " IPsecOverNatT" if tun.nat_t else "")
        hashing = "SHA1" if tun.ike == 1 else "SHA256"
        n = len(e.sides)
        _tot, sess = end_totals(e)
        login = wall(epoch, world, e.sess_start, "%H:%M:%S UTC %a %b {d} %Y")
        login = login.format(d=int(wall(epoch, world, e.sess_start, "%d")))
        port = 4500 if tun.nat_t else 500
        out += ["",
                "Connection   : %s" % e.peer_addr,
                kv2("Index", e.sess_idx, "IP Addr", e.peer_addr),
                "Protocol     : %s" % proto,
                "Encryption   : %s: (1)AES256  %s: (%d)AES256" % (ike, ips, n),
                "Hashing      : %s: (1)%s  %s: (%d)%s"
                % (ike, hashing, ips, n, hashing),
                kv2("Bytes Tx", sess["bytes_out"], "Bytes Rx",
                    sess["bytes_in"]),
                "Login Time   : %s" % login,
                "Duration     : %s" % duration(secs(world, e.sess_start)),
                "",
                "%s Tunnels: 1" % ike,
                "%s Tunnels: %d" % (ips, n),
                "",
                "%s:" % ike,
                "  Tunnel ID    : %d.1" % e.sess_idx,
                kv2("UDP Src Port", port, "UDP Dst Port", port, "  ")]
        left = IKE_LIFETIME - ike_active(world, e)
        if tun.ike == 1:
            out += [kv2("IKE Neg Mode", "Main", "Auth Mode",
                        "preSharedKeys", "  "),
                    kv2("Encryption", "AES256", "Hashing", "SHA1", "  "),
                    kv2("Rekey Int (T)", "%d Seconds" % IKE_LIFETIME,
                        "Rekey Left(T)", "%d Seconds" % left, "  "),
                    "  D/H Group    : 14"]
        else:
            out += ["  Rem Auth Mode: preSharedKeys",
                    "  Loc Auth Mode: preSharedKeys",
                    kv2("Encryption", "AES256", "Hashing", "SHA256", "  "),
                    kv2("Rekey Int (T)", "%d Seconds" % IKE_LIFETIME,
                        "Rekey Left(T)", "%d Seconds" % left, "  "),
                    kv2("PRF", "SHA256", "D/H Group", "14", "  ")]
        out.append("  Filter Name  : ")
        for ci, side in enumerate(e.sides):
            ch = tun.children[ci]
            cur = side.cur
            local, remote = selectors(e, ci)
            kb_in, left_s = sa_life(world, e, ci, cur, "in")
            kb_out, _ = sa_life(world, e, ci, cur, "out")
            out += ["",
                    "%s:" % ips,
                    "  Tunnel ID    : %d.%d" % (e.sess_idx, ci + 2),
                    "  Local Addr   : %s/%s/0/0" % net_mask(local),
                    "  Remote Addr  : %s/%s/0/0" % net_mask(remote),
                    kv2("Encryption", "AES256", "Hashing", hashing, "  "),
                    kv2("Encapsulation", "Tunnel", "PFS Group", "14", "  "),
                    kv2("Rekey Int (T)", "%d Seconds" % ch.life_s,
                        "Rekey Left(T)", "%d Seconds" % left_s, "  "),
                    kv2("Rekey Int (D)", "%d K-Bytes" % ch.life_kb,
                        "Rekey Left(D)", "%d K-Bytes" % min(kb_in, kb_out),
                        "  "),
                    kv2("Idle Time Out", "30 Minutes", "Idle TO Left",
                        "29 Minutes", "  ")]
            cs = e.child_totals(ci)
            out += [kv2("Bytes Tx", cs["bytes_out"], "Bytes Rx",
                        cs["bytes_in"], "  "),
                    kv2("Pkts Tx", cs["pkts_out"], "Pkts Rx", cs["pkts_in"],
                        "  ")]
    return out


# -- show asp table vpn-context detail ----------------------------------------


def vpn_context(world, dev, epoch):
    out = []
    for e in up_ends(dev):
        flag = "+NATT" if e.tunnel.nat_t else ""
        for ci, side in enumerate(e.sides):
            for sa in side.sas():
                for decr in (True, False):
                    spi = sa.spi_in if decr else sa.spi_out
                    h = spi * 2654435761 % M32
                    bad = sa.bad.value() if decr else 0
                    if out:
                        out.append("")
                    out += [
                        "VPN CTX  = 0x%08X" % (0x01000000 | h >> 8),
                        "",
                        "Peer IP  = %s" % e.peer_addr,
                        "Pointer  = 0x%08X" % (0xCC000000 | (h & 0xFFFFFF)),
                        "State    = UP",
                        "Flags    = %s+ESP%s" % ("DECR" if decr else "ENCR",
                                                 flag),
                        "SA   = 0x%08X" % (0x0D000000 | (h >> 4 & 0xFFFFFF)),
                        "SPI  = 0x%08X" % spi,
                        "Group    = 1",
                        "Pkts     = %d" % (sa.pkts_in() if decr
                                           else sa.pkts_out()),
                        "Bad Pkts = %d" % bad,
                        "Bad SPI  = %d" % bad,
                        "Spoof    = 0",
                        "Bad Crypto = 0",
                        "Rekey Pkt  = 0",
                        "Rekey Call = 0",
                        "VPN Filter = <none>",
                    ]
    return out


# -- show version -------------------------------------------------------------


def uptime_text(s):
    d, s = divmod(int(s), 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)

    def unit(n, word):
        return "%d %s%s" % (n, word, "" if n == 1 else "s")

    if d:
        return "%s %s" % (unit(d, "day"), unit(h, "hour"))
    if h:
        return "%s %s" % (unit(h, "hour"), unit(m, "min"))
    if m:
        return "%s %s" % (unit(m, "min"), unit(s, "sec"))
    return unit(s, "sec")


def version(world, dev, epoch):
    v = dev.version
    return [
        "Cisco Adaptive Security Appliance Software Version %s" % v,
        "SSP Operating System Version 2.10(1.162)",
        "Device Manager Version 7.18(1)",
        "",
        "Compiled on Thu 14-Jul-22 10:24 GMT by builders",
        'System image file is "disk0:/asa%s-lfbff-k8.SPA"'
        % v.replace(".", "-").replace("(", "-").replace(")", ""),
        'Config file at boot was "startup-config"',
        "",
        "%s up %s" % (dev.hostname,
                      uptime_text(dev.uptime_us(world.now) // US)),
        "",
        "Hardware:   ASA5506, 4096 MB RAM, CPU Atom C2000 series 1250 MHz, "
        "1 CPU (4 cores)",
    ]


# -- snmprec ------------------------------------------------------------------

MIB = "1.3.6.1.4.1.9.9.171.1"
CIKE_GLOBAL = MIB + ".2.1"
CIKE_TUN = MIB + ".2.3.1"
CIPSEC_GLOBAL = MIB + ".3.1"
CIPSEC_TUN = MIB + ".3.2.1"
CIPSEC_ENDPT = MIB + ".3.3.1"
CIPSEC_SPI = MIB + ".3.4.1"
CRAS_ACTIVITY = "1.3.6.1.4.1.9.9.392.1.3"

# snmprec tags (the decimal BER tag; 'x': a hex value).
INT, STR, HEX, OID, C32, G32, TT, C64 = ("2", "4", "4x", "6", "65", "66",
                                         "67", "70")


def ip_hex(addr):
    return "".join("%02x" % int(x) for x in addr.split("."))


class Rec:
    def __init__(self):
        self.rows = []

    def add(self, oid, tag, value):
        self.rows.append((tuple(int(x) for x in oid.split(".")), tag,
                          str(value)))

    def text(self):
        self.rows.sort(key=lambda r: r[0])
        return "".join("%s|%s|%s\n" % (".".join(map(str, o)), t, v)
                       for o, t, v in self.rows)


def snmprec(world, dev):
    """dev's CISCO-IPSEC-FLOW-MONITOR-MIB and CISCO-REMOTE-ACCESS-MONITOR-MIB
    objects (and the system group) as snmpsim .snmprec text, sorted."""
    r = Rec()
    now = world.now
    ends = up_ends(dev)
    r.add("1.3.6.1.2.1.1.1.0", STR,
          "Cisco Adaptive Security Appliance Version %s" % dev.version)
    r.add("1.3.6.1.2.1.1.2.0", OID, "1.3.6.1.4.1.9.1.2313")
    r.add("1.3.6.1.2.1.1.3.0", TT, dev.uptime_us(now) * 100 // US % M32)
    r.add("1.3.6.1.2.1.1.5.0", STR, dev.hostname)
    rows = 0
    expired = 0
    for e in dev.ends:
        expired += e.rekeys
    for e in ends:
        ike_row(r, world, dev, e)
        for ci, side in enumerate(e.sides):
            ipsec_row(r, world, dev, e, ci, side)
            rows += 1
    glob(r, world, dev, ends, rows, expired)
    return r.text()


def ike_row(r, world, dev, e):
    x = e.ike_idx

    def col(c, tag, v):
        r.add("%s.%d.%d" % (CIKE_TUN, c, x), tag, v)

    col(2, INT, 1)                          # LocalType ipAddrPeer
    col(3, STR, e.addr)                     # LocalValue
    col(4, HEX, ip_hex(e.addr))             # LocalAddr
    col(5, STR, "")                         # LocalName
    col(6, INT, 1)                          # RemoteType ipAddrPeer
    col(7, STR, e.peer_addr)                # RemoteValue
    col(8, HEX, ip_hex(e.peer_addr))        # RemoteAddr
    col(9, STR, "")                         # RemoteName
    col(10, INT, 1)                         # NegoMode main
    col(11, INT, 3)                         # DiffHellmanGrp
    col(12, INT, 3)                         # EncryptAlgo
    col(13, INT, 3)                         # HashAlgo
    col(14, INT, 2)                         # AuthMethod preSharedKey
    col(15, INT, IKE_LIFETIME)              # LifeTime (s)
    col(16, INT, ike_active(world, e) * 100)  # ActiveTime (1/100 s)
    col(17, INT, IKE_LIFETIME * 9 // 10)    # SaRefreshThreshold
    col(18, C32, secs(world, e.ike_start) // IKE_LIFETIME % M32)
    # IKE traffic: a keepalive every 10 s and a phase-2 exchange per rekey.
    age = secs(world, e.ike_start)
    p2 = e.rekeys + len(e.sides)
    vals = [age // 10 * 92 + p2 * 380, age // 10 + p2 * 2, 0, age // 10,
            p2, 0, 0, p2, age // 10 * 92 + p2 * 380, age // 10 + p2 * 2, 0,
            age // 10, p2, 0, 0, p2]
    for c, v in enumerate(vals, start=19):
        col(c, C32, v % M32)
    col(35, INT, 1)                         # Status active


def ipsec_row(r, world, dev, e, ci, side):
    cur = side.cur
    t = cur.idx
    ch = e.tunnel.children[ci]
    pin, pout = cur.pkts_in(), cur.pkts_out()
    hin, hout = pin * ch.bpp % M64, pout * ch.bpp % M64
    local, remote = selectors(e, ci)

    def col(c, tag, v):
        r.add("%s.%d.%d" % (CIPSEC_TUN, c, t), tag, v)

    col(2, INT, e.ike_idx)                  # IkeTunnelIndex
    col(3, INT, 1)                          # IkeTunnelAlive true
    col(4, HEX, ip_hex(e.addr))             # LocalAddr
    col(5, HEX, ip_hex(e.peer_addr))        # RemoteAddr
    col(6, INT, 1)                          # KeyType ike
    col(7, INT, 1)                          # EncapMode tunnel
    col(8, INT, ch.life_kb)                 # LifeSize (KB)
    col(9, INT, ch.life_s)                  # LifeTime (s)
    col(10, INT, secs(world, cur.created) * 100)  # ActiveTime (1/100 s)
    col(11, INT, ch.life_kb * 9 // 10)      # SaLifeSizeThreshold (KB)
    col(12, INT, ch.life_s * 9 // 10)       # SaLifeTimeThreshold (s)
    col(13, C32, e.rekeys % M32)            # TotalRefreshes
    col(14, C32, e.rekeys % M32)            # ExpiredSaInstances
    col(15, G32, 2 * len(side.sas()))       # CurrentSaInstances
    for c, v in ((16, 1), (17, 3), (18, 1), (19, 3), (20, 1), (21, 1),
                 (22, 3), (23, 1), (24, 3), (25, 1)):
        col(c, INT, v)                      # algorithms
    col(26, C32, hin % M32)                 # InOctets
    col(27, C64, hin)                       # HcInOctets
    col(28, C32, (hin >> 32) % M32)         # InOctWraps
    col(29, C32, hin % M32)                 # InDecompOctets
    col(30, C64, hin)                       # HcInDecompOctets
    col(31, C32, (hin >> 32) % M32)         # InDecompOctWraps
    col(32, C32, pin % M32)                 # InPkts
    col(33, C32, 0)                         # InDropPkts
    col(34, C32, 0)                         # InReplayDropPkts
    col(35, C32, pin % M32)                 # InAuths
    col(36, C32, 0)                         # InAuthFails
    col(37, C32, pin % M32)                 # InDecrypts
    col(38, C32, 0)                         # InDecryptFails
    col(39, C32, hout % M32)                # OutOctets
    col(40, C64, hout)                      # HcOutOctets
    col(41, C32, (hout >> 32) % M32)        # OutOctWraps
    col(42, C32, hout % M32)                # OutUncompOctets
    col(43, C64, hout)                      # HcOutUncompOctets
    col(44, C32, (hout >> 32) % M32)        # OutUncompOctWraps
    col(45, C32, pout % M32)                # OutPkts
    col(46, C32, 0)                         # OutDropPkts
    col(47, C32, pout % M32)                # OutAuths
    col(48, C32, 0)                         # OutAuthFails
    col(49, C32, pout % M32)                # OutEncrypts
    col(50, C32, 0)                         # OutEncryptFails
    col(51, INT, 1)                         # Status active

    ln, lm = net_mask(local)
    rn, rm = net_mask(remote)
    for c, tag, v in ((2, STR, ""), (3, INT, 3), (4, HEX, ip_hex(ln)),
                      (5, HEX, ip_hex(lm)), (6, INT, 0), (7, INT, 0),
                      (8, STR, ""), (9, INT, 3), (10, HEX, ip_hex(rn)),
                      (11, HEX, ip_hex(rm)), (12, INT, 0), (13, INT, 0)):
        r.add("%s.%d.%d.1" % (CIPSEC_ENDPT, c, t), tag, v)

    spis = [(1, cur.spi_in, 1), (2, cur.spi_out, 1)]
    for sa in side.old:
        spis += [(1, sa.spi_in, 2), (2, sa.spi_out, 2)]
    for idx, (direction, value, status) in enumerate(spis, 1):
        base = "%s.%%d.%d.%d" % (CIPSEC_SPI, t, idx)
        r.add(base % 2, INT, direction)     # Direction in(1)/out(2)
        r.add(base % 3, G32, value)         # Value
        r.add(base % 4, INT, 2)             # Protocol esp
        r.add(base % 5, INT, status)        # Status active/expiring


def glob(r, world, dev, ends, rows, expired):
    tr = device_truth(world, dev)
    live = len(ends)
    # IPsec globals: everything since boot, gone SAs included.
    tot = dict.fromkeys(("pkts_in", "pkts_out", "bytes_in", "bytes_out"), 0)
    for e in dev.ends:
        _t, sess = end_totals(e)
        for k in tot:
            tot[k] += sess[k]
    hin, hout = tot["bytes_in"] % M64, tot["bytes_out"] % M64
    inp, outp = tot["pkts_in"] % M32, tot["pkts_out"] % M32
    nosa = tr["invalid_spi"]["no_sa_fails"] % M32
    ike = [(G32, live), (C32, 0)] + [(C32, 0)] * 16 + \
        [(C32, live), (C32, 0), (C32, 0), (C32, 0), (C32, 0), (C32, 0),
         (C32, 0), (C32, 0)]
    for c, (tag, v) in enumerate(ike, start=1):
        r.add("%s.%d.0" % (CIKE_GLOBAL, c), tag, v)
    s = {1: (G32, rows), 2: (C32, expired % M32),
         3: (C32, hin % M32), 4: (C64, hin), 5: (C32, (hin >> 32) % M32),
         6: (C32, hin % M32), 7: (C64, hin), 8: (C32, (hin >> 32) % M32),
         9: (C32, inp), 10: (C32, 0), 11: (C32, 0), 12: (C32, inp),
         13: (C32, 0), 14: (C32, inp), 15: (C32, 0),
         16: (C32, hout % M32), 17: (C64, hout),
         18: (C32, (hout >> 32) % M32), 19: (C32, hout % M32),
         20: (C64, hout), 21: (C32, (hout >> 32) % M32),
         22: (C32, outp), 23: (C32, 0), 24: (C32, outp), 25: (C32, 0),
         26: (C32, outp), 27: (C32, 0), 28: (C32, 0),
         29: (C32, nosa),                   # NoSaFails
         30: (C32, 0)}
    for c in sorted(s):
        tag, v = s[c]
        r.add("%s.%d.0" % (CIPSEC_GLOBAL, c), tag, v)
    sessions = dev.sessions
    ras = {1: (G32, live), 2: (C32, 0), 3: (G32, live),
           4: (G32, 1 if live else 0), 26: (G32, 0), 27: (C32, 0),
           28: (G32, 0), 29: (G32, live), 30: (C32, sessions % M32),
           31: (G32, len(dev.ends))}
    for c in sorted(ras):
        tag, v = ras[c]
        r.add("%s.%d.0" % (CRAS_ACTIVITY, c), tag, v)
