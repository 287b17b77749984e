ALTER TABLE order_outbox RESET (fillfactor);
CREATE INDEX order_outbox_outbox_status_created_at_idx ON order_outbox (outbox_status, created_at);
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, '');
    RETURN NULL;
END
$$;
CREATE TRIGGER order_outbox_notify AFTER INSERT ON order_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
ALTER TABLE order_outbox_archive DROP COLUMN lease_until;
ALTER TABLE order_outbox DROP COLUMN lease_until;
