"""The NLU benchmark's held-out test set and its macro-F1."""

import pytest

from dovvybuddy.evaluation.nlu import load_test_examples, macro_f1, scored_intent
from tests.dovvybuddy.evaluation.test_behaviour_eval_data import near_copies


def test_the_test_set_loads_as_plain_text_with_its_intent():
    examples = load_test_examples()
    assert len(examples) >= 300
    assert all("[" not in text and "{" not in text for text, _ in examples)
    assert ("what comes after AOW", "ask_certification") in examples


def test_macro_f1_is_perfect_only_when_every_prediction_is_right():
    assert macro_f1(["greet", "thanks"], ["greet", "thanks"]) == 1.0
    assert macro_f1(["greet", "thanks"], ["greet", "greet"]) < 1.0


def test_macro_f1_averages_over_labels_not_examples():
    gold = ["a", "a", "a", "b"]
    predicted = ["a", "a", "a", "a"]
    # a: precision 3/4, recall 1 -> F1 6/7; b: never predicted -> 0.
    assert macro_f1(gold, predicted) == pytest.approx((6 / 7 + 0) / 2)


def test_a_label_only_predicted_is_not_averaged_as_in_rasas_report():
    # Rasa scores the labels of the test set only: "b" missed -> recall 0, F1 0;
    # "a" perfect -> 1; nlu_fallback is not a third class.
    assert macro_f1(["a", "b"], ["a", "nlu_fallback"]) == pytest.approx(1 / 2)


def test_a_stray_prediction_lowers_the_precision_of_the_label_it_names():
    gold = ["a", "a", "b", "b"]
    predicted = ["a", "b", "b", "non_english"]
    # a: P 1, R 1/2 -> 2/3; b: P 1/2, R 1/2 -> 1/2.
    assert macro_f1(gold, predicted) == pytest.approx((2 / 3 + 1 / 2) / 2)


def test_a_fallback_is_scored_as_the_classifiers_best_guess_as_rasa_test_nlu_does():
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "ask_dive_site", "confidence": 0.41},
        ],
    }
    assert scored_intent(parse) == "ask_dive_site"
    assert scored_intent({"intent": {"name": "greet"}, "intent_ranking": []}) == "greet"


def test_no_test_message_of_three_words_or_more_is_a_near_copy_of_a_training_example():
    # Greetings and one-word answers ("hi hi", "adios") are allowed to match:
    # there are only so many ways to say them.
    texts = [text for text, _ in load_test_examples() if len(text.split()) >= 3]
    assert near_copies(texts) == []
