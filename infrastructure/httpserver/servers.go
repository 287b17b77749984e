package httpserver

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

// Servers are a service's two listeners, built, measured and stopped alike.
type Servers struct {
	// API serves the service's API and its OpenAPI document.
	API *Server
	// Admin serves the probes, the metrics, the profiles and the service's
	// operator routes.
	Admin *Server
}

// NewServers returns the public server on cfg.Address and the admin server
// on admin.Address, with the same timeouts and shutdown; checks decide the
// admin server's /readyz.
func NewServers(cfg Config, admin AdminConfig, log *zap.Logger, checks ...Check) *Servers {
	return &Servers{API: New(cfg, log), Admin: NewAdmin(cfg, admin, log, checks...)}
}

// ServeMetrics serves reg at the admin server's GET /metrics and records the
// requests both servers answer in it. Call it once, before Run.
func (s *Servers) ServeMetrics(reg *prometheus.Registry) {
	s.Admin.ServeMetrics(reg, s.API)
}

// Run runs both servers until ctx is cancelled, then shuts both down; when
// one fails (its address is taken), the other is stopped too.
func (s *Servers) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.API.Run(ctx) })
	g.Go(func() error { return s.Admin.Run(ctx) })
	return g.Wait()
}
