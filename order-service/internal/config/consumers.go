package config

import "github.com/food-ordering-system/infrastructure/kafka"

// Consumers configures the consumer of each topic read, under the topic's
// key.
type Consumers struct {
	PaymentResponse            kafka.ConsumerConfig `mapstructure:"payment_response"`
	RestaurantApprovalResponse kafka.ConsumerConfig `mapstructure:"restaurant_approval_response"`
}
