"""Dive-site suggestions that fit the diver's certification and experience.

The sites come from the structured front matter of knowledge/destinations/
*/sites/*.md. A site above the diver's level is never suggested as if it
fitted: it may only be named as "for later", with the level it needs. A site
that only a specialty opens (a cavern, a wreck's inside) never fits by level
alone: it is named only with its restriction spelled out.

Answer first: a diver whose level is unknown gets the covered sites grouped
by the level they need (`sites_by_level`, `overview_text`) and an offer to
narrow them down; once the level is known, from the profile or named in the
request, only what fits is suggested (`suggest_sites`, `suggestion_text`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.enquiry_start import enquiry_start
from actions.profile import (
    certification_level_named,
    covered_destination_named,
    refuse_uncovered_place,
    remembered_destination,
)
from dovvybuddy.common.json_logging import log_event
from dovvybuddy.knowledge.schema import DIFFICULTIES
from dovvybuddy.knowledge.sites import DiveSite, dive_sites
from dovvybuddy.knowledge.vocabulary import (
    CERTIFICATION_LEVEL_NAMES,
    CERTIFICATION_LEVELS,
    DESTINATION_NAMES,
    DESTINATIONS,
)

logger = logging.getLogger(__name__)

SUGGESTIONS_PER_REPLY = 3
# A diver's level decides which difficulty suits them best, in order.
_PREFERRED_DIFFICULTY = {
    "open_water": ("beginner", "intermediate", "advanced"),
    "advanced_open_water": ("intermediate", "advanced", "beginner"),
}
# A try dive stays shallow and sheltered, under an instructor's direct supervision.
TRY_DIVE_MAX_DEPTH_M = 12


def level_rank(level: str) -> int:
    return CERTIFICATION_LEVELS.index(level)


def fits(site: DiveSite, level: str, dive_count: float | None) -> bool:
    """Whether the site is within the diver's certification and logged dives.

    A restricted site never fits: no level opens it without its specialty.
    """
    return not site.restricted and site.within_level(level, dive_count)


@dataclass(frozen=True)
class Suggestion:
    fitting: tuple[DiveSite, ...]
    for_later: tuple[DiveSite, ...]
    restricted: tuple[DiveSite, ...] = ()
    """Sites only a specialty opens, named with their restriction (asked-about destination only)."""


def suggest_sites(
    sites: tuple[DiveSite, ...], level: str, dive_count: float | None, destination: str | None
) -> Suggestion:
    """Sites that fit (best first) and, separately, a few that need more training."""
    candidates = [s for s in sites if destination in (None, s.destination)]
    if level == "discover_scuba":
        # No certification: only what a supervised try dive would typically use.
        fitting = [
            s
            for s in candidates
            if s.min_certification == "open_water"
            and not s.restricted_to
            and s.depth_range_m[0] <= TRY_DIVE_MAX_DEPTH_M
            and s.difficulty == "beginner"
        ]
        return Suggestion(tuple(fitting[:SUGGESTIONS_PER_REPLY]), ())
    order = _PREFERRED_DIFFICULTY.get(level, ("advanced", "intermediate", "beginner"))
    fitting = sorted(
        (s for s in candidates if fits(s, level, dive_count)),
        key=lambda s: (order.index(s.difficulty), s.destination, s.name),
    )
    if destination is None:
        # Spread suggestions across destinations rather than listing one island.
        seen: set[str] = set()
        spread = []
        for site in fitting:
            if site.destination not in seen:
                spread.append(site)
                seen.add(site.destination)
        fitting = spread + [s for s in fitting if s not in spread]
    for_later = [s for s in candidates if not s.restricted_to and not fits(s, level, dive_count)]
    # Without a destination the reply is a short tour; a restriction belongs to a place's list.
    restricted = [s for s in candidates if s.restricted_to] if destination else []
    return Suggestion(
        tuple(fitting[:SUGGESTIONS_PER_REPLY]), tuple(for_later[:2]), tuple(restricted)
    )


def restriction_line(site: DiveSite, level: str) -> str:
    """What a restricted site needs, and whether the diving outside it suits the diver."""
    if level_rank(site.min_certification) <= level_rank(level):
        outside = "the dive outside it is fine at your level"
    else:
        outside = f"the dive outside it needs {CERTIFICATION_LEVEL_NAMES[site.min_certification]}"
    return f"{site.name}: {site.restriction_note}; {outside}."


def suggestion_text(suggestion: Suggestion, level: str, destination: str | None) -> str:
    place = DESTINATION_NAMES[destination] if destination else "the destinations I cover"
    lines: list[str] = []
    if level == "discover_scuba":
        lines.append(
            f"Without a certification you'd dive in {place} on a supervised try dive "
            "(Discover Scuba), and the instructor picks the site. Shallow, sheltered sites "
            "like these are typical:"
        )
    elif suggestion.fitting:
        lines.append(
            f"For your level ({CERTIFICATION_LEVEL_NAMES[level]}), these sites in {place} fit well:"
        )
    else:
        lines.append(
            f"I don't have a site in {place} that fits {CERTIFICATION_LEVEL_NAMES[level]} yet."
        )
    lines.extend(f"- {site.describe()}" for site in suggestion.fitting)
    for site in suggestion.for_later:
        needs = CERTIFICATION_LEVEL_NAMES[site.min_certification]
        extra = f" and {site.min_logged_dives}+ logged dives" if site.min_logged_dives else ""
        lines.append(
            f"- For later: {site.name} needs {needs}{extra}, so it's above your level now."
        )
    lines.extend(
        f"- Only with extra training: {restriction_line(site, level)}"
        for site in suggestion.restricted
    )
    lines.append("Conditions change with season and weather, so confirm with your dive operator.")
    return "\n".join(lines)


def logged_dives(value: Any) -> float | None:
    """The dive_count slot as a number (entities arrive as text, like "12")."""
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def known_level(tracker: Tracker) -> str | None:
    level = tracker.get_slot("certification_level")
    return level if level in CERTIFICATION_LEVELS else None


class ActionSuggestSites(Action):
    """Suggest dive sites: all of them by level first, then those that fit the diver."""

    def name(self) -> str:
        return "action_suggest_sites"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        started = enquiry_start(tracker)
        if started:
            return started
        if refuse_uncovered_place(dispatcher, tracker):
            return []
        latest_message = tracker.latest_message or {}
        destination = covered_destination_named(latest_message) or remembered_destination(tracker)
        # A level named in the request ("sites for an open water diver") is
        # used for this answer; the stored profile stays as it is.
        level = certification_level_named(latest_message) or known_level(tracker)
        if level is None:
            return answer_first(dispatcher, tracker, destination)
        dive_count = logged_dives(tracker.get_slot("dive_count"))
        suggestion = suggest_sites(dive_sites(), level, dive_count, destination)
        dispatcher.utter_message(text=suggestion_text(suggestion, level, destination))
        log_suggestion(tracker, level, destination, len(suggestion.fitting))
        # The level is known now: a later profile statement is only acknowledged.
        return [SlotSet("asked_certification_level", False)]


def log_suggestion(
    tracker: Tracker, level: str | None, destination: str | None, count: int
) -> None:
    log_event(
        logger,
        "site_suggestion",
        level=level,
        destination=destination,
        count=count,
        conversation_id=tracker.sender_id,
    )


# Answer first: without the diver's level, every covered site (or a few per
# destination) grouped by the level it needs, then the offer to narrow down.
OVERVIEW_SITES_PER_LEVEL_AND_DESTINATION = 1  # when no destination is named


def sites_by_level(
    sites: tuple[DiveSite, ...], destination: str | None
) -> dict[str, tuple[DiveSite, ...]]:
    """The sites of `destination` (or a few of each) by the level they need, lowest first.

    Restricted sites are left out: no level opens them (`overview_text` names
    them with their restriction).
    """
    grouped: dict[str, tuple[DiveSite, ...]] = {}
    for level in CERTIFICATION_LEVELS:
        at_level = sorted(
            (s for s in sites if s.min_certification == level and not s.restricted_to),
            key=lambda s: (
                DESTINATIONS.index(s.destination),
                DIFFICULTIES.index(s.difficulty),
                s.name,
            ),
        )
        if destination is not None:
            chosen = [s for s in at_level if s.destination == destination]
        else:
            per_place = (
                [s for s in at_level if s.destination == place][
                    :OVERVIEW_SITES_PER_LEVEL_AND_DESTINATION
                ]
                for place in DESTINATIONS
            )
            chosen = [site for sites_there in per_place for site in sites_there]
        if chosen:
            grouped[level] = tuple(chosen)
    return grouped


def overview_text(grouped: dict[str, tuple[DiveSite, ...]], destination: str | None) -> str:
    if destination is not None:
        lines = [f"Here are the dive sites I cover in {DESTINATION_NAMES[destination]}, by level:"]
    else:
        lines = ["Here are a few dive sites from each destination I cover, by level:"]
    for level, sites in grouped.items():
        lines.append(f"{CERTIFICATION_LEVEL_NAMES[level]}:")
        lines.extend(f"- {site.describe()}" for site in sites)
    if destination is not None:
        lines.extend(
            f"- Only with extra training: {site.name}: {site.restriction_note}; the dive "
            f"outside it needs {CERTIFICATION_LEVEL_NAMES[site.min_certification]}."
            for site in dive_sites()
            if site.destination == destination and site.restricted_to
        )
    lines.append(
        "Tell me your certification level (and roughly how many dives you've logged) "
        "and I'll narrow these down to the ones that fit you."
    )
    lines.append("Conditions change with season and weather, so confirm with your dive operator.")
    return "\n".join(lines)


def answer_first(
    dispatcher: CollectingDispatcher, tracker: Tracker, destination: str | None
) -> list[dict[str, Any]]:
    """The overview for a diver whose level is unknown, and the offer to narrow it down."""
    grouped = sites_by_level(dive_sites(), destination)
    dispatcher.utter_message(text=overview_text(grouped, destination))
    log_suggestion(tracker, None, destination, sum(len(sites) for sites in grouped.values()))
    # The diver's next profile statement gets the narrowed-down list (data/rules/profile.yml).
    return [SlotSet("asked_certification_level", True)]
