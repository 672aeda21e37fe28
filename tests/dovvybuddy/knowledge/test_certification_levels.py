"""Every way a diver names a level maps to one level code; the longest mention wins."""

import re

import pytest
import yaml

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.knowledge.certification_levels import LEVEL_PATTERNS, level_mentions, stated_level
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I'm advanced open water, 50 dives", "advanced_open_water"),
        ("AOW", "advanced_open_water"),
        ("aowd with padi", "advanced_open_water"),
        ("SSI Advanced Adventurer", "advanced_open_water"),
        ("im advanced, like 40 dives", "advanced_open_water"),
        ("adv. diver", "advanced_open_water"),
        ("NAUI advanced scuba diver", "advanced_open_water"),
        ("CMAS 2 star", "advanced_open_water"),
        ("cmas two stars", "advanced_open_water"),
        ("BSAC Sports Diver", "advanced_open_water"),
        ("Rescue Diver", "rescue"),
        ("stress & rescue with ssi", "rescue"),
        ("Divemaster", "divemaster"),
        ("dive master", "divemaster"),
        ("DM, 300 dives", "divemaster"),
        ("I'm a PADI instructor", "divemaster"),
        ("i work as a dive instructor", "divemaster"),
        ("instructor here, 900 dives", "divemaster"),
        ("CMAS 3*", "divemaster"),
        ("BSAC dive leader", "divemaster"),
        ("open water diver", "open_water"),
        ("OW, 6 dives", "open_water"),
        ("CMAS 1 star", "open_water"),
        ("BSAC Ocean Diver", "open_water"),
        ("RAID Open Water 20", "open_water"),
        ("no cert yet", "discover_scuba"),
        ("not certified", "discover_scuba"),
        ("never dived before", "discover_scuba"),
        ("I never did scuba before", "discover_scuba"),
        ("never tried diving", "discover_scuba"),
        ("did a try dive in Bali", "discover_scuba"),
        ("DSD only", "discover_scuba"),
    ],
)
def test_each_spelling_maps_to_its_level(text, level):
    assert stated_level(text) == level


def test_the_longest_overlapping_mention_wins():
    mentions = level_mentions("I'm advanced open water, 50 dives")
    assert [(m.text, m.level) for m in mentions] == [("advanced open water", "advanced_open_water")]


@pytest.mark.parametrize(
    "text",
    [
        "looking for an instructor to teach me",
        "a 2 star hotel near the jetty",
        "I've never dived in Sipadan, which sites are good?",
        "can I dive Barracuda Point without AOW?",
    ],
)
def test_words_that_are_not_the_divers_level_are_no_level(text):
    assert stated_level(text) is None


def test_a_negated_level_does_not_count():
    assert stated_level("I'm open water, not advanced yet") == "open_water"


def test_patterns_only_use_known_level_codes():
    assert set(LEVEL_PATTERNS) == set(CERTIFICATION_LEVELS)


def test_every_level_synonym_in_the_nlu_data_is_found_whole():
    data = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / "synonyms.yml").read_text())
    for entry in data["nlu"]:
        if entry.get("synonym") not in CERTIFICATION_LEVELS:
            continue
        for spelling in (line[2:] for line in entry["examples"].splitlines() if line):
            # A bare star rating is a level only after "CMAS" ("2 star" alone is a hotel).
            text = (
                f"cmas {spelling}"
                if re.fullmatch(r"(?:\d|one|two|three) stars?", spelling)
                else spelling
            )
            mentions = level_mentions(text)
            assert [(m.text, m.level) for m in mentions] == [(text, entry["synonym"])], text
