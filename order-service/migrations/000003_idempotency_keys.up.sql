-- idempotency_keys: the Idempotency-Key of each order created with one, so
-- that a client's retry answers the first order instead of creating a second.
-- A row is written in the transaction that creates its order, so a key exists
-- exactly when its order does; the unique index is what makes two requests
-- with the same key at the same moment create one order (the loser's insert
-- fails and its transaction, order included, rolls back).
CREATE TABLE idempotency_keys (
    order_id        uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    idempotency_key text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    -- hex SHA-256 of the canonical request: the same key with another
    -- request is refused, not answered with this order
    request_hash    text        NOT NULL CHECK (length(request_hash) = 64),
    tracking_id     uuid        NOT NULL,
    -- the status the first answer gave, which a replay repeats
    order_status    text        NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_key_uidx ON idempotency_keys (idempotency_key);
