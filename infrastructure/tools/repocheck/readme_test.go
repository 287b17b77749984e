package repocheck

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The READMEs are the map of the repository: the front door links to the one
// beside each part, and those to the files they describe. A link that a
// rename broke, a heading renamed under an anchor, or a make target the
// Makefile no longer has sends a reader nowhere, so every README.md is
// checked, wherever it lives.

var (
	// mdLink is an inline Markdown link or image: its target, without an
	// optional title.
	mdLink = regexp.MustCompile(`\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)`)
	// mdRefDef defines a reference link's label and target.
	mdRefDef = regexp.MustCompile(`^ {0,3}\[([^\]]+)\]:\s*(\S+)`)
	// mdRefUse is a reference link: [text][label].
	mdRefUse = regexp.MustCompile(`\]\[([^\]]+)\]`)
	// mdCodeSpan is inline code, where brackets are Go, not links.
	mdCodeSpan = regexp.MustCompile("`[^`\n]*`")
	// mdHeading is an ATX heading line.
	mdHeading = regexp.MustCompile(`^#{1,6}[ \t]+(.*?)[ \t#]*$`)
	// mdFence opens or closes a fenced code block.
	mdFence = regexp.MustCompile("^[ \t]*(```|~~~)")
	// mdInlineLink is a link inside a heading, whose text is what counts.
	mdInlineLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	// makeInBlock is a make command in a code block line: at its start (after
	// an optional prompt) or after a shell operator.
	makeInBlock = regexp.MustCompile(`(?:^\s*(?:\$\s+)?|[;&|(]\s*)make((?:[ \t]+[^\s;&|()]+)*)`)
	// makefileHelp is a target `make help` lists: a rule with a "## " text.
	makefileHelp = regexp.MustCompile(`(?m)^([a-z0-9-]+):.*## `)
	// makefileRule is a rule's target at the start of a Makefile line; an
	// assignment (:=, ::=) is not one.
	makefileRule = regexp.MustCompile(`(?m)^([A-Za-z0-9][A-Za-z0-9_-]*)\s*:(?:[^=]|$)`)
)

// markdown is what the README checks read from one file.
type markdown struct {
	// links are the targets of the links outside code.
	links []string
	// makes are the make commands in code spans and code blocks, from the
	// word after make.
	makes []string
	// anchors are the ids GitHub gives the file's headings.
	anchors map[string]bool
	// labels are the reference links' labels the file defines, and used
	// those it uses, in lower case.
	labels, used map[string]bool
}

// parseMarkdown reads links, make commands and heading anchors from content.
func parseMarkdown(content string) markdown {
	md := markdown{anchors: map[string]bool{}, labels: map[string]bool{}, used: map[string]bool{}}
	seen := map[string]int{}
	inFence := false
	for line := range strings.Lines(content) {
		line = strings.TrimRight(line, "\r\n")
		if mdFence.MatchString(line) {
			inFence = !inFence
			continue
		}
		if inFence {
			if !strings.HasPrefix(strings.TrimSpace(line), "#") {
				for _, m := range makeInBlock.FindAllStringSubmatch(line, -1) {
					md.makes = append(md.makes, m[1])
				}
			}
			continue
		}
		for _, span := range mdCodeSpan.FindAllString(line, -1) {
			if rest, ok := strings.CutPrefix(strings.Trim(span, "`"), "make "); ok {
				md.makes = append(md.makes, rest)
			}
		}
		prose := mdCodeSpan.ReplaceAllStringFunc(line, func(span string) string {
			return strings.NewReplacer("[", "", "]", "", "(", "", ")", "").Replace(span)
		})
		if m := mdRefDef.FindStringSubmatch(prose); m != nil {
			md.labels[strings.ToLower(m[1])] = true
			md.links = append(md.links, m[2])
			continue
		}
		for _, m := range mdLink.FindAllStringSubmatch(prose, -1) {
			md.links = append(md.links, m[1])
		}
		for _, m := range mdRefUse.FindAllStringSubmatch(prose, -1) {
			md.used[strings.ToLower(m[1])] = true
		}
		if m := mdHeading.FindStringSubmatch(line); m != nil {
			id := headingID(m[1])
			if n := seen[id]; n > 0 {
				md.anchors[fmt.Sprintf("%s-%d", id, n)] = true
			} else {
				md.anchors[id] = true
			}
			seen[id]++
		}
	}
	return md
}

