-- attempts, last_error: a row that fails to publish on its own is charged an
-- attempt and keeps its last error; after the relay's max_attempts it becomes
-- FAILED, so that one bad row never holds the outbox back and the operator
-- sees why.
-- resends, resent_at: the saga deadline. A request whose answer is overdue is
-- published again (same row, same message id) up to saga.max_resends times,
-- counted from resent_at (or created_at), before the saga compensates.
-- The archives get the same columns in the same order, since rows move there
-- with SELECT *.
ALTER TABLE payment_outbox
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN resends    integer NOT NULL DEFAULT 0,
    ADD COLUMN resent_at  timestamptz;
ALTER TABLE payment_outbox_archive
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN resends    integer NOT NULL DEFAULT 0,
    ADD COLUMN resent_at  timestamptz;
ALTER TABLE order_approval_outbox
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN resends    integer NOT NULL DEFAULT 0,
    ADD COLUMN resent_at  timestamptz;
ALTER TABLE order_approval_outbox_archive
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN resends    integer NOT NULL DEFAULT 0,
    ADD COLUMN resent_at  timestamptz;

-- The deadline scheduler looks for sagas still waiting for an answer.
CREATE INDEX payment_outbox_waiting_idx ON payment_outbox (created_at)
    WHERE saga_status IN ('STARTED', 'COMPENSATING');
CREATE INDEX order_approval_outbox_waiting_idx ON order_approval_outbox (created_at)
    WHERE saga_status = 'PROCESSING';
