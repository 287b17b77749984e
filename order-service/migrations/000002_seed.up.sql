-- Reference data of the original system (architecture.md): the ids people
-- follow the tutorials with.
INSERT INTO customers (id) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb41'),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb43');

INSERT INTO restaurants (id, name, active) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'restaurant_1', true),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb46', 'restaurant_2', false);

INSERT INTO products (id, name, price) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb47', 'product_1', 25.00),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb48', 'product_2', 50.00),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb49', 'product_3', 20.00),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb50', 'product_4', 40.00);

INSERT INTO restaurant_products (restaurant_id, product_id, available) VALUES
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'd215b5f8-0249-4dc5-89a3-51fd148cfb47', false),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'd215b5f8-0249-4dc5-89a3-51fd148cfb48', true),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb46', 'd215b5f8-0249-4dc5-89a3-51fd148cfb49', false),
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb46', 'd215b5f8-0249-4dc5-89a3-51fd148cfb50', true);
