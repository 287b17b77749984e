package postgres_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	gormpg "gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/postgres"
	"github.com/food-ordering-system/infrastructure/postgres/pgtest"
)

// closedPort returns a local port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

func TestTransactOnAnUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	cfg := pgtest.Config()
	cfg.Host, cfg.Port, cfg.Schema = "127.0.0.1", closedPort(t), "order"
	// Opened without the ping of postgres.Open, as a pool is when the
	// database goes away after the service started.
	db, err := gorm.Open(gormpg.Open(cfg.DSN()), &gorm.Config{DisableAutomaticPing: true, SkipDefaultTransaction: true})
	require.NoError(t, err)
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})

	called := false
	err = postgres.NewTransactor(db).Transact(context.Background(), func(context.Context) error {
		called = true
		return nil
	})

	require.Error(t, err)
	assert.False(t, called, "nothing runs without a transaction")
	assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err), "a failed BEGIN is a database that is down: %v", err)
}

func TestTransactOnADatabaseThatWentAwayIsUnavailable(t *testing.T) {
	t.Parallel()
	_, cfg := pgtest.New(t, migrations)
	proxy := startProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	cfg.Host, cfg.Port = "127.0.0.1", proxy.port()
	db, err := postgres.Open(context.Background(), cfg, zap.NewNop())
	require.NoError(t, err)
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	tx := postgres.NewTransactor(db)
	insert := func(ctx context.Context, id int) error {
		return tx.Transact(ctx, func(ctx context.Context) error {
			return postgres.WrapError(postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (?, 'w')`, id).Error, "insert widget")
		})
	}
	require.NoError(t, insert(context.Background(), 1), "the pool holds a live connection")

	proxy.close()

	for i := range 3 { // the dead pooled connection first, then new ones
		err := insert(context.Background(), 2+i)
		require.Error(t, err)
		assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(err), "try %d: %v", i, err)
	}
}

func TestTransactRollsBackWhenFnPanics(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	tx := postgres.NewTransactor(db)

	assert.PanicsWithValue(t, "boom", func() {
		_ = tx.Transact(context.Background(), func(ctx context.Context) error {
			require.NoError(t, postgres.Conn(ctx, db).Exec(`INSERT INTO widgets VALUES (1, 'dropped')`).Error)
			panic("boom")
		})
	})

	var count int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM widgets`).Scan(&count).Error)
	assert.Zero(t, count)
}

func TestTransactClassifiesAFailedCommit(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	// A deferred constraint is checked at COMMIT, so the commit itself fails.
	pgtest.Exec(t, db, `CREATE TABLE tickets (id int, CONSTRAINT tickets_uidx UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)`)

	err := postgres.NewTransactor(db).Transact(context.Background(), func(ctx context.Context) error {
		return postgres.Conn(ctx, db).Exec(`INSERT INTO tickets VALUES (1), (1)`).Error
	})

	require.Error(t, err)
	assert.True(t, postgres.IsUniqueViolation(err), "the cause is kept: %v", err)
	assert.Equal(t, kernel.ECodeConflict, kernel.ErrorCodeOf(err))
	var count int64
	require.NoError(t, db.Raw(`SELECT count(*) FROM tickets`).Scan(&count).Error)
	assert.Zero(t, count)
}

func TestTransactReturnsFnErrorUnchanged(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.New(t, migrations)
	failure := kernel.Errorf(kernel.ECodeInvalid, "Total price must be greater than zero!")

	err := postgres.NewTransactor(db).Transact(context.Background(), func(context.Context) error { return failure })

	assert.Same(t, failure, err)
}

// proxy forwards TCP connections to a target. Closing it refuses new
// connections and cuts the forwarded ones, as a database server that goes
// away does.
type proxy struct {
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	closed bool
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.DialTimeout("tcp", target, 5*time.Second)
			if err != nil {
				_ = client.Close()
				continue
			}
			if !p.track(client, server) {
				return
			}
			p.wg.Add(2)
			go p.pipe(client, server)
			go p.pipe(server, client)
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// track records a forwarded pair, or closes it when the proxy is closed.
func (p *proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	p.conns = append(p.conns, conns...)
	return true
}

func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
}

// close stops the proxy and waits until every forwarded connection is cut.
func (p *proxy) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	_ = p.ln.Close()
	for _, c := range conns {
		_ = c.Close()
	}
	p.wg.Wait()
}

func TestWrapErrorTellsALostConnectionFromAFailedStatement(t *testing.T) {
	lost := []error{
		&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")},
		fmt.Errorf("read message: %w", io.ErrUnexpectedEOF),
		driver.ErrBadConn,
	}
	for _, err := range lost {
		assert.Equal(t, kernel.ECodeUnavailable, kernel.ErrorCodeOf(postgres.WrapError(err, "find order")), "%v", err)
	}
	failed := postgres.WrapError(errors.New("relation orders does not exist"), "find order")
	assert.Equal(t, kernel.ECodeInternal, kernel.ErrorCodeOf(failed))
	assert.EqualError(t, failed, "find order: relation orders does not exist")
}
