-- Publish at commit: the transaction that writes an answer leases its outbox
-- row to the writing instance, whose relay publishes it right after the
-- commit; a relay claims only rows whose lease has run out or that were never
-- leased (an answer sent again). The NOTIFY that woke the relay goes: it
-- serialised commits on a database-wide lock.
ALTER TABLE order_outbox ADD COLUMN lease_until timestamptz;
ALTER TABLE order_outbox_archive ADD COLUMN lease_until timestamptz;
DROP TRIGGER order_outbox_notify ON order_outbox;
DROP FUNCTION outbox_notify();

-- The relay's mark changes outbox_status and processed_at; with an index on
-- outbox_status every mark wrote a new entry in each index instead of a
-- heap-only tuple in the same page. The live table stays small (the cleaner
-- empties it), so a claim reads it whole. A fill factor leaves room in each
-- page for the marked versions.
DROP INDEX order_outbox_outbox_status_created_at_idx;
ALTER TABLE order_outbox SET (fillfactor = 70);
