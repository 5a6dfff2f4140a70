-- Processed message ids are forgotten after cleave.messaging.processed.retention: the purge finds them by age.
create index messaging_processed_by_age_idx on messaging_processed (processed_at);

-- A message is a dead letter of its queue at most once: a node that crashed between writing the dead letter and
-- removing the message from the outbox dead-letters it again on redelivery, and that second write is now a no-op.
-- (Resubmitting deletes the dead letter in the transaction that queues the message again.) Copies left by such a
-- crash before this version are folded into the oldest.
delete from messaging_dead_letter d
 where exists (select 1 from messaging_dead_letter o where o.queue = d.queue and o.message_id = d.message_id and o.id < d.id);
create unique index messaging_dead_letter_once_idx on messaging_dead_letter (queue, message_id);
