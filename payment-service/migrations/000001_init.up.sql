-- payment-service schema: payments, customers' credit with its history, and
-- the order outbox of answers to order-service.

CREATE TABLE payments (
    id          uuid          PRIMARY KEY,
    customer_id uuid          NOT NULL,
    order_id    uuid          NOT NULL,
    price       numeric(12,2) NOT NULL,
    created_at  timestamptz   NOT NULL,
    status      text          NOT NULL CHECK (status IN ('COMPLETED', 'CANCELLED', 'FAILED')),
    -- One payment per order: a duplicate request cannot pay twice.
    CONSTRAINT payments_order_id_key UNIQUE (order_id)
);

CREATE TABLE credit_entry (
    id                  uuid          PRIMARY KEY,
    customer_id         uuid          NOT NULL,
    total_credit_amount numeric(12,2) NOT NULL,
    version             integer       NOT NULL DEFAULT 0,
    CONSTRAINT credit_entry_customer_id_key UNIQUE (customer_id)
);

CREATE TABLE credit_history (
    id          uuid          PRIMARY KEY,
    customer_id uuid          NOT NULL,
    amount      numeric(12,2) NOT NULL,
    type        text          NOT NULL CHECK (type IN ('DEBIT', 'CREDIT')),
    created_at  timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX credit_history_customer_id_idx ON credit_history (customer_id, created_at);

CREATE TABLE order_outbox (
    id                   uuid        PRIMARY KEY,
    saga_id              uuid        NOT NULL,
    created_at           timestamptz NOT NULL,
    processed_at         timestamptz,
    type                 text        NOT NULL,
    payload              jsonb       NOT NULL,
    outbox_status        text        NOT NULL CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED')),
    payment_status       text        NOT NULL CHECK (payment_status IN ('COMPLETED', 'CANCELLED', 'FAILED')),
    -- The request answered; a saga's request of each kind is answered once.
    payment_order_status text        NOT NULL CHECK (payment_order_status IN ('PENDING', 'CANCELLED')),
    version              integer     NOT NULL DEFAULT 0,
    CONSTRAINT order_outbox_saga_id_payment_order_status_key UNIQUE (saga_id, payment_order_status)
);

CREATE INDEX order_outbox_outbox_status_created_at_idx ON order_outbox (outbox_status, created_at);

-- Where the cleaner moves published rows when archiving is configured; same
-- columns in the same order, without the uniqueness of live answers.
CREATE TABLE order_outbox_archive (LIKE order_outbox INCLUDING DEFAULTS);
ALTER TABLE order_outbox_archive ADD PRIMARY KEY (id);

-- Wakes the outbox relay (postgres.Listen on "<schema>.order_outbox") as soon
-- as an answer is committed.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, '');
    RETURN NULL;
END
$$;

CREATE TRIGGER order_outbox_notify AFTER INSERT ON order_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
