"""The names divers gave in the lead forms, for redacting them from reports.

The redaction itself (`dovvybuddy.common.redaction`) is plain text work; which
names it must hide is the leads' knowledge: the leads table and the forms'
name answers, filtered by the form's own idea of a name.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import scalar_row

from dovvybuddy.common.redaction import Redactor
from dovvybuddy.leads.fields import is_plausible_name


def names_given_in_forms(connection: psycopg.Connection[Any]) -> set[str]:
    """Every name a diver gave: stored leads and the forms' name answers.

    Answers the form would not take as a name (an email, a question) are left
    out; the rest of the text redaction still applies to them.
    """
    cursor = connection.cursor(row_factory=scalar_row)
    names = set(cursor.execute("SELECT DISTINCT name FROM leads").fetchall())
    if cursor.execute("SELECT to_regclass('events') IS NOT NULL").fetchone():
        names.update(
            cursor.execute(
                "SELECT DISTINCT data::jsonb ->> 'value' FROM events"
                " WHERE type_name = 'slot' AND action_name = 'lead_name'"
            ).fetchall()
        )
    return {name for name in names if isinstance(name, str) and is_plausible_name(name)}


def redactor_for(connection: psycopg.Connection[Any]) -> Redactor:
    """A redactor that knows every name given in this database's forms."""
    return Redactor(names_given_in_forms(connection))
