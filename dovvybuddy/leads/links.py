"""Signed, expiring links in lead messages: the partner's "contacted" and the diver's "withdraw".

A token is `<lead id>.<expiry, seconds since the epoch>.<MAC>`, the MAC being
HMAC-SHA256 (base64url, unpadded) over the purpose, the lead id and the expiry
under DOVVY_LEAD_LINK_SECRET. The purpose is signed but not written, so a
partner's link cannot be replayed as a withdrawal, nor the reverse. Nothing
personal is in a link: a lead id is a random UUID.

The web server (`dovvybuddy.ops.web_server`) checks a token with
`read_token` and acts on it with `dovvybuddy.leads.lifecycle`; the lead
worker writes the links into the messages it sends.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlencode
from uuid import UUID

from dovvybuddy.common.settings import Settings, lead_link_secret

CONTACTED = "contacted"
WITHDRAW = "withdraw"
PURPOSES = (CONTACTED, WITHDRAW)
# The path of each purpose on the web server.
LINK_PATHS = {CONTACTED: "/leads/contacted", WITHDRAW: "/leads/withdraw"}
# A real token is about 90 characters; anything much longer is not one, and is
# refused before any work.
MAX_TOKEN_CHARS = 200
SECONDS_PER_DAY = 86_400


class TokenProblem(Enum):
    """Why a token was refused; the web server answers each with its own page."""

    MALFORMED = "malformed"
    FORGED = "forged"
    EXPIRED = "expired"


@dataclass(frozen=True)
class LinkToken:
    """A token whose signature checked out and that has not expired."""

    lead_id: UUID
    expires_at: int


def _mac(secret: str, purpose: str, lead_id: UUID, expires_at: int) -> str:
    message = f"{purpose}|{lead_id}|{expires_at}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(secret: str, purpose: str, lead_id: UUID, expires_at: int) -> str:
    """The token for `purpose` on `lead_id`, valid until `expires_at` (epoch seconds)."""
    return f"{lead_id}.{expires_at}.{_mac(secret, purpose, lead_id, expires_at)}"


def read_token(
    secret: str, purpose: str, token: str, now: float | None = None
) -> LinkToken | TokenProblem:
    """The lead a token names if it is genuine and unexpired, else why it is refused."""
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        return TokenProblem.MALFORMED
    lead_text, expiry_text, mac = token.split(".")
    try:
        lead_id = UUID(lead_text)
    except ValueError:
        return TokenProblem.MALFORMED
    if not expiry_text.isascii() or not expiry_text.isdigit() or len(expiry_text) > 12:
        return TokenProblem.MALFORMED
    expires_at = int(expiry_text)
    # Compared in constant time, and before the expiry: a forged token learns nothing.
    if not hmac.compare_digest(mac.encode(), _mac(secret, purpose, lead_id, expires_at).encode()):
        return TokenProblem.FORGED
    if expires_at < (time.time() if now is None else now):
        return TokenProblem.EXPIRED
    return LinkToken(lead_id, expires_at)


def link_days(settings: Settings, purpose: str) -> int:
    """How long a link works: a partner has DOVVY_LEAD_LINK_DAYS to say "contacted";
    a diver can withdraw for as long as the lead is kept (DOVVY_LEAD_RETENTION_DAYS)."""
    return settings.lead_link_days if purpose == CONTACTED else settings.lead_retention_days


def lead_link(settings: Settings, purpose: str, lead_id: UUID, now: float | None = None) -> str:
    """The full link for `purpose` on `lead_id`, as it goes into a message."""
    issued = time.time() if now is None else now
    expires_at = int(issued) + link_days(settings, purpose) * SECONDS_PER_DAY
    token = make_token(lead_link_secret(settings), purpose, lead_id, expires_at)
    return f"{settings.link_base_url}{LINK_PATHS[purpose]}?{urlencode({'token': token})}"
