package repocheck

import (
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// adminDefaults are the admin addresses the services listen on when their
// config.yaml does not name one.
var adminDefaults = map[string]string{
	"order-service":      "127.0.0.1:9181",
	"payment-service":    "127.0.0.1:9182",
	"restaurant-service": "127.0.0.1:9183",
}

// codeDefaultKeys are configuration keys the services read with a default in
// code, which config.yaml may leave out.
var codeDefaultKeys = []string{"admin.address", "admin.pprof"}

// loadServiceConfig reads the parts of service's config.yaml that the
// deployment files must agree with.
func loadServiceConfig(t *testing.T, service string) serviceConfig {
	t.Helper()
	var cfg serviceConfig
	if err := yaml.Unmarshal(readFile(t, service, "config.yaml"), &cfg); err != nil {
		t.Fatalf("%s/config.yaml: %v", service, err)
	}
	return cfg
}

// servicePorts returns the API and admin ports service listens on by its
// config.yaml.
func servicePorts(t *testing.T, service string) (api, admin int) {
	t.Helper()
	cfg := loadServiceConfig(t, service)
	adminAddress := cfg.Admin.Address
	if adminAddress == "" {
		adminAddress = adminDefaults[service]
	}
	return portOf(t, service+" http.address", cfg.HTTP.Address), portOf(t, service+" admin.address", adminAddress)
}

func portOf(t *testing.T, what, address string) int {
	t.Helper()
	_, port, err := net.SplitHostPort(address)
	if err != nil {
		t.Fatalf("%s %q: %v", what, address, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("%s %q: %v", what, address, err)
	}
	return n
}

// envPrefix is the prefix of service's environment variables:
// ORDER_SERVICE_ for order-service.
func envPrefix(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_"
}

// configEnvKeys returns the environment variable of every key of service's
// config.yaml (viper's naming: the prefix, then the key path in upper case
// with "_" for "."), and of the keys with a default in code.
func configEnvKeys(t *testing.T, service string) map[string]bool {
	t.Helper()
	var tree map[string]any
	if err := yaml.Unmarshal(readFile(t, service, "config.yaml"), &tree); err != nil {
		t.Fatalf("%s/config.yaml: %v", service, err)
	}
	keys := map[string]bool{}
	var walk func(path string, node any)
	walk = func(path string, node any) {
		m, ok := node.(map[string]any)
		if !ok {
			keys[envPrefix(service)+strings.ToUpper(strings.ReplaceAll(path, ".", "_"))] = true
			return
		}
		for k, v := range m {
			if path != "" {
				k = path + "." + k
			}
			walk(k, v)
		}
	}
	walk("", tree)
	if len(keys) < 20 {
		t.Fatalf("%s/config.yaml has %d keys; it has far more", service, len(keys))
	}
	for _, key := range codeDefaultKeys {
		keys[envPrefix(service)+strings.ToUpper(strings.ReplaceAll(key, ".", "_"))] = true
	}
	return keys
}

// Nothing compose runs is reachable from another machine: the services have
// no authentication on their admin ports, PostgreSQL and Kafka none worth
// the name on a developer's machine.
func TestComposePublishesOnLoopbackOnly(t *testing.T) {
	c := loadCompose(t)
	published := 0
	for name, s := range c.Services {
		for _, port := range s.Ports {
			published++
			if !strings.HasPrefix(port, "127.0.0.1:") {
				t.Errorf("compose %s publishes %q on every interface; bind it to 127.0.0.1", name, port)
			}
		}
	}
	if published < 10 {
		t.Fatalf("compose publishes %d ports; the check read nothing", published)
	}
}

// requiredVariable is compose's interpolation that refuses to start while
// the variable is unset or empty: ${NAME:?message}.
var requiredVariable = regexp.MustCompile(`^\$\{([A-Z0-9_]+):\?[^}]+\}$`)

// No password is written in the compose file: each comes from .env, compose
// refuses to start without it, and .env.example lists it.
func TestComposeTakesPasswordsFromTheEnvironment(t *testing.T) {
	c := loadCompose(t)
	example := string(readFile(t, ".env.example"))
	secrets := 0
	for name, s := range c.Services {
		for key, value := range s.Environment {
			if !strings.Contains(key, "PASSWORD") && !strings.Contains(key, "SECRET") {
				continue
			}
			secrets++
			m := requiredVariable.FindStringSubmatch(value)
			if m == nil {
				t.Errorf("compose %s sets %s to %q: take it from the environment as ${VAR:?set VAR in .env}", name, key, value)
				continue
			}
			if !regexp.MustCompile(`(?m)^` + m[1] + `=`).MatchString(example) {
				t.Errorf("compose %s reads %s, which .env.example does not list", name, m[1])
			}
		}
	}
	// PostgreSQL's superuser, the three runtime roles (twice: for the role
	// and for the service), Grafana's admin and Kafka UI's login.
	if secrets < 9 {
		t.Errorf("compose has %d password settings; PostgreSQL, the three roles, Grafana and Kafka UI need theirs", secrets)
	}
	if !strings.Contains(string(readFile(t, ".gitignore")), "/.env\n") {
		t.Error(".gitignore does not keep .env out of git")
	}
}

// Every long-running service has a health check, and nothing starts before
// what it needs is healthy: compose's --wait and depends_on mean "up and
// answering", not "a process exists".
func TestComposeHealthchecksAndDependencies(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		if name == "kafka-init" {
			continue // a one-shot job: its dependants wait for it to complete
		}
		if s.Healthcheck == nil || len(s.Healthcheck.Test) < 2 {
			t.Errorf("compose %s has no healthcheck", name)
		}
		for dep, d := range s.DependsOn {
			want := "service_healthy"
			if dep == "kafka-init" {
				want = "service_completed_successfully"
			}
			if d.Condition != want {
				t.Errorf("compose %s depends on %s with condition %q, want %s", name, dep, d.Condition, want)
			}
		}
	}
	for _, service := range services {
		// The image has no shell: the binary checks its own admin port.
		want := []string{"CMD", "/" + service, "-config", "/config.yaml", "-healthcheck"}
		if hc := c.Services[service].Healthcheck; hc == nil || !slices.Equal(hc.Test, want) {
			t.Errorf("compose %s healthcheck must be %v", service, want)
		}
		dockerfile := string(readFile(t, service, "Dockerfile"))
		if !strings.Contains(dockerfile, `CMD ["/`+service+`", "-config", "/config.yaml", "-healthcheck"]`) {
			t.Errorf("%s/Dockerfile has no HEALTHCHECK with -healthcheck", service)
		}
	}
	for _, dep := range []string{"order-service", "payment-service", "restaurant-service"} {
		if _, ok := c.Services["prometheus"].DependsOn[dep]; !ok {
			t.Errorf("compose prometheus does not wait for %s", dep)
		}
	}
}

// pinnedImage is an image with a version tag of at least major.minor.patch
// (an optional v), never latest or a major alone.
var pinnedImage = regexp.MustCompile(`^[a-z0-9./_-]+:v?\d+\.\d+(\.\d+)?$`)

// Images are pinned, so that a rebuild next month runs what was tested, and
// current: no release past its end of life.
func TestComposeImagesArePinnedAndCurrent(t *testing.T) {
	c := loadCompose(t)
	want := map[string]*regexp.Regexp{
		"postgres":   regexp.MustCompile(`^postgres:15\.\d+$`),
		"jaeger":     regexp.MustCompile(`^jaegertracing/jaeger:2\.\d+\.\d+$`),
		"prometheus": regexp.MustCompile(`^prom/prometheus:v3\.\d+\.\d+$`),
		"grafana":    regexp.MustCompile(`^grafana/grafana:\d+\.\d+\.\d+$`),
		"kafka-ui":   regexp.MustCompile(`^kafbat/kafka-ui:v\d+\.\d+\.\d+$`),
	}
	for name, s := range c.Services {
		if s.Build != nil {
			continue
		}
		if !pinnedImage.MatchString(s.Image) {
			t.Errorf("compose %s image %q is not pinned to a version", name, s.Image)
		}
		if re, ok := want[name]; ok && !re.MatchString(s.Image) {
			t.Errorf("compose %s image %q, want %s", name, s.Image, re)
		}
	}
	for _, service := range services {
		dockerfile := string(readFile(t, service, "Dockerfile"))
		if !regexp.MustCompile(`(?m)^FROM golang:1\.26\.\d+ AS build$`).MatchString(dockerfile) {
			t.Errorf("%s/Dockerfile does not build with a pinned golang:1.26.N", service)
		}
		// GOPATH is /go in the golang image.
		if !strings.Contains(dockerfile, "--mount=type=cache,target=/go/pkg/mod") {
			t.Errorf("%s/Dockerfile does not cache /go/pkg/mod, where the golang image keeps modules", service)
		}
		if !regexp.MustCompile(`(?m)^FROM gcr\.io/distroless/static-debian\d+:nonroot$`).MatchString(dockerfile) ||
			!strings.Contains(dockerfile, "\nUSER nonroot:nonroot\n") {
			t.Errorf("%s/Dockerfile must run on distroless static as its nonroot user", service)
		}
	}
}

// The Kafka volume holds the broker's log: the apache/kafka image writes
// under /tmp unless KAFKA_LOG_DIRS says otherwise.
func TestComposeKafkaWritesIntoItsVolume(t *testing.T) {
	kafka := loadCompose(t).Services["kafka"]
	dir := kafka.Environment["KAFKA_LOG_DIRS"]
	if dir == "" {
		t.Fatal("compose kafka does not set KAFKA_LOG_DIRS: the image's default is outside the volume")
	}
	if !slices.Contains(kafka.Volumes, "kafka-data:"+dir) {
		t.Errorf("compose kafka mounts %v, not kafka-data at its log dir %s", kafka.Volumes, dir)
	}
}

// The build context is the repository root: the local PostgreSQL and Kafka
// data, git's history and the Python environment stay out of it.
func TestDockerignoreKeepsLocalStateOutOfTheBuild(t *testing.T) {
	ignore := strings.Split(string(readFile(t, ".dockerignore")), "\n")
	for _, path := range []string{".git", ".env", ".venv", ".run", "bin", "infrastructure/tools/local/.data"} {
		if !slices.Contains(ignore, path) {
			t.Errorf(".dockerignore does not list %s", path)
		}
	}
}
