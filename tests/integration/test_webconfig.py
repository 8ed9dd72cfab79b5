"""--web.config.file against the real daemon: TLS, basic auth with bcrypt,
client certificates, and a bad web config refused at startup.

Certificates are made here with the openssl command line tool; the
bcrypt hash was made with htpasswd (tests/fixtures/webcfg/README.md)."""

import base64
import os
import socket
import ssl
import subprocess
import urllib.error

from vxtest import (VX_BIN, Exporter, TmpDirTest, http_get, main, make_ca,
                    make_cert, wait_until)

CONFIG = "devices: []\n"
# alice / al1ce-pw, cost 4 (htpasswd -nbB -C 4 alice al1ce-pw)
ALICE = "$2y$04$U2Vp5TQbz5UGSRoLYz6MiePMDui3/Hh750xPRoUsGKik7UICRh8ey"


class WebConfig(TmpDirTest):
    def setUp(self):
        super().setUp()
        d = self.workdir
        make_ca(d, "ca")
        make_ca(d, "otherca")
        make_cert(d, "server", "ca", "DNS:localhost,IP:127.0.0.1",
                  "serverAuth")
        make_cert(d, "client", "ca", "DNS:scraper.example", "clientAuth")
        make_cert(d, "client2", "ca", "DNS:intruder.example", "clientAuth")
        make_cert(d, "stranger", "otherca", "DNS:scraper.example",
                  "clientAuth")
        make_cert(d, "serveronly", "ca", "DNS:scraper.example",
                  "serverAuth")

    # -- helpers --

    def start(self, web_yaml, wait=True):
        path = os.path.join(self.workdir, "web.yml")
        with open(path, "w") as f:
            f.write(web_yaml)
        ex = self.track(Exporter(self.workdir, CONFIG,
                                 extra_args=[f"--web.config.file={path}"],
                                 wait_ready=False))
        ex.https = f"https://127.0.0.1:{ex.port}"
        if wait:
            def up():
                if not ex.proc.alive():
                    raise AssertionError(
                        f"exporter exited with {ex.proc.p.returncode}:\n"
                        + ex.log())
                try:
                    with socket.create_connection(("127.0.0.1", ex.port),
                                                  timeout=1):
                        return True
                except OSError:
                    return False
            wait_until(up, timeout=20, what="exporter listening")
        return ex

    def ctx(self, client=None, maximum=None):
        c = ssl.create_default_context(
            cafile=os.path.join(self.workdir, "ca.pem"))
        if client:
            c.load_cert_chain(os.path.join(self.workdir, f"{client}.pem"),
                              os.path.join(self.workdir, f"{client}.key"))
        if maximum:
            c.maximum_version = maximum
        return c

    def get(self, ex, path="/metrics", user=None, password=None, ctx=None):
        headers = {}
        if user is not None:
            tok = base64.b64encode(f"{user}:{password}".encode()).decode()
            headers["Authorization"] = f"Basic {tok}"
        return http_get(ex.https + path, headers=headers,
                        context=ctx or self.ctx(), timeout=20)

    # -- scenarios --

    def test_plain_http_without_web_config(self):
        ex = self.track(Exporter(self.workdir, CONFIG))
        self.assertIn("vpn_exporter_build_info", ex.metrics())

    def test_tls_and_basic_auth(self):
        ex = self.start(
            "tls_server_config:\n"
            "  cert_file: server.pem\n"      # relative to web.yml
            "  key_file: server.key\n"
            "http_server_config:\n"
            "  headers:\n"
            "    X-Frame-Options: deny\n"
            "    X-Content-Type-Options: nosniff\n"
            "basic_auth_users:\n"
            f"  alice: {ALICE}\n")

        # Plain HTTP on the TLS port gets no metrics.
        try:
            status, _, body = http_get(ex.url + "/metrics", timeout=10)
        except (OSError, urllib.error.URLError, ConnectionError) as e:
            status, body = None, repr(e).encode()
        self.assertNotEqual(status, 200)
        self.assertNotIn(b"vpn_exporter_build_info", body)

        # A client that does not trust our CA refuses the server.
        with self.assertRaises(urllib.error.URLError) as cm:
            http_get(ex.https + "/metrics",
                     context=ssl.create_default_context(), timeout=10)
        self.assertIsInstance(cm.exception.reason, ssl.SSLCertVerificationError)

        # Basic auth over TLS.
        status, hdrs, _ = self.get(ex)
        self.assertEqual(status, 401)
        self.assertEqual(hdrs.get("www-authenticate"),
                         'Basic realm="vpn_exporter"')
        self.assertEqual(hdrs.get("x-frame-options"), "deny")
        self.assertEqual(hdrs.get("x-content-type-options"), "nosniff")
        self.assertEqual(self.get(ex, user="alice", password="wrong")[0], 401)
        self.assertEqual(self.get(ex, user="alice", password="")[0], 401)
        self.assertEqual(self.get(ex, user="mallory",
                                  password="al1ce-pw")[0], 401)
        for _ in range(3):  # the later ones come from the cache
            status, hdrs, body = self.get(ex, user="alice",
                                          password="al1ce-pw")
            self.assertEqual(status, 200)
            self.assertIn(b"vpn_exporter_build_info", body)
            self.assertEqual(hdrs.get("x-frame-options"), "deny")
            self.assertNotIn("www-authenticate", hdrs)
        # Every path is behind auth.
        for path in ("/", "/-/healthy", "/probe?target=x", "/nope"):
            self.assertEqual(self.get(ex, path)[0], 401, path)
        status, _, _ = http_get(ex.https + "/-/reload", method="POST",
                                data=b"", context=self.ctx(), timeout=20)
        self.assertEqual(status, 401)
        # Neither the password nor the hash reaches the log.
        log = ex.log()
        self.assertNotIn("al1ce-pw", log)
        self.assertNotIn(ALICE[7:], log)
        self.assertTrue(ex.proc.alive())

    def test_tls_versions(self):
        ex = self.start("tls_server_config:\n"
                        "  cert_file: server.pem\n  key_file: server.key\n"
                        "  min_version: TLS13\n")
        with socket.create_connection(("127.0.0.1", ex.port)) as s:
            with self.ctx().wrap_socket(s, server_hostname="127.0.0.1") as t:
                self.assertEqual(t.version(), "TLSv1.3")
        with self.assertRaises(urllib.error.URLError):
            http_get(ex.https + "/metrics", timeout=10,
                     context=self.ctx(maximum=ssl.TLSVersion.TLSv1_2))
        self.assertEqual(self.get(ex)[0], 200)

    def test_require_and_verify_client_cert(self):
        ex = self.start(
            "tls_server_config:\n"
            "  cert_file: server.pem\n  key_file: server.key\n"
            "  client_auth_type: RequireAndVerifyClientCert\n"
            "  client_ca_file: ca.pem\n"
            "  client_allowed_sans: [scraper.example]\n")

        def status(client):
            try:
                return self.get(ex, ctx=self.ctx(client))[0]
            except (urllib.error.URLError, OSError) as e:
                return f"refused: {e}"

        # No certificate, a certificate from another CA, one from our CA
        # but not for TLS clients, one without an allowed SAN: rejected.
        for client in (None, "stranger", "serveronly", "client2"):
            self.assertEqual(status(client), 403, client)
        self.assertEqual(status("client"), 200)
        self.assertRegex(ex.log(), r"403 for 127\.0\.0\.1: no client "
                         r"certificate")
        self.assertRegex(ex.log(), r"403 for 127\.0\.0\.1: client "
                         r"certificate not valid")
        self.assertRegex(ex.log(), r"403 for 127\.0\.0\.1: no SAN")

    def test_require_any_client_cert_and_basic_auth(self):
        ex = self.start(
            "tls_server_config:\n"
            "  cert_file: server.pem\n  key_file: server.key\n"
            "  client_auth_type: RequireAnyClientCert\n"
            "  client_ca_file: ca.pem\n"
            f"basic_auth_users: {{alice: '{ALICE}'}}\n")
        # Any certificate will do, but one is needed, and so is a password.
        self.assertEqual(self.get(ex, user="alice", password="al1ce-pw")[0],
                         403)
        self.assertEqual(self.get(ex, ctx=self.ctx("stranger"))[0], 401)
        self.assertEqual(self.get(ex, ctx=self.ctx("stranger"), user="alice",
                                  password="al1ce-pw")[0], 200)

    def test_bad_web_config_stops_startup(self):
        cases = [
            ("tls_server_config:\n  cert_file: server.pem\n"
             "  key_fil: server.key\n",
             [r"web\.yml:3:3: unknown key 'key_fil' in tls_server_config "
              r"\(did you mean 'key_file'\?\)",
              r"web\.yml:2:3: missing required key 'key_file'"]),
            ("tls_server_config:\n  cert_file: nope.pem\n"
             "  key_file: server.key\n",
             [r"web\.yml:2:14: cannot read cert_file '.*/nope\.pem': No "
              r"such file or directory"]),
            ("basic_auth_users:\n  alice: al1ce-pw\n",
             [r"web\.yml:2:10: the password of user 'alice' in "
              r"basic_auth_users is not a bcrypt hash"]),
        ]
        for text, patterns in cases:
            ex = self.start(text, wait=False)
            wait_until(lambda: not ex.proc.alive(), timeout=20,
                       what="exporter to exit")
            self.assertNotEqual(ex.proc.p.returncode, 0)
            log = ex.log()
            for p in patterns:
                self.assertRegex(log, p)
            self.assertNotIn("al1ce-pw", log)  # never quoted
            self.assertNotIn("listening on", log)
            # --dry-run checks the web configuration too.
            cfg = os.path.join(self.workdir, "dry.yml")
            with open(cfg, "w") as f:
                f.write(CONFIG)
            r = subprocess.run(
                [VX_BIN, f"--config.file={cfg}", "--dry-run",
                 "--web.config.file=" + os.path.join(self.workdir,
                                                     "web.yml")],
                capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            for p in patterns:
                self.assertRegex(r.stderr, p)
            self.assertNotIn("configuration OK", r.stdout)


if __name__ == "__main__":
    main()
