package repocheck

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const root = "github.com/food-ordering-system/"

var services = []string{"order-service", "payment-service", "restaurant-service"}

// repoDir is the repository root, three levels above this package.
func repoDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// layer names the layer a package of a service belongs to, from its path
// inside the module.
func layer(rel string) string {
	switch {
	case strings.HasPrefix(rel, "internal/domain"):
		return "domain"
	case strings.HasPrefix(rel, "internal/application/mocks"):
		return "mocks"
	case strings.HasPrefix(rel, "internal/application"):
		return "application"
	case strings.HasPrefix(rel, "internal/dataaccess"):
		return "dataaccess"
	case strings.HasPrefix(rel, "internal/messaging"):
		return "messaging"
	case strings.HasPrefix(rel, "internal/rest"):
		return "rest"
	case strings.HasPrefix(rel, "cmd"), rel == "internal/app", strings.HasPrefix(rel, "internal/app/"):
		// main and the app it runs: the only packages that know every other.
		return "cmd"
	}
	return "other"
}

// allowed says whether a non-test file of layer `from` in service may import
// path. It is the rule of architecture.md, written as a whitelist per layer so
// that a new dependency is a decision, not an accident.
func allowed(service, from, path string) (bool, string) {
	self := root + service + "/"
	isStd := !strings.Contains(strings.SplitN(path, "/", 2)[0], ".")
	inLayer := func(l string) bool {
		return strings.HasPrefix(path, self) && layer(strings.TrimPrefix(path, self)) == l
	}
	switch from {
	case "domain":
		if isStd || path == root+"common/kernel" || path == "github.com/shopspring/decimal" || inLayer("domain") {
			return true, ""
		}
		return false, "domain imports only the standard library, the shared kernel and the decimal library"
	case "application":
		switch {
		case isStd, path == root+"common/kernel", inLayer("domain"), inLayer("application"),
			path == root+"common/saga", path == root+"infrastructure/outbox", path == root+"infrastructure/logging",
			path == "go.uber.org/zap", path == "github.com/google/uuid", path == "github.com/shopspring/decimal":
			return true, ""
		}
		return false, "application imports domain and the saga/outbox types, never an adapter or its library"
	case "dataaccess", "messaging", "rest":
		for _, other := range []string{"dataaccess", "messaging", "rest", "cmd"} {
			if other != from && inLayer(other) {
				return false, "adapters never import each other"
			}
		}
		if inLayer("mocks") {
			return false, "mocks are for tests only"
		}
		return true, ""
	case "mocks", "cmd", "other":
		return true, ""
	}
	return true, ""
}

func TestDependencyRule(t *testing.T) {
	repo := repoDir(t)
	checked := 0
	for _, service := range services {
		moduleDir := filepath.Join(repo, service)
		if _, err := os.Stat(filepath.Join(moduleDir, "go.mod")); err != nil {
			t.Fatalf("%s: %v", service, err)
		}
		err := filepath.WalkDir(moduleDir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(moduleDir, path)
			from := layer(filepath.ToSlash(rel))
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if ok, why := allowed(service, from, p); !ok {
					t.Errorf("%s/%s (%s) imports %s: %s", service, rel, from, p, why)
				}
				checked++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked == 0 {
		t.Fatal("no imports were checked: the services' sources were not found")
	}
}

func TestDependencyRuleCatchesViolations(t *testing.T) {
	cases := []struct {
		from, path string
		ok         bool
	}{
		{"domain", "fmt", true},
		{"domain", root + "common/kernel", true},
		{"domain", root + "common/saga", false},
		{"domain", root + "common/contract", false},
		{"domain", "gorm.io/gorm", false},
		{"domain", root + "order-service/internal/application", false},
		{"application", root + "order-service/internal/domain", true},
		{"application", root + "infrastructure/outbox", true},
		{"application", root + "common/saga", true},
		{"application", root + "common/contract", false},
		{"application", root + "infrastructure/kafka", false},
		{"application", "github.com/IBM/sarama", false},
		{"application", "github.com/labstack/echo/v4", false},
		{"dataaccess", root + "order-service/internal/messaging", false},
		{"rest", root + "order-service/internal/application", true},
		{"messaging", root + "order-service/internal/application/mocks", false},
		{"cmd", root + "order-service/internal/dataaccess", true},
		{"messaging", root + "order-service/internal/app", false},
	}
	for _, c := range cases {
		ok, _ := allowed("order-service", c.from, c.path)
		if ok != c.ok {
			t.Errorf("allowed(%s -> %s) = %v, want %v", c.from, c.path, ok, c.ok)
		}
	}
}
