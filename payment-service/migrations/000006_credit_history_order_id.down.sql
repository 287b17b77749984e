ALTER TABLE credit_history DROP COLUMN order_id;
