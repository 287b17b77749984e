-- A request that finds no answer in order_outbox looks for one the cleaner
-- archived (postgres.ResendOutboxRows), so every first delivery of an
-- approval request probes the archive by saga id. Without an index that probe
-- read the whole archive, which only grows.
CREATE INDEX order_outbox_archive_saga_id_idx ON order_outbox_archive (saga_id);
