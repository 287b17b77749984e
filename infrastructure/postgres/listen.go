package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/retry"
)

// OutboxChannel is the NOTIFY channel of an outbox table: the trigger each
// service installs on its outbox tables notifies "<schema>.<table>" after
// every insert, so that two services' tables of the same name never wake
// each other's relays.
func OutboxChannel(schema, table string) string { return schema + "." + table }

// Listen subscribes to channel with LISTEN on a connection of its own and
// returns a channel that receives a signal after each notification. Signals
// coalesce: a relay that is busy sees one pending wake-up, not a backlog. The
// connection is re-established with backoff when it drops, and a signal is sent
// after every (re)connect because notifications sent meanwhile are lost. The
// returned channel is never closed; listening stops with ctx.
func Listen(ctx context.Context, cfg Config, channel string, log *zap.Logger) <-chan struct{} {
	wake := make(chan struct{}, 1)
	log = log.With(zap.String("channel", channel))
	go func() {
		backoff := retry.NewBackoff(100*time.Millisecond, maxReconnectWait)
		for ctx.Err() == nil {
			connected := time.Now()
			err := listenOnce(ctx, cfg, channel, wake)
			if ctx.Err() != nil {
				return
			}
			if time.Since(connected) > maxReconnectWait {
				backoff.Reset() // the connection held: this is a new outage
			}
			wait := backoff.Next()
			log.Warn("postgres listener lost its connection; reconnecting", zap.Error(err), zap.Duration("backoff", wait))
			if !retry.Sleep(ctx, wait, nil) {
				return
			}
		}
	}()
	return wake
}

// maxReconnectWait bounds the wait between two attempts to listen again.
const maxReconnectWait = 5 * time.Second

func listenOnce(ctx context.Context, cfg Config, channel string, wake chan<- struct{}) error {
	conn, err := pgx.Connect(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	signal(wake)
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		signal(wake)
	}
}

func signal(wake chan<- struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}
