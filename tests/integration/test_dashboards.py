"""The Grafana dashboards (dashboards/*.json, written by
scripts/dev/mk_dashboards.py):

  - every panel query runs against a real Prometheus that scraped the
    exporter over the demo lab (tests/lib/vpnlab.py: the lab plus a
    monitored pair of ASAs with an SPI mismatch and two dead devices), and
    parses and returns data; so do the variables' label queries;
  - every metric a query uses is in the README's metric reference;
  - the JSON type-checks against Grafana's published dashboard schema, the
    TypeScript types of @grafana/schema 10.4 and 11.6 (vendored in
    tests/fixtures/grafana_schema/), with Debian's tsc;
  - and a structural check of its own: panels, targets, gridPos (no
    overlap), variables, datasources, units, links, thresholds.

Grafana cannot run here: tests/lib/dashpreview.py draws each dashboard
from the same queries and chromium screenshots it (test artifacts;
VX_UPDATE_SCREENSHOTS=1 also refreshes docs/img/).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest
import urllib.parse

from vxtest import (TESTS_DIR, TmpDirTest, http_get, main, need_binary,
                    wait_until)

ROOT = os.path.dirname(TESTS_DIR)
DASH_DIR = os.path.join(ROOT, "dashboards")
SCHEMA_DIR = os.path.join(TESTS_DIR, "fixtures", "grafana_schema")
OVERVIEW, DEVICE = "vpn-overview.json", "vpn-device.json"
DEVICE_UID = "vpn-exporter-device"
GRID_COLUMNS = 24

# PromQL words that are not metric names.
FUNCTIONS = {"abs", "absent", "avg", "avg_over_time", "bottomk", "ceil",
             "changes", "clamp_min", "clamp_max", "count", "count_over_time",
             "delta", "deriv", "floor", "histogram_quantile", "increase",
             "irate", "label_replace", "last_over_time", "max",
             "max_over_time", "min", "min_over_time", "quantile", "rate",
             "resets", "round", "scalar", "sort", "sort_desc", "sum",
             "sum_over_time", "time", "timestamp", "topk", "vector"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right"}
UNITS = {"timeseries", "stat", "bargauge"}


def load(name):
    with open(os.path.join(DASH_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def panels(d):
    return [p for p in d["panels"] if p["type"] != "row"]


def targets(d):
    for p in panels(d):
        for t in p["targets"]:
            yield p, t


def metrics_of(expr):
    """The metric names a PromQL expression reads."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}", "", e)
    e = re.sub(r"\[[^\]]*\]", "", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*"
               r"\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        tok = m.group(0)
        if tok in KEYWORDS:
            continue
        if e[m.end():].lstrip().startswith("("):
            if tok not in FUNCTIONS:
                raise AssertionError(f"unknown function {tok} in {expr}")
            continue
        names.add(tok)
    return names


def readme_metrics():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n## Metrics\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`(\w+)`", line.split("|")[1]))
    return names


def walk(obj, path=""):
    """Every (path, key, value) of a JSON document."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield path, k, v
            yield from walk(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, f"{path}[{i}]")


class Static(unittest.TestCase):
    def setUp(self):
        self.dash = {OVERVIEW: load(OVERVIEW), DEVICE: load(DEVICE)}

    def test_generated(self):
        """The JSON is what scripts/dev/mk_dashboards.py writes."""
        r = subprocess.run([sys.executable, os.path.join(
            ROOT, "scripts", "dev", "mk_dashboards.py"), "--check"],
            capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_metrics_are_documented(self):
        documented = readme_metrics()
        self.assertIn("vpn_spi_mismatch", documented)
        self.assertIn("process_resident_memory_bytes", documented)
        used = set()
        for name, d in self.dash.items():
            for p, t in targets(d):
                for m in metrics_of(t["expr"]):
                    self.assertIn(m, documented, f"{name}: panel "
                                  f"'{p['title']}' uses {m}, which the "
                                  "README's metric reference lacks")
                    used.add(m)
        # The test sees what the dashboards read.
        for m in ("vpn_invalid_spi_packets_total", "vpn_ipsec_sa_info",
                  "vpn_alert_threshold", "vpn_dropped_packets_total"):
            self.assertIn(m, used)
        self.assertEqual(metrics_of('sum(rate(x_total{a="b"}[5m])) by (c)'
                                    ' > on (d) group_left () y'),
                         {"x_total", "y"})

    def test_structure(self):
        for name, d in self.dash.items():
            with self.subTest(dashboard=name):
                self.check_dashboard(name, d)
        ov, dev = self.dash[OVERVIEW], self.dash[DEVICE]
        self.assertEqual(dev["uid"], DEVICE_UID)
        # The overview links to the drill-down: at the top, and from the
        # rows of its tables and the series of its graphs.
        self.assertTrue(any(DEVICE_UID in link["url"]
                            for link in ov["links"]))
        data_links = [link["url"] for p in panels(ov)
                      for link in p["fieldConfig"]["defaults"].get(
                          "links", [])]
        self.assertGreaterEqual(len(data_links), 8)
        for url in data_links:
            self.assertIn(f"/d/{DEVICE_UID}/", url)
            self.assertIn("var-device=", url)
            self.assertIn("${datasource:queryparam}", url)
        self.assertTrue(any(ov["uid"] in link["url"]
                            for link in dev["links"]))

    def check_dashboard(self, name, d):
        self.assertGreaterEqual(d["schemaVersion"], 39)
        self.assertTrue(d["uid"] and d["title"])
        self.assertIn("vpn_exporter", d["tags"])
        variables = {v["name"]: v for v in d["templating"]["list"]}
        ds = variables["datasource"]
        self.assertEqual((ds["type"], ds["query"]),
                         ("datasource", "prometheus"))
        self.assertEqual(variables["device"]["type"], "query")
        if name == DEVICE:
            self.assertEqual(variables["tunnel"]["type"], "query")
            self.assertIn("$device", variables["tunnel"]["query"])
        # No datasource UID anywhere but the variable (and Grafana's own
        # built-in annotations).
        for path, key, value in walk(d):
            if key == "datasource" and isinstance(value, dict):
                self.assertIn(value["uid"], ("${datasource}",
                                             "-- Grafana --"), path)
            if key == "uid" and ".datasource" in path:
                self.assertIn(value, ("${datasource}", "-- Grafana --"))
        ids = [p["id"] for p in d["panels"]]
        self.assertEqual(len(ids), len(set(ids)), "duplicate panel ids")
        boxes = []
        units = set()
        for p in d["panels"]:
            g = p["gridPos"]
            for k in ("x", "y", "w", "h"):
                self.assertIsInstance(g[k], int, p["title"])
            self.assertTrue(g["w"] > 0 and g["h"] > 0 and g["x"] >= 0 and
                            g["x"] + g["w"] <= GRID_COLUMNS, p["title"])
            for other, og in boxes:
                overlap = (g["x"] < og["x"] + og["w"] and
                           og["x"] < g["x"] + g["w"] and
                           g["y"] < og["y"] + og["h"] and
                           og["y"] < g["y"] + g["h"])
                self.assertFalse(overlap, f"'{p['title']}' overlaps "
                                 f"'{other}'")
            boxes.append((p["title"], g))
            if p["type"] == "row":
                continue
            self.assertTrue(p["title"] and p.get("description"))
            self.assertEqual(p["datasource"]["uid"], "${datasource}")
            refs = [t["refId"] for t in p["targets"]]
            self.assertTrue(refs, p["title"])
            self.assertEqual(len(refs), len(set(refs)), p["title"])
            for t in p["targets"]:
                self.assertTrue(t["expr"].strip(), p["title"])
                for var in re.findall(r"\$\{?([A-Za-z_]\w*)",
                                         t["expr"]):
                    self.assertTrue(var in variables or
                                    var in ("__rate_interval", "__range"),
                                    f"{p['title']}: unknown ${var}")
            if p["type"] in UNITS:
                unit = p["fieldConfig"]["defaults"].get("unit")
                self.assertTrue(unit, f"{p['title']} has no unit")
                units.add(unit)
            for o in p["fieldConfig"].get("overrides", []):
                for prop in o["properties"]:
                    if prop["id"] == "unit":
                        units.add(prop["value"])
        self.assertTrue({"pps", "s"} <= units, units)
        if name == DEVICE:
            self.assertTrue({"Bps"} <= units, units)
        else:
            self.assertIn("bytes", units)
        # Thresholds come from the exporter's own thresholds.
        self.assertTrue(any("vpn_alert_threshold" in t["expr"]
                            for _, t in targets(d)))

    def test_schema(self):
        """tsc type-checks the dashboards (and each panel's options and
        each query) against @grafana/schema 10.4 and 11.6."""
        tsc = need_binary("tsc")
        work = os.environ.get("VX_TMP") or "/tmp"
        for version in sorted(os.listdir(SCHEMA_DIR)):
            src = os.path.join(SCHEMA_DIR, version)
            if not os.path.isdir(src):
                continue
            with self.subTest(grafana=version):
                d = os.path.join(work, f"vx-grafana-schema-{os.getpid()}-"
                                 f"{version}")
                shutil.rmtree(d, ignore_errors=True)
                os.makedirs(d)
                try:
                    check = schema_project(src, d, self.dash)
                    r = subprocess.run([tsc, "-p", d], capture_output=True,
                                       text=True, timeout=180)
                    self.assertEqual(r.returncode, 0,
                                     f"{version}:\n{r.stdout}{r.stderr}")
                    self.assertGreater(check, 50)
                finally:
                    shutil.rmtree(d, ignore_errors=True)


# Grafana's generated types declare string enums, which a JSON literal
# cannot satisfy in TypeScript ("absolute" is not ThresholdsMode.Absolute),
# while the JSON Grafana reads carries the values: each enum becomes the
# union of its values, and Enum.Member references the member's value.
ENUM = re.compile(r"export declare enum (\w+) \{([^}]*)\}")
PANEL_TYPES = {"timeseries": "TimeSeries", "stat": "Stat",
               "table": "Table", "state-timeline": "StateTimeline",
               "bargauge": "BarGauge"}


def schema_project(src, dest, dashboards):
    """Writes a tsc project in dest checking dashboards against the
    types in src; returns how many values it checks."""
    enums = {}
    texts = {}
    for f in os.listdir(src):
        with open(os.path.join(src, f), encoding="utf-8") as fh:
            texts[f] = fh.read()

    def unenum(m):
        members = re.findall(r"(\w+)\s*=\s*(\"[^\"]*\"|-?\d+)", m.group(2))
        enums[m.group(1)] = dict(members)
        return (f"export type {m.group(1)} = "
                f"{' | '.join(v for _, v in members)};")

    for f in texts:
        texts[f] = ENUM.sub(unenum, texts[f])
    for f, t in texts.items():
        for name, members in enums.items():
            for k, v in members.items():
                t = re.sub(rf"\b(?:\w+\.)?{name}\.{k}\b", v, t)
        t = t.replace("from '@grafana/schema'", "from './common.gen'")
        with open(os.path.join(dest, f), "w", encoding="utf-8") as fh:
            fh.write(t)
    lines = ["import { Dashboard } from './dashboard_types.gen';"]
    for kind in PANEL_TYPES.values():
        lines.append(f"import * as {kind} from "
                     f"'./{kind}PanelCfg_types.gen';")
    has_query = "PrometheusDataQuery_types.gen.d.ts" in texts
    if has_query:
        lines.append("import { PrometheusDataQuery } from "
                     "'./PrometheusDataQuery_types.gen';")
    n = 0
    for i, d in enumerate(dashboards.values()):
        lines.append(f"export const d{i}: Dashboard = {json.dumps(d)};")
        n += 1
        for p in panels(d):
            kind = PANEL_TYPES[p["type"]]
            tag = f"{i}_{p['id']}"
            lines.append(f"export const o{tag}: Partial<{kind}.Options> = "
                         f"{json.dumps(p['options'])};")
            custom = p["fieldConfig"]["defaults"].get("custom")
            if custom is not None:
                lines.append(f"export const c{tag}: Partial<{kind}."
                             f"FieldConfig> = {json.dumps(custom)};")
                n += 1
            n += 1
            for k, t in enumerate(p["targets"] if has_query else []):
                lines.append(f"export const q{tag}_{k}: PrometheusDataQuery"
                             f" = {json.dumps(t)};")
                n += 1
    with open(os.path.join(dest, "check.ts"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(dest, "tsconfig.json"), "w") as f:
        json.dump({"compilerOptions": {
            "strict": True, "noEmit": True, "target": "es2017",
            "module": "commonjs", "moduleResolution": "node",
            "skipLibCheck": False, "types": []},
            "files": ["check.ts"]}, f)
    return n


class Live(TmpDirTest):
    """The queries against Prometheus scraping the lab."""

    def query(self, expr, instant, start, end):
        if instant:
            params = {"query": expr, "time": end}
            path = "/api/v1/query"
        else:
            params = {"query": expr, "start": start, "end": end, "step": 5}
            path = "/api/v1/query_range"
        status, _, body = http_get(self.prom.url + path + "?" +
                                   urllib.parse.urlencode(params))
        data = json.loads(body)
        self.assertEqual((status, data["status"]), (200, "success"),
                         f"{expr}: {data.get('error')}")
        return data["data"]["result"]

    def answers(self, d, bindings, start, end):
        """{(panel, refId): [number of series per binding]}."""
        from dashpreview import substitute
        out = {}
        for p, t in targets(d):
            counts = []
            for b in bindings:
                expr = substitute(t["expr"], b, rng="5m")
                res = self.query(expr, t.get("instant", False), start, end)
                counts.append(sum(1 for r in res
                                  if r.get("values") or r.get("value")))
            out[(p["title"], t["refId"])] = counts
        return out

    def test_queries_return_data(self):
        from browser import Chromium, keep_artifact
        from dashpreview import page_size, render
        from promstack import Prometheus
        from vpnlab import VpnLab

        lab = self.track(VpnLab(self.workdir))
        host = lab.url.split("//", 1)[1]
        self.prom = self.track(Prometheus(
            self.workdir, [{"job_name": "vpn_exporter",
                            "static_configs": [{"targets": [host]}]}], []))
        dash = {OVERVIEW: load(OVERVIEW), DEVICE: load(DEVICE)}
        bindings = {
            OVERVIEW: [{"device": ".*"}, {"device": "hq|branch-ok"}],
            DEVICE: [{"device": "hq", "tunnel": ".*"},
                     {"device": "asa-par1", "tunnel": ".*"},
                     {"device": "branch-bad", "tunnel": "192.0.2.201"}],
        }
        t0 = time.time()
        # Enough data for the pictures to show lines; more for the
        # README's (VX_DASHBOARD_WARMUP=900).
        warmup = float(os.environ.get("VX_DASHBOARD_WARMUP", "10"))

        def all_answer():
            end = time.time()
            missing = []
            for name, d in dash.items():
                got = self.answers(d, bindings[name], t0 - 60, end)
                missing += [(name, k, v) for k, v in got.items()
                            if not any(v)]
            self.missing = missing
            return not missing and end - t0 >= warmup
        try:
            wait_until(all_answer, timeout=150 + warmup, interval=3,
                       what="data for every panel query")
        except AssertionError:
            self.fail(f"queries without data: {self.missing}")

        # The variables' queries.
        for q, match in (("label_values(vpn_up, device)", "vpn_up"),
                         ('label_values(vpn_tunnel_up{device="hq"}, '
                          'tunnel)', 'vpn_tunnel_up{device="hq"}')):
            label = q.rsplit(",", 1)[1].strip(" )")
            status, _, body = http_get(
                f"{self.prom.url}/api/v1/label/{label}/values?" +
                urllib.parse.urlencode({"match[]": match}))
            values = json.loads(body)["data"]
            self.assertIn("hq" if label == "device" else "198.51.100.130",
                          values, q)

        # The stand-in pictures.
        browser = Chromium(self.workdir)
        end = time.time()
        for name, variables in ((OVERVIEW, {"device": ".*"}),
                                (DEVICE, {"device": "hq",
                                          "tunnel": ".*"})):
            d = dash[name]
            page = os.path.join(self.workdir, name.replace(".json",
                                                           ".html"))
            with open(page, "w", encoding="utf-8") as f:
                f.write(render(d, self.prom.url,
                               {"datasource": "Prometheus", **variables},
                               max(t0, end - 900), end,
                               step=max(5, int((end - t0) / 120))))
            png = page.replace(".html", ".png")
            w, h = page_size(d)
            self.assertEqual(browser.screenshot("file://" + page, png, w,
                                                h), (w, h))
            self.assertGreater(os.path.getsize(png), 30000)
            keep_artifact(png, "dashboard-" + os.path.basename(png))


if __name__ == "__main__":
    main()
