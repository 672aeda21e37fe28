-- Gemini tokens spent per UTC day, shared by every action-server process
-- (actions/services/llm_budget.py). `tokens` includes the reservations of
-- calls still in flight; each call settles its reservation to what Gemini
-- reports it used.
CREATE TABLE llm_usage (
    day date PRIMARY KEY,
    calls integer NOT NULL DEFAULT 0,
    tokens bigint NOT NULL DEFAULT 0,
    refused integer NOT NULL DEFAULT 0
);
