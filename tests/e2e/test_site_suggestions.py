"""Site suggestions over the REST channel: sites first, then the ones that fit the diver."""

import pytest

pytestmark = pytest.mark.e2e


def test_an_advanced_divers_profile_makes_advanced_sites_fit(stack, sender):
    stack.say(sender, "I'm advanced open water, 50 dives")
    reply = "\n".join(stack.say(sender, "suggest sites in Sipadan"))
    assert reply.startswith("For your level (Advanced Open Water)")
    assert "- Barracuda Point (the Sipadan area): 5-30 m" in reply
    assert "above your level" not in reply


def test_the_best_sites_of_a_destination_are_listed_before_any_question(stack, sender):
    reply = "\n".join(stack.say(sender, "Which dive sites in Redang are the best?"))
    assert reply.startswith("Here are the dive sites I cover in Redang, by level:")
    assert "- Big Mount (Redang): 20-30 m" in reply
    assert "Tell me your certification level" in reply


def test_a_level_named_in_the_request_is_used_without_asking(stack, sender):
    reply = "\n".join(stack.say(sender, "which Tioman sites suit an open water diver?"))
    assert reply.startswith("For your level (Open Water)")
    tracker = stack.api(f"/conversations/{sender}/tracker").json()
    assert tracker["slots"]["certification_level"] is None


def test_a_level_asked_about_does_not_change_the_divers_profile(stack, sender):
    stack.say(sender, "I'm open water with about 10 dives")
    stack.say(sender, "what can advanced divers do that open water divers can't?")
    tracker = stack.api(f"/conversations/{sender}/tracker").json()
    assert tracker["slots"]["certification_level"] == "open_water"
