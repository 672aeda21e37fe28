"""The hardened web channel: allowed origins, the shared token and rate limits.

The shared stack leaves the token unset and allows the demo page's origin
(the default), so requests without an Origin header (these tests, servers)
are admitted and browsers on other sites are not.
"""

import pytest

pytestmark = pytest.mark.e2e


def post_as(stack, sender, text, **headers):
    return stack.session.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=headers,
        timeout=30,
    )


def demo_origin(stack) -> str:
    return f"http://127.0.0.1:{stack.env.get('DOVVY_WEB_PORT', '8080')}"


def test_the_demo_page_origin_may_chat(stack, sender):
    reply = post_as(stack, sender, "hi", Origin=demo_origin(stack))
    assert reply.status_code == 200
    assert "DovvyBuddy" in reply.json()[0]["text"]


def test_a_page_on_another_site_is_refused(stack, sender):
    reply = post_as(stack, sender, "hi", Origin="https://evil.example")
    assert reply.status_code == 403
    assert reply.json()["error"] == "origin_not_allowed"


def test_browsers_on_the_demo_page_pass_the_cors_preflight(stack):
    reply = stack.session.options(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        headers={
            "Origin": demo_origin(stack),
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert reply.headers.get("Access-Control-Allow-Origin") == demo_origin(stack)


def test_a_sender_sending_too_fast_gets_a_429_and_others_are_unaffected(stack, sender):
    limit = int(stack.env.get("DOVVY_WEB_RATE_PER_SENDER_PER_MINUTE", "30"))
    statuses = [post_as(stack, sender, "hi").status_code for _ in range(limit)]
    assert statuses == [200] * limit
    refused = post_as(stack, sender, "hi")
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "DovvyBuddy" in stack.say(f"{sender}-other", "hi")[0]
