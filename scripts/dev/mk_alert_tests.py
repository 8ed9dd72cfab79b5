#!/usr/bin/env python3
"""Writes examples/alerts_test.yml: promtool unit tests of the generated
rules, with the annotations each alert must carry."""
import sys

RB = "https://github.com/vpn-exporter/vpn_exporter/blob/main/docs/runbooks/%s.md"


def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def ann_invalid(dev, peer, rate):
    if peer == "unknown":
        return {"summary": f"{dev} drops packets with an invalid SPI",
                "description": f"{dev} drops {rate} packets/s with an invalid SPI (the peer is unknown: the device has no per-peer count and no tunnel's inbound traffic stopped). Usually a one-sided rekey: compare the SPIs of both ends (vpn_ipsec_sa_info) and clear the SAs on both.",
                "runbook_url": RB % "invalid_spi"}
    return {"summary": f"{dev} drops packets with an invalid SPI from {peer}",
            "description": f"{dev} drops {rate} packets/s with an invalid SPI, peer {peer}. Usually a one-sided rekey: compare the SPIs of both ends (vpn_ipsec_sa_info) and clear the SAs on both.",
            "runbook_url": RB % "invalid_spi"}


def ann_tunnel_down(dev, tunnel, peer):
    return {"summary": f"{dev}: tunnel to {peer} is down",
            "description": f"The tunnel {tunnel} of {dev} to {peer} has no IPsec SA.",
            "runbook_url": RB % "tunnel_down"}


def alert(labels, ann):
    out = "          - exp_labels:\n"
    for k, v in labels.items():
        out += f"              {k}: {q(v)}\n"
    out += "            exp_annotations:\n"
    for k, v in ann.items():
        out += f"              {k}: {q(v)}\n"
    return out


def check(t, name, alerts):
    out = f"      - eval_time: {t}\n        alertname: {name}\n"
    if not alerts:
        return out + "        exp_alerts: []\n"
    out += "        exp_alerts:\n"
    for a in alerts:
        out += alert(*a)
    return out


def inv(sev, dev, peer, rate, tunnel=None, **extra):
    labels = {"severity": sev, "device": dev}
    labels.update(extra)
    if tunnel:
        labels["tunnel"] = tunnel
    labels["peer"] = peer
    return (labels, ann_invalid(dev, peer, rate))


HEAD = """# Unit tests of the generated rules (alerts.yml), run by ctest with
#   promtool test rules alerts_test.yml
# Thresholds come from vpn_alert_threshold series, as the exporter exports
# them for the example configuration (vpn_exporter.yml).  Written by
# scripts/dev/mk_alert_tests.py.
rule_files:
  - alerts.yml
evaluation_interval: 1m
tests:
"""

T1 = """  # A one-sided rekey on asa-fra1: invalid-SPI drops at 0.5 packets/s for
  # 15 minutes (warning), then at 5/s (page).  Tunnel 203.0.113.9's
  # inbound packets stop while its outbound rise: the page names it.
  # asa-ams1, rekeying as usual, drops a handful of packets per rekey.
  - interval: 1m
    input_series:
      - series: 'vpn_alert_threshold{device="asa-fra1",site="fra1",alert="invalid_spi",severity="warning"}'
        values: '0.2x40'
      - series: 'vpn_alert_threshold{device="asa-fra1",site="fra1",alert="invalid_spi",severity="page"}'
        values: '1x40'
      - series: 'vpn_alert_threshold{device="asa-ams1",site="ams1",alert="invalid_spi",severity="warning"}'
        values: '0.2x40'
      - series: 'vpn_alert_threshold{device="asa-ams1",site="ams1",alert="invalid_spi",severity="page"}'
        values: '1x40'
      - series: 'vpn_invalid_spi_packets_total{device="asa-fra1",site="fra1"}'
        values: '100x4 100+30x15 550+300x20'
      - series: 'vpn_ipsec_packets_total{device="asa-fra1",site="fra1",tunnel="203.0.113.9",peer="203.0.113.9",direction="in"}'
        values: '1000+600x4 3400x35'
      - series: 'vpn_ipsec_packets_total{device="asa-fra1",site="fra1",tunnel="203.0.113.9",peer="203.0.113.9",direction="out"}'
        values: '1000+600x40'
      - series: 'vpn_ipsec_packets_total{device="asa-fra1",site="fra1",tunnel="203.0.113.10",peer="203.0.113.10",direction="in"}'
        values: '5000+900x40'
      - series: 'vpn_ipsec_packets_total{device="asa-fra1",site="fra1",tunnel="203.0.113.10",peer="203.0.113.10",direction="out"}'
        values: '5000+900x40'
      # Routine rekeys: 4 packets every 8 minutes.
      - series: 'vpn_invalid_spi_packets_total{device="asa-ams1",site="ams1"}'
        values: '7x7 11x7 15x7 19x7 23x7 27x4'
    alert_rule_test:
"""


