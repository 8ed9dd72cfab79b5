"""A real browser for the tests: Debian's chromium, headless, one fresh
profile per run, loopback only.

  b = Chromium(workdir)
  dom = b.dump_dom(url)                  # the DOM after the page loaded
  b.screenshot(url, path, 1400, 1000)    # a PNG of the viewport

The flags keep a headless Chromium on a closed network quiet: no
background services, updates, sync or QUIC probes.  A missing chromium
skips the test (fails it under CI=true).
"""

import os
import struct
import subprocess
import tempfile

from vxtest import need_binary

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


class Chromium:
    def __init__(self, workdir):
        self.bin = need_binary("chromium")
        self.workdir = workdir

    def _run(self, args, timeout=90):
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.workdir)
        r = subprocess.run([self.bin, *FLAGS, f"--user-data-dir={profile}",
                            *args], capture_output=True, timeout=timeout)
        if r.returncode != 0:
            raise AssertionError(f"chromium {args}: exit {r.returncode}:\n"
                                 + r.stderr.decode(errors="replace"))
        return r.stdout.decode("utf-8", errors="replace")

    def dump_dom(self, url):
        """The serialised DOM once the page has loaded (scripts run)."""
        return self._run(["--dump-dom", url])

    def screenshot(self, url, path, width=1400, height=1000):
        self._run([f"--window-size={width},{height}",
                   f"--screenshot={path}", url])
        return png_size(path)


def png_size(path):
    """(width, height) of a PNG file; fails if it is not one."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise AssertionError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def keep_artifact(src, name):
    """Copies a test output where it survives the work directory:
    $VX_BUILD_DIR/artifacts/NAME; and into docs/img/NAME when
    VX_UPDATE_SCREENSHOTS=1 (to refresh the README's pictures)."""
    out = []
    build = os.environ.get("VX_BUILD_DIR")
    dests = [os.path.join(build, "artifacts")] if build else []
    if os.environ.get("VX_UPDATE_SCREENSHOTS") == "1":
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        dests.append(os.path.join(root, "docs", "img"))
    for d in dests:
        os.makedirs(d, exist_ok=True)
        dst = os.path.join(d, name)
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        out.append(dst)
    return out
