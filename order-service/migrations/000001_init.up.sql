-- order-service's schema: orders, the two outbox tables of the order saga and
-- the read models of customers and restaurants it validates new orders with.
-- Tables are created in the connection's search_path schema.

CREATE TABLE orders (
    id               uuid PRIMARY KEY,
    customer_id      uuid          NOT NULL,
    restaurant_id    uuid          NOT NULL,
    tracking_id      uuid          NOT NULL UNIQUE,
    price            numeric(12,2) NOT NULL CHECK (price > 0),
    order_status     text          NOT NULL
        CHECK (order_status IN ('PENDING', 'PAID', 'APPROVED', 'CANCELLING', 'CANCELLED')),
    failure_messages jsonb         NOT NULL DEFAULT '[]',
    -- optimistic locking: every update checks and bumps it
    version          integer       NOT NULL DEFAULT 0
);

CREATE TABLE order_items (
    order_id   uuid          NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    id         bigint        NOT NULL,
    product_id uuid          NOT NULL,
    price      numeric(12,2) NOT NULL,
    quantity   integer       NOT NULL CHECK (quantity > 0),
    sub_total  numeric(12,2) NOT NULL,
    PRIMARY KEY (order_id, id)
);

CREATE TABLE order_address (
    order_id    uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    street      text NOT NULL,
    postal_code text NOT NULL,
    city        text NOT NULL
);

-- payment_outbox: requests to payment-service. payment_order_status is what a
-- row asks for (PENDING: take the money, CANCELLED: give it back) and never
-- changes, so a saga has at most one row of each; the original's unique index
-- on (type, saga_id, saga_status) made its two rows unable to both end
-- COMPENSATED.
CREATE TABLE payment_outbox (
    id                   uuid PRIMARY KEY,
    saga_id              uuid        NOT NULL,
    created_at           timestamptz NOT NULL,
    processed_at         timestamptz,
    type                 text        NOT NULL,
    payload              jsonb       NOT NULL,
    outbox_status        text        NOT NULL CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED')),
    saga_status          text        NOT NULL
        CHECK (saga_status IN ('STARTED', 'PROCESSING', 'SUCCEEDED', 'COMPENSATING', 'COMPENSATED', 'FAILED')),
    order_status         text        NOT NULL,
    payment_order_status text        NOT NULL CHECK (payment_order_status IN ('PENDING', 'CANCELLED')),
    version              integer     NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX payment_outbox_saga_request_uidx ON payment_outbox (saga_id, payment_order_status);
CREATE INDEX payment_outbox_relay_idx ON payment_outbox (outbox_status, created_at);

-- order_approval_outbox: approval requests to the restaurants, one per saga.
CREATE TABLE order_approval_outbox (
    id            uuid PRIMARY KEY,
    saga_id       uuid        NOT NULL,
    created_at    timestamptz NOT NULL,
    processed_at  timestamptz,
    type          text        NOT NULL,
    payload       jsonb       NOT NULL,
    outbox_status text        NOT NULL CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED')),
    saga_status   text        NOT NULL
        CHECK (saga_status IN ('STARTED', 'PROCESSING', 'SUCCEEDED', 'COMPENSATING', 'COMPENSATED', 'FAILED')),
    order_status  text        NOT NULL,
    version       integer     NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX order_approval_outbox_saga_uidx ON order_approval_outbox (saga_id);
CREATE INDEX order_approval_outbox_relay_idx ON order_approval_outbox (outbox_status, created_at);

-- Archives for the cleaners when archiving is configured: same columns in the
-- same order, no unique indexes.
CREATE TABLE payment_outbox_archive (LIKE payment_outbox INCLUDING DEFAULTS);
CREATE TABLE order_approval_outbox_archive (LIKE order_approval_outbox INCLUDING DEFAULTS);

-- Wake the relays as soon as a row is committed: NOTIFY "<schema>.<table>".
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER payment_outbox_notify AFTER INSERT ON payment_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
CREATE TRIGGER order_approval_outbox_notify AFTER INSERT ON order_approval_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Read models, kept apart from the owning services' schemas.
CREATE TABLE customers (
    id uuid PRIMARY KEY
);

CREATE TABLE restaurants (
    id     uuid PRIMARY KEY,
    name   text    NOT NULL,
    active boolean NOT NULL
);

CREATE TABLE products (
    id    uuid PRIMARY KEY,
    name  text          NOT NULL,
    price numeric(12,2) NOT NULL CHECK (price > 0)
);

CREATE TABLE restaurant_products (
    restaurant_id uuid    NOT NULL REFERENCES restaurants (id),
    product_id    uuid    NOT NULL REFERENCES products (id),
    available     boolean NOT NULL,
    PRIMARY KEY (restaurant_id, product_id)
);
