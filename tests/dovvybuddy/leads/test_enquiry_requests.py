"""A message that asks for a dive centre to get in touch, read without the NLU."""

import pytest

from dovvybuddy.leads.enquiry_requests import TRAINING_FORM, TRIP_FORM, requested_enquiry


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("could somebody from a dive shop ring me back", TRIP_FORM),
        ("pls get me in touch w someone who runs boat dives", TRIP_FORM),
        ("hook us up with a local operator for some fun dives", TRIP_FORM),
        ("we need a reliable dive operator for our company outing", TRIP_FORM),
        ("can u sort out a diving weekend for me and my brother", TRIP_FORM),
        ("i'd love to reserve two days of diving", TRIP_FORM),
        # A level the diver holds is not a course wanted.
        ("I'm AOW with 50 logged, who should I contact to dive Redang", TRIP_FORM),
        ("get back to me about the rescue course when you can", TRAINING_FORM),
        ("my daughter wants lessons, who should we contact", TRAINING_FORM),
        ("sign me up for discover scuba", TRAINING_FORM),
        ("looking for a dive school near Kuala Lumpur", TRAINING_FORM),
        ("we'd really like to get certified over the summer", TRAINING_FORM),
        ("I'm keen to take the rescue course in Redang", TRAINING_FORM),
        ("can you help me find dive operator for fun dives lah", TRIP_FORM),
        ("pls help us get a dive instructor for our open water", TRAINING_FORM),
    ],
)
def test_a_request_for_contact_or_a_booking_asks_for_an_enquiry(text, form):
    assert requested_enquiry(text) == form


@pytest.mark.parametrize(
    "text",
    [
        "how do I book the Sipadan permit?",
        "what should I pack for a dive trip",
        "tell me about the manta season",
        "is the open water course hard?",
        "i want to learn to dive, how long does it take?",
        "we love diving Redang",
        "call the coast guard, my buddy is missing",
        "",
    ],
)
def test_questions_and_other_messages_ask_for_none(text):
    assert requested_enquiry(text) is None
