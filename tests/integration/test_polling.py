"""Background polling: a device that keeps failing is polled less and less
often (backoff with jitter), and logged at growing intervals, while a
healthy device beside it keeps its interval."""

import socket
import time

from vxtest import (Exporter, TmpDirTest, find, gen_asa, main,
                    parse_metrics, Snmpsim, wait_until)


class Polling(TmpDirTest):
    def test_dead_device_backs_off(self):
        # A loopback port that never answers: bound, never read.
        dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        dead.bind(("127.0.0.1", 0))
        self.addCleanup(dead.close)
        path, _ = gen_asa(self.workdir, "ok", "--tunnels", "2")
        agent = self.track(Snmpsim(self.workdir, {"ok": path}))
        ex = self.track(Exporter(self.workdir, f"""defaults:
  interval: 1s
  timeout: 500ms
  retries: 0
devices:
  - name: dead
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {dead.getsockname()[1]}, community: x}}
  - name: ok
    vendor: cisco_asa
    address: 127.0.0.1
    collectors:
      cisco_asa_snmp: {{port: {agent.port}, community: ok}}
"""))
        wait_until(lambda: find(parse_metrics(ex.metrics()),
                                "vpn_exporter_collect_errors_total",
                                device="dead", reason="timeout") == [1],
                   timeout=10, what="the first failed poll")
        t0 = time.monotonic()
        first = find(parse_metrics(ex.metrics()), "vpn_collect_timestamp_seconds",
                     device="ok")[0]
        time.sleep(14)
        smp = parse_metrics(ex.metrics())
        fails = find(smp, "vpn_exporter_collect_errors_total", device="dead",
                     reason="timeout")[0]
        # Every interval this would be about 15; backing off (2, 4, 8 s,
        # +-10%) it is 3 or 4.
        self.assertGreaterEqual(fails, 3)
        self.assertLessEqual(fails, 5)
        # The healthy device kept its interval meanwhile.
        last = find(smp, "vpn_collect_timestamp_seconds", device="ok")[0]
        self.assertGreater(last - first, time.monotonic() - t0 - 3)
        self.assertEqual(find(smp, "vpn_up", device="ok"), [1])
        # One error line, not one per poll (repeats wait a minute).
        lines = [l for l in ex.log().splitlines()
                 if "level=error" in l and "device=dead" in l]
        self.assertEqual(len(lines), 1, lines)


if __name__ == "__main__":
    main()
