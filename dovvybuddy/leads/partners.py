"""Partner dive centres that receive leads, read from knowledge/partners/.

Each partner document's front matter names the destination it covers, how
its leads are delivered (`delivery: {email: ...}` or `delivery: {webhook: ...}`)
and what it offers (`services`, `courses`, `languages`): a diver chooses among
the centres that fit the enquiry, or leaves it to the default rule.
A destination no partner covers goes to the DovvyBuddy team's own inbox (the
default partner), so a lead always has somewhere to go.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.knowledge.documents import KNOWLEDGE_DIR, Document, KnowledgeError, parse_document

DEFAULT_PARTNER_ID = "default"
DEFAULT_PARTNER_NAME = "DovvyBuddy team"


@dataclass(frozen=True)
class Partner:
    """Where one partner's leads go: exactly one of `email` and `webhook` is set."""

    partner_id: str
    name: str
    destination: str | None
    email: str | None
    webhook: str | None
    services: tuple[str, ...] = ()
    courses: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def offers(self, services: tuple[str, ...] = (), course: str | None = None) -> bool:
        """Whether the centre offers every one of `services` (and `course`, when named)."""
        if not set(services) <= set(self.services):
            return False
        return course is None or course in self.courses

    @property
    def transport(self) -> str:
        """'webhook' or 'email', the values lead_outbox.transport accepts."""
        return "webhook" if self.webhook else "email"


def partner_from_document(document: Document) -> Partner:
    """The partner described by a `kind: partner` document."""
    meta = document.meta
    delivery = meta.get("delivery")
    if not isinstance(delivery, dict):
        raise KnowledgeError(f"{document.path}: delivery must be a mapping")
    addresses = {
        transport: delivery.get(transport)
        for transport in ("email", "webhook")
        if delivery.get(transport)
    }
    if len(addresses) != 1 or not all(isinstance(value, str) for value in addresses.values()):
        raise KnowledgeError(f"{document.path}: delivery needs exactly one of email or webhook")
    webhook = addresses.get("webhook")
    if webhook and not is_safe_webhook(webhook):
        raise KnowledgeError(
            f"{document.path}: a webhook must be https:// (plain http only on this machine)"
        )
    destination = meta.get("destination")
    return Partner(
        partner_id=str(meta["partner_id"]),
        name=str(meta["name"]),
        destination=str(destination).strip().lower() if destination else None,
        email=addresses.get("email"),
        webhook=addresses.get("webhook"),
        services=_strings(meta.get("services")),
        courses=_strings(meta.get("courses")),
        languages=_strings(meta.get("languages")),
    )


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def is_safe_webhook(url: str) -> bool:
    """A lead carries a diver's contact details: https, or http to this machine only."""
    parsed = urlsplit(url)
    if parsed.scheme == "https":
        return bool(parsed.hostname)
    if parsed.scheme != "http" or not parsed.hostname:
        return False
    if parsed.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parsed.hostname).is_loopback
    except ValueError:
        return False


def load_partners(root: Path = KNOWLEDGE_DIR) -> list[Partner]:
    """Every partner in `root`/partners, in partner_id order."""
    documents = (
        parse_document(path, root)
        for path in sorted((root / "partners").glob("*.md"))
        if path.name != "README.md"
    )
    partners = [partner_from_document(doc) for doc in documents if doc.kind == "partner"]
    return sorted(partners, key=lambda partner: partner.partner_id)


def default_partner(settings: Settings) -> Partner:
    """The DovvyBuddy team's inbox, for destinations without a partner."""
    return Partner(
        partner_id=DEFAULT_PARTNER_ID,
        name=DEFAULT_PARTNER_NAME,
        destination=None,
        email=settings.default_lead_email,
        webhook=None,
    )


def partner_for(
    destination: str | None,
    settings: Settings | None = None,
    root: Path = KNOWLEDGE_DIR,
) -> Partner:
    """The partner covering `destination` (a destination id such as 'tioman').

    When several partners cover it, the first by partner_id wins, so routing
    does not depend on file-system order. No destination, or one without a
    partner, gives the default inbox.
    """
    wanted = (destination or "").strip().lower()
    if wanted:
        for partner in load_partners(root):
            if partner.destination == wanted:
                return partner
    return default_partner(settings or load_settings())


def partners_fitting(
    destination: str | None,
    services: tuple[str, ...] = (),
    course: str | None = None,
    root: Path = KNOWLEDGE_DIR,
) -> list[Partner]:
    """The centres at `destination` that offer `services` (and `course`), in partner_id order."""
    wanted = (destination or "").strip().lower()
    return [
        partner
        for partner in load_partners(root)
        if wanted and partner.destination == wanted and partner.offers(services, course)
    ]


def partner_by_id(partner_id: str | None, root: Path = KNOWLEDGE_DIR) -> Partner | None:
    """The partner with this id, or None (an unknown id, or "any")."""
    return next((p for p in load_partners(root) if p.partner_id == partner_id), None)
