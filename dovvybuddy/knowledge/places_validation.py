"""Checking knowledge/places/dive_regions.yml, the places DovvyBuddy recognises.

Called from `dovvybuddy.knowledge.validation.main` (`make validate-knowledge`); each
problem is one readable line starting with the file's path.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pycountry

from dovvybuddy.knowledge.places import read_places_file
from dovvybuddy.knowledge.vocabulary import DESTINATIONS

MIN_DIVE_REGIONS = 150
_COVERED = DESTINATIONS
_SECTIONS = (
    "sources",
    "last_reviewed",
    "covered",
    "covered_regions",
    "region_destinations",
    "transit_points",
)
_SECTIONS += ("capitalised_only", "dive_regions")


def _names(entry: dict[str, Any]) -> list[str]:
    return [entry.get("name"), *(entry.get("aliases") or [])]


def _entry_problems(section: str, index: int, entry: Any, fields: set[str]) -> list[str]:
    where = f"{section}[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return [f"{where} must be a mapping with a name"]
    problems = [f"{where} has unknown key {key!r}" for key in entry if key not in fields]
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        problems.append(f"{where} aliases must be a list of names")
    # Seas and continents that span countries have none.
    if "country" in entry and pycountry.countries.get(alpha_2=str(entry["country"])) is None:
        problems.append(f"{where} country {entry.get('country')!r} is not an ISO 3166 code")
    if "serves" in entry and entry["serves"] not in _COVERED:
        problems.append(f"{where} serves {entry['serves']!r}, not a covered destination")
    return problems


def _problems(data: dict[str, Any]) -> list[str]:
    problems = [f"missing section {name!r}" for name in _SECTIONS if name not in data]
    problems += [f"unknown section {name!r}" for name in data if name not in _SECTIONS]
    sources = data.get("sources") or []
    if not sources or not all(
        isinstance(s, dict) and s.get("title") and s.get("url") for s in sources
    ):
        problems.append("sources must list a title and url for each source")
    if not isinstance(data.get("last_reviewed"), date):
        problems.append("last_reviewed must be an unquoted ISO date")
    covered = data.get("covered") or {}
    if sorted(covered) != sorted(_COVERED):
        problems.append(f"covered must name exactly {', '.join(_COVERED)}")
    transit = data.get("transit_points") or []
    regions = data.get("dive_regions") or []
    for index, entry in enumerate(transit):
        problems += _entry_problems("transit_points", index, entry, {"name", "aliases", "serves"})
    for index, entry in enumerate(regions):
        problems += _entry_problems("dive_regions", index, entry, {"name", "aliases", "country"})
    if len(regions) < MIN_DIVE_REGIONS:
        problems.append(f"dive_regions has {len(regions)} entries; at least {MIN_DIVE_REGIONS}")
    covered_regions = data.get("covered_regions") or []
    for region, destination in (data.get("region_destinations") or {}).items():
        if region not in covered_regions or destination not in _COVERED:
            problems.append(
                f"region_destinations {region!r}: must be a covered region and a destination"
            )
    every_name = [
        *(name for aliases in covered.values() for name in aliases),
        *(data.get("covered_regions") or []),
        *(name for entry in transit + regions if isinstance(entry, dict) for name in _names(entry)),
    ]
    folded = Counter(str(name).casefold() for name in every_name)
    problems += [f"{name!r} is listed more than once" for name, n in folded.items() if n > 1]
    problems += [
        f"capitalised_only {name!r} is not a listed name"
        for name in data.get("capitalised_only") or []
        if str(name).casefold() not in folded
    ]
    return problems


def place_file_problems(root: Path) -> list[str]:
    """Problems in <root>/places/dive_regions.yml (none if the folder has no such file)."""
    path = root / "places" / "dive_regions.yml"
    if not path.exists():
        return []
    return [f"places/dive_regions.yml: {problem}" for problem in _problems(read_places_file(path))]