// headingID is the anchor GitHub derives from a heading's text: the text as
// rendered, lower case, without punctuation other than hyphens and
// underscores, spaces turned into hyphens.
func headingID(text string) string {
	text = mdInlineLink.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// makeTarget is the target a make command names: its first word that is
// neither a flag nor a variable assignment ("" when there is none).
func makeTarget(args string) string {
	for _, word := range strings.Fields(args) {
		word = strings.Trim(word, "`'\"")
		if strings.HasPrefix(word, "-") || strings.Contains(word, "=") {
			continue
		}
		return strings.TrimRight(word, ".,;:)")
	}
	return ""
}

// makefileTargets returns the rules the Makefile at path defines.
func makefileTargets(t *testing.T, path string) map[string]bool {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range makefileRule.FindAllStringSubmatch(string(content), -1) {
		targets[m[1]] = true
	}
	return targets
}

// readmeFiles returns every README.md under root, as slash paths relative to
// it. Hidden directories (.git, the tool caches, local data) are not the
// repository's documentation and are skipped.
func readmeFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "README.md" {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// checkReadmes returns what is wrong in the READMEs under root: links to
// files or headings that do not exist, and make targets not in targets.
func checkReadmes(root string, targets map[string]bool) ([]string, error) {
	files, err := readmeFiles(root)
	if err != nil {
		return nil, err
	}
	parsed := map[string]markdown{}
	parse := func(rel string) (markdown, error) {
		if md, ok := parsed[rel]; ok {
			return md, nil
		}
		content, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return markdown{}, err
		}
		parsed[rel] = parseMarkdown(string(content))
		return parsed[rel], nil
	}
	var problems []string
	for _, readme := range files {
		md, err := parse(readme)
		if err != nil {
			return nil, err
		}
		for _, link := range md.links {
			if problem := checkLink(root, readme, link, parse); problem != "" {
				problems = append(problems, fmt.Sprintf("%s links to %s: %s", readme, link, problem))
			}
		}
		for label := range md.used {
			if !md.labels[label] {
				problems = append(problems, fmt.Sprintf("%s uses the link label [%s], which it does not define", readme, label))
			}
		}
		for _, args := range md.makes {
			if target := makeTarget(args); target != "" && !targets[target] {
				problems = append(problems, fmt.Sprintf("%s names make %s, which the Makefile does not define", readme, target))
			}
		}
	}
	return problems, nil
}

// checkLink returns what is wrong with link in readme, or "".
func checkLink(root, readme, link string, parse func(string) (markdown, error)) string {
	if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
		return ""
	}
	file, anchor, _ := strings.Cut(link, "#")
	target := readme
	if file != "" {
		if strings.HasPrefix(file, "/") {
			target = path.Clean(strings.TrimPrefix(file, "/"))
		} else {
			target = path.Join(path.Dir(readme), file)
		}
		if target == ".." || strings.HasPrefix(target, "../") {
			return "outside the repository"
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(target))); err != nil {
			return "no such file or directory"
		}
	}
	if anchor == "" {
		return ""
	}
	if !strings.HasSuffix(target, ".md") {
		return "an anchor into a file that is not Markdown"
	}
	md, err := parse(target)
	if err != nil {
		return err.Error()
	}
	if !md.anchors[anchor] {
		return fmt.Sprintf("%s has no heading #%s", target, anchor)
	}
	return ""
}

func TestEveryReadmeLinkAndMakeTargetExists(t *testing.T) {
	root := repoDir(t)
	files, err := readmeFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(files, "README.md") || len(files) < 2 {
		t.Fatalf("found the READMEs %v; the front door and the ones it links to are missing", files)
	}
	content := readFile(t, "README.md")
	if n := len(parseMarkdown(string(content)).links); n < 10 {
		t.Fatalf("found %d links in README.md; the class map alone has more", n)
	}
	problems, err := checkReadmes(root, makefileTargets(t, filepath.Join(root, "Makefile")))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// The check finds what it is there to find, and nothing where all is well.
func TestReadmeCheckCatchesBrokenLinksAndTargets(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", strings.Join([]string{
		"# Front door",
		"## Run it: `make run`",
		"[ok](svc/README.md) [ok](svc/README.md#the-api-get-x) [ok](#run-it-make-run) [ok](svc/main.go)",
		"[ok](svc/README.md#notes-1) [ok](https://example.com/missing.md) [ok](/svc/README.md#notes)",
		"[gone](svc/missing.go) [gone](svc/README.md#no-such-heading) [gone](#nowhere) [gone](svc/main.go#x)",
		"`[not a link](nowhere.go)`",
		"[ok][main] [gone][nolabel]",
		"",
		"[main]: svc/main.go",
		"[gonedef]: svc/missing.md",
		"`make run` `make RATE=5 load` `make ship`",
		"```sh",
		"# [not a link](nowhere.go)",
		"make test && make deploy",
		"$ make load WORKERS=2",
		"```",
	}, "\n"))
	write("svc/README.md", "# Service\n\n## The API: `GET /x`\n\n## Notes\n\n## Notes\n\n[up](../README.md#front-door) [out](../../x.md)\n")
	write("svc/main.go", "package main\n")
	write(".hidden/README.md", "[ignored](missing.md)\n")

	problems, err := checkReadmes(root, map[string]bool{"run": true, "load": true, "test": true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"README.md links to svc/missing.go: no such file or directory",
		"README.md links to svc/README.md#no-such-heading: svc/README.md has no heading #no-such-heading",
		"README.md links to #nowhere: README.md has no heading #nowhere",
		"README.md links to svc/main.go#x: an anchor into a file that is not Markdown",
		"README.md uses the link label [nolabel], which it does not define",
		"README.md links to svc/missing.md: no such file or directory",
		"README.md names make ship, which the Makefile does not define",
		"README.md names make deploy, which the Makefile does not define",
		"svc/README.md links to ../../x.md: outside the repository",
	}
	slices.Sort(problems)
	slices.Sort(want)
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

// The front door's table of make targets lists every target `make help`
// lists, so that a new target is not found only by reading the Makefile.
func TestFrontDoorListsEveryMakeTarget(t *testing.T) {
	readme := string(readFile(t, "README.md"))
	targets := makefileHelp.FindAllStringSubmatch(string(readFile(t, "Makefile")), -1)
	if len(targets) < 10 {
		t.Fatalf("found %d targets with a help text in the Makefile", len(targets))
	}
	for _, m := range targets {
		if !strings.Contains(readme, "| `make "+m[1]+"` |") {
			t.Errorf("README.md's table of make targets has no row for make %s", m[1])
		}
	}
}

func TestMakefileTargetsAreItsRules(t *testing.T) {
	targets := makefileTargets(t, filepath.Join(repoDir(t), "Makefile"))
	for _, name := range []string{"help", "run", "test", "lint", "infra-up"} {
		if !targets[name] {
			t.Errorf("the Makefile's rule %s was not found", name)
		}
	}
	for _, name := range []string{"GO", "MODULES", "PROMTOOL"} {
		if targets[name] {
			t.Errorf("the Makefile's variable %s was taken for a target", name)
		}
	}
}
