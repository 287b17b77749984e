DROP INDEX order_approval_outbox_archive_order_idx;
DROP INDEX payment_outbox_archive_order_idx;
DROP INDEX orders_open_idx;
DROP TRIGGER orders_touch ON orders;
DROP FUNCTION orders_touch();
ALTER TABLE orders DROP COLUMN updated_at, DROP COLUMN created_at;
