"""The optional trip details a dive centre asks first, read from what a diver types.

Budget per person (as typed, in any currency), dives wanted, gear rental,
a course during the trip and accommodation. The trip form asks for them in one
question ("any of these, or skip"); `read_trip_details` places each part of
the answer in its field and says what it could not place. When one field is
asked on its own (the diver edits it), `parse_<field>` reads the answer.

Every parser returns the value to store, "" for a skipped field, or None when
the text is not an answer (the form asks again with a hint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dovvybuddy.leads.fields import is_skip

TRIP_DETAIL_FIELDS: tuple[str, ...] = (
    "budget",
    "dives_wanted",
    "gear_rental",
    "trip_course",
    "accommodation",
)
MAX_DIVES_WANTED = 100
MAX_DETAIL_CHARS = 200
# One word that leaves a detail out: the form's skip words, and "no preference".
_NO_PREFERENCE = re.compile(
    r"^(?:any|anything|any is fine|anything is fine|whatever|no preference|not sure|"
    r"don'?t know|dunno|no idea|don'?t mind|doesn'?t matter|either|open|flexible|tbd)$"
)
_CURRENCY = re.compile(
    r"(?:[$€£¥₩₹฿]|\b(?:rm|myr|ringgit|usd|sgd|aud|nzd|cad|hkd|eur|euros?|gbp|pounds?|"
    r"dollars?|bucks|yen|jpy|cny|rmb|yuan|krw|won|inr|rupees?|idr|rupiah|thb|baht|chf|"
    r"francs?|sek|nok|dkk|kr)\b|\d\s*k\b)",
    re.IGNORECASE,
)
_BUDGET_WORD = re.compile(r"\b(budget|per person|pp|each|per head|a head|max|spend|cost)\b")
_NUMBER = re.compile(r"\d")
_DIVES = re.compile(
    r"\b(\d{1,3}(?:\s*(?:-|–|to)\s*\d{1,3})?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|a dozen|twelve|fifteen|twenty)\s+(?:or so\s+)?(?:\w+\s+)?dives?\b"
)
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
    "a dozen": "12",
    "fifteen": "15",
    "twenty": "20",
}
_GEAR = re.compile(
    r"\b(gear|equipment|kit|rental|rent|renting|hire|bcd|regulator|reg|wetsuit|fins|mask)\b"
)
_OWN_GEAR = re.compile(
    r"\b(own|bring(?:ing)?|have (?:all )?(?:my|our)|no|don'?t|do not|not|without|"
    r"without any)\b"
)
_COURSE = re.compile(
    r"\b(course|courses|nitrox|enriched air|advanced|aow|open water|rescue|divemaster|"
    r"specialty|speciality|refresher|scuba review|certif\w*|training|lesson|lessons|"
    r"deep diver|wreck diver|night diver|peak performance|buoyancy course)\b"
)
_NO_COURSE = re.compile(
    r"^(?:no|not|none|without)\b|\b(?:no|don'?t need a|not taking a|not doing a|no more)\s+"
    r"(?:\w+\s+)?(?:course|courses|training|lessons)\b|\bjust fun dives?\b"
)
_ACCOMMODATION = re.compile(
    r"\b(accommodation|accomodation|hotel|resort|chalet|chalets|hostel|homestay|dorm|"
    r"dormitory|guesthouse|guest house|room|rooms|stay|staying|lodging|liveaboard|"
    r"live-aboard|live aboard|airbnb|bungalow|villa|camping|tent|beachfront|sea view|"
    r"aircon|air-con|twin|double)\b"
)
_YES = re.compile(r"^(?:y|yes|yeah|yep|yup|ya|sure|please|yes please|i do|we do|need|needed)\b")
_NO = re.compile(r"^(?:n|no|nope|nah|not needed|no need|no thanks|own|my own|our own)\b")
# Commas inside a number ("RM 1,500") do not separate parts of the answer.
_PARTS = re.compile(r"\s*(?:,(?!\d{3}\b)|;|\n|\s\+\s|\band\b|\bplus\b|\balso\b|\.\s)\s*")


@dataclass
class TripDetails:
    """What one answer gave for each detail ("" when not given) and the parts not placed."""

    values: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TRIP_DETAIL_FIELDS, ""))
    unplaced: list[str] = field(default_factory=list)

    @property
    def placed(self) -> bool:
        return any(self.values.values())


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "")).strip(" .!,;")


def skips(text: str) -> bool:
    """Whether the answer leaves the detail out: "skip", "no", "any", "no preference"..."""
    lowered = _clean(text).lower()
    return is_skip(lowered) or _NO_PREFERENCE.match(lowered) is not None


def parse_budget(text: str) -> str | None:
    """The budget as typed ("RM 1,500-2,000", "about 800 euros"): it must hold a number."""
    cleaned = _clean(text)
    if skips(cleaned):
        return ""
    if _NUMBER.search(cleaned) and len(cleaned) <= 60:
        return cleaned
    return None


def parse_dives_wanted(text: str) -> str | None:
    """A number of dives (or a range, "8-10") between 1 and MAX_DIVES_WANTED."""
    lowered = _clean(text).lower()
    if skips(lowered):
        return ""
    for word, digits in _NUMBER_WORDS.items():
        lowered = re.sub(rf"\b{word}\b", digits, lowered)
    found = re.search(r"(\d{1,3})(?:\s*(?:-|–|to)\s*(\d{1,3}))?", lowered)
    if not found:
        return None
    low, high = int(found.group(1)), int(found.group(2) or found.group(1))
    if not 1 <= low <= high <= MAX_DIVES_WANTED:
        return None
    return str(low) if low == high else f"{low}-{high}"


def parse_gear_rental(text: str) -> str | None:
    """'yes' (the diver needs rental gear), 'no' (they bring their own), '' when skipped."""
    lowered = _clean(text).lower()
    if _NO.match(lowered) or (_GEAR.search(lowered) and _OWN_GEAR.search(lowered)):
        return "no"
    if _YES.match(lowered) or _GEAR.search(lowered):
        return "yes"
    if skips(lowered):
        return ""
    return None


def parse_trip_course(text: str) -> str | None:
    """The course wanted during the trip as typed, 'no' for none, '' when skipped."""
    cleaned = _clean(text)
    lowered = cleaned.lower()
    if _NO_COURSE.search(lowered) and not re.search(r"\bnitrox|advanced|rescue\b", lowered):
        return "no"
    if skips(lowered):
        return ""
    if "?" in cleaned or len(cleaned) > MAX_DETAIL_CHARS or not re.search(r"[a-z]", lowered):
        return None
    return cleaned


def parse_accommodation(text: str) -> str | None:
    """The accommodation wanted as typed; '' when any will do."""
    cleaned = _clean(text)
    if skips(cleaned):
        return ""
    if (
        "?" in cleaned
        or len(cleaned) > MAX_DETAIL_CHARS
        or not re.search(r"[a-z]", cleaned.lower())
    ):
        return None
    return cleaned


PARSERS = {
    "budget": parse_budget,
    "dives_wanted": parse_dives_wanted,
    "gear_rental": parse_gear_rental,
    "trip_course": parse_trip_course,
    "accommodation": parse_accommodation,
}


def _field_of(part: str) -> str | None:
    """Which detail one part of the answer gives, by its words."""
    lowered = part.lower()
    if _DIVES.search(lowered) and not _CURRENCY.search(lowered):
        return "dives_wanted"
    if _NUMBER.search(lowered) and (_CURRENCY.search(lowered) or _BUDGET_WORD.search(lowered)):
        return "budget"
    if _GEAR.search(lowered):
        return "gear_rental"
    if _COURSE.search(lowered):
        return "trip_course"
    if _ACCOMMODATION.search(lowered):
        return "accommodation"
    return None


def read_trip_details(text: str) -> TripDetails | None:
    """Each detail found in one answer; all left out for "skip"; None if nothing was found.

    "around RM 2,000 each, 8 dives, need to rent gear, no course, a cheap chalet"
    gives all five; "skip" or "no" gives none of them.
    """
    details = TripDetails()
    if skips(text):
        return details
    for part in _PARTS.split(text or ""):
        part = _clean(part)
        if not part:
            continue
        name = _field_of(part)
        value = PARSERS[name](part) if name else None
        if name == "dives_wanted":
            found = _DIVES.search(part.lower())
            value = parse_dives_wanted(found.group(1)) if found else None
        if not name or value is None:
            if not skips(part):
                details.unplaced.append(part)
            continue
        if value and details.values[name] and name in ("budget", "trip_course", "accommodation"):
            value = f"{details.values[name]}, {value}"
        details.values[name] = value or details.values[name]
    return details if details.placed else None
