package load

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// PostgresWork is what the database did for the sagas of the steady window,
// from pg_stat_database and pg_stat_statements (the statements only when the
// server preloads the extension, as the local scripts do).
type PostgresWork struct {
	// CommitsPerSaga counts committed transactions of the system's database,
	// the load generator's own reads included.
	CommitsPerSaga float64 `json:"commits_per_saga"`
	// StatementsPerSaga counts the statements each role ran, per saga:
	// order_service, payment_service, restaurant_service, and the load
	// generator's (the superuser's) status polling.
	StatementsPerSaga map[string]float64 `json:"statements_per_saga,omitempty"`
	// Top are the statements that took the most execution time.
	Top []StatementWork `json:"top_statements,omitempty"`
}

// StatementWork is one statement's share of the window.
type StatementWork struct {
	Role         string  `json:"role"`
	Query        string  `json:"query"`
	CallsPerSaga float64 `json:"calls_per_saga"`
	MeanMs       float64 `json:"mean_ms"`
	// MsPerSaga is the statement's execution time per saga.
	MsPerSaga float64 `json:"ms_per_saga"`
}

// pgSample is the database's counters at one moment.
type pgSample struct {
	commits    int64
	statements map[string]statementCounters // by role and queryid
}

type statementCounters struct {
	role, query string
	calls       int64
	totalMs     float64
}

// samplePostgres reads the counters of the system's database. Statement
// counters are left out when pg_stat_statements is not loaded.
func samplePostgres(ctx context.Context, s *e2e.System) (pgSample, error) {
	db := s.DB.WithContext(ctx)
	// Backends report their counts about once a second, so a window's
	// figures are right to within a second's work.
	sample := pgSample{statements: map[string]statementCounters{}}
	if err := db.Raw(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`).
		Scan(&sample.commits).Error; err != nil {
		return sample, fmt.Errorf("load: read pg_stat_database: %w", err)
	}
	// The statements are optional: without pg_stat_statements in the
	// server's shared_preload_libraries, neither the extension nor its view
	// answers, and the report shows commits only. With it loaded, a failing
	// read is an error like any other.
	var loaded bool
	if err := db.Raw(`SELECT 'pg_stat_statements' = ANY(string_to_array(
		replace(current_setting('shared_preload_libraries'), ' ', ''), ','))`).Scan(&loaded).Error; err != nil {
		return sample, fmt.Errorf("load: read shared_preload_libraries: %w", err)
	}
	if !loaded {
		return sample, nil
	}
	if err := db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`).Error; err != nil {
		return sample, fmt.Errorf("load: create extension pg_stat_statements: %w", err)
	}
	var rows []struct {
		Role    string
		QueryID int64
		Query   string
		Calls   int64
		TotalMs float64
	}
	err := db.Raw(`SELECT r.rolname AS role, s.queryid AS query_id, s.query, s.calls, s.total_exec_time AS total_ms
		FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
		WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&rows).Error
	if err != nil {
		return sample, fmt.Errorf("load: read pg_stat_statements: %w", err)
	}
	for _, r := range rows {
		sample.statements[fmt.Sprintf("%s/%d", r.Role, r.QueryID)] = statementCounters{role: r.Role, query: r.Query, calls: r.Calls, totalMs: r.TotalMs}
	}
	return sample, nil
}

// postgresWork is what happened between two samples, per saga.
func postgresWork(before, after pgSample, sagas int, top int) *PostgresWork {
	if sagas == 0 {
		return nil
	}
	n := float64(sagas)
	w := &PostgresWork{CommitsPerSaga: float64(after.commits-before.commits) / n}
	if len(after.statements) == 0 {
		return w
	}
	w.StatementsPerSaga = map[string]float64{}
	for key, a := range after.statements {
		b := before.statements[key]
		calls := a.calls - b.calls
		if calls <= 0 {
			continue
		}
		totalMs := a.totalMs - b.totalMs
		w.StatementsPerSaga[a.role] += float64(calls) / n
		w.Top = append(w.Top, StatementWork{Role: a.role, Query: oneLine(a.query), CallsPerSaga: float64(calls) / n,
			MeanMs: totalMs / float64(calls), MsPerSaga: totalMs / n})
	}
	slices.SortFunc(w.Top, func(x, y StatementWork) int {
		switch {
		case x.MsPerSaga > y.MsPerSaga:
			return -1
		case x.MsPerSaga < y.MsPerSaga:
			return 1
		}
		return strings.Compare(x.Query, y.Query)
	})
	if len(w.Top) > top {
		w.Top = w.Top[:top]
	}
	return w
}

// oneLine folds a statement's whitespace and bounds its length for the
// report.
func oneLine(query string) string {
	q := strings.Join(strings.Fields(query), " ")
	if len(q) > 160 {
		q = q[:157] + "..."
	}
	return q
}
