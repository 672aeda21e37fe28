"""The lead links' pages on the web server, with a real database: a GET shows a
button and changes nothing, its POST acts once, and bad input is a clear 4xx."""

from __future__ import annotations

import dataclasses
import http.client
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple
from urllib.parse import urlencode

import psycopg
import pytest

from dovvybuddy.common.settings import Settings
from dovvybuddy.leads.links import CONTACTED, WITHDRAW, make_token
from dovvybuddy.ops.launcher import free_port
from dovvybuddy.ops.web_server import make_server
from tests.dovvybuddy.conftest import LINK_SECRET
from tests.dovvybuddy.lead_rows import insert_lead, lead_status, set_outbox

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    text: str


@contextmanager
def serving(settings: Settings) -> Iterator[Settings]:
    """The web server with `settings`, on a free loopback port."""
    settings = dataclasses.replace(settings, web_port=free_port())
    server = make_server(settings)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield settings
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def web(leads_database: str, delivery_settings: Settings) -> Iterator[Settings]:
    """A running web server that reaches the test database."""
    with serving(dataclasses.replace(delivery_settings, database_url=leads_database)) as settings:
        yield settings


@pytest.fixture
def offline_web(delivery_settings: Settings) -> Iterator[Settings]:
    """A running web server without a database (`make web` alone)."""
    with serving(dataclasses.replace(delivery_settings, database_url=None)) as settings:
        yield settings


def send(
    settings: Settings,
    method: str,
    path: str,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", settings.web_port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def token(purpose: str, lead_id, days: float = 1, secret: str = LINK_SECRET) -> str:
    return make_token(secret, purpose, lead_id, int(time.time() + days * 86_400))


def open_link(settings, purpose, value):
    return send(settings, "GET", f"/leads/{purpose}?{urlencode({'token': value})}")


def press(settings, purpose, value):
    return send(settings, "POST", f"/leads/{purpose}", urlencode({"token": value}), FORM)


def test_opening_the_contacted_link_shows_a_button_and_changes_nothing(web, leads_database):
    lead_id, _ = insert_lead(leads_database, status="delivered")

    reply = open_link(web, CONTACTED, token(CONTACTED, lead_id))

    assert reply.status == 200
    assert '<form method="post" action="/leads/contacted">' in reply.text
    assert "contacted the diver" in reply.text and "Jane" not in reply.text
    assert reply.headers["Cache-Control"] == "no-store"
    assert "form-action 'self'" in reply.headers["Content-Security-Policy"]
    assert lead_status(leads_database, lead_id) == "delivered"


def test_the_button_marks_contacted_exactly_once(web, leads_database):
    lead_id, _ = insert_lead(leads_database, status="delivered")
    value = token(CONTACTED, lead_id)

    first = press(web, CONTACTED, value)
    second = press(web, CONTACTED, value)
    reopened = open_link(web, CONTACTED, value)

    assert (first.status, lead_status(leads_database, lead_id)) == (200, "contacted")
    assert second.status == 409 and "Already recorded" in second.text
    assert reopened.status == 409 and "<form" not in reopened.text


def test_a_bad_link_changes_nothing_and_says_why(web, leads_database):
    lead_id, _ = insert_lead(leads_database, status="delivered")
    cases = [
        ("", 400, "incomplete"),
        ("not-a-token", 400, "incomplete"),
        ("A" * 700, 400, "incomplete"),
        (f"{lead_id}.99999999999.{'A' * 43}", 403, "not valid"),
        (token(CONTACTED, lead_id, secret="guessed"), 403, "not valid"),
        (token(WITHDRAW, lead_id), 403, "not valid"),  # the diver's link is not the partner's
        (token(CONTACTED, lead_id, days=-1), 410, "expired"),
    ]
    for value, status, says in cases:
        for reply in (open_link(web, CONTACTED, value), press(web, CONTACTED, value)):
            assert reply.status == status, value
            assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
            assert says in reply.text
    assert lead_status(leads_database, lead_id) == "delivered"


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status"),
    [
        ("PUT", "/leads/contacted", b"token=x", FORM, 405),
        ("DELETE", "/leads/withdraw", None, {}, 405),
        ("BREW", "/leads/withdraw", None, {}, 405),
        ("POST", "/index.html", b"token=x", FORM, 405),
        ("POST", "/leads/withdraw", b"x" * 100_000, FORM, 413),
        ("POST", "/leads/withdraw", b'{"token": "x"}', {"Content-Type": "application/json"}, 415),
        ("POST", "/leads/withdraw", b"token=x", {**FORM, "Content-Length": "many"}, 400),
        ("POST", "/leads/withdraw", "&".join(["a=1"] * 50), FORM, 400),
        ("GET", "/leads/withdraw?" + "&".join(["a=1"] * 50), None, {}, 400),
    ],
)
def test_wrong_methods_and_odd_bodies_are_a_4xx(offline_web, method, path, body, headers, status):
    reply = send(offline_web, method, path, body, headers)
    assert reply.status == status
    assert send(offline_web, "GET", "/health").status == 200


def test_a_huge_link_is_refused_with_a_4xx(offline_web):
    assert open_link(offline_web, WITHDRAW, "A" * 100_000).status == 414
    assert press(offline_web, WITHDRAW, "A" * 100_000).status == 413


def test_a_withdrawal_asks_first_then_forgets_the_diver_once(web, leads_database):
    lead_id, outbox_id = insert_lead(leads_database, status="delivered")
    set_outbox(leads_database, outbox_id, status="delivered", attempts=1)
    value = token(WITHDRAW, lead_id)

    asked = open_link(web, WITHDRAW, value)
    assert asked.status == 200 and "Withdraw my enquiry" in asked.text
    assert "Jane" not in asked.text and lead_status(leads_database, lead_id) == "delivered"

    done = press(web, WITHDRAW, value)
    again = press(web, WITHDRAW, value)

    assert done.status == 200 and "told to delete them too" in done.text
    assert again.status == 409
    assert lead_status(leads_database, lead_id) == "withdrawn"
    partner_link = open_link(web, CONTACTED, token(CONTACTED, lead_id))
    assert partner_link.status == 410 and "withdrew" in partner_link.text


def test_a_link_to_a_deleted_lead_is_not_found(web, leads_database):
    lead_id, _ = insert_lead(leads_database)
    with psycopg.connect(leads_database) as conn:
        conn.execute("DELETE FROM leads WHERE id = %s", (lead_id,))

    assert open_link(web, WITHDRAW, token(WITHDRAW, lead_id)).status == 404
    assert press(web, CONTACTED, token(CONTACTED, lead_id)).status == 404


def test_without_a_database_a_good_link_says_try_later(offline_web):
    reply = press(offline_web, CONTACTED, token(CONTACTED, uuid.uuid4()))
    assert reply.status == 503 and "try again later" in reply.text.lower()
