// Package lifecycle runs the long-lived parts of a service together and stops
// them together.
package lifecycle

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

// Component is one long-lived part of a service: an HTTP server, a relay, a
// consumer. Run blocks until ctx is cancelled and returns nil then; an error
// means the component failed and the service must stop.
type Component struct {
	Name string
	Run  func(ctx context.Context) error
}

// Run starts every component and waits until SIGINT or SIGTERM arrives, ctx is
// cancelled, or a component fails; then it cancels the rest and waits for all
// of them to return. It returns the first failure.
func Run(ctx context.Context, log *zap.Logger, components ...Component) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	g, ctx := errgroup.WithContext(ctx)
	for _, c := range components {
		g.Go(func() error {
			if err := c.Run(ctx); err != nil {
				log.Error("component failed", zap.String("component", c.Name), zap.Error(err))
				return fmt.Errorf("%s: %w", c.Name, err)
			}
			log.Debug("component stopped", zap.String("component", c.Name))
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		log.Info("stopped cleanly")
	}
	return err
}
