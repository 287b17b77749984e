package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/food-ordering-system/common/kernel"
)

// DefaultPollInterval is how often the waits of Client ask for an order.
const DefaultPollInterval = 20 * time.Millisecond

// Client calls the REST APIs of the three services.
type Client struct {
	// OrderURL, PaymentURL and RestaurantURL are the services' base URLs,
	// e.g. http://127.0.0.1:8181.
	OrderURL, PaymentURL, RestaurantURL string
	// OrderAdminURL, PaymentAdminURL and RestaurantAdminURL are the base
	// URLs of the services' admin listeners, which serve the probes, the
	// metrics, the stuck sagas and the profiles, e.g. http://127.0.0.1:9181.
	OrderAdminURL, PaymentAdminURL, RestaurantAdminURL string
	// PollInterval is the pause between two reads of an order while waiting
	// for it (DefaultPollInterval when zero).
	PollInterval time.Duration
	// HTTP sends the requests.
	HTTP *http.Client
}

// NewClient returns a client of the services at the three base URLs, with a
// 10-second timeout per request and a connection pool sized for concurrent
// use.
func NewClient(orderURL, paymentURL, restaurantURL string) *Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	return &Client{
		OrderURL:      strings.TrimRight(orderURL, "/"),
		PaymentURL:    strings.TrimRight(paymentURL, "/"),
		RestaurantURL: strings.TrimRight(restaurantURL, "/"),
		PollInterval:  DefaultPollInterval,
		HTTP:          &http.Client{Timeout: 10 * time.Second, Transport: transport},
	}
}

// OrderRequest is the body of POST /orders.
type OrderRequest struct {
	CustomerID   kernel.CustomerID   `json:"customerId"`
	RestaurantID kernel.RestaurantID `json:"restaurantId"`
	Price        kernel.Money        `json:"price"`
	Items        []OrderItem         `json:"items"`
	Address      Address             `json:"address"`
}

// OrderItem is one line of an OrderRequest.
type OrderItem struct {
	ProductID kernel.ProductID `json:"productId"`
	Quantity  int              `json:"quantity"`
	Price     kernel.Money     `json:"price"`
	SubTotal  kernel.Money     `json:"subTotal"`
}

// Address is where an order is delivered.
type Address struct {
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
}

// CreatedOrder is order-service's 201 answer to POST /orders.
type CreatedOrder struct {
	OrderTrackingID kernel.TrackingID  `json:"orderTrackingId"`
	OrderStatus     kernel.OrderStatus `json:"orderStatus"`
	Message         string             `json:"message"`
}

// TrackedOrder is order-service's answer to GET /orders/{trackingId}.
type TrackedOrder struct {
	OrderID         kernel.OrderID     `json:"orderId"`
	OrderTrackingID kernel.TrackingID  `json:"orderTrackingId"`
	OrderStatus     kernel.OrderStatus `json:"orderStatus"`
	FailureMessages []string           `json:"failureMessages"`
}

// Final reports whether the order's saga has ended: APPROVED or CANCELLED.
func (o TrackedOrder) Final() bool {
	return o.OrderStatus == kernel.OrderStatusApproved || o.OrderStatus == kernel.OrderStatusCancelled
}

// Timeline is order-service's answer to GET /orders/{trackingId}/timeline:
// the steps of the order's saga, in the order they happened.
type Timeline struct {
	OrderID         kernel.OrderID     `json:"orderId"`
	OrderTrackingID kernel.TrackingID  `json:"orderTrackingId"`
	OrderStatus     kernel.OrderStatus `json:"orderStatus"`
	// Complete is false when the saga's requests were cleaned away.
	Complete bool           `json:"complete"`
	Steps    []TimelineStep `json:"steps"`
}

// TimelineStep is one step of a Timeline.
type TimelineStep struct {
	Step   string    `json:"step"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail"`
}

// StepNames returns the names of the timeline's steps, in order.
func (t Timeline) StepNames() []string {
	names := make([]string, len(t.Steps))
	for i, s := range t.Steps {
		names[i] = s.Step
	}
	return names
}

// CustomerCredit is payment-service's answer to
// GET /customers/{customerId}/credit.
type CustomerCredit struct {
	CustomerID        kernel.CustomerID `json:"customerId"`
	TotalCreditAmount kernel.Money      `json:"totalCreditAmount"`
	// History is oldest first.
	History []CreditMovement `json:"history"`
}

// Transaction types of the credit history.
const (
	Debit  = "DEBIT"
	Credit = "CREDIT"
)

