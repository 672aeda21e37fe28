"""The offline answer: relevant whole sentences from the best passage, cited."""

from actions.extractive_answer import best_excerpt, cite, extractive_answer, sentences
from tests.conftest import make_passage

PASSAGE = (
    "The Open Water course has three parts. Knowledge development covers the theory. "
    "Confined water dives happen in a pool. The whole course typically takes three to "
    "four days. Confirm the schedule with your instructor."
)


def test_the_sentence_that_answers_the_question_is_chosen():
    excerpt = best_excerpt("how many days does the course take", PASSAGE, max_words=12)
    assert excerpt == "The whole course typically takes three to four days."


def test_neighbouring_sentences_are_added_in_order_within_the_word_budget():
    excerpt = best_excerpt("how many days does the course take", PASSAGE, max_words=24)
    assert excerpt == (
        "Confined water dives happen in a pool. The whole course typically takes three to "
        "four days. Confirm the schedule with your instructor."
    )
    assert len(excerpt.split()) <= 24


def test_excerpts_are_whole_sentences():
    excerpt = best_excerpt("pool", PASSAGE, max_words=12)
    assert excerpt.endswith(".")
    assert excerpt in PASSAGE


def test_list_items_count_as_sentences():
    assert sentences("Pack:\n- a mask\n- fins") == ["Pack:", "a mask", "fins"]


def test_sources_are_distinct_titles_best_first():
    passages = [
        make_passage("a", title="B"),
        make_passage("b", title="A"),
        make_passage("c", title="B"),
    ]
    assert cite(passages) == "Sources: B; A"
    assert cite(passages[:1]) == "Source: B"


def test_extractive_answer_cites_the_passage_it_quotes():
    answer = extractive_answer("how long is the course", [make_passage(PASSAGE)])
    assert "three to four days" in answer
    assert answer.endswith("\nSource: Open Water Diver")
