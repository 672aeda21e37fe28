"""The answer benchmark's verdicts, without a database."""

from dovvybuddy.evaluation.answers import AnswerCase, judge

CASE = AnswerCase(
    question="how long is the open water course",
    must_contain_any=(("three", "3"), ("days",)),
    must_not_contain=("komodo",),
    expected_source="certifications/open-water.md",
)
GUIDES = {
    "Open Water Diver": "The course takes three to four days.",
    "Dive course FAQ": "Open Water typically takes three days.",
    "Budgeting for a dive trip": "Boats leave daily.",
    "Tioman Demo Divers": "We teach in three days.",
}


def verdict(answer, partners=("Tioman Demo Divers",)):
    return judge(CASE, answer, "Open Water Diver", partners, GUIDES)


def test_the_facts_from_the_expected_guide_pass():
    assert verdict("It takes three days.\nSource: Open Water Diver").passed


def test_another_guide_that_states_the_same_facts_passes_but_is_not_the_expected_source():
    result = verdict("It takes three days.\nSource: Dive course FAQ")
    assert result.passed
    assert not result.cites_expected_source


def test_facts_backed_by_no_cited_guide_fail():
    assert not verdict("It takes three days.\nSource: Budgeting for a dive trip").passed


def test_a_fact_only_in_the_source_line_does_not_count():
    case = AnswerCase("q", (("open water",),), (), "certifications/open-water.md")
    result = judge(case, "It depends.\nSource: Open Water Diver", "Open Water Diver", (), GUIDES)
    assert result.facts_found == 0


def test_citing_a_partner_page_fails_whatever_it_says():
    result = verdict("It takes three days.\nSource: Tioman Demo Divers")
    assert result.cites_partner
    assert not result.passed


def test_forbidden_content_and_no_answer_fail():
    assert not verdict("Three days, or try Komodo.\nSource: Open Water Diver").passed
    assert not verdict(None).passed
