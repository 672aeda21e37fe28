"""Look after stored leads from the terminal: `python -m dovvybuddy.leads.cli`.

    list [--limit N]        recent leads and their delivery status (emails masked)
    show LEAD_ID            one lead in full, with its delivery attempts
    export --out FILE.csv   every lead in full, for the operator
    redeliver LEAD_ID       send a failed lead again (its delivery starts over)

It uses DATABASE_URL, or starts the embedded database when that is unset.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from dovvybuddy.common.arguments import positive_int
from dovvybuddy.common.settings import load_settings
from dovvybuddy.database.server import running_database

# Each lead with its latest delivery to the partner (the diver's copy and
# notices are outbox rows too, for other recipients).
_LEADS_WITH_DELIVERY = """
SELECT leads.*, outbox.id AS delivery_id, outbox.transport, outbox.status AS delivery_status,
       outbox.attempts, outbox.next_attempt_at, outbox.last_error, outbox.delivered_at
FROM leads
LEFT JOIN LATERAL (
    SELECT * FROM lead_outbox
    WHERE lead_outbox.lead_id = leads.id AND lead_outbox.recipient = 'partner'
    ORDER BY id DESC LIMIT 1
) AS outbox ON true
"""

EXPORT_COLUMNS = (
    "id",
    "created_at",
    "lead_type",
    "status",
    "name",
    "email",
    "phone",
    "details",
    "diver_profile",
    "partner_id",
    "channel",
    "sender_hash",
    "consent_at",
    "updated_at",
    "contacted_at",
    "withdrawn_at",
    "delivery_id",
    "transport",
    "delivery_status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "delivered_at",
)

# Spreadsheets run cells that start with these as formulas; a diver types the name.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def mask_email(address: str) -> str:
    """`jane@example.com` -> `j***@example.com`: enough to recognise, not to contact."""
    local, at, domain = address.partition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat()
    else:
        text = str(value)
    # A leading apostrophe makes a spreadsheet show the text instead of running it.
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def list_leads(connection: psycopg.Connection[dict[str, Any]], limit: int, out: TextIO) -> None:
    """Print the most recent leads, newest first, with emails masked."""
    rows = connection.execute(
        _LEADS_WITH_DELIVERY + " ORDER BY leads.created_at DESC LIMIT %s", (limit,)
    ).fetchall()
    header = (
        "created (UTC)",
        "lead id",
        "type",
        "email",
        "partner",
        "lead",
        "delivery",
        "tries",
        "contacted (UTC)",
    )
    table = [header] + [
        (
            _when(row["created_at"]),
            str(row["id"]),
            row["lead_type"],
            mask_email(row["email"]),
            row["partner_id"],
            row["status"],
            row["delivery_status"] or "-",
            str(row["attempts"] if row["attempts"] is not None else "-"),
            _when(row["contacted_at"]),
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    for line in table:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(cells).rstrip(), file=out)
    if not rows:
        print("No leads yet.", file=out)


def show_lead(connection: psycopg.Connection[dict[str, Any]], lead_id: UUID, out: TextIO) -> bool:
    """Print one lead in full with every delivery row; False if there is no such lead."""
    lead = connection.execute("SELECT * FROM leads WHERE id = %s", (lead_id,)).fetchone()
    if lead is None:
        return False
    for key in ("id", "lead_type", "status", "name", "email", "phone", "partner_id", "channel"):
        print(f"{key + ':':<15}{lead[key] if lead[key] is not None else '-'}", file=out)
    for key in ("created_at", "consent_at", "updated_at", "contacted_at", "withdrawn_at"):
        when = _when(lead[key])
        print(f"{key + ':':<15}{when}{' UTC' if lead[key] else ''}", file=out)
    for key in ("details", "diver_profile"):
        print(f"{key}:", json.dumps(lead[key], indent=2, ensure_ascii=False), file=out)
    deliveries = connection.execute(
        "SELECT * FROM lead_outbox WHERE lead_id = %s ORDER BY id", (lead_id,)
    ).fetchall()
    for delivery in deliveries:
        print(
            f"delivery {delivery['id']}: {delivery['transport']} to {delivery['partner_id']}, "
            f"{delivery['status']}, {delivery['attempts']} attempt(s), "
            f"next {_when(delivery['next_attempt_at'])}, "
            f"delivered {_when(delivery['delivered_at'])}, "
            f"last error {delivery['last_error'] or '-'}",
            file=out,
        )
    return True


def export_leads(connection: psycopg.Connection[dict[str, Any]], path: Path) -> int:
    """Write every lead in full to a CSV file readable only by its owner; return the count."""
    rows = connection.execute(_LEADS_WITH_DELIVERY + " ORDER BY leads.created_at").fetchall()
    # The file holds personal data: create it private rather than tighten it afterwards.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(_csv_cell(row[column]) for column in EXPORT_COLUMNS)
    return len(rows)


def redeliver(connection: psycopg.Connection[dict[str, Any]], lead_id: UUID) -> int:
    """Reset the lead's failed deliveries to pending with no attempts; return how many.

    A withdrawn lead is never sent again (its stopped deliveries stay failed).
    """
    with connection.transaction():
        reset = connection.execute(
            "UPDATE lead_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(),"
            " last_error = NULL WHERE lead_id = %s AND status = 'failed'"
            " AND NOT EXISTS (SELECT 1 FROM leads WHERE id = %s AND status = 'withdrawn')"
            " RETURNING id",
            (lead_id, lead_id),
        ).fetchall()
        if reset:
            connection.execute(
                "UPDATE leads SET status = 'new', updated_at = now()"
                " WHERE id = %s AND status = 'failed'",
                (lead_id,),
            )
    return len(reset)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.leads.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="recent leads and their delivery status")
    listing.add_argument("--limit", type=positive_int, default=20, help="how many (default 20)")
    commands.add_parser("show", help="one lead in full").add_argument("lead_id", type=UUID)
    export = commands.add_parser("export", help="every lead in full, as CSV")
    export.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    commands.add_parser("redeliver", help="send a failed lead again").add_argument(
        "lead_id", type=UUID
    )
    args = parser.parse_args(argv)

    with (
        running_database(load_settings(), migrate_managed_database=False) as url,
        psycopg.connect(url, autocommit=True, row_factory=dict_row) as connection,
    ):
        if args.command == "list":
            list_leads(connection, args.limit, sys.stdout)
        elif args.command == "show":
            if not show_lead(connection, args.lead_id, sys.stdout):
                print(f"No lead {args.lead_id}.", file=sys.stderr)
                return 1
        elif args.command == "export":
            count = export_leads(connection, args.out)
            print(f"Wrote {count} lead(s) to {args.out}.")
        elif not redeliver(connection, args.lead_id):
            print(
                f"Lead {args.lead_id} has no failed delivery (see `show {args.lead_id}`).",
                file=sys.stderr,
            )
            return 1
        else:
            print(f"Lead {args.lead_id} will be delivered again by the lead delivery worker.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
