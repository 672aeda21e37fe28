"""Who may use the web channel, and how often."""

import pytest

from connectors.validation import InvalidRequest
from connectors.web_access import Caller, RateLimited, WebAccessPolicy

SITE = "https://divecentre.example"


def policy(origins=(SITE,), token=None, per_sender=3, per_address=5) -> WebAccessPolicy:
    return WebAccessPolicy(origins, token, per_sender, per_address)


def browser(origin=SITE, address="203.0.113.7") -> Caller:
    return Caller(origin=origin, authorization=None, address=address)


def refusal(call) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as raised:
        call()
    return raised.value


def test_a_page_on_an_allowed_origin_may_send():
    assert policy().admit(browser()) is False


def test_origins_match_without_case_or_trailing_slash():
    assert policy().admit(browser(origin="HTTPS://DiveCentre.example/")) is False


def test_a_page_on_another_origin_is_refused_with_403():
    refused = refusal(lambda: policy().admit(browser(origin="https://evil.example")))
    assert (refused.status, refused.error) == (403, "origin_not_allowed")


def test_a_star_allows_every_origin():
    assert policy(origins=("*",)).admit(browser(origin="https://any.example")) is False


def test_without_a_token_configured_a_request_without_origin_is_admitted():
    assert policy().admit(Caller(None, None, "127.0.0.1")) is False


def test_with_a_token_configured_a_server_request_must_carry_it():
    refused = refusal(lambda: policy(token="s3cret").admit(Caller(None, None, "10.0.0.2")))
    assert (refused.status, refused.error) == (401, "token_required")


def test_the_right_token_makes_a_trusted_server():
    caller = Caller(None, "Bearer s3cret", "10.0.0.2")
    assert policy(token="s3cret").admit(caller) is True


def test_a_wrong_token_is_refused_with_401():
    refused = refusal(lambda: policy(token="s3cret").admit(Caller(None, "Bearer nope", "10.0.0.2")))
    assert (refused.status, refused.error) == (401, "invalid_token")


def test_a_sender_over_its_budget_gets_429_with_a_retry_time():
    access = policy(per_sender=2)
    access.count_message("diver-1")
    access.count_message("diver-1")
    refused = refusal(lambda: access.count_message("diver-1"))
    assert isinstance(refused, RateLimited)
    assert refused.status == 429 and 1 <= refused.retry_after_seconds <= 60
    access.count_message("diver-2")  # other divers are unaffected


def test_one_address_cannot_exceed_its_budget_by_changing_sender():
    access = policy(per_sender=100, per_address=3)
    for _ in range(3):
        access.count_request(browser())
    refused = refusal(lambda: access.count_request(browser()))
    assert refused.status == 429 and "network" in refused.detail


def test_a_trusted_server_is_exempt_from_the_address_budget():
    access = policy(token="t", per_address=1)
    server = Caller(None, "Bearer t", "10.0.0.2")
    for _ in range(5):
        access.count_request(server)
