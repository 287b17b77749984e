UPDATE order_approval SET status = 'REJECTED' WHERE status = 'CANCELLED';
ALTER TABLE order_approval DROP CONSTRAINT order_approval_status_check;
ALTER TABLE order_approval ADD CONSTRAINT order_approval_status_check
    CHECK (status IN ('APPROVED', 'REJECTED'));
