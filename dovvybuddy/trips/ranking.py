"""Ranking the covered destinations for one diver's trip, with the reason for each.

The score is additive and every part of it becomes a reason a diver reads:
the season in their month (a closed destination is never ranked, a limited
one drops), the sites that fit their level and are dived that month, the
sites with what they want to see, the travel time from where they start
against the days they have, and whether the destination's famous diving is
within their level (Sipadan island's sites need Advanced Open Water).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dovvybuddy.knowledge.sites import DiveSite
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS, DESTINATIONS
from dovvybuddy.trips.request import TripRequest
from dovvybuddy.trips.seasons import Season, SeasonStatus, Travel, TripData, fits_for_trip

MAX_RANKED = 3
SITES_PER_MATCH = 3
ASSUMED_LEVEL = "open_water"
"""The level a match assumes when the diver gave none (the reply says so)."""
DEFAULT_ORIGIN = "kuala_lumpur"
"""Most trips to the covered destinations start from or pass through Kuala Lumpur."""
CONNECTION_HOURS = 2.5
"""A domestic flight to Kuala Lumpur from another gateway (Tawau-Kuala Lumpur is about 2.5 h)."""
SHORT_TRIP_DAYS = 3
LONG_TRIP_DAYS = 7
TRY_DIVE_MAX_DEPTH_M = 12

# Score weights: the season dominates, then what the diver wants to see.
_STATUS_SCORE = {SeasonStatus.OPEN: 10.0, SeasonStatus.LIMITED: 4.0}
_OFF_PEAK = -2.0
_PER_INTEREST = 3.0
_PER_EXTRA_INTEREST_SITE = 1.0
_PER_FITTING_SITE = 0.5
_MAX_FITTING_SITES = 8
_PER_HOUR = -0.15
_PER_HOUR_KNOWN_ORIGIN = -0.4
_PER_HOUR_NEARBY_ASKED = -1.5
_SHORT_TRIP_FAR_AWAY = -3.0
_FAMOUS_SITES_ABOVE_LEVEL = -2.5
_LONG_TRIP_PERMIT_DAYS = 1.0
_FAR_AWAY_HOURS = 5
_ALREADY_VISITED = -8.0
"""A diver who has dived a place and asks where next wants somewhere new (unless comparing)."""


EXPERIENCED_DIVE_COUNT = 50
"""Logged dives past which a diver who names no level is taken as Advanced (the reply says so)."""


def level_for(request: TripRequest) -> str:
    if request.level:
        return request.level
    if request.never_dived:
        return "discover_scuba"
    if request.dive_count is not None and request.dive_count >= EXPERIENCED_DIVE_COUNT:
        return "advanced_open_water"
    return ASSUMED_LEVEL


def is_beginner(request: TripRequest) -> bool:
    return (
        request.beginner
        or request.never_dived
        or level_for(request)
        in (
            "discover_scuba",
            "open_water",
        )
    )


@dataclass(frozen=True)
class Match:
    """One destination for one request: its standing, its reasons and its best sites."""

    destination: str
    season: Season
    status: SeasonStatus
    at_best: bool
    score: float
    fitting: tuple[DiveSite, ...]
    """Sites at the diver's level dived in the month, best for them first."""
    interest_sites: dict[str, tuple[DiveSite, ...]]
    """Each interest asked for, with the fitting sites that have it."""
    travel_hours: tuple[float, float] | None
    travel_how: str
    famous_sites_above_level: bool

    @property
    def best_sites(self) -> tuple[DiveSite, ...]:
        return self.fitting[:SITES_PER_MATCH]


def fitting_sites(
    sites: tuple[DiveSite, ...], request: TripRequest, month: int | None, status: SeasonStatus
) -> tuple[DiveSite, ...]:
    """Sites at the diver's level, dived in the month, ordered for them.

    In a limited month the sites' own best months are not required (the
    edges of the season are when they are not "best").
    """
    level = level_for(request)
    if level == "discover_scuba":
        chosen = [
            s
            for s in sites
            if s.min_certification == "open_water"
            and not s.restricted
            and s.difficulty == "beginner"
            and s.depth_range_m[0] <= TRY_DIVE_MAX_DEPTH_M
        ]
    else:
        chosen = [s for s in sites if fits_for_trip(s, level, request.dive_count)]
    if month is not None and status is SeasonStatus.OPEN:
        chosen = [s for s in chosen if month in s.best_months]
    wanted = set(request.interests)
    preferred = (
        ("beginner", "intermediate", "advanced")
        if is_beginner(request)
        else ("advanced", "intermediate", "beginner")
    )
    return tuple(
        sorted(
            chosen,
            key=lambda s: (-len(wanted & s.interests), preferred.index(s.difficulty), s.name),
        )
    )


