-- restaurant-service owns these tables; the search_path is its schema.

CREATE TABLE restaurants (
    id     uuid PRIMARY KEY,
    name   text NOT NULL,
    active boolean NOT NULL
);

CREATE TABLE products (
    id        uuid PRIMARY KEY,
    name      text NOT NULL,
    price     numeric(12, 2) NOT NULL CHECK (price >= 0),
    available boolean NOT NULL
);

-- The catalog: which restaurant offers which product.
CREATE TABLE restaurant_products (
    restaurant_id uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    product_id    uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (restaurant_id, product_id)
);

-- One answer per order. restaurant_id has no foreign key on purpose: a request
-- for an unknown restaurant is answered REJECTED, and that answer is kept too.
CREATE TABLE order_approval (
    id               uuid PRIMARY KEY,
    restaurant_id    uuid NOT NULL,
    order_id         uuid NOT NULL,
    status           text NOT NULL CHECK (status IN ('APPROVED', 'REJECTED')),
    failure_messages jsonb NOT NULL DEFAULT '[]',
    CONSTRAINT order_approval_order_id_key UNIQUE (order_id)
);

-- The answers owed to order-service. One per saga: the unique index makes a
-- second answer to a re-delivered request impossible.
CREATE TABLE order_outbox (
    id              uuid PRIMARY KEY,
    saga_id         uuid NOT NULL,
    created_at      timestamptz NOT NULL,
    processed_at    timestamptz,
    type            text NOT NULL,
    payload         jsonb NOT NULL,
    outbox_status   text NOT NULL CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED')),
    approval_status text NOT NULL CHECK (approval_status IN ('APPROVED', 'REJECTED')),
    version         integer NOT NULL DEFAULT 0,
    CONSTRAINT order_outbox_saga_id_key UNIQUE (saga_id)
);

-- The relay claims STARTED rows in creation order; the cleaner finds COMPLETED ones.
CREATE INDEX order_outbox_status_created_at ON order_outbox (outbox_status, created_at);

-- Where the cleaner moves published rows when archiving is configured; same
-- columns in the same order as order_outbox.
CREATE TABLE order_outbox_archive (
    LIKE order_outbox INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    PRIMARY KEY (id)
);

-- Wakes the outbox relay (LISTEN "<schema>.order_outbox") as soon as an
-- answer is committed; polling is only the safety net.
CREATE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, '');
    RETURN NULL;
END
$$;

CREATE TRIGGER order_outbox_notify AFTER INSERT ON order_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
