-- What happens to a lead after delivery (dovvybuddy/leads/lifecycle.py): the
-- partner confirms by a signed link that they contacted the diver
-- (`contacted`, with the time), or the diver withdraws the enquiry by the
-- link in their copy (`withdrawn`: the personal fields are emptied and the
-- partner gets a `partner_withdrawal` notice by its own transport).
ALTER TABLE leads DROP CONSTRAINT leads_status_check;
ALTER TABLE leads ADD CONSTRAINT leads_status_check
    CHECK (status IN ('new', 'delivered', 'failed', 'cancelled', 'contacted', 'withdrawn'));
ALTER TABLE leads ADD COLUMN contacted_at timestamptz;
ALTER TABLE leads ADD COLUMN withdrawn_at timestamptz;

ALTER TABLE lead_outbox DROP CONSTRAINT lead_outbox_recipient_check;
ALTER TABLE lead_outbox ADD CONSTRAINT lead_outbox_recipient_check
    CHECK (recipient IN ('partner', 'diver_copy', 'diver_failure_notice', 'operations_alert',
                         'partner_withdrawal'));
