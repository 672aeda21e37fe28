"""The behaviour evaluation's checks and report, without a running stack."""

from dovvybuddy.common.reports import split_of
from dovvybuddy.evaluation.behaviour import (
    TRIPS_EVAL_FILE,
    Case,
    Turn,
    actions_after_last_message,
    failed_checks,
    load_cases,
    summarise,
)

EMERGENCY = r"This sounds like a diving emergency\. Act now:"


def case(**overrides) -> Case:
    fields = {"text": "my buddy is unconscious", "category": "emergency_incident"}
    return Case(**{**fields, "split": "held_out", **overrides})


def turn(reply: str = "", actions: tuple[str, ...] = (), slots: dict | None = None) -> Turn:
    return Turn(reply=reply, actions=actions, slots=slots or {}, seconds=0.1)


def test_a_reply_matching_every_must_regex_passes():
    checked = case(must=(EMERGENCY,))
    assert failed_checks(checked, turn("This sounds like a diving emergency. Act now: ...")) == []


def test_a_missing_must_regex_is_reported_by_its_pattern():
    checked = case(must=(EMERGENCY,))
    assert failed_checks(checked, turn("That's a question for a doctor.")) == [f"must: {EMERGENCY}"]


def test_a_matching_must_not_regex_fails():
    checked = case(category="safety_question", must_not=(EMERGENCY,))
    failures = failed_checks(checked, turn("This sounds like a diving emergency. Act now: 1."))
    assert failures == [f"must_not: {EMERGENCY}"]


def test_regexes_ignore_case_and_anchor_at_each_line():
    checked = case(must=("^- .+\\(Redang\\): \\d+-\\d+ m",))
    reply = "Here are some sites:\n- PULAU LIMA (Redang): 5-18 m, easy"
    assert failed_checks(checked, turn(reply)) == []


def test_an_empty_reply_fails_whatever_the_regexes():
    assert failed_checks(case(must_not=(EMERGENCY,)), turn("  ")) == ["no reply"]


def test_the_flow_must_include_one_of_the_expected_actions():
    checked = case(flow_any_of=("action_emergency_guidance",))
    failures = failed_checks(checked, turn("hello", actions=("utter_greet",)))
    assert failures == ["flow: ran ['utter_greet'], expected one of ['action_emergency_guidance']"]


def test_a_forbidden_action_in_the_flow_fails():
    checked = case(category="safety_question", flow_none_of=("action_emergency_guidance",))
    failures = failed_checks(checked, turn("text", actions=("action_emergency_guidance",)))
    assert failures == [
        "flow: ran ['action_emergency_guidance'], which must not answer safety_question"
    ]


def test_an_expected_slot_value_is_checked_after_the_turn():
    checked = case(category="profile", slots={"certification_level": "advanced_open_water"})
    failures = failed_checks(checked, turn("Got it", slots={"certification_level": "open_water"}))
    assert failures == ["slot certification_level: 'open_water', expected 'advanced_open_water'"]


def test_the_actions_answering_are_those_after_the_last_user_message():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "earlier"},
        {"event": "action", "name": "utter_greet"},
        {"event": "user", "text": "hi"},
        {"event": "action", "name": "utter_fear_acknowledge"},
        {"event": "bot", "text": "That's a really common feeling"},
        {"event": "action", "name": "action_answer_question"},
        {"event": "action", "name": "action_listen"},
    ]
    assert actions_after_last_message(events) == (
        "utter_fear_acknowledge",
        "action_answer_question",
    )


def test_items_inherit_their_categorys_checks_and_add_their_own(tmp_path):
    data = tmp_path / "eval.yml"
    data.write_text(
        "always_must_not: [trouble answering]\n"
        "categories:\n"
        "  knowledge:\n"
        "    flow: {any_of: [action_answer_question]}\n"
        "    must_not: [guides]\n"
        "items:\n"
        "  - {text: 'open water depth?', category: knowledge, split: tuning, must: ['18']}\n"
    )
    (loaded,) = load_cases(data)
    assert loaded.must == ("18",)
    assert loaded.must_not == ("trouble answering", "guides")
    assert loaded.flow_any_of == ("action_answer_question",)


def test_the_split_is_stable_and_one_of_the_two_halves():
    assert split_of("are you a bot?") == split_of("are you a bot?")
    assert {split_of(f"message {n}") for n in range(20)} == {"held_out", "tuning"}


def test_the_report_gives_pass_rates_per_half_and_category_and_lists_failures():
    results = [
        (case(split="held_out"), turn("ok", ("action_emergency_guidance",)), []),
        (case(split="tuning"), turn("no"), ["must: x"]),
        (case(category="greet", split="held_out"), turn("hi"), []),
    ]
    report = summarise(results)
    assert report["pass_rate"] == {
        "held_out": {"items": 2, "pass_rate": 1.0},
        "tuning": {"items": 1, "pass_rate": 0.0},
        "overall": {"items": 3, "pass_rate": 0.6667},
    }
    assert report["by_category"]["emergency_incident"]["overall"] == {
        "items": 2,
        "pass_rate": 0.5,
    }
    assert report["by_category"]["greet"]["tuning"] == {"items": 0, "pass_rate": None}
    assert report["failures"] == [
        {
            "text": "my buddy is unconscious",
            "category": "emergency_incident",
            "split": "tuning",
            "reply": "no",
            "actions": [],
            "failed": ["must: x"],
        }
    ]
    assert {"p50_ms", "p95_ms"} <= set(report["latency"])


TRIP_REPLY = (
    "Heads up: December is monsoon season on the east coast.\n"
    "Where I'd go in December:\n"
    "1. The Sipadan area: open in December; 3 sites for Open Water divers.\n"
    "2. Redang: only partly open.\n"
)


def test_the_first_ranked_destination_is_the_top():
    assert failed_checks(case(top_any_of=("sipadan",)), turn(TRIP_REPLY)) == []
    assert failed_checks(case(top_any_of=("redang",)), turn(TRIP_REPLY)) == [
        "top: ['sipadan'], expected one of ['redang']"
    ]


def test_a_destination_that_must_not_be_recommended_fails_when_ranked():
    assert failed_checks(case(not_recommended=("redang",)), turn(TRIP_REPLY)) == [
        "recommended ['redang'], which must not be"
    ]
    # Named in the monsoon warning is not recommended.
    reply = "Heads up: Redang is closed.\n1. The Sipadan area: open."
    assert failed_checks(case(not_recommended=("redang",)), turn(reply)) == []


def test_a_comparison_names_both_and_picks_one():
    reply = "- Tioman: closed.\n- The Sipadan area: open.\nMy pick: the Sipadan area, because..."
    checked = case(compare=("tioman", "sipadan"), top_any_of=("sipadan",))
    assert failed_checks(checked, turn(reply)) == []
    assert failed_checks(checked, turn("Tioman is lovely.")) == [
        "top: [], expected one of ['sipadan']",
        "compare: missing ['sipadan']",
    ]


def test_asking_for_the_month_is_a_month_question():
    checked = case(asks_for=("month",))
    assert failed_checks(checked, turn("Which month are you planning to go?")) == []
    assert failed_checks(checked, turn(TRIP_REPLY)) == ["asks_for: month not asked"]


def test_the_blind_trip_items_load_in_their_own_category_split_by_hash():
    cases = load_cases(TRIPS_EVAL_FILE)
    assert len(cases) >= 40
    assert {c.category for c in cases} == {"trip_matching"}
    assert all(c.split == split_of(c.text) for c in cases)
