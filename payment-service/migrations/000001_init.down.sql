DROP TRIGGER IF EXISTS order_outbox_notify ON order_outbox;
DROP FUNCTION IF EXISTS outbox_notify();
DROP TABLE IF EXISTS order_outbox_archive;
DROP TABLE IF EXISTS order_outbox;
DROP TABLE IF EXISTS credit_history;
DROP TABLE IF EXISTS credit_entry;
DROP TABLE IF EXISTS payments;
