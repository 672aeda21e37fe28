"""Reading the optional trip details a diver types."""

import pytest

from dovvybuddy.leads.trip_details import (
    TRIP_DETAIL_FIELDS,
    parse_accommodation,
    parse_budget,
    parse_dives_wanted,
    parse_gear_rental,
    parse_trip_course,
    read_trip_details,
)


@pytest.mark.parametrize("answer", ["skip", "Skip.", "no", "nope", "any", "no preference", "n/a"])
def test_one_word_leaves_every_detail_out(answer):
    details = read_trip_details(answer)
    assert details is not None
    assert details.values == dict.fromkeys(TRIP_DETAIL_FIELDS, "")
    assert details.unplaced == []


def test_one_answer_fills_each_detail_it_names():
    details = read_trip_details(
        "roughly 450 SGD per person; 6 to 8 dives, we bring our own equipment, "
        "keen on a nitrox course, a guesthouse near the jetty"
    )
    assert details.values == {
        "budget": "roughly 450 SGD per person",
        "dives_wanted": "6-8",
        "gear_rental": "no",
        "trip_course": "keen on a nitrox course",
        "accommodation": "a guesthouse near the jetty",
    }


def test_details_not_named_are_left_out_and_the_budget_is_kept_as_typed():
    details = read_trip_details("budget is about ¥90,000 and we'd need rental kit")
    assert details.values["budget"] == "budget is about ¥90,000"
    assert details.values["gear_rental"] == "yes"
    assert details.values["dives_wanted"] == details.values["accommodation"] == ""


def test_a_part_it_cannot_place_is_reported_not_dropped_silently():
    details = read_trip_details("twelve dives, something relaxed")
    assert details.values["dives_wanted"] == "12"
    assert details.unplaced == ["something relaxed"]


@pytest.mark.parametrize("answer", ["hmm let me think", "what do you suggest?", ""])
def test_an_answer_with_no_detail_is_not_accepted(answer):
    assert read_trip_details(answer) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("RM 900", "RM 900"), ("1500-2000 MYR each", "1500-2000 MYR each"), ("skip", "")],
)
def test_a_budget_needs_an_amount(text, value):
    assert parse_budget(text) == value


def test_a_budget_without_an_amount_is_asked_again():
    assert parse_budget("cheap please") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("10", "10"), ("about five", "5"), ("8-10", "8-10"), ("any", ""), ("0", None), ("500", None)],
)
def test_dives_wanted_is_a_number_or_range_from_1_to_100(text, value):
    assert parse_dives_wanted(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),
        ("need a BCD and regulator", "yes"),
        ("no", "no"),
        ("I have my own gear", "no"),
        ("skip", ""),
        ("purple", None),
    ],
)
def test_gear_rental_is_yes_or_no(text, value):
    assert parse_gear_rental(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Advanced Open Water", "Advanced Open Water"),
        ("no", "no"),
        ("just fun dives", "no"),
        ("skip", ""),
        ("which one?", None),
    ],
)
def test_a_course_during_the_trip_is_kept_as_typed(text, value):
    assert parse_trip_course(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("a resort with a pool", "a resort with a pool"), ("any", ""), ("whatever", "")],
)
def test_accommodation_is_kept_as_typed_and_any_leaves_it_out(text, value):
    assert parse_accommodation(text) == value
