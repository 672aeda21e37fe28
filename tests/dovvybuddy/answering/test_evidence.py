"""Choosing the sentences that answer: the evidence of every answer."""

from dovvybuddy.answering.evidence import MAX_EVIDENCE_SENTENCES, select_evidence
from dovvybuddy.knowledge.passages import Sentence
from tests.conftest import make_passage

STOPS = (
    "A safety stop is a short pause near the end of a dive. It lets the body release "
    "some nitrogen before surfacing. Divers are taught to keep buoyancy steady while "
    "they hover. On recreational dives it typically lasts three minutes at about 5 m. "
    "Your computer may show a countdown."
)


def test_the_sentence_with_the_kind_of_fact_asked_for_is_chosen():
    passage = make_passage(STOPS, title="Safety stops and slow ascents", heading="Typical practice")
    evidence = select_evidence("how long is a safety stop and how deep", [passage], max_words=20)
    assert evidence.sentences[0] == (
        "On recreational dives it typically lasts three minutes at about 5 m."
    )
    assert "short pause" not in evidence.text


def test_sentences_are_quoted_whole_and_in_the_guides_order():
    evidence = select_evidence("how long is a safety stop", [make_passage(STOPS)], max_words=90)
    positions = [STOPS.index(sentence) for sentence in evidence.sentences]
    assert positions == sorted(positions)
    assert "three minutes" in evidence.text
    assert len(evidence.sentences) <= MAX_EVIDENCE_SENTENCES


def test_a_sentence_that_refers_back_brings_the_one_before_it():
    passage = make_passage(
        "Titan triggerfish guard nests in the sand. They charge divers who come close."
    )
    evidence = select_evidence("why do they charge at divers", [passage], max_words=20)
    assert evidence.sentences[0] == "Titan triggerfish guard nests in the sand."


SIGNS = (
    "Symptoms most often appear within an hour of surfacing. Warning signs include:\n\n"
    "- unusual tiredness, or pain in joints;\n"
    "- skin itching or a rash;\n"
    "- numbness, tingling or weakness in arms or legs;\n"
    "- dizziness or headache.\n\n"
    "Mild-seeming symptoms can come before serious ones."
)


def test_a_list_the_answer_quotes_from_is_quoted_whole():
    evidence = select_evidence("how soon do symptoms appear after surfacing", [make_passage(SIGNS)])
    assert "Warning signs include:" in evidence.sentences
    for item in ("pain in joints", "rash", "tingling", "dizziness"):
        assert item in evidence.text


def test_a_list_only_beside_the_answer_is_not_dragged_in():
    evidence = select_evidence(
        "how soon do symptoms appear after surfacing", [make_passage(SIGNS)], max_words=10
    )
    assert evidence.sentences == ("Symptoms most often appear within an hour of surfacing.",)


def test_stored_sentence_similarities_are_used_when_the_database_gave_them():
    passage = make_passage(
        "Masks fog. Fins push water.",
        sentences=(Sentence(0, "Masks fog.", 0.1), Sentence(1, "Fins push water.", 0.9)),
    )
    assert select_evidence("what moves me", [passage], max_words=3).sentences == (
        "Fins push water.",
    )


def test_a_passage_of_the_kind_the_question_needs_can_answer_however_it_ranks():
    course = make_passage(
        "The course takes three days of training.", similarity=0.55, kind="certification"
    )
    boats = make_passage(
        "The boat takes two hours to the island.",
        similarity=0.8,
        kind="logistics",
        title="Getting to Tioman",
    )
    evidence = select_evidence("how many days does the open water course take", [boats, course])
    assert evidence.passage is course


def test_the_destination_in_focus_wins_a_tie():
    tioman = make_passage("The water is warm all year.", title="Tioman", destination="tioman")
    redang = make_passage("The water is warm all year.", title="Redang", destination="redang")
    evidence = select_evidence("is the water warm", [redang, tioman], destination="tioman")
    assert evidence.passage is tioman


def test_the_unit_a_question_asks_for_still_counts():
    course = make_passage(
        "The open water dives add up to at least 80 minutes of training time. "
        "Most people complete the course in three to five days.",
        title="Open Water Diver",
        heading="Duration",
    )
    evidence = select_evidence("how many days does the course take", [course], max_words=12)
    assert evidence.sentences == ("Most people complete the course in three to five days.",)


