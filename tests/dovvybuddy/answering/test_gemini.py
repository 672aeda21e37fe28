"""Gemini answers through google-genai's real client, against a fake server."""

import pytest

from dovvybuddy.answering.evidence import Evidence
from dovvybuddy.answering.gemini import (
    SYSTEM_INSTRUCTION,
    ConversationContext,
    GeminiAnswerWriter,
    GeminiUnavailable,
)
from tests.conftest import make_passage
from tests.fakes.gemini_server import Behaviour, answer

PASSAGES = [
    make_passage("Open Water typically takes three to four days.", heading="How long it takes"),
    make_passage("Tiger Reef is a boat dive.", title="Tiger Reef, Tioman"),
]
EVIDENCE = Evidence(PASSAGES[0], ("Open Water typically takes three to four days.",))
CONTEXT = ConversationContext(
    profile={"certification_level": "open_water", "destination": "tioman"},
    history=[("user", "hi"), ("model", "Hi, I'm DovvyBuddy!")],
)


async def test_the_request_carries_model_instruction_evidence_passages_profile_and_history(
    gemini_settings, fake_gemini
):
    fake_gemini.behaviours.append(answer("About three to four days."))
    writer = GeminiAnswerWriter(gemini_settings, max_words=120)

    text = await writer.write("how long is open water?", EVIDENCE, PASSAGES, CONTEXT)

    assert text == "About three to four days."
    path, body = fake_gemini.requests[0]
    assert path.endswith(f"/models/{gemini_settings.gemini_model}:generateContent")
    instruction = body["systemInstruction"]["parts"][0]["text"]
    assert instruction.startswith(SYSTEM_INSTRUCTION.split("\n")[0])
    assert "at most 120 words" in instruction
    turns = [(c["role"], c["parts"][0]["text"]) for c in body["contents"]]
    assert turns[:2] == [("user", "hi"), ("model", "Hi, I'm DovvyBuddy!")]
    prompt = turns[-1][1]
    # The same sentences the offline answer would quote come first, as the key evidence.
    assert (
        "Key evidence (from [1] Open Water Diver):\n"
        "- Open Water typically takes three to four days.\n\nPassages:"
    ) in prompt
    assert "[1] Open Water Diver - How long it takes" in prompt
    assert "[2] Tiger Reef, Tioman" in prompt
    assert "certification_level: open_water" in prompt
    assert prompt.endswith("Question: how long is open water?")


@pytest.mark.parametrize(
    "failure",
    [
        Behaviour(delay_seconds=3.0, body={}),
        Behaviour(status=429, body={"error": {"code": 429, "message": "quota"}}),
        Behaviour(status=500, body={"error": {"code": 500, "message": "boom"}}),
        Behaviour(status=200, body=b"{not json"),
        Behaviour(status=200, body={"candidates": []}),
    ],
    ids=["timeout", "429", "500", "malformed-json", "no-candidates"],
)
async def test_every_failure_becomes_gemini_unavailable(gemini_settings, fake_gemini, failure):
    fake_gemini.default = failure
    writer = GeminiAnswerWriter(gemini_settings, max_words=120)

    with pytest.raises(GeminiUnavailable):
        await writer.write("how long is open water?", EVIDENCE, PASSAGES, CONTEXT)


async def test_a_server_error_is_retried_once(gemini_settings, fake_gemini):
    fake_gemini.behaviours.append(Behaviour(status=503, body={"error": {"code": 503}}))
    fake_gemini.behaviours.append(answer("Second time lucky."))
    writer = GeminiAnswerWriter(gemini_settings, max_words=120)

    assert await writer.write("q", EVIDENCE, PASSAGES, CONTEXT) == "Second time lucky."
    assert len(fake_gemini.requests) == 2
