package repocheck

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/food-ordering-system/common/contract"
)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Ports       []string          `yaml:"ports"`
		Environment map[string]string `yaml:"environment"`
		Command     any               `yaml:"command"`
		Build       *struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Volumes []string `yaml:"volumes"`
	} `yaml:"services"`
}

func readFile(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{repoDir(t)}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	if err := yaml.Unmarshal(readFile(t, "docker-compose.yml"), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// serviceConfig is the part of a service's config.yaml the compose file must
// agree with.
type serviceConfig struct {
	HTTP struct {
		Address string `yaml:"address"`
	} `yaml:"http"`
	Admin struct {
		Address string `yaml:"address"`
	} `yaml:"admin"`
	Postgres struct {
		Host              string `yaml:"host"`
		Port              int    `yaml:"port"`
		User              string `yaml:"user"`
		Password          string `yaml:"password"`
		MigrationUser     string `yaml:"migration_user"`
		MigrationPassword string `yaml:"migration_password"`
		Database          string `yaml:"database"`
	} `yaml:"postgres"`
	Kafka struct {
		Brokers []string `yaml:"brokers"`
		Version string   `yaml:"version"`
	} `yaml:"kafka"`
}

func TestComposeMatchesLocalScriptsAndServiceConfig(t *testing.T) {
	c := loadCompose(t)

	pom := string(readFile(t, "infrastructure", "tools", "local", "kafka", "pom.xml"))
	m := regexp.MustCompile(`<kafka.version>([^<]+)</kafka.version>`).FindStringSubmatch(pom)
	if m == nil {
		t.Fatal("kafka.version not found in infrastructure/tools/local/kafka/pom.xml")
	}
	kafkaVersion := m[1]
	if !strings.HasPrefix(kafkaVersion, "4.") {
		t.Errorf("local Kafka %s is not a 4.x release", kafkaVersion)
	}
	for _, name := range []string{"kafka", "kafka-init"} {
		if got, want := c.Services[name].Image, "apache/kafka:"+kafkaVersion; got != want {
			t.Errorf("compose %s image = %q, want %q (the version the local script runs)", name, got, want)
		}
	}
	if !slices.Contains(c.Services["kafka"].Ports, "127.0.0.1:9092:9092") {
		t.Errorf("compose kafka must publish 9092 like the local broker: %v", c.Services["kafka"].Ports)
	}
	if !strings.HasPrefix(c.Services["postgres"].Image, "postgres:15") {
		t.Errorf("compose postgres image %q: the local script runs PostgreSQL 15", c.Services["postgres"].Image)
	}
	if !slices.Contains(c.Services["postgres"].Ports, "127.0.0.1:5432:5432") {
		t.Errorf("compose postgres must publish 5432 like the local cluster")
	}
	pgEnv := c.Services["postgres"].Environment
	roles := string(readFile(t, "infrastructure", "deploy", "roles.sql"))
	if !strings.Contains(string(readFile(t, "docker-compose.yml")), "./infrastructure/deploy/roles.sql:/docker-entrypoint-initdb.d/") {
		t.Error("compose postgres does not run infrastructure/deploy/roles.sql at init")
	}
	localPG := string(readFile(t, "infrastructure", "tools", "local", "postgres.sh"))
	if !strings.Contains(localPG, "DATABASE="+pgEnv["POSTGRES_DB"]) {
		t.Errorf("compose database %q differs from the local script's", pgEnv["POSTGRES_DB"])
	}
	if _, ok := c.Services["kafka-ui"]; !ok {
		t.Error("compose has no Kafka UI")
	}

	command := strings.Join(commandLines(c.Services["kafka-init"].Command), "\n")
	for _, topic := range contract.Topics {
		if !strings.Contains(command, topic) {
			t.Errorf("kafka-init does not create topic %s", topic)
		}
	}

	for _, service := range services {
		s, ok := c.Services[service]
		if !ok {
			t.Errorf("compose has no %s", service)
			continue
		}
		if s.Build == nil || s.Build.Dockerfile != service+"/Dockerfile" {
			t.Errorf("%s must be built from %s/Dockerfile", service, service)
		}
		readFile(t, service, "Dockerfile")
		var cfg serviceConfig
		if err := yaml.Unmarshal(readFile(t, service, "config.yaml"), &cfg); err != nil {
			t.Fatalf("%s/config.yaml: %v", service, err)
		}
		_, port, err := net.SplitHostPort(cfg.HTTP.Address)
		if err != nil {
			t.Errorf("%s http.address %q: %v", service, cfg.HTTP.Address, err)
		}
		if !slices.Contains(s.Ports, "127.0.0.1:"+port+":"+port) {
			t.Errorf("compose %s ports %v do not publish the configured port %s", service, s.Ports, port)
		}
		if cfg.Postgres.Port != 5432 || cfg.Postgres.Database != pgEnv["POSTGRES_DB"] {
			t.Errorf("%s postgres settings %+v differ from compose and the local cluster", service, cfg.Postgres)
		}
		// The service connects with the roles roles.sql creates for it, which
		// compose's PostgreSQL runs at init as the local script does: the
		// runtime role, and the migration role at start.
		role := strings.ReplaceAll(service, "-", "_")
		if cfg.Postgres.User != role || cfg.Postgres.Password != role || !strings.Contains(roles, "'"+role+"'") {
			t.Errorf("%s connects as %q: its role is %s, created by infrastructure/deploy/roles.sql", service, cfg.Postgres.User, role)
		}
		migrator := role + "_migrator"
		if cfg.Postgres.MigrationUser != migrator || cfg.Postgres.MigrationPassword != migrator || !strings.Contains(roles, "'"+migrator+"'") {
			t.Errorf("%s migrates as %q: its migration role is %s, created by infrastructure/deploy/roles.sql",
				service, cfg.Postgres.MigrationUser, migrator)
		}
		// Compose is a development setup: the tutorials' reference data.
		if s.Environment[strings.ToUpper(role)+"_POSTGRES_SEED"] != "true" {
			t.Errorf("compose %s does not set %s_POSTGRES_SEED: the tutorials' ids would be missing", service, strings.ToUpper(role))
		}
		if !slices.Equal(cfg.Kafka.Brokers, []string{"127.0.0.1:9092"}) {
			t.Errorf("%s kafka.brokers %v: the local broker is 127.0.0.1:9092", service, cfg.Kafka.Brokers)
		}
		if cfg.Kafka.Version != kafkaVersion {
			t.Errorf("%s kafka.version %q, broker runs %s", service, cfg.Kafka.Version, kafkaVersion)
		}
		keys := configEnvKeys(t, service)
		for key := range s.Environment {
			if !keys[key] && !keys[strings.TrimSuffix(key, "_FILE")] {
				t.Errorf("compose %s sets %s, which is no key of %s/config.yaml", service, key, service)
			}
		}
	}
}

func commandLines(cmd any) []string {
	switch v := cmd.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, commandLines(x)...)
		}
		return out
	}
	return nil
}
