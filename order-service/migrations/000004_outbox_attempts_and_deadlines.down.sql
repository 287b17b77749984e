DROP INDEX order_approval_outbox_waiting_idx;
DROP INDEX payment_outbox_waiting_idx;
ALTER TABLE order_approval_outbox_archive DROP COLUMN resent_at, DROP COLUMN resends, DROP COLUMN last_error, DROP COLUMN attempts;
ALTER TABLE order_approval_outbox DROP COLUMN resent_at, DROP COLUMN resends, DROP COLUMN last_error, DROP COLUMN attempts;
ALTER TABLE payment_outbox_archive DROP COLUMN resent_at, DROP COLUMN resends, DROP COLUMN last_error, DROP COLUMN attempts;
ALTER TABLE payment_outbox DROP COLUMN resent_at, DROP COLUMN resends, DROP COLUMN last_error, DROP COLUMN attempts;
