-- Reference customers' credit, with the ids of the original system that the
-- tutorials use. Each history adds up to its credit entry.

INSERT INTO credit_entry (id, customer_id, total_credit_amount) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb21', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 500.00),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb22', 'd215b5f8-0249-4dc5-89a3-51fd148cfb43', 100.00);

INSERT INTO credit_history (id, customer_id, amount, type, created_at) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb23', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 100.00, 'CREDIT', '2024-01-01 00:00:00+00'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb24', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 600.00, 'CREDIT', '2024-01-01 00:01:00+00'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb25', 'd215b5f8-0249-4dc5-89a3-51fd148cfb41', 200.00, 'DEBIT',  '2024-01-01 00:02:00+00'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb26', 'd215b5f8-0249-4dc5-89a3-51fd148cfb43', 100.00, 'CREDIT', '2024-01-01 00:00:00+00');
