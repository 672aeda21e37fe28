"""The NLU review export: what is exported, how it is written, and that it is exported once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest
import yaml
from psycopg.rows import dict_row

from dovvybuddy.analytics import review
from dovvybuddy.analytics.review import (
    TODO_INTENT,
    ReviewItem,
    domain_intents,
    example_text,
    export,
    jaccard,
    render_nlu_yaml,
    was_rephrased,
)
from dovvybuddy.analytics.tracker_queries import Period
from dovvybuddy.common.redaction import Redactor
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from tests.dovvybuddy.lead_rows import insert_lead
from tests.dovvybuddy.tracker_rows import Conversation, at, store

DAY_1, DAY_2, DAY_3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
EARS = "how do i equalise my ears??"
WHALE_SHARKS = "which island has whale sharks"
DISCOUNT = "this is [name], [email], any discount for couples?"
CALL_ME = "call me on [phone]"
GIBBERISH = "zzzz"
MANTAS = "what about manta rays at Redang"


def seed_messages(database_url: str) -> None:
    """Messages to review (and messages not to) in eight conversations."""
    conversations = [
        # Not understood, then said again at once: fallback, low confidence, rephrased.
        Conversation("web-r1", "rest", at(DAY_1, 10))
        .fallback(EARS, ("ask_diving_question", 0.45), ("express_fear", 0.2), ("chitchat", 0.1))
        .reply("action_answer_question", "utter_did_not_understand", "utter_capabilities")
        .wait(15)
        .say("how do I equalize my ears", "ask_diving_question", 0.93)
        .reply("action_answer_question", text="Equalise early and often."),
        # The same words from another diver: one example, seen twice.
        Conversation("web-r2", "rest", at(DAY_1, 11))
        .fallback("How do I equalise my ears?", ("ask_diving_question", 0.5), ("greet", 0.05))
        .reply("action_answer_question", "utter_did_not_understand", "utter_capabilities"),
        # Understood, but asked again in similar words 20 s later: rephrased.
        Conversation("731000011", "telegram", at(DAY_2, 9))
        .say(
            WHALE_SHARKS,
            "ask_destination",
            0.91,
            [("ask_destination", 0.91), ("ask_dive_site", 0.05)],
        )
        .reply("action_answer_question", text="Sipadan has whale sharks at times.")
        .wait(20)
        .say("which island has the whale sharks please", "ask_destination", 0.95)
        .reply("action_answer_question", text="Sipadan."),
        # Confident enough for the default threshold, not for 0.8.
        Conversation("web-r4", "rest", at(DAY_2, 10))
        .say(MANTAS, "ask_dive_site", 0.7, [("ask_dive_site", 0.7), ("ask_destination", 0.2)])
        .reply("action_answer_question", text="Mantas visit Redang."),
        # Similar words ten minutes later: a new question, not a rephrasing.
        Conversation("web-r5", "rest", at(DAY_2, 11))
        .say("what is a dive computer", "ask_diving_question", 0.96)
        .reply("action_answer_question", text="It tracks depth and time.")
        .wait(600)
        .say("what is a dive computer used for", "ask_diving_question", 0.97)
        .reply("action_answer_question", text="Planning no-stop time."),
        # A name typed into a lead form is an answer, never a training example.
        Conversation("731000016", "telegram", at(DAY_2, 12))
        .start_form("training_form", "i want to learn diving", "request_training_lead")
        .answer("training_form", "lead_name", "Jane Doe", "Jane Doe", "lead_email"),
        # Personal data in messages outside forms is redacted.
        Conversation("web-r7", "rest", at(DAY_3, 9))
        .fallback(
            "this is Jane Doe, jane.doe@example.com, any discount for couples?",
            ("request_trip_lead", 0.4),
            ("chitchat", 0.3),
            ("greet", 0.2),
            ("affirm", 0.1),
        )
        .reply("action_answer_question", "utter_did_not_understand", "utter_capabilities")
        .fallback("call me on +60 12-345 6789", ("inform_profile", 0.5), ("affirm", 0.2))
        .reply("action_answer_question", "utter_did_not_understand", "utter_capabilities"),
        # Commands are not language; an intent the domain no longer has is no suggestion.
        Conversation("web-r8", "rest", at(DAY_3, 10))
        .restart()
        .fallback(GIBBERISH, ("faq", 0.3))
        .reply("action_answer_question", text="Here is what I can do."),
    ]
    store(database_url, *conversations)


@pytest.fixture
def seeded(tracker_store):
    seed_messages(tracker_store)
    insert_lead(tracker_store, name="Jane Doe", email="jane.doe@example.com")
    return tracker_store


@pytest.fixture
def connection(seeded):
    with psycopg.connect(seeded, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def examples(path: Path) -> dict[str, list[str]]:
    """The file's examples by intent, as YAML reads them."""
    data = yaml.safe_load(path.read_text())
    assert data["version"] == "3.1"
    return {entry["intent"]: [e["text"] for e in entry["examples"]] for entry in data["nlu"]}


