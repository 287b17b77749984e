package config

// Topics names the topics the service reads and writes, and how missing ones
// are created.
type Topics struct {
	// RestaurantApprovalRequest is read: order-service's approval requests.
	RestaurantApprovalRequest string `mapstructure:"restaurant_approval_request"`
	// RestaurantApprovalResponse is written: the restaurant's answers.
	RestaurantApprovalResponse string `mapstructure:"restaurant_approval_response"`
	Partitions                 int32  `mapstructure:"partitions"`
	ReplicationFactor          int16  `mapstructure:"replication_factor"`
}