def main():
    out = HEAD + T1
    out += check("4m", "VpnInvalidSpiDrops", [])
    out += check("14m", "VpnInvalidSpiDrops", [
        inv("warning", "asa-fra1", "203.0.113.9", "0.5", "203.0.113.9", site="fra1")])
    out += check("30m", "VpnInvalidSpiDrops", [
        inv("warning", "asa-fra1", "203.0.113.9", "5", "203.0.113.9", site="fra1"),
        inv("page", "asa-fra1", "203.0.113.9", "5", "203.0.113.9", site="fra1")])
    out += """
  # The page names the peer from the device's own per-peer count when it
  # has one (ASA vpn-context Bad SPI), and says "unknown" when it has
  # neither that nor a tunnel whose inbound traffic stopped.
  - interval: 1m
    input_series:
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="invalid_spi",severity="page"}'
        values: '1x30'
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="invalid_spi",severity="warning"}'
        values: '0.2x30'
      - series: 'vpn_alert_threshold{device="asa-lon1",alert="invalid_spi",severity="page"}'
        values: '1x30'
      - series: 'vpn_alert_threshold{device="asa-lon1",alert="invalid_spi",severity="warning"}'
        values: '0.2x30'
      - series: 'vpn_invalid_spi_packets_total{device="asa-fra1"}'
        values: '0+600x30'
      - series: 'vpn_ipsec_errors_total{device="asa-fra1",tunnel="198.51.100.7",peer="198.51.100.7",type="invalid_spi"}'
        values: '0+600x30'
      - series: 'vpn_ipsec_errors_total{device="asa-fra1",tunnel="198.51.100.8",peer="198.51.100.8",type="invalid_spi"}'
        values: '0x30'
      - series: 'vpn_invalid_spi_packets_total{device="asa-lon1"}'
        values: '0+600x30'
    alert_rule_test:
"""
    out += check("20m", "VpnInvalidSpiDrops", [
        inv("warning", "asa-fra1", "198.51.100.7", "10", "198.51.100.7"),
        inv("page", "asa-fra1", "198.51.100.7", "10", "198.51.100.7"),
        inv("warning", "asa-lon1", "unknown", "10"),
        inv("page", "asa-lon1", "unknown", "10")])
    out += """
  # Invalid-SPI messages (syslog) name the peer: asa-ams1 drops 3
  # packets/s (its own counter) and logs 402114 for 203.0.113.20 every 5
  # seconds, as the ASA does.  One message for 203.0.113.21 (a routine
  # rekey's straggler) names nobody, nor does the tunnel whose inbound
  # traffic stopped (the messages say better).  ssg-ber1 has no counter,
  # only its messages, one per 10 s, and thresholds below that: a warning
  # at the messages' rate.
  - interval: 1m
    input_series:
      - series: 'vpn_alert_threshold{device="asa-ams1",site="ams1",alert="invalid_spi",severity="warning"}'
        values: '0.2x30'
      - series: 'vpn_alert_threshold{device="asa-ams1",site="ams1",alert="invalid_spi",severity="page"}'
        values: '1x30'
      - series: 'vpn_alert_threshold{device="ssg-ber1",alert="invalid_spi",severity="warning"}'
        values: '0.05x30'
      - series: 'vpn_alert_threshold{device="ssg-ber1",alert="invalid_spi",severity="page"}'
        values: '0.5x30'
      - series: 'vpn_invalid_spi_packets_total{device="asa-ams1",site="ams1"}'
        values: '0x2 0+180x28'
      - series: 'vpn_invalid_spi_events_total{device="asa-ams1",site="ams1",peer="203.0.113.20"}'
        values: '0x2 0+12x28'
      - series: 'vpn_invalid_spi_events_total{device="asa-ams1",site="ams1",peer="203.0.113.21"}'
        values: '0x3 1x27'
      - series: 'vpn_ipsec_packets_total{device="asa-ams1",site="ams1",tunnel="203.0.113.30",peer="203.0.113.30",direction="in"}'
        values: '500x30'
      - series: 'vpn_ipsec_packets_total{device="asa-ams1",site="ams1",tunnel="203.0.113.30",peer="203.0.113.30",direction="out"}'
        values: '500+60x30'
      - series: 'vpn_invalid_spi_events_total{device="ssg-ber1",peer="198.51.100.9"}'
        values: '0+6x30'
    alert_rule_test:
"""
    out += check("4m", "VpnInvalidSpiDrops", [])
    out += check("15m", "VpnInvalidSpiDrops", [
        inv("warning", "asa-ams1", "203.0.113.20", "3", site="ams1"),
        inv("page", "asa-ams1", "203.0.113.20", "3", site="ams1"),
        inv("warning", "ssg-ber1", "198.51.100.9", "0.1")])
    out += """
  # A blip shorter than the window does not fire (asa-fra1), nor does a
  # counter reset (asa-ams1 rebooted, or "clear asp drop"); a per-device
  # override holds: asa-par1 (site par1) pages only above 5 packets/s, so
  # its 2/s is a warning.
  - interval: 1m
    input_series:
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="invalid_spi",severity="warning"}'
        values: '0.2x40'
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="invalid_spi",severity="page"}'
        values: '1x40'
      - series: 'vpn_alert_threshold{device="asa-ams1",alert="invalid_spi",severity="warning"}'
        values: '0.2x40'
      - series: 'vpn_alert_threshold{device="asa-ams1",alert="invalid_spi",severity="page"}'
        values: '1x40'
      - series: 'vpn_alert_threshold{device="asa-par1",site="par1",alert="invalid_spi",severity="warning"}'
        values: '1x40'
      - series: 'vpn_alert_threshold{device="asa-par1",site="par1",alert="invalid_spi",severity="page"}'
        values: '5x40'
      # One burst of 1,200 packets, then quiet.
      - series: 'vpn_invalid_spi_packets_total{device="asa-fra1"}'
        values: '10x10 1210x30'
      # Five million before a reboot, then 3 after.
      - series: 'vpn_invalid_spi_packets_total{device="asa-ams1"}'
        values: '5000000x10 0 1 2 3x27'
      # 2 packets/s: above asa-par1's warning, below its page.
      - series: 'vpn_invalid_spi_packets_total{device="asa-par1",site="par1"}'
        values: '0+120x40'
    alert_rule_test:
"""
    # With no peer named, the page waits two windows (time enough for a
    # tunnel to show its inbound stopped), then its "for".
    for t in ("4m", "10m", "13m", "16m", "30m"):
        out += check(t, "VpnInvalidSpiDrops", [] if t in ("4m", "10m") else [
            inv("warning", "asa-par1", "unknown", "2", site="par1")])
    out += """
  # A tunnel down for longer than its "for"; asa-ams1's own setting waits
  # 15 minutes.  Then asa-fra1 stops answering: its tunnel series vanish,
  # but the tunnel alert stays (under the device-unreachable alert, which
  # Alertmanager uses to inhibit it) instead of resolving into silence.
  # An on-demand tunnel idle in "init" (no SA, not broken) never fires.
  - interval: 1m
    input_series:
      - series: 'vpn_up{device="asa-fra1"}'
        values: '1x20 0x20'
      - series: 'vpn_collector_up{device="asa-fra1",collector="cisco_asa_snmp"}'
        values: '1x20 0x20'
      - series: 'vpn_tunnel_up{device="asa-fra1",tunnel="203.0.113.2",peer="203.0.113.2"}'
        values: '1 1 0x18 _x20'
      - series: 'vpn_tunnel_up{device="asa-fra1",tunnel="203.0.113.3",peer="203.0.113.3"}'
        values: '1x20 _x20'
      - series: 'vpn_tunnel_up{device="asa-fra1",tunnel="on-demand",peer="203.0.113.4"}'
        values: '0x20 _x20'
      - series: 'vpn_tunnel_state{device="asa-fra1",tunnel="on-demand",peer="203.0.113.4",vpn_tunnel_state="init"}'
        values: '1x20 _x20'
      - series: 'vpn_up{device="asa-ams1",site="ams1"}'
        values: '1x40'
      - series: 'vpn_tunnel_up{device="asa-ams1",site="ams1",tunnel="198.51.100.1",peer="198.51.100.1"}'
        values: '1 0x39'
    alert_rule_test:
"""
    fra = ({"severity": "page", "alert_for": "5m", "device": "asa-fra1",
            "tunnel": "203.0.113.2", "peer": "203.0.113.2"},
           ann_tunnel_down("asa-fra1", "203.0.113.2", "203.0.113.2"))
    ams = ({"severity": "page", "alert_for": "15m", "device": "asa-ams1",
            "site": "ams1", "tunnel": "198.51.100.1", "peer": "198.51.100.1"},
           ann_tunnel_down("asa-ams1", "198.51.100.1", "198.51.100.1"))
    out += check("5m", "VpnTunnelDown", [])
    out += check("10m", "VpnTunnelDown", [fra])
    out += check("20m", "VpnTunnelDown", [fra, ams])
    out += check("30m", "VpnTunnelDown", [fra, ams])
    out += check("30m", "VpnDeviceUnreachable", [(
        {"severity": "page", "device": "asa-fra1"},
        {"summary": "vpn_exporter cannot collect from asa-fra1",
         "description": "No collector of asa-fra1 succeeded; its tunnel alerts are held under this one.",
         "runbook_url": RB % "device_unreachable"})])
    out += """
  # Flapping, an SA running out without a rekey, SPIs that disagree, IPsec
  # errors, one collector of two failing, stale data.
  - interval: 1m
    input_series:
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="tunnel_flapping",severity="warning"}'
        values: '4x40'
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="sa_expiring",severity="warning"}'
        values: '120x40'
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="ipsec_errors",severity="warning"}'
        values: '1x40'
      - series: 'vpn_alert_threshold{device="asa-fra1",alert="stale_data",severity="warning"}'
        values: '180x40'
      - series: 'vpn_tunnel_up{device="asa-fra1",tunnel="203.0.113.4",peer="203.0.113.4"}'
        values: '1 0 1 0 1 0 1x34'
      - series: 'vpn_ipsec_sa_lifetime_remaining_seconds{device="asa-fra1",tunnel="203.0.113.5",peer="203.0.113.5"}'
        values: '600-60x10 0x30'
      - series: 'vpn_spi_mismatch{device="asa-fra1",tunnel="203.0.113.6",peer="203.0.113.6",peer_device="asa-par2"}'
        values: '0x5 1x35'
      - series: 'vpn_ipsec_errors_total{device="asa-fra1",tunnel="203.0.113.7",peer="203.0.113.7",type="decrypt"}'
        values: '0+150x40'
      - series: 'vpn_ipsec_errors_total{device="asa-fra1",tunnel="203.0.113.7",peer="203.0.113.7",type="replay"}'
        values: '0+30x40'
      - series: 'vpn_collector_up{device="asa-fra1",collector="cisco_asa_snmp"}'
        values: '1x40'
      - series: 'vpn_collector_up{device="asa-fra1",collector="cisco_asa_ssh"}'
        values: '1x5 0x35'
      - series: 'vpn_collect_timestamp_seconds{device="asa-fra1"}'
        values: '0+60x10 600x30'
    alert_rule_test:
"""
    out += check("5m", "VpnTunnelFlapping", [({"severity": "warning", "device": "asa-fra1", "tunnel": "203.0.113.4", "peer": "203.0.113.4"}, {
        "summary": "asa-fra1: tunnel to 203.0.113.4 is flapping",
        "description": "The tunnel 203.0.113.4 went up or down 5 times in the window.",
        "runbook_url": RB % "tunnel_flapping"})])
    out += check("7m", "VpnSaExpiringWithoutRekey", [])
    out += check("12m", "VpnSaExpiringWithoutRekey", [({"severity": "warning", "device": "asa-fra1", "tunnel": "203.0.113.5", "peer": "203.0.113.5"}, {
        "summary": "asa-fra1: the SA to 203.0.113.5 expires without a rekey",
        "description": "The current IPsec SA of 203.0.113.5 has 0s left and no new SA replaced it.",
        "runbook_url": RB % "sa_expiring"})])
    out += check("6m", "VpnSpiMismatch", [])
    out += check("10m", "VpnSpiMismatch", [({"severity": "page", "device": "asa-fra1", "tunnel": "203.0.113.6", "peer": "203.0.113.6", "peer_device": "asa-par2"}, {
        "summary": "asa-fra1 and asa-par2 disagree on the SPIs of 203.0.113.6",
        "description": "The outbound SPI of one end is not an inbound SPI of the other (a one-sided rekey). Clear the SAs of the tunnel on both ends.",
        "runbook_url": RB % "spi_mismatch"})])
    out += check("20m", "VpnIpsecErrors", [({"severity": "warning", "device": "asa-fra1", "tunnel": "203.0.113.7", "peer": "203.0.113.7"}, {
        "summary": "asa-fra1: IPsec errors on the tunnel to 203.0.113.7",
        "description": "3 decryption, authentication or replay errors per second.",
        "runbook_url": RB % "ipsec_errors"})])
    out += check("20m", "VpnCollectorFailing", [({"severity": "warning", "device": "asa-fra1", "collector": "cisco_asa_ssh"}, {
        "summary": "asa-fra1: collector cisco_asa_ssh is failing",
        "description": "The other collectors of the device still work; the fields this one is the source of are absent.",
        "runbook_url": RB % "collector_failing"})])
    out += check("20m", "VpnDeviceUnreachable", [])
    out += check("12m", "VpnStaleData", [])
    out += check("16m", "VpnStaleData", [({"severity": "warning", "device": "asa-fra1"}, {
        "summary": "asa-fra1: data is 6m 0s old",
        "description": "The exporter has not completed a poll of the device for longer than the threshold (a stuck or overloaded poller).",
        "runbook_url": RB % "stale_data"})])
    out += """
  # The exporter itself: down, or running on its old configuration.
  - interval: 1m
    input_series:
      - series: 'up{job="vpn_exporter",instance="vpn-exporter-0:10039"}'
        values: '1x5 0x10'
      - series: 'vpn_exporter_config_last_reload_successful{job="vpn_exporter",instance="vpn-exporter-0:10039"}'
        values: '1x2 0x13'
    alert_rule_test:
"""
    out += check("6m", "VpnExporterDown", [])
    lab = {"job": "vpn_exporter", "instance": "vpn-exporter-0:10039"}
    out += check("9m", "VpnExporterDown", [({"severity": "page", **lab}, {
        "summary": "vpn_exporter vpn-exporter-0:10039 is down",
        "description": "Prometheus cannot scrape the exporter; every VPN alert it feeds is silent.",
        "runbook_url": RB % "exporter_down"})])
    out += check("9m", "VpnExporterConfigReloadFailed", [({"severity": "warning", **lab}, {
        "summary": "vpn_exporter refused its new configuration",
        "description": "The previous configuration keeps running; the log names each error as file:line:col.",
        "runbook_url": RB % "reload_failed"})])
    sys.stdout.write(out)


main()
