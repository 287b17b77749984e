package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Table renders every key of cfg as a Markdown table: the key, its
// environment variable and its default, the value the YAML file at path
// gives it ("" when the file leaves it to the code). The table in each
// service's README.md is this output, checked by the service's tests, so
// that it cannot drift from the struct.
func Table(path, envPrefix string, cfg any) (string, error) {
	v, err := readFile(path)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("| key | environment | default |\n|---|---|---|\n")
	for _, key := range Keys(cfg) {
		def := "unset"
		if v.IsSet(key.Path) {
			def = "`" + format(v.Get(key.Path)) + "`"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", key.Path, EnvName(envPrefix, key.Path), def)
	}
	return b.String(), nil
}

// format writes a YAML value the way its variable would spell it.
func format(value any) string {
	switch value := value.(type) {
	case []any:
		parts := make([]string, len(value))
		for i, item := range value {
			parts[i] = format(item)
		}
		return strings.Join(parts, ",")
	case map[string]any:
		parts := make([]string, 0, len(value))
		for _, name := range slices.Sorted(maps.Keys(value)) {
			parts = append(parts, name+"="+format(value[name]))
		}
		return strings.Join(parts, ",")
	default:
		return fmt.Sprint(value)
	}
}
