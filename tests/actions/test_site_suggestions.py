"""Dive-site suggestions never put a diver above their level without saying so."""

import dataclasses
import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.site_suggestions import (
    ActionSuggestSites,
    dive_sites,
    fits,
    level_rank,
    suggest_sites,
)
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS, DESTINATIONS


@pytest.mark.parametrize("level", ["open_water", "advanced_open_water", "divemaster"])
@pytest.mark.parametrize("destination", [None, *DESTINATIONS])
def test_suggested_sites_are_within_the_divers_level(level, destination):
    suggestion = suggest_sites(dive_sites(), level, None, destination)
    for site in suggestion.fitting:
        assert level_rank(site.min_certification) <= level_rank(level)
        assert destination in (None, site.destination)
    for site in suggestion.for_later:
        assert not fits(site, level, None)


def test_logged_dives_are_respected():
    site = dataclasses.replace(dive_sites()[0], min_certification="open_water", min_logged_dives=20)
    assert not fits(site, "divemaster", 19)
    assert fits(site, "divemaster", 20)
    assert fits(site, "open_water", None)  # unknown dive count: the level decides


def test_open_water_divers_get_beginner_sites_first():
    suggestion = suggest_sites(dive_sites(), "open_water", None, None)
    assert suggestion.fitting[0].difficulty == "beginner"
    assert len({s.destination for s in suggestion.fitting}) == len(suggestion.fitting)


def test_every_site_level_is_a_known_code():
    assert {s.min_certification for s in dive_sites()} <= set(CERTIFICATION_LEVELS)


async def run(make_tracker, domain, slots, entities=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "where should I dive", "request_site_suggestion", slots=slots, entities=entities
    )
    events = await ActionSuggestSites().run(dispatcher, tracker, domain)
    return events, dispatcher.messages


async def test_without_a_level_the_sites_come_first_grouped_by_level(make_tracker, domain):
    _, messages = await run(
        make_tracker, domain, {}, entities=[{"entity": "destination", "value": "redang"}]
    )
    lines = messages[0]["text"].splitlines()
    assert lines[0] == "Here are the dive sites I cover in Redang, by level:"
    open_water, advanced = lines.index("Open Water:"), lines.index("Advanced Open Water:")
    assert open_water < advanced
    redang = {s.name for s in dive_sites() if s.destination == "redang"}
    listed = [line for line in lines if line.startswith("- ")]
    assert {line[2:].split(" (Redang)")[0] for line in listed} == redang
    assert all(re.match(r"- .+ \(Redang\): \d+-\d+ m, ", line) for line in listed)


async def test_sites_needing_advanced_are_listed_under_advanced(make_tracker, domain):
    _, messages = await run(
        make_tracker, domain, {}, entities=[{"entity": "destination", "value": "sipadan"}]
    )
    text = messages[0]["text"]
    assert text.index("Advanced Open Water:") < text.index("Barracuda Point")


async def test_the_overview_names_a_restricted_site_only_with_its_restriction(make_tracker, domain):
    _, messages = await run(
        make_tracker, domain, {}, entities=[{"entity": "destination", "value": "sipadan"}]
    )
    lines = messages[0]["text"].splitlines()
    assert not any(re.match(r"- Turtle Cavern.* \(the Sipadan area\): \d", line) for line in lines)
    [restricted] = [line for line in lines if "Turtle Cavern" in line]
    assert restricted.startswith("- Only with extra training: Turtle Cavern")
    assert "cave" in restricted


async def test_the_overview_offers_to_narrow_down_and_remembers_the_offer(make_tracker, domain):
    events, messages = await run(make_tracker, domain, {})
    assert "Tell me your certification level" in messages[0]["text"]
    assert events == [
        {"event": "slot", "timestamp": None, "name": "asked_certification_level", "value": True}
    ]


async def test_without_a_destination_every_destination_is_in_the_overview(make_tracker, domain):
    _, messages = await run(make_tracker, domain, {})
    text = messages[0]["text"]
    for place in ("(Tioman)", "(the Perhentian Islands)", "(Redang)", "(the Sipadan area)"):
        assert place in text


