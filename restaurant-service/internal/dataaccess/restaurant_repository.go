package dataaccess

import (
	"context"
	"fmt"

	"github.com/google/uuid"
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
// restaurant is application.ErrNotFound.
func (r *RestaurantRepository) FindRestaurantInformation(ctx context.Context, restaurantID kernel.RestaurantID, productIDs []kernel.ProductID) (*domain.Restaurant, error) {
	conn := postgres.Conn(ctx, r.db)
	var restaurant restaurantRow
	if err := conn.Where("id = ?", restaurantID.UUID()).Take(&restaurant).Error; err != nil {
		return nil, wrapReadError(err, fmt.Sprintf("find restaurant %s", restaurantID))
	}
	var rows []productRow
	if len(productIDs) > 0 {
		ids := make([]uuid.UUID, len(productIDs))
		for i, id := range productIDs {
			ids[i] = id.UUID()
		}
		err := conn.Table("products AS p").
			Select("p.id, p.name, p.price, p.available").
			Joins("JOIN restaurant_products AS rp ON rp.product_id = p.id").
			Where("rp.restaurant_id = ? AND p.id IN ?", restaurantID.UUID(), ids).
			Order("p.id").
			Scan(&rows).Error
		if err != nil {
			return nil, postgres.WrapError(err, fmt.Sprintf("find products of restaurant %s", restaurantID))
		}
	}
	return restaurantFromRows(restaurant, rows)
}
