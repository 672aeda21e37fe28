"""The answerability check: does the knowledge base answer the question at all?"""

import pytest

from dovvybuddy.knowledge.answerability import (
    Evidence,
    KnowledgeVocabulary,
    assess,
    common_english_words,
    content_words,
    stem,
)

SITE = (
    "Barracuda Point, Sipadan. Strong currents and down currents sweep the wall; "
    "schools of barracuda and jacks. Suits advanced open water divers."
)
SEASON = "Pulau Tioman: diving season and monsoon. The best months are March to October."
FEARS = "Claustrophobia and feeling closed in. Swim-throughs and caves can feel tight."
COMMON = frozenset({"nervous", "can", "dive", "season", "august", "december"})


@pytest.fixture
def vocabulary() -> KnowledgeVocabulary:
    return KnowledgeVocabulary([SITE, SEASON, FEARS, "The difference between the two courses."])


def stems(text: str) -> list[str]:
    return [word_stem for _, word_stem in content_words(text)]


def test_stop_words_chat_filler_and_measurements_carry_no_meaning():
    assert stems("lol is it ok for me to go to 30m, whats the max?") == ["maximum"]


def test_the_words_that_frame_a_question_are_not_what_it_asks_about():
    assert stems("what does barotrauma mean") == ["barotrauma"]
    assert stems("bwraf, what do the letters stand for") == ["bwraf"]


def test_diver_shorthand_is_spelled_out():
    assert stems("AOW or DM") == ["advanc", "open", "water", "divemaster"]


def test_everyday_words_for_being_afraid_become_the_guides_words():
    assert stems("so scared, and worried") == ["fear", "worry"]


def test_plurals_and_verb_endings_are_stripped():
    assert [stem(w) for w in ("sharks", "skipped", "currents", "batteries")] == [
        "shark",
        "skip",
        "current",
        "battery",
    ]


def test_a_word_the_knowledge_base_uses_resolves_to_itself(vocabulary):
    assert vocabulary.resolve(stem("barracuda")) == ("barracuda",)


def test_a_long_word_one_typo_away_resolves_to_the_knowledge_word(vocabulary):
    assert vocabulary.resolve(stem("diffrence")) == ("difference",)


def test_a_long_word_sharing_all_but_its_ending_resolves(vocabulary):
    assert vocabulary.resolve(stem("claustrophobic")) == ("claustrophobia",)


def test_a_word_made_of_two_knowledge_words_resolves_to_both(vocabulary):
    assert vocabulary.resolve(stem("swimthroughs")) == ("swim", "through")


def test_short_names_get_no_typo_tolerance(vocabulary):
    # "Payar" must not pass for "Paya" (or any other five-letter word).
    assert KnowledgeVocabulary(["Paya beach"]).resolve(stem("payar")) == ()
    assert vocabulary.resolve(stem("komodo")) == ()


def test_a_name_neither_the_knowledge_base_nor_english_knows_makes_a_question_unanswerable(
    vocabulary,
):
    evidence = assess("can i dive komodo in august", 0.9, [SEASON], vocabulary, COMMON)
    assert evidence.unfamiliar_words == ("komodo",)
    assert not evidence.answerable


def test_a_common_english_word_missing_from_the_knowledge_base_is_not_an_unfamiliar_name(
    vocabulary,
):
    evidence = assess("nervous of barracuda point currents", 0.7, [SITE], vocabulary, COMMON)
    assert evidence.unfamiliar_words == ()
    assert evidence.answerable


def test_a_rare_uncovered_word_weighs_more_than_common_covered_ones(vocabulary):
    evidence = assess("best season to dive in december", 0.6, [SEASON], vocabulary, COMMON)
    assert evidence.unfamiliar_words == ()
    assert evidence.coverage < 0.5


def test_a_similar_passage_that_covers_the_question_is_answerable(vocabulary):
    evidence = assess("barracuda point down currents", 0.6, [SITE, SEASON], vocabulary, COMMON)
    assert evidence.coverage == 1.0
    assert evidence.answerable


def test_only_the_best_passages_count_as_evidence(vocabulary):
    filler = ["Nothing about the question here."] * 5
    evidence = assess("barracuda point down currents", 0.6, [*filler, SITE], vocabulary, COMMON)
    assert evidence.coverage == 0.0


def test_a_question_of_stop_words_only_is_not_answerable(vocabulary):
    evidence = assess("the and of it", 0.9, [SITE], vocabulary, COMMON)
    assert evidence.coverage == 0.0
    assert not evidence.answerable


@pytest.mark.parametrize(
    ("similarity", "sentence_similarity", "coverage", "answerable"),
    [
        (0.7, 0.7, 1.0, True),
        (0.4, 0.5, 1.0, True),
        (0.5, 0.5, 0.1, False),
        (0.2, 0.3, 0.4, False),
    ],
)
def test_similarity_and_coverage_together_decide(
    similarity, sentence_similarity, coverage, answerable
):
    evidence = Evidence(similarity, coverage, (), sentence_similarity=sentence_similarity)
    assert evidence.answerable is answerable


def test_an_unfamiliar_word_weighs_against_a_question_without_refusing_it():
    strong = Evidence(0.7, 0.9, (), sentence_similarity=0.7)
    with_slang = Evidence(0.7, 0.9, ("yoyo",), sentence_similarity=0.7)
    assert with_slang.probability < strong.probability
    assert with_slang.answerable


def test_common_english_words_come_from_the_embedding_model_vocabulary():
    words = common_english_words()
    assert {"december", "afraid", "visa"} <= words
    assert not {"komodo", "tubbataha", "scubapro"} & words


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("can I dive in Raja Ampat in March?", "Raja Ampat"),
        ("is koh tao good for beginners", "Koh Tao"),
    ],
)
def test_a_question_about_an_uncovered_dive_destination_is_not_answerable(
    vocabulary, question, place
):
    evidence = assess(question, 0.9, [SEASON], vocabulary, COMMON)
    assert evidence.uncovered_place == place
    assert not evidence.answerable


def test_a_country_named_in_passing_does_not_make_a_question_unanswerable(vocabulary):
    evidence = assess("is my PADI card valid in Australia?", 0.9, [SITE], vocabulary, COMMON)
    assert evidence.uncovered_place is None
