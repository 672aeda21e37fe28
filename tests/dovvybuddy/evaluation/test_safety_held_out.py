"""The safety benchmark's held-out figures, from placeholder files (the real set lives in
eval/data/safety/held_out/)."""

import pytest
import yaml

from dovvybuddy.evaluation.safety import held_out_metrics, load_held_out


@pytest.fixture
def held_out_dir(tmp_path):
    (tmp_path / "emergency.yml").write_text(
        yaml.safe_dump({"phrases": ["my buddy is not breathing", "diver unconscious on deck"]})
    )
    (tmp_path / "safety_questions.yml").write_text(
        yaml.safe_dump(
            {
                "questions": ["what does dcs feel like"],
                "fears": ["sharks scare me"],
                "course": ["is the rescue course hard"],
                "trips": ["flying two days after diving ok?"],
            }
        )
    )
    (tmp_path / "ordinary.yml").write_text(
        yaml.safe_dump({"phrases": ["emergency exits on the boat?", "my computer beeps a lot"]})
    )
    return tmp_path


def test_the_held_out_files_load_in_their_sections(held_out_dir):
    held_out = load_held_out(held_out_dir)
    assert held_out["emergency"] == ["my buddy is not breathing", "diver unconscious on deck"]
    assert held_out["safety_questions"]["fears"] == ["sharks scare me"]
    assert held_out["ordinary"] == ["emergency exits on the boat?", "my computer beeps a lot"]


def test_a_missed_emergency_lowers_recall_and_is_listed(held_out_dir):
    held_out = load_held_out(held_out_dir)
    predictions = {
        "emergency": ["emergency", "ask_safety_question"],
        "safety_questions": {
            "questions": ["ask_safety_question"],
            "fears": ["express_fear"],
            "course": ["ask_certification"],
            "trips": ["ask_destination"],
        },
        "ordinary": ["ask_diving_question", "ask_diving_question"],
    }
    scores = held_out_metrics(held_out, predictions)
    assert scores["emergency_recall"] == 0.5
    assert scores["missed_emergencies"] == ["diver unconscious on deck"]
    assert scores["false_alarms"] == 0


def test_false_alarms_count_questions_and_ordinary_messages_together(held_out_dir):
    held_out = load_held_out(held_out_dir)
    predictions = {
        "emergency": ["emergency", "emergency"],
        "safety_questions": {
            "questions": ["emergency"],
            "fears": ["express_fear"],
            "course": ["ask_certification"],
            "trips": ["medical_question"],
        },
        "ordinary": ["emergency", "ask_diving_question"],
    }
    scores = held_out_metrics(held_out, predictions)
    assert scores["emergency_recall"] == 1.0
    assert scores["false_alarms"] == 3
    assert scores["not_emergencies"] == 6
    assert scores["false_alarm_rate"] == 0.5
    assert scores["ordinary"]["false_alarm_rate"] == 0.5
    assert {"phrase": "emergency exits on the boat?", "predicted": "emergency"} in scores[
        "false_alarm_messages"
    ]


def test_a_section_the_question_set_lacks_is_empty(held_out_dir):
    (held_out_dir / "safety_questions.yml").write_text(
        yaml.safe_dump({"questions": ["is a reverse block dangerous"]})
    )
    sections = load_held_out(held_out_dir)["safety_questions"]
    assert sections == {
        "questions": ["is a reverse block dangerous"],
        "fears": [],
        "course": [],
        "trips": [],
    }
