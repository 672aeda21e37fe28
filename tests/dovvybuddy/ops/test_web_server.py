"""The static server of the chat widget and its demo page."""

from __future__ import annotations

import dataclasses
import http.client
import threading
from collections.abc import Iterator
from typing import NamedTuple

import pytest

from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.ops.launcher import free_port
from dovvybuddy.ops.web_server import RASA_URL_PLACEHOLDER, browser_rasa_url, make_server


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@pytest.fixture
def web_port() -> Iterator[int]:
    """The port of a running web server on loopback, with Rasa on port 5999."""
    settings = dataclasses.replace(
        load_settings(), bind_host="127.0.0.1", web_port=free_port(), rasa_port=5999
    )
    server = make_server(settings)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield settings.web_port
    server.shutdown()
    server.server_close()


def request(port: int, path: str, method: str = "GET") -> Reply:
    """Send `path` exactly as written (no client-side clean-up of `..`)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def on_all_interfaces() -> Settings:
    return dataclasses.replace(load_settings(), bind_host="0.0.0.0", rasa_port=5005)


def test_health_says_ok(web_port):
    reply = request(web_port, "/health")
    assert (reply.status, reply.body) == (200, b'{"status":"ok"}')
    assert reply.headers["Content-Type"] == "application/json"


def test_the_demo_page_has_the_rasa_url_filled_in(web_port):
    reply = request(web_port, "/")
    page = reply.body.decode()
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert 'data-server="http://127.0.0.1:5999"' in page
    assert RASA_URL_PLACEHOLDER not in page
    assert request(web_port, "/index.html").body == reply.body


def test_the_demo_page_may_only_talk_to_rasa_and_run_its_own_scripts(web_port):
    policy = request(web_port, "/").headers["Content-Security-Policy"]
    assert "connect-src http://127.0.0.1:5999;" in policy
    assert "script-src 'self';" in policy
    assert policy.startswith("default-src 'none';")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/widget.js", "text/javascript; charset=utf-8"),
        ("/widget.css", "text/css; charset=utf-8"),
        ("/demo.css", "text/css; charset=utf-8"),
    ],
)
def test_widget_files_have_their_content_type_and_are_revalidated(web_port, path, content_type):
    reply = request(web_port, path)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == content_type
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_head_sends_the_headers_without_the_body(web_port):
    reply = request(web_port, "/widget.js", method="HEAD")
    assert reply.status == 200
    assert int(reply.headers["Content-Length"]) > 0
    assert reply.body == b""


@pytest.mark.parametrize(
    "path",
    [
        "/../README.md",
        "/%2e%2e/README.md",
        "/..%2fdovvybuddy/settings.py",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "//etc/passwd",
        "/missing.js",
    ],
)
def test_paths_outside_web_or_missing_are_not_found(web_port, path):
    reply = request(web_port, path)
    assert reply.status == 404
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_files_of_other_types_are_not_served(web_port, tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("private")
    (tmp_path / "widget.js").write_text("// widget")
    monkeypatch.setattr("dovvybuddy.ops.web_server.WEB_ROOT", tmp_path)
    assert request(web_port, "/widget.js").status == 200
    assert request(web_port, "/notes.txt").status == 404


def test_on_all_interfaces_the_page_points_at_rasa_on_the_host_the_browser_used():
    settings = on_all_interfaces()
    assert browser_rasa_url(settings, "192.168.1.20:8080") == "http://192.168.1.20:5005"
    assert browser_rasa_url(settings, "dive.local") == "http://dive.local:5005"
    assert browser_rasa_url(settings, "[fe80::1]:8080") == "http://[fe80::1]:5005"


@pytest.mark.parametrize("host", [None, "", 'evil"><script>', "a b:80", "x;connect-src *"])
def test_a_host_header_that_is_not_a_host_name_is_ignored(host):
    settings = on_all_interfaces()
    assert browser_rasa_url(settings, host) == settings.rasa_url


def test_on_loopback_the_host_header_is_ignored():
    settings = dataclasses.replace(load_settings(), bind_host="127.0.0.1", rasa_port=5005)
    assert browser_rasa_url(settings, "example.com:8080") == "http://127.0.0.1:5005"


def test_a_configured_public_rasa_url_wins_behind_a_proxy():
    settings = dataclasses.replace(on_all_interfaces(), public_rasa_url="https://chat.example.com")
    assert browser_rasa_url(settings, "example.com:8080") == "https://chat.example.com"
