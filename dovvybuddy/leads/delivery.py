"""Deliver leads to partner dive centres: a worker that drains `lead_outbox`.

One delivery, step by step, and why it is done this way:

1. Claim. In one short transaction, up to DOVVY_LEAD_BATCH_SIZE due rows
   (`status = 'pending' AND next_attempt_at <= now()`) are selected
   `FOR UPDATE SKIP LOCKED`; their attempt counter goes up by one and
   `next_attempt_at` moves DOVVY_LEAD_CLAIM_SECONDS ahead. That move is a
   lease: once the claim commits, no other worker sees the row as due while
   this one is sending, and no transaction stays open across a network call.
   If the worker dies mid-send, the lease runs out and a later run sends
   again (at-least-once).
2. Send, bounded by DOVVY_LEAD_DELIVERY_TIMEOUT_SECONDS (shorter than the
   lease): a plain-text email over SMTP, or a JSON POST to the partner's
   webhook signed with DOVVY_WEBHOOK_SECRET.
3. Record, in another short transaction: delivered; or a retry after an
   exponential backoff with jitter; or failed after DOVVY_LEAD_MAX_ATTEMPTS.
   A failure is only recorded if the row still carries the attempt number
   this worker claimed, so a worker whose lease ran out cannot overwrite a
   newer attempt. An outcome that cannot be recorded because the database is
   down is kept in memory and recorded when it is back.

Each outbox row has a recipient. `partner`: the lead itself, by the partner's
transport. `diver_copy`: the diver's own copy by email, written with the
partner's row, saying what was sent to which centre and how to withdraw it.
When a partner's delivery finally fails, two more rows are written in the same
transaction: `diver_failure_notice`, telling the diver honestly that the
centre could not be reached and the team has the enquiry instead, and
`operations_alert`, the lead itself to the operations inbox
(DOVVY_DEFAULT_LEAD_EMAIL). Notices go by email and are retried like leads.

Receivers can detect the duplicates at-least-once delivery allows: webhooks
carry `X-DovvyBuddy-Delivery` (the outbox id), emails a Message-ID built from
it. Logs carry ids, partner, transport, attempt and outcome, never the diver's
details.

`python -m dovvybuddy.leads.delivery` runs until SIGINT or SIGTERM;
`--once` delivers what is due now and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import random
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from uuid import UUID

import aiosmtplib
import httpx2
import psycopg
from psycopg.rows import dict_row

from dovvybuddy.common.json_logging import configure_json_logging
from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.leads.partners import DEFAULT_PARTNER_ID, Partner, default_partner, load_partners
from dovvybuddy.monitoring.health_server import serve_health
from dovvybuddy.monitoring.metrics import LEAD_DELIVERIES

# Named explicitly: run with `python -m`, __name__ would be '__main__'.
logger = logging.getLogger("dovvybuddy.leads.delivery")

SIGNATURE_HEADER = "X-DovvyBuddy-Signature"
DELIVERY_HEADER = "X-DovvyBuddy-Delivery"
_CONNECT_TIMEOUT_SECONDS = 5

_CLAIM_DUE_ROWS = """
WITH due AS (
    SELECT id FROM lead_outbox
    WHERE status = 'pending' AND next_attempt_at <= COALESCE(%(due_by)s::timestamptz, now())
    ORDER BY next_attempt_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE lead_outbox AS outbox
SET attempts = outbox.attempts + 1,
    next_attempt_at = now() + make_interval(secs => %(lease_seconds)s)
FROM due
WHERE outbox.id = due.id
RETURNING outbox.id, outbox.lead_id, outbox.partner_id, outbox.attempts, outbox.recipient
"""

_LOAD_LEADS = """
SELECT id, lead_type, status, name, email, phone, details, diver_profile, channel,
       consent_at, created_at
FROM leads WHERE id = ANY(%s)
"""

_MARK_DELIVERED = """
UPDATE lead_outbox SET status = 'delivered', delivered_at = now()
WHERE id = %(outbox_id)s AND status <> 'delivered'
"""

_MARK_LEAD_DELIVERED = """
UPDATE leads SET status = 'delivered', updated_at = now()
WHERE id = %(lead_id)s AND status IN ('new', 'failed')
"""

_MARK_ATTEMPT_FAILED = """
UPDATE lead_outbox
SET status = CASE WHEN %(give_up)s OR attempts >= %(max_attempts)s
                  THEN 'failed' ELSE 'pending' END,
    last_error = %(error)s,
    next_attempt_at = now() + make_interval(secs => %(delay_seconds)s)
WHERE id = %(outbox_id)s AND status = 'pending' AND attempts = %(attempt)s
RETURNING status
"""

_MARK_LEAD_FAILED = """
UPDATE leads SET status = 'failed', updated_at = now()
WHERE id = %(lead_id)s AND status = 'new'
"""

_QUEUE_FAILURE_NOTICES = """
INSERT INTO lead_outbox (lead_id, partner_id, transport, recipient)
VALUES (%(lead_id)s, %(partner_id)s, 'email', 'diver_failure_notice'),
       (%(lead_id)s, %(partner_id)s, 'email', 'operations_alert')
"""

PARTNER = "partner"
DIVER_COPY = "diver_copy"
DIVER_FAILURE_NOTICE = "diver_failure_notice"
OPERATIONS_ALERT = "operations_alert"


class DeliveryError(Exception):
    """A failed attempt whose message is safe to store and log (no personal data)."""


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


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt did; `error` is None when the partner accepted the lead."""

    delivery: Delivery
    partner: Partner
    error: str | None
    give_up: bool = False


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Wait before the attempt after `attempt` (1-based): base doubling up to cap.

    A random factor between 0.5 and 1 spreads out the retries of many leads
    that failed together (a partner outage), so they do not all return at once.
    """
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)


def describe_failure(error: BaseException) -> str:
    """A short reason for a failed attempt that is safe to store and log.

    Exception messages can quote what was sent (an SMTP server may echo an
    address, an HTTP error anything), so only the kind of failure and a status
    code are kept.
    """
    if isinstance(error, DeliveryError):
        return str(error)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"SMTP {error.code} ({type(error).__name__})"
    if isinstance(error, TimeoutError | httpx2.TimeoutException):
        return "timed out"
    return type(error).__name__


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
    ]
    return _email(delivery, sender, partner.email, _diver_address(lead), subject, body)


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


def compose_diver_copy(
    delivery: Delivery, partner: Partner, sender: str, operations: str
) -> EmailMessage:
    """The diver's copy: what was sent, to which centre, and how to withdraw it."""
    lead = delivery.lead
    body = [
        f"Hello {_one_line(lead.name)},",
        "",
        f"With your consent, DovvyBuddy sent your {lead.lead_type} enquiry to {partner.name}",
        f"on {_utc(lead.created_at)}. This is your copy of what they received:",
        "",
        *_request_summary(lead, partner),
        "",
        f"{partner.name} usually replies within one to two working days. If the",
        "enquiry cannot be delivered to them, we will tell you by email.",
        "",
        "To withdraw this enquiry and have your details deleted, reply to this email",
        "and say so; you do not need to give a reason.",
        "",
        "DovvyBuddy gives information, not instruction; for medical questions about",
        "diving, please see a doctor trained in dive medicine.",
    ]
    subject = f"Your enquiry to {partner.name} (copy)"
    return _email(delivery, sender, _diver_address(lead), operations, subject, body)


def compose_failure_notice(
    delivery: Delivery, partner: Partner, sender: str, operations: str
) -> EmailMessage:
    """The honest notice to the diver that the centre could not be reached."""
    lead = delivery.lead
    body = [
        f"Hello {_one_line(lead.name)},",
        "",
        f"We could not deliver your {lead.lead_type} enquiry to {partner.name}: their",
        "system did not accept it after several attempts. Our team has received your",
        "enquiry instead and will pass it on to a dive centre or reply to you",
        "themselves. You do not need to do anything.",
        "",
        "To withdraw the enquiry and have your details deleted, reply to this email.",
    ]
    subject = f"Your enquiry to {partner.name} could not be delivered"
    return _email(delivery, sender, _diver_address(lead), operations, subject, body)


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


NOTICES = {
    DIVER_COPY: compose_diver_copy,
    DIVER_FAILURE_NOTICE: compose_failure_notice,
    OPERATIONS_ALERT: compose_operations_alert,
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
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _log(level: int, event: str, **fields: Any) -> None:
    logger.log(level, json.dumps({"event": event, **fields}))


class LeadDeliveryWorker:
    """Claims due outbox rows, delivers their leads and records the outcome.

    Several workers (in one process or many) can run against one database.
    Use it as an async context manager so its connections are closed.
    """

    def __init__(
        self,
        settings: Settings,
        database_url: str,
        partners: Sequence[Partner] | None = None,
    ) -> None:
        if settings.lead_claim_seconds <= settings.lead_delivery_timeout_seconds:
            # Otherwise a row could be claimed again while its first send is still running.
            raise ValueError(
                "DOVVY_LEAD_CLAIM_SECONDS must be longer than DOVVY_LEAD_DELIVERY_TIMEOUT_SECONDS"
            )
        self.settings = settings
        self.database_url = database_url
        self.default_partner = default_partner(settings)
        known = load_partners() if partners is None else partners
        self.partners = {DEFAULT_PARTNER_ID: self.default_partner}
        self.partners.update({partner.partner_id: partner for partner in known})
        self.outcomes: Counter[str] = Counter()
        self._connection: psycopg.AsyncConnection[dict[str, Any]] | None = None
        # One connection serves the concurrent sends of a batch; transactions take turns.
        self._database_turn = asyncio.Lock()
        self._unrecorded: list[AttemptResult] = []
        self._database_down = False
        self._http = httpx2.AsyncClient(
            timeout=settings.lead_delivery_timeout_seconds, follow_redirects=False
        )

    async def __aenter__(self) -> LeadDeliveryWorker:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP client and the database connection."""
        await self._http.aclose()
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    def health(self) -> tuple[bool, dict]:
        """Healthy while the database answers; with the delivery counts so far."""
        database = "down" if self._database_down else "up"
        return not self._database_down, {
            "status": "ok" if database == "up" else "degraded",
            "database": database,
            "outcomes": dict(self.outcomes),
        }

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Deliver due leads until `stop` is set, riding out database outages.

        Deliveries in progress when `stop` is set are finished and recorded.
        """
        while not stop.is_set():
            claimed = 0
            try:
                claimed = await self._run_batch(due_by=None)
            except (psycopg.Error, OSError) as error:
                if not self._database_down:
                    _log(
                        logging.ERROR,
                        "lead_delivery_database_unavailable",
                        error=type(error).__name__,
                    )
                self._database_down = True
            else:
                if self._database_down:
                    _log(logging.INFO, "lead_delivery_database_available")
                self._database_down = False
            if claimed < self.settings.lead_batch_size:
                # A full batch means more rows may be due now: claim again without waiting.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.lead_poll_seconds)

    async def drain(self, stop: asyncio.Event | None = None) -> Counter[str]:
        """Deliver every row due now, once, and return the outcomes counted.

        Rows that fail move past the cut-off taken at the start, so each is
        attempted at most once per call. Database errors propagate.
        """
        before = self.outcomes.copy()
        async with self._transaction() as connection:
            cursor = await connection.execute("SELECT now() AS now")
            row = await cursor.fetchone()
        assert row is not None
        due_by: datetime = row["now"]
        while not (stop and stop.is_set()) and await self._run_batch(due_by):
            pass
        return self.outcomes - before

    async def _run_batch(self, due_by: datetime | None) -> int:
        """Record leftovers, claim one batch, send it and record it; return the rows claimed."""
        await self._record_all([])
        deliveries = await self._claim(due_by)
        results = await asyncio.gather(*(self._attempt(delivery) for delivery in deliveries))
        await self._record_all(results)
        return len(deliveries)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[psycopg.AsyncConnection[dict[str, Any]]]:
        async with self._database_turn:
            if self._connection is None:
                self._connection = await psycopg.AsyncConnection.connect(
                    self.database_url,
                    autocommit=True,
                    row_factory=dict_row,
                    connect_timeout=_CONNECT_TIMEOUT_SECONDS,
                )
            connection = self._connection
            try:
                async with connection.transaction():
                    yield connection
            except psycopg.Error:
                if connection.broken or connection.closed:
                    # The server went away; connect afresh on the next turn.
                    self._connection = None
                raise

    async def _claim(self, due_by: datetime | None) -> list[Delivery]:
        async with self._transaction() as connection:
            cursor = await connection.execute(
                _CLAIM_DUE_ROWS,
                {
                    "due_by": due_by,
                    "limit": self.settings.lead_batch_size,
                    "lease_seconds": self.settings.lead_claim_seconds,
                },
            )
            rows = await cursor.fetchall()
            if not rows:
                return []
            cursor = await connection.execute(_LOAD_LEADS, ([row["lead_id"] for row in rows],))
            leads = {lead["id"]: Lead(**lead) for lead in await cursor.fetchall()}
        # A lead deleted since its row was claimed takes its row with it (ON DELETE CASCADE).
        return [
            Delivery(
                row["id"],
                row["attempts"],
                row["partner_id"],
                leads[row["lead_id"]],
                row["recipient"],
            )
            for row in rows
            if row["lead_id"] in leads
        ]

    def _partner(self, delivery: Delivery) -> Partner:
        partner = self.partners.get(delivery.partner_id)
        if partner is None:
            # The partner left knowledge/ after the lead was stored: the team's inbox
            # gets it rather than nobody.
            _log(
                logging.WARNING,
                "lead_delivery_unknown_partner",
                outbox_id=delivery.outbox_id,
                partner_id=delivery.partner_id,
            )
            return self.default_partner
        return partner

    async def _attempt(self, delivery: Delivery) -> AttemptResult:
        partner = self._partner(delivery)
        if delivery.lead.status == "cancelled":
            return AttemptResult(delivery, partner, "lead cancelled", give_up=True)
        try:
            async with asyncio.timeout(self.settings.lead_delivery_timeout_seconds):
                if delivery.recipient != PARTNER:
                    await self._send_notice(delivery, partner)
                elif partner.transport == "webhook":
                    await self._post_webhook(delivery, partner)
                else:
                    await self._send_email(delivery, partner)
        except Exception as error:  # any failure is retried; the reason is recorded
            return AttemptResult(delivery, partner, describe_failure(error))
        return AttemptResult(delivery, partner, None)

    async def _send_notice(self, delivery: Delivery, partner: Partner) -> None:
        compose = NOTICES[delivery.recipient]
        message = compose(
            delivery, partner, self.settings.lead_from, self.default_partner.email or ""
        )
        await self._send(message)

    async def _send_email(self, delivery: Delivery, partner: Partner) -> None:
        await self._send(compose_email(delivery, partner, self.settings.lead_from))

    async def _send(self, message: EmailMessage) -> None:
        settings = self.settings
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=settings.lead_delivery_timeout_seconds,
        )

    async def _post_webhook(self, delivery: Delivery, partner: Partner) -> None:
        secret = self.settings.webhook_secret
        if not secret:
            # Unsigned leads could be forged by anyone who knows the URL; wait for the secret.
            raise DeliveryError("DOVVY_WEBHOOK_SECRET is not set")
        assert partner.webhook is not None
        body = webhook_body(delivery, partner)
        response = await self._http.post(
            partner.webhook,
            content=body,
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(body, secret),
                DELIVERY_HEADER: str(delivery.outbox_id),
            },
        )
        if not response.is_success:
            raise DeliveryError(f"HTTP {response.status_code}")

    async def _record_all(self, results: Sequence[AttemptResult]) -> None:
        """Record results in order; on a database error keep the rest for the next call."""
        self._unrecorded.extend(results)
        while self._unrecorded:
            await self._record(self._unrecorded[0])
            self._unrecorded.pop(0)

    async def _record(self, result: AttemptResult) -> None:
        delivery = result.delivery
        ids = {"outbox_id": delivery.outbox_id, "lead_id": delivery.lead.id}
        delay = 0.0
        async with self._transaction() as connection:
            if result.error is None:
                await connection.execute(_MARK_DELIVERED, ids)
                if delivery.recipient == PARTNER:
                    await connection.execute(_MARK_LEAD_DELIVERED, ids)
                outcome = "delivered"
            else:
                delay = backoff_seconds(
                    delivery.attempt,
                    self.settings.lead_retry_base_seconds,
                    self.settings.lead_retry_max_seconds,
                )
                cursor = await connection.execute(
                    _MARK_ATTEMPT_FAILED,
                    {
                        **ids,
                        "give_up": result.give_up,
                        "max_attempts": self.settings.lead_max_attempts,
                        "error": result.error,
                        "delay_seconds": delay,
                        "attempt": delivery.attempt,
                    },
                )
                row = await cursor.fetchone()
                if row is None:
                    # Another worker claimed the row after this one's lease ran out.
                    outcome = "superseded"
                elif row["status"] == "failed":
                    outcome = "failed"
                    if delivery.recipient == PARTNER:
                        await connection.execute(_MARK_LEAD_FAILED, ids)
                        if delivery.lead.status != "cancelled":
                            # Nothing promises what did not happen: the diver
                            # hears of it, the team gets the lead.
                            await connection.execute(
                                _QUEUE_FAILURE_NOTICES,
                                {"lead_id": delivery.lead.id, "partner_id": delivery.partner_id},
                            )
                else:
                    outcome = "retry"
        self.outcomes[outcome] += 1
        transport = result.partner.transport if delivery.recipient == PARTNER else "email"
        LEAD_DELIVERIES.labels(delivery.recipient, transport, outcome).inc()
        fields: dict[str, Any] = {
            "outbox_id": delivery.outbox_id,
            "lead_id": str(delivery.lead.id),
            "partner_id": result.partner.partner_id,
            "recipient": delivery.recipient,
            "transport": transport,
            "attempt": delivery.attempt,
            "outcome": outcome,
        }
        if result.error is not None:
            fields["error"] = result.error
        if outcome == "retry":
            fields["retry_in_seconds"] = round(delay, 2)
        level = logging.WARNING if outcome in {"failed", "retry"} else logging.INFO
        _log(level, "lead_delivery", **fields)


