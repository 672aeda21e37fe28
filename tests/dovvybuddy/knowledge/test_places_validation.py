"""knowledge/places/dive_regions.yml is checked by `make validate-knowledge`."""

import shutil

import yaml

from dovvybuddy.knowledge.documents import KNOWLEDGE_DIR
from dovvybuddy.knowledge.places import read_places_file
from dovvybuddy.knowledge.places_validation import MIN_DIVE_REGIONS, place_file_problems
from dovvybuddy.knowledge.validation import main as validate_knowledge


def write_places(tmp_path, change):
    data = read_places_file()
    change(data)
    (tmp_path / "places").mkdir()
    (tmp_path / "places" / "dive_regions.yml").write_text(yaml.safe_dump(data))
    return place_file_problems(tmp_path)


def test_the_committed_file_is_valid():
    assert place_file_problems(KNOWLEDGE_DIR) == []


def test_it_lists_at_least_150_dive_regions():
    assert len(read_places_file()["dive_regions"]) >= MIN_DIVE_REGIONS == 150


def test_a_folder_without_the_file_has_nothing_to_check(tmp_path):
    assert place_file_problems(tmp_path) == []


def test_an_unknown_country_code_is_reported(tmp_path):
    problems = write_places(tmp_path, lambda d: d["dive_regions"][0].update(country="XX"))
    assert problems == [
        "places/dive_regions.yml: dive_regions[0] country 'XX' is not an ISO 3166 code"
    ]


def test_a_name_listed_twice_is_reported(tmp_path):
    problems = write_places(
        tmp_path, lambda d: d["dive_regions"].append({"name": "koh tao", "country": "TH"})
    )
    assert problems == ["places/dive_regions.yml: 'koh tao' is listed more than once"]


def test_a_transit_point_must_serve_a_covered_destination(tmp_path):
    problems = write_places(tmp_path, lambda d: d["transit_points"][0].update(serves="bali"))
    assert problems == [
        "places/dive_regions.yml: transit_points[0] serves 'bali', not a covered destination"
    ]


def test_sources_are_required(tmp_path):
    problems = write_places(tmp_path, lambda d: d.update(sources=[]))
    assert problems == [
        "places/dive_regions.yml: sources must list a title and url for each source"
    ]


def test_validate_knowledge_checks_the_places_file(tmp_path):
    shutil.copytree(KNOWLEDGE_DIR, tmp_path / "knowledge")
    path = tmp_path / "knowledge" / "places" / "dive_regions.yml"
    path.write_text(path.read_text().replace("country: PW", "country: ZZ"))
    assert validate_knowledge(["--root", str(tmp_path / "knowledge")]) == 1


def test_a_region_destination_must_be_a_covered_region_and_a_destination(tmp_path):
    problems = write_places(
        tmp_path, lambda d: d["region_destinations"].update({"Atlantis": "sipadan", "Sabah": "x"})
    )
    assert len(problems) == 2
    assert all("region_destinations" in problem for problem in problems)