def texts(path: Path) -> list[str]:
    """Every example of the file, whatever its intent, sorted."""
    return sorted(text for intent_texts in examples(path).values() for text in intent_texts)


def run_export(connection, tmp_path, threshold=0.6, **options):
    return export(
        connection, tmp_path / "review", Period(**options.pop("period", {})), threshold, **options
    )


def test_exports_fallbacks_low_confidence_and_rephrasings_once_each(connection, tmp_path):
    path = run_export(connection, tmp_path)

    assert path is not None and path.parent == tmp_path / "review"
    assert path.name.startswith("review-") and path.suffix == ".yml"
    assert examples(path) == {
        "ask_destination": [WHALE_SHARKS],
        "ask_diving_question": [EARS],
        "inform_profile": [CALL_ME],
        "request_trip_lead": [DISCOUNT],
        TODO_INTENT: [GIBBERISH],
    }


def test_each_example_has_the_models_top_three_suggestions_above_it(connection, tmp_path):
    lines = run_export(connection, tmp_path).read_text().splitlines()

    def comment_above(text):
        return lines[lines.index(f"    - text: {json.dumps(text)}") - 1]

    assert comment_above(EARS) == (
        "    # low_confidence, nlu_fallback, rephrased; seen 2x;"
        " suggestions: ask_diving_question 0.45, express_fear 0.20, chitchat 0.10"
    )
    assert comment_above(WHALE_SHARKS) == (
        "    # rephrased; seen 1x; suggestions: ask_destination 0.91, ask_dive_site 0.05"
    )
    assert comment_above(DISCOUNT).endswith(
        "suggestions: request_trip_lead 0.40, chitchat 0.30, greet 0.20"
    )
    assert comment_above(GIBBERISH).endswith("suggestions: faq 0.30")


def test_a_second_run_exports_nothing_new(connection, tmp_path):
    first = run_export(connection, tmp_path)

    assert run_export(connection, tmp_path) is None
    rows = connection.execute("SELECT event_id, file FROM review_exports").fetchall()
    assert len(rows) == 5 and {row["file"] for row in rows} == {str(first)}


def test_all_exports_everything_again(connection, tmp_path):
    first = run_export(connection, tmp_path)

    again = run_export(connection, tmp_path, everything=True)

    assert again != first and examples(again) == examples(first)


def test_a_higher_threshold_adds_only_the_uncertain_messages_not_yet_exported(connection, tmp_path):
    run_export(connection, tmp_path)

    stricter = run_export(connection, tmp_path, threshold=0.8)

    assert examples(stricter) == {"ask_dive_site": [MANTAS]}


def test_limit_exports_the_most_frequent_first_and_leaves_the_rest_for_later(connection, tmp_path):
    first = run_export(connection, tmp_path, limit=2)
    rest = run_export(connection, tmp_path)

    assert examples(first) == {"ask_destination": [WHALE_SHARKS], "ask_diving_question": [EARS]}
    assert texts(rest) == sorted([CALL_ME, DISCOUNT, GIBBERISH])


def test_since_leaves_out_earlier_days(connection, tmp_path):
    path = run_export(connection, tmp_path, period={"since": DAY_3})

    assert texts(path) == sorted([CALL_ME, DISCOUNT, GIBBERISH])


def test_output_holds_no_email_phone_or_name(connection, tmp_path):
    text = run_export(connection, tmp_path, everything=True).read_text()

    for personal in ("jane.doe@example.com", "@", "+60", "345 6789", "Jane", "Doe"):
        assert personal not in text


