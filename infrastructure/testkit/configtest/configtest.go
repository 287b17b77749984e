// Package configtest holds the checks every service runs against its
// configuration struct: each key's variable takes effect, and the table in
// the service's README.md lists each key.
package configtest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/config"
)

var update = flag.Bool("update-readme", false, "rewrite the configuration table in the service's README.md instead of comparing it")

// EveryKeyFromEnvironment sets the variable of every key of cfg (a pointer to
// the service's configuration struct) to a value the file at path does not
// give it, loads, and checks that each field holds its variable's value: a
// key the loader does not bind fails. With viaFile the values are written to
// files named by the <VAR>_FILE variables instead.
func EveryKeyFromEnvironment(t *testing.T, path, envPrefix string, cfg any, viaFile bool) {
	t.Helper()
	typ := reflect.TypeOf(cfg).Elem()
	base := reflect.New(typ)
	require.NoError(t, config.Decode(path, envPrefix, base.Interface()), "the file alone")

	keys := config.Keys(cfg)
	want := make([]reflect.Value, len(keys))
	dir := t.TempDir()
	for i, key := range keys {
		value, text := valueFor(t, key, i, base.Elem().FieldByIndex(key.Index))
		want[i] = value
		name := config.EnvName(envPrefix, key.Path)
		if !viaFile {
			t.Setenv(name, text)
			continue
		}
		file := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(file, []byte(text+"\n"), 0o600))
		t.Setenv(name+config.FileSuffix, file)
		t.Setenv(name, "")
		require.NoError(t, os.Unsetenv(name))
	}

	got := reflect.New(typ)
	require.NoError(t, config.Decode(path, envPrefix, got.Interface()))
	for i, key := range keys {
		assert.Equal(t, want[i].Interface(), got.Elem().FieldByIndex(key.Index).Interface(),
			"%s from %s", key.Path, config.EnvName(envPrefix, key.Path))
	}
	require.NotEmpty(t, keys)
}

// valueFor returns a value of key's type unlike old, the file's, and its
// spelling in a variable.
func valueFor(t *testing.T, key config.Key, i int, old reflect.Value) (reflect.Value, string) {
	t.Helper()
	v := reflect.New(key.Type).Elem()
	if key.Type == reflect.TypeOf(time.Duration(0)) {
		d := time.Duration(i+1)*time.Second + 123*time.Millisecond
		v.SetInt(int64(d))
		return v, d.String()
	}
	switch key.Type.Kind() {
	case reflect.String:
		v.SetString("env-" + key.Path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(100 + i))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(100 + i))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(0.25 + float64(i))
	case reflect.Bool:
		v.SetBool(!old.Bool())
	case reflect.Slice:
		if key.Type.Elem().Kind() != reflect.String {
			t.Fatalf("%s: teach configtest the type %s", key.Path, key.Type)
		}
		v = reflect.ValueOf([]string{fmt.Sprintf("env-a-%d", i), fmt.Sprintf("env-b-%d", i)})
		return v, strings.Join(v.Interface().([]string), ",")
	case reflect.Map:
		if key.Type != reflect.TypeOf(map[string]string(nil)) {
			t.Fatalf("%s: teach configtest the type %s", key.Path, key.Type)
		}
		name := fmt.Sprintf("env_name_%d", i)
		return reflect.ValueOf(map[string]string{name: "v" + strconv.Itoa(i), "other": "x"}),
			name + "=v" + strconv.Itoa(i) + ",other=x"
	default:
		t.Fatalf("%s: teach configtest the type %s", key.Path, key.Type)
	}
	return v, fmt.Sprint(v.Interface())
}

// READMETable checks that the README at readme (the service's own, beside its
// config.yaml) holds, between the lines
// "<!-- config table: service -->" and "<!-- end config table -->", the table
// config.Table renders for cfg. go test -update-readme writes it there.
func READMETable(t *testing.T, readme, service, path, envPrefix string, cfg any) {
	t.Helper()
	table, err := config.Table(path, envPrefix, cfg)
	require.NoError(t, err)
	content, err := os.ReadFile(readme)
	require.NoError(t, err)
	begin, end := "<!-- config table: "+service+" -->\n", "<!-- end config table -->"
	before, rest, found := strings.Cut(string(content), begin)
	require.True(t, found, "%s has no line %q", readme, strings.TrimSpace(begin))
	current, after, found := strings.Cut(rest, end)
	require.True(t, found, "%s: no %q after %q", readme, end, strings.TrimSpace(begin))
	if *update {
		require.NoError(t, os.WriteFile(readme, []byte(before+begin+table+end+after), 0o600))
		return
	}
	assert.Equal(t, table, current, "the configuration table in %s's README.md is not the struct's: go test -update-readme ./internal/config/ rewrites it", service)
}
