"""Answers that cite a restricted site or name a closed month carry the warning."""

from dovvybuddy.answering.fact_notes import (
    closure_notes,
    known_closures,
    restriction_notes,
    with_fact_notes,
)
from dovvybuddy.knowledge.passages import Passage


def passage(kind="destination", title="Sipadan overview", destination="sipadan", **meta):
    return Passage(
        doc_path="destinations/sipadan/overview.md",
        kind=kind,
        title=title,
        heading="",
        destination=destination,
        metadata=meta,
        content="",
        similarity=0.8,
        score=0.8,
    )


CAVERN = passage(
    "dive_site",
    "Turtle Cavern and Turtle Tomb, Sipadan",
    restricted_to="cave",
    restriction_note="the cavern itself is for certified cavern or cave divers",
)


def test_an_answer_citing_a_restricted_site_carries_its_restriction():
    answer = "Turtle skeletons lie inside.\nSource: Turtle Cavern and Turtle Tomb, Sipadan"
    assert restriction_notes(answer, [CAVERN]) == [
        "Safety note: Turtle Cavern and Turtle Tomb: the cavern itself is for certified "
        "cavern or cave divers."
    ]


def test_an_answer_not_citing_the_restricted_site_has_no_note():
    assert restriction_notes("Walls and turtles.\nSource: Drop-Off, Sipadan", [CAVERN]) == []


def test_a_question_about_sipadan_in_november_mentions_the_closure():
    notes = closure_notes("can we dive sipadan in nov?", [], "sipadan", known_closures())
    assert len(notes) == 1
    assert "closed Sipadan island to all diving for the whole of November 2023" in notes[0]
    assert "Check with your operator" in notes[0]


def test_the_destination_comes_from_the_passages_when_the_conversation_has_none():
    notes = closure_notes("is it open in December?", [passage()], None, known_closures())
    assert len(notes) == 1
    assert "every December" in notes[0]


def test_months_without_a_closure_add_nothing():
    assert closure_notes("sipadan in june?", [passage()], "sipadan", known_closures()) == []
    assert closure_notes("tioman in november?", [], "tioman", known_closures()) == []


def test_the_notes_follow_the_answer():
    answer = "Sipadan has walls.\nSource: Sipadan overview"
    text = with_fact_notes(answer, "Sipadan in November", [passage()], "sipadan")
    assert text.startswith(answer + "\nClosures: ")
