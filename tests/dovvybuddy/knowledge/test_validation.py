"""The knowledge base follows the rules in knowledge/README.md.

Each test writes a small, valid knowledge tree (one document per kind),
breaks one rule and expects exactly the problem that describes it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.schema import CERTIFICATION_DEPTH_LIMITS_M, HAZARDS
from dovvybuddy.knowledge.validation import main, validate_documents
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS, DESTINATIONS

THIS_MONTH = f"{date.today():%Y-%m}"
SOURCE = {"title": "A source", "url": "https://example.com/source"}
CHAMBER = {
    "name": "Recompression chamber at the Kuantan naval base",
    "town": "Kuantan, Pahang",
    "operator": "Royal Malaysian Navy",
    "how_to_reach": "boat to Mersing, then by road",
    "status": "listed",
    "source": SOURCE,
    "verified": THIS_MONTH,
}

DELETE = object()
"""Pass as a field's value to leave the field out of the document."""

VALID_BODY = "## About\n\nOne short section about one thing.\n"

COMMON_FIELDS: dict[str, Any] = {
    "title": "A title",
    "topics": ["diving"],
    "sources": [{"title": "A source", "url": "https://example.com/source"}],
    "last_reviewed": date(2026, 11, 30),
}

SOURCE = {"title": "A season source", "url": "https://example.com/season"}
SEASON = {
    "months": [3, 4, 5, 6, 7, 8, 9, 10],
    "limited_months": [2],
    "closed_months": [11, 12, 1],
    "what": "The monsoon closes most resorts",
    "source": SOURCE,
    "verified": "2026-12",
}

TYPE_SPECIFIC_FIELDS: dict[str, dict[str, Any]] = {
    "certification": {"level": "open_water", "agencies": ["PADI", "SSI"]},
    "equivalency": {"agencies": ["NAUI", "CMAS"]},
    "comfort": {},
    "safety": {},
    "emergency_contacts": {
        "national_numbers": [{"country": "Malaysia", "number": "999"}],
        "dan_hotlines": [
            {"region": "Asia-Pacific", "name": "DAN World", "phone": "+61 8 8212 9242"}
        ],
    },
    "gear": {},
    "logistics": {},
    "destination": {
        "destination": "tioman",
        "country": "Malaysia",
        "region": "Pahang",
        "best_months": [3, 4, 5],
        "emergency_number": "999",
        "chambers": [CHAMBER],
        "season": SEASON,
        "permits": [
            {"rule": "No permit", "book_ahead": False, "source": SOURCE, "verified": "2026-12"}
        ],
        "conditions": [
            {
                "months": [3, 4, 5],
                "water_temperature_c": [28, 30],
                "visibility_m": [5, 12],
                "source": SOURCE,
                "verified": "2026-12",
            }
        ],
        "travel": [
            {
                "from": "singapore",
                "hours": [4, 5],
                "how": "road to Mersing, then the ferry",
                "source": SOURCE,
                "verified": "2026-12",
            }
        ],
    },
    "dive_site": {
        "site_id": "renggis-island",
        "destination": "tioman",
        "min_certification": "open_water",
        "depth_range_m": [3, 15],
        "difficulty": "beginner",
        "access": "boat",
        "highlights": ["turtles"],
        "hazards": ["boat_traffic"],
        "best_months": [3, 4, 5],
        "interests": ["beginner-friendly"],
    },
    "partner": {
        "partner_id": "tioman-demo-divers",
        "name": "Tioman Demo Dive Centre (demo)",
        "destination": "tioman",
        "demo": True,
        "delivery": {"email": "leads@example.com"},
        "courses": ["open_water"],
        "services": ["courses", "trips"],
        "languages": ["English"],
    },
}

