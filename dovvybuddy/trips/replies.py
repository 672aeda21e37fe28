"""The words of a trip-matching answer: monsoon first, then ranked destinations, then sites.

Replies have a fixed shape so a diver (and the behaviour evaluation) can read
them: a season line first when the month closes or limits a destination, then
"1. <Destination>: <reason>" lines, best first, then "- <Site> (<Destination>):
<depth> m, ..." lines for the best sites at the top destination. A comparison
has one "- <Destination>: ..." line per destination compared and a "My pick:" line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from dovvybuddy.knowledge.sites import DiveSite
from dovvybuddy.knowledge.vocabulary import (
    CERTIFICATION_LEVEL_NAMES,
    DESTINATION_NAMES,
    DESTINATIONS,
    EASIER_NEIGHBOURS,
    EAST_COAST,
    destination_aliases,
    spoken_list,
)
from dovvybuddy.trips.ranking import (
    Match,
    closed_in,
    is_beginner,
    level_for,
    limited_in,
    month_matters,
    rank,
    recommended,
)
from dovvybuddy.trips.request import MONTH_NAMES, ORIGIN_NAMES, TripRequest
from dovvybuddy.trips.seasons import SeasonStatus, TripData

INTEREST_WORDS = {
    "turtles": "turtles",
    "sharks": "sharks",
    "schooling-fish": "schooling fish",
    "macro": "macro life",
    "wreck": "a wreck",
    "wall": "wall dives",
    "drift": "drift dives",
    "beginner-friendly": "calm, easy dives",
}
CLOSING = "Seasons shift from year to year, so confirm dates and conditions with the dive centre."


EAST_COAST_NAMES = spoken_list([DESTINATION_NAMES[code] for code in EAST_COAST])
ALL_YEAR_NAMES = spoken_list(
    [DESTINATION_NAMES[code] for code in DESTINATIONS if code not in EAST_COAST]
)
MONTH_REFINE = (
    f"Which month are you going? {EAST_COAST_NAMES} close for the monsoon "
    "from about November to February, so the month would narrow the rest down."
)


@dataclass(frozen=True)
class TripAnswer:
    text: str
    destination: str | None
    """The destination recommended first (or picked in a comparison), if any."""
    asked_month: bool = False


def place(destination: str) -> str:
    return DESTINATION_NAMES[destination]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def site_line(site: DiveSite) -> str:
    low, high = (f"{value:g}" for value in site.depth_range_m)
    line = (
        f"- {site.name} ({site.where}): {low}-{high} m, "
        f"{site.difficulty}, {site.access} dive; {site.highlights[0]}"
    )
    if site.restricted:
        line += f" (outside only: {site.restriction_note})"
    return line


def ask_month(request: TripRequest) -> TripAnswer:
    wanted = describe_request(request)
    lead = (
        f"Happy to help you pick a destination{wanted}. " if wanted else "Happy to help you pick. "
    )
    return TripAnswer(
        lead + "Which month are you planning to go? It changes the answer most: "
        f"{EAST_COAST_NAMES} close for the north-east monsoon from about November to "
        f"February, while {ALL_YEAR_NAMES} dives all year.",
        None,
        asked_month=True,
    )


def describe_request(request: TripRequest) -> str:
    """', for an Open Water diver who wants turtles' (empty when nothing was given)."""
    parts = []
    if request.never_dived and request.level is None:
        parts.append("for a first try at diving")
    elif request.level:
        parts.append(f"for {_a(CERTIFICATION_LEVEL_NAMES[request.level])} diver")
    elif request.beginner:
        parts.append("for a beginner")
    wants = [INTEREST_WORDS[i] for i in request.interests if i != "beginner-friendly"]
    if wants:
        parts.append("who wants " + _and(wants))
    if request.days:
        parts.append(f"with {request.days} days")
    return (", " + " ".join(parts)) if parts else ""


def _a(name: str) -> str:
    return ("an " if name[:1] in "AEIOU" else "a ") + name


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def season_lines(data: TripData, request: TripRequest) -> list[str]:
    """Monsoon first: what the month closes or limits, before any recommendation."""
    month = request.month
    if month is None:
        return []
    name = MONTH_NAMES[month - 1]
    concerned = request.destinations or (EAST_COAST if request.east_coast else DESTINATIONS)
    lines = []
    closed = closed_in(data, month, tuple(concerned))
    if len(closed) == 1:
        lines.append(
            f"Heads up: {place(closed[0].destination)} is closed for the monsoon in {name}. "
            f"{closed[0].what}."
        )
    elif closed:
        lines.append(
            f"Heads up: {name} is monsoon season on the east coast: "
            f"{_and([place(s.destination) for s in closed])} are closed then (most resorts and "
            "dive centres shut, and the sea crossings are rough)."
        )
    limited = limited_in(data, month, tuple(concerned))
    if limited:
        names = _and([place(s.destination) for s in limited])
        lines.append(
            f"{capitalised(names)} {'is' if len(limited) == 1 else 'are'} only partly open in "
            f"{name}, at the edge of the monsoon: some resorts and dive centres are still closed "
            "and the sea can be rough."
        )
    open_now = [
        s.destination
        for s in data.seasons.values()
        if s.status(month) is SeasonStatus.OPEN and month in s.best_months
    ]
    if not open_now:
        lines.append(f"None of the destinations I cover is at its best in {name}.")
    return lines


def reason_line(match: Match, request: TripRequest) -> str:
    """Season, sites at their level, interests matched, travel: one line."""
    parts = [_season_reason(match, request)]
    level = level_for(request)
    count = len(match.fitting)
    if level == "discover_scuba":
        parts.append(f"{count} shallow, sheltered sites used for try dives and courses")
    else:
        assumed = (
            ""
            if request.level or request.beginner
            else f" (assuming {CERTIFICATION_LEVEL_NAMES[level]})"
        )
        parts.append(
            f"{count} site{'s' if count != 1 else ''} at your level{assumed}"
            if level != "open_water" or not is_beginner(request)
            else f"{count} site{'s' if count != 1 else ''} for Open Water divers{assumed}"
        )
    for interest, sites in match.interest_sites.items():
        if sites:
            parts.append(f"{INTEREST_WORDS[interest]} at {_and([s.name for s in sites[:2]])}")
        else:
            parts.append(f"no site at your level known for {INTEREST_WORDS[interest]}")
    if match.famous_sites_above_level and match.destination in EASIER_NEIGHBOURS:
        famous, neighbours = EASIER_NEIGHBOURS[match.destination]
        parts.append(f"{famous}'s own walls need Advanced Open Water, so you'd dive {neighbours}")
    if match.destination in request.visited:
        parts.append("you've dived here before")
    if match.travel_hours:
        low, high = (f"{h:g}" for h in match.travel_hours)
        origin = ORIGIN_NAMES[request.origin or "kuala_lumpur"]
        parts.append(f"about {low}-{high} h from {origin} ({match.travel_how})")
    return "; ".join(parts)


def _season_reason(match: Match, request: TripRequest) -> str:
    if request.month is None:
        return "in season from " + _season_span(match)
    name = MONTH_NAMES[request.month - 1]
    if match.status is SeasonStatus.CLOSED:
        return f"closed for the monsoon in {name}"
    if match.status is SeasonStatus.LIMITED:
        return f"only partly open in {name} (edge of the monsoon)"
    conditions = _conditions(match, request.month)
    if not match.at_best:
        return f"open in {name} but not at its best{conditions}"
    return f"in season in {name}{conditions}"


def _season_span(match: Match) -> str:
    months = sorted(match.season.months)
    if len(months) == 12:
        return "January to December"
    return f"{MONTH_NAMES[months[0] - 1]} to {MONTH_NAMES[months[-1] - 1]}"


def _conditions(match: Match, month: int) -> str:
    conditions = match.season.conditions_in(month)
    if conditions is None:
        return ""
    low, high = (f"{t:g}" for t in conditions.water_temperature_c)
    text = f" (water about {low}-{high}°C"
    if conditions.visibility_m:
        vlow, vhigh = (f"{v:g}" for v in conditions.visibility_m)
        text += f", visibility typically {vlow}-{vhigh} m"
    return text + ")"


def closure_lines(data: TripData, request: TripRequest, destinations: list[str]) -> list[str]:
    """Dated closures in the month (Sipadan island's December closure), for the places named."""
    if request.month is None:
        return []
    name = MONTH_NAMES[request.month - 1]
    return [
        f"Note for {place(code)} in {name}: {closure.what}."
        for code in destinations
        for closure in data.seasons[code].closures_in(request.month)
    ]


def uncovered_line(request: TripRequest) -> list[str]:
    if not request.uncovered:
        return []
    return [
        f"I don't cover {_and(list(request.uncovered))} yet, so I'll stick to the destinations "
        "I know well."
    ]


def permit_line(data: TripData, destinations: list[str]) -> list[str]:
    return [
        f"Permits: {rule}."
        for code in destinations
        if data.seasons[code].permit_booked_ahead
        for rule in data.seasons[code].permits
    ]


def trip_answer(data: TripData, request: TripRequest, month_asked_before: bool) -> TripAnswer:
    """Ask for the month when it would change the answer (once), otherwise answer."""
    month_unknown = request.month is None and not month_asked_before
    if month_unknown and not request.comparison and month_matters(data, request):
        return ask_month(request)
    answer = match_answer(data, request)
    if not month_unknown:
        return answer
    # A comparison is answered at once, and the first choice of a match may
    # hold all year; the month would still change the rest.
    return TripAnswer(answer.text + "\n" + MONTH_REFINE, answer.destination, asked_month=True)


def match_answer(data: TripData, request: TripRequest) -> TripAnswer:
    """The full answer for a request that has what it needs."""
    if request.comparison:
        return compare_answer(data, request)
    lines = uncovered_line(request) + season_lines(data, request)
    matches = rank(data, request)
    top = recommended(matches)
    when = f" in {MONTH_NAMES[request.month - 1]}" if request.month else ""
    if not top:
        lines.append(
            f"I don't have a covered destination with sites for you{when}. "
            "Tell me a different month or your certification level and I'll look again."
        )
        return TripAnswer("\n".join(lines), None)
    lines.append(f"Where I'd go{when}{describe_request(request)}:")
    lines.extend(
        f"{n}. {capitalised(place(m.destination))}: {reason_line(m, request)}."
        for n, m in enumerate(top, start=1)
    )
    best = top[0]
    lines.extend(closure_lines(data, request, [m.destination for m in top]))
    lines.append(f"Best sites for you in {place(best.destination)}:")
    lines.extend(site_line(site) for site in best.best_sites)
    lines.extend(permit_line(data, [m.destination for m in top[:1]]))
    lines.append(CLOSING)
    lines.append(
        f"Want me to put you in touch with a dive centre in {place(best.destination)}? "
        'Just say "put me in touch".'
    )
    return TripAnswer("\n".join(lines), best.destination)


def compare_answer(data: TripData, request: TripRequest) -> TripAnswer:
    """'A or B': each on the diver's criteria, then a pick and its best sites."""
    lines = uncovered_line(request) + season_lines(data, request)
    matches = rank(data, request)
    when = f" in {MONTH_NAMES[request.month - 1]}" if request.month else ""
    names = capitalised(
        " or ".join(place(m.destination) for m in _in_asked_order(matches, request))
    )
    lines.append(f"{names}{when}{describe_request(request)}:")
    lines.extend(
        f"- {capitalised(place(m.destination))}: {reason_line(m, request)}."
        for m in _in_asked_order(matches, request)
    )
    pick = next((m for m in matches if m.status is not SeasonStatus.CLOSED and m.fitting), None)
    if pick is None:
        alternatives = recommended(rank(data, _without_comparison(request)))
        lines.append(f"My pick: neither{when}.")
        destination = alternatives[0].destination if alternatives else None
        if alternatives:
            lines.append("Open instead:")
            lines.extend(
                f"{n}. {capitalised(place(m.destination))}: {reason_line(m, request)}."
                for n, m in enumerate(alternatives, start=1)
            )
            lines.append(f"Best sites for you in {place(alternatives[0].destination)}:")
            lines.extend(site_line(s) for s in alternatives[0].best_sites)
    else:
        other = [m for m in matches if m is not pick]
        why = _why_pick(pick, other[0] if other else None, request)
        lines.append(f"My pick: {place(pick.destination)}{why}. Best sites for you there:")
        lines.extend(site_line(s) for s in pick.best_sites)
        lines.extend(closure_lines(data, request, [pick.destination]))
        lines.extend(permit_line(data, [pick.destination]))
        destination = pick.destination
    lines.append(CLOSING)
    return TripAnswer("\n".join(lines), destination)


def _in_asked_order(matches: list[Match], request: TripRequest) -> list[Match]:
    order = {code: i for i, code in enumerate(request.destinations)}
    return sorted(matches, key=lambda m: order.get(m.destination, len(order)))


def _without_comparison(request: TripRequest) -> TripRequest:
    return replace(request, comparison=False, destinations=())


def _why_pick(pick: Match, other: Match | None, request: TripRequest) -> str:
    if other is None:
        return ""
    if other.status is SeasonStatus.CLOSED:
        return f", because {place(other.destination)} is closed then"
    if pick.status is SeasonStatus.OPEN and other.status is SeasonStatus.LIMITED:
        return f", because {place(other.destination)} is only partly open then"
    for interest, sites in pick.interest_sites.items():
        if sites and not other.interest_sites.get(interest):
            return f", for {INTEREST_WORDS[interest]} at your level"
    if other.famous_sites_above_level:
        return f", because {place(other.destination)}'s best-known sites are above your level"
    if len(pick.fitting) > len(other.fitting):
        return ", for more sites at your level"
    if pick.travel_hours and other.travel_hours and pick.travel_hours[0] < other.travel_hours[0]:
        return ", because it is quicker to reach"
    return ", by a small margin: both are good choices"


# Reading a reply back (the behaviour evaluation checks rankings this way).
_NAMED = {
    code: "|".join(re.escape(name.lower()) for name in (code, *aliases))
    for code, aliases in destination_aliases().items()
}
_RANKED_LINE = re.compile(r"^\d\.\s+(.+?):", re.MULTILINE)
_PICK_LINE = re.compile(r"^My pick:\s+(.+?)(?:[,.]|$)", re.MULTILINE)
_MONTH_QUESTION = re.compile(r"\b(which|what) month\b[^?\n]*\?", re.IGNORECASE)


def destination_named(text: str) -> str | None:
    """The covered destination a short piece of text names first, if any."""
    found = [
        (match.start(), code)
        for code, pattern in _NAMED.items()
        if (match := re.search(pattern, text, re.IGNORECASE))
    ]
    return min(found)[1] if found else None


def destinations_named(text: str) -> set[str]:
    return {code for code, pattern in _NAMED.items() if re.search(pattern, text, re.IGNORECASE)}


def ranked_destinations(reply: str) -> list[str]:
    """The destinations a reply recommends, best first: its ranked lines, else its pick."""
    heads = _RANKED_LINE.findall(reply) or _PICK_LINE.findall(reply)
    return [code for head in heads if (code := destination_named(head))]


def asks_for_month(reply: str) -> bool:
    return bool(_MONTH_QUESTION.search(reply))
