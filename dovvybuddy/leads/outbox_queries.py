"""The SQL of lead delivery over `lead_outbox` (migrations/0002_leads.sql and later).

Each statement is one step of `dovvybuddy.leads.worker`: claim due rows with
a lease, load their leads, record an outcome, queue the failure notices.
"""

CLAIM_DUE_ROWS = """
WITH due AS (
    SELECT id FROM lead_outbox
    WHERE status = 'pending' AND next_attempt_at <= COALESCE(%(due_by)s::timestamptz, now())
    ORDER BY next_attempt_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE lead_outbox AS outbox
SET attempts = outbox.attempts + 1,
    next_attempt_at = now() + make_interval(secs => %(lease_seconds)s)
FROM due
WHERE outbox.id = due.id
RETURNING outbox.id, outbox.lead_id, outbox.partner_id, outbox.attempts, outbox.recipient
"""

LOAD_LEADS = """
SELECT id, lead_type, status, name, email, phone, details, diver_profile, channel,
       consent_at, created_at
FROM leads WHERE id = ANY(%s)
"""

MARK_DELIVERED = """
UPDATE lead_outbox SET status = 'delivered', delivered_at = now()
WHERE id = %(outbox_id)s AND status <> 'delivered'
"""

MARK_LEAD_DELIVERED = """
UPDATE leads SET status = 'delivered', updated_at = now()
WHERE id = %(lead_id)s AND status IN ('new', 'failed')
"""

MARK_ATTEMPT_FAILED = """
UPDATE lead_outbox
SET status = CASE WHEN %(give_up)s OR attempts >= %(max_attempts)s
                  THEN 'failed' ELSE 'pending' END,
    last_error = %(error)s,
    next_attempt_at = now() + make_interval(secs => %(delay_seconds)s)
WHERE id = %(outbox_id)s AND status = 'pending' AND attempts = %(attempt)s
RETURNING status
"""

MARK_LEAD_FAILED = """
UPDATE leads SET status = 'failed', updated_at = now()
WHERE id = %(lead_id)s AND status = 'new'
"""

QUEUE_FAILURE_NOTICES = """
INSERT INTO lead_outbox (lead_id, partner_id, transport, recipient)
VALUES (%(lead_id)s, %(partner_id)s, 'email', 'diver_failure_notice'),
       (%(lead_id)s, %(partner_id)s, 'email', 'operations_alert')
"""
