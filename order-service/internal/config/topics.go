package config

import "github.com/food-ordering-system/infrastructure/kafka"

// Topics names the saga's topics (the contract's names by default) and how
// they are created when missing.
type Topics struct {
	PaymentRequest             string `mapstructure:"payment_request"`
	PaymentResponse            string `mapstructure:"payment_response"`
	RestaurantApprovalRequest  string `mapstructure:"restaurant_approval_request"`
	RestaurantApprovalResponse string `mapstructure:"restaurant_approval_response"`
	Partitions                 int32  `mapstructure:"partitions"`
	ReplicationFactor          int16  `mapstructure:"replication_factor"`
}

// Specs returns the topics to ensure at start.
func (t Topics) Specs() []kafka.TopicSpec {
	names := []string{t.PaymentRequest, t.PaymentResponse, t.RestaurantApprovalRequest, t.RestaurantApprovalResponse}
	specs := make([]kafka.TopicSpec, len(names))
	for i, name := range names {
		specs[i] = kafka.TopicSpec{Name: name, Partitions: t.Partitions, ReplicationFactor: t.ReplicationFactor}
	}
	return specs
}
