package config

// Topics names the topics the service reads and writes, and how they are
// created when missing.
type Topics struct {
	// PaymentRequest is read: requests from order-service.
	PaymentRequest string `mapstructure:"payment_request"`
	// PaymentResponse is written: the answers.
	PaymentResponse   string `mapstructure:"payment_response"`
	Partitions        int32  `mapstructure:"partitions"`
	ReplicationFactor int16  `mapstructure:"replication_factor"`
}
