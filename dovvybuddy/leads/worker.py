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

Logs carry ids, partner, transport, attempt and outcome, never the diver's
details. Who receives what (the recipients, the duplicate markers) is
`dovvybuddy.leads.messages`; the SQL is `dovvybuddy.leads.outbox_queries`; the
command that runs this worker is `python -m dovvybuddy.leads.delivery`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx2
import psycopg
from psycopg.rows import dict_row

from dovvybuddy.common.json_logging import log_event
from dovvybuddy.common.settings import Settings
from dovvybuddy.leads.links import CONTACTED, WITHDRAW, lead_link
from dovvybuddy.leads.messages import (
    DELIVERY_HEADER,
    NOTICES,
    PARTNER,
    PARTNER_WITHDRAWAL,
    SIGNATURE_HEADER,
    Delivery,
    Lead,
    compose_email,
    sign,
    webhook_body,
    withdrawal_webhook_body,
)
from dovvybuddy.leads.outbox_queries import (
    CLAIM_DUE_ROWS,
    LOAD_LEADS,
    MARK_ATTEMPT_FAILED,
    MARK_DELIVERED,
    MARK_LEAD_DELIVERED,
    MARK_LEAD_FAILED,
    QUEUE_FAILURE_NOTICES,
)
from dovvybuddy.leads.partners import DEFAULT_PARTNER_ID, Partner, default_partner, load_partners
from dovvybuddy.monitoring.metrics import LEAD_DELIVERIES

# Named explicitly: run with `python -m`, __name__ would be '__main__'.
logger = logging.getLogger("dovvybuddy.leads.delivery")

_CONNECT_TIMEOUT_SECONDS = 5


class DeliveryError(Exception):
    """A failed attempt whose message is safe to store and log (no personal data)."""


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
                    log_event(
                        logger,
                        "lead_delivery_database_unavailable",
                        log_level=logging.ERROR,
                        error=type(error).__name__,
                    )
                self._database_down = True
            else:
                if self._database_down:
                    log_event(logger, "lead_delivery_database_available")
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
                CLAIM_DUE_ROWS,
                {
                    "due_by": due_by,
                    "limit": self.settings.lead_batch_size,
                    "lease_seconds": self.settings.lead_claim_seconds,
                },
            )
            rows = await cursor.fetchall()
            if not rows:
                return []
            cursor = await connection.execute(LOAD_LEADS, ([row["lead_id"] for row in rows],))
            leads = {lead["id"]: Lead(**lead) for lead in await cursor.fetchall()}
        # A lead deleted since its row was claimed takes its row with it (ON DELETE CASCADE).
        return [
            Delivery(
                row["id"],
                row["attempts"],
                row["partner_id"],
                leads[row["lead_id"]],
                row["recipient"],
                {
                    purpose: lead_link(self.settings, purpose, row["lead_id"])
                    for purpose in (CONTACTED, WITHDRAW)
                },
            )
            for row in rows
            if row["lead_id"] in leads
        ]

    def _partner(self, delivery: Delivery) -> Partner:
        partner = self.partners.get(delivery.partner_id)
        if partner is None:
            # The partner left knowledge/ after the lead was stored: the team's inbox
            # gets it rather than nobody.
            log_event(
                logger,
                "lead_delivery_unknown_partner",
                log_level=logging.WARNING,
                outbox_id=delivery.outbox_id,
                partner_id=delivery.partner_id,
            )
            return self.default_partner
        return partner

    async def _attempt(self, delivery: Delivery) -> AttemptResult:
        partner = self._partner(delivery)
        if delivery.lead.status == "cancelled":
            return AttemptResult(delivery, partner, "lead cancelled", give_up=True)
        if delivery.lead.status == "withdrawn" and delivery.recipient != PARTNER_WITHDRAWAL:
            return AttemptResult(delivery, partner, "withdrawn by the diver", give_up=True)
        try:
            async with asyncio.timeout(self.settings.lead_delivery_timeout_seconds):
                if delivery.recipient not in (PARTNER, PARTNER_WITHDRAWAL):
                    await self._send_notice(delivery, partner)
                elif partner.transport == "webhook":
                    await self._post_webhook(delivery, partner)
                elif delivery.recipient == PARTNER_WITHDRAWAL:
                    await self._send_notice(delivery, partner)
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
        compose = (
            withdrawal_webhook_body if delivery.recipient == PARTNER_WITHDRAWAL else webhook_body
        )
        body = compose(delivery, partner)
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
                await connection.execute(MARK_DELIVERED, ids)
                if delivery.recipient == PARTNER:
                    await connection.execute(MARK_LEAD_DELIVERED, ids)
                outcome = "delivered"
            else:
                delay = backoff_seconds(
                    delivery.attempt,
                    self.settings.lead_retry_base_seconds,
                    self.settings.lead_retry_max_seconds,
                )
                cursor = await connection.execute(
                    MARK_ATTEMPT_FAILED,
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
                        await connection.execute(MARK_LEAD_FAILED, ids)
                        if delivery.lead.status != "cancelled":
                            # Nothing promises what did not happen: the diver
                            # hears of it, the team gets the lead.
                            await connection.execute(
                                QUEUE_FAILURE_NOTICES,
                                {"lead_id": delivery.lead.id, "partner_id": delivery.partner_id},
                            )
                else:
                    outcome = "retry"
        self.outcomes[outcome] += 1
        by_partner_transport = delivery.recipient in (PARTNER, PARTNER_WITHDRAWAL)
        transport = result.partner.transport if by_partner_transport else "email"
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
        log_event(logger, "lead_delivery", log_level=level, **fields)
