-- Processed message ids are forgotten after cleave.messaging.processed.retention: the purge finds them by age.
create index messaging_processed_by_age_idx on messaging_processed (processed_at);
