// Package metricstest reads what a /metrics endpoint or a registry holds, so
// that tests can check which series moved and by how much.
package metricstest

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
)

// Samples are the metric families of one scrape, by name.
type Samples map[string]*dto.MetricFamily

// Scrape GETs url, a /metrics endpoint, and parses its text exposition. It
// fails the test when the endpoint does not answer 200 or its answer does
// not parse.
func Scrape(tb testing.TB, url string) Samples {
	tb.Helper()
	s, err := TryScrape(url)
	if err != nil {
		tb.Fatalf("metricstest: %v", err)
	}
	return s
}

// TryScrape is Scrape that returns what went wrong, for tests that poll.
func TryScrape(url string) (Samples, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: parse: %w", url, err)
	}
	return families, nil
}

// Gather reads g directly, without HTTP. It fails the test when a collector
// reports an error.
func Gather(tb testing.TB, g prometheus.Gatherer) Samples {
	tb.Helper()
	families, err := g.Gather()
	if err != nil {
		tb.Fatalf("metricstest: gather: %v", err)
	}
	s := make(Samples, len(families))
	for _, f := range families {
		s[f.GetName()] = f
	}
	return s
}

// Value returns the sum of the series of name whose labels include labels
// (all of them, when labels is empty): the value of a counter or a gauge, the
// observation count of a histogram, or, for name_count and name_sum, that
// part of histogram name. A series that does not exist counts 0, like a
// counter not yet incremented.
func (s Samples) Value(name string, labels map[string]string) float64 {
	family, part := s[name], ""
	if family == nil {
		for _, suffix := range []string{"_count", "_sum"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && s[base] != nil {
				family, part = s[base], suffix
			}
		}
	}
	if family == nil {
		return 0
	}
	total := 0.0
	for _, m := range family.GetMetric() {
		if !matches(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Untyped != nil:
			total += m.GetUntyped().GetValue()
		case m.Histogram != nil && part == "_sum":
			total += m.GetHistogram().GetSampleSum()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}

// Has reports whether name has at least one series whose labels include
// labels.
func (s Samples) Has(name string, labels map[string]string) bool {
	family := s[name]
	if family == nil {
		return false
	}
	for _, m := range family.GetMetric() {
		if matches(m, labels) {
			return true
		}
	}
	return false
}

// Series lists the label sets of name's series, one "k=v,k=v" string each,
// sorted: what a failed assertion should print.
func (s Samples) Series(name string) []string {
	var out []string
	if family := s[name]; family != nil {
		for _, m := range family.GetMetric() {
			pairs := make([]string, 0, len(m.GetLabel()))
			for _, l := range m.GetLabel() {
				pairs = append(pairs, l.GetName()+"="+l.GetValue())
			}
			out = append(out, strings.Join(pairs, ","))
		}
	}
	sort.Strings(out)
	return out
}

func matches(m *dto.Metric, labels map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if want, ok := labels[l.GetName()]; ok {
			if want != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(labels)
}

// Delta is how much one series, or the sum of those matching Labels, is
// expected to move.
type Delta struct {
	Name   string
	Labels map[string]string
	By     float64
}

// AwaitDeltas scrapes url, a /metrics endpoint, until every series in want
// has moved by its delta since before, for at most within. It then fails
// the test for each series that has not, and returns the last scrape for
// further checks.
func AwaitDeltas(tb testing.TB, url string, before Samples, within time.Duration, want ...Delta) Samples {
	tb.Helper()
	var after Samples
	moved := func() bool {
		for _, d := range want {
			if after.Value(d.Name, d.Labels)-before.Value(d.Name, d.Labels) != d.By {
				return false
			}
		}
		return true
	}
	assert.Eventually(tb, func() bool {
		var err error
		if after, err = TryScrape(url); err != nil {
			return false
		}
		return moved()
	}, within, 50*time.Millisecond, "the series reach their deltas")
	for _, d := range want {
		assert.Equal(tb, d.By, after.Value(d.Name, d.Labels)-before.Value(d.Name, d.Labels), "%s%v", d.Name, d.Labels)
	}
	return after
}
