"""Storing confirmed leads: the lead and its delivery in one transaction.

A lead row and its `lead_outbox` row are written together, so a stored lead
always has a pending delivery (the delivery worker sends it). The same
conversation and lead type within DUPLICATE_WINDOW updates that conversation's
lead instead of creating another; nothing another conversation sends can
change it. New leads are capped per hour per conversation, per email and per
client network (LeadLimitReached), so nobody can flood a partner's inbox or
bury a diver's address under enquiries. If the database cannot be reached, the lead is written to
a spool file under var/ and stored as soon as the database is back (a
background retry, and before every later save): a confirmed lead is never
lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from dovvybuddy.common.redaction import conversation_hash
from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.leads.partners import Partner, partner_for
from dovvybuddy.monitoring.metrics import LEAD_EVENTS

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = "10 minutes"
DATABASE_TIMEOUT_SECONDS = 5.0
# While leads are spooled, the store retries after 1 s, then 2, 4, ... up to a minute.
SPOOL_RETRY_FIRST_SECONDS = 1.0
SPOOL_RETRY_MAX_SECONDS = 60.0


class LeadLimitReached(Exception):
    """A new lead over one of the hourly caps; nothing was stored."""


@dataclass(frozen=True)
class LeadLimits:
    """New leads allowed per hour (DOVVY_LEADS_PER_*_PER_HOUR)."""

    per_conversation: int
    per_email: int
    per_client: int

    @classmethod
    def from_settings(cls, settings: Settings) -> LeadLimits:
        return cls(
            settings.leads_per_conversation_per_hour,
            settings.leads_per_email_per_hour,
            settings.leads_per_client_per_hour,
        )


@dataclass(frozen=True)
class LeadRecord:
    """A confirmed lead, as the forms collected it."""

    lead_type: str
    name: str
    email: str
    phone: str | None
    details: dict[str, Any]
    diver_profile: dict[str, Any]
    partner: Partner
    channel: str
    sender_id: str
    # A keyed hash of the web client's network, set by the REST channel.
    client_hash: str | None = None
    consent_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())

    @property
    def sender_hash(self) -> str:
        """The conversation id, hashed: enough to link a lead to a chat, not to a person."""
        return conversation_hash(self.sender_id)

    def to_spool(self) -> dict[str, Any]:
        data = asdict(self)
        data["partner"] = self.partner.partner_id
        return data

    @classmethod
    def from_spool(cls, data: dict[str, Any]) -> LeadRecord:
        destination = (data.get("details") or {}).get("destination") or (
            data.get("diver_profile") or {}
        ).get("destination")
        return cls(**{**data, "partner": partner_for(destination)})


class LeadStore:
    """Writes leads and their outbox rows; spools to disk when the database is down."""

    def __init__(
        self, pool: AsyncConnectionPool, spool_dir: Path, limits: LeadLimits | None = None
    ) -> None:
        self.pool = pool
        self.spool_dir = spool_dir
        self.limits = limits or LeadLimits.from_settings(load_settings())
        self._opened = asyncio.Lock()
        self._is_open = False
        self._retry: asyncio.Task | None = None
        # The background retry and a save may both flush: one at a time, or
        # the same spooled lead would be stored (and delivered) twice.
        self._flushing = asyncio.Lock()

    async def _open(self) -> None:
        async with self._opened:
            if not self._is_open:
                await self.pool.open(wait=False)
                self._is_open = True

    async def save(self, record: LeadRecord) -> str | None:
        """Store the lead; return its id, or None if it was spooled for later.

        Raises LeadLimitReached for a new lead over an hourly cap. (A spooled
        lead was confirmed to the diver already, so it is stored regardless.)
        """
        await self.flush_spool()
        try:
            lead_id = await self._insert(record, enforce_limits=True)
        except LeadLimitReached:
            LEAD_EVENTS.labels("limited").inc()
            raise
        except (psycopg.Error, OSError, TimeoutError) as error:
            logger.warning("lead spooled, database unavailable: %s", type(error).__name__)
            self._spool(record)
            if self._retry is None or self._retry.done():
                self._retry = asyncio.create_task(self._flush_until_empty())
            LEAD_EVENTS.labels("spooled").inc()
            return None
        LEAD_EVENTS.labels("stored").inc()
        return lead_id

    async def _flush_until_empty(self) -> None:
        """Retry the spool with a growing pause until every spooled lead is stored."""
        pause = SPOOL_RETRY_FIRST_SECONDS
        while self._spooled():
            await asyncio.sleep(pause)
            stored = await self.flush_spool()
            if stored:
                logger.info("stored %d spooled lead(s)", stored)
            pause = min(pause * 2, SPOOL_RETRY_MAX_SECONDS)

    def _spooled(self) -> list[Path]:
        return sorted(self.spool_dir.glob("*.json")) if self.spool_dir.exists() else []

    async def flush_spool(self) -> int:
        """Store spooled leads; return how many were stored."""
        stored = 0
        async with self._flushing:
            for path in self._spooled():
                record = LeadRecord.from_spool(json.loads(path.read_text()))
                try:
                    await self._insert(record)
                except (psycopg.Error, OSError, TimeoutError):
                    break
                path.unlink()
                stored += 1
        return stored

    def _spool(self, record: LeadRecord) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        path = self.spool_dir / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4()}.json"
        temporary = path.with_suffix(".tmp")
        with open(temporary, "w") as spool_file:
            json.dump(record.to_spool(), spool_file)
            spool_file.flush()
            os.fsync(spool_file.fileno())
        temporary.rename(path)

    async def _insert(self, record: LeadRecord, enforce_limits: bool = False) -> str:
        await self._open()
        async with self.pool.connection(timeout=DATABASE_TIMEOUT_SECONDS) as conn:
            async with conn.transaction():
                existing = await (
                    await conn.execute(
                        # A withdrawn lead is not updated: the diver asking again is a new lead.
                        "SELECT id FROM leads WHERE sender_hash = %s AND lead_type = %s"
                        " AND status <> 'withdrawn'"
                        f" AND created_at > now() - interval '{DUPLICATE_WINDOW}'"
                        " ORDER BY created_at DESC LIMIT 1 FOR UPDATE",
                        (record.sender_hash, record.lead_type),
                    )
                ).fetchone()
                if not existing and enforce_limits:
                    await _check_limits(conn, record, self.limits)
                values = (
                    record.name,
                    record.email,
                    record.phone,
                    Jsonb(record.details),
                    Jsonb(record.diver_profile),
                    record.partner.partner_id,
                    record.channel,
                    record.sender_hash,
                    record.consent_at,
                )
                if existing:
                    lead_id = existing[0]
                    await conn.execute(
                        "UPDATE leads SET name = %s, email = %s, phone = %s, details = %s,"
                        " diver_profile = %s, partner_id = %s, channel = %s, sender_hash = %s,"
                        " consent_at = %s, updated_at = now() WHERE id = %s",
                        (*values, lead_id),
                    )
                    pending = await (
                        await conn.execute(
                            "SELECT 1 FROM lead_outbox WHERE lead_id = %s AND status = 'pending'"
                            " AND recipient = 'partner'",
                            (lead_id,),
                        )
                    ).fetchone()
                    if pending:  # the pending delivery will send the updated lead
                        return str(lead_id)
                else:
                    row = await (
                        await conn.execute(
                            "INSERT INTO leads (name, email, phone, details, diver_profile,"
                            " partner_id, channel, sender_hash, consent_at, lead_type,"
                            " client_hash)"
                            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                            (*values, record.lead_type, record.client_hash),
                        )
                    ).fetchone()
                    lead_id = row[0]
                # The partner's lead, and the diver's own copy of what was sent.
                await conn.execute(
                    "INSERT INTO lead_outbox (lead_id, partner_id, transport, recipient)"
                    " VALUES (%s, %s, %s, 'partner'), (%s, %s, 'email', 'diver_copy')",
                    (
                        lead_id,
                        record.partner.partner_id,
                        record.partner.transport,
                        lead_id,
                        record.partner.partner_id,
                    ),
                )
                await conn.execute("NOTIFY lead_outbox")
        return str(lead_id)

    async def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
        await self.pool.close()
        self._is_open = False


async def _check_limits(
    conn: psycopg.AsyncConnection, record: LeadRecord, limits: LeadLimits
) -> None:
    """Raise LeadLimitReached when a new lead would pass an hourly cap."""
    recent = await (
        await conn.execute(
            "SELECT count(*) FILTER (WHERE sender_hash = %s),"
            " count(*) FILTER (WHERE lower(email) = lower(%s)),"
            " count(*) FILTER (WHERE client_hash = %s)"
            " FROM leads WHERE created_at > now() - interval '1 hour'",
            (record.sender_hash, record.email, record.client_hash),
        )
    ).fetchone()
    per_conversation, per_email, per_client = recent
    if (
        per_conversation >= limits.per_conversation
        or per_email >= limits.per_email
        or per_client >= limits.per_client
    ):
        raise LeadLimitReached


_store: LeadStore | None = None


def default_lead_store() -> LeadStore:
    """The process-wide store, built from the environment on first use."""
    global _store
    if _store is None:
        settings = load_settings()
        if not settings.database_url:
            raise RuntimeError("DATABASE_URL is not set")
        _store = LeadStore(
            AsyncConnectionPool(
                settings.database_url,
                min_size=0,
                max_size=2,
                open=False,
                timeout=DATABASE_TIMEOUT_SECONDS,
                check=AsyncConnectionPool.check_connection,
            ),
            settings.lead_spool_dir,
        )
    return _store
