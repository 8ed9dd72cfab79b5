#!/usr/bin/env python3
"""Writes the Grafana dashboards in dashboards/: the overview and the
device and tunnel drill-down.

  scripts/dev/mk_dashboards.py            # (re)write dashboards/*.json
  scripts/dev/mk_dashboards.py --check    # exit 1 if they differ

This script is the source: edit it and run it again (the dashboards test
fails when the JSON and the script disagree).  The panels are laid out
row by row on Grafana's 24-column grid, so they never overlap.

Every query reads the exporter's own series (README, "Metrics") and
works without the recording rules of "vpn_exporter rules".  Thresholds
come from vpn_alert_threshold, drawn as dashed lines, so a device's own
override shows on its panels.  The datasource is the ${datasource}
variable: no datasource UID is written anywhere.
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "dashboards")

SCHEMA_VERSION = 39      # Grafana 10.4 and 11.0 export this version
OVERVIEW_UID = "vpn-exporter-overview"
DEVICE_UID = "vpn-exporter-device"
DEVICE_URL = f"/d/{DEVICE_UID}/vpn-device"
OVERVIEW_URL = f"/d/{OVERVIEW_UID}/vpn-overview"
TAGS = ["vpn_exporter", "vpn"]
DS = {"type": "prometheus", "uid": "${datasource}"}
RI = "$__rate_interval"

# Device selectors of the two dashboards.
ALL = 'device=~"$device"'
ONE = 'device="$device"'
TUN = 'device="$device", tunnel=~"$tunnel"'


def drill_link(device_expr, tunnel_expr=None):
    """A data link to the drill-down for one device (and tunnel)."""
    url = (f"{DEVICE_URL}?var-device={device_expr}"
           "&${datasource:queryparam}&${__url_time_range}")
    if tunnel_expr:
        url += f"&var-tunnel={tunnel_expr}"
    return {"title": "Device and tunnel drill-down", "url": url}


# ---------------------------------------------------------------- queries

def target(expr, legend="__auto", ref="A", instant=False, table=False):
    t = {"datasource": DS, "editorMode": "code", "expr": expr,
         "legendFormat": legend, "range": not instant,
         "instant": instant, "refId": ref}
    if table:
        t["format"] = "table"
    return t


def thresholds(*steps):
    """Absolute threshold steps: colour, or (value, colour)."""
    out = []
    for s in steps:
        if isinstance(s, str):
            out.append({"color": s, "value": None})
        else:
            out.append({"color": s[1], "value": s[0]})
    return {"mode": "absolute", "steps": out}


def threshold_targets(alert, selector, severities=("warning", "page")):
    """The device's thresholds of an alert, as series to draw as lines:
    the lowest over the selected devices."""
    out = []
    for sev in severities:
        out.append(target(
            f'min(vpn_alert_threshold{{alert="{alert}", '
            f'severity="{sev}", {selector}}})',
            legend=f"{sev} threshold", ref=sev[0].upper()))
    return out


def threshold_overrides(severities=("warning", "page")):
    colors = {"warning": "orange", "page": "red"}
    return [{
        "matcher": {"id": "byFrameRefID", "options": sev[0].upper()},
        "properties": [
            {"id": "color", "value": {"mode": "fixed",
                                      "fixedColor": colors[sev]}},
            {"id": "custom.lineStyle", "value": {"fill": "dash",
                                                 "dash": [10, 10]}},
            {"id": "custom.fillOpacity", "value": 0},
            {"id": "custom.lineWidth", "value": 2},
            {"id": "links", "value": []},
        ]} for sev in severities]


def value_map(pairs):
    """Value mappings: {value: (text, colour)}."""
    opts = {}
    for i, (v, (text, color)) in enumerate(pairs.items()):
        opts[str(v)] = {"text": text, "color": color, "index": i}
    return [{"type": "value", "options": opts}]


UP_DOWN = value_map({0: ("down", "red"), 1: ("up", "green")})
AGREE = value_map({0: ("SPIs agree", "green"), 1: ("SPI MISMATCH", "red")})


# ----------------------------------------------------------------- panels

def legend(mode="list", placement="bottom", calcs=()):
    return {"showLegend": True, "displayMode": mode,
            "placement": placement, "calcs": list(calcs)}


def tooltip(mode="multi"):
    return {"mode": mode, "sort": "desc" if mode == "multi" else "none"}


def base(kind, title, description, targets):
    return {"type": kind, "title": title, "description": description,
            "datasource": DS, "targets": targets}


def timeseries(title, description, targets, unit, overrides=(), links=(),
               stack=False, legend_calcs=("lastNotNull", "max"),
               min0=True, draw="line", no_value=None):
    custom = {
        "drawStyle": draw, "lineWidth": 1, "fillOpacity": 10,
        "gradientMode": "none", "showPoints": "never", "pointSize": 4,
        "lineInterpolation": "linear", "spanNulls": False,
        "axisPlacement": "auto", "axisLabel": "", "barAlignment": 0,
        "scaleDistribution": {"type": "linear"},
        "stacking": {"mode": "normal" if stack else "none", "group": "A"},
        "thresholdsStyle": {"mode": "off"},
        "hideFrom": {"legend": False, "tooltip": False, "viz": False},
    }
    if min0:
        custom["axisSoftMin"] = 0
    defaults = {"unit": unit, "color": {"mode": "palette-classic"},
                "custom": custom, "mappings": [],
                "thresholds": thresholds("green"), "links": list(links)}
    if no_value:
        defaults["noValue"] = no_value
    p = base("timeseries", title, description, targets)
    p["fieldConfig"] = {"defaults": defaults, "overrides": list(overrides)}
    p["options"] = {"legend": legend("table", "right", legend_calcs),
                    "tooltip": tooltip()}
    return p


def stat(title, description, targets, unit="none", steps=("green",),
         mappings=(), color_mode="background", links=(), no_value=None):
    p = base("stat", title, description, targets)
    defaults = {"unit": unit, "color": {"mode": "thresholds"},
                "mappings": list(mappings),
                "thresholds": thresholds(*steps), "links": list(links)}
    if no_value:
        defaults["noValue"] = no_value
    p["fieldConfig"] = {"defaults": defaults, "overrides": []}
    p["options"] = {
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                          "values": False},
        "orientation": "auto", "textMode": "auto",
        "colorMode": color_mode, "graphMode": "none",
        "justifyMode": "center", "wideLayout": True,
        "showPercentChange": False}
    return p


def table(title, description, targets, columns, units=None, links=(),
          sort_by=None, mappings=None, no_value=None):
    """An instant-query table.  columns: the label and value columns, in
    order, as {field: header}.  The queries aggregate to these labels."""
    p = base("table", title, description, targets)
    overrides = []
    for field, unit in (units or {}).items():
        overrides.append({"matcher": {"id": "byName", "options": field},
                          "properties": [{"id": "unit", "value": unit}]})
    for field, m in (mappings or {}).items():
        overrides.append({"matcher": {"id": "byName", "options": field},
                          "properties": [
                              {"id": "mappings", "value": m},
                              {"id": "custom.cellOptions",
                               "value": {"type": "color-text"}}]})
    defaults = {"custom": {"align": "auto", "cellOptions": {"type": "auto"},
                           "inspect": False, "filterable": True},
                "color": {"mode": "thresholds"}, "mappings": [],
                "thresholds": thresholds("green"), "links": list(links)}
    if no_value:
        defaults["noValue"] = no_value
    p["fieldConfig"] = {"defaults": defaults, "overrides": overrides}
    p["options"] = {"showHeader": True, "cellHeight": "sm",
                    "footer": {"show": False, "reducer": ["sum"],
                               "countRows": False}}
    if sort_by:
        p["options"]["sortBy"] = [{"displayName": sort_by[0],
                                   "desc": sort_by[1]}]
    # The queries aggregate to exactly the label columns shown; the
    # organize step hides the time and orders and names the columns.
    merge = len(targets) > 1
    p["transformations"] = ([{"id": "merge", "options": {}}] if merge
                            else []) + [{
        "id": "organize",
        "options": {
            "excludeByName": {"Time": True},
            "indexByName": {f: i for i, f in enumerate(columns)},
            "renameByName": dict(columns)}}]
    return p


def state_timeline(title, description, targets, mappings, row_height=0.8,
                   show_value="auto", links=()):
    p = base("state-timeline", title, description, targets)
    p["fieldConfig"] = {
        "defaults": {"custom": {"lineWidth": 0, "fillOpacity": 80,
                                "hideFrom": {"legend": False,
                                             "tooltip": False,
                                             "viz": False}},
                     "color": {"mode": "thresholds"},
                     "mappings": mappings,
                     "thresholds": thresholds("blue"),
                     "links": list(links)},
        "overrides": []}
    p["options"] = {"mergeValues": True, "showValue": show_value,
                    "alignValue": "left", "rowHeight": row_height,
                    "legend": legend(), "tooltip": tooltip("single")}
    return p


def bargauge(title, description, targets, unit):
    p = base("bargauge", title, description, targets)
    p["fieldConfig"] = {
        "defaults": {"unit": unit, "color": {"mode": "continuous-BlYlRd"},
                     "mappings": [], "thresholds": thresholds("green"),
                     "min": 0},
        "overrides": []}
    p["options"] = {
        "displayMode": "gradient", "orientation": "horizontal",
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                          "values": False},
        "showUnfilled": True, "valueMode": "color",
        "namePlacement": "auto", "sizing": "auto", "minVizHeight": 16,
        "minVizWidth": 8, "maxVizHeight": 300}
    return p


# ----------------------------------------------------------------- layout

class Grid:
    """Places panels left to right on the 24-column grid, in rows."""

    def __init__(self):
        self.panels = []
        self.x = self.y = self.line_h = 0

    def _next_id(self):
        return len(self.panels) + 1

    def row(self, title):
        self.newline()
        self.panels.append({"type": "row", "title": title,
                            "collapsed": False, "panels": [],
                            "id": self._next_id(),
                            "gridPos": {"x": 0, "y": self.y, "w": 24,
                                        "h": 1}})
        self.y += 1

    def newline(self):
        self.y += self.line_h
        self.x = self.line_h = 0

    def add(self, panel, w, h):
        self.stack([(panel, h)], w)

    def stack(self, items, w):
        """Panels one above the other in a column of width w."""
        h = sum(ph for _, ph in items)
        if self.x + w > 24:
            self.newline()
        y = self.y
        for panel, ph in items:
            panel = dict(panel)
            panel["id"] = self._next_id()
            panel["gridPos"] = {"x": self.x, "y": y, "w": w, "h": ph}
            self.panels.append(panel)
            y += ph
        self.x += w
        self.line_h = max(self.line_h, h)


def datasource_var():
    return {"name": "datasource", "label": "Data source",
            "type": "datasource", "query": "prometheus",
            "hide": 0, "includeAll": False, "multi": False, "options": [],
            "refresh": 1, "regex": "", "skipUrlSync": False}


def query_var(name, label, query, multi, include_all):
    v = {"name": name, "label": label, "type": "query", "datasource": DS,
         "query": query, "hide": 0,
         "includeAll": include_all, "multi": multi, "options": [],
         "refresh": 2, "regex": "", "skipUrlSync": False, "sort": 7}
    if include_all:
        v["allValue"] = ".*"
    return v


def dashboard(uid, title, description, grid, variables, links,
              time_from):
    return {
        "uid": uid, "title": title, "description": description,
        "tags": TAGS, "editable": True, "graphTooltip": 1,
        "fiscalYearStartMonth": 0, "liveNow": False, "weekStart": "",
        "timezone": "browser", "refresh": "1m",
        "time": {"from": time_from, "to": "now"},
        "timepicker": {},
        "schemaVersion": SCHEMA_VERSION, "version": 1,
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana",
                                         "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor":
            "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts",
            "type": "dashboard"}]},
        "links": links, "panels": grid.panels,
        "templating": {"list": variables}}


def dash_link(title, url, tooltip_text, icon):
    return {"title": title, "type": "link", "url": url,
            "tooltip": tooltip_text, "icon": icon, "tags": [],
            "asDropdown": False, "targetBlank": False,
            "includeVars": False, "keepTime": True}


# --------------------------------------------------------------- overview

def overview():
    g = Grid()
    dev_link = drill_link("${__data.fields.device}")
    series_link = drill_link("${__field.labels.device}")
    tunnel_link = drill_link("${__data.fields.device}",
                             "${__data.fields.tunnel}")
    rate_spi = (f"sum by (device) (rate(vpn_invalid_spi_packets_total"
                f"{{{ALL}}}[{RI}]))")

    g.row("Fleet")
    g.add(stat("Devices up", "Devices whose last collection succeeded "
               "(vpn_up).",
               [target(f"count(vpn_up{{{ALL}}} == 1) or vector(0)")]), 4, 4)
    g.add(stat("Devices down", "Devices whose last collection failed, or "
               "that the poller could not refresh in time.",
               [target(f"count(vpn_up{{{ALL}}} == 0) or vector(0)")],
               steps=("green", (1, "red"))), 4, 4)
    g.add(stat("Tunnels up", "Tunnels with an IPsec SA.",
               [target(f"sum(vpn_tunnel_up{{{ALL}}}) or vector(0)")]), 4, 4)
    g.add(stat("Tunnels down", "Expected or previously seen tunnels "
               "without an IPsec SA.",
               [target(f"count(vpn_tunnel_up{{{ALL}}} == 0) or vector(0)")],
               steps=("green", (1, "red"))), 4, 4)
    g.add(stat("SPI mismatches", "Tunnels whose SPIs disagree with the "
               "monitored device at the other end for longer than "
               "spi_mismatch_grace (vpn_spi_mismatch); counted where both "
               "ends are monitored.",
               [target(f"sum(vpn_spi_mismatch{{{ALL}}}) or vector(0)")],
               steps=("green", (1, "red"))), 4, 4)
    g.add(stat("Over invalid-SPI threshold", "Devices dropping more "
               "packets with an invalid SPI than their own warning "
               "threshold (vpn_alert_threshold{alert=\"invalid_spi\"}).",
               [target(f"count({rate_spi} > on (device) max by (device) "
                       f"(vpn_alert_threshold{{alert=\"invalid_spi\", "
                       f"severity=\"warning\"}})) or vector(0)")],
               steps=("green", (1, "red"))), 4, 4)
    g.add(table(
        "Devices", "One row per device: state, tunnels, invalid-SPI drops, "
        "SPI mismatches and the last poll. Click a row for its drill-down.",
        [target(f"max by (device) (vpn_up{{{ALL}}})", ref="A",
                instant=True, table=True),
         target(f"sum by (device) (vpn_tunnel_up{{{ALL}}})", ref="B",
                instant=True, table=True),
         target(f"sum by (device) (1 - vpn_tunnel_up{{{ALL}}})", ref="C",
                instant=True, table=True),
         target(rate_spi, ref="D", instant=True, table=True),
         target(f"sum by (device) (vpn_spi_mismatch{{{ALL}}})", ref="E",
                instant=True, table=True),
         target(f"time() - max by (device) "
                f"(vpn_collect_timestamp_seconds{{{ALL}}})", ref="F",
                instant=True, table=True),
         target(f"sum by (device) (vpn_collect_duration_seconds{{{ALL}}})",
                ref="G", instant=True, table=True)],
        {"device": "Device", "Value #A": "State",
         "Value #B": "Tunnels up", "Value #C": "Tunnels down",
         "Value #D": "Invalid SPI", "Value #E": "SPI mismatches",
         "Value #F": "Last poll", "Value #G": "Collect duration"},
        units={"Invalid SPI": "pps", "Last poll": "s",
               "Collect duration": "s"},
        mappings={"State": UP_DOWN}, links=[dev_link],
        sort_by=("Invalid SPI", True)), 24, 8)

    g.row("Invalid SPI and IPsec errors")
    g.add(timeseries(
        "Invalid-SPI drops by device", "Packets dropped because no SA "
        "matched their SPI, usually after a one-sided rekey. Dashed: the "
        "lowest warning and page thresholds of the selected devices "
        "(vpn_alert_threshold).",
        [target(rate_spi, legend="{{device}}")] +
        threshold_targets("invalid_spi", ALL), "pps",
        overrides=threshold_overrides(), links=[series_link]), 16, 9)
    g.add(timeseries(
        "Tunnels down by device", "Tunnels without an IPsec SA, per "
        "device.",
        [target(f"sum by (device) (1 - vpn_tunnel_up{{{ALL}}}) > 0",
                legend="{{device}}")], "none", links=[series_link],
        stack=True, draw="bars", legend_calcs=("lastNotNull",),
        no_value="no tunnel down"), 8, 9)
    g.add(table(
        "Top peers by invalid-SPI packets", "Per-peer invalid-SPI counts "
        "over the time range, where the device has them (ASA: the "
        "cisco_asa_ssh collector with vpn_context).",
        [target(f"topk(10, sum by (device, tunnel, peer) "
                f"(increase(vpn_ipsec_errors_total{{type=\"invalid_spi\", "
                f"{ALL}}}[$__range])))", instant=True, table=True)],
        {"device": "Device", "tunnel": "Tunnel", "peer": "Peer",
         "Value": "Packets"}, links=[tunnel_link],
        sort_by=("Packets", True), no_value="no per-peer counts"), 8, 8)
    g.add(table(
        "Top peers by invalid-SPI events (syslog)", "Invalid-SPI messages "
        "the devices logged over the time range, by peer, with the last "
        "offending SPI: the one signal that names the peer on every "
        "vendor. Devices rate-limit the message, so a count is a lower "
        "bound on the packets.",
        [target(f"topk(10, sum by (device, peer) "
                f"(increase(vpn_invalid_spi_events_total{{{ALL}}}"
                f"[$__range])) * on (device, peer) group_left (spi) "
                f"max by (device, peer, spi) "
                f"(vpn_invalid_spi_last_event_info{{{ALL}}}))",
                instant=True, table=True)],
        {"device": "Device", "peer": "Peer", "spi": "Last SPI",
         "Value": "Events"}, links=[dev_link],
        sort_by=("Events", True), no_value="no invalid-SPI events"), 8, 8)
    g.add(table(
        "Receiving nothing while sending", "Tunnels whose inbound packets "
        "stopped while the outbound ones kept rising over the last 5 "
        "minutes: the peers an invalid-SPI alert names when the device "
        "has no per-peer count.",
        [target(f"max by (device, tunnel, peer) ((increase("
                f"vpn_ipsec_packets_total{{direction=\"in\", {ALL}}}[5m]) "
                f"== 0) and on (device, tunnel, peer) (increase("
                f"vpn_ipsec_packets_total{{direction=\"out\", {ALL}}}[5m]) "
                f"> 0))", instant=True, table=True)],
        {"device": "Device", "tunnel": "Tunnel", "peer": "Peer"},
        links=[tunnel_link], no_value="none"), 8, 8)
    g.add(table(
        "Top peers by IPsec errors", "Decrypt, authentication, replay, "
        "send, receive and drop errors over the time range (invalid SPI "
        "apart).",
        [target(f"topk(10, sum by (device, tunnel, peer) "
                f"(increase(vpn_ipsec_errors_total{{type!=\"invalid_spi\", "
                f"{ALL}}}[$__range])))", instant=True, table=True)],
        {"device": "Device", "tunnel": "Tunnel", "peer": "Peer",
         "Value": "Errors"}, links=[tunnel_link],
        sort_by=("Errors", True)), 8, 8)

    g.row("SPIs and security associations")
    g.add(table(
        "SPI mismatches", "Tunnels whose SPIs disagree with the monitored "
        "device at the other end (vpn_spi_mismatch == 1).",
        [target(f"max by (device, tunnel, peer, peer_device) "
                f"(vpn_spi_mismatch{{{ALL}}}) == 1", instant=True,
                table=True)],
        {"device": "Device", "tunnel": "Tunnel", "peer": "Peer",
         "peer_device": "Other end"}, links=[tunnel_link],
        no_value="no SPI mismatch"), 8, 8)
    g.add(table(
        "SAs closest to expiry", "The IPsec SAs with the least lifetime "
        "left. An SA that reaches 0 without a rekey takes its tunnel "
        "down.",
        [target(f"bottomk(10, max by (device, tunnel, peer) "
                f"(vpn_ipsec_sa_lifetime_remaining_seconds{{{ALL}}}))",
                instant=True, table=True)],
        {"device": "Device", "tunnel": "Tunnel", "peer": "Peer",
         "Value": "Lifetime left"}, units={"Lifetime left": "s"},
        links=[tunnel_link], sort_by=("Lifetime left", False)), 8, 8)
    expiring = stat(
        "SAs under their expiry threshold", "IPsec SAs with less lifetime "
        "left than their device's sa_expiring threshold "
        "(vpn_alert_threshold).",
        [target(f"count(vpn_ipsec_sa_lifetime_remaining_seconds{{{ALL}}} "
                f"< on (device) group_left () max by (device) "
                f"(vpn_alert_threshold{{alert=\"sa_expiring\", "
                f"severity=\"warning\"}})) or vector(0)")],
        steps=("green", (1, "orange")))
    rekeys = stat(
        "Rekeys in the last hour", "New SA pairs the exporter saw, all "
        "selected devices.",
        [target(f"sum(increase(vpn_ipsec_rekeys_total{{{ALL}}}[1h])) "
                f"or vector(0)")], color_mode="none")
    g.stack([(expiring, 4), (rekeys, 4)], 8)
    g.add(timeseries(
        "Rekeys per hour", "New SA pairs per device over the hour before "
        "each point.",
        [target(f"sum by (device) (increase(vpn_ipsec_rekeys_total"
                f"{{{ALL}}}[1h]))", legend="{{device}}")], "short",
        links=[series_link]), 24, 8)

    g.row("Collection and the exporter")
    g.add(timeseries(
        "Collector errors", "Failed collections per 5 minutes, by device "
        "and reason (timeout, auth, parse, ...).",
        [target(f"sum by (device, reason) (increase("
                f"vpn_exporter_collect_errors_total{{{ALL}}}[5m]))",
                legend="{{device}}: {{reason}}")], "short",
        links=[series_link], no_value="no collector error"), 12, 8)
    g.add(timeseries(
        "Collect duration", "How long each collector took at its last "
        "poll.",
        [target(f"max by (device, collector) "
                f"(vpn_collect_duration_seconds{{{ALL}}})",
                legend="{{device}} {{collector}}")], "s",
        links=[series_link]), 12, 8)
    g.add(stat("Configuration reload", "Whether the exporter's last "
               "configuration reload succeeded.",
               [target("min(vpn_exporter_config_last_reload_successful)")],
               steps=("red", (1, "green")),
               mappings=value_map({0: ("failed", "red"),
                                   1: ("OK", "green")})), 6, 5)
    g.add(stat("Devices configured", "Devices in the exporters' running "
               "configuration.",
               [target("sum(vpn_exporter_devices)")], color_mode="none"),
          6, 5)
    g.add(timeseries(
        "Exporter memory", "Resident memory of each vpn_exporter.",
        [target("process_resident_memory_bytes and on (job, instance) "
                "vpn_exporter_build_info", legend="{{instance}}")],
        "bytes"), 6, 5)
    g.add(timeseries(
        "Exporter CPU", "CPU used by each vpn_exporter (1 = one core).",
        [target(f"rate(process_cpu_seconds_total[{RI}]) and on (job, "
                "instance) vpn_exporter_build_info",
                legend="{{instance}}")], "percentunit"), 6, 5)
    return dashboard(
        OVERVIEW_UID, "VPN overview",
        "vpn_exporter: devices, tunnels, invalid-SPI drops, SPI "
        "mismatches, SAs and the exporter itself.", g,
        [datasource_var(),
         query_var("device", "Device", "label_values(vpn_up, device)",
                   True, True)],
        [dash_link("Device drill-down", DEVICE_URL,
                   "Tunnels, SPIs and errors of one device", "dashboard")],
        "now-6h")


# ------------------------------------------------------------- drill-down

# The other end's SAs: the device and tunnel vpn_spi_mismatch pairs with
# this end (peer_device), whose peer is this end's local address.
OTHER_END = (
    'vpn_ipsec_sa_info and on (device, peer) label_replace(label_replace('
    'max by (device, tunnel, peer, peer_device, local_address) ('
    f'vpn_tunnel_info{{{TUN}}} * on (device, tunnel, peer) '
    'group_left (peer_device) (0 * vpn_spi_mismatch + 1)), '
    '"device", "$1", "peer_device", "(.+)"), '
    '"peer", "$1", "local_address", "(.+)")')


SA_COLS = ("max by (end, device, tunnel, peer, spi_in, spi_out, state, "
           "local_ident, remote_ident)")


def drilldown():
    g = Grid()
    g.row("$device")
    g.add(stat("State", "Whether the last collection succeeded.",
               [target(f"max(vpn_up{{{ONE}}})")],
               steps=("red", (1, "green")), mappings=UP_DOWN), 4, 4)
    g.add(stat("Tunnels up / down", "Tunnels with and without an IPsec SA.",
               [target(f"sum(vpn_tunnel_up{{{ONE}}})", legend="up"),
                target(f"count(vpn_tunnel_up{{{ONE}}} == 0) or vector(0)",
                       legend="down", ref="B")], color_mode="none"), 4, 4)
    g.add(stat("Invalid-SPI drops", "Packets/s the device drops for an "
               "invalid SPI.",
               [target(f"sum(rate(vpn_invalid_spi_packets_total{{{ONE}}}"
                       f"[{RI}]))")], unit="pps", color_mode="none"), 4, 4)
    g.add(stat("SPI mismatches", "Tunnels of the device whose SPIs disagree "
               "with the other end.",
               [target(f"sum(vpn_spi_mismatch{{{ONE}}}) or vector(0)")],
               steps=("green", (1, "red"))), 4, 4)
    g.add(stat("Last poll", "Time since the last collection.",
               [target(f"time() - max(vpn_collect_timestamp_seconds"
                       f"{{{ONE}}})")], unit="s", color_mode="none"), 4, 4)
    g.add(stat("Collect duration", "How long the last collection took, "
               "all collectors.",
               [target(f"sum(vpn_collect_duration_seconds{{{ONE}}})")],
               unit="s", color_mode="none"), 4, 4)

    g.row("Tunnels")
    g.add(state_timeline(
        "Tunnel state", "Up: the tunnel has an IPsec SA.",
        [target(f"max by (tunnel) (vpn_tunnel_up{{{TUN}}})",
                legend="{{tunnel}}")], UP_DOWN, show_value="never"), 24, 8)
    g.add(state_timeline(
        "SPI agreement with the other end", "Where the device at the other "
        "end is monitored: whether the two ends' SPIs agree "
        "(vpn_spi_mismatch).",
        [target(f"max by (tunnel, peer_device) (vpn_spi_mismatch{{{TUN}}})",
                legend="{{tunnel}} and {{peer_device}}")], AGREE), 24, 5)

    g.row("SPIs")
    g.add(table(
        "SPIs of both ends", "The SA pairs of this end and, where it is "
        "monitored, of the other end. The ends agree when each one's "
        "outbound SPI is one of the other's inbound SPIs.",
        [target(f'{SA_COLS} (label_replace(vpn_ipsec_sa_info{{{TUN}}}, '
                f'"end", "this end", "", ""))', instant=True, table=True),
         target(f'{SA_COLS} (label_replace({OTHER_END}, "end", '
                f'"other end", "", ""))', ref="B", instant=True,
                table=True)],
        {"end": "End", "device": "Device", "tunnel": "Tunnel",
         "peer": "Peer", "spi_in": "SPI in", "spi_out": "SPI out",
         "state": "State", "local_ident": "Local ident",
         "remote_ident": "Remote ident"},
        sort_by=("Tunnel", False)), 24, 8)
    g.add(state_timeline(
        "SAs of this end", "SPIs in and out over time: one row per SA "
        "pair, present while the device reported it.",
        [target(f"vpn_ipsec_sa_info{{{TUN}}}",
                legend="{{tunnel}} in {{spi_in}} out {{spi_out}} "
                "{{state}}")],
        value_map({1: ("SA", "blue")}), show_value="never"), 12, 8)
    g.add(state_timeline(
        "SAs of the other end", "The same for the monitored device at the "
        "other end of the tunnel.",
        [target(OTHER_END, legend="{{device}} {{tunnel}} in {{spi_in}} "
                "out {{spi_out}} {{state}}")],
        value_map({1: ("SA", "purple")}), show_value="never"), 12, 8)

    g.row("Lifetime and traffic")
    g.add(timeseries(
        "IPsec SA lifetime left", "Seconds until the tunnel's current SA "
        "expires; it rekeys before. Dashed: the device's sa_expiring "
        "threshold.",
        [target(f"vpn_ipsec_sa_lifetime_remaining_seconds{{{TUN}}}",
                legend="{{tunnel}}")] +
        threshold_targets("sa_expiring", ONE, ("warning",)), "s",
        overrides=threshold_overrides(("warning",))), 12, 8)
    g.add(timeseries(
        "IKE SA lifetime left", "Seconds until the IKE SA with the "
        "tunnel's peer expires.",
        [target(f"vpn_ike_sa_lifetime_remaining_seconds{{{ONE}}} and on "
                f"(device, peer) vpn_tunnel_up{{{TUN}}}",
                legend="{{peer}}")], "s"), 12, 8)
    out_negative = [{"matcher": {"id": "byRegexp", "options": ".* out$"},
                     "properties": [{"id": "custom.transform",
                                     "value": "negative-Y"}]}]
    g.add(timeseries(
        "Packets", "Packets through the tunnels' SAs; outbound below the "
        "axis.",
        [target(f"sum by (tunnel, direction) (rate(vpn_ipsec_packets_total"
                f"{{{TUN}}}[{RI}]))", legend="{{tunnel}} {{direction}}")],
        "pps", overrides=out_negative, min0=False), 12, 8)
    g.add(timeseries(
        "Bytes", "Bytes through the tunnels' SAs; outbound below the axis.",
        [target(f"sum by (tunnel, direction) (rate(vpn_ipsec_bytes_total"
                f"{{{TUN}}}[{RI}]))", legend="{{tunnel}} {{direction}}")],
        "Bps", overrides=out_negative, min0=False), 12, 8)

    g.row("Errors and drops")
    g.add(timeseries(
        "IPsec errors by type", "Errors on the selected tunnels, by type "
        "(invalid SPI apart). Dashed: the device's ipsec_errors threshold "
        "(for decrypt, auth and replay together).",
        [target(f"sum by (type) (rate(vpn_ipsec_errors_total{{{TUN}, "
                f"type!=\"invalid_spi\"}}[{RI}]))", legend="{{type}}")] +
        threshold_targets("ipsec_errors", ONE, ("warning",)), "pps",
        overrides=threshold_overrides(("warning",))), 12, 8)
    g.add(timeseries(
        "Invalid-SPI drops", "The device's invalid-SPI drops and, where "
        "the device counts them per SA, each tunnel's; where it logs them "
        "by syslog, the rate of those messages per peer (a lower bound). "
        "Dashed: the device's thresholds.",
        [target(f"sum(rate(vpn_invalid_spi_packets_total{{{ONE}}}[{RI}]))",
                legend="device", ref="A"),
         target(f"sum by (tunnel) (rate(vpn_ipsec_errors_total{{{TUN}, "
                f"type=\"invalid_spi\"}}[{RI}]))", legend="{{tunnel}}",
                ref="B"),
         target(f"sum by (peer) (rate(vpn_invalid_spi_events_total"
                f"{{{ONE}}}[{RI}]))", legend="{{peer}} (syslog events)",
                ref="C")] +
        threshold_targets("invalid_spi", ONE), "pps",
        overrides=threshold_overrides()), 12, 8)
    g.add(bargauge(
        "Top drop reasons", "The device's drop counters over the time "
        "range, by section and reason (ASA show asp drop; global counters "
        "on other vendors).",
        [target(f"topk(10, sum by (section, reason) (increase("
                f"vpn_dropped_packets_total{{{ONE}}}[$__range])))",
                legend="{{section}} {{reason}}", instant=True)],
        "short"), 12, 9)
    g.add(timeseries(
        "Rekeys per hour", "New SA pairs per tunnel over the hour before "
        "each point.",
        [target(f"sum by (tunnel) (increase(vpn_ipsec_rekeys_total{{{TUN}}}"
                f"[1h]))", legend="{{tunnel}}")], "short"), 12, 9)
    return dashboard(
        DEVICE_UID, "VPN device",
        "vpn_exporter: one device's tunnels, SPIs of both ends, "
        "lifetimes, traffic, errors and drops.", g,
        [datasource_var(),
         query_var("device", "Device", "label_values(vpn_up, device)",
                   False, False),
         query_var("tunnel", "Tunnel",
                   'label_values(vpn_tunnel_up{device="$device"}, tunnel)',
                   True, True)],
        [dash_link("VPN overview", OVERVIEW_URL, "All devices",
                   "dashboard")],
        "now-3h")


def render(d):
    return json.dumps(d, indent=2, ensure_ascii=False) + "\n"


FILES = {"vpn-overview.json": overview, "vpn-device.json": drilldown}


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    os.makedirs(OUT, exist_ok=True)
    for name, make in FILES.items():
        path = os.path.join(OUT, name)
        text = render(make())
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old == text:
            continue
        if check:
            stale.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {path}")
    if stale:
        print("stale: " + ", ".join(stale) + " (run scripts/dev/"
              "mk_dashboards.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
