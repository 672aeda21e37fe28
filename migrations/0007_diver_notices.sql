-- Who an outbox row is for (dovvybuddy/lead_delivery.py). Besides the
-- partner's lead: the diver's own copy when the lead is stored, and, when the
-- partner's delivery finally fails, an honest notice to the diver and an
-- alert with the lead to the operations inbox (DOVVY_DEFAULT_LEAD_EMAIL).
ALTER TABLE lead_outbox
    ADD COLUMN recipient text NOT NULL DEFAULT 'partner'
        CHECK (recipient IN ('partner', 'diver_copy', 'diver_failure_notice', 'operations_alert'));
