package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// span is what the test reads of a span the log exporter wrote.
type span struct {
	Name        string
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ TraceID, SpanID string }
	Resource    []struct {
		Key   string
		Value struct{ Value any }
	}
	service string
}

// One order is one trace across the three processes: its spans, read from
// the services' logs (tracing.exporter log), all descend from the POST's
// server span without a gap, and the final reply's process span in
// order-service reaches it through every hop of the saga. It runs its own
// system, because the package's system runs with tracing off, as deployed
// by default.
func TestOneOrderIsOneTraceAcrossTheServices(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs PostgreSQL and Kafka (run without -short, e.g. make test)")
	}
	cfg, err := e2e.LocalConfig()
	require.NoError(t, err)
	cfg.Tracing, cfg.Logf = "log", t.Logf
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := e2e.StartSystem(ctx, cfg)
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = s.Stop(context.Background())
		}
		if !t.Failed() {
			_ = s.RemoveDir()
		}
	})

	order, _ := placeAndFollow(t, s, e2e.SampleOrder(newCustomer(t, s, kernel.MustParseMoney("500.00"))))
	require.Equal(t, kernel.OrderStatusApproved, order.OrderStatus)
	// Stopping flushes every span and closes the logs.
	require.NoError(t, s.Stop(ctx))
	stopped = true

	traceID := orderCreatedTraceID(t, s.LogFile("order-service"), order.OrderID.String())
	spans := map[string]span{}
	services := map[string]bool{}
	for _, service := range e2e.Services {
		for _, sp := range spansIn(t, s.LogFile(service), service) {
			if sp.SpanContext.TraceID == traceID {
				spans[sp.SpanContext.SpanID] = sp
				services[service] = true
			}
		}
	}
	require.Len(t, services, 3, "spans of the order's trace in each service: %v", services)

	var roots []span
	for _, sp := range spans {
		if _, ok := spans[sp.Parent.SpanID]; !ok {
			roots = append(roots, sp)
		}
	}
	require.Len(t, roots, 1, "one root; any other span whose parent is missing is a broken chain: %v", names(roots))
	root := roots[0]
	assert.Equal(t, "order-service", root.service)
	assert.Equal(t, "POST /orders", root.Name)
	assert.Equal(t, strings.Repeat("0", 16), root.Parent.SpanID, "the POST starts the trace")

	// The final reply, walked back to the POST.
	var final *span
	for _, sp := range spans {
		if sp.service == "order-service" && strings.HasPrefix(sp.Name, s.Topics["restaurant-approval-response"]+" process") {
			final = &sp
		}
	}
	require.NotNil(t, final, "order-service handled the restaurant's reply in the trace")
	var chain []string
	for sp, ok := *final, true; ok; sp, ok = spans[sp.Parent.SpanID] {
		if strings.HasSuffix(sp.Name, " publish") || strings.HasSuffix(sp.Name, " process") || sp.Name == "POST /orders" {
			chain = append(chain, sp.service+": "+strings.Replace(sp.Name, "-"+runSuffix(s), "", 1))
		}
	}
	assert.Equal(t, []string{
		"order-service: restaurant-approval-response process",
		"restaurant-service: restaurant-approval-response publish",
		"restaurant-service: restaurant-approval-request process",
		"order-service: restaurant-approval-request publish",
		"order-service: payment-response process",
		"payment-service: payment-response publish",
		"payment-service: payment-request process",
		"order-service: payment-request publish",
		"order-service: POST /orders",
	}, chain)
}

// runSuffix is the suffix the system gave its topics.
func runSuffix(s *e2e.System) string {
	return strings.TrimPrefix(s.Topics["payment-request"], "payment-request-")
}

func names(spans []span) []string {
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = sp.service + ": " + sp.Name
	}
	return out
}

// orderCreatedTraceID reads the trace_id of order-service's "order created"
// line about orderID.
func orderCreatedTraceID(t *testing.T, logFile, orderID string) string {
	t.Helper()
	for _, line := range lines(t, logFile) {
		var entry struct {
			Msg     string `json:"msg"`
			OrderID string `json:"order_id"`
			TraceID string `json:"trace_id"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "order created" && entry.OrderID == orderID {
			require.NotEmpty(t, entry.TraceID, "the order created line carries trace_id")
			return entry.TraceID
		}
	}
	t.Fatalf("no 'order created' line about order %s in %s", orderID, logFile)
	return ""
}

// spansIn reads the spans the log exporter wrote among a service's log
// lines.
func spansIn(t *testing.T, logFile, service string) []span {
	t.Helper()
	var out []span
	for _, line := range lines(t, logFile) {
		if !strings.HasPrefix(line, `{"Name":`) {
			continue
		}
		var sp span
		require.NoError(t, json.Unmarshal([]byte(line), &sp), line)
		sp.service = service
		for _, kv := range sp.Resource {
			if kv.Key == "service.name" {
				assert.Equal(t, service, kv.Value.Value, "the span names its service")
			}
		}
		out = append(out, sp)
	}
	return out
}

func lines(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	require.NoError(t, sc.Err())
	return out
}
