ALTER TABLE order_outbox_archive DROP COLUMN trace_parent;
ALTER TABLE order_outbox DROP COLUMN trace_parent;
