package repocheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeLink is a Markdown link to a path in the repository (not a URL, not
// an anchor).
var readmeLink = regexp.MustCompile(`\]\(([^)#:\s]+)\)`)

// codeSpan is inline code, where brackets are Go, not links.
var codeSpan = regexp.MustCompile("`[^`\n]*`")

// Every file or folder the README links to exists, so that the map of the
// walkthrough's classes to files stays true through renames.
func TestReadmeLinksPointAtFilesThatExist(t *testing.T) {
	readme := codeSpan.ReplaceAllString(string(readFile(t, "README.md")), "")
	links := readmeLink.FindAllStringSubmatch(readme, -1)
	if len(links) < 10 {
		t.Fatalf("found %d links in README.md; the class map alone has more", len(links))
	}
	for _, link := range links {
		path := link[1]
		if strings.HasPrefix(path, "http") {
			continue
		}
		if _, err := os.Stat(filepath.Join(repoDir(t), filepath.FromSlash(path))); err != nil {
			t.Errorf("README.md links to %s, which does not exist", path)
		}
	}
}
