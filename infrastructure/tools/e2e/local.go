package e2e

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/testkit/pgtest"
)

// LocalConfig returns the settings of a System on this machine's test
// infrastructure, from anywhere inside the repository: the repository root
// (the directory of go.work above the working directory), the PostgreSQL of
// pgtest.Config, and the broker at 127.0.0.1:9092 unless
// FOS_TEST_KAFKA_BROKERS (comma separated) says otherwise, with topics
// replicated FOS_TEST_KAFKA_REPLICATION_FACTOR times when that is set (3 on
// kafka.sh's three-broker cluster). The end-to-end tests and the load, chaos
// and API-test commands all start from it.
func LocalConfig() (SystemConfig, error) {
	repo, err := repoRoot()
	if err != nil {
		return SystemConfig{}, err
	}
	brokers := "127.0.0.1:9092"
	if v := os.Getenv("FOS_TEST_KAFKA_BROKERS"); v != "" {
		brokers = v
	}
	var replication int16
	if v := os.Getenv("FOS_TEST_KAFKA_REPLICATION_FACTOR"); v != "" {
		n, err := strconv.ParseInt(v, 10, 16)
		if err != nil || n < 1 {
			return SystemConfig{}, fmt.Errorf("e2e: FOS_TEST_KAFKA_REPLICATION_FACTOR %q is not a positive number", v)
		}
		replication = int16(n)
	}
	return SystemConfig{
		RepoDir:           repo,
		Postgres:          pgtest.Config(),
		Kafka:             kafka.Config{Brokers: strings.Split(brokers, ","), Version: kafka.DefaultVersion},
		ReplicationFactor: replication,
	}, nil
}

// repoRoot is the directory of go.work, above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("e2e: go.work not found above the working directory: run from the repository")
		}
		dir = parent
	}
}
