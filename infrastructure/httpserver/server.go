// Package httpserver is the HTTP side every service shares, on echo: request
// logging, panic recovery, a body-size limit that still lets the client read
// its 413, timeouts, one JSON error format and graceful shutdown, on two
// listeners: the public one serves the API, the admin one the health
// endpoints, Prometheus metrics and Go's profiles.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/labstack/gommon/bytes"
	"go.uber.org/zap"
)

// Config tunes the server.
type Config struct {
	// Address to listen on, e.g. ":8181".
	Address         string        `mapstructure:"address"`
	ReadTimeout     time.Duration `mapstructure:"read_timeout"`
	WriteTimeout    time.Duration `mapstructure:"write_timeout"`
	IdleTimeout     time.Duration `mapstructure:"idle_timeout"`
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
	// BodyLimit is the largest request body accepted, e.g. "64K".
	BodyLimit string `mapstructure:"body_limit"`
	// BodyDiscardLimit is how much of a body over BodyLimit is read and
	// thrown away so that the client, still writing, can read its 413 (the
	// larger of 8M and four times BodyLimit when empty). Longer bodies get
	// the 413 and a closed connection.
	BodyDiscardLimit string `mapstructure:"body_discard_limit"`
	// ReadinessTimeout bounds each readiness probe.
	ReadinessTimeout time.Duration `mapstructure:"readiness_timeout"`
	// MaxHeaderBytes bounds a request's header block, e.g. "64K" (the
	// default); a larger one is answered 431.
	MaxHeaderBytes string `mapstructure:"max_header_bytes"`
}

// AdminConfig is the listener of the people and programs that run the
// service: probes, scrapes, profiles. It is apart from the API's so that
// what it tells (every open order's tracking id, the program's internals)
// can stay on the loopback or a private network while the API is public.
type AdminConfig struct {
	// Address to listen on, e.g. "127.0.0.1:9181".
	Address string `mapstructure:"address"`
	// Pprof serves Go's runtime profiles under /debug/pprof/ (off by
	// default: a profile exposes the program's internals and costs CPU
	// while it runs). make load's -profile turns it on.
	Pprof bool `mapstructure:"pprof"`
}

// Validate reports a configuration that cannot work.
func (c AdminConfig) Validate() error {
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		return fmt.Errorf("admin.address %q: %w", c.Address, err)
	}
	return nil
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		return fmt.Errorf("http.address %q: %w", c.Address, err)
	}
	for _, size := range []struct{ key, value string }{
		{"http.body_limit", c.BodyLimit}, {"http.body_discard_limit", c.BodyDiscardLimit},
		{"http.max_header_bytes", c.MaxHeaderBytes},
	} {
		if size.value == "" {
			continue
		}
		if n, err := bytes.Parse(size.value); err != nil || n <= 0 {
			return fmt.Errorf("%s %q is not a size like 64K or 8M", size.key, size.value)
		}
	}
	return nil
}

// bodyLimits returns BodyLimit and BodyDiscardLimit in bytes. Invalid sizes
// are a programming error here: Validate reports them at start.
func (c Config) bodyLimits() (limit, discard int64) {
	limit, err := bytes.Parse(c.BodyLimit)
	if err != nil || limit <= 0 {
		panic(fmt.Sprintf("httpserver: invalid body_limit %q", c.BodyLimit))
	}
	discard = max(minDiscardLimit, 4*limit)
	if c.BodyDiscardLimit != "" {
		if discard, err = bytes.Parse(c.BodyDiscardLimit); err != nil || discard <= 0 {
			panic(fmt.Sprintf("httpserver: invalid body_discard_limit %q", c.BodyDiscardLimit))
		}
	}
	return limit, discard
}

func (c *Config) setDefaults() {
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 10 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 30 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 15 * time.Second
	}
	if c.BodyLimit == "" {
		c.BodyLimit = "1M"
	}
	if c.ReadinessTimeout <= 0 {
		c.ReadinessTimeout = 2 * time.Second
	}
}

// Check is one dependency that /readyz asks about.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Server is a service's HTTP server.
type Server struct {
	echo   *echo.Echo
	server *http.Server
	cfg    Config
	name   string
	log    *zap.Logger
}

// New returns the public server, with the shared middleware and the error
// handler installed. The service's routes are added through Echo.
func New(cfg Config, log *zap.Logger) *Server {
	return newServer(cfg, "api", log)
}

