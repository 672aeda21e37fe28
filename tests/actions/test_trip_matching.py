"""Trip matching: monsoon first, at most one question, a match that prefills the trip form."""

import re

from rasa_sdk.executor import CollectingDispatcher

from actions.trip_matching import ActionMatchTrip


async def run(make_tracker, domain, text, slots=None, entities=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "match_trip", 0.9, slots=slots, entities=entities)
    events = await ActionMatchTrip().run(dispatcher, tracker, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def ranked(text):
    return re.findall(r"^\d\. (?:The )?(.+?):", text, re.MULTILINE)


async def test_december_on_the_east_coast_gets_the_monsoon_before_anything_else(
    make_tracker, domain
):
    _, messages = await run(
        make_tracker, domain, "where should I dive on the east coast in December?"
    )
    text = messages[0]["text"]
    assert text.startswith("Heads up: December is monsoon season on the east coast")
    assert ranked(text) == ["Sipadan area"]
    assert "Sipadan would close to diving and snorkelling every December" in text


async def test_turtles_beginner_june_ranks_a_destination_with_beginner_turtle_sites_first(
    make_tracker, domain
):
    slots, messages = await run(make_tracker, domain, "turtles, beginner, June")
    text = messages[0]["text"]
    assert ranked(text)[0] in ("Redang", "Perhentian Islands")
    first_site = re.search(r"^- (.+?) \(", text.split("Best sites for you")[1], re.MULTILINE)
    assert first_site.group(1).startswith(("Pulau Paku", "D'Lagoon"))
    assert slots["destination"] in ("redang", "perhentian")


async def test_a_missing_month_is_the_one_question_asked(make_tracker, domain):
    slots, messages = await run(make_tracker, domain, "best place for turtles as a beginner")
    assert "Which month are you planning to go?" in messages[0]["text"]
    assert messages[0]["text"].count("?") == 1
    assert tuple(slots["trip_request"]["interests"]) == ("turtles",)


async def test_the_month_answer_completes_the_kept_request(make_tracker, domain):
    kept, _ = await run(make_tracker, domain, "best place for turtles as a beginner")
    slots, messages = await run(make_tracker, domain, "in June", slots=kept)
    assert ranked(messages[0]["text"])
    assert "turtles at" in messages[0]["text"]
    assert slots["trip_request"] is None


async def test_the_month_is_not_asked_twice(make_tracker, domain):
    kept, _ = await run(make_tracker, domain, "where should I go diving?")
    _, messages = await run(make_tracker, domain, "not sure yet", slots=kept)
    assert "Which month" not in messages[0]["text"]
    assert ranked(messages[0]["text"])


async def test_a_comparison_compares_both_and_picks_one(make_tracker, domain):
    slots, messages = await run(make_tracker, domain, "Perhentian or Redang in May?")
    text = messages[0]["text"]
    assert re.search(r"^- The Perhentian Islands: in season in May", text, re.MULTILINE)
    assert re.search(r"^- Redang: in season in May", text, re.MULTILINE)
    assert re.search(r"^My pick: (Redang|the Perhentian Islands)", text, re.MULTILINE)
    assert slots["destination"] in ("perhentian", "redang")


async def test_a_comparison_with_a_closed_destination_says_so(make_tracker, domain):
    _, messages = await run(make_tracker, domain, "Tioman or Sipadan in January?")
    text = messages[0]["text"]
    assert text.startswith("Heads up: Tioman is closed for the monsoon in January")
    assert "My pick: the Sipadan area, because Tioman is closed then" in text


async def test_a_match_fills_what_the_trip_form_would_ask(make_tracker, domain):
    slots, _ = await run(
        make_tracker,
        domain,
        "I have 4 days in August and I'm Advanced, what do you suggest?",
        entities=[{"entity": "certification_level", "value": "advanced_open_water"}],
    )
    assert slots["destination"] == "sipadan"
    assert re.fullmatch(r"August \d{4}", slots["preferred_dates"])
    assert slots["certification_level"] == "advanced_open_water"


async def test_a_level_from_the_profile_is_used_and_kept(make_tracker, domain):
    slots, messages = await run(
        make_tracker,
        domain,
        "where should I go in July?",
        slots={"certification_level": "open_water"},
    )
    assert "assuming Open Water" not in messages[0]["text"]
    assert slots.get("certification_level", "open_water") == "open_water"


async def test_an_uncovered_destination_is_refused(make_tracker, domain):
    slots, messages = await run(make_tracker, domain, "where should I dive in Bali in June?")
    assert messages[0]["response"] == "utter_destination_not_covered"
    assert "destination" not in slots


async def test_bad_input_gets_a_polite_answer(make_tracker, domain):
    _, messages = await run(make_tracker, domain, "")
    assert "Which month" in messages[0]["text"]
    _, messages = await run(make_tracker, domain, "in June", slots={"trip_request": {"bogus": 1}})
    assert ranked(messages[0]["text"])


async def test_a_question_about_the_season_goes_back_to_the_guides(make_tracker, domain):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("when is the best time of year to dive Tioman?", "match_trip", 0.9)
    events = await ActionMatchTrip().run(dispatcher, tracker, domain)
    assert events == [{"event": "followup", "timestamp": None, "name": "action_answer_question"}]
    assert dispatcher.messages == []
