"""Who may send messages to the web channel, and how often.

Standard library only: it runs inside the Rasa server (Python 3.10) and is
unit-tested from the action-server environment. The REST channel has no
authentication of its own, so this policy is what stands between the public
internet and the NLU:

- Browsers send an `Origin` header; a page on an origin that is not allowed
  is refused (403), so other websites cannot embed the chat. `*` allows every
  origin. This binds browsers only: a script can send any `Origin`.
- Servers calling on behalf of their users may present the shared token
  (`Authorization: Bearer <DOVVY_WEB_TOKEN>`). With a token configured, a
  request without an `Origin` must carry it (401). What the token buys is
  trust: a trusted server is exempt from the per-address limit, since many
  divers share its address. It is not authentication of the channel, which
  stays public for browsers.
- Every sender, and every client address, has a sliding-window budget of
  messages per minute (429 with `Retry-After`): that, not the origin check,
  is what bounds a script. Every request counts against its address before
  any other work, valid or not, and an IPv6 client counts as its /64 (one
  subscriber's allocation), so rotating addresses within it gains nothing.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
from dataclasses import dataclass

from connectors.validation import InvalidRequest
from dovvybuddy.common.rate_limit import SlidingWindowLimiter


@dataclass(frozen=True)
class Caller:
    """What the policy needs to know about one HTTP request."""

    origin: str | None
    authorization: str | None
    address: str


class RateLimited(InvalidRequest):
    """A 429 with the seconds the client should wait."""

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(429, "rate_limited", detail)
        self.retry_after_seconds = max(1, math.ceil(retry_after))


class WebAccessPolicy:
    """Origin, token and rate checks for the web channel."""

    def __init__(
        self,
        allowed_origins: tuple[str, ...],
        token: str | None,
        per_sender_per_minute: int,
        per_address_per_minute: int,
    ) -> None:
        self.allow_any_origin = "*" in allowed_origins
        self.allowed_origins = {origin.rstrip("/").lower() for origin in allowed_origins}
        self.token = token
        self.per_sender = SlidingWindowLimiter(per_sender_per_minute)
        self.per_address = SlidingWindowLimiter(per_address_per_minute)

    def is_trusted_server(self, caller: Caller) -> bool:
        """True when the caller presented the shared token."""
        if not self.token or not caller.authorization:
            return False
        scheme, _, presented = caller.authorization.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            presented.strip().encode(), self.token.encode()
        )

    def admit(self, caller: Caller) -> bool:
        """Raise InvalidRequest (401/403) for a caller that may not send at
        all; otherwise return whether it is a trusted server."""
        if self.is_trusted_server(caller):
            return True
        if caller.authorization and self.token:
            raise InvalidRequest(401, "invalid_token", "The token is not valid.")
        if caller.origin is not None:
            if not self.allow_any_origin and caller.origin.rstrip("/").lower() not in (
                self.allowed_origins
            ):
                raise InvalidRequest(
                    403, "origin_not_allowed", "This website may not use DovvyBuddy's chat."
                )
        elif self.token:
            raise InvalidRequest(
                401, "token_required", "Send 'Authorization: Bearer <token>' to call this channel."
            )
        return False

    def count_request(self, caller: Caller) -> None:
        """Count one request against its address, first of all; raise
        RateLimited when that budget is spent. A trusted server is exempt."""
        if self.is_trusted_server(caller):
            return
        network = address_key(caller.address)
        if not self.per_address.allow(network):
            raise RateLimited(
                "Too many messages from your network. Please wait a moment and try again.",
                self.per_address.retry_after(network),
            )

    def count_message(self, sender: str) -> None:
        """Count one valid message against its sender; raise RateLimited when spent."""
        if not self.per_sender.allow(sender):
            raise RateLimited(
                "You're sending messages quickly. Please wait a moment and try again.",
                self.per_sender.retry_after(sender),
            )


def address_key(address: str) -> str:
    """What one client's budget is kept under: its IPv4 address, or its IPv6 /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
