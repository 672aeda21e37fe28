"""Which time-varying facts in knowledge/ are due for a new check.

Fees, quotas, closures, chambers and ferry times change. Each such front
matter record carries `verified: "YYYY-MM"`, the month it was last checked
against its source; one not checked for `MAX_AGE_MONTHS` is stale.
`make validate-knowledge` warns about stale facts and `make insights` lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from dovvybuddy.knowledge.documents import Document

MAX_AGE_MONTHS = 18


@dataclass(frozen=True)
class StaleFact:
    """A dated fact older than MAX_AGE_MONTHS: where it is and when it was last checked."""

    path: str
    field: str
    verified: str
    months_old: int

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.field} was last verified {self.verified}, "
            f"{self.months_old} months ago: check it against its source"
        )


def _months_between(verified: str, today: date) -> int | None:
    try:
        year, month = (int(part) for part in verified.split("-"))
    except ValueError:
        return None  # the validator reports the malformed date
    return (today.year - year) * 12 + today.month - month


def _verified_dates(value: Any, field: str) -> Iterator[tuple[str, str]]:
    """Every `verified` value under `value`, with the path of the record holding it."""
    if isinstance(value, dict):
        if isinstance(value.get("verified"), str):
            yield field, value["verified"]
        for key, item in value.items():
            yield from _verified_dates(item, f"{field}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _verified_dates(item, f"{field}[{index}]")


def stale_facts(documents: list[Document], today: date) -> list[StaleFact]:
    """Every dated fact last verified more than MAX_AGE_MONTHS before `today`, oldest first."""
    stale = []
    for document in documents:
        for name, value in document.meta.items():
            for field, verified in _verified_dates(value, name):
                age = _months_between(verified, today)
                if age is not None and age > MAX_AGE_MONTHS:
                    stale.append(StaleFact(document.path, field, verified, age))
    return sorted(stale, key=lambda fact: (-fact.months_old, fact.path, fact.field))
