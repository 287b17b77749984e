package config

import "github.com/food-ordering-system/infrastructure/kafka"

// Consumers configures the listeners of the two reply topics.
type Consumers struct {
	PaymentResponse            kafka.ConsumerConfig `mapstructure:"payment_response"`
	RestaurantApprovalResponse kafka.ConsumerConfig `mapstructure:"restaurant_approval_response"`
}
