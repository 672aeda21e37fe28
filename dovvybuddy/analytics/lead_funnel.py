"""The lead funnel: how far divers get in the lead forms, followed in the tracker store.

A form run starts when a lead form becomes active and ends when it submits,
is not stored or is cancelled (or where the diver left it); a submitted run
counts as delivered when its stored lead reached the partner, and as
contacted when the partner confirmed contact by the signed link in its
message (`dovvybuddy.leads.lifecycle`). Time to contact runs from the lead's
storing (the diver's confirmation) to that confirmation, per partner.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby, pairwise
from statistics import median
from typing import Any

from dovvybuddy.analytics.tracker_queries import UNKNOWN, Connection, Period
from dovvybuddy.common.redaction import conversation_hash
from dovvybuddy.knowledge.vocabulary import DESTINATIONS, FORM_LEAD_TYPES

# The replies that end a lead form (actions/lead_forms.py).
LEAD_SUBMITTED = "utter_lead_submitted"
LEAD_FORM_ENDINGS = frozenset({LEAD_SUBMITTED, "utter_lead_not_stored", "utter_lead_cancelled"})
FUNNEL_STEPS = ("started", "consent_given", "submitted", "delivered", "contacted")
SECONDS_PER_HOUR = 3600

# What the lead funnel follows, for every conversation that started a form in
# the period: form starts and ends, the field asked, consent, the destination
# (also from before the form), and the channel of the diver's messages.
_FORM_EVENTS = """
SELECT sender_id, type_name, timestamp, action_name,
       data::jsonb -> 'value' AS value,
       data::jsonb ->> 'input_channel' AS channel,
       data::jsonb #>> '{metadata,utter_action}' AS response
FROM events
WHERE sender_id IN (
        SELECT sender_id FROM events
        WHERE type_name = 'active_loop' AND action_name = ANY (%(forms)s)
          AND timestamp >= %(start)s AND timestamp < %(end)s)
  AND (type_name IN ('active_loop', 'restart', 'session_started', 'user', 'bot')
       OR (type_name = 'slot'
           AND action_name IN ('requested_slot', 'lead_consent', 'destination')))
ORDER BY sender_id, id
"""


@dataclass
class FormRun:
    """One lead form, from its start to its end (or to where the diver left it)."""

    sender_id: str
    lead_type: str
    channel: str
    started_at: float
    destination: str | None
    last_field: str | None = None
    consent_given: bool = False
    submitted_at: float | None = None
    delivered: bool = False
    partner_id: str | None = None
    # Seconds from the lead's storing to the partner's confirmation of contact.
    contacted_after: float | None = None

    def steps(self) -> dict[str, int]:
        """Which funnel steps this run reached, as 0/1 counts."""
        reached = (
            True,
            self.consent_given,
            self.submitted_at is not None,
            self.delivered,
            self.contacted_after is not None,
        )
        return {step: int(done) for step, done in zip(FUNNEL_STEPS, reached, strict=True)}


def _covered(value: Any) -> str | None:
    return value if value in DESTINATIONS else None


def _runs_of_conversation(sender_id: str, events: Iterable[dict[str, Any]]) -> Iterator[FormRun]:
    """The lead forms of one conversation, in order, followed event by event."""
    channel, destination, run = UNKNOWN, None, None
    for event in events:
        kind, name = event["type_name"], event["action_name"]
        if kind == "user":
            channel = event["channel"] or UNKNOWN
        elif kind == "slot" and name == "destination":
            destination = _covered(event["value"])
            if run:
                run.destination = destination
        elif kind == "active_loop" and name in FORM_LEAD_TYPES:
            if run:
                yield run
            run = FormRun(
                sender_id, FORM_LEAD_TYPES[name], channel, event["timestamp"], destination
            )
        elif kind in ("restart", "session_started"):
            if run:
                yield run
            run = None
            # A restart clears every slot; a new session carries them over.
            destination = None if kind == "restart" else destination
        elif run is None:
            continue
        elif kind == "slot" and name == "requested_slot" and event["value"]:
            run.last_field = event["value"]
        elif kind == "slot" and name == "lead_consent" and event["value"] is True:
            run.consent_given = True
        elif kind == "bot" and event["response"] in LEAD_FORM_ENDINGS:
            if event["response"] == LEAD_SUBMITTED:
                run.submitted_at = event["timestamp"]
            yield run
            run = None
    if run:
        yield run


# A withdrawn or contacted lead has left `delivered`; its delivered row tells.
_LEADS_OF_CONVERSATIONS = """
SELECT sender_hash, lead_type, partner_id,
       extract(epoch FROM created_at)::float8 AS created_at,
       extract(epoch FROM contacted_at)::float8 AS contacted_at,
       status IN ('delivered', 'contacted') OR EXISTS (
           SELECT 1 FROM lead_outbox AS outbox
           WHERE outbox.lead_id = leads.id AND outbox.recipient = 'partner'
             AND outbox.status = 'delivered') AS delivered
