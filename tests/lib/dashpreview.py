"""A stand-in for Grafana, which cannot run here: renders a dashboard
JSON (dashboards/*.json) as one self-contained HTML page, each panel at
its gridPos, from the dashboard's own queries answered by a real
Prometheus.  Time series and state timelines become inline SVG, stats
big numbers, tables and bar gauges HTML.  It reads the panel's units,
value mappings, legends, overrides that dash threshold lines, and the
organize/merge steps of tables; it is a picture of what the queries
return, not a Grafana.

  html = render(dashboard, prom_url, {"device": ".*"}, start, end)

Chromium then takes the screenshot (tests/lib/browser.py).
"""

import html
import json
import math
import re
import urllib.parse
import urllib.request

COL_W = 60          # pixels per grid column (24 columns)
ROW_H = 34          # pixels per grid row
GAP = 6
AXIS = 62           # pixels left of a graph for the axis labels
PALETTE = ["#73bf69", "#f2cc0c", "#5794f2", "#ff780a", "#b877d9",
           "#37872d", "#fade2a", "#1f60c4", "#e02f44", "#8ab8ff",
           "#ffb357", "#ca95e5", "#96d98d", "#ff7383"]
NAMED = {"green": "#73bf69", "red": "#f2495c", "orange": "#ff9830",
         "blue": "#5794f2", "purple": "#b877d9", "yellow": "#fade2a",
         "transparent": "transparent"}
HIDDEN_LABELS = {"__name__", "job", "instance"}


def esc(s):
    return html.escape(str(s), quote=True)


def color(c):
    return NAMED.get(c, c)


def substitute(expr, variables, rate_interval="1m", rng="5m"):
    expr = expr.replace("$__rate_interval", rate_interval)
    expr = expr.replace("$__range", rng)
    for k, v in variables.items():
        expr = expr.replace("${%s}" % k, v).replace("$" + k, v)
    return expr


class Prom:
    def __init__(self, url):
        self.url = url

    def _get(self, path, params):
        url = self.url + path + "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=20) as r:
                body = json.load(r)
        except urllib.error.HTTPError as e:
            body = json.load(e)
        if body.get("status") != "success":
            raise ValueError(body.get("error", body))
        return body["data"]["result"]

    def instant(self, expr, at):
        return self._get("/api/v1/query", {"query": expr, "time": at})

    def range(self, expr, start, end, step):
        return self._get("/api/v1/query_range", {
            "query": expr, "start": start, "end": end, "step": step})


def legend_of(fmt, labels):
    if fmt in (None, "", "__auto"):
        shown = {k: v for k, v in labels.items() if k not in HIDDEN_LABELS}
        return "{" + ", ".join(f'{k}="{v}"' for k, v in shown.items()) + "}"
    return re.sub(r"\{\{\s*(\w+)\s*\}\}",
                  lambda m: labels.get(m.group(1), ""), fmt)


