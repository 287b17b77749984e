DROP TRIGGER IF EXISTS order_outbox_notify ON order_outbox;
DROP FUNCTION IF EXISTS outbox_notify();
DROP TABLE IF EXISTS order_outbox_archive;
DROP TABLE IF EXISTS order_outbox;
DROP TABLE IF EXISTS order_approval;
DROP TABLE IF EXISTS restaurant_products;
DROP TABLE IF EXISTS products;
DROP TABLE IF EXISTS restaurants;
