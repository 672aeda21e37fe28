"""The chat API's contract (web/openapi.json) holds against the live stack.

Schemathesis generates valid and invalid requests for every documented
operation from the document itself; each response must be documented (status,
content type, headers, JSON schema) and none may be a 5xx. Half the generated
messages are sent in a real conversation, so the text goes through the whole
pipeline (NLU, safety layer, actions) and not only the request checks.
"""

from __future__ import annotations

import json
import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import positive_data_acceptance

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.ops.launcher import conversation_id

pytestmark = pytest.mark.e2e

CONTRACT = PROJECT_ROOT / "web" / "openapi.json"
schema = schemathesis.openapi.from_path(CONTRACT)


def test_the_contract_is_a_valid_openapi_document():
    document = json.loads(CONTRACT.read_text())
    validate(document)
    assert document["openapi"].startswith("3.1")
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert ("POST", "/webhooks/rest/webhook") in operations
    webhook = document["paths"]["/webhooks/rest/webhook"]["post"]["responses"]
    # Every error the channel returns is documented.
    assert {"200", "400", "401", "403", "413", "429", "503"} <= set(webhook)
    # Both lead links, each as a page (GET) and its button (POST).
    for path in ("/leads/contacted", "/leads/withdraw"):
        assert set(document["paths"][path]) == {"servers", "get", "post"}
        assert {"400", "403", "404", "409", "410"} <= set(
            document["paths"][path]["post"]["responses"]
        )


def test_the_web_server_serves_the_contract(stack):
    reply = stack.session.get(f"{stack.web_url}/openapi.json", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json() == json.loads(CONTRACT.read_text())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case, stack):
    if isinstance(case.body, dict) and isinstance(case.body.get("sender"), str):
        # A random sender is refused before any work; a real one reaches Rasa.
        if random.random() < 0.5:
            case.body["sender"] = conversation_id(f"contract-{random.randrange(1000)}")
    # A schema-valid message with a sender the channel did not issue is
    # refused by design (400 unknown_conversation): the signature on an id
    # cannot be written in a schema, so that one check is left out.
    # The lead links' pages are the web server's; the chat API is Rasa's.
    base_url = stack.web_url if case.path.startswith("/leads/") else stack.rasa_url
    case.call_and_validate(
        base_url=base_url, timeout=60, excluded_checks=[positive_data_acceptance]
    )
