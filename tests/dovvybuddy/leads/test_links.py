"""Signed, expiring lead links: only the genuine, unexpired token for its purpose is read."""

from __future__ import annotations

import dataclasses
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from dovvybuddy.common.settings import load_settings
from dovvybuddy.leads.links import (
    CONTACTED,
    MAX_TOKEN_CHARS,
    SECONDS_PER_DAY,
    WITHDRAW,
    LinkToken,
    TokenProblem,
    lead_link,
    make_token,
    read_token,
)

SECRET = "a-secret"
LEAD = uuid.UUID("0b6f4c1e-3f7a-4c55-9a43-2d3e4f5a6b7c")
NOW = 1_800_000_000


def test_a_genuine_token_names_its_lead_until_it_expires():
    token = make_token(SECRET, CONTACTED, LEAD, NOW + 60)
    assert read_token(SECRET, CONTACTED, token, now=NOW) == LinkToken(LEAD, NOW + 60)
    assert read_token(SECRET, CONTACTED, token, now=NOW + 61) is TokenProblem.EXPIRED


def test_a_token_for_one_purpose_is_forged_for_the_other():
    token = make_token(SECRET, CONTACTED, LEAD, NOW + 60)
    assert read_token(SECRET, WITHDRAW, token, now=NOW) is TokenProblem.FORGED


@pytest.mark.parametrize(
    "change",
    [
        lambda lead, expiry, mac: f"{uuid.uuid4()}.{expiry}.{mac}",  # another lead
        lambda lead, expiry, mac: f"{lead}.{int(expiry) + 10**6}.{mac}",  # a later expiry
        lambda lead, expiry, mac: f"{lead}.{expiry}.{mac[:-1]}A",  # a changed MAC
        lambda lead, expiry, mac: f"{lead}.{expiry}.",  # no MAC
    ],
)
def test_a_changed_token_is_forged(change):
    token = make_token(SECRET, CONTACTED, LEAD, NOW + 60)
    assert read_token(SECRET, CONTACTED, change(*token.split(".")), now=NOW) is (
        TokenProblem.FORGED
    )


def test_a_token_signed_with_another_secret_is_forged():
    token = make_token("another-secret", CONTACTED, LEAD, NOW + 60)
    assert read_token(SECRET, CONTACTED, token, now=NOW) is TokenProblem.FORGED


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b.c",
        f"{LEAD}.soon.abc",
        f"{LEAD}.-5.abc",
        f"{LEAD}.１２３.abc",  # digits, but not ASCII ones
        f"{LEAD}.{'9' * 40}.abc",
        "x" * (MAX_TOKEN_CHARS + 1),
        f"{LEAD}.{NOW}.{'A' * 10_000}",
        "..",
    ],
)
def test_garbage_is_malformed_never_an_error(token):
    assert read_token(SECRET, CONTACTED, token, now=NOW) is TokenProblem.MALFORMED


def test_links_point_at_the_web_server_and_expire_by_purpose():
    settings = dataclasses.replace(
        load_settings(),
        lead_link_secret=SECRET,
        public_web_url="https://dovvybuddy.example",
        lead_link_days=30,
        lead_retention_days=365,
    )
    contacted = urlsplit(lead_link(settings, CONTACTED, LEAD, now=NOW))
    withdraw = urlsplit(lead_link(settings, WITHDRAW, LEAD, now=NOW))

    assert (contacted.scheme, contacted.netloc, contacted.path) == (
        "https",
        "dovvybuddy.example",
        "/leads/contacted",
    )
    assert withdraw.path == "/leads/withdraw"
    [contacted_token] = parse_qs(contacted.query)["token"]
    [withdraw_token] = parse_qs(withdraw.query)["token"]
    read = read_token(SECRET, CONTACTED, contacted_token, now=NOW)
    assert read == LinkToken(LEAD, NOW + 30 * SECONDS_PER_DAY)
    # A diver can withdraw for as long as the lead is kept.
    read = read_token(SECRET, WITHDRAW, withdraw_token, now=NOW)
    assert read == LinkToken(LEAD, NOW + 365 * SECONDS_PER_DAY)
    assert str(LEAD) in contacted_token and "@" not in contacted.geturl()
