// Package logging builds the zap logger a service logs with.
package logging

import (
	"fmt"
	"os"
	"time"

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

// New returns a logger writing to standard error through a buffer, with
// timestamps in ISO 8601; Sync writes what the buffer holds.
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
	// Lines are gathered in a buffer and written together, at the latest
	// every FlushInterval, instead of one write a line: under load the
	// services log a few lines a saga. A warning or an error writes the
	// buffer at once, itself included, so that what an operator must see is
	// never held back; a kill -9 loses at most the last FlushInterval of
	// lower lines. The caller's Sync (lifecycle.Main, at exit) writes the
	// rest.
	out := &zapcore.BufferedWriteSyncer{WS: zapcore.Lock(os.Stderr), Size: 64 << 10, FlushInterval: FlushInterval}
	flushAtWarn := zap.Hooks(func(e zapcore.Entry) error {
		if e.Level >= zapcore.WarnLevel {
			return out.Sync()
		}
		return nil
	})
	sink := zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return zapcore.NewCore(encoder(zc), out, zc.Level)
	})
	return zc.Build(sink, flushAtWarn)
}

// FlushInterval is the longest a log line below warning waits in the
// buffer.
const FlushInterval = 200 * time.Millisecond

func encoder(zc zap.Config) zapcore.Encoder {
	if zc.Encoding == "console" {
		return zapcore.NewConsoleEncoder(zc.EncoderConfig)
	}
	return zapcore.NewJSONEncoder(zc.EncoderConfig)
}