// NewAdmin returns the admin server on admin's address, with cfg's timeouts
// and body limits: GET /healthz (alive), GET /readyz (200 while every check
// passes) and, when admin.Pprof is set, Go's profiles under /debug/pprof/.
// ServeMetrics adds /metrics; a service adds its own operator routes.
func NewAdmin(cfg Config, admin AdminConfig, log *zap.Logger, checks ...Check) *Server {
	cfg.Address = admin.Address
	s := newServer(cfg, "admin", log)
	s.echo.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "UP"})
	})
	s.echo.GET("/readyz", s.readiness(checks))
	if admin.Pprof {
		s.echo.GET("/debug/pprof/*", profiles)
	}
	return s
}

func newServer(cfg Config, name string, log *zap.Logger) *Server {
	cfg.setDefaults()
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = ErrorHandler(log)
	// The request log is the outermost layer, so that it records every
	// answer: the 500 of a recovered panic and the body limit's 413 too.
	// Every request gets an id (the client's X-Request-Id, or a new one),
	// returned as X-Request-Id and logged as request_id, so that a client's
	// report and the log line find each other.
	e.Use(middleware.RequestID())
	e.Use(requestLogger(log))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		log.Error("panic in handler", zap.Error(err), zap.ByteString("stack", stack))
		return err
	}}))
	limit, discard := cfg.bodyLimits()
	e.Use(bodyLimit(limit, discard, cfg.ReadTimeout))
	s := &Server{echo: e, cfg: cfg, name: name, log: log}
	s.server = &http.Server{
		Addr:              cfg.Address,
		Handler:           e,
		ReadTimeout:       cfg.ReadTimeout,
		ReadHeaderTimeout: cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.maxHeaderBytes(),
	}
	return s
}

// maxHeaderBytes is MaxHeaderBytes in bytes, 64 KiB when not set.
func (c Config) maxHeaderBytes() int {
	if n, err := bytes.Parse(c.MaxHeaderBytes); err == nil && n > 0 {
		return int(n)
	}
	return 64 << 10
}

// Echo returns the router, to register the service's routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Handler returns the server's handler, for tests with httptest.
func (s *Server) Handler() http.Handler { return s.echo }

// Run listens until ctx is cancelled, then stops accepting connections and
// lets requests in flight finish within the shutdown timeout.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Address)
	if err != nil {
		return fmt.Errorf("%s: listen on %s: %w", s.name, s.cfg.Address, err)
	}
	s.log.Info("http server listening", zap.String("server", s.name), zap.String("address", ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- s.server.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("%s http shutdown: %w", s.name, err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readiness answers 200 when every check passes, 503 naming the failing ones
// otherwise. The checks run concurrently, each within the readiness timeout.
func (s *Server) readiness(checks []Check) echo.HandlerFunc {
	type result struct {
		name string
		err  error
	}
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.ReadinessTimeout)
		defer cancel()
		results := make(chan result, len(checks))
		for _, check := range checks {
			go func() { results <- result{check.Name, check.Probe(ctx)} }()
		}
		status := map[string]string{}
		ready := true
		for range checks {
			r := <-results
			if r.err != nil {
				ready = false
				status[r.name] = "DOWN"
				s.log.Warn("readiness check failed", zap.String("check", r.name), zap.Error(r.err))
				continue
			}
			status[r.name] = "UP"
		}
		if !ready {
			return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "DOWN", "checks": status})
		}
		return c.JSON(http.StatusOK, map[string]any{"status": "UP", "checks": status})
	}
}

func requestLogger(log *zap.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, LogError: true, LogRequestID: true,
		// Let the error handler write the response first, so the logged status
		// is the one the client got.
		HandleError: true,
		Skipper: func(c echo.Context) bool {
			// The probes and the scrapes come every few seconds and say
			// nothing about the service's work.
			p := c.Path()
			return p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/debug/pprof/")
		},
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// The error is the full one, with the details the client was not
			// shown (which row conflicted, what the driver said).
			fields := []zap.Field{zap.String("method", v.Method), zap.String("uri", v.URI),
				zap.Int("status", v.Status), zap.Duration("latency", v.Latency), zap.String("request_id", v.RequestID)}
			if v.Error != nil {
				fields = append(fields, zap.Error(v.Error))
			}
			log.Info("http request", fields...)
			return nil
		},
	})
}
