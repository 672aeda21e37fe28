"""Partners from knowledge/ and routing a destination to one of them."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from dovvybuddy.common.settings import load_settings
from dovvybuddy.knowledge.documents import KnowledgeError
from dovvybuddy.leads.partners import load_partners, partner_for


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

    assert sorted(partners) == [
        "perhentian-demo-divers",
        "redang-demo-divers",
        "sipadan-demo-divers",
        "tioman-demo-divers",
    ]
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
