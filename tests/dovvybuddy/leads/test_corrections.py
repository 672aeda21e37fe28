"""Reading corrections from a diver's words: which field, which new value, and when not."""

import pytest

from dovvybuddy.leads.answer_shapes import values_in_opening
from dovvybuddy.leads.corrections import (
    Correction,
    find_correction,
    find_corrections,
    is_go_back,
    is_keep,
    previous_field,
)
from dovvybuddy.leads.repair_replies import (
    changed_message,
    go_back_question,
    refused_message,
    resume_question,
)

TRIP = (
    "lead_name",
    "lead_email",
    "lead_phone",
    "destination",
    "preferred_dates",
    "group_size",
    "certification_level",
    "dive_count",
    "interests",
    "lead_message",
)
TRAINING = (
    "lead_name",
    "lead_email",
    "lead_phone",
    "certification_level",
    "course_of_interest",
    "destination",
    "preferred_dates",
    "lead_message",
)


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("change my name to Thomas Reyes", "lead_phone", Correction("lead_name", "Thomas Reyes")),
        (
            "actually my email is ana.lim@example.org, sorry",
            "preferred_dates",
            Correction("lead_email", "ana.lim@example.org"),
        ),
        ("it's 4 of us, not 3", "dive_count", Correction("group_size", "4 of us")),
        ("sorry, I meant Redang", "group_size", Correction("destination", "Redang")),
        (
            "wrong number, it's +60 12 345 6789",
            "preferred_dates",
            Correction("lead_phone", "+60 12 345 6789"),
        ),
        (
            "change the dates to 10-15 Sept",
            "lead_confirmed",
            Correction("preferred_dates", "10-15 sept"),
        ),
        ("not Tioman, Redang sorry", "preferred_dates", Correction("destination", "Redang")),
        (
            "name should be Mei Ling Tan, not Mei",
            "lead_confirmed",
            Correction("lead_name", "Mei Ling Tan"),
        ),
        ("sorry the dive count is 120 not 12", "interests", Correction("dive_count", "120")),
        ("oops i meant August not July", "lead_message", Correction("preferred_dates", "august")),
    ],
)
def test_a_correction_names_its_field_and_new_value(text, asked, expected):
    assert find_correction(text, asked, TRIP, {}) == expected


@pytest.mark.parametrize(
    "text", ["change the dates", "Edit dates", "edit dates", "the dates are wrong"]
)
def test_naming_a_field_without_a_value_asks_for_it(text):
    assert find_correction(text, "lead_confirmed", TRIP, {}) == Correction("preferred_dates", None)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("ana@example.com", "lead_email"),
        ("my email is ana@example.com", "lead_email"),
        ("5-9 Aug", "preferred_dates"),
        ("2027-05-01 to 2027-05-10", "preferred_dates"),
        ("4", "group_size"),
        ("advanced", "certification_level"),
        ("skip", "lead_phone"),
        ("sorry i don't have a phone", "lead_phone"),
        ("turtles and wrecks", "interests"),
        ("please call after 6pm", "lead_message"),
        ("sorry, can they email me instead of calling", "lead_message"),
        ("we want to see sharks, sorry if that's too much", "interests"),
        ("yes", "lead_confirmed"),
    ],
)
def test_an_answer_to_the_question_asked_is_not_a_correction(text, asked):
    assert find_correction(text, asked, TRIP, {}) is None


def test_a_course_is_told_from_the_current_level_by_the_words_around_it():
    assert find_correction(
        "actually i want the rescue course instead", "preferred_dates", TRAINING, {}
    ) == Correction("course_of_interest", "rescue")
    assert find_correction("Advanced", "course_of_interest", TRAINING, {}) is None


def test_a_field_the_form_does_not_have_is_not_corrected():
    assert find_correction("actually it's 4 of us", "lead_phone", TRAINING, {}) is None


