"""Web conversation ids: issued by the server, so no client can choose one.

Standard library only: the REST channel (Rasa's environment) issues and
checks them, and the test launcher names test conversations with them.
"""

from __future__ import annotations

import hmac
import secrets

from dovvybuddy.common.settings import Settings, keyed_hash

# Issued by POST /webhooks/rest/conversations as "web.<nonce>.<mac>": a client
# cannot choose one, so it cannot choose someone else's; the id itself is the
# conversation's only credential.
ISSUED_SENDER_PREFIX = "web."
_MAC_CHARS = 32


def issue_conversation_id() -> str:
    """A new web conversation id that only this deployment (its hash secret) can make."""
    return conversation_id_with_nonce(secrets.token_urlsafe(18))


def conversation_id_with_nonce(nonce: str, settings: Settings | None = None) -> str:
    """The issued id for a given nonce (url-safe characters); random nonces in production."""
    return f"{ISSUED_SENDER_PREFIX}{nonce}.{_mac(nonce, settings)}"


def is_issued_conversation_id(sender: str, settings: Settings | None = None) -> bool:
    """Whether the id was made by `issue_conversation_id` under this deployment's secret."""
    prefix, _, rest = sender.partition(".")
    nonce, _, mac = rest.partition(".")
    if f"{prefix}." != ISSUED_SENDER_PREFIX or not nonce or len(mac) != _MAC_CHARS:
        return False
    return hmac.compare_digest(mac, _mac(nonce, settings))


def _mac(nonce: str, settings: Settings | None = None) -> str:
    return keyed_hash(f"web-conversation:{nonce}", settings)[:_MAC_CHARS]