async def test_a_level_named_in_the_request_is_used_without_storing_it(make_tracker, domain):
    events, messages = await run(
        make_tracker,
        domain,
        {"certification_level": "open_water"},
        entities=[
            {"entity": "destination", "value": "sipadan"},
            {"entity": "certification_level", "value": "advanced_open_water"},
        ],
    )
    assert messages[0]["text"].startswith("For your level (Advanced Open Water)")
    assert all(event["name"] != "certification_level" for event in events)


async def test_an_advanced_diver_gets_advanced_sites_as_fitting(make_tracker, domain):
    _, messages = await run(
        make_tracker,
        domain,
        {"certification_level": "advanced_open_water", "dive_count": 50},
        entities=[{"entity": "destination", "value": "sipadan"}],
    )
    fitting = messages[0]["text"].split("For later")[0]
    assert "(the Sipadan area): " in fitting
    assert "above your level" not in messages[0]["text"]
    assert any(
        f"- {site.name} (" in fitting
        for site in dive_sites()
        if site.min_certification == "advanced_open_water"
    )


async def test_suggestions_name_depth_difficulty_and_end_with_the_operator(make_tracker, domain):
    _, messages = await run(
        make_tracker,
        domain,
        {"certification_level": "open_water"},
        entities=[{"entity": "destination", "value": "sipadan"}],
    )
    text = messages[0]["text"]
    assert "the Sipadan area" in text
    assert " m, beginner" in text
    assert "For later: Barracuda Point needs Advanced Open Water" in text
    assert text.endswith("confirm with your dive operator.")


async def test_a_diver_without_certification_hears_about_try_dives(make_tracker, domain):
    _, messages = await run(make_tracker, domain, {"certification_level": "discover_scuba"})
    assert "supervised try dive" in messages[0]["text"]


async def test_a_dive_count_given_as_text_is_understood(make_tracker, domain):
    _, messages = await run(
        make_tracker, domain, {"certification_level": "open_water", "dive_count": "10"}
    )
    assert messages[0]["text"].startswith("For your level (Open Water)")


RESTRICTED_SITES = {s.site_id for s in dive_sites() if s.restricted_to}


def test_the_cavern_and_the_wreck_inside_are_restricted_sites():
    assert {"turtle-cavern", "sugar-wreck"} <= RESTRICTED_SITES


@pytest.mark.parametrize("level", CERTIFICATION_LEVELS)
@pytest.mark.parametrize("destination", [None, *DESTINATIONS])
@pytest.mark.parametrize("dive_count", [None, 0, 500])
def test_no_level_or_profile_gets_a_restricted_site_as_fitting(level, destination, dive_count):
    suggestion = suggest_sites(dive_sites(), level, dive_count, destination)
    assert not {s.site_id for s in suggestion.fitting} & RESTRICTED_SITES
    assert not {s.site_id for s in suggestion.for_later} & RESTRICTED_SITES


@pytest.mark.parametrize("level", CERTIFICATION_LEVELS)
def test_a_restricted_site_never_fits_by_level_alone(level):
    for site in dive_sites():
        if site.restricted_to:
            assert not fits(site, level, 1000)


async def test_a_rescue_diver_sees_the_cavern_only_with_its_restriction(make_tracker, domain):
    _, messages = await run(
        make_tracker,
        domain,
        {"certification_level": "rescue"},
        entities=[{"entity": "destination", "value": "sipadan"}],
    )
    lines = messages[0]["text"].splitlines()
    cavern = [line for line in lines if "Turtle Cavern" in line]
    assert cavern == [
        "- Only with extra training: Turtle Cavern and Turtle Tomb: the cavern itself is for "
        "certified cavern or cave divers with a local guide who knows the system; the dive "
        "outside it is fine at your level."
    ]


async def test_an_open_water_diver_hears_the_cavern_needs_more_than_their_level(
    make_tracker, domain
):
    _, messages = await run(
        make_tracker,
        domain,
        {"certification_level": "open_water"},
        entities=[{"entity": "destination", "value": "sipadan"}],
    )
    text = messages[0]["text"]
    assert "certified cavern or cave divers" in text
    assert "the dive outside it needs Advanced Open Water" in text


def test_a_site_list_without_a_destination_names_no_restricted_site():
    suggestion = suggest_sites(dive_sites(), "divemaster", None, None)
    assert suggestion.restricted == ()