def match(data: TripData, destination: str, request: TripRequest) -> Match:
    season = data.seasons[destination]
    month = request.month
    status = season.status(month) if month is not None else SeasonStatus.OPEN
    fitting = fitting_sites(data.sites_of(destination), request, month, status)
    interests = [i for i in request.interests if i != "beginner-friendly" or is_beginner(request)]
    interest_sites = {i: tuple(s for s in fitting if i in s.interests) for i in interests}
    travel = travel_from(season, request.origin)
    # What a diver below the famous sites can dive is no drawback when it is
    # exactly what they came for (macro at Mabul and Kapalai).
    wanted_everywhere = bool(interests) and all(
        any(i in s.interests for i in interests) for s in fitting
    )
    famous_above = _famous_sites_above_level(data, destination, request) and not (wanted_everywhere)
    at_best = month is None or month in season.best_months
    score = _STATUS_SCORE.get(status, -100.0) + (0.0 if at_best else _OFF_PEAK)
    for sites in interest_sites.values():
        if sites:
            score += _PER_INTEREST + _PER_EXTRA_INTEREST_SITE * min(len(sites) - 1, 2)
    score += _PER_FITTING_SITE * min(len(fitting), _MAX_FITTING_SITES)
    if travel is not None:
        per_hour = (
            _PER_HOUR_NEARBY_ASKED
            if request.nearby
            else _PER_HOUR_KNOWN_ORIGIN
            if request.origin
            else _PER_HOUR
        )
        score += per_hour * travel.hours[0]
        far = travel.hours[0] >= _FAR_AWAY_HOURS
        if far and request.days is not None and request.days <= SHORT_TRIP_DAYS:
            score += _SHORT_TRIP_FAR_AWAY
        if season.permit_booked_ahead and request.days and request.days >= LONG_TRIP_DAYS:
            score += _LONG_TRIP_PERMIT_DAYS
    if famous_above:
        score += _FAMOUS_SITES_ABOVE_LEVEL
    if destination in request.visited and not request.comparison:
        score += _ALREADY_VISITED
    return Match(
        destination=destination,
        season=season,
        status=status,
        at_best=at_best,
        score=round(score, 3),
        fitting=fitting,
        interest_sites=interest_sites,
        travel_hours=travel.hours if travel else None,
        travel_how=travel.how if travel else "",
        famous_sites_above_level=famous_above,
    )


def travel_from(season: Season, origin: str | None) -> Travel | None:
    """Travel from the diver's gateway; from one without a record, via Kuala Lumpur."""
    if origin in season.travel:
        return season.travel[origin]
    via = season.travel.get(DEFAULT_ORIGIN)
    if origin is None or via is None:
        return via
    low, high = via.hours
    return Travel(
        (low + CONNECTION_HOURS, high + CONNECTION_HOURS),
        f"via Kuala Lumpur (a flight of about {CONNECTION_HOURS:g} h), then {via.how}",
    )


def _famous_sites_above_level(data: TripData, destination: str, request: TripRequest) -> bool:
    """Whether most of the destination's own sites (those that need a permit) are above the diver.

    Sipadan island's walls are why people go there; they need Advanced Open
    Water, so a beginner would dive only Mabul and Kapalai.
    """
    season = data.seasons[destination]
    if not season.permit_booked_ahead:
        return False
    level = level_for(request)
    above = [
        s
        for s in data.sites_of(destination)
        if not s.restricted
        and CERTIFICATION_LEVELS.index(s.min_certification) > CERTIFICATION_LEVELS.index(level)
    ]
    open_sites = [s for s in data.sites_of(destination) if not s.restricted]
    return len(above) * 2 >= len(open_sites)


def rank(data: TripData, request: TripRequest) -> list[Match]:
    """Every candidate destination, best first; closed ones last (never recommended)."""
    candidates = request.destinations if request.comparison else DESTINATIONS
    matches = [match(data, d, request) for d in candidates if d in data.seasons]
    # A single destination the diver named comes first while it is open:
    # the answer is about their choice, then the alternatives. One they have
    # dived already is where they come from, not their choice.
    named = [d for d in request.destinations if d not in request.visited]
    chosen = named[0] if len(request.destinations) == 1 and named else None
    return sorted(
        matches,
        key=lambda m: (
            m.status is SeasonStatus.CLOSED,
            not (m.destination == chosen and m.status is SeasonStatus.OPEN),
            -m.score,
            DESTINATIONS.index(m.destination),
        ),
    )


def recommended(matches: list[Match]) -> list[Match]:
    """Up to three destinations to recommend: not closed, with something to dive.

    A destination only partly open (the edge of the monsoon) is recommended
    only when nothing is fully open; the season line still names it.
    """
    usable = [m for m in matches if m.status is not SeasonStatus.CLOSED and m.fitting]
    fully_open = [m for m in usable if m.status is SeasonStatus.OPEN]
    return (fully_open or usable)[:MAX_RANKED]


def month_matters(data: TripData, request: TripRequest) -> bool:
    """Whether the first destination changes with the month (then the month is worth asking)."""
    firsts = set()
    for month in range(1, 13):
        top = recommended(rank(data, replace(request, month=month)))
        firsts.add(top[0].destination if top else None)
    return len(firsts) > 1


def closed_in(data: TripData, month: int, destinations: tuple[str, ...]) -> list[Season]:
    return [
        data.seasons[d]
        for d in destinations
        if d in data.seasons and data.seasons[d].status(month) is SeasonStatus.CLOSED
    ]


def limited_in(data: TripData, month: int, destinations: tuple[str, ...]) -> list[Season]:
    return [
        data.seasons[d]
        for d in destinations
        if d in data.seasons and data.seasons[d].status(month) is SeasonStatus.LIMITED
    ]
