"""Facts that can hurt a diver, through the real stack: chambers and closures."""

import re

import pytest

pytestmark = pytest.mark.e2e


def test_an_emergency_during_a_perhentian_trip_names_the_numbers_dan_and_kuantan(stack, sender):
    stack.say(sender, "we're diving the Perhentian islands this week")
    reply = "\n".join(stack.say(sender, "my buddy came up too fast and can't feel his legs"))
    assert reply.startswith("This sounds like a diving emergency. Act now:")
    for fact in ("999", "112", "DAN", "Kuantan naval base", "recovery position"):
        assert fact in reply, (fact, reply)


@pytest.mark.parametrize(
    "question",
    [
        "Can I dive Sipadan in November?",
        "is sipadan open in december",
        "planning sipadan trip nov, good time?",
    ],
)
def test_a_question_about_sipadan_in_its_closed_months_mentions_the_closure(
    stack, sender, question
):
    reply = "\n".join(stack.say(sender, question))
    assert re.search(r"\bclos(e|ed|es|ure|ures)\b", reply, re.IGNORECASE), reply
    assert "November" in reply or "December" in reply, reply
