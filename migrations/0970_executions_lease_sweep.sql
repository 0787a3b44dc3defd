-- Issue 21: a periodic sweep, not one job per execution, finds runs whose lease expired (their
-- process stopped sending heartbeats). This index keeps that one query per interval off the table.
CREATE INDEX executions_lease ON executions (heartbeat_at) WHERE status = 'in_progress';
