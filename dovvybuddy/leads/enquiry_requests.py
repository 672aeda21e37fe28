"""Whether a message asks for a dive centre to get in touch, and about what.

The NLU's intents decide the flows. This is a second, deterministic reading
for the actions that receive a message the NLU sent elsewhere although it
unmistakably asks for contact ("can a centre contact me", "put me in touch
with a dive shop", "I want to book a dive trip"): the enquiry starts there,
instead of an answer to a question nobody asked.
"""

from __future__ import annotations

import re

TRAINING_FORM = "training_form"
TRIP_FORM = "trip_form"

_US = r"(?:me|us|me and my \w+)"
_DIVE_BUSINESS = (
    r"(?:dive|diving|scuba)\s+(?:centres?|centers?|shops?|schools?|operators?|resorts?|"
    r"instructors?|companies|company|outfits?)"
)
_CONTACT = re.compile(
    rf"\b(?:contact|call|ring|email|e-mail|message|text|whatsapp|reach|get back to|"
    rf"get in touch with)\s+{_US}\b"
    rf"|\b(?:put|get)\s+{_US}\s+in\s+(?:touch|contact)\b"
    rf"|\bconnect\s+{_US}(?:\s+(?:with|to|w)\b|\s*[?.!]|\s*$)"
    rf"|\b(?:link|hook)\s+{_US}\s+up\b"
    r"|\bin (?:touch|contact) with (?:a|the|some|any|your) (?:local |partner )?"
    r"(?:dive|diving|scuba)\b"
    r"|\bwho (?:can|should|do) (?:i|we) (?:talk|speak) to\b"
    r"|\bwho (?:can|should|do) (?:i|we) contact\b"
)
_LOOKING_FOR = re.compile(
    rf"\b(?:looking for|need|find (?:me|us)|recommend me|help (?:me|us) (?:find|get))\s+"
    rf"(?:a|an|some|the)?\s*"
    rf"(?:good\s+|local\s+|reliable\s+)?{_DIVE_BUSINESS}\b"
)
_BOOK = re.compile(
    r"\b(?:book|booking|reserve|arrange|organi[sz]e|sort(?:ed)? out|get (?:\w+ ){0,3}sorted|"
    r"set up|enrol|enroll|sign (?:me |us )?up)\b"
)
_DIVE_PLAN_WORDS = re.compile(
    r"\b(?:dive|dives|diving|scuba|course|courses|lesson|lessons|trip|holiday|package)\b"
)
# "I want to learn to dive in Sipadan", said rather than asked, is a course wanted.
_WANTS_TO_LEARN = re.compile(
    r"\b(?:i|we|i'd|we'd|i'm|we're|im)\s*(?:really\s+|would\s+)?(?:want|wanna|like|love|"
    r"am keen|are keen|keen|hope|plan|planning|looking)\s+(?:to\s+)?(?:learn (?:how )?to "
    r"(?:scuba )?dive|learn (?:scuba|diving)|get (?:my |our )?(?:scuba |dive |diving )?"
    r"certified|(?:do|take|book) (?:my|our|the|a|an) [\w' ]{0,30}course)\b"
)
_HOW_QUESTION = re.compile(r"^\W*(?:how|what|why|when|is|are|does|do|should|which)\b")
_LEARNING = re.compile(
    r"\b(?:course|courses|learn|learning|lesson|lessons|certif\w*|open water|advanced|aow|"
    r"refresher|rescue|divemaster|padi|ssi|naui|training|discover scuba|try dive|try scuba|"
    r"school|schools|instructor|instructors)\b"
)


# "I'm Advanced", "we're already certified": a level held, not a course wanted.
_LEVEL_HELD = re.compile(
    r"\b(?:i'm|im|i am|we're|we are|i have|we have|i've got)\s+(?:already\s+|an?\s+|my\s+)?"
    r"(?:open water|ow|advanced|aow|rescue|divemaster|dm|certified|padi|ssi)\b"
)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower().replace("’", "'")).strip()


def requested_enquiry(text: str) -> str | None:
    """The form a message asks for (`training_form` for a course, else `trip_form`),
    or None when it does not ask to be put in touch or to book."""
    lowered = _normalised(text)
    books = (
        _BOOK.search(lowered) is not None
        and _DIVE_PLAN_WORDS.search(lowered) is not None
        # "how do I book a Sipadan permit?" asks how, not for a booking.
        and _HOW_QUESTION.match(lowered) is None
    )
    wants_to_learn = _WANTS_TO_LEARN.search(lowered) is not None and "?" not in lowered
    asked = _CONTACT.search(lowered) or _LOOKING_FOR.search(lowered) or books or wants_to_learn
    if not asked:
        return None
    return TRAINING_FORM if _LEARNING.search(_LEVEL_HELD.sub(" ", lowered)) else TRIP_FORM
