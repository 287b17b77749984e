-- Idempotency keys belong to the customer who sent them: the same key from two
-- customers is two orders, and one customer cannot learn of another's order by
-- guessing a key. Every key has its order (the foreign key cascades), so the
-- backfill leaves no key without a customer.
ALTER TABLE idempotency_keys ADD COLUMN customer_id uuid;
UPDATE idempotency_keys k SET customer_id = o.customer_id FROM orders o WHERE o.id = k.order_id;
ALTER TABLE idempotency_keys ALTER COLUMN customer_id SET NOT NULL;
DROP INDEX idempotency_keys_key_uidx;
CREATE UNIQUE INDEX idempotency_keys_customer_key_uidx ON idempotency_keys (customer_id, idempotency_key);
-- Keys are removed after a retention (idempotency.retention), oldest first.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
