package metrics

import (
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// ScrapeTimeout bounds each database read a scrape makes: a slow database
// must not make the whole scrape time out, which would hide every series.
const ScrapeTimeout = 2 * time.Second

// NewRegistry returns the registry of one service process, with the Go
// runtime (go_*) and process (process_*) collectors and, when pool is not
// nil, the statistics of the service's database connection pool (go_sql_*,
// labelled db_name=poolName): connections open, in use and idle, and how
// often and how long callers waited for one.
func NewRegistry(pool *sql.DB, poolName string) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		reg.MustRegister(collectors.NewDBStatsCollector(pool, poolName))
	}
	return reg
}