def test_the_file_is_rasa_nlu_data_once_the_intents_are_filled_in(connection, tmp_path):
    path = run_export(connection, tmp_path)
    data_dir = tmp_path / "labelled"
    data_dir.mkdir()
    labelled = path.read_text().replace(TODO_INTENT, "out_of_scope")
    (data_dir / "review.yml").write_text(labelled)
    rasa_environment = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    settings = load_settings()

    validate = subprocess.run(
        [
            *(str(settings.rasa_executable), "data", "validate"),
            *("--data", str(data_dir), "--domain", str(PROJECT_ROOT / "domain.yml")),
            *("--config", str(PROJECT_ROOT / "config.yml")),
        ],
        cwd=tmp_path,
        env=rasa_environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "will be skipped" not in validate.stdout + validate.stderr

    read = subprocess.run(
        [
            str(settings.rasa_executable.with_name("python")),
            "-c",
            READ_WITH_RASA,
            str(data_dir / "review.yml"),
        ],
        env=rasa_environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert read.returncode == 0, read.stderr
    parsed = json.loads(read.stdout)
    assert parsed["warnings"] == []
    assert sorted(map(tuple, parsed["examples"])) == sorted(
        [
            ("ask_destination", WHALE_SHARKS),
            ("ask_diving_question", EARS),
            ("inform_profile", CALL_ME),
            ("request_trip_lead", DISCOUNT),
            ("out_of_scope", GIBBERISH),
        ]
    )
    assert set(parsed["intents"]) <= domain_intents()


# Rasa's own reader, in the Rasa environment: the examples and any warnings.
READ_WITH_RASA = """
import json, sys, warnings
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    data = RasaYAMLReader().read(sys.argv[1])
print(json.dumps({
    "examples": [[m.get("intent"), m.get("text")] for m in data.intent_examples],
    "intents": sorted(data.intents),
    "warnings": [str(w.message) for w in caught if issubclass(w.category, UserWarning)],
}))
"""


def test_command_writes_the_review_file_under_var(seeded, tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": seeded,
        "DOVVY_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-m", "dovvybuddy.analytics.review", "--since", "2026-03-02"]

    first, second = (
        subprocess.run(
            command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120
        )
        for _ in range(2)
    )

    assert first.returncode == 0, first.stderr
    written = list((tmp_path / "review").glob("review-*.yml"))
    assert len(written) == 1 and f"Wrote {written[0]}" in first.stdout
    assert second.returncode == 0 and "Nothing new to review." in second.stdout


def test_main_exports_with_a_threshold_and_a_limit(seeded, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", seeded)
    monkeypatch.setenv("DOVVY_VAR_DIR", str(tmp_path))

    assert review.main(["--threshold", "0.8", "--limit", "1"]) == 0

    written = list((tmp_path / "review").glob("review-*.yml"))
    assert [texts(path) for path in written] == [[EARS]]


@pytest.mark.parametrize("option", [["--threshold", "0"], ["--threshold", "1.5"], ["--limit", "0"]])
def test_main_rejects_impossible_options(option, capsys):
    with pytest.raises(SystemExit):
        review.main(option)


@pytest.mark.parametrize(
    ("first", "second", "similarity"),
    [
        ("which island has whale sharks", "which island has the whale sharks please", 5 / 7),
        ("How do I equalise?", "how do i equalise", 1.0),
        ("hi", "what is nitrox", 0.0),
        ("", "", 0.0),
    ],
)
def test_jaccard_compares_the_words(first, second, similarity):
    assert jaccard(first, second) == pytest.approx(similarity)


def turn(text, next_text, next_after, responses=()):
    return {
        "text": text,
        "next_text": next_text,
        "next_after": next_after,
        "responses": list(responses),
    }


@pytest.mark.parametrize(
    ("message", "rephrased"),
    [
        (turn("what is nitrox", "what is nitrox exactly", 30), True),
        (turn("gibberish", "what is nitrox", 30, ["utter_did_not_understand", None]), True),
        (turn("what is nitrox", "what is nitrox exactly", 300), False),
        (turn("what is nitrox", "thanks!", 30, [None]), False),
        (turn("what is nitrox", None, None), False),
    ],
)
def test_rephrasing_is_a_similar_or_not_understood_message_soon_after(message, rephrased):
    assert was_rephrased(message) is rephrased


def test_any_text_is_written_as_a_yaml_string():
    text = example_text('say "hi"\n\tcafé 🐢 \\ # no comment: [x] \u2028\x7f', Redactor())
    item = ReviewItem(text, 1, [("greet", 0.5)], {"nlu_fallback"})

    written = render_nlu_yaml([item], {"greet"}, datetime(2026, 3, 2, tzinfo=UTC))

    assert text == 'say "hi" café 🐢 \\ # no comment: [x]'
    assert yaml.safe_load(written)["nlu"] == [{"intent": "greet", "examples": [{"text": text}]}]
