-- created_at, updated_at: when the order was placed and when it last changed
-- (its status, with the saga). They date the saga's first and last steps on
-- its timeline (GET /orders/{trackingId}/timeline), time the saga
-- (fos_saga_duration_seconds) and tell a saga that waits too long
-- (GET /sagas/stuck, fos_sagas_stuck). The database keeps both: created_at is
-- set on insert, updated_at by a trigger on every update, so that whatever
-- statement writes an order keeps them right without naming them.
-- statement_timestamp() rather than now(): one transaction may handle a batch
-- of replies, and each order changes at its own moment.
ALTER TABLE orders
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT statement_timestamp();

-- Orders placed before this migration: their payment request was written
-- with them, so its row dates them. When they last changed is not known;
-- it reads as their creation.
UPDATE orders o SET created_at = p.created_at, updated_at = p.created_at
FROM (SELECT payload->>'orderId' AS order_id, min(created_at) AS created_at
      FROM (SELECT payload, created_at FROM payment_outbox
            UNION ALL SELECT payload, created_at FROM payment_outbox_archive) requests
      GROUP BY 1) p
WHERE p.order_id = o.id::text;

CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := statement_timestamp();
    RETURN NEW;
END;
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_touch();

-- The sagas still open, oldest first: small, since most orders are final.
CREATE INDEX orders_open_idx ON orders (created_at)
    WHERE order_status IN ('PENDING', 'PAID', 'CANCELLING');

-- A timeline finds its saga's requests by the order they are about. The live
-- outbox tables stay small (the cleaners empty them); the archives grow for
-- ever and get an index.
CREATE INDEX payment_outbox_archive_order_idx ON payment_outbox_archive ((payload->>'orderId'));
CREATE INDEX order_approval_outbox_archive_order_idx ON order_approval_outbox_archive ((payload->>'orderId'));
