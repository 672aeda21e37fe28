"""What a "where should I go" message asks for is read from its words."""

from datetime import date

import pytest

from dovvybuddy.trips.request import (
    TripRequest,
    days_in,
    interests_in,
    is_trip_request,
    month_in,
    parse_request,
)

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("where should I dive in August?", 8),
        ("hey where shud i go diving in aug", 8),
        ("best plase to dive in septmber?", 9),
        ("turtles, beginner, may", 5),
        ("going in early May", 5),
        ("dive trip over christmas", 12),
        ("next month, where to?", 1),  # December 2026 -> January
        ("Decemeber on the east coast", 12),
        ("chinese new year diving", 2),
        # From the holiday calendar (dovvybuddy/knowledge/holidays.py): 2027's dates.
        ("diving over hari raya?", 3),
        ("where to go after ramadan", 3),
        ("deepavali long weekend, where should we dive", 10),
        ("year-end break, which island", 12),
    ],
)
def test_the_month_is_read_from_names_typos_and_holidays(text, month):
    assert month_in(text, TODAY) == month


@pytest.mark.parametrize(
    "text", ["may I ask where to dive?", "you may know a good island", "where should I go"]
)
def test_may_as_a_verb_and_no_month_give_no_month(text):
    assert month_in(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("I have 4 days", 4),
        ("five nights in Redang", 6),
        ("a week off", 7),
        ("two weeks in Malaysia", 14),
        ("a long weekend", 3),
        ("just the weekend", 2),
        ("2 dives a day", None),
    ],
)
def test_days_available(text, days):
    assert days_in(text) == days


def test_interests_come_from_a_fixed_list():
    assert interests_in("turtels and hammerheads, maybe a wreck") == ("turtles", "sharks", "wreck")
    assert interests_in("calm water for my first trip") == ("beginner-friendly",)
    assert interests_in("nudibranchs and muck") == ("macro",)


def test_a_full_request():
    request = parse_request(
        "I have 4 days in August, flying from KL, I'm Advanced with 40 dives and love walls",
        TODAY,
    )
    assert request == TripRequest(
        month=8,
        days=4,
        interests=("wall",),
        level="advanced_open_water",
        dive_count=40,
        origin="kuala_lumpur",
    )


def test_two_covered_destinations_with_or_are_a_comparison():
    request = parse_request("Perhentian or Redang in May?", TODAY)
    assert request.comparison and request.destinations == ("perhentian", "redang")
    assert not parse_request("Redang in May, what do you think?", TODAY).comparison


def test_a_region_with_one_covered_destination_stands_for_it():
    request = parse_request("stay on Tioman or fly over to Sabah in April?", TODAY)
    assert request.comparison and request.destinations == ("tioman", "sipadan")
    assert parse_request("Terengganu in June?", TODAY).destinations == ()


def test_newly_certified_is_a_beginner_only_at_the_first_levels():
    assert parse_request("just got certified, where in June?", TODAY).beginner
    assert parse_request("newly certified open water, June", TODAY).beginner
    assert not parse_request("just got my AOW, where in June?", TODAY).beginner
    assert not parse_request("just finished rescue diver, ideas for July", TODAY).beginner


def test_a_beginner_and_someone_who_never_dived_are_told_apart():
    assert parse_request("beginner, turtles, June", TODAY).beginner
    never = parse_request("never dived before, want to try in June", TODAY)
    assert never.never_dived and not never.beginner


def test_an_answer_to_the_month_question_completes_the_earlier_request():
    earlier = parse_request("best place for turtles as a beginner", TODAY)
    answer = parse_request("in June", TODAY).merged_with(earlier)
    assert (answer.month, answer.interests, answer.beginner) == (6, ("turtles",), True)


@pytest.mark.parametrize(
    "text",
    [
        "where should we go diving in march?",
        "Is Tioman open in January?",
        "tioman in feb?",
        "which island is best for a first trip",
        "Redang or Tioman, which one?",
        "we have a week in august, ideas for diving?",
        "easy reef dives from KL in July?",
        "macro, nudibranchs, where in malaysia",
        "Perhentian in August, or should I fly to Sabah instead?",
    ],
)
def test_trip_choices_the_nlu_placed_elsewhere_are_recognised(text):
    assert is_trip_request(text, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "water temperature in redang in july",
        "how do I get to Redang in June",
        "where do the boats to Perhentian leave from",
        "where is Sipadan",
        "when is the best time to dive Tioman",
        "where can I do my open water course",
        "can i see turtles in perhentian",
        "I want to dive in June, what should I pack",
        "what's a drift dive",
        "can I fly to Sabah direct from Singapore",
        "",
    ],
)
def test_knowledge_questions_stay_knowledge_questions(text):
    assert not is_trip_request(text, TODAY)


@pytest.mark.parametrize(
    ("text", "visited"),
    [
        ("been to Tioman loads of times, where next in July?", ("tioman",)),
        ("we've dived the Perhentians twice already, where else in June?", ("perhentian",)),
        ("I've never been to Redang, is it good in June?", ()),
        ("I did my open water in Tioman, where should I go in May?", ()),
    ],
)
def test_a_destination_dived_before_is_read_only_when_the_diver_says_so(text, visited):
    assert parse_request(text, TODAY).visited == visited


@pytest.mark.parametrize(
    ("text", "nearby"),
    [
        ("which island is nearest to Singapore for diving in July", True),
        ("closest good diving to KL in May?", True),
        ("where should I dive in July?", False),
    ],
)
def test_asking_for_somewhere_close_is_read(text, nearby):
    assert parse_request(text, TODAY).nearby is nearby


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("we're 4 friends, 2 OW and 2 AOW, where in July?", "open_water"),
        ("I'm AOW, my wife is open water, ideas for June", "open_water"),
        ("I was open water, now advanced, where in May?", "advanced_open_water"),
        ("rescue diver, where in August", "rescue"),
    ],
)
def test_a_group_of_several_levels_is_matched_for_its_least_certified_diver(text, level):
    assert parse_request(text, TODAY).level == level


@pytest.mark.parametrize(
    ("text", "interests"),
    [
        ("nervous about currents, 5 dives, where should I go?", ("beginner-friendly",)),
        ("no strong current please, want turtles", ("turtles", "beginner-friendly")),
        ("not into wrecks, macro yes", ("macro",)),
        ("scared of sharks but I'd love turtles", ("turtles",)),
        ("walls and currents", ("wall", "drift")),
    ],
)
def test_what_the_diver_wants_to_avoid_is_not_an_interest(text, interests):
    assert interests_in(text) == interests
