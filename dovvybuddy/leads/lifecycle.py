"""What the signed links do to a lead: the partner's "contacted" and the diver's withdrawal.

    new --(worker delivers)--> delivered --(partner's link)--> contacted
      \\--(worker gives up)--> failed
    any of them --(diver's link)--> withdrawn

Each change is one statement or one transaction, so two clicks at once change
a lead once: the second finds it changed and is told so. A withdrawn lead
keeps only what is not personal (its id, type, partner, channel, times and
the hashed conversation id the insights count by); its pending deliveries are
stopped, and when the partner may already have it, a `partner_withdrawal`
notice is queued for the partner's own transport (email or webhook).
`make retention` deletes the rest with the lead's age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

WITHDRAWN = "withdrawn"

_MARK_CONTACTED = """
UPDATE leads SET status = 'contacted', contacted_at = now(), updated_at = now()
WHERE id = %s AND status NOT IN ('contacted', 'withdrawn', 'cancelled')
RETURNING contacted_at
"""

_LEAD_STATE = """
SELECT id, lead_type, status, partner_id, created_at, contacted_at, withdrawn_at
FROM leads WHERE id = %s
"""

# The partner may have the lead when a delivery to it succeeded or is being tried.
_PARTNER_TRANSPORT_IF_REACHED = """
SELECT transport FROM lead_outbox
WHERE lead_id = %s AND recipient = 'partner'
  AND (status = 'delivered' OR (status = 'pending' AND attempts > 0))
ORDER BY id DESC LIMIT 1
"""

_STOP_PENDING_DELIVERIES = """
UPDATE lead_outbox SET status = 'failed', last_error = 'withdrawn by the diver'
WHERE lead_id = %s AND status = 'pending'
"""

_FORGET_DIVER = """
UPDATE leads
SET status = 'withdrawn', withdrawn_at = now(), updated_at = now(),
    name = '', email = '', phone = NULL, details = '{}'::jsonb, diver_profile = '{}'::jsonb
WHERE id = %s
RETURNING withdrawn_at
"""

_QUEUE_WITHDRAWAL_NOTICE = """
INSERT INTO lead_outbox (lead_id, partner_id, transport, recipient)
VALUES (%s, %s, %s, 'partner_withdrawal')
"""


class Outcome(Enum):
    """What opening a link did."""

    DONE = "done"
    ALREADY = "already"
    WITHDRAWN = "withdrawn"
    NO_LEAD = "no_lead"


@dataclass(frozen=True)
class LeadState:
    """What a link's page may show about its lead: nothing personal."""

    lead_id: UUID
    lead_type: str
    status: str
    partner_id: str
    created_at: datetime
    contacted_at: datetime | None
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class LinkResult:
    """The outcome, and when the change happened (now, or at the earlier click)."""

    outcome: Outcome
    at: datetime | None = None
    partner_notified: bool = False


def lead_state(connection: psycopg.Connection[Any], lead_id: UUID) -> LeadState | None:
    """The lead's state, or None when there is no such lead (deleted by retention)."""
    with connection.cursor(row_factory=dict_row) as cursor:
        row = cursor.execute(_LEAD_STATE, (lead_id,)).fetchone()
    if row is None:
        return None
    return LeadState(lead_id=row.pop("id"), **row)


def mark_contacted(connection: psycopg.Connection[Any], lead_id: UUID) -> LinkResult:
    """Record that the partner contacted the diver, once."""
    with connection.transaction():
        row = connection.execute(_MARK_CONTACTED, (lead_id,)).fetchone()
    if row is not None:
        return LinkResult(Outcome.DONE, row[0])
    state = lead_state(connection, lead_id)
    if state is None:
        return LinkResult(Outcome.NO_LEAD)
    if state.status == WITHDRAWN:
        return LinkResult(Outcome.WITHDRAWN, state.withdrawn_at)
    return LinkResult(Outcome.ALREADY, state.contacted_at)


def withdraw(connection: psycopg.Connection[Any], lead_id: UUID) -> LinkResult:
    """Forget the diver's details, stop deliveries and tell the partner, once."""
    with connection.transaction():
        row = connection.execute(
            "SELECT status, partner_id, withdrawn_at FROM leads WHERE id = %s FOR UPDATE",
            (lead_id,),
        ).fetchone()
        if row is None:
            return LinkResult(Outcome.NO_LEAD)
        status, partner_id, withdrawn_at = row
        if status == WITHDRAWN:
            return LinkResult(Outcome.ALREADY, withdrawn_at)
        reached = connection.execute(_PARTNER_TRANSPORT_IF_REACHED, (lead_id,)).fetchone()
        connection.execute(_STOP_PENDING_DELIVERIES, (lead_id,))
        forgotten = connection.execute(_FORGET_DIVER, (lead_id,)).fetchone()
        assert forgotten is not None  # the row is locked above
        if reached is not None:
            connection.execute(_QUEUE_WITHDRAWAL_NOTICE, (lead_id, partner_id, reached[0]))
            connection.execute("NOTIFY lead_outbox")
    return LinkResult(Outcome.DONE, forgotten[0], partner_notified=reached is not None)
