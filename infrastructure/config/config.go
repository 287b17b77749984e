// Package config loads a service's configuration once, at start, into a typed
// struct: defaults from the module's YAML file, each key overridable by an
// environment variable, the result validated before anything connects.
package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// Validator is implemented by configuration structs.
type Validator interface {
	Validate() error
}

// FileSuffix ends the name of a variable that names a file holding a key's
// value: ORDER_SERVICE_POSTGRES_PASSWORD_FILE=/run/secrets/db, the way
// container platforms hand out secrets.
const FileSuffix = "_FILE"

// Load reads the YAML file at path into out, lets the environment override
// any key, and validates the result. The variable for a key is the prefix and
// the key's path in upper case, joined by underscores: with prefix
// ORDER_SERVICE, postgres.host is ORDER_SERVICE_POSTGRES_HOST. Every key of
// out's struct has its variable, whether or not the file names the key.
// Lists are comma separated, maps are comma separated name=value pairs, and
// durations use Go's syntax ("250ms"). The variable with the suffix _FILE
// names a file whose content (without its final newline) is the value;
// setting both is an error.
func Load(path, envPrefix string, out Validator) error {
	if err := Decode(path, envPrefix, out); err != nil {
		return err
	}
	if err := out.Validate(); err != nil {
		return fmt.Errorf("config %s is invalid: %w", path, err)
	}
	return nil
}

// Decode is Load without the validation: the file and the environment read
// into out, which must be a pointer to a struct.
func Decode(path, envPrefix string, out any) error {
	v, err := readFile(path)
	if err != nil {
		return err
	}
	// viper's AutomaticEnv only looks up the keys the file names, so a key
	// left out of the file would ignore its variable without a word: every
	// key of the struct is bound instead.
	for _, key := range Keys(out) {
		name := EnvName(envPrefix, key.Path)
		if err := v.BindEnv(key.Path, name); err != nil {
			return fmt.Errorf("bind %s: %w", name, err)
		}
		value, fromFile, err := fileValue(name)
		if err != nil {
			return err
		}
		if fromFile {
			v.Set(key.Path, value)
		}
	}
	err = v.Unmarshal(out, func(dc *mapstructure.DecoderConfig) {
		dc.ErrorUnused = true
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
			stringToMapHook,
		)
	})
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

func readFile(path string) (*viper.Viper, error) {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	return v, nil
}

// fileValue reads the file that name_FILE names, if it is set.
func fileValue(name string) (string, bool, error) {
	file, ok := os.LookupEnv(name + FileSuffix)
	if !ok {
		return "", false, nil
	}
	if _, both := os.LookupEnv(name); both {
		return "", false, fmt.Errorf("both %s and %s%s are set: set one", name, name, FileSuffix)
	}
	content, err := os.ReadFile(file)
	if err != nil {
		return "", false, fmt.Errorf("%s%s: %w", name, FileSuffix, err)
	}
	value := strings.TrimSuffix(string(content), "\n")
	return strings.TrimSuffix(value, "\r"), true, nil
}

// EnvName is the variable that overrides key: ORDER_SERVICE and
// postgres.host give ORDER_SERVICE_POSTGRES_HOST.
func EnvName(envPrefix, key string) string {
	return envPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Key is one setting of a configuration struct: a field that is not itself a
// struct of settings.
type Key struct {
	// Path is the key in the YAML file, e.g. "kafka.tls.enabled".
	Path string
	// Type is the field's type.
	Type reflect.Type
	// Index finds the field with reflect.Value.FieldByIndex.
	Index []int
}

// Keys lists every setting of cfg, a struct or a pointer to one, in field
// order, named by their mapstructure tags.
func Keys(cfg any) []Key {
	t := reflect.TypeOf(cfg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return appendKeys(nil, t, "", nil)
}

func appendKeys(keys []Key, t reflect.Type, prefix string, index []int) []Key {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		path := prefix + name
		at := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() != "time" {
			keys = appendKeys(keys, f.Type, path+".", at)
			continue
		}
		keys = append(keys, Key{Path: path, Type: f.Type, Index: at})
	}
	return keys
}

// stringToMapHook reads a map[string]string from "name=value,name=value", the
// form a map takes in an environment variable.
func stringToMapHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to != reflect.TypeOf(map[string]string(nil)) {
		return data, nil
	}
	out := map[string]string{}
	s, _ := data.(string)
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for pair := range strings.SplitSeq(s, ",") {
		name, value, ok := strings.Cut(pair, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not name=value", pair)
		}
		out[name] = strings.TrimSpace(value)
	}
	return out, nil
}
