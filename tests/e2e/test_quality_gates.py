"""Quality gates on the running stack: the NLU on its held-out test set and the
safety layer on its held-out set, each read once through Rasa's /model/parse
(the trained model, safety layer included). Floors and margins:
tests/quality_gates.py.
"""

import pytest

from dovvybuddy.evaluation.nlu import load_test_examples, macro_f1, scored_intent
from dovvybuddy.evaluation.safety import classify_held_out, held_out_metrics, load_held_out
from tests import quality_gates as gates

pytestmark = pytest.mark.e2e


def parse(stack, text: str) -> dict:
    reply = stack.session.post(
        f"{stack.rasa_url}/model/parse",
        params={"token": stack.token},
        json={"text": text},
        timeout=30,
    )
    reply.raise_for_status()
    return reply.json()


def test_gate_nlu_macro_f1_on_the_held_out_test_set(stack):
    examples = load_test_examples()
    gold = [intent for _, intent in examples]
    parses = [parse(stack, text) for text, _ in examples]
    predicted = [scored_intent(result) for result in parses]
    score = macro_f1(gold, predicted)
    # What the diver gets: a fallback stays a fallback (reported, not gated).
    with_fallback = macro_f1(gold, [result["intent"]["name"] for result in parses])
    print(f"\nNLU held-out macro-F1 {score:.4f} (with the fallback kept {with_fallback:.4f})")
    misses = [(t, g, p) for (t, g), p in zip(examples, predicted, strict=True) if g != p]
    assert score >= gates.NLU_MACRO_F1_FLOOR, misses


@pytest.fixture(scope="module")
def safety(stack):
    held_out = load_held_out()
    scores = held_out_metrics(held_out, classify_held_out(stack, held_out))
    print(
        f"\nSafety held-out: emergency recall {scores['emergency_recall']:.4f}, "
        f"false alarms {scores['false_alarms']}/{scores['not_emergencies']}"
    )
    return scores


def test_gate_every_held_out_emergency_is_recognised(safety):
    assert safety["emergency_recall"] >= gates.SAFETY_EMERGENCY_RECALL_FLOOR, safety[
        "missed_emergencies"
    ]


def test_gate_held_out_questions_and_ordinary_messages_rarely_raise_an_alarm(safety):
    assert safety["false_alarm_rate"] <= gates.SAFETY_FALSE_ALARM_CEILING, safety[
        "false_alarm_messages"
    ]
