"""The google-genai client, shared by Gemini embeddings and Gemini answers.

Apart from the answer writer (`dovvybuddy.answering.gemini`) so that the
embedders can use it without importing answering.
"""

from __future__ import annotations

from functools import lru_cache

from google import genai
from google.genai import types

from dovvybuddy.common.settings import Settings


class GeminiUnavailable(Exception):
    """Gemini could not give a usable answer (timeout, error, malformed reply)."""


@lru_cache(maxsize=4)
def gemini_client(settings: Settings) -> genai.Client:
    """A client created once per process, with a timeout and bounded retries.

    `GEMINI_BASE_URL` points it elsewhere (the tests' fake server on 127.0.0.1).
    """
    if not settings.gemini_api_key:
        raise RuntimeError("GEMINI_API_KEY is not set")
    return genai.Client(
        api_key=settings.gemini_api_key,
        http_options=types.HttpOptions(
            base_url=settings.gemini_base_url,
            timeout=int(settings.gemini_timeout_seconds * 1000),
            retry_options=types.HttpRetryOptions(
                attempts=2,
                initial_delay=0.2,
                max_delay=1.0,
                jitter=0.1,
                http_status_codes=[429, 500, 503],
            ),
        ),
    )
