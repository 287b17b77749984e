ALTER TABLE order_outbox_archive DROP COLUMN last_error, DROP COLUMN attempts;
ALTER TABLE order_outbox DROP COLUMN last_error, DROP COLUMN attempts;
