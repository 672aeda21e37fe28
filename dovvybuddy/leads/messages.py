"""What lead delivery sends: the partner's email or webhook body, the diver's copy, the notices.

Pure functions of a claimed outbox row (`Delivery`) and the partner; the
worker that claims, sends and records them is `dovvybuddy.leads.worker`.

Each outbox row has a recipient. `partner`: the lead itself, by the partner's
transport. `diver_copy`: the diver's own copy by email, written with the
partner's row, saying what was sent to which centre and how to withdraw it.
When a partner's delivery finally fails, two more rows are written in the same
transaction: `diver_failure_notice`, telling the diver honestly that the
centre could not be reached and the team has the enquiry instead, and
`operations_alert`, the lead itself to the operations inbox
(DOVVY_DEFAULT_LEAD_EMAIL). Notices go by email and are retried like leads.
When the diver withdraws (`dovvybuddy.leads.lifecycle`), `partner_withdrawal`
tells the partner by its own transport, email or webhook.

The partner's message carries a signed link to say "contacted", the diver's
copy and failure notice one to withdraw (`dovvybuddy.leads.links`); the
worker puts them in `Delivery.links`.

Receivers can detect the duplicates at-least-once delivery allows: webhooks
carry `X-DovvyBuddy-Delivery` (the outbox id), emails a Message-ID built from
it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from uuid import UUID

from dovvybuddy.leads.links import CONTACTED, WITHDRAW
from dovvybuddy.leads.partners import Partner

SIGNATURE_HEADER = "X-DovvyBuddy-Signature"
DELIVERY_HEADER = "X-DovvyBuddy-Delivery"

PARTNER = "partner"
DIVER_COPY = "diver_copy"
DIVER_FAILURE_NOTICE = "diver_failure_notice"
OPERATIONS_ALERT = "operations_alert"
PARTNER_WITHDRAWAL = "partner_withdrawal"


@dataclass(frozen=True)
class Lead:
    """The lead fields a partner receives."""

    id: UUID
    lead_type: str
    status: str
    name: str
    email: str
    phone: str | None
    details: dict[str, Any]
    diver_profile: dict[str, Any]
    channel: str
    consent_at: datetime
    created_at: datetime

    def destination(self, partner: Partner) -> str | None:
        """The destination the diver asked about, else the one the partner covers."""
        asked = self.details.get("destination")
        return str(asked) if asked else partner.destination


@dataclass(frozen=True)
class Delivery:
    """A claimed outbox row: which lead goes to which partner, and the attempt number."""

    outbox_id: int
    attempt: int
    partner_id: str
    lead: Lead
    recipient: str = PARTNER
    # The signed links by purpose (links.CONTACTED, links.WITHDRAW), set by the worker;
    # without them the messages fall back to "reply to this email".
    links: dict[str, str] = field(default_factory=dict)


def sign(body: bytes, secret: str) -> str:
    """The X-DovvyBuddy-Signature value: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if value is None or value == "":
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value) or "none"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _one_line(text: str) -> str:
    # A name is typed by the diver: line breaks would break headers and the layout.
    return " ".join(text.split())


def _section(title: str, values: dict[str, Any], skip: frozenset[str] = frozenset()) -> list[str]:
    lines = [
        f"  {_label(key)}: {_text(value)}"
        for key, value in sorted(values.items())
        if key not in skip
    ]
    return [title, *(lines or ["  none given"]), ""]


def message_id(delivery: Delivery, sender: str) -> str:
    """A Message-ID that is the same on every attempt, so a re-sent email is a visible duplicate."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "dovvybuddy.invalid"
    return f"<lead-{delivery.lead.id}.{delivery.outbox_id}@{domain}>"


def _destination(lead: Lead, partner: Partner) -> str | None:
    destination = lead.destination(partner)
    return destination.capitalize() if destination else None


def _lead_lines(delivery: Delivery, partner: Partner) -> list[str]:
    """The lead's fields, as the partner (or the operations inbox) reads them."""
    lead = delivery.lead
    return [
        f"Name:         {_one_line(lead.name)}",
        f"Email:        {lead.email} (not verified)",
        f"Phone:        {_text(lead.phone)}",
        f"Lead type:    {lead.lead_type}",
        f"Destination:  {_text(_destination(lead, partner))}",
        "",
        *_section("Details", lead.details, skip=frozenset({"destination"})),
        *_section("Diver profile", lead.diver_profile),
        f"Channel:      {lead.channel}",
        f"Received:     {_utc(lead.created_at)}",
        f"Consent:      the diver agreed on {_utc(lead.consent_at)} to share these details",
        f"Lead id:      {lead.id}",
        f"Delivery id:  {delivery.outbox_id} (the same id twice means a duplicate)",
    ]


