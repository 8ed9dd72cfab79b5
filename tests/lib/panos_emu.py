"""The PAN-OS XML API emulator (tests/emulators/panos/panos_api.py) for
tests, the demo lab and the benchmark, and the certificates it serves.

  pki = make_pki(workdir)            # a CA and a server certificate for
                                     # 127.0.0.1, made with the openssl CLI
  fw = Panos(workdir, pki, {"user": "monitor", "password": "pw",
                            "tunnels": [...]})
  fw.port, fw.control({...}), fw.stats(), fw.stop()
  fw.collector_yaml(...)             # the paloalto_api options for it

A missing openssl skips the test, or fails it under CI=true.
"""

import json
import os
import re
import ssl
import subprocess
import sys
import urllib.request

from vxtest import EMULATORS, Proc, need_binary, wait_until

EMULATOR = os.path.join(EMULATORS, "panos", "panos_api.py")


def _openssl(*args, cwd):
    subprocess.run([need_binary("openssl"), *args], cwd=cwd, check=True,
                   capture_output=True)


def _ca(d, name):
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
             "-subj", f"/CN={name}", "-keyout", f"{name}.key", "-out",
             f"{name}.pem", cwd=d)


def make_pki(workdir, name="pki"):
    """A CA (ca.pem), a server certificate for 127.0.0.1 and localhost
    signed by it (server.pem, server.key), and another CA that signed
    nothing we serve (other-ca.pem).  Returns a dict of paths."""
    d = os.path.join(workdir, name)
    os.makedirs(d, exist_ok=True)
    _ca(d, "ca")
    _ca(d, "other-ca")
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\n")
    _openssl("req", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
             "/CN=pa-emu", "-keyout", "server.key", "-out", "server.csr",
             cwd=d)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
             "ca.key", "-CAcreateserial", "-days", "2", "-extfile",
             "san.ext", "-out", "server.pem", cwd=d)
    return {k: os.path.join(d, f) for k, f in (
        ("ca", "ca.pem"), ("other_ca", "other-ca.pem"),
        ("cert", "server.pem"), ("key", "server.key"))}


class Panos:
    """One emulated firewall on a free loopback port."""

    def __init__(self, workdir, pki, scenario, name="panos", port=0):
        self.workdir = workdir
        self.pki = pki
        self.name = name
        self.scenario = dict(scenario)
        path = os.path.join(workdir, f"{name}.json")
        with open(path, "w") as f:
            json.dump(self.scenario, f)
        self.proc = Proc([sys.executable, EMULATOR, "--cert", pki["cert"],
                          "--key", pki["key"], "--scenario", path,
                          "--port", str(port)], name, workdir)
        m = wait_until(self._listening, timeout=20, what=f"{name} listening")
        self.port = int(m.group(1))
        self.url = f"https://127.0.0.1:{self.port}"
        self._ctx = ssl.create_default_context(cafile=pki["ca"])

    def _listening(self):
        if not self.proc.alive():
            raise AssertionError(f"{self.name} exited:\n" + self.proc.log())
        return re.search(r"listening on https://127\.0\.0\.1:(\d+)",
                         self.proc.log())

    def _call(self, path, data=None):
        req = urllib.request.Request(self.url + path, data=data,
                                     method="POST" if data else "GET")
        with urllib.request.urlopen(req, context=self._ctx,
                                    timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def control(self, change):
        """Changes the model: tunnel states and counters, faults, keys."""
        return self._call("/_emu/control", json.dumps(change).encode())

    def stats(self):
        """{"tunnels": [...], "stats": {"requests": {cmd: n}, "keygens",
        "refused", "max_inflight", "violations"}}."""
        return self._call("/_emu/stats")

    def collector_yaml(self, secrets_dir, ca=None, extra=None, indent=8):
        """The paloalto_api options for this firewall, with the username
        and password in files under secrets_dir."""
        os.makedirs(secrets_dir, exist_ok=True)
        user = os.path.join(secrets_dir, f"{self.name}.user")
        pw = os.path.join(secrets_dir, f"{self.name}.password")
        for path, value in ((user, self.scenario.get("user", "monitor")),
                            (pw, self.scenario.get("password", ""))):
            with open(path, "w") as f:
                f.write(value + "\n")
            os.chmod(path, 0o600)
        opts = {"port": self.port, "username_file": user,
                "password_file": pw, "ca_file": ca or self.pki["ca"]}
        opts.update(extra or {})
        pad = " " * indent
        return "".join(f"{pad}{k}: {json.dumps(v) if not isinstance(v, str) else v}\n"
                       for k, v in opts.items())

    def log(self):
        return self.proc.log()

    def stop(self):
        return self.proc.stop()
