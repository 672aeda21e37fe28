-- Limits on leads (actions/services/lead_store.py): per conversation, per
-- email and per client network, each per hour. `client_hash` is a keyed hash
-- of the web client's network (its IPv4 address or IPv6 /64), never the
-- address; NULL where the channel has none (Telegram: one chat, one sender).
ALTER TABLE leads ADD COLUMN client_hash text;
CREATE INDEX leads_sender_recent ON leads (sender_hash, created_at);
CREATE INDEX leads_email_recent ON leads (lower(email), created_at);
CREATE INDEX leads_client_recent ON leads (client_hash, created_at);
