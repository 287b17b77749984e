// Command payment-service takes payments for orders from customers' credit
// and gives them back when an order is cancelled, answering order-service
// through its transactional outbox. It reads its configuration, builds its
// logger and runs the app (internal/app wires it).
package main

import (
	"context"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/lifecycle"
	"github.com/food-ordering-system/payment-service/internal/app"
	"github.com/food-ordering-system/payment-service/internal/config"
)

func main() {
	lifecycle.Main(app.Service, config.EnvPrefix, run)
}

// run builds the app and runs it until ctx is cancelled, a signal arrives or
// a component fails.
func run(ctx context.Context, cfg config.Config, log *zap.Logger) error {
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	return a.Run(ctx)
}
