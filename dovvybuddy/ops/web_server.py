"""Serve the chat widget and its demo page (`web/`) with the standard library.

`python -m dovvybuddy.ops.web_server` listens on DOVVY_BIND_HOST:DOVVY_WEB_PORT;
`make run` starts it with the rest of the stack. It serves the files in
`web/` and nothing else:

- `index.html`, the demo page, with `{{RASA_URL}}` replaced by the address
  where the browser reaches the Rasa server, and a Content-Security-Policy
  that lets the page talk to that address only;
- the widget's script and stylesheet with `Cache-Control: no-cache`, so an
  edited widget is picked up on the next reload;
- `openapi.json`, the contract of the chat API the widget talks to;
- `GET /health` -> `{"status": "ok"}` for the stack's start-up check;
- the pages behind the signed links in lead emails, `/leads/contacted` and
  `/leads/withdraw` (GET shows a button, its POST acts:
  `dovvybuddy.ops.lead_pages`), the only routes that use the database.

Anything else, including any path that leaves `web/`, is a 404; a method
other than GET, HEAD and POST (POST on the lead links only) is a 405.
"""

from __future__ import annotations

import html
import logging
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from dovvybuddy.common.json_logging import configure_json_logging
from dovvybuddy.common.settings import PROJECT_ROOT, Settings, load_settings
from dovvybuddy.leads.links import MAX_TOKEN_CHARS
from dovvybuddy.ops.lead_pages import (
    PAGE_SECURITY_POLICY,
    PURPOSE_OF_PATH,
    Page,
    answer_link,
    page,
)

logger = logging.getLogger(__name__)

