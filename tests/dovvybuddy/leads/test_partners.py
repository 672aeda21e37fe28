"""Partners from knowledge/ and routing a destination to one of them."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from dovvybuddy.common.settings import load_settings
from dovvybuddy.knowledge.documents import KnowledgeError
from dovvybuddy.knowledge.vocabulary import DESTINATIONS, PARTNER_SERVICES
from dovvybuddy.leads.partners import load_partners, partner_by_id, partner_for, partners_fitting


def write_partner(root, file_name, partner_id, destination, delivery):
    (root / "partners").mkdir(exist_ok=True)
    (root / "partners" / file_name).write_text(
        textwrap.dedent(
            f"""\
            ---
            kind: partner
            title: "{partner_id}"
            partner_id: {partner_id}
            name: "{partner_id} dive centre"
            destination: {destination}
            delivery: {delivery}
            ---

            ## About this partner

            Test data.
            """
        )
    )


def test_partners_are_read_from_knowledge():
    partners = {partner.partner_id: partner for partner in load_partners()}

    # Two or three demo centres per covered destination.
    per_destination = {
        destination: sum(p.destination == destination for p in partners.values())
        for destination in DESTINATIONS
    }
    assert all(2 <= count <= 3 for count in per_destination.values()), per_destination
    assert all(p.partner_id != "default" and "(demo)" in p.name for p in partners.values())
    tioman = partners["tioman-demo-divers"]
    assert (tioman.name, tioman.destination) == ("Tioman Demo Dive Centre (demo)", "tioman")
    assert (tioman.email, tioman.webhook, tioman.transport) == (
        "leads+tioman@example.com",
        None,
        "email",
    )
    sipadan = partners["sipadan-demo-divers"]
    assert (sipadan.email, sipadan.webhook, sipadan.transport) == (
        None,
        "http://127.0.0.1:9/leads/sipadan",
        "webhook",
    )


@pytest.mark.parametrize(
    ("destination", "partner_id", "transport"),
    [
        ("tioman", "tioman-demo-divers", "email"),
        ("perhentian", "perhentian-demo-divers", "email"),
        ("redang", "redang-demo-divers", "email"),
        (" Sipadan ", "sipadan-demo-divers", "webhook"),
    ],
)
def test_a_covered_destination_goes_to_its_partner(destination, partner_id, transport):
    partner = partner_for(destination)
    assert (partner.partner_id, partner.transport) == (partner_id, transport)


@pytest.mark.parametrize("destination", ["langkawi", "", None])
def test_other_destinations_go_to_the_default_inbox(destination):
    settings = dataclasses.replace(load_settings(), default_lead_email="team@example.org")

    partner = partner_for(destination, settings)

    assert partner.partner_id == "default"
    assert partner.name == "DovvyBuddy team"
    assert (partner.email, partner.transport) == ("team@example.org", "email")


def test_default_inbox_address_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DOVVY_DEFAULT_LEAD_EMAIL", "inbox@example.net")
    assert partner_for("langkawi").email == "inbox@example.net"
    monkeypatch.delenv("DOVVY_DEFAULT_LEAD_EMAIL")
    assert partner_for("langkawi").email == "leads@dovvybuddy.example"


def test_first_partner_by_id_wins_when_two_cover_a_destination(tmp_path):
    write_partner(tmp_path, "a.md", "zeta-divers", "redang", "{email: z@example.com}")
    write_partner(tmp_path, "b.md", "alpha-divers", "redang", "{webhook: 'https://h/x'}")

    assert partner_for("redang", root=tmp_path).partner_id == "alpha-divers"


@pytest.mark.parametrize(
    "delivery",
    ["{email: a@example.com, webhook: 'http://h/x'}", "{}", "{fax: '123'}", "a@example.com"],
)
def test_a_partner_needs_exactly_one_delivery_address(tmp_path, delivery):
    write_partner(tmp_path, "bad.md", "bad-divers", "redang", delivery)

    with pytest.raises(KnowledgeError, match=r"partners/bad\.md"):
        load_partners(tmp_path)


def test_every_centre_says_what_it_offers_and_which_languages_it_speaks():
    for partner in load_partners():
        assert partner.services and set(partner.services) <= set(PARTNER_SERVICES)
        assert partner.languages
        # A centre lists courses exactly when it offers them.
        assert bool(partner.courses) == ("courses" in partner.services), partner.partner_id


def test_the_centres_that_fit_offer_every_service_asked_for():
    trips = partners_fitting("tioman", ("trips",))
    assert len(trips) >= 2
    with_gear = partners_fitting("tioman", ("trips", "gear_rental"))
    assert with_gear and all("gear_rental" in p.services for p in with_gear)
    assert len(with_gear) < len(trips)
    liveaboard = partners_fitting("sipadan", ("trips", "liveaboard"))
    assert [p.partner_id for p in liveaboard] == ["sipadan-liveaboard-demo"]


def test_a_course_narrows_the_centres_to_those_that_teach_it():
    teaching = partners_fitting("tioman", ("courses",), "divemaster")
    assert [p.partner_id for p in teaching] == ["tioman-reef-demo"]
    assert len(partners_fitting("tioman", ("courses",), "open_water")) >= 2


def test_no_destination_fits_no_centre():
    assert partners_fitting(None, ("trips",)) == []
    assert partners_fitting("langkawi", ("trips",)) == []


def test_a_centre_is_found_by_its_id_and_any_is_none():
    assert partner_by_id("redang-pasir-demo").destination == "redang"
    assert partner_by_id("any") is None
