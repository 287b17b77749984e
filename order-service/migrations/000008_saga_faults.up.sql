-- Faults that last: a request the saga no longer wants is WITHDRAWN (never
-- published afterwards), deadlines run from the relay's mark, and the
-- restaurant learns of cancellations.

-- WITHDRAWN: the saga moved past a request before any relay published it
-- (an answer came to an earlier send, or the saga compensated or ended), in
-- the transaction that moved it. No relay claims it.
ALTER TABLE payment_outbox DROP CONSTRAINT payment_outbox_outbox_status_check;
ALTER TABLE payment_outbox ADD CONSTRAINT payment_outbox_outbox_status_check
    CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED', 'WITHDRAWN'));
ALTER TABLE order_approval_outbox DROP CONSTRAINT order_approval_outbox_outbox_status_check;
ALTER TABLE order_approval_outbox ADD CONSTRAINT order_approval_outbox_outbox_status_check
    CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED', 'WITHDRAWN'));

-- restaurant_order_status: what a row tells the restaurant. PAID asks it to
-- approve the order; CANCELLED tells it that an order it approved, or may
-- yet approve (the saga stopped waiting for its answer), was cancelled. A
-- saga has at most one row of each, as payment_outbox has one payment and
-- one refund request. The archive gets the column in the same place, since
-- rows move there with SELECT *.
ALTER TABLE order_approval_outbox
    ADD COLUMN restaurant_order_status text NOT NULL DEFAULT 'PAID'
        CHECK (restaurant_order_status IN ('PAID', 'CANCELLED'));
ALTER TABLE order_approval_outbox_archive
    ADD COLUMN restaurant_order_status text NOT NULL DEFAULT 'PAID';
DROP INDEX order_approval_outbox_saga_uidx;
CREATE UNIQUE INDEX order_approval_outbox_saga_request_uidx ON order_approval_outbox (saga_id, restaurant_order_status);

-- A deadline runs from when a request was published (processed_at, the
-- relay's mark in the database's clock), never from when it was written: a
-- request still in the outbox is not overdue.
DROP INDEX payment_outbox_waiting_idx;
DROP INDEX order_approval_outbox_waiting_idx;
CREATE INDEX payment_outbox_waiting_idx ON payment_outbox (processed_at)
    WHERE outbox_status = 'COMPLETED' AND saga_status IN ('STARTED', 'COMPENSATING');
CREATE INDEX order_approval_outbox_waiting_idx ON order_approval_outbox (processed_at)
    WHERE outbox_status = 'COMPLETED' AND saga_status = 'PROCESSING';
