"""Places over the REST channel: an uncovered place is refused, an origin city is not."""

import pytest

pytestmark = pytest.mark.e2e

COVERED = ("Tioman", "Perhentian", "Redang", "Sipadan")


def test_site_suggestions_for_an_uncovered_place_are_refused_with_the_covered_list(stack, sender):
    reply = "\n".join(stack.say(sender, "best dive sites in Palau"))
    assert "I don't cover Palau yet" in reply
    assert all(name in reply for name in COVERED)


def test_a_transport_question_from_an_origin_city_is_answered(stack, sender):
    reply = "\n".join(stack.say(sender, "how do I get from Kota Kinabalu to Sipadan"))
    assert "I don't cover" not in reply
    assert "Tawau" in reply
    assert "Source:" in reply
