-- Development seed data: the reference data of the original system
-- (architecture.md, "Seed data"), with the ids the tutorials and the
-- tests use. It is not a migration: only the development targets apply it
-- (postgres.seed: make run, make demo, the tests' harnesses), so a
-- production schema holds no made-up customers. A row already present is
-- left as it is, so applying it again changes nothing.

INSERT INTO restaurants (id, name, active) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'restaurant_1', true),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb46', 'restaurant_2', false)
ON CONFLICT DO NOTHING;

INSERT INTO products (id, name, price, available) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb47', 'product_1', 25.00, false),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb48', 'product_2', 50.00, true),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb49', 'product_3', 20.00, false),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb50', 'product_4', 40.00, true)
ON CONFLICT DO NOTHING;

INSERT INTO restaurant_products (restaurant_id, product_id) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'd215b5f8-0249-4dc5-89a3-51fd148cfb47'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'd215b5f8-0249-4dc5-89a3-51fd148cfb48'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb46', 'd215b5f8-0249-4dc5-89a3-51fd148cfb49'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb46', 'd215b5f8-0249-4dc5-89a3-51fd148cfb50')
ON CONFLICT DO NOTHING;
