-- trace_parent: the W3C traceparent of the span that wrote the row, NULL when
-- tracing was off. The relay sends it as the record's traceparent header, so
-- one order stays one trace across the services even when the service
-- restarts between writing the row and publishing it. The archives get the
-- same column in the same place, since rows move there with SELECT *.
ALTER TABLE payment_outbox ADD COLUMN trace_parent text;
ALTER TABLE payment_outbox_archive ADD COLUMN trace_parent text;
ALTER TABLE order_approval_outbox ADD COLUMN trace_parent text;
ALTER TABLE order_approval_outbox_archive ADD COLUMN trace_parent text;
