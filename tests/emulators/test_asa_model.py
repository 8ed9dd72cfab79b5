#!/usr/bin/env python3
"""emulators.asa_model: the ASA state model (tests/emulators/asa_model.py)
moves the way its docstring says, and what it renders is read back by the
exporter's own parsers as the model's ground truth.

The CLI text goes through 'vpn_exporter parse'; the snmprec is served by
vx_fastagent, walked with snmpbulkwalk -On and parsed with --command
snmpwalk.  Times are stepped, never waited for: a few seconds in all.

Environment: VX_BIN (vpn_exporter), VX_FASTAGENT, VX_TESTS_DIR,
PYTHONPATH=tests/lib.
"""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "lib"))
import vxtest  # noqa: E402
from vxtest import find, parse_metrics, value  # noqa: E402

sys.path.insert(0, vxtest.EMULATORS)
import asa_model  # noqa: E402
import asa_render  # noqa: E402

MODEL = os.path.join(vxtest.EMULATORS, "asa_model.py")
CLI = os.path.join(vxtest.EMULATORS, "asa_cli", "asa_cli.py")
FASTAGENT = os.environ.get("VX_FASTAGENT", "")

P7, P9, P44 = "198.51.100.7", "203.0.113.9", "192.0.2.44"

# One ASA, three peers that are not modelled.
SINGLE = {
    "seed": 11, "hostname": "asa-t", "address": "192.0.2.1",
    "tunnels": [
        {"device": "A", "peer": P7, "children": 2, "pps_in": 50,
         "pps_out": 40, "rekey": {"every": 100, "overlap": 20}, "age": 0},
        {"device": "A", "peer": P9, "ike": 2, "nat_t": True, "pps_in": 6,
         "pps_out": 9, "rekey": {"every": 150}, "age": 0},
        {"device": "A", "peer": P44, "role": "responder",
         "rekey": {"random": [80, 120], "seed": 5, "overlap": 5}},
    ],
    "events": [
        {"t": 60, "type": "one_sided_rekey", "device": "A", "peer": P9},
        {"t": 250, "type": "clear_counters", "device": "A"},
        {"t": 300, "type": "clear_asp_drop", "device": "A"},
        {"t": 320, "type": "tunnel_down", "device": "A", "peer": P44},
        {"t": 340, "type": "tunnel_up", "device": "A", "peer": P44},
        {"t": 400, "type": "reboot", "device": "A"},
    ],
}

# Two ASAs, the two ends of one tunnel (A sends 30 pkt/s, B 20 pkt/s).
PAIR = {
    "seed": 4,
    "devices": {"A": {"hostname": "asa-a", "address": "192.0.2.1"},
                "B": {"hostname": "asa-b", "address": "198.51.100.20"}},
    "tunnels": [{"device": "A", "peer": "B", "pps_out": 30, "pps_in": 20,
                 "rekey": {"every": 60, "overlap": 10}, "age": 0}],
    "events": [{"t": 150, "type": "one_sided_rekey", "device": "A",
                "peer": "B"}],
}

CLI_COMMANDS = ("show asp drop", "show crypto ipsec sa",
                "show crypto ikev1 sa", "show crypto ikev2 sa",
                "show vpn-sessiondb detail l2l",
                "show asp table vpn-context detail")


def truth(sc, t, dev="A"):
    return asa_model.world(sc, t).truth(dev)


def text(sc, t, cmd, dev="A"):
    w = asa_model.world(sc, t)
    return asa_render.render(w, w.device(dev), cmd)


def sas(tun):
    """{(spi_in, spi_out): SA truth} of a tunnel's listed SAs."""
    return {(sa["spi_in"], sa["spi_out"]): sa
            for ch in tun["children"] for sa in ch["sas"]}


def current(tun):
    return [sa for ch in tun["children"] for sa in ch["sas"]
            if sa["state"] == "active"]


def parse(command, txt):
    r = subprocess.run([vxtest.VX_BIN, "parse", "--vendor", "cisco_asa",
                        "--command", command, "-"], input=txt,
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"{command}: {r.stderr}\n{txt}")
    return parse_metrics(r.stdout)


