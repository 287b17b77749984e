// Package postgres holds the PostgreSQL adapters every service shares: opening
// gorm with a sized pool, applying a service's embedded migrations, the
// transaction port's adapter, LISTEN/NOTIFY wake-ups and an outbox store for
// the outbox relay and cleaner.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"
	gormpg "gorm.io/driver/postgres"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"
)

// Config is how a service reaches its database.
type Config struct {
	Host string `mapstructure:"host"`
	Port int    `mapstructure:"port"`
	// User is the service's runtime role: it reads and writes the tables of
	// its schema and may change nothing else.
	User     string `mapstructure:"user"`
	Password string `mapstructure:"password"`
	// Migrate applies the migrations at start, as MigrationUser, before the
	// service uses its tables (one machine: make run, compose). False, the
	// service applies none and refuses to start unless its schema is at
	// this release's version: a migration job (the binary's -migrate) holds
	// the migration role and brings it there, and the service needs only its
	// runtime role's credentials.
	Migrate bool `mapstructure:"migrate"`
	// MigrationUser is the role that owns the schema: the service connects
	// with it only to apply its migrations (at start with Migrate, or with
	// -migrate), on a pool of its own.
	MigrationUser     string `mapstructure:"migration_user"`
	MigrationPassword string `mapstructure:"migration_password"`
	Database          string `mapstructure:"database"`
	// Schema is the one schema the service owns; it is the connection's
	// search_path, so queries name tables without it.
	Schema  string `mapstructure:"schema"`
	SSLMode string `mapstructure:"sslmode"`

	MaxOpenConns    int           `mapstructure:"max_open_conns"`
	MaxIdleConns    int           `mapstructure:"max_idle_conns"`
	ConnMaxLifetime time.Duration `mapstructure:"conn_max_lifetime"`
	// ConnectTimeout bounds one connection attempt.
	ConnectTimeout time.Duration `mapstructure:"connect_timeout"`
	// Seed inserts the development reference data (customers, credit,
	// restaurants, products of the original system) after the migrations.
	// Only the development targets set it: make run, make demo and the test
	// harnesses. The rows are inserted unless present, so a restart changes
	// nothing.
	Seed bool `mapstructure:"seed"`
	// RuntimeParams are settings every connection of the pool starts with
	// (SET at connection time), e.g. {"plan_cache_mode": "force_custom_plan"}.
	RuntimeParams map[string]string `mapstructure:"runtime_params"`
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("postgres.host is empty"))
	}
	if c.Port <= 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("postgres.port %d is out of range", c.Port))
	}
	if c.User == "" {
		errs = append(errs, errors.New("postgres.user is empty"))
	}
	if c.MigrationUser == "" && c.MigrationPassword != "" {
		errs = append(errs, errors.New("postgres.migration_password is set but postgres.migration_user is empty"))
	}
	if c.Migrate && c.MigrationUser == "" {
		errs = append(errs, errMigrateWithoutRole)
	}
	if c.Database == "" {
		errs = append(errs, errors.New("postgres.database is empty"))
	}
	if c.Schema == "" {
		errs = append(errs, errors.New("postgres.schema is empty"))
	}
	if c.MaxOpenConns < 0 || c.MaxIdleConns < 0 {
		errs = append(errs, errors.New("postgres pool sizes must not be negative"))
	}
	return errors.Join(errs...)
}

// errMigrateWithoutRole is why migrations cannot be applied without a
// migration role: the runtime role may not change the schema.
var errMigrateWithoutRole = errors.New("postgres.migrate is true but postgres.migration_user is empty: " +
	"name the role that owns the schema, or set postgres.migrate to false where a migration job (-migrate) applies them")

// MigrationConfig is c with the migration role's credentials in place of
// the runtime role's.
func (c Config) MigrationConfig() Config {
	c.User, c.Password = c.MigrationUser, c.MigrationPassword
	return c
}

// DSN returns the connection URL, with the service's schema as search_path.
func (c Config) DSN() string {
	q := url.Values{}
	sslmode := c.SSLMode
	if sslmode == "" {
		sslmode = "disable"
	}
	q.Set("sslmode", sslmode)
	if c.Schema != "" {
		q.Set("search_path", c.Schema)
	}
	timeout := c.ConnectTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	q.Set("connect_timeout", fmt.Sprint(int(timeout.Seconds())))
	// pgx sends every query parameter it does not know itself to the server
	// as a run-time parameter of the connection.
	for name, value := range c.RuntimeParams {
		q.Set(name, value)
	}
	u := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword(c.User, c.Password),
		Host:   fmt.Sprintf("%s:%d", c.Host, c.Port),
		Path:   "/" + c.Database,
		// pgx reads a + in the query as itself, not as a space.
		RawQuery: strings.ReplaceAll(q.Encode(), "+", "%20"),
	}
	return u.String()
}

// Open connects gorm to the database with the configured pool, and checks
// the connection once.
func Open(ctx context.Context, cfg Config, log *zap.Logger) (*gorm.DB, error) {
	db, err := gorm.Open(gormpg.Open(cfg.DSN()), &gorm.Config{
		Logger:                 gormlogger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		return nil, fmt.Errorf("open postgres %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	maxOpen := cfg.MaxOpenConns
	if maxOpen == 0 {
		maxOpen = 20
	}
	maxIdle := cfg.MaxIdleConns
	if maxIdle == 0 {
		maxIdle = maxOpen
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(maxIdle)
	if cfg.ConnMaxLifetime > 0 {
		sqlDB.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("ping postgres %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	log.Info("postgres connected", zap.String("host", cfg.Host), zap.Int("port", cfg.Port),
		zap.String("database", cfg.Database), zap.String("schema", cfg.Schema))
	return db, nil
}

// Ping is a readiness check: it answers nil while the database accepts
// queries.
func Ping(db *gorm.DB) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		sqlDB, err := db.DB()
		if err != nil {
			return err
		}
		return sqlDB.PingContext(ctx)
	}
}

// QuoteIdent quotes an identifier for SQL text, so that schema names like
// "order" (a keyword) work.
func QuoteIdent(name string) string {
	out := []byte{'"'}
	for i := 0; i < len(name); i++ {
		if name[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, name[i])
	}
	return string(append(out, '"'))
}

// Close closes db's pool of connections. It is what a process or a test does
// with a pool it opened once it is done with it; an error closing is only
// worth a log line, if that.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
