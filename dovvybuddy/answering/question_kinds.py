"""What a question asks for: the kind of fact, and the kind of document that holds it.

A question's wording says what would answer it: "how long" wants a
duration, "how deep" a depth, "when" a month or season, "how do I get to"
a way of travelling, "what critters" the animals; a transport or money
question is for a logistics guide or an overview, a course question for a
course document, a site question for a site card. `evidence` scores
sentences with these cues, and the answerer routes a search with the kinds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dovvybuddy.knowledge.places import PlaceKind, classify_places

_MONTH = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?"
)
_NUMBER = r"(\d+(\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen)"


@dataclass(frozen=True)
class AnswerCue:
    """A kind of fact a question can ask for, and how a sentence shows it."""

    name: str
    question: re.Pattern[str]
    sentence: re.Pattern[str]
    kinds: tuple[str, ...] = ()
    """Kinds of document that hold this kind of fact (none: any)."""


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


ANSWER_CUES: tuple[AnswerCue, ...] = (
    AnswerCue(
        "duration",
        _pattern(
            r"\bhow long\b|\bhow many (days|hours|minutes|weeks|months)\b|\bduration\b|"
            r"\bhow (quick(ly)?|fast|soon|early)\b|\bhow far (in )?advance\b|"
            r"\btakes?\b.*\b(days?|weeks?|hours?)\b"
        ),
        _pattern(
            rf"\b{_NUMBER}\b[\s-]*(to[\s-]*{_NUMBER}\b[\s-]*)?(minutes?|mins?|hours?|hrs?|"
            r"days?|weeks?|months?|nights?)\b|\bhalf an hour\b|\bovernight\b|"
            # A duration said without a number: "within minutes", "a few days".
            r"\b(within|a few|several|a couple of)\s+(seconds|minutes|hours|days|weeks|months)\b"
        ),
    ),
    AnswerCue(
        "depth",
        _pattern(r"\bhow deep\b|\bdepths?\b|\bdeep\b|\bhow far down\b|\bmax(imum)? (to )?\d+"),
        _pattern(r"\b\d+(\.\d+)?\s*(m|metres?|meters?|ft|feet)\b"),
    ),
    AnswerCue(
        "age",
        _pattern(
            r"\bhow old\b|\bages?\b|\byears? old\b|\byo\b|\b(kids?|child(ren)?|son|daughter|"
            r"teens?|teenagers?|junior|too old|minimum age)\b"
        ),
        _pattern(rf"\b{_NUMBER}[\s-]*(years?|yrs?)\b|\bages?d?\b|\bjunior\b|\bchildren\b"),
    ),
    AnswerCue(
        "price",
        _pattern(
            # "How much air / weight / time" asks for something else.
            r"\bhow much\b(?!\s+(air|gas|weight|lead|time|longer|deeper|nitrogen|oxygen))|"
            # "How many days should I budget" budgets time, not money.
            r"\bcosts?\b|\bprices?\b|\bfees?\b|\bcheap|\bexpensive\b|"
            r"^(?!.*\bhow many (days|hours|weeks|nights)\b).*\bbudget|"
            r"\brm\b|\bmyr\b|\bringgit\b|\bpay\b|\$"
        ),
        _pattern(r"\bRM\s?\d|\bMYR\b|\bUSD\b|\$\s?\d|\bringgit\b|\bfees?\b|\bcosts?\b|\bprices?\b"),
        ("logistics", "destination"),
    ),
    AnswerCue(
        "season",
        # "When you call", "when I ascend": a condition, not a time of year.
        _pattern(
            r"\bwhen\b(?!\s+(you|i|im|i'm|we|they|he|she|it|my|your|someone|a diver)\b)|"
            # "Which months", not "18 months ago".
            r"\b(which|what|best|good|calm|rough|rainy|wet|dry|the) months?\b|"
            rf"\bbest time\b|\bseasons?\b|\bmonsoon\b|\b({_MONTH})\b"
        ),
        _pattern(rf"\b({_MONTH})\b|\bseasons?\b|\bmonsoon\b|\ball year\b|\byear[\s-]round\b"),
    ),
    AnswerCue(
        "marine_life",
        _pattern(
            r"\bcritters?\b|\bcreatures?\b|\bmarine life\b|\bwildlife\b|\banimals?\b|"
            r"\bwhat (can|will|would|do|might|could) (i|you|we) (see|spot|find)\b|"
            r"\bwhat lives\b|\bwhat('s| is) (there )?to see\b"
        ),
        _pattern(
            r"\w*fish(es)?\b|\b(turtle|shark|ray|manta|seahorse|nudibranch|barracuda|jack|"
            r"trevally|cuttlefish|octopus|eel|moray|squid|crab|shrimp|lobster|dolphin|"
            r"sea snake|fusilier|blenn(y|ie)|gob(y|ie)|gorgonian|sea fan)s?\b|\bmacro\b"
        ),
    ),
    AnswerCue(
        "transport",
        _pattern(
            r"\bget(ting)? (to|there)\b|\bferr(y|ies)\b|\bspeedboats?\b|\bbus(es)?\b|"
            r"\bflights?\b|\bfly (to|into|from)\b|\bjett(y|ies)\b|\btransfers?\b|\bhow far\b|"
            r"\bdrive\b|\btaxi\b|\bgrab\b|\bairport\b|\broute\b|\btravel (to|from)\b"
        ),
        _pattern(
            r"\bferr(y|ies)\b|\bboats?\b|\bspeedboats?\b|\bbus(es)?\b|\bflights?\b|\bfly\b|"
            r"\bjett(y|ies)\b|\bdrive\b|\btaxi\b|\btransfers?\b|\bairport\b|\bkm\b"
        ),
        ("logistics", "destination"),
    ),
)


def named_destination(question: str) -> str | None:
    """The one covered destination the question names (by its name, an
    island or a site of it), if it names exactly one."""
    named = {
        m.destination
        for m in classify_places(question)
        if m.kind is PlaceKind.COVERED and m.destination
    }
    return named.pop() if len(named) == 1 else None


# The kind of document a question needs, from what it is about.
_COURSE_QUESTION = _pattern(
    r"\bcourses?\b|\bcert(s|ification|ifications|ified)?\b|\bc-?cards?\b|\blicen[cs]es?\b|"
    r"\bopen water\b|\badvanced\b|\brescue\b|\bdivemaster\b|\bdm\b|\baow\b|\bow\b|"
    r"\bspecialt(y|ies)\b|\bprereq|\bprerequisites?\b|\btraining\b|\binstructor\b"
)
_AGENCY_QUESTION = _pattern(
    r"\bnaui\b|\bcmas\b|\bbsac\b|\bsdi\b|\btdi\b|\braid\b|\bgue\b|\bniveau\b|\bvdst\b|"
    r"\bacuc\b|\biso\b|\bagenc(y|ies)\b|\bequivalen"
)
_SITE_QUESTION = _pattern(r"\bdive sites?\b|\bsites?\b|\breefs?\b|\bwrecks?\b|\bpoint\b")


# Written in capitals, these are acronyms, not the words the cues look for
# ("AGE and the bends" asks about arterial gas embolism, not an age).
_ACRONYMS = re.compile(r"\b(AGE|DAN|MOD)\b")


# "From KL to Kuala Besut" asks for a way there; "from SSI to PADI" does not.
_ROUTE = _pattern(r"\bfrom \w+( \w+)? to \w+")
_PLACES = (PlaceKind.COVERED, PlaceKind.UNCOVERED, PlaceKind.ORIGIN)


def question_cues(question: str) -> tuple[AnswerCue, ...]:
    """The kinds of fact `question` asks for."""
    question = _ACRONYMS.sub(" ", question)
    route = _ROUTE.search(question) is not None and any(
        m.kind in _PLACES for m in classify_places(question)
    )
    return tuple(
        cue
        for cue in ANSWER_CUES
        if cue.question.search(question) or (route and cue.name == "transport")
    )


def preferred_kinds(question: str, cues: Sequence[AnswerCue] | None = None) -> frozenset[str]:
    """The kinds of document that answer this kind of question (empty: any)."""
    cues = question_cues(question) if cues is None else cues
    kinds: set[str] = {kind for cue in cues for kind in cue.kinds}
    if kinds:  # getting there and paying: the logistics guides and overviews
        return frozenset(kinds)
    if _AGENCY_QUESTION.search(question):
        kinds.update(("equivalency", "certification"))
    elif _COURSE_QUESTION.search(question):
        kinds.update(("certification", "equivalency"))
    if _SITE_QUESTION.search(question):
        kinds.update(("dive_site", "destination"))
    return frozenset(kinds)
