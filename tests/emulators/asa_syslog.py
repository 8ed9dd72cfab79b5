#!/usr/bin/env python3
"""An ASA of the model (asa_model.py) logging its invalid-SPI drops by
syslog, as a real one does: %ASA-4-402114 naming the peer, the SPI it
sent with and the local address, at most once every 5 seconds per peer
(the ASA's rate limit), over UDP to a syslog listener.

Every --every seconds it computes the device's state at t = now - start
and, for each tunnel whose invalid-SPI drops grew since the last look,
sends one message if the peer's last one is at least --limit seconds old.
The SPI is the one the peer sends with: its current outbound SPI while
the two ends disagree (a one-sided rekey); after a routine rekey, the
few stragglers carry the SA that just expired.

Usage: asa_syslog.py --scenario S --device NAME --to HOST:PORT
                     [--start EPOCH] [--source ADDR] [--every 1]
                     [--limit 5] [--count-file FILE]
Runs until SIGTERM or SIGINT.  --count-file: the messages sent per peer,
as JSON, rewritten after each one (for tests).
"""

import argparse
import json
import os
import signal
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

import asa_model  # noqa: E402
from syslogsend import asa_invalid_spi, frame, split_addr  # noqa: E402


def offending_spi(tun):
    """The SPI the peer's dropped packets carry (int)."""
    for child in tun["children"]:
        if not child["spis_match"] and child["peer_spis"]:
            return int(child["peer_spis"]["spi_out"], 16)
    for child in tun["children"]:
        for sa in child["sas"]:
            if sa["state"] == "expiring":
                return int(sa["spi_in"], 16)
    child = tun["children"][0]
    return int(child["peer_spis"]["spi_out"], 16) if child["peer_spis"] \
        else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--device", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--start", type=float)
    ap.add_argument("--source", default="127.0.0.1")
    ap.add_argument("--every", type=float, default=1.0)
    ap.add_argument("--limit", type=float, default=5.0)
    ap.add_argument("--count-file")
    a = ap.parse_args(argv)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    # A parent that waits in sigwait() (lab.py) passes its mask on.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM,
                                                signal.SIGINT})
    start = a.start if a.start is not None else time.time()
    sc = asa_model.load(a.scenario)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((a.source, 0))
    dst = split_addr(a.to)
    seen, last, sent = {}, {}, {}
    while not stop:
        now = time.time()
        truth = asa_model.world(sc, now - start).truth(a.device)
        for peer, tun in truth["tunnels"].items():
            drops = tun["invalid_spi"]
            grew = drops > seen.get(peer, drops)
            seen[peer] = drops
            if not grew or now - last.get(peer, 0) < a.limit:
                continue
            msg = frame(asa_invalid_spi(peer, offending_spi(tun),
                                        truth["address"]),
                        host=truth["hostname"], when=now)
            try:
                sock.sendto(msg.encode(), dst)
            except OSError:
                continue
            last[peer] = now
            sent[peer] = sent.get(peer, 0) + 1
            if a.count_file:
                tmp = a.count_file + ".tmp"
                with open(tmp, "w") as f:
                    json.dump(sent, f)
                os.replace(tmp, a.count_file)
        nxt = now + a.every
        while not stop and time.time() < nxt:
            time.sleep(min(0.2, max(0.0, nxt - time.time())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