@pytest.mark.parametrize("text", ["go back", "wait, the previous question", "back", "goo back pls"])
def test_go_back_is_recognised(text):
    assert is_go_back(text)


def test_going_back_to_a_place_is_an_answer_not_a_step_back():
    assert not is_go_back("can we go back to Sipadan next year")


@pytest.mark.parametrize("text", ["keep it", "same", "keep it the same", "no change"])
def test_keep_phrases(text):
    assert is_keep(text)


def test_the_previous_field_is_the_last_one_asked_before_the_current_one():
    assert (
        previous_field(["lead_name", "lead_email", "lead_phone"], "lead_phone", TRIP)
        == "lead_email"
    )
    assert previous_field(["lead_name"], "lead_name", TRIP) is None


def test_messages_say_what_changed_and_why_not():
    assert (
        changed_message("lead_email", "ana@example.org") == "Updated your email to ana@example.org."
    )
    assert changed_message("destination", "redang") == "Updated your destination to Redang."
    assert changed_message("group_size", 4) == "Updated your group size to 4 people."
    refused = refused_message("lead_email", "old@example.com")
    assert "complete email address" in refused and "kept old@example.com" in refused
    assert "don't cover Bali" in refused_message("destination", "tioman", place="Bali")
    assert "currently ana@example.com" in go_back_question("lead_email", "ana@example.com")
    assert resume_question("preferred_dates") == "Back to your enquiry: When would you like to go?"


def test_one_message_can_correct_the_level_and_the_course():
    text = "sorry, I'm actually Advanced already, so I want the Rescue course not AOW"
    assert find_corrections(text, "destination", TRAINING, {}) == [
        Correction("course_of_interest", "rescue"),
        Correction("certification_level", "advanced"),
    ]


def test_a_name_ends_where_the_next_correction_starts():
    text = "change my name to Thomas Reyes and my email to t.reyes@example.com"
    assert find_corrections(text, "lead_confirmed", TRIP, {}) == [
        Correction("lead_name", "Thomas Reyes"),
        Correction("lead_email", "t.reyes@example.com"),
    ]


def test_the_diver_saying_their_own_level_is_not_a_course():
    text = "actually I'm Advanced now, did the course last month"
    assert find_corrections(text, "lead_message", TRAINING, {}) == [
        Correction("certification_level", "advanced")
    ]


def test_answers_in_the_opening_message_are_read_by_their_shape():
    opening = "Can a centre contact me about Perhentian in August? We're 4 divers"
    assert values_in_opening(opening, TRIP) == {
        "group_size": "we're 4",
        "preferred_dates": "in august",
    }
    assert values_in_opening("I want to book a dive trip to Redang", TRIP) == {}


def test_a_level_named_in_a_training_request_is_the_course_unless_the_diver_holds_it():
    assert values_in_opening("an open water course in tioman please", TRAINING) == {
        "course_of_interest": "open water"
    }
    assert values_in_opening("I'm open water and want to do the advanced course", TRAINING) == {
        "course_of_interest": "advanced"
    }
    assert values_in_opening("I'm open water, can someone contact me", TRAINING) == {}


def test_new_interests_leave_out_the_ones_replaced():
    found = find_correction(
        "could you change my interests to macro and nudis, not sharks", "lead_message", TRIP, {}
    )
    assert found == Correction("interests", "macro and nudis")


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("scratch that, only 2 of us going now", "interests", Correction("group_size", "2 of us")),
        (
            "on second thought we'd rather go in the school holidays",
            "dive_count",
            "preferred_dates",
        ),
        ("can we move the trip to Hari Raya instead", "dive_count", "preferred_dates"),
    ],
)
def test_a_change_of_mind_and_named_times_of_year_are_corrections(text, asked, expected):
    found = find_correction(text, asked, TRIP, {})
    assert found is not None
    assert found == expected if isinstance(expected, Correction) else found.field == expected


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("chnage the date to october pls", "dive_count", Correction("preferred_dates", "october")),
        (
            "acutally my emial is kiran.d@example.org",
            "group_size",
            Correction("lead_email", "kiran.d@example.org"),
        ),
        ("updte the group to 5 people", "interests", Correction("group_size", "5 people")),
    ],
)
def test_a_correction_typed_with_a_typo_in_its_cue_word_is_still_one(text, asked, expected):
    assert find_correction(text, asked, TRIP, {}) == expected


