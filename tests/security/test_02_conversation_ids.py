"""Web conversation ids: only the server's are accepted."""

import pytest

from connectors.validation import InvalidRequest, parse_request
from dovvybuddy.common.conversation_ids import is_issued_conversation_id, issue_conversation_id
from dovvybuddy.ops.launcher import conversation_id
from tests.connectors.test_validation import LIMIT, body


def test_an_issued_conversation_id_is_recognised():
    issued = issue_conversation_id()
    assert issued.startswith("web.") and is_issued_conversation_id(issued)
    assert issue_conversation_id() != issued


@pytest.mark.parametrize(
    "tamper",
    [
        lambda issued: issued[:-1] + ("0" if issued[-1] != "0" else "1"),
        lambda issued: issued.replace("web.", "web.x", 1),
        lambda issued: issued.rsplit(".", 1)[0],
        lambda issued: "diver-42",
        lambda issued: "web..",
        lambda issued: "tg:" + issued,
    ],
)
def test_an_id_the_server_did_not_issue_is_not_recognised(tamper):
    assert not is_issued_conversation_id(tamper(issue_conversation_id()))


def test_ids_issued_under_another_secret_are_not_recognised(monkeypatch):
    monkeypatch.setenv("DOVVY_HASH_SECRET", "deployment-a")
    issued = issue_conversation_id()
    monkeypatch.setenv("DOVVY_HASH_SECRET", "deployment-b")
    assert not is_issued_conversation_id(issued)


def test_the_launcher_names_a_conversation_the_same_way_every_time():
    assert conversation_id("e2e-diver") == conversation_id("e2e-diver")
    assert conversation_id("e2e-diver") != conversation_id("e2e-other")


def test_the_launcher_keeps_an_id_that_is_already_valid():
    named = conversation_id("e2e-diver")
    assert conversation_id(named) == named
    assert conversation_id(named + "-other") != named + "-other"


def test_a_sender_is_stored_trimmed_and_compatibility_normalised():
    assert parse_request(body(sender="  \uff44iver-1 ", message="hi"), LIMIT)[0] == "diver-1"


@pytest.mark.parametrize("sender", [" tg:123456", "TG:123456", "\uff54\uff47:123456", "tg:-100"])
def test_no_spelling_of_the_telegram_prefix_reaches_a_telegram_conversation(sender):
    with pytest.raises(InvalidRequest) as refused:
        parse_request(body(sender=sender, message="hi"), LIMIT)
    assert (refused.value.status, refused.value.error) == (400, "invalid_sender")


@pytest.mark.parametrize(
    "sender", [" wa:60123456789", "WA:60123456789", "\uff57\uff41:6012", "wA:1"]
)
def test_no_spelling_of_the_whatsapp_prefix_reaches_a_whatsapp_conversation(sender):
    with pytest.raises(InvalidRequest) as refused:
        parse_request(body(sender=sender, message="hi"), LIMIT)
    assert (refused.value.status, refused.value.error) == (400, "invalid_sender")
