"""The story tests read the diver's words: every flow has a story in user text, written fresh.

`make story-test` runs `rasa test core --e2e`, so each `user:` line is
classified by the trained NLU before the dialogue policy is checked.
"""

import re

import yaml

from dovvybuddy.common.settings import PROJECT_ROOT
from tests.dovvybuddy.evaluation.test_behaviour_eval_data import training_examples

STORY_FILES = sorted((PROJECT_ROOT / "tests" / "stories").glob("*.yml"))
_ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def user_steps() -> list[dict]:
    steps = []
    for path in STORY_FILES:
        for story in yaml.safe_load(path.read_text())["stories"]:
            steps.extend(step for step in story["steps"] if "intent" in step or "user" in step)
    return steps


def plain(text: str) -> str:
    return " ".join(_ANNOTATION.sub(r"\1", text).lower().split())


def test_every_user_turn_of_every_story_has_text_for_the_nlu():
    steps = user_steps()
    assert len(steps) >= 60
    assert [step for step in steps if not str(step.get("user", "")).strip()] == []


def test_every_intent_of_the_domain_is_reached_from_user_text_in_some_story():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    reached = {step["intent"] for step in user_steps() if step.get("user")}
    assert set(domain["intents"]) | {"nlu_fallback"} <= reached


def test_no_story_message_of_three_words_or_more_is_a_copy_of_a_training_example():
    # "no" or "good evening" cannot help matching a training example.
    examples = {plain(example) for example in training_examples()}
    messages = [plain(step["user"]) for step in user_steps()]
    copies = [text for text in messages if len(text.split()) >= 3 and text in examples]
    assert copies == []


def test_the_story_tests_run_end_to_end():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    story_test = makefile.split("\nstory-test:", 1)[1].split("\n\n", 1)[0]
    assert "--e2e" in story_test
    assert "--fail-on-prediction-errors" in story_test
