package config

import "github.com/food-ordering-system/infrastructure/kafka"

// Topics names the topics the service reads and writes, and how they are
// created when missing.
type Topics struct {
	// RestaurantApprovalRequest is read: order-service's approval requests.
	RestaurantApprovalRequest string `mapstructure:"restaurant_approval_request"`
	// RestaurantApprovalResponse is written: the restaurant's answers.
	RestaurantApprovalResponse string `mapstructure:"restaurant_approval_response"`
	Partitions                 int32  `mapstructure:"partitions"`
	ReplicationFactor          int16  `mapstructure:"replication_factor"`
}

// settings lists each topic under its key.
func (t Topics) settings() []kafka.TopicSetting {
	return []kafka.TopicSetting{
		{Key: "topics.restaurant_approval_request", Name: t.RestaurantApprovalRequest},
		{Key: "topics.restaurant_approval_response", Name: t.RestaurantApprovalResponse},
	}
}

// Specs returns the topics to ensure at start.
func (t Topics) Specs() []kafka.TopicSpec {
	settings := t.settings()
	specs := make([]kafka.TopicSpec, len(settings))
	for i, s := range settings {
		specs[i] = kafka.TopicSpec{Name: s.Name, Partitions: t.Partitions, ReplicationFactor: t.ReplicationFactor}
	}
	return specs
}

// Validate reports a topic without a name, one name for two topics and
// negative partitions or replication.
func (t Topics) Validate() error {
	return kafka.ValidateTopics(t.settings(), t.Partitions, t.ReplicationFactor)
}
