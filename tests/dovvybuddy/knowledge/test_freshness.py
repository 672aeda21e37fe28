"""Time-varying facts are flagged once they go unverified for 18 months."""

from datetime import date

from dovvybuddy.knowledge.documents import Document, load_documents
from dovvybuddy.knowledge.freshness import MAX_AGE_MONTHS, StaleFact, stale_facts

TODAY = date(2026, 12, 7)


def overview(**meta) -> Document:
    return Document("destinations/tioman/overview.md", {"kind": "destination", **meta}, "")


def chamber(verified: str) -> dict:
    return {"name": "Kuantan naval base chamber", "verified": verified}


def test_a_fact_verified_18_months_ago_is_still_fresh():
    assert MAX_AGE_MONTHS == 18
    assert stale_facts([overview(chambers=[chamber("2025-06")])], TODAY) == []


def test_a_fact_verified_19_months_ago_is_stale():
    facts = stale_facts([overview(chambers=[chamber("2025-05")])], TODAY)
    assert facts == [StaleFact("destinations/tioman/overview.md", "chambers[0]", "2025-05", 19)]


def test_stale_facts_are_found_in_every_field_oldest_first():
    document = overview(
        chambers=[chamber("2026-11"), chamber("2023-01")],
        dated_facts=[{"topic": "fees", "verified": "2020-02"}],
    )
    assert [f.field for f in stale_facts([document], TODAY)] == ["dated_facts[0]", "chambers[1]"]


def test_a_stale_fact_says_where_it_is_and_what_to_do():
    fact = StaleFact("destinations/sipadan/overview.md", "closures[0]", "2024-01", 35)
    assert str(fact) == (
        "destinations/sipadan/overview.md: closures[0] was last verified 2024-01, "
        "35 months ago: check it against its source"
    )


def test_every_dated_fact_in_the_knowledge_base_was_verified_since_november_2026():
    # 2026-11 plus 18 months: no fact may be older than the review of December 2026.
    assert stale_facts(load_documents(), date(2028, 5, 1)) == []
