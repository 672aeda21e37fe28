"""The README's figures come from reports/*.json, and its gates from tests/quality_gates.py."""

import json
import shutil

import pytest

from dovvybuddy.evaluation.readme_figures import README, REPORTS_DIR, figures_table, with_figures
from tests import quality_gates as gates


def test_the_readme_figures_table_agrees_with_the_reports():
    readme = README.read_text()
    assert with_figures(readme, figures_table()) == readme, "run make readme-figures"


def test_a_changed_report_changes_the_table(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS_DIR, reports)
    answers = json.loads((reports / "answers.json").read_text())
    answers["offline_extractive"]["held_out"]["passed"] = 0.5
    answers.update(
        commit="0123456789abcdef", uncommitted_changes=False, date="2030-01-02T03:04:05+00:00"
    )
    (reports / "answers.json").write_text(json.dumps(answers))
    row = next(line for line in figures_table(reports).splitlines() if "answers.json" in line)
    assert "| pass 0.50 (" in row
    assert "(0123456, 2030-01-02)" in row


def test_a_readme_without_the_markers_is_refused():
    with pytest.raises(ValueError):
        with_figures("# DovvyBuddy\n", "| table |")


@pytest.mark.parametrize(
    "floor",
    [
        gates.NLU_MACRO_F1_FLOOR,
        gates.SAFETY_FALSE_ALARM_CEILING,
        gates.RETRIEVAL_RECALL_AT_3_FLOOR,
        gates.RETRIEVAL_NO_ANSWER_FLOOR,
        gates.RETRIEVAL_FALSE_REFUSALS_CEILING,
        gates.ANSWERS_PASS_FLOOR,
    ],
)
def test_the_readme_quality_gates_section_states_each_floor(floor):
    section = README.read_text().split("## Quality gates", 1)[1].split("\n## ", 1)[0]
    assert f"{floor:.2f}" in section
