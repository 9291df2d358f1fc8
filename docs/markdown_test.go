package docs_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// shownBlock matches a fenced block that a document marks as the source of
// a function of this folder (<!-- code: NAME -->) or as the output of an
// Example (<!-- output: NAME -->).
var shownBlock = regexp.MustCompile("(?s)<!-- (code|output): (\\w+) -->\\s*```(\\w*)\\n(.*?)\\n```")

// imageLink matches a Markdown image with a relative path.
var imageLink = regexp.MustCompile(`!\[[^\]]*\]\(([^)#:]+)\)`)

// examples returns the source of every top-level function of the test files
// in dir, without its doc comment and without an Example's // Output:
// comment, and the expected output of every Example, by name.
func examples(t *testing.T, dir string) (sources, outputs map[string]string) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	sources, outputs = map[string]string{}, map[string]string{}
	var files []*ast.File
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			text := string(src[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset])
			if i := strings.Index(text, "\n\t// Output:"); i >= 0 {
				text = text[:i] + "\n}"
			}
			sources[fd.Name.Name] = text
		}
	}
	for _, ex := range doc.Examples(files...) {
		outputs["Example"+ex.Name] = strings.TrimSpace(ex.Output)
	}
	return sources, outputs
}

// TestDocumentsShowTheExamples checks that the documents show the code and
// the output of the Examples exactly: go test checks each Example's output
// against its // Output: comment, and this test checks every marked block
// of the documents against the Example's source and that comment. Every
// Example must be shown, and every image a document links to must exist.
func TestDocumentsShowTheExamples(t *testing.T) {
	sources, outputs := examples(t, ".")
	docs, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 2 {
		t.Fatalf("found the documents %v, want transposed-convolution.md and checkerboard.md", docs)
	}
	shown := map[string]bool{}
	for _, name := range docs {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		blocks := shownBlock.FindAllStringSubmatch(string(text), -1)
		// A record of measurements names the command that made it instead of
		// showing Examples: its numbers are not reproducible bit for bit.
		if len(blocks) == 0 && !strings.Contains(string(text), "<!-- measured by: ") {
			t.Errorf("%s shows no marked block and names no command that measured it", name)
		}
		for _, b := range blocks {
			kind, fn, lang, body := b[1], b[2], b[3], b[4]
			want, ok := sources[fn]
			if kind == "output" {
				want, ok = outputs[fn]
			}
			switch {
			case !ok:
				t.Errorf("%s shows the %s of %s, which this folder's tests do not have", name, kind, fn)
			case kind == "code" && lang != "go", kind == "output" && lang != "text":
				t.Errorf("%s shows the %s of %s in a block of language %q", name, kind, fn, lang)
			case body != want:
				t.Errorf("%s shows the %s of %s as\n%s\nbut it is\n%s", name, kind, fn, body, want)
			}
			shown[kind+" "+fn] = true
		}
		for _, l := range imageLink.FindAllStringSubmatch(string(text), -1) {
			if _, err := os.Stat(l[1]); err != nil {
				t.Errorf("%s links to the image %s: %v", name, l[1], err)
			}
		}
	}
	for fn := range outputs {
		for _, kind := range []string{"code", "output"} {
			if !shown[kind+" "+fn] {
				t.Errorf("no document shows the %s of %s", kind, fn)
			}
		}
	}
}
