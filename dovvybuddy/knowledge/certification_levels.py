"""Every way a diver names a certification level, mapped to one level code.

The codes are those of `vocabulary.CERTIFICATION_LEVELS`; other
agencies' cards map as knowledge/equivalency/agency-equivalency.md places them
(CMAS stars, BSAC grades, NAUI, SDI and RAID names). Instructors and assistant
instructors rank above every level we grade sites by, so they count as
Divemaster. Standard library only: the NLU component in the Rasa environment
and the actions both read it.

`level_mentions` finds the mentions in a text, longest first, so "advanced
open water" is one Advanced Open Water mention and never also an Open Water
one; a mention the text negates ("not advanced yet", "without AOW") is
reported as negated, because it says what the diver is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dovvybuddy.knowledge.vocabulary import AGENCIES

# Regular expressions (lower case, matched on word boundaries) per level code.
# Kept as patterns rather than a word list where a bare word would be
# ambiguous: "2 star" alone is a hotel, "instructor" alone is who teaches.
_AGENCY = rf"(?:{'|'.join(agency.lower() for agency in AGENCIES)})"
LEVEL_PATTERNS: dict[str, tuple[str, ...]] = {
    "discover_scuba": (
        r"discover(?:y)? scuba(?: div(?:e|ing|er))?",
        r"discovery dives?",
        r"dsd",
        r"try[- ]?dives?",
        r"try scuba",
        r"intro(?:ductory)? dives?",
        r"no (?:dive |diving |scuba )?(?:cert|certs|certification|certificate|license|licence)"
        r"(?: yet)?",
        r"not (?:yet )?certified(?: yet)?",
        r"(?:un|non-?)certified",
        r"never (?:dived|dove|scuba dived|been (?:scuba )?diving|"
        r"(?:done|did|tried) (?:a dive|any diving|diving|scuba))"
        r"(?! (?:in|at|there|around|on|off|with)\b)",
        r"(?:complete|total|absolute) (?:beginner|newbie|novice)",
    ),
    "open_water": (
        r"(?:junior )?open[- ]?water(?: (?:divers?|scuba divers?|cert(?:ification)?|course))?",
        r"owd?",
        r"open water 20",
        r"(?:bsac )?ocean diver",
        r"cmas (?:1|one)[- ]?(?:stars?|\*)",
        r"(?:1|one)[- ]?star (?:cmas|diver)",
        r"naui scuba diver",
    ),
    "advanced_open_water": (
        r"adv(?:ance|anced)?(?:\.)?(?: open[- ]?water)?(?: divers?)?",
        r"aowd?",
        r"(?:ssi )?advanced adventurer",
        r"advanced (?:scuba|adventure) diver",
        r"advanced 35",
        r"(?:bsac )?sports? diver",
        r"cmas (?:2|two)[- ]?(?:stars?|\*+)",
        r"(?:2|two)[- ]?stars? (?:cmas|diver)",
        r"cmas \*\*",
    ),
    "rescue": (
        r"(?:stress (?:and|&|n) )?rescue(?: scuba)?(?: divers?| course)?",
        r"resuce(?: diver)?",
        r"master rescue",
        r"master scuba diver",
    ),
    "divemaster": (
        r"div(?:e)? ?masters?(?: course| internship| program(?:me)?)?",
        r"dm",
        r"(?:bsac )?dive leader",
        r"ssi dive guide",
        r"cmas (?:3|three)[- ]?(?:stars?|\*+)",
        r"(?:3|three)[- ]?stars? (?:cmas|diver)",
        rf"(?:{_AGENCY} |scuba |dive |diving )?(?:assistant )?instructor"
        r"(?= (?:level|rating|cert|certification)\b)",
        r"owsi",
        r"msdt",
        r"course director",
    ),
}

# "I'm a PADI instructor", "I work as a dive instructor", "instructor here, 900
# dives": the diver is one.
_SELF_AS_INSTRUCTOR = re.compile(
    r"(?:^\s*|\b(?:i'?m|i am|im|am|as|work as|working as)\s+)(?:an?\s+)?"
    rf"(?:(?:{_AGENCY}|scuba|dive|diving)\s+)?(?P<level>(?:assistant\s+)?instructor)\b"
)
# Negated mentions: "not advanced yet", "without AOW", "haven't done my rescue".
_NEGATION_BEFORE = re.compile(
    r"\b(?:not|no|without|never|\w+n'?t)\s+(?:(?:yet|an?|the|my|have|got|done|did|even|any)\s+)*$"
)


@dataclass(frozen=True)
class LevelMention:
    start: int
    end: int
    text: str
    level: str
    negated: bool


# Each spelling on its own: a regex alternation takes its first matching
# branch, not its longest, and "open water 20" must beat "open water".
_LEVEL_REGEXES = [
    (level, re.compile(rf"(?<![\w*-])(?:{pattern})(?![\w*-])"))
    for level, patterns in LEVEL_PATTERNS.items()
    for pattern in patterns
]


def level_mentions(text: str) -> list[LevelMention]:
    """Non-overlapping level mentions in `text`, in order; the longest one wins an overlap."""
    lowered = (text or "").lower().replace("’", "'")
    candidates = [
        (match.start(), match.end(), level)
        for level, regex in _LEVEL_REGEXES
        for match in regex.finditer(lowered)
    ]
    for match in _SELF_AS_INSTRUCTOR.finditer(lowered):
        candidates.append((match.start("level"), match.end("level"), "divemaster"))
    # Longest first, then leftmost: a shorter match inside a kept one is dropped.
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, level in candidates:
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in kept):
            kept.append((start, end, level))
    return [
        LevelMention(
            start,
            end,
            text[start:end],
            level,
            negated=bool(_NEGATION_BEFORE.search(lowered[max(0, start - 30) : start])),
        )
        for start, end, level in sorted(kept)
    ]


def stated_level(text: str) -> str | None:
    """The last level `text` affirms (a diver's last word on it wins), if any."""
    affirmed = [m.level for m in level_mentions(text) if not m.negated]
    return affirmed[-1] if affirmed else None
