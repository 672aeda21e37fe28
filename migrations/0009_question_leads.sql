-- A diver's question for a person (actions/handoff.py) is stored and
-- delivered like the enquiries, as a `question` lead.
ALTER TABLE leads DROP CONSTRAINT leads_lead_type_check;
ALTER TABLE leads ADD CONSTRAINT leads_lead_type_check
    CHECK (lead_type IN ('training', 'trip', 'question'));
