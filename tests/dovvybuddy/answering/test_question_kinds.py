"""What a question asks for: the kind of fact and the kind of document."""

from dovvybuddy.answering.question_kinds import preferred_kinds, question_cues


def cue_names(question):
    return {cue.name for cue in question_cues(question)}


def test_questions_name_the_kind_of_fact_they_want():
    assert cue_names("how long does the ferry take") >= {"duration", "transport"}
    assert cue_names("how deep can an open water diver go") == {"depth"}
    assert "age" in cue_names("my daughter is 12, is she old enough")
    assert "price" in cue_names("how much is the marine park fee")
    assert "season" in cue_names("best time to dive redang")


def test_transport_and_money_questions_go_to_logistics_guides_and_overviews():
    assert preferred_kinds("how do i get to tioman from singapore") == {"logistics", "destination"}
    assert preferred_kinds("how much is the sipadan permit") == {"logistics", "destination"}


def test_course_and_agency_questions_go_to_course_and_equivalency_documents():
    assert preferred_kinds("how many dives in the advanced course") >= {"certification"}
    assert "equivalency" in preferred_kinds("is my cmas 2 star like advanced")


def test_site_questions_go_to_site_cards():
    assert "dive_site" in preferred_kinds("is barracuda point a drift dive")


def test_flying_after_diving_is_not_a_transport_question():
    assert "transport" not in cue_names("how long should i wait to fly after diving")


def test_how_much_air_or_weight_is_not_a_price_question():
    assert "price" not in cue_names("how much air do i need for a 45 min dive")
    assert "price" not in cue_names("how much weight should i carry")
    assert "price" in cue_names("how much is a fun dive on mabul")


def test_an_acronym_in_capitals_is_not_the_word_a_cue_looks_for():
    assert "age" not in cue_names("whats the difference between AGE and the bends")
    assert "age" in cue_names("what age can my son start")


def test_how_early_and_how_quickly_ask_for_a_time():
    assert "duration" in cue_names("how early should i be at the jetty")
    assert "duration" in cue_names("how quickly do symptoms show up")


def test_budgeting_days_is_a_question_of_time_not_money():
    assert cue_names("how many days should i budget for the advanced course") == {"duration"}
    assert "price" in cue_names("what should i budget for a week on redang")


def test_when_as_a_condition_does_not_ask_for_a_season():
    assert "season" not in cue_names("what do they ask when you call the hotline")
    assert "season" in cue_names("when do the whale sharks come")


def test_from_one_place_to_another_asks_for_a_way_there_but_not_between_agencies():
    assert "transport" in cue_names("from kl to kuala besut, which is best")
    assert "transport" not in cue_names("switching from ssi to padi, do i redo open water")


def test_months_since_a_dive_do_not_ask_for_a_season():
    assert "season" not in cue_names("my last dive was 18 months ago, do i need a refresher")
    assert "season" in cue_names("which months are calm on sipadan")


def test_critters_and_marine_life_ask_for_the_animals():
    assert "marine_life" in cue_names("what marine life will we see at redang")
    assert "marine_life" not in cue_names("what is a frog kick")
