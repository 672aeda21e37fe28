"""Trip matching over REST: monsoon first, ranking, comparison, the prefilled enquiry."""

import re

import pytest

pytestmark = pytest.mark.e2e


def ranked(reply: str) -> list[str]:
    """The destinations of the "1. <Destination>: ..." lines, best first."""
    return re.findall(r"^\d\. (?:The )?(.+?):", reply, re.MULTILINE)


def test_a_december_east_coast_request_gets_the_monsoon_answer_first(stack, sender):
    reply = "\n".join(
        stack.say(sender, "We want to dive off the east coast in December, where to?")
    )
    assert reply.startswith("Heads up: December is monsoon season on the east coast")
    assert ranked(reply) == ["Sipadan area"]
    assert "Mabul and Kapalai" in reply


def test_turtles_beginner_june_ranks_a_destination_with_beginner_turtle_sites_first(stack, sender):
    reply = "\n".join(stack.say(sender, "turtles, beginner, June"))
    assert ranked(reply)[0] in ("Redang", "Perhentian Islands")
    assert re.search(r"^1\. .*turtles at (Pulau Paku|D'Lagoon)", reply, re.MULTILINE)
    assert "Best sites for you in" in reply


def test_a_comparison_question_compares_the_two(stack, sender):
    reply = "\n".join(stack.say(sender, "Perhentian or Redang in May?"))
    assert re.search(r"^- The Perhentian Islands: in season in May", reply, re.MULTILINE)
    assert re.search(r"^- Redang: in season in May", reply, re.MULTILINE)
    assert re.search(r"^My pick: ", reply, re.MULTILINE)


def test_a_missing_month_is_asked_once_and_the_answer_completes_the_match(stack, sender):
    asked = "\n".join(stack.say(sender, "best place for turtles as a beginner"))
    assert "Which month are you planning to go?" in asked
    reply = "\n".join(stack.say(sender, "in July"))
    assert ranked(reply) and "turtles at" in reply


def test_put_me_in_touch_after_a_match_starts_the_trip_form_prefilled(stack, sender):
    reply = "\n".join(
        stack.say(sender, "I have 4 days in August and I'm Advanced, what do you suggest?")
    )
    assert ranked(reply)[0] == "Sipadan area"
    assert "What's your name?" in stack.say(sender, "put me in touch")[-1]
    tracker = stack.api(f"/conversations/{sender}/tracker").json()
    assert tracker["active_loop"]["name"] == "trip_form"
    slots = tracker["slots"]
    assert slots["destination"] == "sipadan"
    assert re.fullmatch(r"\d{4}-08-01/\d{4}-08-31", slots["preferred_dates"])
    assert slots["certification_level"] == "advanced_open_water"
    for text in ("Mina Ho", "mina.ho@example.com"):
        stack.say(sender, text)
    # Destination and dates are not asked: after the phone comes the group size.
    assert "How many people are going" in stack.say(sender, "skip")[-1]
