package repocheck

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The Prometheus of docker compose scrapes each service's admin port (as its
// config.yaml gives it), and the compose file mounts what the observability
// folder holds.
func TestPrometheusScrapesEveryServiceOnItsPort(t *testing.T) {
	var prom struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(readFile(t, "infrastructure", "observability", "prometheus.yml"), &prom); err != nil {
		t.Fatal(err)
	}
	targets := map[string]string{}
	for _, sc := range prom.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			for _, target := range st.Targets {
				targets[sc.JobName] = target
			}
		}
	}
	for _, service := range services {
		_, admin := servicePorts(t, service)
		want := service + ":" + strconv.Itoa(admin) // the admin port: the API port serves no /metrics
		if targets[service] != want {
			t.Errorf("prometheus.yml scrapes %s at %q, its admin port is %d", service, targets[service], admin)
		}
	}
	compose := string(readFile(t, "docker-compose.yml"))
	for _, mount := range []string{"./infrastructure/observability/prometheus.yml", "./infrastructure/observability/alerts.yml", "./infrastructure/observability/grafana/provisioning",
		"./infrastructure/observability/grafana/dashboards"} {
		if !strings.Contains(compose, mount) {
			t.Errorf("docker-compose.yml does not mount %s", mount)
		}
	}
}

// fosSeries is the name of one of the system's own series in a query or in
// Go source.
var fosSeries = regexp.MustCompile(`fos_[a-z_]+`)

// Every fos_ series the dashboard queries is one the code defines, so that a
// renamed metric cannot leave a panel silently empty.
func TestDashboardQueriesOnlySeriesTheCodeDefines(t *testing.T) {
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(readFile(t, "infrastructure", "observability", "grafana", "dashboards", "saga.json"), &dash); err != nil {
		t.Fatal(err)
	}
	defined := definedSeries(t)
	if len(dash.Panels) < 8 {
		t.Fatalf("the dashboard has %d panels", len(dash.Panels))
	}
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			for _, name := range fosSeries.FindAllString(target.Expr, -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
				if !defined[name] && !defined[base] {
					t.Errorf("panel %q queries %s, which no Go code defines", p.Title, name)
				}
			}
		}
	}
}

// Every alert queries only series the code defines, waits a for: and says
// how bad it is and what to do; promtool (make lint) checks the PromQL and
// alerts_test.yml when each fires.
func TestAlertsAreActionable(t *testing.T) {
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(readFile(t, "infrastructure", "observability", "alerts.yml"), &rules); err != nil {
		t.Fatal(err)
	}
	defined := definedSeries(t)
	var names []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			names = append(names, r.Alert)
			for _, name := range fosSeries.FindAllString(r.Expr, -1) {
				if !defined[name] {
					t.Errorf("alert %s queries %s, which no Go code defines", r.Alert, name)
				}
			}
			if r.For == "" {
				t.Errorf("alert %s has no for:", r.Alert)
			}
			if s := r.Labels["severity"]; s != "warning" && s != "critical" {
				t.Errorf("alert %s severity %q, want warning or critical", r.Alert, s)
			}
			if len(r.Annotations["summary"]) < 20 || len(r.Annotations["description"]) < 100 {
				t.Errorf("alert %s needs a summary and a description that says what to do", r.Alert)
			}
		}
	}
	want := []string{"SagasStuck", "SagasFailed", "DeadLettersGrowing", "OutboxBehind", "OutboxRowsParked", "ConsumerLagging", "TargetDown"}
	if !slices.Equal(names, want) {
		t.Errorf("alerts %v, want %v", names, want)
	}
	tests := string(readFile(t, "infrastructure", "observability", "alerts_test.yml"))
	for _, name := range want {
		if !strings.Contains(tests, "alertname: "+name+"\n") {
			t.Errorf("alerts_test.yml does not test %s", name)
		}
	}
}

// definedSeries returns the fos_ series the repository's Go code (tests
// aside) names.
func definedSeries(t *testing.T) map[string]bool {
	t.Helper()
	defined := map[string]bool{}
	root := repoDir(t)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		for _, name := range fosSeries.FindAllString(string(readFile(t, strings.TrimPrefix(path, root))), -1) {
			defined[name] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return defined
}
