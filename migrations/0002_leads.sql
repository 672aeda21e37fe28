-- Leads for partner dive centres and the outbox that delivers them.
-- A lead and its outbox row are written in one transaction, so a lead is
-- never stored without a pending delivery (transactional outbox).
CREATE TABLE leads (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    lead_type      text        NOT NULL CHECK (lead_type IN ('training', 'trip')),
    status         text        NOT NULL DEFAULT 'new'
                               CHECK (status IN ('new', 'delivered', 'failed', 'cancelled')),
    name           text        NOT NULL,
    email          text        NOT NULL,
    phone          text,
    details        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    diver_profile  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    partner_id     text        NOT NULL,
    channel        text        NOT NULL,
    sender_hash    text        NOT NULL,
    consent_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Duplicate suppression looks up the same email and type in a recent window.
CREATE INDEX leads_email_type_recent ON leads (lower(email), lead_type, created_at DESC);

CREATE TABLE lead_outbox (
    id              bigserial   PRIMARY KEY,
    lead_id         uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    partner_id      text        NOT NULL,
    transport       text        NOT NULL CHECK (transport IN ('email', 'webhook')),
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX lead_outbox_due ON lead_outbox (next_attempt_at) WHERE status = 'pending';
