"""Stopping and starting DovvyBuddy again keeps the conversations."""

import pytest

pytestmark = pytest.mark.e2e


def test_a_conversation_survives_a_restart_of_the_stack(stack, sender):
    stack.say(sender, "hello")

    assert stack.stop() == 0, stack.output()
    assert "Stopped." in stack.output()
    stack.start()

    tracker = stack.api(f"/conversations/{sender}/tracker").json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hello"]
    assert "welcome" in stack.say(sender, "thanks!")[0]
