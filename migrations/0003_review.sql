-- Messages exported for NLU review (`python -m dovvybuddy.review`), so that
-- each is exported once. Keyed by a hash of the redacted, normalised text: the
-- same words typed again, by anyone, are not exported again. `event_id` is the
-- tracker store event (Rasa's `events.id`) the example was taken from; there is
-- no foreign key because Rasa owns that table and retention deletes from it.
CREATE TABLE review_exports (
    text_hash   text        PRIMARY KEY,
    event_id    bigint      NOT NULL,
    exported_at timestamptz NOT NULL DEFAULT now(),
    file        text        NOT NULL
);
