-- Publish at commit: the transaction that writes an outbox row leases it to
-- the writing instance, whose relay publishes it right after the commit; a
-- relay claims only rows whose lease has run out or that were never leased
-- (a resend). The NOTIFY that woke the relays goes: it serialised commits on
-- a database-wide lock.
ALTER TABLE payment_outbox ADD COLUMN lease_until timestamptz;
ALTER TABLE payment_outbox_archive ADD COLUMN lease_until timestamptz;
ALTER TABLE order_approval_outbox ADD COLUMN lease_until timestamptz;
ALTER TABLE order_approval_outbox_archive ADD COLUMN lease_until timestamptz;

DROP TRIGGER payment_outbox_notify ON payment_outbox;
DROP TRIGGER order_approval_outbox_notify ON order_approval_outbox;
DROP FUNCTION outbox_notify();

-- Every saga step and every mark changes a row's statuses, processed_at or
-- version. An index on any of them (or a partial index whose predicate reads
-- them) makes each such update write a new entry in every index of the table
-- instead of a heap-only tuple in the same page. The live outbox tables stay
-- small (the cleaners empty them), so the claims and the deadline checks
-- read them whole; the unique (saga, request) indexes name columns that never
-- change. A fill factor leaves room in each page for the updated versions.
DROP INDEX payment_outbox_relay_idx;
DROP INDEX order_approval_outbox_relay_idx;
DROP INDEX payment_outbox_waiting_idx;
DROP INDEX order_approval_outbox_waiting_idx;
ALTER TABLE payment_outbox SET (fillfactor = 70);
ALTER TABLE order_approval_outbox SET (fillfactor = 70);

-- orders.updated_at is set by the statement that changes the order (the
-- repository's only UPDATE), not by a trigger on every row.
DROP TRIGGER orders_touch ON orders;
DROP FUNCTION orders_touch();