class Model(vxtest.TmpDirTest):

    def test_deterministic(self):
        # The same scenario and time give the same bytes, in-process and
        # from separate processes of the command line.
        path = os.path.join(self.workdir, "s.json")
        with open(path, "w") as f:
            json.dump(SINGLE, f)
        t = "263.7"
        for cmd in CLI_COMMANDS + ("show version",):
            a = subprocess.run([sys.executable, MODEL, "render",
                                "--scenario", path, "--device", "A",
                                "--time", t, "--command", cmd],
                               capture_output=True, text=True, check=True)
            self.assertEqual(a.stdout, text(SINGLE, float(t), cmd), cmd)
        outs = []
        for _ in range(2):
            r = subprocess.run([sys.executable, MODEL, "snmprec",
                                "--scenario", path, "--device", "asa-t",
                                "--time", t], capture_output=True,
                               text=True, check=True)
            outs.append(r.stdout)
        self.assertEqual(outs[0], outs[1])
        r = subprocess.run([sys.executable, MODEL, "truth", "--scenario",
                            path, "--time", t], capture_output=True,
                           text=True, check=True)
        self.assertEqual(json.loads(r.stdout)["A"]["tunnels"],
                         json.loads(json.dumps(truth(SINGLE, float(t))))
                         ["tunnels"])
        # Bad scenarios are one clear line and exit 2.
        with open(path, "w") as f:
            json.dump({"tunnels": [{"device": "Z", "peer": P7}]}, f)
        r = subprocess.run([sys.executable, MODEL, "truth", "--scenario",
                            path, "--time", "1"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("tunnels[0]: unknown device 'Z'", r.stderr)

    def test_counters_move_as_documented(self):
        resets = {"sa": (250,), "total": (250, 400), "asp": (300, 400),
                  "nosa": (400,)}

        def crossed(kind, t0, t1):
            return any(t0 < r <= t1 for r in resets[kind])

        last = None
        seen_sa = {}
        for i in range(0, 460 * 4, 7):
            t = i / 4
            tr = truth(SINGLE, t)
            for peer, tun in tr["tunnels"].items():
                for key, sa in sas(tun).items():
                    prev = seen_sa.get((peer, key))
                    if prev and not crossed("sa", prev[0], t):
                        for c in ("pkts_in", "pkts_out", "bytes_in",
                                  "bytes_out", "bad_spi"):
                            self.assertGreaterEqual(
                                sa[c], prev[1][c], (t, peer, key, c))
                    seen_sa[(peer, key)] = (t, sa)
            if last:
                t0, old = last
                for peer, tun in tr["tunnels"].items():
                    for c, v in tun["total"].items():
                        if not crossed("total", t0, t):
                            self.assertGreaterEqual(
                                v, old["tunnels"][peer]["total"][c],
                                (t, peer, c))
                if not crossed("asp", t0, t):
                    self.assertGreaterEqual(tr["invalid_spi"]["asp"],
                                            old["invalid_spi"]["asp"], t)
                if not crossed("nosa", t0, t):
                    self.assertGreaterEqual(
                        tr["invalid_spi"]["no_sa_fails"],
                        old["invalid_spi"]["no_sa_fails"], t)
            last = (t, tr)
        # And the resets happen: clear_counters, clear_asp_drop, reboot.
        self.assertEqual(truth(SINGLE, 250)["tunnels"][P7]["total"]
                         ["pkts_out"], 0)
        self.assertEqual(truth(SINGLE, 300)["invalid_spi"]["asp"], 0)
        self.assertGreater(truth(SINGLE, 300)["invalid_spi"]["no_sa_fails"],
                           0)
        after = truth(SINGLE, 400)
        self.assertEqual(after["uptime_s"], 0)
        self.assertEqual(after["invalid_spi"]["no_sa_fails"], 0)
        self.assertTrue(after["tunnels"][P9]["spis_match"])  # repaired
        self.assertEqual(truth(SINGLE, 410)["uptime_s"], 10)

    def test_rekey(self):
        before, at, during, gone = (truth(SINGLE, t) for t in
                                    (99.5, 100, 110, 120))
        old = current(before["tunnels"][P7])
        new = current(at["tunnels"][P7])
        self.assertEqual(len(old), 2)
        self.assertTrue(not {(s["spi_in"], s["spi_out"]) for s in old} &
                        {(s["spi_in"], s["spi_out"]) for s in new})
        for s in new:
            self.assertEqual((s["pkts_in"], s["pkts_out"]), (0, 0))
        for s in current(during["tunnels"][P7]):
            self.assertEqual((s["pkts_in"], s["pkts_out"]), (500, 400))
            self.assertEqual(s["life_s"], 3600 - 10)
        # The old pair is listed as expiring, counters frozen, for 20 s.
        exp = [s for s in sas(during["tunnels"][P7]).values()
               if s["state"] == "expiring"]
        self.assertEqual(sorted((s["spi_in"], s["pkts_in"]) for s in exp),
                         sorted((s["spi_in"], 5000) for s in old))
        self.assertEqual(len(sas(gone["tunnels"][P7])), 2)
        # New SNMP rows; a few stragglers with the old SPIs are dropped
        # when the old SAs go (3 per child), on this peer only.
        self.assertTrue({s["index"] for s in old}.isdisjoint(
            s["index"] for s in new))
        t119 = truth(SINGLE, 119.9)["tunnels"]
        self.assertEqual(t119[P7]["invalid_spi"], 0)
        self.assertEqual(gone["tunnels"][P7]["invalid_spi"], 6)
        self.assertEqual(at["tunnels"][P7]["rekeys"], 2)
        # In the CLI and in SNMP, both SA pairs during the overlap.
        self.assertIn("current inbound spi : %08X" % int(
            new[0]["spi_in"], 16), text(SINGLE, 110, "show crypto ipsec sa"))
        rec = snmprec_rows(SINGLE, 110)
        st = {int(v) for o, v in rec.items()
              if o.startswith("1.3.6.1.4.1.9.9.171.1.3.4.1.5.%d." %
                              new[0]["index"])}
        self.assertEqual(st, {1, 2})

    def test_one_sided_rekey(self):
        a, b = truth(SINGLE, 70), truth(SINGLE, 90)
        ta, tb = a["tunnels"][P9], b["tunnels"][P9]
        self.assertFalse(tb["spis_match"])
        self.assertEqual(tb["total"]["pkts_in"], ta["total"]["pkts_in"])
        self.assertEqual(tb["total"]["pkts_out"] - ta["total"]["pkts_out"],
                         9 * 20)
        # Every packet the peer sends is dropped: 6 per second since 60.
        self.assertEqual(tb["invalid_spi"], 6 * 30)
        self.assertEqual(tb["bad_spi"], 6 * 30)
        self.assertEqual(b["invalid_spi"]["asp"],
                         sum(x["invalid_spi"] for x in b["tunnels"].values()))
        self.assertEqual(b["tunnels"][P7]["bad_spi"], 0)
        cur = current(tb)[0]
        self.assertEqual(cur["created"], 60)
        self.assertEqual(cur["pkts_in"], 0)
        # Routine rekeys wait while the ends disagree (due at 150).
        self.assertEqual(current(truth(SINGLE, 160)["tunnels"][P9]), [cur |
                         {"pkts_out": 9 * 100, "bytes_out": 9 * 100 * 800,
                          "bad_spi": 600, "life_s": 3500,
                          "life_kb_out": 4608000 - 9 * 100 * 800 // 1024}])

    def test_cli_parsed_by_exporter(self):
        for t in (45, 110, 262.5, 330, 415):
            tr = truth(SINGLE, t)
            up = {p for p, x in tr["tunnels"].items() if x["up"]}
            self.assertEqual(len(up), 2 if t == 330 else 3)

            smp = parse("show asp drop", text(SINGLE, t, "show asp drop"))
            self.assertEqual(value(smp, "vpn_invalid_spi_packets_total"),
                             tr["invalid_spi"]["asp"], t)
            for sec, counts in tr["drops"].items():
                for kw, n in counts.items():
                    if kw != "np-sp-invalid-spi":
                        self.assertEqual(find(smp, "vpn_dropped_packets_total",
                                              section=sec, reason=kw),
                                         [n] if n else [], (t, kw))

            smp = parse("show crypto ipsec sa",
                        text(SINGLE, t, "show crypto ipsec sa"))
            self.assertEqual({lb["peer"] for n, lb, _ in smp
                              if n == "vpn_tunnel_up"}, up)
            for peer in up:
                tun = tr["tunnels"][peer]
                got = {(lb["spi_in"], lb["spi_out"]) for n, lb, _ in smp
                       if n == "vpn_ipsec_sa_info" and lb["peer"] == peer}
                self.assertEqual(got, set(sas(tun)), (t, peer))
                for d in ("in", "out"):
                    self.assertEqual(
                        value(smp, "vpn_ipsec_packets_total", peer=peer,
                              direction=d),
                        sum(s["pkts_" + d] for s in current(tun)), (t, peer))
                self.assertEqual(
                    value(smp, "vpn_ipsec_sa_lifetime_remaining_seconds",
                          peer=peer),
                    min(s["life_s"] for s in current(tun)))

            smp = parse("show asp table vpn-context detail",
                        text(SINGLE, t, "show asp table vpn-context detail"))
            for peer in up:
                self.assertEqual(value(smp, "vpn_ipsec_errors_total",
                                       peer=peer, type="invalid_spi"),
                                 tr["tunnels"][peer]["bad_spi"], (t, peer))

            smp = parse("show vpn-sessiondb detail l2l",
                        text(SINGLE, t, "show vpn-sessiondb detail l2l"))
            for peer in up:
                sess = tr["tunnels"][peer]["session"]
                for d in ("in", "out"):
                    self.assertEqual(value(smp, "vpn_ipsec_bytes_total",
                                           peer=peer, direction=d),
                                     sess["bytes_" + d], (t, peer))
                    self.assertEqual(value(smp, "vpn_ipsec_packets_total",
                                           peer=peer, direction=d),
                                     sess["pkts_" + d], (t, peer))

            for v, cmd in ((1, "show crypto ikev1 sa"),
                           (2, "show crypto ikev2 sa")):
                smp = parse(cmd, text(SINGLE, t, cmd))
                want = {p for p in up if tr["tunnels"][p]["ike_version"] == v}
                self.assertEqual({lb["peer"] for n, lb, x in smp
                                  if n == "vpn_ike_sa_up" and x == 1}, want)

    def test_snmp_walked_by_exporter(self):
        if not FASTAGENT or not os.path.exists(FASTAGENT):
            vxtest.skip_or_die("VX_FASTAGENT is not set or missing")
        walk = vxtest.need_binary("snmpbulkwalk")
        # A child whose counters pass 2^32 packets and 2^32 octets.
        sc = json.loads(json.dumps(SINGLE))
        sc["tunnels"].append({"device": "A", "peer": "198.51.100.77",
                              "pps_in": 1e9, "pps_out": 2, "age": 0,
                              "bytes_per_packet": 64, "rekey": None})
        path = os.path.join(self.workdir, "a.snmprec")
        scp = os.path.join(self.workdir, "s.json")
        with open(scp, "w") as f:
            json.dump(sc, f)
        subprocess.run([sys.executable, MODEL, "snmprec", "--scenario", scp,
                        "--device", "A", "--time", "110", "-o", path],
                       check=True)
        fa = self.track(vxtest.Proc([FASTAGENT, "--listen", "127.0.0.1:0",
                                     "--data", path], "fastagent",
                                    self.workdir))
        port = vxtest.wait_until(lambda: re.search(
            r"listening on udp/127\.0\.0\.1:(\d+)", fa.log()),
            what="fastagent").group(1)

        def walked():
            r = subprocess.run([walk, "-v2c", "-c", "public", "-On",
                                "-t", "2", "-r", "1", f"127.0.0.1:{port}",
                                ".1.3.6.1"], capture_output=True, text=True,
                               check=True, timeout=60)
            return parse("snmpwalk", r.stdout)

        for t in (110, 262.5):
            if t != 110:
                subprocess.run([sys.executable, MODEL, "snmprec",
                                "--scenario", scp, "--device", "A",
                                "--time", str(t), "-o", path], check=True)
                # fastagent picks up a rewritten file by itself, at a
                # request.
                vxtest.wait_until(lambda: vxtest.udp_snmp_answers(port) and
                                  "reloaded" in fa.log(),
                                  what="fastagent reload")
            tr = asa_model.world(sc, t).truth("A")
            smp = walked()
            self.assertEqual(value(smp, "vpn_invalid_spi_packets_total"),
                             tr["invalid_spi"]["no_sa_fails"])
            for peer, tun in tr["tunnels"].items():
                got = {(lb["spi_in"], lb["spi_out"]) for n, lb, _ in smp
                       if n == "vpn_ipsec_sa_info" and lb["peer"] == peer}
                self.assertEqual(got, set(sas(tun)), (t, peer))
                for d in ("in", "out"):
                    pk = sum(s["pkts_" + d] for s in current(tun))
                    by = sum(s["bytes_" + d] for s in current(tun))
                    self.assertEqual(value(smp, "vpn_ipsec_packets_total",
                                           peer=peer, direction=d),
                                     pk % (1 << 32), (t, peer, d))
                    self.assertEqual(value(smp, "vpn_ipsec_bytes_total",
                                           peer=peer, direction=d),
                                     by, (t, peer, d))
            big = current(tr["tunnels"]["198.51.100.77"])[0]
            self.assertGreater(big["pkts_in"], 1 << 32)
            self.assertGreater(big["bytes_in"], 1 << 32)

    def test_tick(self):
        # 'tick' rewrites the file (renamed into place) at t = now - start.
        scp = os.path.join(self.workdir, "s.json")
        with open(scp, "w") as f:
            json.dump(SINGLE, f)
        out = os.path.join(self.workdir, "a.snmprec")
        start = time.time() - 100
        tick = self.track(vxtest.Proc(
            [sys.executable, MODEL, "tick", "--scenario", scp, "--device",
             "A", "--snmprec", out, "--every", "0.25", "--start",
             repr(start)], "tick", self.workdir))
        uptime = "1.3.6.1.2.1.1.3.0"

        def ticks():
            try:
                with open(out) as f:
                    rows = dict(ln.split("|")[0::2] for ln in f
                                if ln.count("|") == 2)
            except FileNotFoundError:
                return None
            return int(rows[uptime])
        first = vxtest.wait_until(ticks, what="the first snmprec")
        t0 = time.time() - start
        later = vxtest.wait_until(lambda: (ticks() or 0) > first and ticks(),
                                  what="a rewrite")
        t1 = time.time() - start
        self.assertEqual(tick.stop(), 0)
        up0 = truth(SINGLE, 0)["uptime_s"]
        for v in (first, later):
            self.assertTrue((up0 + 99) * 100 <= v <= (up0 + t1) * 100, v)
        self.assertLess(t0, t1)
        self.assertEqual(sorted(os.listdir(self.workdir)),
                         ["a.snmprec", "s.json", "tick.log"])

    def test_pair(self):
        def ends(t):
            w = asa_model.world(PAIR, t)
            a, b = w.truth("A"), w.truth("asa-b")
            return (a["tunnels"]["198.51.100.20"], b["tunnels"]["192.0.2.1"],
                    a, b)

        # A routine rekey changes both ends at once, consistently.
        for t in (59.9, 60, 130):
            ta, tb, _, _ = ends(t)
            ca, cb = current(ta)[0], current(tb)[0]
            self.assertEqual((ca["spi_in"], ca["spi_out"]),
                             (cb["spi_out"], cb["spi_in"]), t)
            self.assertTrue(ta["spis_match"] and tb["spis_match"])
        self.assertNotEqual(current(ends(59.9)[0])[0]["spi_in"],
                            current(ends(60)[0])[0]["spi_in"])
        self.assertEqual(ends(60)[0]["rekeys"], 1)
        self.assertEqual(ends(60)[1]["rekeys"], 1)
        # What A sends is what B receives, and the other way round.
        ta, tb, _, _ = ends(100)
        self.assertEqual(current(ta)[0]["pkts_out"],
                         current(tb)[0]["pkts_in"])
        self.assertEqual(current(ta)[0]["pkts_in"],
                         current(tb)[0]["pkts_out"])

        # A rekeys on its own at 150: each end drops what the other sends
        # (A at B's 20 pkt/s, B at A's 30 pkt/s); inbound stops on both.
        a1, b1, da1, db1 = ends(155)
        a2, b2, da2, db2 = ends(165)
        self.assertFalse(a2["spis_match"] or b2["spis_match"])
        ca, cb = current(a2)[0], current(b2)[0]
        self.assertNotEqual(ca["spi_out"], cb["spi_in"])
        self.assertNotEqual(ca["spi_in"], cb["spi_out"])
        self.assertEqual(da2["invalid_spi"]["asp"] -
                         da1["invalid_spi"]["asp"], 20 * 10)
        self.assertEqual(db2["invalid_spi"]["asp"] -
                         db1["invalid_spi"]["asp"], 30 * 10)
        self.assertEqual(ca["bad_spi"], 20 * 15)
        self.assertEqual(cb["bad_spi"], 30 * 15)
        for x1, x2 in ((a1, a2), (b1, b2)):
            self.assertEqual(x2["total"]["pkts_in"], x1["total"]["pkts_in"])
            self.assertGreater(x2["total"]["pkts_out"],
                               x1["total"]["pkts_out"])
        # The rendered texts of the two ends say the same, parsed.
        w = asa_model.world(PAIR, 165)
        spis = {}
        for dev in ("A", "B"):
            smp = parse("show crypto ipsec sa", asa_render.render(
                w, w.device(dev), "show crypto ipsec sa"))
            spis[dev] = {(lb["spi_in"], lb["spi_out"]) for n, lb, _ in smp
                         if n == "vpn_ipsec_sa_info"}
        self.assertEqual(spis["A"], {(ca["spi_in"], ca["spi_out"])})
        self.assertEqual(spis["B"], {(cb["spi_in"], cb["spi_out"])})

    def test_cli_emulator_model_mode(self):
        # asa_cli.py renders from the model at the clock file's time, or
        # at now - start with the wall clock.
        sdir = os.path.join(self.workdir, "scenario")
        os.makedirs(sdir)
        with open(os.path.join(sdir, "m.json"), "w") as f:
            json.dump(SINGLE, f)
        clock = os.path.join(self.workdir, "clock")

        def run(cmd, knob):
            with open(os.path.join(sdir, "scenario.json"), "w") as f:
                json.dump({"model": knob}, f)
            env = dict(os.environ, SSH_ORIGINAL_COMMAND=cmd)
            return subprocess.run([sys.executable, CLI, "--scenario", sdir],
                                  env=env, capture_output=True, text=True,
                                  check=True, timeout=30).stdout

        knob = {"scenario": "m.json", "device": "A",
                "clock": {"file": clock}}
        for t in (75, 130.5):
            with open(clock, "w") as f:
                f.write(f"{t}\n")
            for cmd in ("show asp drop", "show crypto ipsec sa"):
                self.assertEqual(run(cmd, knob).replace("\r\n", "\n"),
                                 text(SINGLE, t, cmd))
        start = time.time() - 100
        out = run("show asp drop", {"scenario": "m.json", "clock": "wall",
                                    "start": start})
        n = int(re.search(r"\(np-sp-invalid-spi\)\s+(\d+)", out).group(1))
        t = time.time() - start
        self.assertTrue(truth(SINGLE, 99)["invalid_spi"]["asp"] <= n <=
                        truth(SINGLE, t)["invalid_spi"]["asp"], n)


def snmprec_rows(sc, t):
    w = asa_model.world(sc, t)
    return dict(ln.split("|")[0::2] for ln in
                asa_render.snmprec(w, w.device("A")).splitlines())


if __name__ == "__main__":
    if not vxtest.VX_BIN or not os.path.exists(vxtest.VX_BIN):
        vxtest.skip_or_die("VX_BIN (vpn_exporter) is not built")
    vxtest.main()
