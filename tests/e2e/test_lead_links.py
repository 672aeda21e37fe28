"""The links in lead emails, end to end: a lead confirmed over REST reaches the fake
SMTP server with a signed link for the partner ("contacted") and one for the diver
(withdraw); the web server acts on each once and refuses forged or broken ones."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import psycopg
import pytest
from psycopg.rows import dict_row

pytestmark = pytest.mark.e2e

TIOMAN_PARTNER_EMAIL = "leads+tioman@example.com"
LINK = re.compile(r"(http://\S+/leads/(?:contacted|withdraw)\?token=\S+)")


def confirm_training_lead(stack, sender, name, email):
    """A diver asks for an Open Water course in Tioman and confirms the enquiry."""
    for text in ("I want to learn to dive in Tioman", name, email, "skip", "none yet"):
        stack.say(sender, text)
    for text in ("open water", "early May", "any of them", "skip", "yes"):
        stack.say(sender, text)
    assert stack.say(sender, "yes")[-1].startswith("Done!")


def lead_of(stack, email):
    with psycopg.connect(stack.info["database_url"], row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM leads WHERE email = %s", (email,)).fetchone()


def lead_by_id(stack, lead_id):
    with psycopg.connect(stack.info["database_url"], row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM leads WHERE id = %s", (lead_id,)).fetchone()


def link_in(message, path):
    [link] = [url for url in LINK.findall(message.get_content()) if f"/leads/{path}?" in url]
    return link


def press(stack, link):
    """The page's button: POST the link's token to the link's path."""
    path, _, query = link.partition("?")
    return stack.session.post(
        path,
        data=query,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )


def wait_for_status(stack, lead_id, status, timeout=30.0):
    deadline = time.monotonic() + timeout
    while lead_by_id(stack, lead_id)["status"] != status:
        assert time.monotonic() < deadline, f"lead never became {status}"
        time.sleep(0.2)


def run_tool(stack, module, *args):
    """Run a `make` tool's module against the stack's database; return its output."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**stack.env, "DATABASE_URL": stack.info["database_url"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_the_partner_link_marks_contacted_exactly_once_and_a_forged_one_is_refused(
    stack, sender, smtp_server, tmp_path
):
    confirm_training_lead(stack, sender, "Kai Links", "kai.links@example.com")
    mail = smtp_server.message_containing("New training lead: Kai Links")
    link = link_in(mail, "contacted")
    assert link.startswith(stack.web_url)
    lead_id = lead_of(stack, "kai.links@example.com")["id"]
    wait_for_status(stack, lead_id, "delivered")

    page = stack.session.get(link, timeout=10)  # what a mail scanner's prefetch does
    assert page.status_code == 200 and 'method="post"' in page.text
    assert lead_by_id(stack, lead_id)["status"] == "delivered"

    forged = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    assert press(stack, forged).status_code == 403
    assert lead_by_id(stack, lead_id)["contacted_at"] is None

    assert press(stack, link).status_code == 200
    contacted = lead_by_id(stack, lead_id)
    assert contacted["status"] == "contacted" and contacted["contacted_at"] is not None
    second = press(stack, link)
    assert second.status_code == 409 and "Already recorded" in second.text
    assert lead_by_id(stack, lead_id)["contacted_at"] == contacted["contacted_at"]

    # `make leads` shows the status and time; `make insights` counts the step.
    listing = run_tool(stack, "dovvybuddy.leads.cli", "list", "--limit", "100")
    [row] = [line for line in listing.splitlines() if str(lead_id) in line]
    assert "contacted" in row.split() and contacted["contacted_at"].strftime("%H:%M") in row
    run_tool(stack, "dovvybuddy.analytics.insights", "--out-dir", str(tmp_path))
    leads = json.loads((tmp_path / "insights.json").read_text())["leads"]
    assert leads["total"]["contacted"] >= 1
    tioman = leads["time_to_contact_by_partner"]["tioman-demo-divers"]
    assert tioman["contacted"] >= 1 and tioman["median_hours_to_contact"] is not None


def test_the_diver_link_withdraws_after_confirming_and_the_partner_is_told(
    stack, sender, smtp_server
):
    confirm_training_lead(stack, sender, "Lea Withdraw", "lea.withdraw@example.com")
    copy = smtp_server.message_containing("\nTo: Lea Withdraw <lea.withdraw@example.com>")
    link = link_in(copy, "withdraw")
    assert "reply to this email" not in copy.get_content()
    lead_id = lead_of(stack, "lea.withdraw@example.com")["id"]
    wait_for_status(stack, lead_id, "delivered")

    asked = stack.session.get(link, timeout=10)
    assert asked.status_code == 200 and "Withdraw my enquiry" in asked.text
    assert lead_by_id(stack, lead_id)["email"] == "lea.withdraw@example.com"

    done = press(stack, link)
    assert done.status_code == 200 and "told to delete them too" in done.text
    withdrawn = lead_by_id(stack, lead_id)
    assert withdrawn["status"] == "withdrawn"
    assert (withdrawn["name"], withdrawn["email"], withdrawn["phone"]) == ("", "", None)
    assert withdrawn["details"] == {} and withdrawn["diver_profile"] == {}

    notice = smtp_server.message_containing(f"Withdrawn by the diver: lead {lead_id}")
    assert notice["To"] == TIOMAN_PARTNER_EMAIL
    assert "Lea" not in notice.get_content()
    assert press(stack, link).status_code == 409


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/leads/contacted?token=garbage", None),
        ("GET", "/leads/withdraw?token=" + "A" * 5000, None),
        ("POST", "/leads/withdraw", "token=" + "A" * 5000),
        ("POST", "/leads/contacted", "token=00000000-0000-0000-0000-000000000000.1.x"),
        ("PUT", "/leads/contacted?token=x", None),
        ("DELETE", "/leads/withdraw?token=x", None),
    ],
)
def test_bad_link_requests_get_a_clear_4xx(stack, method, path, body):
    reply = stack.session.request(
        method,
        f"{stack.web_url}{path}",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert 400 <= reply.status_code < 500
    assert reply.text.strip()
