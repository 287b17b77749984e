package config

import "github.com/food-ordering-system/infrastructure/kafka"

// Consumers configures the consumer of each topic read, under the topic's
// key.
type Consumers struct {
	RestaurantApprovalRequest kafka.ConsumerConfig `mapstructure:"restaurant_approval_request"`
}
