package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/retry"
)

func TestClassify(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("save payment: %w", &pgconn.PgError{Code: code}) }
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want kafka.Class
	}{
		{"marked permanent", retry.Permanent(errors.New("bad record")), kafka.ClassPermanent},
		{"marked permanent wins over a transient cause", retry.Permanent(kernel.Errorf(kernel.ECodeUnavailable, "down")), kafka.ClassPermanent},
		{"decode failure", retry.Permanent(fmt.Errorf("decode: %w", errors.New("unexpected EOF"))), kafka.ClassPermanent},
		{"invalid", fmt.Errorf("handle: %w", kernel.Errorf(kernel.ECodeInvalid, "price has three decimals")), kafka.ClassPermanent},
		{"unavailable", kernel.Errorf(kernel.ECodeUnavailable, "database unavailable"), kafka.ClassTransient},
		{"conflict", kernel.Errorf(kernel.ECodeConflict, "order changed concurrently"), kafka.ClassConflict},
		{"unique violation reported as a race", kernel.WrapError(kernel.ECodeConflict, &pgconn.PgError{Code: "23505"}, "insert outbox row"), kafka.ClassConflict},
		{"not found has no class of its own", kernel.Errorf(kernel.ECodeNotFound, "no such order"), kafka.ClassUnknown},
		{"numeric overflow", pg("22003"), kafka.ClassPermanent},
		{"NUL in jsonb", pg("22P05"), kafka.ClassPermanent},
		{"invalid text representation", pg("22P02"), kafka.ClassPermanent},
		{"unique violation", pg("23505"), kafka.ClassPermanent},
		{"foreign key violation", pg("23503"), kafka.ClassPermanent},
		{"check violation", pg("23514"), kafka.ClassPermanent},
		{"connection failure", pg("08006"), kafka.ClassTransient},
		{"serialization failure", pg("40001"), kafka.ClassConflict},
		{"deadlock", pg("40P01"), kafka.ClassConflict},
		{"too many connections", pg("53300"), kafka.ClassTransient},
		{"admin shutdown", pg("57P01"), kafka.ClassTransient},
		{"cannot connect now", pg("57P03"), kafka.ClassTransient},
		{"undefined table", pg("42P01"), kafka.ClassUnknown},
		{"crash shutdown", pg("57P02"), kafka.ClassTransient},
		{"idle session timeout", pg("57P05"), kafka.ClassTransient},
		{"database dropped", pg("57P04"), kafka.ClassUnknown},
		{"connection does not exist", pg("08003"), kafka.ClassTransient},
		{"read-only transaction after a failover", pg("25006"), kafka.ClassTransient},
		{"lock timeout", pg("55P03"), kafka.ClassTransient},
		{"statement timeout", pg("57014"), kafka.ClassTransient},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), kafka.ClassTransient},
		{"connection refused", fmt.Errorf("connect: %w", refused), kafka.ClassTransient},
		{"uncoded", errors.New("something odd"), kafka.ClassUnknown},
		{"cancelled", context.Canceled, kafka.ClassUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, kafka.Classify(tt.err))
			assert.Equal(t, tt.want == kafka.ClassPermanent, kafka.IsPermanent(tt.err))
			assert.Equal(t, tt.want == kafka.ClassTransient, kafka.IsTransient(tt.err))
		})
	}
}
