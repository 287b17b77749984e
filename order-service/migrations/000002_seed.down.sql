DELETE FROM restaurant_products WHERE restaurant_id IN
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'd215b5f8-0249-4dc5-89a3-51fd148cfb46');
DELETE FROM products WHERE id IN
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb47', 'd215b5f8-0249-4dc5-89a3-51fd148cfb48',
     'd215b5f8-0249-4dc5-89a3-51fd148cfb49', 'd215b5f8-0249-4dc5-89a3-51fd148cfb50');
DELETE FROM restaurants WHERE id IN
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb45', 'd215b5f8-0249-4dc5-89a3-51fd148cfb46');
DELETE FROM customers WHERE id IN
    ('d215b5f8-0249-4dc5-89a3-51fd148cfb41', 'd215b5f8-0249-4dc5-89a3-51fd148cfb43');
