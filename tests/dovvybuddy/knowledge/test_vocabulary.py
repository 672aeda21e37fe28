"""The vocabulary is the one source of the product's words, and the rest agrees with it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from dovvybuddy.analytics.insights import KNOWLEDGE_GAP_REPLIES, SAFETY_SIGNALS
from dovvybuddy.analytics.lead_funnel import LEAD_FORM_ENDINGS
from dovvybuddy.analytics.review import NOT_UNDERSTOOD_REPLIES
from dovvybuddy.answering.gemini import system_instruction
from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.knowledge.vocabulary import (
    DESTINATION_NAMES,
    DESTINATION_PROMPT_NAMES,
    DESTINATIONS,
    FORM_LEAD_TYPES,
    SAFETY_CATEGORIES,
    SAFETY_RESPONSES,
    destination_aliases,
    emergency_numbers,
    spoken_list,
)

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
SYNONYMS = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / "synonyms.yml").read_text())["nlu"]
VOCABULARY_MODULE = PROJECT_ROOT / "dovvybuddy" / "knowledge" / "vocabulary.py"
# Where Python code lives, apart from the evaluation tools, whose diver
# messages ("what is the best season for tioman") are workload, not vocabulary.
CODE_DIRECTORIES = ("actions", "connectors", "nlu", "dovvybuddy")
NOT_PRODUCT_CODE = (PROJECT_ROOT / "dovvybuddy" / "evaluation",)
# Files beside the code that are not Python: the widget and the safety word maps.
# The demo page (web/index.html) is marketing copy that names the destinations;
# it is checked against the vocabulary instead.
OTHER_PRODUCT_FILES = (
    *sorted((PROJECT_ROOT / "web").glob("*.js")),
    *sorted((PROJECT_ROOT / "nlu").rglob("*.yml")),
)
DEMO_PAGE = PROJECT_ROOT / "web" / "index.html"


def words_pattern(names: set[str]) -> re.Pattern[str]:
    longest_first = sorted(map(re.escape, names), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(longest_first)})(?!\w)", re.IGNORECASE)


def named_in(text: str) -> list[str]:
    """The covered destinations the text names, by any of their names, in vocabulary order."""
    aliases = destination_aliases()
    return [code for code in DESTINATIONS if words_pattern(set(aliases[code])).search(text)]


def response_texts() -> list[tuple[str, str]]:
    return [
        (name, variant["text"])
        for name, variants in DOMAIN["responses"].items()
        for variant in variants
        if "text" in variant
    ]


def test_every_destination_has_names_aliases_and_an_emergency_number():
    assert set(DESTINATION_NAMES) == set(DESTINATION_PROMPT_NAMES) == set(DESTINATIONS)
    assert all(destination_aliases()[code] for code in DESTINATIONS)
    assert set(emergency_numbers()) == set(DESTINATIONS)
    assert all(country and number for country, number in emergency_numbers().values())


def test_a_response_that_lists_covered_destinations_names_every_one():
    listing = 0
    for name, text in response_texts():
        named = named_in(text)
        if len(named) > 1:
            listing += 1
            assert named == list(DESTINATIONS), f"{name} lists {named}"
    assert listing >= 5  # the greeting, capabilities, no-knowledge replies, ...


def test_the_prompt_lists_every_destination_from_the_vocabulary():
    prompt = system_instruction(100)
    names = [DESTINATION_PROMPT_NAMES[code] for code in DESTINATIONS]
    assert f"Destinations you cover: {spoken_list(names)}, Malaysia." in prompt


def test_the_nlu_synonyms_map_destinations_to_their_codes_and_agree_with_the_aliases():
    destination_of = {
        alias.casefold(): code
        for code, aliases in destination_aliases().items()
        for alias in aliases
    }
    by_target = {entry["synonym"]: entry["examples"] for entry in SYNONYMS if "synonym" in entry}
    assert set(DESTINATIONS) <= set(by_target)
    for code in DESTINATIONS:
        examples = [line.removeprefix("- ").strip() for line in by_target[code].splitlines()]
        for example in examples:
            # Misspellings ("tyoman") are NLU data only; a name the aliases know
            # must mean the same destination there.
            assert destination_of.get(example.casefold(), code) == code, example


def test_every_response_and_form_the_analytics_count_exists_in_the_domain():
    responses = set(DOMAIN["responses"])
    counted = {*SAFETY_RESPONSES.values(), *KNOWLEDGE_GAP_REPLIES, *LEAD_FORM_ENDINGS}
    counted |= NOT_UNDERSTOOD_REPLIES
    counted |= {signal for signal in SAFETY_SIGNALS if signal.startswith("utter_")}
    assert counted <= responses, counted - responses
    actions = {signal for signal in SAFETY_SIGNALS if not signal.startswith("utter_")}
    assert actions <= set(DOMAIN["actions"])
    assert set(FORM_LEAD_TYPES) <= set(DOMAIN["forms"])


def test_the_safety_categories_are_intents_of_the_domain():
    assert set(SAFETY_CATEGORIES) <= set(DOMAIN["intents"])
    assert set(SAFETY_RESPONSES) < set(SAFETY_CATEGORIES)


def string_literals(path: Path) -> list[tuple[int, str]]:
    """The module's string constants, docstrings (documentation) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def product_modules() -> list[Path]:
    return [
        path
        for directory in CODE_DIRECTORIES
        for path in sorted((PROJECT_ROOT / directory).rglob("*.py"))
        if path != VOCABULARY_MODULE and not path.is_relative_to(NOT_PRODUCT_CODE[0])
    ]


@pytest.mark.parametrize(
    "path", product_modules(), ids=lambda path: str(path.relative_to(PROJECT_ROOT))
)
def test_no_destination_name_or_alias_is_written_outside_the_vocabulary(path):
    pattern = destination_names_pattern()
    found = [
        (line, match.group(0))
        for line, text in string_literals(path)
        for match in pattern.finditer(text)
    ]
    assert not found, f"{path.name} writes destination names: {found}"


def destination_names_pattern() -> re.Pattern[str]:
    names = {alias for aliases in destination_aliases().values() for alias in aliases}
    names |= {name.removeprefix("the ") for name in DESTINATION_NAMES.values()}
    names |= set(DESTINATIONS)
    return words_pattern(names)


@pytest.mark.parametrize(
    "path", OTHER_PRODUCT_FILES, ids=lambda path: str(path.relative_to(PROJECT_ROOT))
)
def test_no_destination_name_is_written_in_the_widget_or_the_nlu_data(path):
    found = destination_names_pattern().findall(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name} writes destination names: {found}"


def test_the_demo_page_names_every_covered_destination_and_no_other():
    page = DEMO_PAGE.read_text(encoding="utf-8")
    hero = re.search(r'<section class="hero">(.*?)</section>', page, re.DOTALL)
    cards = re.search(r'<section id="destinations".*?</section>', page, re.DOTALL)
    assert hero and cards
    assert named_in(hero.group(1)) == list(DESTINATIONS)
    # One card a destination, in the vocabulary's order, each naming only its own.
    headings = re.findall(r"<h3>(.*?)</h3>", cards.group(0))
    assert [named_in(heading) for heading in headings] == [[code] for code in DESTINATIONS]