def test_another_section_of_the_same_guide_can_finish_the_answer():
    summary = make_passage(
        "Pulau Lima at a glance: a boulder slope, intermediate, boat dive.",
        doc_path="destinations/redang/sites/pulau-lima.md",
        kind="dive_site",
        title="Pulau Lima, Redang",
        heading="Key facts",
        similarity=0.75,
    )
    conditions = make_passage(
        "Visibility changes with the season. The slope drops to about 30 m.",
        doc_path="destinations/redang/sites/pulau-lima.md",
        kind="dive_site",
        title="Pulau Lima, Redang",
        heading="Conditions",
        similarity=0.6,
    )
    evidence = select_evidence("pulau lima how deep does the slope go", [summary, conditions])
    assert "about 30 m" in evidence.text
    assert "boulder slope" in evidence.text


def test_a_section_of_another_guide_does_not_finish_the_answer():
    summary = make_passage(
        "Pulau Lima at a glance: a boulder slope, intermediate, boat dive.",
        doc_path="destinations/redang/sites/pulau-lima.md",
        title="Pulau Lima, Redang",
        similarity=0.75,
    )
    other = make_passage(
        "The slope at Chebeh drops to about 25 m.",
        doc_path="destinations/tioman/sites/chebeh.md",
        title="Chebeh, Tioman",
        similarity=0.5,
    )
    evidence = select_evidence("pulau lima how deep does the slope go", [summary, other])
    assert evidence.passage is summary
    assert "Chebeh" not in evidence.text


def test_a_word_matches_its_inflections_and_its_hyphenated_spelling():
    passage = make_passage(
        "Regulators need a yearly service. Store a regulator out of the sun. "
        "Lung over-expansion shows within minutes.",
        title="Gear care",
    )
    assert select_evidence("how should regulators be stored", [passage], max_words=8).sentences == (
        "Store a regulator out of the sun.",
    )
    assert select_evidence(
        "when does lung overexpansion show", [passage], max_words=6
    ).sentences == ("Lung over-expansion shows within minutes.",)


def test_the_destination_the_question_names_wins_a_tie():
    everywhere = make_passage(
        "There is no hospital on the islands.",
        title="Marine life injuries",
        doc_path="safety/marine-life-injuries.md",
    )
    perhentian = make_passage(
        "There is no hospital on the islands.",
        title="Perhentian overview",
        doc_path="destinations/perhentian/overview.md",
        destination="perhentian",
    )
    evidence = select_evidence("is there a hospital on perhentian", [everywhere, perhentian])
    assert evidence.passage is perhentian


def test_a_duration_said_without_a_number_answers_a_how_long_question():
    passage = make_passage(
        "Signs show as chest pain and coughing. Symptoms usually appear within minutes.",
        title="Lung injuries",
    )
    evidence = select_evidence("how quickly do lung injuries show up", [passage], max_words=6)
    assert evidence.sentences == ("Symptoms usually appear within minutes.",)


def test_a_question_about_critters_is_answered_with_the_animals():
    passage = make_passage(
        "Paradise 1 is a house reef off a resort jetty. "
        "Divers report frogfish, seahorses and ghost pipefish on the sand.",
        title="Paradise 1, Mabul",
        kind="dive_site",
    )
    evidence = select_evidence("paradise 1 what critters can you find", [passage], max_words=10)
    assert evidence.sentences == (
        "Divers report frogfish, seahorses and ghost pipefish on the sand.",
    )


def test_a_word_that_asks_how_much_still_names_a_subject_elsewhere():
    passage = make_passage(
        "The night course teaches navigation. The deep course teaches managing narcosis.",
        title="Specialties",
    )
    evidence = select_evidence("what does the deep course teach", [passage], max_words=6)
    assert evidence.sentences == ("The deep course teaches managing narcosis.",)


def test_a_short_word_in_ed_meets_its_plain_form():
    passage = make_passage(
        "Divemaster swims are much harder. There is no time limit for this one.",
        title="The swim test",
    )
    evidence = select_evidence("is the swim test timed", [passage], max_words=9)
    assert evidence.sentences == ("There is no time limit for this one.",)


def test_a_sentence_with_a_number_the_question_names_is_preferred():
    passage = make_passage(
        "SSI teaches the full nitrox card. A second SSI card stops at 32 percent.",
        title="Enriched air",
    )
    evidence = select_evidence("what is the ssi 32 card", [passage], max_words=7)
    assert evidence.sentences == ("A second SSI card stops at 32 percent.",)
