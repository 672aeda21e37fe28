"""Prometheus metrics: every metric DovvyBuddy exports, defined in one place.

Each process counts what it does, in its own registry, and serves it on a
path that is not public (nginx does not route it):

- the Rasa server (chat channels, tracker store): `GET /webhooks/rest/metrics`;
- the action server (answers, safety replies, Gemini, leads stored): `GET /metrics`;
- the lead delivery worker (partner deliveries): `GET /metrics` on its health port.

`deploy/prometheus/` holds the scrape configuration, the alert rules and the
Grafana dashboard built on these names.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

# Turn latencies: most turns take 50-300 ms, a Gemini answer up to seconds.
TURN_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
RETRIEVAL_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)

# Rasa server
TURNS = Counter(
    "dovvybuddy_turns",
    "Messages a chat channel received, by how the turn ended "
    "(answered, no_reply, slow, refused, starting).",
    ["channel", "outcome"],
)
TURN_SECONDS = Histogram(
    "dovvybuddy_turn_seconds",
    "Time from receiving a message to sending its reply.",
    ["channel"],
    buckets=TURN_BUCKETS,
)
RATE_LIMITED = Counter(
    "dovvybuddy_rate_limited", "Messages refused by a rate limit.", ["channel", "limit"]
)
INTENTS = Counter(
    "dovvybuddy_intents",
    "Intents the NLU gave to diver messages (nlu_fallback: not understood).",
    ["intent"],
)

# Action server
ANSWERS = Counter(
    "dovvybuddy_answers",
    "Open questions by where the answer came from (gemini, extractive, refused).",
    ["source"],
)
RETRIEVAL_SECONDS = Histogram(
    "dovvybuddy_retrieval_seconds",
    "Time to find the passages for one question (all its searches).",
    buckets=RETRIEVAL_BUCKETS,
)
SAFETY_REPLIES = Counter(
    "dovvybuddy_safety_replies",
    "Fixed safety replies by category (emergency, medical_question, dive_plan_request, "
    "prompt_injection).",
    ["category"],
)
GEMINI_CALLS = Counter(
    "dovvybuddy_gemini_calls",
    "Gemini answer calls by outcome (ok, error, budget_spent, rejected).",
    ["outcome"],
)
GEMINI_TOKENS = Counter("dovvybuddy_gemini_tokens", "Tokens Gemini reported using.")
GEMINI_COST = Counter(
    "dovvybuddy_gemini_estimated_cost",
    "Estimated Gemini spending (DOVVY_LLM_COST_PER_1K_TOKENS per 1,000 tokens).",
)
GEMINI_BUDGET_USED = Gauge(
    "dovvybuddy_gemini_budget_used_ratio",
    "Share of today's Gemini token budget spent or reserved, as last seen by this process.",
)
LEAD_EVENTS = Counter(
    "dovvybuddy_lead_events",
    "Leads confirmed by divers, by what happened (stored, spooled, limited).",
    ["event"],
)

# Lead delivery worker
LEAD_DELIVERIES = Counter(
    "dovvybuddy_lead_deliveries",
    "Outbox delivery attempts by recipient (partner, diver_copy, diver_failure_notice, "
    "operations_alert) and outcome (delivered, retry, failed, superseded).",
    ["recipient", "transport", "outcome"],
)


def exposition() -> tuple[bytes, str]:
    """This process's metrics in Prometheus' text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
