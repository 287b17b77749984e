package e2e_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// A tool is found at its default place below the repository or where the
// caller says, always as an absolute path; a missing one names the make
// target that installs it.
func TestLocateTool(t *testing.T) {
	repo := t.TempDir()
	tool := filepath.Join(repo, ".venv", "bin", "schemathesis")
	require.NoError(t, os.MkdirAll(filepath.Dir(tool), 0o755))
	require.NoError(t, os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o755))

	found, err := e2e.LocateTool(repo, "", ".venv/bin/schemathesis", "make api-test")
	require.NoError(t, err)
	assert.Equal(t, tool, found)

	t.Chdir(repo)
	found, err = e2e.LocateTool("/elsewhere", "./.venv/bin/schemathesis", ".venv/bin/schemathesis", "make api-test")
	require.NoError(t, err)
	assert.Equal(t, tool, found, "a relative path the caller gives is made absolute")

	_, err = e2e.LocateTool(repo, "", ".newman/node_modules/.bin/newman", "make postman")
	assert.ErrorContains(t, err, "newman not found (make postman installs it)")
}
