CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := statement_timestamp();
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_touch();

ALTER TABLE order_approval_outbox RESET (fillfactor);
ALTER TABLE payment_outbox RESET (fillfactor);
CREATE INDEX order_approval_outbox_waiting_idx ON order_approval_outbox (processed_at)
    WHERE outbox_status = 'COMPLETED' AND saga_status = 'PROCESSING';
CREATE INDEX payment_outbox_waiting_idx ON payment_outbox (processed_at)
    WHERE outbox_status = 'COMPLETED' AND saga_status IN ('STARTED', 'COMPENSATING');
CREATE INDEX order_approval_outbox_relay_idx ON order_approval_outbox (outbox_status, created_at);
CREATE INDEX payment_outbox_relay_idx ON payment_outbox (outbox_status, created_at);

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, '');
    RETURN NULL;
END
$$;
CREATE TRIGGER payment_outbox_notify AFTER INSERT ON payment_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
CREATE TRIGGER order_approval_outbox_notify AFTER INSERT ON order_approval_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

ALTER TABLE order_approval_outbox_archive DROP COLUMN lease_until;
ALTER TABLE order_approval_outbox DROP COLUMN lease_until;
ALTER TABLE payment_outbox_archive DROP COLUMN lease_until;
ALTER TABLE payment_outbox DROP COLUMN lease_until;