// CreditMovement is one entry of a customer's credit history.
type CreditMovement struct {
	ID        kernel.CreditHistoryID `json:"id"`
	Amount    kernel.Money           `json:"amount"`
	Type      string                 `json:"type"`
	CreatedAt time.Time              `json:"createdAt"`
}

// HistoryBalance is what the history adds up to: credits minus debits. For a
// consistent customer it equals TotalCreditAmount.
func (c CustomerCredit) HistoryBalance() kernel.Money {
	balance := kernel.ZeroMoney
	for _, m := range c.History {
		switch m.Type {
		case Credit:
			balance = balance.Add(m.Amount)
		case Debit:
			balance = balance.Subtract(m.Amount)
		}
	}
	return balance
}

// MovementsSince returns the entries of c that are not in before, in c's
// order (oldest first).
func (c CustomerCredit) MovementsSince(before CustomerCredit) []CreditMovement {
	seen := make(map[kernel.CreditHistoryID]bool, len(before.History))
	for _, m := range before.History {
		seen[m.ID] = true
	}
	var added []CreditMovement
	for _, m := range c.History {
		if !seen[m.ID] {
			added = append(added, m)
		}
	}
	return added
}

// OrderApproval is restaurant-service's answer to
// GET /orders/{orderId}/approval.
type OrderApproval struct {
	OrderID             kernel.OrderID             `json:"orderId"`
	RestaurantID        kernel.RestaurantID        `json:"restaurantId"`
	OrderApprovalStatus kernel.OrderApprovalStatus `json:"orderApprovalStatus"`
	FailureMessages     []string                   `json:"failureMessages"`
}

// APIError is an answer other than the expected 2xx, with the service's
// {"code", "message"} body when it sent one.
type APIError struct {
	Method, URL string
	Status      int
	Code        string
	Message     string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.URL, e.Status, e.Code, e.Message)
}

// IsNotFound reports whether err is a 404 answer, e.g. no approval for an
// order the restaurant was never asked about.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound
}

// CreateOrder places an order: POST /orders.
func (c *Client) CreateOrder(ctx context.Context, order OrderRequest) (CreatedOrder, error) {
	var created CreatedOrder
	err := c.do(ctx, http.MethodPost, c.OrderURL+"/orders", order, http.StatusCreated, &created)
	return created, err
}

// CreateOrderWithKey places an order with an Idempotency-Key: POST /orders.
// replayed is true when order-service answered with the order an earlier
// request of the same key created (Idempotent-Replayed: true), false when
// this request created it. A client whose POST got no answer sends it again
// with the same key to learn what became of it.
func (c *Client) CreateOrderWithKey(ctx context.Context, order OrderRequest, key string) (created CreatedOrder, replayed bool, err error) {
	header := http.Header{"Idempotency-Key": []string{key}}
	answer, err := c.send(ctx, http.MethodPost, c.OrderURL+"/orders", header, order, http.StatusCreated, &created)
	return created, answer.Get("Idempotent-Replayed") == "true", err
}

// TrackOrder reads an order: GET /orders/{trackingId}.
func (c *Client) TrackOrder(ctx context.Context, trackingID kernel.TrackingID) (TrackedOrder, error) {
	var order TrackedOrder
	err := c.do(ctx, http.MethodGet, c.OrderURL+"/orders/"+trackingID.String(), nil, http.StatusOK, &order)
	return order, err
}

// OrderTimeline reads the steps of an order's saga:
// GET /orders/{trackingId}/timeline.
func (c *Client) OrderTimeline(ctx context.Context, trackingID kernel.TrackingID) (Timeline, error) {
	var timeline Timeline
	err := c.do(ctx, http.MethodGet, c.OrderURL+"/orders/"+trackingID.String()+"/timeline", nil, http.StatusOK, &timeline)
	return timeline, err
}

// CustomerCredit reads a customer's credit and its history:
// GET /customers/{customerId}/credit at payment-service.
func (c *Client) CustomerCredit(ctx context.Context, customerID kernel.CustomerID) (CustomerCredit, error) {
	var credit CustomerCredit
	err := c.do(ctx, http.MethodGet, c.PaymentURL+"/customers/"+customerID.String()+"/credit", nil, http.StatusOK, &credit)
	return credit, err
}

// OrderApproval reads the restaurant's answer about an order:
// GET /orders/{orderId}/approval at restaurant-service. An order the
// restaurant was never asked about is an error for which IsNotFound is true.
func (c *Client) OrderApproval(ctx context.Context, orderID kernel.OrderID) (OrderApproval, error) {
	var approval OrderApproval
	err := c.do(ctx, http.MethodGet, c.RestaurantURL+"/orders/"+orderID.String()+"/approval", nil, http.StatusOK, &approval)
	return approval, err
}

