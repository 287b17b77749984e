package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/tools/dlq"
)

// outboxTables are the four outbox tables with their archives, where the
// cleaners move finished rows when archiving is on.
var outboxTables = []string{
	`"order".payment_outbox`, `"order".payment_outbox_archive`,
	`"order".order_approval_outbox`, `"order".order_approval_outbox_archive`,
	`payment.order_outbox`, `payment.order_outbox_archive`,
	`restaurant.order_outbox`, `restaurant.order_outbox_archive`,
}

// requestTables are order-service's outbox tables of requests, with their
// archives: the rows that carry a saga's status and that a saga withdraws.
var requestTables = outboxTables[:4]

// collect reads the facts of the scenario: every order its stream sent, by
// the tracking id order-service answered, with its customer's credit
// movements and the restaurant's answer; and the rows, sagas and records of
// those orders that ended parked, failed or withdrawn. Rows and records of
// other scenarios on the same system are left out: rows by their order,
// dead letters by their time.
func (r *Run) collect(ctx context.Context) (Facts, error) {
	f := Facts{FailedRows: map[string]int{}, Sent: map[uuid.UUID]bool{}}
	db := r.Sys.DB.WithContext(ctx)
	customers := make([]uuid.UUID, 0, len(r.customers))
	for _, c := range r.customers {
		customers = append(customers, c.id.UUID())
	}

	var orders []struct {
		ID              uuid.UUID
		TrackingID      uuid.UUID
		Price           string
		OrderStatus     string
		FailureMessages string
	}
	if err := db.Raw(`SELECT id, tracking_id, price::text AS price, order_status, failure_messages::text AS failure_messages
		FROM "order".orders WHERE customer_id IN ?`, customers).Scan(&orders).Error; err != nil {
		return f, fmt.Errorf("orders: %w", err)
	}
	var movements []struct {
		CustomerID uuid.UUID
		OrderID    *uuid.UUID
		Type       string
		Amount     string
	}
	if err := db.Raw(`SELECT customer_id, order_id, type, amount::text AS amount FROM payment.credit_history WHERE customer_id IN ?`,
		customers).Scan(&movements).Error; err != nil {
		return f, fmt.Errorf("credit history: %w", err)
	}
	var approvals []struct {
		OrderID uuid.UUID
		Status  string
	}
	var orderIDs []uuid.UUID
	var orderIDTexts []string
	for _, o := range orders {
		orderIDs = append(orderIDs, o.ID)
		orderIDTexts = append(orderIDTexts, o.ID.String())
	}
	if len(orderIDs) > 0 {
		if err := db.Raw(`SELECT order_id, status FROM restaurant.order_approval WHERE order_id IN ?`, orderIDs).Scan(&approvals).Error; err != nil {
			return f, fmt.Errorf("approvals: %w", err)
		}
	}
	var balances []struct {
		CustomerID uuid.UUID
		Credit     string
		History    string
	}
	if err := db.Raw(`SELECT e.customer_id, e.total_credit_amount::text AS credit,
			(SELECT COALESCE(sum(CASE WHEN h.type = 'CREDIT' THEN h.amount ELSE -h.amount END), 0)
			 FROM payment.credit_history h WHERE h.customer_id = e.customer_id)::text AS history
		FROM payment.credit_entry e WHERE e.customer_id IN ?`, customers).Scan(&balances).Error; err != nil {
		return f, fmt.Errorf("credit entries: %w", err)
	}

	byTracking := make(map[uuid.UUID]int, len(orders))
	for i, o := range orders {
		byTracking[o.TrackingID] = i
	}
	moved := map[uuid.UUID][]Movement{}
	unnamed := map[uuid.UUID]int{}
	for _, m := range movements {
		mv := Movement{Type: m.Type, Amount: kernel.MustParseMoney(m.Amount)}
		if m.OrderID == nil {
			unnamed[m.CustomerID]++
			continue
		}
		moved[*m.OrderID] = append(moved[*m.OrderID], mv)
	}
	approvalOf := map[uuid.UUID]string{}
	for _, a := range approvals {
		approvalOf[a.OrderID] = a.Status
	}

	r.mu.Lock()
	known := map[uuid.UUID]bool{}
	for _, o := range r.orders {
		if o.rejected {
			f.Rejected++
			continue
		}
		of := OrderFacts{TrackingID: o.trackingID, Path: o.path, Placement: o.placement}
		if i, ok := byTracking[o.trackingID.UUID()]; ok && !o.trackingID.IsZero() {
			row := orders[i]
			known[row.ID] = true
			of.Found = true
			of.OrderID = kernel.IDFromUUID[kernel.OrderID](row.ID)
			of.Price = kernel.MustParseMoney(row.Price)
			of.Status = kernel.OrderStatus(row.OrderStatus)
			if err := json.Unmarshal([]byte(row.FailureMessages), &of.FailureMessages); err != nil {
				r.mu.Unlock()
				return f, fmt.Errorf("failure messages of order %s: %w", row.ID, err)
			}
			of.Movements = moved[row.ID]
			of.Approval = approvalOf[row.ID]
		}
		f.Orders = append(f.Orders, of)
	}
	r.mu.Unlock()
	for _, o := range orders {
		if !known[o.ID] {
			f.UnknownOrders++
		}
	}
	for orderID, ms := range moved {
		if !known[orderID] {
			f.StrayMovements += len(ms)
		}
	}
	for _, n := range unnamed {
		f.StrayMovements += n - 1 // the initial credit CreateCustomer wrote
	}
	for _, b := range balances {
		f.Balances = append(f.Balances, Balance{Customer: kernel.IDFromUUID[kernel.CustomerID](b.CustomerID),
			Credit: kernel.MustParseMoney(b.Credit), History: kernel.MustParseMoney(b.History)})
	}
	if len(orderIDTexts) == 0 {
		err := r.deadLetters(ctx, &f)
		return f, err
	}

	for _, table := range outboxTables {
		var n int
		if err := db.Raw(`SELECT count(*) FROM `+table+` WHERE outbox_status = 'FAILED' AND payload->>'orderId' IN ?`,
			orderIDTexts).Scan(&n).Error; err != nil {
			return f, fmt.Errorf("failed rows of %s: %w", table, err)
		}
		f.FailedRows[table] = n
	}
	var sagas []uuid.UUID
	for _, table := range requestTables {
		for _, q := range []struct {
			what, sql string
			into      *[]uuid.UUID
		}{
			{"failed sagas", `SELECT DISTINCT saga_id FROM ` + table + ` WHERE saga_status = 'FAILED' AND payload->>'orderId' IN ?`, &sagas},
			{"withdrawn rows", `SELECT id FROM ` + table + ` WHERE outbox_status = 'WITHDRAWN' AND resends = 0 AND payload->>'orderId' IN ?`, &f.Withdrawn},
			{"published rows", `SELECT id FROM ` + table + ` WHERE outbox_status = 'COMPLETED' AND payload->>'orderId' IN ?`, &f.Published},
		} {
			var ids []uuid.UUID
			if err := db.Raw(q.sql, orderIDTexts).Scan(&ids).Error; err != nil {
				return f, fmt.Errorf("%s in %s: %w", q.what, table, err)
			}
			*q.into = append(*q.into, ids...)
		}
	}
	slices.SortFunc(sagas, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	f.FailedSagas = len(slices.Compact(sagas))
	if err := r.sentRequests(ctx, &f); err != nil {
		return f, err
	}
	// Filled in before f is returned: in `return f, r.deadLetters(ctx, &f)`
	// Go may copy f before the call adds the dead letters.
	err := r.deadLetters(ctx, &f)
	return f, err
}

// sentRequests reads the message id of every record on the request topics,
// from the oldest on. dlq.List reads any topic that way, not only
// dead-letter ones. It is called only when the scenario's orders exist, whose
// payment requests were sent: finding none means the reading is broken, and
// the check of the withdrawn requests with it.
func (r *Run) sentRequests(ctx context.Context, f *Facts) error {
	records, err := dlq.List(ctx, r.Sys.KafkaConfig(), []string{r.Sys.Topics["payment-request"], r.Sys.Topics["restaurant-approval-request"]})
	if err != nil {
		return fmt.Errorf("read the request topics: %w", err)
	}
	for _, rec := range records {
		var msg struct {
			ID uuid.UUID `json:"id"`
		}
		if json.Unmarshal([]byte(rec.Value), &msg) == nil {
			f.Sent[msg.ID] = true
		}
	}
	if len(f.Sent) == 0 {
		return errors.New("read no message id on the request topics")
	}
	return nil
}

// deadLetters reads the records parked on the system's dead-letter topics
// since the scenario began.
func (r *Run) deadLetters(ctx context.Context, f *Facts) error {
	existing, err := dlq.Topics(r.Sys.KafkaConfig())
	if err != nil {
		return err
	}
	var topics []string
	for _, t := range r.Sys.Topics {
		if slices.Contains(existing, t+kafka.DeadLetterSuffix) {
			topics = append(topics, t+kafka.DeadLetterSuffix)
		}
	}
	if len(topics) == 0 {
		return nil
	}
	letters, err := dlq.List(ctx, r.Sys.KafkaConfig(), topics)
	if err != nil {
		return err
	}
	for _, d := range letters {
		if !d.Timestamp.Before(r.start) {
			f.DeadLetters = append(f.DeadLetters, DeadLetter{Topic: d.Topic, Key: d.Key, Reason: d.Reason()})
		}
	}
	return nil
}
