-- CANCELLED: order-service told the restaurant that an order was cancelled
-- after its approval was asked (the saga stopped waiting for the answer, or
-- the approval came after the cancellation). An approval becomes CANCELLED;
-- an order not yet decided gets a CANCELLED row, so that its approval
-- request, should it still arrive, is answered REJECTED instead of approved.
ALTER TABLE order_approval DROP CONSTRAINT order_approval_status_check;
ALTER TABLE order_approval ADD CONSTRAINT order_approval_status_check
    CHECK (status IN ('APPROVED', 'REJECTED', 'CANCELLED'));
