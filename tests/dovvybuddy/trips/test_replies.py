"""Trip-matching answers: when the month is asked, what comes first, and how a reply reads back."""

from datetime import date

from dovvybuddy.trips.replies import (
    asks_for_month,
    ranked_destinations,
    trip_answer,
)
from dovvybuddy.trips.request import parse_request
from dovvybuddy.trips.seasons import trip_data

TODAY = date(2026, 12, 7)


def answer(text: str, asked_before: bool = False):
    return trip_answer(trip_data(), parse_request(text, TODAY), asked_before)


def test_the_month_is_asked_alone_when_it_changes_the_first_choice():
    reply = answer("where can a beginner see turtles?")
    assert reply.asked_month and ranked_destinations(reply.text) == []


def test_an_answer_that_holds_all_year_comes_with_the_month_question():
    reply = answer("muck diving, frogfish and nudibranchs, where should I go?")
    assert ranked_destinations(reply.text)[0] == "sipadan"
    assert asks_for_month(reply.text)


def test_a_destination_named_and_open_is_answered_first():
    reply = answer("Open Water, thinking of Sipadan in September, good idea?")
    assert ranked_destinations(reply.text)[0] == "sipadan"
    assert "need Advanced Open Water, so you'd dive Mabul and Kapalai" in reply.text
    assert "Permits:" in reply.text


def test_a_destination_only_partly_open_is_not_recommended_when_another_is_open():
    reply = answer("Advanced diver, where should I go in February?")
    assert ranked_destinations(reply.text) == ["sipadan"]
    assert "only partly open in February" in reply.text


def test_many_logged_dives_without_a_level_are_taken_as_advanced():
    reply = answer("300 dives, walls and big fish, going in May")
    assert ranked_destinations(reply.text)[0] == "sipadan"
    assert "assuming Advanced Open Water" in reply.text


def test_two_closed_destinations_compared_get_neither_and_the_open_one():
    reply = answer("Redang or the Perhentians in January?")
    assert "My pick: neither in January." in reply.text
    assert ranked_destinations(reply.text) == ["sipadan"]


def test_a_destination_dived_before_is_not_the_first_choice_and_the_reply_says_why():
    reply = answer("Divemaster, been to Tioman many times, want sharks and currents in September")
    ranked = ranked_destinations(reply.text)
    assert ranked and ranked[0] != "tioman"
    assert "tioman" not in ranked or "dived here before" in reply.text


def test_the_closest_destination_comes_first_when_closeness_is_asked():
    reply = answer("which island is nearest to Singapore for a weekend of diving in July")
    assert ranked_destinations(reply.text)[0] == "tioman"


def test_a_comparison_without_a_month_is_answered_and_then_asks_the_month():
    reply = answer("Tioman, Perhentian or Redang for a dive holiday?")
    assert "My pick" in reply.text
    assert asks_for_month(reply.text)


def test_a_comparison_with_a_region_names_its_destination_in_a_sentence():
    reply = answer("Tioman is closest, right? Or should we fly to Sabah in January?")
    assert "Tioman or the Sipadan area in January" in reply.text
    assert ranked_destinations(reply.text)[0] == "sipadan"
    assert "closed for the monsoon in January" in reply.text


def test_a_newly_advanced_diver_gets_the_sites_their_card_opens():
    reply = answer("Just got my AOW, fly to Sabah or stay on Tioman in January?")
    assert "Barracuda Point" in reply.text
