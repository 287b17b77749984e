package config

// Order holds the service's own limits.
type Order struct {
	// MaxItems is the most lines one order may have.
	MaxItems int `mapstructure:"max_items"`
}
