// Package config loads a service's configuration once, at start, into a typed
// struct: defaults from the module's YAML file, each key overridable by an
// environment variable, the result validated before anything connects.
package config

import (
	"fmt"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// Validator is implemented by configuration structs.
type Validator interface {
	Validate() error
}

// Load reads the YAML file at path into out, lets the environment override
// any key, and validates the result. The variable for a key is the prefix and
// the key's path in upper case, joined by underscores: with prefix
// ORDER_SERVICE, postgres.host is ORDER_SERVICE_POSTGRES_HOST. Lists are
// comma separated and durations use Go's syntax ("250ms").
func Load(path, envPrefix string, out Validator) error {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return fmt.Errorf("read config %s: %w", path, err)
	}
	v.SetEnvPrefix(envPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	err := v.Unmarshal(out, func(dc *mapstructure.DecoderConfig) {
		dc.ErrorUnused = true
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
		)
	})
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if err := out.Validate(); err != nil {
		return fmt.Errorf("config %s is invalid: %w", path, err)
	}
	return nil
}
