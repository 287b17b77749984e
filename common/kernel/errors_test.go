package kernel_test

import (
	"errors"
	"testing"

	"github.com/food-ordering-system/common/kernel"
)

func TestInvalidAndInternalCarryTheRuleAndTheirCode(t *testing.T) {
	rule := errors.New("order is not in correct state")

	invalid := kernel.Invalid(rule, "Order %s is not in correct state for %s operation!", "o-1", "pay")
	internal := kernel.Internal(rule, "stored order %s is not valid", "o-1")

	if !errors.Is(invalid, rule) || !errors.Is(internal, rule) {
		t.Fatal("errors.Is does not find the rule")
	}
	if got := kernel.ErrorCodeOf(invalid); got != kernel.ECodeInvalid {
		t.Errorf("Invalid's code = %s", got)
	}
	if got := kernel.ErrorMessageOf(invalid); got != "Order o-1 is not in correct state for pay operation!" {
		t.Errorf("Invalid's user message = %q", got)
	}
	if got := kernel.ErrorCodeOf(internal); got != kernel.ECodeInternal {
		t.Errorf("Internal's code = %s", got)
	}
	if got := kernel.ErrorMessageOf(internal); got != "unexpected error" {
		t.Errorf("Internal's message reaches users: %q", got)
	}
}

func TestNotFoundAndDuplicateCarryTheirSentinelAndCode(t *testing.T) {
	cause := errors.New("unique violation")

	notFound := kernel.NotFound("find customer %s", "c-1")
	duplicate := kernel.Duplicate(cause, "save payment of order %s", "o-1")

	if !errors.Is(notFound, kernel.ErrNotFound) || kernel.ErrorCodeOf(notFound) != kernel.ECodeNotFound {
		t.Errorf("NotFound = %v, code %s", notFound, kernel.ErrorCodeOf(notFound))
	}
	if !errors.Is(duplicate, kernel.ErrDuplicate) || !errors.Is(duplicate, cause) || kernel.ErrorCodeOf(duplicate) != kernel.ECodeConflict {
		t.Errorf("Duplicate = %v, code %s", duplicate, kernel.ErrorCodeOf(duplicate))
	}
	if !errors.Is(kernel.Duplicate(nil, "x"), kernel.ErrDuplicate) {
		t.Error("Duplicate without a cause loses its sentinel")
	}
}
