package dataaccess

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/restaurant-service/internal/application"
	"github.com/food-ordering-system/restaurant-service/internal/domain"
)

// RestaurantRepository reads restaurants and their catalogs.
type RestaurantRepository struct {
	db *gorm.DB
}

var _ application.RestaurantRepository = (*RestaurantRepository)(nil)

// NewRestaurantRepository returns the repository over db.
func NewRestaurantRepository(db *gorm.DB) *RestaurantRepository { return &RestaurantRepository{db: db} }

// FindRestaurantInformation implements application.RestaurantRepository: the
// restaurant, with those of productIDs its catalog lists; an unknown
// restaurant is kernel.ErrNotFound.
func (r *RestaurantRepository) FindRestaurantInformation(ctx context.Context, restaurantID kernel.RestaurantID, productIDs []kernel.ProductID) (*domain.Restaurant, error) {
	ids := make([]string, len(productIDs))
	for i, id := range productIDs {
		ids[i] = id.String()
	}
	// One query: a row per product of the restaurant among productIDs, or
	// one row without a product when none is; no row when the restaurant
	// does not exist.
	var rows []restaurantProductRow
	err := postgres.Conn(ctx, r.db).Raw(`SELECT r.id AS restaurant_id, r.name AS restaurant_name, r.active AS restaurant_active,
			p.id AS product_id, p.name AS product_name, p.price AS product_price, p.available AS product_available
		FROM restaurants AS r
			LEFT JOIN restaurant_products AS rp ON rp.restaurant_id = r.id AND rp.product_id = ANY(?::uuid[])
			LEFT JOIN products AS p ON p.id = rp.product_id
		WHERE r.id = ?
		ORDER BY p.id`, "{"+strings.Join(ids, ",")+"}", restaurantID.UUID()).Scan(&rows).Error
	if err != nil {
		return nil, postgres.WrapError(err, fmt.Sprintf("find restaurant %s and its products", restaurantID))
	}
	if len(rows) == 0 {
		return nil, kernel.NotFound("find restaurant %s", restaurantID)
	}
	restaurant := restaurantRow{ID: rows[0].RestaurantID, Name: rows[0].RestaurantName, Active: rows[0].RestaurantActive}
	var products []productRow
	for _, row := range rows {
		if row.ProductID != nil {
			products = append(products, productRow{ID: *row.ProductID, Name: *row.ProductName, Price: *row.ProductPrice,
				Available: *row.ProductAvailable})
		}
	}
	return restaurantFromRows(restaurant, products)
}
