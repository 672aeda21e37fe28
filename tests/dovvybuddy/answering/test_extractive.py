"""The offline answer: the evidence sentences, cited."""

from dovvybuddy.answering.evidence import Evidence
from dovvybuddy.answering.extractive import cite, extractive_answer
from tests.conftest import make_passage


def test_sources_are_distinct_titles_best_first():
    passages = [
        make_passage("a", title="B"),
        make_passage("b", title="A"),
        make_passage("c", title="B"),
    ]
    assert cite(passages) == "Sources: B; A"
    assert cite(passages[:1]) == "Source: B"


def test_the_answer_quotes_the_evidence_and_cites_its_guide():
    passage = make_passage("The course takes three days. Bring a towel.")
    answer = extractive_answer(Evidence(passage, ("The course takes three days.",)))
    assert answer == "The course takes three days.\nSource: Open Water Diver"
