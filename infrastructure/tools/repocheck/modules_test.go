package repocheck

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var modules = []string{"common", "infrastructure", "infrastructure/tools", "order-service", "payment-service", "restaurant-service"}

// goMod is what the check reads of a go.mod or go.work file.
type goMod struct {
	toolchain string
	requires  map[string]string // module path -> version
}

// parseGoMod reads the toolchain line and the require lines, alone or in a
// block, of a go.mod or go.work file.
func parseGoMod(text string) goMod {
	m := goMod{requires: map[string]string{}}
	inRequire := false
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case inRequire && f[0] == ")":
			inRequire = false
		case inRequire && len(f) == 2:
			m.requires[f[0]] = f[1]
		case f[0] == "require" && len(f) == 2 && f[1] == "(":
			inRequire = true
		case f[0] == "require" && len(f) == 3:
			m.requires[f[1]] = f[2]
		case f[0] == "toolchain" && len(f) == 2:
			m.toolchain = f[1]
		}
	}
	return m
}

// The six modules are built on their own (Docker, GOWORK=off) and together
// (the workspace): they agree on the version of every module they share and
// on the toolchain, so a bump past an advisory reaches every binary, and
// what the workspace tests is what the images ship.
func TestModulesAgreeOnVersionsAndToolchain(t *testing.T) {
	dir := repoDir(t)
	work, err := os.ReadFile(filepath.Join(dir, "go.work"))
	if err != nil {
		t.Fatal(err)
	}
	toolchain := parseGoMod(string(work)).toolchain
	if toolchain == "" {
		t.Error("go.work: no toolchain line naming the patched Go toolchain")
	}
	versions := map[string]map[string][]string{} // module path -> version -> the go.mod files requiring it
	for _, m := range modules {
		text, err := os.ReadFile(filepath.Join(dir, m, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		mod := parseGoMod(string(text))
		if mod.toolchain != toolchain {
			t.Errorf("%s/go.mod: toolchain %q, go.work says %q", m, mod.toolchain, toolchain)
		}
		for path, version := range mod.requires {
			if versions[path] == nil {
				versions[path] = map[string][]string{}
			}
			versions[path][version] = append(versions[path][version], m)
		}
	}
	for path, byVersion := range versions {
		if len(byVersion) > 1 {
			var uses []string
			for v, ms := range byVersion {
				uses = append(uses, v+" in "+strings.Join(ms, ", "))
			}
			sort.Strings(uses)
			t.Errorf("%s at more than one version: %s", path, strings.Join(uses, "; "))
		}
	}
}

// The parser reads both forms of require and skips comments.
func TestParseGoMod(t *testing.T) {
	m := parseGoMod("module x\n\ngo 1.26.0\n\ntoolchain go1.26.11\n\nrequire a.example/b v1.0.0\n\n" +
		"require (\n\tc.example/d v0.2.0 // indirect\n\te.example/f v1.2.3\n)\n")
	if m.toolchain != "go1.26.11" {
		t.Errorf("toolchain %q", m.toolchain)
	}
	want := map[string]string{"a.example/b": "v1.0.0", "c.example/d": "v0.2.0", "e.example/f": "v1.2.3"}
	if len(m.requires) != len(want) {
		t.Errorf("requires %v, want %v", m.requires, want)
	}
	for p, v := range want {
		if m.requires[p] != v {
			t.Errorf("%s: %q, want %q", p, m.requires[p], v)
		}
	}
}
