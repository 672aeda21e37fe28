"""The product's words, in one place: destinations, certification levels, safety categories.

Every module that names a covered destination, a certification level or a
safety category reads it from here: the knowledge schema, the forms, the site
suggestions, the Gemini prompt, the lookups and the insights. Tests check that
domain.yml and data/nlu/synonyms.yml agree with it, and that no other Python
module or prompt writes a destination's name (tests/dovvybuddy/knowledge/
test_vocabulary.py).

What changes with the content stays in knowledge/ and is read through here:
the other names divers use for each destination (`destination_aliases`, from
knowledge/places/dive_regions.yml) and each destination's country and
emergency number (`emergency_numbers`, from its overview), which the emergency
guidance gives. Standard library only at import
time: the NLU components in the Rasa environment import it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dovvybuddy.knowledge.documents import Document

DESTINATIONS: tuple[str, ...] = ("tioman", "perhentian", "redang", "sipadan")
"""Codes of the covered destinations, in the order replies list them."""

DESTINATION_NAMES: dict[str, str] = {
    "tioman": "Tioman",
    "perhentian": "the Perhentian Islands",
    "redang": "Redang",
    "sipadan": "the Sipadan area",
}
"""How replies name each destination in running text ("sites in the Sipadan area")."""

EAST_COAST: tuple[str, ...] = ("tioman", "perhentian", "redang")
"""The destinations off Peninsular Malaysia's east coast, which share the north-east monsoon."""

EASIER_NEIGHBOURS: dict[str, tuple[str, str]] = {"sipadan": ("Sipadan island", "Mabul and Kapalai")}
"""A destination whose famous island needs Advanced Open Water, and the neighbouring
islands where divers below that level dive instead."""

DESTINATION_PROMPT_NAMES: dict[str, str] = {
    "tioman": "Tioman",
    "perhentian": "the Perhentian Islands",
    "redang": "Redang",
    "sipadan": "Sipadan (with Mabul and Kapalai)",
}
"""How the Gemini prompt lists them: the Sipadan area's islands by name."""

COUNTRY = "Malaysia"
"""Where every covered destination is."""

CERTIFICATION_LEVELS: tuple[str, ...] = (
    "discover_scuba",
    "open_water",
    "advanced_open_water",
    "rescue",
    "divemaster",
)
"""Certification codes, lowest to highest."""

CERTIFICATION_LEVEL_NAMES: dict[str, str] = {
    "discover_scuba": "Discover Scuba (no certification yet)",
    "open_water": "Open Water",
    "advanced_open_water": "Advanced Open Water",
    "rescue": "Rescue Diver",
    "divemaster": "Divemaster",
}
"""How each certification code is said to a diver. The many ways a diver names
a level (other agencies' cards, abbreviations) are phrase patterns in
`dovvybuddy.knowledge.certification_levels`."""

SPECIALTY_LEVELS: tuple[str, ...] = ("nitrox", "deep")
"""Valid `level` values for certification documents, but not for `min_certification`."""

AGENCIES: tuple[str, ...] = ("PADI", "SSI", "NAUI", "CMAS", "BSAC", "SDI", "TDI", "RAID")
"""Training agencies a diver's card may come from (the `agency` slot's values)."""

SAFETY_CATEGORIES: tuple[str, ...] = (
    "emergency",
    "medical_question",
    "dive_plan_request",
    "prompt_injection",
)
"""The safety intents, in the order the safety rules try them (the first match wins)."""

GRADED_CATEGORIES: tuple[str, ...] = ("express_fear", "ask_safety_question", "ask_certification")
"""Intents the safety rules may grade a message into once no safety category matched."""

SAFETY_RESPONSES: dict[str, str] = {
    "medical_question": "utter_medical_referral",
    "dive_plan_request": "utter_no_dive_plans",
    "prompt_injection": "utter_injection_refusal",
}
"""The fixed reply (a domain response) to each safety category but the emergency,
whose guidance is built from knowledge/ by its own action."""

FORM_LEAD_TYPES: dict[str, str] = {
    "training_form": "training",
    "trip_form": "trip",
    "handoff_form": "question",
}
"""The lead forms (domain.yml) and the lead type each one stores."""

# What a partner dive centre offers (knowledge/partners/*.md `services`), and
# how a diver reads each one when choosing a centre.
PARTNER_SERVICES: dict[str, str] = {
    "courses": "courses",
    "trips": "fun-dive trips",
    "liveaboard": "liveaboard trips",
    "gear_rental": "gear rental",
}


def spoken_list(names: list[str], conjunction: str = "and") -> str:
    """'A, B, C and D': names as a reply or prompt lists them."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def covered_destinations_for_prompt() -> str:
    """The covered destinations as the Gemini prompt lists them."""
    return spoken_list([DESTINATION_PROMPT_NAMES[code] for code in DESTINATIONS])


@lru_cache(maxsize=1)
def destination_aliases() -> dict[str, tuple[str, ...]]:
    """Destination code -> the other names divers use for it, from knowledge/places/."""
    # Imported here: reading knowledge/ needs PyYAML, which importing the codes does not.
    from dovvybuddy.knowledge.places import read_places_file

    covered: dict[str, Any] = read_places_file().get("covered") or {}
    return {code: tuple(covered.get(code) or ()) for code in DESTINATIONS}


def emergency_numbers_in(documents: list[Document]) -> dict[str, tuple[str, str]]:
    """Destination code -> (country, emergency number), as each overview gives them."""
    return {
        str(document.meta["destination"]): (
            str(document.meta["country"]),
            str(document.meta["emergency_number"]),
        )
        for document in documents
        if document.kind == "destination"
    }


@lru_cache(maxsize=1)
def emergency_numbers() -> dict[str, tuple[str, str]]:
    """Destination code -> (country, emergency number), from the overviews in knowledge/."""
    from dovvybuddy.knowledge.documents import load_documents

    return emergency_numbers_in(load_documents())
