-- A row that fails to publish on its own is charged an attempt and keeps its
-- last error; after the relay's max_attempts it becomes FAILED, so that one
-- bad row never holds the outbox back and the operator sees why. The archive
-- gets the same columns in the same order, since rows move there with
-- SELECT *.
ALTER TABLE order_outbox
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text;
ALTER TABLE order_outbox_archive
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text;
