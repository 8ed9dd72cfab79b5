"""The status page in a real browser: Debian's chromium, headless, loads
/status over the demo lab, to which the test adds a monitored pair of
ASAs (hq with branch-ok, whose SPIs agree, and branch-bad, after a
one-sided rekey) and two devices whose names hold markup.  It checks
that tunnels, both ends' SPIs and the mismatch flag are shown, that the
names render as text, and saves screenshots (the work directory, and
$VX_BUILD_DIR/artifacts/)."""

import html.parser
import json
import os

from browser import Chromium, keep_artifact
from vpnlab import HOSTILE, VpnLab
from vxtest import TmpDirTest, main, wait_until


def spi(v):
    return "0x%08x" % v


class Tables(html.parser.HTMLParser):
    """The rows of each <table class=...>, as lists of cell texts (a <br>
    is a newline)."""

    def __init__(self):
        super().__init__()
        self.tables, self.cur, self.row, self.cell = {}, None, None, None
        self.body_attrs, self.scripts = {}, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body_attrs = a
        elif tag == "script":
            self.scripts += 1
        elif tag == "table":
            self.cur = self.tables.setdefault(a.get("class", ""), [])
        elif tag == "tr" and self.cur is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.cur.append(self.row)
            self.row = None
        elif tag == "table":
            self.cur = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def parse(dom):
    p = Tables()
    p.feed(dom)
    return p


def rows_of(tables, kind):
    """Rows of the devices or tunnels table as dicts by header."""
    rows = tables[kind]
    head = [h.replace("\u25b2", "").replace("\u25bc", "").strip()
            for h in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:]]