FROM leads WHERE sender_hash = ANY (%s)
"""


def _mark_delivered(connection: Connection, runs: list[FormRun]) -> None:
    """Mark submitted runs whose stored lead was delivered to (and contacted by) the partner.

    A lead is linked to its conversation by the hashed sender id; of that
    conversation's leads of the same type, the one stored nearest in time to
    the submission is the run's.
    """
    submitted = [run for run in runs if run.submitted_at is not None]
    hashes = {run.sender_id: conversation_hash(run.sender_id) for run in submitted}
    leads = connection.execute(_LEADS_OF_CONVERSATIONS, (list(hashes.values()),)).fetchall()
    for run in submitted:
        candidates = [
            lead
            for lead in leads
            if lead["sender_hash"] == hashes[run.sender_id] and lead["lead_type"] == run.lead_type
        ]
        nearest = min(
            candidates, key=lambda lead: abs(lead["created_at"] - run.submitted_at), default=None
        )
        if nearest is None:
            continue
        run.delivered = bool(nearest["delivered"])
        run.partner_id = nearest["partner_id"]
        if nearest["contacted_at"] is not None:
            run.contacted_after = max(nearest["contacted_at"] - nearest["created_at"], 0.0)


def form_runs(connection: Connection, period: Period) -> list[FormRun]:
    """Every lead form started in the period, with how far the diver got."""
    rows = connection.execute(
        _FORM_EVENTS, {**period.bounds(), "forms": list(FORM_LEAD_TYPES)}
    ).fetchall()
    runs = [
        run
        for sender_id, events in groupby(rows, key=lambda row: row["sender_id"])
        for run in _runs_of_conversation(sender_id, events)
        if period.contains(run.started_at)
    ]
    _mark_delivered(connection, runs)
    return runs


def _funnel(runs: Iterable[FormRun]) -> dict[str, Any]:
    """Counts per step, and how many were lost before each step."""
    counts = Counter({step: 0 for step in FUNNEL_STEPS})
    for run in runs:
        counts.update(run.steps())
    lost = {step: counts[before] - counts[step] for before, step in pairwise(FUNNEL_STEPS)}
    return {**counts, "drop_off": lost}


def _funnels_by(runs: list[FormRun], attribute: str) -> dict[str, Any]:
    groups: dict[str, list[FormRun]] = defaultdict(list)
    for run in runs:
        groups[getattr(run, attribute) or UNKNOWN].append(run)
    return {key: _funnel(groups[key]) for key in sorted(groups)}


def _most_first(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _time_to_contact(runs: Iterable[FormRun]) -> dict[str, dict[str, Any]]:
    """Per partner: leads delivered, leads contacted, and the median hours to contact."""
    delivered: Counter[str] = Counter()
    waits: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        partner = run.partner_id or UNKNOWN
        if run.delivered:
            delivered[partner] += 1
        if run.contacted_after is not None:
            waits[partner].append(run.contacted_after)
    return {
        partner: {
            "delivered": delivered[partner],
            "contacted": len(waits[partner]),
            "median_hours_to_contact": (
                round(median(waits[partner]) / SECONDS_PER_HOUR, 1) if waits[partner] else None
            ),
        }
        for partner in sorted(set(delivered) | set(waits))
    }


def lead_funnel(connection: Connection, period: Period) -> dict[str, Any]:
    """The lead funnel by type, destination and channel, and where divers stop."""
    runs = form_runs(connection, period)
    stopped = [run for run in runs if run.submitted_at is None]
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for run in stopped:
        by_type[run.lead_type][run.last_field or UNKNOWN] += 1
    return {
        "steps": list(FUNNEL_STEPS),
        "total": _funnel(runs),
        "by_type": _funnels_by(runs, "lead_type"),
        "by_destination": _funnels_by(runs, "destination"),
        "by_channel": _funnels_by(runs, "channel"),
        "time_to_contact_by_partner": _time_to_contact(runs),
        "abandoned_at": _most_first(Counter(run.last_field or UNKNOWN for run in stopped)),
        "abandoned_at_by_type": {kind: _most_first(by_type[kind]) for kind in sorted(by_type)},
    }
