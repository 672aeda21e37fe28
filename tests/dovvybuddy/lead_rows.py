"""Leads in the database for tests: inserted and read with plain SQL.

`insert_lead` writes a lead and its pending outbox row in one transaction,
as the Rasa forms do, without depending on their code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

TRAINING_DETAILS = {
    "destination": "tioman",
    "course": "open_water",
    "dates": "2027-05-01/2027-05-10",
    "group_size": 2,
    "message": "We would like morning sessions.",
}
DIVER_PROFILE = {"certification_level": "discover_scuba", "logged_dives": 0}


def insert_lead(
    database_url: str,
    *,
    partner_id: str = "test-email-divers",
    transport: str = "email",
    name: str = "Jane Diver",
    email: str = "jane.diver@example.com",
    phone: str | None = "+60123456789",
    lead_type: str = "training",
    status: str = "new",
    details: dict[str, Any] | None = None,
    diver_profile: dict[str, Any] | None = None,
    created_at: datetime | None = None,
) -> tuple[UUID, int]:
    """Store a lead and its pending delivery; return (lead id, outbox id)."""
    with psycopg.connect(database_url) as conn:
        lead_id = conn.execute(
            "INSERT INTO leads (lead_type, status, name, email, phone, details, diver_profile,"
            " partner_id, channel, sender_hash, consent_at, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'rest', 'sha256-of-sender', now(),"
            " COALESCE(%s, now())) RETURNING id",
            (
                lead_type,
                status,
                name,
                email,
                phone,
                Jsonb(TRAINING_DETAILS if details is None else details),
                Jsonb(DIVER_PROFILE if diver_profile is None else diver_profile),
                partner_id,
                created_at,
            ),
        ).fetchone()[0]
        outbox_id = conn.execute(
            "INSERT INTO lead_outbox (lead_id, partner_id, transport) VALUES (%s, %s, %s)"
            " RETURNING id",
            (lead_id, partner_id, transport),
        ).fetchone()[0]
    return lead_id, outbox_id


def outbox_row(database_url: str, outbox_id: int) -> dict[str, Any]:
    """The outbox row, plus `due_in` (seconds until next_attempt_at, by the database clock)."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT *, extract(epoch FROM next_attempt_at - now())::float8 AS due_in"
            " FROM lead_outbox WHERE id = %s",
            (outbox_id,),
        ).fetchone()


def lead_status(database_url: str, lead_id: UUID) -> str:
    """The lead's status column."""
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT status FROM leads WHERE id = %s", (lead_id,)).fetchone()[0]


def set_outbox(database_url: str, outbox_id: int, **values: Any) -> None:
    """Overwrite outbox columns (e.g. to put a row in the state a failure leaves)."""
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = %s").format(sql.Identifier(column)) for column in values
    )
    query = sql.SQL("UPDATE lead_outbox SET {} WHERE id = %s").format(assignments)
    with psycopg.connect(database_url) as conn:
        conn.execute(query, (*values.values(), outbox_id))
