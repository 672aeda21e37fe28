"""Conversation repair in an enquiry: which answer a message corrects.

A diver in the middle of a form may correct an earlier answer ("actually my
email is ...", "it's 4 of us, not 3", "sorry, I meant Redang"), give one
the form has not asked yet, ask to go back, or keep an answer they asked to
change. This module reads that from the text alone, deterministically: the
field from its words or, failing them, from the value's shape
(dovvybuddy/leads/answer_shapes.py); what to say is in
dovvybuddy/leads/repair_replies.py. The form's validation
(actions/conversation_repair.py) checks the new value with the field's own
validator and applies it. Standard library and dovvybuddy only, so it is
tested without Rasa.

An answer to the question being asked is never a correction: answering the
email question with "my email is ana@example.com" is just the answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dovvybuddy.leads.answer_shapes import (
    COUNT,
    DATES,
    DIVES,
    GROUP,
    LEVEL,
    SELF_LEVEL,
    normalised,
    only_own_level,
    place_in,
    typed_field,
    without_negated,
)
from dovvybuddy.leads.fields import SELF_REPAIR, email_written, phone_written
from dovvybuddy.leads.name_parts import name_part_corrected
from dovvybuddy.leads.repair_replies import LABELS


@dataclass(frozen=True)
class Correction:
    """A field the diver wants changed, with its new value as typed (None: not given yet)."""

    field: str
    value: str | None


# unmistakable value (an email address, a phone number, "4 of us"), since
# "sorry, can they email me instead" is a message, not a new address.
FREE_TEXT_FIELDS = frozenset(
    {"lead_name", "interests", "lead_message", "budget", "trip_course", "accommodation"}
)
STRONGLY_TYPED = frozenset({"lead_email", "lead_phone", "group_size"})

_CUE = re.compile(
    r"\b(actually|actualy|acutally|change|chnge|chang|changed|update|updated|correct|correction|"
    r"incorrect|wrong|wrng|mistake|typo|sorry|sry|soz|meant|i mean|instead|oops|whoops|should be|"
    r"make it|switch|edit|fix|my bad|scrap|rather|not right|not correct|tukar|salah|"
    r"no wait|wait|hold on|hang on|hold up|replace|modify|amend|redo|moved|move|decided|"
    r"postponed|pushed|chg|chng|make tht|nvm|never ?mind|"
    r"changing|not \w+ but|scratch that|on second thoughts?|change of plans?|make that|"
    r"push|shift|postpone|reschedule|bring (?:it )?forward|changed (?:my|our) minds?|"
    r"prefer|go with|let's do|how about|btw|by the way|fyi|also|better|later|earlier|sooner|"
    r"before i forget|forgot to (?:say|mention|tell)|just so you know|heads up|"
    r"spell|spelt|spelled|spelling|not)\b"
)
# Typed in a hurry: "chnage", "acutally", "updte" are still the words that say so.
_FUZZY_CUES = ("actually", "change", "update", "correct", "correction", "mistake", "instead")
# Field words, typos and other names for each field, longest first when tried.
_STRONG_CUE = re.compile(
    r"\b(actually|change|update|correct|correction|wrong|mistake|typo|meant|instead|"
    r"should be|make it|make that|make tht|chg|edit|fix|sorry|oops|not|scratch that|"
    r"on second thoughts?|"
    r"change of plans?|postpon\w*|push(?:ed)?|mov(?:e|ed|ing)|shift(?:ed)?|reschedul\w*|"
    r"switch(?:ed)?)\b"
)
_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "lead_email": ("email address", "e-mail", "e mail", "email", "emial", "emal", "emai", "mail"),
    "lead_phone": (
        "phone number",
        "contact number",
        "mobile number",
        "whatsapp number",
        "whatsapp",
        "phone",
        "phnoe",
        "fone",
        "mobile",
        "cell",
        "hp",
        "tel",
        "nombor",
        "number",
    ),
    "lead_name": ("full name", "name", "nmae", "naem", "nm", "call me"),
    "group_size": (
        "number of people",
        "number of divers",
        "group size",
        "people count",
        "ppl count",
        "group",
        "people",
        "ppl",
        "pax",
        "persons",
        "headcount",
    ),
    # Before the logged dives: "dives wanted" names the trip's dives, not the log.
    "dives_wanted": ("dives wanted", "planned dives", "dives planned", "dives on the trip"),
    "dive_count": ("number of dives", "dive count", "logged dives", "dives", "logged"),
    "course_of_interest": ("course", "cours", "corse"),
    "certification_level": ("certification level", "certification", "cert", "level", "lvl"),
    "destination": ("destination", "island", "location", "place", "spot"),
    "preferred_dates": ("travel dates", "dates", "date", "when we go", "timing"),
    "interests": ("interests", "interest"),
    "lead_message": ("message", "note", "msg"),
    "budget": ("budget", "price range"),
    "gear_rental": ("gear rental", "rental gear", "rental", "gear", "equipment"),
    "trip_course": ("trip course", "course during the trip", "course on the trip", "course"),
    "accommodation": ("accommodation", "accomodation", "hotel", "lodging"),
    "dive_centre": ("dive centre", "dive center", "dive shop", "dive school", "centre", "center"),
}
_ARROW = re.compile(r"\s*(?:→|->|=>)\s*")
_VALUE_MARKER = re.compile(
    r"(?:\b(?:to|is|be|are|it's|its|it is|meant|use|make it|make that|now)\b|'s\b|:|→|->|=)\s*",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:(?:actually|sorry|sry|pls|please|plz|oh|oops|ah|wait|no|yes|and|so|but|lol|hmm|should|"
    r"my bad|instead|just|it's|its|it is|i meant|i mean|meant|to|is|be|as|read)\b[\s,!.:-]*)+"
    r"|(?:[\s,!.-]*\b(?:actually|sorry|sry|pls|please|plz|thanks|thank you|instead|lol|"
    r"then|now|too|pls|thx)\b)+[\s,!.]*$",
    re.IGNORECASE,
)
# What a diver says about the old value, not a new one ("the dates are wrong").
_NOT_A_VALUE = re.compile(
    r"(?:all |totally |a bit |slightly )?(?:wrong|wrng|incorrect|not (?:right|correct)|"
    r"a typo|typo|a mistake|mistaken|off|bad|outdated|old)(?: sorry| lol)?"
)
_GO_BACK = re.compile(
    r"\b(go+\s*ba(?:ck|kc)|back up|previ?o?us (?:question|one|step|answer)|last question|"
    r"step back|undo|redo the (?:last|previous)|revert|question before|back one|one step back|"
    r"the one before|take me back|(?:my |the |that )?(?:last|previous) (?:one|answer|reply)|"
    r"what i (?:just )?(?:said|typed|wrote|answered|put)|previous,? (?:pls|please|plz))\b"
    # "can I change that", "fix that": the answer just given, said alone.
    r"|^(?:\w+,?\s+){0,3}(?:change|fix|redo|correct|edit) (?:that|this|it)(?: please| pls)?\W*$"
)
_KEEP = re.compile(
    r"^(?:(?:no,?\s*)?(?:just\s+)?keep(?:\s+it)?(?:\s+(?:the\s+same|as (?:it was|before|is)))?|"
    r"(?:it's\s+|that's\s+)?(?:the\s+)?same(?:\s+as before)?|no change|unchanged|"
    r"leave it as (?:it|is)|"
    r"as (?:it was|before)|it was (?:right|correct|fine)|never ?mind,? keep it)[.! ]*$"
)
_SHORT_ANSWER_WORDS = 12
_NAME_GIVEN = re.compile(r"\bname(?:'s)?\s+(?:as|is|to|should be|=|:)\s+")
_CLAUSE = re.compile(
    r"\s*(?:[,;]|\s-\s|(?<![DdMm]r)(?<![Mm]rs)(?<![Mm]s)\.\s|\bso\b|\band\b|\balso\b|\bplus\b)\s*"
)


def _near(word: str, target: str) -> bool:
    """Whether `word` is `target` with one letter wrong, missing, extra or swapped."""
    if word == target or abs(len(word) - len(target)) > 1:
        return word == target
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        swapped = (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == target[diff[1]]
            and word[diff[1]] == target[diff[0]]
        )
        return len(diff) == 1 or swapped
    short, long = sorted((word, target), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def has_cue(lowered: str) -> bool:
    """Whether a message says it changes something, typos included ("chnage the date")."""
    if _CUE.search(lowered):
        return True
    words = re.findall(r"[a-z]+", lowered)
    return any(len(w) >= 5 and _near(w, cue) for w in words for cue in _FUZZY_CUES)


def is_go_back(text: str) -> bool:
    """Whether a short message asks to go back to the previous question.

    "Can we go back to Sipadan next year" names a place: an answer, not a step back.
    """
    lowered = normalised(text)
    if place_in(text) or DATES.search(lowered) or email_written(text):
        return False
    if lowered.rstrip(".!") in ("back", "go back", "previous", "prev", "undo"):
        return True
    return len(lowered.split()) <= _SHORT_ANSWER_WORDS and bool(_GO_BACK.search(lowered))


def is_keep(text: str) -> bool:
    """Whether the diver keeps the answer they had asked to change ("keep it", "same")."""
    return bool(_KEEP.match(normalised(text)))


def _field_named(lowered: str, fields: Sequence[str]) -> tuple[str, re.Match[str]] | None:
    """The field a message names by one of its words, the earliest mention first."""
    best: tuple[str, re.Match[str]] | None = None
    for field, words in _FIELD_WORDS.items():
        if field not in fields:
            continue
        for word in words:
            pattern = rf"\b{re.escape(word)}\b"
            if word == "number":
                # "number of people" and "number of dives" name other fields.
                pattern = r"\bnumber\b(?! of)"
            if word == "call me":
                # "call me Aisyah", not "call me on +60 ..." or "call me after 6".
                pattern = (
                    r"\bcall me\b(?!\s+(?:on|at|back|later|after|before|via|by|in|tomorrow)\b)"
                )
            if word == "mail" or word == "email":
                pattern = rf"\b{re.escape(word)}\b(?!\s*(?:me|us|them)\b)"
            found = re.search(pattern, lowered)
            if found and (best is None or found.start() < best[1].start()):
                best = (field, found)
                break
    return best


def _segment(text: str, after: int) -> str:
    """The words after the first value marker ("to", "is", ":"...) past `after`, tidied."""
    rest = text[after:]
    marker = _VALUE_MARKER.search(rest)
    segment = rest[marker.end() :] if marker else rest
    segment = without_negated(segment) if segment else segment
    segment = re.sub(r"\s+", " ", segment).strip(" ,.!?;:-")
    previous = None
    while previous != segment:
        previous = segment
        segment = _FILLER.sub("", segment).strip(" ,.!?;:-")
    return "" if _NOT_A_VALUE.fullmatch(segment.lower()) else segment


def _value_for(field: str, text: str, lowered: str, named_end: int) -> str | None:
    """The new value for `field` as typed, or None when the diver did not give one."""
    kept = without_negated(lowered)
    if field == "lead_email":
        email = email_written(text)
        return email.text if email else _segment(text, named_end) or None
    if field == "lead_phone":
        phone = phone_written(kept)
        if phone:
            return phone.text
        if re.search(r"\b(no phone|remove (?:my|the) (?:phone|number)|skip (?:the )?phone)", kept):
            return "skip"
        return _segment(text, named_end) or None
    if field == "group_size":
        # "3 people... sorry, make it 6": a diver who corrects themselves means the last.
        found = list(GROUP.finditer(kept))
        if found:
            later = SELF_REPAIR.search(kept, found[-1].end())
            return later.group(1) if later else found[-1].group(0)
        number = re.search(rf"\b{COUNT}\b", _segment(kept, named_end))
        return number.group(0) if number else None
    if field == "dive_count":
        found = DIVES.search(kept) or re.search(r"\b\d{1,5}\b", _segment(kept, named_end))
        return found.group(1) if found and found.groups() else (found.group(0) if found else None)
    if field == "destination":
        # "change Tioman to Redang": the place after "to" is the new one.
        segment = _segment(text, named_end)
        return (place_in(segment) if segment else None) or place_in(text) or segment or None
    if field == "preferred_dates":
        segment = _segment(kept, named_end)
        found = DATES.search(segment) if segment else None
        if found:
            # Keep the range around the match ("10-15 Sept", "early October").
            return segment
        found = DATES.search(kept)
        return kept[found.start() :].strip(" ,.!") if found else (segment or None)
    if field in ("certification_level", "course_of_interest"):
        # "I'm Advanced, so I want the Rescue course": the diver's own level
        # is the one said about themselves, the course the other one.
        own = [m.span() for m in SELF_LEVEL.finditer(kept)]
        mentions = list(LEVEL.finditer(kept))
        inside = [m for m in mentions if any(a <= m.start() < b for a, b in own)]
        outside = [m for m in mentions if m not in inside]
        preferred = inside + outside if field == "certification_level" else outside + inside
        return preferred[0].group(0) if preferred else (_segment(kept, named_end) or None)
    if field == "lead_name":
        # "put my name as <name> (given name first), ...": the name follows the
        # first "name as/is/to"; otherwise the last "name", "call me", "I'm".
        given = _NAME_GIVEN.search(lowered)
        marks = list(re.finditer(r"\b(?:name(?:'s)?|call me|i'm|i am|it's|its)\b", lowered))
        start = marks[-1].end() if marks else named_end
        said = text[given.end() :] if given else _segment(text, start)
        segment = _CLAUSE.split(said)[0].split("(")[0].strip(" ,.!?;:-")
        return _FILLER.sub("", segment).strip(" ,.!?;:-") or None
    rest = text[named_end:]
    marker = _VALUE_MARKER.search(rest)
    free_text = (rest[marker.end() :] if marker else rest).strip(" ,.!;:-")
    if field == "interests":
        # "just wrecks, not night dives": the interests are what is left.
        free_text = re.sub(r"\s+", " ", without_negated(free_text.lower())).strip(" ,.!;:-")
    return free_text or None


# What confirms the summary rather than changes it ("yes, the dates are fine").
_CONFIRMS = re.compile(
    r"\b(yes|yep|yeah|ok|okay|fine|good|great|perfect|right|send|submit|confirm\w*|looks|lgtm)\b"
)


def at_summary_with_a_value(asked: str | None, field: str | None, lowered: str) -> bool:
    """Whether a message at the summary names or gives a field anew ("group size 8",
    "from Redang to Sipadan")."""
    return asked == "lead_confirmed" and field is not None and not _CONFIRMS.search(lowered)


def find_correction(
    text: str, asked: str | None, fields: Sequence[str], values: Mapping[str, Any]
) -> Correction | None:
    """The field `text` corrects (or gives before it is asked), or None.

    `asked` is the field the form is asking for (`lead_consent` or
    `lead_confirmed` at the end), `fields` the form's fields, `values` their
    current values. A message that answers the question asked is not a
    correction; nor is free text that merely mentions a field.
    """
    lowered = normalised(text)
    if not lowered or asked is None:
        return None
    arrow = _ARROW.search(text)
    if arrow and _ARROW.search(lowered):
        # "Tioman → Redang", "3 -> 4 people": the value after the arrow replaces the one before.
        found = find_correction("change to " + text[arrow.end() :], asked, fields, values)
        if found is not None:
            return found
    if asked != "lead_name" and "lead_name" in fields:
        renamed = name_part_corrected(text, values.get("lead_name"))
        if renamed:
            return Correction("lead_name", renamed)
    named = _field_named(lowered, fields)
    typed = typed_field(text, lowered, fields, asked)
    field = named[0] if named else typed
    if (
        field == "course_of_interest"
        and "certification_level" in fields
        and only_own_level(lowered)
    ):
        # "I'm Advanced now, did the course last month": the level, not a course wanted.
        field, named = "certification_level", None
    if field is None or field == asked:
        return None
    levels = ("certification_level", "course_of_interest")
    if asked in levels and typed == field and field in levels and not named:
        # "Advanced" answers the level or course question, whichever was asked, unless
        # the one level said is plainly the other ("I'm already Advanced" at the course
        # question, "I want the Rescue course" at the level question).
        held = asked == "course_of_interest" and only_own_level(lowered)
        if len(LEVEL.findall(without_negated(lowered))) != 1 and not held:
            return None
    cue = has_cue(lowered)
    explicit = named is not None and (
        re.search(
            rf"\b(?:my|the|our)\s+(?:\w+\s+)?{re.escape(named[1].group(0))}\s*"
            r"(?:is|are|'s|should be|should read|will be|would be|as|:)",
            lowered,
        )
        is not None
        or re.search(rf"^{re.escape(named[1].group(0))}\s*(?:[:=]|'s\b|is\b|are\b)", lowered)
        is not None
    )
    strong = typed == field and field in STRONGLY_TYPED
    if asked in FREE_TEXT_FIELDS:
        # A message or interests may mention anything: only an unmistakable
        # new value, or a short message that says it corrects, counts.
        short = len(lowered.split()) <= _SHORT_ANSWER_WORDS
        strong_cue = _STRONG_CUE.search(lowered) is not None
        named_and_shaped = named is not None and typed == field
        if not (
            (strong and (cue or explicit))
            or (short and strong_cue and (named or typed))
            or (short and cue and named_and_shaped)
            or (short and explicit)
        ):
            return None
    elif not (cue or explicit or strong or at_summary_with_a_value(asked, field, lowered)):
        return None
    if asked == "lead_confirmed" and _CONFIRMS.search(lowered) and not (cue or strong):
        # "yes, the dates are fine": the summary is confirmed, nothing changes.
        return None
    value = _value_for(field, text, lowered, named[1].end() if named else 0)
    if value is not None and not value.strip():
        value = None
    if value is not None and named and value.lower() == named[1].group(0):
        value = None
    return Correction(field, value)


def find_corrections(
    text: str, asked: str | None, fields: Sequence[str], values: Mapping[str, Any]
) -> list[Correction]:
    """Every field `text` corrects: the whole message's, then one per clause for other fields.

    "Sorry, I'm actually Advanced already, so I want the Rescue course" corrects
    the level and the course.
    """
    first = find_correction(text, asked, fields, values)
    if first is None:
        return []
    found = [first]
    cue = "actually " if has_cue(normalised(text)) else ""
    for clause in _CLAUSE.split(text):
        if len(clause.split()) < 2:
            continue
        more = find_correction(cue + clause, asked, fields, values)
        # A further correction needs a value of its field's shape ("the Rescue course").
        shaped = (
            more is not None
            and typed_field(clause, normalised(clause), fields, asked) == more.field
        )
        if more and more.value and shaped and all(more.field != c.field for c in found):
            found.append(more)
    # "btw I'm AOW with 60 dives": a level the diver says they hold rides along.
    lowered = normalised(text)
    if (
        asked not in ("certification_level", "course_of_interest")
        and "certification_level" in fields
        and all(c.field != "certification_level" for c in found)
        and only_own_level(lowered)
    ):
        level = _value_for("certification_level", text, lowered, 0)
        if level:
            found.append(Correction("certification_level", level))
    return found


def previous_field(
    asked_order: Sequence[str], current: str | None, fields: Sequence[str]
) -> str | None:
    """The field asked before `current`: the last one in `asked_order` that is not it."""
    for field in reversed(asked_order):
        if field != current and field in fields and field in LABELS:
            return field
    return None
