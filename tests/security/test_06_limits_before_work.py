"""Finding 6: limits before work (body size, metadata, nesting, every request counted)."""

from connectors.validation import parse_request
from tests.connectors.test_validation import LIMIT, body
from tests.connectors.test_web_access import Caller, policy, refusal


def test_small_flat_metadata_is_kept():
    metadata = {"page": "/courses", "locale": "en-MY", "utm": {"source": "newsletter"}}
    assert parse_request(body(sender="a", message="hi", metadata=metadata), LIMIT)[2] == metadata


def test_a_wrong_token_still_spends_the_address_budget():
    access = policy(token="t", per_address=2)
    forger = Caller(None, "Bearer nope", "198.51.100.4")
    for _ in range(2):
        access.count_request(forger)
    assert refusal(lambda: access.count_request(forger)).status == 429
