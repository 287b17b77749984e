package metrics

import (
	"context"

	"github.com/food-ordering-system/common/kernel"
)

// StuckSagaCounter counts the sagas that wait longer than they should, by
// the status their order waits in. order-service's saga query handler is one;
// what "stuck" means (which statuses, how old) is its call.
type StuckSagaCounter interface {
	CountStuckSagas(ctx context.Context) (map[kernel.OrderStatus]int, error)
}