def _email(
    delivery: Delivery, sender: str, to: str | None, reply_to: str, subject: str, body: list[str]
) -> EmailMessage:
    """A plain-text email for the outbox row `delivery` (one Message-ID for all attempts)."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Reply-To"] = reply_to
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id(delivery, sender)
    message[DELIVERY_HEADER] = str(delivery.outbox_id)
    message.set_content("\n".join(body) + "\n")
    return message


def _diver_address(lead: Lead) -> str:
    return formataddr((_one_line(lead.name), lead.email))


def compose_email(delivery: Delivery, partner: Partner, sender: str) -> EmailMessage:
    """The plain-text email a partner receives: everything needed to contact the diver."""
    lead = delivery.lead
    destination = _destination(lead, partner)
    subject = f"New {lead.lead_type} lead: {_one_line(lead.name)}"
    if destination:
        subject += f" ({destination})"
    body = [
        f"New {lead.lead_type} lead for {partner.name}, sent by DovvyBuddy.",
        "Reply to this email to answer the diver directly. The diver typed the email",
        "address and phone number; DovvyBuddy has not verified them.",
        "",
        *_lead_lines(delivery, partner),
        *_contacted_lines(delivery),
    ]
    return _email(delivery, sender, partner.email, _diver_address(lead), subject, body)


def _contacted_lines(delivery: Delivery) -> list[str]:
    link = delivery.links.get(CONTACTED)
    if not link:
        return []
    return [
        "",
        "Once you have contacted the diver, please tell DovvyBuddy by opening this link",
        "and pressing the button there (it works once, and expires):",
        f"  {link}",
    ]


def _withdraw_lines(delivery: Delivery, enquiry: str) -> list[str]:
    link = delivery.links.get(WITHDRAW)
    if not link:
        return [
            f"To withdraw {enquiry} and have your details deleted, reply to this email",
            "and say so; you do not need to give a reason.",
        ]
    return [
        f"To withdraw {enquiry} and have your details deleted, open this link and",
        "confirm; you do not need to give a reason:",
        f"  {link}",
    ]


def _request_summary(lead: Lead, partner: Partner) -> list[str]:
    """What the diver asked for, in their own words, for their copy."""
    return [
        f"  Name:         {_one_line(lead.name)}",
        f"  Email:        {lead.email}",
        f"  Phone:        {_text(lead.phone)}",
        f"  Enquiry:      {lead.lead_type}",
        f"  Destination:  {_text(_destination(lead, partner))}",
        *(
            f"  {_label(key)}: {_text(value)}"
            for key, value in sorted(lead.details.items())
            if key != "destination"
        ),
    ]


def _email_to_diver(
    delivery: Delivery, sender: str, operations: str, subject: str, body: list[str]
) -> EmailMessage:
    """An email that greets the diver by name; their reply reaches the operations inbox."""
    name = _one_line(delivery.lead.name)
    greeting = [f"Hello {name},", ""]
    return _email(
        delivery, sender, _diver_address(delivery.lead), operations, subject, [*greeting, *body]
    )


def compose_diver_copy(
    delivery: Delivery, partner: Partner, sender: str, operations: str
) -> EmailMessage:
    """The diver's copy: what was sent, to which centre, and how to withdraw it."""
    lead = delivery.lead
    body = [
        f"With your consent, DovvyBuddy sent your {lead.lead_type} enquiry to {partner.name}",
        f"on {_utc(lead.created_at)}. This is your copy of what they received:",
        "",
        *_request_summary(lead, partner),
        "",
        f"{partner.name} usually replies within one to two working days. If the",
        "enquiry cannot be delivered to them, we will tell you by email.",
        "",
        *_withdraw_lines(delivery, "this enquiry"),
        "",
        "DovvyBuddy gives information, not instruction; for medical questions about",
        "diving, please see a doctor trained in dive medicine.",
    ]
    subject = f"Your enquiry to {partner.name} (copy)"
    return _email_to_diver(delivery, sender, operations, subject, body)


