"""A Juniper SRX (Junos) as the emulators and the SNMP generator see it:
a JSON scenario in, the replies of the three requests the collectors send
out -- as NETCONF/REST XML and as CLI text -- and the ground truth.

Scenario (every key optional):

  hostname        "srx-lab"
  user            the login shown in the CLI prompt ("monitor")
  nodes           ["node0", "node1"]: a chassis cluster; every tunnel and
                  IKE SA then has a "node" (default the first)
  tunnels         [{"name": "vpn-fra1", "index": 131073,
                    "peer": "192.0.2.11", "local": "198.51.100.1",
                    "state": "up" | "down", "mon": "-" | "U" | "D" | "V",
                    "port": 500 | 4500, "ike": "IKEv2" | "IKEv1",
                    "iface": "st0.1", "node": "node0",
                    "sas": [{"in": "4ef526a8", "out": "cb151b04",
                             "life": 2473, "kb": null}, ...]}]
                  two "sas" entries: a rekey in progress
  generate        {"tunnels": N, "node": null}: N more tunnels, up, one SA
                  pair each, peers 10.x.y.z (for benchmarks)
  ike             [{"peer": ..., "state": "UP" | "DOWN", "role":
                    "initiator", "local": ..., "life": 27000,
                    "version": "IKEv2", "node": ...}]; default: one per
                  tunnel, UP when the tunnel is up
  stats           {"enc_bytes": .., "dec_bytes": .., "enc_pkts": ..,
                   "dec_pkts": .., "auth": .., "decrypt": .., "replay": ..,
                   "bad_headers": .., "bad_trailers": ..,
                   "invalid_spi": N | null}; null: a release without the
                  "Invalid SPI:" line.  On a cluster, {"node0": {...},
                  "node1": {...}}.
  invalid_spi_step  N: every statistics request shows Invalid SPI N higher
                  than the one before (counted in the state directory)
  ike_configured, ipsec_configured   false: "error: IKE is not configured"
  broken          {"ipsec_sa" | "ike_sa" | "stats": "malformed" | "stall"}:
                  that reply is cut in the middle of its XML, or stalls
                  half-way for "stall_seconds" (default 600)
  base11          false: the NETCONF server offers base:1.0 only

Python 3 standard library only.
"""

import fcntl
import json
import os
from xml.sax.saxutils import escape

RELEASE = "24.2R1"
NS_BASE = "urn:ietf:params:xml:ns:netconf:base:1.0"
NS_JUNOS = f"http://xml.juniper.net/junos/{RELEASE}/junos"

STAT_KEYS = [
    # (scenario key, text label, section)
    ("enc_bytes", "Encrypted bytes", "ESP"),
    ("dec_bytes", "Decrypted bytes", "ESP"),
    ("enc_pkts", "Encrypted packets", "ESP"),
    ("dec_pkts", "Decrypted packets", "ESP"),
]


def load(path):
    with open(path) as f:
        return json.load(f)


