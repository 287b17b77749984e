package lifecycle

import (
	"context"
	"flag"
	"fmt"
	"os"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/config"
	"github.com/food-ordering-system/infrastructure/logging"
)

// ServiceConfig is what Main needs of a service's configuration type C,
// through a pointer to it: validation, and the logging settings.
type ServiceConfig[C any] interface {
	*C
	Validate() error
	Logging() logging.Config
}

// Main is the whole main function of a service: it reads the -config flag
// (config.yaml in the working directory by default), loads and validates the
// configuration with its environment overrides (envPrefix_...), builds the
// logger and calls run, which wires the service and blocks until it stops.
// Any failure is printed and ends the process with status 1.
func Main[C any, P ServiceConfig[C]](service, envPrefix string, run func(context.Context, C, *zap.Logger) error) {
	path := flag.String("config", "config.yaml", "configuration file; every key can be overridden by an "+envPrefix+"_* variable")
	flag.Parse()
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
