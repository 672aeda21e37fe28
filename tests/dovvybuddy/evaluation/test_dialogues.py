"""The multi-turn evaluation's diver: what it says when, and how a dialogue is judged."""

import re
from typing import Any

from dovvybuddy.evaluation.dialogues import Dialogue, Interjection, final_failures, play_dialogue

FIELDS = ["lead_name", "lead_email", "lead_consent", "lead_confirmed"]


class FakeForm:
    """A two-question form that takes "my email is X" as a correction at any point."""

    def __init__(self) -> None:
        self.slots: dict[str, Any] = {}
        self.active = False
        self.said: list[str] = []

    def say(self, sender: str, text: str) -> list[str]:
        self.said.append(text)
        if not self.active:
            self.active = True
            return ["What's your name?"]
        requested = self.requested()
        found = re.match(r"my email is (\S+)", text)
        if found:
            self.slots["lead_email"] = found.group(1)
            return [f"Updated your email to {found.group(1)}."]
        if requested == "lead_confirmed":
            self.active = False
            self.slots = {}
            return ["Done!"]
        self.slots[requested] = True if requested == "lead_consent" else text
        return ["next"]

    def requested(self) -> str | None:
        return next((f for f in FIELDS if self.slots.get(f) is None), None)

    def tracker(self, sender: str) -> dict[str, Any]:
        loop = {"name": "trip_form"} if self.active else {}
        return {"slots": {**self.slots, "requested_slot": self.requested()}, "active_loop": loop}


def dialogue(**overrides) -> Dialogue:
    fields = {
        "id": "d1",
        "opening": "put me in touch",
        "diver": {"lead_name": "Ana", "lead_email": "old@example.com"},
        "expect": {"lead_email": r"^new@example\.com$"},
        "expect_not": {"lead_email": "old@"},
    }
    return Dialogue(**{**fields, **overrides})


def test_the_diver_answers_each_question_and_interjects_once_when_scripted():
    form = FakeForm()
    interjection = Interjection("summary", "my email is new@example.com", (r"new@example\.com",))
    played = play_dialogue(form, dialogue(interjections=(interjection,)))
    assert played.failures == []
    assert form.said == [
        "put me in touch",
        "Ana",
        "old@example.com",
        "yes",  # consent
        "my email is new@example.com",
        "yes",  # the summary again, now confirmed
    ]


def test_a_replaced_value_left_in_the_summary_fails():
    played = play_dialogue(FakeForm(), dialogue())
    assert played.failures == [
        "lead_email: 'old@example.com' does not match '^new@example\\\\.com$'",
        "lead_email: 'old@example.com' matches the replaced 'old@'",
    ]


def test_a_reply_check_and_an_unsaid_interjection_are_reported():
    late = Interjection("group_size", "it's 4 of us")
    wrong = Interjection("lead_email", "my email is new@example.com", ("Thanks",), ("Updated",))
    played = play_dialogue(FakeForm(), dialogue(interjections=(wrong, late)))
    assert "after 'my email is new@example.com': reply_must Thanks" in played.failures
    assert "after 'my email is new@example.com': reply_must_not Updated" in played.failures
    assert 'interjection never said: "it\'s 4 of us"' in played.failures


def test_a_field_that_must_never_be_asked_fails_when_asked():
    assert final_failures(
        dialogue(expect={}, expect_not={}, never_asked=("lead_name",)), {}, ["lead_name"]
    ) == ["asked lead_name"]
    assert final_failures(dialogue(), None, []) == ["never reached the summary"]


def test_whole_numbers_are_compared_without_a_decimal_point():
    assert (
        final_failures(
            dialogue(expect={"dive_count": "^9$"}, expect_not={}), {"dive_count": 9.0}, []
        )
        == []
    )


def test_dates_match_as_stored_or_as_shown_and_a_replaced_value_fails_either_way():
    stored = {"preferred_dates": "2027-11-01/2027-11-15"}
    assert (
        final_failures(dialogue(expect={"preferred_dates": "nov"}, expect_not={}), stored, []) == []
    )
    assert final_failures(dialogue(expect={}, expect_not={"preferred_dates": "^2027"}), stored, [])
