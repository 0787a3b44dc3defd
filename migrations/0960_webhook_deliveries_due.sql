-- The delivery log is the delivery queue (issue 21): the delivery loop claims pending deliveries
-- whose next_attempt_at has come, oldest first; this index keeps that claim off the whole log.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
