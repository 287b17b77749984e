ALTER TABLE order_approval_outbox_archive DROP COLUMN trace_parent;
ALTER TABLE order_approval_outbox DROP COLUMN trace_parent;
ALTER TABLE payment_outbox_archive DROP COLUMN trace_parent;
ALTER TABLE payment_outbox DROP COLUMN trace_parent;
