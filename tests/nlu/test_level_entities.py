"""The entities a message keeps: one level per mention, never an entity inside a longer one."""

from nlu.level_entities import resolve_entities


def entity(kind, text, whole, value=None):
    start = whole.index(text)
    return {"entity": kind, "start": start, "end": start + len(text), "value": value or text}


def test_a_level_split_in_two_becomes_the_longer_level():
    text = "I'm advanced open water, 50 dives"
    diet = [
        entity("certification_level", "advanced", text, "advanced_open_water"),
        entity("certification_level", "open water", text, "open_water"),
        entity("dive_count", "50", text),
    ]
    resolved = resolve_entities(text, diet)
    assert [(e["entity"], e["value"]) for e in resolved] == [
        ("certification_level", "advanced_open_water"),
        ("dive_count", "50"),
    ]


def test_a_level_the_classifier_missed_is_added():
    resolved = resolve_entities("BSAC sports diver here", [])
    assert [e["value"] for e in resolved] == ["advanced_open_water"]


def test_a_negated_level_is_dropped_even_when_the_classifier_tagged_it():
    text = "open water, not advanced yet"
    diet = [entity("certification_level", "advanced", text, "advanced_open_water")]
    assert [e["value"] for e in resolve_entities(text, diet)] == ["open_water"]


def test_an_entity_inside_a_longer_one_of_its_type_is_dropped():
    text = "is Paku Besar nice"
    lookups = [entity("dive_site", "Paku", text), entity("dive_site", "Paku Besar", text)]
    assert [e["value"] for e in resolve_entities(text, lookups)] == ["Paku Besar"]


def test_entities_of_other_types_are_kept_as_they_are():
    text = "Tioman with PADI"
    found = [entity("destination", "Tioman", text, "tioman"), entity("agency", "PADI", text)]
    assert resolve_entities(text, found) == found


def test_a_level_entity_whose_value_is_no_level_is_dropped():
    text = "Discover Scuba only, 2 yrs ago"
    diet = [entity("certification_level", "2", text)]
    assert [e["value"] for e in resolve_entities(text, diet)] == ["discover_scuba"]
