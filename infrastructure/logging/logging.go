// Package logging builds the zap logger a service logs with.
package logging

import (
	"fmt"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Config chooses the level and the encoding.
type Config struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level"`
	// Format is json (for machines) or console (for people).
	Format string `mapstructure:"format"`
}

// Validate reports an unknown level or format.
func (c Config) Validate() error {
	if _, err := zapcore.ParseLevel(c.Level); c.Level != "" && err != nil {
		return fmt.Errorf("log.level: %w", err)
	}
	if c.Format != "" && c.Format != "json" && c.Format != "console" {
		return fmt.Errorf("log.format %q: want json or console", c.Format)
	}
	return nil
}

// New returns a logger writing to standard error, with timestamps in ISO 8601.
func New(cfg Config) (*zap.Logger, error) {
	level := zapcore.InfoLevel
	if cfg.Level != "" {
		l, err := zapcore.ParseLevel(cfg.Level)
		if err != nil {
			return nil, err
		}
		level = l
	}
	zc := zap.NewProductionConfig()
	if cfg.Format == "console" {
		zc = zap.NewDevelopmentConfig()
		zc.EncoderConfig.EncodeLevel = zapcore.CapitalLevelEncoder // no colour codes: these logs also go to files
	}
	zc.Level = zap.NewAtomicLevelAt(level)
	zc.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	zc.Sampling = nil
	zc.DisableStacktrace = level > zapcore.DebugLevel
	return zc.Build()
}