def si(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    a = abs(v)
    for factor, suffix in ((1e12, " T"), (1e9, " G"), (1e6, " M"),
                           (1e3, " K")):
        if a >= factor:
            return f"{v / factor:.{digits}g}{suffix}"
    return f"{v:.{digits}g}"


def fmt_value(v, unit):
    if v is None:
        return "-"
    if unit == "pps":
        return si(v) + " p/s"
    if unit == "s":
        a = abs(v)
        if a < 60:
            return f"{v:.3g} s"
        if a < 3600:
            return f"{v / 60:.3g} min"
        if a < 86400:
            return f"{v / 3600:.3g} hour"
        return f"{v / 86400:.3g} day"
    if unit == "bytes":
        for f, s in ((2 ** 30, " GiB"), (2 ** 20, " MiB"), (2 ** 10, " KiB")):
            if abs(v) >= f:
                return f"{v / f:.3g}{s}"
        return f"{v:.3g} B"
    if unit == "Bps":
        return si(v) + "B/s"
    if unit == "percentunit":
        return f"{v * 100:.3g}%"
    return si(v)


def mapped(v, mappings):
    """(text, colour) of v under value mappings, or None."""
    for m in mappings or []:
        if m.get("type") != "value":
            continue
        key = str(int(v)) if v is not None and float(v).is_integer() else \
            str(v)
        hit = m["options"].get(key)
        if hit:
            return hit.get("text", key), color(hit.get("color", ""))
    return None


def threshold_color(v, fc):
    steps = fc.get("defaults", {}).get("thresholds", {}).get("steps", [])
    c = "#73bf69"
    for s in steps:
        if s["value"] is None or (v is not None and v >= s["value"]):
            c = color(s["color"])
    return c


def ref_overrides(panel):
    """refId -> {color, dash} from byFrameRefID overrides."""
    out = {}
    for o in panel.get("fieldConfig", {}).get("overrides", []):
        if o["matcher"]["id"] != "byFrameRefID":
            continue
        d = out.setdefault(o["matcher"]["options"], {})
        for p in o["properties"]:
            if p["id"] == "color":
                d["color"] = color(p["value"].get("fixedColor", ""))
            if p["id"] == "custom.lineStyle":
                d["dash"] = True
    return out


class Renderer:
    def __init__(self, prom, variables, start, end, step):
        self.prom, self.vars = prom, variables
        self.start, self.end, self.step = start, end, step
        rng = f"{max(60, int(end - start))}s"
        self.sub = lambda e: substitute(e, variables, rng=rng)

    # -- panels ------------------------------------------------------

    def timeseries(self, p, w, h):
        unit = p["fieldConfig"]["defaults"].get("unit", "")
        over = ref_overrides(p)
        negative = [re.compile(o["matcher"]["options"])
                    for o in p["fieldConfig"].get("overrides", [])
                    if o["matcher"]["id"] == "byRegexp" and
                    {"id": "custom.transform", "value": "negative-Y"}
                    in o["properties"]]
        series = []
        for t in p["targets"]:
            for r in self.prom.range(self.sub(t["expr"]), self.start,
                                     self.end, self.step):
                name = legend_of(t.get("legendFormat"), r["metric"])
                sign = -1 if any(rx.fullmatch(name) for rx in negative) \
                    else 1
                pts = [(float(x), sign * float(y)) for x, y in r["values"]
                       if y not in ("NaN", "+Inf", "-Inf")]
                style = over.get(t["refId"], {})
                series.append((name, pts, style))
        if not series:
            return self.no_data(p)
        vals = [y for _, pts, _ in series for _, y in pts] or [0]
        lo, hi = min(0, min(vals)), max(vals)
        if hi <= lo:
            hi = lo + 1
        cw, ch = w - 170, h - 26
        span = self.end - self.start
        out = [f'<svg width="{cw}" height="{ch}" class="plot">']
        for frac in (0, 0.5, 1):
            y = ch - 14 - frac * (ch - 24)
            out.append(f'<line x1="{AXIS}" x2="{cw}" y1="{y:.1f}" '
                       f'y2="{y:.1f}" stroke="#2c3235"/>')
            out.append(f'<text x="{AXIS - 4}" y="{y + 4:.1f}" '
                       'text-anchor="end">'
                       f'{esc(fmt_value(lo + frac * (hi - lo), unit))}'
                       '</text>')
        legend = []
        for i, (name, pts, style) in enumerate(series):
            c = style.get("color") or PALETTE[i % len(PALETTE)]
            if pts:
                path = " ".join(
                    f"{AXIS + (x - self.start) / span * (cw - AXIS - 4):.1f},"
                    f"{ch - 14 - (y - lo) / (hi - lo) * (ch - 24):.1f}"
                    for x, y in pts)
                dash = ' stroke-dasharray="8 6"' if style.get("dash") else ""
                out.append(f'<polyline points="{path}" fill="none" '
                           f'stroke="{c}" stroke-width="1.6"{dash}/>')
            last = pts[-1][1] if pts else None
            legend.append(f'<div><span class="sw" style="background:{c}">'
                          f'</span>{esc(name)} <b>{esc(fmt_value(last, unit))}'
                          '</b></div>')
        out.append("</svg>")
        return (f'<div class="ts">{"".join(out)}<div class="legend">'
                f'{"".join(legend[:12])}</div></div>')

    def instant_values(self, p):
        out = []
        for t in p["targets"]:
            for r in self.prom.instant(self.sub(t["expr"]), self.end):
                out.append((t, r["metric"], float(r["value"][1])))
        return out

    def stat(self, p, w, h):
        fc = p["fieldConfig"]
        unit = fc["defaults"].get("unit", "")
        vals = self.instant_values(p)
        if not vals:
            return self.no_data(p)
        cells = []
        for t, labels, v in vals:
            m = mapped(v, fc["defaults"].get("mappings"))
            text = m[0] if m else fmt_value(v, unit)
            c = m[1] if m else threshold_color(v, fc)
            bg = p["options"].get("colorMode") == "background"
            style = (f"background:{c};color:#fff" if bg else f"color:{c}")
            label = legend_of(t.get("legendFormat"), labels) \
                if len(vals) > 1 else ""
            cells.append(f'<div class="stat" style="{style}">'
                         f'<div class="big">{esc(text)}</div>'
                         f'<div class="sub">{esc(label)}</div></div>')
        return f'<div class="stats">{"".join(cells)}</div>'

    def table(self, p, w, h):
        rows = {}
        multi = len(p["targets"]) > 1
        for t, labels, v in self.instant_values(p):
            key = tuple(sorted((k, x) for k, x in labels.items()
                               if k not in HIDDEN_LABELS))
            row = rows.setdefault(key, dict(key))
            row[f"Value #{t['refId']}" if multi else "Value"] = v
        if not rows:
            return self.no_data(p)
        org = next((x["options"] for x in p.get("transformations", [])
                    if x["id"] == "organize"), {})
        order = sorted(org.get("indexByName", {}),
                       key=lambda f: org["indexByName"][f])
        names = org.get("renameByName", {})
        units, maps = {}, {}
        for o in p["fieldConfig"].get("overrides", []):
            for prop in o["properties"]:
                if prop["id"] == "unit":
                    units[o["matcher"]["options"]] = prop["value"]
                if prop["id"] == "mappings":
                    maps[o["matcher"]["options"]] = prop["value"]
        cols = [f for f in order if any(f in r for r in rows.values())]
        body = []
        sort = (p["options"].get("sortBy") or [None])[0]
        items = list(rows.values())
        if sort:
            field = next((f for f in cols if names.get(f) == sort[
                "displayName"]), None)
            if field:
                items.sort(key=lambda r: (r.get(field) is None,
                                          r.get(field) or 0),
                           reverse=sort["desc"])
        for r in items[:14]:
            cells = []
            for f in cols:
                v = r.get(f)
                header = names.get(f, f)
                if isinstance(v, float):
                    m = mapped(v, maps.get(header))
                    txt = m[0] if m else fmt_value(v, units.get(header))
                    style = f' style="color:{m[1]}"' if m else ""
                    cells.append(f'<td class="n"{style}>{esc(txt)}</td>')
                else:
                    cells.append(f"<td>{esc(v if v is not None else '')}"
                                 "</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        head = "".join(f"<th>{esc(names.get(f, f))}</th>" for f in cols)
        return (f'<table class="tbl"><tr>{head}</tr>{"".join(body)}'
                '</table>')

    def state_timeline(self, p, w, h):
        maps = p["fieldConfig"]["defaults"].get("mappings")
        rows = []
        for t in p["targets"]:
            for r in self.prom.range(self.sub(t["expr"]), self.start,
                                     self.end, self.step):
                rows.append((legend_of(t.get("legendFormat"), r["metric"]),
                             [(float(x), float(y)) for x, y in r["values"]]))
        if not rows:
            return self.no_data(p)
        rows.sort()
        lw, cw = 260, w - 290
        rh = max(12, min(26, (h - 30) // max(1, len(rows))))
        out = [f'<svg width="{w - 20}" height="{rh * len(rows) + 4}" '
               'class="plot">']
        span = self.end - self.start
        for i, (name, pts) in enumerate(rows):
            y = i * rh + 2
            out.append(f'<text x="{lw - 6}" y="{y + rh * 0.7:.1f}" '
                       f'text-anchor="end">{esc(name[:44])}</text>')
            for x, v in pts:
                m = mapped(v, maps)
                c = m[1] if m else "#5794f2"
                x0 = lw + (x - self.start) / span * cw
                out.append(f'<rect x="{x0:.1f}" y="{y}" '
                           f'width="{cw * self.step / span + 0.6:.1f}" '
                           f'height="{rh - 3}" fill="{c}"/>')
        out.append("</svg>")
        return "".join(out)

    def bargauge(self, p, w, h):
        unit = p["fieldConfig"]["defaults"].get("unit", "")
        vals = sorted(((legend_of(t.get("legendFormat"), labels), v)
                       for t, labels, v in self.instant_values(p)),
                      key=lambda x: -x[1])
        if not vals:
            return self.no_data(p)
        top = max(v for _, v in vals) or 1
        out = []
        for name, v in vals[:10]:
            pct = 100 * v / top
            out.append(f'<div class="bar"><span class="bl">{esc(name)}'
                       f'</span><span class="bt"><span class="bf" '
                       f'style="width:{pct:.1f}%"></span></span>'
                       f'<span class="bv">{esc(fmt_value(v, unit))}</span>'
                       '</div>')
        return "".join(out)

    def no_data(self, p):
        nv = p.get("fieldConfig", {}).get("defaults", {}).get("noValue")
        return f'<div class="nodata">{esc(nv or "No data")}</div>'

    def panel(self, p):
        g = p["gridPos"]
        x, y = g["x"] * COL_W, g["y"] * ROW_H
        w, h = g["w"] * COL_W - GAP, g["h"] * ROW_H - GAP
        title = substitute(p.get("title", ""), self.vars)
        if p["type"] == "row":
            return (f'<div class="row" style="left:{x}px;top:{y}px;'
                    f'width:{w}px">{esc(title)}</div>')
        kind = p["type"].replace("-", "_")
        try:
            body = getattr(self, kind)(p, w, h - 22)
        except ValueError as e:
            body = f'<div class="nodata">query error: {esc(e)}</div>'
        return (f'<div class="panel" style="left:{x}px;top:{y}px;'
                f'width:{w}px;height:{h}px"><div class="title">'
                f'{esc(title)}</div>{body}</div>')


STYLE = """
body{margin:0;background:#111217;color:#ccccdc;font:12px system-ui,sans-serif}
.head{padding:8px 12px;font-size:15px}.head .vars{font-size:12px;color:#8e8e8e}
.grid{position:relative;margin:0 8px}
.panel{position:absolute;background:#181b1f;border:1px solid #25282d;
 border-radius:3px;overflow:hidden}
.title{font-weight:600;padding:4px 8px;height:14px;white-space:nowrap}
.row{position:absolute;font-size:14px;font-weight:600;padding:6px 2px}
.plot text{fill:#8e8e8e;font-size:10px}
.ts{display:flex}.legend{width:165px;font-size:10px;overflow:hidden}
.legend div{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sw{display:inline-block;width:10px;height:3px;margin-right:4px;
 vertical-align:middle}
.stats{display:flex;height:calc(100% - 24px);gap:4px;padding:0 4px 4px}
.stat{flex:1;display:flex;flex-direction:column;justify-content:center;
 align-items:center;border-radius:2px}
.big{font-size:30px;font-weight:500}.sub{font-size:11px}
.tbl{border-collapse:collapse;width:100%;font-size:11px}
.tbl th{color:#6e9fff;text-align:left;padding:3px 6px;
 border-bottom:1px solid #2c3235}
.tbl td{padding:2px 6px;border-bottom:1px solid #202226;white-space:nowrap}
.n{text-align:right}.nodata{color:#8e8e8e;text-align:center;margin-top:20%}
.bar{display:flex;align-items:center;margin:3px 8px;font-size:11px}
.bl{width:38%;overflow:hidden;white-space:nowrap}.bt{flex:1;background:#22252b;
 height:14px;margin:0 6px}.bf{display:block;height:14px;
 background:linear-gradient(90deg,#5794f2,#f2cc0c,#e02f44)}
.bv{width:70px;text-align:right}
.foot{color:#8e8e8e;padding:8px 12px;font-size:11px}
"""


def render(dashboard, prom_url, variables, start, end, step=5):
    r = Renderer(Prom(prom_url), variables, start, end, step)
    panels = dashboard["panels"]
    bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    vars_text = " \u00b7 ".join(
        f"{v.get('label', v['name'])}: "
        f"{'All' if variables.get(v['name']) == '.*' else variables.get(v['name'], 'Prometheus')}"
        for v in dashboard["templating"]["list"])
    body = "".join(r.panel(p) for p in panels)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
            f'{esc(dashboard["title"])}</title><style>{STYLE}</style>'
            f'</head><body><div class="head">{esc(dashboard["title"])} '
            f'<span class="vars">{esc(vars_text)}</span></div>'
            f'<div class="grid" style="height:{bottom * ROW_H}px">{body}'
            '</div><div class="foot">Stand-in rendering of the dashboard '
            f'"{esc(dashboard["title"])}" (uid {esc(dashboard["uid"])}) by '
            'tests/lib/dashpreview.py, from the dashboard\'s own queries '
            'answered by a real Prometheus scraping the demo lab: Grafana '
            'itself cannot run here.</div>'
            '</body></html>')


def page_size(dashboard):
    bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"]
                 for p in dashboard["panels"])
    return 24 * COL_W + 16, bottom * ROW_H + 80