DEFAULT_PATHS = {
    "certification": "certifications/open-water.md",
    "equivalency": "equivalency/agency-equivalency.md",
    "comfort": "comfort/buoyancy.md",
    "safety": "safety/safety-stops.md",
    "emergency_contacts": "safety/emergency-contacts.md",
    "gear": "gear/gear-basics.md",
    "logistics": "logistics/seasickness.md",
    "destination": "destinations/tioman/overview.md",
    "dive_site": "destinations/tioman/sites/renggis-island.md",
    "partner": "partners/tioman-demo-divers.md",
}


class KnowledgeTree:
    """A knowledge folder in a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(
        self, kind: str, /, path: str | None = None, body: str = VALID_BODY, **changes: Any
    ) -> None:
        """Write a valid `kind` document, with `changes` to its front matter."""
        meta = {"kind": kind, **COMMON_FIELDS, **TYPE_SPECIFIC_FIELDS[kind]}
        for name, value in changes.items():
            if value is DELETE:
                del meta[name]
            else:
                meta[name] = value
        file = self.root / (path or DEFAULT_PATHS[kind])
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n{body}", "utf-8")

    def problems(self) -> list[str]:
        return validate_documents(load_documents(self.root))


@pytest.fixture
def tree(tmp_path: Path) -> KnowledgeTree:
    """A valid knowledge folder with one document of every kind."""
    knowledge = KnowledgeTree(tmp_path / "knowledge")
    for kind in TYPE_SPECIFIC_FIELDS:
        knowledge.write(kind)
    return knowledge


def test_the_real_knowledge_base_is_valid():
    assert validate_documents(load_documents()) == []


def test_the_tree_these_tests_start_from_is_valid(tree):
    assert tree.problems() == []


def test_certification_levels_are_ordered_lowest_to_highest():
    assert CERTIFICATION_LEVELS == (
        "discover_scuba",
        "open_water",
        "advanced_open_water",
        "rescue",
        "divemaster",
    )


def test_destinations_are_the_covered_destination_ids():
    assert set(DESTINATIONS) == {"tioman", "perhentian", "redang", "sipadan"}


@pytest.mark.parametrize("field", ["kind", "title", "topics", "sources", "last_reviewed"])
def test_every_document_needs_the_common_fields(tree, field):
    tree.write("gear", **{field: DELETE})
    assert tree.problems() == [f"gear/gear-basics.md: missing required field {field!r}"]


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("certification", "level"),
        ("certification", "agencies"),
        ("equivalency", "agencies"),
        ("emergency_contacts", "national_numbers"),
        ("emergency_contacts", "dan_hotlines"),
        ("destination", "destination"),
        ("destination", "country"),
        ("destination", "region"),
        ("destination", "best_months"),
        ("destination", "emergency_number"),
        ("destination", "chambers"),
        ("destination", "season"),
        ("destination", "permits"),
        ("destination", "conditions"),
        ("destination", "travel"),
        ("dive_site", "site_id"),
        ("dive_site", "destination"),
        ("dive_site", "min_certification"),
        ("dive_site", "depth_range_m"),
        ("dive_site", "difficulty"),
        ("dive_site", "access"),
        ("dive_site", "highlights"),
        ("dive_site", "hazards"),
        ("dive_site", "best_months"),
        ("dive_site", "interests"),
        ("partner", "partner_id"),
        ("partner", "name"),
        ("partner", "destination"),
        ("partner", "demo"),
        ("partner", "delivery"),
        ("partner", "courses"),
    ],
)
def test_type_specific_fields_are_required(tree, kind, field):
    tree.write(kind, **{field: DELETE})
    assert tree.problems() == [f"{DEFAULT_PATHS[kind]}: missing required field {field!r}"]


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        ("dive_site", {"min_logged_dives": 0}),
        ("dive_site", {"min_logged_dives": 20}),
        ("dive_site", {"hazards": []}),
        ("dive_site", {"hazard_notes": ["boat traffic near the jetty"]}),
        ("destination", {"chambers": [CHAMBER | {"phone": "+60 9 583 3601"}]}),
        ("destination", {"closures": []}),
        (
            "destination",
            {
                "closures": [
                    {
                        "months": [11],
                        "year": 2023,
                        "what": "closed for a month",
                        "source": SOURCE,
                        "verified": THIS_MONTH,
                    }
                ]
            },
        ),
        (
            "destination",
            {
                "dated_facts": [
                    {
                        "topic": "quota",
                        "fact": "237 a day",
                        "source": SOURCE,
                        "verified": THIS_MONTH,
                    }
                ]
            },
        ),
        ("dive_site", {"depth_range_m": [0, 18]}),
        (
            "dive_site",
            {
                "depth_range_m": [0, 40],
                "min_certification": "advanced_open_water",
                "restricted_to": "deep",
                "restriction_note": "for divers with the Deep specialty",
            },
        ),
        ("dive_site", {"depth_range_m": [2.5, 12.5]}),
        ("dive_site", {"access": "shore", "difficulty": "advanced"}),
        ("certification", {"level": "nitrox"}),
        ("certification", {"level": "deep"}),
        ("partner", {"delivery": {"webhook": "http://127.0.0.1:9/leads"}}),
        ("partner", {"courses": list(CERTIFICATION_LEVELS)}),
    ],
)
def test_optional_and_edge_values_the_readme_allows_are_valid(tree, kind, changes):
    tree.write(kind, **changes)
    assert tree.problems() == []


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("gear", "price"),
        ("gear", "level"),
        ("safety", "national_numbers"),
        ("dive_site", "country"),
        ("partner", "site_id"),
    ],
)
def test_no_fields_beyond_the_common_and_type_specific_ones(tree, kind, field):
    tree.write(kind, **{field: "something"})
    assert tree.problems() == [f"{DEFAULT_PATHS[kind]}: unknown field {field!r} for kind {kind}"]


def test_kind_must_be_a_known_type(tree):
    tree.write("gear", kind="recipe")
    assert tree.problems() == [
        "gear/gear-basics.md: kind must be one of certification, equivalency, comfort, "
        "safety, emergency_contacts, gear, logistics, destination, dive_site, partner; "
        "got 'recipe'"
    ]


@pytest.mark.parametrize(
    ("kind", "field", "value", "problem"),
    [
        pytest.param(
            "gear", "title", "", "title must be a non-empty string, got ''", id="empty-title"
        ),
        pytest.param("gear", "topics", [], "topics must not be empty", id="no-topics"),
        pytest.param(
            "gear", "topics", "diving", "topics must be a list, got 'diving'", id="topics-string"
        ),
        pytest.param(
            "gear", "topics", [3], "topics[0] must be a non-empty string, got 3", id="topic-number"
        ),
        pytest.param("gear", "sources", [], "sources must not be empty", id="no-sources"),
        pytest.param(
            "gear",
            "sources",
            [{"title": "A source"}],
            "sources[0] is missing 'url'",
            id="source-without-url",
        ),
        pytest.param(
            "gear",
            "sources",
            [{"title": "A source", "url": "ftp://example.com/file"}],
            "sources[0].url must be an http(s) URL, got 'ftp://example.com/file'",
            id="source-url-not-http",
        ),
        pytest.param(
            "gear",
            "last_reviewed",
            "30/11/2026",
            "last_reviewed must be an unquoted ISO date (YYYY-MM-DD), got '30/11/2026'",
            id="last-reviewed-not-a-date",
        ),
        pytest.param(
            "certification",
            "level",
            "master_scuba_diver",
            "level must be one of discover_scuba, open_water, advanced_open_water, rescue, "
            "divemaster, nitrox, deep; got 'master_scuba_diver'",
            id="unknown-level",
        ),
        pytest.param(
            "certification",
            "agencies",
            ["PADI", "YMCA"],
            "agencies[1] must be one of PADI, SSI, NAUI, CMAS, BSAC, SDI, TDI, RAID; got 'YMCA'",
            id="unknown-agency",
        ),
        pytest.param("equivalency", "agencies", [], "agencies must not be empty", id="no-agencies"),
        pytest.param(
            "destination",
            "best_months",
            [12, 13],
            "best_months[1] must be a month number 1-12, got 13",
            id="month-13",
        ),
        pytest.param(
            "destination",
            "best_months",
            ["March"],
            "best_months[0] must be a month number 1-12, got 'March'",
            id="month-name",
        ),
        pytest.param(
            "destination",
            "emergency_number",
            999,
            "emergency_number must be a non-empty string, got 999",
            id="emergency-number-not-a-string",
        ),
        pytest.param(
            "dive_site",
            "site_id",
            "Renggis Island",
            "site_id must be kebab-case (like 'tiger-reef'), got 'Renggis Island'",
            id="site-id-not-kebab-case",
        ),
        pytest.param(
            "dive_site",
            "destination",
            "langkawi",
            "destination must be one of tioman, perhentian, redang, sipadan; got 'langkawi'",
            id="unknown-destination",
        ),
        pytest.param(
            "dive_site",
            "min_certification",
            "nitrox",
            "min_certification must be one of discover_scuba, open_water, advanced_open_water, "
            "rescue, divemaster; got 'nitrox'",
            id="specialty-as-min-certification",
        ),
        pytest.param(
            "dive_site",
            "min_logged_dives",
            -1,
            "min_logged_dives must be an integer >= 0, got -1",
            id="negative-logged-dives",
        ),
        pytest.param(
            "dive_site",
            "min_logged_dives",
            2.5,
            "min_logged_dives must be an integer >= 0, got 2.5",
            id="fractional-logged-dives",
        ),
        pytest.param(
            "dive_site",
            "depth_range_m",
            [18],
            "depth_range_m must be [min, max] with 0 <= min < max <= 40, got [18]",
            id="depth-range-one-number",
        ),
        pytest.param(
            "dive_site",
            "depth_range_m",
            [15, 3],
            "depth_range_m must be [min, max] with 0 <= min < max <= 40, got [15, 3]",
            id="depth-range-reversed",
        ),
        pytest.param(
            "dive_site",
            "depth_range_m",
            [5, 5],
            "depth_range_m must be [min, max] with 0 <= min < max <= 40, got [5, 5]",
            id="depth-range-empty",
        ),
        pytest.param(
            "dive_site",
            "depth_range_m",
            [-1, 15],
            "depth_range_m must be [min, max] with 0 <= min < max <= 40, got [-1, 15]",
            id="depth-range-above-surface",
        ),
        pytest.param(
            "dive_site",
            "depth_range_m",
            [5, 41],
            "depth_range_m must be [min, max] with 0 <= min < max <= 40, got [5, 41]",
            id="depth-range-past-60",
        ),
        pytest.param(
            "dive_site",
            "depth_range_m",
            ["3", "15"],
            "depth_range_m must be [min, max] with 0 <= min < max <= 40, got ['3', '15']",
            id="depth-range-strings",
        ),
        pytest.param(
            "dive_site",
            "difficulty",
            "easy",
            "difficulty must be one of beginner, intermediate, advanced; got 'easy'",
            id="unknown-difficulty",
        ),
        pytest.param(
            "dive_site",
            "access",
            "pier",
            "access must be one of shore, boat; got 'pier'",
            id="unknown-access",
        ),
        pytest.param(
            "dive_site", "highlights", [], "highlights must not be empty", id="no-highlights"
        ),
        pytest.param(
            "dive_site", "hazards", "none", "hazards must be a list, got 'none'", id="hazards-text"
        ),
        pytest.param(
            "dive_site", "best_months", [], "best_months must not be empty", id="no-months"
        ),
        pytest.param("partner", "demo", False, "demo must be true, got False", id="not-demo"),
        pytest.param("partner", "demo", "yes", "demo must be true, got 'yes'", id="demo-string"),
        pytest.param(
            "partner",
            "delivery",
            {"email": "leads@example.com", "webhook": "https://example.com/leads"},
            "delivery must be exactly one of {email: ...} or {webhook: ...}, got "
            "{'email': 'leads@example.com', 'webhook': 'https://example.com/leads'}",
            id="delivery-both",
        ),
        pytest.param(
            "partner",
            "delivery",
            {"phone": "+60 9 000 0000"},
            "delivery must be exactly one of {email: ...} or {webhook: ...}, got "
            "{'phone': '+60 9 000 0000'}",
            id="delivery-by-phone",
        ),
        pytest.param(
            "partner",
            "delivery",
            {"email": "leads at example.com"},
            "delivery.email must be an email address, got 'leads at example.com'",
            id="delivery-bad-email",
        ),
        pytest.param(
            "partner",
            "delivery",
            {"webhook": "127.0.0.1:9/leads"},
            "delivery.webhook must be an http(s) URL, got '127.0.0.1:9/leads'",
            id="delivery-bad-webhook",
        ),
        pytest.param(
            "partner",
            "courses",
            ["open_water", "nitrox"],
            "courses[1] must be one of discover_scuba, open_water, advanced_open_water, rescue, "
            "divemaster; got 'nitrox'",
            id="specialty-as-course",
        ),
        pytest.param(
            "emergency_contacts",
            "national_numbers",
            [{"country": "Malaysia"}],
            "national_numbers[0] is missing 'number'",
            id="national-number-without-number",
        ),
        pytest.param(
            "emergency_contacts",
            "national_numbers",
            [{"country": "Malaysia", "number": 999}],
            "national_numbers[0].number must be a non-empty string, got 999",
            id="national-number-not-a-string",
        ),
        pytest.param(
            "emergency_contacts",
            "dan_hotlines",
            [{"region": "Europe", "name": "DAN Europe", "phone": "+39 06 4211 8685", "fax": "1"}],
            "dan_hotlines[0] has unknown key 'fax'",
            id="dan-hotline-extra-key",
        ),
        pytest.param(
            "emergency_contacts",
            "dan_hotlines",
            ["DAN Europe +39 06 4211 8685"],
            "dan_hotlines[0] must be a mapping with region, name, phone, "
            "got 'DAN Europe +39 06 4211 8685'",
            id="dan-hotline-as-text",
        ),
    ],
)
def test_field_values_follow_the_readme(tree, kind, field, value, problem):
    tree.write(kind, **{field: value})
    assert tree.problems() == [f"{DEFAULT_PATHS[kind]}: {problem}"]


@pytest.mark.parametrize(
    ("kind", "path", "changes", "location"),
    [
        ("gear", "comfort/fins.md", {}, "gear/*.md"),
        ("certification", "certification/rescue.md", {}, "certifications/*.md"),
        (
            "destination",
            "destinations/redang/index.md",
            {"destination": "redang"},
            "destinations/*/overview.md",
        ),
        (
            "dive_site",
            "destinations/tioman/tiger-reef.md",
            {"site_id": "tiger-reef"},
            "destinations/*/sites/*.md",
        ),
    ],
)
def test_documents_live_in_their_kinds_folder(tree, kind, path, changes, location):
    tree.write(kind, path=path, **changes)
    assert tree.problems() == [f"{path}: a {kind} document belongs at {location}"]


def test_a_destination_is_covered_only_by_an_overview_md(tree):
    (tree.root / "destinations/tioman/overview.md").rename(
        tree.root / "destinations/tioman/index.md"
    )
    assert tree.problems() == [
        "destinations/tioman/index.md: a destination document belongs at "
        "destinations/*/overview.md",
        "destinations/tioman/sites/renggis-island.md: destination 'tioman' has no destination "
        "overview document",
        "partners/tioman-demo-divers.md: destination 'tioman' has no destination overview document",
    ]


def test_a_destination_overview_names_its_own_folder(tree):
    tree.write("destination", path="destinations/redang/overview.md", destination="perhentian")
    assert tree.problems() == [
        "destinations/redang/overview.md: destination 'perhentian' does not match its folder "
        "'redang'"
    ]


def test_a_dive_site_names_the_destination_whose_folder_it_is_in(tree):
    tree.write("dive_site", path="destinations/redang/sites/pulau-paku.md", site_id="pulau-paku")
    assert tree.problems() == [
        "destinations/redang/sites/pulau-paku.md: destination 'tioman' does not match its "
        "folder 'redang'"
    ]


def test_site_id_equals_the_file_name(tree):
    tree.write("dive_site", site_id="renggis")
    assert tree.problems() == [
        "destinations/tioman/sites/renggis-island.md: site_id 'renggis' must equal the file "
        "name 'renggis-island'"
    ]


@pytest.mark.parametrize(
    ("kind", "path", "changes"),
    [
        (
            "dive_site",
            "destinations/sipadan/sites/drop-off.md",
            {"site_id": "drop-off", "destination": "sipadan"},
        ),
        (
            "partner",
            "partners/sipadan-demo-divers.md",
            {"partner_id": "sipadan-demo-divers", "destination": "sipadan"},
        ),
    ],
)
def test_sites_and_partners_need_a_destination_overview(tree, kind, path, changes):
    tree.write(kind, path=path, **changes)
    assert tree.problems() == [
        f"{path}: destination 'sipadan' has no destination overview document"
    ]


def test_site_ids_are_unique(tree):
    tree.write("destination", path="destinations/redang/overview.md", destination="redang")
    tree.write(
        "dive_site", path="destinations/redang/sites/renggis-island.md", destination="redang"
    )
    assert tree.problems() == [
        "destinations/tioman/sites/renggis-island.md: duplicate site_id 'renggis-island' "
        "(already used by destinations/redang/sites/renggis-island.md)"
    ]


def test_partner_ids_are_unique(tree):
    tree.write("partner", path="partners/another-centre.md")
    assert tree.problems() == [
        "partners/tioman-demo-divers.md: duplicate partner_id 'tioman-demo-divers' "
        "(already used by partners/another-centre.md)"
    ]


@pytest.mark.parametrize(
    "body",
    [
        "A single paragraph with no heading.\n",
        "# Title only\n\nA paragraph under the title.\n",
        "### A smaller heading\n\nA paragraph.\n",
        "## An empty heading\n",
    ],
)
def test_every_document_has_a_section(tree, body):
    tree.write("comfort", body=body)
    assert tree.problems() == ["comfort/buoyancy.md: body has no '##' section"]


@pytest.mark.parametrize(
    ("text", "mention", "number"),
    [
        ("The wall drops to 18 m.", "18 m", "18"),
        ("The wall drops to 18m.", "18m", "18"),
        ("The wall drops to 18 metres.", "18 metres", "18"),
        ("The wall drops to 18 meters.", "18 meters", "18"),
        ("The reef top is at 2 m.", "2 m", "2"),
        ("Most dives stay at 12-18 m.", "12-18 m", "18"),
        ("Most dives stay at 12–18 m.", "12–18 m", "18"),
        ("Most dives stay at 12 to 18 m.", "12 to 18 m", "18"),
        ("The sand is at 15.5 m.", "15.5 m", "15.5"),
    ],
)
def test_depths_in_a_dive_sites_body_stay_within_its_depth_range(tree, text, mention, number):
    tree.write("dive_site", body=f"## Conditions\n\n{text}\n")
    assert tree.problems() == [
        f"destinations/tioman/sites/renggis-island.md: body mentions {mention!r}: "
        f"{number} m is outside depth_range_m [3, 15]"
    ]


def test_each_number_of_a_depth_range_outside_the_site_is_reported(tree):
    tree.write("dive_site", body="## Conditions\n\nDives run at 1-18 m.\n")
    assert tree.problems() == [
        "destinations/tioman/sites/renggis-island.md: body mentions '1-18 m': 1 m is outside "
        "depth_range_m [3, 15]",
        "destinations/tioman/sites/renggis-island.md: body mentions '1-18 m': 18 m is outside "
        "depth_range_m [3, 15]",
    ]


def test_depths_within_range_and_other_units_are_fine(tree):
    text = (
        "Between 3 m and 15 m, mostly 5-12 m or 10 to 15 metres. The island is 56 km from "
        "Mersing, a 5 mm wetsuit is plenty, the ride takes 45 minutes and costs RM80."
    )
    tree.write("dive_site", body=f"## Conditions\n\n{text}\n")
    assert tree.problems() == []


def test_depths_outside_dive_sites_are_not_checked(tree):
    tree.write("safety", body="## Depth limits\n\nRecreational limits reach 40 m.\n")
    assert tree.problems() == []


def test_main_reports_a_valid_tree_and_returns_0(tree, capsys):
    assert main(["--root", str(tree.root)]) == 0
    assert capsys.readouterr().out == (
        "knowledge/: 10 documents valid (certification 1, comfort 1, destination 1, "
        "dive_site 1, emergency_contacts 1, equivalency 1, gear 1, logistics 1, partner 1, "
        "safety 1)\n"
    )


def test_main_lists_problems_and_returns_1(tree, capsys):
    tree.write("gear", title=DELETE)
    assert main(["--root", str(tree.root)]) == 1
    assert capsys.readouterr().out == (
        "gear/gear-basics.md: missing required field 'title'\n1 problem(s) in 10 documents\n"
    )


def test_main_counts_an_unreadable_file_as_a_problem(tree, capsys):
    (tree.root / "gear" / "notes.md").write_text("No front matter here.\n", "utf-8")
    assert main(["--root", str(tree.root)]) == 1
    assert capsys.readouterr().out == (
        "gear/notes.md: no YAML front matter between '---' lines\n1 problem(s) in 11 documents\n"
    )


def test_main_refuses_a_root_that_is_not_a_directory(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(tmp_path / "missing")])
    assert exit_info.value.code == 2
    assert "is not a directory" in capsys.readouterr().err


SITE = "destinations/tioman/sites/renggis-island.md"
NOTE = "the cavern itself is for certified cave divers with a guide"


def test_depth_limits_follow_the_agencies_for_each_level():
    assert CERTIFICATION_DEPTH_LIMITS_M["open_water"] == 18
    assert CERTIFICATION_DEPTH_LIMITS_M["advanced_open_water"] == 30
    assert CERTIFICATION_DEPTH_LIMITS_M["deep"] == 40
    assert set(CERTIFICATION_LEVELS) <= set(CERTIFICATION_DEPTH_LIMITS_M)


def test_hazards_come_from_the_fixed_vocabulary(tree):
    tree.write("dive_site", hazards=["boat traffic"])
    assert tree.problems() == [
        f"{SITE}: hazards[0] must be one of {', '.join(HAZARDS)}; got 'boat traffic'"
    ]


@pytest.mark.parametrize("hazard", ["cavern", "cave", "overhead_environment", "wreck_penetration"])
def test_an_overhead_site_without_restricted_to_is_rejected(tree, hazard):
    tree.write("dive_site", hazards=[hazard], depth_range_m=[3, 15])
    assert tree.problems() == [
        f"{SITE}: hazards {hazard} need restricted_to (cave, wreck_penetration, deep): "
        "no certification level opens an overhead site"
    ]


def test_an_overhead_site_with_its_restriction_spelled_out_is_valid(tree):
    tree.write("dive_site", hazards=["cavern", "cave"], restricted_to="cave", restriction_note=NOTE)
    assert tree.problems() == []


def test_a_restricted_site_must_say_what_the_restriction_means(tree):
    tree.write("dive_site", hazards=["cavern"], restricted_to="cave")
    assert tree.problems() == [
        f"{SITE}: restricted_to needs a restriction_note telling divers what it means"
    ]


def test_a_restriction_note_needs_a_restriction(tree):
    tree.write("dive_site", restriction_note=NOTE)
    assert tree.problems() == [f"{SITE}: restriction_note is only for a site with restricted_to"]


def test_a_30_m_site_marked_open_water_is_rejected(tree):
    tree.write("dive_site", depth_range_m=[5, 30])
    assert tree.problems() == [
        f"{SITE}: depth_range_m goes to 30 m, beyond the 18 m limit of open_water: "
        "raise min_certification or set restricted_to: deep"
    ]


def test_a_30_m_site_for_advanced_divers_is_valid(tree):
    tree.write("dive_site", depth_range_m=[5, 30], min_certification="advanced_open_water")
    assert tree.problems() == []


def test_a_site_deeper_than_30_m_is_only_for_deep_divers(tree):
    deep = {"depth_range_m": [20, 40], "min_certification": "advanced_open_water"}
    tree.write("dive_site", **deep)
    assert tree.problems() == [
        f"{SITE}: depth_range_m goes to 40 m, beyond the 30 m limit of advanced_open_water: "
        "raise min_certification or set restricted_to: deep"
    ]
    tree.write("dive_site", **deep, restricted_to="deep", restriction_note="a deep dive")
    assert tree.problems() == []


@pytest.mark.parametrize("verified", ["2026-13", "2026-1", "Dec 2026", 202612])
def test_a_dated_fact_says_its_month_as_yyyy_mm(tree, verified):
    tree.write("destination", chambers=[CHAMBER | {"verified": verified}])
    assert tree.problems() == [
        "destinations/tioman/overview.md: chambers[0].verified must be a quoted year and month "
        f'("YYYY-MM"), got {verified!r}'
    ]


def test_a_chamber_has_a_source_and_a_known_status(tree):
    chamber = {key: value for key, value in CHAMBER.items() if key != "source"}
    tree.write("destination", chambers=[chamber | {"status": "rumoured"}])
    assert tree.problems() == [
        "destinations/tioman/overview.md: chambers[0].status must be one of listed, reported, "
        "unconfirmed; got 'rumoured'",
        "destinations/tioman/overview.md: chambers[0] is missing 'source'",
    ]


def test_main_warns_about_a_fact_unverified_for_18_months_and_still_passes(tree, capsys):
    tree.write("destination", chambers=[CHAMBER | {"verified": "2020-01"}])
    assert main(["--root", str(tree.root)]) == 0
    warning = capsys.readouterr().out.splitlines()[0]
    assert warning.startswith(
        "warning: destinations/tioman/overview.md: chambers[0] was last verified 2020-01"
    )


def test_every_month_is_in_season_limited_or_closed_exactly_once(tree):
    tree.write("destination", season={**SEASON, "closed_months": [11, 12]})
    [problem] = tree.problems()
    assert "must name each month 1-12 exactly once" in problem


def test_a_month_has_one_conditions_record(tree):
    record = TYPE_SPECIFIC_FIELDS["destination"]["conditions"][0]
    tree.write("destination", conditions=[record, {**record, "months": [5, 6]}])
    assert tree.problems() == [
        "destinations/tioman/overview.md: conditions: a month appears in more than one record"
    ]


def test_site_interests_come_from_the_fixed_list(tree):
    tree.write("dive_site", interests=["turtles", "mermaids"])
    [problem] = tree.problems()
    assert "interests[1] must be one of turtles, sharks" in problem


def test_a_travel_time_starts_from_a_known_gateway(tree):
    travel = TYPE_SPECIFIC_FIELDS["destination"]["travel"][0]
    tree.write("destination", travel=[{**travel, "from": "london"}])
    [problem] = tree.problems()
    assert "travel[0].from must be one of kuala_lumpur, singapore, kota_kinabalu" in problem