// AdminURL returns the base URL of service's admin listener ("" for a
// service it does not know).
func (c *Client) AdminURL(service string) string {
	return map[string]string{"order-service": c.OrderAdminURL, "payment-service": c.PaymentAdminURL,
		"restaurant-service": c.RestaurantAdminURL}[service]
}

// Ready asks each service's admin /readyz and reports every one that is not
// ready.
func (c *Client) Ready(ctx context.Context) error {
	var errs []error
	for _, service := range []string{"order-service", "payment-service", "restaurant-service"} {
		base := c.AdminURL(service)
		if base == "" {
			errs = append(errs, fmt.Errorf("%s: no admin URL to ask /readyz", service))
			continue
		}
		if err := c.do(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/readyz", nil, http.StatusOK, nil); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WaitReady calls Ready until it succeeds or timeout passes, and then returns
// the last error.
func (c *Client) WaitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		err := c.Ready(attempt)
		cancelAttempt()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("services not ready within %s: %w", timeout, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Observation is an order as seen at one moment while waiting for it.
type Observation struct {
	At    time.Time
	Order TrackedOrder
}

// WaitForStatus reads the order every PollInterval until its status is one
// of statuses (or, with none given, until it is final) and returns it. It
// gives up after timeout, with an error that says where the order stands.
func (c *Client) WaitForStatus(ctx context.Context, trackingID kernel.TrackingID, timeout time.Duration,
	statuses ...kernel.OrderStatus) (TrackedOrder, error) {
	return c.Follow(ctx, trackingID, timeout, nil, statuses...)
}

// Follow is WaitForStatus that also calls onChange (when not nil) with the
// first observation and with every observed change of the order's status,
// as it happens. A status that lasts less than PollInterval may pass unseen.
func (c *Client) Follow(ctx context.Context, trackingID kernel.TrackingID, timeout time.Duration,
	onChange func(Observation), statuses ...kernel.OrderStatus) (TrackedOrder, error) {
	done := func(o TrackedOrder) bool {
		if len(statuses) == 0 {
			return o.Final()
		}
		for _, s := range statuses {
			if o.OrderStatus == s {
				return true
			}
		}
		return false
	}
	interval := c.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()

	var last TrackedOrder
	seen := false
	for {
		order, err := c.TrackOrder(ctx, trackingID)
		switch {
		case err != nil && ctx.Err() == nil:
			return order, err
		case err == nil:
			if onChange != nil && (!seen || order.OrderStatus != last.OrderStatus) {
				onChange(Observation{At: time.Now(), Order: order})
			}
			last, seen = order, true
			if done(order) {
				return order, nil
			}
		}
		select {
		case <-ctx.Done():
			want := "a final status"
			if len(statuses) > 0 {
				want = fmt.Sprint(statuses)
			}
			if !seen {
				return last, fmt.Errorf("order %s: no answer within %s: %w", trackingID, timeout, ctx.Err())
			}
			return last, fmt.Errorf("order %s still %s after %s, waiting for %s", trackingID, last.OrderStatus, timeout, want)
		case <-ticker.C:
		}
	}
}

// do sends one request with an optional JSON body and decodes a JSON answer
// into out (when not nil) if its status is want.
func (c *Client) do(ctx context.Context, method, url string, body any, want int, out any) error {
	_, err := c.send(ctx, method, url, nil, body, want, out)
	return err
}

// send is do with extra request headers, returning the answer's headers
// (nil when there was no answer).
func (c *Client) send(ctx context.Context, method, url string, header http.Header, body any, want int, out any) (http.Header, error) {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encode body: %w", method, url, err)
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, reader)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	httpClient := c.HTTP
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.Header, fmt.Errorf("%s %s: read answer: %w", method, url, err)
	}
	if resp.StatusCode != want {
		apiErr := &APIError{Method: method, URL: url, Status: resp.StatusCode}
		var e struct{ Code, Message string }
		if json.Unmarshal(raw, &e) == nil && e.Message != "" {
			apiErr.Code, apiErr.Message = e.Code, e.Message
		} else {
			apiErr.Message = strings.TrimSpace(string(raw))
		}
		return resp.Header, apiErr
	}
	if out == nil {
		return resp.Header, nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return resp.Header, fmt.Errorf("%s %s: decode answer %q: %w", method, url, raw, err)
	}
	return resp.Header, nil
}