class StatusPage(TmpDirTest):
    def status_json(self, query=""):
        status, hdrs, body = self.lab.get("/status.json" + query)
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["content-type"], "application/json")
        return json.loads(body)

    def settled(self):
        """The pair is polled, the mismatch outlasted its grace, and hq's
        invalid-SPI rate has two polls."""
        d = self.status_json()
        tun = {(t["device"], t["peer"]): t for t in d["tunnels"]}
        dev = {x["name"]: x for x in d["devices"]}
        bad = tun.get(("hq", "198.51.100.130"))
        ok = tun.get(("hq", "198.51.100.120"))
        return (bad is not None and bad["spi"] == "mismatch" and
                ok is not None and ok["spi"] == "match" and
                all(dev[h]["state"] == "down" for h in HOSTILE) and
                dev["hq"]["invalid_spi"]["per_s"] is not None) and d

    def test_status_page(self):
        self.lab = self.track(VpnLab(self.workdir))
        d = wait_until(self.settled, timeout=90, interval=1,
                       what="the pair's mismatch and two polls of hq")
        hq = {p["peer"]: p["tunnels"][0]
              for p in self.lab.truth["hq"]["peers"]}
        ok_sa, bad_sa = hq["198.51.100.120"], hq["198.51.100.130"]
        bad_out = self.lab.truth["branch-bad"]["peers"][0]["tunnels"][0][
            "spi_out_active"]
        self.check_json(d, ok_sa, bad_sa, bad_out)
        self.check_landing()
        self.check_probe_pairs()

        browser = Chromium(self.workdir)
        dom = browser.dump_dom(self.lab.url + "/status?sort=spi")
        with open(os.path.join(self.workdir, "status-dom.html"), "w") as f:
            f.write(dom)    # kept with the work directory on failure
        page = parse(dom)
        # No markup came from a name: no script ran, none was added.
        self.assertEqual(page.scripts, 0)
        self.assertNotIn("data-pwned", page.body_attrs)
        devices = {r["Device"]: r for r in rows_of(page.tables, "devices")}
        for name in HOSTILE:
            self.assertIn(name, devices)
            self.assertEqual(devices[name]["State"], "down")
            self.assertIn("timeout", devices[name]["Last error"])
        self.assertIn("/s over", devices["hq"]["Invalid SPI/s"])
        self.assertEqual(devices["hq"]["SPI mismatches"], "1")

        tunnels = rows_of(page.tables, "tunnels")
        by = {(r["Device"], r["Peer"]): r for r in tunnels}
        # Sorted by SPI agreement: the two ends of the mismatch first.
        self.assertEqual({(r["Device"], r["Peer"]) for r in tunnels[:2]},
                         {("hq", "198.51.100.130"),
                          ("branch-bad", "192.0.2.201")})
        row = by[("hq", "198.51.100.130")]
        self.assertEqual(row["SPIs"].split("\n")[0], "MISMATCH")
        self.assertEqual(row["SPI in"], spi(bad_sa["spi_in_active"]))
        self.assertEqual(row["SPI out"], spi(bad_sa["spi_out_active"]))
        self.assertTrue(row["Other end"].startswith("branch-bad"))
        self.assertEqual(row["Its SPI in"], spi(bad_sa["spi_out_active"]))
        self.assertEqual(row["Its SPI out"], spi(bad_out))
        row = by[("hq", "198.51.100.120")]
        self.assertEqual(row["SPIs"], "match")
        self.assertEqual(row["Its SPI in"], spi(ok_sa["spi_out_active"]))
        self.assertEqual(row["Its SPI out"], spi(ok_sa["spi_in_active"]))
        self.assertEqual(by[("asa-par1", "203.0.113.9")]["Other end"],
                         "not monitored")
        self.assertEqual(by[("asa-fra1", "198.18.0.8")]["State"], "down")
        self.assertGreaterEqual(len(tunnels), 8 + 24 + 4 + 3 + 4)

        # Filtered by device (on the server: the page as served).
        status, _, body = self.lab.get("/status?device=branch")
        page = parse(body.decode())
        self.assertEqual(sorted(r["Device"] for r in
                                rows_of(page.tables, "tunnels")),
                         ["branch-bad", "branch-ok"])
        self.assertEqual(len(rows_of(page.tables, "devices")), 2)

        # A screenshot as the test's artifact; the README's second one
        # only when refreshing them (each Chromium run costs seconds).
        shots = [("status.png", "?sort=spi", 1200)]
        if os.environ.get("VX_UPDATE_SCREENSHOTS") == "1":
            shots.append(("status-hq.png", "?device=hq", 460))
        for name, query, height in shots:
            path = os.path.join(self.workdir, name)
            w, h = browser.screenshot(self.lab.url + "/status" + query,
                                      path, 1600, height)
            self.assertEqual((w, h), (1600, height))
            self.assertGreater(os.path.getsize(path), 20000)
            keep_artifact(path, name)

    def check_json(self, d, ok_sa, bad_sa, bad_out):
        tun = {(t["device"], t["peer"]): t for t in d["tunnels"]}
        bad = tun[("hq", "198.51.100.130")]
        self.assertTrue(bad["mismatch"])
        self.assertEqual(bad["sas"][0]["spi_in"], spi(bad_sa["spi_in_active"]))
        self.assertEqual(bad["other_end"]["device"], "branch-bad")
        self.assertEqual(bad["other_end"]["sas"][0]["spi_out"], spi(bad_out))
        self.assertIsInstance(bad["differ_since_ms"], int)
        ok = tun[("hq", "198.51.100.120")]
        self.assertIs(ok["mismatch"], False)
        self.assertEqual(ok["other_end"]["sas"][0]["spi_in"],
                         spi(ok_sa["spi_out_active"]))
        self.assertIsNone(tun[("asa-par1", "203.0.113.9")]["other_end"])
        self.assertIsNone(tun[("asa-par1", "203.0.113.9")]["mismatch"])
        dev = {x["name"]: x for x in d["devices"]}
        # The names round-trip exactly through JSON.
        for name in HOSTILE:
            self.assertEqual(dev[name]["state"], "down")
            self.assertEqual(dev[name]["runs"][0]["reason"], "timeout")
        # hq's invalid-SPI counter rises (30 packets/s); asa-fra1's too,
        # which has had one poll or more.
        samples = dev["hq"]["invalid_spi"]["samples"]
        self.assertGreaterEqual(len(samples), 2)
        self.assertGreater(samples[-1]["value"], samples[0]["value"])
        self.assertGreater(dev["hq"]["invalid_spi"]["per_s"], 5)
        self.assertGreaterEqual(len(dev["asa-fra1"]["invalid_spi"]
                                    ["samples"]), 1)
        self.assertEqual(dev["asa-par1"]["collectors"], ["cisco_asa_ssh", "syslog"])
        # ?device= filters the JSON too; scripts get every tunnel.
        f = self.status_json("?device=BRANCH")
        self.assertEqual(sorted(x["name"] for x in f["devices"]),
                         ["branch-bad", "branch-ok"])
        self.assertEqual(f["tunnels_matched"], len(f["tunnels"]))

    def spi_mismatch(self, path, device):
        """The vpn_spi_mismatch samples of device in the answer to path."""
        status, _, body = self.lab.get(path)
        self.assertEqual(status, 200)
        return sorted(line for line in body.decode().splitlines()
                      if line.startswith(
                          f'vpn_spi_mismatch{{device="{device}",'))

    def check_probe_pairs(self):
        """/probe of one device finds the other ends of its tunnels as
        /metrics does (through the table's index of local addresses,
        not every device): the same vpn_spi_mismatch samples."""
        for device, peer, want in (("hq", "198.51.100.130", " 1"),
                                   ("hq", "198.51.100.120", " 0"),
                                   ("branch-bad", "192.0.2.201", " 1"),
                                   ("branch-ok", "192.0.2.201", " 0")):
            probe = self.spi_mismatch(f"/probe?target={device}", device)
            self.assertEqual(probe, self.spi_mismatch("/metrics", device))
            line = [x for x in probe if f'peer="{peer}"' in x]
            self.assertEqual(len(line), 1, probe)
            self.assertTrue(line[0].endswith(want), line[0])

    def check_landing(self):
        status, hdrs, body = self.lab.get("/")
        self.assertEqual(status, 200)
        self.assertIn(b'href="status"', body)
        self.assertIn(b'<a href="status?device=hq">hq</a>', body)
        self.assertIn(b'href="status?device=%3Cscript%3Ealert%281%29%3C%2F'
                      b'script%3E">&lt;script&gt;', body)
        status, hdrs, body = self.lab.get("/status?refresh=30")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["content-type"], "text/html; charset=utf-8")
        self.assertIn(b'<meta http-equiv="refresh" content="30">', body)
        # Self-contained: no external resource of any kind.
        for ref in (b"<link", b"<script", b"src=\"http", b"url(http"):
            self.assertNotIn(ref, body)
        status, _, body = self.lab.get("/status", method="POST", data=b"")
        self.assertEqual(status, 405)


if __name__ == "__main__":
    main()
