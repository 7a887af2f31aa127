"""The small site ``sphinx-policy scan`` is tested on: two local origins.

The shop (``http://127.0.0.1:<port>/``) sets a first-party session cookie in its
response and more cookies and storage from its scripts (``tests/scan_site``); the
"third party" (``http://localhost:<other port>/``, another site to the browser) sets a
cookie from a tracking pixel. Both only listen on the loopback interface.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SITE = Path(__file__).parent / "scan_site"
PIXEL = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00"
         b"\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


@dataclass
class Sites:
    shop: str  # base URL of the first party, ending in /
    third: str  # base URL of the third party
    third_paths: list[str] = field(default_factory=list)  # what the third party was asked


def _server(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.HTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                     daemon=True).start()
    return server


@contextmanager
def scan_sites() -> Iterator[Sites]:
    sites = Sites("", "")

    class Shop(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            name = self.path.split("?")[0].lstrip("/") or "good.html"
            path = SITE / name
            if "/" in name or not path.is_file():
                self.send_error(404)
                return
            body = path.read_text("utf-8").replace("THIRD/", sites.third).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Set-Cookie", "site_session=s1; Path=/; HttpOnly; SameSite=Lax")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Third(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            sites.third_paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            # Cross-site: only a SameSite=None cookie is stored, and that must be Secure
            # (which Chromium allows on http://localhost).
            self.send_header("Set-Cookie",
                             "tp_id=t1; Max-Age=86400; Path=/; SameSite=None; Secure")
            self.send_header("Content-Length", str(len(PIXEL)))
            self.end_headers()
            self.wfile.write(PIXEL)

    shop, third = _server(Shop), _server(Third)
    sites.shop = f"http://127.0.0.1:{shop.server_address[1]}/"
    sites.third = f"http://localhost:{third.server_address[1]}/"
    try:
        yield sites
    finally:
        for server in (shop, third):
            server.shutdown()
            server.server_close()
