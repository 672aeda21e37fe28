"""A destination entity inside a name the diver gives is dropped; places elsewhere stay."""

import pytest

from nlu.name_phrases import in_name_phrase, without_places_in_names


def destination(text: str, word: str) -> dict:
    start = text.index(word)
    return {
        "entity": "destination",
        "value": word.lower(),
        "start": start,
        "end": start + len(word),
    }


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("change my name to Wan Azlan", "Azlan"),
        ("my name is Jordan Whitaker", "Jordan"),
        ("the name should read Nik Semporna", "Semporna"),
    ],
)
def test_a_place_like_word_in_a_name_is_not_a_destination(text, word):
    entities = [destination(text, word), {"entity": "email", "value": "a@b.co", "start": 0}]
    assert [e["entity"] for e in without_places_in_names(text, entities)] == ["email"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("my name is Ana and I want to dive in Tioman", "Tioman"),
        ("I'm Ana. Is Redang good in June?", "Redang"),
        ("name: Ana, destination Sipadan", "Sipadan"),
        ("what is the best month for Tioman", "Tioman"),
    ],
)
def test_a_destination_outside_a_name_stays(text, word):
    assert not in_name_phrase(text, text.index(word))
    assert without_places_in_names(text, [destination(text, word)]) == [destination(text, word)]
