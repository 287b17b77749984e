-- Development seed data: the reference data of the original system
-- (architecture.md, "Seed data"), with the ids the tutorials and the
-- tests use. It is not a migration: only the development targets apply it
-- (postgres.seed: make run, make demo, the tests' harnesses), so a
-- production schema holds no made-up customers. A row already present is
-- left as it is, so applying it again changes nothing.

INSERT INTO credit_entry (id, customer_id, total_credit_amount) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb21', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 500.00),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb22', 'd215b5f8-0249-4dc5-89a3-51fd148cfb43', 100.00)
ON CONFLICT DO NOTHING;

INSERT INTO credit_history (id, customer_id, amount, type, created_at) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb23', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 100.00, 'CREDIT', '2024-01-01 00:00:00+00'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb24', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 600.00, 'CREDIT', '2024-01-01 00:01:00+00'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb25', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 200.00, 'DEBIT',  '2024-01-01 00:02:00+00'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb26', 'd215b5f8-0249-4dc5-89a3-51fd148cfb43', 100.00, 'CREDIT', '2024-01-01 00:00:00+00')
ON CONFLICT DO NOTHING;
