-- order_id: the order whose payment (DEBIT) or refund (CREDIT) the entry
-- records, so that each order's money can be accounted for on its own (one
-- DEBIT for an approved order, a DEBIT and a CREDIT of the same amount for a
-- refunded one) rather than only as part of a customer's balance. NULL for an
-- entry no order caused (a top-up, the seed) and for entries written before
-- this column. Nothing in the service reads by it, so it has no index.
ALTER TABLE credit_history ADD COLUMN order_id uuid;