def test_a_group_size_is_a_correction_while_the_level_is_asked():
    found = find_correction("hmm actually 6 of us now", "certification_level", TRIP, {})
    assert found == Correction("group_size", "6 of us")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no wait, 3 people... sorry, make it 5", "5"),
        ("actually just 2 of us... no, 4 of us", "4 of us"),
    ],
)
def test_a_diver_who_corrects_themselves_in_one_message_means_the_last_number(text, expected):
    assert find_correction(text, "dive_count", TRIP, {}) == Correction("group_size", expected)


@pytest.mark.parametrize(
    ("text", "asked", "field"),
    [
        ("make that August", "lead_confirmed", "preferred_dates"),
        ("could we push the dates to early November", "lead_message", "preferred_dates"),
        ("fyi the dates will be 3-8 June", "lead_phone", "preferred_dates"),
        ("let's do Perhentian", "group_size", "destination"),
    ],
)
def test_terse_and_rescheduling_wordings_change_the_field_they_name_or_shape(text, asked, field):
    found = find_correction(text, asked, TRIP, {})
    assert found is not None and found.field == field


def test_a_field_said_to_be_wrong_with_no_new_value_is_asked_again():
    assert find_correction("email's wrong", "destination", TRIP, {}) == Correction(
        "lead_email", None
    )
    assert find_correction("phone's incorrect", "group_size", TRIP, {}) == Correction(
        "lead_phone", None
    )


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("it's Chong, not Chang", "Chang Wei Ming", "Chong Wei Ming"),
        ("my surname is Tan not Tang", "Tang Mei Ling", "Tan Mei Ling"),
        ("not Kumer but Kumar", "Arjun Kumer", "Arjun Kumar"),
    ],
)
def test_one_word_of_the_name_put_right_keeps_the_rest_of_the_name(text, name, expected):
    found = find_correction(text, "lead_phone", TRIP, {"lead_name": name})
    assert found == Correction("lead_name", expected)


def test_a_word_not_in_the_name_is_not_a_name_correction():
    found = find_correction("Redang, not Tioman", "group_size", TRIP, {"lead_name": "Ali Tan"})
    assert found == Correction("destination", "Redang")


@pytest.mark.parametrize(
    "text",
    [
        "the last answer was wrong",
        "wait I want to fix my last answer",
        "let me change what I just said",
        "take me back",
        "hmm can I change that",
    ],
)
def test_more_ways_of_going_back_to_the_previous_question(text):
    assert is_go_back(text)


def test_calling_me_by_a_name_corrects_the_name_but_a_call_at_a_time_does_not():
    assert find_correction("call me Aisyah instead", "destination", TRIP, {}) == Correction(
        "lead_name", "Aisyah"
    )
    found = find_correction("actually call me after 6pm", "destination", TRIP, {})
    assert found is None or found.field != "lead_name"


def test_a_group_of_n_is_a_group_size():
    found = find_correction("we're now a group of 5", "certification_level", TRIP, {})
    assert found is not None and found.field == "group_size"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("group size 8", Correction("group_size", "8")),
        ("dates are 3-10 May now", Correction("preferred_dates", "3-10 may")),
        ("name should read Dr. Anand Krishnan", Correction("lead_name", "Dr. Anand Krishnan")),
    ],
)
def test_a_field_named_with_a_new_value_at_the_summary_edits_it(text, expected):
    assert find_correction(text, "lead_confirmed", TRIP, {}) == expected