def compose_failure_notice(
    delivery: Delivery, partner: Partner, sender: str, operations: str
) -> EmailMessage:
    """The honest notice to the diver that the centre could not be reached."""
    body = [
        f"We could not deliver your {delivery.lead.lead_type} enquiry to {partner.name}: their",
        "system did not accept it after several attempts. Our team has received your",
        "enquiry instead and will pass it on to a dive centre or reply to you",
        "themselves. You do not need to do anything.",
        "",
        *_withdraw_lines(delivery, "the enquiry"),
    ]
    subject = f"Your enquiry to {partner.name} could not be delivered"
    return _email_to_diver(delivery, sender, operations, subject, body)


def compose_operations_alert(
    delivery: Delivery, partner: Partner, sender: str, operations: str
) -> EmailMessage:
    """The lead, to the operations inbox, after its delivery to the partner gave up."""
    lead = delivery.lead
    body = [
        f"DovvyBuddy could not deliver this {lead.lead_type} lead to {partner.name}",
        f"({partner.partner_id}, by {partner.transport}) and gave up. The diver has been told",
        "by email that the team has it. Please forward it or contact the diver; the",
        f'last error is in `make leads ARGS="show {lead.id}"`.',
        "",
        *_lead_lines(delivery, partner),
    ]
    subject = f"Lead delivery failed: {partner.name} ({_one_line(lead.name)})"
    return _email(delivery, sender, operations, _diver_address(lead), subject, body)


def compose_withdrawal_notice(
    delivery: Delivery, partner: Partner, sender: str, operations: str
) -> EmailMessage:
    """The partner's notice that the diver withdrew a lead they were sent."""
    lead = delivery.lead
    body = [
        f"The diver has withdrawn the {lead.lead_type} enquiry DovvyBuddy sent to {partner.name}",
        f"on {_utc(lead.created_at)} (lead id {lead.id}). Please do not contact them about",
        "it, and delete the details you received with it. DovvyBuddy has deleted them too.",
    ]
    subject = f"Withdrawn by the diver: lead {lead.id}"
    return _email(delivery, sender, partner.email, operations, subject, body)


NOTICES = {
    DIVER_COPY: compose_diver_copy,
    DIVER_FAILURE_NOTICE: compose_failure_notice,
    OPERATIONS_ALERT: compose_operations_alert,
    PARTNER_WITHDRAWAL: compose_withdrawal_notice,
}


def webhook_body(delivery: Delivery, partner: Partner) -> bytes:
    """The JSON a partner's webhook receives, as the exact bytes that are signed."""
    lead = delivery.lead
    payload = {
        "delivery_id": delivery.outbox_id,
        "attempt": delivery.attempt,
        "sent_at": datetime.now(UTC).isoformat(),
        "partner_id": partner.partner_id,
        "lead": {
            "id": str(lead.id),
            "type": lead.lead_type,
            "name": lead.name,
            "email": lead.email,
            "phone": lead.phone,
            "destination": lead.destination(partner),
            "details": lead.details,
            "diver_profile": lead.diver_profile,
            "channel": lead.channel,
            "created_at": lead.created_at.isoformat(),
            "consent_at": lead.consent_at.isoformat(),
        },
    }
    if CONTACTED in delivery.links:
        # The partner's system confirms contact by POSTing `token` to this link.
        payload["links"] = {"contacted": delivery.links[CONTACTED]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def withdrawal_webhook_body(delivery: Delivery, partner: Partner) -> bytes:
    """The JSON a partner's webhook receives when the diver withdraws: no personal data."""
    payload = {
        "event": "lead_withdrawn",
        "delivery_id": delivery.outbox_id,
        "attempt": delivery.attempt,
        "sent_at": datetime.now(UTC).isoformat(),
        "partner_id": partner.partner_id,
        "lead": {"id": str(delivery.lead.id), "type": delivery.lead.lead_type},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
