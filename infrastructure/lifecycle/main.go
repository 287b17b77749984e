package lifecycle

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/logging"
	"github.com/food-ordering-system/infrastructure/postgres"
)

// ServiceConfig is what Main needs of a service's configuration type C,
// through a pointer to it: validation, the logging settings, the admin
// listener's address for -healthcheck, and the database settings with the
// schema the binary carries for -migrate.
type ServiceConfig[C any] interface {
	*C
	Validate() error
	Logging() logging.Config
	AdminAddress() string
	Database() (postgres.Config, postgres.Schema)
}

// HealthcheckTimeout bounds -healthcheck's request.
const HealthcheckTimeout = 2 * time.Second

// Main is the whole main function of a service: it reads the -config flag
// (config.yaml in the working directory by default), loads and validates the
// configuration with its environment overrides (envPrefix_...), builds the
// logger and calls run, which wires the service and blocks until it stops.
// Any failure is printed and ends the process with status 1.
//
// With -healthcheck it runs nothing: it asks the running service's admin
// /healthz (see Healthcheck) and exits 0 when it is alive, 1 otherwise, so
// that an image without a shell or curl can still have a health check.
//
// With -migrate it is a migration job (see Migrate): it applies the
// service's migrations and exits 0 when the schema is at this release's
// version, 1 otherwise.
func Main[C any, P ServiceConfig[C]](service, envPrefix string, run func(context.Context, C, *zap.Logger) error) {
	path := flag.String("config", "config.yaml", "configuration file; every key can be overridden by an "+envPrefix+"_* variable")
	healthcheck := flag.Bool("healthcheck", false, "ask the running service's admin /healthz and exit 0 when it answers 200 within "+
		HealthcheckTimeout.String()+", 1 otherwise")
	migrate := flag.Bool("migrate", false, "apply the migrations as postgres.migration_user (and the development seed "+
		"where postgres.seed is set), then exit: 0 when the schema is at this release's version")
	flag.Parse()
	if *healthcheck {
		if err := Healthcheck[C, P](context.Background(), *path, envPrefix); err != nil {
			fmt.Fprintf(os.Stderr, "%s: unhealthy: %v\n", service, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if *migrate {
		if err := Migrate[C, P](context.Background(), service, *path, envPrefix); err != nil {
			fmt.Fprintf(os.Stderr, "%s: migrate: %v\n", service, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	var cfg C
	if err := config.Load(*path, envPrefix, P(&cfg)); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", service, err)
		os.Exit(1)
	}
	log, err := logging.New(P(&cfg).Logging())
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: logger: %v\n", service, err)
		os.Exit(1)
	}
	log = log.With(zap.String("service", service))
	err = run(context.Background(), cfg, log)
	if err != nil {
		log.Error(service+" stopped", zap.Error(err))
	}
	_ = log.Sync()
	if err != nil {
		os.Exit(1)
	}
}

// Migrate loads the configuration as the service does at start (the file at
// path and the envPrefix_* variables) and applies the schema's migrations
// with postgres.ApplyMigrations, under the migration role's credentials,
// whatever postgres.migrate says. Only the logging and postgres settings
// are validated: a migration job is given the database's Secrets, not the
// broker's.
func Migrate[C any, P ServiceConfig[C]](ctx context.Context, service, path, envPrefix string) error {
	var cfg C
	if err := config.Decode(path, envPrefix, P(&cfg)); err != nil {
		return err
	}
	pg, schema := P(&cfg).Database()
	if err := errors.Join(P(&cfg).Logging().Validate(), pg.Validate()); err != nil {
		return fmt.Errorf("config %s is invalid: %w", path, err)
	}
	log, err := logging.New(P(&cfg).Logging())
	if err != nil {
		return fmt.Errorf("logger: %w", err)
	}
	defer func() { _ = log.Sync() }()
	return postgres.ApplyMigrations(ctx, pg, schema, log.With(zap.String("service", service)))
}

// Healthcheck loads the configuration as the service does at start (the file
// at path and the envPrefix_* variables) and asks GET /healthz of its admin
// listener, within HealthcheckTimeout. A wildcard host (empty, 0.0.0.0, ::)
// is asked on 127.0.0.1. It returns nil when the answer is 200.
func Healthcheck[C any, P ServiceConfig[C]](ctx context.Context, path, envPrefix string) error {
	var cfg C
	if err := config.Load(path, envPrefix, P(&cfg)); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(P(&cfg).AdminAddress())
	if err != nil {
		return fmt.Errorf("admin address: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, HealthcheckTimeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		// The *url.Error would name the URL a second time.
		if cause := errors.Unwrap(err); cause != nil {
			err = cause
		}
		return fmt.Errorf("GET %s: %w", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}