@pytest.mark.parametrize("text", ["yes the dates are fine", "looks good, send it", "yes"])
def test_a_confirmation_that_names_a_field_changes_nothing(text):
    assert find_correction(text, "lead_confirmed", TRIP, {}) is None


def test_a_confirmation_with_a_new_address_still_changes_it():
    found = find_correction("yes, email: x.y@example.com", "lead_confirmed", TRIP, {})
    assert found == Correction("lead_email", "x.y@example.com")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we've moved the trip to early may", Correction("preferred_dates", "early may")),
        ("please put my name as Wan Nurul Huda", Correction("lead_name", "Wan Nurul Huda")),
    ],
)
def test_short_corrections_while_a_free_text_field_is_asked(text, expected):
    assert find_correction(text, "interests", TRIP, {}) == expected


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("Tioman → Redang please", "group_size", Correction("destination", "Redang")),
        ("change Tioman to Redang", "group_size", Correction("destination", "Redang")),
        ("from Redang to Sipadan pls", "lead_confirmed", Correction("destination", "Sipadan")),
        ("3 -> 4 people", "dive_count", Correction("group_size", "4 people")),
    ],
)
def test_the_value_after_an_arrow_or_after_to_replaces_the_one_before(text, asked, expected):
    assert find_correction(text, asked, TRIP, {}) == expected


def test_a_week_of_a_month_is_a_dates_correction():
    found = find_correction("can we change it to first week of May", "lead_confirmed", TRIP, {})
    assert found == Correction("preferred_dates", "first week of may")


def test_a_level_the_diver_holds_said_at_the_course_question_corrects_the_level():
    found = find_correction("actually I'm already Advanced", "course_of_interest", TRAINING, {})
    assert found == Correction("certification_level", "advanced")
    assert find_correction("Advanced", "course_of_interest", TRAINING, {}) is None


def test_the_replaced_value_ends_where_the_new_ones_words_start():
    found = find_correction(
        "Instead of Perhentian can we go to Redang?", "preferred_dates", TRIP, {}
    )
    assert found == Correction("destination", "Redang")


def test_a_total_is_a_group_size():
    found = find_correction(
        "oh btw 2 more friends are joining us so 6 in total", "certification_level", TRIP, {}
    )
    assert found == Correction("group_size", "6 in total")


def test_hang_on_and_only_n_of_us_now_correct_the_group_size():
    found = find_correction("hang on, we're only 3 now", "interests", TRIP, {})
    assert found is not None and found.field == "group_size"


@pytest.mark.parametrize(
    ("text", "asked", "field"),
    [
        ("chg date to 5-9 aug", "dive_count", "preferred_dates"),
        ("make tht 5 pax", "interests", "group_size"),
    ],
)
def test_text_speak_cue_words_still_say_a_message_corrects(text, asked, field):
    found = find_correction(text, asked, TRIP, {})
    assert found is not None and found.field == field


def test_a_name_given_with_a_remark_after_it_is_the_name_alone():
    text = "put my name as Hoang Anh Tuan (family name first), the centre may mix it up"
    assert find_correction(text, "lead_confirmed", TRIP, {}) == Correction(
        "lead_name", "Hoang Anh Tuan"
    )


def test_levels_the_diver_says_they_hold_at_the_course_question_correct_the_level():
    text = "hold on, I finished my Advanced in Tulamben so I'm AOW now, please change it"
    found = find_correction(text, "course_of_interest", TRAINING, {})
    assert found is not None and found.field == "certification_level"
    mixed = "I did my open water last year, now I want advanced"
    assert find_correction(mixed, "course_of_interest", TRAINING, {}) is None


def test_a_level_and_dive_count_volunteered_at_another_question_are_both_kept():
    found = find_corrections(
        "oh before I forget, I'm Rescue Diver, about 120 dives", "lead_phone", TRIP, {}
    )
    assert {c.field for c in found} == {"dive_count", "certification_level"}
