"""Lookup tables and synonyms for covered places come from knowledge/."""

import yaml

from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.lookups import LOOKUP_FILE, lookups_yaml, place_names


def test_the_committed_lookup_file_matches_knowledge():
    assert LOOKUP_FILE.read_text() == lookups_yaml(load_documents()), (
        "run `make train` (or python -m dovvybuddy.knowledge.lookups) and commit the result"
    )


def test_every_covered_site_has_a_synonym_to_its_site_id():
    generated = yaml.safe_load(lookups_yaml(load_documents()))["nlu"]
    synonyms = {item["synonym"] for item in generated if "synonym" in item}
    site_ids = {d.meta["site_id"] for d in load_documents() if d.kind == "dive_site"}
    assert synonyms == site_ids


def test_names_come_from_the_title_with_alternatives_and_without_the_island_prefix():
    assert place_names("Pulau Kerengga (Kerengga Besar and Kerengga Kecil), Redang") == [
        "Pulau Kerengga",
        "Kerengga",
        "Kerengga Besar",
        "Kerengga Kecil",
    ]
    assert place_names("Temple of the Sea (Tokong Laut), Perhentian") == [
        "Temple of the Sea",
        "Tokong Laut",
    ]
    assert place_names("Pulau Soyak and the Soyak wrecks, Tioman") == [
        "Pulau Soyak",
        "Soyak",
        "Soyak wrecks",
    ]
