-- What travels beside a queued message (the sender's trace context, so that its handler continues the sender's
-- trace after the outbox), as a JSON object; null when there is nothing.
alter table messaging_outbox add column headers varchar;
