package repocheck

import (
	"net"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Tracing is off in each service's config.yaml and turned on by docker
// compose, with the otlp exporter sending to the Jaeger service compose
// starts, on a port Jaeger publishes.
func TestComposeSendsEveryServiceTraceToJaeger(t *testing.T) {
	c := loadCompose(t)
	jaeger, ok := c.Services["jaeger"]
	if !ok {
		t.Fatal("compose has no jaeger service")
	}
	for _, port := range []string{"127.0.0.1:4318:4318", "127.0.0.1:16686:16686"} {
		if !slices.Contains(jaeger.Ports, port) {
			t.Errorf("compose jaeger does not publish %s (OTLP/HTTP, UI): %v", port, jaeger.Ports)
		}
	}
	for _, service := range services {
		var cfg struct {
			Tracing struct {
				Exporter string `yaml:"exporter"`
			} `yaml:"tracing"`
		}
		if err := yaml.Unmarshal(readFile(t, service, "config.yaml"), &cfg); err != nil {
			t.Fatalf("%s/config.yaml: %v", service, err)
		}
		if cfg.Tracing.Exporter != "none" {
			t.Errorf("%s/config.yaml tracing.exporter %q: tracing is off by default (none)", service, cfg.Tracing.Exporter)
		}
		prefix := strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_TRACING_"
		env := c.Services[service].Environment
		if env[prefix+"EXPORTER"] != "otlp" {
			t.Errorf("compose %s: %sEXPORTER = %q, want otlp", service, prefix, env[prefix+"EXPORTER"])
		}
		host, port, err := net.SplitHostPort(env[prefix+"ENDPOINT"])
		if err != nil || host != "jaeger" || !slices.Contains(jaeger.Ports, "127.0.0.1:"+port+":"+port) {
			t.Errorf("compose %s: %sENDPOINT = %q, want jaeger:<a port jaeger publishes>", service, prefix, env[prefix+"ENDPOINT"])
		}
	}
}
