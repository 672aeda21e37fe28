"""What a diver asks for in a "where should I go" message, read by rules.

Month, days, interests, experience and origin come from the words
themselves (regular expressions and a typo-tolerant month match), so the
answer does not depend on what the NLU's entity extractor happened to catch;
the certification level comes from the shared level phrases
(dovvybuddy/certification_levels.py) and covered destinations from the place
gazetteer (dovvybuddy/places.py).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from datetime import date

from dovvybuddy.common.number_words import NUMBER_WORDS, words_pattern
from dovvybuddy.knowledge.certification_levels import level_mentions, stated_level
from dovvybuddy.knowledge.holidays import holiday_named, next_holiday
from dovvybuddy.knowledge.places import PlaceKind, PlaceMention, classify_places
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_WORDS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTH_WORDS |= {
    "jan": 1,
    "feb": 2,
    "febuary": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# "may" is also a verb: it is a month only next to a time word or a list comma.
_MAY_AS_MONTH = re.compile(
    r"(?:\b(?:in|early|mid|late|end of|during|for|this|next|around|until|by|from|or|and|"
    r"beginning of|middle of|start of)\s+|,\s*|^\s*)may\b(?!\s+(?:i|we|you|be|have)\b)"
    r"|\bmay\s*(?:[?.!,]|$|\d{4}|\d{1,2}\b)",
    re.IGNORECASE,
)
_YEAR_END = re.compile(r"year[- ]end|end of (?:the )?year")
_COUNT_WORDS = NUMBER_WORDS | {"a couple of": 2, "couple of": 2, "a few": 3, "few": 3}
_COUNT = rf"(\d{{1,2}}|{words_pattern(_COUNT_WORDS)})"
_DAYS = re.compile(rf"\b{_COUNT}\s*(?:-|to)?\s*(days?|nights?|d)\b(?!\s*(?:of\s+)?(?:a|per)\b)")
_WEEKS = re.compile(rf"\b(?:(a|one|{_COUNT})\s*weeks?|fortnight)\b")
_WEEKEND = re.compile(r"\b(long\s+)?week-?ends?\b")

INTEREST_PATTERNS: dict[str, str] = {
    "turtles": r"turtl\w*|turtel\w*|tortoise|penyu",
    "sharks": r"sharks?|hammerheads?|big (?:stuff|fish|animals)|pelagics?",
    "schooling-fish": r"barracudas?|schools? of|schooling|jacks|trevally|bumpheads?|"
    r"big (?:stuff|fish)|tornado",
    "macro": r"macro|muck|nudi\w*|critters?|small stuff|little things|seahorses?|frogfish|"
    r"pipefish|photograph\w*",
    "wreck": r"wrecks?",
    "wall": r"walls?|drop[- ]?offs?",
    "drift": r"drifts?|drift diving|currents?",
    "beginner-friendly": r"calm|easy|gentle|shallow|sheltered|relaxed|nervous|not too deep|"
    r"first (?:dive )?trip|first time",
}
_INTERESTS = {tag: re.compile(rf"\b(?:{pattern})\b") for tag, pattern in INTEREST_PATTERNS.items()}
_BEGINNER = re.compile(
    r"\b(beginners?|newbies?|noob|novice|new diver|first (?:dive )?trip|not much experience|"
    r"few dives|nervous|inexperienced)\b"
)
# Newly certified: a beginner at Open Water, not when the new card is Advanced or above.
_NEWLY_CERTIFIED = re.compile(
    r"\b(newly certified|just (?:got|certified|finished)|fresh(?:ly)? certified)\b"
)
_FIRST_LEVELS = (None, "discover_scuba", "open_water")
_NEVER_DIVED = re.compile(
    r"\b(never (?:been )?dived|never dove|never been diving|never tried|non[- ]?divers?|"
    r"not (?:yet )?certified|no certification|try (?:scuba|diving)|first time diving|"
    r"want to (?:try|learn))\b"
)
_DIVE_COUNT = re.compile(
    r"\b(\d{1,4})\+?\s*(?:logged\s+)?(?:dives|logs)\b(?!\s*(?:a|per|each|every)\s+day)"
)
_COMPARISON = re.compile(r"\b(or|vs\.?|versus|compare|comparing|better|which one|between)\b")
# Closeness asked for: then travel time counts for more than a site or two.
_NEARBY = re.compile(
    r"\b(?:near|nearby|close to|closest|nearest|not far from|quickest to (?:get|reach)|"
    r"easiest to (?:get|reach)|short (?:hop|trip|drive|flight) from)\b"
)
_EAST_COAST = re.compile(r"\beast(?:ern)?[- ]coast\b|\bterengganu\b|\bpeninsula\b")
ORIGIN_ALIASES: dict[str, str] = {
    "kuala lumpur": "kuala_lumpur",
    "kl": "kuala_lumpur",
    "klia": "kuala_lumpur",
    "klia2": "kuala_lumpur",
    "singapore": "singapore",
    "sg": "singapore",
    "changi": "singapore",
    "kota kinabalu": "kota_kinabalu",
    "kk": "kota_kinabalu",
}
_ORIGIN_CUE = re.compile(
    r"\b(?:from|based in|live in|living in|leaving|out of|departing|near|staying in|"
    r"(?:nearest|closest|close) to|"
    r"i'?m in|we'?re in)\s+([a-z][a-z0-9 ]{1,30})"
)
ORIGIN_NAMES = {
    "kuala_lumpur": "Kuala Lumpur",
    "singapore": "Singapore",
    "kota_kinabalu": "Kota Kinabalu",
}


@dataclass(frozen=True)
class TripRequest:
    """What the diver gave; None or empty where they said nothing about it."""

    month: int | None = None
    days: int | None = None
    interests: tuple[str, ...] = ()
    level: str | None = None
    beginner: bool = False
    never_dived: bool = False
    dive_count: int | None = None
    origin: str | None = None
    """A gateway code (ORIGIN_NAMES) or None."""
    destinations: tuple[str, ...] = ()
    """Covered destinations named, in order, once each."""
    uncovered: tuple[str, ...] = ()
    visited: tuple[str, ...] = ()
    """Covered destinations the diver says they have dived already ("been to <place> loads")."""
    nearby: bool = False
    """The diver asks for somewhere close to where they start ("near Singapore", "closest")."""
    east_coast: bool = False
    comparison: bool = False

    def merged_with(self, earlier: TripRequest) -> TripRequest:
        """This message's answers on top of an earlier request (our month question's answer)."""
        return TripRequest(
            month=self.month or earlier.month,
            days=self.days or earlier.days,
            interests=tuple(dict.fromkeys((*earlier.interests, *self.interests))),
            level=self.level or earlier.level,
            beginner=self.beginner or earlier.beginner,
            never_dived=self.never_dived or earlier.never_dived,
            dive_count=self.dive_count if self.dive_count is not None else earlier.dive_count,
            origin=self.origin or earlier.origin,
            destinations=self.destinations or earlier.destinations,
            uncovered=self.uncovered or earlier.uncovered,
            visited=tuple(dict.fromkeys((*earlier.visited, *self.visited))),
            nearby=self.nearby or earlier.nearby,
            east_coast=self.east_coast or earlier.east_coast,
            comparison=self.comparison or earlier.comparison,
        )

    def with_profile(self, level: str | None, dive_count: int | None) -> TripRequest:
        """The profile fills what the message left out."""
        return replace(
            self,
            level=self.level or level,
            dive_count=self.dive_count if self.dive_count is not None else dive_count,
        )


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower().replace("’", "'")).strip()


def month_in(text: str, today: date) -> int | None:
    """The first month the text names: a month name (typos too), a holiday or 'next month'."""
    lowered = _normalised(text)
    if re.search(r"\bnext month\b", lowered):
        return today.month % 12 + 1
    if re.search(r"\bthis month\b", lowered):
        return today.month
    found: list[tuple[int, int]] = []
    for match in re.finditer(r"[a-z]+", lowered):
        word = match.group(0)
        if word == "may":
            if _MAY_AS_MONTH.search(lowered[max(0, match.start() - 16) : match.end() + 6]):
                found.append((match.start(), 5))
            continue
        if word == "mar" and not re.search(r"\b(?:in|early|mid|late|of)\s+mar\b", lowered):
            continue
        month = _MONTH_WORDS.get(word)
        if month is None and len(word) >= 5:
            close = difflib.get_close_matches(word, MONTH_NAMES_LOWER, n=1, cutoff=0.8)
            month = _MONTH_WORDS[close[0]] if close else None
        if month:
            found.append((match.start(), month))
    if (holiday := holiday_named(lowered)) and (days := next_holiday(holiday.key, today)):
        after = lowered[: holiday.start].rstrip().endswith("after")
        found.append((holiday.start, (days[1] if after else days[0]).month))
    if year_end := _YEAR_END.search(lowered):
        found.append((year_end.start(), 12))
    return min(found)[1] if found else None


MONTH_NAMES_LOWER = tuple(name.lower() for name in MONTH_NAMES)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNT_WORDS[word]


def days_in(text: str) -> int | None:
    """Days available: '4 days', 'five nights', 'a week', 'two weeks', 'a long weekend'."""
    lowered = _normalised(text)
    if match := _DAYS.search(lowered):
        count = _count(match.group(1))
        return count + 1 if match.group(2).startswith("night") else count
    if match := _WEEKS.search(lowered):
        if match.group(0) == "fortnight":
            return 14
        word = match.group(1)
        return 7 * (1 if word in ("a", "one") else _count(word))
    if match := _WEEKEND.search(lowered):
        return 3 if match.group(1) else 2
    return None


# What the diver wants to avoid is not an interest: "nervous about currents",
# "no sharks please", "not into wrecks". A worry about currents asks
# for calm, easy diving instead.
_AVOIDED = re.compile(
    r"\b(?:no|not?|avoid\w*|without|hate|fear\w*|afraid of|scared of|nervous (?:about|of)|"
    r"worried about|not (?:into|keen on|a fan of)|don'?t (?:like|want)|rather not|"
    r"(?:too )?(?:much|many|strong))\s+(?:\w+\s+){0,2}?$"
)


def interests_in(text: str) -> tuple[str, ...]:
    lowered = _normalised(text)
    wanted: list[str] = []
    for tag, pattern in _INTERESTS.items():
        for found in pattern.finditer(lowered):
            if _AVOIDED.search(lowered[max(0, found.start() - 30) : found.start()]):
                if tag == "drift" and "beginner-friendly" not in wanted:
                    wanted.append("beginner-friendly")
                continue
            if tag not in wanted:
                wanted.append(tag)
            break
    order = list(_INTERESTS)
    return tuple(sorted(wanted, key=order.index))


def origin_in(text: str) -> str | None:
    lowered = _normalised(text)
    for match in _ORIGIN_CUE.finditer(lowered):
        words = match.group(1).split()
        for length in (2, 1):
            candidate = " ".join(words[:length])
            if candidate in ORIGIN_ALIASES:
                return ORIGIN_ALIASES[candidate]
    return None


# "been to <place>", "dived <place> twice", "done the <place>": the place
# follows the verb directly (not "done my Open Water in <place>"), and no
# "never"/"not" comes before it ("never been to <place>").
_VISITED_BEFORE = re.compile(
    r"\b(?:been (?:diving )?(?:to|in|at|around)|dived|dove|dived in|dived at|visited|done)"
    r"\s+(?:the\s+)?$"
)
_NOT_VISITED = re.compile(r"\b(?:never|not|n't|nt|havent|haven't|yet to)\b[^.?!,]{0,12}$")


def visited_in(lowered: str, mentions: list[PlaceMention]) -> tuple[str, ...]:
    """The covered destinations the diver says they have already dived."""
    visited = []
    for mention in mentions:
        if mention.kind is not PlaceKind.COVERED or mention.destination is None:
            continue
        for found in re.finditer(re.escape(mention.text.lower()), lowered):
            before = lowered[max(0, found.start() - 40) : found.start()]
            cue = _VISITED_BEFORE.search(before)
            if cue and not _NOT_VISITED.search(before[: cue.start()]):
                visited.append(mention.destination)
    return tuple(dict.fromkeys(visited))


# A group with several levels ("2 OW, 2 AOW", "I'm AOW, my wife is OW") dives
# where its least certified diver may dive.
_GROUP = re.compile(
    r"\b(?:we|us|our|both|mixed|group|friends|family|my (?:wife|husband|partner|gf|bf|"
    r"girlfriend|boyfriend|friend|buddy|son|daughter|kids?))\b"
)


def trip_level(text: str) -> str | None:
    """The level a trip must suit: the lowest of a group's levels, else the diver's last word."""
    levels = {m.level for m in level_mentions(text) if not m.negated}
    if len(levels) > 1 and _GROUP.search(_normalised(text)):
        return min(levels, key=CERTIFICATION_LEVELS.index)
    return stated_level(text)


def parse_request(text: str, today: date) -> TripRequest:
    """Everything a 'where should I go' message says about the trip."""
    lowered = _normalised(text)
    mentions = classify_places(text or "")
    destinations = tuple(
        dict.fromkeys(
            m.destination
            for m in mentions
            if m.kind is PlaceKind.COVERED and m.destination is not None
        )
    )
    uncovered = tuple(
        dict.fromkeys(m.name for m in mentions if m.kind is PlaceKind.UNCOVERED and m.dive_region)
    )
    count = _DIVE_COUNT.search(lowered)
    named = len(destinations) + len(uncovered)
    level = trip_level(text or "")
    return TripRequest(
        month=month_in(text, today),
        days=days_in(text),
        interests=interests_in(text),
        level=level,
        beginner=bool(
            _BEGINNER.search(lowered)
            or (_NEWLY_CERTIFIED.search(lowered) and level in _FIRST_LEVELS)
        ),
        never_dived=bool(_NEVER_DIVED.search(lowered)),
        dive_count=int(count.group(1)) if count else None,
        origin=origin_in(text),
        destinations=destinations,
        uncovered=uncovered,
        visited=visited_in(lowered, mentions),
        nearby=bool(_NEARBY.search(lowered)),
        east_coast=bool(_EAST_COAST.search(lowered)),
        comparison=named >= 2 and bool(_COMPARISON.search(lowered)),
    )


# Whether a message is a trip-choice request at all. The NLU's match_trip
# intent is the first route; this is the second, for a message it placed as
# a knowledge question: "where should I go", "which island", an A-or-B of
# covered destinations, or a covered destination with a month ("Redang in
# November?"). Questions about getting there, staying, prices, courses and
# conditions stay knowledge questions.
_CHOOSING = re.compile(
    r"\bwhere\b(?!\s+(?:is|are|was)\b).{0,60}?\b(?:go|going|dive|diving|try|recommend|best|good|"
    r"should|can|to|shud|shld)\b"
    r"|\bwhich (?:island|islands|destination|destinations|place|places|spot|part of malaysia)\b"
    r"|\brecommend\w*\b.{0,40}\b(?:destination|island|place|where|trip|holiday)\b"
    r"|\b(?:dive|diving) (?:trip|holiday|vacation)\b.{0,40}\b(?:idea|suggest|recommend|where|which)"
    r"|\b(?:idea|suggestion|recommendation)s?\b.{0,30}\b(?:dive|diving)\b"
    r"|\bwhere(?: in malaysia)?\s*[?!.]*$"
)
_WANTS_TO_DIVE = re.compile(
    r"\b(?:want|wanna|looking|planning|plan|hoping|keen|like)\s+(?:to\s+)?(?:go\s+)?"
    r"(?:dive|diving|scuba)\b|\bgo(?:ing)? diving\b"
)
_SEASON_QUESTION = re.compile(
    r"\b(?:open|dive|diving|dived|go|going|worth|ok|okay|possible|can|good|season|monsoon|"
    r"closed|rain\w*|weather)\b|\?"
)
_KNOWLEDGE_TOPICS = re.compile(
    r"\b(?:ferry|ferries|boats?|jetty|airport|flights?|fly|bus|taxi|drive|get there|get to|"
    r"stay|hotel|resort|accommodation|eat|price|prices|cost|costs|fee|fees|cheap\w*|"
    r"temperature|wetsuit|visibility|vis|course|courses|certif\w*|licen[cs]e|"
    r"padi|ssi|chamber|hospital|insurance|pack|rent|buy)\b"
)


# "Tioman, or should I fly to <region>?": flying there is one side of the choice.
_FLY_THERE_AS_A_CHOICE = re.compile(
    r"\bor (?:should (?:i|we) )?(?:just )?fly (?:to|into|over to)\b"
)


def is_trip_request(text: str, today: date) -> bool:
    lowered = _normalised(text)
    if not lowered or _KNOWLEDGE_TOPICS.search(_FLY_THERE_AS_A_CHOICE.sub("or", lowered)):
        return False
    request = parse_request(text, today)
    if request.comparison and len(request.destinations) >= 2:
        return True
    if _CHOOSING.search(lowered):
        return True
    named = request.destinations or request.east_coast
    if named:
        return bool(request.month and _SEASON_QUESTION.search(lowered))
    # No place named: what they want to see or do, with when, how long or from where.
    when_or_from = request.month or request.days or request.origin
    wants = request.interests or _WANTS_TO_DIVE.search(lowered)
    return bool(when_or_from and wants)


_ASKS_WHEN = re.compile(
    r"\b(?:when|what time of (?:the )?year|which months?|what months?|best time|best season|"
    r"best months?)\b"
)


def asks_when_to_go(text: str, today: date) -> bool:
    """'When is the best time to dive Tioman?': a question about the season, not a trip choice."""
    lowered = _normalised(text)
    request = parse_request(text, today)
    return bool(_ASKS_WHEN.search(lowered)) and request.month is None and not request.comparison
