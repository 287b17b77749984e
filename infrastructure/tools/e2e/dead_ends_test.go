package e2e_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// A business dead end is answered, so the saga moves instead of waiting:
// each case is one that the services used to dead-letter, leaving the order
// PENDING or PAID for ever.
func TestDeadEndsAreAnsweredAndCompensated(t *testing.T) {
	s := system(t)

	t.Run("customer without a credit entry: the order is cancelled with the reason", func(t *testing.T) {
		// Known to order-service's read model, unknown to payment-service.
		customer := kernel.NewID[kernel.CustomerID]()
		require.NoError(t, s.DB.Exec(`INSERT INTO "order".customers (id) VALUES (?)`, customer.UUID()).Error)

		order, observed := placeAndFollow(t, s, e2e.SampleOrder(customer))

		requireObservedPath(t, observed, kernel.OrderStatusPending, kernel.OrderStatusCancelled)
		assert.Equal(t, []string{fmt.Sprintf("Could not find credit entry for customer: %s", customer)}, order.FailureMessages)
		requireSagaOutbox(t, s, order.OrderID, expectedOutbox(refused))
	})

	t.Run("approval the restaurant cannot accept: the order is refunded and cancelled", func(t *testing.T) {
		// A product that order-service's read model offers and the restaurant
		// does not know: the restaurant cannot approve it.
		customer := newCustomer(t, s, kernel.MustParseMoney("100.00"))
		product := kernel.NewID[kernel.ProductID]()
		price := kernel.MustParseMoney("30.00")
		require.NoError(t, s.DB.Exec(`INSERT INTO "order".products (id, name, price) VALUES (?, 'ghost', ?)`, product.UUID(), price.Decimal()).Error)
		require.NoError(t, s.DB.Exec(`INSERT INTO "order".restaurant_products (restaurant_id, product_id, available) VALUES (?, ?, true)`,
			e2e.SampleRestaurantID.UUID(), product.UUID()).Error)
		before := credit(t, s, customer)

		order, observed := placeAndFollow(t, s, e2e.NewOrderRequest(customer, e2e.SampleRestaurantID, e2e.SampleAddress,
			e2e.Line{Product: product, Quantity: 2, Price: price}))

		requireObservedPath(t, observed, kernel.OrderStatusPending, kernel.OrderStatusPaid, kernel.OrderStatusCancelling, kernel.OrderStatusCancelled)
		require.NotEmpty(t, order.FailureMessages)
		assert.Contains(t, order.FailureMessages[0], product.String(), "the reason names the product")
		after := credit(t, s, customer)
		assert.Equal(t, before.TotalCreditAmount.String(), after.TotalCreditAmount.String(), "the customer's money is back")
		assert.Equal(t, []string{"DEBIT 60.00", "CREDIT 60.00"}, movements(after.MovementsSince(before)))
		requireSagaOutbox(t, s, order.OrderID, expectedOutbox(refunded))
	})
}
