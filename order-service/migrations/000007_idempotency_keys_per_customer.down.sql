-- Back to global keys: of a key several customers used, only the oldest use
-- can stay.
DROP INDEX IF EXISTS idempotency_keys_created_at_idx;
DROP INDEX IF EXISTS idempotency_keys_customer_key_uidx;
DELETE FROM idempotency_keys k USING idempotency_keys older
 WHERE k.idempotency_key = older.idempotency_key
   AND (older.created_at, older.order_id) < (k.created_at, k.order_id);
CREATE UNIQUE INDEX idempotency_keys_key_uidx ON idempotency_keys (idempotency_key);
ALTER TABLE idempotency_keys DROP COLUMN customer_id;