class Srx:
    def __init__(self, sc, state=None):
        self.sc = sc
        self.state = state
        self.nodes = sc.get("nodes") or None
        self.tunnels = []
        for t in sc.get("tunnels", []):
            t = dict(t)
            if self.nodes:
                t.setdefault("node", self.nodes[0])
            self.tunnels.append(t)
        gen = sc.get("generate") or {}
        for i in range(int(gen.get("tunnels", 0))):
            n = 200000 + i
            self.tunnels.append({
                "name": f"vpn-{i:05d}", "index": n,
                "peer": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                "local": "198.51.100.1", "state": "up", "mon": "-",
                "port": 500, "ike": "IKEv2", "iface": f"st0.{i}",
                "node": gen.get("node") or (self.nodes[0] if self.nodes
                                            else None),
                "sas": [{"in": f"{(0x10000000 + 2 * i):08x}",
                         "out": f"{(0x20000000 + 2 * i):08x}",
                         "life": 3600 - i % 3000, "kb": None}]})
        self.ike = sc.get("ike")
        if self.ike is None:
            self.ike = [{"peer": t["peer"],
                         "state": "UP" if t.get("state", "up") == "up"
                         else "DOWN",
                         "role": "initiator", "local": t.get("local", ""),
                         "life": 27000, "version": t.get("ike", "IKEv2"),
                         "node": t.get("node")} for t in self.tunnels]

    # Helpers.

    def hostname(self):
        return self.sc.get("hostname", "srx-lab")

    def node_list(self):
        return self.nodes or [None]

    def configured(self, what):
        return self.sc.get(f"{what}_configured", True)

    def count_call(self, name):
        """Calls of a request so far (across sessions), then one more."""
        if self.state is None:
            return 0
        path = os.path.join(self.state, name + ".calls")
        with open(path, "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            calls = int(f.read().strip() or 0)
            f.seek(0)
            f.truncate()
            f.write(f"{calls + 1}\n")
        return calls

    def stats_of(self, node, calls):
        st = self.sc.get("stats") or {}
        if self.nodes:
            st = st.get(node, {})
        st = dict(st)
        st.setdefault("invalid_spi", 0)
        step = int(self.sc.get("invalid_spi_step", 0))
        if st["invalid_spi"] is not None and step and node in (
                None, self.node_list()[0]):
            st["invalid_spi"] += step * calls
        return st

    # Replies: XML payloads.

    def not_configured_xml(self, what):
        daemon = "iked" if what == "IKE" else "kmd"
        return ("<xnm:error xmlns=\"http://xml.juniper.net/netconf/junos/"
                "1.0\" xmlns:xnm=\"http://xml.juniper.net/xnm/1.1/xnm\">\n"
                f"<source-daemon>{daemon}</source-daemon>\n"
                f"<message>error: {what} is not configured</message>\n"
                "</xnm:error>\n")

    def ipsec_xml(self, node):
        ts = [t for t in self.tunnels if t.get("node") == node]
        up = [t for t in ts if t.get("state", "up") == "up"]
        out = ["<ipsec-security-associations-information "
               "junos:style=\"detail\">\n",
               f"<total-active-tunnels>\n{len(up)}\n"
               "</total-active-tunnels>\n",
               f"<total-ipsec-sas>\n{sum(len(t.get('sas', [])) for t in up)}"
               "\n</total-ipsec-sas>\n"]
        for t in ts:
            out.append(self.block_xml(t))
        out.append("</ipsec-security-associations-information>\n")
        return "".join(out)

    def block_xml(self, t):
        e = escape
        st = t.get("state", "up")
        o = ["<ipsec-security-associations-block>\n",
             f"<sa-block-state>\n{st}\n</sa-block-state>\n",
             f"<sa-tunnel-index>\n{t['index']}\n</sa-tunnel-index>\n",
             "<sa-virtual-system>\nroot\n</sa-virtual-system>\n",
             f"<sa-vpn-name>\n{e(t['name'])}\n</sa-vpn-name>\n",
             f"<sa-local-gateway>\n{e(t.get('local', ''))}\n"
             "</sa-local-gateway>\n",
             f"<sa-remote-gateway>\n{e(t['peer'])}\n</sa-remote-gateway>\n",
             f"<sa-ike-version>\n{t.get('ike', 'IKEv2')}\n</sa-ike-version>\n",
             "<sa-df-bit-policy-name>\n"
             f"<sa-bind-interface>\n{e(t.get('iface', 'st0.0'))}\n"
             "</sa-bind-interface>\n</sa-df-bit-policy-name>\n"]
        sas = t.get("sas", []) if st == "up" else [
            {"in": "00000000", "out": "00000000", "life": 0, "kb": None}]
        for sa in sas:
            for d, spi in (("inbound", sa["in"]), ("outbound", sa["out"])):
                kb = sa.get("kb")
                o.append(
                    "<ipsec-security-associations>\n"
                    f"<sa-direction>\n{d}\n</sa-direction>\n"
                    f"<sa-tunnel-index>\n{t['index']}\n</sa-tunnel-index>\n"
                    f"<sa-spi>\n{spi}\n</sa-spi>\n"
                    "<sa-aux-spi>\n0\n</sa-aux-spi>\n"
                    f"<sa-remote-gateway>\n{e(t['peer'])}\n"
                    "</sa-remote-gateway>\n"
                    f"<sa-port>\n{t.get('port', 500)}\n</sa-port>\n"
                    f"<sa-vpn-monitoring-state>\n{t.get('mon', '-')}\n"
                    "</sa-vpn-monitoring-state>\n"
                    "<sa-protocol>\nESP\n</sa-protocol>\n"
                    f"<sa-hard-lifetime>\nExpires in {sa.get('life', 0)} "
                    "seconds\n</sa-hard-lifetime>\n"
                    f"<sa-lifesize-remaining>\n"
                    f"{'Unlimited' if kb is None else kb}\n"
                    "</sa-lifesize-remaining>\n"
                    "<sa-mode>\nTunnel(0 0)\n</sa-mode>\n"
                    "<sa-state>\ninstalled\n</sa-state>\n"
                    "</ipsec-security-associations>\n")
        o.append("</ipsec-security-associations-block>\n")
        return "".join(o)

    def ike_xml(self, node):
        out = ["<ike-security-associations-information "
               "junos:style=\"detail\">\n"]
        for k in self.ike:
            if k.get("node") != node:
                continue
            out.append(
                "<ike-security-associations-block>\n"
                f"<ike-sa-remote-address>\n{escape(k['peer'])}\n"
                "</ike-sa-remote-address>\n"
                "<ike-security-associations>\n"
                f"<ike-sa-role>\n{k.get('role', 'initiator')}\n"
                "</ike-sa-role>\n"
                f"<ike-sa-state>\n{k.get('state', 'UP')}\n</ike-sa-state>\n"
                f"<ike-sa-exchange-type>\n{k.get('version', 'IKEv2')}\n"
                "</ike-sa-exchange-type>\n"
                f"<ike-sa-local-address>\n{escape(k.get('local', ''))}\n"
                "</ike-sa-local-address>\n"
                f"<ike-sa-lifetime>\nExpires in {k.get('life', 27000)} "
                "seconds\n</ike-sa-lifetime>\n"
                "</ike-security-associations>\n"
                "</ike-security-associations-block>\n")
        out.append("</ike-security-associations-information>\n")
        return "".join(out)

    # Replies: CLI text.

    def stats_text(self, node, calls):
        st = self.stats_of(node, calls)
        g = lambda k: st.get(k, 0)  # noqa: E731
        lines = ["ESP Statistics:"]
        for key, label, _ in STAT_KEYS:
            lines.append(f"  {label + ':':20s}{g(key):>14}")
        lines += ["AH Statistics:", "  Input bytes:                    0",
                  "  Output bytes:                   0",
                  "  Input packets:                  0",
                  "  Output packets:                 0",
                  "Errors:",
                  f"  AH authentication failures: 0, Replay errors: "
                  f"{g('replay')}",
                  f"  ESP authentication failures: {g('auth')}, "
                  f"ESP decryption failures: {g('decrypt')}",
                  f"  Bad headers: {g('bad_headers')}, Bad trailers: "
                  f"{g('bad_trailers')}"]
        if st["invalid_spi"] is not None:
            lines += [f"  Invalid SPI: {st['invalid_spi']}, TS check fail: 0",
                      "  Exceeds tunnel MTU: 0", "  Discarded: 0"]
        return "\n".join(lines) + "\n"

    def ipsec_text(self, node, detail):
        ts = [t for t in self.tunnels if t.get("node") == node]
        up = [t for t in ts if t.get("state", "up") == "up"]
        if detail:
            out = []
            for t in up:
                out.append(
                    f"ID: {t['index']} Virtual-system: root, VPN Name: "
                    f"{t['name']}\n"
                    f"  Local Gateway: {t.get('local', '')}, Remote Gateway: "
                    f"{t['peer']}\n"
                    f"  Version: {t.get('ike', 'IKEv2')}\n"
                    "  DF-bit: clear, Copy-Outer-DSCP: Disabled, "
                    f"Bind-interface: {t.get('iface', 'st0.0')}\n"
                    f"  Port: {t.get('port', 500)}, Nego#: 0, Fail#: 0, "
                    "Def-Del#: 0 Flag: 0\n")
                for sa in t.get("sas", []):
                    for d, spi in (("inbound", sa["in"]),
                                   ("outbound", sa["out"])):
                        out.append(
                            f"  Direction: {d}, SPI: 0x{spi}, AUX-SPI: 0\n"
                            "                              , VPN Monitoring: "
                            f"{t.get('mon', '-')}\n"
                            f"    Hard lifetime: Expires in "
                            f"{sa.get('life', 0)} seconds\n"
                            "    Lifesize Remaining:  Unlimited\n"
                            "    Mode: Tunnel(0 0), Type: dynamic, State: "
                            "installed\n")
                out.append("\n")
            return "".join(out)
        nsas = sum(2 * len(t.get("sas", [])) for t in up)
        out = [f"  Total active tunnels: {len(up)}     Total IPsec sas: "
               f"{nsas}\n",
               "  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port"
               "  Gateway   \n"]
        for t in up:
            for sa in t.get("sas", []):
                for d, spi in (("<", sa["in"]), (">", sa["out"])):
                    out.append(f"  {d}{t['index']} ESP:aes-gcm-256/None "
                               f"{spi} {sa.get('life', 0)}/ unlim "
                               f"{t.get('mon', '-')} root "
                               f"{t.get('port', 500)} {t['peer']} \n")
        return "".join(out)

    def ike_text(self, node, detail):
        ks = [k for k in self.ike if k.get("node") == node]
        if detail:
            out = []
            for i, k in enumerate(ks):
                out.append(
                    f"IKE peer {k['peer']}, Index {3128619 + i}, Gateway "
                    f"Name: gw-{i}\n"
                    f"  Role: {k.get('role', 'initiator').capitalize()}, "
                    f"State: {k.get('state', 'UP')}\n"
                    f"  Exchange type: {k.get('version', 'IKEv2')}, "
                    "Authentication method: Pre-shared-keys\n"
                    f"  Local: {k.get('local', '')}:500, Remote: "
                    f"{k['peer']}:500\n"
                    f"  Lifetime: Expires in {k.get('life', 27000)} "
                    "seconds\n\n")
            return "".join(out)
        out = ["Index   State  Initiator cookie  Responder cookie  Mode"
               "           Remote Address\n"]
        for i, k in enumerate(ks):
            out.append(f"{3128619 + i} {k.get('state', 'UP'):6s} "
                       "f8e88716124475b0  8b2be098e20e317e  "
                       f"{k.get('version', 'IKEv2'):14s} {k['peer']}\n")
        return "".join(out)

    # The requests.

    def text(self, what, detail=False):
        """CLI text of a show command ("ipsec_sa", "ike_sa", "stats");
        None when the feature is not configured (the CLI's error)."""
        if what == "ike_sa" and not self.configured("ike"):
            return "error: IKE is not configured\n"
        if what == "ipsec_sa" and not self.configured("ipsec"):
            return "error: IPSec is not configured\n"
        calls = self.count_call("stats") if what == "stats" else 0
        parts = []
        for node in self.node_list():
            if what == "stats":
                body = self.stats_text(node, calls)
            elif what == "ipsec_sa":
                body = self.ipsec_text(node, detail)
            else:
                body = self.ike_text(node, detail)
            if node is not None:
                body = f"{node}:\n{'-' * 74}\n{body}\n"
            parts.append(body)
        return "".join(parts)

    def xml(self, what):
        """The reply's content (inside <rpc-reply>) for a request."""
        if what == "ike_sa" and not self.configured("ike"):
            return self.not_configured_xml("IKE")
        if what == "ipsec_sa" and not self.configured("ipsec"):
            return self.not_configured_xml("IPSec")
        calls = self.count_call("stats") if what == "stats" else 0
        items = []
        for node in self.node_list():
            if what == "stats":
                body = ("<output>\n" + escape(self.stats_text(node, calls))
                        + "</output>\n")
            elif what == "ipsec_sa":
                body = self.ipsec_xml(node)
            else:
                body = self.ike_xml(node)
            if node is not None:
                body = ("<multi-routing-engine-item>\n"
                        f"<re-name>{node}</re-name>\n{body}"
                        "</multi-routing-engine-item>\n")
            items.append(body)
        if self.nodes:
            return ("<multi-routing-engine-results>\n" + "".join(items) +
                    "</multi-routing-engine-results>\n")
        return "".join(items)

    # Ground truth, as a perfect exporter would report it.

    def truth(self):
        tun = {}
        for t in self.tunnels:
            up = t.get("state", "up") == "up" and t.get("mon") != "D"
            sas = t.get("sas", []) if t.get("state", "up") == "up" else []
            best = max(sas, key=lambda s: s.get("life", 0)) if sas else None
            tun[(t.get("node"), t["name"], t["peer"])] = {
                "up": up, "spis": [(int(s["in"], 16), int(s["out"], 16))
                                   for s in sas],
                "active": (int(best["in"], 16), int(best["out"], 16))
                if best else None,
                "life": best.get("life") if best else None,
                "nat_t": t.get("port", 500) == 4500}
        return {"tunnels": tun}
