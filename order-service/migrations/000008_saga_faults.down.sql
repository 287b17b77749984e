DROP INDEX order_approval_outbox_waiting_idx;
DROP INDEX payment_outbox_waiting_idx;
CREATE INDEX payment_outbox_waiting_idx ON payment_outbox (created_at)
    WHERE saga_status IN ('STARTED', 'COMPENSATING');
CREATE INDEX order_approval_outbox_waiting_idx ON order_approval_outbox (created_at)
    WHERE saga_status = 'PROCESSING';

DELETE FROM order_approval_outbox WHERE restaurant_order_status = 'CANCELLED';
DELETE FROM order_approval_outbox_archive WHERE restaurant_order_status = 'CANCELLED';
DROP INDEX order_approval_outbox_saga_request_uidx;
CREATE UNIQUE INDEX order_approval_outbox_saga_uidx ON order_approval_outbox (saga_id);
ALTER TABLE order_approval_outbox_archive DROP COLUMN restaurant_order_status;
ALTER TABLE order_approval_outbox DROP COLUMN restaurant_order_status;

UPDATE payment_outbox SET outbox_status = 'FAILED' WHERE outbox_status = 'WITHDRAWN';
UPDATE order_approval_outbox SET outbox_status = 'FAILED' WHERE outbox_status = 'WITHDRAWN';
ALTER TABLE order_approval_outbox DROP CONSTRAINT order_approval_outbox_outbox_status_check;
ALTER TABLE order_approval_outbox ADD CONSTRAINT order_approval_outbox_outbox_status_check
    CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED'));
ALTER TABLE payment_outbox DROP CONSTRAINT payment_outbox_outbox_status_check;
ALTER TABLE payment_outbox ADD CONSTRAINT payment_outbox_outbox_status_check
    CHECK (outbox_status IN ('STARTED', 'COMPLETED', 'FAILED'));