async def _serve(settings: Settings, database_url: str, once: bool) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with LeadDeliveryWorker(settings, database_url) as worker:
        if not once:
            health = await serve_health(
                settings.bind_host, settings.worker_health_port, worker.health
            )
            _log(logging.INFO, "lead_delivery_started", partners=sorted(worker.partners))
            try:
                await worker.run_forever(stop)
            finally:
                health.close()
            _log(logging.INFO, "lead_delivery_stopped", **worker.outcomes)
            return 0
        try:
            outcomes = await worker.drain(stop)
        except (psycopg.Error, OSError) as error:
            _log(logging.ERROR, "lead_delivery_database_unavailable", error=type(error).__name__)
            return 1
        _log(logging.INFO, "lead_delivery_drained", **outcomes)
        return 0


def main(argv: list[str] | None = None) -> int:
    """Run the worker (`--once`: deliver what is due and exit); returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.leads.delivery",
        description="Deliver stored leads to partner dive centres (email or webhook).",
    )
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_json_logging("lead-worker", settings.log_level)
    if not settings.database_url:
        parser.error("DATABASE_URL is not set (a running stack writes its URL to var/stack.json)")
    return asyncio.run(_serve(settings, settings.database_url, args.once))


if __name__ == "__main__":
    sys.exit(main())
