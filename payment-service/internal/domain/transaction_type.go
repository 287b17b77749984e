package domain

// TransactionType says whether a credit history entry took money from the
// customer's credit or gave it.
type TransactionType string

// Transaction types.
const (
	TransactionTypeDebit  TransactionType = "DEBIT"
	TransactionTypeCredit TransactionType = "CREDIT"
)

// Valid reports whether t is a declared transaction type.
func (t TransactionType) Valid() bool {
	return t == TransactionTypeDebit || t == TransactionTypeCredit
}