WEB_ROOT = PROJECT_ROOT / "web"
RASA_URL_PLACEHOLDER = "{{RASA_URL}}"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# A host name, an IPv4 address or a bracketed IPv6 address, and an optional
# port: the Host header is client input that ends up in the page and in a
# response header, so anything else is ignored.
HOST_HEADER = re.compile(r"^(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
# A link's form carries one token: a bigger body is not one of ours.
MAX_FORM_BYTES = 4 * MAX_TOKEN_CHARS
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class BadRequest(Exception):
    """A request the lead links cannot read; its message is the page's text."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def form_token(fields: str) -> str:
    """The `token` field of a query string or form body ('' when absent)."""
    try:
        values = parse_qs(fields, max_num_fields=4)
    except ValueError as error:
        raise BadRequest(HTTPStatus.BAD_REQUEST, "Too many fields.") from error
    return values.get("token", [""])[0]


def browser_rasa_url(settings: Settings, host_header: str | None) -> str:
    """The Rasa address as the browser that sent `host_header` can reach it.

    DOVVY_PUBLIC_RASA_URL wins (behind a proxy with TLS). On loopback it is
    `settings.rasa_url`. When the servers listen on every interface (a
    container, a LAN demo), the browser reached this page by some name or
    address of this machine, and Rasa listens on the same one.
    """
    if settings.public_rasa_url:
        return settings.public_rasa_url
    if settings.bind_host in LOOPBACK_HOSTS:
        return settings.rasa_url
    match = HOST_HEADER.match(host_header or "")
    if not match:
        return settings.rasa_url
    return f"http://{match['host']}:{settings.rasa_port}"


def content_security_policy(rasa_url: str) -> str:
    """Same-origin scripts and styles only; chat requests only to Rasa."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            # The bot may send images from anywhere on the web; the widget
            # only shows http(s) ones.
            "img-src 'self' data: https: http:",
            f"connect-src {rasa_url}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def resolve_static_file(url_path: str) -> Path | None:
    """The file in `web/` that `url_path` names, or None if there is none.

    The path is decoded first, so `%2e%2e/` is caught like `../`; a path
    that resolves outside `web/` (symbolic links included) is refused.
    """
    relative = unquote(url_path).lstrip("/") or "index.html"
    root = WEB_ROOT.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    if candidate.suffix not in CONTENT_TYPES:
        return None
    return candidate


class WebHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the health check and the files in `web/`."""

    server_version = "DovvyBuddyWeb"
    sys_version = ""
    settings: Settings  # set by make_server()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/health":
            self._send(HTTPStatus.OK, b'{"status":"ok"}', "application/json")
            return
        if path in PURPOSE_OF_PATH:
            self._lead_link(path, act=False)
            return
        file = resolve_static_file(path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8")
            return
        body = file.read_bytes()
        extra_headers = {}
        if file.suffix == ".html":
            rasa_url = browser_rasa_url(self.settings, self.headers.get("Host"))
            body = body.replace(
                RASA_URL_PLACEHOLDER.encode(), html.escape(rasa_url, quote=True).encode()
            )
            extra_headers["Content-Security-Policy"] = content_security_policy(rasa_url)
        self._send(HTTPStatus.OK, body, CONTENT_TYPES[file.suffix], extra_headers)

    do_HEAD = do_GET  # _send leaves the body out

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path not in PURPOSE_OF_PATH:
            self._method_not_allowed()
            return
        self._lead_link(path, act=True)

    def __getattr__(self, name: str) -> Any:
        # The standard library answers a method without a do_<METHOD> with 501,
        # a server error; to a client that sent PUT, DELETE or anything else
        # the answer is 405.
        if name.startswith("do_"):
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self.close_connection = True  # a body we did not read may follow
        path = urlsplit(self.path).path
        allowed = "GET, HEAD, POST" if path in PURPOSE_OF_PATH else "GET, HEAD"
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            b"Method not allowed\n",
            "text/plain; charset=utf-8",
            {"Allow": allowed},
        )

    def _lead_link(self, path: str, act: bool) -> None:
        try:
            token = form_token(urlsplit(self.path).query)
            if act:
                token = form_token(self._read_form()) or token
        except BadRequest as error:
            self.close_connection = True
            self._send_page(page(error.status, "This request cannot be read", str(error)))
            return
        self._send_page(answer_link(self.settings, path, token, act))

    def _read_form(self) -> str:
        """The POST body, a small url-encoded form (a missing body is an empty one)."""
        if "Transfer-Encoding" in self.headers:
            raise BadRequest(HTTPStatus.LENGTH_REQUIRED, "Send the form with a Content-Length.")
        raw_length = self.headers.get("Content-Length", "0").strip() or "0"
        if not raw_length.isascii() or not raw_length.isdigit():
            raise BadRequest(HTTPStatus.BAD_REQUEST, "Content-Length is not a number.")
        length = int(raw_length)
        if length > MAX_FORM_BYTES:
            raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The form is too large.")
        content_type = self.headers.get("Content-Type", FORM_CONTENT_TYPE)
        body = self.rfile.read(length)
        if content_type.split(";")[0].strip().lower() != FORM_CONTENT_TYPE:
            raise BadRequest(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"Send the token as {FORM_CONTENT_TYPE}."
            )
        return body.decode("utf-8", errors="replace")

    def _send_page(self, page: Page) -> None:
        self._send(
            page.status,
            page.html,
            CONTENT_TYPES[".html"],
            {"Content-Security-Policy": PAGE_SECURITY_POLICY, "X-Robots-Tag": "noindex"},
            cache="no-store",  # the page holds the token
        )

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
        cache: str = "no-cache",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Only the path, never a query string, and only when debugging.
        # A request line too long to read (414) leaves no path.
        logger.debug("%s %s %s", self.command, urlsplit(getattr(self, "path", "")).path, code)

    def log_message(self, format: str, *args: object) -> None:
        logger.warning("%s: %s", self.address_string(), format % args)


def make_server(settings: Settings) -> ThreadingHTTPServer:
    """A server bound to the configured host and web port (not yet serving)."""
    handler = type("ConfiguredWebHandler", (WebHandler,), {"settings": settings})
    server = ThreadingHTTPServer((settings.bind_host, settings.web_port), handler)
    server.daemon_threads = True
    return server


def main() -> int:
    settings = load_settings()
    configure_json_logging("web", settings.log_level)
    server = make_server(settings)
    logger.info(
        "Serving %s on http://%s:%d (Rasa at %s)",
        WEB_ROOT,
        settings.bind_host,
        settings.web_port,
        settings.rasa_url,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
